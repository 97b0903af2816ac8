"""Correlated and coarse correlated equilibria of n-player games, by linear programming.

A *correlated equilibrium* (Aumann 1974) is a joint distribution ``x`` over
pure outcomes such that no player, told its own recommended action ``a``,
gains by playing some ``b`` instead:

.. math::

    \\sum_{s_{-i}} x(a, s_{-i}) \\, [u_i(b, s_{-i}) - u_i(a, s_{-i})] \\le 0
    \\quad \\text{for every player } i \\text{ and actions } a \\ne b .

A *coarse* correlated equilibrium (Hannan 1957; Moulin & Vial 1978) only asks
that no player gains by committing to a fixed action ``b`` before hearing the
recommendation: ``sum_s x(s) [u_i(b, s_-i) - u_i(s)] <= 0`` for every ``i`` and
``b``. Every Nash equilibrium (as the product of its mixed strategies) is a
correlated equilibrium and every correlated equilibrium is coarse correlated:
``NE ⊆ CE ⊆ CCE``. Both sets are polytopes, so optimising a linear objective
(social welfare, a weighted sum of payoffs) over them is one linear program,
unlike over the Nash equilibria (Papadimitriou & Roughgarden 2008).

The constraint matrix is built at once for each player (no loop over
outcomes): player ``i``'s payoff table is laid out as a matrix with one row per
own action and one column per opponent profile, and its ``a_i (a_i - 1)``
constraint rows (``a_i`` for the coarse version) are differences of rows of
that matrix placed at the flat indices of the outcomes.

References
----------
Aumann, R. J. (1974). Subjectivity and correlation in randomized strategies.
Journal of Mathematical Economics 1(1), 67-96.
Hannan, J. (1957). Approximation to Bayes risk in repeated play. Contributions
to the Theory of Games 3, 97-139.
Moulin, H. & Vial, J.-P. (1978). Strategically zero-sum games: the class of
games whose completely mixed equilibria cannot be improved upon. International
Journal of Game Theory 7(3-4), 201-221.
Papadimitriou, C. H. & Roughgarden, T. (2008). Computing correlated equilibria
in multi-player games. Journal of the ACM 55(3), 14.
Hart, S. & Mas-Colell, A. (2000). A simple adaptive procedure leading to
correlated equilibrium. Econometrica 68(5), 1127-1150 (the no-regret learners
whose empirical play :func:`ce_violation` measures).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.optimize
import scipy.sparse

from cooplab.equilibria.result import TooExpensiveError, require_players
from cooplab.games.normal_form import PROB_TOL, SUM_TOL, NormalFormGame

__all__ = [
    "MAX_NONZEROS",
    "CorrelatedResult",
    "ce_violation",
    "correlated_equilibrium",
    "incentive_gains",
    "product_distribution",
    "validate_distribution",
]

FloatArray = npt.NDArray[np.float64]
Kind = Literal["correlated", "coarse"]
Objective = str | npt.ArrayLike | Callable[[FloatArray], npt.ArrayLike]

#: The most nonzero constraint coefficients built without ``force=True``
#: (about a gigabyte of sparse matrix and a long HiGHS run).
MAX_NONZEROS = 50_000_000

_OBJECTIVE_ALIASES = {
    "welfare": "welfare",
    "max_welfare": "welfare",
    "max-welfare": "welfare",
    "min_welfare": "min_welfare",
    "min-welfare": "min_welfare",
    "feasible": "feasible",
    "egalitarian": "egalitarian",
    "maxmin": "egalitarian",
}


# ---------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CorrelatedResult:
    """A correlated (or coarse correlated) equilibrium found by linear programming.

    Attributes
    ----------
    distribution
        The joint distribution over pure outcomes, shape ``(a_1, ..., a_n)``;
        non-negative, sums to 1.
    payoffs
        Each player's expected payoff under ``distribution``, shape ``(n,)``.
    welfare
        The sum of ``payoffs``.
    violation
        The certificate: the largest gain any player gets from any deviation
        (:func:`ce_violation` of ``distribution``, recomputed from the payoffs,
        not read from the LP). Zero up to the solver's tolerance.
    kind
        ``"correlated"`` or ``"coarse"``.
    objective
        What was optimised: ``"welfare"``, ``"min_welfare"``, ``"egalitarian"``,
        ``"feasible"``, ``"weights"`` (an array) or ``"callable"``.
    objective_value
        The objective at ``distribution`` (for ``"min_welfare"`` the welfare
        minimised; for ``"egalitarian"`` the smallest expected payoff).
    status, message
        The LP's status code (0: optimal) and message, from
        :func:`scipy.optimize.linprog` (HiGHS).
    n_constraints
        Incentive constraints in the LP (before dropping all-zero rows).
    """

    distribution: FloatArray
    payoffs: FloatArray
    welfare: float
    violation: float
    kind: str
    objective: str
    objective_value: float
    status: int
    message: str
    n_constraints: int

    @property
    def success(self) -> bool:
        """True when the LP solver reported an optimal solution."""
        return self.status == 0

    @property
    def support(self) -> list[tuple[int, ...]]:
        """The outcomes with positive probability (above 1e-12), in lexicographic order."""
        return [tuple(int(k) for k in o) for o in np.argwhere(self.distribution > 1e-12)]

    @property
    def marginals(self) -> tuple[FloatArray, ...]:
        """Each player's marginal distribution over its own actions."""
        d = self.distribution
        return tuple(d.sum(axis=tuple(j for j in range(d.ndim) if j != i)) for i in range(d.ndim))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the distribution as nested lists, the numbers as floats."""
        return {
            "distribution": self.distribution.tolist(),
            "payoffs": [float(x) for x in self.payoffs],
            "welfare": float(self.welfare),
            "violation": float(self.violation),
            "kind": self.kind,
            "objective": self.objective,
            "objective_value": float(self.objective_value),
            "status": int(self.status),
            "message": self.message,
            "n_constraints": int(self.n_constraints),
        }

    def __repr__(self) -> str:
        return (
            f"CorrelatedResult(kind={self.kind!r}, objective={self.objective!r}, "
            f"payoffs={np.round(self.payoffs, 6).tolist()}, welfare={self.welfare:.6g}, "
            f"violation={self.violation:.3g}, support={len(self.support)} outcomes)"
        )


# ---------------------------------------------------------------------------
# Metrics on any joint distribution
# ---------------------------------------------------------------------------
def _check_kind(kind: str) -> Kind:
    if kind not in ("correlated", "coarse"):
        raise ValueError(f"kind must be 'correlated' or 'coarse' (coarse correlated); got {kind!r}")
    return kind  # type: ignore[return-value]


def validate_distribution(game: NormalFormGame, distribution: npt.ArrayLike) -> FloatArray:
    """Check a joint distribution over the outcomes of ``game`` and return it as floats.

    Parameters
    ----------
    game : NormalFormGame
    distribution : array_like, shape (a_1, ..., a_n)
        ``distribution[k_1, ..., k_n]`` is the probability of the pure outcome
        ``(k_1, ..., k_n)``.

    Returns
    -------
    array, shape (a_1, ..., a_n)
        Non-negative and summing to 1: entries down to ``-1e-9`` are set to 0
        and a sum within ``1e-5`` of 1 is renormalised.

    Raises
    ------
    ValueError
        Naming the problem: wrong shape, non-numeric, NaN or infinite entries,
        negative probabilities, or a sum other than 1.
    """
    game = require_players(game, None, "a joint distribution check")
    if np.iscomplexobj(distribution):
        raise ValueError("a joint distribution must be real; got complex values")
    try:
        d = np.array(distribution, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"a joint distribution must be a numeric array of shape {game.n_actions} "
            "(one probability per pure outcome)"
        ) from None
    if d.shape != game.n_actions:
        raise ValueError(
            f"a joint distribution over this game's outcomes has shape {game.n_actions} "
            f"(one axis per player, one entry per action); got shape {d.shape}"
        )
    if not np.all(np.isfinite(d)):
        raise ValueError("the joint distribution contains NaN or infinite entries")
    if d.min() < -PROB_TOL:
        where = tuple(int(k) for k in np.unravel_index(int(np.argmin(d)), d.shape))
        raise ValueError(
            f"the joint distribution has negative probabilities (smallest {d.min():.3g} at "
            f"outcome {where})"
        )
    d = np.maximum(d, 0.0)
    total = float(d.sum())
    if abs(total - 1.0) > SUM_TOL:
        raise ValueError(
            f"the joint distribution sums to {total:.12g}; a probability distribution sums "
            f"to 1 (within {SUM_TOL:g})"
        )
    return d / total


def _player_layout(payoffs: FloatArray, i: int) -> FloatArray:
    """Player ``i``'s table as a matrix: one row per own action, one column per opponent profile."""
    return np.moveaxis(payoffs[i], i, 0).reshape(payoffs.shape[1 + i], -1)


