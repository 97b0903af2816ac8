"""The strategy registry: names, lookups, metadata and bad input."""

from __future__ import annotations

import math
import pickle

import pytest

from cooplab.repeated.strategies import (
    FIRST_TOURNAMENT,
    PUBLISHED_SCORES,
    STRATEGIES,
    filter_strategies,
    get_strategy,
)
from cooplab.runtime.registry import UnknownNameError

#: Every strategy the repeated-games issue names, by registry name or alias.
NAMED_IN_ISSUE = [
    *FIRST_TOURNAMENT,
    "tit_for_two_tats",
    "two_tits_for_tat",
    "suspicious_tit_for_tat",
    "generous_tit_for_tat",
    "contrite_tit_for_tat",
    "omega_tit_for_tat",
    "win_stay_lose_shift",
    "grim_trigger",
    "forgiving_grudger",
    "gradual",
    "adaptive",
    "prober",
    "prober_2",
    "prober_3",
    "prober_4",
    "hard_prober",
    "tester",
    "handshake",
    "alternator",
    "cycler_ccd",
    "go_by_majority",
    "hard_go_by_majority",
    "appeaser",
    "bully",
    "firm_but_fair",
    "memory_one",
    "extortionate_zd",
    "generous_zd",
    "equalizer",
    "lookup_table",
]


def test_at_least_80_strategies():
    assert len(STRATEGIES) >= 80


@pytest.mark.parametrize("name", NAMED_IN_ISSUE)
def test_every_strategy_the_issue_names_is_registered(name):
    assert name in STRATEGIES
    get_strategy(name)


def test_first_tournament_has_fifteen_entries_with_published_scores():
    assert len(FIRST_TOURNAMENT) == 15
    assert set(PUBLISHED_SCORES) == set(FIRST_TOURNAMENT)
    scores = [PUBLISHED_SCORES[n] for n in FIRST_TOURNAMENT]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 504 and scores[-1] == 276  # Axelrod (1980): TFT 504, RANDOM 276
    for name in FIRST_TOURNAMENT:
        assert "first_tournament" in STRATEGIES[name].meta.tags, name


def test_names_and_display_names():
    for name in STRATEGIES:
        cls = STRATEGIES[name]
        assert cls.meta.name == name
        assert name == name.lower() and " " not in name
        assert cls.meta.display
    assert STRATEGIES["Tit For Tat"] is STRATEGIES["tit_for_tat"]
    assert STRATEGIES["tit-for-tat"] is STRATEGIES["tit_for_tat"]
    assert STRATEGIES["Pavlov"] is STRATEGIES["win_stay_lose_shift"]
    assert "grim_trigger" in STRATEGIES and "no_such_thing" not in STRATEGIES


def test_unknown_names_get_suggestions():
    with pytest.raises(UnknownNameError, match=r"did you mean.*tit_for_tat"):
        get_strategy("tit_for_tatt")
    with pytest.raises(ValueError, match="unknown strategy"):
        get_strategy("grudgerr")


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="has no parameter q"):
        get_strategy("random", q=0.3)
    with pytest.raises(ValueError, match="probability"):
        get_strategy("random", p=1.5)
    with pytest.raises(ValueError, match="variant"):
        get_strategy("nydegger", variant="nope")
    with pytest.raises(ValueError, match="C and D"):
        get_strategy("cycler", cycle="CXD")
    with pytest.raises(ValueError, match="entries"):
        get_strategy("lookup_table", table="CDC", own_depth=0, opponent_depth=1)


def test_filter_by_metadata():
    memory_one = filter_strategies(memory_depth=1, stochastic=False)
    assert "tit_for_tat" in memory_one and "grudger" not in memory_one
    assert "grudger" in filter_strategies(memory_depth=math.inf)
    nice_first = filter_strategies(tags={"first_tournament", "nice"})
    assert "tit_for_tat" in nice_first and "joss" not in nice_first
    with pytest.raises(ValueError, match="unknown strategy properties"):
        filter_strategies(colour="red")


def test_metadata_is_data():
    d = STRATEGIES["tit_for_tat"].meta.to_dict()
    assert d["memory_depth"] == 1 and d["stochastic"] is False
    assert STRATEGIES["grudger"].meta.to_dict()["memory_depth"] is None


@pytest.mark.parametrize(
    "name", ["tit_for_tat", "cycler_ccd", "zd_extort_2", "winner12", "fortress3"]
)
def test_strategies_pickle(name):
    s = get_strategy(name)
    assert pickle.loads(pickle.dumps(s)) == s


def test_display_shows_changed_parameters():
    assert get_strategy("random").display == "Random"
    assert get_strategy("random", p=0.2).display == "Random (p=0.2)"
