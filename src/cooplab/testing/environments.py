"""The contract every batched environment (:class:`cooplab.envs.VectorEnv`) honours.

:func:`check_environment` runs an environment through the checks below and
raises ``AssertionError`` naming the first rule broken, so a test suite runs
it over the whole registry (as PettingZoo's ``api_test`` does for its
environments):

>>> check_environment("climbing_game_v1", steps=20)

Checks: the spec is well-formed; ``reset`` and ``step`` return arrays of the
promised shapes and dtypes, inside the spec's bounds; every agent always has
an action available; rewards lie in ``spec.reward_range`` and are equal
across agents in team games; ``terminated`` and ``truncated`` never both hold,
episodes end within ``episode_limit`` steps and are reset automatically
(``final_obs`` equals ``obs`` where nothing ended); the episode statistics in
``info`` match the rewards; the same seed gives the same trajectory, and
``reset(seed)`` restarts it; a batch seeded with one seed per environment
steps exactly as single environments seeded one by one; bad actions raise
errors naming the environment and the agent; the Gymnasium spaces (when
gymnasium is installed) contain the observations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from cooplab.envs.base import EnvSpec, Reset, Step, VectorEnv

__all__ = ["check_environment"]


def _fail(message: str) -> None:
    raise AssertionError(message)


def _factory(env: str | Callable[[int], VectorEnv], params: dict[str, Any]) -> Callable:
    if isinstance(env, str):
        from cooplab.envs import make

        return lambda b, seed=None: make(env, num_envs=b, seed=seed, **params)
    if callable(env):
        return lambda b, seed=None: env(b) if seed is None else env(b, seed)  # type: ignore[call-arg]
    raise TypeError(
        f"env must be a registered name or a factory num_envs -> VectorEnv; got {env!r}"
    )


def _random_actions(avail: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One uniformly drawn available action per agent, ``(B, N)``."""
    scores = rng.random(avail.shape) * avail
    return scores.argmax(axis=2)


def _check_spec(spec: EnvSpec) -> None:
    if not isinstance(spec, EnvSpec):
        _fail(f"env.spec must be an EnvSpec; got {type(spec).__name__}")
    if not re.fullmatch(r"[a-z0-9_]+_v\d+", spec.name):
        _fail(f"{spec.name!r}: names are snake_case and versioned, like 'harvest_v1'")
    for field in ("n_agents", "n_actions", "episode_limit"):
        value = getattr(spec, field)
        if not isinstance(value, int) or value < 1:
            _fail(f"{spec.name}: spec.{field} must be a positive int; got {value!r}")
    for field in ("obs_shape", "state_shape"):
        shape = getattr(spec, field)
        if not isinstance(shape, tuple) or not all(isinstance(x, int) and x > 0 for x in shape):
            _fail(f"{spec.name}: spec.{field} must be a tuple of positive ints; got {shape!r}")
    low, high = spec.reward_range
    if not low <= high:
        _fail(f"{spec.name}: reward_range {spec.reward_range} is empty")
    if spec.action_names and len(spec.action_names) != spec.n_actions:
        _fail(f"{spec.name}: {len(spec.action_names)} action names for {spec.n_actions} actions")


