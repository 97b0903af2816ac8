"""Batched twins of ``act``: one strategy played in many matches at once, on arrays.

A strategy that is neither a finite-state machine nor memory-one (its play
depends on unbounded counters, on the turn number, or on random numbers drawn
in a pattern no table captures) would be asked through :meth:`Strategy.act`
once per match and turn. :meth:`Strategy.as_batch` lets it offer instead a
:class:`Batch`: the same rule written once over arrays, one entry per match,
which the engine (:mod:`cooplab.repeated.engine`) steps once per turn for all
the matches where the strategy plays, whoever the opponents are.

The contract is exactness: in every match, a batch plays what ``act`` plays,
given the same rounds and the same random stream, number for number. A batch
draws its random numbers through :class:`Draws`, whose methods are NumPy's own
algorithms (``Generator.random``, ``uniform`` and ``integers``) applied to each
match's generator stream, so that a batch and ``act`` consume the stream in
the same order. ``tests/repeated/test_batch.py`` checks every batch against
``act`` over all pairs of strategies, with noise, varied and unknown lengths
and an asymmetric game.

Actions here are booleans, ``True`` for D, so that masks combine directly.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from cooplab.repeated.strategies.base import Strategy

__all__ = ["Batch", "Draws", "Rounds"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class Rounds(ABC):
    """The rounds played so far in ``n`` matches, from the batched player's side.

    Attributes
    ----------
    t : int
        The turn about to be played (rounds played so far), the same in all
        matches.
    own, opp : array of bool, shape (n,)
        The last round's actions actually played (after noise), ``True`` for D;
        all ``False`` at ``t = 0``.
    """

    t: int
    own: BoolArray
    opp: BoolArray

    @abstractmethod
    def at(self, turn: int) -> tuple[BoolArray, BoolArray]:
        """The actions (own, opponent's) of an earlier round ``0 <= turn < t``, shape (n,) each."""


class Draws(ABC):
    """Each match's random stream (the generator ``act`` would be given).

    Every method takes ``where``, a boolean mask of shape (n,): only the
    matches where it is true draw (and advance their stream); the values
    elsewhere are meaningless.
    """

    @abstractmethod
    def raw(self, where: BoolArray) -> npt.NDArray[np.uint64]:
        """The next 64-bit output of each stream (``bit_generator.random_raw()``)."""

    @abstractmethod
    def uint32(self, where: BoolArray) -> npt.NDArray[np.uint64]:
        """The next 32-bit output, NumPy's ``next_uint32`` (half of a 64-bit output, the
        other half kept for the next call)."""

    def random(self, where: BoolArray) -> FloatArray:
        """``Generator.random()``: ``(raw >> 11) * 2**-53``."""
        return (self.raw(where) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)

    def uniform(self, low: float, high: float, where: BoolArray) -> FloatArray:
        """``Generator.uniform(low, high)``: ``low + (high - low) * random()``."""
        span = float(high) - float(low)
        return float(low) + span * self.random(where)

    def integers(self, low: int, high: int, where: BoolArray) -> IntArray:
        """``Generator.integers(low, high)`` (int64, ``high`` excluded) for a range
        below 2**32: NumPy's Lemire rejection method on 32-bit outputs."""
        rng = int(high) - int(low) - 1
        if rng < 0:
            raise ValueError(f"integers needs low < high; got {low}, {high}")
        n = where.shape[0]
        if rng == 0:
            return np.full(n, int(low), dtype=np.int64)  # NumPy draws nothing here
        if rng > 0xFFFFFFFF:
            raise ValueError(f"integers supports ranges below 2**32; got {rng + 1}")
        if rng == 0xFFFFFFFF:
            return int(low) + self.uint32(where).astype(np.int64)
        excl = np.uint64(rng + 1)
        m = self.uint32(where) * excl
        leftover = m & np.uint64(0xFFFFFFFF)
        threshold = np.uint64((0xFFFFFFFF - rng) % (rng + 1))
        again = where & (leftover < threshold)
        while again.any():  # rare: probability below range / 2**32 per draw
            m2 = self.uint32(again) * excl
            m = np.where(again, m2, m)
            leftover = m & np.uint64(0xFFFFFFFF)
            again = again & (leftover < threshold)
        return int(low) + (m >> np.uint64(32)).astype(np.int64)


class Batch:
    """A strategy played in ``n`` matches at once; subclasses write ``act`` on arrays.

    Parameters
    ----------
    strategy
        The strategy, already reset for the matches (its ``match_info`` gives
        the payoffs; its parameters are read, never changed).
    n
        The number of matches.
    turns
        Each match's announced length, shape (n,), or ``None`` when the length
        is not announced (``MatchInfo.turns is None``).

    Subclasses keep their state in arrays of shape (n,), made in :meth:`setup`,
    and implement :meth:`act`, called once per turn, ``t = 0, 1, ...``, in order.
    """

    #: How many 64-bit random outputs one turn may use (a hint for the engine's
    #: buffers; more are generated when needed).
    draws_per_turn: ClassVar[int] = 0

    def __init__(self, strategy: Strategy, n: int, turns: IntArray | None) -> None:
        self.strategy = strategy
        self.n = int(n)
        self.turns = None if turns is None else np.asarray(turns, dtype=np.int64)
        info = strategy.match_info
        #: payoffs[own, opp] and opponent_payoffs[opp, own], as arrays
        self.payoffs = np.array(info.payoffs, dtype=np.float64)
        self.opponent_payoffs = np.array(info.opponent_payoffs, dtype=np.float64)
        self.setup()

    def setup(self) -> None:
        """Make the state arrays (the twin of ``_reset``)."""

    def zeros(self, dtype: Any = np.int64) -> npt.NDArray[Any]:
        """A state array of zeros, one entry per match."""
        return np.zeros(self.n, dtype=dtype)

    def last_turns(self, t: int, k: int) -> BoolArray:
        """Where the announced length leaves at most ``k`` turns from turn ``t``
        (``turns - t <= k``); all false when the length is not announced."""
        if self.turns is None:
            return np.zeros(self.n, dtype=bool)
        return self.turns - t <= k

    def act(self, rounds: Rounds, draws: Draws) -> BoolArray:
        """The intended actions at turn ``rounds.t``, shape (n,), ``True`` for D."""
        raise NotImplementedError
