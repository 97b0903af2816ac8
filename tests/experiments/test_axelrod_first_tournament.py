import dataclasses

import numpy as np
import pytest

from cooplab.experiments import axelrod_first_tournament as aft
from cooplab.experiments.axelrod_first_tournament import Config, lineup_parameters, spearman
from cooplab.repeated.strategies import FIRST_TOURNAMENT, PUBLISHED_SCORES
from cooplab.runtime import as_generator
from cooplab.testing import check_experiment

TINY = Config(turns=12, repetitions=1, seeds=2, sensitivity_repetitions=1)


@pytest.fixture(scope="module")
def tiny():
    return aft.run(TINY, as_generator(3))


def test_contract():
    check_experiment(aft.EXPERIMENT, TINY)


def test_same_seed_same_numbers(tiny):
    again = aft.run(TINY, as_generator(3))
    assert again == tiny


def test_published_scores_and_order():
    # Axelrod (1980), table of tournament scores: TFT 504 ... RANDOM 276, in rank order.
    scores = [PUBLISHED_SCORES[name] for name in FIRST_TOURNAMENT]
    assert scores[0] == 504 and scores[-1] == 276
    assert scores == sorted(scores, reverse=True)


def test_shapes_and_lineups(tiny):
    n = len(FIRST_TOURNAMENT)
    assert [lu.reading for lu in tiny.lineups] == ["paper", "axelrod"]
    for lu in tiny.lineups:
        assert len(lu.scores) == n and sorted(lu.ranks) == list(range(1, n + 1))
        assert len(lu.seed_tft_ranks) == TINY.seeds
        assert np.array(lu.payoff_matrix).shape == (n, n)
        assert lu.tft_rank == lu.ranks[aft.TFT]
    # every reading in question is switched once from each set
    assert len(tiny.flips) == 2 * len(aft.ALTERNATIVES)


def test_random_identity(tiny):
    # RANDOM's payoff per move against cooperation probability c is 0.5 + 3.5 c,
    # so its published 276 per 200 moves needs c = 176 / 700; per `turns` moves,
    # (276 / turns - 0.5) / 3.5.
    assert tiny.random_required_cooperation == pytest.approx((276 / TINY.turns - 0.5) / 3.5)
    assert tiny.payoffs == (3.0, 0.0, 5.0, 1.0)


def test_lineup_parameters():
    paper = lineup_parameters("paper")
    axelrod = lineup_parameters("axelrod")
    assert paper["nydegger"] == {"variant": "paper", "roles": "paper"}
    assert axelrod["downing"] == {"variant": "axelrod"}
    assert paper["tit_for_tat"] == {}
    with pytest.raises(ValueError, match="reading"):
        lineup_parameters("other")


def test_spearman():
    assert spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) == 0.0


@pytest.mark.parametrize(("field", "value"), [("turns", 2), ("seeds", 0), ("repetitions", 1.5)])
def test_bad_config(field, value):
    with pytest.raises(ValueError, match=field):
        dataclasses.replace(TINY, **{field: value})


@pytest.mark.slow
def test_tft_own_score_is_reproduced():
    # TIT FOR TAT's published score is 504 per 200-move game (Axelrod 1980).
    result = aft.run(Config(seeds=1, sensitivity_repetitions=0), as_generator(1))
    for lu in result.lineups:
        assert abs(lu.scores[aft.TFT] - 504) < 15
