"""Shared machinery of the cooperative-MARL experiments (section 5): seeds x runs.

A :class:`RunSpec` names one training setting (algorithm, environment and its
parameters, training overrides, steps); :func:`run_specs` trains every
setting from ``seeds`` seeds through the executor (one task a seed) and
returns one :class:`Curve` per setting: the greedy evaluation return on a
common grid of environment steps, mean and spread over seeds, and each
seed's final return. Torch is imported inside the task only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn
from cooplab.runtime.rng import spawn_seeds

__all__ = ["Curve", "RunSpec", "plot_curves", "run_specs"]


@dataclass(frozen=True)
class RunSpec:
    """One training setting.

    ``env_params`` and ``overrides`` are ``(name, value)`` pairs (hashable,
    JSON-able); ``label`` names the setting in tables and plots.
    """

    label: str
    algorithm: str
    env: str
    steps: int
    env_params: tuple[tuple[str, Any], ...] = ()
    overrides: tuple[tuple[str, Any], ...] = ()
    points: int = 20


@dataclass(frozen=True)
class Curve:
    """Greedy evaluation return over training, over seeds.

    ``steps``: the grid (environment steps); ``mean``/``std``/``low``/``high``
    over seeds at each grid point; ``finals``: each seed's last evaluation;
    ``aucs``: each seed's mean return over the grid (its area under the curve).
    """

    label: str
    algorithm: str
    env: str
    steps: tuple[int, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    finals: tuple[float, ...]
    aucs: tuple[float, ...]

    @property
    def final_mean(self) -> float:
        return float(np.mean(self.finals))

    @property
    def final_sem(self) -> float:
        f = np.asarray(self.finals)
        return float(f.std(ddof=1) / np.sqrt(len(f))) if len(f) > 1 else 0.0

    @property
    def auc(self) -> float:
        """Mean return over the grid (the area under the curve, per step), mean over seeds."""
        return float(np.mean(self.aucs))

    @property
    def auc_sem(self) -> float:
        a = np.asarray(self.aucs)
        return float(a.std(ddof=1) / np.sqrt(len(a))) if len(a) > 1 else 0.0


def _task(task: tuple[Any, ...]) -> dict[str, list[float]]:
    import torch

    from cooplab.marl.config import TrainConfig
    from cooplab.marl.trainer import Trainer

    algorithm, env, env_params, overrides, steps, grid, seed = task
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # many small runs: one thread each is fastest
    try:
        config = TrainConfig().replace(**dict(overrides))
        trainer = Trainer(
            algorithm, env, config, rng=np.random.default_rng(seed), env_params=dict(env_params)
        )
        result = trainer.train(steps)
    finally:
        torch.set_num_threads(threads)
    t, r = result.curve()
    curve = np.interp(np.asarray(grid, float), t.astype(float), r)
    return {"curve": curve.tolist(), "final": float(r[-1])}


def run_specs(
    specs: Sequence[RunSpec],
    seeds: int,
    rng: np.random.Generator,
    executor: Executor,
    progress: ProgressFn | None = None,
) -> list[Curve]:
    """Train every spec from ``seeds`` seeds; one :class:`Curve` per spec, in order."""
    seqs = spawn_seeds(rng, len(specs) * seeds)
    grids = [
        tuple(int(x) for x in np.linspace(s.steps / s.points, s.steps, s.points).round())
        for s in specs
    ]
    tasks = [
        (s.algorithm, s.env, s.env_params, s.overrides, s.steps, grids[i], seqs[i * seeds + k])
        for i, s in enumerate(specs)
        for k in range(seeds)
    ]
    outs = executor.map_values(_task, tasks, progress=progress)
    curves = []
    for i, s in enumerate(specs):
        part = outs[i * seeds : (i + 1) * seeds]
        c = np.array([o["curve"] for o in part])
        curves.append(
            Curve(
                label=s.label,
                algorithm=s.algorithm,
                env=s.env,
                steps=grids[i],
                mean=tuple(float(x) for x in c.mean(0)),
                std=tuple(float(x) for x in c.std(0)),
                low=tuple(float(x) for x in c.min(0)),
                high=tuple(float(x) for x in c.max(0)),
                finals=tuple(float(o["final"]) for o in part),
                aucs=tuple(float(x) for x in c.mean(1)),
            )
        )
    return curves


def plot_curves(ax: Any, curves: Sequence[Curve], title: str, optimum: float | None = None) -> None:
    """Mean greedy return with a band of +- one standard deviation over seeds."""
    from cooplab.report.plots import PALETTE

    for k, c in enumerate(curves):
        t, m, s = np.asarray(c.steps), np.asarray(c.mean), np.asarray(c.std)
        color = PALETTE[k % len(PALETTE)]
        ax.plot(t, m, color=color, lw=1.3, label=c.label)
        ax.fill_between(t, m - s, m + s, color=color, alpha=0.18)
    if optimum is not None:
        ax.axhline(optimum, color="black", lw=0.7, ls=":")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("environment steps")
    ax.set_ylabel("greedy return (mean +- sd over seeds)")
    ax.legend(fontsize=7)
