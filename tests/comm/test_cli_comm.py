import json

import pytest

from cooplab.cli import main


def test_train_lewis_json_out_and_analyze(tmp_path, capsys):
    out = tmp_path / "lewis"
    code = main(
        [
            "comm",
            "train",
            "lewis",
            "--states",
            "2",
            "--runs",
            "50",
            "--steps",
            "3000",
            "--seed",
            "1",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert code == 0
    info = json.loads(capsys.readouterr().out)
    assert info["kind"] == "lewis" and info["runs"] == 50
    assert sum(info["counts"].values()) == 50
    assert info["counts"]["signaling system"] >= 40  # 2 states: Argiento et al. (2009)
    assert (out / "run.json").is_file()
    assert main(["comm", "analyze", str(out), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["counts"] == info["counts"] and len(again["lexicon"]) == 2
    assert main(["comm", "analyze", str(out)]) == 0
    text = capsys.readouterr().out
    assert "signaling system" in text and "state -> signal -> act" in text


def test_same_seed_same_numbers(capsys):
    args = [
        "comm",
        "train",
        "lewis",
        "--method",
        "replicator",
        "--runs",
        "30",
        "--steps",
        "200",
        "--json",
    ]
    main(args)
    a = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == a


def test_train_referential_and_analyze(tmp_path, capsys):
    pytest.importorskip("torch")
    out = tmp_path / "ref"
    code = main(
        [
            "comm",
            "train",
            "referential",
            "--method",
            "reinforce",
            "--steps",
            "30",
            "--values",
            "3",
            "--max-len",
            "2",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "topographic similarity" in text and "lexicon" in text
    assert main(["comm", "analyze", str(out / "run.json"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["method"] == "reinforce" and info["objects"] == 9
    assert len(info["lexicon"]) == 9 and sum(r["held_out"] for r in info["lexicon"]) == 2


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--vocab", "0"], "vocab_size"),
        (["--max-len", "0"], "max_len"),
        (["--distractors", "40"], "n_distractors"),
        (["--holdout", "0.95"], "holdout"),
    ],
)
def test_referential_bad_input_names_the_parameter(args, match, capsys):
    pytest.importorskip("torch")
    assert main(["comm", "train", "referential", *args]) == 2
    assert match in capsys.readouterr().err


def test_bad_input(tmp_path, capsys):
    assert main(["comm", "train", "lewis", "--method", "gumbel"]) == 2
    assert "method" in capsys.readouterr().err
    assert main(["comm", "train", "lewis", "--prior", "a,b"]) == 2
    assert "--prior" in capsys.readouterr().err
    assert main(["comm", "train", "lewis", "--states", "2", "--prior", "0.2,0.2"]) == 2
    assert "prior" in capsys.readouterr().err
    assert main(["comm", "analyze", str(tmp_path)]) == 2
    assert "no run" in capsys.readouterr().err
    (tmp_path / "run.json").write_text("{}")
    assert main(["comm", "analyze", str(tmp_path)]) == 2
    assert "not a cooplab comm run" in capsys.readouterr().err


def test_train_switch_and_analyze(tmp_path, capsys):
    pytest.importorskip("torch")
    out = tmp_path / "switch"
    code = main(
        [
            "comm",
            "train",
            "switch",
            "--method",
            "rial",
            "--steps",
            "4",
            "--out",
            str(out),
            "--no-progress",
            "--json",
        ]
    )
    assert code == 0
    info = json.loads(capsys.readouterr().out)
    assert info["kind"] == "switch" and info["method"] == "rial" and info["n_agents"] == 3
    assert abs(info["oracle"] - 540 / 729) < 1e-12
    assert main(["comm", "analyze", str(out)]) == 0
    assert "switch riddle, 3 prisoners, rial" in capsys.readouterr().out
    assert main(["comm", "train", "switch", "--agents", "1"]) == 2
    assert "n_agents" in capsys.readouterr().err
