"""The polynomial system of one support profile, and a certified solver for it.

Private helper of :mod:`cooplab.equilibria.n_player`.

For a support profile ``S = (S_1, ..., S_n)`` (player ``i`` mixes over the
``k_i`` actions of ``S_i``), a Nash equilibrium with that support solves

* for each player ``i`` and each ``a`` in ``S_i`` but the last (the
  reference ``r_i``): ``u_i(a, x_{-i}) - u_i(r_i, x_{-i}) = 0``;
* each ``x_i`` is a probability vector on ``S_i``.

Writing ``x_i = (z_i, 1 - sum(z_i))`` with ``z_i`` the first ``k_i - 1``
probabilities leaves ``d = sum_i (k_i - 1)`` unknowns and ``d`` equations.
Player ``i``'s equations do not involve ``z_i`` and are affine in each other
block ``z_j`` separately (the payoff is multilinear in the mixtures). So over
a box (a product of intervals) an equation, and every entry of the Jacobian,
attains its least and greatest values at the box's corners: the corner values
give its *exact* range, with no interval overestimation.

:func:`solve_box` uses this for a branch-and-bound search of the unit box
``[0, 1]^d`` (Moore 1966; Neumaier 1990, ch. 5; Gambit's ``enumpoly`` searches
the same box by subdivision with Taylor bounds): each box is

* **excluded** when some equation's exact range misses 0, or some action
  outside the support earns more than the reference action everywhere in the
  box (a profitable deviation), or the box leaves the simplex;
* **certified** when the Krawczyk operator (Krawczyk 1969; Moore 1977) maps the
  (slightly inflated) box into its interior: then the box holds exactly one
  solution, and Newton's method from its centre converges to it;
* **contracted** to its intersection with the Krawczyk image (which holds
  every solution in the box), and **split** when that does not shrink it.

Boxes left *open* -- still undecided after ``max_boxes`` boxes, or narrower
than 1/32 around a solution where the Jacobian is singular -- surround
singular solutions or continua of solutions (degenerate games). A system
whose Jacobian is singular at random points is singular everywhere (its
solutions, if any, form continua) and gets only a coarse search. Two-player
systems are linear and are solved directly.

References
----------
Moore, R. E. (1966). Interval Analysis. Prentice-Hall.
Krawczyk, R. (1969). Newton-Algorithmen zur Bestimmung von Nullstellen mit
Fehlerschranken. Computing 4, 187-201.
Moore, R. E. (1977). A test for existence of solutions to nonlinear systems.
SIAM J. Numer. Anal. 14(4), 611-615.
Neumaier, A. (1990). Interval Methods for Systems of Equations. Cambridge UP.
"""

from __future__ import annotations

import itertools
import math
import string
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Inflation of a box for the Krawczyk test, so that a solution on a face
#: shared by two boxes lies inside an (inflated) box and can be certified.
_INFLATE = 1.1
#: Absolute slack on the exact ranges: payoffs are scaled to [0, 1], so values
#: are convex combinations of numbers of magnitude <= 1 and rounding stays far
#: below this.
_EPS = 1e-10
#: A box narrower than this in every direction is left unresolved.
_MIN_WIDTH = 1e-9
#: Below this width, a box that holds a singular solution (a point of a
#: continuum, or a multiple root) is left open rather than split further.
_PROBE_WIDTH = 1.0 / 32
#: Boxes examined for a system whose Jacobian is singular everywhere.
_SINGULAR_BUDGET = 500
#: Relative size of the smallest singular value of a singular Jacobian.
_SINGULAR = 1e-7
#: Jacobians at a box centre with a larger condition number are not inverted.
_MAX_COND = 1e10


