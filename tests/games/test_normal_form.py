import warnings
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cooplab.games import NormalFormGame, make
from cooplab.games.normal_form import pure_nash_equilibria


@contextmanager
def _no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def pd():
    return make("prisoners-dilemma")


# ---------------------------------------------------------------------------
# Construction and validation
# ---------------------------------------------------------------------------
def test_from_bimatrix_stacks_payoffs():
    g = NormalFormGame.from_bimatrix([[1, 2], [3, 4]], [[5, 6], [7, 8]])
    assert g.payoffs.shape == (2, 2, 2)
    assert g.payoffs[1].tolist() == [[5, 6], [7, 8]]
    assert g.player_names == ("Row", "Column")
    assert g.action_names == (("a0", "a1"), ("a0", "a1"))


def test_from_bimatrix_defaults_to_zero_sum():
    g = NormalFormGame.from_bimatrix([[1, -1], [-1, 1]])
    assert g.is_zero_sum()
    assert g.payoffs[1].tolist() == [[-1, 1], [1, -1]]


def test_payoffs_are_read_only():
    g = pd()
    with pytest.raises(ValueError, match="read-only"):
        g.payoffs[0, 0, 0] = 10


def test_three_player_default_names():
    g = NormalFormGame(np.zeros((3, 2, 3, 4)))
    assert g.player_names == ("P1", "P2", "P3")
    assert g.n_actions == (2, 3, 4)


@pytest.mark.parametrize(
    ("payoffs", "message"),
    [
        (np.zeros(3), "shape"),
        (np.zeros((2, 2)), "2 players but have 1 action axes"),
        (np.zeros((2, 2, 2, 2)), "2 players but have 3 action axes"),
        (np.zeros((2, 0, 2)), "at least one action"),
        (np.array([[[np.nan, 0], [0, 0]], [[0, 0], [0, 0]]]), "NaN"),
        (np.array([[[np.inf, 0], [0, 0]], [[0, 0], [0, 0]]]), "infinite"),
        ([[["a", "b"]]], "numeric"),
        (np.array([[[1 + 1j, 0], [0, 0]], [[0, 0], [0, 0]]]), "complex"),
        (np.array([[[1e308, 0], [0, 0]], [[0, 0], [0, 0]]]), "at most 1e.150 in absolute value"),
    ],
)
def test_bad_payoffs_name_the_problem(payoffs, message):
    with pytest.raises(ValueError, match=message):
        NormalFormGame(payoffs)


def test_bimatrix_shape_mismatch():
    with pytest.raises(ValueError, match=r"same shape.*\(2, 2\).*\(2, 3\)"):
        NormalFormGame.from_bimatrix(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="matrix"):
        NormalFormGame.from_bimatrix(np.zeros(3))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"player_names": ["only one"]}, "one name per player"),
        ({"player_names": ["x", "x"]}, "distinct"),
        ({"action_names": [["C"], ["C", "D"]]}, "has 2 actions but 1 action names"),
        ({"action_names": [["C", "C"], ["C", "D"]]}, "distinct"),
        ({"action_names": [["C", "D"]]}, "one list of names per player"),
        ({"player_names": 5}, "one name per player"),
        ({"action_names": [None, ["C", "D"]]}, "no list of action names"),
    ],
)
def test_bad_names(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NormalFormGame(np.zeros((2, 2, 2)), **kwargs)


# ---------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------
def test_profiles_accept_names_indices_and_vectors():
    g = pd()
    by_name = g.expected_payoffs(["C", "D"])
    by_index = g.expected_payoffs([0, 1])
    by_vector = g.expected_payoffs([[1, 0], [0, 1]])
    np.testing.assert_array_equal(by_name, [0.0, 5.0])
    np.testing.assert_array_equal(by_index, by_name)
    np.testing.assert_array_equal(by_vector, by_name)
    np.testing.assert_array_equal(g.expected_payoffs(np.array([0, 1])), by_name)
    # a 2-D array is one row per player: here (C, D)
    np.testing.assert_array_equal(g.expected_payoffs(np.eye(2)), [0.0, 5.0])


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (["C"], "one strategy per player"),
        (["C", "X"], "unknown action 'X' for player 'Column'"),
        (["C", 2], "out of range"),
        ([[0.5, 0.6], "C"], "sums to 1.1"),
        ([[1.5, -0.5], "C"], "negative"),
        ([[np.nan, 1], "C"], "NaN"),
        ([[1, 0, 0], "C"], "length 2"),
        ("CD", "sequence of 2 strategies"),
        (5, "sequence of 2 strategies"),
        ([["a", "b"], "C"], "probability vector"),
        ([["0.5", "0.5"], "C"], "real numbers"),
        ([[True, False], "C"], "real numbers"),
        ([np.array([1 + 5j, 0]), "C"], "real numbers"),
        ({"Row": "D", "Column": "D"}, "in player order"),
        ({"C", "D"}, "in player order"),
    ],
)
def test_bad_profiles_name_the_problem(profile, message):
    with pytest.raises(ValueError, match=message):
        pd().expected_payoffs(profile)


