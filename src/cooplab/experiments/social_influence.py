"""Section 6 of the note: an intrinsic reward for social influence nudges learners toward cooperation.

Claim (Jaques et al. 2019): adding to each agent's reward the causal
influence of its action on the others' next actions (a KL divergence between
what they do after its actual action and on average over its counterfactual
actions) raises the collective return of independent learners in Cleanup and
Harvest.

What is run: for each environment and each reward (``none``: the plain
environment reward; ``centralised``: influence by replaying the others'
policy networks; ``moa``: influence through each agent's learned model of the
other agents; :mod:`cooplab.ssd.learners`), ``seeds`` populations of
independent recurrent PPO learners train for ``iterations`` collections of
``num_envs`` episodes. The influence weight is ``influence_weight``.

What is measured: collective *environment* return per episode (the influence
reward is not counted), equality and sustainability over the last ``last``
iterations; mean and standard error over seeds; and the mean influence reward.

Verdict, from the numbers, per environment and influence version: the claim
holds where the influence population's collective return exceeds the
baseline's by more than twice the standard error of the difference, paired by
seed (each variant trains from the same seeds). The quick preset
(one small Cleanup, two seeds, a few iterations) cannot show learned
cooperation and says so; the ``full`` preset uses both games and 5 seeds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments._ssd_runs import (
    RunOutcome,
    Task,
    filmstrip_figure,
    finite,
    mean_se,
    train_task,
)
from cooplab.experiments.base import Check, Experiment, Table
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.ssd import INFLUENCE

__all__ = ["EXPERIMENT", "Config", "Result", "figures", "run", "tables"]

ENVS = ("harvest_v1", "cleanup_v1")


@dataclass(frozen=True)
class Config:
    """What the experiment runs (see the module notes). ``maps``: ``"small"`` or ``"ssd"``."""

    envs: tuple[str, ...] = ("cleanup_v1",)
    variants: tuple[str, ...] = ("none", "centralised")
    maps: str = "small"
    n_agents: int = 3
    seeds: int = 2
    iterations: int = 3
    num_envs: int = 2
    episode_limit: int = 50
    influence_weight: float = 0.1
    last: int = 1
    frames: int = 6

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(
            envs=ENVS,
            variants=("none", "centralised", "moa"),
            maps="ssd",
            n_agents=5,
            seeds=5,
            iterations=300,
            num_envs=16,
            episode_limit=250,
            last=30,
        )

    def __post_init__(self) -> None:
        object.__setattr__(self, "envs", tuple(self.envs))
        object.__setattr__(self, "variants", tuple(self.variants))
        if not self.envs or any(e not in ENVS for e in self.envs):
            raise ValueError(f"envs must be among {ENVS}; got {self.envs!r}")
        if "none" not in self.variants or any(v not in INFLUENCE for v in self.variants):
            raise ValueError(
                f"variants must include 'none' and be among {'/'.join(INFLUENCE)}; "
                f"got {self.variants!r}"
            )
        if self.maps not in ("small", "ssd"):
            raise ValueError(f"maps must be 'small' or 'ssd'; got {self.maps!r}")
        for name in ("n_agents", "seeds", "iterations", "num_envs", "episode_limit", "last"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer; got {v!r}")
        if self.last > self.iterations:
            raise ValueError(f"last ({self.last}) cannot exceed iterations ({self.iterations})")
        w = self.influence_weight
        if isinstance(w, bool) or not isinstance(w, int | float) or not w >= 0:
            raise ValueError(f"influence_weight must be >= 0; got {w!r}")


@dataclass(frozen=True)
class Result:
    """Every run, the summaries per (environment, variant), and the checks."""

    runs: tuple[RunOutcome, ...]
    # env, variant, mean, se, equality, sustainability, influence (None: nothing to average)
    summary: tuple[
        tuple[str, str, float | None, float | None, float | None, float | None, float | None], ...
    ]
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        return {
            f"{e} {v}: collective return": float("nan") if m is None else m
            for e, v, m, *_ in self.summary
        }


def _params(config: Config, env: str) -> tuple[tuple[str, Any], ...]:
    from cooplab.envs.ssd.maps import CLEANUP_MAP, HARVEST_MAP, SMALL_CLEANUP_MAP, SMALL_HARVEST_MAP

    small = config.maps == "small"
    m = (
        (SMALL_HARVEST_MAP if small else HARVEST_MAP)
        if env == "harvest_v1"
        else (SMALL_CLEANUP_MAP if small else CLEANUP_MAP)
    )
    return (("n_agents", config.n_agents), ("map", m), ("episode_limit", config.episode_limit))


def _influence_paid(weight: float, influence: float, collective: float, steps: int) -> str:
    """What the weighted influence reward paid per agent-step, and its share of the
    environment reward (``collective`` per episode of ``steps`` agent-steps), as text."""
    if not math.isfinite(influence):
        return ""
    paid = weight * influence
    text = f"; the weighted influence reward was {paid:.2g} per agent-step"
    if collective > 0:
        text += f", {100 * paid * steps / collective:.2g}% of the environment reward"
    return text


def paired_difference(base: dict[int, float], other: dict[int, float]) -> tuple[float, float, int]:
    """Mean and standard error of ``other[s] - base[s]`` over the seeds both have finite.

    The variants train from the same seeds (the same initial networks and
    environment draws), so the per-seed difference is the sharper comparison;
    with one pair the standard error is 0, with none both are NaN.

    >>> paired_difference({1: 10.0, 2: 20.0, 3: 30.0}, {1: 11.0, 2: 22.0, 3: 33.0})
    (2.0, 0.5773502691896258, 3)
    """
    diffs = [
        other[s] - base[s]
        for s in sorted(base.keys() & other.keys())
        if math.isfinite(base[s]) and math.isfinite(other[s])
    ]
    m, se = mean_se(diffs)
    return m, se, len(diffs)


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Train every (environment, variant, seed) and compare the variants with the baseline."""
    progress = progress or null_progress
    seeds = [int(s) for s in rng.integers(2**31 - 1, size=config.seeds)]
    tasks = [
        Task(
            env=env,
            env_params=_params(config, env),
            influence=v,
            iterations=config.iterations,
            num_envs=config.num_envs,
            seed=s,  # the same seeds for every variant: paired comparisons
            last=config.last,
            frames=config.frames if (k == 0 and v != "none" and env == config.envs[0]) else 0,
            influence_weight=config.influence_weight,
        )
        for env in config.envs
        for v in config.variants
        for k, s in enumerate(seeds)
    ]
    if executor is None:
        outcomes = [train_task(t) for t in tasks]
    else:
        outcomes = executor.map_values(train_task, tasks, progress=progress)
    progress(1, 1)
    summary = []
    checks = []
    for env in config.envs:
        stats = {}
        for v in config.variants:
            rs = [o for o in outcomes if o.env == env and o.influence == v]
            m, se = mean_se([o.get("collective_return") for o in rs])
            eq = mean_se([o.get("equality") for o in rs])[0]
            su = mean_se([o.get("sustainability") for o in rs])[0]
            inf = mean_se([o.get("influence") for o in rs])[0]
            stats[v] = (m, se, inf)
            summary.append((env, v, finite(m), finite(se), finite(eq), finite(su), finite(inf)))
        b_m, b_se, _ = stats["none"]
        steps = config.n_agents * config.episode_limit  # agent-steps per episode
        base = {
            o.seed: o.get("collective_return")
            for o in outcomes
            if o.env == env and o.influence == "none"
        }
        for v in config.variants:
            if v == "none":
                continue
            m, se, inf = stats[v]
            gap, gap_se, pairs = paired_difference(
                base,
                {
                    o.seed: o.get("collective_return")
                    for o in outcomes
                    if o.env == env and o.influence == v
                },
            )
            two_se = 2 * gap_se
            checks.append(
                Check(
                    f"{env}: the {v} influence reward raises collective return over independent "
                    f"learners (by more than 2 standard errors)",
                    bool(gap > two_se),
                    f"collective return per episode: {v} {m:.2f} +- {se:.2f}, baseline "
                    f"{b_m:.2f} +- {b_se:.2f}; paired difference {gap:+.2f} (2 se = "
                    f"{two_se:.2f}, {pairs} seeds); {config.iterations} iterations"
                    + _influence_paid(config.influence_weight, inf, m, steps)
                    + (
                        " - a quick run, far too short to show learned cooperation"
                        if config.iterations < 50
                        else ""
                    ),
                )
            )
    return Result(runs=tuple(outcomes), summary=tuple(summary), checks=tuple(checks))


