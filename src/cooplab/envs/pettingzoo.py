"""A PettingZoo ``ParallelEnv`` view of one batched environment.

:class:`ParallelView` wraps a :class:`~cooplab.envs.base.VectorEnv` of batch
size one and speaks PettingZoo's Parallel API (dicts keyed by agent name), so
RLlib, TorchRL and other PettingZoo users can run cooplab's environments
as they are. It passes PettingZoo's ``parallel_api_test`` and
``parallel_seed_test`` (``tests/envs/test_pettingzoo.py``). This module
imports pettingzoo; ``cooplab.envs`` does not import this module.

Usage (``docs/envs.md`` runs it)::

    from cooplab.envs.pettingzoo import parallel_env

    env = parallel_env("two_step_game_v1")
    obs, infos = env.reset(seed=0)          # infos[agent]["action_mask"]
    env.step({"agent_0": 1, "agent_1": 0})
    obs, rewards, terminations, truncations, infos = env.step({"agent_0": 1, "agent_1": 1})
    # rewards == {"agent_0": 8.0, "agent_1": 8.0}; env.agents == []

Differences from the batched core: an episode that ends stays ended (the
agents list empties) until :meth:`ParallelView.reset`, as PettingZoo expects;
the observation returned by the last step is the episode's last observation.
Stepping an ended episode raises ``RuntimeError`` naming the agent and the
environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from cooplab.envs.base import VectorEnv

try:
    from pettingzoo.utils.env import ParallelEnv
except ImportError:  # pettingzoo is in the bench extra; ParallelView says so when made
    ParallelEnv = object
    _HAVE_PETTINGZOO = False
else:
    _HAVE_PETTINGZOO = True

__all__ = ["ParallelView", "parallel_env"]


class ParallelView(ParallelEnv):
    """PettingZoo's Parallel API on a :class:`VectorEnv` with ``num_envs == 1``.

    Parameters
    ----------
    env
        The batched environment (batch size one).

    Attributes
    ----------
    possible_agents, agents
        ``"agent_0"``, ..., ``"agent_{N-1}"``; ``agents`` is empty once an episode ended.
    """

    def __init__(self, env: VectorEnv) -> None:
        if not _HAVE_PETTINGZOO:
            raise ImportError(
                "the PettingZoo view needs pettingzoo: pip install pettingzoo "
                "(or cooplab's bench extra)"
            )
        if not isinstance(env, VectorEnv):
            raise TypeError(f"ParallelView wraps a cooplab VectorEnv; got {type(env).__name__}")
        if env.num_envs != 1:
            raise ValueError(
                f"{env.spec.name}: ParallelView views one environment; make it with num_envs=1 "
                f"(got num_envs={env.num_envs})"
            )
        self.core = env
        self.spec = env.spec
        self.metadata = {"name": env.spec.name, "render_modes": [], "is_parallelizable": True}
        self.render_mode = None
        self.possible_agents = [f"agent_{i}" for i in range(env.spec.n_agents)]
        self.agents: list[str] = []
        self._index = {a: i for i, a in enumerate(self.possible_agents)}
        self._state: np.ndarray | None = None
        self._ended = False
        self._obs_spaces: dict[str, Any] = {}
        self._action_spaces: dict[str, Any] = {}

    def observation_space(self, agent: str) -> Any:
        """The agent's Gymnasium ``Box`` (the same object at every call)."""
        self._check_agent(agent)
        if agent not in self._obs_spaces:
            self._obs_spaces[agent] = self.core.observation_space
        return self._obs_spaces[agent]

    def action_space(self, agent: str) -> Any:
        """The agent's Gymnasium ``Discrete`` (the same object, so its seed holds)."""
        self._check_agent(agent)
        if agent not in self._action_spaces:
            self._action_spaces[agent] = self.core.action_space
        return self._action_spaces[agent]

    @property
    def state_space(self) -> Any:
        return self.core.state_space

    def _check_agent(self, agent: str) -> None:
        if agent not in self._index:
            raise ValueError(
                f"{self.spec.name}: unknown agent {agent!r} (agents: {', '.join(self.possible_agents)})"
            )

    def _infos(self, avail: np.ndarray) -> dict[str, dict[str, Any]]:
        return {
            a: {"action_mask": avail[0, i].astype(np.int8)}
            for i, a in enumerate(self.possible_agents)
        }

    def reset(
        self, seed: int | None = None, options: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]]]:
        """Start an episode; ``seed`` as in :meth:`VectorEnv.reset` (``options`` is ignored)."""
        out = self.core.reset(seed=seed)
        self.agents = list(self.possible_agents)
        self._ended = False
        self._state = out.state[0]
        obs = {a: out.obs[0, i] for i, a in enumerate(self.possible_agents)}
        return obs, self._infos(out.avail_actions)

    def step(
        self, actions: Mapping[str, Any]
    ) -> tuple[
        dict[str, np.ndarray],
        dict[str, float],
        dict[str, bool],
        dict[str, bool],
        dict[str, dict[str, Any]],
    ]:
        """One joint action ``{agent: action}`` for every agent."""
        name = self.spec.name
        if self._ended or self._state is None:
            agent = next(iter(actions), self.possible_agents[0]) if actions else "every agent"
            why = "its episode ended" if self._ended else "reset() was never called"
            raise RuntimeError(f"{name}: agent {agent!r} stepped, but {why}; call reset() first")
        if not isinstance(actions, Mapping):
            raise TypeError(f"{name}: actions must be a dict {{agent: action}}")
        unknown = [a for a in actions if a not in self._index]
        if unknown:
            raise ValueError(f"{name}: unknown agent {unknown[0]!r} in actions")
        missing = [a for a in self.possible_agents if a not in actions]
        if missing:
            raise ValueError(f"{name}: no action for agent {missing[0]!r}")
        joint = np.empty((1, self.spec.n_agents), np.int64)
        for agent, action in actions.items():
            value = np.asarray(action)
            if value.shape != () or not np.issubdtype(value.dtype, np.integer):
                raise ValueError(
                    f"{name}: agent {agent!r} must act with one integer action; got {action!r}"
                )
            joint[0, self._index[agent]] = int(value)
        try:
            out = self.core.step(joint)
        except ValueError as err:  # name the agent as PettingZoo users know it
            msg = str(err)
            for i, a in enumerate(self.possible_agents):
                msg = msg.replace(f"agent {i} of environment 0", f"agent {a!r}")
            raise ValueError(msg) from None
        terminated, truncated = bool(out.terminated[0]), bool(out.truncated[0])
        ended = terminated or truncated
        agents = self.possible_agents
        obs = {a: (out.final_obs if ended else out.obs)[0, i] for i, a in enumerate(agents)}
        rewards = {a: float(out.reward[0, i]) for i, a in enumerate(agents)}
        infos = self._infos(out.avail_actions)
        self._state = (out.final_state if ended else out.state)[0]
        if ended:
            self._ended = True
            self.agents = []
        return (
            obs,
            rewards,
            dict.fromkeys(agents, terminated),
            dict.fromkeys(agents, truncated),
            infos,
        )

    def state(self) -> np.ndarray:
        """The global state ``(*state_shape,)`` (the last one once the episode ended)."""
        if self._state is None:
            raise RuntimeError(f"{self.spec.name}: call reset() before state()")
        return self._state

    def render(self) -> None:
        """No rendering (cooplab renders in plots; see the design notes)."""
        return None

    def close(self) -> None:
        return None


def parallel_env(name: str, seed: int | None = None, **params: Any) -> ParallelView:
    """The PettingZoo view of the registered environment ``name`` (``cooplab.envs.make``)."""
    from cooplab.envs import make

    return ParallelView(make(name, num_envs=1, seed=seed, **params))
