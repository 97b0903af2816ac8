"""Games on which the classical equilibrium algorithms are slow, and random games.

:func:`savani_von_stengel` builds square bimatrix games on which every
Lemke-Howson path -- from every initial label -- is exponentially long in the
dimension ``d``; :func:`savani_von_stengel_path_lengths` gives those path
lengths exactly, by following the paths on the polytopes' combinatorics alone
(no arithmetic), for any even ``d``. :func:`random_game` draws the seeded
random games that the experiments compare them with.

The construction
----------------
The *cyclic polytope* with ``n = 2d`` vertices on the moment curve in
``R^d`` has as facets the ``d``-sets of vertices that satisfy Gale's evenness
condition; its polar, the *dual cyclic polytope*, is a simple polytope with
``2d`` facets whose vertices are those sets ("Gale strings": ``2d`` bits, ``d``
of them ones, every maximal run of ones even, read cyclically, as ``d`` is
even). With the labelling of the facets by ``1..d`` (each label twice)

``l = (1, 2, ..., d,  d, d-2, d-1, d-4, d-3, ..., 2, 3,  1)``

the *Lemke paths* on this polytope -- the paths of almost completely labelled
vertices that start at the completely labelled vertex made of the first ``d``
facets -- are exponentially long: Morris (1994) proved this for his
labelling, and ``l`` is that labelling as reconstructed here (the paper was
not at hand; among all labellings for ``d <= 6`` none has a longer shortest
path, and the growth below is computed, not assumed). An *imitation
game* ``(I, B)`` turns such a labelled polytope into a bimatrix game whose
Lemke-Howson paths are the Lemke paths, each step taken twice, once in each
player's polytope (McLennan & Tourky 2010); Savani & von Stengel (2016) use
these unit-vector games to simplify their 2006 construction of hard games.
Here:

- the row player's ``d`` actions are the first ``d`` facets (his polytope
  ``{x >= 0 : B^T x <= 1}`` is the dual cyclic polytope, moved by an affine
  map so that those facets are the coordinate hyperplanes);
- the column player's action ``j`` is facet ``d + j``; ``B``'s column ``j`` is
  that facet's inequality, and the row player's payoff is ``A[i, j] = 1`` when
  facet ``d + j`` carries Morris label ``i + 1``, else 0 (a permutation
  matrix, so the column player's polytope is a cube).

It is not the 2006 construction itself, which uses two dual cyclic polytopes
and needs at least of the order of ``phi^(3d/4) ~ 1.43^d`` pivots (``phi`` the
golden ratio); the shortest paths here grow more slowly.

What is known about the paths
-----------------------------
*Proven* for Morris's labelled polytopes (Morris 1994) and carried over to
imitation games (McLennan & Tourky 2010): every Lemke-Howson path has length
exponential in ``d``. *Computed here*
(exactly, by :func:`savani_von_stengel_path_lengths`; the solver
:func:`cooplab.equilibria.lemke_howson` with ``exact=True`` gives the same
counts on every label for every supported ``d``):

====  ========  ========
d     shortest  longest
====  ========  ========
2     4         4
4     8         12
6     16        32
8     24        80
10    44        196
12    64        476
14    112       1152
16    160       2784
18    276       6724
20    392       16236
====  ========  ========

The longest path (initial label 0) satisfies ``a(d) = 2 a(d-2) + a(d-4) + 4``,
so it grows as ``(1 + sqrt 2)^(d/2) ~ 1.55^d``; the shortest (labels near the
middle) grows by a factor of 2.42 every four dimensions from ``d = 20`` to
``d = 32``, close to ``(1 + sqrt 2)^(d/4) ~ 1.25^d`` (an observation, not a
theorem).

Numerical limits
----------------
The polytope is realised with points on the trigonometric moment curve at
rational angles, computed in exact rational arithmetic; ``B`` is then scaled
to largest magnitude ``10^k``, ``k = min(15, max(2, d - 1))``, and rounded to
integers, so that the payoffs are exactly representable and ``exact=True``
pivots on the game as given. Dual cyclic polytopes need about ``d - 3`` digits to be realised at
all, which is why ``d`` stops at :data:`MAX_DIMENSION` (18: 15 digits, the
limit of a float64 payoff table). Floating-point Lemke-Howson follows the
paths correctly up to ``d = 14``; beyond, it loses the path and can stop at a
profile that is not an equilibrium (see the result's regret), so use
``exact=True``.

References
----------
Morris, W. D. (1994). Lemke paths on simple polytopes. Mathematics of
    Operations Research 19(4), 780-789.
Savani, R. & von Stengel, B. (2006). Hard-to-solve bimatrix games.
    Econometrica 74(2), 397-429.
McLennan, A. & Tourky, R. (2010). Imitation games and computation. Games and
    Economic Behavior 70(1), 4-11.
Savani, R. & von Stengel, B. (2016). Unit vector games. International Journal
    of Economic Theory 12, 7-27.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from cooplab.games.normal_form import NormalFormGame
from cooplab.runtime.rng import RngLike, as_generator

__all__ = [
    "MAX_DIMENSION",
    "RANDOM_KINDS",
    "morris_labels",
    "random_game",
    "savani_von_stengel",
    "savani_von_stengel_path_lengths",
]

#: The largest dimension whose game a float64 payoff table realises exactly.
MAX_DIMENSION = 18
#: The kinds of :func:`random_game`.
RANDOM_KINDS = ("normal", "uniform-int")
#: Denominator of the rational points on the circle.
_ANGLE_DENOMINATOR = 10**6


def _check_dimension(d: object, *, largest: int | None) -> int:
    if isinstance(d, bool) or not isinstance(d, numbers.Integral):
        raise TypeError(f"the dimension d must be an integer; got {type(d).__name__} {d!r}")
    d = int(d)
    if d < 2 or d % 2:
        raise ValueError(
            f"the dimension d must be an even integer >= 2 (Morris's labelling pairs the "
            f"facets); got {d}"
        )
    if largest is not None and d > largest:
        raise ValueError(
            f"savani_von_stengel(d) is realised exactly only up to d = {largest} (dual cyclic "
            f"polytopes need about d - 3 significant digits, float64 holds 15); got {d}. "
            "savani_von_stengel_path_lengths(d) gives the path lengths for any even d"
        )
    return d


def morris_labels(d: int) -> tuple[int, ...]:
    """Morris's (1994) labels ``l(1), ..., l(2d)`` of the dual cyclic polytope's facets.

    ``(1, ..., d, d, d-2, d-1, d-4, d-3, ..., 2, 3, 1)``: the first ``d``
    facets carry every label once (the starting vertex), and the second half
    carries them again in the order that makes every Lemke path long.

    Examples
    --------
    >>> morris_labels(6)
    (1, 2, 3, 4, 5, 6, 6, 4, 5, 2, 3, 1)
    """
    d = _check_dimension(d, largest=None)
    second = [d]
    for k in range(d - 2, 1, -2):
        second += [k, k + 1]
    second.append(1)
    return (*range(1, d + 1), *second)


# ---------------------------------------------------------------------------
# The paths, on the combinatorics alone
# ---------------------------------------------------------------------------
def _gale_pivot(bits: list[bool], drop: int) -> int:
    """Leave the facet ``drop`` of a Gale-string vertex; return the facet entered.

    Removing a one from its (even, cyclic) run splits the run into two parts,
    one of them odd; the new one is the zero at that odd part's far end, which
    makes the part even again (merging it with the next run keeps it even).
    ``bits`` is updated in place.
    """
    n = len(bits)
    start = drop
    while bits[(start - 1) % n]:
        start -= 1
    end = drop
    while bits[(end + 1) % n]:
        end += 1
    bits[drop] = False
    entering = (start - 1) % n if (drop - start) % 2 else (end + 1) % n
    bits[entering] = True
    return entering


def savani_von_stengel_path_lengths(
    d: int, labels: Sequence[int] | None = None, *, max_pivots: int = 50_000_000
) -> tuple[int, ...]:
    """The Lemke-Howson path lengths of :func:`savani_von_stengel` ``(d)``, exactly.

    Follows each path on the two polytopes' combinatorics: the row player's
    polytope as Gale strings (a pivot drops one facet and enters the one that
    keeps every run even), the column player's as a cube. No arithmetic, so no
    rounding: this works for any even ``d``, and the time is the path length.

    Parameters
    ----------
    d
        The dimension (even, >= 2).
    labels
        Initial labels, ``0..d-1`` for the row player's actions and
        ``d..2d-1`` for the column player's (as in
        :func:`cooplab.equilibria.lemke_howson`); all ``2d`` by default.
    max_pivots
        Give up (``ValueError``) on a path longer than this.

    Returns
    -------
    tuple of int
        The number of pivots of each path, in the order of ``labels``.

    Examples
    --------
    >>> savani_von_stengel_path_lengths(6)
    (32, 16, 16, 16, 16, 32, 32, 16, 16, 16, 16, 32)
    """
    d = _check_dimension(d, largest=None)
    if labels is None:
        labels = range(2 * d)
    out: list[int] = []
    for label in labels:
        if isinstance(label, bool) or not isinstance(label, numbers.Integral):
            raise TypeError(f"a label must be an integer in 0..{2 * d - 1}; got {label!r}")
        if not 0 <= int(label) < 2 * d:
            raise ValueError(f"a label must be in 0..{2 * d - 1}; got {label}")
        out.append(_path_length(d, int(label), max_pivots))
    return tuple(out)


def _path_length(d: int, label: int, max_pivots: int) -> int:
    morris = morris_labels(d)
    # Facet k < d is the row player's action k (game label k); facet d + j is
    # the column player's action j (game label d + j), and column j of the
    # permutation matrix A is the unit vector of row sigma[j].
    sigma = [morris[d + j] - 1 for j in range(d)]
    column_of_row = {row: j for j, row in enumerate(sigma)}
    bits = [True] * d + [False] * d  # the artificial vertex: x = 0
    played = [False] * d  # y_j > 0 in the cube
    drop, in_p = label, label < d
    pivots = 0
    while True:
        if in_p:
            entered = _gale_pivot(bits, drop)  # the facet's game label is its index
        elif drop >= d:  # y_j leaves 0 and rises until row sigma[j] binds
            played[drop - d] = True
            entered = sigma[drop - d]
        else:  # row `drop` stops binding: its column's y_j falls back to 0
            played[column_of_row[drop]] = False
            entered = d + column_of_row[drop]
        pivots += 1
        if entered == label:
            return pivots
        if pivots >= max_pivots:
            raise ValueError(
                f"the path from label {label} is longer than {max_pivots} pivots; "
                "pass a larger max_pivots"
            )
        drop, in_p = entered, not in_p


# ---------------------------------------------------------------------------
# The game
# ---------------------------------------------------------------------------
def _solve(matrix: list[list[Fraction]], columns: list[list[Fraction]]) -> list[list[Fraction]]:
    """Solve ``matrix @ X = [columns]`` exactly (Gauss-Jordan); return X's columns."""
    n = len(matrix)
    rows = [list(matrix[i]) + [c[i] for c in columns] for i in range(n)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if rows[r][col] != 0)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        inverse = 1 / rows[col][col]
        rows[col] = [v * inverse for v in rows[col]]
        top = rows[col]
        for r in range(n):
            factor = rows[r][col]
            if r != col and factor != 0:
                rows[r] = [a - factor * b for a, b in zip(rows[r], top, strict=True)]
    return [[rows[i][n + k] for i in range(n)] for k in range(len(columns))]


