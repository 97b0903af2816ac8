"""Fictitious play and smooth (stochastic) fictitious play.

In fictitious play (Brown 1951) every player, at every step, plays a best
response to the empirical frequencies of the others' past actions, as if they
were fixed mixed strategies. The empirical frequencies converge to a Nash
equilibrium in two-player zero-sum games (Robinson 1951), in 2xN games
(Berger 2005) and in potential games (Monderer & Shapley 1996); in Shapley's
3x3 game they cycle with ever longer runs and never converge (Shapley 1964).

Smooth fictitious play (Fudenberg & Kreps 1993; Fudenberg & Levine 1998,
ch. 4) replaces the best response by the logit response ``softmax(u / tau)``,
a mixed strategy, and samples the action from it.

Beliefs are kept as cumulative payoff vectors: with two players,
``U_0 = sum_s A[:, a_1(s)]`` is updated by adding one column per step (O(a)
work instead of a matrix-vector product); with more players the deviation
payoffs against the empirical profile are contracted each step.

References
----------
Brown, G. W. (1951). Iterative solution of games by fictitious play. In
Activity Analysis of Production and Allocation, 374-376.
Robinson, J. (1951). An iterative method of solving a game. Annals of
Mathematics 54(2), 296-301.
Shapley, L. S. (1964). Some topics in two-person games. Advances in Game
Theory, Annals of Mathematics Studies 52, 1-28.
Fudenberg, D. & Kreps, D. M. (1993). Learning mixed equilibria. Games and
Economic Behavior 5(3), 320-367.
Fudenberg, D. & Levine, D. K. (1998). The Theory of Learning in Games. MIT Press.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from cooplab.games.normal_form import NormalFormGame, deviation_payoffs
from cooplab.learning.base import FloatArray, Learner, check_number
from cooplab.runtime.rng import RngLike

__all__ = ["FictitiousPlay", "SmoothFictitiousPlay", "softmax"]

#: Relative tolerance for tied best responses (cumulative payoffs carry rounding error).
_TIE = 1e-12


def softmax(values: FloatArray, temperature: float) -> FloatArray:
    """``exp(values / temperature)`` normalised, computed without overflow; shape of ``values``."""
    z = (values - values.max(axis=-1, keepdims=True)) / temperature
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class _Beliefs(Learner):
    """Shared belief keeping: counts of the others' play, as cumulative payoff vectors."""

    def __init__(
        self, game: NormalFormGame, *, initial: Sequence[int | str] | None, rng: RngLike
    ) -> None:
        super().__init__(game, rng=rng)
        n = game.n_players
        if initial is None:
            first = [int(self._rng.integers(a)) for a in game.n_actions]
        else:
            if isinstance(initial, str) or not isinstance(initial, Sequence):
                raise ValueError(
                    f"{self.name}: initial is one action per player (index or name); got {initial!r}"
                )
            if len(initial) != n:
                raise ValueError(
                    f"{self.name}: initial needs one action per player ({n}); got {len(initial)}"
                )
            first = [game.action_index(i, a) for i, a in enumerate(initial)]
        self._counts = [np.zeros(a) for a in game.n_actions]
        self._two = n == 2
        if self._two:
            # Rows of A.T are A's columns: U_0 += A[:, a_1] reads one contiguous row.
            self._cols = (np.ascontiguousarray(self._payoffs[0].T), self._payoffs[1])
            self._cum = [np.zeros(a) for a in game.n_actions]
        self._observe(first)
        self._policies = [np.eye(a)[k] for a, k in zip(game.n_actions, first, strict=True)]

    def _observe(self, played: Sequence[int] | Sequence[FloatArray]) -> None:
        """Add one step of play (actions, or mixed strategies) to the beliefs."""
        for i, x in enumerate(played):
            if isinstance(x, np.ndarray):
                self._counts[i] += x
            else:
                self._counts[i][x] += 1.0
        if self._two:
            for i, x in enumerate(played):
                j = 1 - i
                # Player j's payoffs against i's play: a column of A (j = 0) or a row of B (j = 1).
                self._cum[j] += (
                    self._cols[j][x] if not isinstance(x, np.ndarray) else x @ self._cols[j]
                )

    def _belief_payoffs(self) -> list[FloatArray]:
        """Per player, the payoff of each action against the others' empirical frequencies."""
        total = self._counts[0].sum()
        if self._two:
            return [c / total for c in self._cum]
        profile = [c / total for c in self._counts]
        return deviation_payoffs(self._payoffs, profile)

    def _state_arrays(self) -> list[tuple[str, FloatArray]]:
        return [("beliefs", c) for c in self._counts]

    @property
    def beliefs(self) -> tuple[FloatArray, ...]:
        """Each player's empirical frequency of play so far (what the others believe)."""
        return tuple(c / c.sum() for c in self._counts)


