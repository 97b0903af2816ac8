import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.equilibria import TooExpensiveError
from cooplab.equilibria import correlated as correlated_module
from cooplab.equilibria.correlated import (
    CorrelatedResult,
    ce_violation,
    correlated_equilibrium,
    incentive_gains,
    product_distribution,
    validate_distribution,
)
from cooplab.equilibria.dilemmas import equilibria_2x2
from cooplab.games import NormalFormGame, make

TOL = 1e-7


def aumann_chicken():
    # Aumann (1974), section 2: payoffs (6,6) (2,7) / (7,2) (0,0).
    return make("chicken", T=7, R=6, S=2, P=0)


def random_game(seed, shape, low=-5, high=6):
    rng = np.random.default_rng(seed)
    return NormalFormGame(rng.integers(low, high, size=(len(shape), *shape)).astype(float))


# ---------------------------------------------------------------------------
# Literature values
# ---------------------------------------------------------------------------
def test_aumann_one_third_distribution_is_a_correlated_equilibrium():
    # Aumann (1974): 1/3 on each of (C,C), (C,D), (D,C) pays 5 each.
    g = aumann_chicken()
    x = np.array([[1, 1], [1, 0]]) / 3
    assert ce_violation(g, x) == pytest.approx(0, abs=1e-12)
    np.testing.assert_allclose([np.sum(x * g.payoffs[i]) for i in range(2)], [5, 5])


def test_chicken_welfare_maximising_ce_beats_every_nash_equilibrium():
    # Derived by hand from the CE constraints of Aumann's chicken: told C, Row needs
    # 2 x(C,D) >= x(C,C); maximising 12 x(C,C) + 9 (x(C,D) + x(D,C)) gives x(C,C) = 1/2,
    # x(C,D) = x(D,C) = 1/4: 5.25 each, welfare 10.5 (the mixed NE pays 14/3 each).
    g = aumann_chicken()
    ce = correlated_equilibrium(g)
    np.testing.assert_allclose(ce.distribution, [[0.5, 0.25], [0.25, 0.0]], atol=1e-8)
    np.testing.assert_allclose(ce.payoffs, [5.25, 5.25], atol=1e-8)
    assert ce.welfare == pytest.approx(10.5, abs=1e-8)
    assert ce.violation <= TOL and ce.success
    nash = equilibria_2x2(g)
    mixed = [e for e in nash if not e.is_pure]
    assert len(mixed) == 1
    np.testing.assert_allclose(mixed[0].payoffs, [14 / 3, 14 / 3])
    assert ce.welfare > max(float(e.payoffs.sum()) for e in nash) + 1


def test_chicken_welfare_minimising_ce():
    # By hand: minimising welfare puts weight on the crash (D,D) as far as the
    # constraints x(D,C) >= 2 x(D,D), x(C,D) >= 2 x(D,D) allow: 1/5 on (D,D),
    # 2/5 on each pure NE, welfare 7.2, below every Nash equilibrium's.
    g = aumann_chicken()
    worst = correlated_equilibrium(g, objective="min_welfare")
    np.testing.assert_allclose(worst.distribution, [[0, 0.4], [0.4, 0.2]], atol=1e-8)
    assert worst.welfare == pytest.approx(7.2, abs=1e-8)
    assert worst.objective == "min_welfare" and worst.objective_value == pytest.approx(7.2)


def test_egalitarian_and_weighted_objectives():
    g = aumann_chicken()
    fair = correlated_equilibrium(g, objective="egalitarian")
    assert fair.objective_value == pytest.approx(5.25, abs=1e-8)
    # Row's best correlated equilibrium is its favourite pure NE (D, C): 7.
    row = correlated_equilibrium(g, objective=[1, 0])
    np.testing.assert_allclose(row.payoffs, [7, 2], atol=1e-8)
    same = correlated_equilibrium(g, objective=lambda u: u[0])
    np.testing.assert_allclose(same.distribution, row.distribution, atol=1e-8)
    per_outcome = correlated_equilibrium(g, objective=[[0, 0], [1, 0]])
    np.testing.assert_allclose(per_outcome.distribution, [[0, 0], [1, 0]], atol=1e-8)
    assert correlated_equilibrium(g, objective="maxmin").objective == "egalitarian"
    assert correlated_equilibrium(g, objective="max_welfare").objective == "welfare"


