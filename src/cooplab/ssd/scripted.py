"""Hand-coded policies for the apple games, batched (they read the environment's state).

:func:`harvester` walks every agent to the nearest apple it is allowed to eat
(Manhattan distance, ties broken at random) and never fires. With
``restraint = k`` an agent only eats apples that have at least ``k`` other
apples within the regrowth radius, so no patch loses its last apples and the
commons keeps regrowing (the sustainable policy the tragedy of the commons is
measured against); ``restraint = 0`` is the greedy harvester. The maps have no
inner walls, so walking straight is enough.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cooplab.envs.ssd.grid import BACKWARD, FORWARD, NOOP, STEP_LEFT, STEP_RIGHT

__all__ = ["harvester"]

# relative direction (absolute - orientation) mod 4 -> egocentric move
_REL_MOVE = np.array([FORWARD, STEP_RIGHT, BACKWARD, STEP_LEFT], np.int64)


def harvester(restraint: int = 0) -> Any:
    """A policy ``(obs, avail, env, rng) -> actions`` for Harvest or Gathering (see the module notes)."""
    if isinstance(restraint, bool) or not isinstance(restraint, int) or restraint < 0:
        raise ValueError(f"restraint must be a non-negative integer; got {restraint!r}")

    def policy(
        obs: np.ndarray, avail: np.ndarray, env: Any, rng: np.random.Generator
    ) -> np.ndarray:
        n = env.spec.n_agents
        apples = np.asarray(env.apples, bool)  # (B, P)
        allowed = apples
        if restraint > 0 and hasattr(env, "neighbour_counts"):
            allowed = apples & (env.neighbour_counts() >= restraint)
        ar, ac = env.cell_of(env.apple_cells)  # (P,)
        r, c = env.cell_of(env.pos[:, :n])  # (B, N)
        dr = ar[None, None, :] - r[:, :, None]
        dc = ac[None, None, :] - c[:, :, None]
        dist = (np.abs(dr) + np.abs(dc)).astype(np.float64)
        dist += rng.random(dist.shape) * 0.5  # random tie-breaks
        dist = np.where(allowed[:, None, :], dist, np.inf)
        target = np.argmin(dist, axis=2)
        has = np.isfinite(np.take_along_axis(dist, target[..., None], axis=2)[..., 0])
        tr = np.take_along_axis(dr, target[..., None], axis=2)[..., 0]
        tc = np.take_along_axis(dc, target[..., None], axis=2)[..., 0]
        vertical = np.abs(tr) >= np.abs(tc)
        absolute = np.where(vertical, np.where(tr < 0, 0, 2), np.where(tc > 0, 1, 3))
        move = _REL_MOVE[(absolute - env.ori[:, :n]) % 4]
        actions = np.where(has & ((tr != 0) | (tc != 0)), move, NOOP)
        return np.where(avail[..., NOOP] & ~avail[..., FORWARD], NOOP, actions)

    return policy
