"""Nash equilibria of games with any number of players.

Three solvers, each a function of a :class:`~cooplab.games.NormalFormGame`
that returns an :class:`~cooplab.equilibria.result.EquilibriumResult`:

* :func:`pure_equilibria` -- every pure equilibrium (one pass over the table).
* :func:`n_player_support_enumeration` -- every equilibrium of a small game:
  support profiles in the order of Porter, Nudelman & Shoham (2008), pruned by
  conditional dominance, and for each one the polynomial indifference system
  solved by certified subdivision (exact ranges of multi-affine polynomials
  and the Krawczyk test), so that the list is provably complete when the
  game's support systems have only regular solutions.
* :func:`logit_qre_path` -- one equilibrium of a larger game: the principal
  branch of the logit quantal response equilibrium correspondence followed
  from the uniform profile by predictor-corrector continuation (McKelvey &
  Palfrey 1995; Turocy 2005), polished by Newton's method on the indifference
  equations of the support it approaches, and returned with its regret as the
  certificate.

Two-player games have faster, exact solvers (support and vertex enumeration,
Lemke-Howson); these work for them too.

Limitations: support enumeration is exponential in the number of actions
(``prod_i (2^{a_i} - 1)`` support profiles; it refuses more than 20000 unless
forced) and, in degenerate games, lists only sample points of continua of
equilibria (``complete=False``); the logit path finds one equilibrium, not
all, and its certificate is a regret within tolerance, not exact arithmetic.

References
----------
McKelvey, R. D. & McLennan, A. (1996). Computation of equilibria in finite
games. Handbook of Computational Economics 1, 87-142.
McKelvey, R. D. & Palfrey, T. R. (1995). Quantal response equilibria for
normal form games. Games and Economic Behavior 10(1), 6-38.
Porter, R., Nudelman, E. & Shoham, Y. (2008). Simple search methods for finding
a Nash equilibrium. Games and Economic Behavior 63(2), 642-662.
Turocy, T. L. (2005). A dynamic homotopy interpretation of the logistic quantal
response equilibrium correspondence. Games and Economic Behavior 51(2), 243-263.
Allgower, E. L. & Georg, K. (1990). Numerical Continuation Methods. Springer.
"""

from __future__ import annotations

import itertools
import logging
import math
import numbers
import string
import time
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.linalg import solve_triangular

from cooplab.equilibria._polynomial import SupportSystem, clusters, project, solve_box
from cooplab.equilibria.result import (
    DegenerateGameWarning,
    Equilibrium,
    EquilibriumResult,
    TooExpensiveError,
    dedupe,
    describe_duration,
    equilibrium,
    require_players,
)
from cooplab.games.normal_form import PROB_TOL, NormalFormGame, regret