def test_prisoners_dilemma_has_only_mutual_defection():
    # Strictly dominated actions get zero weight in any correlated equilibrium.
    g = make("prisoners-dilemma")
    for kind in ("correlated", "coarse"):
        for objective in ("welfare", "min_welfare", "feasible"):
            ce = correlated_equilibrium(g, objective=objective, kind=kind)
            np.testing.assert_allclose(ce.distribution, [[0, 0], [0, 1]], atol=1e-8)


@pytest.mark.parametrize("name", ["matching-pennies", "rock-paper-scissors"])
def test_unique_correlated_equilibrium_is_uniform(name):
    # Both games have the uniform product as their only correlated equilibrium:
    # the largest and the smallest probability of any one outcome over the CE
    # polytope coincide.
    g = make(name)
    k = g.n_actions[0]
    w = np.zeros(g.n_actions)
    w[0, 0] = 1
    hi = correlated_equilibrium(g, objective=w).distribution[0, 0]
    lo = correlated_equilibrium(g, objective=-w).distribution[0, 0]
    assert hi == pytest.approx(1 / k**2, abs=1e-8)
    assert lo == pytest.approx(1 / k**2, abs=1e-8)


def test_n_player_public_goods_ce_is_mutual_free_riding():
    g = make("public-goods", n=5)
    for kind in ("correlated", "coarse"):
        ce = correlated_equilibrium(g, kind=kind)
        assert ce.distribution.shape == (2,) * 5
        assert ce.distribution[(0,) * 5] == pytest.approx(1, abs=1e-8)
        assert ce.welfare == pytest.approx(5.0, abs=1e-7)


def test_three_player_game_with_many_actions_runs_and_certifies():
    g = make("tragedy-of-the-commons", n=3)  # 216 outcomes
    best = correlated_equilibrium(g)
    worst = correlated_equilibrium(g, objective="min_welfare")
    assert best.violation <= TOL and worst.violation <= TOL
    # Every pure NE lies between the welfare bounds.
    welfare = g.welfare_table()
    for o in g.pure_nash_equilibria():
        assert worst.welfare - 1e-6 <= welfare[o] <= best.welfare + 1e-6


# ---------------------------------------------------------------------------
# NE ⊆ CE ⊆ CCE
# ---------------------------------------------------------------------------
@given(
    payoffs=st.lists(st.integers(-4, 4), min_size=8, max_size=8),
)
def test_every_2x2_nash_equilibrium_is_correlated(payoffs):
    g = NormalFormGame(np.array(payoffs, dtype=float).reshape(2, 2, 2))
    for e in equilibria_2x2(g):
        x = product_distribution(g, list(e.profile))
        assert ce_violation(g, x) <= 1e-9
        assert ce_violation(g, x, kind="coarse") <= 1e-9


@given(
    shape=st.lists(st.integers(1, 3), min_size=2, max_size=4),
    seed=st.integers(0, 2**32 - 1),
)
def test_pure_nash_equilibria_are_correlated_and_within_welfare_bounds(shape, seed):
    g = random_game(seed, tuple(shape))
    pure = g.pure_nash_equilibria()
    best = correlated_equilibrium(g)
    worst = correlated_equilibrium(g, objective="min_welfare")
    assert best.violation <= TOL and worst.violation <= TOL
    for o in pure:
        x = product_distribution(g, list(o))
        assert ce_violation(g, x) == 0.0
        w = float(g.welfare_table()[o])
        assert worst.welfare - 1e-6 <= w <= best.welfare + 1e-6


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 3))
def test_correlated_equilibria_are_coarse_correlated(seed, n):
    g = random_game(seed, (3,) * n)
    ce_best = correlated_equilibrium(g)
    ce_worst = correlated_equilibrium(g, objective="min_welfare")
    cce_best = correlated_equilibrium(g, kind="coarse")
    cce_worst = correlated_equilibrium(g, kind="coarse", objective="min_welfare")
    for ce in (ce_best, ce_worst):
        assert ce_violation(g, ce.distribution, kind="coarse") <= TOL
    assert cce_best.violation <= TOL and cce_worst.violation <= TOL
    # A larger set: better best, worse worst.
    assert cce_best.welfare >= ce_best.welfare - 1e-6
    assert cce_worst.welfare <= ce_worst.welfare + 1e-6


