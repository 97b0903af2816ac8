"""Section 4 of the note: learned signals reach a signaling system, or get stuck pooling.

Claim: simple learners in a Lewis signaling game invent a code without any
prior convention, but not always a perfect one: with two equiprobable states
reinforcement learners reach a signaling system with probability one
(Argiento, Pemantle, Skyrms and Volkov 2009); with more states a growing share
of runs ends in partial pooling, where several states share a signal (Barrett
2006; Skyrms 2010, *Signals*, ch. 8, about one run in ten with three states);
and a skewed prior makes pooling more likely (Skyrms 2010; Huttegger 2007 for
the replicator dynamics).

What is run (:mod:`cooplab.comm.lewis`): Roth–Erev (basic urn) learners and
two-population replicator dynamics, each over ``runs`` independent runs
batched as arrays, for ``n`` equiprobable states, signals and acts
(``states``), and for two states with the first state's prior at each of
``skews``. Reinforcement plays ``plays_per_state * n`` rounds; the
replicator dynamics integrates ``replicator_steps`` steps of ``dt``.

What is measured: per cell, the share of runs that end at a signaling system,
in partial pooling, in total pooling, or still unsettled (equilibrium regret
above 0.05, see :func:`cooplab.comm.lewis.classify`), with binomial standard
errors, and the expected success (mean and std over runs).

Verdict thresholds come from the claims' words: "with probability one" in a
finite budget reads as at least 90% of reinforcement runs (99% of replicator
runs) at a signaling system and at most 1% in pooling; "becomes more common"
as a rise in the pooled share (partial plus total) from two states to the
most states that is larger than twice its standard error; "about one in ten"
as a pooled share between 4% and 18% for the urn at three states (the band
allows the sampling error of the quick preset and runs still unsettled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.comm.lewis import (
    KINDS,
    PARTIAL_POOLING,
    POOLING,
    SIGNALING_SYSTEM,
    UNSETTLED,
    LewisGame,
    Replicator,
    RothErev,
    classify,
    skewed_prior,
)
from cooplab.experiments.base import Check, Experiment, Table
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress

__all__ = ["EXPERIMENT", "Cell", "Config", "Result", "figures", "run", "tables"]

LEARNERS = ("roth-erev", "replicator")


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    states
        Numbers of equiprobable states (and signals and acts); must include 2 and 3.
    skews
        Priors of the first of two states; must include 0.5.
    runs
        Independent runs per cell (batched).
    plays_per_state
        Roth–Erev plays per run are ``plays_per_state * n``.
    replicator_steps, dt
        Integration steps and step size of the replicator dynamics.
    """

    states: tuple[int, ...] = (2, 3, 4)
    skews: tuple[float, ...] = (0.5, 0.7, 0.9)
    runs: int = 200
    plays_per_state: int = 3500
    replicator_steps: int = 1000
    dt: float = 0.5

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(
            states=(2, 3, 4, 6, 8),
            skews=(0.5, 0.6, 0.7, 0.8, 0.9),
            runs=2000,
            plays_per_state=12500,
            replicator_steps=4000,
        )

    def __post_init__(self) -> None:
        for name in ("runs", "plays_per_state", "replicator_steps"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer; got {v!r}")
        if self.runs < 50:
            raise ValueError(f"runs must be at least 50 (shares need a sample); got {self.runs}")
        states = tuple(self.states)
        if not states or any(
            isinstance(n, bool) or not isinstance(n, int) or n < 2 for n in states
        ):
            raise ValueError(f"states must be integers >= 2; got {self.states!r}")
        if 2 not in states or 3 not in states or len(set(states)) != len(states):
            raise ValueError(f"states must be distinct and include 2 and 3; got {self.states!r}")
        object.__setattr__(self, "states", tuple(sorted(states)))
        skews = tuple(float(s) for s in self.skews)
        if any(not 0.5 <= s < 1 for s in skews) or 0.5 not in skews or len(skews) < 2:
            raise ValueError(
                f"skews must be priors in [0.5, 1), include 0.5 and one more; got {self.skews!r}"
            )
        object.__setattr__(self, "skews", tuple(sorted(set(skews))))
        if not np.isfinite(self.dt) or self.dt <= 0:
            raise ValueError(f"dt must be a positive finite number; got {self.dt!r}")


@dataclass(frozen=True)
class Cell:
    """One learner on one game over all runs.

    ``counts``: runs per kind, in the order of :data:`cooplab.comm.lewis.KINDS`.
    """

    learner: str
    n_states: int
    skew: float
    counts: tuple[int, ...]
    success_mean: float
    success_std: float
    bound_mean: float
    budget: int

    @property
    def runs(self) -> int:
        return sum(self.counts)

    def share(self, kind: str) -> float:
        return self.counts[KINDS.index(kind)] / self.runs

    @property
    def pooled(self) -> float:
        """Share of runs in partial or total pooling."""
        return self.share(PARTIAL_POOLING) + self.share(POOLING)

    def se(self, share: float) -> float:
        """Binomial standard error of a share of this cell's runs."""
        return float(np.sqrt(max(share * (1 - share), 1e-12) / self.runs))


@dataclass(frozen=True)
class Result:
    """All cells and the checks."""

    cells: tuple[Cell, ...]
    checks: tuple[Check, ...]

    def get(self, learner: str, n_states: int, skew: float | None = None) -> Cell:
        for c in self.cells:
            if c.learner == learner and c.n_states == n_states:
                if skew is None and abs(c.skew - 1 / n_states) < 1e-9:
                    return c
                if skew is not None and abs(c.skew - skew) < 1e-9:
                    return c
        raise KeyError(f"no cell {learner}, {n_states} states, skew {skew}")

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {}
        for c in self.cells:
            tag = f"{c.learner}, {c.n_states} states, prior {c.skew:.2f}"
            out[f"{tag}: signaling system"] = c.share(SIGNALING_SYSTEM)
            out[f"{tag}: pooled"] = c.pooled
        return out


def _cell(
    learner: str, game: LewisGame, config: Config, rng: np.random.Generator, skew: float
) -> Cell:
    if learner == "roth-erev":
        budget = config.plays_per_state * game.n_states
        model: Any = RothErev(game, runs=config.runs, rng=rng).run(budget)
    else:
        budget = config.replicator_steps
        model = Replicator(game, runs=config.runs, dt=config.dt, rng=rng).run(budget)
    out = classify(game, model.sender, model.receiver)
    counts = out.counts()
    return Cell(
        learner=learner,
        n_states=game.n_states,
        skew=float(skew),
        counts=tuple(counts[k] for k in KINDS),
        success_mean=float(out.success.mean()),
        success_std=float(out.success.std()),
        bound_mean=float(out.bound.mean()),
        budget=int(budget),
    )


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Every learner on every game, then the checks."""
    progress = progress or null_progress
    jobs: list[tuple[str, int, float]] = []
    for learner in LEARNERS:
        jobs += [(learner, n, 1.0 / n) for n in config.states]
        jobs += [(learner, 2, s) for s in config.skews if abs(s - 0.5) > 1e-12]
    gens = rng.spawn(len(jobs))
    weights = [
        (config.plays_per_state * n if learner == "roth-erev" else config.replicator_steps)
        for learner, n, _ in jobs
    ]
    total, done = float(sum(weights)), 0.0
    progress(0, total)
    cells = []
    for (learner, n, skew), g, w in zip(jobs, gens, weights, strict=True):
        prior = None if abs(skew - 1.0 / n) < 1e-12 else skewed_prior(n, skew)
        cells.append(_cell(learner, LewisGame(n, prior=prior), config, g, skew))
        done += w
        progress(done, total)
    result = Result(cells=tuple(cells), checks=())
    return Result(cells=result.cells, checks=_checks(result, config))


def _rise(lo: Cell, hi: Cell, value: str) -> tuple[float, float]:
    a = lo.pooled if value == "pooled" else lo.share(POOLING)
    b = hi.pooled if value == "pooled" else hi.share(POOLING)
    return b - a, float(np.hypot(lo.se(a), hi.se(b)))


def _checks(result: Result, config: Config) -> tuple[Check, ...]:
    re2, rd2 = result.get("roth-erev", 2), result.get("replicator", 2)
    nmax = max(config.states)
    smax = max(config.skews)
    re3 = result.get("roth-erev", 3)

    def row(learner: str) -> str:
        return ", ".join(
            f"{n}: {result.get(learner, n).pooled:.1%} +- {result.get(learner, n).se(result.get(learner, n).pooled):.1%}"
            for n in config.states
        )

    rises = {lr: _rise(result.get(lr, 2), result.get(lr, nmax), "pooled") for lr in LEARNERS}
    skew_rises = {
        lr: _rise(result.get(lr, 2, 0.5), result.get(lr, 2, smax), "total") for lr in LEARNERS
    }
    return (
        Check(
            "With two equiprobable states both learners reach a signaling system in (almost) "
            "every run (Argiento et al. 2009): at least 90% of urn runs and 99% of replicator "
            "runs at a signaling system, at most 1% pooling",
            re2.share(SIGNALING_SYSTEM) >= 0.9
            and re2.pooled <= 0.01
            and rd2.share(SIGNALING_SYSTEM) >= 0.99,
            f"Roth–Erev after {re2.budget:,} plays: signaling system {re2.share(SIGNALING_SYSTEM):.1%}, "
            f"pooling {re2.pooled:.1%}, unsettled {re2.share(UNSETTLED):.1%}; replicator: "
            f"signaling system {rd2.share(SIGNALING_SYSTEM):.1%} ({re2.runs} runs each)",
        ),
        Check(
            "Partial pooling becomes more common as the number of states grows: the pooled share "
            f"rises from 2 to {nmax} states by more than twice its standard error, for both learners",
            all(r > 2 * se for r, se in rises.values()),
            f"pooled share (partial + total) by states, Roth–Erev: {row('roth-erev')}; "
            f"replicator: {row('replicator')}",
        ),
        Check(
            "With three states about one urn run in ten ends pooled (Barrett 2006; Skyrms 2010): "
            "pooled share between 4% and 18%",
            0.04 <= re3.pooled <= 0.18,
            f"Roth–Erev, 3 states, {re3.budget:,} plays: pooled {re3.pooled:.1%} +- "
            f"{re3.se(re3.pooled):.1%}, unsettled {re3.share(UNSETTLED):.1%}, signaling system "
            f"{re3.share(SIGNALING_SYSTEM):.1%}",
        ),
        Check(
            f"A skewed prior makes pooling more likely: with two states, total pooling at prior "
            f"{smax:.2f} exceeds that at 0.5 by more than twice its standard error, for both learners",
            all(r > 2 * se for r, se in skew_rises.values()),
            "total pooling by prior of the first state, "
            + "; ".join(
                f"{lr}: "
                + ", ".join(
                    f"{s:.2f}: {result.get(lr, 2, s).share(POOLING):.1%}" for s in config.skews
                )
                for lr in LEARNERS
            ),
        ),
    )


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def figures(result: Result) -> list[tuple[str, Any]]:
    """Outcome shares against the number of states and against the prior's skew."""
    from cooplab.report.plots import PALETTE, new_figure

    fig, axes = new_figure(10.0, 3.8, ncols=2, sharey=True)
    for ax, learner in zip(np.atleast_1d(axes), LEARNERS, strict=True):
        cells = sorted(
            (
                c
                for c in result.cells
                if c.learner == learner and abs(c.skew - 1 / c.n_states) < 1e-9
            ),
            key=lambda c: c.n_states,
        )
        ns = [c.n_states for c in cells]
        for k, kind in enumerate(KINDS):
            share = np.array([c.share(kind) for c in cells])
            se = np.array([c.se(s) for c, s in zip(cells, share, strict=True)])
            ax.errorbar(ns, share, yerr=2 * se, color=PALETTE[k], marker="o", capsize=3, label=kind)
        ax.set_xlabel("states = signals = acts")
        ax.set_title(f"{learner}: equiprobable states", fontsize=10)
        ax.set_xticks(ns)
    np.atleast_1d(axes)[0].set_ylabel("share of runs (+- 2 s.e.)")
    np.atleast_1d(axes)[0].legend(fontsize=8)

    fig2, ax2 = new_figure(5.6, 3.8)
    for k, learner in enumerate(LEARNERS):
        cells = sorted(
            (c for c in result.cells if c.learner == learner and c.n_states == 2),
            key=lambda c: c.skew,
        )
        xs = [c.skew for c in cells]
        share = np.array([c.share(POOLING) for c in cells])
        se = np.array([c.se(s) for c, s in zip(cells, share, strict=True)])
        ax2.errorbar(xs, share, yerr=2 * se, color=PALETTE[k], marker="o", capsize=3, label=learner)
    ax2.set_xlabel("prior of the first of two states")
    ax2.set_ylabel("share of runs in total pooling")
    ax2.set_title("Skewed priors and pooling (2 states)", fontsize=10)
    ax2.legend(fontsize=8)
    return [("outcomes-by-states", fig), ("pooling-by-prior", fig2)]


def tables(result: Result) -> list[Table]:
    """Every cell: the outcome shares and the expected success."""
    rows = tuple(
        (
            c.learner,
            str(c.n_states),
            f"{c.skew:.2f}",
            f"{c.budget:,}",
            *(f"{c.share(k):.1%}" for k in KINDS),
            f"{c.success_mean:.3f} +- {c.success_std:.3f}",
        )
        for c in result.cells
    )
    return [
        Table(
            title="Where the learners end (share of runs)",
            columns=("learner", "states", "prior of state 1", "plays / steps", *KINDS, "success"),
            rows=rows,
            note="Unsettled: equilibrium regret above 0.05 at the end of the budget.",
        )
    ]


EXPERIMENT = Experiment(
    name="signaling-equilibria",
    title="Signaling games: signaling systems and partial pooling",
    section="4",
    claim=(
        "Agents can invent signals that coordinate their actions without a prior convention, "
        "but learned codes are not always perfect: simple learners in a Lewis signaling game "
        "reach a signaling system with two equiprobable states, while with more states or a "
        "skewed prior a growing share of runs gets stuck in partial pooling."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
