"""The batched multi-agent environment interface.

A :class:`VectorEnv` holds the state of ``B`` environments with ``N`` agents
each as arrays and steps them all at once:

>>> import numpy as np
>>> from cooplab.envs import make
>>> env = make("climbing_game_v1", num_envs=4, seed=0)
>>> first = env.reset()
>>> first.obs.shape, first.state.shape, first.avail_actions.shape
((4, 2, 2), (4, 2), (4, 2, 3))
>>> step = env.step(np.array([[0, 0], [0, 1], [1, 1], [2, 2]]))
>>> step.reward[:, 0].tolist()
[11.0, -30.0, 7.0, 5.0]
>>> step.terminated.tolist()  # one-step games end at once and reset themselves
[True, True, True, True]

Conventions shared by every environment:

- ``reset(seed)`` returns :class:`Reset`; ``step(actions)`` takes integer
  actions ``(B, N)`` and returns :class:`Step`. Environments whose episode
  ended (``terminated | truncated``) are reset automatically inside ``step``:
  ``Step.obs``/``state``/``avail_actions`` already belong to the next episode,
  and ``Step.final_obs``/``final_state`` hold the last observation of the one
  that ended (equal to ``obs``/``state`` elsewhere; where no environment
  ended they may be the very same array objects).
- ``truncated`` is set when an episode reaches ``spec.episode_limit`` steps
  without terminating (a time limit); ``terminated`` means the game itself
  ended (a one-step game after its step, all food collected).
- Randomness is counter-based: every random number an environment draws is a
  hash of (its key, its episode number, its step number, a stream number), so
  environment ``i`` of a batch evolves exactly as a single environment with
  the same key would, whatever the batch size and whatever the other
  environments do (the contract suite checks this). ``reset(seed=s)`` with an
  int gives environment ``i`` the key of ``(s, i)``; ``reset(seed=[s_0, ...,
  s_{B-1}])`` gives environment ``i`` the key of ``(s_i, 0)``, so a batch
  seeded with a list equals single environments seeded one by one.
  ``reset()`` without a seed starts new episodes (the next episode number) of
  the keys already set, or draws keys from the OS on first use.
- An action outside ``0..n_actions-1``, a non-integer array or an array of the
  wrong shape raises ``ValueError``/``TypeError`` naming the environment and
  the agent. Actions that are in range but not in ``avail_actions`` follow
  the environment's own rule (level-based foraging: no-op, as the
  ``lbforaging`` package does) unless the environment was made with
  ``strict=True``, which raises instead.
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "EnvSpec",
    "Reset",
    "Step",
    "VectorEnv",
    "counter_uniform",
    "seed_keys",
]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _mix(z: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser (Steele, Lea & Flood 2014), elementwise on uint64."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def seed_keys(seed: int | Sequence[int] | np.ndarray, num_envs: int) -> np.ndarray:
    """The per-environment keys ``(num_envs,)`` uint64 for a seed.

    An int ``s`` gives environment ``i`` the key of ``(s, i)``; a sequence of
    ``num_envs`` ints gives environment ``i`` the key of ``(s_i, 0)``.
    """
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if int(seed) < 0:
            raise ValueError(f"a seed must be a non-negative integer; got {seed}")
        seeds = np.full(num_envs, int(seed), np.uint64)
        index = np.arange(num_envs, dtype=np.uint64)
    else:
        arr = np.asarray(seed)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(
                f"seed must be a non-negative int, a sequence of {num_envs} ints (one per "
                f"environment) or None; got {type(seed).__name__}"
            )
        if arr.shape != (num_envs,):
            raise ValueError(
                f"a sequence of seeds needs one per environment, shape ({num_envs},); "
                f"got shape {arr.shape}"
            )
        if np.any(arr < 0):
            raise ValueError("seeds must be non-negative integers")
        seeds = arr.astype(np.uint64)
        index = np.zeros(num_envs, np.uint64)
    return _mix(_mix(seeds ^ _GOLDEN) + index * _M2 + _GOLDEN)


def counter_uniform(
    keys: np.ndarray, episode: np.ndarray, t: np.ndarray, stream: int, n: int
) -> npt.NDArray[np.float64]:
    """Uniform numbers in ``[0, 1)``, shape ``(len(keys), n)``, as a hash of the counters.

    Parameters
    ----------
    keys, episode, t
        Per-environment key, episode number and step number, each ``(K,)``.
    stream
        Which draw of the step this is (distinct draws use distinct streams).
    n
        How many numbers per environment.
    """
    base = _mix(
        keys
        ^ _mix(
            episode.astype(np.uint64) * _M1
            + t.astype(np.uint64) * _GOLDEN
            + np.uint64((stream * 0x94D049BB133111EB + 1) & 0xFFFFFFFFFFFFFFFF)
        )
    )
    j = (np.arange(1, n + 1, dtype=np.uint64) * _GOLDEN)[None, :]
    bits = _mix(base[:, None] + j)
    return (bits >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def _bounds(pair: tuple[float, float]) -> list[float | None]:
    """Bounds for JSON: an infinite end is ``None``."""
    return [float(x) if np.isfinite(x) else None for x in pair]


@dataclass(frozen=True)
class EnvSpec:
    """What a learner needs to know about an environment.

    Attributes
    ----------
    name
        Versioned registry name (``"climbing_game_v1"``).
    n_agents, n_actions
        ``N`` agents, each with ``A`` discrete actions.
    obs_shape, state_shape
        Shape of one agent's observation and of the global state.
    episode_limit
        The most steps an episode lasts (a time limit truncates it there).
    reward_range
        Bounds ``(low, high)`` of one agent's reward in one step.
    team_reward
        Whether every agent always gets the same reward.
    obs_bounds, state_bounds
        Bounds of every observation and state entry (for Gymnasium ``Box``).
    action_names
        A name per action, for listings.
    params
        The parameters the environment was made with, ``(name, value)`` pairs.
    """

    name: str
    n_agents: int
    n_actions: int
    obs_shape: tuple[int, ...]
    state_shape: tuple[int, ...]
    episode_limit: int
    reward_range: tuple[float, float] = (-np.inf, np.inf)
    team_reward: bool = True
    obs_bounds: tuple[float, float] = (-np.inf, np.inf)
    state_bounds: tuple[float, float] = (-np.inf, np.inf)
    action_names: tuple[str, ...] = ()
    params: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict of the spec."""
        return {
            "name": self.name,
            "n_agents": self.n_agents,
            "n_actions": self.n_actions,
            "obs_shape": list(self.obs_shape),
            "state_shape": list(self.state_shape),
            "episode_limit": self.episode_limit,
            "reward_range": _bounds(self.reward_range),
            "obs_bounds": _bounds(self.obs_bounds),
            "state_bounds": _bounds(self.state_bounds),
            "team_reward": self.team_reward,
            "action_names": list(self.action_names),
            "params": {k: v for k, v in self.params},
        }