def figures(result: Result) -> list[tuple[str, Any]]:
    """Collective return per variant with se bars; learning curves; a filmstrip."""
    from cooplab.report.plots import PALETTE, new_figure

    envs = sorted({s[0] for s in result.summary}, key=lambda e: ENVS.index(e))
    fig, axes = new_figure(4.2 * len(envs) + 1, 3.6, ncols=len(envs))
    axes = np.atleast_1d(axes)
    for ax, env in zip(axes, envs, strict=True):
        rows = [s for s in result.summary if s[0] == env]
        ax.bar(
            [r[1] for r in rows],
            [np.nan if r[2] is None else r[2] for r in rows],
            yerr=[0.0 if r[3] is None else r[3] for r in rows],
            color=[PALETTE[k] for k in range(len(rows))],
            capsize=3,
        )
        ax.set_title(env, fontsize=9)
        ax.set_ylabel("collective return per episode")
    out = [("collective-return-by-reward", fig)]
    film = next((r for r in result.runs if r.frames), None)
    if film is not None:
        out.append(
            (
                "filmstrip",
                filmstrip_figure(
                    film.frames, f"{film.env}, {film.influence} influence, trained agents"
                ),
            )
        )
    return out


def tables(result: Result) -> list[Table]:
    def fmt(x: float | None, spec: str) -> str:
        return "-" if x is None else format(x, spec)

    rows = tuple(
        (
            e,
            v,
            f"{fmt(m, '.2f')} +- {fmt(se, '.2f')}",
            fmt(eq, ".2f"),
            fmt(su, ".0f"),
            fmt(inf, ".4f"),
        )
        for e, v, m, se, eq, su, inf in result.summary
    )
    return [
        Table(
            title="Social influence: collective return by reward",
            columns=(
                "environment",
                "reward",
                "collective return",
                "equality",
                "sustainability",
                "mean influence",
            ),
            rows=rows,
            note="Mean +- standard error over seeds (same seeds for every reward), last iterations.",
        )
    ]


EXPERIMENT = Experiment(
    name="social-influence",
    title="Social influence as intrinsic motivation",
    section="6",
    claim=(
        "An intrinsic reward for causal influence on the other agents' actions nudges independent "
        "learners toward cooperation: higher collective return in Cleanup and Harvest "
        "(Jaques et al. 2019)."
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
