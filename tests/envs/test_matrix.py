"""Matrix team games: payoffs against the papers, dynamics, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cooplab.envs import make


def _joint_rewards(name: str, **params) -> np.ndarray:
    """Reward of every joint action of a one-step game, stepped as one batch."""
    env = make(name, num_envs=9, seed=0, **params)
    env.reset()
    joint = np.array(list(itertools.product(range(3), repeat=2)))
    step = env.step(joint)
    assert np.all(step.terminated)
    assert np.all(step.reward[:, 0] == step.reward[:, 1])
    return step.reward[:, 0].reshape(3, 3)


def test_climbing_game_payoffs():
    # Claus & Boutilier 1998, Table 3 (the climbing game).
    np.testing.assert_array_equal(
        _joint_rewards("climbing_game_v1"), [[11, -30, 0], [-30, 7, 6], [0, 0, 5]]
    )


@pytest.mark.parametrize("k", [-100.0, -30.0, 0.0])
def test_penalty_game_payoffs(k):
    # Claus & Boutilier 1998, Table 4 (the penalty game, k <= 0).
    np.testing.assert_array_equal(
        _joint_rewards("penalty_game_v1", k=k), [[10, 0, k], [0, 2, 0], [k, 0, 10]]
    )


@pytest.mark.parametrize("k", [1.0, float("nan"), "x", True])
def test_penalty_game_rejects_bad_k(k):
    with pytest.raises(ValueError, match="k must be"):
        make("penalty_game_v1", k=k)


def test_two_step_game_returns():
    # Rashid et al. 2018 (QMIX), Fig. 3: agent 1's first action picks 2A (all 7) or
    # 2B ([[0, 1], [1, 8]]); agent 2's first action does not matter.
    env = make("two_step_game_v1", num_envs=16, seed=0)
    env.reset()
    plays = np.array(list(itertools.product(range(2), repeat=4)))  # a1, a2 then b1, b2
    first = env.step(plays[:, :2])
    assert not first.terminated.any() and np.all(first.reward == 0)
    second = env.step(plays[:, 2:])
    assert second.terminated.all() and not second.truncated.any()
    expected = np.where(plays[:, 0] == 0, 7.0, np.array([[0, 1], [1, 8]])[plays[:, 2], plays[:, 3]])
    np.testing.assert_array_equal(second.reward[:, 0], expected)
    np.testing.assert_array_equal(second.info["episode_return"], expected)
    assert second.reward.max() == 8


def _mstep_return(m: int, first: tuple[int, int], last: tuple[int, int], good: int = 2):
    env = make("m_step_matrix_game_v1", m=m, good_branches=good, seed=0)
    env.reset()
    total, steps = 0.0, 0
    for t in range(m):
        step = env.step(np.array([last if t == m - 1 and t > 0 else first]))
        total += float(step.reward[0, 0])
        steps += 1
        if step.terminated[0]:
            break
    return total, steps


@pytest.mark.parametrize("m", [2, 5, 10])
def test_m_step_game_optimum_is_m_plus_3(m):
    # Mahajan et al. 2019 (MAVEN), Sec. 3 / Fig. 2: branch (0,0) ends with the payoff
    # [[1,1],[1,4]], so the optimum is m + 3; the other good branch (1,1) returns m.
    assert _mstep_return(m, (0, 0), (1, 1)) == (m + 3, m)
    assert _mstep_return(m, (1, 1), (1, 1)) == (m, m)
    assert _mstep_return(m, (0, 0), (0, 0)) == (m, m)
    # Bad branches pay nothing and end the episode at once (good_branches=2).
    assert _mstep_return(m, (0, 1), (0, 1)) == (0, 1)
    assert _mstep_return(m, (0, 1), (0, 1), good=4) == (m, m)


def test_m_step_game_ends_on_deviation():
    env = make("m_step_matrix_game_v1", m=10)
    env.reset(seed=0)
    env.step(np.array([[1, 1]]))
    step = env.step(np.array([[0, 0]]))
    assert step.terminated[0] and step.reward[0, 0] == 0
    assert step.info["episode_return"][0] == 1 and step.info["episode_length"][0] == 2


def test_m_step_game_observations():
    # As in the MAVEN code: one-hot step (m + 1) then one-hot branch (4).
    env = make("m_step_matrix_game_v1", m=3)
    assert env.spec.obs_shape == (8,)
    first = env.reset(seed=0)
    np.testing.assert_array_equal(first.obs[0, 0], [1, 0, 0, 0, 1, 0, 0, 0])
    step = env.step(np.array([[1, 1]]))
    np.testing.assert_array_equal(step.obs[0, 1], [0, 1, 0, 0, 0, 0, 0, 1])
    one = make("m_step_matrix_game_v1", m=1)
    assert one.spec.obs_shape == (2,)


@pytest.mark.parametrize("m", [0, -1, 1.5, True])
def test_m_step_game_rejects_bad_m(m):
    with pytest.raises(ValueError, match="m must be"):
        make("m_step_matrix_game_v1", m=m)
