"""Section 2.1 of the note: n-player social dilemmas as the number of players grows.

Claim: in the n-agent generalisations of the prisoner's dilemma (the tragedy
of the commons, public goods provision, arms races) the Nash equilibrium is
socially suboptimal: each agent over-uses the commons, under-contributes to
the public good, over-invests in arms.

What is run, for each game of the catalog and each number of players ``n``:

1. **The full payoff array** (``n * k**n`` entries, built by
   :mod:`cooplab.games.catalog` while it stays under its size limit): all pure
   Nash equilibria (:meth:`NormalFormGame.pure_nash_equilibria`), the welfare
   of each and of the social optimum, the price of anarchy (optimum over the
   worst equilibrium's welfare) and of stability, the welfare gap, and the
   social-dilemma tests of :func:`~cooplab.equilibria.dilemmas.dilemma_report`
   (Dawes's dominant-strategy test; Kollock's Pareto test where the array is
   small enough for it).
2. **Counting, for any n.** The three games are *aggregative*: a player's
   payoff depends only on its own level and the total of the others', and
   welfare only on the grand total. A pure profile with total ``T`` is an
   equilibrium exactly when every player's level is a best response to
   ``T`` minus that level, so with ``A(T)`` the levels that are, the number of
   equilibrium profiles with total ``T`` is the coefficient of ``z**T`` in
   ``(sum_{j in A(T)} z**j)**n`` (exact integers). Optimum and equilibrium
   welfare follow from the totals. This reaches n in the hundreds; where both
   run, its numbers (equilibrium count, totals, welfare, prices) are checked
   against the full array's.
3. **Theory.** Public goods (``u_i = e - c_i + r sum_j c_j / n``): with
   ``1 < r < n`` contributing nothing is dominant, full contribution optimal,
   so the price of anarchy is ``r n e / (n e) = r`` and the loss per player
   ``(r - 1) e``, the same for every n. Arms race with each side's budget
   ``B`` added to the catalog's payoffs (a ratio of welfare needs a
   baseline; the catalog's payoffs put everyone-disarmed at 0): arming is
   dominant when ``threat > cost``, everyone disarmed optimal, so the loss per
   side is ``cost`` and the price of anarchy ``B / (B - cost)``, again flat in
   n. Commons (``u_i = x_i (a - X)``, ``a = capacity - cost``): in the
   continuous game each uses ``a / (n + 1)`` at equilibrium against a total
   ``a / 2`` at the optimum, so the price of anarchy ``(n + 1)**2 / (4 n)``
   grows without bound. The game run here has whole animals, ``0..max_use``;
   its equilibria are several and its prices are the exact discrete ones,
   shown against the continuous curve.
4. **The public goods multiplier.** For several n, a grid of ``r`` (with the
   boundary values 1 and n on it) is analysed by both methods, and the games
   found to be dilemmas (Dawes's test, and every equilibrium suboptimal) are
   compared with the textbook condition ``1 < r < n``.

Everything here is deterministic: the run's generator is accepted but not
used, and the seed changes nothing.

References
----------
Hardin, G. (1968). The tragedy of the commons. Science 162(3859), 1243-1248.
Dawes, R. M. (1980). Social dilemmas. Annual Review of Psychology 31, 169-193.
Isaac, R. M. & Walker, J. M. (1988). Group size effects in public goods
provision. Quarterly Journal of Economics 103(1), 179-199.
Jervis, R. (1978). Cooperation under the security dilemma. World Politics 30(2), 167-214.
Koutsoupias, E. & Papadimitriou, C. (1999). Worst-case equilibria. STACS 1999
(the price of anarchy).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.equilibria.dilemmas import dilemma_report
from cooplab.equilibria.dominance import dominant_strategies
from cooplab.equilibria.metrics import pareto_improvement
from cooplab.experiments.base import Check, Experiment, Table
from cooplab.games.catalog import MAX_ENTRIES, arms_race, public_goods, tragedy_of_the_commons
from cooplab.games.normal_form import PROB_TOL, ROUNDING, NormalFormGame
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress

__all__ = [
    "EXPERIMENT",
    "GAMES",
    "Config",
    "Result",
    "Row",
    "SweepPoint",
    "analyse_array",
    "analyse_count",
    "array_fits",
    "figures",
    "run",
    "tables",
]

PUBLIC_GOODS = "public goods"
COMMONS = "commons"
ARMS_RACE = "arms race"
#: The games, in report order.
GAMES = (PUBLIC_GOODS, COMMONS, ARMS_RACE)
ARRAY = "array"
COUNT = "count"
#: Arrays where (outcomes x pure equilibria) is at most this also get
#: :func:`dilemma_report`, for Kollock's Pareto test (it compares every
#: equilibrium with every outcome, too slow beyond).
REPORT_WORK = 5_000_000
#: Relative agreement asked of the two methods and of theory (rounding only).
AGREE = 1e-9

_COLOURS = {PUBLIC_GOODS: PALETTE[0], COMMONS: PALETTE[2], ARMS_RACE: PALETTE[3]}
_UNITS = {
    PUBLIC_GOODS: "total contribution",
    COMMONS: "animals on the pasture",
    ARMS_RACE: "sides armed",
}


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    ns
        The numbers of players, analysed by counting (any size).
    array_n_max
        The full payoff array is also built and solved for ``n <= array_n_max``
        (and only while the catalog accepts its size, ``n * k**n <= 2e7``).
    multiplier, endowment, contribution_levels
        Public goods: ``r``, each player's endowment ``e``, and the number of
        contribution levels from nothing to everything (2: all or nothing).
    capacity, grazing_cost, max_use
        Commons: ``u_i = x_i (capacity - X - grazing_cost)``, ``x_i`` in
        ``0..max_use``.
    arms_cost, threat, budget
        Arms race: the cost of arming, the threat gained over each unarmed
        rival (split over the ``n - 1`` rivals), and each side's budget, added
        to the catalog's payoffs so that welfare ratios are defined.
    sweep_ns, r_step, r_max
        The public goods multiplier sweep: for each n in ``sweep_ns``, ``r``
        on the grid ``r_step, 2 r_step, ..., r_max`` plus the boundary values
        1 and n.
    sweep_array_n_max
        The sweep is also run on full arrays for ``n <= sweep_array_n_max``.
    """

    ns: tuple[int, ...] = tuple(range(2, 17))
    array_n_max: int = 8
    multiplier: float = 1.6
    endowment: float = 1.0
    contribution_levels: int = 2
    capacity: float = 13.0
    grazing_cost: float = 1.0
    max_use: int = 5
    arms_cost: float = 1.0
    threat: float = 2.0
    budget: float = 2.0
    sweep_ns: tuple[int, ...] = (2, 3, 4, 5, 6, 8)
    r_step: float = 0.25
    r_max: float = 10.0
    sweep_array_n_max: int = 8

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(
            ns=(*range(2, 33), 48, 64, 100, 128, 200),
            array_n_max=19,
            sweep_ns=(*range(2, 13), 16, 20, 32),
            r_max=34.0,
            sweep_array_n_max=12,
        )

    def __post_init__(self) -> None:
        for name in ("ns", "sweep_ns"):
            value = getattr(self, name)
            if (
                not isinstance(value, tuple | list)
                or not value
                or not all(_is_int(v) and v >= 2 for v in value)
            ):
                raise ValueError(
                    f"{name} must be a non-empty tuple of integers >= 2; got {value!r}"
                )
            if list(value) != sorted(set(value)):
                raise ValueError(f"{name} must be increasing without repeats; got {value!r}")
        for name in ("array_n_max", "sweep_array_n_max", "contribution_levels", "max_use"):
            value = getattr(self, name)
            if not _is_int(value):
                raise ValueError(f"{name} must be an integer; got {value!r}")
        if self.contribution_levels < 2 or self.max_use < 1:
            raise ValueError("contribution_levels must be >= 2 and max_use >= 1")
        for name in (
            "multiplier",
            "endowment",
            "capacity",
            "grazing_cost",
            "arms_cost",
            "threat",
            "budget",
            "r_step",
            "r_max",
        ):
            if not _is_real(getattr(self, name)):
                raise ValueError(f"{name} must be a finite number; got {getattr(self, name)!r}")
        if self.endowment <= 0 or self.capacity <= 0 or self.arms_cost <= 0 or self.r_step <= 0:
            raise ValueError("endowment, capacity, arms_cost and r_step must be positive")
        # The parameters that make each game a dilemma (see the module docstring).
        if not self.multiplier > 1:
            raise ValueError(
                f"multiplier must exceed 1 for public goods to be a dilemma (1 < r < n); "
                f"got {self.multiplier:g}"
            )
        if not any(n > self.multiplier for n in self.ns):
            raise ValueError(
                f"public goods is a dilemma only for n > r = {self.multiplier:g}; ns {self.ns} "
                "has no such n"
            )
        if not 0 <= self.grazing_cost < self.capacity:
            raise ValueError(
                f"grazing_cost must be in [0, capacity); got {self.grazing_cost:g} with capacity "
                f"{self.capacity:g}"
            )
        if not self.threat > self.arms_cost:
            raise ValueError(
                f"threat must exceed arms_cost for arming to be dominant; got threat "
                f"{self.threat:g}, arms_cost {self.arms_cost:g}"
            )
        if not self.budget > self.arms_cost:
            raise ValueError(
                f"budget must exceed arms_cost, so that welfare stays positive and the price "
                f"of anarchy is defined; got budget {self.budget:g}, arms_cost {self.arms_cost:g}"
            )
        if self.r_max < self.r_step:
            raise ValueError(f"r_max ({self.r_max:g}) must be at least r_step ({self.r_step:g})")
        if self.r_max / self.r_step > 10_000:
            raise ValueError("the multiplier grid has more than 10,000 points; raise r_step")

    def params(self, game: str) -> dict[str, float | int]:
        """The parameters of one game, as plain data for a task."""
        if game == PUBLIC_GOODS:
            return {
                "multiplier": float(self.multiplier),
                "endowment": float(self.endowment),
                "levels": int(self.contribution_levels),
            }
        if game == COMMONS:
            return {
                "capacity": float(self.capacity),
                "cost": float(self.grazing_cost),
                "max_use": int(self.max_use),
            }
        if game == ARMS_RACE:
            return {
                "cost": float(self.arms_cost),
                "threat": float(self.threat),
                "budget": float(self.budget),
            }
        raise ValueError(f"unknown game {game!r}; expected one of {', '.join(GAMES)}")

    def r_values(self) -> tuple[float, ...]:
        """The multiplier grid of the sweep, with 1 and every n of ``sweep_ns`` on it."""
        steps = math.floor(self.r_max / self.r_step + 1e-9)
        grid = {round(k * self.r_step, 12) for k in range(1, steps + 1)}
        grid |= {1.0} | {float(n) for n in self.sweep_ns}
        return tuple(sorted(grid))