def incentive_gains(
    game: NormalFormGame, distribution: npt.ArrayLike, *, kind: Kind = "correlated"
) -> list[FloatArray]:
    """Per player, the expected gain of every deviation from a joint distribution.

    Parameters
    ----------
    game : NormalFormGame
    distribution : array_like, shape (a_1, ..., a_n)
        Any joint distribution over pure outcomes (checked by
        :func:`validate_distribution`).
    kind : {"correlated", "coarse"}

    Returns
    -------
    list of n arrays
        ``kind="correlated"``: the i-th has shape ``(a_i, a_i)``, entry
        ``[a, b]`` is ``sum_{s_-i} x(a, s_-i) [u_i(b, s_-i) - u_i(a, s_-i)]``,
        the gain of playing ``b`` whenever ``a`` is recommended, weighted by
        the probability of hearing ``a`` (divide by that probability for the
        conditional gain). The diagonal is zero.
        ``kind="coarse"``: the i-th has shape ``(a_i,)``, entry ``[b]`` is
        ``sum_s x(s) [u_i(b, s_-i) - u_i(s)]``, the gain of always playing
        ``b``: player i's average external regret when ``x`` is the empirical
        distribution of play.
    """
    kind = _check_kind(kind)
    game = require_players(game, None, "incentive_gains")
    d = validate_distribution(game, distribution)
    out: list[FloatArray] = []
    for i in range(game.n_players):
        u = _player_layout(game.payoffs, i)  # (a_i, M)
        x = np.moveaxis(d, i, 0).reshape(u.shape)
        current = np.einsum("am,am->a", x, u)  # payoff collected when told a
        if kind == "correlated":
            gains = x @ u.T - current[:, None]  # [a, b]: sum_m x[a, m] u[b, m] - current[a]
            np.fill_diagonal(gains, 0.0)
        else:
            gains = u @ x.sum(axis=0) - current.sum()
        out.append(gains)
    return out


