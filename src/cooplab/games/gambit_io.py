"""Read and write Gambit's strategic-game (``.nfg``) files.

Gambit's ``.nfg`` format describes an n-player game in normal form. A file
starts with a prologue, ``NFG 1 R``, the title, the players and their
strategies, and an optional comment, and ends with one of two bodies:

* the **payoff version**: a flat list of numbers, every player's payoff at
  each contingency in turn::

      NFG 1 R "Prisoner's dilemma" { "Row" "Column" } { 2 2 }

      3 3  5 0  0 5  1 1

* the **outcome version**: a list of outcomes, each a name and one payoff per
  player (optionally separated by commas), then one outcome number per
  contingency, where ``0`` is the null outcome (every player gets 0)::

      NFG 1 R "Chicken" { "Row" "Column" }
      { { "Swerve" "Straight" } { "Swerve" "Straight" } }
      ""
      { { "tie" 0, 0 } { "Row wins" 1, -1 } { "Column wins" -1, 1 }
        { "crash" -10, -10 } }
      1 2 3 4

  (``0`` in place of ``1`` would mean the same.)

Contingencies are listed with the **first** player's strategy changing
fastest (the reverse of C/numpy order). Strategies are given either as counts
(``{ 2 2 }``, named ``"1"``, ``"2"``, ... as Gambit names them) or as one list
of quoted names per player (``{ { "C" "D" } { "C" "D" } }``); either form may
precede either body. Payoffs are integers (``-3``), decimals (``1.5``,
``-.5``, ``1e3``) or fractions (``1/3``). ``R`` (rational) and ``D``
(decimal) files are read alike. Whitespace, line breaks included, only
separates tokens. In quoted strings, ``\\"`` stands for ``"`` and ``\\\\`` for
``\\``; any other backslash is an ordinary character, as in Gambit.

:func:`read_nfg` and :func:`parse_nfg` read a file into a
:class:`~cooplab.games.NormalFormGame`; :func:`write_nfg` writes one, in
either version, with exact payoffs. A malformed file raises
:class:`NfgFormatError`, which names the file, line and column, what was
found and what was expected.

References
----------
The Gambit Project, "Game representation formats", Gambit documentation,
https://gambitproject.readthedocs.io/en/latest/formats.html (the ``.nfg``
payoff and outcome versions).
McKelvey, R. D., McLennan, A. M. & Turocy, T. L. (2016). Gambit: Software
Tools for Game Theory, version 16. http://www.gambit-project.org
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple, TypeAlias

import numpy as np

from cooplab.games.normal_form import MAX_ABS_PAYOFF, NormalFormGame

__all__ = ["NfgFormatError", "parse_nfg", "read_nfg", "write_nfg"]

PathOrFile: TypeAlias = "str | os.PathLike[str] | IO[str] | IO[bytes]"


class NfgFormatError(ValueError):
    """A ``.nfg`` file that does not follow Gambit's format.

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
        return (
            _rebuild_error,
            (self.reason, self.source, self.line, self.column),
        )


def _rebuild_error(reason: str, source: str, line: int, column: int) -> NfgFormatError:
    return NfgFormatError(reason, source=source, line=line, column=column)


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------
# One token per match, after any whitespace: a brace, a comma, a quoted string,
# a lone quote (a string never closed), or a word: any run of characters that
# are not whitespace, braces, commas or quotes. Numbers and the header's
# symbols are words, checked where they are used. Possessive quantifiers keep
# an unterminated string linear.
_TOKEN = re.compile(r'\s*+([{},]|"(?:[^"\\]++|\\.)*+"|"|[^\s{},"]++)', re.DOTALL)
_UNESCAPE = re.compile(r'\\([\\"])')
# Escape a backslash only where a reader would take it for an escape: before a
# quote, before another backslash, or at the end. Gambit's reader keeps
# ``\x`` as it is but garbles ``\\``, so this keeps labels such as ``\alpha``
# readable by Gambit too.
_ESCAPE_BACKSLASH = re.compile(r'\\(?=[\\"]|\Z)')
# ASCII digits only: Python's int() and float() also take other scripts' digits.
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z", re.ASCII)
_RATIONAL = re.compile(r"([+-]?\d+)/(\d+)\Z", re.ASCII)
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)\Z", re.IGNORECASE)
_COUNT = re.compile(r"\d+\Z", re.ASCII)
_SHOWN = 40  # longest token quoted in full in a message


