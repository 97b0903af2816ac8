"""A private stand-in for the two-step game until cooplab.envs lands (deleted then)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EnvSpec:
    name: str
    n_agents: int
    n_actions: int
    obs_shape: tuple[int, ...]
    state_shape: tuple[int, ...]
    episode_limit: int


@dataclass(frozen=True)
class Reset:
    obs: np.ndarray
    state: np.ndarray
    avail_actions: np.ndarray


@dataclass(frozen=True)
class Step:
    obs: np.ndarray
    state: np.ndarray
    avail_actions: np.ndarray
    reward: np.ndarray
    terminated: np.ndarray
    truncated: np.ndarray
    final_obs: np.ndarray
    final_state: np.ndarray
    info: dict


class TwoStep:
    spec = EnvSpec("two_step_game_v1", 2, 2, (3,), (3,), 2)
    PAYOFF_2B = np.array([[0.0, 1.0], [1.0, 8.0]])

    def __init__(self, num_envs: int = 1) -> None:
        self.num_envs = num_envs
        self.s = np.zeros(num_envs, np.int64)

    def _obs(self):
        one = np.eye(3, dtype=np.float32)[self.s]
        return np.repeat(one[:, None], 2, axis=1), one, np.ones((self.num_envs, 2, 2), bool)

    def reset(self, seed=None):
        self.s[:] = 0
        return Reset(*self._obs())

    def step(self, actions):
        actions = np.asarray(actions)
        r = np.zeros(self.num_envs, np.float32)
        first = self.s == 0
        r[self.s == 1] = 7.0
        b = self.s == 2
        r[b] = self.PAYOFF_2B[actions[b, 0], actions[b, 1]]
        done = ~first
        self.s = np.where(first, 1 + actions[:, 0], self.s)
        fo, fs, _ = self._obs()
        self.s[done] = 0
        o, s, av = self._obs()
        return Step(o, s, av, np.repeat(r[:, None], 2, 1), done, np.zeros_like(done), fo, fs, {})