def test_float32_and_rounded_profiles_are_probability_vectors():
    g = pd()
    p32 = np.array([0.3, 0.7], dtype=np.float32)  # sums to 1 only up to float32 rounding
    np.testing.assert_allclose(
        g.expected_payoffs([p32, p32]), g.expected_payoffs([[0.3, 0.7], [0.3, 0.7]]), rtol=1e-6
    )
    rounded = [0.333333, 0.333333, 0.333333]
    np.testing.assert_allclose(
        make("rock-paper-scissors").regret([rounded, rounded]), 0, atol=1e-12
    )


def test_overflowing_profile_is_refused_quietly():
    with _no_warnings(), pytest.raises(ValueError, match="sums to inf"):
        pd().regret([[1e308, 1e308], "C"])


def test_unknown_player_name():
    with pytest.raises(ValueError, match="unknown player 'Bob'"):
        pd().payoff_matrix("Bob")


# ---------------------------------------------------------------------------
# Payoffs, best responses, regret: known values
# ---------------------------------------------------------------------------
def test_prisoners_dilemma_known_values():
    # Axelrod (1984): T=5, R=3, P=1, S=0
    g = pd()
    assert g.pure_nash_equilibria() == [(1, 1)]
    np.testing.assert_allclose(g.expected_payoffs([[0.5, 0.5], [0.5, 0.5]]), [2.25, 2.25])
    assert g.best_responses([[0.3, 0.7], [0.9, 0.1]]) == [(1,), (1,)]
    np.testing.assert_allclose(g.regret(["C", "C"]), [2.0, 2.0])
    assert g.nash_conv(["C", "C"]) == 4.0
    assert g.is_nash(["D", "D"])
    assert not g.is_nash(["C", "D"])
    assert g.social_welfare(["C", "C"]) == 6.0
    assert g.pareto_optimal_outcomes() == [(0, 0), (0, 1), (1, 0)]


def test_matching_pennies_uniform_is_equilibrium():
    g = make("matching-pennies")
    assert g.pure_nash_equilibria() == []
    np.testing.assert_allclose(g.regret([[0.5, 0.5], [0.5, 0.5]]), [0, 0], atol=1e-15)
    assert g.best_responses([[0.5, 0.5], [0.5, 0.5]]) == [(0, 1), (0, 1)]
    assert g.is_zero_sum()


def test_rock_paper_scissors_regret_of_pure_rock():
    g = make("rock-paper-scissors")
    # Against Rock, Paper wins 1; Rock vs Rock pays 0.
    np.testing.assert_allclose(g.regret(["Rock", "Rock"]), [1.0, 1.0])


