"""Experiment cfr-poker (3.2): contract, verdicts from the numbers, Kuhn's family."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cooplab.experiments import cfr_poker, get
from cooplab.experiments.cfr_poker import KUHN_VALUE, Config, kuhn_family_fit, make_solver
from cooplab.runtime import as_generator
from cooplab.testing import check_experiment

# Small enough for a test, large enough for every claim: CFR+ reaches Kuhn's
# value within 1e-3 after 1,000 iterations (the target).
SMALL = Config(
    kuhn_iterations=300,
    leduc_iterations=20,
    kuhn_sampled_iterations=3_000,
    leduc_sampled_iterations=300,
    checkpoints=6,
    value_iterations=1_000,
    leduc_target=0.05,
    leduc_max_iterations=60,
    leduc_sampled_max_iterations=600,
    timed=False,
)


@pytest.fixture(scope="module")
def result():
    return check_experiment(cfr_poker.EXPERIMENT, SMALL)


def test_registered_in_section_3_2():
    e = get("cfr-poker")
    assert e is cfr_poker.EXPERIMENT and e.section == "3.2"


def test_contract_and_checks(result):
    assert len(result.curves) == 2 * len(cfr_poker.ALGORITHMS)
    failed = [c.detail for c in result.checks if not c.held]
    assert not failed, failed
    # Kuhn 1950: player 0's value is -1/18.
    assert abs(result.kuhn_value - KUHN_VALUE) <= 1e-3
    np.testing.assert_allclose(result.lp_value, KUHN_VALUE, atol=1e-9)
    # Untimed: the result is a function of the seed alone.
    assert all(c.seconds is None for c in result.curves)
    assert all(t.seconds is None for t in result.leduc_times)


def test_uniform_exploitability_is_openspiel_s(result):
    # NashConv of the uniform policy (OpenSpiel): Kuhn 0.916667, Leduc 4.747222; exploitability
    # is NashConv / 2 for two players.
    uniform = dict(result.uniform_exploitability)
    np.testing.assert_allclose(uniform["kuhn_poker"], 0.916666666666667 / 2, atol=1e-6)
    np.testing.assert_allclose(uniform["leduc_poker"], 4.747222222222222 / 2, atol=1e-6)


def test_kuhn_family_fit_recovers_the_family():
    # Kuhn (1950): for every alpha in [0, 1/3] these are equilibria.
    for alpha in (0.0, 0.1, 1 / 3):
        bet = {
            (0, "J|"): alpha,
            (0, "Q|"): 0.0,
            (0, "K|"): 3 * alpha,
            (0, "J|pb"): 0.0,
            (0, "Q|pb"): alpha + 1 / 3,
            (0, "K|pb"): 1.0,
            (1, "J|p"): 1 / 3,
            (1, "Q|p"): 0.0,
            (1, "K|p"): 1.0,
            (1, "J|b"): 0.0,
            (1, "Q|b"): 1 / 3,
            (1, "K|b"): 1.0,
        }
        fitted, _, deviation = kuhn_family_fit(bet)
        assert fitted == pytest.approx(alpha)
        assert deviation == pytest.approx(0.0, abs=1e-12)
        # A policy off the family is measured as such.
        off = dict(bet)
        off[(1, "Q|b")] = 0.6
        assert kuhn_family_fit(off)[2] == pytest.approx(0.6 - 1 / 3)


def test_a_timed_run_records_seconds_and_the_same_numbers_otherwise():
    config = dataclasses.replace(
        SMALL, algorithms=("cfr+", "es-mccfr"), kuhn_iterations=50, value_iterations=50
    )
    timed = cfr_poker.run(dataclasses.replace(config, timed=True), as_generator(1))
    untimed = cfr_poker.run(config, as_generator(1))
    assert all(c.seconds is not None and c.seconds[-1] > 0 for c in timed.curves)
    for a, b in zip(timed.curves, untimed.curves, strict=True):
        assert a.exploitability == b.exploitability
    names = [name for name, _ in cfr_poker.figures(timed)]
    assert "exploitability-vs-seconds" in names
    assert "exploitability-vs-seconds" not in [name for name, _ in cfr_poker.figures(untimed)]


def test_seed_changes_only_the_samplers():
    config = dataclasses.replace(
        SMALL, algorithms=("cfr+", "os-mccfr"), kuhn_iterations=30, value_iterations=30
    )
    a = cfr_poker.run(config, as_generator(3))
    b = cfr_poker.run(config, as_generator(4))
    curves_a = {(c.game, c.algorithm): c for c in a.curves}
    curves_b = {(c.game, c.algorithm): c for c in b.curves}
    assert curves_a[("kuhn_poker", "cfr+")] == curves_b[("kuhn_poker", "cfr+")]
    assert curves_a[("kuhn_poker", "os-mccfr")] != curves_b[("kuhn_poker", "os-mccfr")]


def test_make_solver_names():
    from cooplab.games.poker import kuhn_poker

    game = kuhn_poker()
    for name in cfr_poker.ALGORITHMS:
        solver = make_solver(game, name, rng=0)
        solver.run(2)
        assert solver.iteration == 2
    with pytest.raises(ValueError, match=r"unknown algorithm 'cfr\+\+'"):
        make_solver(game, "cfr++")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"algorithms": ()}, "non-empty tuple"),
        ({"algorithms": ("cfr", "nope")}, "unknown algorithms"),
        ({"kuhn_iterations": 0}, "kuhn_iterations must be a positive integer"),
        ({"checkpoints": 1}, "checkpoints must be an integer >= 2"),
        ({"leduc_target": 0.0}, "leduc_target must be a positive finite number"),
        ({"value_tol": float("nan")}, "value_tol"),
        ({"timed": "yes"}, "timed must be True or False"),
    ],
)
def test_bad_config(changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(Config(), **changes)
