import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.comm.lewis import (
    PARTIAL_POOLING,
    POOLING,
    SIGNALING_SYSTEM,
    UNSETTLED,
    LewisGame,
    Replicator,
    RothErev,
    classify,
    equilibrium_regret,
    expected_success,
    skewed_prior,
)


def _random_strategy(rng, rows, cols):
    return rng.dirichlet(np.ones(cols), size=rows)


# ---------------------------------------------------------------------------
# The game: hand-computed values
# ---------------------------------------------------------------------------
def test_expected_success_of_signaling_system_pooling_and_random():
    g = LewisGame(3, prior=(0.5, 0.3, 0.2))
    perm = np.eye(3)[[2, 0, 1]]  # state s -> signal perm(s); receiver inverts it
    assert expected_success(g, perm, perm.T) == pytest.approx(1.0)
    pool = np.zeros((3, 3))
    pool[:, 0] = 1
    recv = np.eye(3)  # signal 0 -> act 0
    # everything sent as signal 0, answered with act 0: success = prior of state 0
    assert expected_success(g, pool, recv) == pytest.approx(0.5)
    uniform = np.full((3, 3), 1 / 3)
    assert expected_success(g, uniform, uniform) == pytest.approx(1 / 3)
    # partial pooling: states 0, 1 -> signal 0 answered 0; state 2 -> signal 1 answered 2
    part = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0]], float)
    rec = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]], float)
    assert expected_success(g, part, rec) == pytest.approx(0.5 + 0.2)
    assert g.optimum() == 1.0
    assert LewisGame(3, n_signals=2, prior=(0.5, 0.3, 0.2)).optimum() == pytest.approx(0.8)


def test_batched_shapes():
    rng = np.random.default_rng(0)
    g = LewisGame(4)
    s = rng.dirichlet(np.ones(4), size=(7, 4))
    r = rng.dirichlet(np.ones(4), size=(7, 4))
    out = expected_success(g, s, r)
    assert out.shape == (7,)
    np.testing.assert_allclose(out[3], expected_success(g, s[3], r[3]))


def test_regret_zero_at_equilibria_positive_elsewhere():
    g = LewisGame(3)
    perm = np.eye(3)[[1, 2, 0]]
    assert equilibrium_regret(g, perm, perm.T) == pytest.approx(0.0)
    # partial pooling equilibrium (Pawlowitsch 2008): states 0, 1 share signal 0, the receiver
    # mixes between acts 0 and 1 on it; signal 2 unused and answered with act 2 (answering it
    # with act 0 would tempt state 0 away from the shared signal: not an equilibrium)
    part = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0]], float)
    rec = np.array([[0.5, 0.5, 0], [0, 0, 1], [0, 0, 1]], float)
    assert equilibrium_regret(g, part, np.array([[0.5, 0.5, 0], [0, 0, 1], [1, 0, 0]])) > 0
    assert equilibrium_regret(g, part, rec) == pytest.approx(0.0)
    # the sender in state 1 would do better on signal 2 if the receiver answered it with act 1
    rec2 = np.array([[0.5, 0.5, 0], [0, 0, 1], [0, 1, 0]], float)
    # sender regret: state 1 gets 0.5, could get 1 -> prior 1/3 * 0.5
    assert equilibrium_regret(g, part, rec2) == pytest.approx(1 / 6)


