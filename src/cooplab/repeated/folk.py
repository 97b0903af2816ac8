"""The folk theorem for two-player stage games: what patient players can sustain.

For a two-player stage game ``G`` repeated forever with discount factor
``delta`` (payoffs normalised by ``1 - delta``, so they are per-round averages):

:func:`feasible_set`
    The convex hull of the pure outcomes' payoff pairs (what players can get
    by mixing outcomes over time or with a public coin); its vertices by
    ``scipy.spatial.ConvexHull``, with a point or a segment when the outcomes
    are degenerate.
:func:`minmax_values`
    Player ``i``'s minmax value, the least the opponent can hold ``i`` to when
    ``i`` best-responds: **pure** (opponent limited to pure actions, by
    enumeration) and **mixed** (``min_q max_a u_i(a, q)``, one linear program;
    never above the pure one: matching pennies, 1 pure vs 0 mixed).
:func:`individually_rational_region`
    The feasible set intersected with ``v_i >= minmax_i``: the payoffs the
    folk theorem promises (Fudenberg & Maskin 1986; the Nash-equilibrium
    version is the "folk" result of the 1950s).
:func:`grim_trigger` and :func:`critical_discount_factor`
    For a target (a pure profile, or a lottery over pure profiles drawn each
    round by a public device), the grim-trigger profile: play the target
    until someone deviates, then punish the deviator for ever. Two punishments:

    * ``punishment="nash"`` (**Nash reversion**, Friedman 1971): after player
      ``i`` deviates, play the stage Nash equilibrium worst for ``i`` for
      ever. A stage equilibrium repeated is an equilibrium of every subgame,
      so the profile is **subgame perfect** for ``delta >= delta*``.
    * ``punishment="minmax"``: after ``i`` deviates, the opponent plays its
      (mixed) minmax strategy against ``i`` for ever. This is a **Nash
      equilibrium** of the repeated game for ``delta >= delta*``, sustains
      every target strictly above the minmax values, but is **not subgame
      perfect** in general: minmaxing can hurt the punisher, who would rather
      not carry out the threat. (Subgame perfection needs finite punishment
      phases and rewards for the punishers, Fudenberg & Maskin 1986; not
      built here.) The result says when the minmax profile happens to be a
      stage equilibrium, in which case it is subgame perfect too.

    The critical discount factor: conformity pays ``(1-delta) u_i(a) + delta
    v_i``, the best one-shot deviation ``(1-delta) d_i(a) + delta p_i``, so
    for a pure target ``delta* = max_i (d_i - v_i) / (d_i - p_i)`` (zero when
    no deviation gains), and for a lottery the maximum over the players and
    the profiles it draws of ``(d - u) / ((d - u) + (v - p))``.
:func:`deviation_check`
    A check by simulation: the trigger automaton is stepped against a
    deviator who deviates once and then best-responds to the punishment,
    deviates once and returns to the target, or deviates for ever; the
    discounted payoffs are long finite sums with the geometric tail added in
    closed form once play is stationary.

References
----------
Friedman, J. W. (1971). A non-cooperative equilibrium for supergames. Review of Economic
Studies 38(1), 1-12.
Fudenberg, D. & Maskin, E. (1986). The folk theorem in repeated games with discounting or
with incomplete information. Econometrica 54(3), 533-554.
Mailath, G. J. & Samuelson, L. (2006). Repeated Games and Reputations, ch. 2. Oxford UP.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.spatial import ConvexHull, QhullError

from cooplab.games.normal_form import NormalFormGame

__all__ = [
    "DeviationCheck",
    "FeasibleSet",
    "MinmaxValues",
    "TriggerProfile",
    "convex_weights",
    "critical_discount_factor",
    "deviation_check",
    "feasible_set",
    "grim_trigger",
    "individually_rational_region",
    "minmax_values",
    "mixed_minmax",
    "pure_minmax",
]

FloatArray = npt.NDArray[np.float64]
#: Relative tolerance for payoff comparisons (times the payoff scale).
TOL = 1e-9
DEVIATION_KINDS = ("deviate then best-respond", "deviate then return", "deviate forever")


def _two_player(game: Any) -> NormalFormGame:
    if not isinstance(game, NormalFormGame):
        raise TypeError(f"game must be a NormalFormGame; got {type(game).__name__}")
    if game.n_players != 2:
        raise ValueError(
            f"the folk-theorem tools need a 2-player game; got {game.n_players} players"
        )
    return game


def _own_matrix(game: NormalFormGame, player: int) -> FloatArray:
    """Player's payoffs with its own actions as rows, shape (own, opponent)."""
    m = np.asarray(game.payoffs[player], dtype=float)
    return m if player == 0 else m.T