def _check_arrays(spec: EnvSpec, b: int, out: Reset | Step, what: str) -> None:
    n, a = spec.n_agents, spec.n_actions
    expect = {
        "obs": ((b, n, *spec.obs_shape), np.float32),
        "state": ((b, *spec.state_shape), np.float32),
        "avail_actions": ((b, n, a), np.bool_),
    }
    if isinstance(out, Step):
        expect |= {
            "reward": ((b, n), np.float32),
            "terminated": ((b,), np.bool_),
            "truncated": ((b,), np.bool_),
            "final_obs": ((b, n, *spec.obs_shape), np.float32),
            "final_state": ((b, *spec.state_shape), np.float32),
        }
    for field, (shape, dtype) in expect.items():
        arr = getattr(out, field)
        if not isinstance(arr, np.ndarray):
            _fail(f"{spec.name}: {what}.{field} must be a numpy array; got {type(arr).__name__}")
        if arr.shape != shape or arr.dtype != dtype:
            _fail(
                f"{spec.name}: {what}.{field} must be {np.dtype(dtype).name} {shape}; "
                f"got {arr.dtype} {arr.shape}"
            )
    for field, bounds in (
        ("obs", spec.obs_bounds),
        ("state", spec.state_bounds),
        ("final_obs", spec.obs_bounds),
        ("final_state", spec.state_bounds),
    ):
        if not hasattr(out, field):
            continue
        arr = getattr(out, field)
        if not np.all(np.isfinite(arr)):
            _fail(f"{spec.name}: {what}.{field} has non-finite entries")
        if arr.min() < bounds[0] or arr.max() > bounds[1]:
            _fail(
                f"{spec.name}: {what}.{field} leaves its bounds {bounds}: "
                f"[{arr.min()}, {arr.max()}]"
            )
    if not out.avail_actions.any(axis=2).all():
        _fail(f"{spec.name}: {what}: some agent has no available action")


def _same(a: Reset | Step, b: Reset | Step, what: str, name: str) -> None:
    for field in a.__dataclass_fields__:
        x, y = getattr(a, field), getattr(b, field)
        if field == "info":
            if x.keys() != y.keys():
                _fail(f"{name}: {what}: info keys differ: {sorted(x)} vs {sorted(y)}")
            for key in x:
                if not np.array_equal(x[key], y[key], equal_nan=True):
                    _fail(f"{name}: {what}: info[{key!r}] differs")
        elif not np.array_equal(x, y):
            _fail(f"{name}: {what}: {field} differs")


def _rows(out: Reset | Step, i: int) -> Reset | Step:
    """Environment ``i`` of a batched output, as a batch of one."""
    kwargs = {}
    for field in out.__dataclass_fields__:
        v = getattr(out, field)
        kwargs[field] = {k: a[i : i + 1] for k, a in v.items()} if field == "info" else v[i : i + 1]
    return type(out)(**kwargs)


