"""The training loop: collect, learn, evaluate, log, checkpoint, resume.

:class:`Trainer` runs one algorithm on one environment::

    while t_env < steps:
        episodes = collect(env, learner, epsilon(t_env))     # one per environment
        learner.update(episodes)                             # buffer + SGD, or on-policy
        every eval_interval steps: greedy evaluation episodes, a log row
        every checkpoint_interval steps: the whole state to out/checkpoint.pt

Everything random flows from one seed: torch initialises the networks from a
seed drawn from it (inside ``torch.random.fork_rng``), the environments are
reset with seeds drawn from it at every collection, and exploration noise
comes from it. A checkpoint stores the generators' states with the networks,
optimisers and replay buffer, so a run killed and resumed (``resume=True``)
ends with the same numbers as one never interrupted (tested).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cooplab.marl.config import ALGORITHMS, TrainConfig
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import RngLike, as_generator
from cooplab.runtime.store import atomic_write_bytes

__all__ = [
    "LogRow",
    "TrainResult",
    "Trainer",
    "evaluate",
    "evaluate_checkpoint",
    "make_env",
    "make_learner",
    "parse_config_overrides",
    "train",
]

log = logging.getLogger(__name__)

CHECKPOINT_NAME = "checkpoint.pt"
LOG_NAME = "log.csv"


@dataclass(frozen=True)
class LogRow:
    """One line of the training log (one greedy evaluation)."""

    t_env: int
    episodes: int
    updates: int
    epsilon: float
    train_return: float
    eval_return_mean: float
    eval_return_std: float
    loss: float
    seconds: float


@dataclass(frozen=True)
class TrainResult:
    """What a training run produced.

    Attributes
    ----------
    algorithm, env
        Names (``env`` is the environment's versioned name).
    t_env, episodes, updates
        Environment steps, episodes and gradient steps done.
    log
        The evaluations, in order.
    """

    algorithm: str
    env: str
    t_env: int
    episodes: int
    updates: int
    log: tuple[LogRow, ...]

    @property
    def final_return(self) -> float:
        """Mean greedy return of the last evaluation."""
        return self.log[-1].eval_return_mean if self.log else math.nan

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """``(t_env, eval_return_mean)`` over the evaluations."""
        return (
            np.array([r.t_env for r in self.log], np.int64),
            np.array([r.eval_return_mean for r in self.log], np.float64),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextlib.contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def make_learner(algorithm: str, spec: Any, config: TrainConfig, seed: int) -> Any:
    """The learner for ``algorithm`` (one of :data:`~cooplab.marl.config.ALGORITHMS`)."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; known: {', '.join(ALGORITHMS)}")
    if algorithm == "iql":
        from cooplab.marl.iql import IQL as cls
    elif algorithm == "vdn":
        from cooplab.marl.vdn import VDN as cls  # type: ignore[assignment]
    elif algorithm == "qmix":
        from cooplab.marl.qmix import QMIX as cls  # type: ignore[assignment]
    elif algorithm == "coma":
        from cooplab.marl.coma import COMA as cls  # type: ignore[assignment]
    elif algorithm == "ippo":
        from cooplab.marl.ippo import IPPO as cls  # type: ignore[assignment]
    elif algorithm == "mappo":
        from cooplab.marl.mappo import MAPPO as cls  # type: ignore[assignment]
    else:
        from cooplab.marl.maven import MAVEN as cls  # type: ignore[assignment]
    return cls(spec, config, seed)


def make_env(env: Any, num_envs: int, params: Mapping[str, Any] | None = None) -> Any:
    """A batched environment from a registered name (``cooplab.envs.make``) or a factory."""
    if isinstance(env, str):
        from cooplab.envs import make

        return make(env, num_envs=num_envs, **dict(params or {}))
    if callable(env):
        return env(num_envs)
    raise TypeError(
        f"env must be a registered environment name or a factory num_envs -> VectorEnv; "
        f"got {type(env).__name__}"
    )


def evaluate(learner: Any, env: Any, rng: np.random.Generator) -> np.ndarray:
    """Greedy returns of ``env.num_envs`` episodes, ``(num_envs,)``."""
    from cooplab.marl.runner import collect

    return collect(env, learner, rng, greedy=True).returns


