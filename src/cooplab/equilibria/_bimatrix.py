"""Shared pieces of the two-player solvers: the payoff matrices, exact linear algebra."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from cooplab.equilibria.result import require_players, to_fractions
from cooplab.games.normal_form import NormalFormGame

FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[np.object_]


def bimatrix(game: NormalFormGame, method: str) -> tuple[FloatArray, FloatArray]:
    """The row player's and the column player's payoff matrices (m x n each)."""
    require_players(game, 2, method)
    return game.payoffs[0], game.payoffs[1]


def exact_bimatrix(game: NormalFormGame) -> tuple[ObjectArray, ObjectArray]:
    """The payoff matrices as arrays of Fractions (see :func:`as_fraction`)."""
    return to_fractions(game.payoffs[0]), to_fractions(game.payoffs[1])


def solve_fraction(
    matrix: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction]
) -> list[Fraction] | None:
    """Solve ``matrix @ x = rhs`` exactly by Gaussian elimination; None when singular."""
    n = len(rhs)
    rows = [[Fraction(v) for v in matrix[i]] + [Fraction(rhs[i])] for i in range(n)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        inv = 1 / rows[col][col]
        prow = [v * inv for v in rows[col]]
        rows[col] = prow
        for r in range(n):
            if r != col and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], prow, strict=True)]
    return [rows[i][n] for i in range(n)]


def indifference_system(payoff: FloatArray) -> FloatArray:
    """The (k+1)x(k+1) matrices ``[[M, -1], [1, 0]]`` for a stack of k x k blocks ``M``.

    Solving it against ``e_{k+1}`` gives the mixture (over M's columns) that
    makes every row earn the same value, and that value.
    """
    *batch, k, _ = payoff.shape
    out = np.zeros((*batch, k + 1, k + 1))
    out[..., :k, :k] = payoff
    out[..., :k, k] = -1.0
    out[..., k, :k] = 1.0
    return out
