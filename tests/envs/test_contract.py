"""Every registered environment passes the batched environment contract."""

from __future__ import annotations

import numpy as np
import pytest

from cooplab.envs import VectorEnv, make, names
from cooplab.envs.matrix import TabularTeamGame
from cooplab.envs.predator_prey import PredatorPrey
from cooplab.testing import check_environment


@pytest.mark.parametrize("name", names())
def test_registered_environment_honours_the_contract(name):
    check_environment(name, steps=120)


def test_contract_on_non_default_parameters():
    check_environment("predator_prey_v1", steps=60, size=6, predators=3, prey=2, sight=1)
    check_environment(
        "level_based_foraging_v1", steps=60, size=(6, 9), players=3, sight=1, team_reward=True
    )


class _Broken(TabularTeamGame):
    """A one-step game whose reward ignores its declared range."""

    def _step(self, actions):
        reward, terminated = super()._step(actions)
        return reward + 100.0, terminated


class _Leaky(TabularTeamGame):
    """Forgets its seed: every reset draws from the global clock."""

    def _observe(self, idx):
        obs, state, avail = super()._observe(idx)
        obs = obs * np.float32(np.random.default_rng().integers(2))  # stays in bounds
        return obs, state, avail


class _Coupled(PredatorPrey):
    """Draws every start from one generator over the whole batch, so environment i
    depends on the batch it is in."""

    def _reset_rows(self, idx):
        rng = np.random.default_rng(int(self._keys[0] % 1000))
        u = rng.random((len(idx), self.size * self.size))
        first = np.argsort(u, axis=1)[:, : self.spec.n_agents + self.n_prey]
        self.predator_cell[idx] = first[:, : self.spec.n_agents]
        self.prey_cell[idx] = first[:, self.spec.n_agents :]


def test_contract_catches_an_environment_coupled_to_its_batch():
    def make_it(num_envs, seed=None):
        return _Coupled(num_envs, seed, size=5, predators=2, prey=2, sight=1)

    with pytest.raises(AssertionError, match="of a batch != alone"):
        check_environment(make_it, steps=10)


def _factory(cls):
    def make_it(num_envs, seed=None):
        env = make("climbing_game_v1", num_envs=num_envs, seed=seed)
        game = cls.__new__(cls)
        game.__dict__.update(env.__dict__)
        return game

    return make_it


@pytest.mark.parametrize(
    ("cls", "message"),
    [(_Broken, "outside reward_range"), (_Leaky, "differ")],
)
def test_contract_catches_broken_environments(cls, message):
    with pytest.raises(AssertionError, match=message):
        check_environment(_factory(cls), steps=10)


def test_contract_rejects_what_is_not_an_environment():
    with pytest.raises(AssertionError, match="VectorEnv"):
        check_environment(lambda b, seed=None: object(), steps=2)
    assert issubclass(TabularTeamGame, VectorEnv)


def test_registry_lookup_and_errors():
    assert make("Two-Step-Game-V1").spec.name == "two_step_game_v1"  # case and -/_ do not matter
    with pytest.raises(
        ValueError, match=r"unknown environment 'two_step_gme_v1'; did you mean two_step_game_v1"
    ):
        make("two_step_gme_v1")
    with pytest.raises(TypeError, match="must be a str"):
        make(3)
    with pytest.raises(ValueError, match="num_envs must be at least 1"):
        make("climbing_game_v1", num_envs=0)
    with pytest.raises(ValueError, match="one per environment"):
        make("climbing_game_v1", num_envs=3).reset(seed=[1, 2])
    with pytest.raises(RuntimeError, match=r"climbing_game_v1: call reset\(\) before step\(\)"):
        make("climbing_game_v1").step(np.zeros((1, 2), np.int64))
