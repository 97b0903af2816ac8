"""Section 5 of the note: partial observability (recurrent agents, centralised critics).

Claim: each agent sees only part of the state; recurrent policies and a
centralised critic with decentralised execution (CTDE) are the standard
tools. Two comparisons on predator-prey with limited sight, where a prey is
caught only when two predators are next to it:

1. memory: QMIX with feed-forward agents (acting on the current view) against
   QMIX with GRU agents (acting on the history of views; Hausknecht & Stone
   2015, Rashid et al. 2018);
2. the critic: IPPO, whose critic sees what the agent sees (de Witt et al.
   2020), against MAPPO, whose critic sees the global state during training
   (Yu et al. 2022); both execute decentralised.

What is measured: the greedy return over training (mean and spread over
seeds in every plot) and its mean over the run (area under the curve).
Verdicts: a tool *helps* when its area under the curve exceeds the other's
by more than the larger of the two standard errors of the areas over
seeds; each claim is
reported as holding or not from those numbers. The quick preset is a short
smoke run on two seeds (too short to separate the variants: its verdicts are
what they are); the full preset is the test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments._marl_runs import Curve, RunSpec, plot_curves, run_specs
from cooplab.experiments.base import Check, Experiment, Table
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress

__all__ = ["EXPERIMENT", "Config", "Result", "figures", "run", "tables"]

PREY = "predator_prey_v1"
VARIANTS: tuple[tuple[str, str, bool], ...] = (
    ("QMIX, feed-forward", "qmix", False),
    ("QMIX, recurrent", "qmix", True),
    ("IPPO (decentralised critic)", "ippo", True),
    ("MAPPO (centralised critic)", "mappo", True),
)
TRAIN: tuple[tuple[str, Any], ...] = (
    ("num_envs", 8),
    ("batch_size", 32),
    ("buffer_size", 2000),
    ("hidden", 64),
    ("lr", 5e-4),
    ("updates_per_collect", 4),  # QMIX: gradient steps per 8 episodes (PPO ignores it)
    ("target_update_interval", 200),
    ("eval_episodes", 16),
)


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    seeds
        Runs per variant (at least 2).
    steps
        Environment steps per run.
    env_params
        Parameters of the predator-prey environment (``cooplab.envs.make``), as
        pairs; by default four predators and two prey on a 6x6 grid, each
        predator seeing the 3x3 square around it (``sight`` 1), 25 steps.
    """

    seeds: int = 2
    steps: int = 400
    env_params: tuple[tuple[str, Any], ...] = (
        ("size", 6),
        ("predators", 4),
        ("prey", 2),
        ("sight", 1),
        ("episode_limit", 25),
    )

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(seeds=5, steps=100_000)

    def __post_init__(self) -> None:
        for name in ("seeds", "steps"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer; got {v!r}")
        if self.seeds < 2:
            raise ValueError(f"seeds must be at least 2; got {self.seeds}")


@dataclass(frozen=True)
class Result:
    curves: tuple[Curve, ...]
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {}
        for c in self.curves:
            out[f"{c.label}: mean return over training"] = c.auc
            out[f"{c.label}: final greedy return"] = c.final_mean
        return out


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    progress = progress or null_progress
    executor = executor or Executor("serial")
    specs = [
        RunSpec(
            label,
            algo,
            PREY,
            config.steps,
            config.env_params,
            (
                *TRAIN,
                ("recurrent", recurrent),
                ("epsilon_anneal_steps", config.steps // 4),
                ("eval_interval", max(1, config.steps // 20)),
            ),
        )
        for label, algo, recurrent in VARIANTS
    ]
    curves = run_specs(specs, config.seeds, rng, executor, progress)
    by = {c.label: c for c in curves}

    def compare(better: str, worse: str, claim: str) -> Check:
        b, w = by[better], by[worse]
        margin = max(b.auc_sem, w.auc_sem)
        held = b.auc - w.auc > margin
        return Check(
            claim,
            bool(held),
            f"mean greedy return over training: {better} {b.auc:.3f} +- {b.auc_sem:.3f}, "
            f"{worse} {w.auc:.3f} +- {w.auc_sem:.3f} "
            f"(difference {b.auc - w.auc:+.3f}, margin {margin:.3f}); final: {better} "
            f"{b.final_mean:.3f} +- {b.final_sem:.3f}, {worse} {w.final_mean:.3f} +- {w.final_sem:.3f} "
            f"({config.seeds} seeds)",
        )

    checks = (
        compare(
            "QMIX, recurrent",
            "QMIX, feed-forward",
            "With limited sight, recurrent agents (a memory of past views) learn better than "
            "feed-forward agents",
        ),
        compare(
            "MAPPO (centralised critic)",
            "IPPO (decentralised critic)",
            "A centralised critic (training on the global state, executing on local views) "
            "learns better than a decentralised one",
        ),
    )
    return Result(tuple(curves), checks)


def figures(result: Result) -> list[tuple[str, Any]]:
    from cooplab.report.plots import new_figure

    fig, axes = new_figure(10.0, 3.8, ncols=2, sharey=True)
    plot_curves(axes[0], result.curves[:2], "Memory: feed-forward vs recurrent (QMIX)")
    plot_curves(axes[1], result.curves[2:], "Critic: decentralised vs centralised (PPO)")
    return [("predator-prey", fig)]


def tables(result: Result) -> list[Table]:
    rows = tuple(
        (
            c.label,
            f"{c.auc:.3f} +- {c.auc_sem:.3f}",
            f"{c.final_mean:.3f} +- {c.final_sem:.3f}",
            f"{min(c.finals):.3f} .. {max(c.finals):.3f}",
        )
        for c in result.curves
    )
    return [
        Table(
            title="Predator-prey with limited sight",
            columns=("variant", "mean return over training", "final (mean +- s.e.)", "range"),
            rows=rows,
        )
    ]


EXPERIMENT = Experiment(
    name="partial-observability",
    title="Partial observability: recurrent agents and centralised critics",
    section="5",
    claim=(
        "Each agent sees only part of the state; recurrent policies and a centralised critic "
        "with decentralised execution are the standard tools, and help on predator-prey with "
        "limited sight."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
    requires=("torch",),
    quick_is_smoke=True,
)
