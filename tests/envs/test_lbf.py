"""Level-based foraging: the batched arrays against a plain-Python statement of
lbforaging's rules, hand-made positions, episode starts, and lbforaging itself (peers)."""

from __future__ import annotations

import numpy as np
import pytest

from cooplab.envs import LevelBasedForaging, make
from cooplab.testing.lbf_reference import ReferenceForaging

NONE, NORTH, SOUTH, WEST, EAST, LOAD = range(6)


def _reference_for(env: LevelBasedForaging) -> ReferenceForaging:
    p = dict(env.spec.params)
    return ReferenceForaging(
        env.rows,
        env.cols,
        env.sight,
        env.n_food,
        env.spec.episode_limit,
        normalize_reward=p["normalize_reward"],
        penalty=p["penalty"],
        observe_agent_levels=p["observe_agent_levels"],
    )


def _load_state(ref: ReferenceForaging, env: LevelBasedForaging, i: int, t: int = 0) -> None:
    alive = env.food_alive[i]
    foods = list(
        zip(env.food_row[i][alive], env.food_col[i][alive], env.food_level[i][alive], strict=True)
    )
    positions = list(zip(env.player_row[i], env.player_col[i], strict=True))
    ref.set_state(positions, env.player_level[i], foods, env.food_spawned[i], t)


PARAMS = [
    {"size": 8, "players": 2, "max_food": 2},
    {"size": 8, "players": 3, "max_food": 2, "sight": 2},
    {"size": 6, "players": 4, "max_food": 3, "force_coop": True, "sight": 1},
    {"size": (5, 9), "players": 3, "max_food": 2, "penalty": 0.1, "max_episode_steps": 20},
    {"size": 7, "players": 2, "max_food": 2, "normalize_reward": False, "max_player_level": 3},
    {"size": 8, "players": 3, "max_food": 3, "observe_agent_levels": False, "sight": 3},
]


@pytest.mark.parametrize("params", PARAMS)
def test_batched_arrays_match_the_rules_stepped_one_game_at_a_time(params):
    b = 5
    env = make("level_based_foraging_v1", num_envs=b, **params)
    n = env.spec.n_agents
    refs = [_reference_for(env) for _ in range(b)]
    first = env.reset(seed=3)
    for i, ref in enumerate(refs):
        _load_state(ref, env, i)
    rng = np.random.default_rng(0)
    obs, avail = first.obs, first.avail_actions
    collected = 0
    for _ in range(90):
        for i, ref in enumerate(refs):
            for a in range(n):
                np.testing.assert_array_equal(obs[i, a], ref.observe(a))
                np.testing.assert_array_equal(avail[i, a], ref.valid(a))
        # LOAD often, so that loading (and failing to load) happens.
        actions = np.where(rng.random((b, n)) < 0.35, LOAD, rng.integers(6, size=(b, n)))
        step = env.step(actions)
        for i, ref in enumerate(refs):
            rewards, terminated, truncated = ref.step(actions[i].tolist())
            np.testing.assert_allclose(step.reward[i], rewards, rtol=1e-6, atol=1e-7)
            assert step.terminated[i] == terminated and step.truncated[i] == truncated
            for a in range(n):
                np.testing.assert_array_equal(step.final_obs[i, a], ref.observe(a))
            if terminated or truncated:
                _load_state(ref, env, i)
            collected += sum(r > 0 for r in rewards)
        obs, avail = step.obs, step.avail_actions
    assert collected > 0  # the comparison covered successful loads


def _one(**params) -> LevelBasedForaging:
    env = make("level_based_foraging_v1", num_envs=1, seed=0, **params)
    env.reset()
    return env


def test_players_wanting_one_cell_all_stay():
    env = _one(size=5, players=2, max_food=1)
    env.set_state(0, [(2, 1), (2, 3)], [1, 1], [(0 + 1, 0 + 1, 1)])
    step = env.step(np.array([[EAST, WEST]]))  # both want (2, 2)
    assert env.player_row[0].tolist() == [2, 2] and env.player_col[0].tolist() == [1, 3]
    assert not step.terminated[0]


