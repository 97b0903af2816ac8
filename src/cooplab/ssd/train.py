"""Training independent learners in a social dilemma: the loop, its log, checkpoints, resume.

:func:`train` repeats: collect one episode in each of ``num_envs``
environments with the current policies, score the episodes with Perolat et
al.'s (2017) metrics, and let every agent learn from them
(:class:`~cooplab.ssd.learners.Population`). Everything random comes from one
seed; with ``out`` the run writes ``log.csv`` and ``checkpoint.pt`` (networks,
optimisers, generator state) after every ``checkpoint_every`` iterations, and
``resume=True`` continues a run from its checkpoint with the same numbers as a
run never interrupted.

Imports torch when called (the ``learn`` extra).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import RngLike, as_generator
from cooplab.runtime.store import atomic_write_bytes
from cooplab.ssd.metrics import social_outcomes

__all__ = ["IterationLog", "SSDTrainResult", "load_run", "train"]

CHECKPOINT = "checkpoint.pt"
LOG = "log.csv"


@dataclass(frozen=True)
class IterationLog:
    """The metrics of one iteration's training episodes (means over the batch)."""

    iteration: int
    t_env: int
    collective_return: float
    efficiency: float
    equality: float
    sustainability: float
    peace: float
    beam_rate: float
    influence: float


@dataclass(frozen=True)
class SSDTrainResult:
    """A training run: the environment, the configuration and the log."""

    env: str
    env_params: dict[str, Any]
    config: dict[str, Any]
    num_envs: int
    log: tuple[IterationLog, ...]

    def last(self, k: int = 1) -> dict[str, float]:
        """Each metric averaged over the last ``k`` iterations."""
        rows = self.log[-k:]
        if not rows:
            return {}
        keys = [f for f in IterationLog.__dataclass_fields__ if f not in ("iteration", "t_env")]
        out = {}
        for key in keys:
            vals = [getattr(r, key) for r in rows if math.isfinite(getattr(r, key))]
            out[key] = float(np.mean(vals)) if vals else math.nan
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _make_env(env: str | Any, num_envs: int, params: Mapping[str, Any]) -> Any:
    if isinstance(env, str):
        from cooplab.envs import make

        return make(env, num_envs=num_envs, **dict(params))
    return env


def train(
    env: str,
    *,
    iterations: int,
    num_envs: int = 16,
    config: Any = None,
    rng: RngLike = None,
    env_params: Mapping[str, Any] | None = None,
    progress: ProgressFn | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    checkpoint_every: int = 10,
) -> tuple[SSDTrainResult, Any]:
    """Train a population of independent learners on the registered environment ``env``.

    Parameters
    ----------
    env
        A registered social dilemma (``harvest_v1``, ``cleanup_v1``, ``gathering_v1``,
        ``wolfpack_v1``).
    iterations
        Collections (one episode per environment each) and updates.
    num_envs
        Environments stepped together.
    config
        A :class:`~cooplab.ssd.learners.PopulationConfig` (default: PPO for every agent).
    rng
        Seed or generator.
    env_params
        The environment's parameters (``n_agents``, ``map``, ``episode_limit`` ...).
    progress
        ``progress(done, total)`` after every iteration.
    out, resume, checkpoint_every
        Run folder, continuing from its checkpoint, and how often to write it.

    Returns
    -------
    (SSDTrainResult, Population)
    """
    import torch

    from cooplab.ssd.learners import Population, PopulationConfig

    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
        raise ValueError(f"iterations must be a non-negative integer; got {iterations!r}")
    if isinstance(num_envs, bool) or not isinstance(num_envs, int) or num_envs < 1:
        raise ValueError(f"num_envs must be a positive integer; got {num_envs!r}")
    if not isinstance(env, str):
        raise TypeError(f"env must be a registered environment name; got {type(env).__name__}")
    config = config if config is not None else PopulationConfig()
    params = dict(env_params or {})
    venv = _make_env(env, num_envs, params)
    gen = as_generator(rng)
    pop = Population(venv.spec, config, int(gen.integers(2**31 - 1)))
    log: list[IterationLog] = []
    start = 0
    folder = Path(out) if out is not None else None
    if folder is not None:
        ckpt = folder / CHECKPOINT
        if ckpt.exists() and not resume:
            raise FileExistsError(f"{ckpt} exists; pass resume=True to continue that run")
        if resume and ckpt.exists():
            state = torch.load(ckpt, weights_only=False)
            meta = state["meta"]
            if meta["env"] != env or meta["config"] != config.to_dict():
                raise ValueError(
                    f"{ckpt} belongs to a run of {meta['env']} with another configuration"
                )
            pop.load_state_dict(state["population"])
            gen.bit_generator.state = state["rng"]
            log = [IterationLog(**r) for r in state["log"]]
            start = len(log)
        folder.mkdir(parents=True, exist_ok=True)
    progress = progress or null_progress
    t_limit = venv.spec.episode_limit
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small networks: threads only contend
    try:
        _loop(
            pop,
            venv,
            gen,
            env,
            params,
            config,
            num_envs,
            log,
            start,
            iterations,
            t_limit,
            folder,
            checkpoint_every,
            progress,
        )
    finally:
        torch.set_num_threads(threads)
    result = SSDTrainResult(env, params, config.to_dict(), num_envs, tuple(log))
    return result, pop


