"""The PettingZoo view: PettingZoo's own API and seed tests, whole-episode seeding, errors."""

from __future__ import annotations

import numpy as np
import pytest

from cooplab.envs import make, names

pytest.importorskip("pettingzoo")

from cooplab.envs.pettingzoo import ParallelView, parallel_env


@pytest.mark.peers
@pytest.mark.parametrize("name", names())
def test_pettingzoo_parallel_api_test(name):
    from pettingzoo.test import parallel_api_test

    parallel_api_test(parallel_env(name), num_cycles=300)


@pytest.mark.peers
@pytest.mark.parametrize("name", names())
def test_pettingzoo_parallel_seed_test(name):
    from pettingzoo.test import parallel_seed_test

    parallel_seed_test(lambda: parallel_env(name), num_cycles=100)


def _episode(env: ParallelView, seed: int) -> list:
    """Everything one episode shows, with actions drawn from ``seed`` too."""
    rng = np.random.default_rng(seed)
    obs, infos = env.reset(seed=seed)
    record = [(obs, infos, env.state().copy())]
    while env.agents:
        actions = {a: int(rng.choice(np.flatnonzero(infos[a]["action_mask"]))) for a in env.agents}
        out = env.step(actions)
        infos = out[4]
        record.append((*out, env.state().copy(), list(env.agents)))
    return record


def _equal(x, y) -> bool:
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_equal(x[k], y[k]) for k in x)
    if isinstance(x, list | tuple):
        return len(x) == len(y) and all(_equal(a, b) for a, b in zip(x, y, strict=True))
    return bool(np.array_equal(x, y))


@pytest.mark.parametrize("name", ["lbf_2s_8x8_3p_2f_v1", "predator_prey_v1", "two_step_game_v1"])
def test_one_seed_gives_the_same_whole_episode(name):
    # parallel_seed_test stops after the first step; this compares whole episodes.
    a, b = parallel_env(name), parallel_env(name)
    first, second = _episode(a, 3), _episode(b, 3)
    assert len(first) > 2 and _equal(first, second)
    again = _episode(a, 3)  # the same environment, reset with the seed again
    assert _equal(first, again)
    other = _episode(a, 4)
    assert not _equal(first, other)


def test_the_view_equals_the_batched_core():
    view = parallel_env("lbf_8x8_2p_2f_v1")
    core = make("lbf_8x8_2p_2f_v1", num_envs=1)
    obs, _ = view.reset(seed=9)
    start = core.reset(seed=9)
    np.testing.assert_array_equal(np.stack([obs["agent_0"], obs["agent_1"]]), start.obs[0])
    rng = np.random.default_rng(0)
    while view.agents:
        act = rng.integers(6, size=(1, 2))
        out = view.step({"agent_0": act[0, 0], "agent_1": act[0, 1]})
        step = core.step(act)
        np.testing.assert_array_equal(out[0]["agent_1"], step.final_obs[0, 1])
        assert out[1]["agent_0"] == step.reward[0, 0]
        assert out[2]["agent_0"] == step.terminated[0] and out[3]["agent_0"] == step.truncated[0]


def test_stepping_an_ended_episode_names_the_agent_and_environment():
    env = parallel_env("climbing_game_v1")
    env.reset(seed=0)
    env.step({"agent_0": 0, "agent_1": 0})
    assert env.agents == []
    with pytest.raises(RuntimeError, match=r"climbing_game_v1: agent 'agent_0' .* episode ended"):
        env.step({"agent_0": 0, "agent_1": 0})
    env.reset()
    env.step({"agent_0": 0, "agent_1": 0})  # fine again after reset
    fresh = parallel_env("climbing_game_v1")
    with pytest.raises(RuntimeError, match="reset"):
        fresh.step({"agent_0": 0, "agent_1": 0})


def test_bad_actions_name_the_agent_and_environment():
    env = parallel_env("penalty_game_v1", k=-5)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"penalty_game_v1: agent 'agent_1' chose action 7"):
        env.step({"agent_0": 0, "agent_1": 7})
    with pytest.raises(ValueError, match=r"penalty_game_v1: no action for agent 'agent_1'"):
        env.step({"agent_0": 0})
    with pytest.raises(ValueError, match=r"penalty_game_v1: unknown agent 'bob'"):
        env.step({"agent_0": 0, "agent_1": 0, "bob": 1})
    with pytest.raises(ValueError, match=r"agent 'agent_0' must act with one integer"):
        env.step({"agent_0": 0.5, "agent_1": 0})
    with pytest.raises(ValueError, match="num_envs=1"):
        ParallelView(make("penalty_game_v1", num_envs=2))
