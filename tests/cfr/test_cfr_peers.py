"""CFR and exploitability cross-checked against OpenSpiel (``pyspiel``, the ``bench`` extra).

* The NashConv of the same (random) policies equals OpenSpiel's
  ``exploitability.nash_conv`` on Kuhn poker and Leduc hold'em; the policies
  are carried over by OpenSpiel's information-state strings (the games are
  converted with :func:`cooplab.games.openspiel_convert.from_openspiel`).
* After the same number of iterations, cooplab's CFR and CFR+ are no more
  exploitable than OpenSpiel's C++ ``CFRSolver`` and ``CFRPlusSolver``, both on
  the converted games and on cooplab's own builders of Kuhn and Leduc.
* Linear and discounted CFR give OpenSpiel's Python ``LCFRSolver`` /
  ``DCFRSolver`` exploitability on Kuhn poker.
"""

from __future__ import annotations

import numpy as np
import pytest

pyspiel = pytest.importorskip("pyspiel")
os_policy = pytest.importorskip("open_spiel.python.policy")
os_exploit = pytest.importorskip("open_spiel.python.algorithms.exploitability")

from cooplab.cfr import CFRSolver, TabularPolicy, exploitability, nash_conv  # noqa: E402
from cooplab.games.openspiel_convert import from_openspiel  # noqa: E402
from cooplab.games.poker import kuhn_poker, leduc_poker  # noqa: E402

pytestmark = pytest.mark.peers

GAMES = {"kuhn_poker": kuhn_poker, "leduc_poker": leduc_poker}


def _to_openspiel(game, os_game, pol: TabularPolicy):  # type: ignore[no-untyped-def]
    tp = os_policy.TabularPolicy(os_game)
    for s in range(game.num_infosets):
        row = tp.state_lookup[game.infoset_keys[s]]
        legal = np.flatnonzero(tp.legal_actions_mask[row])
        assert legal.size == game.infoset_num_actions[s]
        tp.action_probability_array[row] = 0.0
        tp.action_probability_array[row, legal] = pol.probs[s, : legal.size]
    return tp


@pytest.mark.parametrize("name", sorted(GAMES))
def test_nash_conv_of_same_policies_equals_openspiel(name: str) -> None:
    game = from_openspiel(name)
    os_game = pyspiel.load_game(name)
    rng = np.random.default_rng(7)
    for _ in range(3):
        w = rng.exponential(size=(game.num_infosets, game.max_actions))
        pol = TabularPolicy.from_weights(game, w)
        ours = nash_conv(game, pol)
        theirs = os_exploit.nash_conv(os_game, _to_openspiel(game, os_game, pol))
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("name", "iterations"), [("kuhn_poker", 300), ("leduc_poker", 40)])
@pytest.mark.parametrize("variant", ["cfr", "cfr+"])
def test_cfr_no_worse_than_openspiel_cpp(name: str, iterations: int, variant: str) -> None:
    os_game = pyspiel.load_game(name)
    solver = (pyspiel.CFRSolver if variant == "cfr" else pyspiel.CFRPlusSolver)(os_game)
    for _ in range(iterations):
        solver.evaluate_and_update_policy()
    theirs = pyspiel.exploitability(os_game, solver.average_policy())
    converted = from_openspiel(name)
    ours = exploitability(converted, CFRSolver(converted, variant).run(iterations).average_policy())
    own = GAMES[name]()
    ours_own = exploitability(own, CFRSolver(own, variant).run(iterations).average_policy())
    # Same algorithm, same alternating schedule: equal up to rounding, never worse.
    assert ours <= theirs * (1 + 1e-7) + 1e-12
    assert ours_own <= theirs * (1 + 1e-7) + 1e-12


@pytest.mark.parametrize("variant", ["linear", "dcfr"])
def test_linear_and_discounted_cfr_match_openspiel_python(variant: str) -> None:
    # OpenSpiel's Python LCFRSolver / DCFRSolver (alpha 1.5, beta 0, gamma 2; Brown & Sandholm
    # 2019) on Kuhn poker: the same exploitability after the same iterations.
    dcfr = pytest.importorskip("open_spiel.python.algorithms.discounted_cfr")
    os_game = pyspiel.load_game("kuhn_poker")
    solver = dcfr.LCFRSolver(os_game) if variant == "linear" else dcfr.DCFRSolver(os_game)
    for _ in range(100):
        solver.evaluate_and_update_policy()
    theirs = os_exploit.exploitability(os_game, solver.average_policy())
    game = from_openspiel("kuhn_poker")
    ours = exploitability(game, CFRSolver(game, variant).run(100).average_policy())
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)


@pytest.mark.slow
def test_liars_dice_value_equals_openspiels_game() -> None:
    # The one-die Liar's dice value the core tests cite for cooplab's builder
    # (-7/258, test_cfr.py) holds on OpenSpiel's own liars_dice rules, converted
    # node by node, whose tree has as many information sets as ours.
    from cooplab.cfr import solve_sequence_form
    from cooplab.games.extensive_catalog import liars_dice

    theirs = from_openspiel(pyspiel.load_game("liars_dice", {"numdice": 1}))
    assert theirs.num_infosets == liars_dice().num_infosets
    value, _ = solve_sequence_form(theirs)
    np.testing.assert_allclose(value, -7 / 258, atol=1e-7)
