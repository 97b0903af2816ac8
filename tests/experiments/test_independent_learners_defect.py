import pytest

from cooplab.experiments import independent_learners_defect as ild
from cooplab.experiments.independent_learners_defect import Config
from cooplab.testing import check_experiment

SMALL = Config(steps=800, memory_one_steps=800, seeds=2)


def test_contract_and_stateless_learners_defect():
    result = check_experiment(ild.EXPERIMENT, SMALL)
    assert len(result.runs) == 2 * len(ild.VARIANTS)
    # Defection strictly dominates in the stage game, so stateless learners defect.
    assert result.checks[0].held, result.checks[0].detail
    for r in result.runs:
        assert sum(r.final_frequencies) == pytest.approx(1.0)
        assert r.mutual_defection == (r.greedy_cycle == ("DD",))
    assert len(ild.figures(result)) == 2


def test_bad_config():
    with pytest.raises(ValueError, match="gamma"):
        Config(gamma=1.0)
    with pytest.raises(ValueError, match="fails"):
        Config(T=2.0)
    with pytest.raises(ValueError, match="temperature"):
        Config(temperature=0.0)
