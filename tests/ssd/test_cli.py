"""cooplab ssd train / render, in-process."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from cooplab.cli import main

SMALL = ["--env-param", "map=" + json.dumps("@@@@@@@@\n@P A  P@\n@ AAA  @\n@P A  P@\n@@@@@@@@")]


def test_train_resume_and_render(tmp_path, capsys):
    out = tmp_path / "run"
    args = [
        "ssd",
        "train",
        "harvest_v1",
        "--agents",
        "2",
        "--steps",
        "40",
        "--envs",
        "2",
        "--episode-limit",
        "10",
        "--out",
        str(out),
        "--json",
        *SMALL,
    ]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["iterations"] == 2 and first["agents"] == 2
    assert main([*args[:6], "80", *args[7:], "--resume"]) == 0
    assert json.loads(capsys.readouterr().out)["iterations"] == 4
    gif = tmp_path / "ep.gif"
    assert main(["ssd", "render", str(out), "--gif", str(gif), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert gif.exists() and shown["frames"] == 10


def test_bad_input_is_named(capsys):
    assert main(["ssd", "train", "climbing_game_v1"]) != 0
    assert "unknown social dilemma" in capsys.readouterr().err
    assert main(["ssd", "train", "harvest_v1", "--influence", "telepathy"]) != 0


def test_learner_settings_reach_the_run(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["ssd", "train", "harvest_v1", "--agents", "2", "--steps", "20", "--envs", "2"]
    args += ["--episode-limit", "10", "--json", *SMALL]
    settings = ["--set", "chunk=0", "--set", "hidden=8", "--set", "lr=0.01"]
    assert main([*args, "--out", str(out), *settings]) == 0
    capsys.readouterr()
    agent = json.loads((out / "run.json").read_text())["config"]["agents"][0]
    assert (agent["chunk"], agent["hidden"], agent["lr"]) == (0, 8, 0.01)
    assert main([*args, "--set", "hiddn=8"]) != 0
    assert "--set takes K=V with K one of" in capsys.readouterr().err
    assert main([*args, "--set", "chunk=-1"]) != 0
    assert "AgentConfig.chunk" in capsys.readouterr().err
