"""`cooplab play` and `cooplab arena`, called in-process."""

from __future__ import annotations

import json

import pytest

from cooplab.cli import main


def test_play_programs_json_and_text(capsys):
    assert main(["play", "tic_tac_toe", "--agent", "perfect", "--vs", "perfect", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["draws"] == 1 and out["records"][0]["winner"] is None
    assert len(out["records"][0]["moves"]) == 9
    assert (
        main(["play", "tic-tac-toe", "--agent", "perfect", "--vs", "random", "--games", "2"]) == 0
    )
    text = capsys.readouterr().out
    assert "game 2: random first" in text
    assert "perfect against random:" in text and "0 losses" in text


def test_play_human_reprompts_on_illegal_moves(monkeypatch, capsys):
    # The human (X, first) tries an occupied cell and nonsense before legal moves;
    # whatever the random opponent does, a few legal answers finish the game.
    answers = iter(["zz", "4", "4", *[str(c) for c in range(9)] * 3])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    code = main(["play", "tic_tac_toe", "--agent", "human", "--vs", "random", "--seed", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "not an action" in out  # zz
    assert "4 is not legal here" in out  # the second 4
    assert "human against random:" in out


def test_play_illegal_program_move_names_the_agent(monkeypatch, capsys):
    from cooplab.selfplay import agents

    def always_zero(self, game, states, rng=None):
        import numpy as np

        return np.zeros(states.batch, dtype=np.int64)

    monkeypatch.setattr(agents.RandomAgent, "act_batch", always_zero)
    assert main(["play", "tic_tac_toe", "--agent", "random", "--vs", "random"]) == 2
    err = capsys.readouterr().err
    assert "agent random played the illegal move 0" in err


def test_arena_table_and_json(capsys):
    assert main(["arena", "tic_tac_toe", "random", "perfect", "--games", "4", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "perfect" in out and "Elo" in out and "anchored at random" in out
    code = main(
        ["arena", "tic_tac_toe", "random", "mcts:20", "--games", "4", "--json", "--bootstrap", "20"]
    )
    assert code == 0
    res = json.loads(capsys.readouterr().out)
    assert res["names"] == ["random", "mcts:20"] and res["elo"]["ratings"][0] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["arena", "tic_tac_toe", "random"], "at least two"),
        (["arena", "tic_tac_toe", "random", "mcts:x"], "integer"),
        (["arena", "chess", "random", "perfect"], "unknown board game 'chess'"),
        (["play", "connect_four", "--agent", "perfect", "--vs", "random"], "tic_tac_toe only"),
        (["play", "tic_tac_toe", "--agent", "robot"], "unknown agent 'robot'"),
        (["arena", "tic_tac_toe", "random", "human"], "programs only"),
    ],
)
def test_bad_input_one_line_errors(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("cooplab: error:") and message in err
