"""Read and write Gambit's extensive-form game (``.efg``) files.

A ``.efg`` file is a prologue, ``EFG 2 R "title" { "Player 1" "Player 2" }``
and an optional comment (a quoted string), then the nodes of the game tree,
one per line, in depth-first preorder (a node, then the subtrees under its
actions in order)::

    EFG 2 R "A bluff" { "Bettor" "Caller" }
    ""

    c "" 1 "" { "high" 1/2 "low" 1/2 } 0
    p "" 1 1 "H" { "bet" "fold" } 0
    p "" 2 1 "" { "call" "pass" } 0
    t "" 1 "" { 2, -2 }
    t "" 2 "" { 1, -1 }
    t "" 3 "" { -1, 1 }
    p "" 1 2 "L" { "bet" "fold" } 0
    p "" 2 1 "" { "call" "pass" } 0
    t "" 3
    t "" 2
    t "" 3

Three kinds of node:

* ``c "name" infoset "infoset name" { "action" probability ... } outcome``:
  a chance node; probabilities are decimals (``0.25``) or fractions
  (``1/3``).
* ``p "name" player infoset "infoset name" { "action" ... } outcome``: a
  decision of ``player`` (numbered from 1) at information set ``infoset``
  (numbered per player from 1).
* ``t "name" outcome "outcome name" { payoff ... }``: a terminal node.

An information set's name and action list may be left out where the set has
been defined by an earlier node. ``outcome`` is a number, ``0`` for none; an
outcome's name and payoffs (one per player, commas optional) are given where
it is first used and may be left out or repeated (identically) after. An
outcome on a chance or decision node pays out to every play through it: the
reader adds it to the payoffs of every terminal node below.

:func:`parse_efg_tree` and :func:`read_efg_tree` give the tree as
:mod:`cooplab.games.extensive` nodes with the file's metadata;
:func:`parse_efg` and :func:`read_efg` compile it to an
:class:`~cooplab.games.extensive.ExtensiveGame`. :func:`write_efg` writes a
game (or a tree). A malformed file raises :class:`EfgFormatError`, which
names the file, line and column, what was expected and what was found; the
tokenizer is the ``.nfg`` reader's (:mod:`cooplab.games.gambit_io`).

References
----------
The Gambit Project, "Game representation formats: the extensive game (.efg)
file format", Gambit documentation,
https://gambitproject.readthedocs.io/en/latest/formats.html
McKelvey, R. D., McLennan, A. M. & Turocy, T. L. (2016). Gambit: Software
Tools for Game Theory, version 16. http://www.gambit-project.org
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooplab.games.gambit_io import (
    NfgFormatError,
    PathOrFile,
    _exact_formatter,
    _normalize_labels,
    _Parser,
    _plural,
    _quote,
    _Token,
)

if TYPE_CHECKING:
    from cooplab.games.extensive import ExtensiveGame, Node

__all__ = [
    "EfgFormatError",
    "EfgTree",
    "parse_efg",
    "parse_efg_tree",
    "read_efg",
    "read_efg_tree",
    "write_efg",
]

# Chance probabilities must sum to 1 within this (decimal files round them).
PROBABILITY_TOL = 1e-9


class EfgFormatError(ValueError):
    """A ``.efg`` file that does not follow Gambit's format.

    The message reads ``source:line:column: what was expected, found what``;
    the parts are also attributes.

    Attributes
    ----------
    source : str
        The file's name (or ``"<string>"``, or what the caller passed).
    line, column : int
        Where the problem is, both counted from 1.
    reason : str
        The message without the location.
    """

    def __init__(self, reason: str, *, source: str, line: int, column: int) -> None:
        super().__init__(f"{source}:{line}:{column}: {reason}")
        self.reason = reason
        self.source = source
        self.line = line
        self.column = column

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments: pickle needs to be told how to rebuild it.
        return (_rebuild_error, (self.reason, self.source, self.line, self.column))


def _rebuild_error(reason: str, source: str, line: int, column: int) -> EfgFormatError:
    return EfgFormatError(reason, source=source, line=line, column=column)


@dataclass(frozen=True)
class EfgTree:
    """A ``.efg`` file read as a tree of :mod:`cooplab.games.extensive` nodes.

    Attributes
    ----------
    root : Node
        The tree; a decision node's ``player`` counts from 0 (the file's
        player 1 is 0), its ``infoset`` key is the information set's name in
        the file when the name is non-empty and names no other set of that
        player, else its number (``"3"``). Outcomes on inner nodes are added
        into the terminal payoffs below them.
    title : str
        The file's title.
    player_names : tuple[str, ...]
        One per player.
    comment : str
        The optional comment ("" when there is none).
    """

    root: Node
    title: str
    player_names: tuple[str, ...]
    comment: str = ""

    @property
    def num_players(self) -> int:
        """The number of players."""
        return len(self.player_names)

    def compile(self) -> ExtensiveGame:
        """The tree compiled to arrays (:func:`cooplab.games.extensive.compile_tree`)."""
        from cooplab.games.extensive import compile_tree

        return compile_tree(self.root, num_players=self.num_players, name=self.title)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
@dataclass
class _Infoset:
    """An information set as the file defines it (player 0 is chance)."""

    player: int
    number: int
    name: str
    actions: tuple[str, ...]
    probs: tuple[float, ...]  # chance only
    at: int  # the token that defined it


@dataclass
class _Raw:
    """A node as read, before the tree is built bottom-up."""

    kind: str  # "c", "p" or "t"
    infoset: _Infoset | None
    payoffs: tuple[float, ...] | None  # its outcome's payoffs (None: no outcome)
    at: int
    children: list[_Raw]


class _EfgParser(_Parser):
    """Recursive descent over the ``.nfg`` reader's tokens, for the ``.efg`` grammar."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text, source)
        self.outcomes: dict[int, tuple[str, tuple[float, ...]]] = {}
        self.infosets: dict[tuple[int, int], _Infoset] = {}

    def error_at(self, index: int, reason: str) -> EfgFormatError:  # type: ignore[override]
        located: NfgFormatError = super().error_at(index, reason)
        return EfgFormatError(
            reason, source=located.source, line=located.line, column=located.column
        )

    # -- the prologue --------------------------------------------------------
    def efg_header(self) -> tuple[str, list[str], str]:
        token = self.next()
        if token.kind == "eof":
            raise self.error_at(
                0, "empty file: expected a Gambit extensive-form game, which starts with 'EFG 2 R'"
            )
        if token.kind != "word" or token.text != "EFG":
            if token.text == "NFG":
                raise self.error_at(
                    token.at,
                    "this is a Gambit normal-form game (NFG); expected an extensive-form game, "
                    "which starts with 'EFG 2 R' (read it with cooplab.games.gambit_io.read_nfg)",
                )
            raise self.error(
                token, "expected the header 'EFG 2 R' that starts a Gambit extensive-form game file"
            )
        token = self.next()
        if token.kind != "word" or token.text != "2":
            raise self.error(
                token, "expected version 2 after 'EFG' ('EFG 2 R'; Gambit reads no other)"
            )
        token = self.next()
        if token.kind != "word" or token.text not in ("R", "D"):
            raise self.error(
                token, "expected the number type 'R' (rational) or 'D' (decimal) after 'EFG 2'"
            )
        title = self.string(
            self.expect(
                "string", f"expected the game title (a quoted string) after 'EFG 2 {token.text}'"
            )
        )
        players = self.players()
        comment = self.string(self.next()) if self.peek().kind == "string" else ""
        return title, players, comment

    # -- nodes ---------------------------------------------------------------
    def count(self, what: str, *, allow_zero: bool) -> tuple[int, _Token]:
        token = self.next()
        text = token.text
        if token.kind != "word" or not text.isascii() or not text.isdigit():
            raise self.error(token, f"expected {what}, a non-negative integer")
        value = int(text) if len(text) < 19 else 10**18
        if value == 0 and not allow_zero:
            raise self.error_at(token.at, f"{what} must be at least 1, found '0'")
        return value, token

    def node_name(self, kind: str) -> None:
        self.expect(
            "string", f"expected the node's name (a quoted string, may be \"\") after '{kind}'"
        )

    def infoset(self, player: int, n_players: int, who: str) -> _Infoset:
        number, token = self.count(f"the information set number of {who}", allow_zero=False)
        name = self.string(self.next()) if self.peek().kind == "string" else None
        key = (player, number)
        known = self.infosets.get(key)
        if self.peek().kind == "{":
            start = self.peek().at
            actions, probs = self.action_list(player, who, number)
            if known is not None:
                if actions != known.actions or (player == 0 and probs != known.probs):
                    what = "actions and probabilities" if player == 0 else "actions"
                    raise self.error_at(
                        start,
                        f"information set {number} of {who} was defined with {what} "
                        f"{self.show(known)}; here it has {self.show_new(actions, probs, player)} "
                        "(every node of an information set offers the same actions)",
                    )
                return known
            info = _Infoset(player, number, name or "", actions, probs, token.at)
            self.infosets[key] = info
            return info
        if known is None:
            raise self.error(
                self.peek(),
                f"expected '{{' opening the action list of information set {number} of {who}, "
                "which is used here for the first time",
            )
        return known

    @staticmethod
    def show_new(actions: tuple[str, ...], probs: tuple[float, ...], player: int) -> str:
        if player == 0:
            return (
                "{ " + " ".join(f"{a!r} {p:g}" for a, p in zip(actions, probs, strict=True)) + " }"
            )
        return "{ " + " ".join(repr(a) for a in actions) + " }"

    def show(self, info: _Infoset) -> str:
        return self.show_new(info.actions, info.probs, info.player)

    def action_list(
        self, player: int, who: str, number: int
    ) -> tuple[tuple[str, ...], tuple[float, ...]]:
        open_token = self.expect("{", "expected '{' opening the action list")
        actions: list[str] = []
        probs: list[float] = []
        where = f"information set {number} of {who}"
        while True:
            token = self.next()
            if token.kind == "}":
                break
            if token.kind != "string":
                expected = f"expected an action name (a quoted string) or '}}' closing the actions of {where}"
                if player == 0 and actions:
                    expected = (
                        f"expected the next chance action's name (a quoted string) or '}}' closing "
                        f"the actions of {where}"
                    )
                raise self.error(token, expected)
            actions.append(self.string(token))
            if player == 0:
                token = self.next()
                if token.kind != "word":
                    raise self.error(
                        token,
                        f"expected the probability of chance action {actions[-1]!r} (a number "
                        "such as 1/2 or 0.25)",
                    )
                p = self.number(token, f"the probability of chance action {actions[-1]!r}")
                if not 0.0 <= p <= 1.0:
                    raise self.error_at(
                        token.at,
                        f"the probability of chance action {actions[-1]!r} is {token.text}; "
                        "expected a number in [0, 1]",
                    )
                probs.append(p)
        if not actions:
            raise self.error_at(open_token.at, f"{where} has no actions; expected at least one")
        if player == 0:
            total = math.fsum(probs)
            if abs(total - 1.0) > PROBABILITY_TOL:
                raise self.error_at(
                    open_token.at,
                    f"the chance probabilities of {where} sum to {total:.12g}; expected 1",
                )
        return tuple(_normalize_labels(actions)), tuple(probs)

    def outcome(self, n_players: int, *, required: bool) -> tuple[float, ...] | None:
        """The node's outcome number (and, optionally, the outcome's definition)."""
        token = self.peek()
        if token.kind != "word":
            if required:
                raise self.error(token, "expected the terminal node's outcome number (0 for none)")
            raise self.error(token, "expected the node's outcome number (0 for none)")
        number, token = self.count("the outcome number", allow_zero=True)
        name: str | None = None
        if self.peek().kind == "string":
            name = self.string(self.next())
        payoffs: tuple[float, ...] | None = None
        if self.peek().kind == "{":
            if number == 0:
                raise self.error_at(
                    self.peek().at, "outcome 0 is the null outcome and cannot be given payoffs"
                )
            payoffs = self.payoffs(number, n_players)
        if number == 0:
            return None
        known = self.outcomes.get(number)
        if known is None:
            if payoffs is None:
                raise self.error(
                    self.peek(),
                    f"expected '{{' opening the payoffs of outcome {number}, which is used here "
                    "for the first time",
                )
            self.outcomes[number] = (name or "", payoffs)
            return payoffs
        if payoffs is not None and payoffs != known[1]:
            raise self.error_at(
                token.at,
                f"outcome {number} was defined with payoffs {list(known[1])}; here it has "
                f"{list(payoffs)}",
            )
        return known[1]

    def payoffs(self, number: int, n: int) -> tuple[float, ...]:
        self.expect("{", f"expected '{{' opening the payoffs of outcome {number}")
        out: list[float] = []
        comma_ok = False
        while (token := self.next()).kind != "}":
            if token.kind == "," and comma_ok:
                comma_ok = False
                continue
            if token.kind == "word" and len(out) < n:
                out.append(self.number(token, f"payoff {len(out) + 1} of outcome {number}"))
                comma_ok = True
                continue
            if len(out) == n:
                raise self.error(
                    token,
                    f"expected '}}' closing outcome {number} after its {_plural(n, 'payoff')} "
                    "(one per player)",
                )
            raise self.error(token, f"expected payoff {len(out) + 1} of outcome {number}, a number")
        if len(out) < n:
            raise self.error_at(
                token.at,
                f"outcome {number} has {_plural(len(out), 'payoff')}; expected {n} (one per player)",
            )
        return tuple(out)

    def node(self, n_players: int, players: list[str]) -> _Raw:
        token = self.next()
        if token.kind != "word" or token.text not in ("c", "p", "t"):
            raise self.error(
                token,
                "expected a node: 'c' (chance), 'p' (a player's decision) or 't' (terminal)",
            )
        kind = token.text
        self.node_name(kind)
        if kind == "t":
            payoffs = self.outcome(n_players, required=True)
            return _Raw("t", None, payoffs, token.at, [])
        if kind == "c":
            info = self.infoset(0, n_players, "chance")
        else:
            player, ptoken = self.count("the player number", allow_zero=False)
            if player > n_players:
                raise self.error_at(
                    ptoken.at,
                    f"player {ptoken.text} is out of range: the file has "
                    f"{_plural(n_players, 'player')} (numbered from 1)",
                )
            who = f"player {player} ({players[player - 1]!r})"
            info = self.infoset(player, n_players, who)
        payoffs = self.outcome(n_players, required=False)
        return _Raw(kind, info, payoffs, token.at, [])

    def tree(self, n_players: int, players: list[str]) -> _Raw:
        # Preorder, iteratively: a deep file must not exhaust Python's stack.
        root = self.node(n_players, players)
        stack = [root] if root.kind != "t" else []
        while stack:
            top = stack[-1]
            assert top.infoset is not None  # only inner nodes are stacked
            if len(top.children) == len(top.infoset.actions):
                stack.pop()
                continue
            if self.peek().kind == "eof":
                k = len(top.infoset.actions)
                raise self.error(
                    self.peek(),
                    f"expected node {len(top.children) + 1} of the {k} below the "
                    f"{'chance' if top.kind == 'c' else 'decision'} node at "
                    f"{self.location(top.at)} (one subtree per action)",
                )
            child = self.node(n_players, players)
            top.children.append(child)
            if child.kind != "t":
                stack.append(child)
        token = self.next()
        if token.kind != "eof":
            raise self.error(token, "expected the end of the file after the last node of the tree")
        return root

    def location(self, index: int) -> str:
        err = self.error_at(index, "")
        return f"line {err.line}, column {err.column}"


