import numpy as np
import pytest

from cooplab.experiments import unravelling
from cooplab.experiments.unravelling import Config, EndgameTitForTat, SwitchToDefection
from cooplab.repeated.match import play_match
from cooplab.runtime import as_generator
from cooplab.testing import check_experiment

SMALL = Config(max_horizon=6, horizon=6, deltas=(0.2, 0.8), matches=300, max_start=3, repetitions=3)


def test_contract_and_checks_hold():
    result = check_experiment(unravelling.EXPERIMENT, SMALL)
    assert all(c.held for c in result.checks), [c.detail for c in result.checks if not c.held]
    assert result.br_path == tuple(range(7))
    assert result.symmetric_equilibria == (6,)


def test_seed_reproducible():
    a = unravelling.run(SMALL, as_generator(1))
    b = unravelling.run(SMALL, as_generator(1))
    c = unravelling.run(SMALL, as_generator(2))
    assert a == b
    assert a.delta_rows[0].simulated_gains != c.delta_rows[0].simulated_gains


def test_endgame_strategies():
    r = play_match(EndgameTitForTat(2), "tit_for_tat", 6)
    assert r.history_strings() == ("CCCCDD", "CCCCCD")
    r = play_match(EndgameTitForTat(2), "tit_for_tat", 6, length_known=False)
    assert r.history_strings() == ("CCCCCC", "CCCCCC")
    r = play_match(SwitchToDefection(3), "grudger", 5)
    assert r.history_strings() == ("CCDDD", "CCCDD")
    with pytest.raises(ValueError, match="start"):
        SwitchToDefection(0)


def test_best_reply_gain_is_temptation_minus_reward():
    result = unravelling.run(SMALL, as_generator(0))
    m = np.asarray(result.family_payoffs)
    for k in range(6):
        assert m[k + 1, k] - m[k, k] == pytest.approx(2.0)  # T - R


def test_bad_config():
    with pytest.raises(ValueError, match="deltas"):
        Config(deltas=(1.0,))
    with pytest.raises(ValueError, match="horizon"):
        Config(horizon=1)