__all__ = [
    "count_support_profiles",
    "logit_qre_path",
    "n_player_support_enumeration",
    "pure_equilibria",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: Default limit on the number of support profiles for support enumeration.
MAX_SUPPORTS = 20_000
#: Rough cost of one support profile (seconds) when the largest system has 6
#: unknowns, for the refusal's estimate.
_SECONDS_PER_SUPPORT = 1e-3
#: Logit path: below this arclength step, a reversal of the branch's
#: orientation is taken for a bifurcation and stepped through.
_H_BIFURCATION = 1e-5
#: Probabilities this far below zero are rounding; further is another support.
_PROB_SLACK = 1e-9


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------
def _check_count(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_positive(name: str, value: Any, *, above: float = 0.0) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value <= above
    ):
        raise ValueError(f"{name} must be a finite number > {above:g}; got {value!r}")
    return float(value)


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def _scaled(game: NormalFormGame) -> FloatArray:
    """Each player's payoffs mapped affinely onto [0, 1] (constant payoffs to 0).

    Equilibria do not change under a positive affine map of one player's
    payoffs, and the solvers' tolerances read the same for every game.
    """
    u = game.payoffs
    n = game.n_players
    low = u.reshape(n, -1).min(axis=1)
    spread = game.payoff_spread
    scale = np.where(spread > 0, spread, 1.0)
    shape = (n,) + (1,) * n
    return (u - low.reshape(shape)) / scale.reshape(shape)


# ---------------------------------------------------------------------------
# Pure equilibria
# ---------------------------------------------------------------------------
def pure_equilibria(game: NormalFormGame, *, tol: float = PROB_TOL) -> EquilibriumResult:
    """Every pure Nash equilibrium of a game with any number of players.

    A thin wrapper over :meth:`NormalFormGame.pure_nash_equilibria`: a pure
    profile is an equilibrium when no player gains more than its
    :meth:`~NormalFormGame.tie_tolerance` (``tol`` times its payoff spread,
    plus rounding) by deviating.

    Parameters
    ----------
    game : NormalFormGame
    tol : float, default 1e-9
        Relative tie tolerance.

    Returns
    -------
    EquilibriumResult
        Method ``"pure"``; ``complete=True`` (every pure equilibrium is
        listed), in lexicographic order of action indices.

    Examples
    --------
    >>> from cooplab.games import make
    >>> res = pure_equilibria(make("battle-of-the-sexes"))
    >>> [e.supports for e in res]
    [((0,), (0,)), ((1,), (1,))]
    """
    game = require_players(game, None, "pure_equilibria")
    profiles = game.pure_nash_equilibria(tol=tol)
    eqs = tuple(equilibrium(game, list(p)) for p in profiles)
    return EquilibriumResult(
        method="pure",
        equilibria=eqs,
        degenerate=None,
        complete=True,
        exact=False,
        stats={"outcomes": math.prod(game.n_actions)},
    )


# ---------------------------------------------------------------------------
# Support enumeration
# ---------------------------------------------------------------------------
def count_support_profiles(n_actions: Sequence[int]) -> int:
    """The number of support profiles, ``prod_i (2^{a_i} - 1)``."""
    return math.prod((1 << int(a)) - 1 for a in n_actions)


def _dominance_reduce(
    u: FloatArray, domains: list[IntArray], fixed: int, margin: float
) -> list[IntArray] | None:
    """Iterated removal of conditionally strictly dominated actions (PNS 2008).

    ``domains[i]`` are the actions player ``i`` may still use; players
    ``0..fixed-1`` have their support chosen (their domain is the support).
    An action is conditionally dominated when another action of the same
    player (any of its actions) earns more than ``margin`` more against every
    pure profile of the others' domains: it is never a best response to
    mixtures on them, so it is in no equilibrium support within them. Returns
    the reduced domains, or None when a chosen support action is dominated.
    """
    n = u.shape[0]
    domains = list(domains)
    changed = True
    while changed:
        changed = False
        for i in range(n):
            index = tuple(np.arange(u.shape[1 + i]) if j == i else domains[j] for j in range(n))
            table = np.moveaxis(u[i][np.ix_(*index)], i, 0).reshape(u.shape[1 + i], -1)
            candidates = table[domains[i]]
            dominated = np.any(
                np.all(table[None, :, :] > candidates[:, None, :] + margin, axis=2), axis=1
            )
            if dominated.any():
                if i < fixed:
                    return None
                domains[i] = domains[i][~dominated]
                changed = True
    return domains


def _support_profiles(u: FloatArray, margin: float) -> Iterator[tuple[tuple[int, ...], ...]]:
    """Support profiles in Porter-Nudelman-Shoham order, pruned by conditional dominance.

    Size profiles by increasing total size, then by increasing imbalance
    (largest minus smallest support; for two players, imbalance first, as
    PNS's Algorithm 1); within one, supports are chosen player by player,
    each choice followed by iterated removal of conditionally dominated
    actions (PNS's Algorithm 2).
    """
    n = u.shape[0]
    sizes_all = list(itertools.product(*(range(1, a + 1) for a in u.shape[1:])))
    if n == 2:
        sizes_all.sort(key=lambda s: (max(s) - min(s), sum(s)))
    else:
        sizes_all.sort(key=lambda s: (sum(s), max(s) - min(s)))
    root = _dominance_reduce(u, [np.arange(a, dtype=np.intp) for a in u.shape[1:]], 0, margin)
    if root is None:  # cannot happen: nothing is fixed at the root
        return

    def search(
        i: int, domains: list[IntArray], sizes: tuple[int, ...]
    ) -> Iterator[tuple[tuple[int, ...], ...]]:
        for combo in itertools.combinations(domains[i].tolist(), sizes[i]):
            trial = list(domains)
            trial[i] = np.array(combo, dtype=np.intp)
            reduced = _dominance_reduce(u, trial, i + 1, margin)
            if reduced is None or any(len(reduced[j]) < sizes[j] for j in range(i + 1, n)):
                continue
            if i == n - 1:
                yield tuple(tuple(int(a) for a in d) for d in reduced)
            else:
                yield from search(i + 1, reduced, sizes)

    for sizes in sizes_all:
        if all(len(root[j]) >= sizes[j] for j in range(n)):
            yield from search(0, root, sizes)


def n_player_support_enumeration(
    game: NormalFormGame,
    *,
    tol: float = 1e-9,
    max_supports: int = MAX_SUPPORTS,
    max_boxes: int = 100_000,
    force: bool = False,
) -> EquilibriumResult:
    """All Nash equilibria of a small game with any number of players.

    Enumerates support profiles and, for each, finds every solution of its
    indifference system -- for each player ``i``, equal expected payoff
    ``u_i(a, x_{-i})`` on every action ``a`` of its support, probabilities
    summing to one and non-negative on the support, and no action outside
    the support paying more.

    Steps:

    1. Scale each player's payoffs onto [0, 1] (equilibria do not change).
    2. Visit support profiles in the order of Porter, Nudelman & Shoham
       (2008): by total size, then balance; choose supports player by player,
       pruning each partial choice by iterated removal of conditionally
       strictly dominated actions.
    3. For each support profile, solve the square polynomial system (``d =
       sum_i (k_i - 1)`` unknowns: the first ``k_i - 1`` probabilities of
       each player) by certified subdivision of the unit box: each equation
       is affine in each player's mixture, so its exact range over a box is
       its range over the box's corners; a box is discarded when an equation
       cannot vanish in it or an outside action pays more everywhere in it,
       certified when the Krawczyk operator maps it into itself (then it
       holds exactly one solution, which Newton's method finds), and
       otherwise contracted and split.
    4. Keep the solutions that are probability vectors and whose regret
       (from :meth:`NormalFormGame.regret`) is within each player's
       :meth:`~NormalFormGame.tie_tolerance` ``(tol)``; remove duplicates.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players; practical for, say, 3 players with up to 4
        actions each or 4-5 players with 2-3 actions.
    tol : float, default 1e-9
        Relative tolerance: a deviation must gain more than ``tol`` times the
        player's payoff spread (plus rounding) to break an equilibrium.
    max_supports : int, default 20000
        Refuse (``TooExpensiveError``) games with more support profiles than
        this, ``prod_i (2^{a_i} - 1)``, unless ``force=True``.
    max_boxes : int, default 100000
        Boxes examined per support profile before the rest are left open
        (around singular solutions and continua; a regular system with up to
        8 unknowns needs far fewer, typically hundreds to tens of thousands).
    force : bool, default False
        Run however many support profiles there are.

    Returns
    -------
    EquilibriumResult
        Method ``"n_player_support_enumeration"``. ``complete=True`` when
        every support system was resolved (every box of the search either
        excluded or certified): then the list holds every Nash equilibrium
        of the game, each an isolated, regular solution of its support's
        system (up to floating-point rounding in the bounds, which carry a
        margin of 1e-10 on payoffs scaled to [0, 1]). When some system was
        not resolved -- a continuum of equilibria, or a singular one, as in
        degenerate games -- the result has ``complete=False`` and
        ``degenerate=True``, a :class:`DegenerateGameWarning` is issued,
        and the list holds, besides the certified equilibria, one point
        (with regret within tolerance) of each group of unresolved boxes
        where one was found and none of the equilibria found lies in it: not
        every equilibrium of a continuum.
        ``stats``: ``support_profiles`` (all), ``solved`` (systems solved
        after pruning), ``boxes``, ``unresolved_supports``, ``seconds``.

    Raises
    ------
    TooExpensiveError
        More than ``max_supports`` support profiles and not ``force``.

    Examples
    --------
    Jordan's three-player matching pennies has a unique equilibrium, every
    player mixing half-half:

    >>> import numpy as np
    >>> u = np.zeros((3, 2, 2, 2))
    >>> for a, b, c in np.ndindex(2, 2, 2):
    ...     u[:, a, b, c] = [a == b, b != c, c == a]
    >>> res = n_player_support_enumeration(NormalFormGame(u))
    >>> len(res), res.complete
    (1, True)
    >>> [s.round(6).tolist() for s in res[0].profile]
    [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]

    Notes
    -----
    Gambit's ``enumpoly`` (McKelvey & McLennan 1996) also enumerates supports
    and searches the same box by subdivision, with Taylor bounds and Newton's
    method; here the multi-affine structure gives exact bounds, and the
    Krawczyk test proves that each box kept holds one solution, so that
    completeness can be stated rather than hoped for.
    """
    method = "n_player_support_enumeration"
    game = require_players(game, None, method)
    atol = game.tie_tolerance(tol)  # checks tol
    max_supports = _check_count("max_supports", max_supports)
    max_boxes = _check_count("max_boxes", max_boxes)
    force = _check_flag("force", force)
    total = count_support_profiles(game.n_actions)
    if total > max_supports and not force:
        # Measured: about a millisecond a support profile when the largest
        # system has 6 unknowns (3x3x3), doubling with each further unknown.
        largest = sum(a - 1 for a in game.n_actions)
        seconds = total * _SECONDS_PER_SUPPORT * 2.0 ** max(-1, largest - 6)
        raise TooExpensiveError(
            f"{method}: the game {game.n_actions} has {total:,} support profiles "
            f"(more than max_supports={max_supports:,}); solving them would take roughly "
            f"{describe_duration(seconds)} (a rough estimate). Use logit_qre_path for one equilibrium, "
            "or pass force=True (or a larger max_supports) to run anyway"
        )
    start = time.perf_counter()
    u = _scaled(game)
    spread = game.payoff_spread
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(spread > 0, atol / np.where(spread > 0, spread, 1.0), 0.0)
    gain_tol = float(rel.max())
    margin = gain_tol + 1e-10

    found: list[Equilibrium] = []
    unresolved: list[tuple[tuple[int, ...], ...]] = []
    pending: list[tuple[SupportSystem, FloatArray, FloatArray]] = []
    solved = 0
    boxes = 0
    certified = 0
    for support in _support_profiles(u, margin):
        solved += 1
        system = SupportSystem(u, support)
        sol = solve_box(system, gain_tol=gain_tol, max_boxes=max_boxes)
        boxes += sol.boxes
        for point in sol.points:
            eq = _accept(game, system, point, atol)
            if eq is not None:
                certified += 1
                found.append(eq)
        if sol.open_lo.shape[0]:
            unresolved.append(support)
            for group in clusters(sol.open_lo, sol.open_hi):
                pending.append((system, sol.open_lo[group], sol.open_hi[group]))
    # A group of unresolved boxes gets a representative only when no equilibrium
    # found so far lies in it (continua often end at equilibria of other supports).
    for system, lo, hi in pending:
        if not any(_inside(system, e, lo, hi) for e in found):
            found.extend(_representative(game, system, lo, hi, atol))
    equilibria = tuple(dedupe(found, tol=1e-7))
    if unresolved:
        warnings.warn(
            f"{method}: the game is degenerate ({len(unresolved)} support profile(s) with "
            "a continuum of equilibria or a singular solution, first "
            f"{unresolved[0]}); the list holds one point of each such set where found, "
            "not every equilibrium",
            DegenerateGameWarning,
            stacklevel=2,
        )
    return EquilibriumResult(
        method=method,
        equilibria=equilibria,
        degenerate=bool(unresolved),
        complete=not unresolved,
        exact=False,
        stats={
            "support_profiles": total,
            "solved": solved,
            "boxes": boxes,
            "certified": certified,
            "unresolved_supports": [list(map(list, s)) for s in unresolved],
            "seconds": time.perf_counter() - start,
        },
    )


def _accept(
    game: NormalFormGame, system: SupportSystem, point: FloatArray, atol: FloatArray
) -> Equilibrium | None:
    """The equilibrium at a solution ``point`` of ``system``, or None if it is not one."""
    if not np.all(np.isfinite(point)):
        return None
    profile = system.full_profile(point)
    if any(float(v.min()) < -_PROB_SLACK for v in profile):
        return None
    profile = [np.maximum(v, 0.0) for v in profile]
    profile = [v / v.sum() for v in profile]
    if np.any(regret(game.payoffs, profile) > atol):
        return None
    return equilibrium(game, profile)


def _inside(system: SupportSystem, eq: Equilibrium, lo: FloatArray, hi: FloatArray) -> bool:
    """Whether ``eq`` lies in the support of ``system`` and in one of the boxes ``[lo, hi]``."""
    z: list[float] = []
    for i, s in enumerate(system.support):
        vec = eq.profile[i]
        outside = np.delete(vec, list(s))
        if outside.size and float(outside.max()) > _PROB_SLACK:
            return False
        z.extend(vec[list(s[:-1])])
    point = np.asarray(z, dtype=np.float64)
    slack = 1e-7
    return bool(np.any(np.all((lo - slack <= point) & (point <= hi + slack), axis=1)))


def _representative(
    game: NormalFormGame,
    system: SupportSystem,
    lo: FloatArray,
    hi: FloatArray,
    atol: FloatArray,
    tries: int = 8,
) -> list[Equilibrium]:
    """One equilibrium in a group of unresolved boxes, when one is found.

    Projects a few points of the group (box centres, then points spread
    through the boxes) onto the solution set by Gauss-Newton steps and keeps
    the first that is an equilibrium within tolerance.
    """
    picks = np.linspace(0, lo.shape[0] - 1, min(tries, lo.shape[0])).astype(int)
    fractions = np.array([0.5, 0.25, 0.75, 0.1, 0.9, 0.0, 1.0])
    starts = np.concatenate([lo[picks] + f * (hi[picks] - lo[picks]) for f in fractions], axis=0)
    for point in project(system, starts):
        eq = _accept(game, system, point, atol)
        if eq is not None:
            return [eq]
    return []


# ---------------------------------------------------------------------------
# Logit quantal response equilibrium path
# ---------------------------------------------------------------------------
class _LogitSystem:
    """The logit QRE equations in log-probabilities, and their Jacobian.

    Unknowns ``w = (y, lam)`` with ``y`` the log-probabilities of all actions
    of all players (player by player). For each player ``i``, with ``0`` its
    first action: ``sum_a exp(y_ia) - 1 = 0`` and, for ``a >= 1``,
    ``y_ia - y_i0 - lam * (u_i(a, p_{-i}) - u_i(0, p_{-i})) = 0``, payoffs
    scaled by the game's overall spread (Gambit's ``nfglogit`` writes the
    same system).
    """

    def __init__(self, u: FloatArray) -> None:
        self.u = u
        self.n = u.shape[0]
        self.sizes = list(u.shape[1:])
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)
        self.size = int(self.offsets[-1])
        letters = string.ascii_lowercase[: self.n]
        self.specs: dict[tuple[int, int], str] = {}
        for i in range(self.n):
            for j in range(self.n):
                if i != j:
                    rest = [m for m in range(self.n) if m not in (i, j)]
                    self.specs[(i, j)] = (
                        letters
                        + "".join(f",{letters[m]}" for m in rest)
                        + f"->{letters[i]}{letters[j]}"
                    )

    def split(self, vec: FloatArray) -> list[FloatArray]:
        return [vec[self.offsets[i] : self.offsets[i + 1]] for i in range(self.n)]

    def pairs(self, profile: list[FloatArray]) -> dict[tuple[int, int], FloatArray]:
        """``M[i, j][a, b] = u_i(a, b, p_{-ij})``, shape (a_i, a_j)."""
        out = {}
        for (i, j), spec in self.specs.items():
            rest = [profile[m] for m in range(self.n) if m not in (i, j)]
            out[(i, j)] = np.einsum(spec, self.u[i], *rest)
        return out

    def deviation(
        self, profile: list[FloatArray], pairs: dict[tuple[int, int], FloatArray]
    ) -> list[FloatArray]:
        if self.n == 1:
            return [self.u[0]]
        return [pairs[(i, (i + 1) % self.n)] @ profile[(i + 1) % self.n] for i in range(self.n)]

    def value(self, w: FloatArray) -> FloatArray:
        """The equations' values at ``w``, shape (size,)."""
        y, lam = w[:-1], w[-1]
        profile = self.split(np.exp(y))
        dev = self.deviation(profile, self.pairs(profile))
        h = np.empty(self.size)
        for i in range(self.n):
            o, k = self.offsets[i], self.sizes[i]
            h[o] = profile[i].sum() - 1.0
            h[o + 1 : o + k] = y[o + 1 : o + k] - y[o] - lam * (dev[i][1:] - dev[i][0])
        return h

    def value_and_jacobian(self, w: FloatArray) -> tuple[FloatArray, FloatArray]:
        y, lam = w[:-1], w[-1]
        # Probabilities below 1e-200 are zero here: subnormal numbers would slow
        # every factorisation of the Jacobian a hundredfold.
        p = np.exp(y)
        p[p < 1e-200] = 0.0
        profile = self.split(p)
        pairs = self.pairs(profile)
        dev = self.deviation(profile, pairs)
        h = np.empty(self.size)
        jac = np.zeros((self.size, self.size + 1))
        for i in range(self.n):
            o, k = self.offsets[i], self.sizes[i]
            h[o] = profile[i].sum() - 1.0
            jac[o, o : o + k] = profile[i]
            if k == 1:
                continue
            gap = dev[i][1:] - dev[i][0]
            h[o + 1 : o + k] = y[o + 1 : o + k] - y[o] - lam * gap
            jac[o + 1 : o + k, o + 1 : o + k] = np.eye(k - 1)
            jac[o + 1 : o + k, o] = -1.0
            jac[o + 1 : o + k, -1] = -gap
            for j in range(self.n):
                if j == i:
                    continue
                m = pairs[(i, j)]
                oj = self.offsets[j]
                jac[o + 1 : o + k, oj : oj + self.sizes[j]] = (
                    -lam * (m[1:] - m[0]) * profile[j][None, :]
                )
        return h, jac