class _Token(NamedTuple):
    kind: str  # "{", "}", ",", "string", "word" or "eof"
    text: str  # the source text (a string token with its quotes and escapes)
    at: int  # the token's number in the file, from 0


def _kind(text: str) -> str:
    first = text[0]
    return first if first in "{}," else "string" if first == '"' else "word"


def _describe(token: _Token) -> str:
    if token.kind == "eof":
        return "end of file"
    text = token.text.replace("\n", "\\n").replace("\r", "\\r")
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 3] + "..."
    return f"'{text}'"


def _plural(k: int, noun: str) -> str:
    return f"{k} {noun}" + ("" if k == 1 else "s")


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
class _Parser:
    """Recursive descent over the token list, one method per part of the file."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.tokens = self._tokenize()
        self.i = 0
        self.numbers: dict[str, float] = {}

    # -- tokens and errors ---------------------------------------------------
    # Tokens are kept as bare strings (a 100 000-contingency file has a
    # million); where one is in the text is worked out only for an error.
    def _tokenize(self) -> list[str]:
        tokens = self.tokens = _TOKEN.findall(self.text)
        if '"' in tokens:  # a string never closed (only the file's last quote can be)
            raise self.error_at(
                tokens.index('"'), "unterminated string: the '\"' here has no closing '\"'"
            )
        return tokens

    def offset(self, index: int) -> int:
        """Where token ``index`` starts in the text; the end of the last token for EOF."""
        if index >= len(self.tokens):
            return len(self.text.rstrip())
        match = next(itertools.islice(_TOKEN.finditer(self.text), index, None))
        return match.start(1)

    def error_at(self, index: int, reason: str) -> NfgFormatError:
        pos = self.offset(index)
        line = self.text.count("\n", 0, pos) + 1
        column = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return NfgFormatError(reason, source=self.source, line=line, column=column)

    def error(self, token: _Token, expected: str) -> NfgFormatError:
        return self.error_at(token.at, f"{expected}, found {_describe(token)}")

    def token(self, index: int) -> _Token:
        if index >= len(self.tokens):
            return _Token("eof", "", len(self.tokens))
        text = self.tokens[index]
        return _Token(_kind(text), text, index)

    def next(self) -> _Token:
        token = self.token(self.i)
        self.i = min(self.i + 1, len(self.tokens))
        return token

    def peek(self) -> _Token:
        return self.token(self.i)

    def expect(self, kind: str, expected: str) -> _Token:
        token = self.next()
        if token.kind != kind:
            raise self.error(token, expected)
        return token

    @staticmethod
    def string(token: _Token) -> str:
        return _UNESCAPE.sub(r"\1", token.text[1:-1])

    def number(self, token: _Token, what: str) -> float:
        """The float nearest the number ``token`` spells, or an error naming ``what``."""
        text = token.text
        cached = self.numbers.get(text)
        if cached is not None:
            return cached
        if _NON_FINITE.match(text):
            raise self.error_at(token.at, f"{what} must be a finite number, found '{text}'")
        decimal = _DECIMAL.match(text)
        rational = None if decimal else _RATIONAL.match(text)
        if not (decimal or rational):
            raise self.error(token, f"expected {what} (a number such as 3, -1.5, 2e3 or 1/3)")
        if rational and not rational.group(2).strip("0"):
            raise self.error_at(token.at, f"{what} '{text}' divides by zero")
        try:
            if rational:
                value = float(Fraction(int(rational.group(1)), int(rational.group(2))))
            else:
                value = float(text)  # correctly rounded, however many digits
        except ValueError:  # int() refuses more than 4300 digits
            raise self.error_at(
                token.at, f"{what} {_describe(token)} has too many digits to read"
            ) from None
        except OverflowError:  # float() of a huge fraction
            value = math.inf
        if not abs(value) <= MAX_ABS_PAYOFF:
            raise self.error_at(
                token.at,
                f"{what} {_describe(token)} is out of range: payoffs must be at most "
                f"{MAX_ABS_PAYOFF:g} in absolute value",
            )
        self.numbers[text] = value
        return value

    # -- the prologue --------------------------------------------------------
    def header(self) -> str:
        token = self.next()
        if token.kind == "eof":
            raise self.error_at(
                0, "empty file: expected a Gambit normal-form game, which starts with 'NFG 1 R'"
            )
        if token.kind != "word" or token.text != "NFG":
            if token.text == "EFG":
                raise self.error_at(
                    token.at,
                    "this is a Gambit extensive-form game (EFG); expected a normal-form game, "
                    "which starts with 'NFG 1 R'",
                )
            raise self.error(
                token, "expected the header 'NFG 1 R' that starts a Gambit normal-form game file"
            )
        token = self.next()
        if token.kind != "word" or token.text != "1":
            raise self.error(
                token, "expected version 1 after 'NFG' ('NFG 1 R'; Gambit defines no other)"
            )
        token = self.next()
        if token.kind != "word" or token.text not in ("R", "D"):
            raise self.error(
                token, "expected the number type 'R' (rational) or 'D' (decimal) after 'NFG 1'"
            )
        title = self.expect(
            "string", f"expected the game title (a quoted string) after 'NFG 1 {token.text}'"
        )
        return self.string(title)

    def players(self) -> list[str]:
        self.expect("{", "expected '{' opening the player list after the title")
        names = []
        while (token := self.next()).kind == "string":
            names.append(self.string(token))
        if token.kind != "}":
            raise self.error(
                token, "expected a player name (a quoted string) or '}' closing the player list"
            )
        if not names:
            raise self.error_at(
                token.at, "the player list is empty: a game needs at least one player"
            )
        return names

    def strategies(self, players: list[str]) -> list[list[str] | int]:
        """Per player, the strategy names, or the number of strategies (named later)."""
        self.expect(
            "{",
            "expected '{' opening the strategy list (counts such as { 2 2 }, or names such as "
            '{ { "C" "D" } { "C" "D" } })',
        )
        n = len(players)
        if self.peek().kind == "{":
            names: list[list[str] | int] = [self.strategy_names(i, players[i]) for i in range(n)]
            self.expect(
                "}",
                f"expected '}}' closing the strategy list after the strategy names of the "
                f"{_plural(n, 'player')}",
            )
            return names
        out: list[list[str] | int] = []
        for i, player in enumerate(players):
            token = self.next()
            who = f"player {i + 1} ({player!r})"
            if token.kind != "word" or not _COUNT.match(token.text):
                raise self.error(
                    token,
                    f"expected the number of strategies of {who}, a positive integer (one count "
                    "per player)",
                )
            count = int(token.text)
            if count == 0:
                raise self.error_at(
                    token.at, f"{who} has 0 strategies; every player needs at least one"
                )
            out.append(count)
        self.expect(
            "}",
            f"expected '}}' closing the strategy counts after "
            f"{'1 entry' if n == 1 else f'{n} entries'} (one per player)",
        )
        return out

    def strategy_names(self, i: int, player: str) -> list[str]:
        who = f"player {i + 1} ({player!r})"
        self.expect("{", f"expected '{{' opening the strategy names of {who} (one list per player)")
        names = []
        while (token := self.next()).kind == "string":
            names.append(self.string(token))
        if token.kind != "}":
            raise self.error(
                token,
                f"expected a strategy name (a quoted string) or '}}' closing the strategy "
                f"names of {who}",
            )
        if not names:
            raise self.error_at(
                token.at, f"{who} has no strategies; every player needs at least one"
            )
        return names

    # -- the bodies ----------------------------------------------------------
    def payoff_body(self, shape: tuple[int, ...]) -> np.ndarray:
        n = len(shape)
        need = n * math.prod(shape)
        what = (
            f"{need} payoffs for {_plural(n, 'player')} x {' x '.join(map(str, shape))} strategies"
        )
        # Never allocate more than the file holds, whatever the header claims.
        tokens, start = self.tokens, self.i
        stop = min(len(tokens), start + need)
        flat = np.empty(stop - start)
        numbers = self.numbers
        for k in range(stop - start):
            value = numbers.get(tokens[start + k])  # most payoffs repeat
            if value is None:
                token = self.token(start + k)
                if token.kind != "word":
                    hint = (
                        " (payoffs are separated by spaces, not commas)"
                        if token.kind == ","
                        else ""
                    )
                    raise self.error(token, f"expected payoff {k + 1} of {need}, a number{hint}")
                value = self.number(token, f"payoff {k + 1} of {need}")
            flat[k] = value
        self.i = stop
        token = self.next()
        if token.kind != "eof":
            raise self.error(
                token, f"too many payoffs: expected the end of the file after the {what}"
            )
        if stop - start < need:
            raise self.error_at(token.at, f"expected {what}, found {stop - start}")
        return flat.reshape(need // n, n)

    def outcome_body(self, shape: tuple[int, ...]) -> np.ndarray:
        n = len(shape)
        self.expect("{", "expected '{' opening the outcome list")
        table = [[0.0] * n]  # outcome 0, the null outcome
        while True:
            row = self.quick_outcome(n)
            if row is None:
                token = self.next()
                if token.kind != "{":
                    break
                row = self.outcome(len(table), n)
            table.append(row)
        if token.kind != "}":
            raise self.error(
                token,
                "expected '{' opening an outcome such as { \"name\" 1, 2 } or '}' closing the "
                "outcome list",
            )
        m = len(table) - 1
        cells = math.prod(shape)
        what = (
            f"{cells} outcome indices (one per contingency of {' x '.join(map(str, shape))} "
            "strategies)"
        )
        valid = "0, the null outcome" if m == 0 else f"0 for the null outcome, or 1 to {m}"
        if m == 1:
            valid = "0 for the null outcome, or 1"
        tokens, start = self.tokens, self.i
        stop = min(len(tokens), start + cells)
        index = np.empty(stop - start, dtype=np.intp)
        for k in range(stop - start):
            text = tokens[start + k]
            if not (text.isascii() and text.isdigit()):
                token = self.token(start + k)
                raise self.error(token, f"expected outcome index {k + 1} of {cells} ({valid})")
            j = int(text) if len(text) < 19 else m + 1
            if j > m:
                raise self.error_at(
                    start + k,
                    f"outcome index {text} is out of range: the file defines "
                    f"{_plural(m, 'outcome')} ({valid})",
                )
            index[k] = j
        self.i = stop
        token = self.next()
        if token.kind != "eof":
            raise self.error(
                token, f"too many outcome indices: expected the end of the file after the {what}"
            )
        if stop - start < cells:
            raise self.error_at(token.at, f"expected {what}, found {stop - start}")
        return np.array(table)[index]

    def quick_outcome(self, n: int) -> list[float] | None:
        """The next outcome, when it is well formed and its payoffs were seen before.

        A fast path for large outcome lists; ``None`` leaves the outcome (or
        whatever comes instead) to :meth:`outcome`, which also reports errors.
        """
        tokens, i, numbers = self.tokens, self.i, self.numbers
        end = len(tokens)
        if i + 1 >= end or tokens[i] != "{" or tokens[i + 1][0] != '"':
            return None
        i += 2
        row = []
        for _ in range(n):
            value = numbers.get(tokens[i]) if i < end else None
            if value is None:
                return None
            row.append(value)
            i += 2 if i + 1 < end and tokens[i + 1] == "," else 1
        if i >= end or tokens[i] != "}":
            return None
        self.i = i + 1
        return row

    def outcome(self, j: int, n: int) -> list[float]:
        self.expect(
            "string", f'expected the name of outcome {j} (a quoted string, which may be "")'
        )
        payoffs: list[float] = []
        comma_ok = False
        while (token := self.next()).kind != "}":
            if token.kind == "," and comma_ok:
                comma_ok = False
                continue
            if token.kind == "word" and len(payoffs) < n:
                payoffs.append(self.number(token, f"payoff {len(payoffs) + 1} of outcome {j}"))
                comma_ok = True
                continue
            if len(payoffs) == n:
                raise self.error(
                    token,
                    f"expected '}}' closing outcome {j} after its {_plural(n, 'payoff')} (one per "
                    "player)",
                )
            raise self.error(token, f"expected payoff {len(payoffs) + 1} of outcome {j}, a number")
        if len(payoffs) < n:
            raise self.error_at(
                token.at,
                f"outcome {j} has {_plural(len(payoffs), 'payoff')}; expected {n} (one per player)",
            )
        return payoffs

    # -- the whole file ------------------------------------------------------
    def game(self) -> NormalFormGame:
        title = self.header()
        players = self.players()
        strategies = self.strategies(players)
        if self.peek().kind == "string":
            self.next()  # the optional comment; a NormalFormGame has nowhere to keep it
        shape = tuple(s if isinstance(s, int) else len(s) for s in strategies)
        n = len(shape)
        token = self.peek()
        if token.kind == "{":
            flat = self.outcome_body(shape)
        elif token.kind == "word":
            flat = self.payoff_body(shape)
        else:
            raise self.error(
                token,
                f"expected the payoffs ({n * math.prod(shape)} numbers for "
                f"{_plural(n, 'player')} x {' x '.join(map(str, shape))} strategies) or '{{' "
                "opening the outcome list",
            )
        # Rows of ``flat`` are contingencies, the first player's strategy
        # changing fastest: C order over the reversed axes.
        payoffs = flat.reshape(*shape[::-1], n).transpose(range(n, -1, -1))
        try:
            return NormalFormGame(
                payoffs,
                player_names=_normalize_labels(players),
                # Gambit names counted strategies "1", "2", ... Only now that
                # the body has as many entries do counts become name lists.
                action_names=[
                    _normalize_labels(
                        [str(k) for k in range(1, s + 1)] if isinstance(s, int) else s
                    )
                    for s in strategies
                ],
                name=title,
            )
        except (TypeError, ValueError) as exc:  # pragma: no cover - checked above
            raise self.error_at(0, str(exc)) from None


def _normalize_labels(labels: list[str]) -> list[str]:
    """Distinct, non-empty labels, made the way Gambit makes them.

    An empty label, or a label used more than once, becomes ``label_1``,
    ``label_2``, ... (the next suffixes not already in use), so
    ``["", "x", "x"]`` becomes ``["_1", "x_1", "x_2"]`` (Gambit's
    ``NormalizeLabels``, applied when it reads a file).
    """
    counts = Counter(labels)
    if all(c == 1 for c in counts.values()) and "" not in counts:
        return labels
    used = set(labels)
    visited: defaultdict[str, int] = defaultdict(int)
    out = []
    for label in labels:
        if counts[label] == 1 and label:
            out.append(label)
            continue
        while True:
            visited[label] += 1
            candidate = f"{label}_{visited[label]}"
            if candidate not in used:
                break
        used.add(candidate)
        out.append(candidate)
    return out


def parse_nfg(text: str, *, source: str = "<string>") -> NormalFormGame:
    """A game from the text of a Gambit ``.nfg`` file (payoff or outcome version).

    Parameters
    ----------
    text : str
        The file's contents.
    source : str, optional
        The name used in error messages.

    Returns
    -------
    NormalFormGame
        Its ``name`` is the file's title; player and strategy names are the
        file's (strategies given only by counts are named ``"1"``, ``"2"``,
        ...). Empty or repeated names are made distinct as Gambit does:
        ``""`` becomes ``"_1"``, two ``"x"`` become ``"x_1"`` and ``"x_2"``.
        The optional comment is dropped. Payoffs are the floats nearest the
        numbers written (``1/3`` is the double nearest one third).

    Raises
    ------
    NfgFormatError
        When the text is not a well-formed ``.nfg`` file: the message gives
        ``source:line:column``, what was expected and what was found.

    Examples
    --------
    >>> g = parse_nfg('''NFG 1 R "Matching pennies" { "Even" "Odd" } { 2 2 }
    ...                  1 -1  -1 1  -1 1  1 -1''')
    >>> g.name, g.player_names, g.action_names
    ('Matching pennies', ('Even', 'Odd'), (('1', '2'), ('1', '2')))
    >>> g.payoff_matrix("Even").tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    >>> parse_nfg('NFG 1 R "x" { "A" "B" } { 2 2 } 1 2 3 4 5 6 7', source="x.nfg")
    Traceback (most recent call last):
    ...
    cooplab.games.gambit_io.NfgFormatError: x.nfg:1:46: expected 8 payoffs for 2 players x 2 x 2 strategies, found 7
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_nfg needs the file's text as a str; got {type(text).__name__}")
    # A byte-order mark is not whitespace to the tokenizer; drop it, keeping columns.
    if text.startswith("\ufeff"):
        text = " " + text[1:]
    return _Parser(text, str(source)).game()