def test_players_may_swap_and_may_enter_a_cell_whose_owner_failed_to_leave():
    env = _one(size=5, players=3, max_food=1)
    env.set_state(0, [(2, 1), (2, 2), (3, 3)], [1, 1, 1], [(1, 1, 1)])
    env.step(np.array([[EAST, WEST, NONE]]))  # a swap: each target wanted once
    assert env.player_col[0].tolist()[:2] == [2, 1]
    # Player 0 (now at (2, 2)) walks east into (2, 3); player 2 at (3, 3) walks north
    # into (2, 3) too, so both stay; player 1 at (2, 1) walks east into (2, 2), which
    # only it wants, and so ends on player 0's cell (lbforaging's rule).
    env.step(np.array([[EAST, EAST, NORTH]]))
    cells = list(zip(env.player_row[0].tolist(), env.player_col[0].tolist(), strict=True))
    assert cells == [(2, 2), (2, 2), (3, 3)]


def test_loading_shares_and_failure_penalty():
    env = _one(size=6, players=3, max_food=2, penalty=0.5)
    # Food of level 3 at (2, 2) with players of levels 1 and 2 beside it; a food of
    # level 2 at (4, 4) with a level-1 player beside it (too weak).
    env.set_state(0, [(1, 2), (2, 1), (4, 3)], [1, 2, 1], [(2, 2, 3), (4, 4, 2)])
    step = env.step(np.array([[LOAD, LOAD, LOAD]]))
    # lbforaging: level_i * food / (group level * total food) = 1*3/(3*5), 2*3/(3*5).
    np.testing.assert_allclose(step.reward[0], [0.2, 0.4, -0.5], rtol=1e-6)
    assert env.food_alive[0].tolist() == [False, True]
    assert not step.terminated[0]


def test_collecting_the_last_food_terminates_and_resets():
    env = _one(size=5, players=2, max_food=1)
    env.set_state(0, [(1, 2), (3, 2)], [1, 1], [(2, 2, 2)])
    step = env.step(np.array([[LOAD, LOAD]]))
    np.testing.assert_allclose(step.reward[0], [0.5, 0.5])
    assert step.terminated[0] and not step.truncated[0]
    assert step.info["episode_return"][0] == pytest.approx(0.5)  # mean over agents
    assert step.final_state[0, :3].tolist() == [-1, -1, 0]
    assert env.food_alive[0].any()  # a new episode began


def test_team_reward_pays_everyone_the_sum():
    env = _one(size=5, players=2, max_food=2, team_reward=True)
    env.set_state(0, [(1, 2), (0, 0)], [2, 1], [(2, 2, 2), (3, 4, 1)])
    step = env.step(np.array([[LOAD, NONE]]))
    np.testing.assert_allclose(step.reward[0], [2 / 3, 2 / 3], rtol=1e-6)
    assert env.spec.team_reward


def test_unavailable_actions_are_no_ops_unless_strict():
    env = _one(size=5, players=2, max_food=1)
    env.set_state(0, [(0, 0), (4, 4)], [1, 1], [(2, 2, 1)])
    step = env.step(np.array([[NORTH, LOAD]]))  # off the grid; no food near
    assert env.player_cell[0].tolist() == [0, 24] and np.all(step.reward == 0)
    strict = make("level_based_foraging_v1", size=5, players=2, max_food=1, strict=True)
    strict.reset(seed=0)
    strict.set_state(0, [(0, 0), (4, 4)], [1, 1], [(2, 2, 1)])
    with pytest.raises(ValueError, match=r"agent 0 of environment 0 .* not available"):
        strict.step(np.array([[NORTH, NONE]]))


