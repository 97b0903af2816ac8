"""Exact search: tic-tac-toe solved, Connect Four endgames, agreement with plain minimax."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplab.games.board import get_board_game
from cooplab.selfplay.alphabeta import AlphaBeta, solve

ttt = get_board_game("tic_tac_toe")
c4 = get_board_game("connect_four")

_MINIMAX: dict[bytes, float] = {}


def minimax(game, s):
    """Plain negamax without pruning or ordering (memoised): the reference value."""
    k = game.key(s)[0]
    if k in _MINIMAX:
        return _MINIMAX[k]
    best = -2.0
    mover = int(s.to_play[0])
    for a in np.flatnonzero(game.legal_mask(s)[0]):
        child = game.step(s, np.array([a]))
        v = game.returns(child)[0, mover] if game.is_terminal(child)[0] else -minimax(game, child)
        best = max(best, v)
    _MINIMAX[k] = best
    return best


def test_tic_tac_toe_is_a_draw():
    # Tic-tac-toe is a draw under perfect play (exhaustive analysis; e.g. Berlekamp,
    # Conway & Guy, "Winning Ways", 1982), and every opening move holds the draw.
    r = AlphaBeta(ttt, table={}).solve(ttt.initial_states())
    assert r.value == 0.0 and r.exact
    assert r.best_moves == tuple(range(9))
    np.testing.assert_array_equal(r.action_values, np.zeros(9))


def test_tic_tac_toe_known_replies():
    # After X corner, O must take the centre: every other reply loses.
    r = solve(ttt, ttt.play([0]))
    assert r.best_moves == (4,)
    assert r.value == 0.0
    assert (r.action_values[[1, 2, 3, 5, 6, 7, 8]] == -1).all()
    # X corner, O centre, X opposite corner: O must take an edge (a corner loses).
    assert solve(ttt, ttt.play([0, 4, 8])).best_moves == (1, 3, 5, 7)
    # A won position for the mover is +1; a move into a fork loses for the opponent.
    assert solve(ttt, ttt.play([0, 3, 1, 4])).value == 1.0


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), plies=st.integers(3, 7))
def test_tic_tac_toe_values_equal_plain_minimax(seed, plies):
    rng = np.random.default_rng(seed)
    s = ttt.initial_states()
    for _ in range(plies):
        if ttt.is_terminal(s)[0]:
            break
        nxt = ttt.step(s, np.array([rng.choice(np.flatnonzero(ttt.legal_mask(s)[0]))]))
        if ttt.is_terminal(nxt)[0]:
            break
        s = nxt
    r = solve(ttt, s)
    assert r.value == minimax(ttt, s)
    for a in r.best_moves:
        child = ttt.step(s, np.array([a]))
        v = (
            ttt.returns(child)[0, s.to_play[0]]
            if ttt.is_terminal(child)[0]
            else -minimax(ttt, child)
        )
        assert v == r.value


def near_end_position(rng, empties):
    """A Connect Four position with ``empties`` empty cells, reached without a win."""
    while True:
        s = c4.initial_states()
        while 42 - int(s.moves[0]) > empties:
            legal = np.flatnonzero(c4.legal_mask(s)[0])
            kids = c4.step(s.take(np.zeros(legal.size, dtype=int)), legal)
            quiet = np.flatnonzero(~c4.is_terminal(kids))
            if not quiet.size:
                break
            s = kids[int(rng.choice(quiet))]
        if 42 - int(s.moves[0]) == empties:
            return s


def test_connect_four_endgames_equal_plain_minimax():
    rng = np.random.default_rng(4)
    ab = AlphaBeta(c4)
    for _ in range(6):
        s = near_end_position(rng, 9)
        r = ab.solve(s)
        assert r.exact
        assert r.value == minimax(c4, s)
        for a in r.best_moves:
            assert r.action_values[a] == r.value


def test_connect_four_solves_a_deeper_endgame():
    rng = np.random.default_rng(7)
    s = near_end_position(rng, 14)
    r = solve(c4, s, all_moves=False)
    full = solve(c4, s)
    assert r.exact and r.value == full.value
    assert r.best_moves[0] in full.best_moves


def test_depth_limited_search_uses_the_heuristic_and_sees_short_wins():
    s = c4.play([3, 3, 2, 2, 4, 4])  # red to move wins at 1 or 5 at once
    r = solve(c4, s, depth=1)
    assert set(r.best_moves) == {1, 5} and r.value == 1.0
    r = solve(c4, c4.initial_states(), depth=3)
    assert not r.exact and -1 < r.value < 1
    block = c4.play([3, 0, 3, 0, 3])  # yellow must block at 3
    assert solve(c4, block, depth=2).best_moves == (3,)


def test_table_reuse_and_bad_input():
    ab = AlphaBeta(ttt, table={})  # a private table: the shared one may be warm already
    first = ab.solve(ttt.initial_states())
    again = ab.solve(ttt.initial_states())
    assert again.value == first.value and again.nodes < first.nodes
    assert AlphaBeta(ttt).table is AlphaBeta(ttt).table  # exact tables are shared
    with pytest.raises(ValueError, match="depth"):
        AlphaBeta(ttt, depth=0)
    with pytest.raises(ValueError, match="terminal"):
        solve(ttt, ttt.play([0, 3, 1, 4, 2]))
    with pytest.raises(ValueError, match="batch 1"):
        solve(ttt, ttt.initial_states(2))
    with pytest.raises(TypeError, match="BoardState"):
        solve(ttt, "x")
    assert set(first.to_dict()) >= {"value", "best_moves", "exact"}


@pytest.mark.peers
def test_values_agree_with_openspiel_alpha_beta():
    pyspiel = pytest.importorskip("pyspiel")
    minimax_mod = pytest.importorskip("open_spiel.python.algorithms.minimax")
    game = pyspiel.load_game("tic_tac_toe")
    rng = np.random.default_rng(2)
    for _ in range(8):
        ps = game.new_initial_state()
        s = ttt.initial_states()
        for _ in range(int(rng.integers(3, 6))):
            a = int(rng.choice(ps.legal_actions()))
            ps.apply_action(a)
            s = ttt.step(s, np.array([a]))
        if ps.is_terminal():
            continue
        value0, _ = minimax_mod.alpha_beta_search(game, state=ps, maximizing_player_id=0)
        ours = solve(ttt, s).value
        assert (ours if s.to_play[0] == 0 else -ours) == value0
