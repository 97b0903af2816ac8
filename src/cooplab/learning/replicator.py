"""Replicator dynamics, continuous (by an ODE solver) and discrete, one population or one per player.

Continuous time (Taylor & Jonker 1978): the share of each action grows at the
rate by which its payoff exceeds the population's average,

.. math:: \\dot x_k = x_k \\, (u(k, x) - u(x, x)).

With one population (a symmetric game) every player is drawn from the same
population ``x``; with one population per player (Schuster & Sigmund 1981's
"bimatrix" or multi-population form) player ``i``'s share ``x_i`` grows with
``u_i(k, x_{-i}) - u_i(x)``. Rest points include every Nash equilibrium;
strict equilibria are asymptotically stable; in zero-sum games with an interior
equilibrium the two-population dynamics conserve ``sum_k x*_k log x_k`` summed
over players and orbit (Hofbauer & Sigmund 1998, ch. 7 and 11).

Discrete time with step ``dt`` (the "discrete replicator" of Hofbauer &
Sigmund 1998, §16.1, with background fitness ``1/dt``):
``x'_k = x_k (1 + dt u(k, x)) / (1 + dt u(x, x))``, defined while every
``1 + dt u > 0``.

:func:`replicator_trajectories` integrates many starting points at once
(:mod:`cooplab.learning.dopri`: the cost of a solver step is paid once for
the whole batch).

References
----------
Taylor, P. D. & Jonker, L. B. (1978). Evolutionary stable strategies and game
dynamics. Mathematical Biosciences 40(1-2), 145-156.
Schuster, P. & Sigmund, K. (1981). Coyness, philandering and stable strategies.
Animal Behaviour 29(1), 186-192.
Hofbauer, J. & Sigmund, K. (1998). Evolutionary Games and Population Dynamics.
Cambridge University Press.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.integrate

from cooplab.games.normal_form import NormalFormGame, deviation_payoffs
from cooplab.learning.base import (
    FloatArray,
    Learner,
    LearnerDivergedError,
    check_number,
    initial_policies,
)
from cooplab.learning.dopri import IntegrationError, _rowdot, integrate_batch
from cooplab.runtime.rng import RngLike

__all__ = ["ReplicatorDynamics", "replicator_trajectories"]

_NAME = "replicator"


def _as_starts(x: npt.ArrayLike, a: int, label: str) -> tuple[FloatArray, bool]:
    arr = np.array(x, dtype=np.float64)
    single = arr.ndim == 1
    arr = np.atleast_2d(arr)
    if arr.ndim != 2 or arr.shape[1] != a:
        raise ValueError(f"{_NAME}: {label} must have shape ({a},) or (K, {a}); got {np.shape(x)}")
    if not np.all(np.isfinite(arr)) or np.any(arr < -1e-12):
        raise ValueError(f"{_NAME}: {label} must hold probability vectors (finite, non-negative)")
    sums = arr.sum(axis=1)
    if np.any(np.abs(sums - 1.0) > 1e-6):
        raise ValueError(f"{_NAME}: every row of {label} must sum to 1; got sums {sums.tolist()}")
    return np.maximum(arr, 0.0) / sums[:, None], single


def _times(times: npt.ArrayLike) -> FloatArray:
    t = np.asarray(times, dtype=np.float64)
    if t.ndim != 1 or t.shape[0] < 2 or not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise ValueError(
            f"{_NAME}: times must be an increasing sequence of at least 2 finite numbers"
        )
    return t


def _use_batched(method: str, starts: int, shares: int) -> bool:
    if not isinstance(method, str):
        raise TypeError(f"{_NAME}: method must be a string; got {method!r}")
    if method == "auto":
        return starts >= 2 and shares >= _BATCH_MIN_SHARES
    return method in ("dopri5", "dop853")


def _solve(
    rhs: Any, y0: FloatArray, t: FloatArray, rtol: float, atol: float, method: str
) -> FloatArray:
    # The solver's dense output, evaluated once at every requested time, costs a fraction
    # of ``t_eval`` (which interpolates step by step in Python).
    sol = scipy.integrate.solve_ivp(
        rhs, (t[0], t[-1]), y0, dense_output=True, rtol=rtol, atol=atol, method=method
    )
    if not sol.success or not np.all(np.isfinite(sol.y)):
        raise LearnerDivergedError(
            f"{_NAME}: the ODE solver failed between t={t[0]:g} and t={t[-1]:g}: {sol.message}"
        )
    out = np.asarray(sol.sol(t)).T  # (T, dim)
    out[0] = y0
    return out


def _project(x: FloatArray) -> FloatArray:
    """Clip solver round-off below zero and renormalise each row (the dynamics keep the simplex)."""
    if x.min() < 0.0:
        x = np.maximum(x, 0.0)
    return x / x.sum(axis=-1, keepdims=True)


def _odeint(rhs_yt: Any, y0: FloatArray, t: FloatArray, rtol: float, atol: float) -> FloatArray:
    # ``rhs_yt(y, t)``, odeint's order: no wrapper between LSODA and the right-hand side,
    # which LSODA calls 50-170 times per start on the games of benchmarks/learning.py.
    out, info = scipy.integrate.odeint(rhs_yt, y0, t, rtol=rtol, atol=atol, full_output=True)
    if info["message"] != "Integration successful." or not np.all(np.isfinite(out)):
        raise LearnerDivergedError(
            f"{_NAME}: the ODE solver failed between t={t[0]:g} and t={t[-1]:g}: {info['message']}"
        )
    return np.asarray(out)


def _integrate(
    rhs_yt: Any, y0: FloatArray, t: FloatArray, rtol: float, atol: float, method: str
) -> FloatArray:
    """``odeint`` or a ``solve_ivp`` method on ``y' = rhs_yt(y, t)``."""
    if method in ("odeint", "auto"):
        return _odeint(rhs_yt, y0, t, rtol, atol)
    return _solve(lambda tt, y: rhs_yt(y, tt), y0, t, rtol, atol, method)