def test_three_player_expected_payoff_matches_brute_force():
    rng = np.random.default_rng(3)
    payoffs = rng.normal(size=(3, 2, 3, 2))
    g = NormalFormGame(payoffs)
    profile = [rng.dirichlet(np.ones(a)) for a in g.n_actions]
    brute = np.zeros(3)
    for a in range(2):
        for b in range(3):
            for c in range(2):
                brute += profile[0][a] * profile[1][b] * profile[2][c] * payoffs[:, a, b, c]
    np.testing.assert_allclose(g.expected_payoffs(profile), brute)
    dev = g.deviation_payoffs(profile)
    assert [d.shape for d in dev] == [(2,), (3,), (2,)]
    np.testing.assert_allclose([profile[i] @ dev[i] for i in range(3)], brute)


def test_structure_predicates():
    assert make("rock-paper-scissors").is_zero_sum()
    assert make("matching-pennies").is_constant_sum()
    assert not pd().is_zero_sum()
    assert pd().is_symmetric()
    assert not make("battle-of-the-sexes").is_symmetric()
    assert make("public-goods", n=4).is_symmetric()
    asym = NormalFormGame(np.random.default_rng(0).normal(size=(3, 2, 2, 2)))
    assert not asym.is_symmetric()
    constant = NormalFormGame.from_bimatrix([[1, 2], [3, 4]], [[4, 3], [2, 1]])
    assert constant.is_constant_sum() and not constant.is_zero_sum()


def test_dict_round_trip_and_equality():
    g = make("tragedy-of-the-commons", n=3, max_use=3)
    again = NormalFormGame.from_dict(g.to_dict())
    assert again == g
    assert again is not g
    assert g != pd()
    with pytest.raises(ValueError, match="payoffs"):
        NormalFormGame.from_dict({"name": "x"})


def test_pareto_ties_and_dominance():
    # (0,0) and (1,1) give (1,1) and (1,1): equal outcomes do not dominate each other.
    g = NormalFormGame.from_bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    assert g.pareto_optimal_outcomes() == [(0, 0), (1, 1)]
    # A weak improvement for one player dominates.
    g = NormalFormGame.from_bimatrix([[1, 1]], [[1, 2]])
    assert g.pareto_optimal_outcomes() == [(0, 1)]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------
def game_shapes(max_players=3, max_actions=4):
    return st.integers(1, max_players).flatmap(
        lambda n: st.tuples(*[st.integers(1, max_actions)] * n).map(lambda acts: (n, *acts))
    )


int_games = game_shapes().flatmap(
    lambda shape: hnp.arrays(np.int64, shape, elements=st.integers(-5, 5)).map(NormalFormGame)
)
float_games = game_shapes().flatmap(
    lambda shape: hnp.arrays(
        np.float64, shape, elements=st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    ).map(NormalFormGame)
)


@st.composite
def game_and_profile(draw, games=float_games):
    g = draw(games)
    profile = []
    for a in g.n_actions:
        w = draw(hnp.arrays(np.float64, a, elements=st.floats(0, 1)))
        w = w + 1e-3
        profile.append(w / w.sum())
    return g, profile


@given(game_and_profile())
def test_regret_is_never_negative(gp):
    g, profile = gp
    r = g.regret(profile)
    assert r.shape == (g.n_players,)
    assert np.all(r >= 0)


@given(int_games)
def test_regret_is_zero_exactly_at_pure_equilibria(g):
    # Integer payoffs: ties are exact, so "zero" means exactly zero.
    equilibria = set(g.pure_nash_equilibria(tol=0))
    for outcome in g.pure_outcomes():
        r = g.regret(list(outcome))
        assert (outcome in equilibria) == bool(np.all(r == 0)), (outcome, r)


@given(game_and_profile())
def test_best_responses_attain_the_deviation_maximum(gp):
    g, profile = gp
    dev = g.deviation_payoffs(profile)
    for i, best in enumerate(g.best_responses(profile)):
        assert best
        assert all(dev[i][k] >= dev[i].max() - g.tie_tolerance()[i] for k in best)