def _scale(game: NormalFormGame) -> float:
    return max(1.0, float(np.abs(game.payoffs).max()))


# ---------------------------------------------------------------------------
# Polygons
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FeasibleSet:
    """A convex polygon (or segment, or point) in the payoff plane.

    Attributes
    ----------
    vertices
        The extreme points, counter-clockwise for a polygon, the two ends for
        a segment, one point for a point; empty when the set is empty.
    dimension
        2, 1, 0, or -1 (empty).
    outcomes
        For a feasible set: each pure outcome's label and payoff pair.
    """

    vertices: tuple[tuple[float, float], ...]
    dimension: int
    outcomes: tuple[tuple[str, tuple[float, float]], ...] = ()

    @property
    def empty(self) -> bool:
        return self.dimension < 0

    @property
    def area(self) -> float:
        if self.dimension < 2:
            return 0.0
        v = np.asarray(self.vertices)
        x, y = v[:, 0], v[:, 1]
        return float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))

    def contains(self, point: Sequence[float], *, tol: float = 1e-9) -> bool:
        """Whether ``point`` lies in the set (boundary included, within ``tol``)."""
        p = np.asarray(point, dtype=float)
        if p.shape != (2,):
            raise ValueError(f"a payoff point has 2 coordinates; got shape {p.shape}")
        if self.empty:
            return False
        v = np.asarray(self.vertices)
        if self.dimension == 0:
            return bool(np.linalg.norm(p - v[0]) <= tol)
        if self.dimension == 1:
            a, b = v[0], v[1]
            ab = b - a
            t = float(np.dot(p - a, ab) / np.dot(ab, ab))
            return -tol <= t <= 1 + tol and bool(np.linalg.norm(a + t * ab - p) <= tol)
        edges = np.roll(v, -1, axis=0) - v
        rel = p - v
        cross = edges[:, 0] * rel[:, 1] - edges[:, 1] * rel[:, 0]
        lengths = np.linalg.norm(edges, axis=1)
        return bool(np.all(cross >= -tol * lengths))

    def to_dict(self) -> dict[str, Any]:
        return {
            "vertices": [list(v) for v in self.vertices],
            "dimension": self.dimension,
            "area": self.area,
            "outcomes": [[label, list(p)] for label, p in self.outcomes],
        }


def _hull(points: FloatArray, tol: float) -> tuple[FloatArray, int]:
    """Extreme points of a finite 2-D set (CCW) and its dimension."""
    if len(points):
        keys = np.round(points / tol) if tol > 0 else points
        _, first = np.unique(keys, axis=0, return_index=True)
        pts = points[np.sort(first)]
    else:
        pts = points
    if len(pts) == 0:
        return pts.reshape(0, 2), -1
    if len(pts) == 1:
        return pts, 0
    centred = pts - pts.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    if s[1] <= tol * max(1.0, s[0]) or len(pts) == 2:
        t = centred @ vt[0]
        ends = pts[[int(np.argmin(t)), int(np.argmax(t))]]
        if np.linalg.norm(ends[0] - ends[1]) <= tol:
            return ends[:1], 0
        return ends, 1
    try:
        hull = ConvexHull(pts)
    except QhullError:  # pragma: no cover - caught above by the rank test
        t = centred @ vt[0]
        return pts[[int(np.argmin(t)), int(np.argmax(t))]], 1
    # scipy orders 2-D hull vertices counter-clockwise; start at the lowest (x, y) vertex
    vertices = pts[hull.vertices]
    first = int(np.lexsort((vertices[:, 1], vertices[:, 0]))[0])
    return np.roll(vertices, -first, axis=0), 2