class Trainer:
    """One training run of ``algorithm`` on ``env``.

    Parameters
    ----------
    algorithm
        ``iql``, ``vdn``, ``qmix``, ``coma``, ``ippo``, ``mappo`` or ``maven``.
    env
        A registered environment name (``cooplab.envs.names()``) or a factory
        ``num_envs -> VectorEnv``.
    config
        Hyperparameters (default :class:`TrainConfig`).
    rng
        Seed or generator; the same seed gives the same numbers.
    env_params
        Parameters of the environment (``cooplab.envs.make(name, **env_params)``).
    out
        Folder for ``log.csv`` and ``checkpoint.pt`` (``None``: nothing written).
    resume
        Continue from ``out/checkpoint.pt`` (the algorithm, environment and
        its parameters must match; the checkpoint's configuration is used,
        and a different ``config`` is ignored with a warning). Without it, a folder that already holds a checkpoint is
        refused rather than overwritten.
    tensorboard
        Also write TensorBoard scalars to ``out`` (needs the ``tensorboard`` package).
    """

    def __init__(
        self,
        algorithm: str,
        env: Any,
        config: TrainConfig | None = None,
        *,
        rng: RngLike = None,
        env_params: Mapping[str, Any] | None = None,
        out: Path | str | None = None,
        resume: bool = False,
        tensorboard: bool = False,
    ) -> None:
        from cooplab.marl.checkpoint import load_checkpoint

        self.config = config if config is not None else TrainConfig()
        if not isinstance(self.config, TrainConfig):
            raise TypeError(f"config must be a TrainConfig; got {type(self.config).__name__}")
        if algorithm not in ALGORITHMS:
            raise ValueError(f"unknown algorithm {algorithm!r}; known: {', '.join(ALGORITHMS)}")
        self.algorithm = algorithm
        self.env_params = dict(env_params or {})
        self.env = make_env(env, self.config.num_envs, self.env_params)
        self.eval_env = make_env(env, self.config.eval_episodes, self.env_params)
        self.spec = self.env.spec
        self.out = None if out is None else Path(out)
        ckpt_path = None if self.out is None else self.out / CHECKPOINT_NAME
        checkpoint = None
        if ckpt_path is not None and ckpt_path.exists():
            if not resume:
                raise ValueError(
                    f"{self.out} already holds a checkpoint; pass resume=True (--resume) "
                    "to continue it, or choose another folder"
                )
            checkpoint = load_checkpoint(ckpt_path, algorithm=algorithm, env=self.spec.name)
            saved = TrainConfig.from_dict(checkpoint["config"])
            if config is not None and saved != self.config:
                changed = sorted(
                    k for k, v in saved.to_dict().items() if getattr(self.config, k) != v
                )
                log.warning(
                    "resuming %s with the checkpoint's configuration; ignoring %s",
                    ckpt_path,
                    changed,
                )
            self.config = saved
            if checkpoint["env_params"] != self.env_params:
                raise ValueError(
                    f"checkpoint {ckpt_path} was trained with environment parameters "
                    f"{checkpoint['env_params']}; asked for {self.env_params}"
                )
        elif resume and self.out is None:
            raise ValueError("resume needs an output folder (out=...) holding a checkpoint")
        root = as_generator(rng)
        self.seed = int(root.integers(2**63 - 1))
        self.train_rng, self.eval_rng = root.spawn(2)
        self.learner = make_learner(algorithm, self.spec, self.config, self.seed)
        self.t_env = 0
        self.episodes = 0
        self.log: list[LogRow] = []
        self._since_log: list[float] = []
        self._last_stats: dict[str, float] = {}
        self._next_eval = 0
        self._next_ckpt = self.config.checkpoint_interval
        self._seconds = 0.0
        if checkpoint is not None:
            self._restore(checkpoint)
            log.info("resumed %s on %s at t_env=%d", algorithm, self.spec.name, self.t_env)
        self._writer = None
        if tensorboard:
            if self.out is None:
                raise ValueError("tensorboard logging needs an output folder (out=...)")
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError as exc:
                raise ValueError("tensorboard logging needs: pip install tensorboard") from exc
            self._writer = SummaryWriter(str(self.out / "tensorboard"))

    # -- the loop ------------------------------------------------------------
    def train(
        self,
        steps: int,
        progress: ProgressFn | None = None,
        on_log: Callable[[LogRow], None] | None = None,
    ) -> TrainResult:
        """Train until ``steps`` environment steps in all (counting any resumed ones).

        ``progress(t_env, steps)`` is called after every collection and
        ``on_log(row)`` after every evaluation.
        """
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps must be a positive integer; got {steps!r}")
        progress = progress or null_progress
        with _torch_threads(self.config.threads):
            self._train(steps, progress, on_log)
        return self.result()

    def _train(
        self, steps: int, progress: ProgressFn, on_log: Callable[[LogRow], None] | None
    ) -> None:
        from cooplab.marl.runner import collect

        c = self.config
        while self.t_env < steps:
            start = time.perf_counter()
            eps = c.epsilon(self.t_env)
            batch = collect(self.env, self.learner, self.train_rng, epsilon=eps)
            self.t_env += int(batch.lengths.sum())
            self.episodes += batch.size
            self._since_log.extend(batch.returns.tolist())
            stats = self.learner.update(batch, self.t_env, self.train_rng)
            if stats:
                self._last_stats = stats
            self._seconds += time.perf_counter() - start
            if self.t_env >= self._next_eval or self.t_env >= steps:
                row = self._evaluate(eps)
                if on_log is not None:
                    on_log(row)
                self._next_eval = self.t_env + c.eval_interval
            progress(min(self.t_env, steps), steps)
            if self.out is not None and c.checkpoint_interval and self.t_env >= self._next_ckpt:
                self._next_ckpt = self.t_env + c.checkpoint_interval
                self.save()
        if self.out is not None:
            self.save()

    def _evaluate(self, eps: float) -> LogRow:
        start = time.perf_counter()
        returns = evaluate(self.learner, self.eval_env, self.eval_rng)
        self._seconds += time.perf_counter() - start
        row = LogRow(
            t_env=self.t_env,
            episodes=self.episodes,
            updates=int(self.learner.updates),
            epsilon=float(eps),
            train_return=float(np.mean(self._since_log)) if self._since_log else math.nan,
            eval_return_mean=float(returns.mean()),
            eval_return_std=float(returns.std()),
            loss=float(self._last_stats.get("loss", math.nan)),
            seconds=round(self._seconds, 3),
        )
        self._since_log = []
        self.log.append(row)
        if self.out is not None:
            self._write_csv()
        if self._writer is not None:
            for k, v in asdict(row).items():
                if k != "t_env" and not (isinstance(v, float) and math.isnan(v)):
                    self._writer.add_scalar(k, v, row.t_env)
        return row

    def result(self) -> TrainResult:
        return TrainResult(
            algorithm=self.algorithm,
            env=self.spec.name,
            t_env=self.t_env,
            episodes=self.episodes,
            updates=int(self.learner.updates),
            log=tuple(self.log),
        )

    def evaluate(self, episodes: int | None = None) -> np.ndarray:
        """Greedy returns of ``episodes`` fresh episodes (default ``eval_episodes``)."""
        env = (
            self.eval_env
            if episodes is None
            else make_env(self._env_source(), episodes, self.env_params)
        )
        return evaluate(self.learner, env, self.eval_rng)

    def _env_source(self) -> Any:
        return self.spec.name

    # -- persistence ---------------------------------------------------------
    def _write_csv(self) -> None:
        assert self.out is not None
        buf = io.StringIO()
        fields = list(LogRow.__dataclass_fields__)
        w = csv.writer(buf)
        w.writerow(fields)
        for r in self.log:
            w.writerow([getattr(r, f) for f in fields])
        atomic_write_bytes(self.out / LOG_NAME, buf.getvalue().encode("utf-8"))

    def checkpoint_payload(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "env": self.spec.name,
            "env_params": json.dumps(self.env_params),
            "config": json.dumps(self.config.to_dict()),
            "seed": self.seed,
            "t_env": self.t_env,
            "episodes": self.episodes,
            "next_eval": self._next_eval,
            "next_ckpt": self._next_ckpt,
            "seconds": self._seconds,
            "since_log": json.dumps(self._since_log),
            "last_stats": json.dumps(self._last_stats),
            "rng": json.dumps(
                {
                    "train": self.train_rng.bit_generator.state,
                    "eval": self.eval_rng.bit_generator.state,
                }
            ),
            "log": json.dumps([asdict(r) for r in self.log]),
            "learner": self.learner.state_dict(),
        }

    def save(self, path: Path | str | None = None) -> Path:
        """Write the checkpoint (default ``out/checkpoint.pt``) atomically; returns its path."""
        from cooplab.marl.checkpoint import save_checkpoint

        if path is None:
            if self.out is None:
                raise ValueError("no output folder: pass a path")
            path = self.out / CHECKPOINT_NAME
        save_checkpoint(path, self.checkpoint_payload())
        return Path(path)

    def _restore(self, ck: dict[str, Any]) -> None:
        self.seed = int(ck["seed"])
        self.learner = make_learner(self.algorithm, self.spec, self.config, self.seed)
        self.learner.load_state_dict(ck["learner"])
        self.t_env, self.episodes = int(ck["t_env"]), int(ck["episodes"])
        self._next_eval, self._next_ckpt = int(ck["next_eval"]), int(ck["next_ckpt"])
        self._seconds = float(ck["seconds"])
        self._since_log = json.loads(ck["since_log"])
        self._last_stats = json.loads(ck["last_stats"])
        self.train_rng.bit_generator.state = ck["rng"]["train"]
        self.eval_rng.bit_generator.state = ck["rng"]["eval"]
        self.log = [LogRow(**r) for r in ck["log"]]


