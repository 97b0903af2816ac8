"""Run cooplab's learners on Melting Pot substrates (``dm-meltingpot``, not a dependency).

:class:`MeltingPotVectorEnv` turns ``B`` Melting Pot substrates (``dm_env``
environments with one entry per player in their rewards, observations and
action specs: ``meltingpot.substrate.build(name, roles=...)``) into a
:class:`~cooplab.envs.base.VectorEnv`:

- ``obs (B, N, H, W, 3)`` float32 in ``[0, 1]``: each player's ``"RGB"`` view;
- ``state (B, H', W', 3)``: the ``"WORLD.RGB"`` observation when the substrate
  gives one, else zeros of shape ``(1,)``;
- ``reward (B, N)``, ``terminated`` when the substrate says ``LAST``;
- every action available (Melting Pot has no action masks).

Randomness is the substrate's own: the counter-based seeding of cooplab's
environments does not reach inside Melting Pot, so a batch is not
guaranteed to equal single environments. The adapter is tested against
:class:`cooplab.testing.dm_env_double.FakeSubstrate`, a double that follows
the ``dm_env`` interface, everywhere, and against Melting Pot's own
``commons_harvest__open`` and ``clean_up`` (``dm-meltingpot`` 2.4.1, with
cooplab's learners training on them) where it is installed. It is in no
extra: its build downloads an archive of bot models, so it does not install
offline (``benchmarks/RESULTS.md`` says how it was installed here).

>>> from cooplab.testing.dm_env_double import FakeSubstrate
>>> env = MeltingPotVectorEnv(lambda: FakeSubstrate(n_players=3, size=8), num_envs=2, name="fake_v1")
>>> env.reset().obs.shape
(2, 3, 8, 8, 3)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cooplab.envs.base import EnvSpec, VectorEnv

__all__ = ["MeltingPotVectorEnv", "make_meltingpot"]

_LAST = 2  # dm_env.StepType.LAST


def _is_last(step_type: Any) -> bool:
    return int(getattr(step_type, "value", step_type)) == _LAST


class MeltingPotVectorEnv(VectorEnv):
    """``num_envs`` substrates from ``factory()`` stepped as one batch (see the module notes).

    Parameters
    ----------
    factory
        Builds one substrate (a ``dm_env`` with per-player lists).
    num_envs
        ``B``.
    name
        The spec's name.
    episode_limit
        A time limit on top of the substrate's own ending.
    """

    def __init__(
        self,
        factory: Callable[[], Any],
        num_envs: int = 1,
        *,
        name: str = "meltingpot",
        episode_limit: int = 1000,
    ) -> None:
        if not callable(factory):
            raise TypeError(f"factory must build a substrate; got {type(factory).__name__}")
        if isinstance(num_envs, bool) or not isinstance(num_envs, int) or num_envs < 1:
            raise ValueError(f"{name}: num_envs must be a positive integer; got {num_envs!r}")
        self.substrates = [factory() for _ in range(num_envs)]
        first = self.substrates[0]
        actions = first.action_spec()
        n_actions = {int(a.num_values) for a in actions}
        if len(n_actions) != 1:
            raise ValueError(
                f"{name}: players have different numbers of actions {sorted(n_actions)}"
            )
        obs_specs = first.observation_spec()
        if "RGB" not in obs_specs[0]:
            raise ValueError(f"{name}: the substrate's observations have no 'RGB' entry")
        rgb_shape = tuple(int(x) for x in obs_specs[0]["RGB"].shape)
        self._world = "WORLD.RGB" in obs_specs[0]
        state_shape = (
            tuple(int(x) for x in obs_specs[0]["WORLD.RGB"].shape) if self._world else (1,)
        )
        self.spec = EnvSpec(
            name=name,
            n_agents=len(actions),
            n_actions=n_actions.pop(),
            obs_shape=rgb_shape,
            state_shape=state_shape,
            episode_limit=int(episode_limit),
            team_reward=False,
            obs_bounds=(0.0, 1.0),
            state_bounds=(0.0, 1.0),
        )
        super().__init__(num_envs, None)
        self._timesteps: list[Any] = [None] * num_envs

    def _reset_rows(self, idx: np.ndarray) -> None:
        for i in idx:
            self._timesteps[int(i)] = self.substrates[int(i)].reset()

    def _observe(self, idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = self._all if idx is None else idx
        obs = np.stack(
            [
                np.stack(
                    [
                        np.asarray(o["RGB"], np.float32) / 255.0
                        for o in self._timesteps[int(i)].observation
                    ]
                )
                for i in rows
            ]
        )
        if self._world:
            state = np.stack(
                [
                    np.asarray(self._timesteps[int(i)].observation[0]["WORLD.RGB"], np.float32)
                    / 255.0
                    for i in rows
                ]
            )
        else:
            state = np.zeros((len(rows), 1), np.float32)
        avail = np.ones((len(rows), self.spec.n_agents, self.spec.n_actions), bool)
        return obs, state, avail

    def _step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        b, n = actions.shape
        reward = np.zeros((b, n), np.float32)
        terminated = np.zeros(b, bool)
        for i, sub in enumerate(self.substrates):
            ts = sub.step([int(a) for a in actions[i]])
            self._timesteps[i] = ts
            reward[i] = np.asarray(ts.reward, np.float32)
            terminated[i] = _is_last(ts.step_type)
        return reward, terminated

    def close(self) -> None:
        for sub in self.substrates:
            close = getattr(sub, "close", None)
            if close is not None:
                close()


def make_meltingpot(substrate: str, num_envs: int = 1, **kwargs: Any) -> MeltingPotVectorEnv:
    """A batch of the Melting Pot substrate ``substrate`` (``commons_harvest__open``, ``clean_up``).

    Needs ``dm-meltingpot``; raises ``ImportError`` with the install command otherwise.
    """
    try:
        from meltingpot import substrate as mp_substrate
    except ImportError as err:
        raise ImportError(
            "Melting Pot is not installed: pip install dm-meltingpot (its build downloads "
            "assets, so it needs a network)"
        ) from err
    roles = mp_substrate.get_config(substrate).default_player_roles
    return MeltingPotVectorEnv(
        lambda: mp_substrate.build(substrate, roles=roles), num_envs, name=substrate, **kwargs
    )
