"""No-regret learners: Hedge (multiplicative weights) and regret matching.

Each player keeps, for every one of its actions, what that action would have
earned against the actions the others actually played (full-information
feedback). Hedge plays ``softmax(eta * cumulative payoffs)``; regret matching
plays in proportion to the positive part of the cumulative regrets. Both have
external regret ``o(T)`` against any sequence of opponent play, so the
empirical joint distribution of play approaches the set of coarse correlated
equilibria (Hannan 1957; Hart & Mas-Colell 2000): its CCE violation is the
largest average regret, :meth:`Learner.cce_violation`.

Hedge's regret bound (Cesa-Bianchi & Lugosi 2006, Theorem 2.2): with payoffs
in a range of width ``R``, ``n`` actions and the fixed rate
``eta = sqrt(8 ln n / T) / R``, the regret after ``T`` steps, measured with
the expected payoff of the mixed strategies played, is at most
``R sqrt(T ln n / 2)``; with the time-varying rate ``eta_t = sqrt(8 ln n / t) / R``
it is at most ``R (2 sqrt(T ln n / 2) + sqrt(ln n / 8))`` (their Theorem 2.3).

References
----------
Freund, Y. & Schapire, R. E. (1997). A decision-theoretic generalization of
on-line learning and an application to boosting. Journal of Computer and
System Sciences 55(1), 119-139.
Hart, S. & Mas-Colell, A. (2000). A simple adaptive procedure leading to
correlated equilibrium. Econometrica 68(5), 1127-1150.
Cesa-Bianchi, N. & Lugosi, G. (2006). Prediction, Learning, and Games.
Cambridge University Press.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cooplab.games.normal_form import NormalFormGame
from cooplab.learning.base import FloatArray, Learner, check_number
from cooplab.runtime.rng import RngLike

__all__ = ["Hedge", "RegretMatching"]


class _FullInformation(Learner):
    """Shared bookkeeping: sampled joint actions and each player's counterfactual payoffs."""

    plays_actions = True

    def __init__(self, game: NormalFormGame, *, rng: RngLike) -> None:
        super().__init__(game, rng=rng)
        self._cum = [np.zeros(a) for a in game.n_actions]  # sum_t u_i(k, a_-i^t)
        self._expected = np.zeros(game.n_players)  # sum_t p_i^t . u_i(., a_-i^t)
        self._realised = np.zeros(game.n_players)  # sum_t u_i(a^t)

    def _counterfactuals(self, actions: tuple[int, ...]) -> list[FloatArray]:
        """Per player, the payoff each of its actions would have earned against the others' play."""
        out = []
        for i in range(self._game.n_players):
            index = list(actions)
            index[i] = slice(None)  # type: ignore[call-overload]
            out.append(self._payoffs[i][tuple(index)])
        return out

    def _play(self) -> list[FloatArray]:
        actions = tuple(self._sample(i, p) for i, p in enumerate(self._policies))
        self._record_play(actions)
        payoffs = self._counterfactuals(actions)
        for i, u in enumerate(payoffs):
            self._cum[i] += u
            self._expected[i] += float(self._policies[i] @ u)
            self._realised[i] += u[actions[i]]
        return payoffs

    def regrets(self, *, expected: bool = True) -> FloatArray:
        """Each player's external regret so far (a total, not an average); shape (n,).

        ``max_k sum_t u_i(k, a_-i^t)`` minus the payoff collected: the
        expected payoff of the mixed strategies played (``expected=True``,
        the quantity the regret bounds are about) or the realised one.
        """
        got = self._expected if expected else self._realised
        return np.array([c.max() for c in self._cum]) - got

    def _state_arrays(self) -> list[tuple[str, FloatArray]]:
        return [("cumulative payoffs", c) for c in self._cum]


class Hedge(_FullInformation):
    """Hedge / multiplicative weights (Freund & Schapire 1997), every player at once.

    Player ``i`` plays ``p_i^t ∝ exp(eta_t * sum_{s<t} u_i(., a_-i^s))``.

    Parameters
    ----------
    game : NormalFormGame
    learning_rate : float > 0, optional
        A fixed ``eta``. By default the anytime rate
        ``eta_t = sqrt(8 ln a_i / t) / R_i`` (``R_i`` player i's payoff
        range), whose regret bound is Theorem 2.3 of Cesa-Bianchi & Lugosi
        (2006).
    rng : Generator, int or None

    Examples
    --------
    >>> from cooplab.games import make
    >>> h = Hedge(make("rock-paper-scissors"), rng=0).run(5000)
    >>> h.cce_violation() < 0.05
    True
    """

    name = "hedge"

    def __init__(
        self, game: NormalFormGame, *, learning_rate: float | None = None, rng: RngLike = None
    ) -> None:
        super().__init__(game, rng=rng)
        self.learning_rate = (
            None
            if learning_rate is None
            else check_number(self.name, "learning_rate", learning_rate, low=0, low_open=True)
        )
        spread = game.payoff_spread
        self._scale = np.where(spread > 0, spread, 1.0)
        self._policies = [np.full(a, 1.0 / a) for a in game.n_actions]
        self._start()

    def config(self) -> dict[str, Any]:
        return {"learning_rate": self.learning_rate}

    def rate(self, player: int, t: int) -> float:
        """The learning rate player ``player`` uses at step ``t`` (>= 1)."""
        if self.learning_rate is not None:
            return self.learning_rate
        a = self._game.n_actions[player]
        return math.sqrt(8.0 * math.log(max(a, 2)) / max(t, 1)) / float(self._scale[player])

    def _step(self) -> None:
        self._play()
        t = self._t + 1  # the rate for the next step's policy
        new = []
        for i, c in enumerate(self._cum):
            z = self.rate(i, t) * (c - c.max())
            w = np.exp(z)
            new.append(w / w.sum())
        self._policies = new


class RegretMatching(_FullInformation):
    """Regret matching (Hart & Mas-Colell 2000), unconditional (external) version.

    Player ``i`` plays each action with probability proportional to the
    positive part of its cumulative regret ``sum_t [u_i(k, a_-i^t) - u_i(a^t)]``,
    uniformly when no regret is positive. Regret per step falls as
    ``O(1/sqrt(T))``, so the empirical joint play approaches the coarse
    correlated equilibria.

    Parameters
    ----------
    game : NormalFormGame
    rng : Generator, int or None

    Examples
    --------
    >>> from cooplab.games import make
    >>> rm = RegretMatching(make("matching-pennies"), rng=0).run(5000)
    >>> rm.cce_violation() < 0.05
    True
    """

    name = "regret-matching"

    def __init__(self, game: NormalFormGame, *, rng: RngLike = None) -> None:
        super().__init__(game, rng=rng)
        self._regret = [np.zeros(a) for a in game.n_actions]
        self._policies = [np.full(a, 1.0 / a) for a in game.n_actions]
        self._start()

    def config(self) -> dict[str, Any]:
        return {}

    def _step(self) -> None:
        actions = None
        payoffs = self._play()
        actions = self._last_actions
        new = []
        for i, u in enumerate(payoffs):
            self._regret[i] += u - u[actions[i]]  # type: ignore[index]
            pos = np.maximum(self._regret[i], 0.0)
            total = pos.sum()
            new.append(pos / total if total > 0 else np.full(u.shape[0], 1.0 / u.shape[0]))
        self._policies = new