def feasible_set(game: NormalFormGame) -> FeasibleSet:
    """The convex hull of the pure outcomes' payoffs of a 2-player game.

    Examples
    --------
    >>> from cooplab.games.catalog import prisoners_dilemma
    >>> feasible_set(prisoners_dilemma()).vertices
    ((0.0, 5.0), (1.0, 1.0), (5.0, 0.0), (3.0, 3.0))
    """
    game = _two_player(game)
    outcomes = list(game.pure_outcomes())
    points = np.array([game.payoffs[(slice(None), *o)] for o in outcomes], dtype=float)
    vertices, dim = _hull(points, TOL * _scale(game))
    labels = tuple(
        ("(" + ", ".join(game.outcome_names(o)) + ")", (float(p[0]), float(p[1])))
        for o, p in zip(outcomes, points, strict=True)
    )
    return FeasibleSet(tuple((float(x), float(y)) for x, y in vertices), dim, labels)


def _clip(
    vertices: FloatArray, dim: int, axis: int, bound: float, tol: float
) -> tuple[FloatArray, int]:
    """Keep the part of a convex set with coordinate ``axis`` >= ``bound``."""
    if dim < 0:
        return vertices, dim
    if dim == 0:
        return (vertices, 0) if vertices[0, axis] >= bound - tol else (vertices[:0], -1)
    if dim == 1:
        a, b = vertices
        fa, fb = a[axis] - bound, b[axis] - bound
        if fa < -tol and fb < -tol:
            return vertices[:0], -1
        if fa >= -tol and fb >= -tol:
            return vertices, 1
        cut = a + (b - a) * (fa / (fa - fb))
        seg = np.array([a if fa >= -tol else cut, b if fb >= -tol else cut])
        return _hull(seg, tol)
    out: list[FloatArray] = []
    n = len(vertices)
    for k in range(n):
        cur, nxt = vertices[k], vertices[(k + 1) % n]
        fc, fn = cur[axis] - bound, nxt[axis] - bound
        if fc >= -tol:
            out.append(cur)
        if (fc >= -tol) != (fn >= -tol) and abs(fc - fn) > 0:
            out.append(cur + (nxt - cur) * (fc / (fc - fn)))
    if not out:
        return vertices[:0], -1
    return _hull(np.array(out), tol)


def individually_rational_region(
    game: NormalFormGame, *, minmax: Literal["mixed", "pure"] = "mixed"
) -> FeasibleSet:
    """The feasible payoffs with ``v_i >= minmax_i`` for both players (a convex polygon).

    ``minmax="pure"`` uses the pure minmax values (a smaller region, or equal).

    Examples
    --------
    >>> from cooplab.games.catalog import prisoners_dilemma
    >>> individually_rational_region(prisoners_dilemma()).vertices
    ((1.0, 1.0), (4.333333333333333, 1.0), (3.0, 3.0), (1.0, 4.333333333333333))
    """
    game = _two_player(game)
    if minmax not in ("mixed", "pure"):
        raise ValueError(f"minmax must be 'mixed' or 'pure'; got {minmax!r}")
    values = minmax_values(game)
    bounds = values.mixed if minmax == "mixed" else values.pure
    feas = feasible_set(game)
    tol = TOL * _scale(game)
    v, dim = np.asarray(feas.vertices, dtype=float).reshape(-1, 2), feas.dimension
    for axis in (0, 1):
        v, dim = _clip(v, dim, axis, bounds[axis], tol)
    v = v + 0.0  # no negative zeros
    return FeasibleSet(tuple((float(x), float(y)) for x, y in v), dim)