#: ``method="auto"`` integrates the starts with the batched Runge-Kutta integrator when
#: there are at least two and they hold this many shares in all (K times the actions);
#: below, LSODA's compiled loop (``odeint``) on the stacked system is faster (measured
#: crossover: 60-150 shares on 10- to 51-action games).
_BATCH_MIN_SHARES = 100
#: The batched pair ``method="auto"`` uses.
_BATCHED_DEFAULT = "dop853"


def _renormalise(block: FloatArray) -> None:
    """Clip shares below zero in ``block`` (shape (..., a)) and renormalise those rows, in place.

    Rows without a negative share are left alone: Runge-Kutta steps and their
    dense output preserve the linear invariant ``sum(x) = 1`` of the dynamics,
    and every step ends projected back onto it, so those rows already sum to
    one up to round-off (a full renormalisation of the output would cost more
    than the integration on small games).
    """
    if block.min() >= 0.0:
        return
    rows = (block < 0.0).any(axis=-1)
    fixed = np.maximum(block[rows], 0.0)
    block[rows] = fixed / fixed.sum(axis=-1, keepdims=True)


def _batched(
    rhs: Any, y0: FloatArray, t: FloatArray, rtol: float, atol: float, cuts: list[int], method: str
) -> FloatArray:
    """Dormand-Prince over the batch ``y0`` (K, d); rows of each block in ``cuts`` renormalised."""
    edges = [0, *cuts, y0.shape[1]]

    def finish(block: FloatArray) -> None:
        if block.min() >= 0.0:
            return  # the usual case: one scan of the block, while it is in cache
        for lo, hi in itertools.pairwise(edges):
            _renormalise(block[..., lo:hi])

    parts = [
        ((lo, hi), np.ones(hi - lo), np.empty((y0.shape[0], 1)))
        for lo, hi in itertools.pairwise(edges)
    ]

    def project(y: FloatArray) -> None:
        # d/dt (sum x - 1) = -(x A x)(sum x - 1): where the mean payoff is negative,
        # round-off in the sum grows (to ~1e-12 over t = 5 with normal payoffs). Each
        # step ends back on the simplex, so output rows sum to one to round-off.
        for (lo, hi), ones, sums in parts:
            part = y[:, lo:hi]
            part.dot(ones, out=sums[:, 0])
            part /= sums

    try:
        return integrate_batch(
            rhs,
            y0,
            t,
            rtol=rtol,
            atol=atol,
            method=_BATCHED_DEFAULT if method == "auto" else method,
            finish=finish,
            skip_nonnegative=True,
            project=project,
        )
    except IntegrationError as exc:
        raise LearnerDivergedError(
            f"{_NAME}: the ODE solver failed between t={t[0]:g} and t={t[-1]:g}: {exc}"
        ) from None


