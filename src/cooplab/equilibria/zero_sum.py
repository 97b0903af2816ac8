"""Two-player zero-sum games: the value and optimal strategies by linear programming.

The row player's maximin strategy solves

    maximise v  subject to  x^T A >= v (every column),  sum(x) = 1,  x >= 0,

and the column player's minimax strategy the dual problem; by von Neumann's
minimax theorem the two values are equal, and every pair of optimal
strategies is a Nash equilibrium (all equilibria are interchangeable). Both
programs are solved with scipy's HiGHS.

References
----------
von Neumann, J. (1928). Zur Theorie der Gesellschaftsspiele. Math. Annalen 100.
Dantzig, G. B. (1951). A proof of the equivalence of the programming problem
    and the game problem. In Koopmans (ed.), Activity Analysis of Production
    and Allocation, 330-335.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog

from cooplab.equilibria._bimatrix import FloatArray, bimatrix
from cooplab.equilibria.result import EquilibriumResult, equilibrium
from cooplab.games.normal_form import NormalFormGame

__all__ = ["ZeroSumSolution", "maximin_strategy", "solve_zero_sum", "zero_sum_equilibrium"]


@dataclass(frozen=True)
class ZeroSumSolution:
    """The value of a zero-sum game and one optimal strategy per player.

    Attributes
    ----------
    value
        The row player's payoff under optimal play (the column player gets
        minus it, or ``constant - value`` in a constant-sum game).
    row_strategy, column_strategy
        Optimal (maximin and minimax) strategies.
    regret
        The equilibrium's largest regret: the certificate of the LP solution.
    """

    value: float
    row_strategy: FloatArray
    column_strategy: FloatArray
    regret: float
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "row_strategy": self.row_strategy.tolist(),
            "column_strategy": self.column_strategy.tolist(),
            "regret": self.regret,
        }


def maximin_strategy(payoff: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    """The maximin value and strategy of the row player of matrix ``payoff`` (m x n).

    Also returns the column player's minimax strategy, read from the duals of
    the same program (HiGHS's marginals of the column constraints).
    """
    m, n = payoff.shape
    # Variables (x_1..x_m, v); maximise v = minimise -v.
    c = np.zeros(m + 1)
    c[-1] = -1.0
    a_ub = np.hstack([-payoff.T, np.ones((n, 1))])  # v - x^T A_j <= 0
    a_eq = np.concatenate([np.ones(m), [0.0]])[None, :]
    bounds = [(0, None)] * m + [(None, None)]
    res = linprog(
        c, A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs"
    )
    if res.status != 0:  # pragma: no cover - a finite game always has a value
        raise ArithmeticError(f"the maximin linear program failed: {res.message}")
    x = np.maximum(res.x[:m], 0.0)
    y = np.maximum(-np.asarray(res.ineqlin.marginals, dtype=float), 0.0)
    if not y.sum() > 0:  # pragma: no cover - the duals of a solved program sum to 1
        y = np.ones(n)
    return float(res.x[-1]) + 0.0, x / x.sum(), y / y.sum()


def solve_zero_sum(game: NormalFormGame) -> ZeroSumSolution:
    """Value and optimal strategies of a two-player zero-sum (or constant-sum) game.

    Raises ``ValueError`` for a game that is not constant-sum: its equilibria
    are not the players' maximin strategies (use support or vertex
    enumeration, or Lemke-Howson).

    Examples
    --------
    >>> from cooplab.games import make
    >>> solution = solve_zero_sum(make("rock_paper_scissors"))
    >>> round(solution.value, 9), solution.row_strategy.round(6).tolist()
    (0.0, [0.333333, 0.333333, 0.333333])
    """
    A, B = bimatrix(game, "solve_zero_sum")
    if not game.is_constant_sum(tol=1e-9):
        total = A + B
        i, j = np.unravel_index(np.argmax(np.abs(total - total.flat[0])), total.shape)
        raise ValueError(
            "solve_zero_sum needs a zero-sum (or constant-sum) game; in this game the payoffs "
            f"sum to {total.flat[0]:g} at {game.outcome_names((0, 0))} but to {total[i, j]:g} at "
            f"{game.outcome_names((int(i), int(j)))} (use support_enumeration, vertex_enumeration "
            "or lemke_howson for general games)"
        )
    started = time.perf_counter()
    value, x, y = maximin_strategy(A)
    eq = equilibrium(game, [x, y])
    return ZeroSumSolution(
        value=value,
        row_strategy=eq.profile[0],
        column_strategy=eq.profile[1],
        regret=eq.regret,
        stats={"seconds": time.perf_counter() - started},
    )


def zero_sum_equilibrium(game: NormalFormGame) -> EquilibriumResult:
    """:func:`solve_zero_sum` as an :class:`EquilibriumResult` (method ``zero_sum``)."""
    solution = solve_zero_sum(game)
    eq = equilibrium(game, [solution.row_strategy, solution.column_strategy])
    return EquilibriumResult(
        method="zero_sum",
        equilibria=(eq,),
        complete=False,
        stats={"value": solution.value, **solution.stats},
    )
