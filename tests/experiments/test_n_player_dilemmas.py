import dataclasses
import math

import numpy as np
import pytest

from cooplab.experiments import n_player_dilemmas as npd
from cooplab.experiments.n_player_dilemmas import (
    ARMS_RACE,
    COMMONS,
    GAMES,
    PUBLIC_GOODS,
    Config,
    analyse_array,
    analyse_count,
)
from cooplab.runtime import Executor, as_generator
from cooplab.testing import check_experiment

TINY = Config(
    ns=(2, 3, 4, 5),
    array_n_max=4,
    sweep_ns=(2, 3, 4),
    r_step=0.5,
    r_max=5.0,
    sweep_array_n_max=3,
)


@pytest.fixture(scope="module")
def tiny_result():
    return npd.run(TINY, as_generator(0))


def test_contract_and_every_check_holds():
    result = check_experiment(npd.EXPERIMENT, TINY)
    assert result.checks and all(c.held for c in result.checks), [
        c.detail for c in result.checks if not c.held
    ]
    assert npd.EXPERIMENT.name == "n-player-dilemmas"
    assert {name for name, _ in npd.figures(result)} == {
        "price-of-anarchy",
        "welfare-gap-per-player",
        "commons-use",
        "public-goods-multiplier",
    }
    titles = [t.title for t in npd.tables(result)]
    assert len(titles) == len(GAMES) + 1


def _fields(row):
    skip = {"method", "pareto_deficient"}
    return {f.name: getattr(row, f.name) for f in dataclasses.fields(row) if f.name not in skip}


def _assert_same(a, c):
    fa, fc = _fields(a), _fields(c)
    assert fa.keys() == fc.keys()
    for key in fa:
        x, y = fa[key], fc[key]
        if isinstance(x, float) and isinstance(y, float):
            assert x == pytest.approx(y, rel=1e-9, abs=1e-12), key
        elif isinstance(x, tuple):
            np.testing.assert_allclose(x, y, rtol=1e-9, err_msg=key)
        else:
            assert x == y, key


@pytest.mark.parametrize("game", GAMES)
@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_counting_agrees_with_the_full_array(game, n):
    params = TINY.params(game)
    _assert_same(analyse_array(game, n, params), analyse_count(game, n, params))


@pytest.mark.parametrize(
    ("game", "params"),
    [
        (PUBLIC_GOODS, {"multiplier": 2.5, "endowment": 3.0, "levels": 4}),
        (COMMONS, {"capacity": 10.0, "cost": 0.5, "max_use": 4}),
        (COMMONS, {"capacity": 7.0, "cost": 0.0, "max_use": 3}),
        (ARMS_RACE, {"cost": 0.5, "threat": 3.0, "budget": 1.0}),
    ],
)
def test_counting_agrees_on_other_parameters(game, params):
    for n in (2, 3, 4):
        _assert_same(analyse_array(game, n, params), analyse_count(game, n, params))


def test_theory_values(tiny_result):
    # Public goods: PoA = r n e / (n e) = r, loss (r - 1) e per player (Ledyard 1995).
    for n in TINY.ns:
        row = tiny_result.row(PUBLIC_GOODS, n)
        assert row.price_of_anarchy == pytest.approx(1.6)
        assert row.gap_per_capita == pytest.approx(0.6)
        assert row.equilibrium_totals == (0.0,) and row.optimum_totals == (float(n),)
    # Commons with a = 12: 4 each at equilibrium for n = 2 (Gibbons 1992, §1.2.D),
    # welfare 8 * 4 = 32 against 6 * 6 = 36 at the optimum: PoA 9/8.
    two = tiny_result.row(COMMONS, 2)
    assert two.equilibrium_totals == (8.0,) and two.optimum_totals == (6.0,)
    assert two.price_of_anarchy == pytest.approx(9 / 8)
    assert tiny_result.row(COMMONS, 3).price_of_anarchy == pytest.approx(4 / 3)
    # Arms race: everyone pays the cost; with budget 2 and cost 1 the PoA is 2.
    for n in TINY.ns:
        row = tiny_result.row(ARMS_RACE, n)
        assert row.price_of_anarchy == pytest.approx(2.0)
        assert row.gap_per_capita == pytest.approx(1.0)
        assert row.dawes_dilemma


