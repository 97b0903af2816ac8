"""One Nash equilibrium of a two-player game by the Lemke-Howson algorithm.

With payoffs shifted to be positive, the algorithm walks the edges of the
best-response polytopes ``P = {x >= 0 : B^T x <= 1}`` and
``Q = {y >= 0 : A y <= 1}`` (see :mod:`.vertex_enumeration` for the labels),
starting from the artificial equilibrium ``(0, 0)``: it drops one label ``k``
(the *initial label*), and then alternately pivots in the two tableaux, each
pivot picking up the label the other tableau just lost, until the missing
label is picked up again. The end of the path is a Nash equilibrium
(Lemke & Howson 1964; von Stengel 2007, sec. 3.4).

Pivoting is made safe for degenerate games in two ways:

- the minimum-ratio test is *lexicographic* (ties broken by the rows of the
  basis inverse), which makes every step well defined, so no path cycles;
- with ``exact=True`` the tableaux hold integers and are updated by *integer
  pivoting* (every entry a determinant, divided exactly), so the path and the
  equilibrium are exact whatever the payoffs' magnitudes.

A floating-point path can still lose its way on an ill-conditioned game
(payoffs spanning many orders of magnitude): its end is checked, and a path
that ends at a profile where some player's regret is above ``1e-7`` of that
player's payoff spread (or
that fails) is redone with integer pivoting, with a :class:`NumericalWarning`;
``stats["redone_exactly"]`` lists those labels. A wrong profile is never
returned.

:func:`lemke_howson` follows one path; :func:`lemke_howson_all` follows the
path from every label and reports the distinct equilibria found and the
length of each path (the number of pivots, the measure of Lemke-Howson's
running time; Savani & von Stengel 2006 built games where every path is
exponentially long).

References
----------
Lemke, C. E. & Howson, J. T. (1964). Equilibrium points of bimatrix games.
    SIAM Journal on Applied Mathematics 12(2), 413-423.
von Stengel, B. (2007). Equilibrium computation for two-player games in
    strategic and extensive form. In Nisan et al., Algorithmic Game Theory, ch. 3.
Savani, R. & von Stengel, B. (2006). Hard-to-solve bimatrix games.
    Econometrica 74(2), 397-429.
"""

from __future__ import annotations

import math
import time
import warnings
from fractions import Fraction
from typing import Any

import numpy as np

from cooplab.equilibria._bimatrix import FloatArray, bimatrix, exact_bimatrix
from cooplab.equilibria.result import (
    Equilibrium,
    EquilibriumResult,
    NumericalWarning,
    TooExpensiveError,
    dedupe,
    equilibrium,
)
from cooplab.games.normal_form import NormalFormGame

__all__ = ["DEFAULT_MAX_PIVOTS", "lemke_howson", "lemke_howson_all"]

#: The longest path followed before giving up (raise ``max_pivots`` for hard games).
DEFAULT_MAX_PIVOTS = 1_000_000
_EPS = 1e-12
_TIE = 1e-9