def ce_violation(
    game: NormalFormGame,
    distribution: npt.ArrayLike,
    *,
    kind: Kind = "correlated",
    per_player: bool = False,
) -> float | FloatArray:
    """How far a joint distribution is from a (coarse) correlated equilibrium.

    The largest expected gain, over players and deviations, of deviating from
    the recommendation (``kind="correlated"``: switch ``a`` to ``b`` whenever
    told ``a``; ``kind="coarse"``: always play ``b``), in payoff units, never
    negative. Zero exactly on the (coarse) correlated equilibria. For the
    empirical distribution of play of no-regret learners it is the largest
    average swap (or external) regret (Hart & Mas-Colell 2000), so it tends
    to 0 as they learn.

    Parameters
    ----------
    game : NormalFormGame
    distribution : array_like, shape (a_1, ..., a_n)
        Any joint distribution over pure outcomes.
    kind : {"correlated", "coarse"}
    per_player : bool
        Return each player's largest gain, shape ``(n,)``, instead of the
        maximum over players.

    Returns
    -------
    float, or array of shape (n,) when ``per_player``

    Examples
    --------
    >>> from cooplab.games import make
    >>> g = make("chicken", T=7, R=6, S=2, P=0)
    >>> x = [[1/3, 1/3], [1/3, 0]]  # Aumann's correlated equilibrium
    >>> float(ce_violation(g, x))
    0.0
    >>> round(float(ce_violation(g, [[1, 0], [0, 0]])), 6)  # (Swerve, Swerve): 7 > 6
    1.0
    """
    gains = incentive_gains(game, distribution, kind=kind)
    per = np.array([max(0.0, float(np.max(gain))) for gain in gains])
    return per if per_player else float(per.max())


