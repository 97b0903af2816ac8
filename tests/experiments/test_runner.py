import functools
import os
import subprocess
import sys
import types

from cooplab.experiments import get
from cooplab.experiments.runner import code_fingerprint


def _experiment_in(module):
    pd = get("prisoners-dilemma")
    return pd.__class__(**{**pd.__dict__, "run": functools.partial(module.run, scale=1)})


def _module(source):
    module = types.ModuleType("cooplab_test_fingerprint")
    exec(source, module.__dict__)
    sys.modules[module.__name__] = module
    return module


def test_fingerprint_sees_the_loaded_code_through_partials():
    source = "VALUE = 1\ndef run(config, rng, progress=None, executor=None, scale=1):\n    return VALUE * scale\n"
    first = code_fingerprint(_experiment_in(_module(source)))
    assert first == code_fingerprint(_experiment_in(_module(source)))  # deterministic
    changed_constant = code_fingerprint(
        _experiment_in(_module(source.replace("VALUE = 1", "VALUE = 2")))
    )
    changed_code = code_fingerprint(
        _experiment_in(_module(source.replace("VALUE * scale", "VALUE + scale")))
    )
    assert len({first, changed_constant, changed_code}) == 3


def test_fingerprint_is_the_same_in_every_process():
    script = (
        "from cooplab.experiments import get\n"
        "from cooplab.experiments.runner import code_fingerprint\n"
        "print(code_fingerprint(get('prisoners-dilemma')))\n"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            check=True,
        ).stdout.strip()
        for seed in (1, 2)
    }
    assert len(seen) == 1
    assert seen == {code_fingerprint(get("prisoners-dilemma"))}


def test_an_experiment_whose_module_is_missing_is_skipped_with_the_install_command():
    import dataclasses

    from cooplab.experiments.base import SKIPPED
    from cooplab.experiments.runner import run_experiment
    from cooplab.report.html import render_report

    def must_not_run(*args, **kwargs):
        raise AssertionError("a skipped experiment must not run")

    pd = get("prisoners-dilemma")
    exp = dataclasses.replace(pd, requires=("torch", "cooplab_no_such_module"), run=must_not_run)
    assert exp.missing_requirements()[-1] == "cooplab_no_such_module"
    record = run_experiment(exp, seed=0)
    assert record.status == SKIPPED
    assert "cooplab_no_such_module" in record.error
    assert "pip install 'cooplab[" in record.error
    page = render_report([record], planned=[exp], meta={})
    assert "Skipped:" in page and "cooplab_no_such_module" in page
    # an experiment whose modules are all importable runs as before
    assert dataclasses.replace(pd, requires=("numpy",)).skip_reason() is None


def test_a_smoke_quick_preset_is_reported_as_a_smoke_run_not_as_a_verdict():
    import dataclasses

    from cooplab.experiments.base import HELD, SMOKE
    from cooplab.experiments.prisoners_dilemma import Config
    from cooplab.experiments.runner import run_experiment
    from cooplab.report.html import render_report

    pd = dataclasses.replace(get("prisoners-dilemma"), quick_is_smoke=True)
    small = Config(grid=11, n_random=50, chunks=1)
    quick = run_experiment(pd, small, preset="quick", seed=0)
    assert quick.status == SMOKE
    assert all(c.held for c in quick.result.checks)  # the numbers are still there
    page = render_report([quick], planned=[pd], meta={})
    assert "Smoke run:" in page and "not tested at this budget" in page
    assert "cooplab run prisoners-dilemma --full" in page
    # any other preset gets the verdict of its checks
    assert run_experiment(pd, small, seed=0).status == HELD
    assert run_experiment(pd, small, preset="full", seed=0).status == HELD


def test_overrides_change_the_preset_and_an_unknown_field_fails_the_record():
    from cooplab.experiments.base import FAILED
    from cooplab.experiments.runner import run_experiment

    pd = get("prisoners-dilemma")
    record = run_experiment(pd, overrides={"grid": 5, "n_random": 10})
    assert record.preset == "quick+set" and record.status != FAILED
    assert (record.config.grid, record.config.n_random, record.config.T) == (5, 10, 5.0)
    bad = run_experiment(pd, preset="full", overrides={"gird": 5})
    assert bad.status == FAILED and "no field 'gird'" in bad.error and "grid" in bad.error
    assert bad.preset == "full+set"


def test_a_quick_preset_with_overrides_is_still_a_smoke_run():
    import dataclasses

    from cooplab.experiments.base import SMOKE
    from cooplab.experiments.runner import run_experiment

    smoky = dataclasses.replace(get("prisoners-dilemma"), quick_is_smoke=True)
    assert run_experiment(smoky, overrides={"grid": 5, "n_random": 10}).status == SMOKE
