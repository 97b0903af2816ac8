import dataclasses

import pytest

from cooplab.comm.lewis import PARTIAL_POOLING, POOLING, SIGNALING_SYSTEM
from cooplab.experiments import get
from cooplab.experiments.signaling_equilibria import Config, run
from cooplab.runtime import as_generator
from cooplab.testing import check_experiment

SMALL = Config(runs=60, plays_per_state=1500, replicator_steps=400, skews=(0.5, 0.9))


def test_contract_on_a_small_config():
    result = check_experiment(get("signaling-equilibria"), SMALL)
    assert len(result.checks) == 4
    # every learner on every game: 3 state counts + 1 skewed prior, for 2 learners
    assert len(result.cells) == 8
    for c in result.cells:
        assert c.runs == 60
        assert 0 <= c.success_mean <= 1


def test_numbers_follow_the_literature_on_the_quick_preset():
    result = run(Config.quick(), as_generator(3))
    re2, re3 = result.get("roth-erev", 2), result.get("roth-erev", 3)
    # Argiento et al. (2009): 2 equiprobable states -> a signaling system, never pooling
    assert re2.share(SIGNALING_SYSTEM) >= 0.9 and re2.pooled == 0
    # Barrett (2006), Skyrms (2010): about 1 run in 10 pools with 3 states
    assert 0.04 <= re3.share(PARTIAL_POOLING) + re3.share(POOLING) <= 0.18
    # skewed prior: total pooling appears (Huttegger 2007)
    assert result.get("replicator", 2, 0.9).share(POOLING) > 0.1
    assert all(c.held for c in result.checks)


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
