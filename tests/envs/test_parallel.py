"""ShardedVectorEnv: a batch stepped by worker processes returns what one process returns."""

from __future__ import annotations

import numpy as np
import pytest

from cooplab.envs import make, names
from cooplab.envs.parallel import ShardedVectorEnv
from cooplab.testing import check_environment

FIELDS = (
    "obs",
    "state",
    "avail_actions",
    "reward",
    "terminated",
    "truncated",
    "final_obs",
    "final_state",
)


def _short(name: str) -> dict:
    """Parameters that make episodes end within the compared steps, where the env has them."""
    probe = make(name)
    return {"episode_limit": 6} if "episode_limit" in dict(probe.spec.params) else {}


def test_every_registered_environment_shards_to_the_same_numbers():
    b, steps = 5, 14
    for name in names():
        params = _short(name)
        single = make(name, num_envs=b, seed=11, **params)
        with ShardedVectorEnv(name, num_envs=b, workers=2, seed=11, **params) as sharded:
            assert sharded.spec == single.spec
            for first in range(2):  # a seeded start, then an unseeded reset (next episodes)
                x, y = single.reset(), sharded.reset()
                for f in ("obs", "state", "avail_actions"):
                    assert np.array_equal(getattr(x, f), getattr(y, f)), (name, first, f)
                rng = np.random.default_rng(first)
                ended = False
                for t in range(steps):
                    a = rng.integers(0, single.spec.n_actions, (b, single.spec.n_agents))
                    x, y = single.step(a), sharded.step(a)
                    for f in FIELDS:
                        assert np.array_equal(getattr(x, f), getattr(y, f)), (name, t, f)
                    assert x.info.keys() == y.info.keys()
                    for k in x.info:
                        assert np.array_equal(x.info[k], y.info[k], equal_nan=True), (name, t, k)
                    ended |= bool((x.terminated | x.truncated).any())
                assert ended or single.spec.episode_limit > steps, name


def test_a_sharded_batch_passes_the_environment_contract():
    check_environment(
        lambda num_envs, seed=None: ShardedVectorEnv(
            "harvest_v1", num_envs, min(2, num_envs), seed, episode_limit=9
        ),
        steps=20,
        num_envs=3,
    )


def test_reset_with_a_seed_per_environment_and_uneven_shards():
    seeds = [4, 9, 1, 7, 3, 3, 0]
    single = make("lbf_8x8_2p_2f_v1", num_envs=7)
    with make("lbf_8x8_2p_2f_v1", num_envs=7, workers=3) as sharded:
        assert isinstance(sharded, ShardedVectorEnv)
        assert [hi - lo for lo, hi in sharded._slices] == [2, 3, 2]
        assert np.array_equal(single.reset(seed=seeds).obs, sharded.reset(seed=seeds).obs)


def test_outputs_the_caller_keeps_never_change():
    with ShardedVectorEnv("harvest_v1", num_envs=2, workers=2, seed=0) as env:
        out = [env.reset()]
        out += [env.step(np.zeros((2, 5), np.int64) + k) for k in range(4)]
        again = make("harvest_v1", num_envs=2, seed=0)
        ref = [again.reset()] + [again.step(np.zeros((2, 5), np.int64) + k) for k in range(4)]
        for x, y in zip(out, ref, strict=True):
            assert np.array_equal(x.obs, y.obs)
        assert env.buffer_sets >= 5  # every kept output holds its own set


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="workers must be at least 1"):
        ShardedVectorEnv("harvest_v1", num_envs=2, workers=0)
    with pytest.raises(ValueError, match=r"num_envs \(1\) must be at least workers \(2\)"):
        ShardedVectorEnv("harvest_v1", num_envs=1, workers=2)
    with pytest.raises(Exception, match="unknown environment"):
        ShardedVectorEnv("harvst_v1", num_envs=2, workers=2)
    with ShardedVectorEnv("climbing_game_v1", num_envs=3, workers=2, strict=True) as env:
        with pytest.raises(RuntimeError, match="reset"):
            env.step(np.zeros((3, 2), np.int64))
        env.reset(seed=0)
        with pytest.raises(ValueError, match=r"climbing_game_v1: actions must have shape"):
            env.step(np.zeros((2, 2), np.int64))
        with pytest.raises(ValueError, match="agent 1 of environment 2 chose action 3"):
            env.step(np.array([[0, 0], [0, 0], [0, 3]]))
        env.step(np.zeros((3, 2), np.int64))  # still usable after a refused step
    with pytest.raises(RuntimeError, match="closed"):
        env.step(np.zeros((3, 2), np.int64))
    env.close()  # idempotent


def test_a_worker_error_names_the_worker_and_its_environments():
    with ShardedVectorEnv("harvest_v1", num_envs=4, workers=2, seed=0) as env:
        env.reset()
        # worker 0 resets, worker 1 refuses an unknown command
        env._send([("reset", (None, 0)), ("bogus", None)])
        with pytest.raises(ValueError, match=r"unknown command.*worker 1, environments 2\.\.3"):
            env._gather("a bogus command")


def test_buffers_are_reused_only_once_nothing_refers_to_them():
    with ShardedVectorEnv("harvest_v1", num_envs=2, workers=2, seed=0, episode_limit=5) as env:
        one = make("harvest_v1", num_envs=2, seed=0, episode_limit=5)
        env.reset(), one.reset()
        rng = np.random.default_rng(1)
        a = rng.integers(0, 8, (12, 2, 5))
        view_of_first = env.step(a[0]).obs[1]  # a view keeps its base array alive
        expected_first = one.step(a[0]).obs[1].copy()
        ids = set()
        for t in range(1, 12):
            step = env.step(a[t])
            ref = one.step(a[t])
            ids.add(id(step.obs))
            for f in FIELDS:
                assert np.array_equal(getattr(step, f), getattr(ref, f)), (t, f)
        assert np.array_equal(view_of_first, expected_first)
        assert len(ids) <= 3 and env.buffer_sets <= 4  # dropped outputs were reused
