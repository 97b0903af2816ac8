"""Strategies that play a fixed sequence, whatever the opponent does.

A :class:`Cycler` repeats its ``cycle`` (``"CCD"`` plays C, C, D, C, C, D, ...);
:class:`Alternator` is the cycle ``"CD"``. They ignore the opponent and count
turns, so their machine is a ring of ``len(cycle)`` states.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cooplab.repeated.strategies.base import (
    C,
    D,
    History,
    Meta,
    Strategy,
    actions_from_string,
    variant,
)
from cooplab.repeated.strategies.batch import Batch, Draws, Rounds

__all__ = [
    "Alternator",
    "AntiCycler",
    "Cycler",
    "CyclerCCCCCD",
    "CyclerCCCD",
    "CyclerCCCDCD",
    "CyclerCCD",
    "CyclerDDC",
]


def _period_memory(cycle: tuple[int, ...]) -> int:
    """The smallest k such that the last k own moves determine the next move of
    the endless repetition of ``cycle`` (its memory depth without noise)."""
    n = len(cycle)
    for k in range(0, n + 1):
        seen: dict[tuple[int, ...], int] = {}
        ok = True
        for start in range(n):
            window = tuple(cycle[(start + i) % n] for i in range(k))
            nxt = cycle[(start + k) % n]
            if seen.setdefault(window, nxt) != nxt:
                ok = False
                break
        if ok:
            return k
    return n


@dataclass(eq=True)
class Cycler(Strategy):
    """Repeats ``cycle`` for ever.

    Parameters
    ----------
    cycle : str
        A non-empty string of C and D.
    """

    cycle: str = "CCD"

    meta = Meta("cycler", "Cycler", 2, reference="Axelrod library", tags=frozenset({"cycler"}))

    def validate(self) -> None:
        if not self.cycle:
            raise ValueError("cycle must be a non-empty string of C and D")
        self._moves = actions_from_string(self.cycle, what="cycle")

    @property
    def memory_depth(self) -> float:
        return _period_memory(self._moves)

    def act(self, history: History, rng: np.random.Generator) -> int:
        return self._moves[len(history) % len(self._moves)]

    def fsm_key(self, history: History) -> Hashable | None:
        return len(history) % len(self._moves)


@dataclass(eq=True)
class Alternator(Strategy):
    """Plays C, D, C, D, ... (Axelrod's Alternator: it alternates its own last
    actual move, so under noise it alternates from the flipped move)."""

    meta = Meta(
        "alternator", "Alternator", 1, reference="Axelrod (1984)", tags=frozenset({"cycler"})
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        return D if history.own[-1] == C else C

    def fsm_key(self, history: History) -> Hashable | None:
        return int(history.own[-1]) if len(history) else -1


@dataclass(eq=True)
class AntiCycler(Strategy):
    """Plays C, D, D, then C^1 D C^2 D C^3 D ...: a sequence with no cycle."""

    meta = Meta("anti_cycler", "AntiCycler", math.inf, reference="Axelrod library")

    def _reset(self) -> None:
        self.cycle_length = 1
        self.cycle_counter = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t < 3:
            return (C, D, D)[t]
        if self.cycle_counter < self.cycle_length:
            self.cycle_counter += 1
            return C
        self.cycle_length += 1
        self.cycle_counter = 0
        return D

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _AntiCyclerBatch(self, n, turns)


class _AntiCyclerBatch(Batch):
    """AntiCycler ignores the opponent: every match plays the same sequence,
    so one counter serves them all."""

    def setup(self) -> None:
        self.cycle_length = 1
        self.cycle_counter = 0

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        if t < 3:
            return np.full(self.n, (C, D, D)[t] == D)
        if self.cycle_counter < self.cycle_length:
            self.cycle_counter += 1
            return np.zeros(self.n, dtype=bool)
        self.cycle_length += 1
        self.cycle_counter = 0
        return np.ones(self.n, dtype=bool)


_M = __name__
CyclerCCD = variant(
    Cycler,
    "CyclerCCD",
    "cycler_ccd",
    "Cycler CCD",
    "Plays C, C, D repeatedly.",
    module=_M,
    cycle="CCD",
)
CyclerCCCD = variant(
    Cycler,
    "CyclerCCCD",
    "cycler_cccd",
    "Cycler CCCD",
    "Plays C, C, C, D repeatedly.",
    module=_M,
    memory_depth=3,
    cycle="CCCD",
)
CyclerCCCCCD = variant(
    Cycler,
    "CyclerCCCCCD",
    "cycler_cccccd",
    "Cycler CCCCCD",
    "Plays C five times, then D, repeatedly.",
    module=_M,
    memory_depth=5,
    cycle="CCCCCD",
)
CyclerDDC = variant(
    Cycler,
    "CyclerDDC",
    "cycler_ddc",
    "Cycler DDC",
    "Plays D, D, C repeatedly.",
    module=_M,
    cycle="DDC",
)
CyclerCCCDCD = variant(
    Cycler,
    "CyclerCCCDCD",
    "cycler_cccdcd",
    "Cycler CCCDCD",
    "Plays C, C, C, D, C, D repeatedly.",
    module=_M,
    memory_depth=5,
    cycle="CCCDCD",
)
