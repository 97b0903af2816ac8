import dataclasses

import numpy as np
import pytest

from cooplab.experiments import noisy_tournament as nt
from cooplab.experiments.noisy_tournament import Config, measure_properties
from cooplab.repeated.strategies import get_strategy
from cooplab.runtime import as_generator
from cooplab.testing import check_experiment

SMALL = (
    "tit_for_tat",
    "generous_tit_for_tat",
    "grudger",
    "tit_for_two_tats",
    "win_stay_lose_shift",
    "defector",
    "cooperator",
    "random",
    "alternator",
    "prober",
)
TINY = Config(strategies=SMALL, turns=40, repetitions=1, noises=(0.0, 0.1), probe_seeds=3)


def test_contract():
    check_experiment(nt.EXPERIMENT, TINY)


def test_same_seed_same_numbers():
    assert nt.run(TINY, as_generator(5)) == nt.run(TINY, as_generator(5))


def test_measured_properties_of_known_strategies():
    names = ["tit_for_tat", "grudger", "tit_for_two_tats", "defector", "cooperator"]
    ret, forg = measure_properties([get_strategy(n) for n in names], 60, 2, seed=0)
    # TFT retaliates and forgives; Grudger retaliates and never forgives;
    # TF2T forgives a lone defection without retaliating.
    np.testing.assert_array_equal(ret, [1, 1, 0, 1, 0])
    np.testing.assert_allclose(forg, [1, 0, 1, 0, 1])


def test_nice_and_clear_from_histories():
    result = nt.run(TINY, as_generator(0))
    props = dict(zip(result.names, result.properties, strict=True))
    assert props["tit_for_tat"] == (True, True, True, True)
    assert props["defector"][0] is False  # first to defect
    assert props["random"][3] is False  # not predictable from the last round
    assert result.first_defections[result.names.index("cooperator")] == 0


def test_quick_subset_is_registered():
    cfg = Config.quick()
    assert len(cfg.names()) >= 30
    assert len(Config.full().names()) > len(cfg.names())


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"noises": (0.05, 0.1)}, "noises"),
        ({"noises": (0.0,)}, "noises"),
        ({"strategies": ("tit_for_tat", "grudger")}, "strategies|tft|generous"),
        ({"turns": 5}, "turns"),
        ({"strategies": (*SMALL, "no_such_strategy")}, "no_such_strategy"),
    ],
)
def test_bad_config(changes, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(TINY, **changes)
