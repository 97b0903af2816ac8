"""Agents, matches both sides, and Elo ratings with intervals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplab.games.board import get_board_game
from cooplab.selfplay.agents import (
    AGENT_KINDS,
    BaseAgent,
    HumanAgent,
    IllegalMoveError,
    MCTSAgent,
    RandomAgent,
    make_agent,
)
from cooplab.selfplay.arena import fit_elo, play_games, play_match, run_arena

ttt = get_board_game("tic_tac_toe")
c4 = get_board_game("connect_four")


def test_agent_specs_and_errors():
    assert make_agent("random").name == "random"
    assert make_agent("alphabeta:3").name == "alphabeta:3"
    assert make_agent("mcts:50").name == "mcts:50"
    assert make_agent("perfect").name == "perfect"
    assert isinstance(make_agent("human"), HumanAgent)
    assert set(AGENT_KINDS.names()) == {
        "random",
        "alphabeta",
        "perfect",
        "mcts",
        "human",
        "alphazero",
    }
    with pytest.raises(
        ValueError, match=r"unknown agent 'mtcs'; did you mean mcts.*in the spec 'mtcs:5'"
    ):
        make_agent("mtcs:5")
    with pytest.raises(ValueError, match="needs the depth"):
        make_agent("alphabeta")
    with pytest.raises(ValueError, match="integer"):
        make_agent("mcts:lots")
    with pytest.raises(ValueError, match="at least 1"):
        make_agent("mcts:0")
    with pytest.raises(ValueError, match="takes no argument"):
        make_agent("random:3")
    with pytest.raises(TypeError):
        make_agent(5)
    with pytest.raises(ValueError, match="tic_tac_toe only"):
        make_agent("perfect").act(c4, c4.initial_states(), 0)


def test_perfect_never_loses_and_random_agent_is_uniform():
    m = play_match(ttt, "perfect", "random", games=20, rng=1)
    assert m.losses == 0 and m.wins > 14
    assert m.wins_first + m.wins_second == m.wins
    both = play_match(ttt, "perfect", "perfect", games=6, rng=2)
    assert both.draws == 6  # perfect against perfect: the game's value, a draw
    s = ttt.initial_states(20_000)
    a = RandomAgent().act_batch(ttt, s, 0)
    counts = np.bincount(a, minlength=9)
    assert counts.min() > 2000 and counts.max() < 2450  # 20000/9 = 2222, sd ~ 44


def test_mcts_agent_beats_random_at_connect_four_and_seeds_repeat():
    m = play_match(c4, "mcts:40", "random", games=4, rng=3)
    assert m.wins >= 3
    r1 = play_games(ttt, "mcts:30", "random", [0, 1, 0, 1], rng=5)
    r2 = play_games(ttt, "mcts:30", "random", [0, 1, 0, 1], rng=5)
    np.testing.assert_array_equal(r1.moves, r2.moves)
    np.testing.assert_array_equal(r1.score, r2.score)
    assert r1.players == ("mcts:30", "random")


def test_alphabeta_agent_blocks_and_wins():
    agent = make_agent("alphabeta:2")
    assert agent.act(c4, c4.play([3, 0, 3, 0, 3]), 0) == 3
    assert agent.act(c4, c4.play([3, 3, 2, 2, 4, 4]), 0) in (1, 5)


class Cheater(BaseAgent):
    name = "cheater"

    def act(self, game, state, rng=None):
        return 0  # always the first cell, legal or not


def test_illegal_move_from_a_program_names_the_agent():
    with pytest.raises(IllegalMoveError, match="agent cheater played the illegal move 0"):
        play_match(ttt, "random", Cheater(), games=2, rng=0)

    class WrongShape(BaseAgent):
        name = "wrong"

        def act_batch(self, game, states, rng=None):
            return np.zeros(states.batch + 1, dtype=int)

    with pytest.raises(IllegalMoveError, match="agent wrong returned"):
        play_games(ttt, WrongShape(), "random", [0], rng=0)


def test_human_is_reprompted_until_legal():
    answers = iter(["banana", "9", "4", "0", "1", "2"])
    shown = []
    human = HumanAgent(input_fn=lambda prompt: next(answers), output_fn=shown.append)
    s = ttt.play([4])  # X took the centre; O is the human
    assert human.act(ttt, s) == 0
    text = "\n".join(shown)
    assert "not an action" in text  # banana and 9
    assert "4 is not legal" in text
    assert "X . ." not in text[:0]  # rendering shown
    assert any(". X ." in line for line in shown[0].splitlines())

    def eof(prompt):
        raise EOFError

    with pytest.raises(ValueError, match="left the game"):
        HumanAgent(input_fn=eof, output_fn=lambda x: None).act(ttt, s)
    with pytest.raises(ValueError, match="programs only"):
        run_arena(ttt, ["random", "human"], 2)


def test_elo_known_values():
    # A 76% score between two players is a 200-point difference on Elo's scale
    # (1 / (1 + 10 ** (-200 / 400)) = 0.7597).
    fit = fit_elo([[0, 7597], [2403, 0]], n_bootstrap=0, prior_draws=0)
    np.testing.assert_allclose(fit.ratings, [0.0, -200.0], atol=0.5)
    # Draws count half: 50 wins, 50 losses and 100 draws is an even score.
    fit = fit_elo([[0, 50], [50, 0]], [[0, 100], [100, 0]], n_bootstrap=0)
    np.testing.assert_allclose(fit.ratings, 0.0, atol=1e-9)
    # A chain a > b > c by 100 each: c is 200 below a, from a's and b's games alone.
    p = 1 / (1 + 10 ** (-100 / 400))
    n = 100_000
    w = np.zeros((3, 3))
    w[0, 1], w[1, 0] = round(n * p), n - round(n * p)
    w[1, 2], w[2, 1] = round(n * p), n - round(n * p)
    fit = fit_elo(w, names=["a", "b", "c"], anchor="a", n_bootstrap=0, prior_draws=0)
    np.testing.assert_allclose(fit.ratings, [0, -100, -200], atol=1.0)
    assert fit.anchor == "a" and fit.se[0] == 0 and (fit.se[1:] > 0).all()


@settings(max_examples=20, deadline=None)
@given(
    data=st.lists(st.integers(0, 30), min_size=6, max_size=6),
    seed=st.integers(0, 1000),
)
def test_elo_properties(data, seed):
    w = np.zeros((3, 3))
    w[0, 1], w[1, 0], w[0, 2], w[2, 0], w[1, 2], w[2, 1] = data
    w[0, 1] += 1  # every pair plays at least one game
    w[0, 2] += 1
    fit = fit_elo(w, n_bootstrap=30, rng=seed)
    assert np.isfinite(fit.ratings).all()  # the prior keeps perfect scores finite
    assert fit.ratings[0] == 0
    assert (fit.ci_low <= fit.ratings + 1e-6).all() and (fit.ratings <= fit.ci_high + 1e-6).all()
    # Swapping the names of agents 1 and 2 swaps their ratings.
    perm = [0, 2, 1]
    swapped = fit_elo(w[np.ix_(perm, perm)], n_bootstrap=0)
    np.testing.assert_allclose(swapped.ratings, fit.ratings[perm], atol=1e-6)
    again = fit_elo(w, n_bootstrap=30, rng=seed)
    np.testing.assert_array_equal(again.ci_low, fit.ci_low)


def test_elo_bad_input():
    with pytest.raises(ValueError, match="square"):
        fit_elo([[1, 2, 3]])
    with pytest.raises(ValueError, match="non-negative integer"):
        fit_elo([[0, -1], [2, 0]])
    with pytest.raises(ValueError, match="symmetric"):
        fit_elo([[0, 1], [1, 0]], [[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="undetermined"):
        fit_elo(np.array([[0, 3, 0], [1, 0, 0], [0, 0, 0]]))
    with pytest.raises(ValueError, match="anchor"):
        fit_elo([[0, 1], [1, 0]], anchor="zed")


def test_round_robin_orders_agents_and_records_everything():
    res = run_arena(ttt, ["random", MCTSAgent(40), "perfect"], 12, rng=0, n_bootstrap=50)
    r = dict(zip(res.names, res.elo.ratings, strict=True))
    assert r["perfect"] > r["random"] and r["mcts:40"] > r["random"]
    assert res.wins.sum() + res.draws.sum() // 2 == 3 * 12
    assert res.wins[2, 0] + res.draws[2, 0] == 12  # perfect never loses to random
    d = res.to_dict()
    assert d["game"] == "tic_tac_toe" and len(d["matches"]) == 3
    dup = run_arena(ttt, ["random", "random"], 2, rng=0, n_bootstrap=0)
    assert dup.names == ("random", "random#2")
    with pytest.raises(ValueError, match="at least two"):
        run_arena(ttt, ["random"], 2)
    with pytest.raises(ValueError, match="games_per_pair"):
        run_arena(ttt, ["random", "perfect"], 0)


def test_self_play_with_one_agent_object_moves_in_all_games_at_once():
    calls = []

    class Counting(BaseAgent):
        name = "counting"

        def act_batch(self, game, states, rng=None):
            calls.append(states.batch)
            return RandomAgent().act_batch(game, states, rng)

    agent = Counting()
    rec = play_games(ttt, agent, agent, [0, 1, 0, 1], rng=0)
    assert calls[0] == 4  # the first ply of all four games in one call
    assert len(calls) == int(rec.length.max())
    assert rec.players == ("counting", "counting")
