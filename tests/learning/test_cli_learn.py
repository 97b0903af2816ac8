"""`cooplab learn`, called in-process."""

import json

import pytest

from cooplab.cli import LEARNER_NAMES, main
from cooplab.learning import LEARNERS


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_learner_names_match_the_registry():
    assert set(LEARNER_NAMES) == set(LEARNERS.names())


def test_learn_prints_policies_nash_conv_and_verdict(capsys, tmp_path):
    plot = tmp_path / "mp.png"
    code, out, _ = run_cli(
        capsys,
        "learn",
        "matching-pennies",
        "--learner",
        "wolf-iga",
        "--steps",
        "5000",
        "--param",
        "step=0.01",
        "--plot",
        str(plot),
    )
    assert code == 0
    assert "wolf-iga on Matching pennies: 5000 steps" in out
    assert "verdict: converged" in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_learn_json_is_seeded(capsys):
    args = ("learn", "rock-paper-scissors", "--learner", "hedge", "--steps", "300", "--json")
    code, out, _ = run_cli(capsys, *args, "--seed", "4")
    assert code == 0
    first = json.loads(out)
    assert first["steps"] == 300 and first["cce_violation"] >= 0
    assert first["diagnosis"]["verdict"] in ("converged", "cycling", "not converging")
    _, again, _ = run_cli(capsys, *args, "--seed", "4")
    assert json.loads(again) == first


def test_learn_n_player_game_plots_nash_conv(capsys, tmp_path):
    plot = tmp_path / "pg.png"
    code, out, _ = run_cli(
        capsys,
        "learn",
        "public-goods",
        "--game-param",
        "n=3",
        "--learner",
        "fictitious-play",
        "--steps",
        "20",
        "--plot",
        str(plot),
    )
    assert code == 0 and plot.exists()
    assert "P3: now Free-ride 1.000" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--learner", "wolf-iga"], "2x2"),
        (["--learner", "iga", "--param", "step=-1"], "iga: step must be in"),
        (["--learner", "iga", "--param", "speed=1"], "no parameter 'speed'"),
        (["--learner", "iga", "--steps", "0"], "--steps must be a positive integer"),
        (["--learner", "q-learning", "--param", "temperature=0"], "temperature"),
    ],
)
def test_learn_bad_input_is_one_error_line(capsys, argv, message):
    game = "rock-paper-scissors" if "wolf-iga" in argv else "matching-pennies"
    code, _, err = run_cli(capsys, "learn", game, *argv)
    assert code == 2
    assert err.startswith("cooplab: error:") and message in err
    assert err.count("\n") == 1