@dataclass(frozen=True)
class Reset:
    """What :meth:`VectorEnv.reset` returns.

    Attributes
    ----------
    obs
        ``(B, N, *obs_shape)`` float32.
    state
        ``(B, *state_shape)`` float32.
    avail_actions
        ``(B, N, A)`` bool.
    """

    obs: np.ndarray
    state: np.ndarray
    avail_actions: np.ndarray


@dataclass(frozen=True)
class Step:
    """What :meth:`VectorEnv.step` returns.

    Attributes
    ----------
    obs, state, avail_actions
        As in :class:`Reset`, for the next decision (environments that ended are
        already reset).
    reward
        ``(B, N)`` float32, the reward of the step just taken.
    terminated, truncated
        ``(B,)`` bool: the game ended / the episode limit cut it.
    final_obs, final_state
        The last observation and state of the episode that ended, where one
        ended; equal to ``obs``/``state`` elsewhere.
    info
        Arrays ``(B,)``: ``"episode_return"`` (per step the mean reward over
        agents, summed over the episode that ended; NaN where none ended),
        ``"episode_length"`` (steps of the episode that ended; 0 where none
        ended), plus environment-specific entries.
    """

    obs: np.ndarray
    state: np.ndarray
    avail_actions: np.ndarray
    reward: np.ndarray
    terminated: np.ndarray
    truncated: np.ndarray
    final_obs: np.ndarray
    final_state: np.ndarray
    info: dict[str, np.ndarray] = field(default_factory=dict)