@pytest.mark.parametrize(
    ("n", "r", "dilemma"),
    [
        (3, 0.5, False),
        (3, 1.0, False),
        (3, 1.01, True),
        (3, 2.99, True),
        (3, 3.0, False),
        (3, 4.0, False),
    ],
)
def test_public_goods_dilemma_exactly_inside_one_and_n(n, r, dilemma):
    params = {"multiplier": r, "endowment": 1.0, "levels": 2}
    for row in (analyse_array(PUBLIC_GOODS, n, params), analyse_count(PUBLIC_GOODS, n, params)):
        assert row.dawes_dilemma is dilemma
        assert row.every_equilibrium_suboptimal is dilemma


def test_at_r_equal_n_every_profile_is_an_equilibrium():
    row = analyse_count(PUBLIC_GOODS, 4, {"multiplier": 4.0, "endowment": 1.0, "levels": 2})
    assert row.equilibrium_profiles == 2**4
    assert row.price_of_anarchy == pytest.approx(4.0)  # worst equilibrium: nobody gives


def test_commons_rent_dissipates_for_large_n():
    # With a = 12 and whole animals, twelve players using one each earn nothing.
    row = analyse_count(COMMONS, 12, TINY.params(COMMONS))
    assert max(row.equilibrium_totals) == 12.0
    assert row.worst_equilibrium_welfare == 0.0
    assert row.price_of_anarchy == math.inf
    result = npd.run(
        dataclasses.replace(TINY, ns=(2, 12, 40), array_n_max=2, sweep_ns=(2,)), as_generator(0)
    )
    assert result.metrics()["commons: first n with zero equilibrium welfare"] == 12
    assert all(c.held for c in result.checks)


def test_the_seed_changes_nothing(tiny_result):
    assert npd.run(TINY, as_generator(123)) == tiny_result


def test_local_pool_gives_the_same_result_as_serial():
    # The tasks must pickle and come back in order; one worker is enough to show it.
    small = dataclasses.replace(TINY, ns=(2, 3), array_n_max=3, sweep_ns=(2, 3))
    with Executor("local", workers=1) as ex:
        pooled = npd.run(small, as_generator(0), None, ex)
    assert pooled == npd.run(small, as_generator(0))


def test_sweep_check_is_not_vacuous():
    # A grid with no multiplier inside (1, n) cannot confirm the condition.
    result = npd.run(
        dataclasses.replace(TINY, sweep_ns=(2,), r_step=0.5, r_max=1.0), as_generator(0)
    )
    sweep_check = next(c for c in result.checks if "exactly when" in c.claim)
    assert not sweep_check.held


def test_progress_is_reported():
    calls = []
    npd.run(TINY, as_generator(0), lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1] > 0


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"multiplier": 1.0}, "multiplier must exceed 1"),
        ({"multiplier": 6.0}, "no such n"),
        ({"threat": 0.5}, "threat must exceed arms_cost"),
        ({"budget": 1.0}, "budget must exceed arms_cost"),
        ({"grazing_cost": 13.0}, "grazing_cost"),
        ({"ns": (3, 2)}, "ns must be increasing"),
        ({"ns": (1, 2)}, "ns must be"),
        ({"max_use": 2.5}, "max_use"),
        ({"r_step": float("nan")}, "r_step"),
    ],
)
def test_bad_config_names_the_problem(changes, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(TINY, **changes)


def test_presets_are_within_the_catalog_limits():
    for config in (Config.quick(), Config.full()):
        arrays = [
            (g, n)
            for g in GAMES
            for n in config.ns
            if n <= config.array_n_max and npd.array_fits(g, n, config.params(g))
        ]
        assert (COMMONS, 8) in arrays and (COMMONS, 9) not in arrays
    assert npd.array_fits(PUBLIC_GOODS, 19, Config().params(PUBLIC_GOODS))
    assert not npd.array_fits(PUBLIC_GOODS, 20, Config().params(PUBLIC_GOODS))
    assert 1.0 in Config().r_values() and 8.0 in Config().r_values()
