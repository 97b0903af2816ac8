import numpy as np
import pytest

pytest.importorskip("torch")

from cooplab.experiments import get
from cooplab.experiments import lola as lola_experiment
from cooplab.experiments.lola import Config
from cooplab.testing import check_experiment

SMALL = Config(runs=10, steps=60)


def test_contract_and_numbers():
    result = check_experiment(lola_experiment.EXPERIMENT, SMALL)
    assert len(result.checks) == 4
    ll = np.asarray(result.get("ipd", "lola-lola").final_rewards).mean()
    nn = np.asarray(result.get("ipd", "naive-naive").final_rewards).mean()
    assert ll > nn + 0.5  # LOLA-LOLA cooperates more than naive learners, even after 60 updates
    assert len(result.get("imp", "lola-lola").policies) == 10


def test_registered_with_torch_requirement():
    e = get("lola")
    assert e.section == "2.2"
    assert e.requires == ("torch",)
    assert e.skip_reason() is None


@pytest.mark.parametrize("kwargs", [{"runs": 5}, {"steps": 0}, {"lr": -1.0}, {"eta": float("nan")}])
def test_bad_config(kwargs):
    with pytest.raises(ValueError, match="must be"):
        Config(**kwargs)
