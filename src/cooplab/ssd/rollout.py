"""Batched episodes of a policy in a sequential social dilemma, with the metrics' events.

:func:`rollout` runs ``env.num_envs`` episodes of ``spec.episode_limit`` steps
from one reset and records, per step and agent, the reward, whether the agent
fired its beam and whether it was tagged out (``env.events``), so that
:func:`cooplab.ssd.metrics.social_outcomes` can score them. It can also keep
RGB frames of one environment for a GIF or a filmstrip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cooplab.runtime.rng import RngLike, as_generator
from cooplab.ssd.metrics import SocialOutcomes, social_outcomes

__all__ = ["Episodes", "Policy", "random_policy", "rollout"]

#: ``policy(obs (B, N, ...), avail (B, N, A), env, rng) -> actions (B, N)``.
Policy = Callable[[np.ndarray, np.ndarray, object, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Episodes:
    """``B`` recorded episodes of ``T`` steps.

    Attributes
    ----------
    rewards, fired, out
        ``(B, T, N)``: reward, beam fired, tagged out (during that step).
    frames
        RGB frames of environment 0 (empty unless asked for).
    """

    rewards: np.ndarray
    fired: np.ndarray
    out: np.ndarray
    frames: list[np.ndarray] = field(default_factory=list)

    def outcomes(self) -> SocialOutcomes:
        """Perolat et al.'s (2017) metrics of these episodes."""
        return social_outcomes(self.rewards, self.out, self.fired)


def random_policy(
    obs: np.ndarray, avail: np.ndarray, env: object, rng: np.random.Generator
) -> np.ndarray:
    """A uniformly random available action per agent."""
    return np.argmax(rng.random(avail.shape) * avail, axis=-1)


def rollout(
    env: object,
    policy: Policy,
    rng: RngLike = None,
    *,
    frames: bool = False,
    frame_scale: int = 6,
) -> Episodes:
    """Run one episode in every environment of ``env`` (a :class:`~cooplab.envs.ssd.grid.GridEnv`).

    The environments are reset with a seed drawn from ``rng`` and stepped
    ``spec.episode_limit`` times (every SSD episode ends at the time limit).
    """
    from cooplab.envs.ssd.render import rgb

    gen = as_generator(rng)
    spec = env.spec  # type: ignore[attr-defined]
    b, n, t_max = env.num_envs, spec.n_agents, spec.episode_limit  # type: ignore[attr-defined]
    first = env.reset(seed=int(gen.integers(2**31 - 1)))  # type: ignore[attr-defined]
    obs, avail = first.obs, first.avail_actions
    rewards = np.zeros((b, t_max, n), np.float32)
    fired = np.zeros((b, t_max, n), bool)
    out = np.zeros((b, t_max, n), bool)
    shots: list[np.ndarray] = [rgb(env, 0, scale=frame_scale)] if frames else []
    for t in range(t_max):
        actions = np.asarray(policy(obs, avail, env, gen), np.int64)
        step = env.step(actions)  # type: ignore[attr-defined]
        ev = env.events  # type: ignore[attr-defined]
        rewards[:, t], fired[:, t], out[:, t] = step.reward, ev["fired"], ev["out"]
        if frames and t < t_max - 1:
            shots.append(rgb(env, 0, scale=frame_scale))
        obs, avail = step.obs, step.avail_actions
    return Episodes(rewards, fired, out, shots)