# ---------------------------------------------------------------------------
# Minmax
# ---------------------------------------------------------------------------
def pure_minmax(game: NormalFormGame, player: int) -> tuple[float, int]:
    """``min_b max_a u_i(a, b)`` over pure actions; returns (value, the opponent's action)."""
    game = _two_player(game)
    m = _own_matrix(game, _player(player))
    best = m.max(axis=0)
    j = int(np.argmin(best))
    return float(best[j]), j


def mixed_minmax(game: NormalFormGame, player: int) -> tuple[float, FloatArray]:
    """``min_q max_a u_i(a, q)`` over the opponent's mixed strategies ``q``, by LP.

    Variables ``(q_1..q_n, t)``: minimise ``t`` subject to ``M q <= t``
    (every own action ``a`` of player ``i`` earns at most ``t``), ``sum q = 1``,
    ``q >= 0``. Returns the value and the opponent's minmax strategy.
    """
    game = _two_player(game)
    m = _own_matrix(game, _player(player))
    rows, cols = m.shape
    c = np.zeros(cols + 1)
    c[-1] = 1.0
    a_ub = np.hstack([m, -np.ones((rows, 1))])
    a_eq = np.concatenate([np.ones(cols), [0.0]])[None, :]
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(rows),
        A_eq=a_eq,
        b_eq=[1.0],
        bounds=[(0, None)] * cols + [(None, None)],
        method="highs",
    )
    if res.status != 0:  # pragma: no cover - always feasible and bounded
        raise ArithmeticError(f"the minmax linear program failed: {res.message}")
    q = np.maximum(res.x[:cols], 0.0)
    q = q / q.sum()
    # The value is the best response payoff to q (exact for the q returned).
    return float((m @ q).max()) + 0.0, q


def _player(player: Any) -> int:
    if isinstance(player, bool) or not isinstance(player, numbers.Integral) or player not in (0, 1):
        raise ValueError(f"player must be 0 or 1; got {player!r}")
    return int(player)


@dataclass(frozen=True)
class MinmaxValues:
    """Both players' minmax values.

    Attributes
    ----------
    pure, mixed
        ``(minmax_0, minmax_1)``; ``mixed <= pure``.
    pure_punisher
        For each player, the opponent's pure action that holds it to ``pure``.
    mixed_punisher
        For each player, the opponent's mixed strategy that holds it to ``mixed``.
    """

    pure: tuple[float, float]
    mixed: tuple[float, float]
    pure_punisher: tuple[str, str]
    mixed_punisher: tuple[tuple[float, ...], tuple[float, ...]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pure": list(self.pure),
            "mixed": list(self.mixed),
            "pure_punisher": list(self.pure_punisher),
            "mixed_punisher": [list(q) for q in self.mixed_punisher],
        }


def minmax_values(game: NormalFormGame) -> MinmaxValues:
    """The pure and mixed minmax values of both players.

    Examples
    --------
    >>> from cooplab.games.catalog import matching_pennies
    >>> v = minmax_values(matching_pennies())
    >>> v.pure, v.mixed  # von Neumann: the mixed value is 0; a pure punisher is read
    ((1.0, 1.0), (0.0, 0.0))
    """
    game = _two_player(game)
    pure = [pure_minmax(game, i) for i in (0, 1)]
    mixed = [mixed_minmax(game, i) for i in (0, 1)]
    return MinmaxValues(
        pure=(pure[0][0], pure[1][0]),
        mixed=(mixed[0][0], mixed[1][0]),
        pure_punisher=(game.action_names[1][pure[0][1]], game.action_names[0][pure[1][1]]),
        mixed_punisher=(
            tuple(float(x) for x in mixed[0][1]),
            tuple(float(x) for x in mixed[1][1]),
        ),
    )


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------
def convex_weights(game: NormalFormGame, point: Sequence[float]) -> dict[tuple[int, int], float]:
    """Weights on pure outcomes whose payoff average is ``point`` (a basic LP solution:
    at most three outcomes), or ``ValueError`` when ``point`` is not feasible."""
    game = _two_player(game)
    p = np.asarray(point, dtype=float)
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError(f"a payoff point is 2 finite numbers; got {point!r}")
    outcomes = list(game.pure_outcomes())
    pts = np.array([game.payoffs[(slice(None), *o)] for o in outcomes], dtype=float)
    k = len(outcomes)
    res = linprog(
        np.zeros(k),
        A_eq=np.vstack([pts.T, np.ones((1, k))]),
        b_eq=np.concatenate([p, [1.0]]),
        bounds=[(0, None)] * k,
        method="highs",
    )
    if res.status != 0:
        raise ValueError(
            f"{tuple(p.tolist())} is not a feasible payoff pair of {game.name or 'the game'}"
        )
    w = np.where(res.x > 1e-12, res.x, 0.0)
    w = w / w.sum()
    return {(int(o[0]), int(o[1])): float(x) for o, x in zip(outcomes, w, strict=True) if x > 0}