def test_coarse_correlated_set_can_be_strictly_larger():
    # A 3x3 game (found by search) where the best CCE beats the best CE.
    g = NormalFormGame([[[3, 1, 2], [0, 4, 2], [4, 3, 3]], [[1, 3, 0], [2, 2, 4], [0, 4, 0]]])
    ce = correlated_equilibrium(g)
    cce = correlated_equilibrium(g, kind="coarse")
    assert cce.welfare > ce.welfare + 0.5
    assert ce_violation(g, cce.distribution) > 1e-3  # not a correlated equilibrium
    assert cce.violation <= TOL


# ---------------------------------------------------------------------------
# The metric on arbitrary distributions
# ---------------------------------------------------------------------------
def test_violation_of_a_non_equilibrium():
    g = aumann_chicken()
    # (C, C) for sure: each would rather play D (7 > 6).
    assert ce_violation(g, [[1, 0], [0, 0]]) == pytest.approx(1)
    np.testing.assert_allclose(ce_violation(g, [[1, 0], [0, 0]], per_player=True), [1, 1])
    # Coarse: always-D against (C, C) also gains 1.
    assert ce_violation(g, [[1, 0], [0, 0]], kind="coarse") == pytest.approx(1)


def test_incentive_gains_shapes_and_meaning():
    g = make("tragedy-of-the-commons", n=3, max_use=2)  # 3 actions each
    rng = np.random.default_rng(0)
    x = rng.random(g.n_actions)
    x /= x.sum()
    gains = incentive_gains(g, x)
    assert [a.shape for a in gains] == [(3, 3)] * 3
    for a in gains:
        np.testing.assert_allclose(np.diag(a), 0)
    coarse = incentive_gains(g, x, kind="coarse")
    assert [a.shape for a in coarse] == [(3,)] * 3
    # Brute force for player 1 (middle axis), deviation 0 -> 2.
    u = g.payoffs[1]
    brute = sum(x[a, 0, c] * (u[a, 2, c] - u[a, 0, c]) for a in range(3) for c in range(3))
    assert gains[1][0, 2] == pytest.approx(brute)
    brute_coarse = sum(
        x[a, b, c] * (u[a, 2, c] - u[a, b, c]) for a in range(3) for b in range(3) for c in range(3)
    )
    assert coarse[1][2] == pytest.approx(brute_coarse)


@given(seed=st.integers(0, 2**32 - 1))
def test_violation_is_nonnegative_and_coarse_is_smaller(seed):
    rng = np.random.default_rng(seed)
    g = random_game(seed, (2, 3, 2))
    x = rng.random(g.n_actions) ** 3
    x /= x.sum()
    v = ce_violation(g, x)
    vc = ce_violation(g, x, kind="coarse")
    assert v >= 0 and vc >= 0
    # A fixed deviation is a swap deviation summed over recommendations, each part
    # bounded by the best swap: coarse gain <= a_i * correlated gain.
    assert vc <= 3 * v + 1e-12


def test_product_distribution():
    g = make("tragedy-of-the-commons", n=3, max_use=1)
    x = product_distribution(g, [[0.25, 0.75], 1, "0"])
    assert x.shape == (2, 2, 2)
    assert x.sum() == pytest.approx(1)
    assert x[1, 1, 0] == pytest.approx(0.75)


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([0.5, 0.5], "shape"),
        ([[0.5, 0.5], [0.5, 0.5]], "sums to"),
        ([[np.nan, 0.5], [0.25, 0.25]], "NaN"),
        ([[-0.5, 1.0], [0.25, 0.25]], "negative"),
        ([["a", "b"], ["c", "d"]], "numeric"),
        ([[1j, 0], [0, 0]], "complex"),
    ],
)
def test_distribution_checks(bad, message):
    with pytest.raises(ValueError, match=message):
        ce_violation(aumann_chicken(), bad)


