"""Probers: strategies that open with a test sequence and exploit an opponent
that does not retaliate, and the handshake strategies that recognise a twin.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from cooplab.repeated.strategies.base import (
    C,
    D,
    History,
    Meta,
    Strategy,
    actions_from_string,
    check_probability,
)

__all__ = [
    "CollectiveStrategy",
    "Detective",
    "Handshake",
    "HardProber",
    "NaiveProber",
    "Prober",
    "Prober2",
    "Prober3",
    "Prober4",
    "RemorsefulProber",
    "Tester",
]

INF = math.inf
_AXL = "Axelrod library (Knight et al. 2016)"


def _tft(history: History) -> int:
    return int(history.opponent[-1])


@dataclass(eq=True)
class Prober(Strategy):
    """Plays D, C, C; then defects for ever if the opponent cooperated on
    moves 2 and 3, and otherwise plays tit for tat (Mathieu & Delahaye)."""

    meta = Meta(
        "prober",
        "Prober",
        INF,
        reference="Li, Hingston & Kendall (2011)",
        tags=frozenset({"prober"}),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t < 3:
            return (D, C, C)[t]
        if history.opponent[1] == C and history.opponent[2] == C:
            return D
        return _tft(history)

    def fsm_key(self, history: History) -> Hashable | None:
        t = len(history)
        if t < 3:
            return ("open", history.opponent[:t].tobytes())
        return (history.opponent[1:3].tobytes(), int(history.opponent[-1]))


@dataclass(eq=True)
class Prober2(Strategy):
    """Plays D, C, C; then cooperates for ever if the opponent played D, C on
    moves 2 and 3, and otherwise plays tit for tat."""

    meta = Meta("prober_2", "Prober 2", INF, reference="Prison (1998)", tags=frozenset({"prober"}))

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t < 3:
            return (D, C, C)[t]
        if history.opponent[1] == D and history.opponent[2] == C:
            return C
        return _tft(history)

    def fsm_key(self, history: History) -> Hashable | None:
        t = len(history)
        if t < 3:
            return ("open", history.opponent[:t].tobytes())
        return (history.opponent[1:3].tobytes(), int(history.opponent[-1]))


@dataclass(eq=True)
class Prober3(Strategy):
    """Plays D, C; then defects for ever if the opponent cooperated on move 2,
    and otherwise plays tit for tat."""

    meta = Meta("prober_3", "Prober 3", INF, reference="Prison (1998)", tags=frozenset({"prober"}))

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t < 2:
            return (D, C)[t]
        if history.opponent[1] == C:
            return D
        return _tft(history)

    def fsm_key(self, history: History) -> Hashable | None:
        t = len(history)
        if t < 2:
            return ("open", history.opponent[:t].tobytes())
        return (int(history.opponent[1]), int(history.opponent[-1]))


@dataclass(eq=True)
class Prober4(Strategy):
    """Plays a fixed 20-move opening, counting the opponent's defections that
    answered its own defections ("just") and those that did not ("unjust").
    If the two counts differ by at most 2 it defects for ever; otherwise it
    cooperates for five moves and then plays tit for tat."""

    meta = Meta("prober_4", "Prober 4", INF, reference="Prison (1998)", tags=frozenset({"prober"}))
    _OPENING = actions_from_string("CCDCDDDCCDCDCCDCDDCD")

    def _reset(self) -> None:
        self.just_ds = 0
        self.unjust_ds = 0
        self.turned_defector = False

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        n = len(self._OPENING)
        if t == 0:
            return self._OPENING[0]
        if t < n:
            if history.opponent[-1] == D:
                if history.own[-1] == D:
                    self.just_ds += 1
                else:
                    self.unjust_ds += 1
            return self._OPENING[t]
        if t == n:
            self.turned_defector = abs(self.just_ds - self.unjust_ds) <= 2
        if self.turned_defector:
            return D
        if t < n + 5:
            return C
        return _tft(history)


@dataclass(eq=True)
class HardProber(Strategy):
    """Plays D, D, C, C; then defects for ever if the opponent cooperated on
    moves 2 and 3, and otherwise plays tit for tat."""

    meta = Meta(
        "hard_prober", "Hard Prober", INF, reference="Prison (1998)", tags=frozenset({"prober"})
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t < 4:
            return (D, D, C, C)[t]
        if history.opponent[1] == C and history.opponent[2] == C:
            return D
        return _tft(history)

    def fsm_key(self, history: History) -> Hashable | None:
        t = len(history)
        if t < 4:
            return ("open", history.opponent[:t].tobytes())
        return (history.opponent[1:3].tobytes(), int(history.opponent[-1]))


@dataclass(eq=True)
class NaiveProber(Strategy):
    """Tit for tat that defects with probability ``p`` after the opponent's
    cooperation (Li et al. 2011)."""

    p: float = 0.1

    meta = Meta(
        "naive_prober",
        "Naive Prober",
        1,
        stochastic=True,
        reference="Li, Hingston & Kendall (2011)",
        tags=frozenset({"prober", "retaliating"}),
    )

    def validate(self) -> None:
        self.p = check_probability("p", self.p)

    @property
    def stochastic(self) -> bool:
        return 0.0 < self.p < 1.0

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        if history.opponent[-1] == D:
            return D
        if self.p <= 0.0:
            return C
        if self.p >= 1.0:
            return D
        return C if rng.random() < 1.0 - self.p else D


@dataclass(eq=True)
class RemorsefulProber(Strategy):
    """Naive prober that, when the opponent answers its random defection with a
    defection, cooperates once instead of retaliating."""

    p: float = 0.1

    meta = Meta(
        "remorseful_prober",
        "Remorseful Prober",
        2,
        stochastic=True,
        reference="Li, Hingston & Kendall (2011)",
        tags=frozenset({"prober", "retaliating"}),
    )

    def validate(self) -> None:
        self.p = check_probability("p", self.p)

    def _reset(self) -> None:
        self.probing = False

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        if history.opponent[-1] == D:
            if self.probing:
                self.probing = False
                return C
            return D
        if self.p >= 1.0:
            self.probing = True
            return D
        if self.p <= 0.0 or rng.random() < 1.0 - self.p:
            self.probing = False
            return C
        self.probing = True
        return D

    @property
    def memory_depth(self) -> float:
        # "probing" is remembered across a retaliation round, so the state is
        # not a function of a bounded window.
        return INF


@dataclass(eq=True)
class Tester(Strategy):
    """Gladstein's TESTER (Axelrod's second tournament): defects first; if the
    opponent ever defects it apologises with a cooperation and plays tit for
    tat for the rest of the game; otherwise it cooperates on moves 2 and 3 and
    then alternates D and C."""

    meta = Meta(
        "tester",
        "Tester",
        INF,
        reference="Gladstein; Axelrod (1980b), second tournament",
        tags=frozenset({"prober", "second_tournament"}),
    )

    def _reset(self) -> None:
        self.is_tft = False

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t == 0:
            return D
        if self.is_tft:
            return _tft(history)
        if history.opponent[-1] == D:
            self.is_tft = True
            return C
        if t in (1, 2):
            return C
        return 1 - int(history.own[-1])

    def fsm_key(self, history: History) -> Hashable | None:
        t = len(history)
        if t == 0:
            return "start"
        return (self.is_tft, min(t, 3), int(history.own[-1]), int(history.opponent[-1]))


@dataclass(eq=True)
class Handshake(Strategy):
    """Opens with ``opening`` (C, D); cooperates for ever if the opponent opened
    the same way, and defects for ever otherwise (Robson 1990's secret
    handshake)."""

    opening: str = "CD"

    meta = Meta(
        "handshake",
        "Handshake",
        INF,
        reference="Robson (1990)",
        tags=frozenset({"prober"}),
    )

    def validate(self) -> None:
        if not self.opening:
            raise ValueError("opening must be a non-empty string of C and D")
        self._moves = actions_from_string(self.opening, what="opening")

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        n = len(self._moves)
        if t < n:
            return self._moves[t]
        return C if tuple(int(x) for x in history.opponent[:n]) == self._moves else D

    def fsm_key(self, history: History) -> Hashable | None:
        n = len(self._moves)
        t = len(history)
        if t < n:
            return ("open", history.opponent[:t].tobytes())
        return tuple(int(x) for x in history.opponent[:n]) == self._moves


@dataclass(eq=True)
class Detective(Strategy):
    """Opens with C, D, C, C; then defects for ever if the opponent never
    defected in the opening, and otherwise plays tit for tat (Nicky Case's
    "The Evolution of Trust")."""

    opening: str = "CDCC"

    meta = Meta(
        "detective",
        "Detective",
        INF,
        reference="Case (2017), The Evolution of Trust",
        tags=frozenset({"prober"}),
    )

    def validate(self) -> None:
        if not self.opening:
            raise ValueError("opening must be a non-empty string of C and D")
        self._moves = actions_from_string(self.opening, what="opening")

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        n = len(self._moves)
        if t < n:
            return self._moves[t]
        if D not in history.opponent[:n]:
            return D
        return _tft(history)

    def fsm_key(self, history: History) -> Hashable | None:
        n = len(self._moves)
        t = len(history)
        if t < n:
            return ("open", t, bool(D in history.opponent[:t]))
        return (bool(D in history.opponent[:n]), int(history.opponent[-1]))


@dataclass(eq=True)
class CollectiveStrategy(Strategy):
    """Plays C, D; if the opponent did the same it cooperates until the
    opponent defects again (then defects for ever); otherwise it defects
    (Li & Kendall 2009)."""

    meta = Meta(
        "collective_strategy",
        "Collective Strategy",
        INF,
        reference="Li & Kendall (2009)",
        tags=frozenset({"prober"}),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t < 2:
            return (C, D)[t]
        if history.opponent_defections > 1:
            return D
        if history.opponent[0] == C and history.opponent[1] == D:
            return C
        return D

    def fsm_key(self, history: History) -> Hashable | None:
        t = len(history)
        if t < 2:
            return ("open", history.opponent[:t].tobytes())
        return (history.opponent[:2].tobytes(), min(history.opponent_defections, 2))
