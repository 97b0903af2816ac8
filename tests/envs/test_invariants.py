"""Hypothesis invariants of level-based foraging and predator-prey over random parameters."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplab.envs import make


@settings(max_examples=25)
@given(
    size=st.integers(5, 9),
    players=st.integers(1, 4),
    max_food=st.integers(1, 3),
    coop=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_lbf_normalised_rewards_of_an_episode_sum_to_the_share_collected(
    size, players, max_food, coop, seed
):
    # lbforaging normalises each food's pay by the total food level, so the agents'
    # rewards over an episode sum to the collected share of the food: at most 1,
    # exactly 1 when every food is collected (the episode terminates).
    env = make(
        "level_based_foraging_v1",
        num_envs=16,
        size=size,
        players=players,
        max_food=max_food,
        force_coop=coop,
        max_episode_steps=30,
    )
    env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    total = np.zeros(16)
    food_left = env.food_level.sum(axis=1)
    for _ in range(60):
        before = env.food_level * env.food_alive
        act = np.where(rng.random((16, players)) < 0.4, 5, rng.integers(6, size=(16, players)))
        step = env.step(act)
        assert np.all(step.reward >= 0)
        total += step.reward.sum(axis=1)
        done = step.terminated | step.truncated
        eaten = (before.sum(axis=1) - (env.food_level * env.food_alive).sum(axis=1))[~done]
        assert np.all(eaten >= 0)  # food never comes back within an episode
        for i in np.flatnonzero(done):
            assert total[i] <= 1 + 1e-5
            if step.terminated[i] and food_left[i] > 0:
                np.testing.assert_allclose(total[i], 1.0, rtol=1e-5)
            total[i] = 0.0
            food_left[i] = env.food_level[i].sum()
        # Players stay on the grid.
        assert env.player_cell.min() >= 0 and env.player_cell.max() < size * size


@settings(max_examples=25)
@given(
    size=st.integers(3, 8),
    predators=st.integers(2, 6),
    prey=st.integers(1, 4),
    seed=st.integers(0, 2**31 - 1),
)
def test_predator_prey_never_stacks_animals_and_never_revives_prey(size, predators, prey, seed):
    if predators + prey > size * size:
        return
    env = make("predator_prey_v1", num_envs=8, size=size, predators=predators, prey=prey, sight=1)
    env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    for _ in range(40):
        alive_before = env.prey_alive.sum(axis=1)
        act = np.where(env._avail[..., 5], 5, rng.integers(5, size=(8, predators)))
        step = env.step(act)
        done = step.terminated | step.truncated
        caught = (step.reward[:, 0] / 10.0).round()
        assert np.all(caught >= 0)
        same = ~done
        assert np.all(env.prey_alive.sum(axis=1)[same] == (alive_before - caught)[same])
        for i in range(8):
            cells = np.concatenate([env.predator_cell[i], env.prey_cell[i]])
            on = cells[cells != env.off]
            assert len(np.unique(on)) == len(on)
