"""All extreme Nash equilibria of a two-player game, degenerate games included.

With payoffs shifted to be positive (which changes no equilibrium), the best
response polytopes are

    P = {x >= 0 : B^T x <= 1}   and   Q = {y >= 0 : A y <= 1}.

A point of P has label ``i`` when ``x_i = 0`` and label ``m + j`` when column
``j`` is a best response to it (``(B^T x)_j = 1``); a point of Q has label
``i`` when row ``i`` is a best response (``(A y)_i = 1``) and label ``m + j``
when ``y_j = 0``. A pair of vertices ``(x, y) != (0, 0)`` that together carry
every label is an extreme equilibrium, normalised to probabilities (von
Stengel 2007, Theorem 3.4). Every vertex of both polytopes is found (the
square subsystems of their constraints solved in numpy batches, with the
conditional-dominance pruning of support enumeration) and the completely
labelled pairs are matched with bitmasks.

In a degenerate game the equilibria may form continua: each connected
component of the equilibrium set is the union of convex sets spanned by
extreme equilibria, and two extreme equilibria that share a strategy of one
player lie in one component (they are joined by a segment of equilibria). The
result lists every extreme equilibrium and ``result.components``, the extreme
equilibria grouped by component (Avis, Rosenberg, Savani & von Stengel 2010).

References
----------
von Stengel, B. (2007). Equilibrium computation for two-player games in
    strategic and extensive form. In Nisan et al., Algorithmic Game Theory, ch. 3.
Avis, D., Rosenberg, G., Savani, R. & von Stengel, B. (2010). Enumeration of
    Nash equilibria for two-player games. Economic Theory 42, 9-37.
"""

from __future__ import annotations

import itertools
import time
from fractions import Fraction

import numpy as np

from cooplab.equilibria._bimatrix import FloatArray, bimatrix, exact_bimatrix, solve_fraction
from cooplab.equilibria.result import (
    Equilibrium,
    EquilibriumResult,
    TooExpensiveError,
    describe_duration,
    equilibrium,
)
from cooplab.equilibria.support_enumeration import (
    _RATE,
    MAX_SUPPORT_PAIRS,
    _supports_undominated,
    count_support_pairs,
)
from cooplab.games.normal_form import NormalFormGame

__all__ = ["vertex_enumeration"]

_BATCH = 60_000
_SCREEN = 1e-6


def vertex_enumeration(
    game: NormalFormGame,
    *,
    exact: bool = False,
    tol: float = 1e-9,
    force: bool = False,
) -> EquilibriumResult:
    """Every extreme Nash equilibrium of a two-player game, and the components they span.

    Parameters
    ----------
    game
        A two-player :class:`~cooplab.games.NormalFormGame`.
    exact
        Find the vertices in floating point with a loose tolerance, then
        recompute and check each in rational arithmetic (payoffs read as the
        fractions they stand for); the equilibria carry their exact profiles.
    tol
        Tolerance relative to each player's payoff spread for "is a best
        response" and for zero probabilities.
    force
        Run even when the game is too large to finish in reasonable time.

    Returns
    -------
    EquilibriumResult
        ``complete=True`` (every extreme equilibrium); ``components`` groups
        the equilibria (indices into the list) by connected component of the
        equilibrium set; ``degenerate`` is True when some component has more
        than one extreme equilibrium or some vertex carries more labels than
        its dimension.

    Examples
    --------
    A degenerate game with a continuum of equilibria: against the row
    player's first action the column player is indifferent, so the row player
    playing it and the column player mixing in any proportion is an
    equilibrium; the segment has two extreme points in one component.

    >>> from cooplab.games import NormalFormGame
    >>> game = NormalFormGame.from_bimatrix([[1, 1], [1, 0]], [[1, 1], [0, 1]])
    >>> result = vertex_enumeration(game, exact=True)
    >>> [[[str(p) for p in s] for s in e.exact] for e in result]
    [[['1', '0'], ['1', '0']], [['1', '0'], ['0', '1']]]
    >>> result.components
    ((0, 1),)
    """
    A, B = bimatrix(game, "vertex_enumeration")
    m, n = A.shape
    pairs = count_support_pairs(m, n)
    if pairs > MAX_SUPPORT_PAIRS and not force:
        raise TooExpensiveError(
            f"vertex enumeration of this {m}x{n} game would solve {2 * pairs:.3g} systems "
            f"(about {describe_duration(2 * pairs / _RATE)} here); use lemke_howson(game) for one "
            "equilibrium, or pass force=True to run it anyway"
        )
    started = time.perf_counter()
    Ap = A - A.min() + 1.0
    Bp = B - B.min() + 1.0
    tie = game.tie_tolerance(_SCREEN if exact else tol)
    ptol = _SCREEN if exact else tol
    # P: x in R^m, constraints B'^T x <= 1 (labels m + j), zero coordinates labels i.
    xs, x_zero, x_tight, x_basis = _vertices(Bp.T, tie[1], ptol, A, tie[0], exact)
    # Q: y in R^n, constraints A' y <= 1 (labels i), zero coordinates labels m + j.
    ys, y_zero, y_tight, y_basis = _vertices(Ap, tie[0], ptol, B.T, tie[1], exact)
    if exact:
        Ae, Be = exact_bimatrix(game)
        shift_a, shift_b = -Ae.min() + 1, -Be.min() + 1
        ex = _exact_vertices(Be.T + shift_b, x_basis)
        ey = _exact_vertices(Ae + shift_a, y_basis)
        xs, x_zero, x_tight = _from_exact(ex)
        ys, y_zero, y_tight = _from_exact(ey)
        exact_x = [v for v, _, _ in ex]
        exact_y = [v for v, _, _ in ey]
    x_labels = np.concatenate([x_zero, x_tight], axis=1)  # labels 0..m-1, m..m+n-1
    y_labels = np.concatenate([y_tight, y_zero], axis=1)
    xi, yi = _complete_pairs(x_labels, y_labels)
    keep = ~((xs[xi].sum(axis=1) == 0) | (ys[yi].sum(axis=1) == 0))  # drop (0, 0)
    xi, yi = xi[keep], yi[keep]
    equilibria: list[Equilibrium] = []
    for a, b in zip(xi, yi, strict=True):
        if exact:
            sx, sy = sum(exact_x[a]), sum(exact_y[b])
            equilibria.append(
                equilibrium(
                    game, [], exact=[[p / sx for p in exact_x[a]], [p / sy for p in exact_y[b]]]
                )
            )
        else:
            equilibria.append(equilibrium(game, [xs[a], ys[b]]))
    order = sorted(
        range(len(equilibria)),
        key=lambda k: tuple(-p for s in equilibria[k].profile for p in np.round(s, 9)),
    )
    equilibria = [equilibria[k] for k in order]
    xi, yi = xi[order], yi[order]
    components = _components(xi, yi)
    overfull = bool(np.any(x_labels.sum(axis=1) > m) or np.any(y_labels.sum(axis=1) > n))
    degenerate = overfull or any(len(c) > 1 for c in components)
    return EquilibriumResult(
        method="vertex_enumeration",
        equilibria=tuple(equilibria),
        degenerate=degenerate,
        complete=True,
        exact=exact,
        components=components,
        stats={
            "vertices": (len(xs), len(ys)),
            "seconds": time.perf_counter() - started,
        },
    )


