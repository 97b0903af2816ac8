import dataclasses
import importlib.util
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from cooplab.experiments import Check, Experiment, get
from cooplab.experiments.runner import run_experiment
from cooplab.report.build import build_report
from cooplab.runtime import Store
from tests.runtime.tasks import interrupt_once

PD = get("prisoners-dilemma")


@dataclass(frozen=True)
class BrokenConfig:
    size: int = 1

    @classmethod
    def quick(cls):
        return cls()

    @classmethod
    def full(cls):
        return cls(size=2)


@dataclass(frozen=True)
class BrokenResult:
    checks: tuple[Check, ...] = ()

    def metrics(self):
        return {}


def _explode(config, rng, progress=None, executor=None):
    raise RuntimeError("the solver diverged")


def _interrupt(config, rng, progress=None, executor=None):
    raise KeyboardInterrupt


def _record(name, run):
    return Experiment(
        name=name,
        title=f"Broken {name}",
        section="9.9",
        claim="Something that cannot be computed.",
        config_type=BrokenConfig,
        result_type=BrokenResult,
        run=run,
        figures=lambda result: [],
    )


def _figures(html):
    return re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)


def test_report_has_the_pd_section_with_numbers_and_figures(tmp_path):
    outcome = build_report(["prisoners-dilemma"], out=tmp_path, backend="serial")
    html = outcome.path.read_text()
    assert outcome.records[0].status == "held"
    assert "The one-shot prisoner&#x27;s dilemma" in html
    assert "The unique Nash equilibrium is (Defect, Defect)" in html  # the note's claim
    assert "price of anarchy" in html
    figures = _figures(html)
    assert {name for name, _ in figures} == {"dilemma-region", "welfare-by-outcome"}
    assert all(len(data) > 10_000 for _, data in figures)  # real PNGs, not empty images
    # self-contained: nothing is fetched
    assert not re.search(r'(src|href)="https?://', html)
    assert "<script" not in html


def test_a_failing_experiment_gives_a_failed_section_and_the_rest(tmp_path):
    broken = _record("broken", _explode)
    outcome = build_report(experiments=[broken, PD], out=tmp_path, backend="serial")
    statuses = [r.status for r in outcome.records]
    assert statuses == ["failed", "held"]
    html = outcome.path.read_text()
    assert "RuntimeError: the solver diverged" in html
    assert html.index("Broken broken") < html.index("The one-shot prisoner")
    assert len(_figures(html)) == 2
    log = next((tmp_path / "runs" / "broken").iterdir()) / "log"
    assert "the solver diverged" in log.read_text()


def test_interrupted_report_keeps_what_finished(tmp_path):
    stopper = _record("stopper", _interrupt)
    with pytest.raises(KeyboardInterrupt):
        build_report(experiments=[PD, stopper], out=tmp_path, backend="serial")
    html = (tmp_path / "report.html").read_text()
    assert "Not run: the report was stopped (Ctrl-C)" in html
    assert "interrupted" in html
    # the finished experiment is stored and reused on the next run
    again = build_report(["prisoners-dilemma"], out=tmp_path, backend="serial")
    assert again.records[0].reused
    fresh = build_report(["prisoners-dilemma"], out=tmp_path, backend="serial", fresh=True)
    assert not fresh.records[0].reused
    assert fresh.records[0].result == again.records[0].result


def test_same_seed_same_numbers_different_seed_different_random_games(tmp_path):
    a = build_report(["prisoners-dilemma"], out=tmp_path / "a", seed=3, backend="serial").records[0]
    b = build_report(
        ["prisoners-dilemma"], out=tmp_path / "b", seed=3, backend="local", workers=2
    ).records[0]
    c = build_report(["prisoners-dilemma"], out=tmp_path / "c", seed=4, backend="serial").records[0]
    assert a.result == b.result
    assert a.result.random_dilemmas != c.result.random_dilemmas
    ra = json.loads(
        next((tmp_path / "a" / "runs" / "prisoners-dilemma").iterdir())
        .joinpath("result.json")
        .read_text()
    )
    rb = json.loads(
        next((tmp_path / "b" / "runs" / "prisoners-dilemma").iterdir())
        .joinpath("result.json")
        .read_text()
    )
    assert ra == rb


def test_selection_does_not_change_an_experiments_numbers(tmp_path):
    alone = build_report(["prisoners-dilemma"], out=tmp_path / "x", backend="serial").records[0]
    broken = _record("broken", _explode)
    together = build_report(experiments=[broken, PD], out=tmp_path / "y", backend="serial").records[
        1
    ]
    assert alone.result == together.result


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="preset"):
        build_report(preset="medium", out=tmp_path)
    with pytest.raises(ValueError, match="seed"):
        build_report(seed=-1, out=tmp_path)
    with pytest.raises(KeyError, match="unknown experiment"):
        build_report(["nope"], out=tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="needs the ray extra")