def check_environment(
    env: str | Callable[..., VectorEnv],
    *,
    steps: int = 200,
    num_envs: int = 4,
    seed: int = 0,
    **params: Any,
) -> None:
    """Check the batched environment contract (see the module notes).

    Parameters
    ----------
    env
        A registered name (made with ``params``), or a factory
        ``factory(num_envs, seed) -> VectorEnv``.
    steps
        Steps per trajectory compared.
    num_envs
        Batch size of the environments checked.
    seed
        The seed of the trajectories.
    """
    make = _factory(env, params)
    first = make(num_envs)
    if not isinstance(first, VectorEnv):
        _fail(f"expected a VectorEnv; got {type(first).__name__}")
    spec = first.spec
    _check_spec(spec)
    name, b, n = spec.name, num_envs, spec.n_agents
    if first.num_envs != b:
        _fail(f"{name}: asked for {b} environments, got num_envs={first.num_envs}")

    # One trajectory, checked step by step.
    def trajectory(e: VectorEnv) -> list[Reset | Step]:
        rng = np.random.default_rng(seed)
        out: list[Reset | Step] = [e.reset(seed=seed)]
        for _ in range(steps):
            out.append(e.step(_random_actions(out[-1].avail_actions, rng)))
        return out

    run = trajectory(first)
    _check_arrays(spec, b, run[0], "reset()")
    low, high = spec.reward_range
    length = np.zeros(b, np.int64)
    ret = np.zeros(b, np.float64)
    for t, step in enumerate(run[1:], 1):
        assert isinstance(step, Step)
        what = f"step {t}"
        _check_arrays(spec, b, step, what)
        r = step.reward
        if r.min() < low - 1e-6 or r.max() > high + 1e-6:
            _fail(
                f"{name}: {what}: reward [{r.min()}, {r.max()}] outside reward_range {spec.reward_range}"
            )
        if spec.team_reward and not np.all(r == r[:, :1]):
            _fail(f"{name}: {what}: a team game paid agents different rewards")
        if np.any(step.terminated & step.truncated):
            _fail(f"{name}: {what}: an episode both terminated and was truncated")
        done = step.terminated | step.truncated
        length += 1
        ret += r.mean(axis=1, dtype=np.float64)
        if np.any(length > spec.episode_limit):
            _fail(f"{name}: {what}: an episode ran past episode_limit={spec.episode_limit}")
        if np.any((length == spec.episode_limit) & ~done):
            _fail(f"{name}: {what}: an episode reached episode_limit without being truncated")
        keep = ~done
        if not np.array_equal(step.final_obs[keep], step.obs[keep]) or not np.array_equal(
            step.final_state[keep], step.state[keep]
        ):
            _fail(
                f"{name}: {what}: final_obs/final_state differ from obs/state where nothing ended"
            )
        info = step.info
        for key in ("episode_return", "episode_length"):
            if key not in info or np.shape(info[key]) != (b,):
                _fail(f"{name}: {what}: info[{key!r}] must be an array (num_envs,)")
        if not np.array_equal(info["episode_length"][done], length[done]):
            _fail(f"{name}: {what}: info['episode_length'] is not the episode's length")
        if not np.allclose(info["episode_return"][done], ret[done], rtol=1e-4, atol=1e-4):
            _fail(f"{name}: {what}: info['episode_return'] is not the sum of mean rewards")
        if not np.all(np.isnan(info["episode_return"][keep])):
            _fail(f"{name}: {what}: info['episode_return'] must be NaN where no episode ended")
        length[done] = 0
        ret[done] = 0.0

    # Seeding: the same seed, the same trajectory; reset(seed) restarts it.
    second = make(num_envs)
    for t, (x, y) in enumerate(zip(run, trajectory(second), strict=True)):
        _same(x, y, f"two environments with seed {seed} differ at step {t}", name)
    again = first.reset(seed=seed)
    _same(run[0], again, f"reset(seed={seed}) a second time differs from the first", name)
    seeded = make(num_envs, seed)
    _same(
        run[0], seeded.reset(), f"make(seed={seed}).reset() differs from reset(seed={seed})", name
    )

    # A batch seeded one seed per environment steps as single environments do.
    seeds = [seed + 7 * i + 1 for i in range(b)]
    batch = make(b)
    singles = [make(1) for _ in range(b)]
    out_b = batch.reset(seed=seeds)
    outs = [s.reset(seed=k) for s, k in zip(singles, seeds, strict=True)]
    rng = np.random.default_rng(seed + 1)
    for t in range(min(steps, 3 * spec.episode_limit)):
        for i in range(b):
            _same(_rows(out_b, i), outs[i], f"environment {i} of a batch != alone, step {t}", name)
        act = _random_actions(out_b.avail_actions, rng)
        out_b = batch.step(act)
        outs = [s.step(act[i : i + 1]) for i, s in enumerate(singles)]

    # Bad actions are refused, naming the environment and the agent.
    bad = np.zeros((b, n), np.int64)
    bad[b - 1, n - 1] = spec.n_actions
    for actions, error, pattern in (
        (bad, ValueError, rf"{re.escape(name)}.*agent {n - 1}"),
        (np.zeros((b, n + 1), np.int64), ValueError, re.escape(name)),
        (np.zeros((b, n), np.float64), TypeError, re.escape(name)),
    ):
        try:
            first.step(actions)
        except error as err:
            if not re.search(pattern, str(err)):
                _fail(f"{name}: the error for bad actions does not name what it must: {err}")
        else:
            _fail(f"{name}: step() accepted bad actions {actions.dtype} {actions.shape}")

    # Gymnasium spaces, when gymnasium is there.
    try:
        import gymnasium  # noqa: F401 - only whether it is installed
    except ImportError:
        return
    obs_space, act_space = first.observation_space, first.action_space
    if act_space.n != spec.n_actions:
        _fail(f"{name}: action_space.n = {act_space.n}, spec says {spec.n_actions}")
    for step in run[:: max(1, len(run) // 10)]:
        for i in range(b):
            for j in range(n):
                if not obs_space.contains(step.obs[i, j]):
                    _fail(f"{name}: observation_space does not contain an observation")
        if not first.state_space.contains(step.state[0]):
            _fail(f"{name}: state_space does not contain a state")
