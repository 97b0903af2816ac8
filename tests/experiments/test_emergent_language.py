import dataclasses

import numpy as np
import pytest

from cooplab.experiments import get
from cooplab.experiments.emergent_language import Config

SMALL = Config(steps=40, eval_every=20, hidden=16, batch_size=16)


def test_contract_on_a_small_config():
    pytest.importorskip("torch")
    from cooplab.testing import check_experiment

    result = check_experiment(get("emergent-language"), SMALL)
    assert len(result.runs) == 4  # 2 methods x 2 seeds
    assert {r.method for r in result.runs} == {"reinforce", "gumbel"}
    assert result.chance == 0.25
    for r in result.runs:
        assert 0 <= r.train_accuracy <= 1 and 0 <= r.test_accuracy <= 1
        assert -1 <= r.topsim <= 1 and np.isfinite(r.entropy)
        assert r.curve_steps == (20, 40)
        assert r.lexicon_sample and "->" in r.lexicon_sample[0]
    assert len(result.checks) == 4


def test_requires_torch():
    assert get("emergent-language").requires == ("torch",)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"seeds": 1}, "seeds"),
        ({"vocab_size": 0}, "vocab_size"),
        ({"max_len": 0}, "max_len"),
        ({"n_distractors": 30}, "n_distractors"),
        ({"holdout": 0.9}, "holdout"),
    ],
)
def test_bad_config(change, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(Config(), **change)
