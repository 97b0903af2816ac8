"""Counterfactual regret minimisation: CFR, CFR+, linear CFR and discounted CFR.

One iteration, for each updating player ``i`` (all at once when updates are
simultaneous, one after another when alternating):

1. the edge probabilities of the current strategy profile ``sigma^t``;
2. reach probabilities top-down, one row per player and one for chance;
3. expected values bottom-up, ``v(h) = sum_a sigma(h, a) v(ha)``;
4. instantaneous counterfactual regrets
   ``r(I, a) = sum_{h in I} pi_{-i}(h) (v_i(ha) - v_i(h))``, summed over each
   information set's nodes with one ``np.bincount``;
5. the average-strategy sums ``S(I, a) += w_t pi_i(I) sigma(I, a)``;
6. regret matching to the next ``sigma``.

Each step is a handful of NumPy calls per depth of the tree over the arrays
of :class:`~cooplab.games.extensive.ExtensiveGame`, never Python per node.

Variants
--------
``"cfr"``      vanilla CFR (Zinkevich et al. 2007): regret matching, uniform averaging.
``"cfr+"``     CFR+ (Tammelin 2014; Tammelin et al. 2015): regret matching+
               (cumulative regrets floored at 0 after every update) and linear
               averaging ``w_t = max(t - delay, 0)``; alternating updates are
               part of the algorithm, and ``delay=0`` is OpenSpiel's choice.
``"linear"``   linear CFR (Brown & Sandholm 2019): iteration ``t`` weighted by ``t``
               in both regrets and average (DCFR with alpha = beta = gamma = 1).
``"dcfr"``     discounted CFR (Brown & Sandholm 2019): after iteration ``t``
               positive regrets times ``t^alpha / (t^alpha + 1)``, negative times
               ``t^beta / (t^beta + 1)``, the average sums times ``(t / (t + 1))^gamma``;
               defaults alpha = 1.5, beta = 0, gamma = 2 (the paper's recommendation).

References
----------
Zinkevich, M., Johanson, M., Bowling, M. & Piccione, C. (2007). Regret
minimization in games with incomplete information. NIPS 20.
Tammelin, O. (2014). Solving large imperfect information games using CFR+.
arXiv:1407.5042.
Tammelin, O., Burch, N., Johanson, M. & Bowling, M. (2015). Solving heads-up
limit Texas hold'em. IJCAI.
Brown, N. & Sandholm, T. (2019). Solving imperfect-information games via
discounted regret minimization. AAAI.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.cfr._plan import plan_for
from cooplab.cfr.policy import TabularPolicy
from cooplab.games.extensive import ExtensiveGame
from cooplab.runtime.progress import ProgressFn

__all__ = ["VARIANTS", "CFRSolver"]

VARIANTS = ("cfr", "cfr+", "linear", "dcfr")

FloatArray = npt.NDArray[np.float64]


def _regret_matching(
    regret: FloatArray, mask: npt.NDArray[np.bool_], uniform: FloatArray
) -> FloatArray:
    """Positive regrets normalised per row; uniform where none is positive (Hart & Mas-Colell 2000)."""
    pos = np.where(mask, np.maximum(regret, 0.0), 0.0)
    tot = pos.sum(axis=1, keepdims=True)
    return np.where(tot > 0.0, pos / np.where(tot > 0.0, tot, 1.0), uniform)


class CFRSolver:
    """A full-width CFR-family solver on a compiled game.

    Parameters
    ----------
    game : ExtensiveGame
        Any number of players (the convergence guarantee is for two-player
        zero-sum games).
    variant : {"cfr", "cfr+", "linear", "dcfr"}
    alternating : bool
        Update the players one after another, each against the others'
        freshest strategy (OpenSpiel's default), or all at once.
    alpha, beta, gamma : float
        DCFR's discount exponents (``variant="dcfr"`` only).
    delay : int
        CFR+'s averaging delay ``d`` (``variant="cfr+"`` only): iteration ``t``
        enters the average with weight ``max(t - d, 0)``.

    Examples
    --------
    >>> from cooplab.games.poker import kuhn_poker
    >>> from cooplab.cfr.best_response import expected_values
    >>> game = kuhn_poker()
    >>> solver = CFRSolver(game, "cfr+").run(1000)
    >>> round(float(expected_values(game, solver.average_policy())[0]), 3)  # Kuhn: -1/18
    -0.056
    """

    def __init__(
        self,
        game: ExtensiveGame,
        variant: str = "cfr",
        alternating: bool = True,
        *,
        alpha: float = 1.5,
        beta: float = 0.0,
        gamma: float = 2.0,
        delay: int = 0,
    ) -> None:
        if not isinstance(game, ExtensiveGame):
            raise TypeError(f"CFRSolver needs a compiled ExtensiveGame; got {type(game).__name__}")
        if variant not in VARIANTS:
            raise ValueError(f"unknown CFR variant {variant!r}; expected one of {VARIANTS}")
        if not isinstance(alternating, bool):
            raise TypeError(f"alternating must be a bool; got {type(alternating).__name__}")
        for nm, val in (("alpha", alpha), ("beta", beta), ("gamma", gamma)):
            if isinstance(val, bool) or not isinstance(val, numbers.Real) or not math.isfinite(val):
                raise ValueError(f"{nm} must be a finite number; got {val!r}")
        if isinstance(delay, bool) or not isinstance(delay, numbers.Integral) or delay < 0:
            raise ValueError(f"delay must be a non-negative integer; got {delay!r}")
        if variant == "linear":
            alpha, beta, gamma = 1.0, 1.0, 1.0
        self.game = game
        self.variant = variant
        self.alternating = alternating
        self.alpha, self.beta, self.gamma = float(alpha), float(beta), float(gamma)
        self.delay = int(delay)
        self._plan = plan_for(game)
        shape = (game.num_infosets, game.max_actions)
        self._regret = np.zeros(shape)
        self._avg = np.zeros(shape)
        self._sigma = self._plan.uniform.copy()
        self._iteration = 0

    @property
    def iteration(self) -> int:
        """Iterations completed."""
        return self._iteration

    def step(self) -> None:
        """One iteration (every player updated once)."""
        self._iteration += 1
        players = range(self.game.num_players)
        if self.alternating:
            for i in players:
                self._update([i])
        else:
            self._update(list(players))

    def _update(self, players: list[int]) -> None:
        plan, game = self._plan, self.game
        a = game.max_actions
        t = self._iteration
        edge = plan.edge_probs(self._sigma)
        reach = plan.reaches(edge)
        rows = np.asarray(players)
        values = plan.values(edge, rows)
        for r, i in enumerate(players):
            child, parent, slot = plan.player_edges[i]
            v = values[r]
            cf = plan.counterfactual_reach(reach, i)
            mine = plan.infosets_of[i]
            inst = np.bincount(
                slot, weights=cf[parent] * (v[child] - v[parent]), minlength=mine.size * a
            ).reshape(-1, a)
            own = reach[i, plan.set_nodes[i]][:, None]
            sig = self._sigma[mine]
            if self.variant == "cfr":
                self._regret[mine] += inst
                self._avg[mine] += own * sig
            elif self.variant == "cfr+":
                self._regret[mine] = np.maximum(self._regret[mine] + inst, 0.0)
                self._avg[mine] += max(t - self.delay, 0) * own * sig
            else:  # linear, dcfr: accumulate, then discount by iteration t
                reg = self._regret[mine] + inst
                ta, tb = float(t) ** self.alpha, float(t) ** self.beta
                self._regret[mine] = np.where(reg > 0, reg * (ta / (ta + 1)), reg * (tb / (tb + 1)))
                self._avg[mine] = (self._avg[mine] + own * sig) * (t / (t + 1.0)) ** self.gamma
        for i in players:
            mine = plan.infosets_of[i]
            self._sigma[mine] = _regret_matching(
                self._regret[mine], plan.mask[mine], plan.uniform[mine]
            )

    def run(
        self,
        iterations: int,
        progress: ProgressFn | None = None,
        *,
        callback: Callable[[CFRSolver], None] | None = None,
        every: int = 0,
    ) -> CFRSolver:
        """Run ``iterations`` more iterations; returns ``self``.

        Parameters
        ----------
        iterations : int
        progress : callable, optional
            ``progress(done, iterations)``, about a hundred calls.
        callback : callable, optional
            ``callback(solver)`` after every ``every``-th iteration (``every=0``: never),
            e.g. to record exploitability.
        """
        if isinstance(iterations, bool) or not isinstance(iterations, numbers.Integral):
            raise TypeError(f"iterations must be an integer; got {type(iterations).__name__}")
        if iterations < 0:
            raise ValueError(f"iterations must be >= 0; got {iterations}")
        if isinstance(every, bool) or not isinstance(every, numbers.Integral) or every < 0:
            raise ValueError(f"every must be a non-negative integer; got {every!r}")
        n = int(iterations)
        report = max(1, n // 100)
        for k in range(1, n + 1):
            self.step()
            if callback is not None and every and self._iteration % every == 0:
                callback(self)
            if progress is not None and (k % report == 0 or k == n):
                progress(k, n)
        return self

    # -- read-only views -------------------------------------------------------------------
    def current_policy(self) -> TabularPolicy:
        """``sigma^{t+1}``: regret matching on the cumulative regrets."""
        return TabularPolicy(self.game, self._sigma)

    def average_policy(self) -> TabularPolicy:
        """The (weighted) average strategy; uniform where nothing was accumulated."""
        return TabularPolicy.from_weights(self.game, self._avg)

    def cumulative_regret(self) -> FloatArray:
        """Cumulative regrets, shape (num_infosets, max_actions) (a copy)."""
        return self._regret.copy()

    def cumulative_policy(self) -> FloatArray:
        """Unnormalised average-strategy sums, shape (num_infosets, max_actions) (a copy)."""
        return self._avg.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "game": self.game.name,
            "variant": self.variant,
            "alternating": self.alternating,
            "iteration": self._iteration,
        }

    def __repr__(self) -> str:
        return (
            f"CFRSolver({self.game.name!r}, variant={self.variant!r}, "
            f"alternating={self.alternating}, iteration={self._iteration})"
        )
