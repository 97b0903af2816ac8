"""Cleanup, the public good (Hughes et al. 2018).

Apples grow in the orchard (``'B'`` cells) only while the river is clean:
waste accumulates in the river (``'H'``/``'R'`` cells), and the more of it
there is, the slower apples grow; above a threshold none grow at all.
Cleaning pays nothing; eating an apple pays 1. So each agent is tempted to
leave the cleaning to the others.

Per step, with ``d`` the fraction of river cells holding waste (Vinitsky et
al. 2019, ``social_dilemmas/envs/cleanup.py``, ``compute_probabilities``;
the constants are that file's):

- apples appear on each empty orchard cell with probability
  ``apple_respawn * (1 - d / depletion)`` when ``d < depletion = 0.4``
  (``thresholdDepletion``; ``thresholdRestoration = 0``), else 0;
  ``apple_respawn = 0.05`` (``appleRespawnProbability``);
- while ``d < depletion``, one new waste cell appears with probability
  ``1 - (1 - waste_spawn)^f`` at a uniformly chosen clean river cell
  (``f`` clean cells, ``waste_spawn = 0.5``): the file visits the clean cells
  in a random order and stops at the first success, which is this law;
- the cleaning beam (action ``clean``) has the firing beam's shape and removes
  the first waste cell along each lane (waste blocks the beam,
  ``blocking_cells=['H']``);
- the firing beam costs the firer 1 and fines each agent it hits 50
  (``CleanupAgent.fire_beam`` and ``reward_from_pos``), with no tag-out.

At the start the river holds the map's ``'H'`` cells (the built-in map starts
above the depletion threshold: no apple grows until someone cleans).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from cooplab.envs.ssd import _compiled
from cooplab.envs.ssd.grid import CLEAN, Code, GridEnv, View
from cooplab.envs.ssd.maps import CLEANUP_LEGEND, CLEANUP_MAP, parse_map

__all__ = ["Cleanup", "cleanup_probabilities"]


def cleanup_probabilities(
    waste_density: np.ndarray,
    *,
    depletion: float = 0.4,
    restoration: float = 0.0,
    apple_respawn: float = 0.05,
    waste_spawn: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """Apple and waste spawn probabilities for waste densities ``d`` (any shape).

    Examples
    --------
    >>> apple, waste = cleanup_probabilities(np.array([0.0, 0.2, 0.4]))
    >>> apple.tolist(), waste.tolist()
    ([0.05, 0.025, 0.0], [0.5, 0.5, 0.0])
    """
    d = np.asarray(waste_density, np.float64)
    span = depletion - restoration
    apple = np.where(
        d >= depletion,
        0.0,
        np.where(d <= restoration, apple_respawn, (1 - (d - restoration) / span) * apple_respawn),
    )
    waste = np.where(d >= depletion, 0.0, waste_spawn)
    return apple, waste


class Cleanup(GridEnv):
    """The public-good game (see the module notes).

    Parameters
    ----------
    num_envs, seed, strict
        As for every :class:`~cooplab.envs.base.VectorEnv`.
    n_agents
        Players (5 in Hughes et al. 2018 and Jaques et al. 2019).
    map
        An ASCII map (legend :data:`~cooplab.envs.ssd.maps.CLEANUP_LEGEND`).
    depletion, restoration, apple_respawn, waste_spawn
        The constants of :func:`cleanup_probabilities`.
    view, episode_limit, beam_length, beam_width, fire_cost, hit_penalty,
    hits_to_tag, tag_out_time
        See :class:`~cooplab.envs.ssd.grid.GridEnv`.

    Examples
    --------
    >>> env = Cleanup(num_envs=1, seed=0)
    >>> _ = env.reset()
    >>> round(float(env.waste_density()[0]), 3)  # above 0.4: nothing grows yet
    0.471
    """

    name = "cleanup_v1"
    action_count = 9
    channels: ClassVar[dict[int, int]] = {
        Code.WALL: 0,
        Code.APPLE: 1,
        Code.AGENT: 2,
        Code.BEAM: 3,
        Code.CLEAN_BEAM: 3,
        Code.WASTE: 4,
        Code.RIVER: 5,
    }
    n_channels = 6
    channel_names = ("wall", "apple", "agent", "beam", "waste", "river")

    def __init__(
        self,
        num_envs: int = 1,
        seed: int | Sequence[int] | None = None,
        *,
        n_agents: int = 5,
        map: str = CLEANUP_MAP,
        depletion: float = 0.4,
        restoration: float = 0.0,
        apple_respawn: float = 0.05,
        waste_spawn: float = 0.5,
        view: View | None = None,
        episode_limit: int = 1000,
        beam_length: int = 5,
        beam_width: int = 1,
        fire_cost: float = 1.0,
        hit_penalty: float = 50.0,
        hits_to_tag: int = 1,
        tag_out_time: int = 0,
        strict: bool = False,
        engine: str = "auto",
    ) -> None:
        for label, x in (
            ("depletion", depletion),
            ("restoration", restoration),
            ("apple_respawn", apple_respawn),
            ("waste_spawn", waste_spawn),
        ):
            if isinstance(x, bool) or not isinstance(x, int | float) or not 0 <= x <= 1:
                raise ValueError(f"{self.name}: {label} must be in [0, 1]; got {x!r}")
        if not restoration < depletion:
            raise ValueError(
                f"{self.name}: restoration ({restoration}) must be below depletion ({depletion})"
            )
        gmap = parse_map(map, CLEANUP_LEGEND)
        if not np.isin(gmap.chars, ["H", "R"]).any():
            raise ValueError(f"{self.name}: the map has no river cells 'H' or 'R'")
        if not (gmap.chars == "B").any():
            raise ValueError(f"{self.name}: the map has no orchard cells 'B'")
        self.probs = {
            "depletion": float(depletion),
            "restoration": float(restoration),
            "apple_respawn": float(apple_respawn),
            "waste_spawn": float(waste_spawn),
        }
        params = {"n_agents": n_agents, **self.probs, "fire_cost": fire_cost}
        params["hit_penalty"] = hit_penalty
        params["tag_out_time"] = tag_out_time
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
        self.apple_cells, self._apple_index = self._points("B")
        self.river_cells, self._river_index = self._points("HR")
        rr, cc = self.cell_of(self.river_cells)
        self._initial_waste = gmap.chars[rr, cc] == "H"
        b = self.num_envs
        self.apples = np.zeros((b, len(self.apple_cells)), bool)
        self.waste = np.zeros((b, len(self.river_cells)), bool)
        self._clean_off = self._beam_off
        self._compiled_rules(Cleanup, streams=4)

    def _step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.engine != "numba" or not self._plain:
            return super()._step(actions)
        reward = self._fresh_outputs(("ate", "cleaned"))
        ev = self.events
        p = self.probs
        _compiled.cleanup_step(
            np.ascontiguousarray(actions, np.int64),
            self.pos,
            self.ori,
            self.timeout,
            self.hits,
            self.apples,
            self.waste,
            self._keys,
            self._episode,
            self._t,
            self.wall,
            self._move,
            self._turn,
            self._beam_off,
            self._beam_lanes[0],
            self._apple_index,
            self._river_index,
            self.spawn_cells,
            self.fire_cost,
            self.hit_penalty,
            self.hits_to_tag,
            self.tag_out_time,
            p["depletion"],
            p["restoration"],
            p["apple_respawn"],
            p["waste_spawn"],
            self._consts,
            self._spawn_consts,
            self._ori_consts,
            reward,
            self._beam,
            self._clean_beam,
            ev["fired"],
            ev["hit"],
            ev["tagged"],
            ev["out"],
            ev["ate"],
            ev["cleaned"],
        )
        return reward, np.zeros(self.num_envs, bool)

    def waste_density(self) -> np.ndarray:
        """``(B,)`` fraction of river cells holding waste."""
        return self.waste.mean(axis=1)

    def _reset_resources(self, idx: np.ndarray) -> None:
        self.apples[idx] = False
        self.waste[idx] = self._initial_waste

    def _layers(self, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        u8 = np.uint8
        return [
            (self.apple_cells, np.where(self.apples[rows], u8(Code.APPLE), u8(Code.EMPTY))),
            (self.river_cells, np.where(self.waste[rows], u8(Code.WASTE), u8(Code.RIVER))),
        ]

    def _pick_up(self, present: np.ndarray) -> np.ndarray:
        n = self.spec.n_agents
        point = self._apple_index[self.pos[:, :n]]
        r = np.arange(self.num_envs)[:, None]
        eat = (point >= 0) & present[:, :n]
        eat &= self.apples[r, np.maximum(point, 0)]
        if eat.any():
            rr = np.broadcast_to(r, eat.shape)
            self.apples[rr[eat], point[eat]] = False
        self.events["ate"] = eat.astype(np.int64)
        return eat.astype(np.float32)

    def _after_beams(self, actions: np.ndarray, present: np.ndarray) -> np.ndarray:
        b, n = actions.shape
        cleaning = (actions == CLEAN) & present[:, :n]
        self._clean_beam[:] = -1
        cleaned = np.zeros((b, n), np.int64)
        if cleaning.any():
            cells = self.beam_cells(self.pos[:, :n], self.ori[:, :n])  # (B, N, K)
            lanes, length = self._beam_lanes
            point = self._river_index[np.maximum(cells, 0)]
            r = np.arange(b)[:, None, None]
            dirty = (cells >= 0) & (point >= 0) & self.waste[r, np.maximum(point, 0)]
            dirty &= cleaning[:, :, None]
            dirty = dirty.reshape(b, n, lanes, length)
            # the first waste cell of each lane is cleaned and stops the beam
            first = dirty & (np.cumsum(dirty, axis=-1) == 1)
            before = np.cumsum(dirty, axis=-1) - dirty == 0
            shown = (cells >= 0).reshape(b, n, lanes, length) & before
            shown &= cleaning[:, :, None, None]
            self._clean_beam = np.where(shown.reshape(b, n, -1), cells, -1)
            first = first.reshape(b, n, -1)
            if first.any():
                e, i, k = np.nonzero(first)
                self.waste[e, point[e, i, k]] = False
                np.add.at(cleaned, (e, i), 1)
        self.events["cleaned"] = cleaned
        return np.zeros((b, n), np.float32)

    def _grow(self, present: np.ndarray) -> None:
        b = self.num_envs
        apple_p, waste_p = cleanup_probabilities(self.waste_density(), **self.probs)
        occupied = self._occupied(self._apple_index, len(self.apple_cells), present)
        u = self._uniform(self._all, 1, len(self.apple_cells))
        self.apples |= ~occupied & (u < apple_p[:, None])
        clean = ~self.waste
        free = clean.sum(axis=1)
        u1 = self._uniform(self._all, 2, 1)[:, 0]
        spawn = (free > 0) & (u1 < 1.0 - (1.0 - waste_p) ** free)
        if spawn.any():
            u2 = self._uniform(self._all, 3, len(self.river_cells))
            where = np.argmax(np.where(clean, u2 + 1.0, 0.0), axis=1)
            rows = np.flatnonzero(spawn)
            self.waste[rows, where[rows]] = True
        del b
