"""Perfect-information two-player zero-sum board games, batched.

A :class:`BoardGame` is a stateless rules object; positions live in a
:class:`BoardState`, a frozen dataclass of arrays whose first axis is the
batch, so that many positions (many games, many search leaves, many rollouts)
are stepped by one call. The games:

- ``tic_tac_toe``: 3x3, three in a row; a draw under perfect play
  (the game tree is small enough that :mod:`cooplab.selfplay.alphabeta` solves
  it outright).
- ``connect_four``: 6 rows x 7 columns with gravity, four in a row; a
  first-player win under perfect play (Allis 1988; Allen 1989).
- ``othello6``: Othello on a 6x6 board, flips in eight directions, passes when
  a player has no move, the game ends when neither has one; the second player
  (white) wins 16-20 under perfect play (Feinstein 1993). Othello is chosen
  over Hex for the larger tree because its rules exercise what the other two
  games do not: a move changes many cells, and the player to move does not
  simply alternate (passes), so code written against this API cannot assume
  either.

Conventions
-----------
- ``board`` is ``(B, rows, cols)`` int8, 0 empty, 1 the first player's
  pieces (X, red, black), 2 the second's (O, yellow, white).
- Players are 0 and 1; ``to_play`` says whose move it is.
- Actions are flat integers: a cell ``row * cols + col`` in tic-tac-toe and
  Othello (Othello's last action, ``rows * cols``, is the pass), a column in
  Connect Four.
- :meth:`BoardGame.returns` is ``(B, 2)``: +1 for the winner, -1 for the
  loser, 0 for both on a draw or at a position that is not terminal.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from cooplab.runtime.registry import Registry
from cooplab.runtime.rng import RngLike, as_generator

__all__ = [
    "BOARD_GAMES",
    "BoardGame",
    "BoardState",
    "ConnectFour",
    "Othello6",
    "TicTacToe",
    "concat_states",
    "get_board_game",
]

#: Up to this many playouts at once run on Python-int bitboards, one by one.
_SMALL_BATCH = 8

#: From this batch size on, Othello finds moves on bitboards (fewer elements
#: per call) rather than by gathering rays (fewer calls).
_OTHELLO_BITS_FROM = 4

#: ``outcome`` codes stored in a :class:`BoardState`.
ONGOING, WIN0, WIN1, DRAW = -1, 0, 1, 2


@dataclass(frozen=True, eq=False)
class BoardState:
    """A batch of positions of one board game.

    Attributes
    ----------
    board
        ``(B, rows, cols)`` int8: 0 empty, 1 player 0's pieces, 2 player 1's.
    to_play
        ``(B,)`` int8, the player to move (0 or 1).
    moves
        ``(B,)`` int16, actions played so far (passes included).
    outcome
        ``(B,)`` int8: -1 ongoing, 0 player 0 won, 1 player 1 won, 2 a draw.
        Computed once by the move that ends the game, so terminal tests are
        free.

    States are values: :meth:`BoardGame.step` returns a new state and never
    writes into its input. ``state[i]`` and ``state.take(indices)`` select
    rows; :func:`concat_states` joins batches.
    """

    board: npt.NDArray[np.int8]
    to_play: npt.NDArray[np.int8]
    moves: npt.NDArray[np.int16]
    outcome: npt.NDArray[np.int8]

    @property
    def batch(self) -> int:
        """The number of positions ``B``."""
        return int(self.board.shape[0])

    def __len__(self) -> int:
        return self.batch

    def take(self, indices: Any) -> BoardState:
        """The rows ``indices`` (an integer array, a boolean mask or a slice), as a new state."""
        if isinstance(indices, numbers.Integral) and not isinstance(indices, bool):
            indices = [int(indices)]
        return BoardState(
            **{f.name: getattr(self, f.name)[indices] for f in dataclasses.fields(self)}
        )

    def __getitem__(self, indices: Any) -> BoardState:
        """``state[i]`` is the batch of one row ``i``; arrays, masks and slices select rows."""
        return self.take(indices)

    def copy(self) -> BoardState:
        return BoardState(
            **{f.name: getattr(self, f.name).copy() for f in dataclasses.fields(self)}
        )


def concat_states(states: Sequence[BoardState]) -> BoardState:
    """Join batches of positions of the same game along the batch axis."""
    if not states:
        raise ValueError("concat_states needs at least one state")
    shapes = {s.board.shape[1:] for s in states}
    if len(shapes) > 1:
        raise ValueError(f"cannot join states of boards of different shapes {sorted(shapes)}")
    return BoardState(
        **{
            f.name: np.concatenate([getattr(s, f.name) for s in states])
            for f in dataclasses.fields(BoardState)
        }
    )


def _as_state(s: Any, game: BoardGame) -> BoardState:
    if not isinstance(s, BoardState):
        raise TypeError(f"expected a BoardState of {game.name}; got {type(s).__name__}")
    if s.board.ndim != 3 or s.board.shape[1:] != game.board_shape:
        raise ValueError(
            f"a {game.name} state has boards of shape (B, {game.board_shape[0]}, "
            f"{game.board_shape[1]}); got {s.board.shape}"
        )
    return s


class BoardGame:
    """The rules of a two-player zero-sum perfect-information board game.

    Attributes
    ----------
    name
        ``"tic_tac_toe"``, ``"connect_four"`` or ``"othello6"``.
    num_actions
        The number of flat actions ``A`` (9, 7, 37).
    board_shape
        ``(rows, cols)``.
    num_planes
        ``C`` in :meth:`encode`'s ``(B, C, rows, cols)``.
    max_moves
        An upper bound on the length of a game (for buffers).
    symbols
        Characters rendering empty, player 0's and player 1's cells.
    """

    name: ClassVar[str]
    num_actions: ClassVar[int]
    board_shape: ClassVar[tuple[int, int]]
    num_planes: ClassVar[int] = 3
    max_moves: ClassVar[int]
    symbols: ClassVar[str] = ".XO"
    _infer_to_play: ClassVar[bool] = True

    # -- construction -------------------------------------------------------
    def initial_states(self, batch: int = 1) -> BoardState:
        """``batch`` copies of the opening position."""
        if isinstance(batch, bool) or not isinstance(batch, numbers.Integral) or batch < 1:
            raise ValueError(f"batch must be a positive integer; got {batch!r}")
        board = np.zeros((int(batch), *self.board_shape), dtype=np.int8)
        board[:] = self._opening()
        return BoardState(
            board=board,
            to_play=np.zeros(batch, dtype=np.int8),
            moves=np.zeros(batch, dtype=np.int16),
            outcome=np.full(batch, ONGOING, dtype=np.int8),
        )

    def _opening(self) -> npt.NDArray[np.int8]:
        return np.zeros(self.board_shape, dtype=np.int8)

    def play(self, actions: Sequence[int | str]) -> BoardState:
        """The position (batch 1) after playing ``actions`` from the opening.

        Actions may be integers or strings :meth:`parse_action` accepts.
        """
        s = self.initial_states(1)
        for a in actions:
            a = self.parse_action(a) if isinstance(a, str) else a
            s = self.step(s, np.array([a]))
        return s

    def from_board(
        self, board: npt.ArrayLike, to_play: int | npt.ArrayLike | None = None
    ) -> BoardState:
        """A state from boards ``(rows, cols)`` or ``(B, rows, cols)`` of 0/1/2.

        ``to_play`` defaults to the player whose turn it is by piece count
        (fewer pieces of player 1 than player 0: player 1). The outcome is
        computed from the board; positions that cannot arise in play (both
        players with a line, say) are refused.
        """
        b = np.asarray(board)
        if b.ndim == 2:
            b = b[None]
        if b.ndim != 3 or b.shape[1:] != self.board_shape:
            raise ValueError(
                f"{self.name} boards have shape {self.board_shape} or (B, *{self.board_shape}); "
                f"got {np.shape(board)}"
            )
        if not np.isin(b, (0, 1, 2)).all():
            raise ValueError(f"board cells must be 0 (empty), 1 or 2; got values {np.unique(b)}")
        b = b.astype(np.int8)
        n0 = (b == 1).sum(axis=(1, 2))
        n1 = (b == 2).sum(axis=(1, 2))
        if to_play is None:
            if not self._infer_to_play:
                raise ValueError(f"{self.name}.from_board needs to_play (passes make it ambiguous)")
            tp = (n0 > n1).astype(np.int8)
        else:
            tp = np.broadcast_to(np.asarray(to_play), (b.shape[0],)).astype(np.int8)
            if not np.isin(tp, (0, 1)).all():
                raise ValueError(f"to_play must be 0 or 1; got {to_play!r}")
        moves = (n0 + n1).astype(np.int16) - self._opening_pieces()
        outcome = self._outcome_of_boards(b, tp)
        return BoardState(board=b, to_play=tp.copy(), moves=moves, outcome=outcome)

    def _opening_pieces(self) -> int:
        return 0

    def _outcome_of_boards(
        self, board: npt.NDArray[np.int8], to_play: npt.NDArray[np.int8]
    ) -> npt.NDArray[np.int8]:
        raise NotImplementedError

    # -- rules ----------------------------------------------------------------
    def legal_mask(self, s: BoardState) -> npt.NDArray[np.bool_]:
        """``(B, A)`` bool: the legal actions; all False at terminal positions."""
        return self._legal(_as_state(s, self))

    def step(self, s: BoardState, actions: npt.ArrayLike, *, validate: bool = True) -> BoardState:
        """Play ``actions`` ``(B,)`` in the positions ``s``; a new state, ``s`` untouched.

        Raises
        ------
        ValueError
            On an illegal action (or any action at a terminal position), naming
            the action and the batch index. ``validate=False`` skips the check
            for callers (search, rollouts) that choose from :meth:`legal_mask`.
        """
        s = _as_state(s, self)
        a = np.asarray(actions)
        if validate:
            if a.ndim == 0:
                a = a.reshape(1)
            if a.shape != (s.batch,):
                raise ValueError(
                    f"{self.name}.step needs one action per position, shape ({s.batch},); "
                    f"got shape {a.shape}"
                )
            if a.size and not np.issubdtype(a.dtype, np.integer):
                if np.issubdtype(a.dtype, np.floating) and np.all(np.mod(a, 1) == 0):
                    a = a.astype(np.int64)
                else:
                    raise TypeError(f"actions must be integers; got dtype {a.dtype}")
            bad_range = (a < 0) | (a >= self.num_actions)
            if bad_range.any():
                i = int(np.flatnonzero(bad_range)[0])
                raise ValueError(
                    f"illegal action {int(a[i])} at batch index {i} in {self.name}: "
                    f"actions are 0..{self.num_actions - 1}"
                )
            legal = self._legal(s)
            ok = legal[np.arange(s.batch), a]
            if not ok.all():
                i = int(np.flatnonzero(~ok)[0])
                why = (
                    "the game is over"
                    if s.outcome[i] != ONGOING
                    else f"legal: {[self.action_to_string(int(x)) for x in np.flatnonzero(legal[i])]}"
                )
                raise ValueError(
                    f"illegal action {int(a[i])} ({self.action_to_string(int(a[i]))}) at batch "
                    f"index {i} in {self.name}; {why}"
                )
        return self._step(s, a.astype(np.int64, copy=False))

    def is_terminal(self, s: BoardState) -> npt.NDArray[np.bool_]:
        """``(B,)`` bool: the game is over."""
        return _as_state(s, self).outcome != ONGOING

    def returns(self, s: BoardState) -> npt.NDArray[np.float64]:
        """``(B, 2)`` float: +1/-1/0 for players 0 and 1 at terminal positions, 0 elsewhere."""
        o = _as_state(s, self).outcome
        r = np.zeros((o.shape[0], 2))
        r[o == WIN0] = (1.0, -1.0)
        r[o == WIN1] = (-1.0, 1.0)
        return r

    def to_play(self, s: BoardState) -> npt.NDArray[np.int64]:
        """``(B,)`` int: the player to move, 0 or 1."""
        return _as_state(s, self).to_play.astype(np.int64)

    def encode(self, s: BoardState) -> npt.NDArray[np.float32]:
        """``(B, 3, rows, cols)`` float32 planes from the view of the player to move.

        Plane 0: the mover's pieces; plane 1: the opponent's; plane 2: all ones
        when the mover is player 0 (the first player), zeros otherwise, so a
        network can tell the colours apart where that matters (Othello).
        """
        s = _as_state(s, self)
        own = (s.to_play + 1).astype(np.int8)[:, None, None]
        out = np.empty((s.batch, 3, *self.board_shape), dtype=np.float32)
        out[:, 0] = s.board == own
        out[:, 1] = (s.board != own) & (s.board != 0)
        out[:, 2] = (s.to_play == 0)[:, None, None]
        return out

    def key(self, s: BoardState) -> list[bytes]:
        """A hashable key per position (board bytes and the player to move)."""
        s = _as_state(s, self)
        flat = np.concatenate(
            [s.board.reshape(s.batch, -1), s.to_play[:, None].astype(np.int8)], axis=1
        )
        return [row.tobytes() for row in flat]

    def heuristic(self, s: BoardState) -> npt.NDArray[np.float64]:
        """``(B,)`` a static evaluation in (-1, 1) from the mover's view, for depth-limited search.

        0 by default; terminal positions are scored by the search, not here.
        """
        return np.zeros(_as_state(s, self).batch)

    def random_playouts(self, s: BoardState, rng: RngLike = None) -> npt.NDArray[np.float64]:
        """``(B,)`` player 0's return at the end of one uniformly random playout from each position.

        The rollout of UCT (Kocsis & Szepesvári 2006). Terminal positions give
        their own return. Games may override this with a faster equivalent
        (tic-tac-toe and Connect Four play out on bitboards); the distribution
        of results is the same.
        """
        s = _as_state(s, self)
        gen = as_generator(rng)
        out = self.returns(s)[:, 0]
        idx = np.flatnonzero(s.outcome == ONGOING)
        cur = s.take(idx)
        while idx.size:
            mask = self._legal(cur)
            a = np.argmax(gen.random(mask.shape) * mask, axis=1)
            cur = self._step(cur, a)
            done = cur.outcome != ONGOING
            if done.any():
                o = cur.outcome[done]
                out[idx[done]] = np.where(o == WIN0, 1.0, np.where(o == WIN1, -1.0, 0.0))
                idx = idx[~done]
                cur = cur.take(~done)
        return out

    # -- text -------------------------------------------------------------------
    def action_to_string(self, action: int) -> str:
        return str(int(action))

    def parse_action(self, text: str | int) -> int:
        """An action from text: an integer, or the game's coordinates (``c3`` in Othello).

        Raises ``ValueError`` naming the text when it is not an action of this game.
        """
        if isinstance(text, numbers.Integral) and not isinstance(text, bool):
            value = int(text)
        else:
            t = str(text).strip().lower()
            try:
                value = int(t)
            except ValueError:
                value = self._parse_coordinates(t)
        if not 0 <= value < self.num_actions:
            raise ValueError(
                f"{text!r} is not an action of {self.name} (actions 0..{self.num_actions - 1})"
            )
        return value

    def _parse_coordinates(self, text: str) -> int:
        raise ValueError(f"{text!r} is not an action of {self.name}: type an integer")

    def render(self, s: BoardState, index: int = 0) -> str:
        """A compact text picture of position ``index``, with whose move it is or the result."""
        s = _as_state(s, self)
        if not -s.batch <= index < s.batch:
            raise IndexError(f"index {index} out of range for a batch of {s.batch}")
        b = s.board[index]
        rows = self.board_shape[0]
        lines = [self._header()] if self._header() else []
        for r in range(rows):
            lines.append(self._row_label(r) + " ".join(self.symbols[int(v)] for v in b[r]))
        o = int(s.outcome[index])
        if o == ONGOING:
            lines.append(f"{self.symbols[int(s.to_play[index]) + 1]} to play")
        elif o == DRAW:
            lines.append("draw")
        else:
            lines.append(f"{self.symbols[o + 1]} won")
        return "\n".join(lines)

    def _header(self) -> str:
        return ""

    def _row_label(self, r: int) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # -- to implement -----------------------------------------------------------
    def _legal(self, s: BoardState) -> npt.NDArray[np.bool_]:
        raise NotImplementedError

    def _step(self, s: BoardState, a: npt.NDArray[np.int64]) -> BoardState:
        raise NotImplementedError


# ---------------------------------------------------------------------------
# k in a row: tic-tac-toe and Connect Four
# ---------------------------------------------------------------------------
def _windows(rows: int, cols: int, k: int) -> list[tuple[int, ...]]:
    """All k-cell straight lines (rows, columns, both diagonals) as flat cell indices."""
    out = []
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
                cells = [(r + i * dr, c + i * dc) for i in range(k)]
                if all(0 <= rr < rows and 0 <= cc < cols for rr, cc in cells):
                    out.append(tuple(rr * cols + cc for rr, cc in cells))
    return out


class _KInARow(BoardGame):
    """k in a row on a rows x cols board, with or without gravity."""

    k: ClassVar[int]
    gravity: ClassVar[bool]

    def __init__(self) -> None:
        rows, cols = self.board_shape
        wins = _windows(rows, cols, self.k)
        self._wins = np.array(wins, dtype=np.int64)  # (W, k)
        per_cell = [[w for w in wins if cell in w] for cell in range(rows * cols)]
        width = max(len(p) for p in per_cell)
        # Pad by repeating a line through the cell: a duplicate changes no any().
        self._cell_wins = np.array(
            [p + [p[0]] * (width - len(p)) for p in per_cell], dtype=np.int64
        )  # (cells, width, k)
        # Bitboards for fast playouts: column-major, one spare bit on top of
        # each column so shifted lines never wrap (the layout of Pons' solver).
        h = rows + 1
        self._bit = np.array(
            [c * h + (rows - 1 - r) for r in range(rows) for c in range(cols)], dtype=np.uint64
        )  # bit of each flat cell
        self._weights = np.left_shift(np.uint64(1), self._bit)
        self._shift_pairs = tuple((np.uint64(x), np.uint64(2 * x)) for x in (1, h, h + 1, h - 1))
        self._bottom = np.array([1 << (c * h) for c in range(cols)], dtype=np.uint64)
        self._top = np.array([1 << (c * h + rows - 1) for c in range(cols)], dtype=np.uint64)
        # Small boards (tic-tac-toe: 12 bits) look lines up in a table.
        self._line_table: npt.NDArray[np.bool_] | None = None
        if cols * h <= 16:
            table = self._has_line(np.arange(1 << (cols * h), dtype=np.uint64))
            self._line_table = table
        self._int_bits = [int(w) for w in self._weights]
        self._int_top = [int(t) for t in self._top]
        self._int_bottom = [int(b) for b in self._bottom]
        self._int_colmask = [((1 << rows) - 1) << (c * h) for c in range(cols)]
        self._int_shifts = (1, h, h + 1, h - 1)
        self._line_list = None if self._line_table is None else self._line_table.tolist()
        self._column_mask = np.array(
            [((1 << rows) - 1) << (c * h) for c in range(cols)], dtype=np.uint64
        )

    def _bits(self, board: npt.NDArray[np.int8], piece: int) -> npt.NDArray[np.uint64]:
        flat = (board.reshape(board.shape[0], -1) == piece).astype(np.uint64)
        return (flat * self._weights).sum(axis=1, dtype=np.uint64)

    def _has_line(self, p: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
        if self._line_table is not None:
            return self._line_table[p]
        won = np.zeros(p.shape, dtype=bool)
        for sh, sh2 in self._shift_pairs:
            if self.k == 4:  # halving: two shifts cover four cells
                m = p & (p >> sh)
                won |= (m & (m >> sh2)) != 0
            else:
                m = p.copy()
                for i in range(1, self.k):
                    m &= p >> (sh * np.uint64(i))
                won |= m != 0
        return won

    def random_playouts(self, s: BoardState, rng: RngLike = None) -> npt.NDArray[np.float64]:
        s = _as_state(s, self)
        gen = as_generator(rng)
        out = self.returns(s)[:, 0]
        idx = np.flatnonzero(s.outcome == ONGOING)
        if not idx.size:
            return out
        board = s.board[idx]
        sign = np.where(s.to_play[idx] == 0, 1.0, -1.0)  # +1 while player 0 is to move
        # `me` holds the mover's pieces, `them` the other's.
        first = self._bits(board, 1)
        second = self._bits(board, 2)
        me = np.where(sign > 0, first, second)
        them = np.where(sign > 0, second, first)
        moves = s.moves[idx].astype(np.int64)
        cells = self.board_shape[0] * self.board_shape[1]
        if idx.size <= _SMALL_BATCH:
            # A few playouts (one search tree): Python integers beat array calls.
            u = gen.random((idx.size, cells))
            for j in range(idx.size):
                out[idx[j]] = sign[j] * self._playout_int(
                    int(me[j]), int(them[j]), int(moves[j]), u[j]
                )
            return out
        if not self.gravity:
            out[idx] = sign * self._playouts_by_permutation(me, them, gen)
            return out
        one = np.uint64(1)
        alive = np.ones(idx.size, dtype=bool)
        while True:
            occupied = me | them
            if self.gravity:
                legal = (occupied[:, None] & self._top) == 0
                col = np.argmax(gen.random(legal.shape) * legal, axis=1)
                # adding the column's bottom bit carries up to its lowest empty cell
                bit = (occupied + self._bottom[col]) & ~occupied & self._column_mask[col]
            else:
                legal = ((occupied[:, None] >> self._bit) & one) == 0
                bit = self._weights[np.argmax(gen.random(legal.shape) * legal, axis=1)]
            me = me | bit
            moves += 1
            won = self._has_line(me)
            # Finished rows keep stepping (harmlessly) until it pays to drop them.
            done = (won | (moves >= cells)) & alive
            if done.any():
                out[idx[done]] = np.where(won[done], sign[done], 0.0)
                alive &= ~done
                n_alive = int(alive.sum())
                if n_alive == 0:
                    return out
                if 2 * n_alive <= alive.size:
                    idx, me, them, sign, moves, alive = (
                        x[alive] for x in (idx, me, them, sign, moves, alive)
                    )
            me, them = them, me
            sign = -sign

    def _legal(self, s: BoardState) -> npt.NDArray[np.bool_]:
        ongoing = (s.outcome == ONGOING)[:, None]
        if self.gravity:
            return (s.board[:, 0, :] == 0) & ongoing
        return (s.board.reshape(s.batch, -1) == 0) & ongoing

    def _step(self, s: BoardState, a: npt.NDArray[np.int64]) -> BoardState:
        B = s.batch
        rows, cols = self.board_shape
        idx = np.arange(B)
        if self.gravity:
            # The piece falls to the lowest empty cell of the column.
            row = (s.board[idx, :, a] == 0).sum(axis=1) - 1
            cell = row * cols + a
        else:
            cell = a
        piece = (s.to_play + 1).astype(np.int8)
        board = s.board.copy()
        flat = board.reshape(B, -1)
        flat[idx, cell] = piece
        lines = flat[idx[:, None, None], self._cell_wins[cell]]  # (B, width, k)
        won = (lines == piece[:, None, None]).all(axis=2).any(axis=1)
        moves = s.moves + 1
        outcome = np.where(won, s.to_play, np.where(moves >= rows * cols, DRAW, ONGOING)).astype(
            np.int8
        )
        return BoardState(
            board=board, to_play=(1 - s.to_play).astype(np.int8), moves=moves, outcome=outcome
        )

    def _outcome_of_boards(
        self, board: npt.NDArray[np.int8], to_play: npt.NDArray[np.int8]
    ) -> npt.NDArray[np.int8]:
        B = board.shape[0]
        flat = board.reshape(B, -1)
        lines = flat[:, self._wins]  # (B, W, k)
        win0 = (lines == 1).all(axis=2).any(axis=1)
        win1 = (lines == 2).all(axis=2).any(axis=1)
        if (win0 & win1).any():
            raise ValueError("a board where both players have a line cannot arise in play")
        if self.gravity:
            below_empty = (board[:, 1:, :] == 0) & (board[:, :-1, :] != 0)
            if below_empty.any():
                raise ValueError(f"{self.name}: a piece floats above an empty cell")
        full = (flat != 0).all(axis=1)
        return np.where(win0, WIN0, np.where(win1, WIN1, np.where(full, DRAW, ONGOING))).astype(
            np.int8
        )

    def _playouts_by_permutation(
        self, me: npt.NDArray[np.uint64], them: npt.NDArray[np.uint64], gen: np.random.Generator
    ) -> npt.NDArray[np.float64]:
        """All plies at once, without gravity: results for the player to move.

        Picking a uniformly random empty cell at every ply is playing the empty
        cells in a uniformly random order; so each row draws one order, the
        two players' boards after every ply are cumulative ORs, and the winner
        is whoever completes a line first.
        """
        cells = self._bit.size
        occupied = me | them
        empty = ((occupied[:, None] >> self._bit) & np.uint64(1)) == 0  # (B, cells)
        order = np.argsort(np.where(empty, gen.random(empty.shape), 2.0), axis=1)
        n_empty = empty.sum(axis=1)
        plies = np.arange(cells)
        bits = np.where(plies < n_empty[:, None], self._weights[order], np.uint64(0))
        mine = np.where(plies % 2 == 0, bits, np.uint64(0))
        theirs = np.where(plies % 2 == 1, bits, np.uint64(0))
        me_won = self._has_line(me[:, None] | np.bitwise_or.accumulate(mine, axis=1))
        them_won = self._has_line(them[:, None] | np.bitwise_or.accumulate(theirs, axis=1))
        never = cells + 1
        first_me = np.where(me_won.any(axis=1), np.argmax(me_won, axis=1), never)
        first_them = np.where(them_won.any(axis=1), np.argmax(them_won, axis=1), never)
        return np.where(first_me < first_them, 1.0, np.where(first_them < first_me, -1.0, 0.0))

    def _int_line(self, p: int) -> bool:
        if self._line_list is not None:
            return self._line_list[p]
        for sh in self._int_shifts:
            m = p & (p >> sh)
            if m & (m >> (2 * sh)):
                return True
        return False

    def _playout_int(self, me: int, them: int, moves: int, u: npt.NDArray[np.float64]) -> float:
        """One random playout on Python-int bitboards; the result for the player to move.

        ``u`` holds one uniform number a ply: the move is the ``floor(u * n)``-th
        of the ``n`` legal ones in column (cell) order, the same law as the
        array path's random argmax.
        """
        cells = len(self._int_bits)
        result = 1.0  # flips each ply: the result is for the player to move at the start
        ply = 0
        while True:
            occupied = me | them
            if self.gravity:
                options = [c for c, top in enumerate(self._int_top) if not occupied & top]
                col = options[int(u[ply] * len(options))]
                bit = (occupied + self._int_bottom[col]) & ~occupied & self._int_colmask[col]
            else:
                options = [b for b in self._int_bits if not occupied & b]
                bit = options[int(u[ply] * len(options))]
            me |= bit
            moves += 1
            ply += 1
            if self._int_line(me):
                return result
            if moves >= cells:
                return 0.0
            me, them = them, me
            result = -result


class TicTacToe(_KInARow):
    """Tic-tac-toe: 3x3, three in a row wins; actions are cells 0..8, row by row.

    A draw under perfect play (solved by exhaustive search; see
    :func:`cooplab.selfplay.alphabeta.solve`).
    """

    name = "tic_tac_toe"
    num_actions = 9
    board_shape = (3, 3)
    max_moves = 9
    k = 3
    gravity = False


class ConnectFour(_KInARow):
    """Connect Four: 6 rows x 7 columns, pieces fall to the lowest empty cell, four in a row wins.

    Actions are columns 0..6; row 0 is the top. A first-player win under
    perfect play, by starting in the centre column (Allis 1988, "A
    knowledge-based approach of Connect-Four"; Allen 1989).
    """

    name = "connect_four"
    num_actions = 7
    board_shape = (6, 7)
    max_moves = 42
    k = 4
    gravity = True

    def _header(self) -> str:
        return " ".join(str(c) for c in range(self.board_shape[1]))

    def heuristic(self, s: BoardState) -> npt.NDArray[np.float64]:
        """Open lines: windows holding only the mover's pieces count for, the opponent's against.

        Each window with ``n`` of one player's pieces and the rest empty scores
        ``n**2``; the sum is squashed into (-1, 1) by ``tanh(score / 64)``.
        """
        s = _as_state(s, self)
        lines = s.board.reshape(s.batch, -1)[:, self._wins]  # (B, W, 4)
        own = (s.to_play + 1).astype(np.int8)[:, None, None]
        n_own = (lines == own).sum(axis=2)
        n_opp = ((lines != own) & (lines != 0)).sum(axis=2)
        score = np.where(n_opp == 0, n_own**2, 0).sum(axis=1) - np.where(
            n_own == 0, n_opp**2, 0
        ).sum(axis=1)
        return np.tanh(score / 64.0)


# ---------------------------------------------------------------------------
# Othello 6x6
# ---------------------------------------------------------------------------
_DIRECTIONS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


class Othello6(BoardGame):
    """Othello (Reversi) on a 6x6 board.

    Player 0 is black (``X``), player 1 white (``O``); the game opens with
    white on c3 and d4, black on d3 and c4 (the centre four), and black
    moves first. A move places a disc that brackets a straight run of the
    opponent's discs against one of the mover's, in any of eight directions,
    and flips every run it brackets. A player without such a move must pass
    (action 36, legal only then); the game ends when neither can move, and the
    player with more discs wins. Under perfect play white wins 16-20
    (Feinstein 1993, solved by exhaustive search).

    Actions: cell ``row * 6 + col`` (coordinates ``a1``..``f6``, letter the
    column, digit the row from the top) and 36 for the pass.
    """

    name = "othello6"
    board_shape = (6, 6)
    num_actions = 37
    max_moves = 70  # 32 placements, and passes never come twice in a row
    pass_action = 36
    _infer_to_play = False

    def __init__(self) -> None:
        rows, cols = self.board_shape
        n = rows * cols
        ray_len = max(rows, cols) - 1
        # rays[cell, d, l]: the l-th cell from `cell` in direction d; n (an
        # always-empty sentinel) past the edge.
        rays = np.full((n, len(_DIRECTIONS), ray_len), n, dtype=np.int64)
        for cell in range(n):
            r, c = divmod(cell, cols)
            for d, (dr, dc) in enumerate(_DIRECTIONS):
                for i in range(ray_len):
                    rr, cc = r + (i + 1) * dr, c + (i + 1) * dc
                    if 0 <= rr < rows and 0 <= cc < cols:
                        rays[cell, d, i] = rr * cols + cc
        self._rays = rays
        self._ray_len = ray_len
        # Bitboards: cell (r, c) is bit 8 r + c; the two spare columns and rows
        # of the 8x8 layout are outside `_valid`, so shifted runs never wrap.
        self._cell_shift = np.array(
            [8 * r + c for r in range(rows) for c in range(cols)], dtype=np.uint64
        )
        self._cell_bits = np.left_shift(np.uint64(1), self._cell_shift)
        self._valid = np.uint64(int(np.bitwise_or.reduce(self._cell_bits)))
        self._bit_shifts = tuple(
            (dr * 8 + dc > 0, np.uint64(abs(dr * 8 + dc))) for dr, dc in _DIRECTIONS
        )
        self._int_shifts = tuple((left, int(amount)) for left, amount in self._bit_shifts)
        self._int_cells = [int(b) for b in self._cell_bits]
        self._int_valid = int(self._valid)

    def _opening(self) -> npt.NDArray[np.int8]:
        b = np.zeros(self.board_shape, dtype=np.int8)
        m = self.board_shape[0] // 2
        b[m - 1, m - 1] = b[m, m] = 2
        b[m - 1, m] = b[m, m - 1] = 1
        return b

    def _opening_pieces(self) -> int:
        return 4

    @staticmethod
    def _extended(board: npt.NDArray[np.int8]) -> npt.NDArray[np.int8]:
        B = board.shape[0]
        return np.concatenate([board.reshape(B, -1), np.zeros((B, 1), np.int8)], axis=1)

    def _bracketed(
        self, vals: npt.NDArray[np.int8], piece: npt.NDArray[np.int8]
    ) -> npt.NDArray[np.bool_]:
        """For rays ``vals (..., L)`` from a cell, the cells a disc there would flip."""
        p = piece.reshape(piece.shape + (1,) * (vals.ndim - 1))
        opp = vals == (3 - p)
        run = np.cumprod(opp, axis=-1, dtype=np.int8).astype(bool)  # the leading opponent run
        n = run.sum(axis=-1)
        own = vals == p
        after = np.take_along_axis(own, np.minimum(n, self._ray_len - 1)[..., None], axis=-1)[
            ..., 0
        ]
        closed = (n >= 1) & (n < self._ray_len) & after
        return run & closed[..., None]

    def _placements(
        self, board: npt.NDArray[np.int8], to_play: npt.NDArray[np.int8]
    ) -> npt.NDArray[np.bool_]:
        """``(B, 36)``: the cells where the player ``to_play`` may place a disc."""
        if board.shape[0] >= _OTHELLO_BITS_FROM:
            return self._placements_bits(board, to_play)
        return self._placements_rays(board, to_play)

    def _placements_bits(
        self, board: npt.NDArray[np.int8], to_play: npt.NDArray[np.int8]
    ) -> npt.NDArray[np.bool_]:
        """:meth:`_placements` on bitboards (an 8x8 layout, the spare columns stop wraps).

        From the mover's discs, runs of opponent discs are grown along each
        direction by shifts; a move is an empty cell just past such a run
        (the move generator of bitboard Othello programs).
        """
        B = board.shape[0]
        flat = board.reshape(B, -1)
        own = (to_play + 1).astype(np.int8)[:, None]
        me = ((flat == own).astype(np.uint64) * self._cell_bits).sum(axis=1, dtype=np.uint64)
        opp = (((flat != own) & (flat != 0)).astype(np.uint64) * self._cell_bits).sum(
            axis=1, dtype=np.uint64
        )
        empty = self._valid & ~(me | opp)
        moves = np.zeros(B, dtype=np.uint64)
        valid = self._valid
        for left, amount in self._bit_shifts:
            x = (((me << amount) if left else (me >> amount)) & valid) & opp
            for _ in range(self.board_shape[0] - 3):  # runs of up to rows - 2 discs
                x |= (((x << amount) if left else (x >> amount)) & valid) & opp
            moves |= (((x << amount) if left else (x >> amount)) & valid) & empty
        return ((moves[:, None] >> self._cell_shift) & np.uint64(1)).astype(bool)

    def _placements_rays(
        self, board: npt.NDArray[np.int8], to_play: npt.NDArray[np.int8]
    ) -> npt.NDArray[np.bool_]:
        """:meth:`_placements` by gathering the eight rays of every cell (fewer calls)."""
        ext = self._extended(board)
        vals = ext[:, self._rays]  # (B, 36, 8, L)
        piece = (to_play + 1).astype(np.int8)
        flips = self._bracketed(vals, piece)
        return flips.any(axis=(2, 3)) & (ext[:, :-1] == 0)

    def _legal(self, s: BoardState) -> npt.NDArray[np.bool_]:
        place = self._placements(s.board, s.to_play)
        ongoing = s.outcome == ONGOING
        place &= ongoing[:, None]
        pass_ok = ongoing & ~place.any(axis=1)
        return np.concatenate([place, pass_ok[:, None]], axis=1)

    def _step(self, s: BoardState, a: npt.NDArray[np.int64]) -> BoardState:
        return self._advance(s, a)[0]

    def _advance(
        self, s: BoardState, a: npt.NDArray[np.int64]
    ) -> tuple[BoardState, npt.NDArray[np.bool_]]:
        """The step, and the next mover's placements ``(B, 36)`` it computes anyway."""
        B = s.batch
        rows, cols = self.board_shape
        n = rows * cols
        place = a != self.pass_action
        ext = self._extended(s.board)
        piece = (s.to_play + 1).astype(np.int8)
        if place.any():
            idx = np.flatnonzero(place)
            cells = a[idx]
            vals = ext[idx[:, None, None], self._rays[cells]]  # (P, 8, L)
            flips = self._bracketed(vals, piece[idx])
            targets = np.where(flips, self._rays[cells], n)  # sentinel where no flip
            rows_idx = np.broadcast_to(idx[:, None, None], targets.shape)
            ext[rows_idx, targets] = np.broadcast_to(piece[idx][:, None, None], targets.shape)
            ext[idx, cells] = piece[idx]
            ext[:, n] = 0
        board = ext[:, :n].reshape(B, rows, cols).copy()
        nxt = (1 - s.to_play).astype(np.int8)
        moves = s.moves + 1
        place_next = self._placements(board, nxt)
        outcome = np.full(B, ONGOING, dtype=np.int8)
        stuck = ~place_next.any(axis=1)
        if stuck.any():
            me_can = self._placements(board[stuck], s.to_play[stuck]).any(axis=1)
            over = np.flatnonzero(stuck)[~me_can]
            outcome[over] = self._score_outcome(board[over])
        state = BoardState(board=board, to_play=nxt, moves=moves, outcome=outcome)
        return state, place_next

    def random_playouts(self, s: BoardState, rng: RngLike = None) -> npt.NDArray[np.float64]:
        # As the generic playout, but each step's placements serve as the next legal
        # mask (a few playouts at once: one by one on Python-int bitboards).
        s = _as_state(s, self)
        gen = as_generator(rng)
        out = self.returns(s)[:, 0]
        idx = np.flatnonzero(s.outcome == ONGOING)
        if 0 < idx.size <= _SMALL_BATCH:
            u = gen.random((idx.size, self.max_moves))
            flat = s.board[idx].reshape(idx.size, -1)
            for j, i in enumerate(idx):
                black = sum(self._int_cells[c] for c in np.flatnonzero(flat[j] == 1))
                white = sum(self._int_cells[c] for c in np.flatnonzero(flat[j] == 2))
                if s.to_play[i] == 0:
                    out[i] = self._playout_int(black, white, u[j])
                else:
                    out[i] = -self._playout_int(white, black, u[j])
            return out
        cur = s.take(idx)
        place = self._placements(cur.board, cur.to_play)
        while idx.size:
            # the legal mask of the generic playout, so the same seed plays the same games
            mask = np.concatenate([place, ~place.any(axis=1)[:, None]], axis=1)
            a = np.argmax(gen.random(mask.shape) * mask, axis=1)
            cur, place = self._advance(cur, a)
            done = cur.outcome != ONGOING
            if done.any():
                o = cur.outcome[done]
                out[idx[done]] = np.where(o == WIN0, 1.0, np.where(o == WIN1, -1.0, 0.0))
                keep = ~done
                idx, cur, place = idx[keep], cur.take(keep), place[keep]
        return out

    def _int_shift(self, x: int, left: bool, amount: int) -> int:
        return ((x << amount) if left else (x >> amount)) & self._int_valid

    def _int_moves(self, me: int, opp: int) -> int:
        empty = self._int_valid & ~(me | opp)
        moves = 0
        for left, amount in self._int_shifts:
            x = self._int_shift(me, left, amount) & opp
            for _ in range(self.board_shape[0] - 3):
                x |= self._int_shift(x, left, amount) & opp
            moves |= self._int_shift(x, left, amount) & empty
        return moves

    def _int_flips(self, me: int, opp: int, bit: int) -> int:
        flips = 0
        for left, amount in self._int_shifts:
            run, x = 0, self._int_shift(bit, left, amount)
            while x & opp:
                run |= x
                x = self._int_shift(x, left, amount)
            if x & me:
                flips |= run
        return flips

    def _playout_int(self, me: int, opp: int, u: npt.NDArray[np.float64]) -> float:
        """One random playout on Python-int bitboards; the result for the player to move.

        ``u`` holds a uniform number a ply: the move is the ``floor(u * n)``-th of
        the ``n`` legal placements in cell order (a forced pass when ``n = 0``).
        """
        sign, ply = 1.0, 0  # sign: +1 while the original mover is `me`
        while True:
            moves = self._int_moves(me, opp)
            if not moves:
                if not self._int_moves(opp, me):  # neither can move: count discs
                    diff = me.bit_count() - opp.bit_count()
                    return sign * (1.0 if diff > 0 else -1.0 if diff < 0 else 0.0)
            else:
                options = [b for b in self._int_cells if moves & b]
                bit = options[int(u[ply] * len(options))]
                flips = self._int_flips(me, opp, bit)
                me |= bit | flips
                opp &= ~flips
            ply += 1
            me, opp = opp, me
            sign = -sign

    @staticmethod
    def _score_outcome(board: npt.NDArray[np.int8]) -> npt.NDArray[np.int8]:
        n0 = (board == 1).sum(axis=(1, 2))
        n1 = (board == 2).sum(axis=(1, 2))
        return np.where(n0 > n1, WIN0, np.where(n1 > n0, WIN1, DRAW)).astype(np.int8)

    def _outcome_of_boards(
        self, board: npt.NDArray[np.int8], to_play: npt.NDArray[np.int8]
    ) -> npt.NDArray[np.int8]:
        can = self._placements(board, to_play).any(axis=1)
        other = self._placements(board, (1 - to_play).astype(np.int8)).any(axis=1)
        over = ~can & ~other
        out = np.full(board.shape[0], ONGOING, dtype=np.int8)
        if over.any():
            out[over] = self._score_outcome(board[over])
        return out

    def disc_counts(self, s: BoardState) -> npt.NDArray[np.int64]:
        """``(B, 2)``: discs of players 0 and 1."""
        s = _as_state(s, self)
        return np.stack([(s.board == 1).sum(axis=(1, 2)), (s.board == 2).sum(axis=(1, 2))], 1)

    def heuristic(self, s: BoardState) -> npt.NDArray[np.float64]:
        """Corners weigh 5, other discs 1; the mover's minus the opponent's, squashed by tanh."""
        s = _as_state(s, self)
        w = np.ones(self.board_shape)
        w[0, 0] = w[0, -1] = w[-1, 0] = w[-1, -1] = 5.0
        own = (s.to_play + 1).astype(np.int8)[:, None, None]
        mine = ((s.board == own) * w).sum(axis=(1, 2))
        theirs = (((s.board != own) & (s.board != 0)) * w).sum(axis=(1, 2))
        return np.tanh((mine - theirs) / 16.0)

    symbols = ".XO"

    def action_to_string(self, action: int) -> str:
        action = int(action)
        if action == self.pass_action:
            return "pass"
        if not 0 <= action < self.num_actions:
            return str(action)
        r, c = divmod(action, self.board_shape[1])
        return f"{'abcdef'[c]}{r + 1}"

    def _parse_coordinates(self, text: str) -> int:
        if text == "pass":
            return self.pass_action
        if len(text) == 2 and text[0] in "abcdef" and text[1] in "123456":
            return (int(text[1]) - 1) * self.board_shape[1] + "abcdef".index(text[0])
        raise ValueError(
            f"{text!r} is not an action of {self.name}: type a cell like c4 (column a-f, "
            f"row 1-6), its number 0..35, or pass"
        )

    def _header(self) -> str:
        return "  " + " ".join("abcdef"[: self.board_shape[1]])

    def _row_label(self, r: int) -> str:
        return f"{r + 1} "


#: The board games, by name (``tic-tac-toe`` and ``tic_tac_toe`` both find one).
BOARD_GAMES: Registry[BoardGame] = Registry(
    "board game",
    (TicTacToe(), ConnectFour(), Othello6()),
    key=lambda g: g.name.replace("_", "-"),
)


def get_board_game(name: str | BoardGame) -> BoardGame:
    """The board game called ``name`` (``"tic_tac_toe"``, ``"connect_four"``, ``"othello6"``).

    A :class:`BoardGame` is returned as is. Unknown names raise
    :class:`~cooplab.runtime.registry.UnknownNameError` (a ``ValueError``)
    listing the known ones.
    """
    if isinstance(name, BoardGame):
        return name
    if not isinstance(name, str):
        raise TypeError(f"a board game is named by a string; got {type(name).__name__}")
    return BOARD_GAMES[name]