class VectorEnv(ABC):
    """``B`` environments with ``N`` agents each, stepped together as arrays.

    Subclasses set ``self.spec`` before calling ``super().__init__`` and
    implement three methods on rows ``idx`` (an int array of environment
    indices): :meth:`_reset_rows` (start new episodes, drawing randomness with
    :meth:`_uniform`), :meth:`_observe` (observations, state and available
    actions) and :meth:`_step` (advance every environment, return the
    reward and the terminal flags). The base class checks actions, counts
    steps, applies the episode limit, resets ended environments and keeps
    the episode statistics.

    Parameters
    ----------
    num_envs
        ``B``, the batch size.
    seed
        Keys for the first ``reset()`` without a seed (see the module notes).
    strict
        Raise ``ValueError`` when an agent picks an action that is not in its
        ``avail_actions`` (otherwise the environment's own rule applies).
    """

    spec: EnvSpec

    def __init__(
        self,
        num_envs: int = 1,
        seed: int | Sequence[int] | None = None,
        *,
        strict: bool = False,
    ) -> None:
        if isinstance(num_envs, bool) or not isinstance(num_envs, numbers.Integral):
            raise TypeError(f"{self.spec.name}: num_envs must be an int; got {num_envs!r}")
        if num_envs < 1:
            raise ValueError(f"{self.spec.name}: num_envs must be at least 1; got {num_envs}")
        self.num_envs = int(num_envs)
        self.strict = bool(strict)
        self._keys: np.ndarray | None = None
        if seed is not None:
            self._keys = seed_keys(seed, self.num_envs)
        self._episode = np.zeros(self.num_envs, np.uint64)
        self._t = np.zeros(self.num_envs, np.int64)
        self._return = np.zeros(self.num_envs, np.float64)
        self._avail: np.ndarray | None = None
        self._fresh_keys = seed is not None  # the next unseeded reset keeps episode numbers
        self._all = np.arange(self.num_envs)

    # -- the interface -------------------------------------------------------------------

    @property
    def n_agents(self) -> int:
        return self.spec.n_agents

    @property
    def n_actions(self) -> int:
        return self.spec.n_actions

    def reset(self, seed: int | Sequence[int] | None = None) -> Reset:
        """Start a new episode in every environment.

        Parameters
        ----------
        seed
            An int (environment ``i`` gets the key of ``(seed, i)``), one int
            per environment, or None (the next episodes of the current keys).
        """
        if seed is not None:
            self._keys = seed_keys(seed, self.num_envs)
            self._episode[:] = 0
        elif self._keys is None:
            entropy = np.random.SeedSequence().generate_state(2, np.uint64)
            self._keys = seed_keys(int(entropy[0] >> np.uint64(1)), self.num_envs)
            self._episode[:] = 0
        elif self._fresh_keys:
            self._episode[:] = 0
        else:
            self._episode += np.uint64(1)
        self._fresh_keys = False
        self._t[:] = 0
        self._return[:] = 0.0
        self._reset_rows(self._all)
        obs, state, avail = self._observe(None)
        self._avail = avail
        return Reset(obs, state, avail)

    def step(self, actions: npt.ArrayLike) -> Step:
        """Take one joint action ``(B, N)`` in every environment; see :class:`Step`."""
        if self._avail is None:
            raise RuntimeError(f"{self.spec.name}: call reset() before step()")
        a = self._check_actions(actions)
        reward, terminated = self._step(a)
        self._t += 1
        self._return += np.add.reduce(reward, axis=1, dtype=np.float64) / self.spec.n_agents
        truncated = (self._t >= self.spec.episode_limit) & ~terminated
        done = terminated | truncated
        final_obs, final_state, avail = self._observe(None)
        info: dict[str, np.ndarray] = {
            "episode_return": np.where(done, self._return, np.nan).astype(np.float32),
            "episode_length": np.where(done, self._t, 0),
        }
        if done.any():
            rows = np.flatnonzero(done)
            self._episode[rows] += np.uint64(1)
            self._t[rows] = 0
            self._return[rows] = 0.0
            self._reset_rows(rows)
            o, s, av = self._observe(rows)
            obs, state, avail = final_obs.copy(), final_state.copy(), avail.copy()
            obs[rows], state[rows], avail[rows] = o, s, av
        else:
            obs, state = final_obs, final_state
        self._avail = avail
        return Step(obs, state, avail, reward, terminated, truncated, final_obs, final_state, info)

    # -- Gymnasium spaces ---------------------------------------------------------------

    @property
    def observation_space(self) -> Any:
        """One agent's observation space, a Gymnasium ``Box`` (needs gymnasium)."""
        from gymnasium import spaces

        low, high = self.spec.obs_bounds
        return spaces.Box(low, high, shape=self.spec.obs_shape, dtype=np.float32)

    @property
    def action_space(self) -> Any:
        """One agent's action space, a Gymnasium ``Discrete`` (needs gymnasium)."""
        from gymnasium import spaces

        return spaces.Discrete(self.spec.n_actions)

    @property
    def state_space(self) -> Any:
        """The global state's space, a Gymnasium ``Box`` (needs gymnasium)."""
        from gymnasium import spaces

        low, high = self.spec.state_bounds
        return spaces.Box(low, high, shape=self.spec.state_shape, dtype=np.float32)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec.name!r}, num_envs={self.num_envs})"

    def observe_into(self, obs: np.ndarray, state: np.ndarray) -> None:
        """Ask for the next observation of every environment to be written into ``obs``
        ``(B, N, *obs_shape)`` and ``state`` ``(B, *state_shape)`` (float32).

        A hint, used once: environments that can render in place do (the
        ``obs``/``state`` of the next :meth:`reset` or :meth:`step` are then these
        arrays, unless an episode ended in it), the others ignore it. The shard
        workers of :class:`~cooplab.envs.parallel.ShardedVectorEnv` pass their
        shared buffers this way, which saves a copy.
        """
        del obs, state  # this environment renders into arrays of its own

    # -- for subclasses -----------------------------------------------------------------

    def _uniform(self, idx: np.ndarray, stream: int, n: int) -> npt.NDArray[np.float64]:
        """Uniform numbers ``(len(idx), n)`` for environments ``idx`` at their current step."""
        assert self._keys is not None
        return counter_uniform(self._keys[idx], self._episode[idx], self._t[idx], stream, n)

    @abstractmethod
    def _reset_rows(self, idx: np.ndarray) -> None:
        """Start new episodes in environments ``idx``."""

    @abstractmethod
    def _observe(self, idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(obs, state, avail_actions)`` of environments ``idx`` (None: all)."""

    @abstractmethod
    def _step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Advance every environment by ``actions`` ``(B, N)`` int64; return
        ``reward`` ``(B, N)`` float32 and ``terminated`` ``(B,)`` bool."""

    def _check_actions(self, actions: npt.ArrayLike) -> np.ndarray:
        name, b, n, a_max = self.spec.name, self.num_envs, self.spec.n_agents, self.spec.n_actions
        a = np.asarray(actions)
        if a.dtype == bool or not np.issubdtype(a.dtype, np.integer):
            raise TypeError(
                f"{name}: actions must be integers (one per agent, 0..{a_max - 1}); "
                f"got dtype {a.dtype}"
            )
        if a.shape != (b, n):
            raise ValueError(
                f"{name}: actions must have shape (num_envs, n_agents) = ({b}, {n}); got {a.shape}"
            )
        bad = (a < 0) | (a >= a_max)
        if bad.any():
            env_i, agent = (int(x) for x in np.argwhere(bad)[0])
            raise ValueError(
                f"{name}: agent {agent} of environment {env_i} chose action {int(a[env_i, agent])}, "
                f"outside the action space 0..{a_max - 1}"
            )
        a = a.astype(np.int64, copy=False)
        if self.strict:
            assert self._avail is not None
            ok = np.take_along_axis(self._avail, a[:, :, None], axis=2)[:, :, 0]
            if not ok.all():
                env_i, agent = (int(x) for x in np.argwhere(~ok)[0])
                raise ValueError(
                    f"{name}: agent {agent} of environment {env_i} chose action "
                    f"{int(a[env_i, agent])}, which is not available now (available: "
                    f"{np.flatnonzero(self._avail[env_i, agent]).tolist()})"
                )
        return a
