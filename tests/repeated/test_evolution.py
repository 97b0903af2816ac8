import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.repeated.evolution import (
    can_invade,
    ecological_simulation,
    fixation_matrix,
    fixation_probability,
    invasion_analysis,
    memory_one_payoff_matrix,
    moran_process,
    one_third_rule,
    random_shares,
    replicator_dynamics,
    simulate_fixation,
    small_mutation_distribution,
)
from cooplab.repeated.strategies import stationary_payoffs
from cooplab.repeated.tournament import round_robin

PD = np.array([[3.0, 0.0], [5.0, 1.0]])  # C, D with R, S, T, P = 3, 0, 5, 1
payoff_entries = st.floats(0.0, 10.0, allow_nan=False)


def square(k):
    return st.lists(st.lists(payoff_entries, min_size=k, max_size=k), min_size=k, max_size=k).map(
        np.array
    )


# --- exact fixation ------------------------------------------------------------------
@given(st.integers(2, 300), square(2))
def test_neutral_fixation_is_exactly_one_over_n(n, a):
    assert fixation_probability(a, n, w=0.0) == 1.0 / n


@given(
    st.integers(2, 60), square(2), st.floats(0.0, 1.0), st.sampled_from(["linear", "exponential"])
)
def test_fixation_is_a_probability(n, a, w, fitness):
    # Linear fitness 1 - w + w * payoff is zero when w = 1 meets a zero payoff that
    # some population state actually uses: the process is undefined there and the
    # library must refuse, naming the problem, rather than return a number.
    i = np.arange(1, n)
    pa = (a[0, 0] * (i - 1) + a[0, 1] * (n - i)) / (n - 1)
    pb = (a[1, 0] * i + a[1, 1] * (n - i - 1)) / (n - 1)
    lowest = min(pa.min(), pb.min())
    if fitness == "linear" and 1.0 - w + w * lowest <= 0.0:
        with pytest.raises(ValueError, match="fitness 1 - w \\+ w \\* payoff must be positive"):
            fixation_probability(a, n, w=w, fitness=fitness)
        return
    rho = fixation_probability(a, n, w=w, fitness=fitness)
    assert 0.0 <= rho <= 1.0


def test_zero_linear_fitness_is_refused():
    # w = 1 with an all-zero payoff matrix: every fitness is 0 (the case CI's hypothesis found)
    with pytest.raises(ValueError, match="must be positive"):
        fixation_probability(np.zeros((2, 2)), 2, w=1.0, fitness="linear")


@given(st.integers(2, 40), square(2), st.floats(0.0, 1.0))
def test_fixation_identity_rho_a_over_rho_b(n, a, w):
    # Nowak 2006 eq. 6.14: rho_A / rho_B = prod_j f_j / g_j
    ra = fixation_probability(a, n, mutant=0, resident=1, w=w, fitness="exponential")
    rb = fixation_probability(a, n, mutant=1, resident=0, w=w, fitness="exponential")
    i = np.arange(1, n)
    pa = (a[0, 0] * (i - 1) + a[0, 1] * (n - i)) / (n - 1)
    pb = (a[1, 0] * i + a[1, 1] * (n - i - 1)) / (n - 1)
    log_ratio = float(np.sum(w * (pa - pb)))
    if ra > 1e-320 and rb > 1e-320:
        assert math.log(ra / rb) == pytest.approx(log_ratio, rel=1e-7, abs=1e-7)


def test_constant_fitness_matches_the_moran_formula():
    # constant fitness r: rho = (1 - 1/r) / (1 - 1/r**N) (Nowak 2006, eq. 6.6)
    r, n = 1.5, 20
    a = np.array([[r, r], [1.0, 1.0]])
    expected = (1 - 1 / r) / (1 - 1 / r**n)
    assert fixation_probability(a, n, w=1.0) == pytest.approx(expected, rel=1e-12)


