import dataclasses

import pytest

from cooplab.experiments import evolution_of_cooperation as eoc
from cooplab.experiments.evolution_of_cooperation import Config, tft_threshold
from cooplab.runtime import as_generator
from cooplab.testing import check_experiment

TINY = Config(
    deltas=(0.5, 0.9, 0.98),
    noises=(0.0, 0.01, 0.1),
    generations=300,
    threshold_deltas=11,
    population_size=20,
    moran_runs=1500,
    check_repetitions=150,
)


@pytest.fixture(scope="module")
def result():
    return check_experiment(eoc.EXPERIMENT, TINY)


def test_contract_and_checks_hold(result):
    failed = [c.claim for c in result.checks if not c.held]
    assert not failed, failed
    assert len(eoc.figures(result)) == 4
    assert eoc.tables(result)[0].rows


def test_same_seed_same_numbers(result):
    again = eoc.run(TINY, as_generator(0))
    assert again == result


def test_threshold_value():
    # x = 0.1, Axelrod's payoffs: m* = (1/0.1 + 4 - 1) / 2 = 6.5, delta* = 1 - 1/6.5
    assert tft_threshold(0.1, 5, 3, 1, 0) == pytest.approx(1 - 1 / 6.5)
    # a population of TFT resists ALLD iff delta > (T - R)/(T - P) = 1/2
    assert tft_threshold(1.0, 5, 3, 1, 0) == pytest.approx(0.5)
    assert tft_threshold(0.1, 5, 3, 1, 0) > tft_threshold(0.5, 5, 3, 1, 0)


def test_results_found(result):
    assert result.threshold_numeric == pytest.approx(result.threshold_analytic, abs=1e-6)
    # no noise, delta 0.98: reciprocators take over; delta 0.5: defectors stay
    assert result.final_reciprocators[-1][0] > 0.99
    assert result.final_reciprocators[0][0] < 0.01
    assert result.moran_agrees


def test_bad_config():
    with pytest.raises(ValueError, match="prisoner's dilemma"):
        dataclasses.replace(TINY, T=2.0)
    with pytest.raises(ValueError, match="strategies"):
        dataclasses.replace(TINY, strategies=("tit_for_tat", "defector"), initial_shares=(0.5, 0.5))
    with pytest.raises(ValueError, match="deltas"):
        dataclasses.replace(TINY, deltas=(0.5, 1.0))


def test_boundary_matches_the_payoff_matrix():
    from cooplab.experiments.evolution_of_cooperation import tft_boundary
    from cooplab.repeated.evolution import memory_one_payoff_matrix

    for d in (0.6, 0.9, 0.99):
        a = memory_one_payoff_matrix(["tit_for_tat", "defector"], delta=d)
        x = (a[1, 1] - a[0, 1]) / (a[0, 0] - a[0, 1] - a[1, 0] + a[1, 1])
        assert tft_boundary(d, 5, 3, 1, 0) == pytest.approx(x)
    assert tft_boundary(0.5, 5, 3, 1, 0) is None  # m = 2: even a population of TFT cannot hold


def test_checks_are_plain_bools(result):
    assert all(type(c.held) is bool for c in result.checks)
