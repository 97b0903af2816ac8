"""cooplab marl train / eval, in-process."""

import json

import pytest

from cooplab.cli import main

SMALL = [
    "--set",
    "num_envs=4",
    "--set",
    "batch_size=8",
    "--set",
    "buffer_size=64",
    "--set",
    "hidden=16",
]


def test_train_eval_resume_json(tmp_path, capsys):
    pytest.importorskip("torch")
    out = tmp_path / "run"
    args = ["marl", "train", "vdn", "climbing_game_v1", "--steps", "60", "--seed", "3"]
    assert main([*args, "--out", str(out), "--json", *SMALL, "--set", "eval_interval=20"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["algorithm"] == "vdn" and first["env"] == "climbing_game_v1"
    assert (
        first["t_env"] == 60 and (out / "checkpoint.pt").is_file() and (out / "log.csv").is_file()
    )
    assert [r["t_env"] for r in first["log"]] == [4, 24, 44, 60]
    # Without --resume a folder holding a checkpoint is refused; with it the run goes on.
    assert main([*args, "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    more = ["marl", "train", "vdn", "climbing_game_v1", "--steps", "100", "--out", str(out)]
    assert main([*more, "--resume", "--json"]) == 0
    resumed = json.loads(capsys.readouterr().out)
    assert resumed["t_env"] == 100 and resumed["log"][:4] == first["log"]
    ckpt = str(out / "checkpoint.pt")
    assert main(["marl", "eval", ckpt, "climbing_game_v1", "--episodes", "5", "--json"]) == 0
    ev = json.loads(capsys.readouterr().out)
    assert ev["episodes"] == 5 and ev["t_env"] == 100
    assert -30 <= ev["return_mean"] <= 11  # the climbing game's payoffs
    assert main(["marl", "eval", ckpt, "climbing_game_v1", "--episodes", "3"]) == 0
    assert "vdn on climbing_game_v1" in capsys.readouterr().out
    # A checkpoint from another environment is refused, both named.
    assert main(["marl", "eval", ckpt, "penalty_game_v1"]) == 2
    err = capsys.readouterr().err
    assert "vdn on climbing_game_v1" in err and "penalty_game_v1" in err
    # ... and so is resuming it with another algorithm.
    assert main(["marl", "train", "qmix", "climbing_game_v1", "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert "vdn on climbing_game_v1" in err and "qmix" in err


def test_train_human_output_and_bad_input(capsys):
    pytest.importorskip("torch")
    assert (
        main(["marl", "train", "iql", "two_step_game_v1", "--steps", "20", "--no-progress", *SMALL])
        == 0
    )
    assert (
        "iql on two_step_game_v1: 24 steps"
    )  # whole collections of 4 x 2 steps in capsys.readouterr().out
    assert main(["marl", "train", "qtran", "two_step_game_v1", "--steps", "10"]) == 2
    assert "unknown algorithm 'qtran'" in capsys.readouterr().err
    assert main(["marl", "train", "qmix", "no_such_env_v1", "--steps", "10"]) == 2
    assert "unknown environment" in capsys.readouterr().err
    assert main(["marl", "train", "qmix", "two_step_game_v1", "--set", "lr=fast"]) == 2
    assert "--set lr takes a float" in capsys.readouterr().err
    assert main(["marl", "train", "qmix", "two_step_game_v1", "--set", "gamma=2"]) == 2
    assert "gamma must be in [0, 1]" in capsys.readouterr().err
    assert main(["marl", "train", "qmix", "two_step_game_v1", "--steps", "0"]) == 2
    assert main(["marl", "eval", "/nonexistent/checkpoint.pt", "two_step_game_v1"]) == 2
    assert "no checkpoint" in capsys.readouterr().err


def test_marl_without_torch(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    assert main(["marl", "train", "qmix", "two_step_game_v1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'cooplab[learn]'" in err[0]
