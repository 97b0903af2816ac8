import json

import pytest

from cooplab.cli import main


def test_lola_cli_json(capsys):
    pytest.importorskip("torch")
    code = main(
        [
            "lola",
            "--game",
            "ipd",
            "--pair",
            "naive-naive",
            "--seeds",
            "3",
            "--steps",
            "30",
            "--json",
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert data["pair"] == "naive-naive" and data["seeds"] == 3 and data["gamma"] == 0.96
    assert set(data["policy_mean"]["player 1"]) == {"start", "CC", "CD", "DC", "DD"}
    assert -3.0 <= data["reward_per_step_mean"][0] <= 0.0


def test_lola_cli_human_and_errors(capsys):
    pytest.importorskip("torch")
    assert main(["lola", "--game", "imp", "--pair", "lola-naive", "--steps", "5"]) == 0
    out, _ = capsys.readouterr()
    assert "player 1 (lola)" in out and "player 2 (naive)" in out
    assert main(["lola", "--steps", "-2"]) == 2
    assert "--steps" in capsys.readouterr().err
    assert main(["lola", "--pair", "lola-greedy"]) == 2


def test_lola_cli_without_torch(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    assert main(["lola"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'cooplab[learn]'" in err[0]
