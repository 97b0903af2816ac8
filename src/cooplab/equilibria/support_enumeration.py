"""All Nash equilibria of a two-player game by support enumeration.

For every pair of supports ``I`` (rows) and ``J`` (columns) of equal size,
solve the indifference conditions -- the column player's mixture ``y`` on
``J`` makes every row in ``I`` earn the same value ``v``, and the row player's
mixture ``x`` on ``I`` makes every column in ``J`` earn ``u`` -- and keep the
solutions that are probability vectors with no profitable deviation outside
the supports. In a nondegenerate game every equilibrium has supports of equal
size and is the unique solution of its support's system, so the list is
complete (Shoham & Leyton-Brown 2008, sec. 4.2; Nisan et al. 2007, ch. 3).

The systems of one support size are solved together as one batch of small
linear systems, so a 10x10 game's 184,755 support pairs take a fraction of a
second. With ``exact=True`` every candidate the floating-point pass finds
(with a loose tolerance) is solved and checked again in rational arithmetic.

A degenerate game (a mixed strategy with more pure best responses than the
size of its support; ties between pure payoffs are the common case) can have
equilibria with unequal supports and continua of equilibria that this method
misses. It is detected, said in ``result.degenerate``, and warned about with
:class:`DegenerateGameWarning`; :func:`vertex_enumeration` handles such games.

References
----------
Dickhaut, J. & Kaplan, T. (1991). A program for finding Nash equilibria.
    The Mathematica Journal 1(4), 87-93.
von Stengel, B. (2007). Equilibrium computation for two-player games in
    strategic and extensive form. In Nisan et al., Algorithmic Game Theory, ch. 3.
"""

from __future__ import annotations

import itertools
import math
import time
from fractions import Fraction

import numpy as np

from cooplab.equilibria._bimatrix import (
    FloatArray,
    bimatrix,
    exact_bimatrix,
    indifference_system,
    solve_fraction,
)
from cooplab.equilibria.result import (
    Equilibrium,
    EquilibriumResult,
    TooExpensiveError,
    dedupe,
    describe_duration,
    equilibrium,
    warn_degenerate,
)
from cooplab.games.normal_form import NormalFormGame

__all__ = ["MAX_SUPPORT_PAIRS", "count_support_pairs", "support_enumeration"]

#: Above this many support pairs (about a 14x14 game) the method is refused
#: unless forced: the work doubles with every action added.
MAX_SUPPORT_PAIRS = 20_000_000
#: Support pairs solved per second, roughly, on one core (for the estimate).
_RATE = 1.5e6
#: Systems solved in one numpy batch.
_BATCH = 60_000
#: The loose tolerance of the floating-point screen before exact checking.
_SCREEN = 1e-6


def count_support_pairs(m: int, n: int) -> int:
    """The number of equal-size support pairs of an m x n game: C(m+n, m) - 1."""
    return math.comb(m + n, m) - 1


