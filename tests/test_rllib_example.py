"""examples/rllib_harvest.py: RLlib PPO trains on cooplab's Harvest through its PettingZoo wrapper."""

import importlib.util
import math
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[1] / "examples" / "rllib_harvest.py"
# two agents, episodes of 20 steps; an iteration: 200 environment steps, one epoch of 2 minibatches
TINY = [
    "--agents",
    "2",
    "--episode-limit",
    "20",
    "--train-batch",
    "200",
    "--minibatch",
    "100",
    "--epochs",
    "1",
]


def load_example():
    spec = importlib.util.spec_from_file_location("rllib_harvest", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "argv",
    [
        ["--iterations", "0"],
        ["--agents", "0"],
        ["--num-env-runners", "-1"],
        ["--env", "nope"],
        ["--train-batch", "100", "--minibatch", "200"],
    ],
)
def test_rllib_example_rejects_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit):
        load_example().parse_args(argv)
    assert "error" in capsys.readouterr().err


@pytest.mark.slow
# RLlib registers its env wrapper with gymnasium again at each build
@pytest.mark.filterwarnings("ignore:.*Overriding environment:UserWarning")
def test_rllib_example_trains_every_agent():
    pytest.importorskip("ray.rllib")
    pytest.importorskip("torch")
    pytest.importorskip("pettingzoo")
    import ray

    example = load_example()
    # one instance for both runs (main leaves a running instance alone); "local": never
    # join a cluster another test started with `ray start`
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        first = example.main([*TINY, "--iterations", "2", "--seed", "3"])
        again = example.main([*TINY, "--iterations", "2", "--seed", "3"])
    finally:
        ray.shutdown()
    assert [row["iteration"] for row in first] == [1, 2]
    assert first[-1]["env_steps"] == 400
    last = first[-1]
    assert list(last["returns"]) == ["agent_0", "agent_1"]
    assert all(math.isfinite(r) and r >= 0 for r in last["returns"].values())  # apples: +1 each
    social = last["social"]
    assert set(social) == {"collective_return", "equality", "sustainability", "peace", "beam_rate"}
    assert all(math.isfinite(v) for v in social.values())
    # both are means over the same last 20 episodes, one from RLlib's per-agent
    # returns, one from the episodes the view recorded: they must agree
    assert social["collective_return"] == pytest.approx(sum(last["returns"].values()))
    assert 0 <= social["equality"] <= 1
    assert 0 <= social["peace"] <= 2
    assert 0 <= social["beam_rate"] <= 1
    assert first == again  # same seed, same process: same numbers, learning included
