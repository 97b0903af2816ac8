"""The reference match engine and the finite-state machines."""

from __future__ import annotations

import numpy as np
import pytest

from cooplab.games import make
from cooplab.repeated.match import MatchResult, play_match, stage_payoffs
from cooplab.repeated.strategies import get_strategy
from cooplab.repeated.strategies.base import FSM, History, MatchInfo


def test_scores_use_the_prisoners_dilemma_by_default():
    r = play_match("cooperator", "defector", 10)
    assert r.scores.tolist() == [0.0, 50.0]  # S = 0, T = 5 (Axelrod 1980)
    assert r.cooperation_rates.tolist() == [1.0, 0.0]
    r = play_match("tit_for_tat", "tit_for_tat", 200)
    assert r.scores.tolist() == [600.0, 600.0]


def test_any_two_by_two_game():
    game = make("stag-hunt")  # R=4, T=3, P=2, S=0
    r = play_match("cooperator", "defector", 3, game=game)
    assert r.scores.tolist() == [0.0, 9.0]
    tables = stage_payoffs(game)
    assert tables.shape == (2, 2, 2)
    with pytest.raises(ValueError, match="2 actions"):
        play_match("cooperator", "defector", 3, game=make("rock-paper-scissors"))


def test_asymmetric_game_payoffs_seen_from_each_side():
    game = make("battle-of-the-sexes")
    r = play_match("cooperator", "cooperator", 1, game=game)
    np.testing.assert_allclose(r.scores, [game.payoffs[0][0, 0], game.payoffs[1][0, 0]])


def test_seeded_play_is_reproducible_and_seeds_matter():
    a = play_match("random", "joss", 200, seed=11)
    b = play_match("random", "joss", 200, seed=11)
    c = play_match("random", "joss", 200, seed=12)
    assert a == b
    assert a != c
    gen = np.random.default_rng(5)
    d = play_match("random", "random", 50, seed=gen)
    assert d.turns == 50


def test_noise_flips_actions_at_the_given_rate():
    r = play_match("cooperator", "cooperator", 20_000, noise=0.1, seed=1)
    rate = 1 - r.cooperation_rates.mean()
    assert abs(rate - 0.1) < 0.01
    assert play_match("cooperator", "cooperator", 100, noise=0.0).cooperation_rates.tolist() == [
        1,
        1,
    ]


def test_self_play_with_one_instance_uses_a_copy():
    s = get_strategy("grudger")
    r = play_match(s, s, 5)
    assert r.history_strings() == ("CCCCC", "CCCCC")


def test_bad_input():
    with pytest.raises(ValueError, match="non-negative"):
        play_match("cooperator", "defector", -1)
    with pytest.raises(TypeError, match="integer"):
        play_match("cooperator", "defector", 2.5)
    with pytest.raises(ValueError, match="probability"):
        play_match("cooperator", "defector", 3, noise=1.5)
    with pytest.raises(ValueError, match="unknown strategy"):
        play_match("cooperatorr", "defector", 3)
    with pytest.raises(TypeError):
        play_match(42, "defector", 3)


def test_match_result_to_dict():
    d = play_match("tit_for_tat", "defector", 3, seed=1).to_dict()
    assert d["actions"] == ["CDD", "DDD"]
    assert d["scores"] == [2.0, 7.0]
    assert d["seed"] == 1
    assert isinstance(play_match("tit_for_tat", "defector", 0), MatchResult)


def test_length_known_or_not():
    s = get_strategy("stein_and_rapoport")
    assert play_match(s, "cooperator", 6).history_strings()[0] == "CCCCDD"
    assert play_match(s, "cooperator", 6, length_known=False).history_strings()[0] == "CCCCCC"


def test_fsm_of_tit_for_tat_and_grudger():
    tft = get_strategy("tit_for_tat").as_fsm()
    assert tft.n_states == 2
    assert tft.play([0, 1, 1], [1, 1, 0]).tolist() == [0, 1, 1, 0]
    grudger = get_strategy("grudger").as_fsm()
    assert grudger.n_states == 2
    assert get_strategy("tit_for_two_tats").as_fsm().n_states == 3
    assert get_strategy("cycler_cccd").as_fsm().n_states == 4
    assert get_strategy("joss").as_fsm() is None  # stochastic
    assert get_strategy("gradual").as_fsm() is None  # unbounded counters


def test_fsm_from_mealy_and_minimization():
    # Thumper's Mealy machine becomes a Moore machine with (state, action) pairs.
    fsm = get_strategy("thumper").as_fsm()
    assert fsm.output[fsm.initial] == 0
    # a machine with a duplicated state minimises to tit for tat
    output = [0, 1, 0]
    trans = np.zeros((3, 2, 2), dtype=int)
    trans[:, :, 0] = 2
    trans[:, :, 1] = 1
    assert FSM(output, trans, 0).minimized().n_states == 2
    with pytest.raises(ValueError, match="shape"):
        FSM([0, 1], np.zeros((3, 2, 2), dtype=int), 0)
    with pytest.raises(ValueError, match="no transition"):
        FSM.from_mealy({(0, 0): (0, 0)}, 0, 0)


def test_history_and_match_info():
    h = History.from_strings("CCD", "CDD")
    assert h.turn == 3 and h.opponent_defections == 2 and h.own_cooperations == 2
    assert h.swapped().own.tolist() == [0, 1, 1]
    info = MatchInfo(turns=10)
    assert (info.R, info.S, info.T, info.P) == (3, 0, 5, 1)
    with pytest.raises(ValueError, match="2x2"):
        MatchInfo(payoffs=((1, 2, 3), (4, 5, 6)))
    with pytest.raises(ValueError, match="C and D"):
        History.from_strings("CX", "CC")
