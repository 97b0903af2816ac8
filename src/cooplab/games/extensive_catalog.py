"""The extensive-form games catalog: Liar's dice, Goofspiel, matrix games as trees, and a registry.

``make_extensive(name, **params)`` builds any of ``kuhn_poker``,
``leduc_poker``, ``liars_dice``, ``goofspiel`` and ``matrix``. The rules follow
OpenSpiel's games of the same names (two players), so values and
exploitabilities compare with OpenSpiel's.

References
----------
Lanctot, M. et al. (2019). OpenSpiel. arXiv:1908.09453.
Ross, S. M. (1971). Goofspiel -- the game of pure strategy. Journal of
Applied Probability 8(3), 621-625.
Lisý, V., Lanctot, M. & Bowling, M. (2015). Online Monte Carlo counterfactual
regret minimization for search in imperfect information games. AAMAS
(Liar's dice and Goofspiel as CFR benchmarks).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.games.extensive import (
    Decision,
    ExtensiveGame,
    Node,
    Terminal,
    compile_tree,
    from_rules,
)
from cooplab.games.normal_form import NormalFormGame
from cooplab.games.poker import kuhn_poker, leduc_poker

__all__ = [
    "EXTENSIVE_GAMES",
    "GoofspielRules",
    "LiarsDiceRules",
    "goofspiel",
    "liars_dice",
    "make_extensive",
    "matrix_game",
]


def _int(value: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}")
    if not lo <= int(value) <= hi:
        raise ValueError(f"{name} must be in {lo}..{hi}; got {value}")
    return int(value)


class LiarsDiceRules:
    """Liar's dice with ``dice`` dice each (OpenSpiel's ``liars_dice``).

    Each player rolls privately; then, player 0 first, each either raises the
    bid ``"q-f"`` (at least ``q`` dice show face ``f``; bids are ordered
    ``1-1 < 1-2 < ... < 1-6 < 2-1 < ...``) or calls ``"Liar"`` on the last
    bid. The highest face is wild (counts as any face). If the bid holds the
    bidder wins, otherwise the caller; the winner gets +1, the loser -1.
    Information sets are keyed ``"dice|bids"``, e.g. ``"3|1-2,2-5"``.
    """

    num_players = 2

    def __init__(self, dice: int = 1, sides: int = 6) -> None:
        self.dice = dice
        self.sides = sides
        self.total = 2 * dice
        self.num_bids = self.total * sides

    def bid_label(self, b: int) -> str:
        return f"{b // self.sides + 1}-{b % self.sides + 1}"

    def initial_state(self) -> tuple[tuple[tuple[int, ...], ...], tuple[int, ...], bool]:
        return (((), ()), (), False)

    def _rolling(self, s: Any) -> int:
        rolls = s[0]
        for p in range(2):
            if len(rolls[p]) < self.dice:
                return p
        return -1

    def is_terminal(self, s: Any) -> bool:
        return bool(s[2])

    def returns(self, s: Any) -> tuple[float, float]:
        rolls, bids, _ = s
        last = bids[-1]
        q, f = last // self.sides + 1, last % self.sides + 1
        count = sum(1 for r in rolls for d in r if d == f or d == self.sides)
        caller = len(bids) % 2  # the player to move after the last bid called
        bidder = 1 - caller
        winner = bidder if count >= q else caller
        return (1.0, -1.0) if winner == 0 else (-1.0, 1.0)

    def current_player(self, s: Any) -> int:
        if self._rolling(s) >= 0:
            return -1
        return len(s[1]) % 2

    def chance_outcomes(self, s: Any) -> list[tuple[str, float]]:
        return [(str(f), 1.0 / self.sides) for f in range(1, self.sides + 1)]

    def legal_actions(self, s: Any) -> list[str]:
        bids = s[1]
        start = bids[-1] + 1 if bids else 0
        acts = [self.bid_label(b) for b in range(start, self.num_bids)]
        if bids:
            acts.append("Liar")
        return acts

    def apply(self, s: Any, label: str) -> Any:
        rolls, bids, done = s
        p = self._rolling(s)
        if p >= 0:
            new = list(rolls)
            new[p] = (*rolls[p], int(label))
            return (tuple(new), bids, done)
        if label == "Liar":
            return (rolls, bids, True)
        q, f = (int(x) for x in label.split("-"))
        return (rolls, (*bids, (q - 1) * self.sides + f - 1), False)

    def infoset_key(self, s: Any, player: int) -> str:
        own = "".join(str(d) for d in s[0][player])
        return f"{own}|{','.join(self.bid_label(b) for b in s[1])}"


def liars_dice(dice: int = 1, sides: int = 6) -> ExtensiveGame:
    """Liar's dice compiled (one die each: 24,576 information sets, OpenSpiel's default).

    Parameters
    ----------
    dice : int
        Dice per player (1 or 2; two dice of six sides is over 10^8 nodes and refused).
    sides : int
        Faces per die (2..6); the highest is wild.
    """
    dice = _int(dice, "dice", 1, 2)
    sides = _int(sides, "sides", 2, 6)
    return from_rules(LiarsDiceRules(dice, sides), name=f"liars_dice(dice={dice},sides={sides})")


POINTS_ORDERS = ("random", "descending", "ascending")
RETURNS_TYPES = ("win_loss", "point_difference", "total_points")


@dataclass(frozen=True)
class _Goof:
    points: tuple[int, ...] = ()  # point cards revealed, one per turn
    bids: tuple[tuple[int, int], ...] = ()  # both bids of finished turns
    pending: int = -1  # player 0's bid this turn (hidden from player 1)


class GoofspielRules:
    """Goofspiel (Ross 1971) as in OpenSpiel's ``goofspiel``, simultaneous moves made sequential.

    Each player holds cards ``1..cards``. Each turn a point card is turned up
    (order: ``"random"``, a chance node, OpenSpiel's default; or
    ``"descending"``/``"ascending"``), both players bid a card at once (here
    player 0 then player 1, who does not see player 0's bid), the higher bid
    wins the point card, ties discard it. Returns: ``"win_loss"`` (+1/-1/0 by
    total points, OpenSpiel's default), ``"point_difference"`` or
    ``"total_points"``. With ``imp_info=False`` (OpenSpiel's default) past bids
    are public; with ``True`` a player sees only its own bids and who won each
    turn. The last turn is forced and played out automatically (as OpenSpiel).
    Keys: ``"p:5,4|b:12,31"`` (points so far, then the past turns' bids).
    """

    num_players = 2

    def __init__(self, cards: int, points_order: str, returns_type: str, imp_info: bool) -> None:
        self.cards = cards
        self.order = points_order
        self.returns_type = returns_type
        self.imp_info = imp_info

    def initial_state(self) -> _Goof:
        return _Goof()

    def _need_point(self, s: _Goof) -> bool:
        return len(s.points) == len(s.bids) and len(s.bids) < self.cards - 1

    def is_terminal(self, s: _Goof) -> bool:
        # The last turn is forced (one card each, one point card left): played out in returns,
        # as OpenSpiel does.
        return len(s.bids) == self.cards - 1

    def _scores(self, s: _Goof) -> tuple[int, int]:
        sc = [0, 0]
        every = set(range(1, self.cards + 1))
        last_point = (every - set(s.points)).pop()
        last_bids = ((every - {b[0] for b in s.bids}).pop(), (every - {b[1] for b in s.bids}).pop())
        for pt, (b0, b1) in zip((*s.points, last_point), (*s.bids, last_bids), strict=True):
            if b0 > b1:
                sc[0] += pt
            elif b1 > b0:
                sc[1] += pt
        return sc[0], sc[1]

    def returns(self, s: _Goof) -> tuple[float, float]:
        a, b = self._scores(s)
        if self.returns_type == "total_points":
            return (float(a), float(b))
        if self.returns_type == "point_difference":
            return (float(a - b), float(b - a))
        w = float(np.sign(a - b))
        return (w, -w)

    def current_player(self, s: _Goof) -> int:
        if self._need_point(s):
            return -1
        return 0 if s.pending < 0 else 1

    def chance_outcomes(self, s: _Goof) -> list[tuple[str, float]]:
        left = [c for c in range(1, self.cards + 1) if c not in s.points]
        if self.order == "descending":
            return [(str(max(left)), 1.0)]
        if self.order == "ascending":
            return [(str(min(left)), 1.0)]
        return [(str(c), 1.0 / len(left)) for c in left]

    def legal_actions(self, s: _Goof) -> list[str]:
        p = self.current_player(s)
        used = {b[p] for b in s.bids}
        return [str(c) for c in range(1, self.cards + 1) if c not in used]

    def apply(self, s: _Goof, label: str) -> _Goof:
        if self._need_point(s):
            return _Goof((*s.points, int(label)), s.bids, -1)
        if s.pending < 0:
            return _Goof(s.points, s.bids, int(label))
        return _Goof(s.points, (*s.bids, (s.pending, int(label))), -1)

    def infoset_key(self, s: _Goof, player: int) -> str:
        pts = ",".join(str(p) for p in s.points)
        if self.imp_info:
            hist = ",".join(
                f"{b[player]}{'w' if b[player] > b[1 - player] else 'l' if b[player] < b[1 - player] else 't'}"
                for b in s.bids
            )
        else:
            hist = ",".join(f"{b0}{b1}" if self.cards < 10 else f"{b0}-{b1}" for b0, b1 in s.bids)
        return f"p:{pts}|b:{hist}"


def goofspiel(
    cards: int = 4,
    points_order: str = "random",
    returns_type: str = "win_loss",
    imp_info: bool = False,
) -> ExtensiveGame:
    """Goofspiel with ``cards`` cards (see :class:`GoofspielRules`).

    Parameters
    ----------
    cards : int
        2..5; five cards in random order is about 3.5 million nodes (slow to
        compile), five in a fixed order about 30 thousand.
    points_order : {"random", "descending", "ascending"}
    returns_type : {"win_loss", "point_difference", "total_points"}
    imp_info : bool
    """
    cards = _int(cards, "cards", 2, 5)
    if points_order not in POINTS_ORDERS:
        raise ValueError(f"points_order must be one of {POINTS_ORDERS}; got {points_order!r}")
    if returns_type not in RETURNS_TYPES:
        raise ValueError(f"returns_type must be one of {RETURNS_TYPES}; got {returns_type!r}")
    if not isinstance(imp_info, bool):
        raise TypeError(f"imp_info must be a bool; got {type(imp_info).__name__}")
    name = f"goofspiel(cards={cards},points_order={points_order},returns_type={returns_type}"
    name += ",imp_info=True)" if imp_info else ")"
    return from_rules(GoofspielRules(cards, points_order, returns_type, imp_info), name=name)


def matrix_game(game: NormalFormGame | str) -> ExtensiveGame:
    """A normal-form game as a one-shot tree: each player moves without seeing the others.

    Player 0 moves at the root; every later player has a single information
    set (key ``""``) spanning all earlier players' choices.

    Parameters
    ----------
    game : NormalFormGame or str
        The game, or a catalog name such as ``"matching-pennies"``.

    Examples
    --------
    >>> g = matrix_game("matching-pennies")
    >>> g.num_infosets, g.num_terminals
    (2, 4)
    """
    if isinstance(game, str):
        from cooplab.games.catalog import make

        game = make(game)
    if not isinstance(game, NormalFormGame):
        raise TypeError(
            f"matrix_game needs a NormalFormGame or a catalog name; got {type(game).__name__}"
        )
    n = game.n_players
    pay = game.payoffs
    names = game.action_names

    def build(prefix: tuple[int, ...]) -> Node:
        i = len(prefix)
        if i == n:
            return Terminal(tuple(float(pay[(p, *prefix)]) for p in range(n)))
        kids = tuple(build((*prefix, k)) for k in range(len(names[i])))
        return Decision(i, "", tuple(names[i]), kids)

    return compile_tree(build(()), num_players=n, name=f"matrix({game.name})")


@dataclass(frozen=True)
class ExtensiveGameSpec:
    """A registry entry: the name, the builder, a one-line description."""

    name: str
    build: Callable[..., ExtensiveGame]
    description: str


EXTENSIVE_GAMES: tuple[ExtensiveGameSpec, ...] = (
    ExtensiveGameSpec("kuhn_poker", kuhn_poker, "Kuhn poker: 3 cards, one bet (Kuhn 1950)"),
    ExtensiveGameSpec(
        "leduc_poker", leduc_poker, "Leduc hold'em: 6 cards, 2 rounds (Southey et al. 2005)"
    ),
    ExtensiveGameSpec("liars_dice", liars_dice, "Liar's dice, one die each by default"),
    ExtensiveGameSpec("goofspiel", goofspiel, "Goofspiel, 4 cards by default (Ross 1971)"),
    ExtensiveGameSpec("matrix", matrix_game, "a normal-form game as a one-shot tree (game=...)"),
)


def make_extensive(name: str, **params: Any) -> ExtensiveGame:
    """Build a catalog game by name.

    Examples
    --------
    >>> make_extensive("goofspiel", cards=3, points_order="descending").num_players
    2
    """
    for spec in EXTENSIVE_GAMES:
        if spec.name == name:
            try:
                return spec.build(**params)
            except TypeError as exc:
                if "unexpected keyword" in str(exc) or "missing" in str(exc):
                    raise TypeError(f"{name}: {exc}") from None
                raise
    known = ", ".join(s.name for s in EXTENSIVE_GAMES)
    raise KeyError(f"no extensive-form game named {name!r}; known: {known}")