class SupportSystem:
    """The indifference system and deviation gains of one support profile.

    Parameters
    ----------
    payoffs : array, shape (n, a_1, ..., a_n)
        The payoffs (scaled so each player's lie in [0, 1]).
    support : n sorted tuples of action indices
    """

    def __init__(self, payoffs: FloatArray, support: Sequence[Sequence[int]]) -> None:
        n = payoffs.shape[0]
        self.n = n
        self.support = tuple(tuple(int(a) for a in s) for s in support)
        self.k = [len(s) for s in self.support]
        self.n_actions = payoffs.shape[1:]
        self.free = [k - 1 for k in self.k]
        self.offsets = np.concatenate([[0], np.cumsum(self.free)]).astype(int)
        self.d = int(self.offsets[-1])
        self.n_outside = 0
        self._gain_cols: list[slice] = []
        # Per player i, a table over (rows, S_1, ..., S_n without i): the rows are
        # u_i(a, .) - u_i(r_i, .) for the support actions a but the reference r_i
        # (the equations), then for the actions outside the support (the gains).
        self._lin: list[FloatArray] = []
        # Per pair (i, j), the equations' derivatives in z_j: axis j contracted
        # with dx_j/dz_j = [I; -1], shape (f_i, ..., f_j, ...).
        self._jac: dict[tuple[int, int], FloatArray] = {}
        for i in range(n):
            index = tuple(
                np.arange(self.n_actions[j]) if j == i else np.asarray(self.support[j])
                for j in range(n)
            )
            table = np.moveaxis(payoffs[i][np.ix_(*index)], i, 0)  # own axis first
            inside = set(self.support[i])
            outside = [a for a in range(self.n_actions[i]) if a not in inside]
            rows = list(self.support[i][:-1]) + outside
            self._lin.append(np.ascontiguousarray(table[rows] - table[self.support[i][-1]]))
            self._gain_cols.append(slice(self.n_outside, self.n_outside + len(outside)))
            self.n_outside += len(outside)
            if self.free[i] == 0:
                continue
            eq = self._lin[i][: self.free[i]]
            others = [j for j in range(n) if j != i]
            for pos, j in enumerate(others):
                if self.free[j] == 0:
                    continue
                dxdz = np.vstack([np.eye(self.free[j]), -np.ones((1, self.free[j]))])
                self._jac[(i, j)] = np.ascontiguousarray(
                    np.moveaxis(np.tensordot(eq, dxdz, axes=([1 + pos], [0])), -1, 1 + pos)
                )
        self._letters = string.ascii_lowercase[:n]
        self._corner_letters = string.ascii_uppercase[:n]
        self._bits = [
            np.array(list(itertools.product((0.0, 1.0), repeat=f)), dtype=np.float64).reshape(
                1 << f, f
            )
            for f in self.free
        ]

    # -- profiles -----------------------------------------------------------
    def mixtures(self, z: FloatArray) -> list[FloatArray]:
        """Each player's mixture over its support, from ``z`` of shape (P, d); (P, k_i) each."""
        out = []
        for i in range(self.n):
            block = z[:, self.offsets[i] : self.offsets[i + 1]]
            out.append(np.concatenate([block, 1.0 - block.sum(axis=1, keepdims=True)], axis=1))
        return out

    def full_profile(self, point: FloatArray) -> list[FloatArray]:
        """The full mixed profile (one vector over all actions per player) at one ``z``."""
        mixes = self.mixtures(point[None, :])
        profile = []
        for i in range(self.n):
            vec = np.zeros(self.n_actions[i])
            vec[list(self.support[i])] = mixes[i][0]
            profile.append(vec)
        return profile

    # -- evaluation ---------------------------------------------------------
    def _contract(
        self, table: FloatArray, axes: Sequence[int], ops: Sequence[FloatArray], corners: bool
    ) -> FloatArray:
        """Contract ``table`` (row axis first, then the players ``axes``) with ``ops``.

        ``ops[m]`` has shape (P, k) for points, or (P, c, k) for the corners of
        each box's block; the result has shape (P, rows..., [corner axes]).
        """
        lead = "".join(self._letters[j] for j in axes)
        kept = table.shape[: table.ndim - len(axes)]
        head = "".join(string.ascii_lowercase[20 + m] for m in range(len(kept)))  # u, v, ...
        if not ops:
            return np.broadcast_to(table, (1, *table.shape))
        corner = [self._corner_letters[j] if corners else "" for j in axes]
        subs = [f"Z{c}{self._letters[j]}" for j, c in zip(axes, corner, strict=True)]
        return _chain(
            table, head + lead, list(zip(subs, ops, strict=True)), "Z" + head + "".join(corner)
        )

    def values(self, z: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Residuals (P, d) and deviation gains (P, n_outside) at the points ``z`` (P, d).

        A deviation gain is ``u_i(b, x_{-i}) - u_i(r_i, x_{-i})`` for an action
        ``b`` outside ``S_i``: positive means ``b`` beats the support.
        """
        p = z.shape[0]
        mixes = self.mixtures(z)
        residual = np.empty((p, self.d))
        gains = np.empty((p, self.n_outside))
        for i in range(self.n):
            if not self._lin[i].shape[0]:
                continue
            others = [j for j in range(self.n) if j != i]
            vals = self._contract(self._lin[i], others, [mixes[j] for j in others], False)
            f = self.free[i]
            residual[:, self.offsets[i] : self.offsets[i + 1]] = vals[:, :f]
            gains[:, self._gain_cols[i]] = vals[:, f:]
        return residual, gains

    def jacobian(self, z: FloatArray) -> FloatArray:
        """The residuals' Jacobians at the points ``z`` (P, d); shape (P, d, d)."""
        p = z.shape[0]
        mixes = self.mixtures(z)
        jac = np.zeros((p, self.d, self.d))
        for (i, j), table in self._jac.items():
            rest = [m for m in range(self.n) if m not in (i, j)]
            block = self._pair(table, i, j, [mixes[m] for m in rest], False) if rest else table
            jac[:, self.offsets[i] : self.offsets[i + 1], self.offsets[j] : self.offsets[j + 1]] = (
                block
            )
        return jac

    def evaluate(self, z: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Residuals, deviation gains and Jacobians at ``z``: :meth:`values` and :meth:`jacobian`."""
        residual, gains = self.values(z)
        return residual, gains, self.jacobian(z)

    def _pair(
        self, table: FloatArray, i: int, j: int, ops: Sequence[FloatArray], corners: bool
    ) -> FloatArray:
        """Contract a Jacobian table of pair (i, j) with the mixtures of the rest."""
        others = [m for m in range(self.n) if m != i]
        rest = [m for m in others if m != j]
        row, col = "u", "v"
        axes = "".join(col if m == j else self._letters[m] for m in others)
        corner = [self._corner_letters[m] if corners else "" for m in rest]
        subs = [f"Z{c}{self._letters[m]}" for m, c in zip(rest, corner, strict=True)]
        return _chain(
            table, row + axes, list(zip(subs, ops, strict=True)), f"Z{row}{col}" + "".join(corner)
        )

    def _corner_mixtures(self, lo: FloatArray, hi: FloatArray) -> list[FloatArray]:
        """Per player, its mixtures at the corners of its block of each box: (B, 2^f, k)."""
        out = []
        for j in range(self.n):
            block = slice(self.offsets[j], self.offsets[j + 1])
            low, high = lo[:, block], hi[:, block]
            zc = low[:, None, :] + (high - low)[:, None, :] * self._bits[j][None]  # (B, c, f)
            out.append(np.concatenate([zc, 1.0 - zc.sum(axis=2, keepdims=True)], axis=2))
        return out

    def preconditioned_ranges(
        self, lo: FloatArray, hi: FloatArray, precond: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Exact ranges over boxes of ``precond @ residuals`` (B, d) each.

        A combination of the equations is still affine in each player's block,
        so its range is its range over all 2^d corners of the box. With
        ``precond`` the inverse Jacobian at the centre, the combinations are
        nearly decoupled, and far more often miss 0 than single equations.
        """
        b = lo.shape[0]
        counts = [1 << f for f in self.free]
        gmin = np.empty((b, self.d))
        gmax = np.empty((b, self.d))
        chunk = max(1, 2_000_000 // max(1, self.d * math.prod(counts)))
        for start in range(0, b, chunk):
            part = slice(start, start + chunk)
            corners = self._corner_mixtures(lo[part], hi[part])
            m = corners[0].shape[0]
            full = np.empty((m, self.d, *counts))
            for i in range(self.n):
                f = self.free[i]
                if not f:
                    continue
                others = [j for j in range(self.n) if j != i]
                vals = self._contract(self._lin[i][:f], others, [corners[j] for j in others], True)
                vals = np.expand_dims(vals, 2 + i)  # player i's own corner axis
                full[:, self.offsets[i] : self.offsets[i + 1]] = vals
            g = np.einsum("bkm,bmc->bkc", precond[part], full.reshape(m, self.d, -1))
            gmin[part], gmax[part] = g.min(axis=2), g.max(axis=2)
        return gmin, gmax

    def box_ranges(
        self, lo: FloatArray, hi: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """Exact ranges over boxes ``[lo, hi]`` (B, d) of the residuals, gains and Jacobian.

        Returns ``res_min, res_max`` (B, d), ``gain_min, gain_max`` (B,
        n_outside) and ``jac_min, jac_max`` (B, d, d). Exact because each is affine in each
        player's block: its extremes are at the box's corners, and it needs
        only the corners of the blocks it depends on.
        """
        b = lo.shape[0]
        corners = self._corner_mixtures(lo, hi)
        res_min = np.empty((b, self.d))
        res_max = np.empty((b, self.d))
        gain_min = np.empty((b, self.n_outside))
        gain_max = np.empty((b, self.n_outside))
        for i in range(self.n):
            if not self._lin[i].shape[0]:
                continue
            others = [j for j in range(self.n) if j != i]
            vals = self._contract(self._lin[i], others, [corners[j] for j in others], True)
            vals = vals.reshape(vals.shape[0], self._lin[i].shape[0], -1)
            f = self.free[i]
            res_min[:, self.offsets[i] : self.offsets[i + 1]] = vals[:, :f].min(axis=2)
            res_max[:, self.offsets[i] : self.offsets[i + 1]] = vals[:, :f].max(axis=2)
            gain_min[:, self._gain_cols[i]] = vals[:, f:].min(axis=2)
            gain_max[:, self._gain_cols[i]] = vals[:, f:].max(axis=2)
        jac_min = np.zeros((b, self.d, self.d))
        jac_max = np.zeros((b, self.d, self.d))
        for (i, j), table in self._jac.items():
            rest = [m for m in range(self.n) if m not in (i, j)]
            rows = slice(self.offsets[i], self.offsets[i + 1])
            cols = slice(self.offsets[j], self.offsets[j + 1])
            if not rest:
                jac_min[:, rows, cols] = table
                jac_max[:, rows, cols] = table
                continue
            block = self._pair(table, i, j, [corners[m] for m in rest], True)
            block = block.reshape(b, self.free[i], self.free[j], -1)
            jac_min[:, rows, cols] = block.min(axis=3)
            jac_max[:, rows, cols] = block.max(axis=3)
        return res_min, res_max, gain_min, gain_max, jac_min, jac_max

    def in_simplex(self, lo: FloatArray) -> npt.NDArray[np.bool_]:
        """Boxes (rows of lower corners) that meet the product of simplices."""
        ok = np.ones(lo.shape[0], dtype=bool)
        for i in range(self.n):
            if self.free[i] > 1:
                ok &= lo[:, self.offsets[i] : self.offsets[i + 1]].sum(axis=1) <= 1.0 + _EPS
        return ok


def _chain(
    table: FloatArray, subs: str, ops: Sequence[tuple[str, FloatArray]], out: str
) -> FloatArray:
    """``einsum(subs, *op_subs -> out)``, one operand at a time.

    Pairwise contractions need no path search (which costs more than the
    arithmetic for these small tables) and keep every intermediate small.
    """
    cur, arr = subs, table
    for k, (op_subs, op) in enumerate(ops):
        later = out + "".join(s for s, _ in ops[k + 1 :])
        new = "".join(c for c in dict.fromkeys(op_subs[0] + cur + op_subs) if c in later)
        arr = np.einsum(f"{cur},{op_subs}->{new}", arr, op)
        cur = new
    return arr if cur == out else np.einsum(f"{cur}->{out}", arr)


@dataclass
class BoxSolution:
    """What :func:`solve_box` found for one support system."""

    #: Certified solutions, each the unique solution in its box, shape (m, d).
    points: FloatArray
    #: Boxes neither excluded nor certified: lower and upper corners, (u, d) each.
    open_lo: FloatArray
    open_hi: FloatArray
    #: Boxes examined.
    boxes: int


def solve_box(system: SupportSystem, *, gain_tol: float, max_boxes: int) -> BoxSolution:
    """Every solution of ``system`` in the unit box, by certified subdivision.

    Parameters
    ----------
    system : SupportSystem
    gain_tol : float
        A box is excluded when some outside action gains more than this
        (plus rounding slack) everywhere in it.
    max_boxes : int
        How many boxes to examine before leaving the rest open.

    Returns
    -------
    BoxSolution
        ``open_lo`` empty means the search was complete: every solution in
        the box with no deviation gaining more than ``gain_tol`` is among
        ``points`` (up to floating-point rounding in the bounds).
    """
    d = system.d
    if d == 0:
        _, gains = system.values(np.zeros((1, 0)))
        ok = not gains.size or bool(gains.max() <= gain_tol + _EPS)
        pts = np.zeros((1 if ok else 0, 0))
        return BoxSolution(pts, np.zeros((0, 0)), np.zeros((0, 0)), 1)
    if system.n == 2:
        return _solve_linear(system, gain_tol)
    # Player i's f_i equations involve only the other players' d - f_i unknowns:
    # with f_i > d - f_i they are overdetermined (no solution, generically) and
    # the others' equations underdetermined, so the Jacobian is singular
    # everywhere. Subdividing only the others' unknowns suffices to exclude.
    splittable = np.ones(d, dtype=bool)
    over = [i for i in range(system.n) if 2 * system.free[i] > d]
    if over:
        splittable[system.offsets[over[0]] : system.offsets[over[0] + 1]] = False
    elif _singular_everywhere(system):
        # No solution can be certified: search coarsely, for where solutions
        # may be and where deviations do not pay, and leave the rest open.
        max_boxes = min(max_boxes, _SINGULAR_BUDGET)
    lo = np.zeros((1, d))
    hi = np.ones((1, d))
    found: list[FloatArray] = []
    open_lo: list[FloatArray] = []
    open_hi: list[FloatArray] = []
    examined = 0
    eye = np.eye(d)
    while lo.shape[0]:
        if examined + lo.shape[0] > max_boxes:
            open_lo.append(lo)
            open_hi.append(hi)
            break
        examined += lo.shape[0]
        keep = system.in_simplex(lo)
        lo, hi = lo[keep], hi[keep]
        if not lo.shape[0]:
            break
        b = lo.shape[0]
        centre = 0.5 * (lo + hi)
        radius = 0.5 * (hi - lo) * _INFLATE + 1e-13
        res_min, res_max, gain_min, gain_max, jlo, jhi = system.box_ranges(
            centre - radius, centre + radius
        )
        # Exclusion: an equation's exact range misses 0, or a deviation pays everywhere.
        alive = ~np.any((res_min > _EPS) | (res_max < -_EPS), axis=1)
        if gain_min.shape[1]:
            alive &= ~np.any(gain_min > gain_tol + _EPS, axis=1)
        if not alive.any():
            break
        lo, hi, centre, radius = lo[alive], hi[alive], centre[alive], radius[alive]
        jlo, jhi = jlo[alive], jhi[alive]
        # Every point of the box has no deviation gaining more than gain_tol.
        no_gain = np.all(gain_max[alive] <= gain_tol + _EPS, axis=1)
        b = lo.shape[0]
        # Krawczyk: K = c - C f(c) + (I - C J(X)) (X - c), with C ~ J(c)^-1.
        f_c, _, j_c = system.evaluate(centre)
        cond = np.linalg.cond(j_c)
        regular = np.isfinite(cond) & (cond < _MAX_COND)
        inv = np.zeros((b, d, d))
        if regular.any():
            inv[regular] = np.linalg.inv(j_c[regular])
        # Exclusion by the preconditioned equations' exact ranges.
        if regular.any():
            pmin, pmax = system.preconditioned_ranges(
                (centre - radius)[regular], (centre + radius)[regular], inv[regular]
            )
            slack = _EPS * np.abs(inv[regular]).sum(axis=2)
            gone = np.zeros(b, dtype=bool)
            gone[regular] = np.any((pmin > slack) | (pmax < -slack), axis=1)
            if gone.any():
                keep = ~gone
                lo, hi, centre, radius = lo[keep], hi[keep], centre[keep], radius[keep]
                jlo, jhi, no_gain = jlo[keep], jhi[keep], no_gain[keep]
                f_c, inv, regular = f_c[keep], inv[keep], regular[keep]
                b = lo.shape[0]
                if not b:
                    break
        jmid, jrad = 0.5 * (jlo + jhi), 0.5 * (jhi - jlo)
        spread = np.abs(eye - inv @ jmid) + np.abs(inv) @ jrad
        step = -np.einsum("bij,bj->bi", inv, f_c)
        krad = np.einsum("bij,bj->bi", spread, radius)
        krad = krad * (1 + 1e-9) + 1e-14 + 1e-9 * np.abs(step)
        k_lo, k_hi = centre + step - krad, centre + step + krad
        t_lo, t_hi = centre - radius, centre + radius
        certified = regular & np.all((k_lo > t_lo) & (k_hi < t_hi), axis=1)
        if certified.any():
            found.append(
                _newton(
                    system,
                    centre[certified] + step[certified],
                    inv[certified],
                    t_lo[certified],
                    t_hi[certified],
                )
            )
        rest = ~certified
        lo, hi = lo[rest], hi[rest]
        k_lo, k_hi = k_lo[rest], k_hi[rest]
        jlo, jhi, no_gain = jlo[rest], jhi[rest], no_gain[rest]
        # Every solution in the box lies in K: contract to the intersection.
        new_lo, new_hi = np.maximum(lo, k_lo), np.minimum(hi, k_hi)
        nonempty = np.all(new_lo <= new_hi, axis=1)
        old_width = (hi - lo)[nonempty]
        lo, hi = new_lo[nonempty], new_hi[nonempty]
        jlo, jhi, no_gain = jlo[nonempty], jhi[nonempty], no_gain[nonempty]
        if not lo.shape[0]:
            break
        width = hi - lo
        # Directions the equations depend on in the box. Along the others the
        # solution set, if any, is a continuum: subdividing there cannot certify
        # anything, and is done only to locate where deviations stop paying.
        influence = np.maximum(np.abs(jlo), np.abs(jhi)).max(axis=1)  # (b, d)
        relevant = influence > 1e-13
        flat = ~relevant.any(axis=1)  # the equations are constant (~0) on the box
        relevant &= splittable
        useful = np.where(flat[:, None], width, np.where(relevant, width, 0.0))
        stuck = (flat & no_gain) | (useful.max(axis=1) < _MIN_WIDTH)
        small = ~stuck & (useful.max(axis=1) < _PROBE_WIDTH)
        if small.any():
            stuck[small] = _singular_inside(system, lo[small], hi[small])
        if stuck.any():
            open_lo.append(lo[stuck])
            open_hi.append(hi[stuck])
            keep = ~stuck
            lo, hi, width, old_width = lo[keep], hi[keep], width[keep], old_width[keep]
            useful, influence, flat = useful[keep], influence[keep], flat[keep]
        # Boxes the contraction shrank a lot go round again whole; the rest are split
        # along the direction that moves the equations most.
        shrunk = width.max(axis=1) < 0.5 * old_width.max(axis=1)
        score = useful * np.where(flat[:, None], 1.0, influence)
        axis = np.argmax(score, axis=1)
        rows = np.flatnonzero(~shrunk)
        mid = 0.5 * (lo[rows, axis[rows]] + hi[rows, axis[rows]])
        left_hi = hi[rows].copy()
        left_hi[np.arange(rows.size), axis[rows]] = mid
        right_lo = lo[rows].copy()
        right_lo[np.arange(rows.size), axis[rows]] = mid
        lo = np.concatenate([lo[shrunk], lo[rows], right_lo])
        hi = np.concatenate([hi[shrunk], left_hi, hi[rows]])
    points = np.concatenate(found) if found else np.zeros((0, d))
    olo = np.concatenate(open_lo) if open_lo else np.zeros((0, d))
    ohi = np.concatenate(open_hi) if open_hi else np.zeros((0, d))
    return BoxSolution(points, olo, ohi, examined)


def _solve_linear(system: SupportSystem, gain_tol: float) -> BoxSolution:
    """Two players: each player's equations are linear in the other's mixture.

    The system splits into two independent linear systems, ``M_i z_j = -c_i``
    (player ``i``'s equations in player ``j``'s unknowns), solved exactly by
    least squares: an inconsistent one means no solution; two consistent ones
    of full column rank give the unique solution; otherwise the solutions
    form an affine continuum (a degenerate game) and the box is left open.
    """
    d = system.d
    zero = np.zeros((1, d))
    c = system.values(zero)[0][0]  # residual at z = 0
    jac = system.jacobian(zero)[0]
    empty = BoxSolution(np.zeros((0, d)), np.zeros((0, d)), np.zeros((0, d)), 1)
    point = np.zeros(d)
    unique = True
    for i, j in ((0, 1), (1, 0)):
        rows = slice(system.offsets[i], system.offsets[i + 1])
        cols = slice(system.offsets[j], system.offsets[j + 1])
        m, rhs = jac[rows, cols], -c[rows]
        if m.shape[0] == 0:  # player i mixes over nothing: z_j is free
            unique = unique and m.shape[1] == 0
            continue
        if m.shape[1] == 0:  # nothing to solve for: the equations must hold as they are
            if np.any(np.abs(rhs) > _EPS):
                return empty
            continue
        sol, _, rank, _ = np.linalg.lstsq(m, rhs, rcond=1e-10)
        if np.any(np.abs(m @ sol - rhs) > _EPS):
            return empty
        point[cols] = sol
        unique = unique and rank == m.shape[1]
    if unique:
        gains = system.values(point[None, :])[1]
        ok = not gains.size or bool(gains.max() <= gain_tol + _EPS)
        found = point[None, :] if ok else np.zeros((0, d))
        return BoxSolution(found, np.zeros((0, d)), np.zeros((0, d)), 1)
    return BoxSolution(np.zeros((0, d)), np.zeros((1, d)), np.ones((1, d)), 1)


def _singular_everywhere(system: SupportSystem) -> bool:
    """Whether the Jacobian is singular at a few random points of the domain.

    Its determinant is a polynomial, so if it vanishes at random points it
    vanishes everywhere (up to a set of measure zero): every solution is
    singular, and the solutions, if any, form continua (a player with
    constant payoffs, an action no one's payoff depends on).
    """
    rng = np.random.default_rng(20080601)
    z = rng.uniform(0.05, 0.95, size=(4, system.d))
    for i in range(system.n):
        block = slice(system.offsets[i], system.offsets[i + 1])
        z[:, block] /= max(1, system.free[i])
    _, _, jac = system.evaluate(z)
    sv = np.linalg.svd(jac, compute_uv=False)
    return bool(np.all(sv[:, -1] <= 1e-9 * np.maximum(1.0, sv[:, 0])))


def _singular_inside(system: SupportSystem, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Which boxes hold a solution where the Jacobian is singular.

    Projects each centre onto the solution set (Gauss-Newton) and tests the
    point reached: a solution, inside the box (slightly enlarged), with a
    rank-deficient Jacobian. Regular solutions fail the last test, so their
    boxes go on to be certified.
    """
    z = project(system, 0.5 * (lo + hi), iterations=12)
    f, _, jac = system.evaluate(z)
    sv = np.linalg.svd(jac, compute_uv=False)
    singular = sv[:, -1] <= _SINGULAR * np.maximum(1.0, sv[:, 0])
    pad = 0.5 * (hi - lo)
    inside = np.all((z >= lo - pad) & (z <= hi + pad), axis=1)
    solved = np.all(np.abs(f) <= 1e-9, axis=1)
    return singular & inside & solved


def _newton(
    system: SupportSystem, start: FloatArray, inv: FloatArray, lo: FloatArray, hi: FloatArray
) -> FloatArray:
    """The solution in each certified box ``[lo, hi]``, from ``start`` inside it.

    Newton's method, checked to end inside its box at a solution; where it
    does not, the chord iteration ``z <- z - C f(z)`` with ``C`` the inverse
    Jacobian at the box's centre, which the Krawczyk test makes a
    contraction of the box (so it converges to the box's solution).
    """
    z = start.copy()
    for _ in range(8):
        f, _, jac = system.evaluate(z)
        try:
            z_new = z - np.linalg.solve(jac, f[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            z_new = z - np.einsum("bij,bj->bi", inv, f)
        z = np.where(np.isfinite(z_new), z_new, z)
        if np.abs(f).max() < 1e-15:
            break
    f, _ = system.values(z)
    slack = 1e-12
    bad = ~(
        np.all(np.abs(f) < 1e-11, axis=1) & np.all((z >= lo - slack) & (z <= hi + slack), axis=1)
    )
    if bad.any():
        w = start[bad].copy()
        for _ in range(200):
            fw, _ = system.values(w)
            w = w - np.einsum("bij,bj->bi", inv[bad], fw)
        z[bad] = w
    return z


def project(system: SupportSystem, start: FloatArray, iterations: int = 30) -> FloatArray:
    """Gauss-Newton with minimum-norm steps: from ``start`` (P, d) onto the solution set.

    For singular solutions and continua of solutions (degenerate games),
    where Newton's method has no unique step.
    """
    z = start.copy()
    for _ in range(iterations):
        f, _, jac = system.evaluate(z)
        z_new = z - np.einsum("bij,bj->bi", np.linalg.pinv(jac, rcond=1e-10), f)
        z = np.where(np.isfinite(z_new), z_new, z)
        if np.abs(f).max(initial=0.0) < 1e-14:
            break
    return z


def clusters(lo: FloatArray, hi: FloatArray, limit: int = 400) -> list[npt.NDArray[np.intp]]:
    """Groups of touching boxes (connected components), each as row indices.

    Up to ``limit`` boxes, exactly (all pairs). Beyond that, coarsely: the
    boxes' centres are binned on a grid (coarsened until at most ``limit``
    cells are occupied) and boxes in the same or neighbouring cells are
    grouped, so that the cost stays bounded however many boxes there are.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    m = lo.shape[0]
    if m == 0:
        return []

    def components(adjacent: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
        r, c = np.nonzero(adjacent)
        k = adjacent.shape[0]
        graph = coo_matrix((np.ones(r.size), (r, c)), shape=(k, k)).tocsr()
        return connected_components(graph, directed=False)[1]

    if m <= limit:
        gap = 1e-9
        touch = np.all(
            (lo[:, None, :] <= hi[None, :, :] + gap) & (lo[None, :, :] <= hi[:, None, :] + gap),
            axis=2,
        )
        labels = components(touch)
    else:
        centre = 0.5 * (lo + hi)
        for cells in (64, 32, 16, 8, 4, 2, 1):
            keys = np.clip(np.floor(centre * cells), -1, cells).astype(np.int64)
            uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
            if uniq.shape[0] <= limit:
                break
        near = np.all(np.abs(uniq[:, None, :] - uniq[None, :, :]) <= 1, axis=2)
        labels = components(near)[inverse.reshape(-1)]
    return [np.flatnonzero(labels == c) for c in np.unique(labels)]
