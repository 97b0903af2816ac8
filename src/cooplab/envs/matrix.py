"""Matrix games as team games: every agent gets the same reward.

All four are small deterministic games given by tables over a finite set of
game states (:class:`TabularTeamGame`): from state ``s`` the joint action
``(a_1, ..., a_N)`` pays every agent ``R[s, a_1, ..., a_N]``, moves to
``next[s, a_1, ..., a_N]`` and ends the episode where ``done[s, ...]``. Every
agent observes the same vector ``O[s]`` (the state is the same vector).

- :func:`climbing_game` (Claus & Boutilier 1998, Table 3): one step, payoffs
  ``[[11, -30, 0], [-30, 7, 6], [0, 0, 5]]``; the optimum (a, a) = 11 sits
  next to the heaviest penalties, so independent learners settle on (b, b) or
  (c, c).
- :func:`penalty_game` (Claus & Boutilier 1998, Table 4): one step, payoffs
  ``[[10, 0, k], [0, 2, 0], [k, 0, 10]]`` with ``k <= 0``: two optima that
  must be told apart, a miscoordination costing ``k``.
- :func:`two_step_game` (Rashid et al. 2018, QMIX, Fig. 3): the first agent's
  first action picks state 2A (action 0, every joint action pays 7) or 2B
  (action 1, payoffs ``[[0, 1], [1, 8]]``); the optimum is 8, which VDN's
  additive decomposition cannot represent while QMIX's monotonic mixer can.
- :func:`m_step_matrix_game` (Mahajan et al. 2019, MAVEN, Fig. 2; the rules
  of ``envs/matrix_game/nstep_matrix_game.py`` in the authors' code): two
  agents, two actions, ``m`` steps. The first joint action picks one of four
  branches; afterwards the agents are paid 1 per step for repeating that
  joint action and the episode ends at the first deviation (payoff 0). Only
  branches (0, 0) and (1, 1) pay at all (``good_branches=2``, the paper's
  setting; ``good_branches=4`` makes all four pay). At the last step of
  branch (0, 0) the payoff is ``[[1, 1], [1, 4]]`` whatever the joint action,
  so the optimal return is ``m + 3`` against ``m`` for branch (1, 1).
  Observations are one-hot of the step (``m + 1``) and, for ``m > 1``, of the
  branch (4).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from cooplab.envs.base import EnvSpec, VectorEnv

__all__ = [
    "TabularTeamGame",
    "climbing_game",
    "m_step_matrix_game",
    "penalty_game",
    "two_step_game",
]

CLIMBING_PAYOFFS = ((11.0, -30.0, 0.0), (-30.0, 7.0, 6.0), (0.0, 0.0, 5.0))
TWO_STEP_2B = ((0.0, 1.0), (1.0, 8.0))
MAVEN_FINAL_STEP = ((1.0, 1.0), (1.0, 4.0))


class TabularTeamGame(VectorEnv):
    """A deterministic team game given by tables over game states, batched.

    Parameters
    ----------
    name
        Versioned name for the spec.
    rewards
        ``(S, A, ..., A)`` (one ``A`` axis per agent): the team reward.
    next_state
        ``(S, A, ..., A)`` int: the state after the joint action.
    done
        ``(S, A, ..., A)`` bool: whether the joint action ends the episode.
    observations
        ``(S, D)``: what every agent sees in each state (also the global state).
    episode_limit
        The longest episode.
    num_envs, seed, strict
        See :class:`VectorEnv`.
    action_names, params
        For the spec.
    start
        The first state of every episode.
    """

    def __init__(
        self,
        name: str,
        rewards: npt.ArrayLike,
        next_state: npt.ArrayLike,
        done: npt.ArrayLike,
        observations: npt.ArrayLike,
        episode_limit: int,
        num_envs: int = 1,
        seed: int | Sequence[int] | None = None,
        *,
        strict: bool = False,
        action_names: tuple[str, ...] = (),
        params: tuple[tuple[str, object], ...] = (),
        start: int = 0,
    ) -> None:
        r = np.asarray(rewards, np.float64)
        nxt = np.asarray(next_state, np.int64)
        dn = np.asarray(done, bool)
        obs = np.asarray(observations, np.float32)
        if r.ndim < 2 or len(set(r.shape[1:])) != 1:
            raise ValueError(f"{name}: rewards must be (S, A, ..., A); got shape {r.shape}")
        if nxt.shape != r.shape or dn.shape != r.shape:
            raise ValueError(f"{name}: next_state and done must have the shape of rewards")
        if obs.ndim != 2 or obs.shape[0] != r.shape[0]:
            raise ValueError(f"{name}: observations must be (S, D) with S = {r.shape[0]}")
        if nxt.min() < 0 or nxt.max() >= r.shape[0]:
            raise ValueError(f"{name}: next_state must index states 0..{r.shape[0] - 1}")
        n_states, n_agents, n_actions = r.shape[0], r.ndim - 1, r.shape[1]
        self._rewards = r.reshape(n_states, -1).astype(np.float32)
        self._next = nxt.reshape(n_states, -1)
        self._done = dn.reshape(n_states, -1)
        self._obs_table = obs
        self._start = int(start)
        self._radix = n_actions ** np.arange(n_agents - 1, -1, -1)
        self.spec = EnvSpec(
            name=name,
            n_agents=n_agents,
            n_actions=n_actions,
            obs_shape=(obs.shape[1],),
            state_shape=(obs.shape[1],),
            episode_limit=int(episode_limit),
            reward_range=(float(r.min()), float(r.max())),
            team_reward=True,
            obs_bounds=(float(min(0.0, obs.min())), float(max(1.0, obs.max()))),
            state_bounds=(float(min(0.0, obs.min())), float(max(1.0, obs.max()))),
            action_names=action_names,
            params=params,
        )
        super().__init__(num_envs, seed, strict=strict)
        self.game_state = np.full(self.num_envs, self._start, np.int64)

    @property
    def payoff_tables(self) -> np.ndarray:
        """The team rewards ``(S, A, ..., A)`` (a copy)."""
        shape = (self._rewards.shape[0],) + (self.spec.n_actions,) * self.spec.n_agents
        return self._rewards.reshape(shape).astype(np.float64)

    def _reset_rows(self, idx: np.ndarray) -> None:
        self.game_state[idx] = self._start

    def _observe(self, idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s = self.game_state if idx is None else self.game_state[idx]
        state = self._obs_table[s]
        obs = np.repeat(state[:, None, :], self.spec.n_agents, axis=1)
        avail = np.ones((len(s), self.spec.n_agents, self.spec.n_actions), bool)
        return obs, state, avail

    def _step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        joint = actions @ self._radix
        s = self.game_state
        r = self._rewards[s, joint]
        terminated = self._done[s, joint]
        self.game_state = self._next[s, joint]
        return np.repeat(r[:, None], self.spec.n_agents, axis=1), terminated


def _one_step(
    name: str,
    payoffs: np.ndarray,
    num_envs: int,
    seed: int | Sequence[int] | None,
    strict: bool,
    params: tuple[tuple[str, object], ...] = (),
) -> TabularTeamGame:
    """A one-step game: state 0 plays ``payoffs``, state 1 is the end (obs one-hot of the step)."""
    payoffs = np.asarray(payoffs, np.float64)
    rewards = np.stack([payoffs, np.zeros_like(payoffs)])
    next_state = np.ones(rewards.shape, np.int64)
    done = np.ones(rewards.shape, bool)
    n_actions = payoffs.shape[0]
    return TabularTeamGame(
        name,
        rewards,
        next_state,
        done,
        np.eye(2),
        episode_limit=1,
        num_envs=num_envs,
        seed=seed,
        strict=strict,
        action_names=tuple("abcdefghij"[:n_actions]),
        params=params,
    )


def climbing_game(
    num_envs: int = 1, seed: int | Sequence[int] | None = None, *, strict: bool = False
) -> TabularTeamGame:
    """The climbing game of Claus & Boutilier (1998), as a one-step team game."""
    return _one_step("climbing_game_v1", np.array(CLIMBING_PAYOFFS), num_envs, seed, strict)


def penalty_game(
    num_envs: int = 1,
    seed: int | Sequence[int] | None = None,
    *,
    k: float = -100.0,
    strict: bool = False,
) -> TabularTeamGame:
    """The penalty game of Claus & Boutilier (1998) with miscoordination penalty ``k <= 0``."""
    if isinstance(k, bool) or not isinstance(k, numbers.Real) or not np.isfinite(k) or k > 0:
        raise ValueError(f"penalty_game_v1: k must be a finite number <= 0; got {k!r}")
    payoffs = np.array([[10.0, 0.0, k], [0.0, 2.0, 0.0], [k, 0.0, 10.0]])
    return _one_step("penalty_game_v1", payoffs, num_envs, seed, strict, (("k", float(k)),))


def two_step_game(
    num_envs: int = 1, seed: int | Sequence[int] | None = None, *, strict: bool = False
) -> TabularTeamGame:
    """The two-step game of Rashid et al. (2018, Fig. 3).

    States: 0 (the first step), 1 (2A), 2 (2B), 3 (the end); every agent sees
    the one-hot state ``(4,)``.
    """
    rewards = np.zeros((4, 2, 2))
    rewards[1] = 7.0
    rewards[2] = TWO_STEP_2B
    next_state = np.full((4, 2, 2), 3, np.int64)
    next_state[0, 0, :] = 1  # agent 1's action A leads to 2A
    next_state[0, 1, :] = 2  # and B to 2B, whatever agent 2 does
    done = np.ones((4, 2, 2), bool)
    done[0] = False
    return TabularTeamGame(
        "two_step_game_v1",
        rewards,
        next_state,
        done,
        np.eye(4),
        episode_limit=2,
        num_envs=num_envs,
        seed=seed,
        strict=strict,
        action_names=("A", "B"),
    )


def m_step_matrix_game(
    num_envs: int = 1,
    seed: int | Sequence[int] | None = None,
    *,
    m: int = 10,
    good_branches: int = 2,
    strict: bool = False,
) -> TabularTeamGame:
    """The m-step matrix game of Mahajan et al. (2019, MAVEN); see the module notes.

    States: ``(t, branch)`` for ``t = 0..m`` and the four branches, index
    ``4 t + branch``; step ``t = m`` (or a deviation) ends the episode.
    """
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
        raise ValueError(f"m_step_matrix_game_v1: m must be an int >= 1; got {m!r}")
    if good_branches not in (2, 4):
        raise ValueError(
            f"m_step_matrix_game_v1: good_branches must be 2 or 4 (as in the MAVEN code); "
            f"got {good_branches!r}"
        )
    m = int(m)
    n_states = 4 * (m + 1)
    rewards = np.zeros((n_states, 2, 2))
    next_state = np.zeros((n_states, 2, 2), np.int64)
    done = np.zeros((n_states, 2, 2), bool)
    paying = (0, 1, 2, 3) if good_branches == 4 else (0, 3)
    for t in range(m + 1):
        for branch in range(4):
            s = 4 * t + branch
            for a0 in range(2):
                for a1 in range(2):
                    current = 2 * a0 + a1
                    b = current if t == 0 else branch
                    r = 1.0 if (b in paying and b == current) else 0.0
                    if m > 1 and t == m - 1 and b == 0:
                        r = MAVEN_FINAL_STEP[a0][a1]
                    rewards[s, a0, a1] = r
                    next_state[s, a0, a1] = 4 * min(t + 1, m) + b
                    done[s, a0, a1] = t + 1 >= m or r <= 0
    obs = np.zeros((n_states, m + 1 + (4 if m > 1 else 0)), np.float32)
    for t in range(m + 1):
        for branch in range(4):
            obs[4 * t + branch, t] = 1.0
            if m > 1:
                obs[4 * t + branch, m + 1 + branch] = 1.0
    return TabularTeamGame(
        "m_step_matrix_game_v1",
        rewards,
        next_state,
        done,
        obs,
        episode_limit=m,
        num_envs=num_envs,
        seed=seed,
        strict=strict,
        action_names=("0", "1"),
        params=(("m", m), ("good_branches", int(good_branches))),
    )