class _Tableau:
    """The system ``I s + M z = 1`` (``s`` the slacks), in floats or integers.

    Columns ``0..d-1`` are the slacks' (the basis inverse lives there), then
    the ``z`` columns, then the right-hand side. ``labels[c]`` is the label of
    column ``c``'s variable; ``basis[r]`` the column basic in row ``r``.
    """

    def __init__(self, M: Any, slack_labels: list[int], z_labels: list[int], exact: bool) -> None:
        rows = len(slack_labels)
        self.exact = exact
        if exact:
            self.t = np.empty((rows, rows + M.shape[1] + 1), dtype=object)
            self.t[:, :] = 0
            for r in range(rows):
                self.t[r, r] = 1
            self.t[:, rows : rows + M.shape[1]] = M
            self.t[:, -1] = 1
            self.det = 1
        else:
            self.t = np.ascontiguousarray(np.hstack([np.eye(rows), M, np.ones((rows, 1))]))
            self.buffer = np.empty_like(self.t)
        self.labels = slack_labels + z_labels
        self.column_of = {label: c for c, label in enumerate(self.labels)}
        self.basis = list(range(rows))
        self.n_rows = rows

    def pivot_in(self, label: int) -> int:
        """Bring the variable with ``label`` into the basis; return the label that leaves."""
        col = self.column_of[label]
        row = self._ratio_test(col)
        t = self.t
        if self.exact:
            piv = t[row, col]
            column = t[:, col].copy()
            pivot_row = t[row].copy()
            # Integer pivoting: every other row r becomes (piv * t[r] - t[r, col] * t[row]) / det.
            new = (t * piv - np.outer(column, pivot_row)) // self.det
            new[row] = pivot_row
            self.t = new
            self.det = piv
        else:
            t[row] /= t[row, col]
            column = t[:, col].copy()
            column[row] = 0.0
            # t -= outer(column, t[row]), in place through a preallocated buffer
            # (BLAS ger is no faster single-threaded and waits on its threads
            # when the machine is busy).
            np.multiply.outer(column, t[row], out=self.buffer)
            t -= self.buffer
        leaving = self.basis[row]
        self.basis[row] = col
        return self.labels[leaving]

    def _ratio_test(self, col: int) -> int:
        t = self.t
        entries = t[:, col]
        if self.exact:
            rows = [r for r in range(self.n_rows) if entries[r] > 0]
            if not rows:
                raise ArithmeticError("unbounded ray in Lemke-Howson (payoffs not positive?)")
            # Lexicographic minimum of (rhs, basis inverse row) / entry, exactly.
            for key_col in [t.shape[1] - 1, *range(self.n_rows)]:
                ratios = [Fraction(t[r, key_col], entries[r]) for r in rows]
                best = min(ratios)
                rows = [r for r, q in zip(rows, ratios, strict=True) if q == best]
                if len(rows) == 1:
                    break
            return rows[0]
        scale = max(float(np.abs(entries).max()), 1.0)
        cand = np.flatnonzero(entries > _EPS * scale)
        if cand.size == 0:
            raise ArithmeticError("unbounded ray in Lemke-Howson (payoffs not positive?)")
        for key_col in [t.shape[1] - 1, *range(self.n_rows)]:
            ratios = t[cand, key_col] / entries[cand]
            best = ratios.min()
            cand = cand[ratios <= best + _TIE * max(1.0, abs(best))]
            if cand.size == 1:
                break
        return int(cand[0])

    def values(self, labels: range) -> list[Any]:
        """The values of the variables with ``labels`` (0 for non-basic ones)."""
        out: list[Any] = [Fraction(0) if self.exact else 0.0 for _ in labels]
        index = {label: k for k, label in enumerate(labels)}
        for r, col in enumerate(self.basis):
            k = index.get(self.labels[col])
            if k is not None:
                rhs = self.t[r, -1]
                out[k] = Fraction(rhs, self.det) if self.exact else float(rhs)
        return out


def _prepared(game: NormalFormGame, exact: bool) -> tuple[Any, Any]:
    """Payoff matrices made positive (and integral when exact); equilibria unchanged."""
    if exact:
        A, B = exact_bimatrix(game)
        out = []
        for M in (A, B):
            M = M - M.min() + 1
            lcm = math.lcm(*(x.denominator for x in M.flat))
            out.append(np.vectorize(lambda x, lcm=lcm: int(x * lcm), otypes=[object])(M))
        return out[0], out[1]
    A, B = bimatrix(game, "lemke_howson")
    out = []
    for M in (A, B):
        spread = float(M.max() - M.min())
        out.append((M - M.min()) / (spread if spread > 0 else 1.0) + 1.0)
    return out[0], out[1]