def _orient(jac: FloatArray, t: FloatArray, orientation: float) -> FloatArray:
    """The unit tangent ``t`` (kernel of ``jac``, size x size+1), oriented.

    Oriented so that ``det([jac; t])`` has the sign ``orientation``: that
    sign is constant along a regular branch, folds included (Allgower & Georg
    1990, sec. 2.1), so the direction is intrinsic rather than inherited from
    the previous step, and a step that lands past a tight fold still goes on
    forward.
    """
    sign = np.linalg.slogdet(np.vstack([jac, t]))[0]
    return t if sign * orientation >= 0 else -t


def _tangent(jac: FloatArray, orientation: float) -> FloatArray:
    """The unit tangent at a point with Jacobian ``jac``, oriented as :func:`_orient`."""
    q, _ = np.linalg.qr(jac.T, mode="complete")
    return _orient(jac, q[:, -1], orientation)


def _polish(
    game: NormalFormGame,
    system: _LogitSystem,
    profile: list[FloatArray],
    atol: FloatArray,
    radius: float,
    resolved: npt.NDArray[np.bool_],
) -> list[FloatArray] | None:
    """Newton's method on the indifference equations of the support ``profile`` nears.

    Tries the supports ``{a : p_a >= theta * max p}`` for a few thresholds,
    then the near-best responses to ``profile`` at each player's own payoff
    scale; returns the first solution that is a probability profile with
    regret within ``atol`` whose ``resolved`` players' probabilities are
    within ``radius`` of ``profile`` (so that the polish ends where the branch
    leads, not at another equilibrium), else None. A player is unresolved
    while lambda times its payoff spread is small: its logit response is
    still nearly uniform, whatever its best response.
    """
    norm_spread = np.array([float(np.ptp(t)) for t in system.u])
    dev_now = system.deviation(profile, system.pairs(profile))
    candidates = [
        tuple(tuple(int(a) for a in np.flatnonzero(p >= theta * p.max())) for p in profile)
        for theta in (1e-2, 1e-4, 1e-6, 1e-9)
    ] + [
        tuple(
            tuple(int(a) for a in np.flatnonzero(d >= d.max() - theta * w))
            for d, w in zip(dev_now, norm_spread, strict=True)
        )
        for theta in (1e-3, 1e-6)
    ]
    tried: set[tuple[tuple[int, ...], ...]] = set()
    for support in candidates:
        if support in tried:
            continue
        tried.add(support)
        x = [np.zeros_like(p) for p in profile]
        for i, s in enumerate(support):
            x[i][list(s)] = profile[i][list(s)] / profile[i][list(s)].sum()
        ks = [len(s) for s in support]
        offs = np.concatenate([[0], np.cumsum([k + 1 for k in ks])]).astype(int)
        size = int(offs[-1])
        dev = system.deviation(x, system.pairs(x))
        values = [float(x[i] @ dev[i]) for i in range(system.n)]
        for _ in range(30):
            pairs = system.pairs(x)
            dev = system.deviation(x, pairs)
            f = np.empty(size)
            jac = np.zeros((size, size))
            for i, s in enumerate(support):
                o, k = offs[i], ks[i]
                f[o : o + k] = dev[i][list(s)] - values[i]
                f[o + k] = x[i].sum() - 1.0
                jac[o : o + k, o + k] = -1.0
                jac[o + k, o : o + k] = 1.0
                for j, t in enumerate(support):
                    if j != i:
                        jac[o : o + k, offs[j] : offs[j] + ks[j]] = pairs[(i, j)][
                            np.ix_(list(s), list(t))
                        ]
            if np.abs(f).max() < 1e-15:
                break
            step = np.linalg.lstsq(jac, f, rcond=None)[0]
            if not np.all(np.isfinite(step)):
                break
            for i, s in enumerate(support):
                x[i][list(s)] -= step[offs[i] : offs[i] + ks[i]]
                values[i] -= step[offs[i] + ks[i]]
        if any(not np.all(np.isfinite(v)) or v.min() < -_PROB_SLACK for v in x):
            continue
        cand = [np.maximum(v, 0.0) for v in x]
        if any(v.sum() <= 0 for v in cand):
            continue
        cand = [v / v.sum() for v in cand]
        if any(
            ok and float(np.abs(c - p).max()) > radius
            for c, p, ok in zip(cand, profile, resolved, strict=True)
        ):
            continue
        if np.all(regret(game.payoffs, cand) <= atol):
            return cand
    return None


