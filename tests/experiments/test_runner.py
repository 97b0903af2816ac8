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
