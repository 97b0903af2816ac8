"""`cooplab envs`: the listing, human and JSON."""

from __future__ import annotations

import json

from cooplab.cli import main
from cooplab.envs import names


def test_envs_json_lists_every_environment_with_its_shapes(capsys):
    assert main(["envs", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == list(names())
    lbf = next(r for r in rows if r["name"] == "lbf_8x8_2p_2f_v1")
    assert (lbf["n_agents"], lbf["n_actions"], lbf["obs_shape"]) == (2, 6, [12])
    assert lbf["params"]["size"] == [8, 8]
    two = next(r for r in rows if r["name"] == "two_step_game_v1")
    assert two["reward_range"] == [0.0, 8.0] and two["episode_limit"] == 2


def test_envs_table(capsys):
    assert main(["envs"]) == 0
    out = capsys.readouterr().out
    assert "predator_prey_v1" in out and "[[10,0,k],[0,2,0],[k,0,10]]" in out