def test_several_initial_mutants_and_huge_populations():
    a = np.array([[2.0, 2.0], [1.0, 1.0]])
    assert fixation_probability(a, 10, w=1.0, initial_mutants=9) > fixation_probability(
        a, 10, w=1.0
    )
    # log-space branch: products overflow for a strongly disfavoured mutant
    rho = fixation_probability(a, 5000, mutant=1, resident=0, w=1.0, fitness="exponential")
    assert 0.0 <= rho < 1e-320 or rho == 0.0


@pytest.mark.parametrize(("x_star", "favoured"), [(0.30, True), (0.36, False)])
def test_one_third_rule(x_star, favoured):
    # Nowak et al. (2004): in a coordination game, weak selection favours A (rho_A > 1/N)
    # when the unstable equilibrium x* = (d - b)/(a - b - c + d) is below 1/3 (large N).
    b, c = 0.0, 0.0
    d = 1.0
    a = d * (1 - x_star) / x_star  # so that x* = d / (a + d)
    game = np.array([[a, b], [c, d]])
    n = 2000
    rho = fixation_probability(game, n, w=1e-4)
    assert (rho * n > 1) == favoured
    assert one_third_rule(game, n) == favoured


def test_finite_population_condition_matches_weak_selection():
    rng = np.random.default_rng(3)
    for _ in range(200):
        a = rng.uniform(0, 5, (2, 2))
        n = int(rng.integers(3, 40))
        rho = fixation_probability(a, n, w=1e-7)
        margin = (
            a[0, 0] * (n - 2) + a[0, 1] * (2 * n - 1) - a[1, 0] * (n + 1) - a[1, 1] * (2 * n - 4)
        )
        if abs(margin) > 1e-3:
            assert (rho > 1 / n) == one_third_rule(a, n)


def test_fixation_matrix_and_small_mutation_limit():
    rho = fixation_matrix(PD, 10, w=0.5)
    assert rho.shape == (2, 2)
    assert rho[0, 0] == 0.1
    assert rho[0, 1] > 0.1 > rho[1, 0]  # defectors invade cooperators, not conversely
    pi = small_mutation_distribution(PD, 10, w=0.5)
    assert pi.sum() == pytest.approx(1.0)
    assert pi[1] > 0.9


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="w in"):
        fixation_probability(PD, 10, w=2.0)
    with pytest.raises(ValueError, match="square"):
        fixation_probability([[1, 2, 3]], 10)
    with pytest.raises(ValueError, match="population_size"):
        fixation_probability(PD, 1)
    with pytest.raises(ValueError, match="positive"):
        fixation_probability([[-5.0, -5.0], [1.0, 1.0]], 10, w=1.0)
    with pytest.raises(ValueError, match="fitness map"):
        fixation_probability(PD, 10, fitness="quadratic")


# --- simulation ----------------------------------------------------------------------
def test_simulation_agrees_with_the_formula():
    a = memory_one_payoff_matrix(["tit_for_tat", "defector"], delta=0.9)
    est = simulate_fixation(a, 30, w=0.2, runs=3000, rng=1)
    assert est.agrees, est
    assert est.exact > est.neutral


def test_moran_is_seeded_and_conserves_the_population():
    a = np.array([[1.0, 2.0, 0.5], [1.5, 1.0, 2.0], [2.0, 0.5, 1.0]])
    r1 = moran_process(a, [5, 5, 5], runs=200, w=0.5, rng=7)
    r2 = moran_process(a, [5, 5, 5], runs=200, w=0.5, rng=7)
    assert np.array_equal(r1.final, r2.final) and np.array_equal(r1.fixed, r2.fixed)
    assert np.all(r1.final.sum(axis=1) == 15)
    assert np.all(r1.fixed >= 0)
    assert r1.fixation_frequencies.sum() == pytest.approx(1.0)
    assert np.allclose(r1.mean_shares.sum(axis=1), 1.0)
    assert r1.to_dict()["runs"] == 200


