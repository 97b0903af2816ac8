"""Run one experiment through the runtime: seed, run folder, reuse, log, figures.

:func:`run_experiment` never raises for a failing experiment: it returns a
:class:`RunRecord` with status ``failed`` and the error, so that a report goes
on with the other experiments. ``KeyboardInterrupt`` is not caught: Ctrl-C
stops the run, and what was finished stays in its run folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import inspect
import logging
import sys
import time
import traceback
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cooplab
from cooplab.experiments.base import (
    FAILED,
    SKIPPED,
    SMOKE,
    Experiment,
    Table,
    config_dict,
    verdict_of,
)
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
    """What became of one experiment run.

    ``metrics`` and ``tables`` are computed here, inside the guard, so that
    rendering a report never calls experiment code that could fail.
    """

    experiment: Experiment
    preset: str  # quick, full, custom, or quick+set / full+set (a preset with overrides)
    config: Any | None
    seed: int
    status: str  # held / did not hold / failed
    result: Any | None
    error: str | None
    traceback: str | None
    seconds: float
    reused: bool
    figures: tuple[tuple[str, bytes], ...]
    run_dir: str | None
    metrics: dict[str, Any] | None = None
    tables: tuple[Table, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON data for ``cooplab run --json``."""
        return {
            "experiment": self.experiment.name,
            "preset": self.preset,
            "seed": self.seed,
            "status": self.status,
            "config": config_dict(self.config) if self.config is not None else None,
            "metrics": to_jsonable(self.metrics) if self.metrics is not None else None,
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


@functools.lru_cache(maxsize=1)
def _package_fingerprint() -> str:
    """A hash of every source file of the installed cooplab package."""
    digest = hashlib.sha256()
    root = Path(cooplab.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_fingerprint(experiment: Experiment) -> str:
    """A hash of the code a result depends on.

    Covers every source file of the installed cooplab package and the code as
    loaded of the modules that define the experiment's ``run`` (unwrapping
    partials and decorators), ``Config`` and ``Result``: its functions' byte
    code and its plain module-level constants. It is part of a run's key, so
    a result computed by other code (an edited experiment, a fixed solver) is
    never reused. Known gap: an edit to cooplab's files made after this
    process imported them is seen before it takes effect.
    """
    digest = hashlib.sha256(_package_fingerprint().encode("ascii"))
    run = experiment.run
    while isinstance(run, functools.partial):
        run = run.func
    run = inspect.unwrap(run)
    names = {
        getattr(x, "__module__", None)
        for x in (run, experiment.config_type, experiment.result_type)
    }
    for name in sorted(n for n in names if n):
        module = sys.modules.get(name)
        if module is not None:
            digest.update(name.encode("utf-8"))
            digest.update(_loaded_code(module))
    return digest.hexdigest()[:12]


def _loaded_code(module: Any) -> bytes:
    """The byte code of a module's functions and classes, and its plain constants, as loaded."""
    parts: list[bytes] = []

    def code_of(obj: Any) -> None:
        code = getattr(obj, "__code__", None)
        if code is not None:
            parts.append(_canonical(code))
            parts.append(_canonical(getattr(obj, "__defaults__", None)))

    for key, value in sorted(vars(module).items()):
        if getattr(value, "__module__", None) != module.__name__ and not isinstance(
            value, int | float | str | bytes | tuple | frozenset | type(None)
        ):
            continue  # imported names belong to their own modules
        parts.append(key.encode("utf-8"))
        if inspect.isfunction(value):
            code_of(value)
        elif inspect.isclass(value):
            for attr in sorted(vars(value)):
                member = inspect.getattr_static(value, attr)
                code_of(getattr(member, "__func__", member))
        else:
            parts.append(_canonical(value))
    return b"".join(parts)


def _canonical(obj: Any) -> bytes:
    """Bytes that identify a code object or constant, the same in every process.

    (``marshal`` output is not: frozenset constants follow the per-process
    string hash order.)
    """
    if isinstance(obj, types.CodeType):
        return b"".join(
            (
                obj.co_code,
                _canonical(obj.co_consts),
                repr(obj.co_names).encode("utf-8"),
                repr(obj.co_varnames).encode("utf-8"),
            )
        )
    if isinstance(obj, tuple):
        return b"(" + b",".join(_canonical(x) for x in obj) + b")"
    if isinstance(obj, frozenset | set):
        return b"{" + b",".join(sorted(_canonical(x) for x in obj)) + b"}"
    try:
        return repr(obj).encode("utf-8")
    except Exception:  # a constant whose repr fails counts by its type alone
        return type(obj).__name__.encode("utf-8")


def _with_overrides(config: Any, overrides: Mapping[str, Any]) -> Any:
    """``config`` with the named fields replaced; an unknown name is a ``ValueError``."""
    names = [f.name for f in dataclasses.fields(config)]
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise ValueError(
            f"{type(config).__module__}.Config has no field {', '.join(map(repr, unknown))}; "
            f"its fields are {', '.join(names)}"
        )
    return dataclasses.replace(config, **overrides)


def run_experiment(
    experiment: Experiment,
    config: Any | None = None,
    *,
    preset: str | None = None,
    seed: int = 0,
    store: Store | None = None,
    fresh: bool = False,
    executor: Executor | None = None,
    progress: ProgressFn | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> RunRecord:
    """Run ``experiment`` (or reuse its stored result), draw its figures, read its numbers.

    Parameters
    ----------
    config
        The configuration; defaults to the ``preset``.
    preset
        ``"quick"`` (the default) or ``"full"``; recorded as ``"custom"`` when
        a ``config`` is given without one.
    seed
        The run's seed. The experiment gets a generator seeded by
        ``child_seed(seed, experiment.name)``, so its numbers do not depend on
        which other experiments run beside it.
    store
        Where run folders live; ``None`` keeps everything in memory.
    fresh
        Recompute even if a stored result exists; the old result stays until
        the new one replaces it, so an interrupted ``fresh`` run loses nothing.
    overrides
        Fields of the configuration to change (``{"influence_weight": 1.0}``),
        applied with :func:`dataclasses.replace`, so the config's own checks
        run; an unknown field fails the run naming it. The record's preset
        reads ``quick+set`` or ``full+set``. A ``quick+set`` run of an
        experiment whose quick preset is a smoke run is still a smoke run.

    Everything that can fail (building the configuration, the run, the
    figures, the metrics and tables) is guarded: a failure gives a record with
    status ``failed`` and the error, never an exception, except Ctrl-C. An
    experiment whose optional modules are missing (``Experiment.requires``)
    gives a record with status ``skipped`` and the install command.
    """
    label = preset if preset is not None else ("quick" if config is None else "custom")
    base = label
    if overrides:
        if config is not None:
            raise ValueError("give either a config or overrides of a preset, not both")
        label = f"{label}+set"
    start = time.perf_counter()
    run: RunDir | None = None
    result = None
    reused = False
    figures: list[tuple[str, bytes]] = []
    metrics: dict[str, Any] | None = None
    tables: tuple[Table, ...] = ()
    try:
        if config is None:
            config = experiment.config(base)
            if overrides:
                config = _with_overrides(config, overrides)
        cfg = config_dict(config)
        reason = experiment.skip_reason()
        if reason is not None:
            log.warning("%s skipped: %s", experiment.name, reason)
            return RunRecord(
                experiment=experiment,
                preset=label,
                config=config,
                seed=seed,
                status=SKIPPED,
                result=None,
                error=reason,
                traceback=None,
                seconds=time.perf_counter() - start,
                reused=False,
                figures=(),
                run_dir=None,
            )
        if store is not None:
            run = store.run_dir(experiment.name, cfg, seed, code=code_fingerprint(experiment))
        stored = run.read_result() if run is not None and not fresh else None
        if stored is not None:
            try:
                result = experiment.result_from_dict(stored)
                reused = True
                log.info("%s: reusing the finished result in %s", experiment.name, run.path)  # type: ignore[union-attr]
            except (TypeError, ValueError) as exc:  # not readable as this result type
                log.warning(
                    "%s: stored result unreadable (%s); running again", experiment.name, exc
                )
        if result is None:
            rng = as_generator(child_seed(seed, experiment.name))
            if run is not None:
                if fresh:
                    run.clear_checkpoints()
                with run.logging_to_file(), _checkpointed(executor, run) as ex:
                    log.info("%s: running %s", experiment.name, cfg)
                    result = experiment.execute(config, rng, progress, ex)
                    run.write_result(to_jsonable(result))
                    log.info("%s: finished", experiment.name)
                run.clear_checkpoints()  # the result supersedes them
            else:
                result = experiment.execute(config, rng, progress, executor)
        for name, fig in experiment.figures(result):
            png = figure_to_png(fig)
            figures.append((name, png))
            if run is not None:
                run.write_figure(name, png)
        metrics = dict(result.metrics())
        tables = tuple(experiment.tables(result))
        status = verdict_of(result.checks)
        if base == "quick" and experiment.quick_is_smoke:
            status = SMOKE
        error = tb = None
    except Exception as exc:  # one failing experiment must not stop a report
        status, error, tb = FAILED, f"{type(exc).__name__}: {exc}", traceback.format_exc()
        figures, metrics, tables = [], None, ()
        log.error("%s failed: %s", experiment.name, error)
        if run is not None:
            with open(run.log_path, "a", encoding="utf-8") as fh:
                fh.write(tb)
    return RunRecord(
        experiment=experiment,
        preset=label,
        config=config,
        seed=seed,
        status=status,
        result=result if status != FAILED else None,
        error=error,
        traceback=tb,
        seconds=time.perf_counter() - start,
        reused=reused,
        figures=tuple(figures),
        run_dir=str(run.path) if run is not None else None,
        metrics=metrics,
        tables=tables,
    )