def support_enumeration(
    game: NormalFormGame,
    *,
    exact: bool = False,
    tol: float = 1e-9,
    force: bool = False,
) -> EquilibriumResult:
    """Every Nash equilibrium of a nondegenerate two-player game.

    Parameters
    ----------
    game
        A two-player :class:`~cooplab.games.NormalFormGame`.
    exact
        Solve and check the equilibria in rational arithmetic (payoffs read as
        the simple fractions they stand for, see :func:`as_fraction`); the
        result carries each profile as fractions.
    tol
        Tolerance, relative to each player's payoff spread, for "no profitable
        deviation" and for non-negative probabilities in floating point.
    force
        Run even when the game is so large that it would take hours.

    Returns
    -------
    EquilibriumResult
        ``complete`` is True when the game was found nondegenerate;
        ``degenerate`` says whether it was. ``stats`` has the support pairs
        tried and the singular systems met.

    Raises
    ------
    TooExpensiveError
        For games with more than :data:`MAX_SUPPORT_PAIRS` support pairs,
        with an estimate of the time, unless ``force``.

    Examples
    --------
    >>> from cooplab.games import make
    >>> result = support_enumeration(make("battle_of_the_sexes"), exact=True)
    >>> [[[str(p) for p in s] for s in e.exact] for e in result]
    [[['1', '0'], ['1', '0']], [['2/3', '1/3'], ['1/3', '2/3']], [['0', '1'], ['0', '1']]]
    """
    A, B = bimatrix(game, "support_enumeration")
    m, n = A.shape
    pairs = count_support_pairs(m, n)
    if pairs > MAX_SUPPORT_PAIRS and not force:
        raise TooExpensiveError(
            f"support enumeration of this {m}x{n} game would try {pairs:.3g} support pairs "
            f"(about {describe_duration(pairs / _RATE)} here); use lemke_howson(game) for one "
            "equilibrium, or pass force=True to run it anyway"
        )
    started = time.perf_counter()
    tie = game.tie_tolerance(tol)
    screen_tie = game.tie_tolerance(_SCREEN) if exact else tie
    ptol = _SCREEN if exact else tol
    candidates: list[tuple[tuple[int, ...], tuple[int, ...], FloatArray, FloatArray]] = []
    singular = 0
    solved = 0
    for k in range(1, min(m, n) + 1):
        rows = np.array(list(itertools.combinations(range(m), k)), dtype=np.intp)
        cols = np.array(list(itertools.combinations(range(n), k)), dtype=np.intp)
        # Prune: a row strictly dominated by another row on the columns of J is
        # never a best response to a mixture on J, so it is in no row support
        # paired with J; likewise for columns (Porter, Nudelman & Shoham 2008).
        row_ok = _supports_undominated(
            A, cols, rows, screen_tie[0]
        )  # (column supports, row supports)
        col_ok = _supports_undominated(
            B.T, rows, cols, screen_tie[1]
        )  # (row supports, column supports)
        pairs_ok = row_ok.T & col_ok
        for start in range(0, len(rows), max(1, _BATCH // len(cols))):
            stop = start + max(1, _BATCH // len(cols))
            ri, ci = np.nonzero(pairs_ok[start:stop])
            if ri.size == 0:
                continue
            found, bad = _solve_pairs(A, B, rows[start + ri], cols[ci], screen_tie, ptol)
            candidates.extend(found)
            singular += bad
            solved += ri.size

    if exact:
        equilibria = _exact_equilibria(game, candidates)
    else:
        equilibria = [
            equilibrium(game, [_spread(x, I, m), _spread(y, J, n)]) for I, J, x, y in candidates
        ]
    equilibria = dedupe(equilibria)
    degenerate, why = _degeneracy(game, A, B, equilibria, tie)
    if degenerate:
        warn_degenerate("support_enumeration", why)
    return EquilibriumResult(
        method="support_enumeration",
        equilibria=tuple(equilibria),
        degenerate=degenerate,
        complete=not degenerate,
        exact=exact,
        stats={
            "support_pairs": pairs,
            "systems_solved": solved,
            "singular_systems": singular,
            "degeneracy": why,
            "seconds": time.perf_counter() - started,
        },
    )


def _supports_undominated(
    M: FloatArray, others: np.ndarray, supports: np.ndarray, tie: float
) -> np.ndarray:
    """``ok[c, s]``: no action of support ``supports[s]`` is dominated on ``others[c]``.

    ``M`` is the player's payoffs with its own actions as rows; an action is
    dominated on a set of the other's actions when another own action pays
    strictly more (by more than ``tie``) on every one of them.
    """
    sub = M[:, others].transpose(1, 0, 2)  # (c, own actions, k)
    # dominated[c, i]: some action r beats action i on every column of others[c]
    dominated = np.any(np.all(sub[:, :, None, :] > sub[:, None, :, :] + tie, axis=-1), axis=1)
    undominated = ~dominated  # (c, own actions)
    return np.all(undominated[:, supports], axis=-1)  # (c, s)


def _solve_pairs(
    A: FloatArray,
    B: FloatArray,
    rows: np.ndarray,
    cols: np.ndarray,
    tie: FloatArray,
    ptol: float,
) -> tuple[list[tuple[tuple[int, ...], tuple[int, ...], FloatArray, FloatArray]], int]:
    """Solve the support pairs ``(rows[p], cols[p])``; keep those that are equilibria."""
    # The column player's mixture y on J makes the rows of I indifferent.
    sub_a = A[rows[:, :, None], cols[:, None, :]]  # (p, k, k)
    y, v, bad_y = _batched_indifference(sub_a)
    keep = np.flatnonzero(~bad_y & np.all(y >= -ptol, axis=-1))
    if keep.size == 0:
        return [], int(bad_y.sum())
    rows, cols, y, v = rows[keep], cols[keep], y[keep], v[keep]
    # No row earns more than v against y.
    row_payoffs = np.einsum("mpk,pk->pm", A[:, cols], y)  # (p, m)
    keep = np.flatnonzero(np.all(row_payoffs <= v[:, None] + tie[0], axis=1))
    if keep.size == 0:
        return [], int(bad_y.sum())
    rows, cols, y = rows[keep], cols[keep], y[keep]
    # The row player's mixture x on I makes the columns of J indifferent.
    sub_b = B[rows[:, :, None], cols[:, None, :]].transpose(0, 2, 1)  # (p, k, k)
    x, u, bad_x = _batched_indifference(sub_b)
    ok = ~bad_x & np.all(x >= -ptol, axis=-1)
    col_payoffs = np.einsum("pk,pkn->pn", x, B[rows])
    ok &= np.all(col_payoffs <= u[:, None] + tie[1], axis=1)
    out = [
        (tuple(rows[p].tolist()), tuple(cols[p].tolist()), x[p], y[p]) for p in np.flatnonzero(ok)
    ]
    return out, int(bad_y.sum() + bad_x.sum())


def _batched_indifference(blocks: FloatArray) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Solve ``[[M, -1], [1, 0]] [z; w] = [0; 1]`` for a stack of blocks ``M``.

    Returns the mixtures ``z``, the values ``w`` and a mask of the singular
    systems (whose entries are garbage).
    """
    system = indifference_system(blocks)
    k1 = system.shape[-1]
    rhs = np.zeros((*system.shape[:-1], 1))
    rhs[..., -1, 0] = 1.0
    try:
        sol = np.linalg.solve(system, rhs)[..., 0]
        bad = ~np.all(np.isfinite(sol), axis=-1)
    except np.linalg.LinAlgError:
        # Some system is exactly singular: find which, solve the others.
        flat = system.reshape(-1, k1, k1)
        scale = np.prod(np.linalg.norm(flat, axis=-1), axis=-1)
        det = np.abs(np.linalg.det(flat))
        bad_flat = det <= 1e-13 * np.maximum(scale, 1e-300)
        flat = np.where(bad_flat[:, None, None], np.eye(k1), flat)
        sol = np.linalg.solve(flat, rhs.reshape(-1, k1, 1))[..., 0].reshape(system.shape[:-1])
        bad = bad_flat.reshape(system.shape[:-2])
    return sol[..., :-1], sol[..., -1], bad


def _spread(mix: FloatArray, support: tuple[int, ...], size: int) -> FloatArray:
    out = np.zeros(size)
    out[list(support)] = np.maximum(mix, 0.0)
    return out / out.sum()


def _exact_equilibria(
    game: NormalFormGame,
    candidates: list[tuple[tuple[int, ...], tuple[int, ...], FloatArray, FloatArray]],
) -> list[Equilibrium]:
    """Solve each candidate support pair in fractions and keep the exact equilibria."""
    A, B = exact_bimatrix(game)
    m, n = A.shape
    out = []
    for I, J, _, _ in candidates:
        y = _exact_mixture([[A[i, j] for j in J] for i in I])
        x = _exact_mixture([[B[i, j] for i in I] for j in J])
        if y is None or x is None:
            continue
        (ymix, v), (xmix, u) = y, x
        if min(ymix) < 0 or min(xmix) < 0:
            continue
        if any(sum(A[i, j] * p for j, p in zip(J, ymix, strict=True)) > v for i in range(m)):
            continue
        if any(sum(B[i, j] * p for i, p in zip(I, xmix, strict=True)) > u for j in range(n)):
            continue
        xs = [Fraction(0)] * m
        ys = [Fraction(0)] * n
        for i, p in zip(I, xmix, strict=True):
            xs[i] = p
        for j, p in zip(J, ymix, strict=True):
            ys[j] = p
        out.append(equilibrium(game, [], exact=[xs, ys]))
    return out


def _exact_mixture(block: list[list[Fraction]]) -> tuple[list[Fraction], Fraction] | None:
    """The mixture over a block's columns that equalises its rows, and the value."""
    k = len(block)
    system = [[*row, Fraction(-1)] for row in block] + [[Fraction(1)] * k + [Fraction(0)]]
    sol = solve_fraction(system, [Fraction(0)] * k + [Fraction(1)])
    if sol is None:
        return None
    return sol[:k], sol[k]


def _degeneracy(
    game: NormalFormGame,
    A: FloatArray,
    B: FloatArray,
    equilibria: list[Equilibrium],
    tie: FloatArray,
) -> tuple[bool, str]:
    """Whether the game is degenerate, and the evidence found.

    Checks every pure strategy (a pure strategy with two pure best responses
    is degenerate) and every equilibrium found (more best responses than the
    size of the support played).
    """
    col_best = A.max(axis=0)
    for j in range(A.shape[1]):
        ties = np.flatnonzero(A[:, j] >= col_best[j] - tie[0])
        if len(ties) > 1:
            names = game.action_names
            return True, (
                f"against column {names[1][j]!r} the row player has {len(ties)} pure best "
                f"responses {[names[0][i] for i in ties]}"
            )
    row_best = B.max(axis=1)
    for i in range(B.shape[0]):
        ties = np.flatnonzero(B[i] >= row_best[i] - tie[1])
        if len(ties) > 1:
            names = game.action_names
            return True, (
                f"against row {names[0][i]!r} the column player has {len(ties)} pure best "
                f"responses {[names[1][j] for j in ties]}"
            )
    for e in equilibria:
        x, y = e.profile
        br_row = np.flatnonzero(A @ y >= (A @ y).max() - tie[0])
        br_col = np.flatnonzero(x @ B >= (x @ B).max() - tie[1])
        sx, sy = np.count_nonzero(x > 0), np.count_nonzero(y > 0)
        if len(br_row) > sy or len(br_col) > sx:
            return True, (
                f"at the equilibrium {[s.round(6).tolist() for s in e.profile]} a strategy "
                f"with support of size {sy if len(br_row) > sy else sx} has "
                f"{len(br_row) if len(br_row) > sy else len(br_col)} pure best responses"
            )
    return False, ""
