"""cooplab alphazero train: JSON and human output, resume, refusals, bad input."""

from __future__ import annotations

import json

import pytest

from cooplab.cli import main

pytest.importorskip("torch")

TINY = [
    "--set",
    "channels=8",
    "--set",
    "blocks=1",
    "--set",
    "games_per_step=4",
    "--set",
    "simulations=2",
    "--set",
    "train_batches=1",
    "--set",
    "batch_size=8",
    "--set",
    "eval_every=2",
    "--set",
    "eval_games=2",
    "--set",
    "eval_simulations=2",
]


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_then_resume(capsys, tmp_path):
    out = str(tmp_path / "run")
    code, text, _ = run_cli(
        capsys, "alphazero", "train", "tic-tac-toe", "--steps", "2", "--out", out, "--json", *TINY
    )
    assert code == 0
    first = json.loads(text)
    assert first["steps"] == 2 and first["steps_this_run"] == 2
    assert first["config"]["channels"] == 8
    assert {e["opponent"] for e in first["evaluations"]} == {"best", "random"}
    assert (tmp_path / "run" / "checkpoint.pt").is_file()
    assert (tmp_path / "run" / "best.pt").is_file()
    # the checkpoint's configuration is kept on resume; the step count is a total
    code, text, _ = run_cli(
        capsys, "alphazero", "train", "tic-tac-toe", "--steps", "3", "--out", out, "--resume"
    )
    assert code == 0
    assert "3 steps (1 in this run)" in text
    # a second run into the same folder without --resume is refused
    code, _, err = run_cli(
        capsys, "alphazero", "train", "tic-tac-toe", "--steps", "1", "--out", out
    )
    assert code == 2 and "--resume" in err
    # resuming as another game names both
    code, _, err = run_cli(
        capsys, "alphazero", "train", "connect-four", "--steps", "4", "--out", out, "--resume"
    )
    assert code == 2 and "tic_tac_toe" in err and "connect_four" in err
    # resuming with another architecture names both networks
    code, _, err = run_cli(
        capsys,
        "alphazero",
        "train",
        "tic-tac-toe",
        "--steps",
        "4",
        "--out",
        out,
        "--resume",
        "--set",
        "channels=16",
    )
    assert code == 2 and "8 channels" in err and "16 channels" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["go", "--steps", "1"], "unknown board game"),
        (["tic-tac-toe"], "--steps N or --minutes M"),
        (["tic-tac-toe", "--steps", "-1"], "--steps"),
        (["tic-tac-toe", "--minutes", "nan"], "--minutes"),
        (["tic-tac-toe", "--steps", "1", "--set", "sims=3"], "--set takes K=V"),
        (["tic-tac-toe", "--steps", "1", "--set", "simulations=many"], "simulations takes an int"),
        (["tic-tac-toe", "--steps", "1", "--set", "simulations=0"], "simulations"),
    ],
)
def test_bad_input(capsys, tmp_path, argv, message):
    code, _, err = run_cli(capsys, "alphazero", "train", *argv, "--out", str(tmp_path / "x"))
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_resume_without_a_checkpoint(capsys, tmp_path):
    code, _, err = run_cli(
        capsys,
        "alphazero",
        "train",
        "tic-tac-toe",
        "--steps",
        "1",
        "--resume",
        "--out",
        str(tmp_path / "none"),
    )
    assert code == 2 and "no AlphaZero checkpoint" in err