def replicator_trajectories(
    A: npt.ArrayLike,
    starts: Any,
    times: npt.ArrayLike,
    *,
    B: npt.ArrayLike | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    method: str = "auto",
) -> Any:
    """Continuous replicator dynamics from many starting points, integrated together.

    Parameters
    ----------
    A : array, shape (a, a) or (a, b)
        One population (``B`` omitted): the payoff of row action against
        column action, ``fitness = A @ x`` (as Nashpy's
        ``Game(A).replicator_dynamics``). Two populations: the row player's
        payoffs.
    starts : array, shape (a,) or (K, a); or a pair of them (two populations)
        Starting shares; a pair ``(x0, y0)`` of shapes ``(K, a)`` and
        ``(K, b)`` with two populations.
    times : array, shape (T,)
        Increasing times at which the state is returned (the first is the start).
    B : array, shape (a, b), optional
        The column player's payoffs: two populations, ``x' = x (A y - x A y)``,
        ``y' = y (B^T x - x B y)`` (Schuster & Sigmund 1981).
    rtol, atol : float, > 0
        Solver tolerances (of the local error of every start).
    method : str
        ``"dop853"`` or ``"dopri5"``: all starts together by
        :func:`cooplab.learning.dopri.integrate_batch`, SciPy's ``DOP853`` or
        ``RK45`` vectorised over the starts (one step size for the batch,
        accepted only when every start's own error estimate, as SciPy measures
        it, passes). ``"odeint"``: :func:`scipy.integrate.odeint` (LSODA,
        compiled) on the starts stacked as one system, as Nashpy integrates
        one start. ``"auto"`` (default): ``"dop853"`` for two starts or more
        holding at least 100 shares in all (K times the actions), else
        ``"odeint"``, whichever is faster (measured with
        ``benchmarks/learning.py``). Any other value is a
        :func:`scipy.integrate.solve_ivp` method (``"RK45"``, ``"LSODA"``...).

    Returns
    -------
    array, shape (T, a) or (T, K, a); or a pair of arrays (two populations)
        Rows are clipped at zero and renormalised (solver round-off only;
        with the batched methods only rows with a negative share are touched,
        the others already sum to one up to round-off).

    Notes
    -----
    Accuracy at the defaults, on the games of ``benchmarks/learning.py`` (10
    to 51 actions, ``t`` in ``[0, 10]``): the largest error against a
    reference solution (DOP853 at ``rtol=1e-13``) is at most about ``5e-9``
    with ``"dop853"`` or ``"dopri5"`` (about ``1e-9`` with ``"dop853"``), and
    about ``1e-7`` for Nashpy (``odeint`` at its default tolerances,
    ``1.49e-8``); ``tests/learning/test_learning_peers.py`` checks it.

    Examples
    --------
    >>> import numpy as np
    >>> hawk_dove = np.array([[-1.0, 2.0], [0.0, 1.0]])   # V=2, C=4: hawks settle at V/C
    >>> x = replicator_trajectories(hawk_dove, [0.9, 0.1], np.linspace(0, 40, 5))
    >>> round(float(x[-1, 0]), 4)
    0.5
    """
    a = np.asarray(A, dtype=np.float64)
    if a.ndim != 2 or not np.all(np.isfinite(a)):
        raise ValueError(f"{_NAME}: A must be a finite payoff matrix; got shape {a.shape}")
    t = _times(times)
    rtol = check_number(_NAME, "rtol", rtol, low=0, low_open=True)
    atol = check_number(_NAME, "atol", atol, low=0, low_open=True)
    if B is None:
        if a.shape[0] != a.shape[1]:
            raise ValueError(f"{_NAME}: one population needs a square A; got {a.shape}")
        x0, single = _as_starts(starts, a.shape[0], "starts")
        k, n = x0.shape
        if _use_batched(method, k, k * n):
            at = np.ascontiguousarray(a.T)

            mean = np.empty(k)
            mean_col = mean[:, None]

            def one_batch(x: FloatArray, out: FloatArray) -> None:
                x.dot(at, out=out)  # fitness A x of every start
                _rowdot(x, out, out=mean)
                out -= mean_col
                out *= x

            out = _batched(one_batch, x0, t, rtol, atol, [], method)
            return out[:, 0] if single else out

        if k == 1:

            def one(x: FloatArray, _t: float) -> FloatArray:
                f = a.dot(x)
                f -= x.dot(f)
                f *= x
                return f

        else:
            at = np.ascontiguousarray(a.T)

            def one(flat: FloatArray, _t: float) -> FloatArray:
                x = flat.reshape(k, n)
                f = x.dot(at)
                f -= _rowdot(x, f)[:, None]
                f *= x
                return f.ravel()

        out = _project(_integrate(one, x0.ravel(), t, rtol, atol, method).reshape(len(t), k, n))
        return out[:, 0] if single else out
    b = np.asarray(B, dtype=np.float64)
    if b.shape != a.shape or not np.all(np.isfinite(b)):
        raise ValueError(f"{_NAME}: B must be a finite matrix of A's shape {a.shape}")
    if not isinstance(starts, tuple | list) or len(starts) != 2:
        raise ValueError(f"{_NAME}: two populations need starts=(x0, y0)")
    x0, single = _as_starts(starts[0], a.shape[0], "x0")
    y0, _ = _as_starts(starts[1], a.shape[1], "y0")
    if x0.shape[0] != y0.shape[0]:
        raise ValueError(f"{_NAME}: x0 and y0 need the same number of starts")
    k, m, n = x0.shape[0], a.shape[0], a.shape[1]
    if _use_batched(method, k, k * (m + n)):
        at = np.ascontiguousarray(a.T)
        bc = np.ascontiguousarray(b)

        def two_batch(z: FloatArray, out: FloatArray) -> None:
            x, y = z[:, :m], z[:, m:]
            fx, fy = out[:, :m], out[:, m:]
            np.matmul(y, at, out=fx)  # A y
            np.matmul(x, bc, out=fy)  # B^T x
            fx -= _rowdot(x, fx)[:, None]
            fx *= x
            fy -= _rowdot(y, fy)[:, None]
            fy *= y

        both = _batched(two_batch, np.concatenate([x0, y0], axis=1), t, rtol, atol, [m], method)
        xs = np.ascontiguousarray(both[:, :, :m])
        ys = np.ascontiguousarray(both[:, :, m:])
        return (xs[:, 0], ys[:, 0]) if single else (xs, ys)

    def two(flat: FloatArray, _t: float) -> FloatArray:
        x = flat[: k * m].reshape(k, m)
        y = flat[k * m :].reshape(k, n)
        fx = y @ a.T
        fy = x @ b
        dx = x * (fx - np.einsum("ka,ka->k", x, fx)[:, None])
        dy = y * (fy - np.einsum("kb,kb->k", y, fy)[:, None])
        return np.concatenate([dx.ravel(), dy.ravel()])

    sol = _integrate(two, np.concatenate([x0.ravel(), y0.ravel()]), t, rtol, atol, method)
    xs = _project(sol[:, : k * m].reshape(len(t), k, m))
    ys = _project(sol[:, k * m :].reshape(len(t), k, n))
    return (xs[:, 0], ys[:, 0]) if single else (xs, ys)


