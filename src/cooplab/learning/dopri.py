"""Dormand–Prince 5(4) for a batch of ODE systems, in numpy, with dense output.

:func:`dopri5_batch` integrates ``K`` copies of one ODE system, ``y' = f(y)``
with ``y`` of shape ``(K, d)``, from ``K`` initial states, and returns the
states at requested times. It is the explicit Runge–Kutta pair of Dormand &
Prince (1980) with the continuous extension of Shampine (1986), the same
tableau, error estimate and step-size control as SciPy's ``RK45``
(:func:`scipy.integrate.solve_ivp`), vectorised over the batch:

* every stage is one evaluation of ``f`` on the whole ``(K, d)`` batch, and
  the stage combinations are matrix products over the stored stages, so the
  Python cost of a step is paid once for all ``K`` trajectories;
* the step size is shared by the batch and a step is accepted only when the
  error estimate of **every** trajectory, measured as SciPy measures one
  trajectory (the root mean square over its ``d`` components of the local
  error divided by ``atol + rtol |y|``), is at most one. Each trajectory is
  therefore integrated with steps no longer than it would take alone with
  the same tolerances;
* the states at the requested times are written straight into the output
  array by a matrix product of the interpolation weights with the step's
  stages (the dense output of degree 4), in blocks that stay in cache; no
  per-time Python work.

All buffers are allocated once per call; the loop allocates only a few
vectors of length ``K``.

Why one step for the batch, not one per trajectory: in the uses here (the
replicator dynamics of :mod:`cooplab.learning.replicator`) the batch takes
at most about twice the steps of its hardest member, and a shared step
keeps the dense output one matrix product per step; the cost of a step is
Python overhead, not arithmetic, until ``K d`` is in the tens of thousands.

References
----------
Dormand, J. R. & Prince, P. J. (1980). A family of embedded Runge-Kutta
formulae. Journal of Computational and Applied Mathematics 6(1), 19-26.
Shampine, L. F. (1986). Some practical Runge-Kutta formulas. Mathematics of
Computation 46(173), 135-150.
Hairer, E., Nørsett, S. P. & Wanner, G. (1993). Solving Ordinary
Differential Equations I, 2nd ed., Springer, §II.4-II.6 (step-size control,
starting step).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["IntegrationError", "dopri5_batch"]

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
_EXPONENT = -1.0 / 5.0  # error ~ h^5 for the 4th-order embedded estimate
#: Output elements written per matrix product: blocks stay in cache, and small products
#: stay single-threaded in BLAS (threads fight other work on a shared machine).
_BLOCK = 1 << 15


class IntegrationError(ArithmeticError):
    """The step size fell below round-off, or the error estimate stayed non-finite."""


def _worst_rms(v: FloatArray) -> float:
    """The largest root mean square over the rows of ``v``, shape ``(K, d)``."""
    return float(np.sqrt(np.einsum("kd,kd->k", v, v).max() / v.shape[1]))


def dopri5_batch(
    rhs: Callable[[FloatArray, FloatArray], None],
    y0: FloatArray,
    times: FloatArray,
    *,
    rtol: float,
    atol: float,
    finish: Callable[[FloatArray], None] | None = None,
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
    finish : callable ``finish(block)``, optional
        Called on every block of output rows, shape ``(m, K, d)``, once it is
        written (while it is in cache), to post-process it in place.
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
    >>> y = dopri5_batch(decay, np.array([[1.0], [2.0]]), t, rtol=1e-10, atol=1e-12)
    >>> bool(np.allclose(y[:, :, 0], np.exp(-t)[:, None] * [1.0, 2.0], atol=1e-9))
    True
    """
    y0 = np.ascontiguousarray(y0, dtype=np.float64)
    k, d = y0.shape
    n_t = times.shape[0]
    size = k * d
    out = np.empty((n_t, k, d))
    flat_out = out.reshape(n_t, size)
    flat_out[0] = y0.reshape(size)
    if finish is not None:
        finish(out[:1])

    # stages[0] = y, stages[1:8] = f at the seven stages; stages[8] = the trial state.
    stages = np.empty((9, k, d))
    flat = stages.reshape(9, size)
    y, trial = stages[0], stages[8]
    y[...] = y0
    rhs(y, stages[1])
    scale = np.empty((k, d))
    work = np.empty((k, d))
    err_vec = np.empty((k, d))

    # Starting step (Hairer, Nørsett & Wanner 1993, §II.4), with the batch's worst norm.
    np.multiply(np.abs(y), rtol, out=scale)
    scale += atol
    d0 = _worst_rms(np.divide(y, scale, out=work))
    d1 = _worst_rms(np.divide(stages[1], scale, out=work))
    h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
    span = float(times[-1] - times[0])
    h0 = min(h0, span)
    np.multiply(stages[1], h0, out=trial)
    trial += y
    rhs(trial, stages[2])
    np.subtract(stages[2], stages[1], out=work)
    work /= scale
    d2 = _worst_rms(work) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        h1 = max(1e-6, h0 * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** (1.0 / 5.0)
    h = min(100 * h0, h1, span)

    # Per-step coefficient rows over ``flat[:8]`` (column 0 multiplies y, 1..7 the stages).
    stage_rows = np.zeros((7, 8))  # rows 1..5: stage inputs; row 6: the 5th-order state
    stage_rows[:, 0] = 1.0
    error_row = np.zeros(8)
    dense = np.zeros((5, 8))
    dense[0, 0] = 1.0
    powers = np.arange(5.0)
    block_rows = max(1, _BLOCK // size)

    t = float(times[0])
    t_end = float(times[-1])
    nxt = 1
    rejected = False
    for _ in range(max_steps):
        if t >= t_end:
            return out
        # As SciPy's RK45: never below 10 ulp of t; the last step lands on t_end exactly.
        min_step = 10 * np.spacing(abs(t))
        if h < min_step:
            if rejected:
                raise IntegrationError(f"the step size fell below round-off at t={t:g}")
            h = min_step
        t_new = t + h
        if t_new > t_end:
            t_new = t_end
            h = t_end - t
        np.multiply(_A_LOW, h, out=stage_rows[1:6, 1:6])
        np.multiply(_B, h, out=stage_rows[6, 1:7])
        for s in range(1, 7):
            np.dot(stage_rows[s, : s + 1], flat[: s + 1], out=flat[8])
            rhs(trial, stages[s + 1])
        # The 5th-order state (row 6) is the 7th stage's argument: ``trial`` holds it now.
        np.multiply(_E, h, out=error_row[1:])
        np.dot(error_row, flat[:8], out=err_vec.reshape(size))
        np.abs(y, out=scale)
        np.abs(trial, out=work)
        np.maximum(scale, work, out=scale)
        scale *= rtol
        scale += atol
        err_vec /= scale
        err = _worst_rms(err_vec)
        if not err < 1.0:
            if not np.isfinite(err):
                factor = _MIN_FACTOR
            else:
                factor = max(_MIN_FACTOR, _SAFETY * err**_EXPONENT)
            h *= factor
            rejected = True
            continue
        stop = n_t if t_new >= t_end else int(np.searchsorted(times, t_new, side="right"))
        if stop > nxt:
            np.multiply(_P_T, h, out=dense[1:, 1:])
            coef = np.dot(dense, flat[:8])  # (5, size): y and h Q_j
            theta = (times[nxt:stop] - t) / h
            weights = theta[:, None] ** powers  # (m, 5)
            for lo in range(nxt, stop, block_rows):
                hi = min(lo + block_rows, stop)
                np.matmul(weights[lo - nxt : hi - nxt], coef, out=flat_out[lo:hi])
            if finish is not None:
                finish(out[nxt:stop])
            nxt = stop
        y[...] = trial
        stages[1] = stages[7]
        t = t_new
        factor = _MAX_FACTOR if err == 0.0 else min(_MAX_FACTOR, _SAFETY * err**_EXPONENT)
        if rejected:
            factor = min(1.0, factor)
            rejected = False
        h *= factor
    if t >= t_end:
        return out
    raise IntegrationError(f"more than {max_steps} steps between t={times[0]:g} and t={t_end:g}")
