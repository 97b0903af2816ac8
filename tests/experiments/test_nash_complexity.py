import dataclasses

import numpy as np
import pytest

from cooplab.experiments import nash_complexity
from cooplab.experiments.nash_complexity import EXPERIMENT, Config, fit_growth
from cooplab.games.hard import savani_von_stengel_path_lengths
from cooplab.runtime import Executor, as_generator
from cooplab.testing import check_experiment

TINY = Config(
    hard_dims=(2, 4, 6),
    extension_dims=(8, 10),
    lh_sizes=(2, 4, 6),
    lh_games=3,
    se_sizes=(3, 4, 5),
    se_games=3,
)
# Small, but large enough for every verdict to mean something.
SMALL = Config(
    hard_dims=(2, 4, 6, 8, 10),
    extension_dims=(12, 14, 16),
    lh_sizes=(6, 10, 14),
    lh_games=6,
    se_sizes=(4, 5, 6, 7, 8, 9, 10),  # the quick preset's: smaller sets are too noisy to fit
    se_games=8,
)


def test_contract():
    result = check_experiment(EXPERIMENT, TINY)
    assert EXPERIMENT.name == "nash-complexity" and EXPERIMENT.section == "1.2"
    assert len(EXPERIMENT.figures(result)) == 2
    assert len(EXPERIMENT.tables(result)) == 3


def test_checks_hold_on_a_small_run():
    result = nash_complexity.run(SMALL, as_generator(0))
    assert all(c.held for c in result.checks), [c.detail for c in result.checks if not c.held]
    # Every hard path is the combinatorial one, and they double every two dimensions at first
    assert result.hard_pivots == tuple(savani_von_stengel_path_lengths(d) for d in SMALL.hard_dims)
    assert result.hard_shortest == (4, 8, 16, 24, 44)
    assert result.extension_shortest == (64, 112, 160)
    assert result.hard_shortest_fit.factor > 1.2
    assert result.se_support_pairs == (69, 251, 923, 3431, 12869, 48619, 184755)


def test_same_seed_same_numbers_other_seed_other_random_games():
    a = nash_complexity.run(TINY, as_generator(3))
    b = nash_complexity.run(TINY, as_generator(3))
    c = nash_complexity.run(TINY, as_generator(4))
    assert a == b
    assert a.hard_pivots == c.hard_pivots  # the hard games are not random
    assert (a.lh_pivots, a.se_systems) != (c.lh_pivots, c.se_systems)


@pytest.mark.slow  # starting a process pool takes seconds
def test_local_pool_gives_the_same_result_as_serial():
    with Executor("local", workers=2) as ex:
        pooled = nash_complexity.run(TINY, as_generator(5), None, ex)
    assert pooled == nash_complexity.run(TINY, as_generator(5))


def test_progress_is_reported():
    calls = []
    nash_complexity.run(TINY, as_generator(0), lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1] > 0


def test_fit_growth_tells_exponential_from_power_law():
    sizes = np.arange(2, 20)
    exponential = fit_growth(sizes, 3.0 * 1.5**sizes)
    assert exponential.factor == pytest.approx(1.5)
    assert exponential.r2 == pytest.approx(1.0)
    assert exponential.exponential_fits_better
    power = fit_growth(sizes, 2.0 * sizes**3.0)
    assert power.exponent == pytest.approx(3.0)
    assert power.power_r2 == pytest.approx(1.0)
    assert not power.exponential_fits_better
    flat = fit_growth([1, 2, 3], [5, 5, 5])
    assert flat.factor == pytest.approx(1.0) and flat.r2 == 1.0
    with pytest.raises(ValueError, match="two sizes"):
        fit_growth([4], [10])


def test_a_flat_family_is_not_called_exponential():
    check = nash_complexity._exponential_check("c", fit_growth([2, 4, 6, 8], [7, 8, 7, 8]), "d", "")
    assert not check.held


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("hard_dims", (2, 4, 5), "even"),
        ("hard_dims", (2, 4, 20), "2..18"),
        ("hard_dims", (2, 4), "at least 3"),
        ("hard_dims", (4, 2, 6), "increasing"),
        ("extension_dims", (4,), "larger than"),
        ("se_sizes", (4, 5, 14), "2..13"),
        ("lh_games", 0, "lh_games"),
        ("se_games", 2.0, "se_games"),
        ("lh_sizes", (2, 3, "4"), "integers"),
    ],
)
def test_bad_config_names_the_field(field, value, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(TINY, **{field: value})


def test_presets():
    quick, full = Config.quick(), Config.full()
    assert quick.hard_dims[-1] == 14 and full.hard_dims[-1] == 18
    assert full.se_sizes[-1] == 12 and full.lh_sizes[-1] == 100


@pytest.mark.slow
def test_quick_preset_holds():
    with Executor("local", workers=2) as ex:
        result = nash_complexity.run(Config.quick(), as_generator(0), None, ex)
    assert all(c.held for c in result.checks)
