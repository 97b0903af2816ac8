import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplab.games.catalog import battle_of_the_sexes, prisoners_dilemma, public_goods, stag_hunt
from cooplab.games.normal_form import NormalFormGame
from cooplab.repeated.backward_induction import (
    backward_induction,
    first_round_check,
    spe_payoff_sets,
    stage_equilibria,
    stage_equilibrium_sequences,
)


def gibbons():
    # Gibbons (1992), Game Theory for Applied Economists, section 2.3.A
    a = np.array([[1.0, 5.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 3.0]])
    return NormalFormGame.from_bimatrix(a, a.T, action_names=[["L", "M", "R"]] * 2)


@pytest.mark.parametrize("horizon", [1, 2, 5, 10])
def test_prisoners_dilemma_unravels(horizon):
    # Luce & Raiffa (1957): the unique SPE of the finitely repeated PD defects in every round
    r = backward_induction(prisoners_dilemma(), horizon)
    assert r.spe_unique and r.unique_stage_equilibrium
    assert r.path == ("(D, D)",) * horizon
    assert r.total_payoffs == (float(horizon), float(horizon))
    assert [x.continuation for x in r.rounds] == [
        (float(horizon - t), float(horizon - t)) for t in range(1, horizon + 1)
    ]
    assert all(x.regret == 0 for x in r.rounds)
    sets = spe_payoff_sets(prisoners_dilemma(), horizon)
    assert [len(level) for level in sets.levels] == [1] * (horizon + 1)
    np.testing.assert_allclose(sets.levels[horizon], [[horizon, horizon]])
    assert not first_round_check(prisoners_dilemma(), ("C", "C"), horizon).feasible


def test_n_player_public_goods_unravels():
    g = public_goods()
    r = backward_induction(g, 3)
    assert r.spe_unique
    assert len(set(r.path)) == 1 and "Free-ride" in r.path[0]


def test_benoit_krishna_two_round_example():
    # Gibbons 2.3.A: (M, M) then (R, R), with (L, L) after a deviation, is an SPE: 4 + 3 >= 5 + 1
    g = gibbons()
    check = first_round_check(g, ("M", "M"), 2, continuations="stage_sequences")
    assert check.feasible
    assert check.reward == (3.0, 3.0)
    assert check.total_payoffs == (7.0, 7.0)
    assert check.deviation_payoffs == (5.0, 5.0)
    # the mixed equilibrium (3/4 L + 1/4 R) pays 3/4, below (L, L)'s 1: the harshest punishment
    np.testing.assert_allclose(check.punishments, (0.75, 0.75))
    assert not first_round_check(g, ("M", "M"), 1).feasible


def test_gibbons_long_horizon_cooperates_until_the_last_round():
    g = gibbons()
    sets = spe_payoff_sets(g, 4)
    top = sets.levels[4]
    sym = np.flatnonzero(np.isclose(top[:, 0], top[:, 1]))
    best = sym[np.argmax(top[sym, 0])]
    assert sets.path(4, int(best)) == ("(M, M)", "(M, M)", "(M, M)", "(R, R)")
    np.testing.assert_allclose(top[best], (15.0, 15.0))


def test_stage_sequences_are_minkowski_sums():
    g = battle_of_the_sexes()
    seq = stage_equilibrium_sequences(g, 2)
    pays = np.array([e.payoffs for e in stage_equilibria(g).equilibria])
    expected = {tuple(np.round(a + b, 9)) for a in pays for b in pays}
    assert {tuple(np.round(p, 9)) for p in seq} == expected


def test_stage_sequences_are_inside_the_spe_sets():
    g = gibbons()
    sets = spe_payoff_sets(g, 3)
    seq = stage_equilibrium_sequences(g, 3)
    keys = {tuple(np.round(p, 9)) for p in sets.levels[3]}
    assert all(tuple(np.round(p, 9)) in keys for p in seq)


def test_multiple_equilibria_selection():
    r = backward_induction(stag_hunt(), 3, selection=0)
    assert not r.spe_unique
    assert len(r.stage_equilibria) == 3
    assert r.to_dict()["horizon"] == 3


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=8, max_size=8), st.integers(1, 3))
def test_every_spe_payoff_passes_the_one_shot_check(values, horizon):
    # Invariant: every point of W_t is at least each player's punishment in W_t (a deviator can
    # always take its worst continuation), and the pure stage equilibria sequences are in W_t.
    a = np.array(values[:4], float).reshape(2, 2)
    b = np.array(values[4:], float).reshape(2, 2)
    g = NormalFormGame.from_bimatrix(a, b)
    sets = spe_payoff_sets(g, horizon)
    for t in range(1, horizon + 1):
        level = sets.levels[t]
        assert len(level) >= 1
        # each W_t point decomposes as stage payoff + a point of W_{t-1}: totals are bounded
        assert np.all(level <= t * g.payoffs.reshape(2, -1).max(axis=1) + 1e-9)
        assert np.all(level >= t * g.payoffs.reshape(2, -1).min(axis=1) - 1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match="horizon"):
        backward_induction(prisoners_dilemma(), 0)
    with pytest.raises(TypeError, match="horizon"):
        backward_induction(prisoners_dilemma(), 2.5)
    with pytest.raises(ValueError, match="discount"):
        backward_induction(prisoners_dilemma(), 2, discount=1.5)
    with pytest.raises(ValueError, match="continuations"):
        spe_payoff_sets(prisoners_dilemma(), 2, continuations="bogus")
    with pytest.raises(ValueError, match="max_points"):
        spe_payoff_sets(gibbons(), 8, max_points=50)
    with pytest.raises(ValueError, match="unknown action"):
        first_round_check(prisoners_dilemma(), ("X", "C"), 2)


def test_to_dict_is_json():
    import json

    json.dumps(backward_induction(prisoners_dilemma(), 2).to_dict())
    json.dumps(spe_payoff_sets(gibbons(), 2).to_dict())
    json.dumps(first_round_check(gibbons(), ("M", "M"), 2).to_dict())
