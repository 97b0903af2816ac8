import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplab.games.catalog import (
    battle_of_the_sexes,
    chicken,
    matching_pennies,
    prisoners_dilemma,
    stag_hunt,
)
from cooplab.games.normal_form import NormalFormGame
from cooplab.repeated.folk import (
    convex_weights,
    critical_discount_factor,
    deviation_check,
    feasible_set,
    grim_trigger,
    individually_rational_region,
    minmax_values,
)


@pytest.mark.parametrize(("T", "R", "P", "S"), [(5, 3, 1, 0), (4, 3, 2, 1), (10, 6, 1, 0)])
def test_pd_critical_delta(T, R, P, S):
    # Friedman (1971): grim trigger sustains (C, C) iff delta >= (T - R) / (T - P)
    g = prisoners_dilemma(T=T, R=R, P=P, S=S)
    expected = (T - R) / (T - P)
    trig = grim_trigger(g, ("C", "C"))
    assert math.isclose(trig.critical_delta, expected)
    assert trig.subgame_perfect
    assert not deviation_check(trig, expected + 1e-3).deviation_pays
    assert deviation_check(trig, expected - 1e-3).deviation_pays


def test_matching_pennies_minmax():
    # von Neumann (1928): mixed minmax 0 (the value); a pure punisher lets the other win: 1
    v = minmax_values(matching_pennies())
    assert v.pure == (1.0, 1.0)
    np.testing.assert_allclose(v.mixed, (0.0, 0.0), atol=1e-12)
    np.testing.assert_allclose(v.mixed_punisher, ((0.5, 0.5), (0.5, 0.5)))


def test_pd_regions():
    g = prisoners_dilemma()
    feas = feasible_set(g)
    assert feas.dimension == 2
    assert sorted(feas.vertices) == [(0.0, 5.0), (1.0, 1.0), (3.0, 3.0), (5.0, 0.0)]
    region = individually_rational_region(g)
    # the edge from (5, 0) to (3, 3) crosses P = 1 at 5 - 2/3
    np.testing.assert_allclose(
        sorted(region.vertices), sorted([(1, 1), (1, 13 / 3), (3, 3), (13 / 3, 1)])
    )
    assert region.contains((2.0, 2.0)) and not region.contains((0.5, 2.0))
    assert feas.area == pytest.approx(10.0)


def test_degenerate_feasible_sets():
    assert feasible_set(matching_pennies()).dimension == 1
    const = NormalFormGame.from_bimatrix([[1, 1], [1, 1]], [[2, 2], [2, 2]])
    assert feasible_set(const).dimension == 0
    assert individually_rational_region(const).vertices == ((1.0, 2.0),)
    assert individually_rational_region(matching_pennies()).dimension == 0


def test_cournot_minmax_versus_nash_reversion():
    q = np.array([3.0, 4.0, 6.0])
    a = q[:, None] * (12 - q[:, None] - q[None, :])
    g = NormalFormGame.from_bimatrix(a, a.T, action_names=[["3", "4", "6"]] * 2)
    nash = grim_trigger(g, ("3", "3"))
    mm = grim_trigger(g, ("3", "3"), punishment="minmax")
    assert nash.critical_delta == pytest.approx((20 - 18) / (20 - 16))
    assert mm.critical_delta == pytest.approx((20 - 18) / (20 - 9))
    assert nash.subgame_perfect and not mm.subgame_perfect
    for trig in (nash, mm):
        assert not deviation_check(trig, trig.critical_delta + 1e-3).deviation_pays
        assert deviation_check(trig, trig.critical_delta - 1e-3).deviation_pays


def test_trivial_targets():
    assert critical_discount_factor(stag_hunt(), ("Stag", "Stag")) == 0.0
    bos = {("Opera", "Opera"): 0.5, ("Football", "Football"): 0.5}
    trig = grim_trigger(battle_of_the_sexes(), bos)
    assert trig.critical_delta == 0.0 and trig.target_payoffs == (1.5, 1.5)
    assert critical_discount_factor(chicken(), ("Swerve", "Swerve")) == pytest.approx(0.5)


def test_below_punishment_is_not_sustainable():
    # (C, D) gives the row player S = 0 < P = 1: no delta sustains it with Nash reversion
    assert critical_discount_factor(prisoners_dilemma(), ("C", "D")) is None


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_folk_theorem_on_random_ir_points(x, y):
    # Fudenberg & Maskin (1986): every strictly individually rational point is sustainable
    g = prisoners_dilemma()
    region = individually_rational_region(g)
    v = np.asarray(region.vertices)
    lo, hi = v.min(axis=0), v.max(axis=0)
    p = lo + np.array([x, y]) * (hi - lo)
    if not region.contains(p, tol=0.0) or np.any(p <= 1.0 + 1e-6):
        return
    trig = grim_trigger(g, convex_weights(g, p), punishment="minmax")
    assert trig.critical_delta is not None and trig.critical_delta < 1
    np.testing.assert_allclose(trig.target_payoffs, p, atol=1e-7)
    assert not deviation_check(trig, (1 + trig.critical_delta) / 2).deviation_pays


def test_simulated_values_match_closed_form():
    trig = grim_trigger(prisoners_dilemma(), ("C", "C"))
    d = 0.7
    check = deviation_check(trig, d, rounds=200)
    # best deviation: (1-d) T + d P vs R
    assert check.gains[0][0] == pytest.approx((1 - d) * 5 + d * 1 - 3)
    # deviate then return: T, then S for ever against a grim punisher
    assert check.gains[0][1] == pytest.approx((1 - d) * 5 + d * 0 - 3)
    assert check.conform == pytest.approx((3.0, 3.0))


def test_bad_input():
    with pytest.raises(ValueError, match="2-player"):
        feasible_set(NormalFormGame(np.zeros((3, 2, 2, 2))))
    with pytest.raises(ValueError, match="punishment"):
        grim_trigger(prisoners_dilemma(), ("C", "C"), punishment="bogus")
    with pytest.raises(ValueError, match="sum to 1"):
        grim_trigger(prisoners_dilemma(), {("C", "C"): 0.5})
    with pytest.raises(ValueError, match="delta"):
        deviation_check(grim_trigger(prisoners_dilemma(), ("C", "C")), 1.0)
    with pytest.raises(ValueError, match="not a feasible"):
        convex_weights(prisoners_dilemma(), (5.0, 5.0))


def test_to_dict_is_json():
    import json

    trig = grim_trigger(prisoners_dilemma(), ("C", "C"))
    json.dumps(trig.to_dict())
    json.dumps(deviation_check(trig, 0.6).to_dict())
    json.dumps(feasible_set(prisoners_dilemma()).to_dict())
    json.dumps(minmax_values(prisoners_dilemma()).to_dict())
