import dataclasses

import pytest

from cooplab.experiments import non_stationarity
from cooplab.experiments.non_stationarity import Config
from cooplab.runtime import as_generator
from cooplab.testing import check_experiment

SMALL = Config(steps=600, seeds=2)


def test_contract_and_the_checks_that_do_not_depend_on_run_length():
    result = check_experiment(non_stationarity.EXPERIMENT, SMALL)
    assert {r.game for r in result.runs} == {g[2] for g in non_stationarity.GAMES}
    assert len(result.runs) == 2 * len(non_stationarity._plan(SMALL))
    by_claim = {c.claim.split(" (")[0]: c for c in result.checks}
    # Gradient ascent cycles in matching pennies within 600 steps, and WoLF-IGA has
    # converged there; Shapley's FP average stays away from the equilibrium.
    mp = {(r.learner, r.seed): r for r in result.runs if r.game == "Matching pennies"}
    assert all(mp[("iga", k)].verdict == "cycling" for k in range(2))
    assert all(mp[("wolf-iga", k)].verdict == "converged" for k in range(2))
    assert any("fictitious play does not approach" in k and c.held for k, c in by_claim.items())
    assert len(non_stationarity.figures(result)) == len(non_stationarity.GAMES) + 1
    (table,) = non_stationarity.tables(result)
    assert len(table.rows) == len(non_stationarity._plan(SMALL))


def test_seed_changes_the_runs():
    a = non_stationarity.run(dataclasses.replace(SMALL, seeds=1), as_generator(1))
    b = non_stationarity.run(dataclasses.replace(SMALL, seeds=1), as_generator(2))
    assert [r.movement for r in a.runs] != [r.movement for r in b.runs]


def test_bad_config():
    with pytest.raises(ValueError, match="steps"):
        Config(steps=5)
    with pytest.raises(ValueError, match="majority"):
        Config(majority=0.0)
    with pytest.raises(ValueError, match="wolf_l_max"):
        Config(wolf_l_max=0.5)
