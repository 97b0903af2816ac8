"""The gridworld engine shared by the sequential social dilemmas.

Every game of :mod:`cooplab.envs.ssd` is a :class:`GridEnv`: ``B`` copies of one
map, ``N`` bodies each (the agents, plus a scripted prey in Wolfpack), all
state held as arrays:

- ``pos (B, N)``: flat cell index of every body on the *padded* grid (the map
  surrounded by a border of walls as wide as the longest view or beam, so a
  view or a beam never needs a bounds check);
- ``ori (B, N)``: orientation, ``0..3`` = north, east, south, west;
- ``timeout (B, N)``: steps left outside the map after being tagged (0: present);
- the game's resources as arrays over their cells (apples ``(B, P)``, waste ...).

One step (the order of Melting Pot's avatars: move, turn, then fire; Leibo et
al. 2017; Vinitsky et al. 2019's ``map_env.py``):

1. moves, egocentric (forward, backward, strafe left/right), blocked by walls;
   bodies that want the same cell are served in a random priority order drawn
   afresh each step, and a body cannot move into a cell another body keeps,
   nor swap cells with another (:func:`resolve_moves`);
2. turns;
3. the game's pick-ups (an apple under a body is eaten: reward 1);
4. beams from the new position and orientation: ``beam_width`` lanes either
   side of the agent's column and ``beam_length`` cells ahead, each lane stopped
   by the first wall (the side lanes start beside the agent, as in
   ``map_env.update_map_fire``); a body in a beam is hit: it pays
   ``hit_penalty``, and after ``hits_to_tag`` hits it leaves the map for
   ``tag_out_time`` steps, then comes back at a random free spawn point;
   the firer pays ``fire_cost``;
5. the game's own dynamics (regrowth, waste).

Observations are egocentric windows (``view``: cells ahead, behind, left and
right of the agent, rotated with it, as in the papers), one-hot by channel,
``(B, N, rows, columns, channels)`` float32; an agent outside the map sees
zeros and can only take the no-op.

All randomness is drawn through :meth:`VectorEnv._uniform` (counter-based), so
environment ``i`` of a batch evolves exactly as a single environment with its key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from cooplab.envs.base import EnvSpec, VectorEnv
from cooplab.envs.ssd import _compiled
from cooplab.envs.ssd.maps import GridMap

__all__ = [
    "ACTION_NAMES",
    "BACKWARD",
    "CLEAN",
    "FIRE",
    "FORWARD",
    "NOOP",
    "STEP_LEFT",
    "STEP_RIGHT",
    "TURN_LEFT",
    "TURN_RIGHT",
    "Code",
    "GridEnv",
    "View",
    "resolve_engine",
    "resolve_moves",
]

ENGINES = ("auto", "numpy", "numba")


def resolve_engine(name: str, engine: str) -> str:
    """The engine that ``engine`` (``"auto"``, ``"numpy"`` or ``"numba"``) stands for."""
    if engine not in ENGINES:
        raise ValueError(f"{name}: engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    if engine == "numpy":
        return "numpy"
    if _compiled.available():
        return "numba"
    if engine == "numba":
        raise ImportError(
            f"{name}: engine='numba' needs numba (pip install 'cooplab[fast]'); "
            "engine='auto' falls back to numpy"
        )
    return "numpy"


# Actions, in Melting Pot's order (commons_harvest__open.py ACTION_SET), plus CLEAN.
NOOP, FORWARD, BACKWARD, STEP_LEFT, STEP_RIGHT, TURN_LEFT, TURN_RIGHT, FIRE, CLEAN = range(9)
ACTION_NAMES = (
    "noop",
    "forward",
    "backward",
    "step_left",
    "step_right",
    "turn_left",
    "turn_right",
    "fire",
    "clean",
)


class Code:
    """Cell codes of the rendered grid (``uint8``)."""

    EMPTY, WALL, APPLE, WASTE, RIVER, STREAM, AGENT, BEAM, CLEAN_BEAM, PREY = range(10)
    N = 10


# the codes the compiled observation kernel paints: agent, prey, beam, cleaning beam,
# and the all-zero row of an absent agent's view
_BODY_CODES = np.array([Code.AGENT, Code.PREY, Code.BEAM, Code.CLEAN_BEAM, Code.N], np.int64)


@dataclass(frozen=True)
class View:
    """An egocentric window: cells ``forward`` ahead, ``backward`` behind, ``left``/``right``.

    The default is Melting Pot's avatar view (``commons_harvest__open.py``:
    left 5, right 5, forward 9, backward 1): an 11 x 11 window.
    """

    forward: int = 9
    backward: int = 1
    left: int = 5
    right: int = 5

    def __post_init__(self) -> None:
        for name in ("forward", "backward", "left", "right"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"View.{name} must be a non-negative integer; got {v!r}")

    @property
    def shape(self) -> tuple[int, int]:
        return (self.forward + self.backward + 1, self.left + self.right + 1)

    @property
    def extent(self) -> int:
        return max(self.forward, self.backward, self.left, self.right)


def resolve_moves(
    pos: npt.NDArray[np.int64],
    proposed: npt.NDArray[np.int64],
    present: npt.NDArray[np.bool_],
    priority: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Simultaneous moves on a grid, conflicts settled by priority.

    Parameters
    ----------
    pos, proposed
        ``(B, N)`` current and wanted cells (flat indices; a blocked or absent
        body proposes its own cell).
    present
        ``(B, N)``: bodies on the map (absent ones occupy nothing).
    priority
        ``(B, N)`` distinct numbers; the higher wins a contested cell.

    Returns
    -------
    ``(B, N)`` the cells after the step. A mover falls back to its cell when
    its target is kept by a body that does not move, wanted by a mover of
    higher priority, or held by a body that wants its cell (no swaps through
    each other). Falling back is repeated until nothing changes (at most
    ``N`` rounds, since each round sends back at least one mover), so chains
    of movers following each other all succeed.
    """
    n = pos.shape[1]
    new = np.where(present, proposed, pos)
    others = present[:, None, :] & ~np.eye(n, dtype=bool)[None]
    higher = priority[:, None, :] > priority[:, :, None]  # [b, i, j]: j outranks i
    swap = (
        (new[:, :, None] == pos[:, None, :]) & (new[:, None, :] == pos[:, :, None]) & others
    ).any(axis=2)
    for _ in range(n + 1):
        moving = new != pos
        if not moving.any():
            break
        same = (new[:, :, None] == new[:, None, :]) & others
        lose = (same & (~moving[:, None, :] | higher)).any(axis=2)
        back = moving & (lose | swap)
        if not back.any():
            break
        new = np.where(back, pos, new)
        swap &= ~back
    return new


