"""Run one experiment through the runtime: seed, run folder, reuse, log, figures.

:func:`run_experiment` never raises for a failing experiment: it returns a
:class:`RunRecord` with status ``failed`` and the error, so that a report goes
on with the other experiments. ``KeyboardInterrupt`` is not caught: Ctrl-C
stops the run, and what was finished stays in its run folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import logging
import shutil
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cooplab.experiments.base import FAILED, Experiment, config_dict, verdict_of
from cooplab.report.plots import figure_to_png
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn
from cooplab.runtime.rng import as_generator, child_seed
from cooplab.runtime.serialize import to_jsonable
from cooplab.runtime.store import RunDir, Store

__all__ = ["RunRecord", "code_fingerprint", "run_experiment"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunRecord:
    """What became of one experiment run."""

    experiment: Experiment
    preset: str
    config: Any
    seed: int
    status: str  # held / did not hold / failed
    result: Any | None
    error: str | None
    traceback: str | None
    seconds: float
    reused: bool
    figures: tuple[tuple[str, bytes], ...]
    run_dir: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON data for ``cooplab run --json``."""
        return {
            "experiment": self.experiment.name,
            "preset": self.preset,
            "seed": self.seed,
            "status": self.status,
            "config": config_dict(self.config),
            "metrics": to_jsonable(self.result.metrics()) if self.result is not None else None,
            "checks": to_jsonable(self.result.checks) if self.result is not None else None,
            "result": to_jsonable(self.result) if self.result is not None else None,
            "error": self.error,
            "seconds": round(self.seconds, 3),
            "reused": self.reused,
            "run_dir": self.run_dir,
        }


@contextlib.contextmanager
def _checkpointed(executor: Executor | None, run: RunDir) -> Iterator[Executor]:
    """The executor, saving each finished task in the run folder so that a rerun resumes."""
    own = executor is None
    ex = Executor("serial") if executor is None else executor
    try:
        with ex.checkpointing(run.checkpoints_dir / "tasks"):
            yield ex
    finally:
        if own:
            ex.close()


def code_fingerprint(experiment: Experiment) -> str:
    """A hash of the source of the module that defines ``experiment.run``."""
    module = sys.modules.get(getattr(experiment.run, "__module__", ""), None)
    try:
        source = inspect.getsource(module) if module is not None else ""
    except (OSError, TypeError):  # no source on disk (frozen or built interactively)
        source = ""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def run_experiment(
    experiment: Experiment,
    config: Any | None = None,
    *,
    preset: str = "quick",
    seed: int = 0,
    store: Store | None = None,
    fresh: bool = False,
    executor: Executor | None = None,
    progress: ProgressFn | None = None,
) -> RunRecord:
    """Run ``experiment`` (or reuse its stored result) and draw its figures.

    Parameters
    ----------
    config
        The configuration; defaults to the ``preset`` (``quick`` or ``full``).
    seed
        The run's seed. The experiment gets a generator seeded by
        ``child_seed(seed, experiment.name)``, so its numbers do not depend on
        which other experiments run beside it.
    store
        Where run folders live; ``None`` keeps everything in memory.
    fresh
        Ignore (and replace) a stored result of the same run.
    """
    if config is None:
        config = experiment.config(preset)
    cfg = config_dict(config)
    run: RunDir | None = (
        store.run_dir(experiment.name, cfg, seed, code=code_fingerprint(experiment))
        if store is not None
        else None
    )
    start = time.perf_counter()
    result = None
    reused = False
    try:
        if run is not None and fresh:
            run.clear()
        stored = run.read_result() if run is not None else None
        if stored is not None:
            try:
                result = experiment.result_from_dict(stored)
                reused = True
                log.info(
                    "%s: reusing the finished result in %s",
                    experiment.name,
                    getattr(run, "path", None),
                )
            except (TypeError, ValueError) as exc:  # written by an older version
                log.warning(
                    "%s: stored result unreadable (%s); running again", experiment.name, exc
                )
        if result is None:
            rng = as_generator(child_seed(seed, experiment.name))
            if run is not None:
                with run.logging_to_file(), _checkpointed(executor, run) as ex:
                    log.info("%s: running %s", experiment.name, cfg)
                    result = experiment.execute(config, rng, progress, ex)
                    run.write_result(to_jsonable(result))
                    log.info("%s: finished", experiment.name)
                shutil.rmtree(
                    run.checkpoints_dir / "tasks", ignore_errors=True
                )  # the result supersedes them
            else:
                result = experiment.execute(config, rng, progress, executor)
        figures = []
        for name, fig in experiment.figures(result):
            png = figure_to_png(fig)
            figures.append((name, png))
            if run is not None:
                run.write_figure(name, png)
        status = verdict_of(result.checks)
        error = tb = None
    except Exception as exc:  # one failing experiment must not stop a report
        status, error, tb, figures = (
            FAILED,
            f"{type(exc).__name__}: {exc}",
            traceback.format_exc(),
            [],
        )
        log.error("%s failed: %s", experiment.name, error)
        if run is not None:
            with open(run.log_path, "a", encoding="utf-8") as fh:
                fh.write(tb)
        result = None
    return RunRecord(
        experiment=experiment,
        preset=preset,
        config=config,
        seed=seed,
        status=status,
        result=result,
        error=error,
        traceback=tb,
        seconds=time.perf_counter() - start,
        reused=reused,
        figures=tuple(figures),
        run_dir=str(run.path) if run is not None else None,
    )