def product_distribution(game: NormalFormGame, profile: Sequence[Any]) -> FloatArray:
    """The joint distribution of independent play of a (mixed) profile: an outer product.

    Parameters
    ----------
    game : NormalFormGame
    profile : sequence
        One strategy per player (action index, action name or probability
        vector), as :meth:`NormalFormGame.as_profile` reads it.

    Returns
    -------
    array, shape (a_1, ..., a_n)
    """
    game = require_players(game, None, "product_distribution")
    vectors = game.as_profile(profile)
    out = vectors[0]
    for v in vectors[1:]:
        out = np.multiply.outer(out, v)
    return np.asarray(out, dtype=np.float64).reshape(game.n_actions)


# ---------------------------------------------------------------------------
# The linear program
# ---------------------------------------------------------------------------
def _constraint_matrix(
    payoffs: FloatArray, kind: Kind, scales: FloatArray
) -> tuple[scipy.sparse.csr_matrix, int]:
    """The incentive constraints ``A x <= 0`` as a sparse matrix over the flat outcomes.

    Rows of player ``i`` are divided by ``scales[i]`` (its payoff spread), so
    that HiGHS's absolute tolerances mean the same for every player.
    """
    n = payoffs.shape[0]
    shape = payoffs.shape[1:]
    n_outcomes = math.prod(shape)
    flat = np.arange(n_outcomes).reshape(shape)
    rows_parts, cols_parts, data_parts = [], [], []
    offset = 0
    for i in range(n):
        a_i = shape[i]
        u = _player_layout(payoffs, i) / scales[i]  # (a_i, M)
        idx = np.moveaxis(flat, i, 0).reshape(a_i, -1)  # flat index of (a, m)
        m = u.shape[1]
        if kind == "correlated":
            # Row (a, b), a != b: coefficient u[b, m] - u[a, m] at outcome (a, m).
            a, b = np.nonzero(~np.eye(a_i, dtype=bool))
            data = u[b] - u[a]  # (pairs, M)
            cols = idx[a]
            rows = offset + np.repeat(np.arange(len(a)), m).reshape(len(a), m)
            offset += len(a)
        else:
            # Row b: coefficient u[b, m] - u[a, m] at every outcome (a, m).
            data = u[:, None, :] - u[None, :, :]  # (b, a, M)
            cols = np.broadcast_to(idx[None], data.shape)
            rows = np.broadcast_to(offset + np.arange(a_i)[:, None, None], data.shape)
            offset += a_i
        keep = data != 0
        rows_parts.append(rows[keep])
        cols_parts.append(cols[keep])
        data_parts.append(data[keep])
    matrix = scipy.sparse.csr_matrix(
        (np.concatenate(data_parts), (np.concatenate(rows_parts), np.concatenate(cols_parts))),
        shape=(offset, n_outcomes),
    )
    return matrix, offset


def _objective_vector(game: NormalFormGame, objective: Objective) -> tuple[str, FloatArray, float]:
    """The objective's name, its per-outcome values ``c`` (flat), and its sense.

    The sense is ``+1`` to maximise ``c @ x`` and ``-1`` to minimise it.
    """
    shape = game.n_actions
    n = game.n_players
    if isinstance(objective, str):
        key = _OBJECTIVE_ALIASES.get(objective)
        if key is None:
            raise ValueError(
                f"unknown objective {objective!r}; expected 'welfare', 'min_welfare', "
                "'egalitarian', 'feasible', an array of weights or a callable"
            )
        if key == "feasible":
            return key, np.zeros(math.prod(shape)), 1.0
        welfare = game.welfare_table().reshape(-1)
        if key == "min_welfare":
            return key, welfare, -1.0
        return key, welfare, 1.0  # "egalitarian" is handled by the caller
    if callable(objective):
        try:
            values = np.asarray(objective(game.payoffs), dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"the objective callable must return numbers of shape {shape}; it failed ({exc})"
            ) from None
        name = "callable"
        if values.shape != shape:
            raise ValueError(
                f"the objective callable must return one value per outcome, shape {shape}; "
                f"got shape {values.shape}"
            )
    else:
        if isinstance(objective, bool):
            raise ValueError(f"objective must be a name, an array or a callable; got {objective!r}")
        try:
            weights = np.asarray(objective, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"objective must be a name, an array or a callable; got {objective!r}"
            ) from None
        name = "weights"
        if weights.shape == (n,):
            values = np.tensordot(weights, game.payoffs, axes=1)
        elif weights.shape == shape:
            values = weights
        else:
            raise ValueError(
                f"an objective array holds one weight per player, shape ({n},), or one value "
                f"per outcome, shape {shape}; got shape {weights.shape}"
            )
    if not np.all(np.isfinite(values)):
        raise ValueError("the objective contains NaN or infinite values")
    return name, values.reshape(-1), 1.0