@pytest.mark.parametrize(
    "params",
    [
        {"size": 8, "players": 2, "max_food": 2},
        {"size": 8, "players": 4, "max_food": 3, "force_coop": True},
        {"size": 10, "players": 3, "max_food": 4, "min_player_level": 2, "max_player_level": 4},
        {"size": 5, "players": 2, "max_food": 3, "max_food_level": 2},
    ],
)
def test_episode_starts_follow_lbforaging(params):
    env = make("level_based_foraging_v1", num_envs=256, **params)
    env.reset(seed=11)
    p = dict(env.spec.params)
    rows, cols = p["size"]
    cells = env.player_cell
    assert all(len(set(c)) == env.spec.n_agents for c in cells.tolist())  # distinct cells
    lv = env.player_level
    assert lv.min() >= p["min_player_level"] and lv.max() <= p["max_player_level"]
    for i in range(env.num_envs):
        alive = env.food_alive[i]
        fr, fc, fl = env.food_row[i][alive], env.food_col[i][alive], env.food_level[i][alive]
        assert np.all((fr >= 1) & (fr <= rows - 2) & (fc >= 1) & (fc <= cols - 2))
        for a in range(len(fr)):
            for b in range(a + 1, len(fr)):
                dr, dc = abs(fr[a] - fr[b]), abs(fc[a] - fc[b])
                assert max(dr, dc) >= 2 and (dr, dc) not in ((2, 0), (0, 2))
        assert not set((fr * cols + fc).tolist()) & set(cells[i].tolist())
        assert list(fr * cols + fc) == sorted(fr * cols + fc)  # row-major
        top = p["max_food_level"] or int(np.sort(lv[i])[:3].sum())
        if p["force_coop"]:
            assert np.all(fl == top)
        else:
            assert np.all((fl >= p["min_food_level"]) & (fl <= top))
        assert env.food_spawned[i] == fl.sum()
    # Both levels and every interior cell turn up (the draws are not stuck).
    assert len(np.unique(env.food_row[env.food_alive])) == rows - 2
    if rows >= 8:  # room for every food nearly always
        assert env.food_alive.sum(axis=1).mean() > env.n_food - 0.5


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="players"):
        make("level_based_foraging_v1", players=0)
    with pytest.raises(ValueError, match="do not fit"):
        make("level_based_foraging_v1", size=3, players=10)
    with pytest.raises(ValueError, match="max_player_level"):
        make("level_based_foraging_v1", min_player_level=3, max_player_level=2)
    with pytest.raises(ValueError, match="fixes size"):
        make("lbf_8x8_2p_2f_v1", size=10)
    with pytest.raises(TypeError, match=r"lbf_8x8_2p_2f_v1.*colour"):
        make("lbf_8x8_2p_2f_v1", colour="red")


@pytest.mark.peers
@pytest.mark.parametrize(
    ("sight", "penalty", "normalize"), [(None, 0.0, True), (2, 0.1, True), (3, 0.0, False)]
)
def test_same_steps_as_the_lbforaging_package(sight, penalty, normalize):
    # Christianos, Schäfer & Albrecht 2020, lbforaging 2.0.0: put the package's game
    # in each of our positions, step both with the same actions, compare everything.
    lbf = pytest.importorskip("lbforaging.foraging.environment")
    env = make(
        "level_based_foraging_v1",
        num_envs=4,
        size=8,
        players=3,
        max_food=3,
        sight=sight,
        penalty=penalty,
        normalize_reward=normalize,
    )
    first = env.reset(seed=5)
    peers = [
        lbf.ForagingEnv(
            players=3,
            min_player_level=1,
            max_player_level=2,
            min_food_level=1,
            max_food_level=None,
            field_size=(8, 8),
            max_num_food=3,
            sight=env.sight,
            max_episode_steps=50,
            force_coop=False,
            normalize_reward=normalize,
            penalty=penalty,
        )
        for _ in range(4)
    ]

    def inject(i: int, t: int = 0) -> None:
        peer = peers[i]
        peer.reset(seed=i)
        for j, player in enumerate(peer.players):
            player.position = (int(env.player_row[i, j]), int(env.player_col[i, j]))
            player.level = int(env.player_level[i, j])
        peer.field[:] = 0
        alive = env.food_alive[i]
        peer.field[env.food_row[i][alive], env.food_col[i][alive]] = env.food_level[i][alive]
        peer._food_spawned = int(env.food_spawned[i])
        peer.current_step = t
        peer._game_over = False
        peer._gen_valid_moves()

    for i in range(4):
        inject(i)
        np.testing.assert_array_equal(np.stack(peers[i]._make_gym_obs()), first.obs[i])
    rng = np.random.default_rng(1)
    loads = fails = 0
    for _ in range(150):
        actions = np.where(rng.random((4, 3)) < 0.35, LOAD, rng.integers(6, size=(4, 3)))
        step = env.step(actions)
        for i, peer in enumerate(peers):
            obs, rewards, done, _, _ = peer.step(actions[i].tolist())
            np.testing.assert_array_equal(np.stack(obs), step.final_obs[i])
            np.testing.assert_allclose(step.reward[i], rewards, rtol=1e-6)
            assert done == bool(step.terminated[i] or step.truncated[i])
            loads += sum(r > 0 for r in rewards)
            fails += sum(r < 0 for r in rewards)
            if done:
                inject(i)
    assert loads > 0 and (fails > 0 or penalty == 0)
