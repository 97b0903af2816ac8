"""Collect whole episodes from a batched environment (one episode per environment).

The environments of a :class:`cooplab.envs.VectorEnv` reset themselves when an
episode ends; the runner keeps stepping the batch until every environment has
finished one episode, records each episode up to its end and pads the rest
(``EpisodeBatch.filled``). Every collection starts with ``env.reset(seed)``
drawn from the caller's generator, so a run resumed from a checkpoint between
collections sees exactly the episodes the uninterrupted run would have seen.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from cooplab.marl.buffer import EpisodeBatch

__all__ = ["Actor", "collect"]


class Actor(Protocol):
    """What :func:`collect` needs from a learner."""

    def begin(
        self, num_envs: int, state: np.ndarray, rng: np.random.Generator, greedy: bool
    ) -> np.ndarray:
        """Start ``num_envs`` episodes from global ``state`` ``(B, *state_shape)``; returns ``z`` ``(B,)``."""
        ...

    def act(
        self,
        obs: np.ndarray,
        avail: np.ndarray,
        last_action: np.ndarray,
        epsilon: float,
        rng: np.random.Generator,
        greedy: bool,
    ) -> np.ndarray:
        """Actions ``(B, N)`` for observations ``(B, N, *obs)`` and available actions ``(B, N, A)``."""
        ...


def collect(
    env: Any,
    actor: Actor,
    rng: np.random.Generator,
    *,
    epsilon: float = 0.0,
    greedy: bool = False,
) -> EpisodeBatch:
    """Run one episode in each of ``env.num_envs`` environments.

    Parameters
    ----------
    env
        A :class:`cooplab.envs.VectorEnv`.
    actor
        The learner whose policy acts (:class:`Actor`).
    rng
        Draws the reset seed and the exploration noise.
    epsilon, greedy
        Exploration rate; ``greedy=True`` evaluates (no exploration).

    Returns
    -------
    EpisodeBatch
        ``B = env.num_envs`` episodes padded to ``T = env.spec.episode_limit``.
    """
    spec = env.spec
    b, n, a, t_max = env.num_envs, spec.n_agents, spec.n_actions, spec.episode_limit
    reset = env.reset(seed=int(rng.integers(2**31 - 1)))
    obs = np.zeros((b, t_max + 1, n, *spec.obs_shape), np.float32)
    state = np.zeros((b, t_max + 1, *spec.state_shape), np.float32)
    avail = np.zeros((b, t_max + 1, n, a), bool)
    actions = np.zeros((b, t_max, n), np.int64)
    reward = np.zeros((b, t_max), np.float32)
    terminated = np.zeros((b, t_max), bool)
    filled = np.zeros((b, t_max), bool)
    obs[:, 0], state[:, 0], avail[:, 0] = reset.obs, reset.state, reset.avail_actions
    cur_obs, cur_avail = reset.obs, reset.avail_actions
    z = np.asarray(actor.begin(b, reset.state, rng, greedy), dtype=np.int64)
    last = np.full((b, n), -1, np.int64)  # no previous action: a zero one-hot
    active = np.ones(b, bool)
    for t in range(t_max):
        act = np.asarray(actor.act(cur_obs, cur_avail, last, epsilon, rng, greedy), np.int64)
        step = env.step(act)
        done = np.asarray(step.terminated) | np.asarray(step.truncated)
        if t == t_max - 1:
            done = np.ones(b, bool)  # the episode limit ends what the env did not
        rows = np.flatnonzero(active)
        actions[rows, t] = act[rows]
        reward[rows, t] = np.asarray(step.reward, np.float32)[rows].mean(axis=1)
        terminated[rows, t] = np.asarray(step.terminated)[rows]
        filled[rows, t] = True
        nxt_obs = np.where(
            done.reshape((b,) + (1,) * (step.obs.ndim - 1)), step.final_obs, step.obs
        )
        nxt_state = np.where(
            done.reshape((b,) + (1,) * (step.state.ndim - 1)), step.final_state, step.state
        )
        obs[rows, t + 1] = nxt_obs[rows]
        state[rows, t + 1] = nxt_state[rows]
        # After an episode's end there is no next decision: mark every action
        # available so the (discarded) bootstrap never takes a max over nothing.
        avail[rows, t + 1] = np.where(done[rows, None, None], True, step.avail_actions[rows])
        last = act
        cur_obs, cur_avail = step.obs, step.avail_actions
        active &= ~done
        if not active.any():
            break
    return EpisodeBatch(obs, state, avail, actions, reward, terminated, filled, z)