def test_rounding_ties_are_ties():
    # 0.1 + 0.2 != 0.3 in floating point; the default tolerance treats them as equal.
    g = NormalFormGame.from_bimatrix([[0.0, 0.1 + 0.2], [0.0, 0.3]], [[0.0, 0.0], [0.1 + 0.2, 0.3]])
    assert (1, 1) in g.pure_nash_equilibria()
    assert g.is_nash([1, 1])
    assert (1, 1) in g.pure_nash_equilibria(tol=0)  # tol=0 keeps the rounding allowance
    # the array function with an absolute tolerance of 0 compares exactly
    assert (1, 1) not in pure_nash_equilibria(g.payoffs, tol=0)
    with pytest.raises(ValueError, match="tol"):
        g.pure_nash_equilibria(tol=-1)


@given(int_games, st.floats(-1e6, 1e6), st.floats(1e-3, 1e3))
def test_shifting_and_scaling_never_change_equilibria(g, shift, scale):
    # Payoff gaps stay far above rounding (shift / scale <= 1e9, about 1e6 ulps).
    moved = NormalFormGame(g.payoffs * scale + shift)
    assert moved.pure_nash_equilibria() == g.pure_nash_equilibria()


def test_one_large_payoff_does_not_blur_other_players():
    # Review finding: a scale shared by all players made (0,0) and (1,1) look like equilibria.
    g = NormalFormGame.from_bimatrix([[1e10, 0], [0, 0]], [[0, 1], [1, 0]])
    assert g.pure_nash_equilibria() == [(0, 1)]
    shifted = make("prisoners-dilemma", T=1e10 + 5, R=1e10 + 3, P=1e10 + 1, S=1e10)
    assert shifted.pure_nash_equilibria() == [(1, 1)]
    assert not shifted.is_nash(["C", "C"])


def test_zero_sum_is_checked_up_to_rounding_only():
    assert not NormalFormGame.from_bimatrix([[1e10, 0]], [[-1e10, 5]]).is_zero_sum()
    third = NormalFormGame.from_bimatrix([[1 / 3, 0.1 + 0.2]], [[-1 / 3, -0.3]])
    assert third.is_zero_sum()
    assert third.is_zero_sum(tol=0.5)
    with pytest.raises(ValueError, match="tol"):
        third.is_zero_sum(tol="0.1")


@pytest.mark.parametrize("scale", [1e-12, 1e-3, 1.0, 1e6, 1e12])
def test_rescaling_never_changes_equilibria(scale):
    base = make("public-goods", n=3, multiplier=3, levels=4)  # r = n: every profile ties
    g = NormalFormGame(base.payoffs * scale)
    assert len(g.pure_nash_equilibria()) == 4**3
    pd_scaled = NormalFormGame(pd().payoffs * scale)
    assert pd_scaled.pure_nash_equilibria() == [(1, 1)]
    assert not pd_scaled.is_nash([0, 0])
    assert pd_scaled.best_responses([0, 0]) == [(1,), (1,)]


def test_social_optima_and_array_outcomes():
    g = pd()
    assert g.social_optima() == [(0, 0)]
    assert g.outcome_names(np.array([1, 0])) == ("D", "C")


@given(int_games)
def test_pareto_optimal_outcomes_are_undominated(g):
    points = {o: g.outcome_payoffs(o) for o in g.pure_outcomes()}
    efficient = set(g.pareto_optimal_outcomes())
    for o, p in points.items():
        dominated = any(np.all(q >= p) and np.any(q > p) for q in points.values())
        assert (o in efficient) == (not dominated)


def test_exact_number_types_and_numpy_names_are_accepted():
    from decimal import Decimal
    from fractions import Fraction

    g = pd()
    third = [Fraction(1, 3), Fraction(2, 3)]
    np.testing.assert_allclose(
        g.expected_payoffs([third, [Decimal("0.5"), Decimal("0.5")]]),
        g.expected_payoffs([[1 / 3, 2 / 3], [0.5, 0.5]]),
    )
    named = NormalFormGame(
        np.zeros((2, 2, 2)),
        player_names=np.array(["A", "B"]),
        action_names=np.array([["x", "y"], ["u", "v"]]),
    )
    assert named.player_names == ("A", "B")
    assert named.action_names == (("x", "y"), ("u", "v"))