def test_neutral_multi_type_fixation_is_proportional_to_counts():
    a = np.ones((3, 3))
    res = moran_process(a, [2, 4, 6], runs=6000, w=0.0, rng=2)
    np.testing.assert_allclose(res.fixation_frequencies, [2 / 12, 4 / 12, 6 / 12], atol=0.025)


def test_large_population_many_types_is_fast():
    k = 20
    a = np.random.default_rng(0).uniform(0, 5, (k, k))
    counts = np.full(k, 500)  # 10,000 players
    res = moran_process(a, counts, runs=50, w=0.1, max_steps=500, mutation_rate=0.01, rng=0)
    assert res.final.sum(axis=1).tolist() == [10_000] * 50
    assert res.unfinished == 50


# --- replicator and ecology ------------------------------------------------------------
@given(square(3), st.integers(0, 2**32 - 1))
def test_shares_stay_on_the_simplex(a, seed):
    a = a + 0.1  # positive payoffs for the ecological update
    traj = ecological_simulation(a, "random", 30, rng=seed)
    assert np.allclose(traj.shares.sum(axis=-1), 1.0)
    assert np.all(traj.shares >= 0)
    disc = replicator_dynamics(a, random_shares(3, seed), method="discrete", generations=30)
    assert np.allclose(disc.shares.sum(axis=-1), 1.0)


def test_continuous_replicator_known_outcomes():
    # prisoner's dilemma: defection takes over
    traj = replicator_dynamics(PD, [0.9, 0.1], t_max=30)
    assert traj.final[1] > 0.99
    # hawk-dove (V=2, C=4): the mixed equilibrium V/C = 1/2 hawks is reached
    hd = np.array([[-1.0, 2.0], [0.0, 1.0]])
    traj = replicator_dynamics(hd, [[0.1, 0.9], [0.9, 0.1]], t_max=50)
    np.testing.assert_allclose(traj.final[:, 0], [0.5, 0.5], atol=1e-4)
    # rock-paper-scissors conserves x1 x2 x3
    rps = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], dtype=float)
    traj = replicator_dynamics(rps, [0.5, 0.3, 0.2], t_max=20, rtol=1e-10, atol=1e-12)
    prod = traj.shares.prod(axis=-1)
    np.testing.assert_allclose(prod, prod[0], rtol=1e-5)


def test_ecological_is_axelrods_update():
    a = np.array([[3.0, 0.0, 3.0], [5.0, 1.0, 1.2], [3.0, 0.9, 3.0]])
    x = np.array([0.2, 0.5, 0.3])
    traj = ecological_simulation(a, x, 3)
    for t in range(3):
        score = a @ x
        x = x * score / np.sum(x * score)
        np.testing.assert_allclose(traj.shares[t + 1], x, rtol=1e-12)


def test_ecology_with_a_tournament_result():
    res = round_robin(["cooperator", "defector", "tit_for_tat"], turns=50, seed=0)
    traj = ecological_simulation(res, None, 200)
    assert traj.names == res.names
    assert traj.names[traj.winner] == "Tit For Tat"
    sampled = ecological_simulation(res, None, 5, payoff_std=0.1, rng=3)
    again = ecological_simulation(res, None, 5, payoff_std=0.1, rng=3)
    assert np.array_equal(sampled.shares, again.shares)
    no_twin = round_robin(["cooperator", "defector"], turns=5, self_play=False)
    with pytest.raises(ValueError, match="self_play"):
        ecological_simulation(no_twin)


# --- invasion ------------------------------------------------------------------------
def test_invasion_of_classic_strategies():
    names = ["cooperator", "defector", "tit_for_tat"]
    a = memory_one_payoff_matrix(names, delta=0.9)
    inv = invasion_analysis(a, names)
    assert inv.invaders_of("cooperator") == ("defector",)
    assert inv.invaders_of("defector") == ()
    assert inv.invaders_of("tit_for_tat") == ()
    assert inv.neutral[2, 0]  # ALLC drifts into TFT
    assert inv.stable == ("defector",)
    assert can_invade(a, 0, 1) and not can_invade(a, 1, 2)
    assert inv.to_dict()["names"] == names


