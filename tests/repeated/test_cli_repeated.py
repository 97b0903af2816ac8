"""``cooplab strategies``, ``cooplab match`` and ``cooplab tournament``."""

from __future__ import annotations

import json

import pytest

from cooplab.cli import main


def test_strategies_filter(capsys):
    assert main(["strategies", "--filter", "memory_depth=1", "stochastic=false"]) == 0
    out = capsys.readouterr().out
    assert "tit_for_tat" in out and "win_stay_lose_shift" in out
    assert "grudger " not in out  # infinite memory


def test_strategies_unknown_property(capsys):
    assert main(["strategies", "--filter", "colour=red"]) == 2
    assert "unknown strategy properties" in capsys.readouterr().err


def test_match_prints_the_history(capsys):
    assert main(["match", "tit_for_tat", "alternator", "--turns", "6"]) == 0
    out = capsys.readouterr().out
    assert "CCDCDC" in out and "CDCDCD" in out and "scores 13 and 18" in out


def test_match_json_with_delta_and_noise_is_seeded(capsys):
    argv = ["match", "tft", "grudger", "--delta", "0.95", "--noise", "0.1", "--seed", "4", "--json"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == first


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["match", "tit_for_tatt", "alternator"], "did you mean tit_for_tat"),
        (["match", "tft", "tft", "--turns", "-3"], "turns"),
        (["match", "tft", "tft", "--noise", "1.5"], "noise"),
        (["match", "tft", "tft", "--delta", "1.0"], "delta"),
        (["tournament", "tft"], "at least two strategies"),
        (["tournament", "tft", "--all"], "not both"),
        (["tournament", "tft", "nonesuch"], "unknown strategy"),
    ],
)
def test_bad_input_is_one_line(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("cooplab: error:") and message in err and err.count("\n") == 1


def test_tournament_table_and_json(capsys):
    argv = ["tournament", "tit_for_tat", "grudger", "defector", "cooperator", "--turns", "50"]
    assert main([*argv, "--backend", "serial", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.index("Tit For Tat") < out.index("Defector")
    assert main([*argv, "--backend", "serial", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["names"]) == 4
