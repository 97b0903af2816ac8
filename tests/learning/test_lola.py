"""LOLA with exact values (Foerster et al. 2018, AAMAS) and LOLA-DiCE (Foerster et al. 2018, ICML)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from cooplab.learning.base import LearnerDivergedError  # noqa: E402
from cooplab.learning.dice import DiCELOLA, dice_gradients, dice_lola_directions  # noqa: E402
from cooplab.learning.lola import (  # noqa: E402
    MemoryOneLOLA,
    exact_gradients,
    lola_directions,
    memory_one_values,
    opponent_model_logits,
    sample_play,
    simulated_values,
    transition_matrix,
)

SURE = 60.0  # a logit whose sigmoid is 1 to double precision
TFT = np.array([SURE, SURE, -SURE, SURE, -SURE])  # start C; C after CC and DC (other cooperated)
ALL_C = np.full(5, SURE)
ALL_D = np.full(5, -SURE)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_known_policy_pairs_in_the_prisoners_dilemma():
    # Foerster et al. 2018: payoffs (-1, -3, 0, -2), gamma 0.96. Mutual cooperation
    # is worth -1 a round, -1 / (1 - 0.96) = -25 in total; mutual defection -2 a round.
    np.testing.assert_allclose(memory_one_values(ALL_C, ALL_C, "ipd"), [-25.0, -25.0], atol=1e-9)
    np.testing.assert_allclose(
        memory_one_values(ALL_D, ALL_D, "ipd", per_step=True), [-2.0, -2.0], atol=1e-9
    )
    # the sucker: -3 against 0 every round
    np.testing.assert_allclose(
        memory_one_values(ALL_C, ALL_D, "ipd", per_step=True), [-3.0, 0.0], atol=1e-9
    )
    # TFT against always-defect: first round (C, D) = -3, then (D, D) = -2 forever
    g = 0.96
    v = memory_one_values(TFT, ALL_D, "ipd")
    np.testing.assert_allclose(v[0], -3.0 - 2.0 * g / (1 - g), atol=1e-9)
    np.testing.assert_allclose(v[1], 0.0 - 2.0 * g / (1 - g), atol=1e-9)
    # TFT against TFT cooperates forever
    np.testing.assert_allclose(
        memory_one_values(TFT, TFT, "ipd", per_step=True), [-1, -1], atol=1e-9
    )


def test_second_player_states_are_swapped():
    # Player 2 with "cooperate only after CD in its own view" (it cooperated, the other
    # defected) meets an all-defect first player: states are (D, C) from player 1's side,
    # i.e. CD for player 2, so it keeps cooperating after its first cooperation.
    p2 = np.array([SURE, -SURE, SURE, -SURE, -SURE])
    v = memory_one_values(ALL_D, p2, "ipd", per_step=True)
    np.testing.assert_allclose(v, [0.0, -3.0], atol=1e-9)


@given(st.integers(0, 2**31 - 1))
def test_transition_matrix_is_stochastic(seed):
    rng = np.random.default_rng(seed)
    p0, P = transition_matrix(rng.random((3, 5)), rng.random((3, 5)))
    np.testing.assert_allclose(p0.sum(-1), 1.0, atol=1e-12)
    np.testing.assert_allclose(P.sum(-1), 1.0, atol=1e-12)
    assert (P >= 0).all()


@pytest.mark.parametrize("game", ["ipd", "imp"])
def test_exact_value_matches_monte_carlo(game):
    # the check: the closed form against simulation of the same memory-one policies
    rng = np.random.default_rng(11)
    theta = rng.normal(size=(4, 2, 5))
    exact = memory_one_values(theta[:, 0], theta[:, 1], game)
    mean, se = simulated_values(
        sigmoid(theta[:, 0]), sigmoid(theta[:, 1]), game, episodes=3000, rng=5
    )
    assert np.all(np.abs(exact - mean) < 4.5 * se + 1e-3)


def test_imp_is_zero_sum():
    theta = np.random.default_rng(0).normal(size=(6, 2, 5))
    v = memory_one_values(theta[:, 0], theta[:, 1], "imp")
    np.testing.assert_allclose(v.sum(-1), 0.0, atol=1e-10)


def test_exact_gradients_match_finite_differences():
    rng = np.random.default_rng(2)
    t1, t2 = rng.normal(size=5), rng.normal(size=5)
    g1, g2 = exact_gradients(t1, t2, "ipd")
    h = 1e-6
    for k in range(5):
        e = np.zeros(5)
        e[k] = h
        fd1 = (
            memory_one_values(t1 + e, t2, "ipd")[0] - memory_one_values(t1 - e, t2, "ipd")[0]
        ) / (2 * h)
        fd2 = (
            memory_one_values(t1, t2 + e, "ipd")[1] - memory_one_values(t1, t2 - e, "ipd")[1]
        ) / (2 * h)
        np.testing.assert_allclose([g1[k], g2[k]], [fd1, fd2], rtol=1e-5, atol=1e-6)


def test_taylor_and_lookahead_corrections_against_explicit_jacobians():
    # LOLA (Foerster et al. 2018, eq. 4.2): d_1 = grad_1 V_1 + eta (grad_1 grad_2 V_2)^T grad_2 V_1;
    # the lookahead's first-order term adds the dropped (grad_1 grad_2 V_1)^T grad_2 V_2.
    rng = np.random.default_rng(4)
    t1, t2 = rng.normal(size=5), rng.normal(size=5)
    T1, T2 = torch.tensor(t1), torch.tensor(t2)

    def grad2(i):
        def f(a):
            b = T2.clone().requires_grad_(True)
            v = memory_one_values(a, b, "ipd")[i]
            return torch.autograd.grad(v, b, create_graph=True)[0]

        return f

    j_v2 = torch.autograd.functional.jacobian(grad2(1), T1).numpy()  # d(grad_2 V_2)/d theta_1
    j_v1 = torch.autograd.functional.jacobian(grad2(0), T1).numpy()  # d(grad_2 V_1)/d theta_1
    g_2v1 = grad2(0)(T1).detach().numpy()
    g_2v2 = grad2(1)(T1).detach().numpy()
    g1, _ = exact_gradients(t1, t2, "ipd")
    eta = 0.7
    d1, _ = lola_directions(t1, t2, "ipd", eta=eta, correction="taylor")
    np.testing.assert_allclose(d1, g1 + eta * j_v2.T @ g_2v1, rtol=1e-8, atol=1e-10)
    small = 1e-5
    a1, _ = lola_directions(t1, t2, "ipd", eta=small, correction="lookahead")
    np.testing.assert_allclose(
        (a1 - g1) / small, j_v2.T @ g_2v1 + j_v1.T @ g_2v2, rtol=1e-3, atol=1e-4
    )
    naive = np.asarray(lola_directions(t1, t2, "ipd", eta=0.0))
    np.testing.assert_allclose(naive, np.stack(exact_gradients(t1, t2, "ipd")), atol=1e-12)


def test_dice_gradient_matches_the_exact_gradient():
    rng = np.random.default_rng(3)
    t1, t2 = rng.normal(size=5), rng.normal(size=5)
    exact = np.stack(exact_gradients(t1, t2, "ipd"))
    est = np.stack(dice_gradients(t1, t2, "ipd", episodes=4000, length=150, rng=1))
    for a, b in zip(exact, est, strict=True):
        assert np.linalg.norm(a - b) / np.linalg.norm(a) < 0.1


def test_lola_dice_matches_the_exact_lookahead():
    # DiCE's second-order terms: the sampled LOLA direction against the exact one. The
    # LOLA correction moves the direction 30-60% away from the naive gradient here, so a
    # match within 15% is not the naive gradient passing for LOLA.
    rng = np.random.default_rng(3)
    t1, t2 = rng.normal(size=5), rng.normal(size=5)
    exact = np.stack(lola_directions(t1, t2, "ipd", eta=0.3, correction="lookahead"))
    naive = np.stack(exact_gradients(t1, t2, "ipd"))
    est = np.stack(dice_lola_directions(t1, t2, "ipd", eta=0.3, episodes=4000, length=150, rng=0))
    for a, b, n in zip(exact, est, naive, strict=True):
        err = np.linalg.norm(a - b) / np.linalg.norm(a)
        assert err < 0.15
        assert err < 0.5 * np.linalg.norm(a - n) / np.linalg.norm(a)


def test_opponent_model_recovers_the_policy():
    rng = np.random.default_rng(0)
    theta = rng.normal(size=(2, 5)) * 0.5
    play = sample_play(sigmoid(theta[0]), sigmoid(theta[1]), "ipd", episodes=400, length=50, rng=1)
    est = opponent_model_logits(play, 1)
    np.testing.assert_allclose(sigmoid(est[1:]), sigmoid(theta[1, 1:]), atol=0.03)
    # the start state is seen once an episode: 400 draws
    np.testing.assert_allclose(sigmoid(est[0]), sigmoid(theta[1, 0]), atol=0.08)


def test_seeds_are_reproducible():
    a = MemoryOneLOLA("ipd", "lola-naive", runs=3, rng=7, opponent_model=(True, False)).run(5)
    b = MemoryOneLOLA("ipd", "lola-naive", runs=3, rng=7, opponent_model=(True, False)).run(5)
    np.testing.assert_array_equal(a.parameters, b.parameters)
    c = MemoryOneLOLA("ipd", "lola-naive", runs=3, rng=8).run(5)
    assert not np.allclose(a.parameters, c.parameters)
    d1 = DiCELOLA("ipd", "lola-lola", runs=2, episodes=16, length=20, rng=3).run(2)
    d2 = DiCELOLA("ipd", "lola-lola", runs=2, episodes=16, length=20, rng=3).run(2)
    np.testing.assert_array_equal(d1.parameters, d2.parameters)


def test_histories_and_views():
    pair = MemoryOneLOLA("imp", "naive-naive", runs=4, rng=0).run(3)
    assert pair.value_history().shape == (4, 4, 2)
    assert pair.policy_history().shape == (4, 4, 2, 5)
    assert pair.steps_taken == 3
    with pytest.raises(ValueError, match="read-only"):
        pair.value_history()[0, 0, 0] = 1.0
    with pytest.raises(ValueError, match="does not model"):
        pair.modelled_history()


def test_lola_lola_cooperates_where_naive_learners_defect():
    # Foerster et al. 2018, Fig. 3: exact LOLA-LOLA reaches about -1 a round (TFT-like
    # reciprocity), naive learners about -2. Short runs on a few seeds.
    lola = MemoryOneLOLA("ipd", "lola-lola", runs=5, rng=1).run(100)
    naive = MemoryOneLOLA("ipd", "naive-naive", runs=5, rng=1).run(100)
    assert lola.reward_per_step.mean() > -1.4
    assert naive.reward_per_step.mean() < -1.8
    p = lola.policies.mean(axis=(0, 1))
    # reciprocity: cooperates after CC more than after CD
    assert p[1] - p[2] > 0.4


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"learners": "lola-greedy"}, ValueError),
        ({"lr": 0.0}, ValueError),
        ({"eta": -1.0}, ValueError),
        ({"gamma": 1.0}, ValueError),
        ({"runs": 0}, ValueError),
        ({"correction": "exact"}, ValueError),
        ({"initial": np.zeros(5)}, ValueError),
        ({"opponent_model": "yes"}, TypeError),
        ({"game": "chess"}, ValueError),
    ],
)
def test_bad_input_is_refused(kwargs, error):
    with pytest.raises(error):
        MemoryOneLOLA(**kwargs)


def test_divergence_names_the_learner_and_step():
    pair = MemoryOneLOLA("ipd", "naive-naive", lr=1e308, rng=0)
    with pytest.raises(LearnerDivergedError, match="naive-naive diverged at step 1"):
        pair.step()
