"""Extensive-form games: compiling trees to arrays, validation, rules, catalog."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.games.extensive import (
    CHANCE,
    TERMINAL,
    Chance,
    Decision,
    ExtensiveGame,
    Node,
    Terminal,
    compile_tree,
    from_rules,
)
from cooplab.games.extensive_catalog import (
    EXTENSIVE_GAMES,
    goofspiel,
    liars_dice,
    make_extensive,
    matrix_game,
)
from cooplab.games.poker import kuhn_poker, leduc_poker


def leaf(a: float, b: float = 0.0) -> Terminal:
    return Terminal((a, b))


def small_tree() -> Node:
    # Chance deals h/t; player 0 moves knowing it; player 1 moves not knowing either.
    p1 = ("x", "y")

    def after(c: str) -> Decision:
        kids = tuple(Decision(1, "P1", p1, (leaf(1.0, -1.0), leaf(-2.0, 2.0))) for _ in ("L", "R"))
        return Decision(0, f"P0:{c}", ("L", "R"), kids)

    return Chance((("h", 0.25, after("h")), ("t", 0.75, after("t"))))


def test_compile_arrays_are_consistent() -> None:
    g = compile_tree(small_tree(), num_players=2, name="small")
    assert isinstance(g, ExtensiveGame)
    assert (g.num_nodes, g.num_infosets, g.num_terminals) == (1 + 2 + 4 + 8, 3, 8)
    assert g.player[0] == CHANCE
    assert np.all(g.player[g.terminals] == TERMINAL)
    # Breadth-first: depth non-decreasing, parents before children, children contiguous.
    assert np.all(np.diff(g.depth) >= 0)
    assert np.all(g.parent[1:] < np.arange(1, g.num_nodes))
    for n in range(g.num_nodes):
        for k, c in enumerate(g.children(n)):
            assert g.parent[c] == n and g.action[c] == k
    np.testing.assert_allclose(g.chance_prob[list(g.children(0))], [0.25, 0.75])
    assert g.infoset_keys == ("P0:h", "P0:t", "P1")
    assert g.history(int(g.terminals[-1])) == ("t", "R", "y")
    assert g.perfect_recall
    assert g.infoset_own_depth.tolist() == [0, 0, 0]
    assert g.legal_mask.all()


def test_to_tree_round_trips() -> None:
    tree = small_tree()
    assert compile_tree(tree, num_players=2).to_tree() == tree
    k = kuhn_poker()
    again = compile_tree(k.to_tree(), num_players=2)
    np.testing.assert_array_equal(again.utility, k.utility)
    assert again.infoset_keys == k.infoset_keys


def test_rejects_infoset_with_different_actions_naming_history() -> None:
    tree = Decision(
        0,
        "r",
        ("a", "b"),
        (
            Decision(1, "s", ("x", "y"), (leaf(0), leaf(0))),
            Decision(1, "s", ("x", "z"), (leaf(0), leaf(0))),
        ),
    )
    with pytest.raises(ValueError, match=r"information set 's'.*history \('b'\)"):
        compile_tree(tree, num_players=2)


def test_rejects_bad_chance_probabilities_naming_history() -> None:
    bad = Decision(0, "r", ("go",), (Chance((("u", 0.5, leaf(0)), ("v", 0.6, leaf(0)))),))
    with pytest.raises(ValueError, match=r"at history \('go'\) sum to 1.1"):
        compile_tree(bad, num_players=2)
    neg = Chance((("u", 1.5, leaf(0)), ("v", -0.5, leaf(0))))
    with pytest.raises(ValueError, match="negative"):
        compile_tree(neg, num_players=2)


def test_rejects_player_out_of_range_and_bad_payoffs() -> None:
    tree = Chance((("u", 1.0, Decision(3, "k", ("a",), (leaf(0),))),))
    with pytest.raises(ValueError, match=r"player 3, not in 0..1.*|history \('u'\).*player 3"):
        compile_tree(tree, num_players=2)
    with pytest.raises(ValueError, match="expected 2 numbers"):
        compile_tree(Terminal((1.0,)), num_players=2)
    with pytest.raises(ValueError, match="non-finite"):
        compile_tree(Terminal((float("nan"), 0.0)), num_players=2)
    with pytest.raises(ValueError, match="2 actions but 1 children"):
        compile_tree(Decision(0, "r", ("a", "b"), (leaf(0),)), num_players=2)
    with pytest.raises(TypeError, match="not Terminal"):
        compile_tree("root", num_players=2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="num_players"):
        compile_tree(leaf(0), num_players=0)


def test_refuses_too_large_with_size_and_mccfr_pointer() -> None:
    with pytest.raises(ValueError, match=r"more than 100 nodes.*Monte Carlo CFR"):
        compile_tree(leduc_poker().to_tree(), num_players=2, max_nodes=100)
    with pytest.raises(ValueError, match=r"more than 30 nodes.*mccfr"):
        from_rules(_CountRules(), max_nodes=30)


class _CountRules:
    """A long chain: each player in turn says 'go' or 'stop', 20 moves at most."""

    num_players = 2

    def initial_state(self) -> str:
        return ""

    def is_terminal(self, s: str) -> bool:
        return s.endswith("s") or len(s) == 20

    def returns(self, s: str) -> tuple[float, float]:
        return (float(len(s)), -float(len(s)))

    def current_player(self, s: str) -> int:
        return len(s) % 2

    def chance_outcomes(self, s: str) -> list[tuple[str, float]]:
        return []

    def legal_actions(self, s: str) -> list[str]:
        return ["g", "s"]

    def apply(self, s: str, a: str) -> str:
        return s + a

    def infoset_key(self, s: str, player: int) -> str:
        return s


def test_from_rules_expands_and_memo_gives_same_game() -> None:
    g = from_rules(_CountRules(), name="chain")
    assert g.num_terminals == 21 and g.max_depth == 20
    h = from_rules(_CountRules(), name="chain", memo=lambda s: s)
    np.testing.assert_array_equal(g.utility, h.utility)


def test_imperfect_recall_is_detected() -> None:
    # Player 0 moves, then moves again forgetting the first move (absent-minded driver style).
    tree = Decision(
        0,
        "a",
        ("l", "r"),
        tuple(Decision(0, "b", ("x", "y"), (leaf(1), leaf(0))) for _ in range(2)),
    )
    assert not compile_tree(tree, num_players=2).perfect_recall


def test_catalog_sizes_match_openspiel_counts() -> None:
    # OpenSpiel's kuhn_poker: 58 histories, 12 information states; leduc_poker: 9,457 and 936
    # (Lanctot et al. 2019; the counts of open_spiel's tabular policies).
    k, led = kuhn_poker(), leduc_poker()
    assert (k.num_nodes, k.num_infosets) == (58, 12)
    assert (led.num_nodes, led.num_infosets) == (9457, 936)
    assert led.max_actions == 3 and k.max_actions == 2
    assert k.infoset_keys[:3] == ("J|", "Q|", "K|")
    assert led.perfect_recall and k.perfect_recall


@pytest.mark.slow
def test_liars_dice_one_die_size() -> None:
    # One die of six sides each: 24,576 information sets (OpenSpiel's liars_dice; Lisý et al. 2015).
    g = liars_dice()
    assert (g.num_nodes, g.num_infosets) == (294883, 24576)
    assert g.infoset_actions[g.infoset_index("3|", 0)][:2] == ("1-1", "1-2")


def test_small_liars_dice_and_goofspiel() -> None:
    g = liars_dice(1, 2)  # two-sided dice: bids 1-1 1-2 2-1 2-2, then Liar
    assert g.num_infosets == 2 * 2**4
    gs = goofspiel(4, "descending")
    # The fourth turn is forced, so three turns of 4x4, 3x3, 2x2 bids: 576 outcomes (as OpenSpiel).
    assert gs.num_terminals == 576
    assert goofspiel(3).num_terminals == 3 * 2 * 36 * 1  # point orders x bids in two free turns
    with pytest.raises(ValueError, match="points_order"):
        goofspiel(4, "sideways")
    with pytest.raises(ValueError, match=r"cards must be in 2\.\.5"):
        goofspiel(9)


def test_matrix_game_hides_the_first_move() -> None:
    g = matrix_game("matching-pennies")
    assert g.num_infosets == 2
    assert g.infoset_player.tolist() == [0, 1]
    with pytest.raises(TypeError, match="NormalFormGame"):
        matrix_game(3)  # type: ignore[arg-type]


def test_registry() -> None:
    assert [s.name for s in EXTENSIVE_GAMES] == [
        "kuhn_poker",
        "leduc_poker",
        "liars_dice",
        "goofspiel",
        "matrix",
    ]
    assert make_extensive("kuhn_poker").num_infosets == 12
    assert make_extensive("matrix", game="prisoners-dilemma").num_terminals == 4
    with pytest.raises(KeyError, match="known: kuhn_poker"):
        make_extensive("chess")
    with pytest.raises(TypeError, match="goofspiel"):
        make_extensive("goofspiel", colour="red")


@st.composite
def random_trees(draw: st.DrawFn, depth: int = 3) -> Node:
    kind = draw(st.sampled_from(["t", "c", "d"]) if depth > 0 else st.just("t"))
    if kind == "t":
        return Terminal(tuple(draw(st.lists(st.integers(-5, 5), min_size=2, max_size=2))))
    n = draw(st.integers(1, 3))
    kids = tuple(draw(random_trees(depth - 1)) for _ in range(n))
    if kind == "c":
        w = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
        return Chance(tuple((f"o{k}", w[k] / sum(w), kids[k]) for k in range(n)))
    # Unique keys per node: perfect recall holds trivially.
    key = draw(st.uuids()).hex
    return Decision(draw(st.integers(0, 1)), key, tuple(f"a{k}" for k in range(n)), kids)


@given(random_trees())
def test_random_trees_compile_and_round_trip(tree: Node) -> None:
    g = compile_tree(tree, num_players=2)
    back = g.to_tree()
    again = compile_tree(back, num_players=2)
    np.testing.assert_allclose(again.utility, g.utility)
    np.testing.assert_array_equal(again.parent, g.parent)
    assert g.num_terminals == int(np.sum(g.num_children == 0))
    assert g.level_starts[-1] == g.num_nodes