@functools.lru_cache(maxsize=32)
def _column_payoffs(d: int) -> tuple[tuple[float, ...], ...]:
    """The column player's payoffs ``B`` (d x d), as integers (see the module docstring)."""
    n = 2 * d
    # Rational points on the unit circle near equal angles: t = tan(theta / 2)
    # rounded, then cos and sin of theta, 2 theta, ... from (1 + i t)^2 / (1 + t^2).
    points = []
    for k in range(n):
        theta = -math.pi + 2 * math.pi * (k + 0.5) / n
        t = Fraction(round(math.tan(theta / 2) * _ANGLE_DENOMINATOR), _ANGLE_DENOMINATOR)
        c, s = (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)
        re, im = Fraction(1), Fraction(0)
        row = []
        for _ in range(d // 2):
            re, im = re * c - im * s, re * s + im * c
            row += [re, im]
        points.append(row)
    # The dual cyclic polytope {x : mu_k . x <= 1}. Its vertex x0 on the first d
    # facets becomes the origin, with z_k = 1 - mu_k . x (k < d) as coordinates;
    # facet d + j then reads (B^T z)_j <= 1.
    first = points[:d]
    x0 = _solve(first, [[Fraction(1)] * d])[0]
    transposed = [[first[i][j] for i in range(d)] for j in range(d)]
    directions = _solve(transposed, [points[d + j] for j in range(d)])
    B = []
    for i in range(d):
        row = []
        for j in range(d):
            slack = 1 - sum((p * x for p, x in zip(points[d + j], x0, strict=True)), Fraction(0))
            row.append(-directions[j][i] / slack)
        B.append(row)
    largest = max(abs(v) for row in B for v in row)
    scale = 10 ** min(15, max(2, d - 1))
    return tuple(tuple(float(round(v / largest * scale)) for v in row) for row in B)


def savani_von_stengel(d: int) -> NormalFormGame:
    """A d x d game on which every Lemke-Howson path is exponentially long in ``d``.

    The imitation-game form of the Savani-von Stengel hard games: Morris's
    labelled dual cyclic polytope as the row player's best-response polytope,
    a permutation matrix as the row player's payoffs (see the module
    docstring for the construction, what is proven and the path lengths).

    Parameters
    ----------
    d
        The dimension: an even integer, ``2 <= d <=`` :data:`MAX_DIMENSION`.

    Returns
    -------
    NormalFormGame
        A nondegenerate two-player game with ``d`` actions each; the row
        player's payoffs are 0 and 1, the column player's integers of
        magnitude at most ``10^min(15, max(2, d - 1))``.

    Examples
    --------
    >>> from cooplab.equilibria import lemke_howson
    >>> game = savani_von_stengel(6)
    >>> [lemke_howson(game, k, exact=True).stats["pivots"] for k in range(12)]
    [32, 16, 16, 16, 16, 32, 32, 16, 16, 16, 16, 32]
    """
    d = _check_dimension(d, largest=MAX_DIMENSION)
    morris = morris_labels(d)
    A = np.zeros((d, d))
    for j in range(d):
        A[morris[d + j] - 1, j] = 1.0
    return NormalFormGame.from_bimatrix(
        A, np.array(_column_payoffs(d)), name=f"Savani-von Stengel hard game, d = {d}"
    )


# ---------------------------------------------------------------------------
# Random games
# ---------------------------------------------------------------------------
def random_game(
    m: int, n: int, rng: RngLike = None, *, kind: str = "normal", high: int = 100
) -> NormalFormGame:
    """A random m x n bimatrix game.

    Parameters
    ----------
    m, n
        The row and column player's numbers of actions.
    rng
        A generator or seed (see :func:`cooplab.runtime.as_generator`).
    kind
        ``"normal"``: every payoff an independent standard normal (the game is
        nondegenerate with probability 1). ``"uniform-int"``: integers drawn
        uniformly from ``0..high-1`` (ties, hence degenerate games, happen).
    high
        The bound of ``"uniform-int"`` payoffs.

    Examples
    --------
    >>> random_game(3, 4, 0).n_actions
    (3, 4)
    >>> random_game(2, 2, 1, kind="uniform-int", high=10).payoffs.max() < 10
    np.True_
    """
    for name, value in (("m", m), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer (actions); got {value!r}")
    if kind not in RANDOM_KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(RANDOM_KINDS)}")
    generator = as_generator(rng)
    if kind == "normal":
        payoffs = generator.standard_normal((2, int(m), int(n)))
    else:
        if isinstance(high, bool) or not isinstance(high, numbers.Integral) or high < 1:
            raise ValueError(f"high must be a positive integer; got {high!r}")
        payoffs = generator.integers(0, int(high), size=(2, int(m), int(n))).astype(np.float64)
    return NormalFormGame(payoffs, name=f"random {kind} {m}x{n} game")
