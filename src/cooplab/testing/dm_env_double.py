"""A test double of a Melting Pot substrate: the ``dm_env`` interface with per-player lists.

It follows ``dm_env`` (DeepMind's environment API, which Melting Pot's
substrates implement): ``reset()`` returns a ``TimeStep(step_type=FIRST,
reward=None, discount=None, observation)``; ``step(actions)`` returns
``MID`` steps with a reward and a discount of 1, and the step after
``episode_length`` actions is ``LAST`` with discount 0; stepping after
``LAST`` starts a new episode, as ``dm_env`` requires. As in Melting Pot,
``reward`` is a sequence with one entry per player, ``observation`` a sequence
of dicts (``"RGB"`` the player's view, ``"WORLD.RGB"`` the whole map) and
``action_spec()`` a sequence of discrete specs with ``num_values``.

The game: players walk on a torus; a player standing on the cell marked in
its view earns 1. Only the interface matters here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

__all__ = ["DiscreteSpec", "FakeSubstrate", "StepType", "TimeStep"]


class StepType(enum.IntEnum):
    """``dm_env.StepType``."""

    FIRST = 0
    MID = 1
    LAST = 2


class TimeStep(NamedTuple):
    """``dm_env.TimeStep``."""

    step_type: StepType
    reward: Any
    discount: Any
    observation: Any


@dataclass(frozen=True)
class DiscreteSpec:
    """``dm_env.specs.DiscreteArray`` (the fields used)."""

    num_values: int
    dtype: type = np.int64
    shape: tuple[int, ...] = ()


@dataclass(frozen=True)
class ArraySpec:
    shape: tuple[int, ...]
    dtype: type = np.uint8


class FakeSubstrate:
    """``n_players`` players on a ``size`` x ``size`` torus, 8 actions (Melting Pot's count)."""

    def __init__(
        self, n_players: int = 2, size: int = 8, episode_length: int = 20, seed: int = 0
    ) -> None:
        self.n, self.size, self.length = n_players, size, episode_length
        self._rng = np.random.default_rng(seed)
        self._t = 0
        self._last = True
        self.pos = np.zeros((n_players, 2), np.int64)
        self.goal = np.zeros(2, np.int64)

    def action_spec(self) -> list[DiscreteSpec]:
        return [DiscreteSpec(8) for _ in range(self.n)]

    def observation_spec(self) -> list[dict[str, ArraySpec]]:
        return [
            {
                "RGB": ArraySpec((self.size, self.size, 3)),
                "WORLD.RGB": ArraySpec((self.size, self.size, 3)),
            }
            for _ in range(self.n)
        ]

    def _obs(self) -> list[dict[str, np.ndarray]]:
        world = np.zeros((self.size, self.size, 3), np.uint8)
        world[self.goal[0], self.goal[1], 1] = 255
        for p in self.pos:
            world[p[0], p[1], 0] = 255
        return [
            {"RGB": np.roll(world, (-p[0], -p[1]), axis=(0, 1)), "WORLD.RGB": world}
            for p in self.pos
        ]

    def reset(self) -> TimeStep:
        self._t, self._last = 0, False
        self.pos = self._rng.integers(self.size, size=(self.n, 2))
        self.goal = self._rng.integers(self.size, size=2)
        return TimeStep(StepType.FIRST, None, None, self._obs())

    def step(self, actions: Any) -> TimeStep:
        if self._last:
            return self.reset()
        moves = np.array([[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1], [0, 0], [0, 0], [0, 0]])
        a = np.asarray(actions, np.int64)
        if a.shape != (self.n,):
            raise ValueError(f"expected {self.n} actions; got shape {a.shape}")
        self.pos = (self.pos + moves[a]) % self.size
        reward = [float(np.array_equal(p, self.goal)) for p in self.pos]
        self._t += 1
        if self._t >= self.length:
            self._last = True
            return TimeStep(StepType.LAST, reward, 0.0, self._obs())
        return TimeStep(StepType.MID, reward, 1.0, self._obs())

    def close(self) -> None:
        pass