def test_distribution_is_renormalised():
    x = validate_distribution(aumann_chicken(), [[0.5 + 1e-7, 0.25], [0.25, -1e-12]])
    assert x.sum() == pytest.approx(1, abs=1e-15) and x.min() == 0


def test_argument_checks():
    g = aumann_chicken()
    with pytest.raises(ValueError, match="kind"):
        correlated_equilibrium(g, kind="nash")
    with pytest.raises(ValueError, match="kind"):
        ce_violation(g, [[1, 0], [0, 0]], kind="swap")
    with pytest.raises(ValueError, match="unknown objective"):
        correlated_equilibrium(g, objective="utilitarian")
    with pytest.raises(ValueError, match="one weight per player"):
        correlated_equilibrium(g, objective=[1, 2, 3])
    with pytest.raises(ValueError, match="one value per outcome"):
        correlated_equilibrium(g, objective=lambda u: u)
    with pytest.raises(ValueError, match="NaN"):
        correlated_equilibrium(g, objective=[np.nan, 1])
    with pytest.raises(ValueError, match="name, an array or a callable"):
        correlated_equilibrium(g, objective=True)
    with pytest.raises(TypeError, match="NormalFormGame"):
        correlated_equilibrium([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="method"):
        correlated_equilibrium(g, method="simplex")


@pytest.mark.parametrize("method", ["highs-ds", "highs-ipm"])
def test_other_highs_methods_agree(method):
    g = aumann_chicken()
    ce = correlated_equilibrium(g, method=method)
    assert ce.welfare == pytest.approx(10.5, abs=1e-7) and ce.violation <= TOL


def test_too_expensive_is_refused_unless_forced(monkeypatch):
    monkeypatch.setattr(correlated_module, "MAX_NONZEROS", 10)
    g = make("rock-paper-scissors")
    with pytest.raises(TooExpensiveError, match="force=True"):
        correlated_equilibrium(g)
    assert correlated_equilibrium(g, force=True).violation <= TOL


# ---------------------------------------------------------------------------
# The result object
# ---------------------------------------------------------------------------
def test_result_is_frozen_and_json_ready():
    ce = correlated_equilibrium(aumann_chicken())
    assert isinstance(ce, CorrelatedResult)
    with pytest.raises(AttributeError):
        ce.welfare = 0  # type: ignore[misc]
    data = json.loads(json.dumps(ce.to_dict()))
    assert data["kind"] == "correlated" and data["status"] == 0
    np.testing.assert_allclose(data["distribution"], ce.distribution)
    assert ce.support == [(0, 0), (0, 1), (1, 0)]
    np.testing.assert_allclose(ce.marginals[0], [0.75, 0.25], atol=1e-8)
    assert "welfare=10.5" in repr(ce)


def test_constant_payoff_player_and_one_player_game():
    # A player with constant payoffs has no incentive constraints.
    g = NormalFormGame([[[1, 1], [1, 1]], [[0, 3], [1, 2]]])
    ce = correlated_equilibrium(g)
    assert ce.welfare == pytest.approx(4)
    # Nobody has incentives: any distribution is an equilibrium.
    for objective in ("welfare", "min_welfare", "egalitarian", "feasible"):
        ce = correlated_equilibrium(NormalFormGame(np.zeros((2, 2, 2))), objective=objective)
        assert ce.violation == 0 and ce.distribution.sum() == pytest.approx(1)
    solo = NormalFormGame([[1.0, 3.0, Fraction(5, 2)]])
    ce = correlated_equilibrium(solo, objective="feasible")
    np.testing.assert_allclose(ce.distribution, [0, 1, 0], atol=1e-8)