def _parse_target(game: NormalFormGame, target: Any) -> list[tuple[tuple[int, int], float]]:
    if isinstance(target, Mapping):
        items = []
        for profile, weight in target.items():
            if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or weight < 0:
                raise ValueError(f"lottery weights must be non-negative numbers; got {weight!r}")
            if weight > 0:
                a = game.pure_profile(profile)
                items.append(((a[0], a[1]), float(weight)))
        total = sum(w for _, w in items)
        if not items or not math.isclose(total, 1.0, rel_tol=1e-6):
            raise ValueError(f"lottery weights must sum to 1; got {total}")
        merged: dict[tuple[int, int], float] = {}
        for a, w in items:
            merged[a] = merged.get(a, 0.0) + w / total
        return sorted(merged.items())
    a = game.pure_profile(target)
    return [((a[0], a[1]), 1.0)]


# ---------------------------------------------------------------------------
# Grim trigger
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TriggerProfile:
    """A grim-trigger profile for a target, and the discount factors that sustain it.

    Attributes
    ----------
    game
        The stage game.
    target
        ``((profile names, weight), ...)``: the profiles the public device
        draws each round (one with weight 1 for a pure target).
    target_indices
        The same profiles as action indices.
    punishment
        ``"nash"`` (Nash reversion) or ``"minmax"``.
    target_payoffs
        ``v``: expected stage payoff per player on the path.
    punishment_payoffs
        ``p``: each player's payoff while punished (it best-responds).
    punishment_profiles
        For each player ``i``, the mixed profile played after ``i`` deviates
        (the deviator's best response included).
    stage_payoffs, deviation_payoffs
        Per target profile and player: ``u_i(a)`` and the best one-shot
        deviation payoff ``d_i(a) = max_{b != a_i} u_i(b, a_-i)``.
    player_deltas
        Per player, the smallest ``delta`` at which no deviation pays
        (``None``: no ``delta`` near 1 sustains it).
    critical_delta
        ``max_i player_deltas``, or ``None`` when the target is not sustainable.
    subgame_perfect
        Whether the profile is subgame perfect for ``delta >= critical_delta``:
        always for Nash reversion; for minmax punishment only when each
        minmax profile is a stage equilibrium.
    note
        What kind of equilibrium this is.
    """

    game: NormalFormGame
    target: tuple[tuple[tuple[str, str], float], ...]
    target_indices: tuple[tuple[int, int], ...]
    punishment: str
    target_payoffs: tuple[float, float]
    punishment_payoffs: tuple[float, float]
    punishment_profiles: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...]
    stage_payoffs: tuple[tuple[float, float], ...]
    deviation_payoffs: tuple[tuple[float, float], ...]
    player_deltas: tuple[float | None, float | None]
    critical_delta: float | None
    subgame_perfect: bool
    note: str

    @property
    def sustainable(self) -> bool:
        return self.critical_delta is not None

    @property
    def weights(self) -> tuple[float, ...]:
        return tuple(w for _, w in self.target)

    def to_dict(self) -> dict[str, Any]:
        return {
            "game": self.game.to_dict(),
            "target": [[list(a), w] for a, w in self.target],
            "punishment": self.punishment,
            "target_payoffs": list(self.target_payoffs),
            "punishment_payoffs": list(self.punishment_payoffs),
            "punishment_profiles": [[list(s) for s in prof] for prof in self.punishment_profiles],
            "stage_payoffs": [list(x) for x in self.stage_payoffs],
            "deviation_payoffs": [list(x) for x in self.deviation_payoffs],
            "player_deltas": list(self.player_deltas),
            "critical_delta": self.critical_delta,
            "subgame_perfect": self.subgame_perfect,
            "note": self.note,
        }


