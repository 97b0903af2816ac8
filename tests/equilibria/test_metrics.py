import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.equilibria import EquilibriumResult
from cooplab.equilibria.correlated import correlated_equilibrium
from cooplab.equilibria.dilemmas import equilibria_2x2
from cooplab.equilibria.metrics import (
    WelfareSummary,
    nash_conv,
    pareto_efficient_outcomes,
    pareto_improvement,
    price_of_anarchy,
    price_of_stability,
    regret,
    social_welfare,
    welfare_gap,
    welfare_summary,
)
from cooplab.equilibria.result import equilibrium
from cooplab.games import NormalFormGame, make


def test_prisoners_dilemma():
    # Axelrod's payoffs: optimum 3 + 3 at (C, C), the equilibrium 1 + 1.
    g = make("prisoners-dilemma")
    assert price_of_anarchy(g, [("D", "D")]) == 3.0
    assert price_of_stability(g, [(1, 1)]) == 3.0
    assert welfare_gap(g, [(1, 1)]) == 4.0
    assert social_welfare(g, ["C", "C"]) == 6.0


def test_stag_hunt_anarchy_and_stability_differ():
    # R=4, T=3, P=2, S=0: equilibria (Stag, Stag) 8, (Hare, Hare) 4, and the mixed
    # one (Stag with probability 2/3) paying 8/3 each.
    g = make("stag-hunt")
    eqs = equilibria_2x2(g)
    assert isinstance(eqs, EquilibriumResult) and len(eqs) == 3
    s = welfare_summary(g, eqs)
    assert s.optimum_welfare == 8 and s.optimal_outcomes == ((0, 0),)
    assert sorted(s.equilibrium_welfare) == pytest.approx([4, 16 / 3, 8])
    assert s.price_of_anarchy == pytest.approx(2.0)
    assert s.price_of_stability == pytest.approx(1.0)
    assert s.anarchy_gap == pytest.approx(4.0) and s.stability_gap == pytest.approx(0.0)
    assert s.n_equilibria == 3 and s.note == ""


def test_price_of_anarchy_over_correlated_equilibria_bounds_nash():
    # Aumann's chicken: the optimum 12 at (C, C); the worst Nash equilibrium is a
    # pure one (9), the worst correlated equilibrium pays 7.2, the best 10.5.
    g = make("chicken", T=7, R=6, S=2, P=0)
    nash = equilibria_2x2(g)
    worst_ce = correlated_equilibrium(g, objective="min_welfare")
    best_ce = correlated_equilibrium(g)
    poa_nash = price_of_anarchy(g, nash)
    poa_ce = price_of_anarchy(g, [worst_ce, best_ce])
    assert poa_nash == pytest.approx(12 / 9)
    assert poa_ce == pytest.approx(12 / 7.2)
    assert poa_ce >= poa_nash
    assert price_of_stability(g, [worst_ce, best_ce]) == pytest.approx(12 / 10.5)
    assert price_of_stability(g, nash) >= price_of_stability(g, [worst_ce, best_ce])


def test_nonpositive_welfare_is_undefined_and_says_so():
    g = make("arms-race", n=3)  # optimum 0 (all disarm), equilibrium -3 (all arm)
    with pytest.raises(ValueError, match="positive welfare"):
        price_of_anarchy(g, [(1, 1, 1)])
    assert price_of_anarchy(g, [(1, 1, 1)], undefined="none") is None
    assert price_of_stability(g, [(1, 1, 1)], undefined="none") is None
    assert welfare_gap(g, [(1, 1, 1)]) == pytest.approx(3.0)
    s = welfare_summary(g, [(1, 1, 1)])
    assert s.price_of_anarchy is None and s.price_of_stability is None
    assert "positive welfare" in s.note and "welfare gap" in s.note
    assert s.anarchy_gap == pytest.approx(3.0)
    # Shifting every payoff by +2 makes the ratio defined: 6 / 3.
    shifted = NormalFormGame(g.payoffs + 2)
    assert price_of_anarchy(shifted, [(1, 1, 1)]) == pytest.approx(2.0)


def test_accepted_forms_of_equilibria():
    g = make("stag-hunt")
    eqs = equilibria_2x2(g)
    as_profiles = [[list(s) for s in e.profile] for e in eqs]
    as_names = [("Stag", "Stag"), ("Hare", "Hare")]
    as_objects = list(eqs)
    assert price_of_anarchy(g, eqs) == price_of_anarchy(g, as_profiles)
    assert price_of_anarchy(g, as_objects) == price_of_anarchy(g, as_profiles)
    assert price_of_anarchy(g, as_names) == pytest.approx(2.0)
    assert price_of_anarchy(g, eqs[0]) == pytest.approx(1.0)  # a single Equilibrium
    ce = correlated_equilibrium(g)
    assert price_of_anarchy(g, ce) == pytest.approx(1.0)