def correlated_equilibrium(
    game: NormalFormGame,
    *,
    objective: Objective = "welfare",
    kind: Kind = "correlated",
    force: bool = False,
    method: str = "highs",
) -> CorrelatedResult:
    """A correlated (or coarse correlated) equilibrium that optimises an objective.

    Solves the linear program over joint distributions ``x`` (one variable per
    pure outcome): ``x >= 0``, ``sum x = 1``, the incentive constraints of
    ``kind`` (see the module docstring), and the objective. The LP is always
    feasible (every game has a Nash equilibrium, hence a correlated one) and
    bounded. Solved with HiGHS (:func:`scipy.optimize.linprog`,
    ``method="highs"``); the result's ``violation`` is then recomputed
    directly from the payoffs as the certificate.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players.
    objective : str, array_like or callable
        ``"welfare"`` (default; also ``"max_welfare"``): maximise the sum of
        expected payoffs. ``"min_welfare"``: minimise it, the worst
        equilibrium for society, which with ``"welfare"`` brackets the
        welfare of every (coarse) correlated, hence every Nash, equilibrium
        (a price of anarchy over correlated equilibria).
        ``"egalitarian"`` (``"maxmin"``): maximise the smallest expected
        payoff. ``"feasible"``: any equilibrium (zero objective).
        An array of shape ``(n,)``: maximise the weighted sum of the players'
        expected payoffs. An array of shape ``(a_1, ..., a_n)``: maximise
        ``sum_s w(s) x(s)``. A callable: called with the payoff array
        ``(n, a_1, ..., a_n)``, returns the per-outcome values ``w`` to
        maximise (``lambda u: u[0]`` maximises player 0's payoff).
    kind : {"correlated", "coarse"}
    force : bool
        Build the LP even when its constraint matrix has more than
        :data:`MAX_NONZEROS` nonzero coefficients.
    method : {"highs", "highs-ds", "highs-ipm"}
        The HiGHS algorithm (:func:`scipy.optimize.linprog`). ``"highs"``
        (HiGHS's choice, dual simplex here) is fastest on small games; on
        games with thousands of outcomes the interior-point method
        ``"highs-ipm"`` can be several times faster (a random 20x20x20 game:
        13 s against 3 s).

    Returns
    -------
    CorrelatedResult

    Raises
    ------
    TooExpensiveError
        When the LP is very large and ``force`` is false.
    RuntimeError
        When HiGHS returns no solution (a numerical failure: the LP is
        feasible and bounded in exact arithmetic).

    Notes
    -----
    The LP has ``prod(a_i)`` variables and ``sum_i a_i (a_i - 1)``
    constraints (``sum_i a_i`` for ``"coarse"``) with up to
    ``prod(a_i) * sum_i (a_i - 1)`` nonzeros (``prod(a_i) * sum_i a_i``).
    Polynomial in the size of the payoff table, which itself is exponential
    in the number of players (Papadimitriou & Roughgarden 2008).

    Examples
    --------
    Aumann's (1974) chicken: the welfare-maximising correlated equilibrium
    puts 1/2 on (Swerve, Swerve) and 1/4 on each pure Nash equilibrium,
    paying 5.25 each, more than the symmetric mixed equilibrium's 14/3.

    >>> from cooplab.games import make
    >>> g = make("chicken", T=7, R=6, S=2, P=0)
    >>> ce = correlated_equilibrium(g)
    >>> np.round(ce.distribution, 6).tolist()
    [[0.5, 0.25], [0.25, 0.0]]
    >>> round(ce.welfare, 6)
    10.5
    """
    game = require_players(game, None, "correlated_equilibrium")
    kind = _check_kind(kind)
    if method not in ("highs", "highs-ds", "highs-ipm"):
        raise ValueError(f"method must be 'highs', 'highs-ds' or 'highs-ipm'; got {method!r}")
    shape = game.n_actions
    n_outcomes = math.prod(shape)
    per_outcome = sum(shape) if kind == "coarse" else sum(a - 1 for a in shape)
    nonzeros = n_outcomes * per_outcome
    if nonzeros > MAX_NONZEROS and not force:
        raise TooExpensiveError(
            f"the {kind} equilibrium LP of this game has {n_outcomes:,} variables and up to "
            f"{nonzeros:,} constraint coefficients (limit {MAX_NONZEROS:,}); pass force=True "
            "to build it anyway"
        )
    name, values, sign = _objective_vector(game, objective)

    spread = game.payoff_spread
    scales = np.where(spread > 0, spread, 1.0)
    a_ub, n_constraints = _constraint_matrix(game.payoffs, kind, scales)
    # Rows of a player with constant payoffs are empty: nothing to constrain.
    nonempty = np.diff(a_ub.indptr) > 0
    a_ub = a_ub[nonempty]

    value_scale = float(np.max(np.abs(values))) if values.size else 0.0
    value_scale = value_scale if value_scale > 0 else 1.0
    if name == "egalitarian":
        # Variables (x, t): maximise t subject to t <= E[u_i] (payoffs scaled together).
        pay_scale = float(np.max(np.abs(game.payoffs))) or 1.0
        utilities = game.payoffs.reshape(game.n_players, -1) / pay_scale
        a_ub = scipy.sparse.vstack(
            [
                scipy.sparse.hstack([a_ub, scipy.sparse.csr_matrix((a_ub.shape[0], 1))]),
                scipy.sparse.csr_matrix(np.hstack([-utilities, np.ones((game.n_players, 1))])),
            ],
            format="csr",
        )
        c = np.zeros(n_outcomes + 1)
        c[-1] = -1.0
        a_eq = scipy.sparse.csr_matrix(np.hstack([np.ones(n_outcomes), [0.0]])[None, :])
        bounds = [(0.0, None)] * n_outcomes + [(None, None)]
    else:
        c = -sign * values / value_scale
        a_eq = scipy.sparse.csr_matrix(np.ones((1, n_outcomes)))
        bounds = [(0.0, None)] * n_outcomes
    res = scipy.optimize.linprog(
        c,
        A_ub=a_ub if a_ub.shape[0] else None,
        b_ub=np.zeros(a_ub.shape[0]) if a_ub.shape[0] else None,
        A_eq=a_eq,
        b_eq=np.array([1.0]),
        bounds=bounds,
        method=method,
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if res.x is None:
        raise RuntimeError(
            f"HiGHS found no {kind} equilibrium (status {res.status}: {res.message}); the LP is "
            "feasible in exact arithmetic, so this is a numerical failure (rescale the payoffs)"
        )
    x = np.maximum(np.asarray(res.x[:n_outcomes], dtype=np.float64), 0.0)
    x = (x / x.sum()).reshape(shape)
    payoffs = np.array(
        [float(np.sum(x * game.payoffs[i])) for i in range(game.n_players)], dtype=np.float64
    )
    if name == "egalitarian":
        objective_value = float(payoffs.min())
    else:
        objective_value = float(values @ x.reshape(-1))
    return CorrelatedResult(
        distribution=x,
        payoffs=payoffs,
        welfare=float(payoffs.sum()),
        violation=float(ce_violation(game, x, kind=kind)),
        kind=kind,
        objective=name,
        objective_value=objective_value,
        status=int(res.status),
        message=str(res.message),
        n_constraints=int(n_constraints),
    )
