"""Embedded Runge-Kutta pairs for a batch of ODE systems, in numpy, with dense output.

:func:`integrate_batch` integrates ``K`` copies of one ODE system,
``y' = f(y)`` with ``y`` of shape ``(K, d)``, from ``K`` initial states, and
returns the states at requested times. Two pairs, each with the tableau,
error estimate, starting step and step-size control of its SciPy
counterpart (:func:`scipy.integrate.solve_ivp`), vectorised over the batch:

* ``"dop853"``: Hairer's DOP853, the Dormand-Prince 8(5,3) pair with its
  7th-order dense output (SciPy's ``DOP853``);
* ``"dopri5"``: Dormand & Prince's (1980) 5(4) pair with Shampine's (1986)
  4th-order dense output (SciPy's ``RK45``).

For one trajectory (``K = 1``) they take SciPy's steps and agree with it to
round-off (``tests/learning/test_dopri.py``). For a batch:

* every stage is one evaluation of ``f`` on the whole ``(K, d)`` batch, and
  the stage combinations are matrix products over the stored stages, so the
  Python cost of a step is paid once for all ``K`` trajectories;
* the step size is shared by the batch and a step is accepted only when the
  error estimate of **every** trajectory, measured as SciPy measures one
  trajectory (a root mean square over its ``d`` components of the local
  error divided by ``atol + rtol |y|``), is at most one: each trajectory
  meets its own tolerance on every step;
* the states at the requested times are written straight into the output
  array by a matrix product of the powers of ``theta = (t - t_old) / h``
  with the monomial coefficients of the step's interpolating polynomial
  (one product of a fixed matrix with the stages per step), in blocks that
  stay in cache; no per-time Python work;
* a post-processing pass that only repairs negative values (``finish``
  with ``skip_nonnegative``) is skipped on steps whose interpolating
  polynomials are proved non-negative by their Bernstein coefficients.

All buffers are allocated once per call; the loop allocates only small
coefficient arrays and vectors of length ``K``.

Why one step for the batch, not one per trajectory: on the replicator
dynamics of ``benchmarks/learning.py`` (10 to 51 actions, 100 starts, ``t``
in ``[0, 10]``) the batch needed no more evaluations of ``f`` than the
hardest of its starts alone (0.76-1.02 times as many), so per-trajectory
steps could not save iterations, and a shared step keeps the dense output
one matrix product per step.

References
----------
Dormand, J. R. & Prince, P. J. (1980). A family of embedded Runge-Kutta
formulae. Journal of Computational and Applied Mathematics 6(1), 19-26.
Shampine, L. F. (1986). Some practical Runge-Kutta formulas. Mathematics of
Computation 46(173), 135-150.
Hairer, E., Lubich, C. & Wanner, G. (2006). Geometric Numerical
Integration, 2nd ed., Springer, §IV.4 (projection methods).
Hairer, E., Nørsett, S. P. & Wanner, G. (1993). Solving Ordinary
Differential Equations I, 2nd ed., Springer, §II.4-II.6 (step-size control,
starting step, dense output) and §II.10 (DOP853).
Farouki, R. T. & Rajan, V. T. (1988). Algorithms for polynomials in
Bernstein form. Computer Aided Geometric Design 5(1), 1-26.
Higham, N. J. (2002). Accuracy and Stability of Numerical Algorithms, 2nd
ed., SIAM, §3.1 (rounding errors of inner products).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from cooplab.learning import _dop853_tableau as _T8

__all__ = ["IntegrationError", "dopri5_batch", "integrate_batch"]

FloatArray = npt.NDArray[np.float64]

# Dormand & Prince (1980), RK5(4)7M: nodes, stage matrix, 5th-order weights.
_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0])
_A = np.array(
    [
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [1 / 5, 0.0, 0.0, 0.0, 0.0],
        [3 / 40, 9 / 40, 0.0, 0.0, 0.0],
        [44 / 45, -56 / 15, 32 / 9, 0.0, 0.0],
        [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729, 0.0],
        [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    ]
)
_A_LOW = np.ascontiguousarray(_A[1:])  # rows of stages 2..6
_B = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84])
# 5th minus 4th-order weights over the seven stages (the 7th is f at the new state: FSAL).
_E = np.array([-71 / 57600, 0.0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40])
# Shampine (1986) continuous extension, as in SciPy's RK45: y(t + theta h) =
# y + h * sum_j (K^T P)[:, j] theta^(j+1), stages K of shape (7, d).
_P = np.array(
    [
        [1.0, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
        [0.0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
        [
            0.0,
            127303824393 / 49829197408,
            -318862633887 / 49829197408,
            701980252875 / 199316789632,
        ],
        [0.0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
        [0.0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
    ]
)
_P_T = np.ascontiguousarray(_P.T)
_SAFETY, _MIN_FACTOR, _MAX_FACTOR = 0.9, 0.2, 10.0
#: Multiply-adds per matrix product of the dense output: blocks of output rows stay in
#: cache, and the products stay single-threaded in BLAS (OpenBLAS threads a product
#: only from 2 * 2^18 multiply-adds; threads fight other work on a shared machine).
_BLOCK = 1 << 18


class IntegrationError(ArithmeticError):
    """The step size fell below round-off, or the error estimate stayed non-finite."""


_rowdot = getattr(np, "vecdot", None)  # numpy >= 2: a ufunc, cheaper than einsum
if _rowdot is None:  # pragma: no cover - numpy 1.x

    def _rowdot(x: FloatArray, y: FloatArray, out: FloatArray | None = None) -> FloatArray:
        return np.einsum("...d,...d->...", x, y, out=out)


def _worst_rms(v: FloatArray) -> float:
    """The largest root mean square over the rows of ``v``, shape ``(K, d)``."""
    return float(np.sqrt(_rowdot(v, v).max() / v.shape[1]))


def _monomial_to_bernstein(n: int) -> FloatArray:
    """``M`` with ``b = M @ a``: Bernstein coefficients of ``sum_p a_p theta^p`` (degree ``n``).

    ``theta^p = sum_{k >= p} C(k, p) / C(n, p) B_k^n(theta)`` (Farouki & Rajan 1988).
    The entries lie in ``[0, 1]``.
    """
    m = np.zeros((n + 1, n + 1))
    for k in range(n + 1):
        for p in range(k + 1):
            m[k, p] = math.comb(k, p) / math.comb(n, p)
    return m


_BERNSTEIN = {n: _monomial_to_bernstein(n) for n in (4, 7)}  # the two pairs' degrees

#: Margin of the non-negativity certificate, relative to ``sum_p |a_p|`` per component.
#: Evaluating ``sum_p a_p theta^p`` at ``theta`` in ``[0, 1]`` (powers by products, a
#: BLAS dot of length <= 8) errs by at most ``(2 n + 2) u sum_p |a_p|`` and the Bernstein
#: coefficients by at most ``(n + 1) u sum_p |a_p|`` (``u = 2^-53``, entries of the map
#: in ``[0, 1]``; Higham 2002, §3.1), together below ``3e-15 sum_p |a_p|`` for
#: ``n <= 7`` (``theta`` is clamped to ``[0, 1]``). 1e-13 covers it 30 times over.
_CERTIFY_MARGIN = 1e-13


class _Pair:
    """One embedded Runge-Kutta pair over a batch: stages, a trial step, dense output.

    ``stages`` has shape ``(rows, K, d)``: row 0 is the state ``y``, rows
    ``1 ..`` the stage derivatives (row 1 is ``f(y)``), the last row the trial
    state. Stage inputs and outputs are matrix products of a coefficient
    vector with the stored rows, so a stage costs one BLAS call plus ``f``.

    The coefficients of every stage are the rows of ``self.rows`` (shape
    ``(stages, n_stored)``; column 0, the weight of ``y``, is 1), refreshed for
    a step size ``h`` by one multiplication. The dense output of an accepted
    step is a polynomial in ``theta = (t - t_old) / h`` with monomial
    coefficients ``coef`` (shape ``(degree + 1, K d)``), written at the
    requested times by one matrix product with the powers of ``theta``.
    """

    order: int  # of the error estimator, for the starting step and step control
    n_stored: int
    fsal: int
    #: Stage coefficients without ``h``: row ``s`` over the stored derivatives (K0, K1, ..).
    _tableau: FloatArray
    #: Stages of the method proper (the rest are for the dense output only).
    n_method: int
    #: Monomial coefficients of the dense output over the stored derivatives, without ``h``.
    _dense: FloatArray

    def __init__(self, rhs: Callable[[FloatArray, FloatArray], None], y0: FloatArray) -> None:
        k, d = y0.shape
        self.rhs = rhs
        self.k, self.d, self.size = k, d, k * d
        self.stages = np.empty((self.n_stored + 1, k, d))
        self.flat = self.stages.reshape(self.n_stored + 1, k * d)
        self.y = self.stages[0]
        self.trial = self.stages[self.n_stored]
        self.y[...] = y0
        rhs(self.y, self.stages[1])
        self.scale = np.empty((k, d))
        self.abs_y = np.abs(self.y)
        self.abs_new = np.empty((k, d))
        n_rows, n_cols = self._tableau.shape
        self.rows = np.zeros((n_rows + 1, n_cols + 1))  # row s: [1, h a_s]
        self.rows[:, 0] = 1.0
        # (coefficients, stored rows they combine, where f of the result goes), per stage;
        # views made once, so a stage is one BLAS call plus ``f``.
        self.plan = [
            (self.rows[s, : s + 1], self.flat[: s + 1], self.stages[s + 1])
            for s in range(1, n_rows + 1)
        ]
        degree = self._dense.shape[0]
        self.coef_rows = np.zeros((degree + 1, self._dense.shape[1] + 1))
        self.coef_rows[0, 0] = 1.0  # a_0 = y_old
        self.bernstein = _BERNSTEIN[degree]
        self.ones = np.ones(degree + 1)
        self.coef = np.empty((degree + 1, k * d))
        self.bern = np.empty((degree + 1, k * d))
        self.margin = np.empty(k * d)
        self.low = np.empty(k * d)

    def refresh(self, h: float) -> None:
        """Stage coefficients for the step size ``h``."""
        np.multiply(self._tableau, h, out=self.rows[1:, 1:])

    def _scale(self, rtol: float, atol: float) -> FloatArray:
        """``atol + rtol * max(|y|, |y_new|)``, per component (SciPy's error scale)."""
        np.abs(self.trial, out=self.abs_new)
        np.maximum(self.abs_y, self.abs_new, out=self.scale)
        self.scale *= rtol
        self.scale += atol
        return self.scale

    def accept(self) -> None:
        self.y[...] = self.trial
        self.stages[1] = self.stages[self.fsal]
        self.abs_y, self.abs_new = self.abs_new, self.abs_y

    def attempt(self, h: float, rtol: float, atol: float) -> float:  # pragma: no cover
        raise NotImplementedError

    def dense(self, h: float) -> FloatArray:
        """Monomial coefficients of the step's dense output, shape ``(degree + 1, K d)``."""
        np.multiply(self._dense, h, out=self.coef_rows[1:, 1:])
        return self.coef_rows.dot(self.flat[: self.coef_rows.shape[1]], out=self.coef)

    def certify_nonnegative(self, coef: FloatArray) -> bool:
        """True when the polynomial with monomial coefficients ``coef`` is >= 0 on [0, 1].

        A sufficient test (the convex-hull property of the Bernstein form; Farouki
        & Rajan 1988): every Bernstein coefficient of every component is at least
        :data:`_CERTIFY_MARGIN` times the sum of its ``|a_p|``, which covers the
        round-off of the test and of the output's evaluation, so every value
        written from ``coef`` is >= 0. It fails (and the caller checks the values)
        for components that approach zero too fast for the degree's hull.

        First the cheaper test ``a_0 - sum_{p >= 1} |a_p| >= margin`` (the value at
        ``theta = 0`` outweighs every other term; ``theta^p <= 1``), which holds on
        most steps of smooth trajectories, written as ``2 a_0 >= (1 + m) sum_p |a_p|``.
        """
        bern, margin, low = self.bern, self.margin, self.low
        np.abs(coef, out=bern)
        self.ones.dot(bern, out=margin)
        margin *= 0.5 * (1.0 + _CERTIFY_MARGIN)
        np.subtract(coef[0], margin, out=low)
        if low.min() >= 0.0:
            return True
        margin *= 2.0 * _CERTIFY_MARGIN / (1.0 + _CERTIFY_MARGIN)
        self.bernstein.dot(coef, out=bern)
        bern -= margin
        return bool(bern.min() >= 0.0)


class _DoPri5(_Pair):
    """Dormand & Prince (1980) 5(4) with Shampine's (1986) quartic dense output."""

    order = 4
    n_stored = 8  # y and the seven stages (the 7th is f at the new state: FSAL)
    fsal = 7
    n_method = 6
    # Rows 1-5: a_s over K0..K4; row 6: b (the new state) over K0..K5.
    _tableau = np.vstack([np.pad(_A_LOW, ((0, 0), (0, 1))), _B])
    # y(t + theta h) = y + h sum_j (K^T P)[:, j] theta^(j+1): rows theta^1 .. theta^4.
    _dense = _P_T

    def __init__(self, rhs: Callable[[FloatArray, FloatArray], None], y0: FloatArray) -> None:
        super().__init__(rhs, y0)
        self.err = np.empty((self.k, self.d))

    def attempt(self, h: float, rtol: float, atol: float) -> float:
        self.refresh(h)
        rhs, trial_flat, trial = self.rhs, self.flat[-1], self.trial
        for coef, stored, into in self.plan:  # ndarray.dot: no dispatch through np.dot
            coef.dot(stored, out=trial_flat)
            rhs(trial, into)
        # The last stage's argument is the 5th-order state: ``trial`` holds it.
        err = self.err
        _E.dot(self.flat[1:8], out=err.reshape(self.size))
        err /= self._scale(rtol, atol)
        return h * _worst_rms(err)


# DOP853's dense output (SciPy's form): y(theta) = y_old + sum_{j=0..6} F_j w_j(theta),
# w_j = prod_{l=6-j..6} m_l with m_l = theta (l even) or 1 - theta (l odd); F0 = dy,
# F1 = h f_old - dy, F2 = 2 dy - h (f_new + f_old), F3..6 = h D K, dy = h b K. Every F_j
# is h times a fixed combination of the stored derivatives K0..K15 (f_new is K12), so the
# monomial coefficients of y(theta) are h times one fixed (7, 16) matrix times K.
def _dop853_dense() -> FloatArray:
    f_of_k = np.zeros((7, 16))
    f_of_k[0, :12] = _T8.B
    f_of_k[1, :12] = -_T8.B
    f_of_k[1, 0] += 1.0
    f_of_k[2, :12] = 2.0 * _T8.B
    f_of_k[2, 0] -= 1.0
    f_of_k[2, 12] -= 1.0
    f_of_k[3:, :] = _T8.D
    w_in_powers = np.zeros((7, 8))  # row j: coefficients of theta^0..7 in w_j
    poly = np.array([1.0])
    for j in range(7):
        factor = [0.0, 1.0] if (6 - j) % 2 == 0 else [1.0, -1.0]
        poly = np.polynomial.polynomial.polymul(poly, factor)
        w_in_powers[j, : poly.shape[0]] = poly
    assert not w_in_powers[:, 0].any()  # every w_j vanishes at theta = 0
    return np.ascontiguousarray(w_in_powers[:, 1:].T @ f_of_k)  # rows theta^1 .. theta^7


class _Dop853(_Pair):
    """Hairer's DOP853: Dormand & Prince 8(5,3) with the 7th-order dense output."""

    order = 7
    n_stored = 17  # y and the 16 stages (12 of the method, f(y_new), 3 for dense output)
    fsal = 13
    n_method = 12
    # Rows 1-11: the stages; row 12: b (the new state, f there is K12); rows 13-15: the
    # dense output's extra stages, which start from the old state like the method's.
    _tableau = np.vstack([_T8.A[1:12, :15], np.pad(_T8.B, (0, 3)), _T8.A[13:16, :15]])
    _dense = _dop853_dense()
    _e53 = np.vstack([_T8.E5, _T8.E3])

    def __init__(self, rhs: Callable[[FloatArray, FloatArray], None], y0: FloatArray) -> None:
        super().__init__(rhs, y0)
        self.e53 = np.empty((2, self.k, self.d))
        self.scratch = np.empty((self.k, self.d))
        self.mix = np.array([1.0, 0.01])
        # The extra stages' arguments go to a scratch buffer: ``trial`` holds the new state.
        self.dense_plan = [
            (coef, stored, self.scratch.reshape(self.size), into)
            for coef, stored, into in self.plan[self.n_method :]
        ]
        self.plan = self.plan[: self.n_method]

    def attempt(self, h: float, rtol: float, atol: float) -> float:
        self.refresh(h)
        rhs, trial_flat, trial = self.rhs, self.flat[-1], self.trial
        for coef, stored, into in self.plan:  # the last: the new state, and f there (K12)
            coef.dot(stored, out=trial_flat)
            rhs(trial, into)
        e53 = self.e53
        self._e53.dot(self.flat[1:14], out=e53.reshape(2, self.size))
        e53 /= self._scale(rtol, atol)
        # Per trajectory, as SciPy's DOP853: |h| |e5|^2 / sqrt((|e5|^2 + 0.01 |e3|^2) d),
        # 0 where both vanish; the largest over the batch is sqrt of the largest square.
        norms = _rowdot(e53, e53)  # (2, K)
        denom = self.mix.dot(norms)
        denom += 1e-300  # 0 / tiny = 0 where both vanish; otherwise no change in a double
        n5 = norms[0]
        n5 *= n5
        n5 /= denom
        return h * math.sqrt(float(n5.max()) / self.d)

    def dense(self, h: float) -> FloatArray:
        rhs = self.rhs
        for coef, stored, scratch_flat, into in self.dense_plan:
            coef.dot(stored, out=scratch_flat)
            rhs(self.scratch, into)
        return super().dense(h)


_PAIRS = {"dopri5": _DoPri5, "dop853": _Dop853}


def integrate_batch(
    rhs: Callable[[FloatArray, FloatArray], None],
    y0: FloatArray,
    times: FloatArray,
    *,
    rtol: float,
    atol: float,
    method: str = "dop853",
    finish: Callable[[FloatArray], None] | None = None,
    skip_nonnegative: bool = False,
    project: Callable[[FloatArray], None] | None = None,
    max_steps: int = 1_000_000,
) -> FloatArray:
    """States of ``K`` trajectories of ``y' = f(y)`` at the given times.

    Parameters
    ----------
    rhs : callable ``rhs(y, out)``
        Writes ``f(y)`` into ``out``; both of shape ``(K, d)``. The system is
        autonomous (``f`` does not see the time). ``y`` must be read only.
    y0 : array, shape (K, d)
        Initial states at ``times[0]``.
    times : array, shape (T,)
        Strictly increasing, finite; ``T >= 2``.
    rtol, atol : float, > 0
        Tolerances of the local error of every trajectory (see module notes).
    method : {"dop853", "dopri5"}
        The Runge-Kutta pair: SciPy's ``DOP853`` or ``RK45``, step for step.
    finish : callable ``finish(block)``, optional
        Called on every block of output rows, shape ``(m, K, d)``, once it is
        written (while it is in cache), to post-process it in place.
    skip_nonnegative : bool
        Do not call ``finish`` on the blocks of a step whose dense output is
        proved non-negative in every component: each component's
        interpolating polynomial on the step has all its Bernstein
        coefficients at least a round-off margin above zero (Farouki & Rajan
        1988; the convex-hull property), so every value written is ``>= 0``.
        For a ``finish`` that only repairs negative values (a few
        multiply-adds per component and step instead of a pass over the
        output); a step the test cannot certify is passed to ``finish`` as
        usual.
    project : callable ``project(y)``, optional
        Called on the state, shape ``(K, d)``, after every accepted step, to
        change it in place: a projection onto an invariant manifold of the
        system (Hairer, Lubich & Wanner 2006, §IV.4) that round-off would
        otherwise let drift (the sum of the shares, for replicator dynamics).
    max_steps : int
        Accepted plus rejected steps before giving up.

    Returns
    -------
    array, shape (T, K, d)
        Row 0 is ``y0``; row ``j`` the dense-output state at ``times[j]``.

    Raises
    ------
    IntegrationError
        When the step size falls below round-off of the time (a singularity
        or a non-finite right-hand side) or ``max_steps`` is exceeded.

    Examples
    --------
    >>> import numpy as np
    >>> def decay(y, out):
    ...     np.multiply(y, -1.0, out=out)
    >>> t = np.linspace(0.0, 2.0, 5)
    >>> y = integrate_batch(decay, np.array([[1.0], [2.0]]), t, rtol=1e-10, atol=1e-12)
    >>> bool(np.allclose(y[:, :, 0], np.exp(-t)[:, None] * [1.0, 2.0], atol=1e-9))
    True
    """
    if method not in _PAIRS:
        raise ValueError(f"method must be one of {sorted(_PAIRS)}; got {method!r}")
    y0 = np.ascontiguousarray(y0, dtype=np.float64)
    k, d = y0.shape
    n_t = times.shape[0]
    size = k * d
    out = np.empty((n_t, k, d))
    flat_out = out.reshape(n_t, size)
    flat_out[0] = y0.reshape(size)
    if finish is not None:
        finish(out[:1])
    pair = _PAIRS[method](rhs, y0)
    exponent = -1.0 / (pair.order + 1)

    # Starting step (Hairer, Nørsett & Wanner 1993, §II.4; SciPy's select_initial_step),
    # with the batch's worst per-trajectory norm.
    y, f0, trial = pair.y, pair.stages[1], pair.trial
    scale = np.abs(y) * rtol + atol
    work = np.empty((k, d))
    d0 = _worst_rms(np.divide(y, scale, out=work))
    d1 = _worst_rms(np.divide(f0, scale, out=work))
    h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
    span = float(times[-1] - times[0])
    h0 = min(h0, span)
    np.multiply(f0, h0, out=trial)
    trial += y
    f1 = pair.stages[2]  # scratch until the first step overwrites it
    rhs(trial, f1)
    np.subtract(f1, f0, out=work)
    work /= scale
    d2 = _worst_rms(work) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        h1 = max(1e-6, h0 * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** (1.0 / (pair.order + 1))
    h = min(100 * h0, h1, span)

    time_list = times.tolist()
    t = float(times[0])
    t_end = float(times[-1])
    nxt = 1
    rejected = False
    for _ in range(max_steps):
        if t >= t_end:
            return out
        # As SciPy: never below 10 ulp of t; the last step lands on t_end exactly.
        min_step = 10 * math.ulp(t)
        if h < min_step:
            if rejected:
                raise IntegrationError(f"the step size fell below round-off at t={t:g}")
            h = min_step
        t_new = t + h
        if t_new > t_end:
            t_new = t_end
            h = t_end - t
        err = pair.attempt(h, rtol, atol)
        if not err < 1.0:
            factor = max(_MIN_FACTOR, _SAFETY * err**exponent) if np.isfinite(err) else _MIN_FACTOR
            h *= factor
            rejected = True
            continue
        stop = n_t if t_new >= t_end else bisect.bisect_right(time_list, t_new)
        if stop > nxt:
            coef = pair.dense(h)  # (degree + 1, K d): monomial coefficients in theta
            # theta^0 .. theta^degree as rows (contiguous passes over the step's times);
            # the products below read them transposed, as BLAS can.
            powers = np.empty((coef.shape[0], stop - nxt))
            powers[0] = 1.0
            np.subtract(times[nxt:stop], t, out=powers[1])
            powers[1] /= h
            # At most 1 in exact arithmetic (the times lie in (t, t + h]); rounding of
            # t + h can put one a few ulp past it, where the polynomial is not certified.
            np.minimum(powers[1], 1.0, out=powers[1])
            powers[2:] = powers[1]
            powers.cumprod(axis=0, out=powers)
            weights = powers.T
            check = finish is not None and not (skip_nonnegative and pair.certify_nonnegative(coef))
            block = max(1, _BLOCK // (size * coef.shape[0]))
            for lo in range(nxt, stop, block):
                hi = min(lo + block, stop)
                np.matmul(weights[lo - nxt : hi - nxt], coef, out=flat_out[lo:hi])
                if check:
                    finish(out[lo:hi])  # while the block is in cache
            nxt = stop
        pair.accept()
        if project is not None:
            project(pair.y)
        t = t_new
        factor = _MAX_FACTOR if err == 0.0 else min(_MAX_FACTOR, _SAFETY * err**exponent)
        if rejected:
            factor = min(1.0, factor)
            rejected = False
        h *= factor
    if t >= t_end:
        return out
    raise IntegrationError(f"more than {max_steps} steps between t={times[0]:g} and t={t_end:g}")


def dopri5_batch(
    rhs: Callable[[FloatArray, FloatArray], None],
    y0: FloatArray,
    times: FloatArray,
    *,
    rtol: float,
    atol: float,
    finish: Callable[[FloatArray], None] | None = None,
    skip_nonnegative: bool = False,
    project: Callable[[FloatArray], None] | None = None,
    max_steps: int = 1_000_000,
) -> FloatArray:
    """:func:`integrate_batch` with ``method="dopri5"`` (SciPy's ``RK45``, batched)."""
    return integrate_batch(
        rhs,
        y0,
        times,
        rtol=rtol,
        atol=atol,
        method="dopri5",
        finish=finish,
        skip_nonnegative=skip_nonnegative,
        project=project,
        max_steps=max_steps,
    )
