"""Section 2.2 of the note: non-stationarity made visible.

Claim: each learner's environment is the others' changing policies, so
independent learners chase each other and cycle, or settle somewhere that
is not the game's Nash equilibrium.

What is run (:mod:`cooplab.learning`), every learner from several seeds
(random initial mixed strategies for the gradient learners; the draws of
Q-learning and the tie-breaks of fictitious play):

1. Matching pennies, rock-paper-scissors and Shapley's game (unique, fully
   mixed equilibrium): projected gradient ascent (IGA; Singh, Kearns &
   Mansour 2000), independent epsilon-greedy Q-learning and fictitious play.
2. A 3-action pure coordination game and the stag hunt (both potential
   games, with pure equilibria): the same learners.
3. WoLF-IGA (Bowling & Veloso 2002) wherever the game is 2x2, against plain
   IGA; with the full preset also WoLF-PHC with decaying rates in matching
   pennies and rock-paper-scissors.

Each run is classified by :func:`cooplab.learning.classify_run` over its
second half: *converged* (the last iterate moves less than ``move_tol`` in
total variation), *cycling* (it keeps moving while the time-averaged
policy's relative NashConv is at most ``nash_tol``) or *not converging*
(neither). Relative NashConv is NashConv divided by the sum of the players'
payoff ranges. The checks ask that a verdict hold in at least ``majority``
of the seeds of every cell named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.games.catalog import make
from cooplab.learning.base import Learner
from cooplab.learning.diagnostics import (
    CONVERGED,
    CYCLING,
    NOT_CONVERGING,
    classify_run,
    equilibrium_distance_path,
    find_equilibria,
    nash_conv_path,
    running_average,
)
from cooplab.learning.fictitious_play import FictitiousPlay
from cooplab.learning.gradient import GradientAscent, WoLFIGA, WoLFPHC
from cooplab.learning.q_learning import QLearning
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import spawn_seeds

__all__ = ["EXPERIMENT", "Config", "Result", "figures", "run", "tables"]

#: The games: catalog name, parameters, and the label used in the report.
GAMES: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("matching-pennies", {}, "Matching pennies"),
    ("rock-paper-scissors", {}, "Rock-paper-scissors"),
    ("shapley", {}, "Shapley's game"),
    ("pure-coordination", {"n_actions": 3}, "Coordination (3 actions)"),
    ("stag-hunt", {}, "Stag hunt"),
)
CYCLING_GAMES = ("Matching pennies", "Rock-paper-scissors")
SHAPLEY = "Shapley's game"
CONVERGING_GAMES = ("Coordination (3 actions)", "Stag hunt")
BASE_LEARNERS = ("iga", "q-learning", "fictitious-play")
#: Points kept of each curve and trajectory for the report.
CURVE_POINTS = 200


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    steps
        Steps per run.
    seeds
        Runs per (game, learner).
    gradient_step
        Step size of IGA and WoLF-IGA.
    wolf_l_max
        WoLF-IGA's losing rate (its winning rate is 1).
    q_alpha, q_epsilon
        Q-learning's learning rate and exploration.
    wolf_phc_steps
        Steps of the WoLF-PHC runs (0: none).
    wolf_phc_decay
        WoLF-PHC's ``decay_steps``.
    move_tol, nash_tol
        Thresholds of :func:`cooplab.learning.classify_run`.
    majority
        Share of seeds in which a verdict must hold for a check to hold.
    """

    steps: int = 3000
    seeds: int = 3
    gradient_step: float = 0.01
    wolf_l_max: float = 4.0
    q_alpha: float = 0.1
    q_epsilon: float = 0.1
    wolf_phc_steps: int = 0
    wolf_phc_decay: float = 20000.0
    move_tol: float = 0.05
    nash_tol: float = 0.05
    majority: float = 2 / 3

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(steps=20000, seeds=10, wolf_phc_steps=200000)

    def __post_init__(self) -> None:
        for name in ("steps", "seeds", "wolf_phc_steps"):
            value = getattr(self, name)
            low = 0 if name == "wolf_phc_steps" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
        if self.steps < 10:
            raise ValueError(f"steps must be at least 10 to have a final window; got {self.steps}")
        for name, low, high in (
            ("gradient_step", 0.0, 1.0),
            ("q_alpha", 0.0, 1.0),
            ("q_epsilon", 0.0, 1.0),
            ("move_tol", 0.0, 1.0),
            ("nash_tol", 0.0, 1.0),
            ("majority", 0.0, 1.0),
        ):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not (low < value <= high)
            ):
                raise ValueError(f"{name} must be a number in ({low:g}, {high:g}]; got {value!r}")
        for name in ("wolf_l_max", "wolf_phc_decay"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValueError(f"{name} must be a positive number; got {value!r}")
        if not self.wolf_l_max > 1:
            raise ValueError(f"wolf_l_max must exceed the winning rate 1; got {self.wolf_l_max!r}")


@dataclass(frozen=True)
class RunSummary:
    """One run's diagnosis."""

    game: str
    learner: str
    seed: int
    verdict: str
    movement: float
    last_nash_conv: float
    average_nash_conv: float
    average_distance: float


@dataclass(frozen=True)
class Curves:
    """Relative NashConv over time across seeds, and the first seed's trajectory."""

    game: str
    learner: str
    steps: tuple[int, ...]
    current_mean: tuple[float, ...]
    current_low: tuple[float, ...]
    current_high: tuple[float, ...]
    average_mean: tuple[float, ...]
    average_low: tuple[float, ...]
    average_high: tuple[float, ...]
    trajectory: tuple[tuple[tuple[float, ...], ...], ...]
    average_trajectory: tuple[tuple[tuple[float, ...], ...], ...]


@dataclass(frozen=True)
class GameInfo:
    """A game's actions and equilibria (for the plots)."""

    name: str
    action_names: tuple[tuple[str, ...], ...]
    equilibria: tuple[tuple[tuple[float, ...], ...], ...]


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict."""

    games: tuple[GameInfo, ...]
    runs: tuple[RunSummary, ...]
    curves: tuple[Curves, ...]
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {}
        for (game, learner), rows in _cells(self.runs).items():
            counts = _verdict_counts(rows)
            out[f"{game} / {learner}: verdicts"] = ", ".join(
                f"{k} {v}/{len(rows)}" for k, v in counts.items() if v
            )
            out[f"{game} / {learner}: final NashConv of the average (mean)"] = float(
                np.mean([r.average_nash_conv for r in rows])
            )
        return out


# ---------------------------------------------------------------------------
# The runs
# ---------------------------------------------------------------------------
def _learner(kind: str, game: Any, config: Config, seed: Any) -> Learner:
    if kind == "iga":
        return GradientAscent(game, step=config.gradient_step, initial="random", rng=seed)
    if kind == "wolf-iga":
        return WoLFIGA(
            game,
            step=config.gradient_step,
            l_min=1.0,
            l_max=config.wolf_l_max,
            initial="random",
            rng=seed,
        )
    if kind == "q-learning":
        return QLearning(
            game,
            exploration="epsilon-greedy",
            alpha=config.q_alpha,
            epsilon=config.q_epsilon,
            rng=seed,
        )
    if kind == "fictitious-play":
        return FictitiousPlay(game, rng=seed)
    if kind == "wolf-phc":
        return WoLFPHC(game, decay_steps=config.wolf_phc_decay, initial="random", rng=seed)
    raise ValueError(f"unknown learner {kind!r}")


def _downsample(length: int) -> np.ndarray:
    return np.unique(np.linspace(0, length - 1, min(CURVE_POINTS, length)).round().astype(int))


def _task(task: tuple[str, dict[str, Any], str, str, int, Any, Config]) -> dict[str, Any]:
    name, params, label, kind, index, seed, config = task
    game = make(name, **params)
    steps = config.wolf_phc_steps if kind == "wolf-phc" else config.steps
    learner = _learner(kind, game, config, seed).run(steps)
    path = list(learner.histories())
    average = [running_average(h) for h in path]
    diag = classify_run(game, path, tail=0.5, move_tol=config.move_tol, nash_tol=config.nash_tol)
    scale = float(np.sum(game.payoff_spread))
    keep = _downsample(steps + 1)
    current_nc = nash_conv_path(game, [h[keep] for h in path]) / scale
    average_nc = nash_conv_path(game, [h[keep] for h in average]) / scale
    distance = equilibrium_distance_path(game, [h[-1:] for h in average])
    return {
        "summary": RunSummary(
            game=label,
            learner=kind,
            seed=index,
            verdict=diag.verdict,
            movement=diag.movement,
            last_nash_conv=diag.last_nash_conv,
            average_nash_conv=diag.average_nash_conv,
            average_distance=float(distance[0]),
        ),
        "steps": keep,
        "current": current_nc,
        "average": average_nc,
        "trajectory": [h[keep] for h in path] if index == 0 else None,
        "average_trajectory": [h[keep] for h in average] if index == 0 else None,
    }


def _plan(config: Config) -> list[tuple[str, dict[str, Any], str, str]]:
    plan = []
    for name, params, label in GAMES:
        game = make(name, **params)
        kinds = list(BASE_LEARNERS)
        if game.n_actions == (2, 2):
            kinds.append("wolf-iga")
        if config.wolf_phc_steps > 0 and label in CYCLING_GAMES:
            kinds.append("wolf-phc")
        plan.extend((name, params, label, kind) for kind in kinds)
    return plan


def _tuple(x: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in x)


def _path(arrays: list[np.ndarray]) -> tuple[tuple[tuple[float, ...], ...], ...]:
    return tuple(tuple(_tuple(row) for row in a) for a in arrays)


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Run every learner on every game from ``config.seeds`` seeds and classify the runs."""
    progress = progress or null_progress
    executor = executor or Executor("serial")
    plan = _plan(config)
    seeds = spawn_seeds(rng, len(plan) * config.seeds)
    tasks = [
        (*cell, k, seeds[c * config.seeds + k], config)
        for c, cell in enumerate(plan)
        for k in range(config.seeds)
    ]
    outputs = executor.map_values(_task, tasks, progress=progress)

    curves = []
    for c, (_, _, label, kind) in enumerate(plan):
        outs = outputs[c * config.seeds : (c + 1) * config.seeds]
        cur = np.stack([o["current"] for o in outs])
        avg = np.stack([o["average"] for o in outs])
        first = outs[0]
        curves.append(
            Curves(
                game=label,
                learner=kind,
                steps=tuple(int(s) for s in first["steps"]),
                current_mean=_tuple(cur.mean(axis=0)),
                current_low=_tuple(cur.min(axis=0)),
                current_high=_tuple(cur.max(axis=0)),
                average_mean=_tuple(avg.mean(axis=0)),
                average_low=_tuple(avg.min(axis=0)),
                average_high=_tuple(avg.max(axis=0)),
                trajectory=_path(first["trajectory"]),
                average_trajectory=_path(first["average_trajectory"]),
            )
        )
    games = []
    for name, params, label in GAMES:
        game = make(name, **params)
        games.append(
            GameInfo(
                name=label,
                action_names=game.action_names,
                equilibria=tuple(tuple(_tuple(p) for p in eq) for eq in find_equilibria(game)),
            )
        )
    runs = tuple(o["summary"] for o in outputs)
    return Result(games=tuple(games), runs=runs, curves=tuple(curves), checks=_checks(runs, config))


# ---------------------------------------------------------------------------
# Verdicts
# ---------------------------------------------------------------------------
def _cells(runs: tuple[RunSummary, ...]) -> dict[tuple[str, str], list[RunSummary]]:
    out: dict[tuple[str, str], list[RunSummary]] = {}
    for r in runs:
        out.setdefault((r.game, r.learner), []).append(r)
    return out


def _verdict_counts(rows: list[RunSummary]) -> dict[str, int]:
    return {v: sum(r.verdict == v for r in rows) for v in (CONVERGED, CYCLING, NOT_CONVERGING)}


def _share(rows: list[RunSummary], ok: Any) -> float:
    return sum(bool(ok(r)) for r in rows) / len(rows)


def _cell_check(
    cells: dict[tuple[str, str], list[RunSummary]],
    keys: list[tuple[str, str]],
    ok: Any,
    majority: float,
    what: str,
) -> tuple[bool, str]:
    parts, held = [], True
    for key in keys:
        rows = cells.get(key, [])
        if not rows:
            return False, f"{key[0]} / {key[1]}: no runs"
        share = _share(rows, ok)
        held &= share >= majority
        nc = [r.average_nash_conv for r in rows]
        mv = [r.movement for r in rows]
        parts.append(
            f"{key[0]} / {key[1]}: {what} in {round(share * len(rows))}/{len(rows)} seeds "
            f"(movement {np.mean(mv):.2f} ± {np.std(mv):.2f}, NashConv of the average "
            f"{np.mean(nc):.3f} ± {np.std(nc):.3f})"
        )
    return bool(held), "; ".join(parts)


def _checks(runs: tuple[RunSummary, ...], config: Config) -> tuple[Check, ...]:
    cells = _cells(runs)
    m = config.majority
    checks = []
    held, detail = _cell_check(
        cells,
        [(g, k) for g in CYCLING_GAMES for k in ("iga", "q-learning")],
        lambda r: r.verdict == CYCLING,
        m,
        "cycling",
    )
    checks.append(
        Check(
            "In matching pennies and rock-paper-scissors the last iterate of gradient ascent and "
            "Q-learning keeps cycling while the time average approaches the equilibrium",
            held,
            detail,
        )
    )
    held, detail = _cell_check(
        cells,
        [(SHAPLEY, k) for k in BASE_LEARNERS],
        lambda r: r.movement > config.move_tol,
        m,
        "last iterate still moving",
    )
    checks.append(
        Check("In Shapley's game the last iterate of every learner keeps moving", held, detail)
    )
    held, detail = _cell_check(
        cells,
        [(SHAPLEY, "fictitious-play")],
        lambda r: r.average_nash_conv > config.nash_tol,
        m,
        "time average away from the equilibrium",
    )
    checks.append(
        Check(
            "In Shapley's game the time average of fictitious play does not approach the "
            "equilibrium (Shapley 1964)",
            held,
            detail,
        )
    )
    held, detail = _cell_check(
        cells,
        [(SHAPLEY, k) for k in ("iga", "q-learning")],
        lambda r: r.average_nash_conv > config.nash_tol,
        m,
        "time average away from the equilibrium",
    )
    checks.append(
        Check(
            "In Shapley's game the time averages of gradient ascent and Q-learning do not "
            "approach the equilibrium either",
            held,
            detail,
        )
    )
    held, detail = _cell_check(
        cells,
        [(g, k) for g in CONVERGING_GAMES for k in BASE_LEARNERS],
        lambda r: r.verdict == CONVERGED,
        m,
        "converged",
    )
    checks.append(
        Check(
            "In coordination and potential games (3-action coordination, stag hunt) the same "
            "learners converge",
            held,
            detail,
        )
    )
    wolf_held, wolf_detail = _cell_check(
        cells,
        [("Matching pennies", "wolf-iga")],
        lambda r: r.verdict == CONVERGED and r.last_nash_conv <= config.nash_tol,
        m,
        "converged to the equilibrium",
    )
    iga_held, iga_detail = _cell_check(
        cells,
        [("Matching pennies", "iga")],
        lambda r: r.verdict == CYCLING,
        m,
        "cycling",
    )
    checks.append(
        Check(
            "WoLF converges where plain gradient ascent cycles (WoLF-IGA against IGA in matching "
            "pennies; Bowling & Veloso 2002)",
            wolf_held and iga_held,
            f"{wolf_detail}; {iga_detail}",
        )
    )
    if config.wolf_phc_steps > 0:
        held, detail = _cell_check(
            cells,
            [(g, "wolf-phc") for g in CYCLING_GAMES],
            lambda r: r.verdict == CONVERGED and r.last_nash_conv <= config.nash_tol,
            m,
            "converged to the equilibrium",
        )
        checks.append(
            Check(
                f"WoLF-PHC with decaying rates converges in matching pennies and "
                f"rock-paper-scissors ({config.wolf_phc_steps} steps)",
                held,
                detail,
            )
        )
    return tuple(checks)


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def _learner_colors(result: Result) -> dict[str, str]:
    kinds = sorted({c.learner for c in result.curves})
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(kinds)}


