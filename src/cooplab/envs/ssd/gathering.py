"""Gathering (Leibo et al. 2017, section 5.1).

Two players collect apples (reward 1). An eaten apple comes back
``apple_respawn`` steps later (the paper's ``N_apple``). A player can fire a
beam straight ahead; a player hit twice is removed from the game for
``tag_out_time`` steps (``N_tagged``). Tagging pays nothing directly: its only
use is to keep the other player away from the apples, which is the
conflict the paper measures as apples grow scarce (larger ``N_apple``).

Paper values: 2 players, 8 actions (forward, backward, strafe left and right,
turn left and right, beam, stand still), a hit twice tags out, episodes of
1000 steps; ``N_apple`` and ``N_tagged`` are the swept parameters (their
figure 3 spans ``N_apple`` from 10 to over 100 frames and ``N_tagged`` up to
a few hundred). The beam here runs 20 cells ahead, one lane wide, stopped by
walls. The map and the 11 x 11 view are ours (the paper's pixel maps are not
public): :data:`~cooplab.envs.ssd.maps.GATHERING_MAP`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from cooplab.envs.ssd.grid import Code, GridEnv, View
from cooplab.envs.ssd.maps import GATHERING_LEGEND, GATHERING_MAP, parse_map

__all__ = ["Gathering"]


class Gathering(GridEnv):
    """Leibo et al.'s (2017) Gathering (see the module notes).

    Parameters
    ----------
    num_envs, seed, strict
        As for every :class:`~cooplab.envs.base.VectorEnv`.
    n_agents
        Players (2 in the paper).
    apple_respawn
        ``N_apple``: steps before an eaten apple comes back.
    tag_out_time
        ``N_tagged``: steps a tagged player stays out.
    hits_to_tag
        Beam hits that tag a player out (2 in the paper).
    map, view, episode_limit, beam_length, beam_width, fire_cost, hit_penalty
        See :class:`~cooplab.envs.ssd.grid.GridEnv`.

    Examples
    --------
    >>> env = Gathering(num_envs=3, seed=1, apple_respawn=50)
    >>> env.reset().obs.shape
    (3, 2, 11, 11, 4)
    """

    name = "gathering_v1"
    channels: ClassVar[dict[int, int]] = {Code.WALL: 0, Code.APPLE: 1, Code.AGENT: 2, Code.BEAM: 3}
    n_channels = 4
    channel_names = ("wall", "apple", "agent", "beam")

    def __init__(
        self,
        num_envs: int = 1,
        seed: int | Sequence[int] | None = None,
        *,
        n_agents: int = 2,
        apple_respawn: int = 10,
        tag_out_time: int = 25,
        hits_to_tag: int = 2,
        map: str = GATHERING_MAP,
        view: View | None = None,
        episode_limit: int = 1000,
        beam_length: int = 20,
        beam_width: int = 0,
        fire_cost: float = 0.0,
        hit_penalty: float = 0.0,
        strict: bool = False,
        engine: str = "auto",
    ) -> None:
        if isinstance(apple_respawn, bool) or not isinstance(apple_respawn, int | np.integer):
            raise ValueError(
                f"{self.name}: apple_respawn must be an integer >= 1; got {apple_respawn!r}"
            )
        if apple_respawn < 1:
            raise ValueError(
                f"{self.name}: apple_respawn must be an integer >= 1; got {apple_respawn!r}"
            )
        gmap = parse_map(map, GATHERING_LEGEND)
        if not (gmap.chars == "A").any():
            raise ValueError(f"{self.name}: the map has no apple cells 'A'")
        self.apple_respawn = int(apple_respawn)
        params = {
            "n_agents": n_agents,
            "apple_respawn": int(apple_respawn),
            "tag_out_time": tag_out_time,
            "hits_to_tag": hits_to_tag,
        }
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
        self.wait = np.zeros((self.num_envs, len(self.apple_cells)), np.int64)

    @property
    def apples(self) -> np.ndarray:
        """``(B, P)``: an apple stands on the cell."""
        return self.wait == 0

    def _reset_resources(self, idx: np.ndarray) -> None:
        self.wait[idx] = 0

    def _layers(self, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        on = self.wait[rows] == 0
        return [(self.apple_cells, np.where(on, np.uint8(Code.APPLE), np.uint8(Code.EMPTY)))]

    def _pick_up(self, present: np.ndarray) -> np.ndarray:
        n = self.spec.n_agents
        point = self._apple_index[self.pos[:, :n]]
        r = np.arange(self.num_envs)[:, None]
        eat = (point >= 0) & present[:, :n]
        eat &= self.wait[r, np.maximum(point, 0)] == 0
        if eat.any():
            rr = np.broadcast_to(r, eat.shape)
            # +1: the countdown below runs in this same step
            self.wait[rr[eat], point[eat]] = self.apple_respawn + 1
        self.events["ate"] = eat.astype(np.int64)
        return eat.astype(np.float32)

    def _grow(self, present: np.ndarray) -> None:
        np.subtract(self.wait, 1, out=self.wait, where=self.wait > 0)
