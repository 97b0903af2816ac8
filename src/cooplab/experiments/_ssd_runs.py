"""Shared pieces of the section-6 experiments: one training run per task, and the filmstrip.

A task is plain data (picklable for the process pool); :func:`train_task`
trains a population of independent learners (:func:`cooplab.ssd.train.train`)
and returns the metrics of its last iterations, its learning curve and a few
text frames of one episode with the trained policies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "RunOutcome",
    "Task",
    "check_algorithm",
    "filmstrip_figure",
    "finite",
    "mean_se",
    "train_task",
]


def check_algorithm(algorithm: str) -> None:
    """Refuse a learner algorithm that :mod:`cooplab.ssd.learners` does not have."""
    from cooplab.ssd import ALGORITHMS

    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}; got {algorithm!r}")


def finite(x: float) -> float | None:
    """``x``, or ``None`` for NaN (a metric with nothing to average: JSON-safe and comparable)."""
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True)
class Task:
    env: str
    env_params: tuple[tuple[str, Any], ...]
    influence: str
    iterations: int
    num_envs: int
    seed: int
    last: int
    frames: int = 0
    influence_weight: float = 0.1
    algorithm: str = "ppo"


@dataclass(frozen=True)
class RunOutcome:
    """One training run: the final metrics (mean of the last iterations) and the curves."""

    env: str
    influence: str
    params: tuple[tuple[str, Any], ...]
    seed: int
    final: tuple[tuple[str, float | None], ...]
    collective_curve: tuple[float, ...]
    beam_curve: tuple[float, ...]
    frames: tuple[str, ...]

    def get(self, key: str) -> float:
        v = dict(self.final)[key]
        return math.nan if v is None else float(v)


def train_task(task: Task) -> RunOutcome:
    """Train one population and measure it (runs in a worker process)."""
    from cooplab.ssd.learners import AgentConfig, PopulationConfig
    from cooplab.ssd.train import train

    cfg = PopulationConfig(
        agents=(AgentConfig(algorithm=task.algorithm),),
        influence=task.influence,
        influence_weight=task.influence_weight,
    )
    params = dict(task.env_params)
    result, pop = train(
        task.env,
        iterations=task.iterations,
        num_envs=task.num_envs,
        config=cfg,
        rng=task.seed,
        env_params=params,
    )
    frames: list[str] = []
    if task.frames:
        import torch

        from cooplab.envs import make

        env = make(task.env, num_envs=1, seed=task.seed, **params)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            texts: list[str] = []
            pop.collect(env, np.random.default_rng(task.seed), text_frames=texts)
        finally:
            torch.set_num_threads(threads)
        every = max(len(texts) // task.frames, 1)
        frames = texts[::every][: task.frames]
    final = result.last(task.last)
    return RunOutcome(
        env=task.env,
        influence=task.influence,
        params=task.env_params,
        seed=task.seed,
        final=tuple(sorted((k, finite(v)) for k, v in final.items())),
        collective_curve=tuple(float(r.collective_return) for r in result.log),
        beam_curve=tuple(float(r.beam_rate) for r in result.log),
        frames=tuple(frames),
    )


def mean_se(values: list[float] | np.ndarray) -> tuple[float, float]:
    """Mean and standard error over seeds (NaNs left out; se 0 for one value)."""
    v = np.asarray(
        [
            x
            for x in np.asarray([math.nan if x is None else x for x in values], float)
            if math.isfinite(x)
        ]
    )
    if v.size == 0:
        return math.nan, math.nan
    se = float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else 0.0
    return float(v.mean()), se


def filmstrip_figure(frames: tuple[str, ...], title: str) -> Any:
    """A filmstrip of text frames drawn as images, one panel per frame."""
    from cooplab.envs.ssd.render import filmstrip, text_to_rgb
    from cooplab.report.plots import new_figure

    images = [text_to_rgb(f, scale=3) for f in frames]
    strip = filmstrip(images, gap=3)
    h, w = strip.shape[:2]
    fig, ax = new_figure(min(10.0, 1.5 + w / 60), max(1.5, 0.6 + h / 60))
    ax.imshow(strip, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title, fontsize=9)
    return fig