def figures(result: Result) -> list[tuple[str, Any]]:
    """Trajectories (unit square or simplices) of the first seed, and NashConv curves over seeds."""
    from cooplab.learning.plots import draw_trajectory

    colors = _learner_colors(result)
    info = {g.name: g for g in result.games}
    out: list[tuple[str, Any]] = []
    for g in result.games:
        rows = [c for c in result.curves if c.game == g.name]
        if not rows:
            continue
        sizes = [len(p[0]) for p in rows[0].trajectory]
        if sizes == [2, 2]:
            fig, axes = new_figure(3.4 * len(rows), 3.6, ncols=len(rows))
            axes = list(np.atleast_1d(axes))
            for ax, c in zip(axes, rows, strict=True):
                draw_trajectory(
                    [ax],
                    [np.asarray(p) for p in c.trajectory],
                    [np.asarray(p) for p in c.average_trajectory],
                    action_names=info[g.name].action_names,
                    equilibria=info[g.name].equilibria,
                    color=colors[c.learner],
                )
                ax.set_title(c.learner, fontsize=9)
        else:
            fig, axes = new_figure(6.4, 2.9 * len(rows), nrows=len(rows), ncols=2, squeeze=False)
            for r, c in enumerate(rows):
                draw_trajectory(
                    list(axes[r]),
                    [np.asarray(p) for p in c.trajectory],
                    [np.asarray(p) for p in c.average_trajectory],
                    action_names=info[g.name].action_names,
                    equilibria=info[g.name].equilibria,
                    color=colors[c.learner],
                )
                axes[r][0].set_title(f"{c.learner}: Row", fontsize=9)
                axes[r][1].set_title(f"{c.learner}: Column", fontsize=9)
        fig.suptitle(
            f"{g.name}: policies played (solid) and their time average (dashed), first seed; "
            f"stars are equilibria",
            fontsize=9,
        )
        slug = g.name.lower().replace("'", "").replace(" ", "-").replace("(", "").replace(")", "")
        out.append((f"trajectories-{slug}", fig))

    ncols = 3
    nrows = (len(result.games) + ncols) // ncols  # one spare panel for the legend
    fig, grid = new_figure(12.0, 3.3 * nrows, nrows=nrows, ncols=ncols, squeeze=False)
    axes = [ax for row in grid for ax in row]
    for ax, g in zip(axes, result.games, strict=False):
        for c in (c for c in result.curves if c.game == g.name):
            t = np.asarray(c.steps)
            col = colors[c.learner]
            floor = 1e-5
            ax.plot(t, np.maximum(c.current_mean, floor), color=col, lw=1.0, label=c.learner)
            ax.fill_between(
                t,
                np.maximum(c.current_low, floor),
                np.maximum(c.current_high, floor),
                color=col,
                alpha=0.15,
            )
            ax.plot(t, np.maximum(c.average_mean, floor), color=col, lw=1.2, ls="--")
        ax.set_yscale("log")
        ax.set_title(g.name, fontsize=9)
        ax.set_xlabel("step")
    for row in grid:
        row[0].set_ylabel("relative NashConv")
    spare = axes[len(result.games)]
    handles, labels = axes[0].get_legend_handles_labels()
    seen = dict(zip(labels, handles, strict=True))
    for ax in axes[1 : len(result.games)]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(lab, h)
    spare.legend(list(seen.values()), list(seen.keys()), loc="center", fontsize=8)
    for ax in axes[len(result.games) :]:
        ax.axis("off")
    fig.suptitle(
        "NashConv of the last iterate (solid, band: min-max over seeds) and of the time average "
        "(dashed)",
        fontsize=9,
    )
    out.append(("nash-conv", fig))
    return out