class ReplicatorDynamics(Learner):
    """Replicator dynamics as a learner: one step advances time by ``dt``.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players. With ``single_population=True`` it must be
        symmetric (every player is drawn from one population).
    dt : float, > 0
        Time per step. Discrete dynamics need ``1 + dt u > 0`` for every
        payoff ``u`` (checked).
    discrete : bool
        Discrete replicator (Hofbauer & Sigmund 1998, §16.1) instead of the ODE.
    single_population : bool
        One population shared by all players (a symmetric game).
    initial : "uniform", "random" or a profile
        Starting shares (a Dirichlet(1) draw for ``"random"``).
    rng : Generator, int or None
        Used only for ``initial="random"``.
    rtol, atol : float
        ODE solver tolerances.

    Notes
    -----
    :meth:`run` integrates all its steps in one solver call (states reported
    at every multiple of ``dt``), so ``run(1000)`` costs one ODE solve, not
    a thousand.

    Examples
    --------
    >>> from cooplab.games import make
    >>> rd = ReplicatorDynamics(make("prisoners-dilemma"), dt=0.5, initial=[[0.9, 0.1], [0.9, 0.1]])
    >>> [round(float(p[1]), 3) for p in rd.run(40).policies]   # defection takes over
    [1.0, 1.0]
    """

    name = _NAME

    def __init__(
        self,
        game: NormalFormGame,
        *,
        dt: float = 0.05,
        discrete: bool = False,
        single_population: bool = False,
        initial: Any = "uniform",
        rng: RngLike = None,
        rtol: float = 1e-8,
        atol: float = 1e-10,
    ) -> None:
        super().__init__(game, rng=rng)
        self.dt = check_number(self.name, "dt", dt, low=0, low_open=True)
        self.rtol = check_number(self.name, "rtol", rtol, low=0, low_open=True)
        self.atol = check_number(self.name, "atol", atol, low=0, low_open=True)
        for flag, value in (("discrete", discrete), ("single_population", single_population)):
            if not isinstance(value, bool):
                raise TypeError(f"{self.name}: {flag} must be True or False; got {value!r}")
        self.discrete = discrete
        self.single = single_population
        if self.single and not game.is_symmetric():
            raise ValueError(
                f"{self.name}: one population needs a symmetric game (every player with the same "
                f"actions and payoffs under relabelling); {game.name or 'this game'} is not. "
                f"Use single_population=False (one population per player)."
            )
        if self.discrete:
            low = float(self._payoffs.min())
            if 1.0 + self.dt * low <= 0:
                raise ValueError(
                    f"{self.name}: discrete dynamics need 1 + dt * u > 0 for every payoff u; the "
                    f"lowest payoff is {low:g}, so dt must be below {-1.0 / low:g}; got {self.dt:g}"
                )
        pols = initial_policies(self.name, game, initial, self._rng)
        if self.single:
            pols = [pols[0].copy() for _ in range(game.n_players)]
        self._policies = pols
        self._two = game.n_players == 2
        self._start()

    def config(self) -> dict[str, Any]:
        return {"dt": self.dt, "discrete": self.discrete, "single_population": self.single}

    # -- fitness ------------------------------------------------------------
    def _fitness(self, profile: list[FloatArray]) -> list[FloatArray]:
        if self.single:
            return [deviation_payoffs(self._payoffs, [profile[0]] * self._game.n_players)[0]]
        return deviation_payoffs(self._payoffs, profile)

    def _discrete_update(self, profile: list[FloatArray]) -> list[FloatArray]:
        out = []
        for x, f in zip(profile, self._fitness(profile), strict=False):
            w = x * (1.0 + self.dt * f)
            out.append(w / w.sum())
        return out

    def _step(self) -> None:
        if self.discrete:
            new = self._discrete_update(self._policies)
        else:
            rows = self._integrate(1)
            new = [r[-1] for r in rows]
        self._policies = self._expand(new)

    def _expand(self, pols: list[FloatArray]) -> list[FloatArray]:
        return [pols[0].copy() for _ in range(self._game.n_players)] if self.single else pols

    def _integrate(self, steps: int) -> list[FloatArray]:
        """States at ``dt, 2 dt, ..., steps dt`` from the current one: rows per population."""
        t = self.dt * np.arange(steps + 1)
        if self.single:
            sizes = [self._game.n_actions[0]]
            y0 = self._policies[0]
        else:
            sizes = list(self._game.n_actions)
            y0 = np.concatenate(self._policies)
        cuts = np.cumsum(sizes)[:-1]
        payoffs = self._payoffs

        if self._two and not self.single:
            a, b = payoffs[0], payoffs[1]
            m = sizes[0]

            def rhs(_t: float, flat: FloatArray) -> FloatArray:
                x, y = flat[:m], flat[m:]
                fx, fy = a @ y, x @ b
                return np.concatenate([x * (fx - x @ fx), y * (fy - y @ fy)])

        else:

            def rhs(_t: float, flat: FloatArray) -> FloatArray:
                parts = np.split(flat, cuts)
                fit = self._fitness(parts)
                return np.concatenate([x * (f - x @ f) for x, f in zip(parts, fit, strict=False)])

        try:
            sol = _solve(rhs, y0, t, self.rtol, self.atol, "RK45")
        except LearnerDivergedError as exc:
            raise LearnerDivergedError(f"{exc} (at step {self._t})") from None
        return [_project(p) for p in np.split(sol[1:], cuts, axis=1)]

    def run(self, steps: int) -> ReplicatorDynamics:
        """Take ``steps`` steps (continuous dynamics: one ODE solve for all of them)."""
        steps = int(check_number(self.name, "steps", steps, low=0, integer=True))
        if steps == 0:
            return self
        if self.discrete:
            super().run(steps)
            return self
        rows = self._integrate(steps)
        if self.single:
            rows = rows * self._game.n_players
        self._push(rows)
        return self
