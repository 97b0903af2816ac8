"""Learning dynamics: literature values, seeds, and invariants."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.games import make
from cooplab.games.normal_form import NormalFormGame
from cooplab.learning import (
    LEARNERS,
    FictitiousPlay,
    GradientAscent,
    Hedge,
    LearnerDivergedError,
    QLearning,
    RegretMatching,
    ReplicatorDynamics,
    SmoothFictitiousPlay,
    WoLFIGA,
    WoLFPHC,
    classify_run,
    make_learner,
    nash_conv_path,
    project_simplex,
    replicator_trajectories,
    running_average,
)


# ---------------------------------------------------------------------------
# Replicator dynamics: fixed points of textbook games
# ---------------------------------------------------------------------------
def test_hawk_dove_interior_rest_point_is_v_over_c():
    # Hawk-dove with value V and cost C > V: the stable mix has V/C hawks
    # (Maynard Smith & Price 1973; Hofbauer & Sigmund 1998, §6.3).
    for value, cost in ((2.0, 4.0), (1.0, 3.0)):
        g = make("hawk-dove", value=value, cost=cost)  # actions (Dove, Hawk)
        rd = ReplicatorDynamics(g, dt=1.0, single_population=True, initial=[[0.95, 0.05]] * 2)
        rd.run(200)
        np.testing.assert_allclose(rd.policies[0][1], value / cost, atol=1e-6)
        # The discrete replicator has the same interior rest point.
        disc = ReplicatorDynamics(
            g, dt=0.1, discrete=True, single_population=True, initial=[[0.1, 0.9]] * 2
        ).run(3000)
        np.testing.assert_allclose(disc.policies[0][1], value / cost, atol=1e-6)


def test_prisoners_dilemma_defection_takes_over_and_stag_hunt_splits_at_the_basin_edge():
    # Defection strictly dominates, so replicator dynamics drive cooperation out.
    rd = ReplicatorDynamics(make("prisoners-dilemma"), dt=1.0, initial=[[0.99, 0.01]] * 2)
    assert rd.run(60).policies[0][1] > 1 - 1e-6
    # Stag hunt (R=4, T=3, P=2, S=0): the interior rest point is x* = (P-S)/(R-T+P-S) = 2/3
    # stag; above it the population goes to all-stag, below to all-hare.
    g = make("stag-hunt")
    at = ReplicatorDynamics(g, dt=1.0, single_population=True, initial=[[2 / 3, 1 / 3]] * 2)
    np.testing.assert_allclose(at.run(50).policies[0][0], 2 / 3, atol=1e-9)
    up = ReplicatorDynamics(g, dt=1.0, single_population=True, initial=[[0.7, 0.3]] * 2)
    down = ReplicatorDynamics(g, dt=1.0, single_population=True, initial=[[0.6, 0.4]] * 2)
    assert up.run(100).policies[0][0] > 0.999
    assert down.run(100).policies[0][0] < 0.001


def test_rock_paper_scissors_conserves_the_product_of_shares():
    # Zero-sum RPS: sum_k log x_k is a constant of motion of the one-population
    # replicator dynamics (Hofbauer & Sigmund 1998, §7.7), so orbits are closed.
    A = make("rock-paper-scissors").payoff_matrix(0)
    x = replicator_trajectories(A, [0.5, 0.3, 0.2], np.linspace(0, 30, 301))
    h = np.log(x).sum(axis=1)
    np.testing.assert_allclose(h, h[0], atol=1e-6)
    assert np.ptp(x[:, 0]) > 0.2  # it moves


def test_batched_starts_match_single_runs_and_two_populations():
    A = make("rock-paper-scissors").payoff_matrix(0)
    starts = np.array([[0.5, 0.3, 0.2], [0.2, 0.2, 0.6]])
    t = np.linspace(0, 5, 11)
    both = replicator_trajectories(A, starts, t)
    for k in range(2):
        np.testing.assert_allclose(both[:, k], replicator_trajectories(A, starts[k], t), atol=1e-6)
    # Two populations in matching pennies: the product x(1-x) y(1-y)-type constant
    # (sum of log shares weighted by the equilibrium) is conserved (Hofbauer & Sigmund 1998, §11).
    g = make("matching-pennies")
    xs, ys = replicator_trajectories(
        g.payoff_matrix(0), ([0.8, 0.2], [0.4, 0.6]), t, B=g.payoff_matrix(1)
    )
    h = np.log(xs).sum(axis=1) + np.log(ys).sum(axis=1)
    np.testing.assert_allclose(h, h[0], atol=1e-6)


def test_replicator_learner_run_equals_repeated_steps():
    g = make("matching-pennies")
    a = ReplicatorDynamics(g, dt=0.1, initial=[[0.7, 0.3], [0.4, 0.6]]).run(20)
    b = ReplicatorDynamics(g, dt=0.1, initial=[[0.7, 0.3], [0.4, 0.6]])
    for _ in range(20):
        b.step()
    np.testing.assert_allclose(a.history(0), b.history(0), atol=1e-6)


# ---------------------------------------------------------------------------
# Fictitious play
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["matching-pennies", "rock-paper-scissors"])
def test_fictitious_play_converges_in_zero_sum_games(name):
    # Robinson (1951): empirical frequencies converge to the equilibrium (uniform here).
    g = make(name)
    fp = FictitiousPlay(g, rng=0).run(20000)
    avg = fp.average_policies
    for p in avg:
        np.testing.assert_allclose(p, np.full(p.shape, 1 / p.shape[0]), atol=0.02)
    assert g.nash_conv(list(avg)) < 0.02


def test_fictitious_play_cycles_in_shapleys_game():
    # Shapley (1964): the empirical frequencies do not converge; play cycles round
    # the six off-diagonal outcomes with geometrically growing runs, so NashConv of
    # the average stays bounded away from zero.
    g = make("shapley")
    fp = FictitiousPlay(g, rng=1).run(30000)
    nc = nash_conv_path(g, [running_average(h) for h in fp.histories()])
    assert nc[-20000:].min() > 0.1
    joint = fp.history(0).argmax(axis=1) * 3 + fp.history(1).argmax(axis=1)
    switches = np.flatnonzero(np.diff(joint)) + 1
    runs = np.diff(switches)[-8:]
    assert np.all(runs[1:] / runs[:-1] > 1.2)
    assert set(joint[switches[-12:]].tolist()) == {1, 2, 3, 5, 6, 7}  # every off-diagonal cell


def _cyclic(n):
    """Rock-paper-scissors of n (odd) actions: i beats the (n-1)/2 actions after it."""
    d = (np.arange(n)[None, :] - np.arange(n)[:, None]) % n
    return np.where(d == 0, 0.0, np.where(d <= (n - 1) // 2, 1.0, -1.0))


@pytest.mark.parametrize("tie_break", ["random", "first"])
def test_event_driven_fictitious_play_equals_step_by_step(tie_break):
    # Integer payoffs, so ties are exact and frequent (most steps of the cyclic games
    # draw a tie-break at random): run() must make the same draws as step().
    rng = np.random.default_rng(5)
    games = [
        make("shapley"),
        NormalFormGame(rng.integers(0, 4, (2, 6, 5))),
        NormalFormGame(rng.integers(-2, 3, (2, 3, 9))),
        NormalFormGame.from_bimatrix(_cyclic(21), -_cyclic(21)),
    ]
    for g in games:
        fast = FictitiousPlay(g, rng=3, tie_break=tie_break)
        fast.run(1)
        fast.run(1000)
        fast.run(999)  # in pieces: a run starts from where the last ended
        slow = FictitiousPlay(g, rng=3, tie_break=tie_break)
        for _ in range(2000):
            slow.step()
        for i in range(2):
            np.testing.assert_array_equal(fast.history(i), slow.history(i))
            np.testing.assert_array_equal(fast.beliefs[i], slow.beliefs[i])
            np.testing.assert_array_equal(fast.policies[i], slow.policies[i])
        np.testing.assert_array_equal(fast.joint_distribution, slow.joint_distribution)
        assert fast.last_actions == slow.last_actions
        assert fast.steps_taken == slow.steps_taken == 2000
        # and the generator is left in the same state
        assert fast._rng.integers(1 << 30) == slow._rng.integers(1 << 30)


def test_fictitious_play_n_players_and_smooth_fp():
    g = make("public-goods", n=3)
    fp = FictitiousPlay(g, rng=0).run(50)
    # Contributing is dominated: every player ends up free riding (action 0).
    assert all(p[0] == 1.0 for p in fp.policies)
    s = SmoothFictitiousPlay(make("matching-pennies"), temperature=0.2, rng=0).run(4000)
    for p in s.average_policies:
        np.testing.assert_allclose(p, [0.5, 0.5], atol=0.05)


# ---------------------------------------------------------------------------
# Gradient learners
# ---------------------------------------------------------------------------
def test_wolf_iga_converges_in_matching_pennies_where_iga_cycles():
    # Bowling & Veloso (2002), Theorem 3: WoLF-IGA converges to the Nash
    # equilibrium in 2x2 games; IGA's strategies orbit it (Singh et al. 2000).
    g = make("matching-pennies")
    start = [[0.9, 0.1], [0.2, 0.8]]
    wolf = WoLFIGA(g, step=0.01, initial=start).run(20000)
    iga = GradientAscent(g, step=0.01, initial=start).run(20000)
    assert g.nash_conv(list(wolf.policies)) < 0.01
    assert classify_run(g, wolf.histories()).verdict == "converged"
    assert classify_run(g, iga.histories()).verdict == "cycling"


def test_wolf_iga_refuses_games_that_are_not_2x2():
    with pytest.raises(ValueError, match=r"wolf-iga.*2x2"):
        WoLFIGA(make("rock-paper-scissors"))
    with pytest.raises(ValueError, match=r"l_max must be larger"):
        WoLFIGA(make("matching-pennies"), l_min=2.0, l_max=1.0)


def test_gradient_ascent_converges_to_a_pure_equilibrium_of_coordination():
    g = make("pure-coordination", n_actions=3)
    ga = GradientAscent(g, step=0.05, rng=4).run(2000)
    assert g.nash_conv(list(ga.policies)) < 1e-9


def test_wolf_phc_learns_to_defect_and_keeps_distributions():
    g = make("prisoners-dilemma")
    w = WoLFPHC(g, rng=0).run(3000)
    assert all(p[1] > 0.95 for p in w.policies)


@given(st.lists(st.floats(-5, 5), min_size=1, max_size=7))
def test_projection_lands_on_the_simplex_and_fixes_its_points(values):
    p = project_simplex(values)
    assert np.all(p >= 0)
    assert math.isclose(p.sum(), 1.0, abs_tol=1e-12)
    np.testing.assert_allclose(project_simplex(p), p, atol=1e-12)


# ---------------------------------------------------------------------------
# No-regret learners
# ---------------------------------------------------------------------------
def test_hedge_regret_is_within_the_bound():
    # Cesa-Bianchi & Lugosi (2006), Theorem 2.2: with eta = sqrt(8 ln n / T) / R
    # the regret after T steps is at most R sqrt(T ln n / 2); Theorem 2.3: the
    # anytime rate eta_t = sqrt(8 ln n / t) / R gives R (2 sqrt(T ln n / 2) + sqrt(ln n / 8)).
    rng = np.random.default_rng(7)
    T = 2000
    for seed in range(3):
        g = NormalFormGame(rng.uniform(-1, 2, (2, 5, 4)))
        R = g.payoff_spread
        n = np.array(g.n_actions)
        eta = math.sqrt(8 * math.log(5) / T) / R[0]
        fixed = Hedge(g, learning_rate=eta, rng=seed).run(T)
        assert fixed.regrets()[0] <= R[0] * math.sqrt(T * math.log(5) / 2)
        anytime = Hedge(g, rng=seed).run(T)
        bound = R * (2 * np.sqrt(T * np.log(n) / 2) + np.sqrt(np.log(n) / 8))
        assert np.all(anytime.regrets() <= bound)


@pytest.mark.parametrize("cls", [Hedge, RegretMatching])
def test_no_regret_play_approaches_the_coarse_correlated_equilibria(cls):
    g = make("shapley")
    early = cls(g, rng=2).run(200).cce_violation()
    late = cls(g, rng=2).run(8000).cce_violation()
    assert late < 0.03 and late < early


# ---------------------------------------------------------------------------
# Q-learning
# ---------------------------------------------------------------------------
def test_q_learning_values_in_a_one_player_bandit_style_game():
    # Prisoner's dilemma against a learner that also defects: Q(D) -> P = 1 (the
    # stationary target of the update with gamma = 0).
    q = QLearning(make("prisoners-dilemma"), exploration="epsilon-greedy", rng=0).run(4000)
    assert [int(p.argmax()) for p in q.greedy_policies()] == [1, 1]
    np.testing.assert_allclose([v[0, 1] for v in q.q_values], 1.0, atol=0.4)


def test_q_learning_memory_one_states_and_greedy_cycle():
    q = QLearning(make("prisoners-dilemma"), memory=1, gamma=0.9, rng=0)
    assert q.n_states == 5 and q.state == 4
    q.run(10)
    assert 0 <= q.state < 4
    cycle = q.greedy_cycle()
    assert 1 <= len(cycle) <= 4 and all(len(a) == 2 for a in cycle)


# ---------------------------------------------------------------------------
# Every learner: seeds, distributions, bad input, divergence
# ---------------------------------------------------------------------------
def _build(name, game, seed):
    params = {"wolf-iga": {}, "replicator": {"initial": "random"}}.get(name, {})
    return make_learner(name, game, rng=seed, **params)


@pytest.mark.parametrize("name", LEARNERS.names())
def test_same_seed_same_run_and_seed_is_used(name):
    g = make("matching-pennies")
    a = _build(name, g, 11).run(60)
    b = _build(name, g, 11).run(60)
    for i in range(2):
        np.testing.assert_array_equal(a.history(i), b.history(i))
    assert a.history(0).shape == (61, 2)
    assert not a.history(0).flags.writeable


@pytest.mark.parametrize("name", LEARNERS.names())
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 40))
def test_policies_stay_distributions_and_nash_conv_is_non_negative(name, seed, steps):
    g = make("matching-pennies") if name == "wolf-iga" else make("shapley")
    learner = _build(name, g, seed).run(steps)
    for h in learner.histories():
        assert np.all(h >= -1e-12)
        np.testing.assert_allclose(h.sum(axis=1), 1.0, atol=1e-9)
    nc = nash_conv_path(g, learner.histories())
    assert np.all(nc >= 0)
    assert g.nash_conv(list(learner.average_policies)) >= 0


@pytest.mark.parametrize(
    ("name", "params", "match"),
    [
        ("iga", {"step": 0.0}, r"iga: step must be in \(0"),
        ("iga", {"step": float("nan")}, r"iga: step must be finite"),
        ("q-learning", {"temperature": -1.0}, r"q-learning: temperature"),
        ("q-learning", {"alpha": 1.5}, r"q-learning: alpha must be in \(0, 1\]"),
        ("q-learning", {"exploration": "greedy"}, r"exploration must be one of"),
        ("smooth-fictitious-play", {"temperature": 0}, r"temperature"),
        ("hedge", {"learning_rate": -0.1}, r"hedge: learning_rate"),
        ("wolf-phc", {"delta_win": 0.1, "delta_lose": 0.05}, r"delta_lose must be larger"),
        ("replicator", {"dt": -1.0}, r"replicator: dt"),
        ("fictitious-play", {"tie_break": "last"}, r"tie_break"),
    ],
)
def test_bad_parameters_name_the_learner_and_the_problem(name, params, match):
    with pytest.raises(ValueError, match=match):
        make_learner(name, make("matching-pennies"), **params)


def test_unsupported_game_and_bad_input():
    with pytest.raises(ValueError, match="symmetric"):
        ReplicatorDynamics(make("battle-of-the-sexes"), single_population=True)
    with pytest.raises(ValueError, match="dt must be below"):
        ReplicatorDynamics(make("matching-pennies"), dt=2.0, discrete=True)
    with pytest.raises(TypeError, match="NormalFormGame"):
        GradientAscent([[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="no parameter 'speed'"):
        make_learner("iga", make("matching-pennies"), speed=1)
    with pytest.raises(ValueError, match="initial"):
        GradientAscent(make("matching-pennies"), initial=[[0.5, 0.6], [0.5, 0.5]])
    with pytest.raises(ValueError, match="steps"):
        GradientAscent(make("matching-pennies")).run(-1)
    with pytest.raises(ValueError, match="does not sample"):
        _ = GradientAscent(make("matching-pennies")).joint_distribution


def test_divergence_is_reported_with_learner_and_step():
    # A step size that overflows the update: inf - inf in the projection is NaN,
    # and the learner stops with an error naming itself and the step, never a NaN policy.
    g = NormalFormGame(np.full((2, 2, 2), 1e150) * np.array([1, -1])[:, None, None])
    ga = GradientAscent(g, step=1e300, initial="uniform")
    with (
        np.errstate(over="ignore", invalid="ignore"),
        pytest.raises(LearnerDivergedError, match=r"iga diverged at step 1: player 'Row'"),
    ):
        ga.run(5)
