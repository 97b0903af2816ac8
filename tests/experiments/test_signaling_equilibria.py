import dataclasses

import pytest

from cooplab.experiments import get
from cooplab.experiments.signaling_equilibria import Config
from cooplab.testing import check_experiment

# The literature's numbers are tested on the learners themselves (tests/comm/test_lewis.py)
# and by the contract test on the quick preset; here a small config checks the plumbing.
SMALL = Config(runs=50, plays_per_state=800, replicator_steps=300, skews=(0.5, 0.9))


def test_contract_on_a_small_config():
    result = check_experiment(get("signaling-equilibria"), SMALL)
    assert len(result.checks) == 4
    # every learner on every game: 3 state counts + 1 skewed prior, for 2 learners
    assert len(result.cells) == 8
    for c in result.cells:
        assert c.runs == 50
        assert 0 <= c.success_mean <= 1


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"states": (2, 4)}, "include 2 and 3"),
        ({"states": (1, 2, 3)}, "states"),
        ({"skews": (0.7, 0.9)}, "include 0.5"),
        ({"skews": (0.5, 1.0)}, "skews"),
        ({"runs": 10}, "runs"),
        ({"plays_per_state": 0}, "plays_per_state"),
        ({"dt": -1.0}, "dt"),
    ],
)
def test_bad_config(change, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(Config(), **change)