def read_nfg(path_or_file: PathOrFile) -> NormalFormGame:
    """Read a game from a Gambit ``.nfg`` file (payoff or outcome version).

    Parameters
    ----------
    path_or_file : str, path-like or file object
        A path, or an open file in text or binary mode. Bytes are decoded as
        UTF-8, or as Latin-1 when they are not valid UTF-8 (older Gambit
        files).

    Returns
    -------
    NormalFormGame
        As :func:`parse_nfg` describes.

    Raises
    ------
    NfgFormatError
        When the file is not a well-formed ``.nfg`` file; the message starts
        with ``file:line:column``.
    OSError
        When the file cannot be read.

    See Also
    --------
    parse_nfg : the same, from a string.
    write_nfg : the inverse.
    """
    if isinstance(path_or_file, str | os.PathLike):
        source = os.fspath(path_or_file)
        data: str | bytes = Path(path_or_file).read_bytes()
    elif hasattr(path_or_file, "read"):
        source = str(getattr(path_or_file, "name", "<file>"))
        data = path_or_file.read()
    else:
        raise TypeError(
            f"read_nfg needs a path or an open file; got {type(path_or_file).__name__} "
            "(use parse_nfg for the text itself)"
        )
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        try:
            data = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = raw.decode("latin-1")
    if not isinstance(data, str):
        raise TypeError(f"reading {source!r} gave {type(data).__name__}, not text or bytes")
    return parse_nfg(data, source=source)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def _quote(label: str) -> str:
    return '"' + _ESCAPE_BACKSLASH.sub(r"\\\\", label).replace('"', '\\"') + '"'


