"""Memory-one strategies, the exact stationary payoffs and the zero-determinant
relations of Press & Dyson (2012) and Stewart & Plotkin (2013)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.games import make
from cooplab.repeated.match import play_match
from cooplab.repeated.strategies import get_strategy
from cooplab.repeated.strategies.base import MatchInfo, MemoryOneSpec
from cooplab.repeated.strategies.memory_one import (
    Equalizer,
    ExtortionateZD,
    GenerousZD,
    MemoryOne,
    ZeroDeterminant,
    stationary_distribution,
    stationary_payoffs,
)

prob = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
interior = st.floats(min_value=0.01, max_value=0.99, allow_nan=False)
vectors = st.tuples(interior, interior, interior, interior)

R, S, T, P = 3.0, 0.0, 5.0, 1.0


def test_press_dyson_example_vectors():
    # Press & Dyson (2012): chi = 3 extortioner p = (11/13, 1/2, 7/26, 0)
    p = ExtortionateZD(chi=3, phi=1 / 26).as_memory_one().p
    np.testing.assert_allclose(p, (11 / 13, 1 / 2, 7 / 26, 0), atol=1e-12)
    # Press & Dyson (2012): equalizer setting s_Y = 2, p = (2/3, 0, 2/3, 1/3)
    p = Equalizer(target=2, phi=1 / 3).as_memory_one().p
    np.testing.assert_allclose(p, (2 / 3, 0, 2 / 3, 1 / 3), atol=1e-12)


def test_presets_match_the_axelrod_library_vectors():
    # Hilbe et al. (2013) parameters (phi_H, s, l) as used by the Axelrod library
    expected = {
        "zd_extort_2": (8 / 9, 1 / 2, 1 / 3, 0.0),  # phi 1/9, s 1/2, l = P
        "zd_gtft_2": (1.0, 1 / 8, 1.0, 1 / 4),  # phi 1/4, s 1/2, l = R
        "zd_set_2": (3 / 4, 1 / 4, 1 / 2, 1 / 4),  # phi 1/4, s 0, l = 2
    }
    for name, vec in expected.items():
        np.testing.assert_allclose(get_strategy(name).as_memory_one().p, vec, atol=1e-12)


@given(q=vectors, chi=st.floats(1.0, 5.0), scale=st.floats(0.05, 1.0))
def test_extortion_enforces_the_linear_relation(q, chi, scale):
    # largest phi keeping p in [0, 1]: p2 = 1 - phi (P - S + chi (T - P)) >= 0
    phi = scale / ((P - S) + chi * (T - P))
    zd = ExtortionateZD(chi=chi, phi=phi)
    sx, sy = stationary_payoffs(zd.as_memory_one(), q)
    np.testing.assert_allclose(sx - P, chi * (sy - P), atol=1e-9)


@given(q=vectors, chi=st.floats(1.0, 5.0), scale=st.floats(0.05, 1.0))
def test_generosity_enforces_the_linear_relation(q, chi, scale):
    # Stewart & Plotkin (2013): s_X - R = chi (s_Y - R); p2 = 1 - phi ((R - S) + chi (T - R))
    # and p3 = phi ((T - R) + chi (R - S)) must stay in [0, 1]
    phi = scale / max((R - S) + chi * (T - R), (T - R) + chi * (R - S))
    zd = GenerousZD(chi=chi, phi=phi)
    sx, sy = stationary_payoffs(zd.as_memory_one(), q)
    np.testing.assert_allclose(sx - R, chi * (sy - R), atol=1e-9)


@given(q=vectors, target=st.floats(P, R), scale=st.floats(0.05, 1.0))
def test_equalizer_sets_the_opponents_payoff(q, target, scale):
    phi = scale / (T - P)
    eq = Equalizer(target=target, phi=min(phi, 1 / (T - target)))
    _, sy = stationary_payoffs(eq.as_memory_one(), q)
    np.testing.assert_allclose(sy, target, atol=1e-9)


def test_zd_relation_holds_in_another_prisoners_dilemma():
    game = make("prisoners-dilemma", T=6, R=4, P=2, S=0)
    zd = ExtortionateZD(chi=2, phi=0.05)
    zd.reset(MatchInfo(payoffs=((4, 0), (6, 2)), opponent_payoffs=((4, 0), (6, 2))))
    sx, sy = stationary_payoffs(zd.as_memory_one(), (0.3, 0.8, 0.1, 0.6), game)
    np.testing.assert_allclose(sx - 2, 2 * (sy - 2), atol=1e-9)


def test_zd_relation_by_simulation():
    zd = get_strategy("zd_extort_2")
    opp = MemoryOne(0.7, 0.2, 0.6, 0.4, 1.0)
    r = play_match(zd, opp, 100_000, seed=3)
    sx, sy = r.mean_scores
    assert abs((sx - P) - 2 * (sy - P)) < 0.05


@given(p=st.tuples(prob, prob, prob, prob), q=st.tuples(prob, prob, prob, prob))
def test_stationary_distribution_is_a_distribution(p, q):
    v = stationary_distribution(MemoryOneSpec(p, 1.0), MemoryOneSpec(q, 1.0))
    assert np.all(v >= -1e-12)
    np.testing.assert_allclose(v.sum(), 1.0, atol=1e-9)


def test_deterministic_chains_follow_the_first_moves():
    tft = get_strategy("tit_for_tat")
    np.testing.assert_allclose(stationary_payoffs(tft, tft), (3.0, 3.0))
    # TFT against suspicious TFT: the CD / DC echo, 2.5 each
    np.testing.assert_allclose(
        stationary_payoffs(tft, get_strategy("suspicious_tit_for_tat")), (2.5, 2.5)
    )
    # WSLS against ALLD: alternates S and P: 0.5 against 3
    np.testing.assert_allclose(
        stationary_payoffs(get_strategy("pavlov"), get_strategy("alld")), (0.5, 3.0)
    )
    with pytest.raises(ValueError, match="several stationary"):
        stationary_distribution(tft, tft, from_start=False)


def test_generous_tit_for_tat_default_generosity():
    # Nowak & Sigmund (1992): min(1 - (T-R)/(R-S), (R-P)/(T-P)) = 1/3 for (3, 0, 5, 1)
    np.testing.assert_allclose(get_strategy("gtft").as_memory_one().p, (1, 1 / 3, 1, 1 / 3))


@pytest.mark.parametrize(
    ("cls", "params", "message"),
    [
        (MemoryOne, {"p_cc": 1.2}, "p_cc must be a probability"),
        (MemoryOne, {"initial": -0.1}, "initial must be a probability"),
        (MemoryOne, {"p_dd": float("nan")}, "p_dd must be a probability"),
        (ExtortionateZD, {"chi": 3, "phi": 0.5}, "outside"),
        (ZeroDeterminant, {"phi": -1}, "phi must be positive"),
        (Equalizer, {"target": 2, "phi": 2}, "outside"),
    ],
)
def test_impossible_parameters_are_rejected(cls, params, message):
    with pytest.raises(ValueError, match=message):
        cls(**params)


def test_stochastic_flag_follows_the_vector():
    assert not MemoryOne(1, 0, 1, 0, 1).stochastic
    assert MemoryOne(1, 0.5, 1, 0, 1).stochastic
    fsm = MemoryOne(1, 0, 1, 0, 1).as_fsm()
    assert fsm is not None and fsm.n_states == 2  # tit for tat: two states


def test_a_reducible_chain_from_the_start_sums_to_one():
    # found by hypothesis: X repeats its own move (always C from a C start), Y mixes;
    # the matrix power drifted to a total of 0.999996 before its rows were renormalised
    v = stationary_distribution(
        MemoryOneSpec((1.0, 1.0, 0.0, 0.0), 1.0), MemoryOneSpec((0.875, 0.0, 0.5, 0.0), 1.0)
    )
    np.testing.assert_allclose(v.sum(), 1.0, atol=1e-12)
    # X always cooperates; Y cooperates with 0.875 after CC and 0.5 after (its own) DC
    np.testing.assert_allclose(v, [0.8, 0.2, 0.0, 0.0], atol=1e-12)