def tables(result: Result) -> list[Table]:
    """Verdicts per game and learner over seeds, with the spread."""
    rows = []
    for (game, learner), runs in _cells(result.runs).items():
        counts = _verdict_counts(runs)
        mv = [r.movement for r in runs]
        last = [r.last_nash_conv for r in runs]
        avg = [r.average_nash_conv for r in runs]
        dist = [r.average_distance for r in runs]
        rows.append(
            (
                game,
                learner,
                f"{counts[CONVERGED]}/{counts[CYCLING]}/{counts[NOT_CONVERGING]}",
                f"{np.mean(mv):.3f} ± {np.std(mv):.3f}",
                f"{np.mean(last):.3f} ± {np.std(last):.3f}",
                f"{np.mean(avg):.4f} ± {np.std(avg):.4f}",
                f"{np.mean(dist):.3f} ± {np.std(dist):.3f}",
            )
        )
    return [
        Table(
            title="Cycling or convergence, over seeds",
            columns=(
                "game",
                "learner",
                "converged / cycling / not converging",
                "last-iterate movement",
                "NashConv of last iterate",
                "NashConv of time average",
                "time average's distance to nearest equilibrium",
            ),
            rows=tuple(rows),
            note="Mean ± standard deviation over seeds. Movement: largest total-variation "
            "distance of the policies from their mean over the second half of the run. NashConv "
            "relative to the sum of the payoff ranges. Distance: largest total-variation "
            "distance over players.",
        )
    ]


EXPERIMENT = Experiment(
    name="non-stationarity",
    title="Non-stationarity: learners that chase each other",
    section="2.2",
    claim=(
        "Every agent's environment is the other agents' policies. As other agents learn, each "
        "agent faces a non-stationary environment. Agents can chase each other's past "
        "policies, oscillating without converging."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