class GridEnv(VectorEnv):
    """A batched gridworld social dilemma (see the module notes).

    Subclasses set the class attributes and implement the resource hooks
    (:meth:`_reset_resources`, :meth:`_paint`, :meth:`_pick_up`,
    :meth:`_after_beams`, :meth:`_grow`).

    Parameters
    ----------
    gmap
        The parsed map.
    n_agents
        Learning agents (the map needs at least as many spawn points as bodies).
    num_envs, seed, strict
        As for :class:`~cooplab.envs.base.VectorEnv`.
    view
        The egocentric window.
    episode_limit
        Steps per episode (a time limit: episodes end ``truncated``).
    beam_length, beam_width
        Cells ahead and lanes either side of the firing beam.
    fire_cost, hit_penalty
        Reward the firer pays per shot and a body hit pays per hit.
    hits_to_tag, tag_out_time
        Hits that tag a body out, and the steps it then stays out (0: never).
    engine
        ``"numpy"`` (whole-array operations), ``"numba"`` (the compiled kernels
        of :mod:`cooplab.envs.ssd._compiled`, the same numbers faster; needs the
        ``fast`` extra) or ``"auto"`` (numba when it imports).
    """

    name: ClassVar[str] = ""
    #: Channel of each cell code in observations; -1: not shown.
    channels: ClassVar[dict[int, int]] = {}
    n_channels: ClassVar[int] = 0
    action_count: ClassVar[int] = 8
    n_npcs: ClassVar[int] = 0  # scripted bodies after the agents (Wolfpack's prey)

    def __init__(
        self,
        gmap: GridMap,
        n_agents: int,
        num_envs: int = 1,
        seed: int | Sequence[int] | None = None,
        *,
        strict: bool = False,
        view: View | None = None,
        episode_limit: int = 1000,
        beam_length: int = 5,
        beam_width: int = 1,
        fire_cost: float = 0.0,
        hit_penalty: float = 0.0,
        hits_to_tag: int = 1,
        tag_out_time: int = 0,
        params: dict[str, Any] | None = None,
        engine: str = "auto",
    ) -> None:
        view = view if view is not None else View()
        if not isinstance(view, View):
            raise TypeError(f"{self.name}: view must be a View; got {type(view).__name__}")
        for label, v, lo in (
            ("n_agents", n_agents, 1),
            ("episode_limit", episode_limit, 1),
            ("beam_length", beam_length, 0),
            ("beam_width", beam_width, 0),
            ("hits_to_tag", hits_to_tag, 1),
            ("tag_out_time", tag_out_time, 0),
        ):
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < lo:
                raise ValueError(f"{self.name}: {label} must be an integer >= {lo}; got {v!r}")
        for label, x in (("fire_cost", fire_cost), ("hit_penalty", hit_penalty)):
            if isinstance(x, bool) or not isinstance(x, int | float) or not np.isfinite(x):
                raise ValueError(f"{self.name}: {label} must be a finite number; got {x!r}")
        n_bodies = int(n_agents) + self.n_npcs
        if len(gmap.spawn_points) < n_bodies:
            raise ValueError(
                f"{self.name}: the map has {len(gmap.spawn_points)} spawn points 'P'; "
                f"{n_bodies} bodies need one each"
            )
        self.engine = resolve_engine(self.name, engine)
        self.gmap, self.view = gmap, view
        self.n_bodies = n_bodies
        self.beam_length, self.beam_width = int(beam_length), int(beam_width)
        self.fire_cost, self.hit_penalty = float(fire_cost), float(hit_penalty)
        self.hits_to_tag, self.tag_out_time = int(hits_to_tag), int(tag_out_time)
        self._build_layout()
        vh, vw = view.shape
        h, w = gmap.shape
        self.spec = EnvSpec(
            name=self.name,
            n_agents=int(n_agents),
            n_actions=self.action_count,
            obs_shape=(vh, vw, self.n_channels),
            state_shape=(h, w, self.n_channels),
            episode_limit=int(episode_limit),
            reward_range=(
                -(self.fire_cost + self.hit_penalty * (int(n_agents) - 1)),
                self._max_reward(),
            ),
            team_reward=False,
            obs_bounds=(0.0, 1.0),
            state_bounds=(0.0, 1.0),
            action_names=ACTION_NAMES[: self.action_count],
            params=tuple(sorted((params or {}).items())),
        )
        super().__init__(num_envs, seed, strict=strict)
        b = self.num_envs
        self.pos = np.zeros((b, n_bodies), np.int64)
        self.ori = np.zeros((b, n_bodies), np.int64)
        self.timeout = np.zeros((b, n_bodies), np.int64)
        self.hits = np.zeros((b, n_bodies), np.int64)
        self._beam = np.full((b, self.spec.n_agents, self._beam_off.shape[1]), -1, np.int64)
        self._clean_beam = np.full_like(self._beam, -1)
        self.events: dict[str, np.ndarray] = {}
        self._zero_events()
        self._out: tuple[np.ndarray, np.ndarray] | None = None
        # the compiled observations paint the map as render_codes does, from _layers:
        # a subclass that paints otherwise is observed with numpy
        cls = type(self)
        self._paints_layers = (
            cls._paint is GridEnv._paint and cls.render_codes is GridEnv.render_codes
        )

    # -- geometry ---------------------------------------------------------------------

    def _build_layout(self) -> None:
        h, w = self.gmap.shape
        pad = max(self.view.extent, self.beam_length + 1, 2) + 1
        self.pad = pad
        hp, wp = h + 2 * pad, w + 2 * pad
        self.padded_shape = (hp, wp)
        base = np.full((hp, wp), Code.WALL, np.uint8)
        inner = np.full((h, w), Code.EMPTY, np.uint8)
        inner[self.gmap.chars == "@"] = Code.WALL
        inner[self.gmap.chars == "S"] = Code.STREAM
        base[pad : pad + h, pad : pad + w] = inner
        self.base = base.reshape(-1)
        self.wall = self.base == Code.WALL
        rr, cc = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
        self.interior = ((rr + pad) * wp + (cc + pad)).reshape(-1)
        dirs = np.array([-wp, 1, wp, -1], np.int64)  # north, east, south, west
        self._dirs = dirs
        # move[action, ori]: flat displacement (egocentric moves)
        move = np.zeros((self.action_count, 4), np.int64)
        for o in range(4):
            move[FORWARD, o] = dirs[o]
            move[BACKWARD, o] = dirs[(o + 2) % 4]
            move[STEP_LEFT, o] = dirs[(o + 3) % 4]
            move[STEP_RIGHT, o] = dirs[(o + 1) % 4]
        self._move = move
        turn = np.zeros(self.action_count, np.int64)
        turn[TURN_LEFT], turn[TURN_RIGHT] = -1, 1
        self._turn = turn
        # view offsets [ori, cell]: row 0 is the farthest ahead, column 0 the leftmost
        v = self.view
        vh, vw = v.shape
        ii, jj = np.meshgrid(np.arange(vh), np.arange(vw), indexing="ij")
        ahead, side = (v.forward - ii).reshape(-1), (jj - v.left).reshape(-1)
        self._view_off = np.stack([ahead * dirs[o] + side * dirs[(o + 1) % 4] for o in range(4)])
        # beam offsets [ori, lane * length + k]
        lanes = np.arange(-self.beam_width, self.beam_width + 1)
        ks = np.arange(1, self.beam_length + 1)
        offs = []
        for o in range(4):
            f, r = dirs[o], dirs[(o + 1) % 4]
            lane_off = lanes[:, None] * r + (ks[None, :] - (lanes[:, None] != 0)) * f
            offs.append(lane_off.reshape(-1))
        self._beam_off = np.stack(offs).astype(np.int64)
        self._beam_lanes = (len(lanes), self.beam_length)
        self.spawn_cells = np.array([self.flat(r, c) for r, c in self.gmap.spawn_points], np.int64)
        n_codes = Code.N
        # one extra all-zero row (code n_codes): what an agent outside the map sees
        table = np.zeros((n_codes + 1, self.n_channels), np.float32)
        for code, ch in self.channels.items():
            if ch >= 0:
                table[code, ch] = 1.0
        self._table = table
        # the same rows as 1-3 opaque units of the widest type that divides a row,
        # for the compiled kernel (a row of 4 channels is one 16-byte move)
        row_bytes = table.shape[1] * 4
        unit = next(
            t for t in (np.complex128, np.uint64, np.uint32) if row_bytes % t().itemsize == 0
        )
        self._table_units = table.view(unit)
        # the same rows as one opaque item each, so a cell's one-hot vector is copied
        # by a single 1-D gather (several times faster than np.take(table, axis=0))
        self._table_items = table.view(np.dtype((np.void, 4 * self.n_channels))).reshape(-1)

    def _points(self, chars: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Flat cells of the map characters ``chars`` (reading order), and the inverse map
        ``(G,)`` from a flat cell to its index among them (-1 elsewhere)."""
        mask = np.isin(self.gmap.chars, list(chars))
        rows, cols = np.nonzero(mask)
        cells = np.array([self.flat(r, c) for r, c in zip(rows, cols, strict=True)], np.int64)
        index = np.full(self.base.size, -1, np.int64)
        index[cells] = np.arange(len(cells))
        return cells, index

    def flat(self, row: int, col: int) -> int:
        """Flat index on the padded grid of map cell ``(row, col)``."""
        return int((row + self.pad) * self.padded_shape[1] + col + self.pad)

    def cell_of(self, flat: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Map ``(row, column)`` of flat padded indices."""
        f = np.asarray(flat)
        return f // self.padded_shape[1] - self.pad, f % self.padded_shape[1] - self.pad

    def _max_reward(self) -> float:
        """The most one agent can earn in one step."""
        return 1.0

    def _occupied(self, index: np.ndarray, n_points: int, present: np.ndarray) -> np.ndarray:
        """``(B, n_points)``: a present body stands on the point (``index``: cell -> point)."""
        where = index[self.pos]
        occ = np.zeros((self.num_envs, n_points + 1), bool)
        r = np.broadcast_to(self._all[:, None], where.shape)
        on = (where >= 0) & present
        occ[r[on], where[on]] = True
        return occ[:, :-1]

    # -- hooks --------------------------------------------------------------------------

    def _reset_resources(self, idx: np.ndarray) -> None:
        """Put the resources of environments ``idx`` in their starting state."""

    def _layers(self, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """The resources of environments ``rows``: ``(cells (R,), codes (len(rows), R) uint8)``
        pairs, painted in order over the map."""
        return []

    def _paint(self, grid: np.ndarray, idx: np.ndarray | None) -> None:
        """Write the resources' codes into ``grid`` ``(len(idx), G)``."""
        for cells, codes in self._layers(self._all if idx is None else idx):
            grid[:, cells] = codes

    def _pick_up(self, present: np.ndarray) -> np.ndarray:
        """Rewards ``(B, N_agents)`` of what the agents stand on, after moving."""
        return np.zeros((self.num_envs, self.spec.n_agents), np.float32)

    def _after_beams(self, actions: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Game-specific actions after the beams (Cleanup's cleaning); rewards."""
        return np.zeros((self.num_envs, self.spec.n_agents), np.float32)

    def _grow(self, present: np.ndarray) -> None:
        """Regrowth and other dynamics at the end of a step."""

    def _npc_actions(self) -> np.ndarray:
        return np.zeros((self.num_envs, 0), np.int64)

    # -- VectorEnv ------------------------------------------------------------------------

    def _zero_events(self) -> None:
        b, n = self.num_envs, self.spec.n_agents
        self.events = {
            "fired": np.zeros((b, n), bool),
            "hit": np.zeros((b, n), np.int64),
            "tagged": np.zeros((b, n), bool),
            "out": np.zeros((b, n), bool),
            "ate": np.zeros((b, n), np.int64),
            "cleaned": np.zeros((b, n), np.int64),
        }

    def _random_free_spawn(
        self, idx: np.ndarray, who: np.ndarray, stream: int
    ) -> npt.NDArray[np.int64]:
        """For each environment of ``idx``, a free spawn cell for body ``who[k]``.

        A uniform choice among the spawn points no present body stands on (all
        of them if none is free).
        """
        u = self._uniform(idx, stream, len(self.spawn_cells))
        occupied = (
            (self.spawn_cells[None, :, None] == self.pos[idx][:, None, :])
            & (self.timeout[idx] == 0)[:, None, :]
            & (np.arange(self.n_bodies)[None, None, :] != who[:, None, None])
        ).any(axis=2)
        free = ~occupied
        free[~free.any(axis=1)] = True
        return self.spawn_cells[np.argmax(np.where(free, u + 1.0, u - 1.0), axis=1)]

    def _reset_rows(self, idx: np.ndarray) -> None:
        u = self._uniform(idx, 100, len(self.spawn_cells))
        order = np.argsort(u, axis=1)[:, : self.n_bodies]
        self.pos[idx] = self.spawn_cells[order]
        self.ori[idx] = np.floor(self._uniform(idx, 101, self.n_bodies) * 4).astype(np.int64)
        self.timeout[idx] = 0
        self.hits[idx] = 0
        self._beam[idx] = -1
        self._clean_beam[idx] = -1
        self._reset_resources(idx)

    def _present(self, idx: np.ndarray | None = None) -> np.ndarray:
        t = self.timeout if idx is None else self.timeout[idx]
        return t == 0

    def render_codes(self, idx: np.ndarray | None = None) -> np.ndarray:
        """The grid's cell codes ``(len(idx), G)`` (padded, flat): resources, beams, bodies."""
        rows = np.arange(self.num_envs) if idx is None else np.asarray(idx)
        k = len(rows)
        grid = np.empty((k, self.base.size), np.uint8)
        grid[:] = self.base
        self._paint(grid, rows)
        r = np.arange(k)[:, None]
        for beam, code in (
            (self._beam[rows], Code.BEAM),
            (self._clean_beam[rows], Code.CLEAN_BEAM),
        ):
            on = beam >= 0
            if on.any():
                rr = np.broadcast_to(r[:, :, None], beam.shape)
                grid[rr[on], beam[on]] = code
        present = self.timeout[rows] == 0
        n = self.spec.n_agents
        pa = present[:, :n]
        grid[np.broadcast_to(r, pa.shape)[pa], self.pos[rows][:, :n][pa]] = Code.AGENT
        if self.n_npcs:
            pn = present[:, n:]
            grid[np.broadcast_to(r, pn.shape)[pn], self.pos[rows][:, n:][pn]] = Code.PREY
        return grid

    def _observe(self, idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = self._all if idx is None else idx
        if self.engine == "numba" and self._paints_layers:
            return self._observe_compiled(rows)
        k, n = len(rows), self.spec.n_agents
        grid = self.render_codes(rows)
        g = grid.shape[1]
        pos, ori = self.pos[rows][:, :n], self.ori[rows][:, :n]
        # np.take on flat indices: several times faster than fancy indexing here
        cells = self._view_off[ori]
        cells += (pos + (np.arange(k) * g)[:, None])[:, :, None]
        codes = np.take(grid.reshape(-1), cells)  # (k, N, V) uint8
        present = self.timeout[rows][:, :n] == 0
        if not present.all():
            codes[~present] = Code.N  # the all-zero row: absent agents see zeros
        vh, vw = self.view.shape
        c = self.n_channels
        obs = np.take(self._table_items, codes).view(np.float32).reshape(k, n, vh, vw, c)
        h, w = self.gmap.shape
        state = np.take(self._table_items, np.take(grid, self.interior, axis=1))
        state = state.view(np.float32).reshape(k, h, w, c)
        return obs, state, self._avail_of(present)

    def _avail_of(self, present: np.ndarray) -> np.ndarray:
        """Available actions ``(K, n, A)`` of agents ``present`` ``(K, n)`` (absent: no-op only)."""
        avail = np.ones((*present.shape, self.action_count), bool)
        if not present.all():
            avail &= present[:, :, None]
            avail[:, :, NOOP] = True
        return avail

    def observe_into(self, obs: np.ndarray, state: np.ndarray) -> None:
        if self.engine != "numba" or not self._paints_layers:
            return
        b, spec = self.num_envs, self.spec
        for label, x, shape in (
            ("obs", obs, (b, spec.n_agents, *spec.obs_shape)),
            ("state", state, (b, *spec.state_shape)),
        ):
            if (
                not isinstance(x, np.ndarray)
                or x.shape != shape
                or x.dtype != np.float32
                or not x.flags.c_contiguous
                or not x.flags.writeable
            ):
                raise ValueError(
                    f"{self.name}: observe_into: {label} must be a writable C-contiguous "
                    f"float32 array of shape {shape}"
                )
        size = self._table_units.itemsize
        if obs.ctypes.data % size == 0 and state.ctypes.data % size == 0:
            self._out = (obs, state)  # else: not aligned for the kernel's copies; ignored

    def _compiled_rules(self, owner: type, streams: int) -> None:
        """Prepare the compiled step of game ``owner`` (its kernel draws streams
        ``0 .. streams - 1`` and the returns' ``200 + j``, ``300 + j``): a subclass
        that changes one of the game's hooks steps with numpy (``self._plain``)."""
        cls = type(self)
        self._plain = all(
            getattr(cls, hook) is getattr(owner, hook)
            for hook in ("_pick_up", "_after_beams", "_grow", "_npc_actions", "_step")
        )
        const = _compiled.stream_constant
        self._consts = np.array([const(s) for s in range(streams)], np.uint64)
        self._spawn_consts = np.array([const(200 + j) for j in range(self.n_bodies)], np.uint64)
        self._ori_consts = np.array([const(300 + j) for j in range(self.n_bodies)], np.uint64)

    def _fresh_outputs(self, counts: tuple[str, ...]) -> np.ndarray:
        """New reward ``(B, N)`` and event arrays for a compiled step to fill (the
        events ``counts`` as integers); returns the reward."""
        b, n = self.num_envs, self.spec.n_agents
        ev = self.events
        for key, dtype in (("fired", bool), ("hit", np.int64), ("tagged", bool), ("out", bool)):
            ev[key] = np.empty((b, n), dtype)
        for key in counts:
            ev[key] = np.empty((b, n), np.int64)
        return np.empty((b, n), np.float32)

    def _observe_compiled(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_observe` by the compiled kernel (the same arrays)."""
        k, n = len(rows), self.spec.n_agents
        layers = self._layers(rows)
        if layers:
            cells = np.concatenate([c for c, _ in layers])
            codes = np.concatenate([np.asarray(x, np.uint8).reshape(k, -1) for _, x in layers], 1)
        else:
            cells, codes = np.zeros(0, np.int64), np.zeros((k, 0), np.uint8)
        vh, vw = self.view.shape
        h, w = self.gmap.shape
        c = self.n_channels
        out, self._out = self._out, None
        if out is not None and k == self.num_envs:
            obs, state = out
        else:
            obs = np.empty((k, n, vh, vw, c), np.float32)
            state = np.empty((k, h, w, c), np.float32)
        unit = self._table_units
        _compiled.observe(
            np.ascontiguousarray(rows, np.int64),
            self.base,
            cells,
            np.ascontiguousarray(codes),
            self._beam,
            self._clean_beam,
            self.pos,
            self.ori,
            self.timeout,
            n,
            self._view_off,
            self.interior,
            unit,
            _BODY_CODES,
            obs.reshape(-1).view(unit.dtype),
            state.reshape(-1).view(unit.dtype),
        )
        return obs, state, self._avail_of(self.timeout[rows][:, :n] == 0)

    def _step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        b, n = self.num_envs, self.spec.n_agents
        all_rows = self._all
        present = self.timeout == 0
        if self.n_npcs:
            actions = np.concatenate([actions, self._npc_actions()], axis=1)
        a = np.where(present, actions, NOOP)
        reward = np.zeros((b, n), np.float32)
        # 1. moves
        proposed = self.pos + self._move[a, self.ori]
        proposed = np.where(self.wall[proposed], self.pos, proposed)
        priority = self._uniform(all_rows, 0, self.n_bodies)
        self.pos = resolve_moves(self.pos, proposed, present, priority)
        # 2. turns
        self.ori = (self.ori + self._turn[a]) % 4
        # 3. pick-ups
        reward += self._pick_up(present)
        # 4. beams
        fired = (
            (a[:, :n] == FIRE) & present[:, :n] if self.n_actions > FIRE else np.zeros((b, n), bool)
        )
        self._beam[:] = -1
        hit_count = np.zeros((b, self.n_bodies), np.int64)
        tagged = np.zeros((b, self.n_bodies), bool)
        if fired.any():
            cells = self.beam_cells(self.pos[:, :n], self.ori[:, :n])
            on = cells >= 0
            on &= fired[:, :, None]
            self._beam = np.where(on, cells, -1)
            targets = self.pos[:, None, :, None] == self._beam[:, :, None, :]  # [b, i, j, k]
            hit = targets.any(axis=3) & present[:, None, :]
            hit &= ~np.eye(n, self.n_bodies, dtype=bool)[None]
            hit_count = hit.sum(axis=1)
            reward -= self.fire_cost * fired
            reward -= self.hit_penalty * hit_count[:, :n]
            if self.tag_out_time > 0:
                self.hits += hit_count
                tagged = self.hits >= self.hits_to_tag
                self.hits[tagged] = 0
        # 5. game-specific actions (cleaning)
        reward += self._after_beams(a[:, :n], present)
        # tag-outs and returns
        was_out = ~present
        self.timeout = np.where(was_out, self.timeout - 1, self.timeout)
        back = was_out & (self.timeout == 0)
        if tagged.any():
            self.timeout[tagged] = self.tag_out_time
        if back.any():
            for j in (int(x) for x in np.flatnonzero(back.any(axis=0))):
                rows = np.flatnonzero(back[:, j])
                self.pos[rows, j] = self._random_free_spawn(rows, np.full(len(rows), j), 200 + j)
                self.ori[rows, j] = np.floor(self._uniform(rows, 300 + j, 1)[:, 0] * 4)
        # 6. dynamics
        self._grow(self.timeout == 0)
        ev = self.events
        ev["fired"] = fired
        ev["hit"] = hit_count[:, :n]
        ev["tagged"] = tagged[:, :n]
        ev["out"] = was_out[:, :n]
        return reward, np.zeros(b, bool)

    def beam_cells(self, pos: np.ndarray, ori: np.ndarray) -> npt.NDArray[np.int64]:
        """Cells ``(B, N, lanes * length)`` a beam fired from ``pos``/``ori`` reaches (-1: blocked)."""
        cells = pos[..., None] + self._beam_off[ori]
        lanes, length = self._beam_lanes
        open_ = ~self.wall[cells].reshape(*cells.shape[:-1], lanes, length)
        reach = np.logical_and.accumulate(open_, axis=-1).reshape(cells.shape)
        return np.where(reach, cells, -1)

    # -- views for people ----------------------------------------------------------------

    def positions(self, env: int = 0) -> list[tuple[int, int] | None]:
        """Map ``(row, column)`` of every body of environment ``env`` (None: tagged out)."""
        r, c = self.cell_of(self.pos[env])
        return [
            (int(r[j]), int(c[j])) if self.timeout[env, j] == 0 else None
            for j in range(self.n_bodies)
        ]

    def render_text(self, env: int = 0) -> str:
        """The map of environment ``env`` as text (see :func:`cooplab.envs.ssd.render.text`)."""
        from cooplab.envs.ssd.render import text

        return text(self, env)

    def render_rgb(self, env: int = 0, scale: int = 8) -> np.ndarray:
        """The map of environment ``env`` as an ``(H * scale, W * scale, 3)`` uint8 image."""
        from cooplab.envs.ssd.render import rgb

        return rgb(self, env, scale=scale)