def _best_deviation(game: NormalFormGame, a: tuple[int, int], i: int) -> float:
    m = _own_matrix(game, i)
    own, other = (a[0], a[1]) if i == 0 else (a[1], a[0])
    col = np.delete(m[:, other], own)
    return float(col.max()) if col.size else -math.inf


def _punishments(
    game: NormalFormGame, kind: str
) -> tuple[list[float], list[tuple[FloatArray, FloatArray]], bool]:
    """Per player: payoff while punished, the punishment profile, and whether all are stage NE."""
    if kind == "nash":
        from cooplab.repeated.backward_induction import stage_equilibria

        eqs = stage_equilibria(game).equilibria
        if not eqs:  # pragma: no cover - every finite 2-player game has one
            raise ValueError("the stage game has no Nash equilibrium to revert to")
        out_p, out_prof = [], []
        for i in (0, 1):
            e = min(eqs, key=lambda e: e.payoffs[i])
            out_p.append(float(e.payoffs[i]))
            out_prof.append((np.asarray(e.profile[0]), np.asarray(e.profile[1])))
        return out_p, out_prof, True
    from cooplab.repeated.backward_induction import stage_equilibria

    eqs = stage_equilibria(game).equilibria
    out_p, out_prof = [], []
    all_nash = True
    for i in (0, 1):
        value, q = mixed_minmax(game, i)
        # A stage equilibrium that holds i to its minmax value is a credible minmax punishment.
        credible = [e for e in eqs if e.payoffs[i] <= value + TOL * _scale(game)]
        if credible:
            e = credible[0]
            out_p.append(value)
            out_prof.append((np.asarray(e.profile[0]), np.asarray(e.profile[1])))
            continue
        m = _own_matrix(game, i)
        br = np.zeros(m.shape[0])
        br[int(np.argmax(m @ q))] = 1.0
        prof = (br, q) if i == 0 else (q, br)
        out_p.append(value)
        out_prof.append(prof)
        regret = game.regret(list(prof))
        all_nash &= bool(np.all(regret <= TOL * _scale(game)))
    return out_p, out_prof, all_nash


