"""Gambit ``.efg`` files: hand-written files, round trips, errors with their positions."""

from __future__ import annotations

import io
import pickle
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.games.extensive import Chance, Decision, Node, Terminal
from cooplab.games.gambit_efg import (
    EfgFormatError,
    EfgTree,
    parse_efg,
    parse_efg_tree,
    read_efg,
    read_efg_tree,
    write_efg,
)

# A bluffing game in the shape of the Gambit documentation's sample (e01.efg):
# chance deals high or low, player 1 bets or folds, player 2 calls or passes
# without seeing the card. Outcomes 2 and 3 are reused by number alone, and
# the second node of player 2's information set leaves out its actions.
BLUFF = """EFG 2 R "A bluff" { "Bettor" "Caller" }
"a comment
over two lines"

c "deal" 1 "" { "high" 1/2 "low" 0.5 } 0
p "" 1 1 "H" { "bet" "fold" } 0
p "" 2 1 "" { "call" "pass" } 0
t "" 1 "win big" { 2, -2 }
t "" 2 "win" { 1 -1 }
t "" 3 "lose" { -1, 1 }
p "" 1 2 "L" { "bet" "fold" } 0
p "" 2 1 { "call" "pass" } 0
t "" 3
t "" 2 "win"
t "" 3
"""


def _error(text: str, source: str = "game.efg") -> EfgFormatError:
    with pytest.raises(EfgFormatError) as info:
        parse_efg_tree(text, source=source)
    return info.value


def _terminals(node: Node) -> list[tuple[float, ...]]:
    if isinstance(node, Terminal):
        return [node.payoffs]
    if isinstance(node, Chance):
        return [p for _, _, c in node.outcomes for p in _terminals(c)]
    return [p for c in node.children for p in _terminals(c)]


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
def test_reads_the_bluff():
    tree = parse_efg_tree(BLUFF)
    assert tree.title == "A bluff"
    assert tree.player_names == ("Bettor", "Caller")
    assert tree.comment == "a comment\nover two lines"
    assert tree.num_players == 2
    root = tree.root
    assert isinstance(root, Chance)
    assert [(a, p) for a, p, _ in root.outcomes] == [("high", 0.5), ("low", 0.5)]
    high, low = (c for _, _, c in root.outcomes)
    assert isinstance(high, Decision) and isinstance(low, Decision)
    # Players count from 0 in cooplab; named information sets keep their names.
    assert (high.player, high.infoset, high.actions) == (0, "H", ("bet", "fold"))
    assert (low.player, low.infoset) == (0, "L")
    call_h, call_l = high.children[0], low.children[0]
    assert isinstance(call_h, Decision) and isinstance(call_l, Decision)
    # Player 2's set has no name: keyed by its number, the same at both nodes.
    assert call_h.infoset == call_l.infoset == "1"
    assert call_l.actions == ("call", "pass")
    assert _terminals(root) == [(2, -2), (1, -1), (-1, 1), (-1, 1), (1, -1), (-1, 1)]


def test_outcomes_on_inner_nodes_pay_every_play_below():
    text = """EFG 2 R "fees" { "A" "B" }
    p "" 1 1 "" { "x" "y" } 1 "fee" { -1/2 1/2 }
    c "" 1 "" { "h" 0.25 "t" 0.75 } 2 "" { 10 0 }
    t "" 3 "" { 1 1 }
    t "" 0
    t "" 3
    """
    tree = parse_efg_tree(text)
    assert _terminals(tree.root) == [(10.5, 1.5), (9.5, 0.5), (0.5, 1.5)]


def test_repeated_and_empty_action_names_are_made_distinct_as_gambit_does():
    text = 'EFG 2 R "" { "A" } p "" 1 1 "" { "" "x" "x" } 0 t "" 0 t "" 0 t "" 0'
    assert parse_efg_tree(text).root.actions == ("_1", "x_1", "x_2")