def _infoset_keys(infosets: list[_Infoset]) -> dict[tuple[int, int], str]:
    """Per (player, number), the key: the name where it is non-empty and unique, else the number."""
    by_name: dict[tuple[int, str], int] = {}
    for info in infosets:
        by_name[(info.player, info.name)] = by_name.get((info.player, info.name), 0) + 1
    used = {(i.player, i.name) for i in infosets if i.name and by_name[(i.player, i.name)] == 1}
    keys = {}
    for info in infosets:
        if (info.player, info.name) in used:
            keys[(info.player, info.number)] = info.name
        else:
            key = str(info.number)
            # A number that another set of this player has as its name.
            while (info.player, key) in used:
                key = "#" + key
            keys[(info.player, info.number)] = key
    return keys


def _build(root: _Raw, n_players: int, keys: dict[tuple[int, int], str]) -> Node:
    """The nodes, bottom-up, with inner outcomes added into the terminal payoffs."""
    from cooplab.games.extensive import Chance, Decision, Terminal

    zero = (0.0,) * n_players
    built: dict[int, Node] = {}
    # (raw node, payoffs accrued above it, children done?)
    stack: list[tuple[_Raw, tuple[float, ...], bool]] = [(root, zero, False)]
    while stack:
        raw, above, done = stack.pop()
        accrued = (
            above
            if raw.payoffs is None
            else tuple(a + b for a, b in zip(above, raw.payoffs, strict=True))
        )
        if raw.kind == "t":
            built[id(raw)] = Terminal(payoffs=accrued)
            continue
        if not done:
            stack.append((raw, above, True))
            stack.extend((c, accrued, False) for c in reversed(raw.children))
            continue
        info = raw.infoset
        assert info is not None
        children = tuple(built.pop(id(c)) for c in raw.children)
        if raw.kind == "c":
            built[id(raw)] = Chance(
                outcomes=tuple(zip(info.actions, info.probs, children, strict=True))
            )
        else:
            built[id(raw)] = Decision(
                player=info.player - 1,
                infoset=keys[(info.player, info.number)],
                actions=info.actions,
                children=children,
            )
    return built[id(root)]


