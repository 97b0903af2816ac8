"""Board games: rules, the batched API, and agreement with OpenSpiel's rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooplab.games.board import (
    BOARD_GAMES,
    BoardState,
    ConnectFour,
    Othello6,
    TicTacToe,
    concat_states,
    get_board_game,
)
from cooplab.runtime.registry import UnknownNameError

GAMES = [TicTacToe(), ConnectFour(), Othello6()]
ttt, c4, oth = GAMES


def random_playout(game, rng, batch=1, max_plies=None):
    """States along random games, batched: a list of (state, actions) pairs."""
    s = game.initial_states(batch)
    trail = []
    for _ in range(max_plies or game.max_moves):
        live = ~game.is_terminal(s)
        if not live.any():
            break
        mask = game.legal_mask(s)
        a = np.where(mask.any(1), np.argmax(rng.random(mask.shape) * mask, axis=1), 0)
        trail.append((s, a, live))
        nxt = game.step(s[live], a[live])
        board, tp, mv, oc = (x.copy() for x in (s.board, s.to_play, s.moves, s.outcome))
        board[live], tp[live], mv[live], oc[live] = nxt.board, nxt.to_play, nxt.moves, nxt.outcome
        s = BoardState(board, tp, mv, oc)
    return s, trail


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------
def test_registry_names_and_errors():
    assert get_board_game("tic_tac_toe").name == "tic_tac_toe"
    assert get_board_game("tic-tac-toe") is get_board_game("tic_tac_toe")
    assert get_board_game("connect_four").num_actions == 7
    assert get_board_game("othello6").num_actions == 37
    assert len(BOARD_GAMES) == 3
    with pytest.raises(UnknownNameError, match="connect"):
        get_board_game("conect_four")
    with pytest.raises(TypeError):
        get_board_game(3)


# ---------------------------------------------------------------------------
# Tic-tac-toe
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("moves", "winner"),
    [
        ([0, 3, 1, 4, 2], 0),  # top row
        ([0, 1, 3, 2, 6], 0),  # left column
        ([0, 1, 4, 2, 8], 0),  # main diagonal
        ([0, 2, 1, 4, 3, 6], 1),  # anti-diagonal for O
        ([1, 0, 2, 4, 3, 8], 1),  # diagonal for O
    ],
)
def test_tic_tac_toe_lines(moves, winner):
    s = ttt.play(moves)
    assert ttt.is_terminal(s)[0]
    r = ttt.returns(s)[0]
    assert r[winner] == 1 and r[1 - winner] == -1
    assert not ttt.legal_mask(s).any()


def test_tic_tac_toe_draw_and_no_early_end():
    s = ttt.play([0, 4, 8, 2, 6, 3, 5, 7, 1])  # X: 0 8 6 5 1; O: 4 2 3 7
    assert ttt.is_terminal(s)[0]
    np.testing.assert_array_equal(ttt.returns(s), [[0.0, 0.0]])
    assert ttt.render(s).endswith("draw")
    s = ttt.play([0, 4, 8])
    assert not ttt.is_terminal(s)[0]
    assert ttt.to_play(s)[0] == 1
    np.testing.assert_array_equal(ttt.returns(s), [[0.0, 0.0]])


def test_illegal_actions_name_action_and_index():
    s = concat_states([ttt.play([0]), ttt.play([1])])
    with pytest.raises(ValueError, match=r"illegal action 1 .*batch index 1"):
        ttt.step(s, np.array([4, 1]))
    with pytest.raises(ValueError, match=r"illegal action 9 at batch index 0"):
        ttt.step(s, np.array([9, 2]))
    with pytest.raises(ValueError, match="shape"):
        ttt.step(s, np.array([2]))
    with pytest.raises(TypeError, match="integers"):
        ttt.step(s, np.array([0.5, 2.0]))
    done = ttt.play([0, 3, 1, 4, 2])
    with pytest.raises(ValueError, match="game is over"):
        ttt.step(done, np.array([8]))
    with pytest.raises(TypeError, match="BoardState"):
        ttt.step("board", np.array([0]))
    with pytest.raises(ValueError, match="shape"):
        ttt.legal_mask(c4.initial_states())


def test_step_does_not_mutate_and_take_concat():
    s = ttt.initial_states(3)
    before = s.board.copy()
    s2 = ttt.step(s, np.array([0, 4, 8]))
    np.testing.assert_array_equal(s.board, before)
    assert s2.board[1, 1, 1] == 1 and s2.board[0, 0, 0] == 1
    assert len(s2[1]) == 1 and s2[1].board[0, 1, 1] == 1
    both = concat_states([s2.take([2]), s2[0]])
    np.testing.assert_array_equal(both.board[0], s2.board[2])
    np.testing.assert_array_equal(s2[np.array([False, True, False])].board, s2[1].board)
    with pytest.raises(ValueError, match="at least one"):
        concat_states([])
    with pytest.raises(ValueError, match="different shapes"):
        concat_states([ttt.initial_states(), c4.initial_states()])


def test_from_board_outcomes_and_refusals():
    s = ttt.from_board([[1, 1, 1], [2, 2, 0], [0, 0, 0]])
    assert s.outcome[0] == 0 and ttt.is_terminal(s)[0]
    s = ttt.from_board([[1, 2, 0], [0, 0, 0], [0, 0, 0]])
    assert ttt.to_play(s)[0] == 0 and s.moves[0] == 2
    with pytest.raises(ValueError, match="both players"):
        ttt.from_board([[1, 1, 1], [2, 2, 2], [0, 0, 0]])
    with pytest.raises(ValueError, match="shape"):
        ttt.from_board(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="0 \\(empty\\), 1 or 2"):
        ttt.from_board(np.full((3, 3), 5))
    with pytest.raises(ValueError, match="floats"):
        c4.from_board(np.eye(6, 7))
    with pytest.raises(ValueError, match="to_play"):
        oth.from_board(oth.initial_states().board)


# ---------------------------------------------------------------------------
# Connect Four
# ---------------------------------------------------------------------------
def test_connect_four_gravity_and_full_column():
    s = c4.play([3, 3, 3])
    col = s.board[0, :, 3]
    np.testing.assert_array_equal(col, [0, 0, 0, 1, 2, 1])  # row 0 is the top
    s = c4.play([0] * 6)
    assert not c4.legal_mask(s)[0, 0] and c4.legal_mask(s)[0, 1:].all()
    with pytest.raises(ValueError, match=r"illegal action 0 .*batch index 0"):
        c4.step(s, np.array([0]))


@pytest.mark.parametrize(
    ("moves", "winner"),
    [
        ([0, 0, 1, 1, 2, 2, 3], 0),  # horizontal, bottom row
        ([0, 1, 0, 1, 0, 1, 0], 0),  # vertical
        ([0, 1, 1, 2, 2, 3, 2, 3, 3, 6, 3], 0),  # rising diagonal 0..3
        ([6, 5, 5, 4, 4, 3, 4, 3, 3, 0, 3], 0),  # falling diagonal 6..3
        ([6, 0, 1, 0, 1, 0, 5, 0], 1),  # vertical for the second player
    ],
)
def test_connect_four_lines(moves, winner):
    s = c4.play(moves)
    assert c4.is_terminal(s)[0], c4.render(s)
    assert c4.returns(s)[0, winner] == 1
    # One move earlier the game was not over.
    assert not c4.is_terminal(c4.play(moves[:-1]))[0]


def _drawn_connect_four_board():
    # Rows alternate XXOOXXO and its complement: runs of at most two in every
    # row, column and diagonal, 21 pieces each.
    a = np.array([1, 1, 2, 2, 1, 1, 2], np.int8)
    return np.array([a if r % 2 == 0 else 3 - a for r in range(6)], np.int8)


def _order_filling(target):
    """A legal move order (DFS) that ends on the full board ``target``."""
    heights = [0] * 7  # pieces in each column, from the bottom

    def dfs(ply):
        if ply == 42:
            return []
        piece = 1 + ply % 2
        for col in range(7):
            if heights[col] < 6 and target[5 - heights[col], col] == piece:
                heights[col] += 1
                rest = dfs(ply + 1)
                if rest is not None:
                    return [col, *rest]
                heights[col] -= 1
        return None

    return dfs(0)


def test_connect_four_draw_on_full_board():
    board = _drawn_connect_four_board()
    s = c4.from_board(board)
    assert s.outcome[0] == 2
    order = _order_filling(board)
    assert order is not None
    s = c4.play(order)
    np.testing.assert_array_equal(s.board[0], board)
    assert c4.is_terminal(s)[0] and s.outcome[0] == 2, c4.render(s)
    np.testing.assert_array_equal(c4.returns(s), [[0.0, 0.0]])
    assert c4.render(s).endswith("draw")


# ---------------------------------------------------------------------------
# Othello 6x6
# ---------------------------------------------------------------------------
def test_othello_opening_moves_and_flip():
    s = oth.initial_states()
    legal = [oth.action_to_string(a) for a in np.flatnonzero(oth.legal_mask(s)[0])]
    # White on c3 and d4, black on d3 and c4: black's four openings bracket one
    # white disc each (the 8x8 opening d3/c4/f5/e6 shifted to the 6x6 board).
    assert sorted(legal) == ["b3", "c2", "d5", "e4"]
    s2 = oth.step(s, np.array([oth.parse_action("e4")]))
    np.testing.assert_array_equal(oth.disc_counts(s2), [[4, 1]])
    assert s2.board[0, 3, 3] == 1  # d4 flipped
    assert s2.board[0, 2, 2] == 2  # c3 untouched
    assert oth.to_play(s2)[0] == 1


def test_othello_multi_direction_flip():
    b = np.zeros((6, 6), np.int8)
    for cell in [(2, 3), (2, 4), (3, 2), (3, 3), (1, 1), (2, 1), (2, 0)]:
        b[cell] = 2
    for cell in [(2, 5), (4, 2), (4, 4)]:
        b[cell] = 1
    s = oth.from_board(b, to_play=0)
    s2 = oth.step(s, np.array([2 * 6 + 2]))  # black on c3
    expect = b.copy()
    expect[2, 2] = 1
    for cell in [(2, 3), (2, 4), (3, 2), (3, 3)]:  # right run of two, down, down-right
        expect[cell] = 1
    # Up-left (b2, then empty a1) and left (b3, a3, then the edge) are not bracketed.
    np.testing.assert_array_equal(s2.board[0], expect)
    np.testing.assert_array_equal(oth.disc_counts(s2), [[8, 3]])
    # A cell next to white discs that brackets nothing is not a move.
    assert not oth.legal_mask(s)[0, 0]


def test_othello_pass_and_end():
    # White to move with no placement while black has one: white must pass.
    b = np.zeros((6, 6), np.int8)
    b[0, 0] = 1
    b[0, 1] = 2
    b[0, 2] = 0
    b[1, 0] = 1
    s = oth.from_board(b, to_play=1)
    legal = oth.legal_mask(s)[0]
    assert legal[oth.pass_action] and legal.sum() == 1
    s2 = oth.step(s, np.array([oth.pass_action]))
    assert oth.to_play(s2)[0] == 0 and not oth.is_terminal(s2)[0]
    # Black's only move c1 flips b1 and leaves no white disc: the game ends, black wins.
    s3 = oth.step(s2, np.array([oth.parse_action("c1")]))
    assert oth.is_terminal(s3)[0]
    np.testing.assert_array_equal(oth.returns(s3), [[1.0, -1.0]])
    with pytest.raises(ValueError, match="illegal action 36"):
        oth.step(oth.initial_states(), np.array([36]))
    with pytest.raises(ValueError, match="c4"):
        oth.parse_action("z9")


# ---------------------------------------------------------------------------
# Properties shared by all games
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("game", GAMES, ids=lambda g: g.name)
def test_batched_step_equals_one_at_a_time(game):
    rng = np.random.default_rng(5)
    _, trail = random_playout(game, rng, batch=8)
    for s, a, live in trail[:: max(1, len(trail) // 6)]:
        idx = np.flatnonzero(live)
        batched = game.step(s[idx], a[idx])
        for j, i in enumerate(idx):
            one = game.step(s[i], a[i : i + 1])
            np.testing.assert_array_equal(one.board[0], batched.board[j])
            assert one.to_play[0] == batched.to_play[j]
            assert one.outcome[0] == batched.outcome[j]
        np.testing.assert_array_equal(
            game.legal_mask(batched),
            np.concatenate([game.legal_mask(game.step(s[i], a[i : i + 1])) for i in idx]),
        )


@pytest.mark.parametrize("game", GAMES, ids=lambda g: g.name)
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_random_games_invariants(game, seed):
    rng = np.random.default_rng(seed)
    final, trail = random_playout(game, rng, batch=4)
    assert game.is_terminal(final).all()
    r = game.returns(final)
    np.testing.assert_array_equal(r.sum(axis=1), 0)  # zero-sum
    assert np.isin(r, (-1, 0, 1)).all()
    for s, _, live in trail:
        mask = game.legal_mask(s)
        np.testing.assert_array_equal(mask.any(axis=1), live)  # legal moves iff not over
        np.testing.assert_array_equal(game.returns(s)[live], 0)
        enc = game.encode(s)
        assert enc.shape == (s.batch, game.num_planes, *game.board_shape)
        assert enc.dtype == np.float32
        # Planes 0 and 1 are the mover's and the opponent's pieces.
        own = s.board == (s.to_play + 1)[:, None, None]
        np.testing.assert_array_equal(enc[:, 0].astype(bool), own)
        np.testing.assert_array_equal(enc[:, 1].astype(bool), (s.board != 0) & ~own)
    # from_board recomputes the outcome of the final positions.
    again = game.from_board(final.board, to_play=final.to_play)
    np.testing.assert_array_equal(again.outcome, final.outcome)
    keys = game.key(final)
    assert len(keys) == final.batch and all(isinstance(k, bytes) for k in keys)


@pytest.mark.parametrize("game", GAMES, ids=lambda g: g.name)
def test_render_and_action_strings(game):
    s = game.initial_states(2)
    text = game.render(s, 1)
    assert "X to play" in text
    assert len(text.splitlines()) >= game.board_shape[0] + 1
    for a in range(game.num_actions):
        assert game.parse_action(game.action_to_string(a)) == a
    with pytest.raises(ValueError, match="not an action"):
        game.parse_action("nonsense")
    with pytest.raises(ValueError, match="not an action"):
        game.parse_action(str(game.num_actions))
    with pytest.raises(IndexError):
        game.render(s, 5)
    with pytest.raises(ValueError, match="batch"):
        game.initial_states(0)


def test_keys_distinguish_positions_and_players():
    a = ttt.play([0, 4])
    b = ttt.play([4, 0])
    assert ttt.key(a) != ttt.key(b)
    assert ttt.key(ttt.play([0, 4, 8, 2])) == ttt.key(ttt.play([8, 2, 0, 4]))
    s = oth.initial_states()
    s_white = BoardState(s.board, np.ones(1, np.int8), s.moves, s.outcome)
    assert oth.key(s) != oth.key(s_white)


def test_heuristics_are_bounded_and_antisymmetric():
    rng = np.random.default_rng(0)
    for game in GAMES:
        _, trail = random_playout(game, rng, batch=4)
        for s, _, _ in trail:
            h = game.heuristic(s)
            assert h.shape == (s.batch,) and (np.abs(h) < 1).all()
    s = c4.play([3, 3, 4])
    flipped = BoardState(s.board, (1 - s.to_play).astype(np.int8), s.moves, s.outcome)
    np.testing.assert_allclose(c4.heuristic(s), -c4.heuristic(flipped))


# ---------------------------------------------------------------------------
# Peers: OpenSpiel's rules
# ---------------------------------------------------------------------------
@pytest.mark.peers
@pytest.mark.parametrize(("game", "spiel_name"), [(ttt, "tic_tac_toe"), (c4, "connect_four")])
def test_rules_agree_with_openspiel(game, spiel_name):
    pyspiel = pytest.importorskip("pyspiel")
    spiel = pyspiel.load_game(spiel_name)
    rng = np.random.default_rng(11)
    for _ in range(60):
        ps = spiel.new_initial_state()
        s = game.initial_states()
        while not ps.is_terminal():
            assert sorted(ps.legal_actions()) == list(np.flatnonzero(game.legal_mask(s)[0]))
            assert ps.current_player() == game.to_play(s)[0]
            a = int(rng.choice(ps.legal_actions()))
            ps.apply_action(a)
            s = game.step(s, np.array([a]))
        assert game.is_terminal(s)[0]
        np.testing.assert_array_equal(game.returns(s)[0], ps.returns())


def test_othello_playouts_equal_the_generic_playouts_seed_for_seed():
    from cooplab.games.board import BoardGame

    s = oth.initial_states(12)  # more than 8: the array path (8 or fewer run on ints)
    np.testing.assert_array_equal(oth.random_playouts(s, 5), BoardGame.random_playouts(oth, s, 5))


def test_othello_bitboard_moves_equal_the_ray_moves():
    # Two move generators: rays gathered per cell (small batches) and bitboard shifts
    # (large ones). On positions from random games, for both players, they agree.
    rng = np.random.default_rng(8)
    _, trail = random_playout(oth, rng, batch=64)
    boards = np.concatenate([s.board for s, _, _ in trail])
    players = np.concatenate([s.to_play for s, _, _ in trail])
    for tp in (players, (1 - players).astype(np.int8)):
        bits = oth._placements_bits(boards, tp)
        rays = oth._placements_rays(boards, tp)
        np.testing.assert_array_equal(bits, rays)
    assert bits.any()


def test_othello_small_batch_playouts_on_python_ints_agree_with_arrays():
    # Up to 8 playouts at once run one by one on Python-int bitboards; their results
    # follow the same law as the array playouts (outcome frequencies within 5 s.e.).
    gen = np.random.default_rng(12)
    s = oth.play(["e4", "e5"]).take(np.zeros(8, dtype=int))
    small = np.concatenate([oth.random_playouts(s, gen) for _ in range(150)])
    big = oth.random_playouts(s.take(np.zeros(2500, dtype=int)), gen)
    for outcome in (-1.0, 0.0, 1.0):
        p, q = (small == outcome).mean(), (big == outcome).mean()
        se = np.sqrt(max(p * (1 - p), 1e-3) / small.size + max(q * (1 - q), 1e-3) / big.size)
        assert abs(p - q) < 5 * se, (outcome, p, q)
