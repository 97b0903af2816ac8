import json

import pytest

from cooplab import __version__
from cooplab.cli import main


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_games_lists_the_catalog(capsys):
    code, out, _ = run_cli(capsys, "games")
    assert code == 0
    for name in ("prisoners-dilemma", "public-goods", "tragedy-of-the-commons", "arms-race"):
        assert name in out


def test_games_show_prints_the_payoff_table(capsys):
    code, out, _ = run_cli(capsys, "games", "show", "prisoners-dilemma")
    assert code == 0
    assert "3, 3" in out and "0, 5" in out and "5, 0" in out and "1, 1" in out
    assert "pure Nash equilibria: (D, D)" in out


def test_games_show_with_params_and_n_players(capsys):
    code, out, _ = run_cli(
        capsys, "games", "show", "public-goods", "--param", "n=3", "--param", "multiplier=2"
    )
    assert code == 0
    assert "Contribute" in out and "P3 gets" in out
    code, out, _ = run_cli(capsys, "games", "show", "stag-hunt", "--json")
    assert json.loads(out)["action_names"] == [["Stag", "Hare"], ["Stag", "Hare"]]


def test_run_json(capsys, tmp_path):
    code, out, _ = run_cli(
        capsys, "run", "prisoners-dilemma", "--json", "--out", str(tmp_path), "--backend", "serial"
    )
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "held"
    assert data["metrics"]["Nash equilibria"] == "(D, D)"
    assert data["metrics"]["price of anarchy"] == 3.0
    assert data["result"]["equilibria"] == [["D", "D"]]
    code, out, _ = run_cli(
        capsys, "run", "prisoners-dilemma", "--json", "--out", str(tmp_path), "--backend", "serial"
    )
    assert json.loads(out)["reused"] is True


def test_run_human_output(capsys, tmp_path):
    code, out, _ = run_cli(
        capsys,
        "run",
        "prisoners-dilemma",
        "--out",
        str(tmp_path),
        "--no-progress",
        "--backend",
        "serial",
    )
    assert code == 0
    assert "held: The unique Nash equilibrium is (Defect, Defect)" in out
    assert "preset with" not in out
    argv = ("run", "prisoners-dilemma", "--out", str(tmp_path), "--no-progress")
    code, out, _ = run_cli(capsys, *argv, "--backend", "serial", "--set", "grid=11")
    assert code == 0 and "the quick preset with grid=11" in out


def test_report_writes_html(capsys, tmp_path):
    code, out, err = run_cli(
        capsys,
        "report",
        "--quick",
        "--out",
        str(tmp_path),
        "--only",
        "prisoners-dilemma",
        "--seed",
        "2",
    )
    assert code == 0
    assert "prisoners-dilemma: held" in out
    html = (tmp_path / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert "Traceback" not in err


def test_experiments_and_version(capsys):
    code, out, _ = run_cli(capsys, "experiments")
    assert code == 0 and "prisoners-dilemma" in out
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["games", "show", "nope"], "unknown game 'nope'"),
        (["games", "show", "prisoners-dilemma", "--param", "T=2"], "fails T > R"),
        (["games", "show", "prisoners-dilemma", "--param", "X=2"], "no parameter 'X'"),
        (["games", "show", "prisoners-dilemma", "--param", "T"], "name=value"),
        (["games", "show", "public-goods", "--param", "n=abc"], "must be a number"),
        (["games", "show", "public-goods", "--param", "n=100"], "payoff table"),
        (["run", "nope"], "unknown experiment 'nope'"),
        (["report", "--only", "nope"], "unknown experiment 'nope'"),
        (["run", "prisoners-dilemma", "--seed", "-1"], "non-negative"),
        (["run", "prisoners-dilemma", "--seed", "x"], "non-negative"),
        (["run", "prisoners-dilemma", "--workers", "0"], "positive"),
        (["run", "prisoners-dilemma", "--backend", "gpu"], "invalid choice"),
        (["report", "--quick", "--full"], "not allowed with"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_ends_with_one_line_error(capsys, tmp_path, argv, message):
    code = main(
        [
            *argv,
            *(
                ["--out", str(tmp_path)]
                if argv[0] in ("run", "report") and "--out" not in argv
                else []
            ),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err + out
    last = err.strip().splitlines()[-1]
    assert message in last
    assert last.startswith("cooplab")


def test_out_folder_that_is_a_file(capsys, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    code, _, err = run_cli(capsys, "report", "--out", str(target))
    assert code == 2
    assert err.startswith("cooplab: error:") and len(err.strip().splitlines()) == 1


def test_no_command_prints_help(capsys):
    code, out, _ = run_cli(capsys)
    assert code == 2 and "usage" in out


def test_long_n_player_tables_are_cut(capsys):
    code, out, _ = run_cli(capsys, "games", "show", "arms-race", "--param", "n=9")
    assert code == 0
    assert "first 200 of 512 outcomes" in out


def test_run_set_changes_the_preset_config(capsys, tmp_path):
    argv = ("run", "prisoners-dilemma", "--json", "--out", str(tmp_path), "--backend", "serial")
    code, out, _ = run_cli(capsys, *argv, "--set", "grid=11", "--set", "t_range=0,2")
    assert code == 0
    data = json.loads(out)
    assert data["preset"] == "quick+set"
    assert data["config"]["grid"] == 11 and data["config"]["t_range"] == [0.0, 2.0]
    assert data["config"]["n_random"] == 2000  # the rest is the preset's
    assert data["status"] == "held"
    # a different config is a different run folder; the same --set reuses it
    code, plain, _ = run_cli(capsys, *argv)
    assert json.loads(plain)["run_dir"] != data["run_dir"]
    code, again, _ = run_cli(capsys, *argv, "--set", "grid=11", "--set", "t_range=0,2")
    assert json.loads(again)["reused"] is True


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("colour=red", "K one of T, R, P, S, grid"),
        ("grid=2.5", "--set grid takes an int; got '2.5'"),
        ("t_range=0,x", "--set t_range takes comma-separated float items"),
        ("grid", "K=V"),
    ],
)
def test_run_set_rejects_bad_items_before_running(capsys, tmp_path, item, message):
    code, out, err = run_cli(
        capsys, "run", "prisoners-dilemma", "--out", str(tmp_path), "--set", item
    )
    assert code == 2 and message in err and out == ""
    assert not any(tmp_path.iterdir())  # nothing ran