def _loop(
    pop: Any,
    venv: Any,
    gen: np.random.Generator,
    env: str,
    params: dict,
    config: Any,
    num_envs: int,
    log: list,
    start: int,
    iterations: int,
    t_limit: int,
    folder: Path | None,
    checkpoint_every: int,
    progress: ProgressFn,
) -> None:
    for it in range(start, iterations):
        batch = pop.collect(venv, gen)
        pop.update(batch)
        so = social_outcomes(
            batch.rewards.transpose(1, 0, 2),
            batch.out.transpose(1, 0, 2),
            batch.fired.transpose(1, 0, 2),
        ).mean()
        infl = float(batch.influence.mean()) if batch.influence is not None else math.nan
        log.append(IterationLog(it + 1, (it + 1) * num_envs * t_limit, influence=infl, **so))
        if folder is not None and ((it + 1) % checkpoint_every == 0 or it + 1 == iterations):
            _save(folder, env, params, config, num_envs, pop, gen, log)
        progress(it + 1, iterations)


def _save(
    folder: Path,
    env: str,
    params: dict,
    config: Any,
    num_envs: int,
    pop: Any,
    gen: np.random.Generator,
    log: list[IterationLog],
) -> None:
    import torch

    buf = io.BytesIO()
    meta = {"env": env, "env_params": params, "config": config.to_dict(), "num_envs": num_envs}
    torch.save(
        {
            "meta": meta,
            "population": pop.state_dict(),
            "rng": gen.bit_generator.state,
            "log": [asdict(r) for r in log],
        },
        buf,
    )
    atomic_write_bytes(folder / CHECKPOINT, buf.getvalue())
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(IterationLog.__dataclass_fields__))
    writer.writeheader()
    for r in log:
        writer.writerow(asdict(r))
    atomic_write_bytes(folder / LOG, text.getvalue().encode())
    atomic_write_bytes(folder / "run.json", json.dumps(meta, indent=2, default=str).encode())


def load_run(folder: str | Path) -> tuple[dict[str, Any], Any]:
    """The metadata and trained :class:`~cooplab.ssd.learners.Population` of a run folder."""
    import torch

    from cooplab.envs import make
    from cooplab.ssd.learners import Population, PopulationConfig

    path = Path(folder)
    ckpt = path / CHECKPOINT if path.is_dir() else path
    if not ckpt.exists():
        raise FileNotFoundError(f"no checkpoint at {ckpt}")
    state = torch.load(ckpt, weights_only=False)
    meta = state["meta"]
    spec = make(meta["env"], num_envs=1, **meta["env_params"]).spec
    pop = Population(spec, PopulationConfig.from_dict(meta["config"]), 0)
    pop.load_state_dict(state["population"])
    return meta, pop
