"""Social outcome metrics (Perolat et al. 2017) on hand-computed episodes, and rollouts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cooplab.envs.ssd import Harvest
from cooplab.envs.ssd.maps import SMALL_HARVEST_MAP
from cooplab.ssd.metrics import (
    beam_use,
    collective_return,
    efficiency,
    equality,
    gini,
    peace,
    social_outcomes,
    sustainability,
)
from cooplab.ssd.rollout import random_policy, rollout
from cooplab.ssd.scripted import harvester

# One episode, T = 4 steps, N = 3 agents, computed by hand below.
R = np.array(
    [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
        [1.0, 1.0, 0.0],
    ]
)
OUT = np.array([[0, 0, 1], [0, 0, 1], [0, 0, 0], [1, 0, 0]], bool)
FIRED = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0]], bool)


def test_hand_computed_episode():
    # returns (3, 2, 0): sum 5 over T = 4 -> U = 5/4
    assert collective_return(R) == 5.0
    assert efficiency(R) == 1.25
    # sum_ij |R_i - R_j| = 2 * (1 + 3 + 2) = 12; Gini = 12 / (2 * 3 * 5) = 0.4
    assert gini(R.sum(axis=0)) == pytest.approx(0.4)
    assert equality(R.sum(axis=0)) == pytest.approx(0.6)
    # agent 0 at steps 1, 3, 4 -> 8/3; agent 1 at steps 2, 4 -> 3; agent 2 never
    assert sustainability(R) == pytest.approx((8 / 3 + 3) / 2)
    # 3 agent-steps out of 12: P = (12 - 3) / 4
    assert peace(OUT) == 2.25
    assert beam_use(FIRED).tolist() == [2, 1, 0]
    out = social_outcomes(R[None], OUT[None], FIRED[None])
    assert out.mean() == pytest.approx(
        {
            "collective_return": 5.0,
            "efficiency": 1.25,
            "equality": 0.6,
            "sustainability": (8 / 3 + 3) / 2,
            "peace": 2.25,
            "beam_rate": 3 / 12,
        }
    )


def test_edge_cases():
    assert equality(np.zeros(3)) == 1.0  # nobody earned anything: equal
    assert np.isnan(equality(np.array([-1.0, 1.0])))  # no Gini for a zero total
    assert np.isnan(sustainability(np.zeros((5, 2))))
    assert equality(np.array([4.0, 0.0])) == pytest.approx(0.5)  # one takes all: 1 - (N-1)/N
    with pytest.raises(ValueError, match="shape"):
        efficiency(np.ones(3))
    with pytest.raises(ValueError, match="out must have the shape"):
        social_outcomes(R[None], OUT[None, :2])
    with pytest.raises(ValueError, match="finite"):
        efficiency(np.array([[np.nan]]))


@given(
    arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)), elements=st.floats(0, 10))
)
def test_equality_is_between_zero_and_one_and_scale_free(returns):
    e = equality(returns)
    assert np.all((e >= -1e-12) & (e <= 1 + 1e-12))
    np.testing.assert_allclose(equality(3.0 * returns), e, atol=1e-12)


def test_batched_equals_one_at_a_time():
    rng = np.random.default_rng(0)
    r = (rng.random((4, 7, 3)) < 0.3).astype(float)
    batched = social_outcomes(r)
    for i in range(4):
        single = social_outcomes(r[i : i + 1])
        assert single.efficiency[0] == batched.efficiency[i]
        assert single.sustainability[0] == batched.sustainability[i]


def test_rollout_records_what_the_environment_did():
    env = Harvest(num_envs=3, seed=0, map=SMALL_HARVEST_MAP, n_agents=3, episode_limit=40)
    ep = rollout(env, random_policy, 1, frames=True, frame_scale=2)
    assert ep.rewards.shape == ep.fired.shape == ep.out.shape == (3, 40, 3)
    assert len(ep.frames) == 40 and ep.frames[0].shape == (18, 28, 3)
    assert ep.fired.any()  # random agents fire an eighth of the time
    # the rewards are the apples eaten: the same seed gives the same episodes
    again = rollout(
        Harvest(num_envs=3, seed=0, map=SMALL_HARVEST_MAP, n_agents=3, episode_limit=40),
        random_policy,
        1,
    )
    np.testing.assert_array_equal(ep.rewards, again.rewards)


def test_restraint_beats_greed_in_the_commons():
    # the tragedy of the commons with hand-coded harvesters: eating the last
    # apples of a patch stops its regrowth (regrowth needs apples nearby)
    def outcome(k):
        env = Harvest(num_envs=8, seed=0, n_agents=5, episode_limit=500)
        return rollout(env, harvester(k), 0).outcomes()

    greedy, restrained = outcome(0), outcome(3)
    assert restrained.collective_return.mean() > 2 * greedy.collective_return.mean()
    assert restrained.sustainability.mean() > greedy.sustainability.mean()
    assert greedy.peace.mean() == 5.0 and greedy.beam_use.sum() == 0  # never fires
