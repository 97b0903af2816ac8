"""Section 1.1 of the note: the one-shot prisoner's dilemma.

Claim: the unique Nash equilibrium is (Defect, Defect), the social optimum is
(Cooperate, Cooperate), and every one-shot rational agent defects.

What is run:

1. The canonical game (Axelrod's T, R, P, S = 5, 3, 1, 0): its pure
   equilibria, the strictly dominant actions (which make the equilibrium
   unique among mixed profiles too), the welfare of every outcome, the
   Pareto-efficient outcomes, the regret of mutual cooperation, and the gap
   and ratio (price of anarchy) between the optimum and the equilibrium.
2. A sweep over payoffs. Every symmetric 2x2 game with ``R > P`` is, up to a
   positive affine change of payoffs, ``R = 1, P = 0`` with free ``T`` and ``S``. On a grid of
   that plane each game is built and analysed from its payoffs alone
   (equilibria, welfare, Pareto dominance) and put in a region; the region
   where the analysis finds a prisoner's dilemma (a unique equilibrium,
   (D, D), with (C, C) the unique social optimum) is compared with the
   textbook conditions ``T > R > P > S`` and ``2R > T + S``.
3. The same comparison on random (T, R, P, S) drawn uniformly from
   [-10, 10]^4 with the run's seed, and on the 24 strict orderings of four
   payoffs.

The comparison in 2 and 3 is a consistency check, not an empirical finding:
in exact arithmetic the two descriptions are equivalent ((D, D) is the unique
equilibrium iff T > R and P > S; (C, C) beats (D, D) for both iff R > P; it
is the unique welfare maximum iff also 2R > T + S). It confirms that the
equilibrium computations reproduce the textbook characterisation on every
game tried, and the figure shows where the other dilemmas (stag hunt,
chicken) lie around it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.games.catalog import prisoners_dilemma, prisoners_dilemma_conditions, symmetric_2x2
from cooplab.games.normal_form import NormalFormGame, pure_nash_equilibria
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress

__all__ = ["EXPERIMENT", "REGIONS", "Config", "Result", "classify", "figures", "run", "tables"]

#: The regions of the payoff plane, found by analysing each game's outcomes.
REGIONS = (
    "prisoner's dilemma: unique equilibrium (D,D), (C,C) the social optimum",
    "unique equilibrium (D,D), but taking turns at (C,D)/(D,C) beats (C,C)",
    "other dilemma: an equilibrium with less than the optimal welfare",
    "no dilemma: every equilibrium is socially optimal",
    "no pure equilibrium",
)
PD, PD_ALTERNATION, OTHER_DILEMMA, NO_DILEMMA, NO_PURE = range(len(REGIONS))

#: Payoff values for the 24 orderings. No double of one equals the sum of two
#: others (unlike 4, 3, 2, 1, where 2 * 3 = 4 + 2), so no ordering lands on a
#: welfare tie and each row shows the ordering's generic behaviour.
ORDER_VALUES = (4.0, 3.0, 1.0, 0.0)


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    T, R, P, S
        The canonical prisoner's dilemma (Axelrod 1984: 5, 3, 1, 0).
    grid
        Points per axis of the (T, S) plane, with R = 1 and P = 0.
    t_range, s_range
        The plane's extent.
    n_random
        Random (T, R, P, S) games to classify.
    chunks
        Tasks the sweep is cut into for the executor.
    """

    T: float = 5.0
    R: float = 3.0
    P: float = 1.0
    S: float = 0.0
    grid: int = 61
    t_range: tuple[float, float] = (0.0, 3.0)
    s_range: tuple[float, float] = (-2.0, 1.0)
    n_random: int = 2000
    chunks: int = 8

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(grid=241, n_random=100_000, chunks=32)

    def __post_init__(self) -> None:
        for name in ("T", "R", "P", "S"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise ValueError(f"{name} must be a finite number; got {value!r}")
        for name in ("grid", "n_random", "chunks"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer; got {value!r}")
        for name in ("t_range", "s_range"):
            pair = getattr(self, name)
            if (
                not isinstance(pair, tuple | list)
                or len(pair) != 2
                or not all(isinstance(x, int | float) and math.isfinite(x) for x in pair)
            ):
                raise ValueError(f"{name} must be two finite numbers (low, high); got {pair!r}")
        failed = prisoners_dilemma_conditions(T=self.T, R=self.R, P=self.P, S=self.S)
        if failed:
            raise ValueError(
                f"the canonical game (T, R, P, S) = ({self.T:g}, {self.R:g}, {self.P:g}, {self.S:g}) "
                f"must be a prisoner's dilemma; it fails {'; '.join(failed)}"
            )
        if self.grid < 2:
            raise ValueError(f"grid must be at least 2 points per axis; got {self.grid}")
        if self.n_random < 0 or self.chunks < 1:
            raise ValueError("n_random must be >= 0 and chunks >= 1")
        for label, (lo, hi) in (("t_range", self.t_range), ("s_range", self.s_range)):
            if not lo < hi:
                raise ValueError(f"{label} must be (low, high) with low < high; got {(lo, hi)}")


@dataclass(frozen=True)
class Ordering:
    """One strict ordering of the four payoffs, valued 4 > 3 > 1 > 0 (see :data:`ORDER_VALUES`)."""

    ordering: str
    T: float
    R: float
    P: float
    S: float
    equilibria: tuple[str, ...]
    optima: tuple[str, ...]
    region: int
    conditions_hold: bool


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict."""

    payoffs: tuple[float, float, float, float]  # T, R, P, S
    equilibria: tuple[tuple[str, ...], ...]
    equilibrium_payoffs: tuple[tuple[float, ...], ...]
    dominant_actions: tuple[str | None, ...]
    social_optima: tuple[tuple[str, ...], ...]
    optimum_payoffs: tuple[tuple[float, ...], ...]
    pareto_optimal: tuple[tuple[str, ...], ...]
    welfare: tuple[tuple[str, float], ...]
    welfare_gap: float
    price_of_anarchy: float | None
    regret_at_cooperation: tuple[float, ...]
    t_values: tuple[float, ...]
    s_values: tuple[float, ...]
    regions: tuple[tuple[int, ...], ...]  # [s index][t index]
    region_counts: tuple[int, ...]
    grid_mismatches: int
    random_games: int
    random_mismatches: int
    random_dilemmas: int
    orderings: tuple[Ordering, ...]
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        T, R, P, S = self.payoffs
        grid_points = len(self.t_values) * len(self.s_values)
        return {
            "payoffs (T, R, P, S)": f"({T:g}, {R:g}, {P:g}, {S:g})",
            "Nash equilibria": ", ".join("(" + ", ".join(e) + ")" for e in self.equilibria),
            "equilibrium payoffs": ", ".join(
                str(tuple(round(x, 6) for x in p)) for p in self.equilibrium_payoffs
            ),
            "social optimum": ", ".join("(" + ", ".join(e) + ")" for e in self.social_optima),
            "optimum payoffs": ", ".join(
                str(tuple(round(x, 6) for x in p)) for p in self.optimum_payoffs
            ),
            "welfare gap (optimum - equilibrium)": self.welfare_gap,
            "price of anarchy": self.price_of_anarchy
            if self.price_of_anarchy is not None
            else "undefined",
            "regret of (C, C) per player": ", ".join(f"{x:g}" for x in self.regret_at_cooperation),
            "grid games classified": grid_points,
            "grid disagreements with T>R>P>S, 2R>T+S": self.grid_mismatches,
            "random games classified": self.random_games,
            "random disagreements": self.random_mismatches,
            "share of random games that are dilemmas": (
                self.random_dilemmas / self.random_games if self.random_games else 0.0
            ),
        }


# ---------------------------------------------------------------------------
# Analysis of one symmetric 2x2 game, from its payoffs alone
# ---------------------------------------------------------------------------
def classify(game: NormalFormGame) -> int:
    """The index in :data:`REGIONS` of a two-player game with actions (C, D).

    Uses only the game's outcomes: pure equilibria, the welfare of each
    outcome, and Pareto dominance of (D, D) by (C, C). No payoff inequality is
    written here; the experiment compares this analysis with them. Every
    comparison is exact (no tie tolerance), as the textbook inequalities are.
    """
    equilibria = pure_nash_equilibria(game.payoffs, tol=0.0)
    if not equilibria:
        return NO_PURE
    welfare = game.welfare_table()
    best = welfare.max()
    if equilibria == [(1, 1)]:
        cc, dd = game.payoffs[:, 0, 0], game.payoffs[:, 1, 1]
        if np.all(cc > dd):
            optima = np.argwhere(welfare == best).tolist()
            return PD if optima == [[0, 0]] else PD_ALTERNATION
    if any(welfare[e] < best for e in equilibria):
        return OTHER_DILEMMA
    return NO_DILEMMA


def _classify_chunk(rows: list[list[float]]) -> list[int]:
    """Executor task: classify a batch of (T, R, P, S) rows."""
    return [classify(symmetric_2x2(R=R, S=S, T=T, P=P)) for T, R, P, S in rows]


def _letters(row: np.ndarray) -> dict[str, float]:
    """A (T, R, P, S) row as keyword arguments."""
    return dict(zip("TRPS", (float(x) for x in row), strict=True))


def _outcomes(game: NormalFormGame, outcomes: list[tuple[int, ...]]) -> str:
    """``(D, D), (C, D)``: outcomes by action names, for messages."""
    return ", ".join("(" + ", ".join(game.outcome_names(o)) + ")" for o in outcomes) or "none"


def _strictly_dominant(game: NormalFormGame, player: int) -> str | None:
    table = np.moveaxis(game.payoff_matrix(player), player, 0)  # own actions first
    for k in range(table.shape[0]):
        others = np.delete(table, k, axis=0)
        if np.all(table[k] > others):
            return game.action_names[player][k]
    return None


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Analyse the canonical game, then sweep the payoff plane and random games."""
    report = progress or null_progress
    executor = executor or Executor("serial")
    T, R, P, S = config.T, config.R, config.P, config.S
    game = prisoners_dilemma(T=T, R=R, P=P, S=S)

    # 1. the canonical game
    eq = game.pure_nash_equilibria()
    welfare = game.welfare_table()
    optima = [tuple(int(x) for x in o) for o in np.argwhere(welfare == welfare.max())]
    eq_welfare = min(float(welfare[e]) for e in eq)
    best = float(welfare.max())
    dominant = tuple(_strictly_dominant(game, i) for i in range(2))
    regret_cc = game.regret(["C", "C"])

    # 2. and 3. the sweeps, cut into executor tasks
    t_values = np.linspace(*config.t_range, config.grid)
    s_values = np.linspace(*config.s_range, config.grid)
    tt, ss = np.meshgrid(t_values, s_values)  # [s][t]
    grid_rows = np.column_stack([tt.ravel(), np.ones(tt.size), np.zeros(tt.size), ss.ravel()])
    # Random games are drawn here, from the one generator, so the numbers do not
    # depend on how the work is cut into tasks.
    random_rows = rng.uniform(-10.0, 10.0, size=(config.n_random, 4))
    grid_chunks = [c.tolist() for c in np.array_split(grid_rows, config.chunks) if len(c)]
    random_chunks = [c.tolist() for c in np.array_split(random_rows, config.chunks) if len(c)]
    labels = executor.map_values(_classify_chunk, grid_chunks + random_chunks, progress=report)
    n_grid_tasks = len(grid_chunks)

    regions = np.array([x for chunk in labels[:n_grid_tasks] for x in chunk], dtype=int)
    grid_is_pd = regions == PD
    grid_conditions = np.array(
        [not prisoners_dilemma_conditions(**_letters(row)) for row in grid_rows]
    )
    random_labels = np.array([x for chunk in labels[n_grid_tasks:] for x in chunk], dtype=int)
    random_conditions = np.array(
        [not prisoners_dilemma_conditions(**_letters(row)) for row in random_rows], dtype=bool
    )
    random_is_pd = random_labels == PD

    orderings = _orderings()

    checks = (
        Check(
            "The unique Nash equilibrium is (Defect, Defect)",
            eq == [(1, 1)] and dominant == ("D", "D"),
            f"pure equilibria: {_outcomes(game, eq)}; strictly dominant actions: "
            f"{', '.join(str(d) for d in dominant)} (a strictly dominant action rules out every "
            f"other equilibrium, mixed included)",
        ),
        Check(
            "The social optimum is (Cooperate, Cooperate)",
            optima == [(0, 0)] and bool(np.all(game.payoffs[:, 0, 0] > game.payoffs[:, 1, 1])),
            f"welfare-maximising outcomes: {_outcomes(game, optima)}, with welfare "
            f"{best:g}; (C,C) pays {game.payoffs[:, 0, 0].tolist()} against (D,D)'s "
            f"{game.payoffs[:, 1, 1].tolist()}",
        ),
        Check(
            "Every one-shot rational agent defects: cooperation is not a best response",
            bool(np.all(regret_cc > 0)),
            f"each player gains {regret_cc.tolist()} by defecting from (C,C)",
        ),
        Check(
            "Consistency: the games whose equilibrium analysis finds a prisoner's dilemma are "
            "exactly those with T > R > P > S and 2R > T + S",
            # Agreement must not be vacuous: the grid has to contain games of both kinds.
            0 < int(grid_is_pd.sum()) < grid_is_pd.size
            and int(np.sum(grid_is_pd != grid_conditions)) == 0
            and int(np.sum(random_is_pd != random_conditions)) == 0
            and all((o.region == PD) == o.conditions_hold for o in orderings),
            f"{int(np.sum(grid_is_pd != grid_conditions))} disagreements on {grid_rows.shape[0]} grid "
            f"games ({int(grid_is_pd.sum())} of them dilemmas), "
            f"{int(np.sum(random_is_pd != random_conditions))} on {len(random_rows)} random "
            f"games ({int(random_is_pd.sum())} dilemmas), "
            f"{sum((o.region == PD) != o.conditions_hold for o in orderings)} on the 24 orderings",
        ),
    )
    return Result(
        payoffs=(T, R, P, S),
        equilibria=tuple(game.outcome_names(e) for e in eq),
        equilibrium_payoffs=tuple(tuple(game.outcome_payoffs(e).tolist()) for e in eq),
        dominant_actions=dominant,
        social_optima=tuple(game.outcome_names(o) for o in optima),
        optimum_payoffs=tuple(tuple(game.outcome_payoffs(o).tolist()) for o in optima),
        pareto_optimal=tuple(game.outcome_names(o) for o in game.pareto_optimal_outcomes()),
        welfare=tuple(
            ("(" + ", ".join(game.outcome_names(o)) + ")", float(welfare[o]))
            for o in game.pure_outcomes()
        ),
        welfare_gap=best - eq_welfare,
        price_of_anarchy=best / eq_welfare if eq_welfare > 0 else None,
        regret_at_cooperation=tuple(float(x) for x in regret_cc),
        t_values=tuple(float(x) for x in t_values),
        s_values=tuple(float(x) for x in s_values),
        regions=tuple(tuple(int(x) for x in row) for row in regions.reshape(tt.shape)),
        region_counts=tuple(int(np.sum(regions == k)) for k in range(len(REGIONS))),
        grid_mismatches=int(np.sum(grid_is_pd != grid_conditions)),
        random_games=len(random_rows),
        random_mismatches=int(np.sum(random_is_pd != random_conditions)),
        random_dilemmas=int(np.sum(random_is_pd)),
        orderings=orderings,
        checks=checks,
    )


def _orderings() -> tuple[Ordering, ...]:
    out = []
    for perm in itertools.permutations("TRPS"):
        values = dict(zip(perm, ORDER_VALUES, strict=True))
        game = symmetric_2x2(R=values["R"], S=values["S"], T=values["T"], P=values["P"])
        welfare = game.welfare_table()
        out.append(
            Ordering(
                ordering=" > ".join(perm),
                T=values["T"],
                R=values["R"],
                P=values["P"],
                S=values["S"],
                equilibria=tuple(
                    "".join(game.outcome_names(e)) for e in game.pure_nash_equilibria()
                ),
                optima=tuple(
                    "".join(game.outcome_names(tuple(o)))
                    for o in np.argwhere(welfare == welfare.max())
                ),
                region=classify(game),
                conditions_hold=not prisoners_dilemma_conditions(**values),
            )
        )
    return tuple(out)


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def figures(result: Result) -> list[tuple[str, Any]]:
    """The dilemma region in the (T, S) plane, and the welfare of each outcome."""
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    t = np.asarray(result.t_values)
    s = np.asarray(result.s_values)
    regions = np.asarray(result.regions)
    colours = [PALETTE[3], PALETTE[1], PALETTE[6], PALETTE[2], "#BBBBBB"]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(len(REGIONS) + 1) - 0.5, cmap.N)

    fig, ax = new_figure(7.2, 5.0)
    ax.pcolormesh(t, s, regions, cmap=cmap, norm=norm, shading="nearest", rasterized=True)
    # The textbook conditions, drawn on top of the computed regions (R = 1, P = 0).
    ax.axvline(1.0, color="black", lw=1.2, ls="--")
    ax.axhline(0.0, color="black", lw=1.2, ls="--")
    line_t = np.linspace(t[0], t[-1], 50)
    ax.plot(line_t, 2.0 - line_t, color="black", lw=1.2, ls=":")
    ax.set_xlim(t[0], t[-1])
    ax.set_ylim(s[0], s[-1])
    T, R, P, S = result.payoffs
    star = ((T - P) / (R - P), (S - P) / (R - P))  # the canonical game, normalised to R = 1, P = 0
    if t[0] <= star[0] <= t[-1] and s[0] <= star[1] <= s[-1]:
        label = "Axelrod's PD" if (T, R, P, S) == (5, 3, 1, 0) else "this run's PD"
        ax.plot([star[0]], [star[1]], marker="*", ms=16, color="white", mec="black")
        ax.annotate(
            f"{label} ({T:g}, {R:g}, {P:g}, {S:g})",
            star,
            textcoords="offset points",
            xytext=(10, -14),
            fontsize=8,
        )
    ax.set_xlabel("T (temptation), with R = 1 and P = 0")
    ax.set_ylabel("S (sucker's payoff)")
    ax.set_title(
        "Which symmetric 2x2 games are prisoner's dilemmas\n(colours: computed from each game's outcomes; lines: T = R, S = P, T + S = 2R)",
        fontsize=10,
    )
    present = [k for k in range(len(REGIONS)) if result.region_counts[k] > 0]
    ax.legend(
        handles=[Patch(color=colours[k], label=REGIONS[k]) for k in present],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        fontsize=8,
        frameon=False,
    )

    fig2, ax2 = new_figure(6.0, 3.6)
    labels = [w[0] for w in result.welfare]
    values = [w[1] for w in result.welfare]
    eq_labels = {"(" + ", ".join(e) + ")" for e in result.equilibria}
    opt_labels = {"(" + ", ".join(e) + ")" for e in result.social_optima}
    bar_colours = [
        PALETTE[3] if lab in eq_labels else PALETTE[2] if lab in opt_labels else "#BBBBBB"
        for lab in labels
    ]
    ax2.bar(labels, values, color=bar_colours)
    for x, v in enumerate(values):
        ax2.text(x, v, f"{v:g}", ha="center", va="bottom", fontsize=9)
    ax2.set_ylabel("social welfare (sum of payoffs)")
    ax2.set_title(
        f"Equilibrium (red) vs social optimum (green): gap {result.welfare_gap:g}", fontsize=10
    )
    low, high = min(0.0, *values), max(0.0, *values)
    pad = 0.15 * (high - low or 1.0)
    ax2.set_ylim(low - (pad if low < 0 else 0.0), high + pad)
    return [("dilemma-region", fig), ("welfare-by-outcome", fig2)]


def tables(result: Result) -> list[Table]:
    """The 24 strict payoff orderings and what the analysis finds in each."""
    rows = tuple(
        (
            o.ordering,
            ", ".join(o.equilibria) or "none",
            ", ".join(o.optima),
            REGIONS[o.region].split(":")[0],
            "yes" if o.conditions_hold else "no",
        )
        for o in result.orderings
    )
    return [
        Table(
            title="The 24 strict orderings of (T, R, P, S), valued 4 > 3 > 1 > 0",
            columns=(
                "ordering",
                "pure equilibria",
                "welfare optimum",
                "analysis finds",
                "T>R>P>S and 2R>T+S",
            ),
            rows=rows,
            note="Only T > R > P > S is a prisoner's dilemma; R > T > P > S is the stag hunt, T > R > S > P chicken.",
        )
    ]


EXPERIMENT = Experiment(
    name="prisoners-dilemma",
    title="The one-shot prisoner's dilemma",
    section="1.1",
    claim=(
        "The unique Nash equilibrium is (Defect, Defect) with payoff (P, P). The socially optimal "
        "outcome is (Cooperate, Cooperate) with payoff (R, R). Every one-shot rational agent defects."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