def _follow(
    A: Any, B: Any, label: int, exact: bool, max_pivots: int
) -> tuple[list[Any], list[Any], int]:
    """Follow the path that drops ``label``; return (x, y) unnormalised and the pivots."""
    m, n = A.shape
    # Tableau for Q: slacks r_i (labels i) + A y (labels m + j) = 1.
    q = _Tableau(A, list(range(m)), list(range(m, m + n)), exact)
    # Tableau for P: slacks s_j (labels m + j) + B^T x (labels i) = 1.
    p = _Tableau(B.T, list(range(m, m + n)), list(range(m)), exact)
    # The variable with the dropped label enters: x_k in P (k < m) or y_j in Q.
    current, other = (p, q) if label < m else (q, p)
    entering = label
    pivots = 0
    while True:
        leaving = current.pivot_in(entering)
        pivots += 1
        if leaving == label:
            break
        if pivots >= max_pivots:
            raise TooExpensiveError(
                f"the Lemke-Howson path from label {label} is longer than {max_pivots} pivots; "
                "pass a larger max_pivots to follow it further"
            )
        # The label that just left one tableau enters the other.
        entering = leaving
        current, other = other, current
    x = p.values(range(m))
    y = q.values(range(m, m + n))
    return x, y, pivots


def _equilibrium(game: NormalFormGame, x: list[Any], y: list[Any], exact: bool) -> Equilibrium:
    if exact:
        sx, sy = sum(x), sum(y)
        return equilibrium(game, [], exact=[[v / sx for v in x], [v / sy for v in y]])
    return equilibrium(game, [np.array(x), np.array(y)])


#: A floating-point path whose end has a larger regret than this (relative to
#: the largest payoff spread) lost its way to rounding: it is redone exactly.
_REGRET_CHECK = 1e-7


class _Paths:
    """Follows paths in floating point, redoing any that rounding breaks in integers."""

    def __init__(self, game: NormalFormGame, exact: bool, max_pivots: int) -> None:
        self.game = game
        self.exact = exact
        self.max_pivots = max_pivots
        self.matrices = _prepared(game, exact)
        self.exact_matrices: tuple[Any, Any] | None = self.matrices if exact else None
        self.redone: list[int] = []
        # Per player: the regret is judged against that player's own payoff spread.
        self.threshold = _REGRET_CHECK * game.payoff_spread + 1e-300

    def follow(self, label: int) -> tuple[Equilibrium, int]:
        if self.exact:
            x, y, pivots = _follow(*self.matrices, label, True, self.max_pivots)
            return _equilibrium(self.game, x, y, True), pivots
        try:
            x, y, pivots = _follow(*self.matrices, label, False, self.max_pivots)
            eq = _equilibrium(self.game, x, y, False)
            if np.all(self.game.regret(eq.profile) <= self.threshold):
                return eq, pivots
            why = f"the floating-point path ended with regret {eq.regret:.3g}"
        except TooExpensiveError as exc:
            raise TooExpensiveError(
                f"{exc} (on a numerically hard game a floating-point path can also wander; "
                "exact=True follows it exactly)"
            ) from None
        except (ArithmeticError, FloatingPointError, ValueError) as exc:
            why = f"the floating-point path failed ({exc})"
        warnings.warn(
            f"lemke_howson: {why} from label {label}: the game is numerically hard; "
            "the path is redone with exact integer pivoting (pass exact=True to go there "
            "directly)",
            NumericalWarning,
            stacklevel=3,
        )
        if self.exact_matrices is None:
            self.exact_matrices = _prepared(self.game, True)
        self.redone.append(label)
        x, y, pivots = _follow(*self.exact_matrices, label, True, self.max_pivots)
        return _equilibrium(self.game, x, y, True), pivots


def _check(game: NormalFormGame, label: int, max_pivots: int, method: str) -> None:
    bimatrix(game, method)
    total = sum(game.n_actions)
    if isinstance(label, bool) or not isinstance(label, int | np.integer):
        raise ValueError(f"the initial label must be an integer in 0..{total - 1}; got {label!r}")
    if not 0 <= label < total:
        raise ValueError(
            f"the initial label must be in 0..{total - 1} (0..{game.n_actions[0] - 1} the row "
            f"player's actions, {game.n_actions[0]}..{total - 1} the column player's); got {label}"
        )
    if isinstance(max_pivots, bool) or not isinstance(max_pivots, int) or max_pivots < 1:
        raise ValueError(f"max_pivots must be a positive integer; got {max_pivots!r}")


