"""Support enumeration, vertex enumeration, Lemke-Howson and the zero-sum LP.

Textbook games with known equilibria, agreement between the methods on random
games, exact answers, degenerate games, and bad input.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.equilibria.lemke_howson import lemke_howson, lemke_howson_all
from cooplab.equilibria.result import DegenerateGameWarning, TooExpensiveError
from cooplab.equilibria.support_enumeration import count_support_pairs, support_enumeration
from cooplab.equilibria.vertex_enumeration import vertex_enumeration
from cooplab.equilibria.zero_sum import solve_zero_sum
from cooplab.games import NormalFormGame, make

F = Fraction


def exact_profiles(result):
    return [tuple(tuple(s) for s in e.exact) for e in result]


def float_profiles(result):
    return [np.concatenate(e.profile) for e in result]


def same_sets(a, b, tol=1e-7):
    return len(a) == len(b) and all(any(np.allclose(x, y, atol=tol) for y in b) for x in a)


def random_game(rng, m, n):
    return NormalFormGame.from_bimatrix(rng.normal(size=(m, n)), rng.normal(size=(m, n)))


# --- textbook games ---------------------------------------------------------
BOS = {
    ((F(1), F(0)), (F(1), F(0))),
    ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3))),
    ((F(0), F(1)), (F(0), F(1))),
}


@pytest.mark.parametrize("solver", [support_enumeration, vertex_enumeration])
def test_battle_of_the_sexes_has_three_equilibria(solver):
    result = solver(make("battle_of_the_sexes"), exact=True)
    assert set(exact_profiles(result)) == BOS
    assert result.complete and result.exact and result.degenerate is False
    assert all(e.regret == 0 for e in result)


@pytest.mark.parametrize("solver", [support_enumeration, vertex_enumeration])
def test_zero_sum_classics(solver):
    assert exact_profiles(solver(make("matching_pennies"), exact=True)) == [
        ((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))
    ]
    third = (F(1, 3),) * 3
    assert exact_profiles(solver(make("rock_paper_scissors"), exact=True)) == [(third, third)]
    # Shapley's game: the unique equilibrium is uniform.
    assert exact_profiles(solver(make("shapley"), exact=True)) == [(third, third)]


def test_prisoners_dilemma_unique_equilibrium():
    for solver in (support_enumeration, vertex_enumeration):
        result = solver(make("prisoners_dilemma"), exact=True)
        assert exact_profiles(result) == [((F(0), F(1)), (F(0), F(1)))]


def test_stag_hunt_and_chicken():
    # Stag hunt (R=4, T=3, P=2, S=0 by default): two pure and one mixed equilibrium.
    result = support_enumeration(make("stag_hunt"), exact=True)
    assert len(result) == 3
    # Chicken: two asymmetric pure equilibria and a symmetric mixed one.
    result = vertex_enumeration(make("chicken"), exact=True)
    assert len(result) == 3
    mixed = [e for e in result if not e.is_pure]
    assert len(mixed) == 1 and mixed[0].exact[0] == mixed[0].exact[1]


def test_von_stengel_example_has_three_equilibria():
    # von Stengel (2007), Algorithmic Game Theory ch. 3, the 3x2 game of Fig. 3.1.
    A = [[3, 3], [2, 5], [0, 6]]
    B = [[3, 2], [2, 6], [3, 1]]
    expected = {
        ((F(1), F(0), F(0)), (F(1), F(0))),
        ((F(4, 5), F(1, 5), F(0)), (F(2, 3), F(1, 3))),
        ((F(0), F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))),
    }
    game = NormalFormGame.from_bimatrix(A, B)
    assert set(exact_profiles(support_enumeration(game, exact=True))) == expected
    assert set(exact_profiles(vertex_enumeration(game, exact=True))) == expected
    # Every Lemke-Howson path ends at one of them; together they reach all three here.
    all_paths = lemke_howson_all(game, exact=True)
    assert set(exact_profiles(all_paths)) <= expected
    assert len(all_paths.stats["paths"]) == 5


# --- agreement on random games --------------------------------------------
@pytest.mark.parametrize("shape", [(2, 2), (3, 3), (4, 4), (3, 5), (6, 6), (7, 5)])
def test_support_and_vertex_enumeration_agree(shape):
    rng = np.random.default_rng(sum(shape))
    for _ in range(5):
        game = random_game(rng, *shape)
        se = support_enumeration(game)
        ve = vertex_enumeration(game)
        assert se.degenerate is False and ve.degenerate is False
        assert same_sets(float_profiles(se), float_profiles(ve))
        assert len(se) % 2 == 1  # nondegenerate games have an odd number of equilibria
        assert all(e.regret <= 1e-9 for e in se)


@given(
    st.integers(2, 5),
    st.integers(2, 5),
    st.integers(0, 2**32 - 1),
)
def test_every_lemke_howson_path_ends_at_an_equilibrium(m, n, seed):
    game = random_game(np.random.default_rng(seed), m, n)
    everything = float_profiles(support_enumeration(game))
    result = lemke_howson_all(game)
    assert all(e.regret <= 1e-9 for e in result)
    assert same_sets(
        float_profiles(result),
        [
            x
            for x in everything
            if any(np.allclose(x, y, atol=1e-7) for y in float_profiles(result))
        ],
    )
    for path in result.stats["paths"]:
        assert path["pivots"] >= 1


@given(st.integers(2, 5), st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_float_and_integer_pivoting_follow_the_same_path(m, n, seed):
    rng = np.random.default_rng(seed)
    game = NormalFormGame.from_bimatrix(rng.integers(-5, 6, (m, n)), rng.integers(-5, 6, (m, n)))
    label = int(rng.integers(m + n))
    floats = lemke_howson(game, label)
    exact = lemke_howson(game, label, exact=True)
    assert floats.stats["pivots"] == exact.stats["pivots"]
    assert exact[0].regret == 0
    assert np.allclose(np.concatenate(floats[0].profile), np.concatenate(exact[0].profile))


@given(st.integers(2, 4), st.integers(2, 4), st.integers(0, 2**32 - 1))
def test_exact_support_enumeration_has_zero_regret(m, n, seed):
    rng = np.random.default_rng(seed)
    game = NormalFormGame.from_bimatrix(rng.integers(-3, 4, (m, n)), rng.integers(-3, 4, (m, n)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        result = support_enumeration(game, exact=True)
    assert len(result) >= 1 or result.degenerate
    assert all(e.regret == 0 for e in result)
    # Every extreme equilibrium of vertex enumeration is exact too, and the
    # nondegenerate list is contained in it.
    ve = vertex_enumeration(game, exact=True)
    assert len(ve) >= 1
    assert all(e.regret == 0 for e in ve)
    if not result.degenerate:
        assert set(exact_profiles(result)) == set(exact_profiles(ve))


# --- degenerate games -------------------------------------------------------
def test_degenerate_game_is_detected_and_warned():
    # Column player indifferent against row 0: a segment of equilibria.
    game = NormalFormGame.from_bimatrix([[1, 1], [1, 0]], [[1, 1], [0, 1]])
    with pytest.warns(DegenerateGameWarning, match="vertex_enumeration"):
        result = support_enumeration(game)
    assert result.degenerate is True and result.complete is False
    assert "best responses" in result.stats["degeneracy"]
    ve = vertex_enumeration(game, exact=True)
    assert ve.degenerate is True and ve.complete is True
    assert exact_profiles(ve) == [((F(1), F(0)), (F(1), F(0))), ((F(1), F(0)), (F(0), F(1)))]
    assert ve.components == ((0, 1),)


def test_vertex_enumeration_components_of_a_game_with_two_continua():
    # Pure coordination with a duplicated row: each equilibrium of the 2x2 game
    # becomes a continuum over the duplicate rows.
    A = [[1, 0], [1, 0], [0, 1]]
    game = NormalFormGame.from_bimatrix(A, A)
    result = vertex_enumeration(game, exact=True)
    assert result.degenerate
    assert all(e.regret == 0 for e in result)
    # {rows 0, 1 mixed, column 0} is one component; {row 2, column 1} another;
    # the mixed equilibria form a segment as well.
    assert len(result.components) == 3
    sizes = sorted(len(c) for c in result.components)
    assert sizes == [1, 2, 2]


def test_lemke_howson_terminates_on_degenerate_games():
    game = NormalFormGame.from_bimatrix(np.ones((4, 4)), np.ones((4, 4)))
    for exact in (False, True):
        result = lemke_howson_all(game, exact=exact)
        assert all(e.regret <= 1e-12 for e in result)


# --- zero-sum ---------------------------------------------------------------
def test_zero_sum_value_matches_the_equilibria():
    rng = np.random.default_rng(5)
    for _ in range(5):
        A = rng.normal(size=(5, 4))
        game = NormalFormGame.from_bimatrix(A)
        solution = solve_zero_sum(game)
        assert solution.regret <= 1e-9
        eq = support_enumeration(game)[0]
        assert solution.value == pytest.approx(eq.payoffs[0], abs=1e-9)
    assert solve_zero_sum(make("matching_pennies")).value == 0.0
    # A constant-sum game is accepted.
    game = NormalFormGame.from_bimatrix([[3, 1], [0, 2]], [[1, 3], [4, 2]])
    assert solve_zero_sum(game).value == pytest.approx(1.5)


def test_zero_sum_refuses_general_games_by_name():
    with pytest.raises(ValueError, match=r"zero-sum .* sum to 6 at \('C', 'C'\)"):
        solve_zero_sum(make("prisoners_dilemma"))


# --- bad input ----------------------------------------------------------------
def test_too_expensive_support_enumeration_is_refused_with_an_estimate():
    game = NormalFormGame.from_bimatrix(np.zeros((20, 20)), np.zeros((20, 20)))
    with pytest.raises(TooExpensiveError, match=r"1\.38e\+11 support pairs .*lemke_howson"):
        support_enumeration(game)
    with pytest.raises(TooExpensiveError, match="lemke_howson"):
        vertex_enumeration(game)
    assert count_support_pairs(20, 20) == 137846528819


def test_two_player_solvers_refuse_other_games():
    three = make("public_goods", n=3)
    for solver in (support_enumeration, vertex_enumeration, lemke_howson, solve_zero_sum):
        with pytest.raises(ValueError, match="2-player games; this game has 3 players"):
            solver(three)
    with pytest.raises(TypeError, match="NormalFormGame"):
        support_enumeration([[1, 0], [0, 1]])


@pytest.mark.parametrize("label", [-1, 4, 1.5, "0", True])
def test_lemke_howson_rejects_bad_labels(label):
    with pytest.raises(ValueError, match="initial label"):
        lemke_howson(make("matching_pennies"), label)


def test_lemke_howson_max_pivots():
    with pytest.raises(ValueError, match="max_pivots"):
        lemke_howson(make("matching_pennies"), 0, max_pivots=0)
    rng = np.random.default_rng(0)
    game = random_game(rng, 8, 8)
    needed = lemke_howson(game, 0).stats["pivots"]
    if needed > 1:
        with pytest.raises(TooExpensiveError, match="longer than 1 pivots"):
            lemke_howson(game, 0, max_pivots=1)


def test_result_to_dict_is_json_ready():
    import json

    result = vertex_enumeration(make("battle_of_the_sexes"), exact=True)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["degenerate"] is False and len(data["equilibria"]) == 3
    assert data["equilibria"][1]["exact"] == [["2/3", "1/3"], ["1/3", "2/3"]]
    assert set(data["equilibria"][0]) == {"profile", "payoffs", "regret", "exact"}


def test_a_float_path_that_rounding_breaks_is_redone_exactly(monkeypatch):
    import sys

    from cooplab.equilibria import NumericalWarning

    lh = sys.modules["cooplab.equilibria.lemke_howson"]  # the package exports the function

    game = make("battle_of_the_sexes")
    # Make every floating-point end point look inaccurate.
    monkeypatch.setattr(lh, "_REGRET_CHECK", -1.0)
    with pytest.warns(NumericalWarning, match="redone with exact integer pivoting"):
        result = lemke_howson(game, 0)
    assert result.stats["redone_exactly"] == [0]
    assert result[0].exact == ((F(1), F(0)), (F(1), F(0)))
    with pytest.warns(NumericalWarning):
        every = lemke_howson_all(game)
    assert every.stats["redone_exactly"] == [0, 1, 2, 3] and len(every) == 2


def test_float_paths_on_a_well_conditioned_game_are_not_redone():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lemke_howson_all(random_game(np.random.default_rng(2), 6, 6))
    assert result.stats["redone_exactly"] == []
