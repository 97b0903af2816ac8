"""Majority rules: play what the opponent has played most (Go By Majority,
Gail Grisell's entry to Axelrod's second tournament), over the whole game or
over the last ``memory`` rounds; ties go to C (soft) or D (hard).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cooplab.repeated.strategies.base import C, D, History, Meta, Strategy, check_count, variant
from cooplab.repeated.strategies.batch import Batch, Draws, Rounds

__all__ = [
    "GoByMajority",
    "GoByMajority5",
    "GoByMajority10",
    "GoByMajority20",
    "GoByMajority40",
    "HardGoByMajority",
    "HardGoByMajority5",
    "HardGoByMajority10",
    "HardGoByMajority20",
    "HardGoByMajority40",
]


@dataclass(eq=True)
class GoByMajority(Strategy):
    """Cooperates unless the opponent defected more often than it cooperated.

    Parameters
    ----------
    memory : int
        How many recent rounds to count; 0 counts the whole game.
    soft : bool
        Cooperate on a tie (soft) or defect (hard). With no history a tie
        holds, so a soft majority rule opens with C and a hard one with D.
    """

    memory: int = 0
    soft: bool = True

    meta = Meta(
        "go_by_majority",
        "Soft Go By Majority",
        math.inf,
        reference="Grisell; Axelrod (1980b), second tournament",
        tags=frozenset({"majority", "nice", "retaliating", "forgiving", "second_tournament"}),
    )

    def validate(self) -> None:
        check_count("memory", self.memory)
        if not isinstance(self.soft, bool):
            raise TypeError(f"soft must be True or False; got {self.soft!r}")

    @property
    def memory_depth(self) -> float:
        return self.memory if self.memory > 0 else math.inf

    def act(self, history: History, rng: np.random.Generator) -> int:
        opp = history.opponent[-self.memory :] if self.memory > 0 else history.opponent
        defections = int(np.count_nonzero(opp))
        cooperations = len(opp) - defections
        if defections > cooperations:
            return D
        if defections == cooperations:
            return C if self.soft else D
        return C

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _MajorityBatch(self, n, turns)

    def fsm_key(self, history: History) -> Hashable | None:
        if self.memory == 0 or self.memory > 6:
            return None  # the window has too many states to enumerate usefully
        return history.opponent[-self.memory :].tobytes()


class _MajorityBatch(Batch):
    """Go By Majority on arrays: the opponent's defections in the window, kept
    up to date as rounds enter it and (with a finite memory) leave it."""

    def setup(self) -> None:
        self.memory: int = self.strategy.memory  # type: ignore[attr-defined]
        self.soft: bool = self.strategy.soft  # type: ignore[attr-defined]
        self.defections = self.zeros()

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t, memory = rounds.t, self.memory
        self.defections += rounds.opp
        if memory and t > memory:
            self.defections -= rounds.at(t - 1 - memory)[1]
        window = min(t, memory) if memory else t
        twice = 2 * self.defections  # defections > cooperations: 2 d > window
        if self.soft:
            return twice > window
        return twice >= window


_M = __name__
_HARD_TAGS = frozenset({"majority", "retaliating", "forgiving"})
_SOFT_TAGS = GoByMajority.meta.tags - {"second_tournament"}

HardGoByMajority = variant(
    GoByMajority,
    "HardGoByMajority",
    "hard_go_by_majority",
    "Hard Go By Majority",
    "Defects when the opponent defected at least as often as it cooperated.",
    module=_M,
    tags=_HARD_TAGS,
    soft=False,
)


def _sized(memory: int, soft: bool) -> type[Strategy]:
    kind = "" if soft else "Hard"
    return variant(
        GoByMajority,
        f"{kind}GoByMajority{memory}",
        f"{'' if soft else 'hard_'}go_by_majority_{memory}",
        f"{'Soft' if soft else 'Hard'} Go By Majority {memory}",
        f"{'Soft' if soft else 'Hard'} Go By Majority over the last {memory} rounds.",
        module=_M,
        memory_depth=memory,
        tags=_SOFT_TAGS if soft else _HARD_TAGS,
        memory=memory,
        soft=soft,
    )


GoByMajority5 = _sized(5, True)
GoByMajority10 = _sized(10, True)
GoByMajority20 = _sized(20, True)
GoByMajority40 = _sized(40, True)
HardGoByMajority5 = _sized(5, False)
HardGoByMajority10 = _sized(10, False)
HardGoByMajority20 = _sized(20, False)
HardGoByMajority40 = _sized(40, False)