def train(
    algorithm: str,
    env: Any,
    steps: int,
    config: TrainConfig | None = None,
    *,
    rng: RngLike = None,
    env_params: Mapping[str, Any] | None = None,
    out: Path | str | None = None,
    resume: bool = False,
    progress: ProgressFn | None = None,
) -> TrainResult:
    """Train ``algorithm`` on ``env`` for ``steps`` environment steps (see :class:`Trainer`)."""
    trainer = Trainer(
        algorithm, env, config, rng=rng, env_params=env_params, out=out, resume=resume
    )
    return trainer.train(steps, progress)


def evaluate_checkpoint(
    path: Path | str, env: str, episodes: int = 32, *, rng: RngLike = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """Greedy returns of ``episodes`` episodes of a saved learner on ``env``.

    The checkpoint must have been trained on ``env`` (else
    :class:`~cooplab.marl.checkpoint.CheckpointMismatchError` names both).
    Returns the returns ``(episodes,)`` and the checkpoint's metadata
    (algorithm, environment, ``t_env``, configuration).
    """
    from cooplab.marl.checkpoint import load_checkpoint

    if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"episodes must be a positive integer; got {episodes!r}")
    ck = load_checkpoint(path, env=env)
    config = TrainConfig.from_dict(ck["config"])
    vec = make_env(env, episodes, ck["env_params"])
    learner = make_learner(ck["algorithm"], vec.spec, config, int(ck["seed"]))
    learner.load_state_dict(ck["learner"])
    with _torch_threads(config.threads):
        returns = evaluate(learner, vec, as_generator(rng))
    meta = {
        "algorithm": ck["algorithm"],
        "env": ck["env"],
        "env_params": ck["env_params"],
        "t_env": int(ck["t_env"]),
        "episodes_trained": int(ck["episodes"]),
    }
    return returns, meta


def parse_config_overrides(items: list[str], base: TrainConfig | None = None) -> TrainConfig:
    """``["lr=0.001", "recurrent=false"]`` -> a :class:`TrainConfig` (types from the fields)."""
    from cooplab.runtime.params import typed_assignments

    base = base or TrainConfig()
    return base.replace(**typed_assignments(items, base.to_dict(), "--set"))
