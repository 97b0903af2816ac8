import dataclasses

import pytest

from cooplab.experiments import folk_theorem
from cooplab.experiments.folk_theorem import Config
from cooplab.runtime import as_generator
from cooplab.testing import check_experiment

SMALL = Config(delta_grid=9, n_targets=3)


def test_contract_and_checks_hold():
    result = check_experiment(folk_theorem.EXPERIMENT, SMALL)
    assert all(c.held for c in result.checks), [c.detail for c in result.checks if not c.held]
    assert result.pd_threshold == 0.5
    cournot = result.targets[2]
    assert cournot.delta_minmax == pytest.approx(2 / 11)


def test_seed_reproducible_and_used():
    a = folk_theorem.run(SMALL, as_generator(3))
    b = folk_theorem.run(SMALL, as_generator(3))
    c = folk_theorem.run(SMALL, as_generator(4))
    assert a == b
    assert a.sampled[0].inside != c.sampled[0].inside


def test_other_pd_payoffs():
    result = folk_theorem.run(
        dataclasses.replace(SMALL, T=4.0, R=3.0, P=2.0, S=0.0), as_generator(0)
    )
    assert result.pd_threshold == 0.5 and result.checks[0].held
    result = folk_theorem.run(
        dataclasses.replace(SMALL, T=7.0, R=3.0, P=1.0, S=-3.0), as_generator(0)
    )
    assert result.pd_threshold == pytest.approx(4 / 6) and result.checks[0].held


def test_bad_config():
    with pytest.raises(ValueError, match="fails"):
        Config(T=2.0)
    with pytest.raises(ValueError, match="delta_grid"):
        Config(delta_grid=0)