def test_infoset_names_shared_by_two_sets_fall_back_to_numbers():
    text = """EFG 2 R "" { "A" }
    p "" 1 1 "same" { "a" } 0
    p "" 1 2 "same" { "b" } 0
    t "" 0
    """
    root = parse_efg_tree(text).root
    assert root.infoset == "1" and root.children[0].infoset == "2"


def test_read_from_path_file_and_bytes(tmp_path):
    path = tmp_path / "bluff.efg"
    path.write_text(BLUFF, encoding="utf-8")
    expected = parse_efg_tree(BLUFF)
    assert read_efg_tree(path) == read_efg_tree(str(path)) == expected
    assert read_efg_tree(io.StringIO(BLUFF)) == expected
    assert read_efg_tree(io.BytesIO(b"\xef\xbb\xbf" + BLUFF.encode())) == expected
    with pytest.raises(TypeError, match="path or an open file"):
        read_efg_tree(3.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="as a str"):
        parse_efg_tree(b"EFG")  # type: ignore[arg-type]


def test_errors_name_the_file_and_the_source_of_the_error_in_the_file(tmp_path):
    path = tmp_path / "bad.efg"
    path.write_text('EFG 2 R "x" { "A" }\np "" 1 1 "" { "a" "b" } 0\nt "" 0\n', encoding="utf-8")
    with pytest.raises(EfgFormatError) as info:
        read_efg_tree(path)
    err = info.value
    # The second subtree of the decision on line 2 is missing: the error points at the end.
    assert str(err).startswith(f"{path}:3:7: expected node 2 of the 2 below the decision node")
    assert "line 2, column 1" in str(err)
    assert (err.line, err.column) == (3, 7)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("", "1:1", "empty file"),
        ('NFG 1 R "x" { "A" } { 1 } 0', "1:1", "normal-form game"),
        ('EFG 1 R "x"', "1:5", "expected version 2"),
        ('EFG 2 Q "x"', "1:7", "'R' (rational) or 'D'"),
        ('EFG 2 R "x" { "A" }\nq "" 0', "2:1", "expected a node: 'c' (chance), 'p'"),
        ('EFG 2 R "x" { "A" }\np "" 3 1 "" { "a" } 0\nt "" 0', "2:6", "player 3 is out of range"),
        ('EFG 2 R "x" { "A" }\np "" 0 1 "" { "a" } 0\nt "" 0', "2:6", "at least 1"),
        ('EFG 2 R "x" { "A" }\np "" 1 1 "" { } 0', "2:13", "has no actions"),
        (
            'EFG 2 R "x" { "A" }\nc "" 1 "" { "h" 1/2 "t" 1/3 } 0\nt "" 0\nt "" 0',
            "2:11",
            "sum to 0.833333333333; expected 1",
        ),
        (
            'EFG 2 R "x" { "A" }\nc "" 1 "" { "h" 3/2 } 0\nt "" 0',
            "2:17",
            "expected a number in [0, 1]",
        ),
        ('EFG 2 R "x" { "A" }\nc "" 1 "" { "h" 1/0 } 0', "2:17", "divides by zero"),
        (
            'EFG 2 R "x" { "A" }\nc "" 1 "" { "h" "t" } 0',
            "2:17",
            "probability of chance action 'h'",
        ),
        (
            'EFG 2 R "x" { "A" }\np "" 1 1 "" { "a" "b" } 0\np "" 1 1 "" { "a" "c" } 0\nt "" 0\n'
            't "" 0\nt "" 0',
            "3:13",
            "information set 1 of player 1 ('A') was defined with actions { 'a' 'b' }",
        ),
        ('EFG 2 R "x" { "A" }\np "" 1 4 0\nt "" 0', "2:10", "used here for the first time"),
        ('EFG 2 R "x" { "A" "B" }\nt "" 1 "" { 1 }', "2:15", "outcome 1 has 1 payoff; expected 2"),
        ('EFG 2 R "x" { "A" }\nt "" 2', "2:7", "payoffs of outcome 2, which is used here"),
        ('EFG 2 R "x" { "A" }\nt "" 0 "" { 1 }', "2:11", "null outcome"),
        ('EFG 2 R "x" { "A" }\nt "" 1 "" { nan }', "2:13", "finite number"),
        ('EFG 2 R "x" { "A" }\nt "" 1 "" { 1 }\nt "" 1', "3:1", "expected the end of the file"),
        ('EFG 2 R "x" { "A" }\nt "" 1 "" { "1" }', "2:13", "payoff 1 of outcome 1, a number"),
        ('EFG 2 R "x" { "A" }\nt 1 "" { 1 }', "2:3", "node's name"),
        (
            'EFG 2 R "x" { "A" }\np "" 1 1 "" { "a" "b" } 0\nt "" 1 "" { 1 }\nt "" 1 "" { 2 }',
            "4:6",
            "outcome 1 was defined with payoffs [1.0]",
        ),
        ('EFG 2 R "x" { "A" }\np "" 1 1 "unclosed { "a" } 0', "2:24", "unterminated string"),
    ],
)
def test_malformed_files_are_refused_with_their_position(text, where, message):
    err = _error(text)
    assert str(err).startswith(f"game.efg:{where}: "), str(err)
    assert message in str(err), str(err)