def test_ray_backend_gives_the_local_results(tmp_path):
    local = build_report(["prisoners-dilemma"], out=tmp_path / "local", backend="local", workers=2)
    ray = build_report(["prisoners-dilemma"], out=tmp_path / "ray", backend="ray", workers=2)
    assert ray.records[0].status == "held"
    assert dataclasses.asdict(ray.records[0].result) == dataclasses.asdict(local.records[0].result)
    assert np.array_equal(
        np.array(ray.records[0].result.regions), np.array(local.records[0].result.regions)
    )


@dataclass(frozen=True)
class SweepConfig:
    folder: str = "."

    @classmethod
    def quick(cls):
        return cls()

    @classmethod
    def full(cls):
        return cls()


@dataclass(frozen=True)
class SweepResult:
    values: tuple[int, ...]
    checks: tuple[Check, ...]

    def metrics(self):
        return {"sum": sum(self.values)}


def _sweep(config, rng, progress=None, executor=None):
    tasks = [(x, 2, config.folder) for x in range(4)]
    values = executor.map_values(interrupt_once, tasks, progress=progress)
    return SweepResult(tuple(values), (Check("the sweep finished", True, ""),))


def test_an_interrupted_experiment_resumes_from_its_finished_tasks(tmp_path):
    sweep = Experiment(
        name="sweep",
        title="Sweep",
        section="0",
        claim="A sweep resumes.",
        config_type=SweepConfig,
        result_type=SweepResult,
        run=_sweep,
        figures=lambda result: [],
    )
    store = Store(tmp_path / "runs")
    config = SweepConfig(folder=str(tmp_path))
    with pytest.raises(KeyboardInterrupt):
        run_experiment(sweep, config, store=store)
    assert (tmp_path / "calls").read_text().split() == ["0", "1", "2"]
    record = run_experiment(sweep, config, store=store)
    assert record.status == "held"
    assert record.result.values == (0, 10, 20, 30)
    assert (tmp_path / "calls").read_text().split() == ["0", "1", "2", "2", "3"]
    run_folder = next((tmp_path / "runs" / "sweep").iterdir())
    assert not (run_folder / "checkpoints" / "tasks").exists()  # the result supersedes them


def _bad_tables(result):
    raise RuntimeError("table code broke")


@dataclass(frozen=True)
class FullBreaksConfig(BrokenConfig):
    @classmethod
    def full(cls):
        raise ZeroDivisionError("no full preset")


def _fine(config, rng, progress=None, executor=None):
    return BrokenResult(checks=(Check("fine", True, ""),))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"tables": _bad_tables}, "table code broke"),
        ({"config_type": FullBreaksConfig}, "no full preset"),
    ],
)
def test_experiment_code_failing_anywhere_gives_a_failed_section(tmp_path, change, error):
    fine = dataclasses.replace(_record("fragile", _fine), **change)
    outcome = build_report(
        experiments=[fine, PD],
        out=tmp_path,
        preset="full" if "config_type" in change else "quick",
        backend="serial",
    )
    assert outcome.records[0].status == "failed"
    assert outcome.records[1].status == "held"
    html = outcome.path.read_text()
    assert error in html
    assert len(_figures(html)) == 2


def test_interrupted_fresh_run_keeps_the_old_result(tmp_path, monkeypatch):
    store = Store(tmp_path / "runs")
    first = run_experiment(PD, store=store)
    result_file = Path(first.run_dir) / "result.json"
    assert result_file.exists()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Experiment, "execute", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(PD, store=store, fresh=True)
    monkeypatch.undo()
    assert result_file.exists()
    assert run_experiment(PD, store=store).reused


def test_run_logs_stay_out_of_the_users_handlers(tmp_path):
    records = []

    class Catch(logging.Handler):
        def emit(self, record):
            records.append(record)

    root = logging.getLogger()
    handler = Catch()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    try:
        record = run_experiment(PD, store=Store(tmp_path), fresh=True)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert not [r for r in records if r.name.startswith("cooplab") and r.levelno < logging.WARNING]
    assert "running" in (Path(record.run_dir) / "log").read_text()


def test_child_logger_handlers_see_no_more_than_before(tmp_path):
    seen = []

    class Catch(logging.Handler):
        def emit(self, record):
            seen.append(record.levelno)

    child = logging.getLogger("cooplab.experiments.runner")
    handler = Catch()
    child.addHandler(handler)
    root = logging.getLogger()
    old = root.level
    root.setLevel(logging.WARNING)
    try:
        run_experiment(PD, store=Store(tmp_path), fresh=True)
    finally:
        child.removeHandler(handler)
        root.setLevel(old)
    assert all(level >= logging.WARNING for level in seen)