def test_second_ess_condition():
    # E(B,A) = E(A,A) but E(B,B) > E(A,B): B invades
    a = np.array([[1.0, 0.0], [1.0, 2.0]])
    assert can_invade(a, resident=0, mutant=1)
    assert not invasion_analysis(a).ess[0]


# --- exact memory-one payoffs ------------------------------------------------------------
def test_discounted_payoffs_closed_form():
    # TFT vs ALLD: ALLD earns (T + P delta/(1-delta)) (1-delta) per round
    for d in (0.0, 0.5, 0.9):
        a = memory_one_payoff_matrix(["tit_for_tat", "defector"], delta=d)
        assert a[1, 0] == pytest.approx((5 + d / (1 - d)) * (1 - d))
        assert a[0, 1] == pytest.approx((0 + d / (1 - d)) * (1 - d))


def test_long_run_payoffs_match_stationary_payoffs():
    names = ["tit_for_tat", "win_stay_lose_shift", "generous_tit_for_tat", "zd_extort_2"]
    a = memory_one_payoff_matrix(names)
    from cooplab.repeated.strategies import get_strategy

    for i, x in enumerate(names):
        for j, y in enumerate(names):
            sx, _ = stationary_payoffs(
                get_strategy(x).as_memory_one(), get_strategy(y).as_memory_one()
            )
            assert a[i, j] == pytest.approx(sx, abs=1e-9)
    # and the discounted value tends to the long-run one
    b = memory_one_payoff_matrix(names[1:], delta=0.99999, noise=0.01)
    np.testing.assert_allclose(b, memory_one_payoff_matrix(names[1:], noise=0.01), atol=1e-3)


def test_noisy_tft_against_itself_earns_the_mean_payoff():
    # with errors TFT pairs visit all four outcomes equally (Molander 1985)
    for e in (0.001, 0.05, 0.3):
        assert memory_one_payoff_matrix(["tit_for_tat"], noise=e)[0, 0] == pytest.approx(2.25)


def test_not_memory_one_is_refused():
    with pytest.raises(ValueError, match="not a memory-one"):
        memory_one_payoff_matrix(["grudger", "defector"], delta=0.9)
    with pytest.raises(ValueError, match="delta"):
        memory_one_payoff_matrix(["defector"], delta=1.0)


def test_batched_matrices_match_one_at_a_time():
    mats = np.random.default_rng(1).uniform(0.1, 5, (4, 3, 3))
    x0 = [0.5, 0.3, 0.2]
    batch = ecological_simulation(mats, x0, 20)
    assert batch.shares.shape == (21, 4, 3)
    for b in range(4):
        np.testing.assert_allclose(
            batch.shares[:, b], ecological_simulation(mats[b], x0, 20).shares
        )
    with pytest.raises(ValueError, match="mean fitness"):
        ecological_simulation([[-1.0, 0.0], [0.0, -1.0]], [0.5, 0.5], 3)


@pytest.mark.parametrize("initial", [1, 2, 5, 9])
def test_fixation_with_a_fitness_near_zero_stays_finite(initial):
    # Linear fitness at w = 1 with a payoff of 1e-320 (subnormal): the ratio g / f overflows a
    # double; the sums must go to log space without passing through inf (which gave
    # inf - inf = nan for more than one initial mutant) or warning.
    weak = np.array([[1e-320, 1e-320], [5.0, 1.0]])  # the mutant (type 0) earns ~0
    strong = np.array([[1.0, 5.0], [1e-320, 1e-320]])  # the resident (type 1) earns ~0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert 0.0 <= fixation_probability(weak, 10, w=1.0, initial_mutants=initial) < 1e-250
        rho = fixation_probability(strong, 10, w=1.0, initial_mutants=initial)
    assert rho == pytest.approx(1.0)