def _vertices(
    M: FloatArray,
    tie: float,
    ptol: float,
    cross: FloatArray,
    cross_tie: float,
    want_bases: bool,
) -> tuple[FloatArray, np.ndarray, np.ndarray, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """The vertices of ``{z >= 0 : M z <= 1}`` (M positive, shape r x d) that can be in an equilibrium.

    Returns the vertices (V, d), their zero-coordinate labels (V, d), their
    tight-constraint labels (V, r), and, with ``want_bases``, for each a
    defining basis (the nonzero coordinates K and tight rows T of a
    nonsingular square system).

    Every vertex has a basis whose K is its support. A vertex is skipped
    when its basis cannot be part of an equilibrium: a tight row dominated
    on K (it cannot be a best response to z), or a coordinate of K that the
    other player's payoffs ``cross`` (d x r, the player's own actions as
    rows) dominate on T (the other strategy lives on T, and an action
    dominated there is never a best response to it). Such a vertex has no
    completely labelled partner other than the artificial one.
    """
    r, d = M.shape
    found: list[FloatArray] = [np.zeros((1, d))]
    bases: list[tuple[tuple[int, ...], tuple[int, ...]]] = [((), ())]
    for k in range(1, min(r, d) + 1):
        coords = np.array(list(itertools.combinations(range(d), k)), dtype=np.intp)
        rows = np.array(list(itertools.combinations(range(r), k)), dtype=np.intp)
        # A tight row attains the maximum of M z, so it is not dominated on K.
        ok = _supports_undominated(M, coords, rows, tie)  # (coords, rows)
        ok &= _supports_undominated(cross, rows, coords, cross_tie).T
        ci, ri = np.nonzero(ok)
        for start in range(0, ci.size, _BATCH):
            K = coords[ci[start : start + _BATCH]]
            T = rows[ri[start : start + _BATCH]]
            sub = M[T[:, :, None], K[:, None, :]]  # (p, k, k)
            z, bad = _solve_ones(sub)
            good = ~bad & np.all(z >= -ptol * np.abs(z).sum(axis=1, keepdims=True), axis=1)
            good &= z.sum(axis=1) > 0
            idx = np.flatnonzero(good)
            if idx.size == 0:
                continue
            full = np.zeros((idx.size, d))
            np.put_along_axis(full, K[idx], np.maximum(z[idx], 0.0), axis=1)
            value = 1.0 / full.sum(axis=1)  # the payoff (shifted) of the normalised strategy
            slack = (M @ full.T).T  # (p, r)
            feasible = np.all((slack - 1.0) * value[:, None] <= tie, axis=1)
            found.append(full[feasible])
            if want_bases:  # only exact mode recomputes vertices from their bases
                bases.extend(
                    (tuple(K[idx[p]].tolist()), tuple(T[idx[p]].tolist()))
                    for p in np.flatnonzero(feasible)
                )
    points = np.concatenate(found, axis=0)
    # The same vertex comes from several bases when it is degenerate: dedupe.
    keys = np.round(points / np.maximum(np.abs(points).max(axis=1, keepdims=True), 1e-300), 8)
    _, first = np.unique(keys, axis=0, return_index=True)
    first = np.sort(first)
    points = points[first]
    bases = [bases[k] for k in first] if want_bases else []
    total = points.sum(axis=1, keepdims=True)
    zero = points <= ptol * np.where(total > 0, total, 1.0)
    value = np.where(total[:, 0] > 0, 1.0 / np.where(total[:, 0] > 0, total[:, 0], 1.0), 0.0)
    tight = (1.0 - (M @ points.T).T) * value[:, None] <= tie
    tight &= total > 0
    return points, zero, tight, bases


def _solve_ones(blocks: FloatArray) -> tuple[FloatArray, np.ndarray]:
    """Solve ``M z = 1`` for a stack of square blocks; mask the singular ones."""
    k = blocks.shape[-1]
    ones = np.ones((*blocks.shape[:-1], 1))
    try:
        z = np.linalg.solve(blocks, ones)[..., 0]
        bad = ~np.all(np.isfinite(z), axis=-1)
    except np.linalg.LinAlgError:
        scale = np.prod(np.linalg.norm(blocks, axis=-1), axis=-1)
        bad = np.abs(np.linalg.det(blocks)) <= 1e-13 * np.maximum(scale, 1e-300)
        safe = np.where(bad[:, None, None], np.eye(k), blocks)
        z = np.linalg.solve(safe, ones)[..., 0]
    return z, bad


def _exact_vertices(
    M: np.ndarray, bases: list[tuple[tuple[int, ...], tuple[int, ...]]]
) -> list[tuple[list[Fraction], list[bool], list[bool]]]:
    """Recompute each vertex from its basis in fractions; keep the exactly feasible ones."""
    r, d = M.shape
    out: list[tuple[list[Fraction], list[bool], list[bool]]] = []
    seen: set[tuple[Fraction, ...]] = set()
    for K, T in bases:
        z = [Fraction(0)] * d
        if K:
            sol = solve_fraction([[M[t, k] for k in K] for t in T], [Fraction(1)] * len(K))
            if sol is None or min(sol) < 0:
                continue
            for k, v in zip(K, sol, strict=True):
                z[k] = v
        slack = [sum((M[t, k] * z[k] for k in K), Fraction(0)) for t in range(r)]
        if any(s > 1 for s in slack):
            continue
        key = tuple(z)
        if key in seen:
            continue
        seen.add(key)
        out.append((z, [v == 0 for v in z], [s == 1 for s in slack]))
    return out


def _from_exact(
    vertices: list[tuple[list[Fraction], list[bool], list[bool]]],
) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    points = np.array([[float(v) for v in z] for z, _, _ in vertices])
    zero = np.array([zz for _, zz, _ in vertices], dtype=bool)
    tight = np.array([t for _, _, t in vertices], dtype=bool)
    return points, zero, tight


def _complete_pairs(x_labels: np.ndarray, y_labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (a, b) whose labels together cover every label."""
    px = np.packbits(x_labels, axis=1)
    py = np.packbits(y_labels, axis=1)
    full = np.packbits(np.ones(x_labels.shape[1], dtype=bool))
    xi: list[np.ndarray] = []
    yi: list[np.ndarray] = []
    step = max(1, 4_000_000 // max(1, len(py) * px.shape[1]))
    for start in range(0, len(px), step):
        both = px[start : start + step, None, :] | py[None, :, :]
        a, b = np.nonzero(np.all(both == full, axis=-1))
        xi.append(a + start)
        yi.append(b)
    return np.concatenate(xi), np.concatenate(yi)


def _components(xi: np.ndarray, yi: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """Group equilibria (x vertex xi[k], y vertex yi[k]) that share a vertex, transitively."""
    parent = list(range(len(xi)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for groups in (xi, yi):
        first: dict[int, int] = {}
        for k, v in enumerate(groups.tolist()):
            if v in first:
                parent[find(k)] = find(first[v])
            else:
                first[v] = k
    by_root: dict[int, list[int]] = {}
    for k in range(len(xi)):
        by_root.setdefault(find(k), []).append(k)
    return tuple(tuple(g) for g in sorted(by_root.values()))
