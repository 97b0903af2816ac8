import numpy as np
import pytest

from cooplab.games import GAMES, make
from cooplab.games.catalog import parse_params, prisoners_dilemma_conditions, symmetric_2x2
from cooplab.runtime.registry import UnknownNameError
from cooplab.testing import check_game


@pytest.mark.parametrize("name", GAMES.names())
def test_every_catalog_game_honours_the_game_contract(name):
    check_game(make(name))


@pytest.mark.parametrize("name", GAMES.names())
def test_every_catalog_game_cites_a_source(name):
    assert GAMES[name].reference, f"{name} has no References section"


def test_prisoners_dilemma_payoffs_axelrod():
    # Axelrod (1984): R=3, S=0, T=5, P=1
    g = make("prisoners-dilemma")
    assert g.payoff_matrix(0).tolist() == [[3, 0], [5, 1]]
    assert g.payoff_matrix(1).tolist() == [[3, 5], [0, 1]]
    assert g.action_names == (("C", "D"), ("C", "D"))


@pytest.mark.parametrize(
    ("params", "fails"),
    [
        ({"T": 2}, "T > R"),
        ({"R": 0.5}, "R > P"),
        ({"S": 2, "P": 1, "R": 3, "T": 5}, "P > S"),
        ({"T": 7, "R": 3, "P": 1, "S": 0}, "2R > T + S"),
    ],
)
def test_prisoners_dilemma_names_the_failing_condition(params, fails):
    with pytest.raises(ValueError, match=f"fails {fails.replace('+', '[+]')}"):
        make("prisoners-dilemma", **params)


def test_prisoners_dilemma_conditions_lists_every_failure():
    assert prisoners_dilemma_conditions(T=5, R=3, P=1, S=0) == ()
    failed = prisoners_dilemma_conditions(T=1, R=2, P=3, S=4)
    assert len(failed) == 4  # 2R = 4 < T + S = 5 too
    assert any(c.startswith("T > R") for c in failed)


@pytest.mark.parametrize(
    ("name", "equilibria"),
    [
        ("stag-hunt", [(0, 0), (1, 1)]),
        ("chicken", [(0, 1), (1, 0)]),
        ("hawk-dove", [(0, 1), (1, 0)]),
        ("battle-of-the-sexes", [(0, 0), (1, 1)]),
        ("matching-pennies", []),
        ("rock-paper-scissors", []),
        ("shapley", []),
        ("pure-coordination", [(0, 0), (1, 1)]),
    ],
)
def test_two_player_pure_equilibria(name, equilibria):
    assert make(name).pure_nash_equilibria() == equilibria


def test_shapley_game_uniform_play_is_the_equilibrium():
    # Shapley (1964): the unique equilibrium is uniform
    g = make("shapley")
    u = np.ones(3) / 3
    np.testing.assert_allclose(g.regret([u, u]), 0, atol=1e-15)


def test_hawk_dove_mixed_equilibrium():
    # Maynard Smith & Price (1973): play Hawk with probability V / C
    g = make("hawk-dove", value=2, cost=4)
    p = 2 / 4
    np.testing.assert_allclose(g.regret([[1 - p, p], [1 - p, p]]), 0, atol=1e-15)


def test_public_goods_free_riding_is_dominant_below_n():
    g = make("public-goods", n=4, multiplier=1.6)
    everyone = (1,) * 4
    assert g.pure_nash_equilibria() == [(0, 0, 0, 0)]
    assert g.welfare_table()[everyone] == g.welfare_table().max()
    # Each contributor keeps multiplier/n = 0.4 of a unit it gives: payoff 1.6 all-in vs 1 all-out
    np.testing.assert_allclose(g.outcome_payoffs(everyone), 1.6)
    np.testing.assert_allclose(g.payoffs[:, 0, 0, 0, 0], 1.0)


def test_public_goods_above_n_is_no_dilemma():
    g = make("public-goods", n=3, multiplier=4)
    assert g.pure_nash_equilibria() == [(1, 1, 1)]


def test_public_goods_levels():
    g = make("public-goods", n=2, levels=3)
    assert g.n_actions == (3, 3)
    assert g.action_names[0] == ("give 0/2", "give 1/2", "give 2/2")
    assert len(set(make("public-goods", n=2, levels=150).action_names[0])) == 150


def test_commons_overuse():
    # Gibbons (1992, §1.2.D): equilibrium total (capacity - cost) n / (n + 1), optimum half
    g = make("tragedy-of-the-commons", n=3, capacity=13, cost=1, max_use=5)
    assert (3, 3, 3) in g.pure_nash_equilibria()
    assert all(sum(e) == 9 for e in g.pure_nash_equilibria())
    welfare = g.welfare_table()
    optimum = {sum(map(int, o)) for o in np.argwhere(welfare == welfare.max())}
    assert optimum == {6}


