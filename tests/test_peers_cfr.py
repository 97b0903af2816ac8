"""Extensive-form games and CFR cross-checked against Gambit (``pygambit``) and OpenSpiel.

* Gambit reads the ``.efg`` files cooplab writes (same tree size, information
  sets and payoffs), and cooplab reads the files Gambit writes, including
  every ``.efg`` of Gambit's own catalogue shipped in pygambit, with the same
  information sets and the same expected payoffs under the uniform
  (centroid) behaviour profile. Gambit's ``lp_solve`` finds Kuhn poker's
  value -1/18 on the file cooplab writes, as cooplab's sequence-form LP does.
* OpenSpiel games converted by :func:`cooplab.games.openspiel_convert.from_openspiel`
  have OpenSpiel's information-set counts and the uniform policy's NashConv
  OpenSpiel computes (Kuhn 0.916667, Leduc 4.747222), as do cooplab's own
  builders of the same games; expected returns of the uniform policy agree
  on other OpenSpiel games.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from cooplab.cfr.best_response import expected_values, nash_conv
from cooplab.cfr.policy import TabularPolicy
from cooplab.cfr.sequence_form import solve_sequence_form
from cooplab.games.extensive import Chance, Decision, Terminal
from cooplab.games.gambit_efg import parse_efg_tree, read_efg_tree, write_efg
from cooplab.games.poker import kuhn_poker, leduc_poker

pytestmark = pytest.mark.peers

KUHN_VALUE = -1.0 / 18.0  # Kuhn (1950)
# NashConv of the uniform random policy, as OpenSpiel's exploitability tests
# state them (open_spiel/python/algorithms/exploitability_test.py).
UNIFORM_NASH_CONV = {"kuhn_poker": 0.916666666666667, "leduc_poker": 4.747222222222222}


@pytest.fixture(scope="module")
def gbt():
    return pytest.importorskip("pygambit")


@pytest.fixture(scope="module")
def pyspiel():
    return pytest.importorskip("pyspiel")


def _catalog_files(gbt) -> list[Path]:
    root = Path(gbt.__file__).parent / "catalog_data"
    return sorted(root.rglob("*.efg"))


def _count(node) -> tuple[int, int]:
    """(nodes, terminals) of a tree, iteratively."""
    nodes = terminals = 0
    stack = [node]
    while stack:
        n = stack.pop()
        nodes += 1
        if isinstance(n, Terminal):
            terminals += 1
        elif isinstance(n, Chance):
            stack.extend(c for _, _, c in n.outcomes)
        else:
            stack.extend(n.children)
    return nodes, terminals


def _gambit_infosets(g) -> dict[int, int]:
    return {i: len(p.infosets) for i, p in enumerate(g.players)}


def _uniform_payoffs(gbt, g) -> list[Fraction]:
    profile = g.mixed_behavior_profile(rational=True)  # the centroid: uniform at every infoset
    return [Fraction(profile.payoff(p)) for p in g.players]


# ---------------------------------------------------------------------------
# Gambit
# ---------------------------------------------------------------------------
def test_gambit_reads_kuhn_as_cooplab_writes_it_and_solves_it_to_minus_one_eighteenth(gbt):
    game = kuhn_poker()
    text = write_efg(game)
    g = gbt.read_efg(io.StringIO(text))
    assert len(g.nodes) == game.num_nodes
    assert sum(1 for n in g.nodes if n.is_terminal) == game.num_terminals
    assert sum(len(p.infosets) for p in g.players) == game.num_infosets
    assert g.is_perfect_recall
    # Gambit's sequence-form LP (Koller, Megiddo & von Stengel 1996) on our file.
    result = gbt.nash.lp_solve(g, rational=True)
    eq = result.equilibria[0]
    assert Fraction(eq.payoff(next(iter(g.players)))) == Fraction(-1, 18)
    value, _ = solve_sequence_form(game)
    np.testing.assert_allclose(value, KUHN_VALUE, atol=1e-9)
    # The centroid profile pays the same in both.
    uniform = expected_values(game, TabularPolicy.uniform(game))
    np.testing.assert_allclose(uniform, [float(x) for x in _uniform_payoffs(gbt, g)], atol=1e-12)


def test_every_gambit_catalog_efg_reads_the_same(gbt):
    files = _catalog_files(gbt)
    assert len(files) >= 20
    for path in files:
        g = gbt.read_efg(str(path))
        # Both Gambit's original file and Gambit's own rewriting of it.
        for tree in (read_efg_tree(path), parse_efg_tree(g.to_efg(), source=f"{path} (to_efg)")):
            assert tree.title == g.title
            assert tree.player_names == tuple(p.label for p in g.players)
            assert _count(tree.root) == (
                len(g.nodes),
                sum(1 for n in g.nodes if n.is_terminal),
            ), path
            game = tree.compile()
            per_player = {i: int(np.sum(game.infoset_player == i)) for i in range(game.num_players)}
            assert per_player == _gambit_infosets(g), path
            uniform = expected_values(game, TabularPolicy.uniform(game))
            np.testing.assert_allclose(
                uniform, [float(x) for x in _uniform_payoffs(gbt, g)], atol=1e-9, err_msg=str(path)
            )
            # And Gambit reads back what cooplab writes, with the same payoffs.
            again = gbt.read_efg(io.StringIO(write_efg(tree)))
            assert _uniform_payoffs(gbt, again) == _uniform_payoffs(gbt, g), path


def test_cooplab_reads_a_tree_gambit_builds(gbt):
    g = gbt.Game.new_tree(players=["Alice", "Bob"], title="built in pygambit")
    g.append_move(g.root, g.players.chance, ["heads", "tails"])
    g.set_chance_probs(g.root.infoset, [Fraction(1, 3), Fraction(2, 3)])
    for child in g.root.children:
        g.append_move(child, g.players["Alice"], ["left", "right"])
    # Bob does not see the coin: one information set across both branches.
    g.append_move([c for n in g.root.children for c in n.children], g.players["Bob"], ["x", "y"])
    k = 0
    for node in g.nodes:
        if node.is_terminal:
            k += 1
            g.set_outcome(node, g.add_outcome(f"o{k}", [k, Fraction(-k, 2)]))
    tree = parse_efg_tree(g.to_efg())
    root = tree.root
    assert isinstance(root, Chance)
    assert [(a, p) for a, p, _ in root.outcomes] == [("heads", 1 / 3), ("tails", 2 / 3)]
    bob = [c.children[j] for _, _, c in root.outcomes for j in range(2)]
    assert all(isinstance(b, Decision) and b.player == 1 for b in bob)
    assert len({b.infoset for b in bob}) == 1
    game = tree.compile()
    assert game.num_infosets == 3
    np.testing.assert_allclose(
        expected_values(game, TabularPolicy.uniform(game)),
        [float(x) for x in _uniform_payoffs(gbt, g)],
    )


# ---------------------------------------------------------------------------
# OpenSpiel
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "infosets", "ours"),
    [("kuhn_poker", 12, kuhn_poker), ("leduc_poker", 936, leduc_poker)],
)
def test_openspiel_conversion_matches_openspiel_and_our_builders(pyspiel, name, infosets, ours):
    from open_spiel.python import policy as os_policy
    from open_spiel.python.algorithms import exploitability as os_expl

    from cooplab.games.openspiel_convert import from_openspiel

    os_game = pyspiel.load_game(name)
    converted = from_openspiel(os_game)
    built = ours()
    assert converted.num_infosets == built.num_infosets == infosets
    assert converted.num_nodes == built.num_nodes
    assert converted.num_terminals == built.num_terminals
    expected = os_expl.nash_conv(os_game, os_policy.UniformRandomPolicy(os_game))
    np.testing.assert_allclose(expected, UNIFORM_NASH_CONV[name], atol=1e-6)
    for game in (converted, built):
        np.testing.assert_allclose(
            nash_conv(game, TabularPolicy.uniform(game)), UNIFORM_NASH_CONV[name], atol=1e-6
        )


@pytest.mark.parametrize(
    "name",
    ["liars_dice(dice_sides=3)", "goofspiel(num_cards=3,imp_info=True)", "kuhn_poker(players=3)"],
)
def test_uniform_expected_returns_agree_with_openspiel(pyspiel, name):
    from open_spiel.python import policy as os_policy
    from open_spiel.python.algorithms import expected_game_score

    from cooplab.games.openspiel_convert import from_openspiel

    os_game = pyspiel.load_game(name)
    game = from_openspiel(os_game)
    if os_game.get_type().dynamics == pyspiel.GameType.Dynamics.SIMULTANEOUS:
        os_game = pyspiel.convert_to_turn_based(os_game)
    uniform = os_policy.UniformRandomPolicy(os_game)
    theirs = expected_game_score.policy_value(
        os_game.new_initial_state(), [uniform] * os_game.num_players()
    )
    np.testing.assert_allclose(
        expected_values(game, TabularPolicy.uniform(game)), theirs, atol=1e-9
    )


def test_openspiel_conversion_refuses_bad_input(pyspiel):
    from cooplab.games.openspiel_convert import from_openspiel

    with pytest.raises(ValueError, match="OpenSpiel cannot load game 'no_such_game'"):
        from_openspiel("no_such_game")
    with pytest.raises(TypeError, match=r"pyspiel\.Game or a game name"):
        from_openspiel(42)
    with pytest.raises(ValueError, match="more than 100 nodes"):
        from_openspiel("leduc_poker", max_nodes=100)


def test_mccfr_on_converted_kuhn_is_no_worse_than_openspiel_external_sampling(pyspiel):
    """ES-MCCFR after 5,000 iterations, exploitability by OpenSpiel on both policies."""
    from open_spiel.python import policy as os_policy
    from open_spiel.python.algorithms import exploitability as os_expl
    from open_spiel.python.algorithms import external_sampling_mccfr as os_es

    from cooplab.cfr.mccfr import ExternalSamplingMCCFR
    from cooplab.games.openspiel_convert import from_openspiel

    os_game = pyspiel.load_game("kuhn_poker")
    game = from_openspiel(os_game)
    ours = ExternalSamplingMCCFR(game, rng=0).run(5_000).average_policy()
    tab = os_policy.TabularPolicy(os_game)
    for key, row in tab.state_lookup.items():
        legal = np.flatnonzero(tab.legal_actions_mask[row])
        player = 0 if row < len(tab.states_per_player[0]) else 1
        tab.action_probability_array[row] = 0.0
        tab.action_probability_array[row, legal] = ours.probs[
            game.infoset_index(key, player), : len(legal)
        ]
    # OpenSpiel's sampler draws from numpy's global state: seed it, then restore it.
    saved = np.random.get_state()  # noqa: NPY002 - the peer offers no generator argument
    np.random.seed(0)  # noqa: NPY002 - as above
    try:
        solver = os_es.ExternalSamplingSolver(os_game, os_es.AverageType.SIMPLE)
        for _ in range(5_000):
            solver.iteration()
    finally:
        np.random.set_state(saved)  # noqa: NPY002 - as above
    theirs = os_expl.exploitability(os_game, solver.average_policy())
    mine = os_expl.exploitability(os_game, tab)
    # Both are noisy; ours must be in the same range (no worse than twice theirs + 0.005).
    assert mine <= 2 * theirs + 0.005, (mine, theirs)