def _polish_radius(score: float) -> float:
    # Near a regular limit the branch's distance to it and its regret shrink
    # alike (as 1/lambda, or exponentially for actions leaving the support).
    return min(0.05, 100.0 * score)


def logit_qre_path(
    game: NormalFormGame,
    *,
    tol: float = 1e-8,
    max_lambda: float = 1e10,
    max_steps: int = 5_000,
    first_step: float = 0.03,
    max_accel: float = 1.1,
    polish: bool = True,
    return_path: bool = False,
) -> EquilibriumResult:
    """One Nash equilibrium, by following the logit quantal response branch.

    The logit QRE at precision ``lam`` is a profile where each player plays
    each action with probability proportional to ``exp(lam * payoff)``
    (McKelvey & Palfrey 1995). At ``lam = 0`` it is the uniform profile; as
    ``lam`` grows, the principal branch of the correspondence leads, for
    almost every game, to a Nash equilibrium (the *logit solution*). The
    branch is traced in ``(log p, lam)`` by predictor-corrector continuation
    (Turocy 2005; Allgower & Georg 1990, ch. 2): an Euler step along the
    tangent (the kernel of the Jacobian, from a QR factorisation), Gauss-Newton
    corrector steps back onto the branch, the step length adapted to the
    corrector's distance and contraction (as Gambit's ``logit_solve``), so
    that turning points (``lam`` decreasing for a while) are passed.

    The orientation of the tangent is the sign of ``det([J; t])``, constant
    along a regular branch, so a step that overshoots a tight fold still goes
    forward; where that sign flips (a bifurcation, as in symmetric games) the
    step is shortened, and once it is tiny the trace goes straight through.

    After each step the profile's regret (:meth:`NormalFormGame.regret`) is
    measured; the trace stops once every player's regret is within its
    :meth:`~NormalFormGame.tie_tolerance` ``(tol)``. With ``polish=True``,
    once the regret is below 1e-3 of the payoff spread the solver also
    guesses the support being approached (from the probabilities, and from
    each player's near-best responses) and solves its indifference equations
    by Newton's method; a solution within tolerance and close to the branch's
    current point (within ``min(0.05, 100 * regret / spread)`` in every
    probability) ends the trace, so polishing lands where the branch leads,
    not on another equilibrium.

    Guarantees: the returned profile's ``regret`` is computed by
    :meth:`NormalFormGame.regret` and is the certificate; ``stats["converged"]``
    says whether it is within tolerance. Which equilibrium is returned is the
    logit solution when the branch is followed faithfully (Gambit's
    ``logit_solve`` finds the same one on generic games); in degenerate games
    (continua of equilibria) the end point may differ slightly from Gambit's.
    Failures (the branch lost, ``max_steps`` or ``max_lambda`` reached) are
    reported, never hidden: the best profile found is returned with its
    regret and ``converged=False``.

    Parameters
    ----------
    game : NormalFormGame
    tol : float, default 1e-8
        Target regret, relative to each player's payoff spread.
    max_lambda : float, default 1e10
        Stop when ``lam`` exceeds this. ``lam`` multiplies payoffs divided by
        the game's overall payoff spread (largest minus smallest payoff of
        any player), so it does not depend on the payoffs' units; Gambit's
        ``lambda`` is this divided by that spread.
    max_steps : int, default 5000
        Stop after this many accepted steps.
    first_step : float, default 0.03
        Arclength of the first step.
    max_accel : float, default 1.1
        Largest factor by which the step length grows (or shrinks) per step.
    polish : bool, default True
        Try Newton's method on the approached support's indifference
        equations.
    return_path : bool, default False
        Put the traced branch in ``stats["path"]``: ``{"lambda": [...],
        "profiles": [[p_1, ..., p_n], ...]}``.

    Returns
    -------
    EquilibriumResult
        Method ``"logit"``, one :class:`Equilibrium` (the best profile
        found, its ``regret`` the certificate), ``complete=False``.
        ``stats``: ``converged`` (regret within tolerance: if False, the
        profile is only the best approximation found, its regret says how
        good), ``lambda`` reached, ``steps``, ``polished``, ``max_regret``,
        ``relative_regret`` (largest regret over the payoff spread),
        ``reason`` (why the trace stopped).

    Examples
    --------
    >>> from cooplab.games import make
    >>> res = logit_qre_path(make("matching-pennies"))
    >>> res.stats["converged"], [s.round(6).tolist() for s in res[0].profile]
    (True, [[0.5, 0.5], [0.5, 0.5]])
    """
    method = "logit"
    game = require_players(game, None, "logit_qre_path")
    atol = game.tie_tolerance(tol)
    max_lambda = _check_positive("max_lambda", max_lambda)
    max_steps = _check_count("max_steps", max_steps)
    first_step = _check_positive("first_step", first_step)
    max_accel = _check_positive("max_accel", max_accel, above=1.0)
    polish = _check_flag("polish", polish)
    return_path = _check_flag("return_path", return_path)
    start_time = time.perf_counter()

    u = game.payoffs
    total_spread = float(u.max() - u.min())
    spread = game.payoff_spread
    rel_scale = np.where(spread > 0, spread, 1.0)
    scale = total_spread if total_spread > 0 else 1.0
    system = _LogitSystem((u - u.min()) / scale)
    lambdas: list[float] = []
    profiles: list[list[list[float]]] = []

    def profile_at(w: FloatArray) -> list[FloatArray]:
        return [p / p.sum() for p in system.split(np.exp(w[:-1]))]

    def record(w: FloatArray, prof: list[FloatArray]) -> None:
        if return_path:
            lambdas.append(float(w[-1]))
            profiles.append([p.tolist() for p in prof])

    w = np.concatenate([np.log(np.concatenate([np.full(a, 1.0 / a) for a in system.sizes])), [0]])
    best = profile_at(w)
    best_reg = regret(u, best)
    best_score = float(np.max(best_reg / rel_scale))
    best_lambda = 0.0
    record(w, best)
    converged = bool(np.all(best_reg <= atol))
    polished = False
    reason = "tolerance reached" if converged else ""
    steps = 0
    last_polish = math.inf
    h = first_step
    # Corrector constants of Allgower & Georg (1990), as in Gambit's PathTracer.
    c_tol, max_dist, max_contr, eta, h_min, max_iter = 1e-4, 0.4, 0.6, 0.1, 1e-9, 100

    if not converged:
        _, jac = system.value_and_jacobian(w)
        t = _tangent(jac, 1.0)
        # Start towards increasing lambda, and keep that orientation.
        orientation = float(np.linalg.slogdet(np.vstack([jac, t]))[0]) * (
            1.0 if t[-1] > 0 else -1.0
        )
        t = _tangent(jac, orientation)
    while not converged:
        if steps >= max_steps:
            reason = f"max_steps={max_steps} reached"
            break
        if w[-1] >= max_lambda:
            reason = f"max_lambda={max_lambda:g} reached"
            break
        if h < h_min:
            reason = "step length fell below its minimum (the branch could not be followed)"
            break
        # Euler predictor, then Gauss-Newton (chord) corrector with the Jacobian
        # factored once at the predicted point, as Gambit's PathTracer does; the
        # same factors give the tangent there.
        v = w + h * t
        _, jac_v = system.value_and_jacobian(v)
        q, r = np.linalg.qr(jac_v.T, mode="complete")
        r_top = r[:-1]  # upper triangular, size x size
        accept = bool(np.all(np.abs(np.diag(r_top)) > 1e-300))
        decel = 1.0 / max_accel
        dist_old = 0.0
        for it in range(max_iter):
            if not accept:
                break
            z = solve_triangular(r_top, system.value(v), trans="T")
            delta = q[:, :-1] @ z
            v = v - delta
            dist = float(np.linalg.norm(delta))
            if not np.isfinite(dist) or dist >= max_dist:
                accept = False
                break
            decel = max(decel, math.sqrt(dist / max_dist) * max_accel)
            if it >= 1:
                contr = dist / (dist_old + c_tol * eta)
                if contr > max_contr:
                    accept = False
                    break
                decel = max(decel, math.sqrt(contr / max_contr) * max_accel)
            if dist <= c_tol:
                break
            dist_old = dist
        else:
            accept = False
        shrink = max_accel
        if accept:
            t_new = _orient(jac_v, q[:, -1], orientation)
            turn = float(t_new @ t)
            if turn < 0:
                # The intrinsic orientation points back: either the step jumped over
                # a tight fold (a shorter step resolves it) or the branch crossed a
                # bifurcation, where the orientation's sign flips (Gambit's
                # PathTracer also retries shorter). Once the step is tiny, go
                # straight on through the bifurcation.
                if h > _H_BIFURCATION:
                    accept, shrink = False, 4.0
                else:
                    t_new, orientation, turn = -t_new, -orientation, -turn
            # A sharp turn means the step may have jumped to another part of the
            # branch (or another branch): retry shorter, unless already tiny.
            if accept and turn < 0.5 and h > _H_BIFURCATION:
                accept = False
        if not accept:
            h /= shrink
            continue
        w, t = v, t_new
        steps += 1
        h = abs(h / min(decel, max_accel))
        if w[-1] < 0:
            reason = "the branch turned back below lambda = 0"
            break
        prof = profile_at(w)
        record(w, prof)
        reg = regret(u, prof)
        score = float(np.max(reg / rel_scale))
        if score < best_score:
            best, best_reg, best_score, best_lambda = prof, reg, score, float(w[-1])
        if np.all(reg <= atol):
            converged, reason = True, "tolerance reached"
            break
        # The path's own scale is the game's overall spread: a player whose
        # payoffs span far less is resolved only at far larger lambda, which
        # polishing reaches at once.
        path_score = float(reg.max()) / scale
        if polish and path_score < 1e-3 and path_score < 0.1 * last_polish:
            last_polish = path_score
            cand = _polish(
                game, system, prof, atol, _polish_radius(path_score), w[-1] * spread / scale > 10
            )
            if cand is not None:
                best, best_reg = cand, regret(u, cand)
                best_score = float(np.max(best_reg / rel_scale))
                converged, polished, reason = True, True, "tolerance reached after polishing"
                break
    if not converged and polish:
        cand = _polish(
            game,
            system,
            best,
            atol,
            _polish_radius(float(best_reg.max()) / scale),
            best_lambda * spread / scale > 10,
        )
        if cand is not None:
            best, best_reg = cand, regret(u, cand)
            best_score = float(np.max(best_reg / rel_scale))
            converged, polished = True, True
            reason += "; polished to within tolerance"
    if not converged:
        logger.warning(
            "logit_qre_path stopped (%s) at regret %.3g times the payoff spread, above tol=%g",
            reason,
            best_score,
            tol,
        )
    eq = equilibrium(game, best)
    stats: dict[str, Any] = {
        "converged": converged,
        "reason": reason,
        "lambda": float(w[-1]),
        "steps": steps,
        "polished": polished,
        "max_regret": float(eq.regret),
        "relative_regret": best_score,
        "tol": float(tol),
        "seconds": time.perf_counter() - start_time,
    }
    if return_path:
        stats["path"] = {"lambda": lambdas, "profiles": profiles}
    return EquilibriumResult(
        method=method,
        equilibria=(eq,),
        degenerate=None,
        complete=False,
        exact=False,
        stats=stats,
    )