def test_arms_race_is_an_n_player_dilemma():
    g = make("arms-race", n=3, cost=1, threat=2)
    assert g.pure_nash_equilibria() == [(1, 1, 1)]
    np.testing.assert_allclose(g.payoffs[:, 1, 1, 1], -1.0)
    np.testing.assert_allclose(g.payoffs[:, 0, 0, 0], 0.0)
    assert make("arms-race", n=3, cost=2, threat=1).pure_nash_equilibria() == [(0, 0, 0)]


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("public-goods", {"n": 1}, "n must be at least 2"),
        ("public-goods", {"n": 2.5}, "n must be an integer"),
        ("public-goods", {"multiplier": -1}, "multiplier must be positive"),
        ("public-goods", {"n": 40}, "payoff table"),
        ("public-goods", {"n": 10**12}, "payoff table"),
        ("pure-coordination", {"n_actions": 100_000}, "payoff table"),
        ("public-goods", {"endowment": 1e308, "multiplier": 1e308}, "finite"),
        ("tragedy-of-the-commons", {"cost": 20}, "below capacity"),
        ("stag-hunt", {"R": 1}, "R > T >= P > S"),
        ("chicken", {"P": 5}, "T > R > S > P"),
        ("battle-of-the-sexes", {"low": 3}, "high > low > miss"),
        ("prisoners-dilemma", {"T": float("nan")}, "finite"),
        ("pure-coordination", {"n_actions": 1}, "at least 2"),
        ("prisoners-dilemma", {"X": 1}, "no parameter 'X'"),
    ],
)
def test_bad_parameters_name_the_problem(name, params, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make(name, **params)


def test_two_by_two_letters_are_keyword_only():
    with pytest.raises(TypeError):
        symmetric_2x2(3, 0, 5, 1)
    assert GAMES["symmetric-2x2"].parameters() == {"R": 3, "S": 0, "T": 5, "P": 1}


def test_prisoners_dilemma_rejects_strings():
    with pytest.raises(TypeError, match="T must be a real number"):
        make("prisoners-dilemma", T="5")


def test_registry_lookup_normalises_and_suggests():
    assert GAMES["prisoners_dilemma"] is GAMES["prisoners-dilemma"]
    assert "Prisoners_Dilemma" in GAMES and 3 not in GAMES
    with pytest.raises(UnknownNameError, match="did you mean stag-hunt"):
        GAMES["stag-hunts"]


def test_parse_params_types_and_errors():
    spec = GAMES["public-goods"]
    assert parse_params(spec, ["n=3", "multiplier=2.5"]) == {"n": 3, "multiplier": 2.5}
    with pytest.raises(ValueError, match="name=value"):
        parse_params(spec, ["n"])
    with pytest.raises(ValueError, match="must be a number"):
        parse_params(spec, ["n=three"])
    with pytest.raises(ValueError, match="no parameter 'k'"):
        parse_params(spec, ["k=1"])


# ---------------------------------------------------------------------------
# Properties of the N-player dilemmas
# ---------------------------------------------------------------------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.integers(2, 6), st.floats(0.05, 0.95), st.floats(0.1, 10))
def test_public_goods_is_a_dilemma_whenever_1_lt_r_lt_n(n, frac, endowment):
    # Ledyard (1995): with 1 < r < n free-riding dominates, full contribution is optimal
    r = 1 + frac * (n - 1)
    g = make("public-goods", n=n, multiplier=r, endowment=endowment)
    assert g.pure_nash_equilibria() == [(0,) * n]
    assert g.social_optima() == [(1,) * n]


@given(st.integers(2, 6), st.floats(0.1, 5), st.floats(1.05, 5))
def test_arms_race_everyone_arms_when_threat_exceeds_cost(n, cost, ratio):
    g = make("arms-race", n=n, cost=cost, threat=cost * ratio)
    assert g.pure_nash_equilibria() == [(1,) * n]
    assert g.social_optima() == [(0,) * n]


@given(st.integers(2, 4), st.integers(1, 2))
def test_commons_symmetric_equilibrium_overuses(n, k):
    # Gibbons (1992): each grazes (capacity - cost) / (n + 1); the optimum total is half the usable capacity.
    usable = 2 * (n + 1) * k
    g = make("tragedy-of-the-commons", n=n, capacity=usable + 1, cost=1, max_use=usable // 2)
    equilibrium = (2 * k,) * n
    assert equilibrium in g.pure_nash_equilibria()
    welfare = g.welfare_table()
    assert welfare[equilibrium] < welfare.max()
    assert {sum(o) for o in g.social_optima()} == {usable // 2}
    assert sum(equilibrium) > usable // 2