@given(st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_success_in_unit_interval_and_regret_nonnegative(n, seed):
    rng = np.random.default_rng(seed)
    g = LewisGame(n, prior=tuple(rng.dirichlet(np.ones(n))))
    s, r = _random_strategy(rng, n, n), _random_strategy(rng, n, n)
    v = float(expected_success(g, s, r))
    assert -1e-12 <= v <= 1 + 1e-12
    assert float(equilibrium_regret(g, s, r)) >= -1e-12
    # a signaling system's success is the best: no pair beats it
    assert v <= g.optimum() + 1e-12


# ---------------------------------------------------------------------------
# classify: hand-made cases
# ---------------------------------------------------------------------------
def test_classify_hand_cases():
    g = LewisGame(3)
    perm = np.eye(3)[[2, 0, 1]]
    part = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0]], float)
    part_rec = np.array([[0.5, 0.5, 0], [0, 0, 1], [0, 0, 1]], float)
    pool = np.tile([1.0, 0, 0], (3, 1))
    pool_rec = np.tile([1.0, 0, 0], (3, 1))
    # synonyms: state 0 spreads over signals 0 and 1, both answered 0
    syn = np.array([[0.5, 0.5, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], float)
    syn_rec = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], float)
    # an informative sender with a receiver that ignores it is no equilibrium (uniform
    # strategies on both sides would be one: total pooling, everyone indifferent)
    uniform = np.full((3, 3), 1 / 3)
    out = classify(
        g, np.stack([perm, part, pool, perm]), np.stack([perm.T, part_rec, pool_rec, uniform])
    )
    assert out.kind == (SIGNALING_SYSTEM, PARTIAL_POOLING, POOLING, UNSETTLED)
    np.testing.assert_allclose(out.bound[:3], [1.0, 2 / 3, 1 / 3])
    assert out.signals_used[:3].tolist() == [3, 2, 1]
    assert classify(LewisGame(3, n_signals=4), syn, syn_rec).kind == (SIGNALING_SYSTEM,)
    assert classify(g, uniform, uniform).kind == (POOLING,)
    assert out.counts() == {SIGNALING_SYSTEM: 1, PARTIAL_POOLING: 1, POOLING: 1, UNSETTLED: 1}
    assert out.to_dict()["counts"][PARTIAL_POOLING] == 1


def test_classify_indifferent_state_counts_as_pooled():
    # A partial pooling equilibrium where the lost state (2) is indifferent and mixes:
    # the receiver answers signals 0, 1 with act 0 and signal 2 with act 1.
    g = LewisGame(3)
    s = np.array([[0.5, 0.5, 0], [0, 0, 1], [0.1, 0.1, 0.8]])
    r = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0]], float)
    out = classify(g, s, r)
    assert out.kind == (PARTIAL_POOLING,)
    assert out.bound[0] == pytest.approx(2 / 3)


# ---------------------------------------------------------------------------
# Learners
# ---------------------------------------------------------------------------
def test_roth_erev_update_by_hand():
    g = LewisGame(2)
    learner = RothErev(g, runs=50, rng=3)
    learner.step(1)
    # each run added one ball to the sender's and one to the receiver's urn, or none
    added_s = learner.sender_weights.sum(axis=(1, 2)) - 4
    added_r = learner.receiver_weights.sum(axis=(1, 2)) - 4
    np.testing.assert_array_equal(added_s, added_r)
    np.testing.assert_array_equal(added_s, learner.successes)
    assert set(np.unique(added_s)) <= {0.0, 1.0}
    # with uniform urns, success has probability 1/2: over 50 runs the count is not extreme
    assert 10 <= learner.successes.sum() <= 40
    for k in np.flatnonzero(learner.successes):
        s_idx = np.argwhere(learner.sender_weights[k] == 2)
        r_idx = np.argwhere(learner.receiver_weights[k] == 2)
        # the reinforced state and act agree, and the signal is the same
        assert s_idx[0][0] == r_idx[0][1] and s_idx[0][1] == r_idx[0][0]


def test_two_states_reach_a_signaling_system_within_budget():
    # Argiento, Pemantle, Skyrms and Volkov (2009): with 2 equiprobable states the basic urn
    # converges to a signaling system with probability 1. Within 5000 plays at least 90% of
    # runs are settled there and none is caught in pooling.
    learner = RothErev(LewisGame(2), runs=300, rng=11).run(5000)
    out = classify(learner.game, learner.sender, learner.receiver)
    assert out.share(SIGNALING_SYSTEM) >= 0.9
    assert out.share(POOLING) <= 0.01 and out.share(PARTIAL_POOLING) == 0
    dyn = Replicator(LewisGame(2), runs=300, rng=11).run(1000)
    assert classify(dyn.game, dyn.sender, dyn.receiver).share(SIGNALING_SYSTEM) == 1.0


