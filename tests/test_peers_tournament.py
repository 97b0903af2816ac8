"""Cross-check of round-robin tournaments against the Axelrod library.

The same deterministic strategies, 200 turns, one repetition: the payoff
matrices must agree (the twin's diagonal included), and with
``self_play=False`` our normalised scores and ranking must be the Axelrod
library's (which plays the twin but leaves it out of scores and ranking).
``import axelrod`` is slow, so it happens once, in a module fixture.

Run with ``pytest -m peers``.
"""

from __future__ import annotations

import numpy as np
import pytest

from cooplab.repeated.tournament import round_robin

pytestmark = pytest.mark.peers

#: cooplab name -> Axelrod class (deterministic in both; FSM, memory-one and general ones).
PAIRS = [
    ("cooperator", "Cooperator"),
    ("defector", "Defector"),
    ("tit_for_tat", "TitForTat"),
    ("grudger", "Grudger"),
    ("alternator", "Alternator"),
    ("tit_for_two_tats", "TitFor2Tats"),
    ("win_stay_lose_shift", "WinStayLoseShift"),
    ("suspicious_tit_for_tat", "SuspiciousTitForTat"),
    ("bully", "Bully"),
    ("two_tits_for_tat", "TwoTitsForTat"),
    ("gradual", "Gradual"),
    ("go_by_majority", "GoByMajority"),
    ("tricky_cooperator", "TrickyCooperator"),
    ("adaptive", "Adaptive"),
]


@pytest.fixture(scope="module")
def axl_results():
    axl = pytest.importorskip("axelrod", minversion="4.13")
    players = [getattr(axl, cls)() for _, cls in PAIRS]
    tournament = axl.Tournament(players, turns=200, repetitions=1, seed=0)
    return tournament.play(progress_bar=False, processes=None)


def test_payoff_matrix_equals_axelrods(axl_results):
    ours = round_robin([name for name, _ in PAIRS], turns=200, repetitions=1)
    np.testing.assert_allclose(ours.payoff_matrix, np.array(axl_results.payoff_matrix), atol=1e-12)
    lengths = np.array(axl_results.match_lengths)[0]
    np.testing.assert_array_equal(ours.lengths[..., 0], lengths)


def test_scores_and_ranking_without_the_twin_equal_axelrods(axl_results):
    ours = round_robin([name for name, _ in PAIRS], turns=200, repetitions=1, self_play=False)
    theirs = np.array(axl_results.normalised_scores)  # (players, repetitions)
    np.testing.assert_allclose(ours.normalised_scores, theirs, atol=1e-12)
    np.testing.assert_allclose(ours.scores, np.array(axl_results.scores), atol=1e-9)
    # Ties (equal scores) are broken by the order given in both libraries.
    assert list(ours.ranking) == list(axl_results.ranking)