def test_bad_inputs():
    g = make("stag-hunt")
    with pytest.raises(ValueError, match="no equilibria"):
        price_of_anarchy(g, [])
    with pytest.raises(ValueError, match="entry 1"):
        price_of_anarchy(g, [(0, 0), (0, 0, 0)])
    with pytest.raises(ValueError, match="EquilibriumResult or a sequence"):
        welfare_summary(g, 3)
    with pytest.raises(ValueError, match="undefined must be"):
        price_of_anarchy(g, [(0, 0)], undefined="nan")
    with pytest.raises(ValueError, match="which must be"):
        welfare_gap(g, [(0, 0)], which="middle")
    other = make("rock-paper-scissors")
    with pytest.raises(ValueError, match="shape"):
        social_welfare(g, correlated_equilibrium(other))
    with pytest.raises(TypeError, match="NormalFormGame"):
        price_of_anarchy(g.payoffs, [(0, 0)])


def test_regret_and_nash_conv_accept_equilibria_and_profiles():
    g = make("prisoners-dilemma")
    e = equilibrium(g, [[0, 1], [0, 1]])
    np.testing.assert_allclose(regret(g, e), [0, 0])
    np.testing.assert_allclose(regret(g, ["C", "C"]), [2, 2])
    # Row: D pays 3 against the mix, C 1.5; Column: D pays 5 against C, the mix 4.
    assert nash_conv(g, ["C", [0.5, 0.5]]) == pytest.approx(1.5 + 1)
    with pytest.raises(TypeError, match="ce_violation"):
        regret(g, correlated_equilibrium(g))


def test_pareto_efficiency():
    g = make("prisoners-dilemma")
    assert pareto_efficient_outcomes(g) == [(0, 0), (0, 1), (1, 0)]
    assert pareto_improvement(g, ["D", "D"]) == (0, 0)
    assert pareto_improvement(g, ["D", "D"], strict=True) == (0, 0)
    assert pareto_improvement(g, ["C", "C"]) is None
    # (C, D) is efficient, though (C, C) has more welfare.
    assert pareto_improvement(g, ["C", "D"]) is None
    # A mixed profile can be dominated by a pure outcome.
    assert pareto_improvement(g, [[0.5, 0.5], [0.5, 0.5]]) == (0, 0)
    # Weak but not strict improvement: only one player gains.
    w = NormalFormGame.from_bimatrix([[1, 2], [0, 0]], [[1, 1], [0, 0]])
    assert pareto_improvement(w, [0, 0]) == (0, 1)
    assert pareto_improvement(w, [0, 0], strict=True) is None


@given(
    shape=st.lists(st.integers(1, 3), min_size=2, max_size=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_pareto_efficient_outcomes_brute_force(shape, seed):
    rng = np.random.default_rng(seed)
    g = NormalFormGame(rng.integers(0, 3, size=(len(shape), *shape)).astype(float))
    points = {o: g.payoffs[(slice(None), *o)] for o in g.pure_outcomes()}
    brute = sorted(
        o
        for o, p in points.items()
        if not any(np.all(q >= p) and np.any(q > p) for q in points.values())
    )
    assert pareto_efficient_outcomes(g) == brute
    for o in g.pure_outcomes():
        assert (pareto_improvement(g, list(o), tol=0) is None) == (o in brute)


@given(
    shape=st.lists(st.integers(1, 3), min_size=2, max_size=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_prices_are_at_least_one_and_ordered(shape, seed):
    rng = np.random.default_rng(seed)
    g = NormalFormGame(rng.integers(1, 10, size=(len(shape), *shape)).astype(float))
    eqs = g.pure_nash_equilibria()
    if not eqs:
        return
    s = welfare_summary(g, eqs)
    assert s.price_of_anarchy >= s.price_of_stability >= 1.0
    assert s.anarchy_gap >= s.stability_gap >= 0.0
    assert s.price_of_anarchy == pytest.approx(s.optimum_welfare / s.worst_equilibrium_welfare)


def test_summary_is_frozen_and_json_ready():
    s = welfare_summary(make("public-goods", n=4), [(0, 0, 0, 0)])
    assert isinstance(s, WelfareSummary)
    with pytest.raises(AttributeError):
        s.note = "x"  # type: ignore[misc]
    data = json.loads(json.dumps(s.to_dict()))
    assert data["price_of_anarchy"] == pytest.approx(1.6)
    assert data["optimal_outcomes"] == [[1, 1, 1, 1]]


def test_rounding_never_pushes_a_price_below_one():
    # An equilibrium welfare a rounding error above the optimum (0.1 + 0.2 against
    # 0.3) counts as optimal; a real excess is left alone.
    from cooplab.equilibria.metrics import _ratio

    assert _ratio(0.3, 0.1 + 0.2, 1e-12, "price of anarchy") == (1.0, "")
    ratio, _ = _ratio(0.3, 0.4, 1e-12, "price of anarchy")
    assert ratio == pytest.approx(0.75)
    g = NormalFormGame.from_bimatrix([[0.1, 0.0], [0.0, 0.0]], [[0.2, 0.0], [0.0, 0.0]])
    assert price_of_anarchy(g, [(0, 0)]) == 1.0
    assert welfare_gap(g, [(0, 0)]) == 0.0