def grim_trigger(
    game: NormalFormGame,
    target: Any,
    *,
    punishment: Literal["nash", "minmax"] = "nash",
) -> TriggerProfile:
    """The grim-trigger profile that sustains ``target``, and its critical discount factor.

    Parameters
    ----------
    game
        A 2-player stage game.
    target
        A pure profile (action names or indices), or a mapping from pure
        profiles to probabilities (a public correlation device drawing one
        profile each round; a deterministic cycle has the same critical
        ``delta`` in the limit of fine mixing only, so the device is the
        exact model here).
    punishment
        ``"nash"``: revert for ever to the stage Nash equilibrium worst for the
        deviator (subgame perfect). ``"minmax"``: the opponent minmaxes the
        deviator for ever (a Nash equilibrium, not subgame perfect in general).

    Examples
    --------
    >>> from cooplab.games.catalog import prisoners_dilemma
    >>> grim_trigger(prisoners_dilemma(), ("C", "C")).critical_delta  # (T-R)/(T-P)
    0.5
    """
    game = _two_player(game)
    if punishment not in ("nash", "minmax"):
        raise ValueError(f"punishment must be 'nash' or 'minmax'; got {punishment!r}")
    lottery = _parse_target(game, target)
    weights = np.array([w for _, w in lottery])
    u = np.array([[game.payoffs[i][a] for i in (0, 1)] for a, _ in lottery], dtype=float)
    d = np.array([[_best_deviation(game, a, i) for i in (0, 1)] for a, _ in lottery])
    v = weights @ u
    p, profiles, all_nash = _punishments(game, punishment)
    tol = TOL * _scale(game)
    deltas: list[float | None] = []
    for i in (0, 1):
        worst: float | None = 0.0
        margin = v[i] - p[i]
        for k in range(len(lottery)):
            gain = d[k, i] - u[k, i]
            if gain <= tol and margin >= -tol:
                continue
            if gain > tol and margin > tol:
                worst = max(worst, gain / (gain + margin)) if worst is not None else None
                continue
            worst = None
            break
        deltas.append(worst)
    critical = None if any(x is None for x in deltas) else max(x for x in deltas if x is not None)
    if punishment == "nash":
        sp = True
        note = (
            "Nash reversion: after a deviation the stage equilibrium worst for the deviator is "
            "played for ever; a subgame-perfect equilibrium for delta >= delta*"
        )
    else:
        sp = all_nash
        note = (
            "minmax punishment: the opponent minmaxes the deviator for ever; a Nash equilibrium "
            "of the repeated game for delta >= delta*"
            + (
                " (and subgame perfect: each minmax profile is a stage equilibrium)"
                if all_nash
                else ", not subgame perfect: the punisher would not carry out the threat"
            )
        )
    return TriggerProfile(
        game=game,
        target=tuple((game.outcome_names(a), float(w)) for a, w in lottery),  # type: ignore[misc]
        target_indices=tuple(a for a, _ in lottery),
        punishment=punishment,
        target_payoffs=(float(v[0]), float(v[1])),
        punishment_payoffs=(float(p[0]), float(p[1])),
        punishment_profiles=tuple(
            (tuple(float(x) for x in a), tuple(float(x) for x in b)) for a, b in profiles
        ),
        stage_payoffs=tuple((float(x), float(y)) for x, y in u),
        deviation_payoffs=tuple((float(x), float(y)) for x, y in d),
        player_deltas=(deltas[0], deltas[1]),
        critical_delta=None if critical is None else float(critical),
        subgame_perfect=sp,
        note=note,
    )


def critical_discount_factor(
    game: NormalFormGame, target: Any, *, punishment: Literal["nash", "minmax"] = "nash"
) -> float | None:
    """The smallest ``delta`` at which grim trigger sustains ``target`` (``None``: none does)."""
    return grim_trigger(game, target, punishment=punishment).critical_delta


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DeviationCheck:
    """Discounted payoffs of conforming and deviating, at one ``delta``.

    Attributes
    ----------
    delta
    conform
        Each player's normalised discounted payoff on the path (``v``).
    gains
        ``gains[i][kind]``: player ``i``'s largest gain, over the profiles the
        device draws in round 0 and the deviation actions, from each kind of
        deviation (:data:`DEVIATION_KINDS`); negative: it does not pay.
    best_gain
        The largest gain over players and kinds.
    deviation_pays
        Whether some deviation gains more than the tolerance.
    rounds
        Rounds simulated before the closed-form tail.
    """

    delta: float
    conform: tuple[float, float]
    gains: tuple[tuple[float, ...], tuple[float, ...]]
    best_gain: float
    deviation_pays: bool
    rounds: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "delta": self.delta,
            "conform": list(self.conform),
            "gains": {
                k: [self.gains[0][n], self.gains[1][n]] for n, k in enumerate(DEVIATION_KINDS)
            },
            "best_gain": self.best_gain,
            "deviation_pays": self.deviation_pays,
            "rounds": self.rounds,
        }


def _expected(game: NormalFormGame, x: FloatArray, y: FloatArray) -> FloatArray:
    return np.array([x @ game.payoffs[0] @ y, x @ game.payoffs[1] @ y])


def _discounted(stream: FloatArray, tail: float, delta: float) -> float:
    """``(1 - delta) * (sum_t delta^t stream[t] + delta^H tail / (1 - delta))``."""
    h = len(stream)
    weights = delta ** np.arange(h)
    return float((1.0 - delta) * np.dot(weights, stream) + delta**h * tail)


