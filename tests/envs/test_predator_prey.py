"""Predator-prey with limited sight: the rules of cooplab.envs.predator_prey on hand-made positions."""

from __future__ import annotations

import numpy as np
import pytest

from cooplab.envs import make

STAY, UP, DOWN, LEFT, RIGHT, CATCH = range(6)


def _env(**params):
    defaults = {"size": 5, "predators": 3, "prey": 2, "sight": 1}
    env = make("predator_prey_v1", num_envs=1, seed=0, **{**defaults, **params})
    env.reset()
    return env


def _cells(env, which):
    cells = getattr(env, which)[0]
    return [None if c == env.off else divmod(int(c), env.size) for c in cells]


def test_two_catchers_catch_a_prey_and_leave_the_grid():
    env = _env()
    env.set_state(0, [(1, 2), (3, 2), (0, 0)], [(2, 2), (4, 4)])
    step = env.step(np.array([[CATCH, CATCH, STAY]]))
    assert step.reward[0].tolist() == [10.0, 10.0, 10.0]  # a team reward
    # One predator is left, fewer than the two a capture needs: the episode ended
    # (and the environment reset itself); its last state shows who is left.
    assert step.terminated[0]
    predators, prey = step.final_state[0].reshape(2, 5, 5)
    assert np.argwhere(predators).tolist() == [[0, 0]]
    assert np.argwhere(prey).tolist() == [[4, 4]] or prey.sum() == 1


def test_a_lone_catch_costs_the_penalty_and_catches_nothing():
    env = _env(miscapture_penalty=-2.0, predators=4)
    env.set_state(0, [(1, 2), (0, 0), (4, 0), (0, 4)], [(2, 2), (4, 4)])
    step = env.step(np.array([[CATCH, STAY, STAY, STAY]]))
    assert step.reward[0, 0] == -2.0
    assert _cells(env, "predator_cell")[0] == (1, 2)
    assert _cells(env, "prey_cell")[0] is not None and not step.terminated[0]


def test_predators_do_not_enter_occupied_or_contested_cells():
    env = _env(predators=4, prey=1)
    env.set_state(0, [(2, 1), (2, 3), (0, 1), (0, 2)], [(4, 4)])
    # 0 and 1 both want (2, 2): both stay. 2 wants (0, 2), held by 3 at the step's
    # start, so it stays even though 3 leaves it.
    env.step(np.array([[RIGHT, LEFT, RIGHT, DOWN]]))
    assert _cells(env, "predator_cell") == [(2, 1), (2, 3), (0, 1), (1, 2)]


def test_prey_move_to_free_neighbours_only():
    env = make("predator_prey_v1", num_envs=64, seed=0, size=3, predators=2, prey=1, sight=1)
    env.reset(seed=1)
    for i in range(64):
        # The prey in the corner (0, 0); predators block (0, 1); only (1, 0) is free.
        env.set_state(i, [(0, 1), (2, 2)], [(0, 0)])
    env.step(np.zeros((64, 2), np.int64))
    assert np.all(env.prey_cell[:, 0] == 3)  # (1, 0)
    env.reset(seed=2)
    for i in range(64):
        env.set_state(i, [(0, 0), (2, 2)], [(1, 1)])  # all four neighbours free
    env.step(np.zeros((64, 2), np.int64))
    assert set(env.prey_cell[:, 0].tolist()) == {1, 3, 5, 7}


def test_observation_window_channels():
    env = _env(size=4, predators=2, prey=1, sight=1)
    env.set_state(0, [(0, 0), (1, 1)], [(0, 1)])
    obs = env._observe(None)[0][0, 0].reshape(3, 3, 3)  # channel, row, col
    np.testing.assert_array_equal(obs[0], [[0, 0, 0], [0, 1, 0], [0, 0, 1]])  # predators
    np.testing.assert_array_equal(obs[1], [[0, 0, 0], [0, 0, 1], [0, 0, 0]])  # prey
    np.testing.assert_array_equal(obs[2], [[1, 1, 1], [1, 0, 0], [1, 0, 0]])  # off the grid
    avail = env._observe(None)[2][0]
    assert avail[0].tolist() == [True, False, True, False, True, True]


def test_frozen_predators_only_stay_and_see_nothing():
    env = _env(predators=4, prey=2)
    env.set_state(0, [(1, 2), (3, 2), (0, 0), (0, 4)], [(2, 2), (4, 4)])
    step = env.step(np.array([[CATCH, CATCH, STAY, STAY]]))
    assert not step.terminated[0]  # two predators are left
    assert np.all(step.obs[0, :2] == 0)
    assert step.avail_actions[0, :2].tolist() == [[True] + [False] * 5] * 2


def test_random_play_returns_stay_within_the_reward_range():
    env = make("predator_prey_v1", num_envs=64, seed=3)
    env.reset()
    rng = np.random.default_rng(0)
    returns = []
    for _ in range(300):
        a = np.where(env._avail[..., CATCH], CATCH, rng.integers(5, size=(64, 8)))
        step = env.step(a)
        done = step.terminated | step.truncated
        returns += step.info["episode_return"][done].tolist()
    assert returns and max(returns) <= 40  # 8 predators catch at most 4 prey
    assert np.mean(returns) > 0


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"predators": 0}, "predators"),
        ({"size": 2, "predators": 3, "prey": 2}, "do not fit"),
        ({"miscapture_penalty": 1.0}, "miscapture_penalty"),
        ({"capture_agents": 5}, "at most 4"),
    ],
)
def test_bad_parameters_are_named(params, match):
    with pytest.raises(ValueError, match=match):
        make("predator_prey_v1", **params)
