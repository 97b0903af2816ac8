"""Harvest, the commons (Perolat et al. 2017; Hughes et al. 2018).

Apples grow on the map's ``'A'`` cells. An eaten apple's cell regrows with a
probability per step that depends on how many apples stand near it
(``regrowth_probs[min(k, 3)]`` for ``k`` apples within ``regrowth_radius``), so
a patch whose last apple is eaten never comes back: over-harvesting destroys
the resource. Eating an apple pays 1.

Parameters and where they come from:

- ``regrowth_probs = (0, 0.005, 0.02, 0.05)``, ``regrowth_radius = 2`` over the
  5 x 5 square around the cell (``neighbourhood="square"``): the open
  implementation used by Hughes et al. (2018) and Jaques et al. (2019)
  (Vinitsky et al. 2019, ``social_dilemmas/envs/harvest.py``: ``SPAWN_PROB``,
  ``APPLE_RADIUS``, ``return_view``). Melting Pot's ``commons_harvest__open``
  uses an L2 disc (``neighbourhood="disk"``) with ``(0, 0.0025, 0.005, 0.025)``.
- tagging: a beam of ``beam_length = 5`` cells and three lanes
  (``beam_width = 1``), as in that repository; a tagged agent is removed for
  ``tag_out_time = 25`` steps (Perolat et al. 2017, section 4). With
  ``tag_out_time=0, fire_cost=1, hit_penalty=50`` it is the fining beam of
  Hughes et al. (2018) instead.
- 5 agents, episodes of 1000 steps (Hughes et al. 2018; Jaques et al. 2019).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from cooplab.envs.ssd import _compiled
from cooplab.envs.ssd.grid import FIRE, Code, GridEnv, View
from cooplab.envs.ssd.maps import HARVEST_LEGEND, HARVEST_MAP, parse_map

__all__ = ["Harvest", "neighbour_matrix"]


def neighbour_matrix(
    rows: np.ndarray, cols: np.ndarray, radius: float, neighbourhood: str = "square"
) -> np.ndarray:
    """``(P, P)`` float32: 1 where point ``j`` is within ``radius`` of point ``i`` (not itself).

    ``"square"``: Chebyshev distance (the ``(2r+1)^2`` window of the SSD
    repository); ``"disk"``: Euclidean distance (Melting Pot's ``DensityRegrow``).
    """
    dr = np.abs(rows[:, None] - rows[None, :])
    dc = np.abs(cols[:, None] - cols[None, :])
    if neighbourhood == "square":
        near = np.maximum(dr, dc) <= radius
    elif neighbourhood == "disk":
        near = dr**2 + dc**2 <= radius**2
    else:
        raise ValueError(f"neighbourhood must be 'square' or 'disk'; got {neighbourhood!r}")
    np.fill_diagonal(near, False)
    return near.astype(np.float32)


_APPLE, _EMPTY = np.uint8(Code.APPLE), np.uint8(Code.EMPTY)


class Harvest(GridEnv):
    """The commons game (see the module notes).

    Parameters
    ----------
    num_envs, seed, strict
        As for every :class:`~cooplab.envs.base.VectorEnv`.
    n_agents
        Players (the map needs as many spawn points).
    map
        An ASCII map with ``'@'`` walls, ``'P'`` spawn points and ``'A'`` apples.
    regrowth_probs, regrowth_radius, neighbourhood
        Regrowth probability by the number of nearby apples (the last entry for
        that many or more), the radius and its shape.
    view, episode_limit, beam_length, beam_width, fire_cost, hit_penalty,
    hits_to_tag, tag_out_time
        See :class:`~cooplab.envs.ssd.grid.GridEnv`.

    Examples
    --------
    >>> env = Harvest(num_envs=2, seed=0)
    >>> first = env.reset()
    >>> first.obs.shape  # (B, N, rows ahead..behind, columns, channels)
    (2, 5, 11, 11, 4)
    >>> int(env.apples.sum(axis=1)[0])  # every 'A' of the map starts with an apple
    155
    """

    name = "harvest_v1"
    channels: ClassVar[dict[int, int]] = {Code.WALL: 0, Code.APPLE: 1, Code.AGENT: 2, Code.BEAM: 3}
    n_channels = 4
    channel_names = ("wall", "apple", "agent", "beam")

    def __init__(
        self,
        num_envs: int = 1,
        seed: int | Sequence[int] | None = None,
        *,
        n_agents: int = 5,
        map: str = HARVEST_MAP,
        regrowth_probs: Sequence[float] = (0.0, 0.005, 0.02, 0.05),
        regrowth_radius: float = 2,
        neighbourhood: str = "square",
        view: View | None = None,
        episode_limit: int = 1000,
        beam_length: int = 5,
        beam_width: int = 1,
        fire_cost: float = 0.0,
        hit_penalty: float = 0.0,
        hits_to_tag: int = 1,
        tag_out_time: int = 25,
        strict: bool = False,
        engine: str = "auto",
    ) -> None:
        probs = np.asarray(regrowth_probs, np.float64)
        if probs.ndim != 1 or probs.size < 1 or np.any(~(probs >= 0) | (probs > 1)):
            raise ValueError(
                f"{self.name}: regrowth_probs must be a non-empty sequence of probabilities; "
                f"got {regrowth_probs!r}"
            )
        if isinstance(regrowth_radius, bool) or not regrowth_radius >= 0:
            raise ValueError(f"{self.name}: regrowth_radius must be >= 0; got {regrowth_radius!r}")
        gmap = parse_map(map, HARVEST_LEGEND, min_spawn_points=1)
        if not (gmap.chars == "A").any():
            raise ValueError(f"{self.name}: the map has no apple cells 'A'")
        self.regrowth_probs = probs
        params = {
            "n_agents": n_agents,
            "regrowth_probs": [float(p) for p in probs],
            "regrowth_radius": float(regrowth_radius),
            "neighbourhood": neighbourhood,
            "tag_out_time": tag_out_time,
            "fire_cost": fire_cost,
            "hit_penalty": hit_penalty,
        }
        rows, cols = np.nonzero(gmap.chars == "A")
        self._near = neighbour_matrix(rows, cols, float(regrowth_radius), neighbourhood)
        super().__init__(
            gmap,
            n_agents,
            num_envs,
            seed,
            strict=strict,
            view=view,
            episode_limit=episode_limit,
            beam_length=beam_length,
            beam_width=beam_width,
            fire_cost=fire_cost,
            hit_penalty=hit_penalty,
            hits_to_tag=hits_to_tag,
            tag_out_time=tag_out_time,
            params=params,
            engine=engine,
        )
        self.apple_cells, self._apple_index = self._points("A")
        p = len(self.apple_cells)
        self.apples = np.zeros((self.num_envs, p), bool)
        # Neighbour counts are kept up to date as apples are eaten and regrow
        # (a few events a step), instead of recounting every cell every step.
        k = max(int(self._near.sum(axis=1).max(initial=0)), 1)
        nb = np.full((p, k), p, np.int64)  # padded with a dummy column p
        for i in range(p):
            js = np.flatnonzero(self._near[i])
            nb[i, : len(js)] = js
        self._nb = nb
        self._full_counts = self._near.sum(axis=1).astype(np.int16)
        self.counts = np.zeros((self.num_envs, p + 1), np.int16)
        self._compiled_rules(Harvest, streams=2)

    def _reset_resources(self, idx: np.ndarray) -> None:
        self.apples[idx] = True
        self.counts[idx, :-1] = self._full_counts
        self.counts[idx, -1] = 0

    def _layers(self, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(self.apple_cells, np.where(self.apples[rows], _APPLE, _EMPTY))]

    def _pick_up(self, present: np.ndarray) -> np.ndarray:
        n = self.spec.n_agents
        point = self._apple_index[self.pos[:, :n]]
        r = np.arange(self.num_envs)[:, None]
        eat = (point >= 0) & present[:, :n]
        eat &= self.apples[r, np.maximum(point, 0)]
        if eat.any():
            rr = np.broadcast_to(r, eat.shape)
            self.apples[rr[eat], point[eat]] = False
            self._count_change(rr[eat], point[eat], -1)
        self.events["ate"] = eat.astype(np.int64)
        return eat.astype(np.float32)

    def _step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.engine != "numba" or not self._plain:
            return super()._step(actions)
        reward = self._fresh_outputs(("ate",))
        ev = self.events
        _compiled.harvest_step(
            np.ascontiguousarray(actions, np.int64),
            self.pos,
            self.ori,
            self.timeout,
            self.hits,
            self.apples,
            self.counts,
            self._keys,
            self._episode,
            self._t,
            self.wall,
            self._move,
            self._turn,
            self._beam_off,
            self._beam_lanes[0],
            self.n_actions > FIRE,
            self._apple_index,
            self._nb,
            self.regrowth_probs,
            self.spawn_cells,
            self.fire_cost,
            self.hit_penalty,
            self.hits_to_tag,
            self.tag_out_time,
            self._consts,
            self._spawn_consts,
            self._ori_consts,
            reward,
            self._beam,
            ev["fired"],
            ev["hit"],
            ev["tagged"],
            ev["out"],
            ev["ate"],
        )
        return reward, np.zeros(self.num_envs, bool)

    def _count_change(self, envs: np.ndarray, points: np.ndarray, delta: int) -> None:
        # one flat index and a value of the counts' own dtype: numpy's fast path
        # for ufunc.at (tens of times faster than a 2-D index with a Python int)
        flat = (envs[:, None] * self.counts.shape[1] + self._nb[points]).ravel()
        np.add.at(self.counts.reshape(-1), flat, self.counts.dtype.type(delta))

    def neighbour_counts(self) -> np.ndarray:
        """``(B, P)``: apples within the regrowth radius of each apple cell."""
        return self.counts[:, :-1].astype(np.int64)

    def _grow(self, present: np.ndarray) -> None:
        top = len(self.regrowth_probs) - 1
        p = np.take(self.regrowth_probs, np.minimum(self.counts[:, :-1], top))
        occupied = self._occupied(self._apple_index, len(self.apple_cells), present)
        u = self._uniform(self._all, 1, len(self.apple_cells))
        new = ~self.apples & ~occupied & (u < p)
        if new.any():
            e, q = np.nonzero(new)
            self.apples[e, q] = True
            self._count_change(e, q, +1)
