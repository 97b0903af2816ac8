"""The compiled engine (numba) of the gridworld games gives the numpy engine's numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplab.envs import make
from cooplab.envs.base import counter_uniform
from cooplab.envs.parallel import ShardedVectorEnv
from cooplab.envs.ssd import Cleanup, Harvest, _compiled, grid

pytest.importorskip("numba")

STEP_FIELDS = (
    "obs",
    "state",
    "avail_actions",
    "reward",
    "terminated",
    "truncated",
    "final_obs",
    "final_state",
)

# settings that reach every rule: beams that cost and hurt, tag-outs and returns,
# several hits to tag, more bodies than the default, episode ends
CASES = [
    ("harvest_v1", {}),
    ("harvest_v1", {"fire_cost": 0.3, "hit_penalty": 1.7, "hits_to_tag": 2, "tag_out_time": 3}),
    ("harvest_v1", {"n_agents": 7, "tag_out_time": 1, "neighbourhood": "disk"}),
    ("harvest_v1", {"n_agents": 2, "tag_out_time": 0, "regrowth_probs": [0.1, 0.3, 0.9]}),
    ("cleanup_v1", {}),
    ("cleanup_v1", {"tag_out_time": 2, "hit_penalty": 0.5}),
    # apples grow and waste spawns from the start
    ("cleanup_v1", {"depletion": 0.9, "restoration": 0.3, "apple_respawn": 0.3}),
    ("gathering_v1", {}),
    ("wolfpack_v1", {}),
]


def _run_both(name: str, params: dict, seed: int, steps: int, fire: float) -> dict[str, int]:
    """Step both engines with the same actions; every output must agree. Returns how
    many hits, episode ends, cleaned cells and apples eaten were seen (so a case
    shows it reached those rules)."""
    a = make(name, num_envs=6, seed=seed, engine="numpy", episode_limit=40, **params)
    b = make(name, num_envs=6, seed=seed, engine="numba", episode_limit=40, **params)
    assert (a.engine, b.engine) == ("numpy", "numba")
    ra, rb = a.reset(), b.reset()
    for f in ("obs", "state", "avail_actions"):
        np.testing.assert_array_equal(getattr(ra, f), getattr(rb, f), err_msg=f"reset {f}")
    rng = np.random.default_rng(seed)
    n, n_act = a.spec.n_agents, a.spec.n_actions
    seen = dict.fromkeys(("hit", "ends", "cleaned", "ate"), 0)
    for t in range(steps):
        act = rng.integers(0, n_act, (6, n))
        if n_act > grid.FIRE:
            act[rng.random((6, n)) < fire] = grid.FIRE
        sa, sb = a.step(act), b.step(act)
        for f in STEP_FIELDS:
            np.testing.assert_array_equal(getattr(sa, f), getattr(sb, f), err_msg=f"step {t} {f}")
        assert sa.info.keys() == sb.info.keys()
        for k in sa.info:
            np.testing.assert_array_equal(sa.info[k], sb.info[k], err_msg=f"step {t} {k}")
        for k in a.events:
            np.testing.assert_array_equal(a.events[k], b.events[k], err_msg=f"step {t} {k}")
        for attr in ("pos", "ori", "timeout", "hits"):
            np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr), err_msg=attr)
        for k in ("hit", "cleaned", "ate"):
            seen[k] += int(a.events[k].sum())
        seen["ends"] += int((sa.terminated | sa.truncated).sum())
        for attr in ("apples", "counts", "waste"):
            if hasattr(a, attr):
                np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr), err_msg=attr)
    return seen


@pytest.mark.parametrize(("name", "params"), CASES)
def test_the_engines_give_the_same_numbers(name: str, params: dict) -> None:
    seen = _run_both(name, params, seed=3, steps=130, fire=0.3)
    assert seen["ends"] > 0
    if name != "wolfpack_v1":  # Wolfpack has no beam
        assert seen["hit"] > 0
    if name != "cleanup_v1" or "depletion" in params:  # Cleanup's map starts barren
        assert seen["ate"] > 0
    if name == "cleanup_v1":
        assert seen["cleaned"] > 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    n_agents=st.integers(1, 6),
    tag_out_time=st.integers(0, 4),
    hits_to_tag=st.integers(1, 3),
    fire=st.sampled_from([0.0, 0.2, 0.6]),
)
def test_harvest_engines_agree_on_any_setting(
    seed: int, n_agents: int, tag_out_time: int, hits_to_tag: int, fire: float
) -> None:
    params = {
        "n_agents": n_agents,
        "tag_out_time": tag_out_time,
        "hits_to_tag": hits_to_tag,
        "fire_cost": 0.25,
        "hit_penalty": 0.75,
    }
    _run_both("harvest_v1", params, seed=seed, steps=50, fire=fire)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    n_agents=st.integers(1, 6),
    depletion=st.sampled_from([0.4, 0.7, 1.0]),
    tag_out_time=st.integers(0, 3),
)
def test_cleanup_engines_agree_on_any_setting(
    seed: int, n_agents: int, depletion: float, tag_out_time: int
) -> None:
    params = {"n_agents": n_agents, "depletion": depletion, "tag_out_time": tag_out_time}
    _run_both("cleanup_v1", params, seed=seed, steps=50, fire=0.2)


def test_the_compiled_random_numbers_are_counter_uniform() -> None:
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 2**63, 9, dtype=np.uint64)
    episode = rng.integers(0, 1000, 9).astype(np.uint64)
    t = rng.integers(0, 1000, 9)
    for stream in (0, 1, 201, 307):
        got = _compiled.uniform_table(keys, episode, t, _compiled.stream_constant(stream), 13)
        np.testing.assert_array_equal(got, counter_uniform(keys, episode, t, stream, 13))


def test_a_cleanup_subclass_that_changes_a_rule_steps_with_numpy() -> None:
    class NoWaste(Cleanup):
        def _grow(self, present: np.ndarray) -> None:
            pass

    assert not NoWaste(num_envs=1, engine="numba")._plain
    assert Cleanup(num_envs=1, engine="numba")._plain


def test_a_harvest_subclass_that_changes_a_rule_steps_with_numpy() -> None:
    class NoRegrowth(Harvest):
        def _grow(self, present: np.ndarray) -> None:
            pass

    env = NoRegrowth(num_envs=2, seed=0, engine="numba")
    assert not env._plain
    env.reset()
    start = int(env.apples.sum())
    rng = np.random.default_rng(0)
    for _ in range(200):
        env.step(rng.integers(0, 8, (2, 5)))
    assert int(env.apples.sum()) < start  # eaten apples never came back
    assert Harvest(num_envs=1, engine="numba")._plain


def test_a_game_that_paints_its_own_way_is_observed_with_numpy() -> None:
    class Marked(Harvest):
        def _paint(self, grid_: np.ndarray, idx: np.ndarray | None) -> None:
            super()._paint(grid_, idx)
            grid_[:, self.apple_cells[0]] = grid.Code.WALL  # the first apple cell shows a wall

    env = Marked(num_envs=1, seed=0, engine="numba")
    assert not env._paints_layers
    first = env.reset()
    r, c = env.cell_of(env.apple_cells[0])
    assert first.state[0, r, c].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert Harvest(num_envs=1, engine="numba")._paints_layers


def test_engine_is_checked() -> None:
    with pytest.raises(ValueError, match="engine must be one of auto, numpy, numba; got 'gpu'"):
        make("harvest_v1", engine="gpu")
    assert make("harvest_v1", engine="auto").engine == "numba"
    assert make("cleanup_v1", engine="numpy").engine == "numpy"


def test_without_numba_auto_falls_back_and_numba_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_compiled, "available", lambda: False)
    assert make("harvest_v1", engine="auto").engine == "numpy"
    with pytest.raises(ImportError, match=r"harvest_v1: engine='numba' needs numba"):
        make("harvest_v1", engine="numba")


def test_the_engine_is_not_a_parameter_of_the_game() -> None:
    a = make("harvest_v1", engine="numpy").spec
    b = make("harvest_v1", engine="numba").spec
    assert a == b


def test_observe_into_writes_the_next_observation_in_place() -> None:
    env = make("harvest_v1", num_envs=3, seed=1, engine="numba", episode_limit=4)
    ref = make("harvest_v1", num_envs=3, seed=1, engine="numpy", episode_limit=4)
    spec = env.spec
    obs = np.full((3, spec.n_agents, *spec.obs_shape), 7.0, np.float32)
    state = np.full((3, *spec.state_shape), 7.0, np.float32)
    env.observe_into(obs, state)
    r, rr = env.reset(), ref.reset()
    assert r.obs is obs and r.state is state
    np.testing.assert_array_equal(obs, rr.obs)
    rng = np.random.default_rng(0)
    for t in range(6):
        act = rng.integers(0, 8, (3, spec.n_agents))
        env.observe_into(obs, state)
        s, sr = env.step(act), ref.step(act)
        ended = bool((s.truncated | s.terminated).any())
        assert (s.final_obs is obs) and ((s.obs is obs) != ended), t
        np.testing.assert_array_equal(s.obs, sr.obs)
        np.testing.assert_array_equal(s.final_obs, sr.final_obs)
        np.testing.assert_array_equal(s.final_state, sr.final_state)
    # used once: the next step allocates
    s = env.step(np.zeros((3, spec.n_agents), np.int64))
    assert s.obs is not obs


def test_observe_into_names_a_wrong_buffer() -> None:
    env = make("harvest_v1", num_envs=2, engine="numba")
    spec = env.spec
    good = np.zeros((2, *spec.state_shape), np.float32)
    with pytest.raises(ValueError, match=r"observe_into: obs must be .* shape \(2, 5, 11, 11, 4\)"):
        env.observe_into(np.zeros((2, 5, 11, 11, 3), np.float32), good)
    with pytest.raises(
        ValueError, match="observe_into: obs must be a writable C-contiguous float32"
    ):
        env.observe_into(np.zeros((2, 5, 11, 11, 4)), good)
    # the numpy engine ignores the hint
    env = make("harvest_v1", num_envs=2, engine="numpy")
    obs = np.zeros((2, 5, 11, 11, 4), np.float32)
    env.observe_into(obs, good)
    assert env.reset().obs is not obs


def test_sharded_compiled_workers_write_in_place_and_match_one_process() -> None:
    one = make("harvest_v1", num_envs=4, seed=2, engine="numpy", episode_limit=5)
    with ShardedVectorEnv("harvest_v1", 4, 2, seed=2, engine="numba", episode_limit=5) as env:
        r, r1 = env.reset(), one.reset()
        np.testing.assert_array_equal(r.obs, r1.obs)
        rng = np.random.default_rng(0)
        for t in range(12):
            act = rng.integers(0, 8, (4, 5))
            s, s1 = env.step(act), one.step(act)
            for f in STEP_FIELDS:
                np.testing.assert_array_equal(getattr(s, f), getattr(s1, f), err_msg=f"{t} {f}")
