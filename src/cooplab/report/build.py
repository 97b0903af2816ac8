"""Run the listed experiments and write ``report.html``.

Experiments run one after another in this process; each may spread its own
sweep over the executor (process pool or Ray). Each finished experiment is
stored in its run folder at once, so an interrupted report loses nothing: on
Ctrl-C the page is written with what finished, and the next run reuses it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cooplab.experiments import EXPERIMENTS, get
from cooplab.experiments.base import Experiment
from cooplab.experiments.runner import RunRecord, run_experiment
from cooplab.report.html import render_report
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress, scaled
from cooplab.runtime.store import Store, atomic_write_bytes

__all__ = ["ReportOutcome", "build_report", "select"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportOutcome:
    """Where the report went and what each experiment gave."""

    path: Path
    records: tuple[RunRecord, ...]


def select(names: Sequence[str] | None) -> list[Experiment]:
    """The experiments named (in report order), or all of them."""
    if not names:
        return list(EXPERIMENTS)
    chosen = {get(n).name for n in names}
    return [e for e in EXPERIMENTS if e.name in chosen]


def build_report(
    names: Sequence[str] | None = None,
    *,
    experiments: Sequence[Experiment] | None = None,
    preset: str = "quick",
    seed: int = 0,
    out: Path | str = "cooplab-report",
    backend: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
    fresh: bool = False,
    progress: ProgressFn | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> ReportOutcome:
    """Run the experiments and write ``<out>/report.html``; runs are stored in ``<out>/runs``.

    Parameters
    ----------
    names
        Experiments to run (``--only``); all by default.
    experiments
        Experiment records to run instead of the registered ones (your own).
    preset
        ``"quick"`` (a laptop minute) or ``"full"`` (the numbers for a paper).
    seed
        The report's seed; each experiment derives its own from it and its name.
    backend, workers, ray_address
        Where the experiments' parallel parts run (see :class:`Executor`).
    fresh
        Recompute even when a stored result exists.
    progress
        ``progress(done, total)`` over the whole report.
    on_stage
        Called with a line of text as each experiment starts.
    """
    if preset not in ("quick", "full"):
        raise ValueError(f"unknown preset {preset!r}; expected 'quick' or 'full'")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"a seed is a non-negative integer; got {seed!r}")
    if experiments is None:
        experiments = select(names)
    elif names:
        raise ValueError("give either names or experiments, not both")
    experiments = list(experiments)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store(out / "runs")
    report = progress or null_progress
    meta = {"preset": preset, "seed": seed, "backend": backend}
    records: list[RunRecord] = []
    path = out / "report.html"
    n = len(experiments)
    interrupted = False
    executor = Executor(backend, workers=workers, ray_address=ray_address)
    try:
        for k, experiment in enumerate(experiments):
            if on_stage is not None:
                on_stage(f"{k + 1}/{n} {experiment.name}")
            record = run_experiment(
                experiment,  # its preset is built inside the guard of run_experiment
                preset=preset,
                seed=seed,
                store=store,
                fresh=fresh,
                executor=executor,
                progress=scaled(report, k, 1, n),
            )
            records.append(record)
            report(k + 1, n)
            log.info("%s: %s in %.1fs", experiment.name, record.status, record.seconds)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        executor.close()
        _write(path, records, experiments, meta, interrupted)
    return ReportOutcome(path=path, records=tuple(records))


def _write(
    path: Path,
    records: list[RunRecord],
    planned: list[Experiment],
    meta: dict[str, Any],
    interrupted: bool,
) -> None:
    if interrupted:
        meta = {**meta, "interrupted": "yes: sections without a result were not run"}
    page = render_report(records, planned=planned, meta=meta)
    atomic_write_bytes(path, page.encode("utf-8"))