def lemke_howson(
    game: NormalFormGame,
    label: int = 0,
    *,
    exact: bool = False,
    max_pivots: int = DEFAULT_MAX_PIVOTS,
) -> EquilibriumResult:
    """One Nash equilibrium of a two-player game, by the path that drops ``label``.

    Parameters
    ----------
    game
        A two-player :class:`~cooplab.games.NormalFormGame`.
    label
        The initial (dropped) label: ``0..m-1`` for the row player's actions,
        ``m..m+n-1`` for the column player's.
    exact
        Integer pivoting on the payoffs read as fractions: an exact path and
        an exact equilibrium. Otherwise floating point with lexicographic
        pivoting.
    max_pivots
        Give up (``TooExpensiveError``) after this many pivots.

    Returns
    -------
    EquilibriumResult
        One equilibrium; ``stats`` has the ``label`` and the ``pivots``.

    Examples
    --------
    >>> from cooplab.games import make
    >>> result = lemke_howson(make("battle_of_the_sexes"), label=0, exact=True)
    >>> [[str(p) for p in s] for s in result[0].exact], result.stats["pivots"]
    ([['1', '0'], ['1', '0']], 2)
    """
    _check(game, label, max_pivots, "lemke_howson")
    started = time.perf_counter()
    paths = _Paths(game, exact, max_pivots)
    eq, pivots = paths.follow(int(label))
    return EquilibriumResult(
        method="lemke_howson",
        equilibria=(eq,),
        complete=False,
        exact=exact,
        stats={
            "label": int(label),
            "pivots": pivots,
            "redone_exactly": paths.redone,
            "seconds": time.perf_counter() - started,
        },
    )


def lemke_howson_all(
    game: NormalFormGame,
    *,
    exact: bool = False,
    max_pivots: int = DEFAULT_MAX_PIVOTS,
) -> EquilibriumResult:
    """The distinct equilibria reached by the Lemke-Howson paths from every initial label.

    Not every equilibrium need be reachable this way (the paths from the
    artificial equilibrium reach an odd number of them). ``stats["paths"]``
    lists, per label, the pivots and the index of the equilibrium reached.

    Examples
    --------
    >>> from cooplab.games import make
    >>> result = lemke_howson_all(make("battle_of_the_sexes"), exact=True)
    >>> len(result), [p["pivots"] for p in result.stats["paths"]]
    (2, [2, 2, 2, 2])
    """
    _check(game, 0, max_pivots, "lemke_howson_all")
    started = time.perf_counter()
    follower = _Paths(game, exact, max_pivots)
    found: list[Equilibrium] = []
    reached: list[tuple[int, int, Equilibrium]] = []
    for label in range(sum(game.n_actions)):
        eq, pivots = follower.follow(label)
        found.append(eq)
        reached.append((label, pivots, eq))
    distinct = dedupe(found, tol=1e-7)
    paths = []
    for label, pivots, eq in reached:
        index = next(
            k
            for k, d in enumerate(distinct)
            if (eq.exact == d.exact if exact else _close(eq.profile, d.profile, 1e-7))
        )
        paths.append({"label": label, "pivots": pivots, "equilibrium": index})
    return EquilibriumResult(
        method="lemke_howson_all",
        equilibria=tuple(distinct),
        complete=False,
        exact=exact,
        stats={
            "paths": paths,
            "redone_exactly": follower.redone,
            "seconds": time.perf_counter() - started,
        },
    )


def _close(a: tuple[FloatArray, ...], b: tuple[FloatArray, ...], tol: float) -> bool:
    return all(np.max(np.abs(u - v)) <= tol for u, v in zip(a, b, strict=True))