@dataclass(frozen=True)
class Row:
    """One game at one n, by one method (``"array"`` or ``"count"``).

    Welfare is the sum of payoffs; totals are in the game's units (total
    contribution, animals, sides armed). ``price_of_anarchy`` is ``inf`` when
    the worst equilibrium's welfare is zero against a positive optimum, and
    ``None`` when the ratio is undefined (nonpositive optimum).
    """

    game: str
    n: int
    method: str
    equilibrium_profiles: int
    equilibrium_totals: tuple[float, ...]
    optimum_totals: tuple[float, ...]
    optimum_welfare: float
    worst_equilibrium_welfare: float
    best_equilibrium_welfare: float
    price_of_anarchy: float | None
    price_of_stability: float | None
    welfare_gap: float
    every_equilibrium_suboptimal: bool
    dawes_dilemma: bool | None
    pareto_deficient: bool | None
    theory_price_of_anarchy: float | None
    theory_gap_per_capita: float | None

    @property
    def gap_per_capita(self) -> float:
        return self.welfare_gap / self.n


@dataclass(frozen=True)
class SweepPoint:
    """Public goods at one (n, r), by one method."""

    n: int
    multiplier: float
    method: str
    dawes_dilemma: bool
    every_equilibrium_suboptimal: bool
    price_of_anarchy: float | None

    @property
    def theory_dilemma(self) -> bool:
        return 1.0 < self.multiplier < self.n


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict."""

    config: Config
    rows: tuple[Row, ...]
    sweep: tuple[SweepPoint, ...]
    checks: tuple[Check, ...]

    def row(self, game: str, n: int, method: str = COUNT) -> Row | None:
        """The row of ``game`` at ``n`` by ``method``, or ``None``."""
        for r in self.rows:
            if (r.game, r.n, r.method) == (game, n, method):
                return r
        return None

    def series(self, game: str, method: str = COUNT) -> list[Row]:
        return sorted((r for r in self.rows if r.game == game and r.method == method), key=_n)

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {}
        for game in GAMES:
            rows = self.series(game)
            for r in (rows[0], rows[-1]):
                out[f"{game}: price of anarchy at n={r.n}"] = _num(r.price_of_anarchy)
            out[f"{game}: welfare gap per player at n={rows[-1].n}"] = rows[-1].gap_per_capita
        unbounded = [r.n for r in self.series(COMMONS) if r.price_of_anarchy == math.inf]
        out["commons: first n with zero equilibrium welfare"] = (
            unbounded[0] if unbounded else "none in the range"
        )
        pairs = _pairs(self.rows)
        out["(game, n) solved both ways"] = len(pairs)
        out["count-vs-array disagreements"] = sum(bool(_disagreement(a, c)) for a, c in pairs)
        out["largest n solved as a full array"] = max(
            (r.n for r in self.rows if r.method == ARRAY), default=0
        )
        wrong = [p for p in self.sweep if p.dawes_dilemma != p.theory_dilemma]
        out["multiplier sweep points (n, r, method)"] = len(self.sweep)
        out["sweep points where dilemma != (1 < r < n)"] = len(wrong)
        out["randomness"] = "none: deterministic, the seed is unused"
        return out


def _n(row: Row) -> int:
    return row.n


def _num(x: float | None) -> float | str:
    return "undefined" if x is None else x


# ---------------------------------------------------------------------------
# The games as aggregative games: levels and u(own level, others' total)
# ---------------------------------------------------------------------------
def _aggregative(
    game: str, n: int, params: dict[str, Any]
) -> tuple[np.ndarray, Callable[[Any, Any], Any]]:
    """The level values and the payoff ``u(own, others_total)`` of ``game`` with n players.

    The formulas are the catalog's, written again here; the comparison with the
    full arrays checks that they are the same games.
    """
    if game == PUBLIC_GOODS:
        r, e, k = params["multiplier"], params["endowment"], params["levels"]

        def u_pg(own: Any, others: Any) -> Any:
            return e - own + r * (own + others) / n

        return e * np.linspace(0.0, 1.0, k), u_pg
    if game == COMMONS:
        capacity, cost = params["capacity"], params["cost"]

        def u_commons(own: Any, others: Any) -> Any:
            return own * (capacity - own - others - cost)

        return np.arange(params["max_use"] + 1, dtype=np.float64), u_commons
    if game == ARMS_RACE:
        cost, threat, budget = params["cost"], params["threat"], params["budget"]

        def u_arms(own: Any, others: Any) -> Any:
            return budget + (-cost * own + threat * ((n - 1) * own - others) / (n - 1))

        return np.array([0.0, 1.0]), u_arms
    raise ValueError(f"unknown game {game!r}; expected one of {', '.join(GAMES)}")


def _catalog_game(game: str, n: int, params: dict[str, Any]) -> NormalFormGame:
    if game == PUBLIC_GOODS:
        return public_goods(n, params["multiplier"], params["endowment"], params["levels"])
    if game == COMMONS:
        return tragedy_of_the_commons(n, params["capacity"], params["cost"], params["max_use"])
    if game == ARMS_RACE:
        base = arms_race(n, params["cost"], params["threat"])
        return NormalFormGame(
            base.payoffs + params["budget"],
            action_names=base.action_names,
            name=f"{base.name}, budget {params['budget']:g}",
        )
    raise ValueError(f"unknown game {game!r}; expected one of {', '.join(GAMES)}")


def _levels(game: str, params: dict[str, Any]) -> int:
    return len(_aggregative(game, 2, params)[0])


def array_fits(game: str, n: int, params: dict[str, Any]) -> bool:
    """Whether the catalog builds ``game`` with n players (``n * k**n <= MAX_ENTRIES``)."""
    k = _levels(game, params)
    return math.log(n) + n * math.log(k) <= math.log(MAX_ENTRIES) + 1e-9


def _theory(game: str, n: int, params: dict[str, Any]) -> tuple[float | None, float | None]:
    """Price of anarchy and welfare gap per player that theory gives (module docstring)."""
    if game == PUBLIC_GOODS:
        r, e = params["multiplier"], params["endowment"]
        if 1 < r < n:
            return r, (r - 1) * e
        return (1.0, 0.0) if r != n else (None, None)
    if game == ARMS_RACE:
        cost, budget = params["cost"], params["budget"]
        return budget / (budget - cost), cost
    # Commons, continuous shares: equilibrium a/(n+1) each, optimum total a/2.
    a = params["capacity"] - params["cost"]
    if a / (n + 1) > params["max_use"] or a / 2 > n * params["max_use"]:
        return None, None  # the cap on animals binds: the continuous formula does not apply
    return (n + 1) ** 2 / (4 * n), a**2 * (n - 1) ** 2 / (4 * n * (n + 1) ** 2)


def _ratio(optimum: float, worst: float, slack: float) -> float | None:
    if optimum <= slack:
        return None
    if worst <= slack:
        return math.inf if worst >= -slack else None
    return max(optimum / worst, 1.0) if worst - optimum <= slack else optimum / worst


# ---------------------------------------------------------------------------
# Method 1: the full payoff array
# ---------------------------------------------------------------------------
def analyse_array(
    game: str, n: int, params: dict[str, Any], *, pareto: bool = True, tol: float = PROB_TOL
) -> Row:
    """Solve ``game`` with n players on its full payoff array (see the module docstring).

    With ``pareto`` (and a small enough array, :data:`REPORT_WORK`) the
    :func:`~cooplab.equilibria.dilemmas.dilemma_report` is made too, for
    Kollock's test (every equilibrium Pareto-dominated); otherwise
    ``pareto_deficient`` is ``None`` and Dawes's test is made directly.
    """
    g = _catalog_game(game, n, params)
    values = _aggregative(game, n, params)[0]
    eqs = g.pure_nash_equilibria(tol=tol)
    if not eqs:
        raise RuntimeError(f"{g.name} has no pure equilibrium; an aggregative game should")
    welfare = g.welfare_table()
    slack = float(g.tie_tolerance(tol).sum())
    optimum = float(welfare.max())
    eq_index = np.array(eqs, dtype=np.intp)
    eq_welfare = welfare[tuple(eq_index.T)]
    worst, best = float(eq_welfare.min()), float(eq_welfare.max())
    eq_totals = values[eq_index].sum(axis=1)
    optima = np.argwhere(welfare >= optimum - slack)
    opt_totals = values[optima].sum(axis=1)

    dawes: bool | None
    deficient: bool | None = None
    if pareto and welfare.size * len(eqs) <= REPORT_WORK:
        report = dilemma_report(g, tol=tol)
        dawes = report.social_dilemma
        deficient = report.every_equilibrium_pareto_dominated
    else:  # dilemma_report's Dawes test, without its Pareto test of every equilibrium
        dominant = dominant_strategies(g, tol=tol)
        if any(d is None for d in dominant):
            dawes = False
        else:
            outcome = tuple(int(d) for d in dominant)  # type: ignore[arg-type]
            if all(a == 2 for a in g.n_actions):
                other = tuple(1 - d for d in outcome)
                gain = g.outcome_payoffs(other) - g.outcome_payoffs(outcome)
                dawes = bool(np.all(gain > g.tie_tolerance(tol)))
            else:
                dawes = pareto_improvement(g, outcome, strict=True, tol=tol) is not None
    theory_poa, theory_gap = _theory(game, n, params)
    return Row(
        game=game,
        n=n,
        method=ARRAY,
        equilibrium_profiles=len(eqs),
        equilibrium_totals=_distinct(eq_totals),
        optimum_totals=_distinct(opt_totals),
        optimum_welfare=optimum,
        worst_equilibrium_welfare=worst,
        best_equilibrium_welfare=best,
        price_of_anarchy=_ratio(optimum, worst, slack),
        price_of_stability=_ratio(optimum, best, slack),
        welfare_gap=max(optimum - worst, 0.0),
        every_equilibrium_suboptimal=bool(np.all(eq_welfare < optimum - slack)),
        dawes_dilemma=dawes,
        pareto_deficient=deficient,
        theory_price_of_anarchy=theory_poa,
        theory_gap_per_capita=theory_gap,
    )


def _distinct(totals: np.ndarray) -> tuple[float, ...]:
    # Sums of float levels differ in the last bits; 9 decimals keep them apart.
    return tuple(sorted({round(float(t), 9) + 0.0 for t in totals}))


# ---------------------------------------------------------------------------
# Method 2: counting by totals
# ---------------------------------------------------------------------------
def _power(coefficients: list[int], n: int) -> np.ndarray:
    """``p(z)**n`` for a polynomial given by integer coefficients, exactly (Python ints)."""
    base = np.array(coefficients, dtype=object)
    out = np.array([1], dtype=object)
    while n:
        if n & 1:
            out = np.convolve(out, base)
        n >>= 1
        if n:
            base = np.convolve(base, base)
    return out


def analyse_count(game: str, n: int, params: dict[str, Any], *, tol: float = PROB_TOL) -> Row:
    """Solve ``game`` with n players by counting profiles by their total (module docstring).

    Levels are indexed ``0..k-1`` and evenly spaced, so a profile's total is
    ``step * T`` with ``T`` the sum of the indices. ``A(T)`` holds the levels
    ``j`` that are best responses to the others' total ``T - j``; the
    equilibrium profiles with total ``T`` are the n-tuples of ``A(T)`` summing
    to ``T``. Welfare at total ``T`` is read off the balanced profile
    (``T mod n`` players one level above the rest); that it is the same for
    every profile with that total (payoffs affine in one's own level at a fixed
    total) is checked, and a game without that property is refused.

    Tie tolerances are the full array's (:meth:`NormalFormGame.tie_tolerance`):
    every pair (own level, others' total) occurs in the array, so the spread
    and magnitude of the payoffs are the same.
    """
    values, u = _aggregative(game, n, params)
    k = len(values)
    step = float(values[1] - values[0])
    t_max = n * (k - 1)
    y = np.arange((n - 1) * (k - 1) + 1)  # the others' total, in index units
    # table[Y, j]: payoff of level j against others' total Y; max_by_y: best response value.
    table = u(values[None, :], values[0] * (n - 1) + step * y[:, None])
    spread = float(np.ptp(table))
    magnitude = float(np.abs(table).max())
    atol = tol * spread + ROUNDING * magnitude
    slack = n * atol
    best_by_y = table.max(axis=1)

    welfare = np.empty(t_max + 1)
    counts: list[int] = [0] * (t_max + 1)
    acceptable_sets: dict[tuple[int, ...], list[int]] = {}
    for t in range(t_max + 1):
        valid = [j for j in range(k) if 0 <= t - j <= (n - 1) * (k - 1)]
        f = np.array([table[t - j, j] for j in valid])
        if len(valid) > 2:  # affine in the own level, or welfare is not a function of T
            residual = np.abs(np.diff(f, 2)).max()
            if residual > 4 * atol + 1e-12 * magnitude:
                raise ValueError(
                    f"{game}: payoffs are not affine in a player's own level at total {t}; "
                    "counting by totals does not apply"
                )
        q, rem = divmod(t, n)
        own = {j: table[t - j, j] for j in valid}
        welfare[t] = (n - rem) * own[q] + (rem * own[q + 1] if rem else 0.0)
        accept = tuple(j for j in valid if own[j] >= best_by_y[t - j] - atol)
        acceptable_sets.setdefault(accept, []).append(t)
    for accept, totals in acceptable_sets.items():
        if not accept:
            continue
        poly = _power([1 if j in accept else 0 for j in range(max(accept) + 1)], n)
        for t in totals:
            counts[t] = int(poly[t]) if t < len(poly) else 0
    eq_t = [t for t in range(t_max + 1) if counts[t] > 0]
    if not eq_t:
        raise RuntimeError(f"{game} with n={n} has no pure equilibrium; an aggregative game should")
    optimum = float(welfare.max())
    opt_t = [t for t in range(t_max + 1) if welfare[t] >= optimum - slack]
    eq_w = welfare[eq_t]
    worst, best = float(eq_w.min()), float(eq_w.max())

    # Dawes: a strictly dominant level, and everyone doing otherwise better for each.
    dominant = [
        j for j in range(k) if np.all(table[:, j] > np.delete(table, j, axis=1).max(axis=1) + atol)
    ]
    dawes = False
    if dominant:
        d = dominant[0]
        at_d = table[(n - 1) * d, d]
        # All playing another level l: each gets table[(n-1) l, l]. With two
        # levels this is the whole test; with more, a symmetric improvement is
        # enough, and the games here have one when they have any.
        dawes = any(table[(n - 1) * m, m] > at_d + atol for m in range(k) if m != d)
    theory_poa, theory_gap = _theory(game, n, params)
    return Row(
        game=game,
        n=n,
        method=COUNT,
        equilibrium_profiles=int(sum(counts)),
        equilibrium_totals=tuple(round(float(step * t + values[0] * n), 9) + 0.0 for t in eq_t),
        optimum_totals=tuple(round(float(step * t + values[0] * n), 9) + 0.0 for t in opt_t),
        optimum_welfare=optimum,
        worst_equilibrium_welfare=worst,
        best_equilibrium_welfare=best,
        price_of_anarchy=_ratio(optimum, worst, slack),
        price_of_stability=_ratio(optimum, best, slack),
        welfare_gap=max(optimum - worst, 0.0),
        every_equilibrium_suboptimal=bool(np.all(eq_w < optimum - slack)),
        dawes_dilemma=bool(dawes),
        pareto_deficient=None,
        theory_price_of_anarchy=theory_poa,
        theory_gap_per_capita=theory_gap,
    )


# ---------------------------------------------------------------------------
# Executor tasks
# ---------------------------------------------------------------------------
def _task(task: tuple[Any, ...]) -> Any:
    """One executor task: a (game, n) by one method, or one n of the multiplier sweep."""
    kind = task[0]
    if kind == ARRAY:
        _, game, n, params = task
        return analyse_array(game, n, params)
    if kind == COUNT:
        _, game, n, params = task
        return analyse_count(game, n, params)
    _, n, params, r_values, methods = task
    points = []
    for r in r_values:
        p = dict(params, multiplier=r)
        for method in methods:
            if method == ARRAY:
                row = analyse_array(PUBLIC_GOODS, n, p, pareto=False)
            else:
                row = analyse_count(PUBLIC_GOODS, n, p)
            points.append(
                SweepPoint(
                    n=n,
                    multiplier=float(r),
                    method=method,
                    dawes_dilemma=bool(row.dawes_dilemma),
                    every_equilibrium_suboptimal=row.every_equilibrium_suboptimal,
                    price_of_anarchy=row.price_of_anarchy,
                )
            )
    return points


# ---------------------------------------------------------------------------
# Comparisons behind the checks
# ---------------------------------------------------------------------------
def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= AGREE * max(1.0, abs(a), abs(b))


def _pairs(rows: Sequence[Row]) -> list[tuple[Row, Row]]:
    counted = {(r.game, r.n): r for r in rows if r.method == COUNT}
    return [
        (r, counted[(r.game, r.n)]) for r in rows if r.method == ARRAY and (r.game, r.n) in counted
    ]


def _disagreement(a: Row, c: Row) -> str:
    """What differs between the array's and the count's row ('' when nothing)."""
    diffs = []
    if a.equilibrium_profiles != c.equilibrium_profiles:
        diffs.append(f"equilibria {a.equilibrium_profiles} vs {c.equilibrium_profiles}")
    for name in ("equilibrium_totals", "optimum_totals"):
        x, y = getattr(a, name), getattr(c, name)
        if len(x) != len(y) or not all(_close(p, q) for p, q in zip(x, y, strict=False)):
            diffs.append(f"{name} {x} vs {y}")
    for name in (
        "optimum_welfare",
        "worst_equilibrium_welfare",
        "best_equilibrium_welfare",
        "price_of_anarchy",
        "price_of_stability",
        "welfare_gap",
    ):
        if not _close(getattr(a, name), getattr(c, name)):
            diffs.append(f"{name} {getattr(a, name)} vs {getattr(c, name)}")
    if a.every_equilibrium_suboptimal != c.every_equilibrium_suboptimal:
        diffs.append("suboptimality")
    if a.dawes_dilemma is not None and a.dawes_dilemma != c.dawes_dilemma:
        diffs.append(f"Dawes test {a.dawes_dilemma} vs {c.dawes_dilemma}")
    return "; ".join(diffs)


def _fmt(x: float | None, digits: int = 4) -> str:
    if x is None:
        return "undefined"
    if math.isinf(x):
        return "unbounded"
    return f"{x:.{digits}g}"


def _ns_text(ns: Sequence[int]) -> str:
    """``2..32, 48, 64``: runs of three or more consecutive values shortened."""
    ns = sorted(ns)
    if not ns:
        return "none"
    runs: list[list[int]] = [[ns[0]]]
    for n in ns[1:]:
        if n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = []
    for run_ in runs:
        if len(run_) > 2:
            parts.append(f"{run_[0]}..{run_[-1]}")
        else:
            parts.extend(str(n) for n in run_)
    return ", ".join(parts)


def _suboptimal_check(rows: list[Row], game: str, excluded: Sequence[int], what: str) -> Check:
    bad = [
        f"n={r.n} ({r.method})"
        for r in rows
        if not r.every_equilibrium_suboptimal or (r.dawes_dilemma is False and game != COMMONS)
    ]
    counted = sorted({r.n for r in rows if r.method == COUNT})
    arrays = sorted({r.n for r in rows if r.method == ARRAY})
    detail = (
        f"{what} Checked for n = {_ns_text(counted)} by counting and n = {_ns_text(arrays)} on "
        f"full arrays; every equilibrium's welfare is below the optimum in all of them"
        if not bad
        else f"{what} Fails at {', '.join(bad)}"
    )
    if excluded:
        detail += f" (n = {_ns_text(excluded)} left out: not a dilemma there)"
    return Check(
        f"{game.capitalize()}: equilibrium play is socially suboptimal for every n tested",
        bool(rows) and not bad,
        detail,
    )


def _checks(config: Config, rows: list[Row], sweep: list[SweepPoint]) -> tuple[Check, ...]:
    r, e = config.multiplier, config.endowment
    pg = [x for x in rows if x.game == PUBLIC_GOODS and x.n > r]
    pg_out = sorted({x.n for x in rows if x.game == PUBLIC_GOODS and x.n <= r})
    commons = [x for x in rows if x.game == COMMONS]
    arms = [x for x in rows if x.game == ARMS_RACE]
    top = config.endowment  # everyone gives everything at the optimum

    pg_shape = [
        f"n={x.n}"
        for x in pg
        if x.equilibrium_totals != (0.0,) or not _close(x.optimum_totals[-1], x.n * top)
    ]
    over_use = [f"n={x.n}" for x in commons if min(x.equilibrium_totals) <= max(x.optimum_totals)]
    arming = [
        f"n={x.n}"
        for x in arms
        if x.equilibrium_totals != (float(x.n),) or x.optimum_totals != (0.0,)
    ]
    checks = [
        _suboptimal_check(
            pg,
            PUBLIC_GOODS,
            pg_out,
            "Nobody contributes at the unique equilibrium, everyone contributes all at the "
            f"optimum (each under-contributes){'' if not pg_shape else '; not so at ' + ', '.join(pg_shape)}.",
        ),
        _suboptimal_check(
            commons,
            COMMONS,
            (),
            "Every equilibrium puts more animals on the pasture than the optimum's "
            f"{_fmt(commons[0].optimum_totals[0]) if commons else '?'} in total (over-use)"
            f"{'' if not over_use else '; not so at ' + ', '.join(over_use)}.",
        ),
        _suboptimal_check(
            arms,
            ARMS_RACE,
            (),
            "Every side arms at the unique equilibrium; the optimum is everyone disarmed "
            f"(over-investment){'' if not arming else '; not so at ' + ', '.join(arming)}.",
        ),
    ]
    checks[0] = _with(checks[0], not pg_shape)
    checks[1] = _with(checks[1], not over_use)
    checks[2] = _with(checks[2], not arming)

    # Public goods: PoA = r and loss (r-1)e per player, the same at every n > r.
    pg_off = [
        f"n={x.n} ({x.method}): {_fmt(x.price_of_anarchy)}, {_fmt(x.gap_per_capita)}"
        for x in pg
        if not (_close(x.price_of_anarchy, r) and _close(x.gap_per_capita, (r - 1) * e))
    ]
    checks.append(
        Check(
            "Public goods: the price of anarchy is r and the loss per player (r - 1) e at every n "
            "(theory: no growth with n at a fixed multiplier)",
            bool(pg) and not pg_off,
            f"r = {r:g}, e = {e:g}: price of anarchy {_fmt(r)} and loss per player "
            f"{_fmt((r - 1) * e)} expected at n = {_ns_text(sorted({x.n for x in pg}))}; "
            + ("all rows agree to 1e-9" if not pg_off else "off at " + "; ".join(pg_off))
            + ". The total loss n (r - 1) e grows linearly.",
        )
    )
    # Arms race: loss per side = cost, PoA = B/(B - cost), at every n.
    b, c = config.budget, config.arms_cost
    arms_off = [
        f"n={x.n} ({x.method})"
        for x in arms
        if not (_close(x.price_of_anarchy, b / (b - c)) and _close(x.gap_per_capita, c))
    ]
    checks.append(
        Check(
            "Arms race: every side loses the cost of arming at every n, so the price of anarchy "
            "B / (B - cost) does not change with n",
            bool(arms) and not arms_off,
            f"cost {c:g}, threat {config.threat:g}, budget B = {b:g}: loss per side {c:g} and "
            f"price of anarchy {_fmt(b / (b - c))} expected at n = "
            f"{_ns_text(sorted({x.n for x in arms}))}; "
            + ("all rows agree to 1e-9" if not arms_off else "off at " + ", ".join(arms_off)),
        )
    )
    # Commons: PoA nondecreasing in n and growing, as the continuous (n+1)^2/(4n) does.
    series = sorted((x for x in commons if x.method == COUNT), key=_n)
    poas = [math.inf if x.price_of_anarchy is None else x.price_of_anarchy for x in series]
    drops = [
        f"n={a.n}->{b_.n}: {_fmt(p)} -> {_fmt(q)}"
        for a, b_, p, q in zip(series, series[1:], poas, poas[1:], strict=False)
        if q < p - AGREE * p
    ]
    grows = len(poas) >= 2 and poas[-1] > poas[0] * (1 + AGREE) and poas[0] > 1
    matches = [
        x.n
        for x in series
        if x.theory_price_of_anarchy is not None
        and _close(x.price_of_anarchy, x.theory_price_of_anarchy)
    ]
    above = [
        x.n
        for x in series
        if x.theory_price_of_anarchy is not None
        and x.price_of_anarchy is not None
        and x.price_of_anarchy >= x.theory_price_of_anarchy * (1 - AGREE)
    ]
    unbounded = [x.n for x in series if x.price_of_anarchy == math.inf]
    path = ", ".join(f"{x.n}: {_fmt(p, 4)}" for x, p in zip(series, poas, strict=True))
    checks.append(
        Check(
            "Commons: the price of anarchy grows with n (theory: (n + 1)^2 / (4n) in the "
            "continuous game, without bound)",
            bool(series) and not drops and grows,
            f"price of anarchy by n (exact, whole animals) {path}. "
            + ("Never decreases" if not drops else "Decreases at " + "; ".join(drops))
            + f"; equals the continuous value at n = {_ns_text(matches)} and is at least it at "
            f"{len(above)} of {sum(x.theory_price_of_anarchy is not None for x in series)} n"
            + (
                f"; the worst equilibrium dissipates the whole rent (welfare 0) from n = "
                f"{unbounded[0]}"
                if unbounded
                else ""
            )
            + ".",
        )
    )
    # The multiplier sweep.
    wrong = [
        f"n={p.n}, r={p.multiplier:g} ({p.method})"
        for p in sweep
        if p.dawes_dilemma != p.theory_dilemma or p.every_equilibrium_suboptimal != p.theory_dilemma
    ]
    inside = sum(p.theory_dilemma for p in sweep)
    checks.append(
        Check(
            "Public goods is a dilemma exactly when 1 < r < n",
            0 < inside < len(sweep) and not wrong,
            f"{len(sweep)} (n, r, method) points, n in {_ns_text(sorted({p.n for p in sweep}))}, "
            f"r from {min(p.multiplier for p in sweep):g} to {max(p.multiplier for p in sweep):g} "
            f"(r = 1 and r = n on the grid), {inside} of them inside 1 < r < n; Dawes's test "
            "(a dominant action, everyone better off if all play the other) and 'every "
            "equilibrium suboptimal' both "
            + (
                "agree with the condition everywhere, boundaries included"
                if not wrong
                else f"disagree at {len(wrong)}: " + "; ".join(wrong[:10])
            )
            + ". At r = n contributing is a tie, every profile an equilibrium: no dilemma.",
        )
    )
    # The cross-check between the methods.
    pairs = _pairs(rows)
    sweep_pairs: dict[tuple[int, float], dict[str, SweepPoint]] = {}
    for p in sweep:
        sweep_pairs.setdefault((p.n, p.multiplier), {})[p.method] = p
    sweep_both = [v for v in sweep_pairs.values() if len(v) == 2]
    sweep_diff = [
        f"n={v[COUNT].n}, r={v[COUNT].multiplier:g}"
        for v in sweep_both
        if (v[ARRAY].dawes_dilemma, v[ARRAY].every_equilibrium_suboptimal)
        != (v[COUNT].dawes_dilemma, v[COUNT].every_equilibrium_suboptimal)
        or not _close(v[ARRAY].price_of_anarchy, v[COUNT].price_of_anarchy)
    ]
    diffs = [(a, _disagreement(a, c_)) for a, c_ in pairs]
    bad = [f"{a.game} n={a.n}: {d}" for a, d in diffs if d]
    per_game = ", ".join(
        f"{g}: n = {_ns_text(sorted(a.n for a, _ in pairs if a.game == g))}" for g in GAMES
    )
    checks.append(
        Check(
            "Counting by totals gives the full array's numbers wherever both run",
            bool(pairs) and not bad and not sweep_diff,
            f"{len(pairs)} (game, n) pairs ({per_game}): number of equilibrium profiles, "
            "equilibrium and optimal totals, optimum, worst and best equilibrium welfare, both "
            "prices and the gap "
            + ("all agree (1e-9 relative)" if not bad else "differ: " + "; ".join(bad))
            + f"; and {len(sweep_both)} multiplier-sweep points, "
            + ("all agreeing" if not sweep_diff else "differing at " + "; ".join(sweep_diff)),
        )
    )
    return tuple(checks)


def _with(check: Check, ok: bool) -> Check:
    return Check(check.claim, check.held and ok, check.detail)


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Solve the three games for every n by counting (and on arrays where they fit), then sweep r.

    ``rng`` is not used: every number here is computed exactly, not sampled.
    """
    del rng  # deterministic experiment; the seed changes nothing
    report = progress or null_progress
    executor = executor or Executor("serial")
    tasks: list[tuple[Any, ...]] = []
    for game in GAMES:
        params = config.params(game)
        for n in config.ns:
            if n <= config.array_n_max and array_fits(game, n, params):
                tasks.append((ARRAY, game, n, params))
            tasks.append((COUNT, game, n, params))
    pg_params = config.params(PUBLIC_GOODS)
    r_values = config.r_values()
    for n in config.sweep_ns:
        fits = n <= config.sweep_array_n_max and array_fits(PUBLIC_GOODS, n, pg_params)
        methods = (ARRAY, COUNT) if fits else (COUNT,)
        tasks.append(("sweep", n, pg_params, r_values, methods))
    # The biggest arrays first, so a pool is not left waiting on one straggler.
    order = sorted(
        range(len(tasks)),
        key=lambda i: -(_task_size(tasks[i])),
    )
    values = executor.map_values(_task, [tasks[i] for i in order], progress=report)
    outputs: list[Any] = [None] * len(tasks)
    for i, value in zip(order, values, strict=True):
        outputs[i] = value
    rows = [v for v in outputs if isinstance(v, Row)]
    sweep = [p for v in outputs if isinstance(v, list) for p in v]
    return Result(
        config=config,
        rows=tuple(rows),
        sweep=tuple(sweep),
        checks=_checks(config, rows, sweep),
    )


def _task_size(task: tuple[Any, ...]) -> float:
    if task[0] == ARRAY:
        _, game, n, params = task
        return n * float(_levels(game, params)) ** n
    if task[0] == COUNT:
        return 0.0
    _, n, _, r_values, methods = task
    return len(r_values) * (n * 2.0**n if ARRAY in methods else 1.0)


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def figures(result: Result) -> list[tuple[str, Any]]:
    """Price of anarchy and loss per player against n; commons use; the multiplier sweep."""
    figs: list[tuple[str, Any]] = []

    # 1. Price of anarchy against n.
    fig, ax = new_figure(7.0, 4.4)
    finite_top = 1.0
    for game in GAMES:
        rows = result.series(game)
        finite_top = max(
            [finite_top]
            + [float(r.price_of_anarchy or 1.0) for r in rows if _finite(r.price_of_anarchy)]
            + [r.theory_price_of_anarchy or 1.0 for r in rows]
        )
    cap = finite_top * 1.12
    for game in GAMES:
        colour = _COLOURS[game]
        rows = result.series(game)
        finite = [r for r in rows if _finite(r.price_of_anarchy)]
        ax.plot(
            [r.n for r in finite],
            [r.price_of_anarchy for r in finite],
            marker="o",
            ms=4,
            color=colour,
            label=f"{game} (exact)",
        )
        inf_ns = [r.n for r in rows if r.price_of_anarchy == math.inf]
        if inf_ns:
            ax.plot(
                inf_ns,
                [cap] * len(inf_ns),
                ls="none",
                marker="^",
                ms=6,
                color=colour,
                label=f"{game}: unbounded (equilibrium welfare 0)",
            )
        arr = [r for r in result.series(game, ARRAY) if _finite(r.price_of_anarchy)]
        if arr:
            ax.plot(
                [r.n for r in arr],
                [r.price_of_anarchy for r in arr],
                ls="none",
                marker="o",
                ms=9,
                mfc="none",
                color=colour,
            )
        th = [
            (r.n, r.theory_price_of_anarchy) for r in rows if r.theory_price_of_anarchy is not None
        ]
        if th:
            ax.plot(*zip(*th, strict=True), ls="--", lw=1, color=colour, alpha=0.8)
    ax.plot(
        [], [], ls="none", marker="o", ms=9, mfc="none", color="gray", label="full payoff array"
    )
    ax.plot([], [], ls="--", color="gray", label="theory (commons: continuous game)")
    if cap > 8:  # the continuous commons curve grows like n / 4
        ax.set_yscale("log")
        ax.set_ylim(0.9, cap * 1.3)
    else:
        ax.set_ylim(0.95, cap * 1.05)
    ax.set_xlabel("number of players n")
    ax.set_ylabel("price of anarchy (optimum / worst equilibrium welfare)")
    ax.set_title("Price of anarchy as the number of players grows", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    if max(result.config.ns) > 40:
        ax.set_xscale("log")
    figs.append(("price-of-anarchy", fig))

    # 2. Welfare gap per player.
    fig, ax = new_figure(7.0, 4.0)
    for game in GAMES:
        colour = _COLOURS[game]
        rows = result.series(game)
        ax.plot(
            [r.n for r in rows],
            [r.gap_per_capita for r in rows],
            marker="o",
            ms=4,
            color=colour,
            label=game,
        )
        th = [(r.n, r.theory_gap_per_capita) for r in rows if r.theory_gap_per_capita is not None]
        if th:
            ax.plot(*zip(*th, strict=True), ls="--", lw=1, color=colour, alpha=0.8)
    ax.plot([], [], ls="--", color="gray", label="theory (commons: continuous game)")
    ax.set_xlabel("number of players n")
    ax.set_ylabel("welfare lost per player (optimum - worst equilibrium) / n")
    ax.set_title("Welfare gap per player", fontsize=10)
    ax.legend(fontsize=8)
    if max(result.config.ns) > 40:
        ax.set_xscale("log")
    figs.append(("welfare-gap-per-player", fig))

    # 3. Commons: total use at equilibrium against the optimum.
    rows = result.series(COMMONS)
    if rows:
        fig, ax = new_figure(6.4, 3.8)
        ns = [r.n for r in rows]
        ax.fill_between(
            ns,
            [min(r.equilibrium_totals) for r in rows],
            [max(r.equilibrium_totals) for r in rows],
            color=_COLOURS[COMMONS],
            alpha=0.3,
            label="equilibria (range of total use)",
        )
        ax.plot(ns, [max(r.equilibrium_totals) for r in rows], color=_COLOURS[COMMONS], lw=1)
        ax.plot(ns, [min(r.equilibrium_totals) for r in rows], color=_COLOURS[COMMONS], lw=1)
        ax.plot(
            ns, [r.optimum_totals[0] for r in rows], color="black", lw=1.5, label="social optimum"
        )
        a = result.config.capacity - result.config.grazing_cost
        if a / (min(ns) + 1) <= result.config.max_use:
            xs = np.linspace(min(ns), max(ns), 200)
            ax.plot(
                xs,
                xs * a / (xs + 1),
                ls="--",
                color="gray",
                label="continuous equilibrium n a / (n + 1)",
            )
        ax.set_xlabel("number of players n")
        ax.set_ylabel("animals on the pasture (total)")
        ax.set_title("Commons: every equilibrium over-uses the pasture", fontsize=10)
        ax.legend(fontsize=8)
        if max(ns) > 40:
            ax.set_xscale("log")
        figs.append(("commons-use", fig))

    # 4. The multiplier sweep.
    counted = [p for p in result.sweep if p.method == COUNT]
    if counted:
        from matplotlib.colors import ListedColormap

        sweep_ns = sorted({p.n for p in counted})
        rs = sorted({p.multiplier for p in counted})
        grid = np.zeros((len(sweep_ns), len(rs)))
        for p in counted:
            grid[sweep_ns.index(p.n), rs.index(p.multiplier)] = float(p.dawes_dilemma)
        fig, (ax1, ax2) = new_figure(10.0, 4.2, ncols=2)
        cmap = ListedColormap(["#DDDDDD", PALETTE[0]])
        ax1.pcolormesh(rs, range(len(sweep_ns)), grid, cmap=cmap, vmin=0, vmax=1, shading="nearest")
        ax1.set_yticks(range(len(sweep_ns)), [str(n) for n in sweep_ns])
        ax1.plot([1, 1], [-0.5, len(sweep_ns) - 0.5], color="black", ls="--", lw=1)
        ax1.plot(sweep_ns, range(len(sweep_ns)), color="black", ls=":", marker="|", ms=12, lw=1)
        ax1.set_xlabel("multiplier r")
        ax1.set_ylabel("number of players n")
        ax1.set_title(
            "Public goods is a dilemma (blue) exactly for 1 < r < n\n(dashed: r = 1; ticks: r = n)",
            fontsize=9,
        )
        for j, n in enumerate(sweep_ns):
            pts = sorted((p for p in counted if p.n == n), key=lambda p: p.multiplier)
            curve = [
                (p.multiplier, float(p.price_of_anarchy or 1.0))
                for p in pts
                if _finite(p.price_of_anarchy)
            ]
            ax2.plot(
                *zip(*curve, strict=True),
                color=PALETTE[j % len(PALETTE)],
                lw=1.2,
                label=f"n = {n}",
            )
        ax2.set_xlabel("multiplier r")
        ax2.set_ylabel("price of anarchy")
        ax2.set_title("Price of anarchy = r inside the dilemma, n at r = n, 1 outside", fontsize=9)
        ax2.legend(fontsize=7, ncol=2)
        figs.append(("public-goods-multiplier", fig))
    return figs


def _describe(config: Config, game: str) -> str:
    if game == PUBLIC_GOODS:
        return (
            f"r = {config.multiplier:g}, endowment {config.endowment:g}, "
            f"{config.contribution_levels} contribution levels"
        )
    if game == COMMONS:
        return (
            f"capacity {config.capacity:g}, cost {config.grazing_cost:g}, "
            f"0..{config.max_use} animals each"
        )
    return f"cost {config.arms_cost:g}, threat {config.threat:g}, budget {config.budget:g} per side"


def tables(result: Result) -> list[Table]:
    """One table per game (a row per n), and the multiplier sweep by n."""
    out = []
    for game in GAMES:
        rows = []
        for r in result.series(game):
            a = result.row(game, r.n, ARRAY)
            rows.append(
                (
                    str(r.n),
                    f"{r.equilibrium_profiles:,}",
                    _totals(r.equilibrium_totals),
                    _totals(r.optimum_totals),
                    _fmt(r.optimum_welfare, 6),
                    _fmt(r.worst_equilibrium_welfare, 6),
                    _fmt(r.price_of_anarchy),
                    "-" if a is None else _fmt(a.price_of_anarchy),
                    _fmt(r.theory_price_of_anarchy),
                    _fmt(r.gap_per_capita),
                    "yes" if r.every_equilibrium_suboptimal else "no",
                    "yes" if r.dawes_dilemma else "no",
                )
            )
        out.append(
            Table(
                title=f"{game.capitalize()} ({_describe(result.config, game)})",
                columns=(
                    "n",
                    "pure equilibria",
                    f"equilibrium {_UNITS[game]}",
                    f"optimal {_UNITS[game]}",
                    "optimum welfare",
                    "worst equilibrium welfare",
                    "price of anarchy",
                    "on the full array",
                    "theory",
                    "loss per player",
                    "equilibria suboptimal",
                    "Dawes dilemma",
                ),
                rows=tuple(rows),
                note=(
                    "Exact numbers by counting profiles by their total; 'on the full array' is "
                    "the same computed on the whole payoff array (- where too big). "
                    + {
                        PUBLIC_GOODS: "Theory: r for 1 < r < n.",
                        COMMONS: "Theory: (n + 1)^2 / (4n), the continuous game; the game here "
                        "has whole animals, with several equilibria, the worst one counted.",
                        ARMS_RACE: "Theory: B / (B - cost), payoffs shifted by the budget B.",
                    }[game]
                ),
            )
        )
    by_n: dict[int, list[SweepPoint]] = {}
    for p in result.sweep:
        if p.method == COUNT:
            by_n.setdefault(p.n, []).append(p)
    sweep_rows = []
    for n, pts in sorted(by_n.items()):
        dil = sorted(p.multiplier for p in pts if p.dawes_dilemma)
        arrays = [p for p in result.sweep if p.n == n and p.method == ARRAY]
        wrong = sum(p.dawes_dilemma != p.theory_dilemma for p in pts + arrays)
        sweep_rows.append(
            (
                str(n),
                str(len(pts)),
                f"{dil[0]:g} .. {dil[-1]:g}" if dil else "none",
                f"1 < r < {n}",
                "yes" if arrays else "no",
                str(wrong),
            )
        )
    out.append(
        Table(
            title="Public goods: the multipliers found to be dilemmas, by n",
            columns=(
                "n",
                "multipliers tried",
                "dilemma found for r in",
                "theory",
                "also on full arrays",
                "disagreements",
            ),
            rows=tuple(sweep_rows),
            note="Dilemma: Dawes's test (a strictly dominant action, and everyone better off if "
            "all play the other). The grid includes r = 1 and r = n, where it fails.",
        )
    )
    return out


def _totals(totals: tuple[float, ...]) -> str:
    if len(totals) <= 3:
        return ", ".join(f"{t:g}" for t in totals)
    return f"{min(totals):g} .. {max(totals):g} ({len(totals)} values)"


EXPERIMENT = Experiment(
    name="n-player-dilemmas",
    title="n-player social dilemmas: public goods, the commons and arms races",
    section="2.1",
    claim=(
        "Any game where the Nash equilibrium is socially suboptimal is a social dilemma. In the "
        "tragedy of the commons each agent's optimal use of a shared resource exceeds the "
        "socially-optimal per-agent usage; in public goods provision each agent "
        "under-contributes to a shared benefit; in arms races each agent over-invests in "
        "capability because others are doing the same."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
