"""Section 1.2 of the note: the computational complexity of Nash equilibrium.

Claim: computing a Nash equilibrium is PPAD-complete (Daskalakis, Goldberg &
Papadimitriou 2009), so (if PPAD != P) no polynomial-time algorithm is
expected, and general-purpose methods are intractable even for moderate-size
games.

A complexity class cannot be measured; what can be is the cost of the two
classical general-purpose methods for two-player games as the games grow, on
the instances built to be hard and on typical (random) instances:

1. Lemke-Howson on the hard family :func:`~cooplab.games.hard.savani_von_stengel`
   (d x d, d even): the solver, with exact integer pivoting, follows the path
   from every one of the 2d initial labels; the shortest of them ("even in
   the best case") and the longest are recorded, and each path's end is
   checked to be an exact equilibrium. The solver's counts are compared with
   the path lengths computed from the polytopes' combinatorics alone, which
   then extend the curve to dimensions that a float64 payoff table cannot
   realise (d > 18).
2. Lemke-Howson on seeded random n x n games (standard normal payoffs): the
   path from label 0, the path a user runs by default.
3. Support enumeration on seeded random n x n games: the number of linear
   systems solved (support pairs left after dominance pruning) as the measure
   of its running time. Wall-clock time is proportional to it but differs
   from run to run, and a result must be the same for the same seed; the
   worst case, every support pair, is C(2n, n) - 1.

The growth is fitted by least squares twice: log(cost) against size (an
exponential: the growth factor per added action, with R^2) and log(cost)
against log(size) (a power law). Growth counts as exponential when the
factor is clearly above 1, the fit is tight, and the exponential fits better
than the power law.

What this does and does not show: exponentially long runs of the two
classical methods on some families (the worst case), which is what PPAD
hardness predicts for every method; on random games Lemke-Howson stays fast
(its median path grows slowly with the size, although a few games take
hundreds of times the median), so "intractable even for moderate-size games"
is a worst-case statement, not a typical one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.equilibria.lemke_howson import lemke_howson
from cooplab.equilibria.support_enumeration import count_support_pairs, support_enumeration
from cooplab.experiments.base import Check, Experiment, Table
from cooplab.games.hard import (
    MAX_DIMENSION,
    random_game,
    savani_von_stengel,
    savani_von_stengel_path_lengths,
)
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import spawn_seeds

__all__ = ["EXPERIMENT", "Config", "Fit", "Result", "figures", "fit_growth", "run", "tables"]

#: Largest support-enumeration size accepted (the solver refuses 14 x 14 and up).
MAX_SUPPORT_SIZE = 13
#: Largest dimension of the combinatorial extension (its longest path is ~1e7 pivots at 36).
MAX_EXTENSION_DIMENSION = 36
#: Lemke-Howson sizes above this take minutes per game set; refused.
MAX_LH_SIZE = 400
#: The thresholds of the verdicts.
MIN_FACTOR = 1.1
MIN_R2 = 0.95


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    hard_dims
        Dimensions d of the hard games solved by Lemke-Howson (even,
        2..18), every initial label each.
    extension_dims
        Larger dimensions whose path lengths are computed combinatorially.
    lh_sizes, lh_games
        Sizes n of the random n x n games for Lemke-Howson, and games per size.
    se_sizes, se_games
        Sizes n of the random games for support enumeration, and games per size.
    """

    hard_dims: tuple[int, ...] = (2, 4, 6, 8, 10, 12, 14)
    extension_dims: tuple[int, ...] = (16, 18, 20, 22, 24, 26)
    lh_sizes: tuple[int, ...] = (6, 10, 14, 20, 30, 40, 50)
    lh_games: int = 10
    se_sizes: tuple[int, ...] = (4, 5, 6, 7, 8, 9, 10)
    se_games: int = 8

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(
            hard_dims=(2, 4, 6, 8, 10, 12, 14, 16, 18),
            extension_dims=(20, 22, 24, 26, 28, 30, 32),
            lh_sizes=(6, 10, 14, 18, 25, 35, 50, 70, 100),
            lh_games=20,
            se_sizes=(4, 5, 6, 7, 8, 9, 10, 11, 12),
            se_games=10,
        )

    def __post_init__(self) -> None:
        for name in ("lh_games", "se_games"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        limits = {
            "hard_dims": (2, MAX_DIMENSION, 3),
            "extension_dims": (2, MAX_EXTENSION_DIMENSION, 0),
            "lh_sizes": (2, MAX_LH_SIZE, 3),
            "se_sizes": (2, MAX_SUPPORT_SIZE, 3),
        }
        for name, (low, high, least) in limits.items():
            sizes = getattr(self, name)
            if not isinstance(sizes, tuple | list) or not all(
                isinstance(s, int) and not isinstance(s, bool) for s in sizes
            ):
                raise ValueError(f"{name} must be a tuple of integers; got {sizes!r}")
            if list(sizes) != sorted(set(sizes)):
                raise ValueError(f"{name} must be increasing, without repeats; got {sizes!r}")
            if any(not low <= s <= high for s in sizes):
                raise ValueError(f"{name} must lie in {low}..{high}; got {sizes!r}")
            if len(sizes) < least:
                raise ValueError(
                    f"{name} needs at least {least} sizes to fit a growth rate; got {sizes!r}"
                )
        for name in ("hard_dims", "extension_dims"):
            if any(s % 2 for s in getattr(self, name)):
                raise ValueError(f"{name} must be even dimensions; got {getattr(self, name)!r}")
        if self.extension_dims and self.extension_dims[0] <= self.hard_dims[-1]:
            raise ValueError(
                "extension_dims must all be larger than the hard_dims (they extend the curve); "
                f"got {self.extension_dims!r} after {self.hard_dims!r}"
            )


@dataclass(frozen=True)
class Fit:
    """Least-squares growth fits of ``log(cost)`` against size.

    Attributes
    ----------
    factor
        ``exp(slope)`` of ``log(cost) = a + slope * size``: the cost's growth
        factor per unit of size.
    r2
        R^2 of that exponential fit.
    exponent, power_r2
        The slope and R^2 of ``log(cost) = b + exponent * log(size)``.
    rss, power_rss
        The residual sums of squares of the two fits (on the log scale).
    intercept, power_intercept
        The intercepts ``a`` and ``b``.
    """

    factor: float
    r2: float
    intercept: float
    rss: float
    exponent: float
    power_r2: float
    power_intercept: float
    power_rss: float

    @property
    def exponential_fits_better(self) -> bool:
        return self.rss < self.power_rss

    def describe(self, unit: str) -> str:
        return (
            f"x{self.factor:.3g} per {unit} (R^2 {self.r2:.3f}); power law exponent "
            f"{self.exponent:.2f} (R^2 {self.power_r2:.3f})"
        )


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Slope, intercept, R^2 and residual sum of squares of y on x."""
    slope, intercept = np.polyfit(x, y, 1)
    rss = float(np.sum((y - (intercept + slope * x)) ** 2))
    total = float(np.sum((y - y.mean()) ** 2))
    # A constant cost is fitted perfectly by a flat line (its total variance is
    # zero up to rounding, which must not turn R^2 into noise).
    r2 = 1.0 if np.ptp(y) == 0 else (1.0 - rss / total if total > 0 else 0.0)
    return float(slope), float(intercept), r2, rss


def fit_growth(sizes: Any, costs: Any) -> Fit:
    """Fit ``cost`` against ``size`` as an exponential and as a power law (on logs).

    Examples
    --------
    >>> fit = fit_growth([2, 4, 6, 8], [3, 9, 27, 81])
    >>> round(fit.factor, 6), round(fit.r2, 6), fit.exponential_fits_better
    (1.732051, 1.0, True)
    """
    x = np.asarray(sizes, dtype=np.float64)
    y = np.log(np.maximum(np.asarray(costs, dtype=np.float64), 1.0))
    if x.size < 2 or np.unique(x).size < 2:
        raise ValueError(f"fitting a growth rate needs two sizes or more; got {x.tolist()}")
    slope, intercept, r2, rss = _line(x, y)
    exponent, power_intercept, power_r2, power_rss = _line(np.log(x), y)
    return Fit(
        factor=math.exp(slope),
        r2=r2,
        intercept=intercept,
        rss=rss,
        exponent=exponent,
        power_r2=power_r2,
        power_intercept=power_intercept,
        power_rss=power_rss,
    )


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict.

    ``hard_pivots[k][label]`` is the solver's path length on the hard game of
    dimension ``hard_dims[k]``; ``hard_predicted`` the combinatorial one.
    ``lh_pivots[k]`` and ``se_systems[k]`` hold one number per random game of
    size ``lh_sizes[k]`` / ``se_sizes[k]``.
    """

    hard_dims: tuple[int, ...]
    hard_pivots: tuple[tuple[int, ...], ...]
    hard_predicted: tuple[tuple[int, ...], ...]
    hard_exact_equilibria: bool
    extension_dims: tuple[int, ...]
    extension_shortest: tuple[int, ...]
    extension_longest: tuple[int, ...]
    lh_sizes: tuple[int, ...]
    lh_pivots: tuple[tuple[int, ...], ...]
    se_sizes: tuple[int, ...]
    se_support_pairs: tuple[int, ...]
    se_systems: tuple[tuple[int, ...], ...]
    se_equilibria: tuple[tuple[int, ...], ...]
    hard_shortest_fit: Fit
    hard_longest_fit: Fit
    extension_fit: Fit | None
    lh_fit: Fit
    se_fit: Fit
    checks: tuple[Check, ...]

    @property
    def hard_shortest(self) -> tuple[int, ...]:
        return tuple(min(p) for p in self.hard_pivots)

    @property
    def hard_longest(self) -> tuple[int, ...]:
        return tuple(max(p) for p in self.hard_pivots)

    def lh_median(self) -> tuple[float, ...]:
        return tuple(float(np.median(p)) for p in self.lh_pivots)

    def se_geometric_mean(self) -> tuple[float, ...]:
        return tuple(float(np.exp(np.mean(np.log(np.maximum(s, 1))))) for s in self.se_systems)

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {
            "hard family: shortest LH path, growth per dimension": self.hard_shortest_fit.factor,
            "hard family: shortest path fit R^2": self.hard_shortest_fit.r2,
            "hard family: shortest path power-law R^2": self.hard_shortest_fit.power_r2,
            "hard family: longest LH path, growth per dimension": self.hard_longest_fit.factor,
            f"hard family: shortest / longest path at d = {self.hard_dims[-1]}": (
                f"{self.hard_shortest[-1]} / {self.hard_longest[-1]} pivots"
            ),
        }
        if self.extension_fit is not None and self.extension_dims:
            first = min(self.hard_dims[0], self.extension_dims[0])
            out[
                f"combinatorial path lengths, d = {first}..{self.extension_dims[-1]}: "
                "shortest path growth per dimension"
            ] = self.extension_fit.factor
            out[f"combinatorial: shortest / longest path at d = {self.extension_dims[-1]}"] = (
                f"{self.extension_shortest[-1]} / {self.extension_longest[-1]} pivots"
            )
        out.update(
            {
                "random games: median LH path (label 0), growth per action": self.lh_fit.factor,
                "random games: median LH path, power-law exponent": self.lh_fit.exponent,
                "random games: R^2 of the exponential / power-law fits": (
                    f"{self.lh_fit.r2:.3f} / {self.lh_fit.power_r2:.3f}"
                ),
                f"random games: median LH path at n = {self.lh_sizes[-1]}": self.lh_median()[-1],
                f"random games: longest LH path seen at n = {self.lh_sizes[-1]}": max(
                    self.lh_pivots[-1]
                ),
                "support enumeration: systems solved, growth per action": self.se_fit.factor,
                "support enumeration: fit R^2": self.se_fit.r2,
                f"support enumeration: systems solved at n = {self.se_sizes[-1]} (geometric mean)": (
                    self.se_geometric_mean()[-1]
                ),
            }
        )
        return out


# ---------------------------------------------------------------------------
# Tasks (module level, so a process pool can pickle them)
# ---------------------------------------------------------------------------
def _task(task: tuple[Any, ...]) -> tuple[int, ...]:
    kind = task[0]
    if kind == "hard":
        _, d, label = task
        result = lemke_howson(savani_von_stengel(d), label, exact=True, max_pivots=10**7)
        return (int(result.stats["pivots"]), int(result[0].regret == 0.0))
    if kind == "paths":
        return savani_von_stengel_path_lengths(task[1])
    if kind == "lh":
        _, n, seed = task
        return (int(lemke_howson(random_game(n, n, seed), 0).stats["pivots"]),)
    if kind == "se":
        _, n, seed = task
        result = support_enumeration(random_game(n, n, seed))
        return (int(result.stats["systems_solved"]), len(result))
    raise ValueError(f"unknown task kind {kind!r}")


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Follow the Lemke-Howson paths and enumerate supports; fit the growth."""
    report = progress or null_progress
    executor = executor or Executor("serial")
    # Seeds are drawn in a fixed order from the one generator, so the games do
    # not depend on how the work is spread over workers.
    lh_seeds = spawn_seeds(rng, len(config.lh_sizes) * config.lh_games)
    se_seeds = spawn_seeds(rng, len(config.se_sizes) * config.se_games)
    hard_tasks = [("hard", d, label) for d in config.hard_dims for label in range(2 * d)]
    path_dims = sorted(set(config.hard_dims) | set(config.extension_dims))
    path_tasks = [("paths", d) for d in path_dims]
    lh_tasks = [
        ("lh", n, lh_seeds[k * config.lh_games + g])
        for k, n in enumerate(config.lh_sizes)
        for g in range(config.lh_games)
    ]
    se_tasks = [
        ("se", n, se_seeds[k * config.se_games + g])
        for k, n in enumerate(config.se_sizes)
        for g in range(config.se_games)
    ]
    tasks = hard_tasks + path_tasks + lh_tasks + se_tasks
    # Longest tasks first, so the pool's workers finish together.
    order = sorted(range(len(tasks)), key=lambda i: -_cost(tasks[i]))
    values = executor.map_values(_task, [tasks[i] for i in order], progress=report)
    out: list[tuple[int, ...]] = [()] * len(tasks)
    for i, value in zip(order, values, strict=True):
        out[i] = tuple(value)

    cursor = 0
    hard_pivots = []
    exact_ends = True
    for d in config.hard_dims:
        chunk = out[cursor : cursor + 2 * d]
        cursor += 2 * d
        hard_pivots.append(tuple(v[0] for v in chunk))
        exact_ends &= all(v[1] == 1 for v in chunk)
    paths = dict(zip(path_dims, out[cursor : cursor + len(path_dims)], strict=True))
    cursor += len(path_dims)
    lh_values = out[cursor : cursor + len(lh_tasks)]
    cursor += len(lh_tasks)
    se_values = out[cursor:]

    lh_pivots = tuple(
        tuple(v[0] for v in lh_values[k * config.lh_games : (k + 1) * config.lh_games])
        for k in range(len(config.lh_sizes))
    )
    se_chunks = [
        se_values[k * config.se_games : (k + 1) * config.se_games]
        for k in range(len(config.se_sizes))
    ]
    se_systems = tuple(tuple(v[0] for v in chunk) for chunk in se_chunks)
    se_equilibria = tuple(tuple(v[1] for v in chunk) for chunk in se_chunks)
    hard_predicted = tuple(tuple(paths[d]) for d in config.hard_dims)
    extension_dims = tuple(d for d in config.extension_dims)
    extension_shortest = tuple(min(paths[d]) for d in extension_dims)
    extension_longest = tuple(max(paths[d]) for d in extension_dims)

    shortest = [min(p) for p in hard_pivots]
    longest = [max(p) for p in hard_pivots]
    hard_shortest_fit = fit_growth(config.hard_dims, shortest)
    hard_longest_fit = fit_growth(config.hard_dims, longest)
    all_dims = path_dims
    extension_fit = (
        fit_growth(all_dims, [min(paths[d]) for d in all_dims]) if extension_dims else None
    )
    lh_median = [float(np.median(p)) for p in lh_pivots]
    lh_fit = fit_growth(config.lh_sizes, lh_median)
    se_geo = [float(np.exp(np.mean(np.log(np.maximum(s, 1))))) for s in se_systems]
    se_fit = fit_growth(config.se_sizes, se_geo)

    checks = (
        _exponential_check(
            "Lemke-Howson takes exponentially many pivots on the Savani-von Stengel games, "
            "from every initial label (the shortest of the 2d paths grows exponentially in d)",
            hard_shortest_fit,
            "dimension",
            f"shortest paths {dict(zip(config.hard_dims, shortest, strict=True))}; longest "
            f"{dict(zip(config.hard_dims, longest, strict=True))}",
        ),
        Check(
            "The solver's paths are the games' true paths: exact pivot counts equal the "
            "combinatorial path lengths, and every path ends at an exact equilibrium",
            hard_predicted == tuple(hard_pivots) and exact_ends,
            f"{sum(a != b for p, q in zip(hard_pivots, hard_predicted, strict=True) for a, b in zip(p, q, strict=True))} "
            f"of {sum(len(p) for p in hard_pivots)} paths differ from the combinatorial count; "
            f"every end an exact equilibrium (zero regret in rational arithmetic): {exact_ends}",
        ),
        _exponential_check(
            "Support enumeration's work grows exponentially with the number of actions "
            "(random n x n games)",
            se_fit,
            "action",
            "systems solved, geometric mean per size: "
            + ", ".join(f"n={n}: {g:.0f}" for n, g in zip(config.se_sizes, se_geo, strict=True))
            + "; all support pairs (the worst case): "
            + ", ".join(f"{count_support_pairs(n, n)}" for n in config.se_sizes),
        ),
        _random_contrast_check(config, lh_median, shortest),
    )
    return Result(
        hard_dims=tuple(config.hard_dims),
        hard_pivots=tuple(hard_pivots),
        hard_predicted=hard_predicted,
        hard_exact_equilibria=exact_ends,
        extension_dims=extension_dims,
        extension_shortest=extension_shortest,
        extension_longest=extension_longest,
        lh_sizes=tuple(config.lh_sizes),
        lh_pivots=lh_pivots,
        se_sizes=tuple(config.se_sizes),
        se_support_pairs=tuple(count_support_pairs(n, n) for n in config.se_sizes),
        se_systems=se_systems,
        se_equilibria=se_equilibria,
        hard_shortest_fit=hard_shortest_fit,
        hard_longest_fit=hard_longest_fit,
        extension_fit=extension_fit,
        lh_fit=lh_fit,
        se_fit=se_fit,
        checks=checks,
    )


def _cost(task: tuple[Any, ...]) -> float:
    """A rough cost of a task, for ordering the work (longest first)."""
    kind = task[0]
    if kind == "hard":
        return 2.4 ** (task[1] / 2)  # the paths grow as (1 + sqrt 2)^(d/2)
    if kind == "paths":
        return 0.05 * 2.4 ** (task[1] / 2)
    if kind == "se":
        return 0.2 * 4.0 ** task[1]
    return float(task[1]) ** 2


def _exponential_check(claim: str, fit: Fit, unit: str, numbers_: str) -> Check:
    held = fit.factor >= MIN_FACTOR and fit.r2 >= MIN_R2 and fit.exponential_fits_better
    return Check(
        claim,
        held,
        f"fitted growth {fit.describe(unit)}; exponential fits "
        f"{'better' if fit.exponential_fits_better else 'worse'} than a power law "
        f"(residuals {fit.rss:.3g} vs {fit.power_rss:.3g} on the log scale); {numbers_}. "
        f"Held means factor >= {MIN_FACTOR}, R^2 >= {MIN_R2} and a better fit than a power law.",
    )


def _random_contrast_check(
    config: Config, lh_median: list[float], hard_shortest: list[int]
) -> Check:
    common = [d for d in config.hard_dims if d in config.lh_sizes]
    pairs = [
        (d, lh_median[config.lh_sizes.index(d)], hard_shortest[config.hard_dims.index(d)])
        for d in common
    ]
    held = bool(pairs) and all(median < shortest for _, median, shortest in pairs)
    detail = (
        "; ".join(
            f"d = {d}: random median {median:g} vs hard game's shortest {shortest}"
            for d, median, shortest in pairs
        )
        if pairs
        else "no size is both a hard dimension and a random-game size, so nothing to compare"
    )
    return Check(
        "Random games are easy for Lemke-Howson: at each size tried for both, the median path "
        "of random games (label 0) is shorter than the hard game's shortest path",
        held,
        detail,
    )


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def figures(result: Result) -> list[tuple[str, Any]]:
    """Lemke-Howson pivots (hard family, random games) and support enumeration's work."""
    from matplotlib.ticker import NullLocator

    fig, (ax, ax_r) = new_figure(11.0, 4.4, ncols=2)
    dims = np.asarray(result.hard_dims, dtype=float)
    ax.plot(dims, result.hard_longest, "s-", color=PALETTE[3], label="longest path (label 0)")
    ax.plot(dims, result.hard_shortest, "o-", color=PALETTE[0], label="shortest path (best label)")
    if result.extension_dims:
        # Drawn from the last solved dimension on, so the two curves join.
        ext = np.asarray((result.hard_dims[-1], *result.extension_dims), dtype=float)
        ax.plot(ext[1:], result.extension_longest, "s", color=PALETTE[3], mfc="white", ls="none")
        ax.plot(ext, (result.hard_longest[-1], *result.extension_longest), "--", color=PALETTE[3])
        ax.plot(ext, (result.hard_shortest[-1], *result.extension_shortest), "--", color=PALETTE[0])
        ax.plot(
            ext[1:],
            result.extension_shortest,
            "o",
            ls="none",
            color=PALETTE[0],
            mfc="white",
            label="combinatorial path lengths (beyond float64)",
        )
    common = [n for n in result.lh_sizes if n <= max(result.hard_dims + result.extension_dims)]
    if common:
        medians = [result.lh_median()[result.lh_sizes.index(n)] for n in common]
        ax.plot(common, medians, "^-", color=PALETTE[2], label="random n x n games, median")
    fit = result.extension_fit or result.hard_shortest_fit
    span_dims = sorted(set(result.hard_dims) | set(result.extension_dims))
    xs = np.linspace(min(span_dims), max(span_dims), 50)
    ax.plot(
        xs,
        np.exp(fit.intercept) * fit.factor**xs,
        ":",
        color="black",
        label=f"fit to the shortest paths: x{fit.factor:.3f} per dimension (R^2 {fit.r2:.3f})",
    )
    ax.set_yscale("log")
    ax.set_xlabel("actions per player (d)")
    ax.set_ylabel("Lemke-Howson pivots")
    ax.set_title("Savani-von Stengel games: every path is exponentially long", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")

    sizes = np.asarray(result.lh_sizes, dtype=float)
    for n, pivots in zip(result.lh_sizes, result.lh_pivots, strict=True):
        ax_r.scatter(np.full(len(pivots), n), pivots, s=8, color=PALETTE[2], alpha=0.4)
    q25 = [float(np.percentile(p, 25)) for p in result.lh_pivots]
    q75 = [float(np.percentile(p, 75)) for p in result.lh_pivots]
    ax_r.fill_between(sizes, q25, q75, color=PALETTE[2], alpha=0.2, label="interquartile range")
    ax_r.plot(sizes, result.lh_median(), "^-", color=PALETTE[2], label="median")
    lf = result.lh_fit
    xs = np.linspace(sizes.min(), sizes.max(), 50)
    ax_r.plot(
        xs,
        np.exp(lf.power_intercept) * xs**lf.exponent,
        ":",
        color="black",
        label=f"power-law fit: n^{lf.exponent:.2f} (R^2 {lf.power_r2:.2f})",
    )
    ax_r.set_xscale("log")
    ax_r.set_yscale("log")
    ax_r.set_xticks(sizes, [str(n) for n in result.lh_sizes])
    ax_r.xaxis.set_minor_locator(NullLocator())
    ax_r.set_xlabel("actions per player (n)")
    ax_r.set_ylabel("Lemke-Howson pivots (label 0)")
    ax_r.set_title("Random games (standard normal payoffs)", fontsize=10)
    ax_r.legend(fontsize=7, loc="upper left")

    fig2, ax2 = new_figure(6.4, 4.2)
    se_sizes = np.asarray(result.se_sizes, dtype=float)
    for n, systems in zip(result.se_sizes, result.se_systems, strict=True):
        ax2.scatter(
            np.full(len(systems), n), np.maximum(systems, 1), s=10, color=PALETTE[0], alpha=0.4
        )
    ax2.plot(se_sizes, result.se_geometric_mean(), "o-", color=PALETTE[0], label="geometric mean")
    ax2.plot(
        se_sizes,
        result.se_support_pairs,
        "--",
        color=PALETTE[3],
        label="all support pairs, C(2n, n) - 1",
    )
    sf = result.se_fit
    xs = np.linspace(se_sizes.min(), se_sizes.max(), 50)
    ax2.plot(
        xs,
        np.exp(sf.intercept) * sf.factor**xs,
        ":",
        color="black",
        label=f"fit: x{sf.factor:.2f} per action (R^2 {sf.r2:.3f})",
    )
    ax2.set_yscale("log")
    ax2.set_xlabel("actions per player (n)")
    ax2.set_ylabel("linear systems solved")
    ax2.set_title("Support enumeration on random n x n games", fontsize=10)
    ax2.legend(fontsize=8, loc="upper left")
    return [("lemke-howson-pivots", fig), ("support-enumeration-work", fig2)]


def tables(result: Result) -> list[Table]:
    """Per-size numbers: the hard family, random Lemke-Howson, support enumeration."""
    hard_rows = [
        (
            str(d),
            str(min(p)),
            f"{float(np.median(p)):g}",
            str(max(p)),
            "solver, exact pivoting",
            "yes" if tuple(p) == tuple(q) else "no",
        )
        for d, p, q in zip(result.hard_dims, result.hard_pivots, result.hard_predicted, strict=True)
    ]
    hard_rows += [
        (str(d), str(s), "", str(long_), "combinatorial", "")
        for d, s, long_ in zip(
            result.extension_dims,
            result.extension_shortest,
            result.extension_longest,
            strict=True,
        )
    ]
    lh_rows = tuple(
        (
            str(n),
            str(len(p)),
            f"{float(np.median(p)):g}",
            f"{float(np.percentile(p, 25)):g} - {float(np.percentile(p, 75)):g}",
            str(max(p)),
        )
        for n, p in zip(result.lh_sizes, result.lh_pivots, strict=True)
    )
    se_rows = tuple(
        (
            str(n),
            str(pairs),
            f"{geo:.0f}",
            f"{min(s)} - {max(s)}",
            f"{float(np.mean(e)):.1f}",
        )
        for n, pairs, geo, s, e in zip(
            result.se_sizes,
            result.se_support_pairs,
            result.se_geometric_mean(),
            result.se_systems,
            result.se_equilibria,
            strict=True,
        )
    )
    return [
        Table(
            title="Lemke-Howson pivots on the Savani-von Stengel games, over all 2d initial labels",
            columns=("d", "shortest", "median", "longest", "measured by", "= combinatorial"),
            rows=tuple(hard_rows),
            note=(
                "The solver pivots in exact integer arithmetic. Beyond d = 18 a float64 payoff "
                "table cannot realise the game, so the lengths come from following the paths "
                "on the polytopes' combinatorics, which agree with the solver wherever both run."
            ),
        ),
        Table(
            title="Lemke-Howson pivots (label 0) on random n x n games",
            columns=("n", "games", "median", "interquartile range", "longest"),
            rows=lh_rows,
        ),
        Table(
            title="Support enumeration on random n x n games",
            columns=(
                "n",
                "support pairs",
                "systems solved (geometric mean)",
                "systems solved (range)",
                "equilibria (mean)",
            ),
            rows=se_rows,
            note=(
                "Systems solved: equal-size support pairs left after pruning dominated "
                "actions; the running time is proportional to it."
            ),
        ),
    ]


EXPERIMENT = Experiment(
    name="nash-complexity",
    title="The complexity of computing a Nash equilibrium",
    section="1.2",
    claim=(
        "Daskalakis, Goldberg & Papadimitriou (2009) proved that computing a Nash equilibrium is "
        "PPAD-complete, in the same complexity class as Brouwer fixed points, and (if PPAD ≠ P) "
        "not solvable in polynomial time. This is a deep negative result: even for moderate-size "
        "games, finding an equilibrium is intractable by general-purpose methods."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
