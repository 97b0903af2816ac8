"""Memory-n lookup-table strategies.

A :class:`LookupTable` strategy plays ``initial`` on its first moves and then
reads its move from ``table``, indexed by its own last ``own_depth`` actions
and the opponent's last ``opponent_depth`` actions: the index is the binary
number (C = 0, D = 1) of the own actions, oldest first, followed by the
opponent's, oldest first. This is the layout of the Axelrod library's
``LookerUp`` pattern strings (with no opponent openings), so its tables can
be copied as they are.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from cooplab.repeated.strategies.base import (
    C,
    History,
    Meta,
    Strategy,
    actions_from_string,
    check_count,
    variant,
)

__all__ = ["Capri", "LookupTable", "Winner12", "Winner21", "lookup_index"]

#: The largest table accepted (own_depth + opponent_depth at most 12).
MAX_DEPTH = 12


def lookup_index(own: np.ndarray, opponent: np.ndarray, own_depth: int, opponent_depth: int) -> int:
    """The table index of the last rounds (own oldest first, then opponent's)."""
    index = 0
    for a in own[len(own) - own_depth :] if own_depth else ():
        index = 2 * index + int(a)
    for a in opponent[len(opponent) - opponent_depth :] if opponent_depth else ():
        index = 2 * index + int(a)
    return index


@dataclass(eq=True)
class LookupTable(Strategy):
    """A memory-n strategy given as a table of moves.

    Parameters
    ----------
    table : str
        ``2 ** (own_depth + opponent_depth)`` letters C or D; see the module
        docstring for the order. Default: tit for tat.
    own_depth, opponent_depth : int
        How many of its own and of the opponent's last actions it reads.
    initial : str
        The first ``max(own_depth, opponent_depth)`` moves (padded with C,
        cut to that length).
    """

    table: str = "CD"
    own_depth: int = 0
    opponent_depth: int = 1
    initial: str = "C"

    meta = Meta(
        "lookup_table",
        "Lookup Table",
        1,
        reference="Axelrod (1987); Axelrod library's LookerUp",
        tags=frozenset({"lookup"}),
    )
    fsm_window = True

    def validate(self) -> None:
        m = check_count("own_depth", self.own_depth)
        n = check_count("opponent_depth", self.opponent_depth)
        if m + n > MAX_DEPTH:
            raise ValueError(f"own_depth + opponent_depth must be at most {MAX_DEPTH}; got {m + n}")
        moves = actions_from_string(self.table, what="table")
        if len(moves) != 2 ** (m + n):
            raise ValueError(
                f"a table for depths ({m}, {n}) has 2**{m + n} = {2 ** (m + n)} entries; got {len(moves)}"
            )
        opening = actions_from_string(self.initial, what="initial")
        depth = max(m, n)
        self._moves = moves
        self._opening = (opening + (C,) * depth)[:depth]

    @property
    def memory_depth(self) -> float:
        return max(self.own_depth, self.opponent_depth)

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t < len(self._opening):
            return self._opening[t]
        return self._moves[
            lookup_index(history.own, history.opponent, self.own_depth, self.opponent_depth)
        ]

    def fsm_key(self, history: History) -> Hashable | None:
        if self.own_depth + self.opponent_depth > 8:
            return None
        return super().fsm_key(history)


_M = __name__
Winner12 = variant(
    LookupTable,
    "Winner12",
    "winner12",
    "Winner12",
    "Mathieu & Delahaye (2015)'s Winner12: reads its last move and the opponent's last two.",
    module=_M,
    memory_depth=2,
    reference="Mathieu & Delahaye (2015)",
    table="CDCDDCDD",
    own_depth=1,
    opponent_depth=2,
    initial="CC",
)
Winner21 = variant(
    LookupTable,
    "Winner21",
    "winner21",
    "Winner21",
    "Mathieu & Delahaye (2015)'s Winner21: reads its last move and the opponent's last two.",
    module=_M,
    memory_depth=2,
    reference="Mathieu & Delahaye (2015)",
    table="CDCDCDDD",
    own_depth=1,
    opponent_depth=2,
    initial="DC",
)


def _capri_table() -> str:
    """CAPRI (Murase & Baek 2020) as a memory-3 table over both players' moves.

    CAPRI cooperates in the listed three-round histories (oldest first, own
    move first in each round) and defects otherwise; before three rounds the
    missing rounds count as mutual cooperation.
    """
    cooperate = {
        "CC CC CC",
        "CC CC DC",
        "CC DC CD",
        "DC CD CC",
        "CD CC CC",
        "CC CD DC",
        "CD DC CC",
        "DC CC CC",
        "DD DD DC",
        "DD DC CC",
        "DD DD CD",
        "DD CD CC",
        "DD DD CC",
        "DD CC CC",
    }
    letters = []
    for index in range(64):
        bits = [(index >> (5 - k)) & 1 for k in range(6)]
        own, opp = bits[:3], bits[3:]
        key = " ".join("CD"[own[i]] + "CD"[opp[i]] for i in range(3))
        letters.append("C" if key in cooperate else "D")
    return "".join(letters)


@dataclass(eq=True)
class Capri(Strategy):
    """CAPRI (Murase & Baek 2020): a memory-3 strategy that is a cooperative
    Nash equilibrium robust to errors ("Cooperate at mutual cooperation,
    Accept punishment, Punish defection, Recover from mistakes, Intermediate
    rules"). Before three rounds the missing rounds count as mutual
    cooperation."""

    meta = Meta(
        "capri",
        "CAPRI",
        3,
        reference="Murase & Baek (2020)",
        tags=frozenset({"nice", "retaliating", "forgiving"}),
    )
    fsm_window = True
    _TABLE = actions_from_string(_capri_table())

    def act(self, history: History, rng: np.random.Generator) -> int:
        pad = max(0, 3 - len(history))
        own = np.concatenate([np.zeros(pad, np.int8), history.own[-3:]])
        opp = np.concatenate([np.zeros(pad, np.int8), history.opponent[-3:]])
        return self._TABLE[lookup_index(own, opp, 3, 3)]
