"""``cooplab solve``: catalog games and .nfg files, every method, JSON, errors."""

from __future__ import annotations

import json

import pytest

from cooplab.cli import main
from cooplab.games import NormalFormGame, make
from cooplab.games.gambit_io import write_nfg


def solve_json(capsys, *argv):
    assert main(["solve", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_solve_prints_exact_equilibria(capsys):
    assert main(["solve", "battle_of_the_sexes", "--exact"]) == 0
    out = capsys.readouterr().out
    assert "(2/3, 1/3)" in out and "(1/3, 2/3)" in out
    assert "3 equilibria; the complete list" in out


def test_solve_json_has_the_documented_shape(capsys):
    data = solve_json(capsys, "stag_hunt", "--method", "support")
    assert data["degenerate"] is False
    assert len(data["equilibria"]) == 3
    first = data["equilibria"][0]
    assert set(first) >= {"profile", "payoffs", "regret"}
    assert len(first["profile"]) == 2 and first["profile"][0] == [1.0, 0.0]


@pytest.mark.parametrize(
    ("argv", "count"),
    [
        (["matching_pennies", "--method", "vertex"], 1),
        (["matching_pennies", "--method", "zero-sum"], 1),
        (["prisoners_dilemma", "--method", "lemke-howson", "--label", "1"], 1),
        (["prisoners_dilemma", "--method", "pure"], 1),
        (["public_goods", "--param", "n=3"], 1),
        (["public_goods", "--param", "n=3", "--method", "logit"], 1),
        (["chicken", "--method", "n-player"], 3),
    ],
)
def test_every_method_runs(capsys, argv, count):
    data = solve_json(capsys, *argv)
    assert len(data["equilibria"]) == count
    assert all(e["regret"] <= 1e-8 for e in data["equilibria"])


def test_lemke_howson_from_every_label_reports_paths(capsys):
    data = solve_json(capsys, "battle_of_the_sexes", "--method", "lemke-howson")
    assert [p["label"] for p in data["stats"]["paths"]] == [0, 1, 2, 3]


def test_correlated_equilibrium(capsys):
    game = ["chicken", "--param", "T=7", "--param", "R=6", "--param", "S=2", "--param", "P=0"]
    data = solve_json(capsys, *game, "--method", "correlated")
    assert data["welfare"] == pytest.approx(10.5, abs=1e-6)
    assert main(["solve", *game, "--method", "correlated", "--coarse"]) == 0
    assert "largest incentive to deviate" in capsys.readouterr().out


def test_solve_reads_nfg_files(capsys, tmp_path):
    path = tmp_path / "bos.nfg"
    write_nfg(make("battle_of_the_sexes"), path)
    data = solve_json(capsys, str(path), "--exact")
    assert [e["exact"][0] for e in data["equilibria"]] == [["1", "0"], ["2/3", "1/3"], ["0", "1"]]


def test_degenerate_games_are_said(capsys, tmp_path):
    path = tmp_path / "degenerate.nfg"
    write_nfg(NormalFormGame.from_bimatrix([[1, 1], [1, 0]], [[1, 1], [0, 1]]), path)
    assert main(["solve", str(path), "--method", "support"]) == 0
    assert "the game is degenerate: use --method vertex" in capsys.readouterr().out
    data = solve_json(capsys, str(path), "--method", "vertex")
    assert data["degenerate"] is True and data["components"] == [[0, 1]]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.nfg"], "no such game file: missing.nfg"),
        (["public_goods", "--param", "n=3", "--method", "vertex"], "is for 2-player games"),
        (["prisoners_dilemma", "--method", "zero-sum"], "needs a zero-sum"),
        (["prisoners_dilemma", "--method", "logit", "--exact"], "--exact works with"),
        (["prisoners_dilemma", "--label", "1"], "--label is for --method lemke-howson"),
        (["prisoners_dilemma", "--method", "lemke-howson", "--label", "9"], "initial label"),
        (["no_such_game"], "unknown game"),
    ],
)
def test_solve_errors_are_one_line(capsys, argv, message):
    assert main(["solve", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cooplab: error:") and message in err
    assert err.count("\n") == 1


def test_malformed_nfg_file_error_names_the_line(capsys, tmp_path):
    path = tmp_path / "bad.nfg"
    path.write_text('NFG 1 R "bad" { "A" "B" } { 2 2 }\n\n1 2 3\n')
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.nfg:" in err and "payoffs" in err
