"""Cross-check of repeated-game strategies against the Axelrod library.

For every deterministic strategy both libraries have (the explicit table
:data:`SHARED`), every pair is played for 200 turns in both and the histories
must be identical. ``import axelrod`` takes 10-20 s, so it happens once, in a
module-scoped fixture; the matches are then played in bulk.

Run with ``pytest -m peers``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cooplab.repeated.match import play_match
from cooplab.repeated.strategies import STRATEGIES, get_strategy

pytestmark = pytest.mark.peers

TURNS = 200

#: cooplab name (with parameters) -> Axelrod class name (with parameters).
SHARED: dict[
    tuple[str, tuple[tuple[str, object], ...]], tuple[str, tuple[tuple[str, object], ...]]
] = {
    (name, tuple(params.items())): (axl_name, tuple(axl_params.items()))
    for name, params, axl_name, axl_params in [
        ("cooperator", {}, "Cooperator", {}),
        ("defector", {}, "Defector", {}),
        ("tit_for_tat", {}, "TitForTat", {}),
        ("suspicious_tit_for_tat", {}, "SuspiciousTitForTat", {}),
        ("anti_tit_for_tat", {}, "AntiTitForTat", {}),
        ("bully", {}, "Bully", {}),
        ("tit_for_two_tats", {}, "TitFor2Tats", {}),
        ("two_tits_for_tat", {}, "TwoTitsForTat", {}),
        ("hard_tit_for_tat", {}, "HardTitForTat", {}),
        ("hard_tit_for_two_tats", {}, "HardTitFor2Tats", {}),
        ("slow_tit_for_two_tats", {}, "SlowTitForTwoTats2", {}),
        ("sneaky_tit_for_tat", {}, "SneakyTitForTat", {}),
        ("spiteful_tit_for_tat", {}, "SpitefulTitForTat", {}),
        ("contrite_tit_for_tat", {}, "ContriteTitForTat", {}),
        ("omega_tit_for_tat", {}, "OmegaTFT", {}),
        ("adaptive_tit_for_tat", {}, "AdaptiveTitForTat", {}),
        ("n_tits_for_m_tats", {}, "NTitsForMTats", {}),
        ("win_stay_lose_shift", {}, "WinStayLoseShift", {}),
        ("win_shift_lose_stay", {}, "WinShiftLoseStay", {}),
        ("grudger", {}, "Grudger", {}),
        ("forgetful_grudger", {}, "ForgetfulGrudger", {}),
        ("soft_grudger", {}, "SoftGrudger", {}),
        ("opposite_grudger", {}, "OppositeGrudger", {}),
        ("aggravater", {}, "Aggravater", {}),
        ("spiteful_cc", {}, "SpitefulCC", {}),
        ("grudger_alternator", {}, "GrudgerAlternator", {}),
        ("easy_go", {}, "EasyGo", {}),
        ("fool_me_once", {}, "FoolMeOnce", {}),
        ("once_bitten", {}, "OnceBitten", {}),
        ("gradual", {}, "Gradual", {}),
        ("original_gradual", {}, "OriginalGradual", {}),
        ("appeaser", {}, "Appeaser", {}),
        ("adaptive", {}, "Adaptive", {}),
        ("tricky_cooperator", {}, "TrickyCooperator", {}),
        ("tricky_defector", {}, "TrickyDefector", {}),
        ("retaliate", {}, "Retaliate", {}),
        ("retaliate_2", {}, "Retaliate2", {}),
        ("retaliate_3", {}, "Retaliate3", {}),
        ("limited_retaliate", {}, "LimitedRetaliate", {}),
        ("limited_retaliate_2", {}, "LimitedRetaliate2", {}),
        ("limited_retaliate_3", {}, "LimitedRetaliate3", {}),
        ("level_punisher", {}, "LevelPunisher", {}),
        ("go_by_majority", {}, "GoByMajority", {}),
        ("go_by_majority_5", {}, "GoByMajority5", {}),
        ("go_by_majority_10", {}, "GoByMajority10", {}),
        ("go_by_majority_20", {}, "GoByMajority20", {}),
        ("go_by_majority_40", {}, "GoByMajority40", {}),
        ("hard_go_by_majority", {}, "HardGoByMajority", {}),
        ("hard_go_by_majority_5", {}, "HardGoByMajority5", {}),
        ("hard_go_by_majority_10", {}, "HardGoByMajority10", {}),
        ("hard_go_by_majority_20", {}, "HardGoByMajority20", {}),
        ("hard_go_by_majority_40", {}, "HardGoByMajority40", {}),
        ("alternator", {}, "Alternator", {}),
        ("anti_cycler", {}, "AntiCycler", {}),
        ("cycler", {"cycle": "CCD"}, "Cycler", {"cycle": "CCD"}),
        ("cycler_ccd", {}, "CyclerCCD", {}),
        ("cycler_cccd", {}, "CyclerCCCD", {}),
        ("cycler_cccccd", {}, "CyclerCCCCCD", {}),
        ("cycler_ddc", {}, "CyclerDDC", {}),
        ("cycler_cccdcd", {}, "CyclerCCCDCD", {}),
        ("prober", {}, "Prober", {}),
        ("prober_2", {}, "Prober2", {}),
        ("prober_3", {}, "Prober3", {}),
        ("prober_4", {}, "Prober4", {}),
        ("hard_prober", {}, "HardProber", {}),
        ("tester", {}, "SecondByTester", {}),
        ("handshake", {}, "Handshake", {}),
        ("detective", {}, "Detective", {}),
        ("collective_strategy", {}, "CollectiveStrategy", {}),
        ("lookup_table", {}, "LookerUp", {}),
        ("winner12", {}, "Winner12", {}),
        ("winner21", {}, "Winner21", {}),
        ("capri", {}, "Capri", {}),
        ("finite_state_machine", {}, "FSMPlayer", {}),
        ("fortress3", {}, "Fortress3", {}),
        ("fortress4", {}, "Fortress4", {}),
        ("predator", {}, "Predator", {}),
        ("pun1", {}, "Pun1", {}),
        ("raider", {}, "Raider", {}),
        ("ripoff", {}, "Ripoff", {}),
        ("usually_cooperates", {}, "UsuallyCooperates", {}),
        ("usually_defects", {}, "UsuallyDefects", {}),
        ("solution_b1", {}, "SolutionB1", {}),
        ("solution_b5", {}, "SolutionB5", {}),
        ("thumper", {}, "Thumper", {}),
        # the first tournament, in the Axelrod library's readings
        ("tideman_and_chieruzzi", {"variant": "axelrod"}, "FirstByTidemanAndChieruzzi", {}),
        ("nydegger", {"variant": "axelrod"}, "FirstByNydegger", {}),
        ("shubik", {"variant": "axelrod"}, "FirstByShubik", {}),
        ("stein_and_rapoport", {"variant": "axelrod"}, "FirstBySteinAndRapoport", {}),
        ("friedman", {}, "Grudger", {}),
        ("davis", {}, "FirstByDavis", {}),
        ("downing", {"variant": "axelrod"}, "FirstByDowning", {}),
    ]
}


@pytest.fixture(scope="module")
def axl():
    return pytest.importorskip("axelrod", minversion="4.13")


def _ours():
    return [get_strategy(name, **dict(params)) for name, params in SHARED]


def _theirs(axl):
    return [getattr(axl, name)(**dict(params)) for name, params in SHARED.values()]


def test_shared_table_names_exist(axl):
    for (name, _), (axl_name, _) in SHARED.items():
        assert name in STRATEGIES, name
        assert hasattr(axl, axl_name), axl_name


def test_shared_strategies_are_deterministic_in_both(axl):
    for ours, theirs in zip(_ours(), _theirs(axl), strict=True):
        assert not ours.stochastic, ours.display
        assert not axl.Classifiers["stochastic"](theirs), theirs.name


def _axl_history(axl, a, b) -> tuple[str, str]:
    match = axl.Match((a, b), turns=TURNS)
    rounds = match.play()
    return (
        "".join(str(x) for x, _ in rounds),
        "".join(str(y) for _, y in rounds),
    )


def test_all_pairs_have_identical_histories(axl):
    """Every ordered pair (i <= j, self-play included) of shared deterministic
    strategies: cooplab's 200-turn history equals the Axelrod library's."""
    ours = _ours()
    theirs = _theirs(axl)
    mismatches = []
    n = len(ours)
    for i, j in itertools.combinations_with_replacement(range(n), 2):
        mine = play_match(ours[i], ours[j], TURNS).history_strings()
        a, b = theirs[i].clone(), theirs[j].clone()
        peer = _axl_history(axl, a, b)
        if mine != peer:
            t = int(
                np.argmax(
                    [x != y for x, y in zip(mine[0] + mine[1], peer[0] + peer[1], strict=True)]
                )
            )
            mismatches.append(
                f"{ours[i].display} vs {ours[j].display} (first difference at {t % TURNS})"
            )
    assert not mismatches, f"{len(mismatches)} pairs differ:\n" + "\n".join(mismatches[:40])
