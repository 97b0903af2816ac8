"""The Melting Pot adapter against the in-repo dm_env double (Melting Pot does not install offline)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from cooplab.envs.ssd.meltingpot import MeltingPotVectorEnv, make_meltingpot
from cooplab.testing.dm_env_double import FakeSubstrate, StepType


def make(b=2, length=5):
    seeds = iter(range(100))
    return MeltingPotVectorEnv(
        lambda: FakeSubstrate(n_players=3, size=6, episode_length=length, seed=next(seeds)),
        num_envs=b,
        name="fake_v1",
        episode_limit=50,
    )


def test_the_double_follows_dm_env():
    sub = FakeSubstrate(n_players=2, episode_length=2)
    first = sub.reset()
    assert first.step_type == StepType.FIRST and first.reward is None
    assert sub.step([0, 0]).step_type == StepType.MID
    last = sub.step([0, 0])
    assert last.step_type == StepType.LAST and last.discount == 0.0
    assert sub.step([0, 0]).step_type == StepType.FIRST  # dm_env: a step after LAST resets


def test_adapter_shapes_rewards_and_episode_ends():
    env = make()
    first = env.reset()
    assert first.obs.shape == (2, 3, 6, 6, 3) and first.state.shape == (2, 6, 6, 3)
    assert first.avail_actions.all() and env.spec.n_actions == 8
    # the reward is the double's: 1 where a player stands on the goal
    for t in range(5):
        step = env.step(np.zeros((2, 3), np.int64))
        for i, sub in enumerate(env.substrates):
            on_goal = [float(np.array_equal(p, sub.goal)) for p in sub.pos] if t < 4 else None
            if on_goal is not None:
                assert step.reward[i].tolist() == on_goal
    assert step.terminated.all() and not step.truncated.any()
    assert not np.array_equal(step.final_obs, step.obs)  # reset after LAST
    assert np.isfinite(step.info["episode_return"]).all()


def test_bad_substrates_and_actions_are_named():
    env = make()
    env.reset()
    with pytest.raises(ValueError, match="outside the action space"):
        env.step(np.full((2, 3), 9))
    with pytest.raises(TypeError, match="factory"):
        MeltingPotVectorEnv(3)


def test_learners_run_on_the_adapter():
    torch = pytest.importorskip("torch")
    from cooplab.ssd.learners import Population, PopulationConfig

    env = make(length=6)
    pop = Population(env.spec, PopulationConfig(), seed=0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        import dataclasses

        env.spec = dataclasses.replace(env.spec, episode_limit=6)
        batch = pop.collect(env, np.random.default_rng(0))
        pop.update(batch)
    finally:
        torch.set_num_threads(threads)
    assert batch.rewards.shape == (6, 2, 3)


@pytest.mark.skipif(
    importlib.util.find_spec("meltingpot") is not None, reason="Melting Pot is installed"
)
def test_make_meltingpot_says_how_to_install():
    with pytest.raises(ImportError, match="pip install dm-meltingpot"):
        make_meltingpot("commons_harvest__open")


@pytest.mark.peers
def test_the_adapter_runs_melting_pots_own_substrates():
    """The real thing, where dm-meltingpot is installed (it is not in any extra: its build
    downloads assets; benchmarks/RESULTS.md says how it was installed offline here)."""
    pytest.importorskip("meltingpot")
    env = make_meltingpot("commons_harvest__open", num_envs=2, episode_limit=4)
    try:
        assert env.spec.n_agents == 7 and env.spec.n_actions == 8  # the default roles
        first = env.reset()
        assert first.obs.shape == (2, 7, 88, 88, 3) and first.obs.dtype == np.float32
        assert first.obs.min() >= 0.0 and first.obs.max() <= 1.0 and first.obs.max() > 0.0
        assert first.state.shape[0] == 2 and first.state.shape[-1] == 3
        rng = np.random.default_rng(0)
        for _t in range(4):
            step = env.step(rng.integers(0, 8, (2, 7)))
            assert np.isfinite(step.reward).all()
        assert step.truncated.all()  # the adapter's time limit on top of the substrate's
        assert (step.info["episode_length"] == 4).all()
    finally:
        env.close()


@pytest.mark.peers
def test_cooplabs_learners_train_on_a_melting_pot_substrate():
    pytest.importorskip("meltingpot")
    torch = pytest.importorskip("torch")
    from cooplab.ssd.learners import Population, PopulationConfig

    env = make_meltingpot("clean_up", num_envs=2, episode_limit=5)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        pop = Population(env.spec, PopulationConfig(), seed=0)
        batch = pop.collect(env, np.random.default_rng(0))
        stats = pop.update(batch)
    finally:
        torch.set_num_threads(threads)
        env.close()
    assert batch.rewards.shape == (5, 2, env.spec.n_agents)
    assert all(np.isfinite(v).all() for v in stats.values())