def _simulate(
    trigger: TriggerProfile,
    deviator: int,
    first: tuple[int, int] | None,
    action: int | None,
    after: str,
    rounds: int,
) -> tuple[FloatArray, float]:
    """Step the trigger automaton; return the deviator's expected stage payoffs and the
    stationary payoff after them.

    ``first``: the profile the device draws in round 0 (later rounds: the
    lottery in expectation). ``action``: the deviator's round-0 action
    (``None``: conform for ever). ``after``: what the deviator does once
    punished: ``"best"`` (best response), ``"return"`` (the target action
    the device prescribes) or ``"same"`` (the deviation action again).
    """
    game = trigger.game
    n0, n1 = game.n_actions
    eye = (np.eye(n0), np.eye(n1))
    lottery = list(zip(trigger.target_indices, trigger.weights, strict=True))
    punished = False
    out = np.zeros(rounds)
    pun = trigger.punishment_profiles[deviator]
    for t in range(rounds):
        draws = [(first, 1.0)] if t == 0 and first is not None else lottery
        value = 0.0
        deviated = False
        for a, w in draws:
            if punished:
                x, y = np.asarray(pun[0]), np.asarray(pun[1])
                own = [x, y][deviator]
                if after == "return":
                    own = eye[deviator][a[deviator]]
                elif after == "same" and action is not None:
                    own = eye[deviator][action]
                prof = [x, y]
                prof[deviator] = own
            else:
                prof = [eye[0][a[0]], eye[1][a[1]]]
                if t == 0 and action is not None:
                    prof[deviator] = eye[deviator][action]
                    deviated = action != a[deviator]
            value += w * float(_expected(game, prof[0], prof[1])[deviator])
        out[t] = value
        if deviated:
            punished = True
    return out[:-1], float(out[-1])


def deviation_check(trigger: TriggerProfile, delta: float, *, rounds: int = 64) -> DeviationCheck:
    """Check by simulation that no deviation from ``trigger`` pays at ``delta``.

    For each player, each profile the device can draw in round 0 and each
    other action, the automaton is stepped for ``rounds`` rounds (play is
    stationary from round 1 on: the punishment is absorbing) and the
    discounted payoff is that finite sum plus the geometric tail in closed
    form. A deviation at a later round scales the same gain by ``delta^t``,
    so round 0 decides. Three deviations: once then best-respond to the
    punishment (the best deviation, the one ``delta*`` is computed from),
    once then back to the target action, and for ever.
    """
    if not isinstance(trigger, TriggerProfile):
        raise TypeError(f"trigger must be a TriggerProfile; got {type(trigger).__name__}")
    if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not 0.0 <= delta < 1.0:
        raise ValueError(f"delta must be a discount factor in [0, 1); got {delta!r}")
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral) or rounds < 2:
        raise ValueError(f"rounds must be an integer >= 2; got {rounds!r}")
    delta = float(delta)
    rounds = int(rounds)
    game = trigger.game
    conform = []
    gains: list[list[float]] = [[-math.inf] * 3, [-math.inf] * 3]
    for i in (0, 1):
        head, tail = _simulate(trigger, i, None, None, "best", rounds)
        base = _discounted(head, tail, delta)
        conform.append(base)
        for a, _w in zip(trigger.target_indices, trigger.weights, strict=True):
            c_head, c_tail = _simulate(trigger, i, a, a[i], "best", rounds)
            on_path = _discounted(c_head, c_tail, delta)
            for b in range(game.n_actions[i]):
                if b == a[i]:
                    continue
                for n, after in enumerate(("best", "return", "same")):
                    h, tl = _simulate(trigger, i, a, b, after, rounds)
                    gains[i][n] = max(gains[i][n], _discounted(h, tl, delta) - on_path)
    best = max(max(g) for g in gains)
    tol = 1e-9 * _scale(game)
    return DeviationCheck(
        delta=delta,
        conform=(conform[0], conform[1]),
        gains=(tuple(gains[0]), tuple(gains[1])),
        best_gain=float(best),
        deviation_pays=bool(best > tol),
        rounds=rounds,
    )