def test_error_pickles_and_is_a_value_error():
    err = _error("EFG 3")
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, EfgFormatError) and isinstance(again, ValueError)
    assert (again.source, again.line, again.column, again.reason) == (
        err.source,
        err.line,
        err.column,
        err.reason,
    )


def test_a_deep_tree_does_not_exhaust_the_stack():
    depth = 5000
    text = 'EFG 2 R "chain" { "A" }\n' + 'p "" 1 1 "" { "go" } 0\n' * depth + 't "" 1 "" { 7 }\n'
    tree = parse_efg_tree(text)
    node, steps = tree.root, 0
    while isinstance(node, Decision):
        node, steps = node.children[0], steps + 1
    assert steps == depth and node == Terminal(payoffs=(7.0,))
    # The writer is iterative too (dataclass equality on such a chain is not, so compare text).
    text2 = write_efg(tree)
    assert write_efg(parse_efg_tree(text2)) == text2


# ---------------------------------------------------------------------------
# Writing and round trips
# ---------------------------------------------------------------------------
def test_bluff_round_trips_through_the_writer():
    tree = parse_efg_tree(BLUFF)
    text = write_efg(tree)
    assert text.startswith('EFG 2 R "A bluff" { "Bettor" "Caller" }\n"a comment\nover two lines"\n')
    # Outcomes are defined once and then referred to by number.
    assert text.count('"" { -1, 1 }') == 1 and 't "" 3\n' in text
    assert parse_efg_tree(text) == tree


def test_writer_checks_its_input(tmp_path):
    leaf = Terminal(payoffs=(1.0, 2.0))
    with pytest.raises(TypeError, match="needs num_players"):
        write_efg(leaf)
    with pytest.raises(ValueError, match="2 payoffs; expected 3"):
        write_efg(leaf, num_players=3)
    with pytest.raises(ValueError, match="player_names must be 2 strings"):
        write_efg(leaf, num_players=2, player_names=["only one"])
    with pytest.raises(TypeError, match="ExtensiveGame, an EfgTree or a root node"):
        write_efg("EFG 2 R")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"player 2 is not in 0\.\.1"):
        write_efg(Decision(2, "k", ("a",), (leaf,)), num_players=2)
    path = tmp_path / "leaf.efg"
    text = write_efg(leaf, path, num_players=2, title="one leaf", player_names=("X", "Y"))
    assert path.read_text(encoding="utf-8") == text
    assert read_efg_tree(path) == EfgTree(leaf, "one leaf", ("X", "Y"), "")
    buf = io.BytesIO()
    write_efg(leaf, buf, num_players=2)
    assert buf.getvalue().decode().startswith('EFG 2 R "" { "Player 1" "Player 2" }')