def test_three_states_pool_about_one_run_in_ten():
    # Barrett (2006), Skyrms (2010, Signals, ch. 8): with 3 equiprobable states, 3 signals and
    # 3 acts the basic urn ends in partial pooling in roughly 9-10% of runs. 300 runs give a
    # standard error of about 1.7 points; the band is wide enough for that and for the runs
    # still unsettled at 8000 plays.
    learner = RothErev(LewisGame(3), runs=300, rng=5).run(8000)
    out = classify(learner.game, learner.sender, learner.receiver)
    pooled = out.share(PARTIAL_POOLING) + out.share(POOLING)
    assert 0.04 <= pooled <= 0.18
    assert out.share(SIGNALING_SYSTEM) >= 0.7


def test_skewed_prior_makes_pooling_more_common():
    # Skyrms (2010, ch. 8); Huttegger (2007) for the replicator dynamics: unequal priors
    # give total pooling a basin of positive size.
    even = Replicator(LewisGame(2), runs=400, rng=2).run(1000)
    skew = Replicator(LewisGame(2, prior=skewed_prior(2, 0.9)), runs=400, rng=2).run(1000)
    p_even = classify(even.game, even.sender, even.receiver).share(POOLING)
    p_skew = classify(skew.game, skew.sender, skew.receiver).share(POOLING)
    assert p_even == 0.0 and p_skew > 0.1


def test_replicator_stays_on_simplex_and_raises_success():
    dyn = Replicator(LewisGame(4), runs=64, rng=0)
    before = expected_success(dyn.game, dyn.sender, dyn.receiver)
    dyn.run(300)
    after = expected_success(dyn.game, dyn.sender, dyn.receiver)
    np.testing.assert_allclose(dyn.sender.sum(-1), 1)
    np.testing.assert_allclose(dyn.receiver.sum(-1), 1)
    assert np.all(dyn.sender >= 0)
    # mean payoff rises along replicator dynamics in a common-interest game (fundamental theorem)
    assert np.all(after >= before - 1e-9)


@pytest.mark.parametrize("cls", [RothErev, Replicator])
def test_seeds_reproduce(cls):
    a = cls(LewisGame(3), runs=20, rng=7).run(200)
    b = cls(LewisGame(3), runs=20, rng=7).run(200)
    c = cls(LewisGame(3), runs=20, rng=8).run(200)
    np.testing.assert_array_equal(a.sender, b.sender)
    np.testing.assert_array_equal(a.receiver, b.receiver)
    assert not np.array_equal(a.sender, c.sender)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_states": 1}, "n_states"),
        ({"n_states": 2.5}, "n_states"),
        ({"n_states": 3, "n_signals": 0}, "n_signals"),
        ({"n_states": 2, "prior": (0.5, 0.6)}, "prior"),
        ({"n_states": 2, "prior": (1.0,)}, "prior"),
        ({"n_states": 2, "prior": (1.5, -0.5)}, "prior"),
    ],
)
def test_bad_games(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LewisGame(**kwargs)


def test_bad_learner_and_strategy_input():
    g = LewisGame(2)
    with pytest.raises(ValueError, match="runs"):
        RothErev(g, runs=0)
    with pytest.raises(ValueError, match="reward"):
        RothErev(g, reward=-1)
    with pytest.raises(ValueError, match="dt"):
        Replicator(g, dt=0)
    with pytest.raises(TypeError, match="LewisGame"):
        RothErev("lewis")
    with pytest.raises(ValueError, match="sender must have shape"):
        expected_success(g, np.eye(3), np.eye(2))
    with pytest.raises(ValueError, match="sum to 1"):
        expected_success(g, np.ones((2, 2)), np.eye(2))
    with pytest.raises(ValueError, match="tol"):
        classify(g, np.eye(2), np.eye(2), tol=0)
    with pytest.raises(ValueError, match="skew"):
        skewed_prior(2, 1.0)