def _exact_formatter() -> Callable[[float], str]:
    # Imported here: the games layer does not import the equilibria package
    # when it loads (DESIGN: nothing imports upward).
    from cooplab.games.exact import as_fraction

    cache: dict[float, str] = {}

    def fmt(x: float) -> str:
        out = cache.get(x)
        if out is None:
            out = cache[x] = str(as_fraction(x))  # "3", "-1/3"
        return out

    return fmt


def write_nfg(
    game: NormalFormGame,
    path_or_file: PathOrFile | None = None,
    *,
    version: Literal["payoff", "outcome"] = "payoff",
) -> str:
    """Write ``game`` as a Gambit ``.nfg`` file, and return the text.

    Payoffs are written exactly: an integer as an integer (``3``, ``-1``),
    any other payoff as the fraction ``p/q`` that
    :func:`cooplab.games.exact.as_fraction` gives for it, the simplest
    fraction (denominator up to 10^9) whose nearest float is the payoff
    (``1/3``, ``1/10``), else the float's exact binary value. Reading the
    file back (:func:`read_nfg`) gives the same floats, so
    ``read_nfg(f) == game`` for every game, and Gambit reads the fractions
    exactly.

    Parameters
    ----------
    game : NormalFormGame
        The game; its ``name`` becomes the title, and player and action names
        are written as strategy names.
    path_or_file : str, path-like or file object, optional
        Where to write (UTF-8); ``None`` only returns the text.
    version : {"payoff", "outcome"}
        ``"payoff"``: every player's payoff at each contingency, one
        contingency a line. ``"outcome"``: one outcome per distinct payoff
        vector, numbered in order of first use, then each contingency's
        outcome number. The null outcome ``0`` is never written, as
        pygambit 16's ``Game.to_arrays`` fails on it.

    Returns
    -------
    str
        The file's text.

    Notes
    -----
    Contingencies are listed with the first player's action changing fastest,
    as the format requires. In names, ``"`` is written ``\\"``, and a
    backslash is written ``\\\\`` only before a quote, another backslash or
    the end of the name; Gambit 16's reader (though not its writer) reads
    ``\\\\`` as three backslashes, so only such names fail to round-trip
    through Gambit. Gambit 16.7 (pygambit) also refuses a file whose player
    or strategy names are not printable ASCII with single spaces inside (no
    leading, trailing or double spaces, tabs or line breaks), or whose title
    is not ASCII; cooplab reads and writes any names.

    Examples
    --------
    >>> from cooplab.games import make
    >>> print(write_nfg(make("prisoners-dilemma")), end="")
    NFG 1 R "Prisoner's dilemma" { "Row" "Column" }
    { { "C" "D" }
      { "C" "D" }
    }
    <BLANKLINE>
    3 3
    5 0
    0 5
    1 1
    >>> print(write_nfg(make("prisoners-dilemma"), version="outcome"), end="")
    NFG 1 R "Prisoner's dilemma" { "Row" "Column" }
    { { "C" "D" }
      { "C" "D" }
    }
    ""
    <BLANKLINE>
    {
    { "" 3, 3 }
    { "" 5, 0 }
    { "" 0, 5 }
    { "" 1, 1 }
    }
    1 2 3 4
    """
    if not isinstance(game, NormalFormGame):
        raise TypeError(f"write_nfg needs a NormalFormGame; got {type(game).__name__}")
    if version not in ("payoff", "outcome"):
        raise ValueError(f"version must be 'payoff' or 'outcome'; got {version!r}")
    fmt = _exact_formatter()
    n = game.n_players
    players = " ".join(_quote(p) for p in game.player_names)
    lines = [f"NFG 1 R {_quote(game.name)} {{ {players} }}"]
    strategies = ["{ " + " ".join(_quote(a) for a in names) + " }" for names in game.action_names]
    lines.append("{ " + "\n  ".join(strategies))
    lines.append("}")
    # One row per contingency, the first player's action changing fastest.
    rows = game.payoffs.transpose(range(n, -1, -1)).reshape(-1, n)
    if version == "payoff":
        lines.append("")
        lines.extend(" ".join(fmt(x) for x in row) for row in rows.tolist())
    else:
        lines.append('""')  # the comment; Gambit writes one too
        lines.append("")
        lines.append("{")
        numbers: dict[tuple[str, ...], int] = {}
        index = []
        for row in rows.tolist():
            key = tuple(fmt(x) for x in row)
            j = numbers.get(key)
            if j is None:
                j = numbers[key] = len(numbers) + 1
                lines.append('{ "" ' + ", ".join(key) + " }")
            index.append(str(j))
        lines.append("}")
        lines.extend(" ".join(index[k : k + 20]) for k in range(0, len(index), 20))
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
            f"write_nfg writes to a path or an open file; got {type(path_or_file).__name__}"
        )
    return text