class FictitiousPlay(_Beliefs):
    """Fictitious play (Brown 1951), simultaneous updates, n players.

    At step ``t`` each player plays a pure best response to the empirical
    frequencies of the others' actions at steps ``0..t-1``. The current
    policy is that pure action (a one-hot vector), and the history records
    it, so :attr:`average_policies` is the empirical frequency of play: the
    quantity that converges in zero-sum games (Robinson 1951) and cycles in
    Shapley's game (Shapley 1964).

    Parameters
    ----------
    game : NormalFormGame
    initial : sequence of actions, optional
        The actions played at step 0 (indices or names); drawn uniformly at
        random when omitted.
    tie_break : {"random", "first"}
        Among tied best responses, draw one uniformly (as Nashpy does) or
        take the lowest index.
    rng : Generator, int or None

    Examples
    --------
    >>> from cooplab.games import make
    >>> fp = FictitiousPlay(make("matching-pennies"), initial=[0, 0], rng=0).run(2000)
    >>> [round(float(p[0]), 1) for p in fp.average_policies]   # Robinson (1951)
    [0.5, 0.5]
    """

    name = "fictitious-play"
    plays_actions = True

    def __init__(
        self,
        game: NormalFormGame,
        *,
        initial: Sequence[int | str] | None = None,
        tie_break: str = "random",
        rng: RngLike = None,
    ) -> None:
        if tie_break not in ("random", "first"):
            raise ValueError(
                f"{self.name}: tie_break must be 'random' or 'first'; got {tie_break!r}"
            )
        self._random_ties = tie_break == "random"
        super().__init__(game, initial=initial, rng=rng)
        self._eyes = [np.eye(a) for a in game.n_actions]
        self._start()

    def _best(self, u: FloatArray) -> int:
        k = int(u.argmax())
        if self._random_ties:
            # Ties up to rounding (cumulative payoffs carry a few ulps of error).
            tied = np.flatnonzero(u >= u[k] - _TIE * (1.0 + abs(u[k])))
            if tied.shape[0] > 1:
                k = int(tied[self._rng.integers(tied.shape[0])])
        return k

    def _step(self) -> None:
        # Argmax of the cumulative payoffs is argmax of their average: no division needed.
        targets = self._cum if self._two else self._belief_payoffs()
        played = [self._best(u) for u in targets]
        self._observe(played)
        self._record_play(tuple(played))
        self._policies = [self._eyes[i][k] for i, k in enumerate(played)]

    def _check_finite(self) -> None:
        # One-hot policies and counts of play from finite payoffs are always finite.
        return

    def run(self, steps: int) -> FictitiousPlay:
        """Take ``steps`` steps.

        With two players the run is event-driven: play is cut into segments
        that each start with a decision (best responses, ties drawn at random
        as :meth:`step` draws them) and continue while both actions stay
        *strict* best responses. With Row playing ``i`` and Column ``j``,
        Row's cumulative payoff of action ``k`` moves by ``A[k, j] - A[i, j]``
        a step relative to ``i``'s, so the first step at which some ``k``
        ties or overtakes is ``ceil((U_i - U_k - tol) / (A[k, j] - A[i, j]))``
        steps away: a segment costs ``O(a)`` array work, however long it is.
        Both players are handled as one ``(2, a)`` array (padded when their
        action counts differ), and the history is written once at the end.
        The play, the history and the random tie-breaks are those of stepping
        one at a time (exactly so for integer payoffs; for others the
        cumulative payoffs are summed in a different order, which can change
        only ties that are within rounding).
        """
        steps = int(check_number(self.name, "steps", steps, low=0, integer=True))
        if not self._two:
            super().run(steps)
            return self
        if steps == 0:
            return self
        first, second, lengths = self._segments(steps)
        self._record_segments(first, second, lengths)
        return self

    def _segments(self, steps: int) -> tuple[list[int], list[int], list[int]]:
        """Play ``steps`` steps of two-player play; the (i, j, length) of each segment."""
        n0, n1 = self._game.n_actions
        w = max(n0, n1)
        # u[p]: player p's cumulative payoffs (-inf pads a smaller action set: never chosen,
        # never catching up); step_inc[p]: what a step adds to them (zero in the padding):
        # A[:, j] for Row when Column plays j, B[i, :] for Column when Row plays i.
        u = np.full((2, w), -np.inf)
        u[0, :n0] = self._cum[0]
        u[1, :n1] = self._cum[1]
        row_gains, column_gains = self._cols  # rows: A's columns, B's rows
        step_inc = np.zeros((2, w))
        row_inc, column_inc = step_inc[0, :n0], step_inc[1, :n1]
        random_ties = self._random_ties
        rng = self._rng
        first: list[int] = []
        second: list[int] = []
        lengths: list[int] = []
        left = steps
        with np.errstate(divide="ignore", invalid="ignore"):
            while left > 0:
                # The decision of this step, as _best makes it, for both players at once.
                t0, t1 = u.max(axis=1).tolist()
                thr = np.array([[t0 - _TIE * (1.0 + abs(t0))], [t1 - _TIE * (1.0 + abs(t1))]])
                tied = u >= thr
                # Each player's best action is tied with itself: two in all means both strict.
                strict = np.count_nonzero(tied) == 2
                if strict or random_ties:
                    i, j = tied.argmax(axis=1).tolist()
                    if not strict and random_ties:
                        # As _best: one draw per player with a tie, player 0 first.
                        options = tied[0].nonzero()[0]
                        if options.shape[0] > 1:
                            i = int(options[rng.integers(options.shape[0])])
                        options = tied[1].nonzero()[0]
                        if options.shape[0] > 1:
                            j = int(options[rng.integers(options.shape[0])])
                else:
                    i, j = u.argmax(axis=1).tolist()
                row_inc[...] = row_gains[j]
                column_inc[...] = column_gains[i]
                m = 1
                if strict and left > 1:
                    # Both stay strict best responses while every other action k is below
                    # the tie threshold: thr - u_k - s * rise_k > 0 with rise_k the gain of
                    # k over the action played. The first step that fails is the nearest
                    # ceil((thr - u_k) / rise_k) over the k that catch up (rise_k > 0).
                    rise = step_inc - step_inc[(0, 1), (i, j)][:, None]
                    rate = rise / (thr - u)  # > 0 exactly where k catches up (thr - u_k > 0)
                    k = int(rate.argmax())
                    if rate.flat[k] > 0:
                        crossing = float((thr.flat[k // w] - u.flat[k]) / rise.flat[k])
                        m = min(left, max(1, math.ceil(crossing)))
                    else:
                        m = left  # neither best response ever changes
                if m == 1:
                    u += step_inc
                else:
                    u += m * step_inc
                first.append(i)
                second.append(j)
                lengths.append(m)
                left -= m
        self._cum[0][:] = u[0, :n0]
        self._cum[1][:] = u[1, :n1]
        return first, second, lengths

    def _record_segments(self, first: list[int], second: list[int], lengths: list[int]) -> None:
        """Counts, joint counts, the history (one-hot rows) and policies of a run of segments."""
        reps = np.asarray(lengths)
        m = int(reps.sum())
        plays = []
        for p, acts in enumerate((first, second)):
            a = np.asarray(acts)
            self._counts[p] += np.bincount(a, weights=reps, minlength=self._counts[p].shape[0])
            plays.append(np.repeat(a, reps))
        if self._joint_counts is not None:
            np.add.at(self._joint_counts, (np.asarray(first), np.asarray(second)), reps)
        steps = np.arange(self._t + 1, self._t + m + 1)
        for p, h in enumerate(self._history):
            need = self._t + m + 1
            if need > h.shape[0]:
                # Zeroed memory comes from the OS ready-made; only the ones are written.
                grown = np.zeros((max(need, 2 * h.shape[0]), h.shape[1]))
                grown[: self._t + 1] = h[: self._t + 1]
                self._history[p] = h = grown
            else:
                h[self._t + 1 : need] = 0.0
            h[steps, plays[p]] = 1.0
        self._t += m
        self._last_actions = (first[-1], second[-1])
        self._policies = [self._eyes[0][first[-1]], self._eyes[1][second[-1]]]


class SmoothFictitiousPlay(_Beliefs):
    """Smooth (stochastic) fictitious play: logit responses to empirical beliefs.

    At each step player ``i`` computes ``softmax(u_i / temperature)``, where
    ``u_i`` is the payoff of each of its actions against the others'
    empirical frequencies, and (with ``sample=True``) draws its action from
    it; beliefs are updated with the actions drawn. With ``sample=False`` the
    beliefs are updated with the mixed strategies themselves (the mean
    dynamics of the stochastic process). The current policy is the logit
    response; in games with a unique interior equilibrium the policies
    approach the logit quantal response equilibrium (Fudenberg & Kreps 1993).

    Parameters
    ----------
    game : NormalFormGame
    temperature : float, > 0
        In payoff units; small values approach fictitious play.
    sample : bool
    initial : sequence of actions, optional
    rng : Generator, int or None
    """

    name = "smooth-fictitious-play"
    plays_actions = True

    def __init__(
        self,
        game: NormalFormGame,
        *,
        temperature: float = 0.1,
        sample: bool = True,
        initial: Sequence[int | str] | None = None,
        rng: RngLike = None,
    ) -> None:
        self.temperature = check_number(self.name, "temperature", temperature, low=0, low_open=True)
        if not isinstance(sample, bool):
            raise TypeError(f"{self.name}: sample must be True or False; got {sample!r}")
        self.sample = sample
        super().__init__(game, initial=initial, rng=rng)
        self._policies = [softmax(u, self.temperature) for u in self._belief_payoffs()]
        self._start()

    def _step(self) -> None:
        policies = [softmax(u, self.temperature) for u in self._belief_payoffs()]
        if self.sample:
            actions = tuple(self._sample(i, p) for i, p in enumerate(policies))
            self._record_play(actions)
            self._observe(list(actions))
        else:
            self._observe(policies)
        self._policies = policies

    def config(self) -> dict[str, Any]:
        return {"temperature": self.temperature, "sample": self.sample}
