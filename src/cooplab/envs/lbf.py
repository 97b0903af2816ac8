"""Level-based foraging (Albrecht & Ramamoorthy 2013), batched.

``N`` players with levels walk a ``rows x cols`` grid on which ``F`` food
items with levels lie. A food is collected when the players standing next to
it (up, down, left, right) and choosing LOAD in the same step have levels
summing to at least the food's level; each of them is paid its share. The
rules, observations and defaults follow the ``lbforaging`` package
(Christianos, Schäfer & Albrecht 2020, version 2.0.0, ``Foraging-8x8-2p-2f-v3``
and siblings):

- actions ``0 NONE, 1 NORTH (row - 1), 2 SOUTH, 3 WEST (col - 1), 4 EAST, 5 LOAD``;
  a move is available when the target cell is on the grid and holds no food,
  LOAD when a food is adjacent; an unavailable action is played as NONE (as
  ``lbforaging`` does) unless the environment is ``strict``;
- moves are resolved together: players whose targets coincide (staying
  players target their own cell) all stay; the others move. Like
  ``lbforaging``, a player may move into the cell of a player whose own move
  failed, so two players can share a cell until one leaves;
- loading: the loaders next to each food form its group; if the group's
  levels sum to at least the food's level the food disappears and member
  ``i`` gets ``level_i * food_level / (group_level * total_food_level)``
  (``normalize_reward``; the rewards of a whole episode sum to at most 1),
  otherwise every member loses ``penalty``;
- an episode starts with players on distinct uniformly drawn cells, levels
  uniform in ``min_player_level..max_player_level``, then foods placed one
  by one uniformly on interior cells (not on the border) that hold no player
  and have no food in the 3x3 square around them nor two cells away in a
  straight line; food levels are uniform in ``min_food_level..max_food_level``
  (``max_food_level=None``: the sum of the three lowest player levels), and
  ``force_coop`` sets every food to that maximum, so no player collects alone
  (with two players of level 1 and 2: level 3);
- observation of agent ``i`` (``3 F + 3 N`` numbers): the foods it sees (row,
  col, level) in row-major order, then itself and the players it sees in index
  order (row, col, level), padded with ``(-1, -1, 0)``. It sees the square of
  radius ``sight`` around it, coordinates relative to that square's corner as
  clipped at the grid's top and left edges (``lbforaging``'s rule, including
  its quirk that near those edges players up to ``2 sight`` cells away are
  seen);
- the episode terminates when every food is collected and is truncated after
  ``max_episode_steps`` (``lbforaging`` reports both as ``done``).

The global state for centralised training is every food (row, col, level;
``(-1, -1, 0)`` once collected) then every player (row, col, level), absolute.

Differences from ``lbforaging`` (deliberate, stated): randomness is
counter-based (:mod:`cooplab.envs.base`), so a seed gives different layouts
than the package's; players are placed on distinct cells directly rather
than by rejection sampling that also avoids the previous episode's
positions; food and player level ranges are scalars; the grid observation
(``grid_observation=True``) is not implemented. ``team_reward=True`` pays
every agent the sum of all agents' rewards (EPyMARL's common reward).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from cooplab.envs.base import EnvSpec, VectorEnv, counter_uniform

__all__ = ["ACTIONS", "LevelBasedForaging"]

ACTIONS = ("NONE", "NORTH", "SOUTH", "WEST", "EAST", "LOAD")
_DR = np.array([0, -1, 1, 0, 0, 0])
_DC = np.array([0, 0, 0, -1, 1, 0])
LOAD = 5


def _int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"level_based_foraging_v1: {name} must be an int >= {low}; got {value!r}")
    return int(value)


class LevelBasedForaging(VectorEnv):
    """Level-based foraging on a grid, ``num_envs`` at once (see the module notes).

    Parameters
    ----------
    num_envs, seed, strict
        See :class:`~cooplab.envs.base.VectorEnv`.
    size
        ``rows`` (int, square grid) or ``(rows, cols)``; ``lbforaging``'s ``field_size``.
    players
        ``N``.
    max_food
        ``F``, the food items placed per episode (``max_num_food``).
    sight
        Radius of each player's view; ``None`` means the whole grid.
    force_coop
        Every food at the highest level (needs several players).
    min_player_level, max_player_level, min_food_level, max_food_level
        Level ranges; ``max_food_level=None`` is the sum of the three lowest player levels.
    max_episode_steps
        The time limit (``spec.episode_limit``).
    normalize_reward, penalty, observe_agent_levels
        As in ``lbforaging``.
    team_reward
        Pay every agent the sum of the agents' rewards.
    name
        The spec's name (presets pass their own).
    """

    def __init__(
        self,
        num_envs: int = 1,
        seed: int | Sequence[int] | None = None,
        *,
        size: int | tuple[int, int] = 8,
        players: int = 2,
        max_food: int = 2,
        sight: int | None = None,
        force_coop: bool = False,
        min_player_level: int = 1,
        max_player_level: int = 2,
        min_food_level: int = 1,
        max_food_level: int | None = None,
        max_episode_steps: int = 50,
        normalize_reward: bool = True,
        penalty: float = 0.0,
        observe_agent_levels: bool = True,
        team_reward: bool = False,
        strict: bool = False,
        name: str = "level_based_foraging_v1",
    ) -> None:
        rows, cols = (size, size) if not isinstance(size, tuple | list) else tuple(size)
        rows, cols = _int("size", rows, 3), _int("size", cols, 3)
        n = _int("players", players, 1)
        f = _int("max_food", max_food, 1)
        if n > rows * cols:
            raise ValueError(f"{name}: {n} players do not fit on a {rows}x{cols} grid")
        s = max(rows, cols) if sight is None else _int("sight", sight, 1)
        lo_p = _int("min_player_level", min_player_level, 1)
        hi_p = _int("max_player_level", max_player_level, lo_p)
        lo_f = _int("min_food_level", min_food_level, 1)
        hi_f = None if max_food_level is None else _int("max_food_level", max_food_level, lo_f)
        limit = _int("max_episode_steps", max_episode_steps, 1)
        if not isinstance(penalty, numbers.Real) or not np.isfinite(penalty) or penalty < 0:
            raise ValueError(f"{name}: penalty must be a finite number >= 0; got {penalty!r}")
        self.rows, self.cols, self.sight = rows, cols, s
        self.n_food = f
        self.force_coop = bool(force_coop)
        self.player_levels_range = (lo_p, hi_p)
        self.food_levels_range = (lo_f, hi_f)
        self.normalize_reward = bool(normalize_reward)
        self.penalty = float(penalty)
        self.observe_agent_levels = bool(observe_agent_levels)
        self.team_reward = bool(team_reward)
        top_food = hi_f if hi_f is not None else hi_p * min(n, 3)
        self._player_dim = 3 if self.observe_agent_levels else 2
        # Per step an agent is next to at most one food. Normalised, its share is at
        # most 1 and so is the team's; unnormalised, it is paid level * food level.
        if self.team_reward:
            low = -self.penalty * n
            high = 1.0 if self.normalize_reward else float(n * hi_p * top_food)
        else:
            low = -self.penalty
            high = 1.0 if self.normalize_reward else float(hi_p * top_food)
        self.spec = EnvSpec(
            name=name,
            n_agents=n,
            n_actions=6,
            obs_shape=(3 * f + self._player_dim * n,),
            state_shape=(3 * f + 3 * n,),
            episode_limit=limit,
            reward_range=(low, high),
            team_reward=self.team_reward or n == 1,
            obs_bounds=(-1.0, float(max(rows - 1, cols - 1, top_food, hi_p))),
            state_bounds=(-1.0, float(max(rows - 1, cols - 1, top_food, hi_p))),
            action_names=ACTIONS,
            params=(
                ("size", (rows, cols)),
                ("players", n),
                ("max_food", f),
                ("sight", s),
                ("force_coop", self.force_coop),
                ("min_player_level", lo_p),
                ("max_player_level", hi_p),
                ("min_food_level", lo_f),
                ("max_food_level", hi_f),
                ("max_episode_steps", limit),
                ("normalize_reward", self.normalize_reward),
                ("penalty", self.penalty),
                ("observe_agent_levels", self.observe_agent_levels),
                ("team_reward", self.team_reward),
            ),
        )
        super().__init__(num_envs, seed, strict=strict)
        b, cells = self.num_envs, rows * cols
        self.full_sight = s >= max(rows, cols) - 1  # every agent sees the whole grid
        # The state, as arrays over the batch. Players by cell index (row * cols + col).
        self.player_cell = np.zeros((b, n), np.int64)
        self.player_level = np.zeros((b, n), np.int64)
        # Foods in row-major order of their cells (absent ones last, row = col = -1).
        self.food_row = np.full((b, f), -1, np.int64)
        self.food_col = np.full((b, f), -1, np.int64)
        self.food_level = np.zeros((b, f), np.int64)
        self.food_alive = np.zeros((b, f), bool)
        self.food_cell = np.full((b, f), cells, np.int64)  # cells: collected or absent
        self.food_spawned = np.zeros(b, np.int64)
        # Caches refreshed only where food changes: which actions each cell allows
        # (bit a set: action a available), the foods as the state shows them, and the
        # foods packed to the front as a full-sight observation shows them.
        self._cell_actions = np.zeros((b, cells), np.int64)
        self._food_state = np.zeros((b, 3 * f), np.float32)
        self._food_packed = np.zeros((b, 3 * f), np.float32)
        self._mask = np.zeros((b, n), np.int64)  # the available-action bits of each agent now
        self._block = self._blocking_table()
        # _adjacent[a, b]: cells a and b are neighbours (up, down, left, right); the
        # last row and column stand for "no cell".
        r_, c_ = np.divmod(np.arange(cells), cols)
        adjacent = np.zeros((cells + 1, cells + 1), bool)
        adjacent[:cells, :cells] = (
            np.abs(r_[:, None] - r_[None, :]) + np.abs(c_[:, None] - c_[None, :])
        ) == 1
        self._adjacent = adjacent
        self._grid_actions, self._food_effect = self._action_tables()
        self._border = np.ones((rows, cols), bool)
        self._border[1:-1, 1:-1] = False
        self._border = self._border.reshape(-1)
        # Agent i lists the players as: itself, then the others in index order.
        self._order = np.array([[i] + [j for j in range(n) if j != i] for i in range(n)])
        self._delta = np.array([0, -cols, cols, -1, 1, 0])
        self._bit_table = (np.arange(64)[:, None] >> np.arange(6)) & 1 == 1  # bits -> (6,) bool
        self._row_base = np.arange(b)[:, None] * cells
        self._ar = np.arange(b)
        self._next: dict[str, np.ndarray] | None = None  # the next episode's start, drawn ahead
        self._next_episode = np.zeros(b, np.uint64)

    @property
    def player_row(self) -> np.ndarray:
        """``(B, N)`` the players' rows."""
        return self.player_cell // self.cols

    @property
    def player_col(self) -> np.ndarray:
        """``(B, N)`` the players' columns."""
        return self.player_cell % self.cols

    def _action_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """Action bits per cell on an empty grid ``(R*C,)``, and ``(R*C + 1, R*C)``: for a
        food at a cell (the last row: no food), the move bits it removes from each cell
        and the LOAD bit (32) it adds there."""
        rows, cols = self.rows, self.cols
        r = np.arange(rows * cols) // cols
        c = np.arange(rows * cols) % cols
        grid = 1 + 2 * (r > 0) + 4 * (r < rows - 1) + 8 * (c > 0) + 16 * (c < cols - 1)
        effect = np.zeros((rows * cols + 1, rows * cols), np.int64)
        for q in range(rows * cols):
            qr, qc = divmod(q, cols)
            for bit, dr, dc in ((2, 1, 0), (4, -1, 0), (8, 0, 1), (16, 0, -1)):
                # The cell at (qr + dr, qc + dc) would move onto the food with this bit.
                rr, cc = qr + dr, qc + dc
                if 0 <= rr < rows and 0 <= cc < cols:
                    effect[q, rr * cols + cc] |= bit | 32
        return grid.astype(np.int64), effect

    def set_state(
        self,
        env: int,
        positions: Sequence[tuple[int, int]],
        levels: Sequence[int],
        foods: Sequence[tuple[int, int, int]],
        food_spawned: int | None = None,
    ) -> None:
        """Put environment ``env`` (after :meth:`reset`) in a given position, for tests.

        Parameters
        ----------
        env
            Which environment of the batch.
        positions, levels
            ``(row, col)`` and level of each player.
        foods
            ``(row, col, level)`` of at most ``max_food`` foods, on distinct cells.
        food_spawned
            The total food level rewards are normalised by (default: the foods' sum).
        """
        name, n, f = self.spec.name, self.spec.n_agents, self.n_food
        if self._avail is None:
            raise RuntimeError(f"{name}: call reset() before set_state()")
        if not 0 <= env < self.num_envs:
            raise ValueError(f"{name}: env must be in 0..{self.num_envs - 1}; got {env}")
        pos = np.asarray(positions, np.int64).reshape(-1, 2)
        lv = np.asarray(levels, np.int64).reshape(-1)
        fd = np.asarray(foods, np.int64).reshape(-1, 3)
        if pos.shape[0] != n or lv.shape[0] != n:
            raise ValueError(f"{name}: give a position and a level for each of {n} players")
        if fd.shape[0] > f:
            raise ValueError(f"{name}: at most {f} foods; got {fd.shape[0]}")
        for r, c in [(p[0], p[1]) for p in pos] + [(x[0], x[1]) for x in fd]:
            if not (0 <= r < self.rows and 0 <= c < self.cols):
                raise ValueError(f"{name}: cell ({r}, {c}) is off the {self.rows}x{self.cols} grid")
        if np.any(lv < 1) or np.any(fd[:, 2] < 1):
            raise ValueError(f"{name}: levels must be >= 1")
        cells = fd[:, 0] * self.cols + fd[:, 1]
        if len(set(cells.tolist())) != len(cells):
            raise ValueError(f"{name}: two foods on one cell")
        order = np.argsort(cells)
        fd = fd[order]
        k = fd.shape[0]
        self.player_cell[env] = pos[:, 0] * self.cols + pos[:, 1]
        self.player_level[env] = lv
        self.food_row[env] = -1
        self.food_col[env] = -1
        self.food_level[env] = 0
        self.food_alive[env] = False
        self.food_row[env, :k], self.food_col[env, :k], self.food_level[env, :k] = fd.T
        self.food_alive[env, :k] = True
        self.food_cell[env] = self.rows * self.cols
        self.food_cell[env, :k] = fd[:, 0] * self.cols + fd[:, 1]
        self.food_spawned[env] = int(fd[:, 2].sum()) if food_spawned is None else food_spawned
        rows = np.array([env])
        self._refresh_food(rows)
        self._avail[env] = self._observe(rows)[2][0]

    # -- episode start ------------------------------------------------------------------

    def _blocking_table(self) -> np.ndarray:
        """``(R*C, R*C)`` bool: the cells where no food may go once a food is at a cell."""
        rows, cols = self.rows, self.cols
        r = np.arange(rows * cols) // cols
        c = np.arange(rows * cols) % cols
        dr = np.abs(r[:, None] - r[None, :])
        dc = np.abs(c[:, None] - c[None, :])
        return ((dr <= 1) & (dc <= 1)) | ((dr == 2) & (dc == 0)) | ((dr == 0) & (dc == 2))

    _FIELDS = (
        "player_cell",
        "food_cell",
        "player_level",
        "food_row",
        "food_col",
        "food_level",
        "food_alive",
        "food_spawned",
        "_food_state",
        "_food_packed",
        "_cell_actions",
    )

    def _reset_rows(self, idx: np.ndarray) -> None:
        # An episode's start depends only on (key, episode number), so the next
        # episode of every environment is drawn ahead, in bulk, and a reset copies it:
        # drawing a few rows at a time costs as much as drawing them all.
        assert self._keys is not None
        if self._next is None or len(idx) == self.num_envs:
            self._next = self._spawn(self._keys, self._episode + np.uint64(1))
            self._next_episode = self._episode + np.uint64(1)
            start = self._spawn(self._keys[idx], self._episode[idx])
            for name in self._FIELDS:
                getattr(self, name)[idx] = start[name]
            return
        ready = self._next_episode[idx] == self._episode[idx]
        if not ready.all():
            late = idx[~ready]
            fresh = self._spawn(self._keys[late], self._episode[late])
            for name in self._FIELDS:
                self._next[name][late] = fresh[name]
        for name in self._FIELDS:
            getattr(self, name)[idx] = self._next[name][idx]
        stale = np.flatnonzero(self._next_episode != self._episode + np.uint64(1))
        if len(stale) >= max(1, self.num_envs // 8):
            ahead = self._spawn(self._keys[stale], self._episode[stale] + np.uint64(1))
            for name in self._FIELDS:
                self._next[name][stale] = ahead[name]
            self._next_episode[stale] = self._episode[stale] + np.uint64(1)

    def _spawn(self, keys: np.ndarray, episode: np.ndarray) -> dict[str, np.ndarray]:
        """The start of episode ``episode`` of the environments with ``keys``, ``(K,)`` each."""
        k, n, f = len(keys), self.spec.n_agents, self.n_food
        cells = self.rows * self.cols
        # One draw per episode start: cells for the players, their levels, and per
        # food its cell and its level.
        u = counter_uniform(keys, episode, np.zeros(k, np.int64), 0, cells + n + f * (cells + 1))
        # Players on distinct cells: the first n of a uniform random permutation.
        up = u[:, :cells]
        if n < cells:
            first = np.argpartition(up, n - 1, axis=1)[:, :n]
            first = np.take_along_axis(
                first, np.argsort(np.take_along_axis(up, first, axis=1), axis=1), axis=1
            )
        else:
            first = np.argsort(up, axis=1)
        lo, hi = self.player_levels_range
        levels = lo + np.floor(u[:, cells : cells + n] * (hi - lo + 1)).astype(np.int64)
        # Foods one at a time, each uniform over the cells still allowed.
        blocked = np.repeat(self._border[None, :], k, axis=0)
        ar = np.arange(k)
        blocked[ar[:, None], first] = True
        lo_f, hi_f = self.food_levels_range
        if hi_f is None:
            top = np.sort(levels, axis=1)[:, :3].sum(axis=1)
        else:
            top = np.full(k, hi_f, np.int64)
        bottom = top if self.force_coop else np.full(k, lo_f, np.int64)
        food_cell = np.zeros((k, f), np.int64)
        food_level = np.zeros((k, f), np.int64)
        for j in range(f):
            start = cells + n + j * (cells + 1)
            uf = np.where(blocked, -1.0, u[:, start : start + cells])
            cell = uf.argmax(axis=1)
            ok = uf[ar, cell] >= 0.0
            lvl = bottom + np.floor(u[:, start + cells] * (top - bottom + 1)).astype(np.int64)
            food_cell[:, j] = np.where(ok, cell, cells)
            food_level[:, j] = np.where(ok, lvl, 0)
            blocked |= self._block[cell] & ok[:, None]
        order = np.argsort(food_cell, axis=1, kind="stable")  # row-major; absent last
        food_cell = np.take_along_axis(food_cell, order, axis=1)
        food_level = np.take_along_axis(food_level, order, axis=1)
        alive = food_cell < cells
        out = {
            "player_cell": first,
            "food_cell": food_cell,
            "player_level": levels,
            "food_row": np.where(alive, food_cell // self.cols, -1),
            "food_col": np.where(alive, food_cell % self.cols, -1),
            "food_level": food_level,
            "food_alive": alive,
            "food_spawned": food_level.sum(axis=1),
        }
        out["_food_state"], out["_food_packed"], out["_cell_actions"] = self._food_views(
            out["food_row"], out["food_col"], food_level, alive
        )
        return out

    def _refresh_food(self, idx: np.ndarray) -> None:
        """Recompute the food views of environments ``idx`` after a meal."""
        state, packed, actions = self._food_views(
            self.food_row[idx], self.food_col[idx], self.food_level[idx], self.food_alive[idx]
        )
        self._food_state[idx], self._food_packed[idx], self._cell_actions[idx] = (
            state,
            packed,
            actions,
        )

    def _food_views(
        self, fr: np.ndarray, fc: np.ndarray, fl: np.ndarray, alive: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """From foods ``(K, F)``: the state's food part ``(K, 3F)``, the full-sight
        observation's ``(K, 3F)`` and the action bits of every cell ``(K, R*C)``."""
        k, f, rows, cols = len(fr), self.n_food, self.rows, self.cols
        state = np.stack(
            [np.where(alive, fr, -1), np.where(alive, fc, -1), np.where(alive, fl, 0)], axis=2
        ).astype(np.float32)
        # Full-sight observation: the live foods packed to the front, in row-major order.
        packed = np.empty((k, f + 1, 3), np.float32)
        packed[:] = (-1.0, -1.0, 0.0)
        slot = np.where(alive, np.cumsum(alive, axis=1) - 1, f)
        packed[np.arange(k)[:, None], slot] = state
        # Per cell, the actions it allows: the grid's own (NONE; moves that stay on
        # the grid) less the moves onto food, plus LOAD next to food.
        food_cell = np.where(alive, fr * cols + fc, rows * cols)
        blocked = np.bitwise_or.reduce(self._food_effect[food_cell], axis=1)
        actions = (self._grid_actions & ~blocked) | (blocked & 32)
        return state.reshape(k, 3 * f), packed[:, :f].reshape(k, 3 * f), actions

    # -- observation --------------------------------------------------------------------

    def _observe(self, idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cells = self.rows * self.cols
        if idx is None:
            cell, pl = self.player_cell, self.player_level
            rows_of: np.ndarray | slice = slice(None)
            flat = self._row_base + cell
        else:
            cell, pl = self.player_cell[idx], self.player_level[idx]
            rows_of = idx
            flat = idx[:, None] * cells + cell
        k, n, f = cell.shape[0], self.spec.n_agents, self.n_food
        pr, pc = np.divmod(cell, self.cols)
        state = np.empty((k, self.spec.state_shape[0]), np.float32)
        state[:, : 3 * f] = self._food_state[rows_of]
        players = state[:, 3 * f :].reshape(k, n, 3)
        players[..., 0], players[..., 1], players[..., 2] = pr, pc, pl
        mask = self._cell_actions.reshape(-1)[flat]  # (K, N) action bits
        avail = self._bit_table[mask]
        if idx is None:
            self._mask = mask
        else:
            self._mask[idx] = mask
        obs = np.empty((k, n, self.spec.obs_shape[0]), np.float32)
        d = self._player_dim
        if self.full_sight:
            obs[:, :, : 3 * f] = self._food_packed[rows_of][:, None, :]
            obs[:, :, 3 * f :] = players[:, self._order, :d].reshape(k, n, n * d)
            return obs, state, avail
        s = self.sight
        r0, c0 = np.maximum(pr - s, 0), np.maximum(pc - s, 0)
        fr, fc = self.food_row[rows_of], self.food_col[rows_of]
        frel = fr[:, None, :] - r0[:, :, None]
        fcrel = fc[:, None, :] - c0[:, :, None]
        seen = (
            self.food_alive[rows_of][:, None, :]
            & (frel >= 0)
            & (fcrel >= 0)
            & (fr[:, None, :] <= (pr + s)[:, :, None])
            & (fc[:, None, :] <= (pc + s)[:, :, None])
        )
        fl = np.broadcast_to(self.food_level[rows_of][:, None, :], seen.shape)
        obs[:, :, : 3 * f] = _pack(seen, (frel, fcrel, fl), 3).reshape(k, n, 3 * f)
        ordered = players[:, self._order]  # (K, N, N, 3)
        prel = ordered[..., 0] - r0[:, :, None]
        pcrel = ordered[..., 1] - c0[:, :, None]
        pseen = (np.minimum(prel, pcrel) >= 0) & (np.maximum(prel, pcrel) <= 2 * s)
        obs[:, :, 3 * f :] = _pack(pseen, (prel, pcrel, ordered[..., 2]), d).reshape(k, n, n * d)
        return obs, state, avail

    # -- dynamics -----------------------------------------------------------------------

    def _step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        valid = (self._mask >> actions) & 1
        a = actions * valid  # an unavailable action is NONE (0), as in lbforaging
        cell = self.player_cell
        target = cell + self._delta[a]
        # Players whose targets coincide all stay (a staying player targets its cell).
        count = (target[:, :, None] == target[:, None, :]).sum(axis=2)
        self.player_cell = cell = np.where(count == 1, target, cell)
        loaders = a == LOAD
        if not loaders.any():
            reward = np.zeros(cell.shape, np.float32)
        else:
            reward = self._load(cell, loaders)
        if self.team_reward:
            reward = np.repeat(reward.sum(axis=1, keepdims=True), reward.shape[1], axis=1)
        terminated = ~self.food_alive.any(axis=1)
        return reward, terminated

    def _load(self, cell: np.ndarray, loaders: np.ndarray) -> np.ndarray:
        """Rewards ``(B, N)`` of this step's loading; removes the foods collected."""
        rows = np.flatnonzero(loaders.any(axis=1))
        cell, loaders = cell[rows], loaders[rows]
        fcell = self.food_cell[rows]  # collected or absent foods: the sentinel, next to nothing
        fl = self.food_level[rows]
        group = (
            self._adjacent[cell[:, :, None], fcell[:, None, :]] & loaders[:, :, None]
        )  # (K, N, F)
        level = self.player_level[rows]
        group_level = (group * level[:, :, None]).sum(axis=1)  # (K, F)
        tried = group.any(axis=1)
        success = tried & (group_level >= fl)
        if self.normalize_reward:
            share = fl / (
                np.maximum(group_level, 1) * np.maximum(self.food_spawned[rows], 1)[:, None]
            )
        else:
            share = fl.astype(np.float64)  # lbforaging pays level * food_level unnormalised
        paid = (group * np.where(success, share, 0.0)[:, None, :]).sum(axis=2) * level
        if self.penalty:
            paid -= self.penalty * (group & (tried & ~success)[:, None, :]).any(axis=2)
        reward = np.zeros(self.player_cell.shape, np.float32)
        reward[rows] = paid
        eaten = success.any(axis=1)
        if eaten.any():
            self.food_alive[rows] &= ~success
            self.food_cell[rows] = np.where(success, self.rows * self.cols, fcell)
            self._refresh_food(rows[eaten])
        return reward


def _pack(seen: np.ndarray, values: tuple[np.ndarray, ...], d: int) -> np.ndarray:
    """Entries of ``values`` where ``seen``, packed to the front of the last axis.

    ``seen`` and each value are ``(K, N, S)``; returns ``(K, N, S, d)`` float32
    with the unfilled slots ``(-1, -1, 0)``.
    """
    k, n, slots = seen.shape
    out = np.empty((k, n, slots + 1, d), np.float32)
    out[:] = (-1.0, -1.0, 0.0)[:d]
    slot = np.where(seen, np.cumsum(seen, axis=2) - 1, slots)  # unseen: a spare slot
    vals = np.stack(values[:d], axis=3).astype(np.float32, copy=False)
    out[np.arange(k)[:, None, None], np.arange(n)[None, :, None], slot] = vals
    return out[:, :, :slots]
