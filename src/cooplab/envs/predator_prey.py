"""Predator-prey on a grid with limited sight: a prey is caught only by two predators.

The task of Böhmer, Kurin & Whiteson (2020, Deep Coordination Graphs) and
Rashid et al. (2020, Weighted QMIX), built on the "stag hunt" environment of
their code, stated here in full as cooplab implements it:

- ``predators`` agents and ``prey`` prey on a bounded ``size x size`` grid,
  on distinct uniformly drawn cells at the start of an episode.
- Actions: ``0 STAY, 1 UP (row - 1), 2 DOWN, 3 LEFT (col - 1), 4 RIGHT, 5 CATCH``.
  A move is available when its target is on the grid, CATCH when a prey is in
  one of the four neighbouring cells; a predator taken off the grid (below)
  can only STAY. An unavailable action is played as STAY (``strict=True``
  raises instead).
- Predators move first, all at once: a predator moves to its target unless
  the target held a predator or a prey at the start of the step or another
  predator targets the same cell; otherwise it stays.
- Then each prey with at least ``capture_agents`` (2) predators next to it
  (up, down, left, right) choosing CATCH is caught: it leaves the grid and the
  team gets ``capture_reward`` (10). With ``capture_freezes`` (the default,
  as in the papers) the predators that caught it leave the grid too, so
  eight predators catch at most four prey. A prey that some predator tries to
  catch with too few helpers costs the team ``miscapture_penalty`` (``p``;
  0 by default; the papers' hard setting, ``p = -2``, punishes the lone
  attempts that make relative overgeneralisation bite).
- Then every remaining prey moves to one of its free neighbouring cells
  (on the grid, no predator, no prey), uniformly; two prey aiming at one cell
  both stay, as does a prey with no free neighbour.
- The episode terminates when no prey is left or fewer than
  ``capture_agents`` predators are left on the grid (nothing more can be
  caught), and is truncated after ``episode_limit`` (200) steps.
- Observation of a predator: the ``(2 sight + 1)^2`` cells around it
  (``sight`` 2: a 5x5 square), three channels flattened channel-first:
  predators (itself included), prey, and off-grid cells. A predator off the
  grid observes zeros. The global state is the whole grid, two channels
  (predators, prey), flattened.
- Every predator gets the team reward.

Differences from the papers' code: moves are resolved at once by the rule
above rather than one predator at a time in a random order, and the episode
ends as soon as no capture is possible.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from cooplab.envs.base import EnvSpec, VectorEnv

__all__ = ["ACTIONS", "PredatorPrey"]

ACTIONS = ("STAY", "UP", "DOWN", "LEFT", "RIGHT", "CATCH")
CATCH = 5
_PREY_STREAM = 100


def _int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"predator_prey_v1: {name} must be an int >= {low}; got {value!r}")
    return int(value)


class PredatorPrey(VectorEnv):
    """Predator-prey with limited sight, ``num_envs`` at once (see the module notes).

    Parameters
    ----------
    num_envs, seed, strict
        See :class:`~cooplab.envs.base.VectorEnv`.
    size
        The grid is ``size x size``.
    predators, prey
        How many of each.
    sight
        Radius of each predator's square view.
    capture_agents
        Predators needed to catch a prey.
    capture_reward, miscapture_penalty
        Team reward per prey caught, and per prey tried with too few (``<= 0``).
    capture_freezes
        Whether catching takes the catchers off the grid.
    episode_limit
        The time limit.
    """

    def __init__(
        self,
        num_envs: int = 1,
        seed: int | Sequence[int] | None = None,
        *,
        size: int = 10,
        predators: int = 8,
        prey: int = 8,
        sight: int = 2,
        capture_agents: int = 2,
        capture_reward: float = 10.0,
        miscapture_penalty: float = 0.0,
        capture_freezes: bool = True,
        episode_limit: int = 200,
        strict: bool = False,
    ) -> None:
        size = _int("size", size, 2)
        n = _int("predators", predators, 1)
        m = _int("prey", prey, 1)
        s = _int("sight", sight, 0)
        need = _int("capture_agents", capture_agents, 1)
        limit = _int("episode_limit", episode_limit, 1)
        if n + m > size * size:
            raise ValueError(
                f"predator_prey_v1: {n} predators and {m} prey do not fit on a {size}x{size} grid"
            )
        if need > 4:
            raise ValueError("predator_prey_v1: at most 4 predators can stand next to a prey")
        for label, value, sign in (
            ("capture_reward", capture_reward, 1),
            ("miscapture_penalty", miscapture_penalty, -1),
        ):
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not np.isfinite(value)
                or value * sign < 0
            ):
                rule = ">= 0" if sign > 0 else "<= 0"
                raise ValueError(
                    f"predator_prey_v1: {label} must be a finite number {rule}; got {value!r}"
                )
        self.size, self.sight, self.n_prey = size, s, m
        self.capture_agents = need
        self.capture_reward = float(capture_reward)
        self.miscapture_penalty = float(miscapture_penalty)
        self.capture_freezes = bool(capture_freezes)
        window = (2 * s + 1) ** 2
        self.spec = EnvSpec(
            name="predator_prey_v1",
            n_agents=n,
            n_actions=6,
            obs_shape=(3 * window,),
            state_shape=(2 * size * size,),
            episode_limit=limit,
            reward_range=(self.miscapture_penalty * m, self.capture_reward * m),
            team_reward=True,
            obs_bounds=(0.0, 1.0),
            state_bounds=(0.0, 1.0),
            action_names=ACTIONS,
            params=(
                ("size", size),
                ("predators", n),
                ("prey", m),
                ("sight", s),
                ("capture_agents", need),
                ("capture_reward", self.capture_reward),
                ("miscapture_penalty", self.miscapture_penalty),
                ("capture_freezes", self.capture_freezes),
                ("episode_limit", limit),
            ),
        )
        super().__init__(num_envs, seed, strict=strict)
        b, cells = self.num_envs, size * size
        self.off = cells  # the cell index of "off the grid"
        self.predator_cell = np.zeros((b, n), np.int64)
        self.prey_cell = np.zeros((b, m), np.int64)
        r, c = np.arange(cells) // size, np.arange(cells) % size
        # Neighbour of each cell in each direction (UP, DOWN, LEFT, RIGHT); off-grid -> off.
        self._neighbour = np.full((cells + 1, 4), cells, np.int64)
        for k, (dr, dc) in enumerate(((-1, 0), (1, 0), (0, -1), (0, 1))):
            rr, cc = r + dr, c + dc
            ok = (rr >= 0) & (rr < size) & (cc >= 0) & (cc < size)
            self._neighbour[:cells, k] = np.where(ok, rr * size + cc, cells)
        # Observation windows: for each cell the window's cells, in a grid padded by
        # ``sight`` cells of wall; index ``pad_cells`` is "no agent" (all zeros).
        pw = size + 2 * s
        self._pad_cells = pw * pw
        rows_w = (r[:, None] + np.repeat(np.arange(2 * s + 1), 2 * s + 1)[None, :]) * pw
        cols_w = c[:, None] + np.tile(np.arange(2 * s + 1), 2 * s + 1)[None, :]
        self._window = np.concatenate(
            [rows_w + cols_w, np.full((1, window), self._pad_cells, np.int64)]
        )
        self._to_padded = np.append((r + s) * pw + (c + s), self._pad_cells)
        wall = np.full((pw, pw), 4, np.uint8)
        wall[s : s + size, s : s + size] = 0
        self._wall_code = np.append(wall.reshape(-1), 0).astype(np.uint8)
        self._ar = np.arange(b)

    # -- state helpers ------------------------------------------------------------------

    @property
    def predator_active(self) -> np.ndarray:
        """``(B, N)`` whether each predator is still on the grid."""
        return self.predator_cell != self.off

    @property
    def prey_alive(self) -> np.ndarray:
        """``(B, M)`` whether each prey is still on the grid."""
        return self.prey_cell != self.off

    def _occupancy(self, idx: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
        """Predator and prey counts per cell ``(K, cells + 1)`` (the last column: off-grid)."""
        pc, yc = self.predator_cell[idx], self.prey_cell[idx]
        k = pc.shape[0]
        width = self.off + 1
        base = np.arange(k)[:, None] * width
        pred = np.bincount((base + pc).ravel(), minlength=k * width).reshape(k, width)
        prey = np.bincount((base + yc).ravel(), minlength=k * width).reshape(k, width)
        return pred, prey

    def set_state(
        self,
        env: int,
        predators: Sequence[tuple[int, int] | None],
        prey: Sequence[tuple[int, int] | None],
    ) -> None:
        """Put environment ``env`` (after :meth:`reset`) in a given position, for tests.

        ``predators`` and ``prey`` list ``(row, col)`` or ``None`` (off the grid).
        """
        name, n, m = self.spec.name, self.spec.n_agents, self.n_prey
        if self._avail is None:
            raise RuntimeError(f"{name}: call reset() before set_state()")
        if len(predators) != n or len(prey) != m:
            raise ValueError(f"{name}: give {n} predator and {m} prey positions (or None)")
        cells = []
        for p in list(predators) + list(prey):
            if p is None:
                cells.append(self.off)
                continue
            r, c = p
            if not (0 <= r < self.size and 0 <= c < self.size):
                raise ValueError(f"{name}: cell ({r}, {c}) is off the {self.size}x{self.size} grid")
            cells.append(r * self.size + c)
        on = [x for x in cells if x != self.off]
        if len(set(on)) != len(on):
            raise ValueError(f"{name}: two animals on one cell")
        self.predator_cell[env] = cells[:n]
        self.prey_cell[env] = cells[n:]
        self._avail[env] = self._observe(np.array([env]))[2][0]

    # -- the VectorEnv hooks ------------------------------------------------------------

    def _reset_rows(self, idx: np.ndarray) -> None:
        n, m, cells = self.spec.n_agents, self.n_prey, self.size * self.size
        u = self._uniform(idx, 0, cells)
        first = np.argsort(u, axis=1)[:, : n + m]  # distinct cells, uniformly
        self.predator_cell[idx] = first[:, :n]
        self.prey_cell[idx] = first[:, n:]

    def _observe(self, idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        sel: np.ndarray | slice = slice(None) if idx is None else idx
        pc = self.predator_cell[sel]
        k, n = pc.shape
        cells = self.off
        pred, prey = self._occupancy(sel)
        prey[:, cells] = 0  # caught prey are nowhere, so next to no one
        state = np.empty((k, 2 * cells), np.float32)
        state[:, :cells] = pred[:, :cells]
        state[:, cells:] = prey[:, :cells]
        # Windows, gathered from one grid padded with walls whose cells hold a code:
        # 1 a predator, 2 a prey, 4 off the grid (the last cell, 0: "no agent").
        codes = np.repeat(self._wall_code[None, :], k, axis=0)
        codes[:, self._to_padded[:cells]] = pred[:, :cells] + 2 * prey[:, :cells]
        win = self._window[pc]  # (K, N, W)
        seen = codes[np.arange(k)[:, None, None], win]  # (K, N, W) codes
        w = win.shape[2]
        channels = np.empty((k, n, 3, w), np.float32)
        channels[:, :, 0] = seen & 1
        channels[:, :, 1] = (seen >> 1) & 1
        channels[:, :, 2] = seen >> 2
        obs = channels.reshape(k, n, 3 * w)
        # Available actions.
        nb = self._neighbour[pc]  # (K, N, 4)
        active = pc != cells
        avail = np.zeros((k, n, 6), bool)
        avail[..., 0] = True
        avail[..., 1:5] = (nb != cells) & active[:, :, None]
        prey_near = prey[np.arange(k)[:, None, None], nb]  # off-grid neighbours: column cells, 0
        avail[..., 5] = active & (prey_near.sum(axis=2) > 0)
        return obs, state, avail

    def _step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert self._avail is not None
        b, n = actions.shape
        m, cells = self.n_prey, self.off
        valid = np.take_along_axis(self._avail, actions[:, :, None], axis=2)[:, :, 0]
        a = np.where(valid, actions, 0)
        pc, yc = self.predator_cell, self.prey_cell
        pred, prey = self._occupancy(slice(None))
        # Predators: to the target unless it was occupied or is wanted by another predator.
        moving = (a >= 1) & (a <= 4)
        target = np.where(moving, self._neighbour[pc, np.clip(a - 1, 0, 3)], pc)
        ar = self._ar[:, None]
        occupied = (pred[ar, target] + prey[ar, target]) > 0
        same = (target[:, :, None] == target[:, None, :]).sum(axis=2) > 1
        go = moving & ~occupied & ~same
        pc = np.where(go, target, pc)
        # Captures: catchers next to each live prey.
        catchers = a == CATCH  # available only next to a prey and on the grid
        adjacent = (self._neighbour[yc][:, :, None, :] == pc[:, None, :, None]).any(axis=3)
        adjacent &= (yc != cells)[:, :, None]  # (B, M, N)
        helpers = (adjacent & catchers[:, None, :]).sum(axis=2)  # (B, M)
        caught = helpers >= self.capture_agents
        tried = (helpers > 0) & ~caught
        team = self.capture_reward * caught.sum(axis=1) + self.miscapture_penalty * tried.sum(
            axis=1
        )
        if caught.any():
            yc = np.where(caught, cells, yc)
            if self.capture_freezes:
                frozen = (adjacent & caught[:, :, None]).any(axis=1) & catchers
                pc = np.where(frozen, cells, pc)
        self.predator_cell = pc
        # Prey: each to a free neighbouring cell, uniformly; clashes stay.
        alive = yc != cells
        if alive.any():
            width = cells + 1
            base = ar * width
            pred_now = np.bincount((base + pc).ravel(), minlength=b * width).reshape(b, width)
            prey_now = np.bincount((base + yc).ravel(), minlength=b * width).reshape(b, width)
            nb = self._neighbour[yc]  # (B, M, 4)
            free = (nb != cells) & (pred_now[ar[:, :, None], nb] == 0)
            free &= prey_now[ar[:, :, None], nb] == 0
            free &= alive[:, :, None]
            u = self._uniform(self._ar, _PREY_STREAM, m).reshape(b, m)
            count = free.sum(axis=2)
            pick = np.minimum((u * count).astype(np.int64), np.maximum(count - 1, 0))
            # The pick-th free direction.
            rank = np.cumsum(free, axis=2) - 1
            choice = (free & (rank == pick[:, :, None])).argmax(axis=2)
            dest = np.where(count > 0, np.take_along_axis(nb, choice[:, :, None], 2)[..., 0], yc)
            clash = ((dest[:, :, None] == dest[:, None, :]) & alive[:, None, :]).sum(axis=2) > 1
            yc = np.where(alive & ~clash, dest, yc)
        self.prey_cell = yc
        terminated = ~(yc != cells).any(axis=1) | ((pc != cells).sum(axis=1) < self.capture_agents)
        reward = np.repeat(team.astype(np.float32)[:, None], n, axis=1)
        return reward, terminated
