import dataclasses

import numpy as np
import pytest

from cooplab.experiments import EXPERIMENTS, get, prisoners_dilemma
from cooplab.experiments.prisoners_dilemma import (
    NO_DILEMMA,
    OTHER_DILEMMA,
    PD,
    PD_ALTERNATION,
    Config,
    classify,
)
from cooplab.games.catalog import symmetric_2x2
from cooplab.runtime import Executor, as_generator
from cooplab.testing import check_experiment

SMALL = Config(grid=21, n_random=300, chunks=3)


@pytest.mark.slow
@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda e: e.name)
def test_every_experiment_honours_the_contract(experiment):
    # Each experiment's own tests check the contract on a small config; this
    # runs every registered experiment's quick preset, as the report does.
    reason = experiment.skip_reason()
    if reason is not None:  # e.g. torch, the `learn` extra, which CI installs
        pytest.skip(f"{experiment.name} {reason}")
    small = SMALL if experiment.name == "prisoners-dilemma" else None
    check_experiment(experiment, small)


def test_canonical_numbers():
    # Axelrod (1984) payoffs: equilibrium (D,D) pays (1,1), optimum (C,C) pays (3,3)
    result = prisoners_dilemma.run(SMALL, as_generator(0))
    assert result.equilibria == (("D", "D"),)
    assert result.equilibrium_payoffs == ((1.0, 1.0),)
    assert result.social_optima == (("C", "C"),)
    assert result.optimum_payoffs == ((3.0, 3.0),)
    assert result.welfare_gap == 4.0
    assert result.price_of_anarchy == 3.0
    assert result.regret_at_cooperation == (2.0, 2.0)
    assert result.dominant_actions == ("D", "D")
    assert all(c.held for c in result.checks)
    assert result.grid_mismatches == 0 and result.random_mismatches == 0


@pytest.mark.parametrize(
    ("R", "S", "T", "P", "region"),
    [
        (3, 0, 5, 1, PD),  # Axelrod's prisoner's dilemma
        (3, 0, 7, 1, PD_ALTERNATION),  # T > R > P > S but 2R < T + S
        (4, 0, 3, 2, OTHER_DILEMMA),  # stag hunt: (Hare, Hare) is a worse equilibrium
        (3, 1, 4, 0, OTHER_DILEMMA),  # chicken: one swerving (welfare 5) is worse than both (6)
        (2, 1, 3, 0, NO_DILEMMA),  # chicken with T + S = 2R: one swerving is as good as both
        (3, 2, 1, 0, NO_DILEMMA),  # harmony: cooperation dominates
    ],
)
def test_classify_known_games(R, S, T, P, region):
    assert classify(symmetric_2x2(R=R, S=S, T=T, P=P)) == region


def test_a_different_pd_is_analysed_too():
    cfg = dataclasses.replace(SMALL, T=4.0, R=2.0, P=1.0, S=-1.0)
    result = prisoners_dilemma.run(cfg, as_generator(0))
    assert result.payoffs == (4.0, 2.0, 1.0, -1.0)
    assert result.welfare_gap == 2.0


def test_not_a_dilemma_is_refused_with_the_condition():
    with pytest.raises(ValueError, match="fails T > R"):
        dataclasses.replace(SMALL, T=2.0)


def test_bad_config_names_the_field():
    with pytest.raises(ValueError, match="grid"):
        Config(grid=1)
    with pytest.raises(ValueError, match="t_range"):
        Config(t_range=(3.0, 0.0))


def test_orderings_table_has_only_one_prisoners_dilemma():
    result = prisoners_dilemma.run(SMALL, as_generator(0))
    pds = [o.ordering for o in result.orderings if o.region == PD]
    assert pds == ["T > R > P > S"]
    assert len(result.orderings) == 24


def test_seed_changes_random_games_but_not_the_verdict():
    cfg = Config(grid=11, n_random=3000, chunks=3)
    counts = {prisoners_dilemma.run(cfg, as_generator(seed)).random_dilemmas for seed in (1, 2, 3)}
    assert len(counts) > 1  # the random games depend on the seed
    assert all(c.held for c in prisoners_dilemma.run(cfg, as_generator(1)).checks)


def test_how_the_work_is_cut_does_not_change_the_numbers():
    # Review finding: chunks once changed which random games were drawn.
    a = prisoners_dilemma.run(Config(grid=11, n_random=500, chunks=2), as_generator(5))
    b = prisoners_dilemma.run(Config(grid=11, n_random=500, chunks=7), as_generator(5))
    assert a == b


def test_near_ties_are_classified_exactly():
    # T a hair above R: the conditions hold, and so must the analysis.
    assert classify(symmetric_2x2(R=1, S=-1, T=1 + 1e-12, P=0)) == PD
    result = prisoners_dilemma.run(
        Config(grid=5, n_random=0, t_range=(1 + 1e-11, 3.0)), as_generator(0)
    )
    assert result.grid_mismatches == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("grid", 2.5), ("n_random", True), ("t_range", (0.0, float("inf"))), ("T", float("nan"))],
)
def test_config_types_are_checked(field, value):
    with pytest.raises(ValueError, match=field):
        dataclasses.replace(SMALL, **{field: value})


def test_local_pool_gives_the_same_result_as_serial():
    with Executor("local", workers=2) as ex:
        pooled = prisoners_dilemma.run(SMALL, as_generator(4), None, ex)
    serial = prisoners_dilemma.run(SMALL, as_generator(4))
    assert pooled == serial


def test_region_shares_on_the_plane():
    # With R = 1, P = 0 on T in [0, 3], S in [-2, 1]: the dilemma is T > 1, S < 0, T + S < 2.
    result = prisoners_dilemma.run(Config(grid=31, n_random=0), as_generator(0))
    t = np.array(result.t_values)
    s = np.array(result.s_values)
    tt, ss = np.meshgrid(t, s)
    expected = (tt > 1) & (ss < 0) & (tt + ss < 2)
    assert np.array_equal(np.array(result.regions) == PD, expected)


def test_agreement_is_not_vacuous():
    # A plane with no dilemma in it cannot confirm the conditions.
    cfg = Config(grid=11, n_random=0, t_range=(0.0, 0.9), s_range=(0.1, 1.0))
    result = prisoners_dilemma.run(cfg, as_generator(0))
    assert result.grid_mismatches == 0
    assert not result.checks[3].held


def test_registry_lookup():
    assert get("prisoners_dilemma") is prisoners_dilemma.EXPERIMENT


def test_custom_config_is_recorded_as_custom():
    from cooplab.experiments.runner import run_experiment

    record = run_experiment(prisoners_dilemma.EXPERIMENT, SMALL)
    assert record.preset == "custom"
    assert run_experiment(prisoners_dilemma.EXPERIMENT, preset="quick").preset == "quick"
    negative = run_experiment(
        prisoners_dilemma.EXPERIMENT, Config(T=-1.0, R=-2.0, P=-3.0, S=-4.0, grid=11, n_random=0)
    )
    assert negative.status == "held"
    assert len(negative.figures) == 2
