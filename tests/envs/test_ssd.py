"""Sequential social dilemmas: rules against the papers' open code, views, beams, batching."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.envs.ssd import SSD_ENVS, Cleanup, Gathering, Harvest, View, Wolfpack
from cooplab.envs.ssd.cleanup import cleanup_probabilities
from cooplab.envs.ssd.grid import (
    BACKWARD,
    CLEAN,
    FIRE,
    FORWARD,
    NOOP,
    STEP_LEFT,
    STEP_RIGHT,
    TURN_LEFT,
    TURN_RIGHT,
    resolve_moves,
)
from cooplab.envs.ssd.harvest import neighbour_matrix
from cooplab.envs.ssd.maps import HARVEST_LEGEND, HARVEST_MAP, SMALL_HARVEST_MAP, parse_map
from cooplab.envs.ssd.render import filmstrip, rgb, text, write_gif

N_, E_, S_, W_ = range(4)  # orientations

OPEN = """\
@@@@@@@@@
@P  A  P@
@       @
@       @
@       @
@P     P@
@@@@@@@@@"""


def place(env, i, j, row, col, ori):
    env.pos[i, j] = env.flat(row, col)
    env.ori[i, j] = ori


def observe(env):
    obs, state, avail = env._observe(None)
    return obs, state, avail


# -- maps ------------------------------------------------------------------------------


def test_unknown_character_names_line_and_column():
    with pytest.raises(ValueError, match=r"line 3, column 5: unknown character 'x'"):
        parse_map("@@@@@@\n@P   @\n@   x@\n@@@@@@", HARVEST_LEGEND)


def test_no_spawn_points_is_refused():
    with pytest.raises(ValueError, match="0 spawn point"):
        parse_map("@@@@\n@ A@\n@@@@", HARVEST_LEGEND)
    with pytest.raises(ValueError, match="spawn points"):
        Harvest(n_agents=3, map="@@@@@\n@PAP@\n@@@@@")


def test_ragged_map_is_refused():
    with pytest.raises(ValueError, match="line 2 has 4 characters"):
        parse_map("@@@@@\n@P @\n@@@@@", HARVEST_LEGEND)
    with pytest.raises(TypeError, match="string"):
        parse_map(["@@"], HARVEST_LEGEND)


def test_harvest_map_is_the_ssd_repository_map():
    gm = parse_map(HARVEST_MAP, HARVEST_LEGEND)
    # social_dilemmas/constants.py HARVEST_MAP: 16 rows of 38 characters
    assert gm.shape == (16, 38)
    assert len(gm.spawn_points) == 20 and len(gm.cells("A")) == 155


@pytest.mark.parametrize("cls", list(SSD_ENVS.values()), ids=lambda c: c.name)
def test_bad_parameters_are_named(cls):
    with pytest.raises(ValueError, match="episode_limit"):
        cls(episode_limit=0)
    with pytest.raises(TypeError, match="view"):
        cls(view=(1, 2))
    with pytest.raises(ValueError, match=r"View\.forward"):
        View(forward=-1)


# -- moves -----------------------------------------------------------------------------


def test_moves_contest_chain_and_swap():
    pos = np.array([[10, 20, 30], [10, 11, 30], [10, 11, 30]])
    present = np.ones((3, 3), bool)
    prio = np.array([[0.1, 0.9, 0.5], [0.1, 0.9, 0.5], [0.9, 0.1, 0.5]])
    proposed = np.array(
        [
            [15, 15, 30],  # 0 and 1 want 15: 1 outranks 0
            [11, 12, 30],  # 0 follows 1, which moves on: both move
            [11, 10, 30],  # a swap: neither moves
        ]
    )
    new = resolve_moves(pos, proposed, present, prio)
    np.testing.assert_array_equal(new, [[10, 15, 30], [11, 12, 30], [10, 11, 30]])


def test_moves_into_a_staying_body_and_from_absent_ones():
    pos = np.array([[10, 11, 12]])
    prio = np.array([[0.9, 0.1, 0.5]])
    # 0 wants 11, where 1 stays: blocked whatever the priority
    new = resolve_moves(pos, np.array([[11, 11, 12]]), np.ones((1, 3), bool), prio)
    np.testing.assert_array_equal(new, [[10, 11, 12]])
    # an absent body occupies nothing
    new = resolve_moves(pos, np.array([[11, 11, 12]]), np.array([[True, False, True]]), prio)
    np.testing.assert_array_equal(new, [[11, 11, 12]])


@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.permutations(list(range(12))).map(lambda p: p[:n]),
            st.lists(st.integers(-1, 1), min_size=n, max_size=n),
            st.lists(st.floats(0, 1), min_size=n, max_size=n, unique=True),
        )
    )
)
def test_moves_never_stack_bodies(case):
    start, steps, prio = case
    pos = np.array([start])
    proposed = np.clip(pos + np.array([steps]), 0, 11)
    new = resolve_moves(pos, proposed, np.ones_like(pos, bool), np.array([prio]))
    assert len(set(new[0].tolist())) == len(start)  # no two bodies share a cell
    assert np.all((new == pos) | (new == proposed))


def test_egocentric_moves_and_turns():
    env = Harvest(n_agents=1, map=OPEN, seed=0, tag_out_time=0)
    env.reset()
    place(env, 0, 0, 3, 4, E_)
    env.step(np.array([[FORWARD]]))
    assert env.positions()[0] == (3, 5)
    env.step(np.array([[STEP_LEFT]]))  # facing east, left is north
    assert env.positions()[0] == (2, 5)
    env.step(np.array([[BACKWARD]]))
    assert env.positions()[0] == (2, 4)
    env.step(np.array([[STEP_RIGHT]]))
    assert env.positions()[0] == (3, 4)
    env.step(np.array([[TURN_LEFT]]))
    assert env.ori[0, 0] == N_
    env.step(np.array([[TURN_RIGHT]]))
    env.step(np.array([[TURN_RIGHT]]))
    assert env.ori[0, 0] == S_
    place(env, 0, 0, 1, 1, N_)
    env.step(np.array([[FORWARD]]))  # into the wall: stays
    assert env.positions()[0] == (1, 1)


# -- views -----------------------------------------------------------------------------


def test_the_view_rotates_with_the_agent():
    # an apple two cells north of the agent, seen from each orientation
    amap = "@@@@@@@@@\n@P      @\n@       @\n@   A   @\n@       @\n@   P   @\n@       @\n@      P@\n@@@@@@@@@"
    view = View(forward=3, backward=1, left=2, right=2)
    env = Harvest(n_agents=1, map=amap, view=view, seed=0)
    env.reset()
    ahead, side = {}, {}
    for o in (N_, E_, W_):  # facing south it is behind, beyond the 1-cell rear view
        place(env, 0, 0, 5, 4, o)
        obs = observe(env)[0][0, 0, :, :, 1]  # apple channel, rows 0..4 far..behind
        r, c = np.argwhere(obs == 1)[0]
        ahead[o], side[o] = view.forward - r, c - view.left
    # north: 2 ahead; east: 2 to the left; west: 2 to the right
    assert (ahead[N_], side[N_]) == (2, 0)
    assert (ahead[E_], side[E_]) == (0, -2)
    assert (ahead[W_], side[W_]) == (0, 2)
    place(env, 0, 0, 5, 4, S_)
    assert observe(env)[0][0, 0, :, :, 1].sum() == 0
    place(env, 0, 0, 4, 4, S_)  # now one cell behind
    obs = observe(env)[0][0, 0, :, :, 1]
    r, c = np.argwhere(obs == 1)[0]
    assert (view.forward - r, c - view.left) == (-1, 0)


def test_the_agent_sees_itself_at_the_centre_and_walls_beyond_the_map():
    env = Harvest(n_agents=1, map=OPEN, seed=0)
    env.reset()
    place(env, 0, 0, 1, 1, N_)
    obs = observe(env)[0][0, 0]
    v = env.view
    assert obs[v.forward, v.left, 2] == 1  # agent channel
    assert obs[0, v.left, 0] == 1  # far ahead is outside the map: wall
    assert obs.sum(axis=-1).max() == 1  # one-hot (or empty) per cell


# -- beams and tagging -------------------------------------------------------------------


def test_beam_tags_out_for_exactly_tag_out_time_steps_then_respawns():
    env = Harvest(n_agents=2, map=OPEN, seed=0, tag_out_time=3)
    env.reset()
    place(env, 0, 0, 3, 2, E_)
    place(env, 0, 1, 3, 5, W_)
    step = env.step(np.array([[FIRE, NOOP]]))
    assert env.events["fired"].tolist() == [[True, False]]
    assert env.events["tagged"].tolist() == [[False, True]]
    assert env.timeout[0, 1] == 3
    assert step.avail_actions[0, 1].tolist() == [True] + [False] * 7
    assert np.all(step.obs[0, 1] == 0)  # out of the game: sees nothing
    outs = []
    for _ in range(3):
        env.step(np.array([[NOOP, NOOP]]))
        outs.append(bool(env.events["out"][0, 1]))
    assert outs == [True, True, True]
    assert env.timeout[0, 1] == 0
    assert env.positions()[1] in [(1, 1), (1, 7), (5, 1), (5, 7)]  # a spawn point


def test_beam_lanes_and_walls():
    env = Harvest(n_agents=1, map=OPEN, seed=0, beam_length=5, beam_width=1)
    env.reset()
    place(env, 0, 0, 3, 2, E_)
    cells = env.beam_cells(env.pos[:, :1], env.ori[:, :1])[0, 0]
    rows, cols = env.cell_of(cells[cells >= 0])
    got = set(zip(rows.tolist(), cols.tolist(), strict=True))
    # the centre lane starts ahead, the side lanes beside the agent (SSD map_env)
    want = {(3, c) for c in range(3, 8)} | {(r, c) for r in (2, 4) for c in range(2, 7)}
    assert got == want - {(3, 8)}
    place(env, 0, 0, 3, 6, E_)  # the wall at column 8 stops every lane
    cells = env.beam_cells(env.pos[:, :1], env.ori[:, :1])[0, 0]
    assert env.cell_of(cells[cells >= 0])[1].max() == 7


def test_gathering_needs_two_hits_and_fines_nothing():
    env = Gathering(n_agents=2, map=OPEN, seed=0, tag_out_time=5)
    env.reset()
    place(env, 0, 0, 3, 1, E_)
    place(env, 0, 1, 3, 7, W_)
    s1 = env.step(np.array([[FIRE, NOOP]]))
    assert env.timeout[0, 1] == 0 and env.hits[0, 1] == 1
    s2 = env.step(np.array([[FIRE, NOOP]]))
    assert env.timeout[0, 1] == 5 and env.hits[0, 1] == 0
    assert s1.reward.tolist() == s2.reward.tolist() == [[0.0, 0.0]]


def test_fining_beam_costs_and_fines():
    # Hughes et al. 2018 / SSD repository: -1 to fire, -50 to the agent hit
    env = Cleanup(n_agents=2, seed=0)
    env.reset()
    r, c = 4, 8  # floor cells of the Cleanup map
    place(env, 0, 0, r, c, E_)
    place(env, 0, 1, r, c + 2, W_)
    step = env.step(np.array([[FIRE, NOOP]]))
    assert step.reward.tolist() == [[-1.0, -50.0]]
    assert env.timeout.sum() == 0  # no tag-out in Cleanup


# -- Harvest -----------------------------------------------------------------------------


def test_neighbour_counts_stay_exact_during_play():
    env = Harvest(num_envs=4, seed=1, map=SMALL_HARVEST_MAP, n_agents=3)
    env.reset()
    rng = np.random.default_rng(0)
    near = neighbour_matrix(*env.cell_of(env.apple_cells), 2, "square")
    for _ in range(150):
        env.step(rng.integers(0, 8, (4, 3)))
        np.testing.assert_array_equal(env.neighbour_counts(), env.apples @ near.astype(int))


def test_eating_pays_one_and_removes_the_apple():
    env = Harvest(n_agents=1, map="@@@@@\n@PA @\n@@@@@", seed=0)
    env.reset()
    place(env, 0, 0, 1, 1, E_)
    step = env.step(np.array([[FORWARD]]))
    assert step.reward.tolist() == [[1.0]]
    assert not env.apples[0, 0]
    # alone, with no apple near, the cell never regrows (probability 0)
    for _ in range(50):
        env.step(np.array([[BACKWARD]]))
    assert not env.apples.any()


def test_regrowth_frequencies_match_the_probabilities():
    # SPAWN_PROB = [0, 0.005, 0.02, 0.05] by apples within the 5x5 window
    # (SSD repository, harvest.py). A cross of apples: the empty centre sees k.
    amap = "@@@@@@@\n@P    @\n@  A  @\n@ AAA @\n@  A  @\n@     @\n@@@@@@@"
    env = Harvest(num_envs=4000, n_agents=1, map=amap, seed=2)
    env.reset()
    centre = int(np.flatnonzero(env.apple_cells == env.flat(3, 3))[0])
    place(env, slice(None), 0, 5, 1, N_)
    for k, p in [(1, 0.005), (2, 0.02), (3, 0.05), (4, 0.05)]:
        keep = [i for i in range(5) if i != centre][:k]
        env.apples[:] = False
        env.apples[:, keep] = True
        env.counts[:] = 0
        env.counts[:, :-1] = env.apples.astype(np.int16) @ env._near.astype(np.int16)
        before = env.apples.copy()
        env.step(np.zeros((4000, 1), np.int64))
        grew = env.apples[:, centre] & ~before[:, centre]
        se = np.sqrt(p * (1 - p) / 4000)
        assert abs(grew.mean() - p) < 4 * se + 1e-9, (k, grew.mean(), p)


# -- Cleanup -----------------------------------------------------------------------------


def test_cleanup_probabilities_follow_the_ssd_constants():
    apple, waste = cleanup_probabilities(np.array([0.0, 0.1, 0.3, 0.4, 0.9]))
    np.testing.assert_allclose(apple, [0.05, 0.0375, 0.0125, 0.0, 0.0])
    np.testing.assert_allclose(waste, [0.5, 0.5, 0.5, 0.0, 0.0])


def test_cleaning_removes_the_first_waste_of_each_lane():
    cmap = "@@@@@@@@\n@P HH B@\n@P HH B@\n@P HH B@\n@@@@@@@@"
    env = Cleanup(n_agents=1, map=cmap, seed=0, beam_length=5, waste_spawn=0.0)
    env.reset()
    place(env, 0, 0, 2, 1, E_)
    assert env.waste.sum() == 6
    env.step(np.array([[CLEAN]]))
    # lanes are rows 1..3 (side lanes start beside the agent): column 3 is cleaned
    rows, cols = env.cell_of(env.river_cells[env.waste[0]])
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(1, 4), (2, 4), (3, 4)]
    assert env.events["cleaned"].tolist() == [[3]]


def test_no_apples_grow_above_the_depletion_threshold():
    env = Cleanup(num_envs=8, seed=0)
    env.reset()
    assert np.all(env.waste_density() >= 0.4)
    for _ in range(100):
        env.step(np.zeros((8, 5), np.int64))
    assert not env.apples.any()
    env.waste[:] = False  # a clean river: apples come back
    for _ in range(20):
        env.step(np.zeros((8, 5), np.int64))
    assert env.apples.any()


# -- Gathering and Wolfpack ------------------------------------------------------------


def test_gathering_apple_comes_back_after_n_apple_steps():
    gmap = "@@@@@@\n@PA P@\n@@@@@@"
    env = Gathering(n_agents=1, map=gmap, seed=0, apple_respawn=4)
    env.reset()
    place(env, 0, 0, 1, 1, E_)
    env.step(np.array([[FORWARD]]))
    assert not env.apples[0, 0]
    env.step(np.array([[BACKWARD]]))
    seen = []
    for _ in range(5):
        seen.append(bool(env.apples[0, 0]))
        env.step(np.array([[NOOP]]))
    # eaten at step 1: absent after steps 1..4, back after step 5
    assert seen == [False, False, False, True, True]


def test_wolfpack_rewards_lone_and_team_captures():
    env = Wolfpack(n_agents=2, seed=0, capture_radius=2, lone_reward=1, team_reward=5)
    env.reset()
    env._npc_actions = lambda: np.zeros((1, 1), np.int64)  # a still prey
    place(env, 0, 2, 5, 5, N_)
    place(env, 0, 0, 5, 3, E_)  # will step next to the prey
    place(env, 0, 1, 1, 12, S_)  # far away
    step = env.step(np.array([[FORWARD, NOOP]]))
    assert step.reward.tolist() == [[1.0, 0.0]]
    place(env, 0, 2, 5, 5, N_)
    place(env, 0, 0, 5, 3, E_)
    place(env, 0, 1, 7, 6, N_)  # within 2 of the prey
    step = env.step(np.array([[FORWARD, NOOP]]))
    assert step.reward.tolist() == [[5.0, 5.0]]
    # the caught prey reappears at a spawn point (the map's 'P' cells)
    assert env.positions()[2] in env.gmap.spawn_points


# -- batching, seeds, rendering ------------------------------------------------------------


@pytest.mark.parametrize("cls", list(SSD_ENVS.values()), ids=lambda c: c.name)
def test_a_batch_equals_single_environments(cls):
    n = cls(num_envs=1).spec.n_agents
    batch = cls(num_envs=3)
    first = batch.reset(seed=[5, 6, 7])
    singles = [cls(num_envs=1) for _ in range(3)]
    firsts = [s.reset(seed=[k]) for s, k in zip(singles, [5, 6, 7], strict=True)]
    np.testing.assert_array_equal(first.obs, np.concatenate([f.obs for f in firsts]))
    rng = np.random.default_rng(0)
    for _ in range(60):
        a = rng.integers(0, batch.spec.n_actions, (3, n))
        sb = batch.step(a)
        ss = [s.step(a[i : i + 1]) for i, s in enumerate(singles)]
        np.testing.assert_array_equal(sb.reward, np.concatenate([s.reward for s in ss]))
        np.testing.assert_array_equal(sb.obs, np.concatenate([s.obs for s in ss]))
        np.testing.assert_array_equal(sb.state, np.concatenate([s.state for s in ss]))


def test_episodes_truncate_and_reset_themselves():
    env = Harvest(num_envs=2, seed=0, episode_limit=5, map=SMALL_HARVEST_MAP, n_agents=2)
    env.reset()
    for _ in range(5):
        step = env.step(np.zeros((2, 2), np.int64))
    assert step.truncated.all() and not step.terminated.any()
    assert env.apples.all()  # fresh episodes: every apple back


def test_render_text_rgb_and_gif(tmp_path):
    env = Cleanup(seed=0, n_agents=2)
    env.reset()
    t = text(env)
    assert len(t.splitlines()) == 25 and "0" in t and "1" in t and "H" in t
    frames = []
    for a in (CLEAN, FIRE, TURN_LEFT, FIRE):
        env.step(np.array([[a, FIRE]]))
        frames.append(rgb(env, scale=3))
    assert frames[0].shape == (75, 54, 3) and frames[0].dtype == np.uint8
    path = write_gif(frames, tmp_path / "ep.gif", fps=4)
    from PIL import Image

    with Image.open(path) as im:
        assert im.n_frames == 4
    strip = filmstrip(frames, every=2, gap=1)
    assert strip.shape == (75, 54 * 2 + 1, 3)
    with pytest.raises(ValueError, match="scale"):
        rgb(env, scale=0)
    with pytest.raises(ValueError, match="one size"):
        write_gif([frames[0], frames[0][:10]], tmp_path / "x.gif")
