"""The example scripts run and say what they should."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.py"))
# needs the ray extra and trains for half a minute: tests/test_rllib_example.py runs it small
EXAMPLES = [p for p in EXAMPLES if p.name != "rllib_harvest.py"]


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script):
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert "Traceback" not in done.stderr


def test_prisoners_dilemma_example_output():
    script = next(p for p in EXAMPLES if p.name == "prisoners_dilemma.py")
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    ).stdout
    assert "pure Nash equilibria: (D, D)" in out
    assert "(C, C) with welfare 6.0" in out