def _kuhn_like() -> Node:
    """A small card game with three cards, exact thirds, and information sets across deals."""
    cards = ("J", "Q", "K")
    deals = []
    for i, a in enumerate(cards):
        for j, b in enumerate(cards):
            if i == j:
                continue
            sign = 1.0 if i > j else -1.0
            bet = Decision(
                1,
                f"{b}-bet",
                ("call", "fold"),
                (Terminal((2 * sign, -2 * sign)), Terminal((1.0, -1.0))),
            )
            check = Terminal((sign, -sign))
            deals.append((f"{a}{b}", 1 / 6, Decision(0, a, ("bet", "check"), (bet, check))))
    return Chance(tuple(deals))


def test_node_tree_round_trips_with_exact_sixths():
    root = _kuhn_like()
    text = write_efg(root, num_players=2, title="Kuhn-like")
    # 1/6 is written as the fraction Gambit reads exactly, not a decimal.
    assert '"JQ" 1/6' in text
    tree = parse_efg_tree(text)
    assert tree.root == root and tree.title == "Kuhn-like"


def test_compiled_games_round_trip():
    from cooplab.games.extensive import compile_tree

    game = compile_tree(_kuhn_like(), num_players=2, name="Kuhn-like")
    text = write_efg(game)
    again = parse_efg(text)
    assert again.to_tree() == game.to_tree()
    np.testing.assert_array_equal(again.num_infosets, game.num_infosets)
    assert read_efg(io.StringIO(text)).to_tree() == game.to_tree()


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------
_PAYOFF = st.integers(-40, 40).map(lambda k: k / 4)


@st.composite
def trees(draw: st.DrawFn, num_players: int = 2, budget: int = 4) -> Node:
    """Random trees; an information set's key fixes its player and action count."""
    kind = draw(st.sampled_from(["t"] if budget == 0 else ["t", "c", "p", "p"]))
    if kind == "t":
        return Terminal(tuple(draw(_PAYOFF) for _ in range(num_players)))
    if kind == "c":
        weights = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
        total = sum(weights)
        return Chance(
            tuple(
                (f"o{k}", w / total, draw(trees(num_players, budget - 1)))
                for k, w in enumerate(weights)
            )
        )
    player = draw(st.integers(0, num_players - 1))
    j = draw(st.integers(0, 3))
    n = 1 + (j + player) % 3
    return Decision(
        player,
        f"I{j}",
        tuple(f"a{k}" for k in range(n)),
        tuple(draw(trees(num_players, budget - 1)) for _ in range(n)),
    )


@given(st.integers(1, 3).flatmap(lambda n: st.tuples(st.just(n), trees(n))))
def test_written_trees_read_back_the_same(case):
    n, root = case
    text = write_efg(root, num_players=n, title="random")
    assert parse_efg_tree(text).root == root


@given(trees(2, 3), st.data())
def test_corrupted_files_raise_only_efg_format_errors(root, data):
    text = write_efg(root, num_players=2)
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', text)
    op = data.draw(st.sampled_from(["delete", "replace", "insert", "truncate"]))
    k = data.draw(st.integers(0, len(tokens) - 1))
    junk = data.draw(
        st.sampled_from(["{", "}", ",", '"', '"x"', "0", "7", "-1", "1/0", "p", "c", "t"])
    )
    if op == "delete":
        del tokens[k]
    elif op == "replace":
        tokens[k] = junk
    elif op == "insert":
        tokens.insert(k, junk)
    else:
        tokens = tokens[:k]
    corrupted = " ".join(tokens)
    try:
        parse_efg_tree(corrupted)
    except EfgFormatError as exc:
        message = str(exc)
    else:
        return  # some corruptions are still well-formed files
    assert re.match(r"<string>:\d+:\d+: ", message), message
