"""Section 2.2 of the note: independent learners in the iterated prisoner's dilemma.

Claim: learners that each optimise their own reward against a non-stationary
environment (the other learner) settle into mutual defection, the stage
game's equilibrium, although mutual cooperation pays both more.

What is run (:class:`cooplab.learning.QLearning`), over several seeds:

1. Stateless independent Q-learners (the repeated stage game is one state),
   with epsilon-greedy and with Boltzmann exploration.
2. Memory-one independent Q-learners: the state is the previous joint
   action, with discount ``gamma`` (Sandholm & Crites 1996), so reciprocity
   (cooperate after cooperation) is representable; the same two explorations.

Each run ends with its learners' greedy policies: with no exploration,
play from the final state settles into a cycle of joint actions
(:meth:`QLearning.greedy_cycle`). A run *settles into mutual defection* when
that cycle is (D, D) alone. The checks ask that this happen in at least
``majority`` of the seeds of each variant, and report the rest (the
realised outcome frequencies and rewards over the last ``window`` share of
the steps, exploration included).

The prisoner's dilemma is Axelrod's (T, R, P, S) = (5, 3, 1, 0).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.games.catalog import prisoners_dilemma
from cooplab.learning.q_learning import QLearning
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import spawn_seeds

__all__ = ["EXPERIMENT", "Config", "Result", "figures", "run", "tables"]

#: The variants: label, memory, exploration.
VARIANTS: tuple[tuple[str, int, str], ...] = (
    ("stateless, epsilon-greedy", 0, "epsilon-greedy"),
    ("stateless, Boltzmann", 0, "boltzmann"),
    ("memory-one, epsilon-greedy", 1, "epsilon-greedy"),
    ("memory-one, Boltzmann", 1, "boltzmann"),
)
OUTCOMES = ("CC", "CD", "DC", "DD")
CURVE_POINTS = 100


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    steps, seeds
        Steps per run of the stateless learners, and runs per variant.
    memory_one_steps
        Steps per run of the memory-one learners (five states to learn in,
        so they need longer).
    alpha, epsilon, temperature
        Q-learning's learning rate, epsilon-greedy exploration and Boltzmann
        temperature (in payoff units).
    gamma
        Discount of the memory-one learners (the stateless ones use 0).
    window
        Share of the final steps over which the realised play is measured.
    majority
        Share of seeds that must settle into mutual defection for a check to hold.
    T, R, P, S
        The prisoner's dilemma.
    """

    steps: int = 2000
    memory_one_steps: int = 10000
    seeds: int = 3
    alpha: float = 0.1
    epsilon: float = 0.1
    temperature: float = 0.5
    gamma: float = 0.9
    window: float = 0.2
    majority: float = 2 / 3
    T: float = 5.0
    R: float = 3.0
    P: float = 1.0
    S: float = 0.0

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(steps=20000, memory_one_steps=50000, seeds=20)

    def __post_init__(self) -> None:
        for name in ("steps", "memory_one_steps", "seeds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        if min(self.steps, self.memory_one_steps) < 10:
            raise ValueError(
                f"steps and memory_one_steps must be at least 10; got {self.steps} and "
                f"{self.memory_one_steps}"
            )
        for name, low, high, closed in (
            ("alpha", 0.0, 1.0, True),
            ("epsilon", 0.0, 1.0, True),
            ("gamma", 0.0, 1.0, False),
            ("window", 0.0, 1.0, True),
            ("majority", 0.0, 1.0, True),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number; got {value!r}")
            if not (low < value <= high if closed else low <= value < high):
                interval = f"({low:g}, {high:g}]" if closed else f"[{low:g}, {high:g})"
                raise ValueError(f"{name} must be in {interval}; got {value!r}")
        if (
            isinstance(self.temperature, bool)
            or not isinstance(self.temperature, int | float)
            or not self.temperature > 0
        ):
            raise ValueError(f"temperature must be a positive number; got {self.temperature!r}")
        prisoners_dilemma(T=self.T, R=self.R, P=self.P, S=self.S)  # raises naming the condition


@dataclass(frozen=True)
class RunSummary:
    """One run: where greedy play settles and what was played at the end."""

    variant: str
    seed: int
    greedy_cycle: tuple[str, ...]
    mutual_defection: bool
    final_frequencies: tuple[float, float, float, float]
    final_reward: float


@dataclass(frozen=True)
class Curve:
    """Probability of cooperating (mean of the two exploration policies) over time, across seeds."""

    variant: str
    steps: tuple[int, ...]
    mean: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict."""

    runs: tuple[RunSummary, ...]
    curves: tuple[Curve, ...]
    payoffs: tuple[float, float, float, float]
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {}
        for label, _, _ in VARIANTS:
            rows = [r for r in self.runs if r.variant == label]
            if not rows:
                continue
            out[f"{label}: settled into mutual defection"] = (
                f"{sum(r.mutual_defection for r in rows)}/{len(rows)}"
            )
            out[f"{label}: final reward per step (mean)"] = float(
                np.mean([r.final_reward for r in rows])
            )
        return out


def _task(task: tuple[str, int, str, int, Any, Config]) -> dict[str, Any]:
    label, memory, exploration, index, seed, config = task
    game = prisoners_dilemma(T=config.T, R=config.R, P=config.P, S=config.S)
    learner = QLearning(
        game,
        exploration=exploration,
        alpha=config.alpha,
        gamma=config.gamma if memory else 0.0,
        epsilon=config.epsilon,
        temperature=config.temperature,
        memory=memory,
        rng=seed,
    )
    steps = config.memory_one_steps if memory else config.steps
    window = max(1, round(config.window * steps))
    learner.run(steps - window)
    # One joint action is played per step, so counts are the distribution times the steps.
    before = learner.joint_distribution * learner.steps_taken if learner.steps_taken else 0.0
    learner.run(window)
    counts = learner.joint_distribution * learner.steps_taken - before
    freq = counts.ravel() / counts.sum()
    stage = game.payoffs.reshape(2, 4)
    reward = float((stage.mean(axis=0) * freq).sum())
    cycle = learner.greedy_cycle()
    names = ("C", "D")
    labels = tuple(names[a] + names[b] for a, b in cycle)
    coop = 0.5 * (learner.history(0)[:, 0] + learner.history(1)[:, 0])
    edges = np.linspace(0, coop.shape[0], CURVE_POINTS + 1).round().astype(int)
    binned = np.array([coop[a:b].mean() for a, b in itertools.pairwise(edges)])
    return {
        "summary": RunSummary(
            variant=label,
            seed=index,
            greedy_cycle=labels,
            mutual_defection=labels == ("DD",),
            final_frequencies=tuple(float(x) for x in freq),  # type: ignore[arg-type]
            final_reward=reward,
        ),
        "steps": edges[1:] - 1,
        "coop": binned,
    }


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Run every variant from ``config.seeds`` seeds."""
    progress = progress or null_progress
    executor = executor or Executor("serial")
    seeds = spawn_seeds(rng, len(VARIANTS) * config.seeds)
    tasks = [
        (*variant, k, seeds[v * config.seeds + k], config)
        for v, variant in enumerate(VARIANTS)
        for k in range(config.seeds)
    ]
    outputs = executor.map_values(_task, tasks, progress=progress)
    curves = []
    for v, (label, _, _) in enumerate(VARIANTS):
        outs = outputs[v * config.seeds : (v + 1) * config.seeds]
        coop = np.stack([o["coop"] for o in outs])
        curves.append(
            Curve(
                variant=label,
                steps=tuple(int(s) for s in outs[0]["steps"]),
                mean=tuple(float(x) for x in coop.mean(axis=0)),
                low=tuple(float(x) for x in coop.min(axis=0)),
                high=tuple(float(x) for x in coop.max(axis=0)),
            )
        )
    runs = tuple(o["summary"] for o in outputs)
    return Result(
        runs=runs,
        curves=tuple(curves),
        payoffs=(config.T, config.R, config.P, config.S),
        checks=_checks(runs, config),
    )


def _variant_detail(rows: list[RunSummary]) -> str:
    settled = sum(r.mutual_defection for r in rows)
    others = [" ".join(r.greedy_cycle) for r in rows if not r.mutual_defection]
    freq = np.array([r.final_frequencies for r in rows])
    reward = [r.final_reward for r in rows]
    return (
        f"{rows[0].variant}: mutual defection in {settled}/{len(rows)} seeds"
        + (f" (others settled into {', '.join(others)})" if others else "")
        + f"; final play DD {freq[:, 3].mean():.2f} ± {freq[:, 3].std():.2f}, "
        f"CC {freq[:, 0].mean():.2f} ± {freq[:, 0].std():.2f}; reward per step "
        f"{np.mean(reward):.2f} ± {np.std(reward):.2f}"
    )


def _checks(runs: tuple[RunSummary, ...], config: Config) -> tuple[Check, ...]:
    checks = []
    for memory, what in ((0, "Stateless"), (1, "Memory-one")):
        labels = [label for label, mem, _ in VARIANTS if mem == memory]
        groups = [[r for r in runs if r.variant == label] for label in labels]
        held = all(
            sum(r.mutual_defection for r in rows) >= config.majority * len(rows) for rows in groups
        )
        checks.append(
            Check(
                f"{what} independent Q-learners in the iterated prisoner's dilemma settle into "
                f"mutual defection (in at least {config.majority:.0%} of the seeds)",
                bool(held),
                "; ".join(_variant_detail(rows) for rows in groups),
            )
        )
    rewards = [r.final_reward for r in runs if r.mutual_defection]
    checks.append(
        Check(
            "Where they settle into mutual defection they earn about P, less than the R mutual "
            "cooperation would pay",
            bool(rewards) and float(np.mean(rewards)) < (config.P + config.R) / 2,
            f"mean reward per step over the final {config.window:.0%} of those runs "
            f"{np.mean(rewards) if rewards else float('nan'):.3f} (P = {config.P:g}, "
            f"R = {config.R:g}; exploration included)",
        )
    )
    return tuple(checks)


def figures(result: Result) -> list[tuple[str, Any]]:
    """Cooperation over time per variant (band: min-max over seeds), and final outcome frequencies."""
    fig, ax = new_figure(6.8, 3.8)
    for k, c in enumerate(result.curves):
        t = np.asarray(c.steps)
        ax.plot(t, c.mean, color=PALETTE[k], lw=1.2, label=c.variant)
        ax.fill_between(t, c.low, c.high, color=PALETTE[k], alpha=0.15)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("step")
    ax.set_ylabel("probability of cooperating")
    ax.set_title("Independent Q-learners in the iterated prisoner's dilemma", fontsize=10)
    ax.legend(fontsize=7)

    fig2, ax2 = new_figure(6.8, 3.6)
    width = 0.8 / len(VARIANTS)
    x = np.arange(len(OUTCOMES))
    for k, (label, _, _) in enumerate(VARIANTS):
        rows = [r for r in result.runs if r.variant == label]
        if not rows:
            continue
        freq = np.array([r.final_frequencies for r in rows])
        ax2.bar(
            x + (k - (len(VARIANTS) - 1) / 2) * width,
            freq.mean(axis=0),
            width,
            yerr=freq.std(axis=0),
            color=PALETTE[k],
            label=label,
            capsize=2,
        )
    ax2.set_xticks(x, OUTCOMES)
    ax2.set_ylabel("share of final play (± sd over seeds)")
    ax2.set_title("What was played at the end (exploration included)", fontsize=10)
    ax2.legend(fontsize=7)
    return [("cooperation-over-time", fig), ("final-outcomes", fig2)]


def tables(result: Result) -> list[Table]:
    """Per run: the greedy cycle and the final play."""
    rows = tuple(
        (
            r.variant,
            str(r.seed),
            " ".join(r.greedy_cycle),
            " ".join(f"{o} {f:.2f}" for o, f in zip(OUTCOMES, r.final_frequencies, strict=True)),
            f"{r.final_reward:.3f}",
        )
        for r in result.runs
    )
    t, r_, p, s = result.payoffs
    return [
        Table(
            title="Where each run settles",
            columns=("variant", "seed", "greedy cycle", "final play", "reward per step"),
            rows=rows,
            note=f"Prisoner's dilemma T={t:g}, R={r_:g}, P={p:g}, S={s:g}. Greedy cycle: the "
            "joint actions greedy play (no exploration) repeats from the final state.",
        )
    ]


EXPERIMENT = Experiment(
    name="independent-learners-defect",
    title="Independent learners in the iterated prisoner's dilemma",
    section="2.2",
    claim=(
        "Standard RL convergence guarantees assume stationarity; in multi-agent RL they "
        "break. Agents can converge to an outcome that is not the cooperative one: "
        "independent Q-learners in the iterated prisoner's dilemma settle into mutual "
        "defection."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
