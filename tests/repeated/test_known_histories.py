"""Matches whose histories are known by hand (noise-free, PD payoffs)."""

from __future__ import annotations

import pytest

from cooplab.repeated.match import play_match
from cooplab.repeated.strategies import get_strategy


def history(a, b, turns, **kw):
    if isinstance(a, str):
        a = get_strategy(a)
    if isinstance(b, str):
        b = get_strategy(b)
    return play_match(a, b, turns, **kw).history_strings()


@pytest.mark.parametrize(
    ("a", "b", "turns", "expected"),
    [
        ("tit_for_tat", "alternator", 6, ("CCDCDC", "CDCDCD")),
        ("grudger", "defector", 5, ("CDDDD", "DDDDD")),
        ("grudger", "alternator", 5, ("CCDDD", "CDCDC")),
        ("tit_for_tat", "suspicious_tit_for_tat", 5, ("CDCDC", "DCDCD")),
        ("win_stay_lose_shift", "defector", 6, ("CDCDCD", "DDDDDD")),
        ("win_stay_lose_shift", "alternator", 5, ("CCDDC", "CDCDC")),
        ("tit_for_two_tats", "defector", 4, ("CCDD", "DDDD")),
        ("two_tits_for_tat", "cycler_ccd", 7, ("CCCDDCD", "CCDCCDC")),
        ("bully", "cooperator", 3, ("DDD", "CCC")),
        ("prober", "cooperator", 5, ("DCCDD", "CCCCC")),
        ("prober", "tit_for_tat", 5, ("DCCCC", "CDCCC")),
        ("handshake", "handshake", 4, ("CDCC", "CDCC")),
        ("handshake", "cooperator", 4, ("CDDD", "CCCC")),
        ("tester", "cooperator", 6, ("DCCDCD", "CCCCCC")),
        ("tester", "tit_for_tat", 6, ("DCCCCC", "CDCCCC")),
        ("appeaser", "defector", 5, ("CDCDC", "DDDDD")),
        ("cycler_cccd", "cooperator", 8, ("CCCDCCCD", "CCCCCCCC")),
        ("soft_grudger", "cycler_ccd", 9, ("CCCDDDDCC", "CCDCCDCCD")),  # D D D D C C
        ("go_by_majority", "alternator", 6, ("CCCCCC", "CDCDCD")),
        ("hard_go_by_majority", "alternator", 6, ("DCDCDC", "CDCDCD")),
    ],
)
def test_known_history(a, b, turns, expected):
    assert history(a, b, turns) == expected


def test_gradual_punishes_the_nth_defection_n_times():
    # against ALLD: D, then punishments grow with the count of defections seen
    own, _ = history("original_gradual", "defector", 12)
    assert own == "CDCCDDCCDDDC"


def test_first_tournament_end_game_and_openings():
    own, _ = history("tideman_and_chieruzzi", "cooperator", 10)
    assert own == "C" * 8 + "DD"  # defects on the last two moves of a known length
    own, _ = history("tideman_and_chieruzzi", "cooperator", 10, length_known=False)
    assert own == "C" * 10
    own, _ = history("stein_and_rapoport", "defector", 8)
    assert own == "CCCCDDDD"  # four cooperations before tit for tat
    own, _ = history("davis", "alternator", 13)
    assert own == "C" * 10 + "DDD"
    own, _ = history("downing", "defector", 6)
    assert own.startswith("DD")  # the pessimistic opening
    own, opp = history("graaskamp", "tit_for_tat", 60)
    assert own[50] == "D" and own[:50] == "C" * 50
    # then it recognises tit for tat and plays it: move 51's defection echoes on
    assert own[51:] == "CDCDCDCDC" and opp[51:] == "DCDCDCDCD"


def test_shubik_retaliation_grows():
    # Against a cycler that defects every third move: retaliations of 1, 2, 3.
    own, opp = history("shubik", "cycler_ccd", 15)
    assert opp == "CCDCCDCCDCCDCCD"
    # the defection at move 9 meets our resumed cooperation and is not counted
    assert own == "CCCDCCDDCCCCDDD"
    # the Axelrod library's reading counts it
    own, _ = history(get_strategy("shubik", variant="axelrod"), "cycler_ccd", 15)
    assert own == "CCCDCCDDCDDDCCC"


def test_nydegger_weights_order():
    from cooplab.repeated.strategies.base import History
    from cooplab.repeated.strategies.first_tournament import Nydegger

    # last three rounds (oldest first): (C,C), (C,C), (D,C): own defection last.
    h = History.from_strings("CCCCD", "CCCCC")
    paper, lib = Nydegger(), Nydegger(variant="axelrod")
    # chronological weights: A = 16*0 + 4*0 + 1*1 = 1 -> defect
    assert paper.act(h, None) == 1
    # most recent first: A = 16*1 = 16 -> cooperate
    assert lib.act(h, None) == 0
    # the paper's example: three mutual defections give A = 63, cooperate
    assert paper.act(History.from_strings("CCDDD", "CDDDD"), None) == 0


def test_downing_learns_to_cooperate_with_tit_for_tat():
    own, _ = history("downing", "tit_for_tat", 30)
    assert own.startswith("DD") and own.endswith("C" * 20)