def parse_efg_tree(text: str, *, source: str = "<string>") -> EfgTree:
    """The tree and metadata of a Gambit ``.efg`` file's text.

    Parameters
    ----------
    text : str
        The file's contents.
    source : str, optional
        The name used in error messages.

    Returns
    -------
    EfgTree
        The root node, title, player names and comment. Empty or repeated
        action names in an information set are made distinct as Gambit does
        (``""`` becomes ``"_1"``); numbers are the floats nearest the numbers
        written.

    Raises
    ------
    EfgFormatError
        When the text is not a well-formed ``.efg`` file, including an
        information set defined twice with different actions, a player
        number out of range, chance probabilities outside [0, 1] or not
        summing to 1, and an outcome used before its payoffs are given: the
        message gives ``source:line:column``, what was expected and what was
        found.

    Examples
    --------
    >>> tree = parse_efg_tree('''EFG 2 R "Coin" { "A" "B" }
    ... c "" 1 "" { "H" 1/2 "T" 1/2 } 0
    ... t "" 1 "" { 1 -1 }
    ... t "" 2 "" { -1 1 }''')
    >>> tree.title, tree.player_names, tree.root.outcomes[0][:2]
    ('Coin', ('A', 'B'), ('H', 0.5))
    >>> parse_efg_tree('EFG 2 R "x" { "A" } p "" 2 1 "" { "a" } 0 t "" 0', source="x.efg")
    Traceback (most recent call last):
    ...
    cooplab.games.gambit_efg.EfgFormatError: x.efg:1:26: player 2 is out of range: the file has 1 player (numbered from 1)
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_efg_tree needs the file's text as a str; got {type(text).__name__}")
    if text.startswith("\ufeff"):  # a byte-order mark is not whitespace to the tokenizer
        text = " " + text[1:]
    parser = _EfgParser(text, str(source))
    title, players, comment = parser.efg_header()
    n = len(players)
    raw = parser.tree(n, players)
    infosets = [i for i in parser.infosets.values() if i.player > 0]
    root = _build(raw, n, _infoset_keys(infosets))
    return EfgTree(
        root=root, title=title, player_names=tuple(_normalize_labels(players)), comment=comment
    )


def parse_efg(text: str, *, source: str = "<string>") -> ExtensiveGame:
    """A compiled game from the text of a Gambit ``.efg`` file.

    The same as ``parse_efg_tree(text, source=source).compile()``; see
    :func:`parse_efg_tree` for what is read and what is refused.
    """
    return parse_efg_tree(text, source=source).compile()


def _read_text(path_or_file: PathOrFile, caller: str) -> tuple[str, str]:
    if isinstance(path_or_file, str | os.PathLike):
        source = os.fspath(path_or_file)
        data: str | bytes = Path(path_or_file).read_bytes()
    elif hasattr(path_or_file, "read"):
        source = str(getattr(path_or_file, "name", "<file>"))
        data = path_or_file.read()
    else:
        raise TypeError(
            f"{caller} needs a path or an open file; got {type(path_or_file).__name__} "
            "(use parse_efg or parse_efg_tree for the text itself)"
        )
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        try:
            data = raw.decode("utf-8-sig")
        except UnicodeDecodeError:  # older Gambit files
            data = raw.decode("latin-1")
    if not isinstance(data, str):
        raise TypeError(f"reading {source!r} gave {type(data).__name__}, not text or bytes")
    return data, source


def read_efg_tree(path_or_file: PathOrFile) -> EfgTree:
    """Read the tree and metadata of a Gambit ``.efg`` file (see :func:`parse_efg_tree`).

    Parameters
    ----------
    path_or_file : str, path-like or file object
        A path, or an open file in text or binary mode (bytes are decoded as
        UTF-8, else Latin-1).
    """
    text, source = _read_text(path_or_file, "read_efg_tree")
    return parse_efg_tree(text, source=source)


def read_efg(path_or_file: PathOrFile) -> ExtensiveGame:
    """Read a Gambit ``.efg`` file into a compiled :class:`~cooplab.games.extensive.ExtensiveGame`.

    Parameters
    ----------
    path_or_file : str, path-like or file object
        A path, or an open file in text or binary mode.

    Raises
    ------
    EfgFormatError
        When the file is malformed (``file:line:column: ...``).
    OSError
        When the file cannot be read.
    """
    text, source = _read_text(path_or_file, "read_efg")
    return parse_efg(text, source=source)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def write_efg(
    game: ExtensiveGame | EfgTree | Node,
    path_or_file: PathOrFile | None = None,
    *,
    num_players: int | None = None,
    title: str | None = None,
    player_names: tuple[str, ...] | list[str] | None = None,
) -> str:
    """Write a game as a Gambit ``.efg`` file, and return the text.

    Payoffs and chance probabilities are written exactly (the simplest
    fraction whose nearest float is the number, as the ``.nfg`` writer does),
    so reading the file back gives the same floats, and Gambit reads the
    probabilities as fractions that sum to exactly 1 when the floats are
    simple fractions. Each distinct payoff vector is one outcome, defined
    where first used and referred to by number after. Information sets are
    numbered per player in order of first appearance; their keys are written
    as their names, so a written file reads back with the same keys.

    Parameters
    ----------
    game : ExtensiveGame, EfgTree or Node
        A compiled game (written via ``game.to_tree()``), a tree read from a
        file, or a root node (then ``num_players`` is needed).
    path_or_file : str, path-like or file object, optional
        Where to write (UTF-8); ``None`` only returns the text.
    num_players : int, optional
        For a bare node: the number of players.
    title, player_names : optional
        The title and player names; by default the game's name (or the
        tree's title) and ``"Player 1"``, ``"Player 2"``, ...

    Returns
    -------
    str
        The file's text.
    """
    from cooplab.games.extensive import Chance, Decision, ExtensiveGame, Terminal

    comment = ""
    if isinstance(game, EfgTree):
        root, n = game.root, game.num_players
        title = game.title if title is None else title
        player_names = game.player_names if player_names is None else player_names
        comment = game.comment
    elif isinstance(game, ExtensiveGame):
        root, n = game.to_tree(), int(game.num_players)
        title = str(getattr(game, "name", "")) if title is None else title
    elif isinstance(game, Terminal | Chance | Decision):
        if num_players is None:
            raise TypeError("write_efg of a bare node needs num_players")
        root, n = game, num_players
    else:
        raise TypeError(
            f"write_efg needs an ExtensiveGame, an EfgTree or a root node; got {type(game).__name__}"
        )
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"num_players must be a positive integer; got {n!r}")
    names = (
        tuple(f"Player {i + 1}" for i in range(n)) if player_names is None else tuple(player_names)
    )
    if len(names) != n or not all(isinstance(s, str) for s in names):
        raise ValueError(f"player_names must be {n} strings (one per player); got {names!r}")
    fmt = _exact_formatter()
    lines = [
        f"EFG 2 R {_quote(title or '')} {{ {' '.join(_quote(s) for s in names)} }}",
        _quote(comment),
        "",
    ]
    infoset_number: dict[tuple[int, str], int] = {}
    per_player = [0] * n
    chance_sets = 0
    outcome_number: dict[tuple[str, ...], int] = {}
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Terminal):
            if len(node.payoffs) != n:
                raise ValueError(
                    f"a terminal node has {len(node.payoffs)} payoffs; expected {n} (one per player)"
                )
            key = tuple(fmt(float(x)) for x in node.payoffs)
            j = outcome_number.get(key)
            if j is None:
                j = outcome_number[key] = len(outcome_number) + 1
                lines.append(f't "" {j} "" {{ {", ".join(key)} }}')
            else:
                lines.append(f't "" {j}')
        elif isinstance(node, Chance):
            chance_sets += 1
            pairs = " ".join(f"{_quote(a)} {fmt(float(p))}" for a, p, _ in node.outcomes)
            lines.append(f'c "" {chance_sets} "" {{ {pairs} }} 0')
            stack.extend(child for _, _, child in reversed(node.outcomes))
        elif isinstance(node, Decision):
            if not 0 <= node.player < n:
                raise ValueError(f"a decision node's player {node.player} is not in 0..{n - 1}")
            key2 = (node.player, node.infoset)
            number = infoset_number.get(key2)
            if number is None:
                per_player[node.player] += 1
                number = infoset_number[key2] = per_player[node.player]
                actions = " ".join(_quote(a) for a in node.actions)
                lines.append(
                    f'p "" {node.player + 1} {number} {_quote(node.infoset)} {{ {actions} }} 0'
                )
            else:
                lines.append(f'p "" {node.player + 1} {number} 0')
            stack.extend(reversed(node.children))
        else:
            raise TypeError(f"not a game-tree node: {type(node).__name__}")
    text = "\n".join(lines) + "\n"
    if path_or_file is None:
        return text
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    elif hasattr(path_or_file, "write"):
        stream: Any = path_or_file
        try:
            stream.write(text)
        except TypeError:  # a binary stream
            stream.write(text.encode("utf-8"))
    else:
        raise TypeError(
            f"write_efg writes to a path or an open file; got {type(path_or_file).__name__}"
        )
    return text
