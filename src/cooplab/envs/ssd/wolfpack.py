"""Wolfpack (Leibo et al. 2017, section 5.2).

Wolves hunt a prey in an arena with obstacles. When a wolf touches the prey
(stands next to it, orthogonally), the prey is caught and every wolf within
``capture_radius`` of it is rewarded: ``lone_reward`` when it is alone there,
``team_reward`` each when two or more are. The caught prey reappears at a
random free spawn point. Hunting together pays more but needs coordination;
a lone wolf takes less, safely (the paper's ``r_team`` vs ``r_lone``).

Differences from the paper, stated: the prey here is scripted (a random walk,
so the learners are only the wolves), and the map and 11 x 11 view are ours
(:data:`~cooplab.envs.ssd.maps.WOLFPACK_MAP`). Actions are the seven moves
and turns (no beam).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from cooplab.envs.ssd.grid import Code, GridEnv, View
from cooplab.envs.ssd.maps import WOLFPACK_LEGEND, WOLFPACK_MAP, parse_map

__all__ = ["Wolfpack"]


class Wolfpack(GridEnv):
    """Leibo et al.'s (2017) Wolfpack (see the module notes).

    Parameters
    ----------
    num_envs, seed, strict
        As for every :class:`~cooplab.envs.base.VectorEnv`.
    n_agents
        Wolves (2 in the paper).
    capture_radius
        Chebyshev distance from the prey within which wolves share a capture.
    lone_reward, team_reward
        Reward of each wolf in the radius when it is alone / not alone.
    map, view, episode_limit
        See :class:`~cooplab.envs.ssd.grid.GridEnv`.

    Examples
    --------
    >>> env = Wolfpack(num_envs=2, seed=0)
    >>> env.reset().obs.shape
    (2, 2, 11, 11, 3)
    """

    name = "wolfpack_v1"
    action_count = 7
    n_npcs = 1
    channels: ClassVar[dict[int, int]] = {Code.WALL: 0, Code.AGENT: 1, Code.PREY: 2}
    n_channels = 3
    channel_names = ("wall", "wolf", "prey")

    def __init__(
        self,
        num_envs: int = 1,
        seed: int | Sequence[int] | None = None,
        *,
        n_agents: int = 2,
        capture_radius: int = 3,
        lone_reward: float = 1.0,
        team_reward: float = 5.0,
        map: str = WOLFPACK_MAP,
        view: View | None = None,
        episode_limit: int = 1000,
        strict: bool = False,
        engine: str = "auto",
    ) -> None:
        if isinstance(capture_radius, bool) or not isinstance(capture_radius, int | np.integer):
            raise ValueError(
                f"{self.name}: capture_radius must be an integer >= 1; got {capture_radius!r}"
            )
        if capture_radius < 1:
            raise ValueError(
                f"{self.name}: capture_radius must be an integer >= 1; got {capture_radius!r}"
            )
        for label, x in (("lone_reward", lone_reward), ("team_reward", team_reward)):
            if isinstance(x, bool) or not isinstance(x, int | float) or not np.isfinite(x):
                raise ValueError(f"{self.name}: {label} must be a finite number; got {x!r}")
        gmap = parse_map(map, WOLFPACK_LEGEND)
        self.capture_radius = int(capture_radius)
        self.lone_reward, self.team_reward = float(lone_reward), float(team_reward)
        params = {
            "n_agents": n_agents,
            "capture_radius": int(capture_radius),
            "lone_reward": float(lone_reward),
            "team_reward": float(team_reward),
        }
        super().__init__(
            gmap,
            n_agents,
            num_envs,
            seed,
            strict=strict,
            view=view,
            episode_limit=episode_limit,
            beam_length=0,
            beam_width=0,
            params=params,
            engine=engine,
        )

    def _max_reward(self) -> float:
        return max(self.lone_reward, self.team_reward, 0.0)

    def _npc_actions(self) -> np.ndarray:
        # the prey: a uniform random choice of the no-op and the four moves
        return np.floor(self._uniform(self._all, 50, 1) * 5).astype(np.int64)

    def _pick_up(self, present: np.ndarray) -> np.ndarray:
        n = self.spec.n_agents
        r, c = self.cell_of(self.pos)
        dr, dc = np.abs(r[:, :n] - r[:, n:]), np.abs(c[:, :n] - c[:, n:])
        touching = (dr + dc == 1).any(axis=1)
        near = np.maximum(dr, dc) <= self.capture_radius
        k = near.sum(axis=1, keepdims=True)
        reward = np.where(
            touching[:, None] & near, np.where(k >= 2, self.team_reward, self.lone_reward), 0.0
        ).astype(np.float32)
        self.events["ate"] = (touching[:, None] & near).astype(np.int64)
        rows = np.flatnonzero(touching)
        if len(rows):
            self.pos[rows, n] = self._random_free_spawn(rows, np.full(len(rows), n), 60)
        return reward

    def captures(self) -> np.ndarray:
        """``(B,)``: whether the prey was caught in the last step."""
        return self.events["ate"].any(axis=1)
