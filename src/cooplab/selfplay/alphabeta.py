"""Exact and depth-limited search: negamax with alpha-beta, move ordering and a transposition table.

Negamax (Knuth & Moore 1975, "An analysis of alpha-beta pruning") scores a
position for the player to move as the maximum over moves of minus the score
of the position after the move; alpha-beta prunes the moves that cannot change
the result. Three things make it fast enough to solve tic-tac-toe from the
opening and Connect Four from a few plies before the end:

- **move ordering**: winning moves first, then the transposition table's best
  move, then moves by the game's static evaluation (Connect Four: the centre
  first), so the best move tends to come first and cut the rest;
- **a transposition table** keyed by the position (:meth:`BoardGame.key`),
  storing a value with its bound type (exact, lower, upper) and the depth it
  was searched to (Greenblatt et al. 1967; Marsland 1986);
- **batched children**: a node's children are made by one batched
  :meth:`BoardGame.step`, and their terminal tests and static evaluations are
  array operations.

Values are for the player to move: +1 a win, -1 a loss, 0 a draw when the
search reaches the end of the game; a depth-limited search scores its
frontier with :meth:`BoardGame.heuristic`, in (-1, 1).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.board import BoardGame, BoardState, get_board_game

__all__ = ["AlphaBeta", "SolveResult", "solve"]

_EXACT, _LOWER, _UPPER = 0, 1, 2
_INF_DEPTH = 10**9
_EXACT_TABLES: dict[str, dict[bytes, tuple[int, float, int, int]]] = {}


@dataclass(frozen=True)
class SolveResult:
    """The result of a search from one position.

    Attributes
    ----------
    value
        The value for the player to move (exact in {-1, 0, 1} when ``exact``).
    best_moves
        The moves that achieve ``value`` (all of them when the search scored
        every root move, see ``all_moves``).
    action_values
        ``(A,)`` the value of each legal root move for the player to move
        (NaN for illegal ones), or ``None`` when only the best move was sought.
    exact
        Whether the search reached the end of the game on every line that
        mattered (no heuristic frontier).
    nodes
        Positions expanded.
    depth
        The depth limit, ``None`` for a full solve.
    """

    value: float
    best_moves: tuple[int, ...]
    action_values: npt.NDArray[np.float64] | None
    exact: bool
    nodes: int
    depth: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "best_moves": list(self.best_moves),
            "action_values": None if self.action_values is None else self.action_values.tolist(),
            "exact": self.exact,
            "nodes": self.nodes,
            "depth": self.depth,
        }


@dataclass
class AlphaBeta:
    """A searcher with a transposition table kept across calls.

    Parameters
    ----------
    game
        The board game or its name.
    depth
        Plies to search before scoring with the heuristic; ``None`` searches
        to the end of the game (exact).
    max_table
        Entries the transposition table may hold before it is cleared.
    table
        The transposition table; by default exact searches of a game share
        one per process and depth-limited ones get their own.

    Examples
    --------
    >>> ab = AlphaBeta("tic_tac_toe")
    >>> r = ab.solve(ab.game.initial_states())
    >>> r.value, r.exact        # tic-tac-toe is a draw
    (0.0, True)
    """

    game: BoardGame | str
    depth: int | None = None
    max_table: int = 2_000_000
    table: dict[bytes, tuple[int, float, int, int]] = field(default=None, repr=False)  # type: ignore[assignment]
    nodes: int = 0
    _heuristic_used: bool = False

    def __post_init__(self) -> None:
        self.game = get_board_game(self.game)
        if self.table is None:
            # Exact values are facts about positions: every exact searcher of a game
            # shares one table (the perfect player solves tic-tac-toe once per process).
            # Pass table={} for a private one.
            self.table = _EXACT_TABLES.setdefault(self.game.name, {}) if self.depth is None else {}
        if self.depth is not None and (
            isinstance(self.depth, bool)
            or not isinstance(self.depth, numbers.Integral)
            or self.depth < 1
        ):
            raise ValueError(f"depth must be a positive integer or None; got {self.depth!r}")

    # -- public --------------------------------------------------------------
    def solve(self, state: BoardState, *, all_moves: bool = True) -> SolveResult:
        """Search ``state`` (batch 1).

        With ``all_moves`` (the default) every root move is searched with a
        full window, so ``best_moves`` lists all optimal moves and
        ``action_values`` scores each one; otherwise only the value and one
        best move are exact.
        """
        game = self._game
        if not isinstance(state, BoardState):
            raise TypeError(f"state must be a BoardState; got {type(state).__name__}")
        if state.batch != 1:
            raise ValueError(f"solve searches one position (batch 1); got a batch of {state.batch}")
        if game.is_terminal(state)[0]:
            raise ValueError("cannot search a finished game: the position is terminal")
        if len(self.table) > self.max_table:
            self.table.clear()
        depth = _INF_DEPTH if self.depth is None else int(self.depth)
        nodes0 = self.nodes
        self._heuristic_used = False
        legal = np.flatnonzero(game.legal_mask(state)[0])
        if all_moves:
            children = game.step(state.take(np.zeros(legal.size, dtype=np.int64)), legal)
            values = np.full(game.num_actions, np.nan)
            over = game.is_terminal(children)
            mover = int(state.to_play[0])
            rets = game.returns(children)[:, mover]
            for i, a in enumerate(legal):
                if over[i]:
                    values[a] = rets[i]
                elif depth <= 1:
                    values[a] = -float(game.heuristic(children[i])[0])
                    self._heuristic_used = True
                else:
                    values[a] = -self._negamax(children[i], depth - 1, -1.0, 1.0)
            self.nodes += 1
            values += 0.0  # -0.0 (minus a draw) reads as 0.0
            best = float(np.nanmax(values))
            best_moves = tuple(int(a) for a in legal if values[a] >= best - 1e-12)
            action_values: npt.NDArray[np.float64] | None = values
        else:
            best = self._negamax(state, depth, -1.0, 1.0)
            entry = self.table.get(game.key(state)[0])
            best_moves = (int(entry[3]),) if entry is not None and entry[3] >= 0 else ()
            action_values = None
        return SolveResult(
            value=float(best) + 0.0,  # no negative zero
            best_moves=best_moves,
            action_values=action_values,
            exact=not self._heuristic_used,
            nodes=self.nodes - nodes0,
            depth=self.depth,
        )

    @property
    def _game(self) -> BoardGame:
        assert isinstance(self.game, BoardGame)
        return self.game

    # -- the search -------------------------------------------------------------
    def _order(
        self, game: BoardGame, legal: npt.NDArray[np.int64], children: BoardState, tt_move: int
    ) -> npt.NDArray[np.int64]:
        """Children indices, most promising first: the table's move, then by -heuristic."""
        score = -game.heuristic(children)
        if game.name == "connect_four":
            score = score - 0.01 * np.abs(legal - 3)  # centre columns first
        if tt_move >= 0:
            score = np.where(legal == tt_move, np.inf, score)
        return np.argsort(-score, kind="stable")

    def _negamax(self, s: BoardState, depth: int, alpha: float, beta: float) -> float:
        game = self._game
        self.nodes += 1
        key = game.key(s)[0]
        alpha0 = alpha
        entry = self.table.get(key)
        tt_move = -1
        if entry is not None:
            e_depth, e_value, e_flag, tt_move = entry
            if e_depth >= depth:
                if e_depth < _INF_DEPTH:
                    self._heuristic_used = True  # a value that rests on a frontier
                if e_flag == _EXACT:
                    return e_value
                if e_flag == _LOWER:
                    alpha = max(alpha, e_value)
                elif e_flag == _UPPER:
                    beta = min(beta, e_value)
                if alpha >= beta:
                    return e_value
        legal = np.flatnonzero(game.legal_mask(s)[0])
        children = game.step(s.take(np.zeros(legal.size, dtype=np.int64)), legal, validate=False)
        over = game.is_terminal(children)
        mover = int(s.to_play[0])
        rets = game.returns(children)[:, mover]
        # A move that wins at once is the best there is.
        wins = over & (rets > 0)
        if wins.any():
            a = int(legal[np.flatnonzero(wins)[0]])
            self._store(key, _INF_DEPTH, 1.0, _EXACT, a)
            return 1.0
        best, best_move = -math.inf, -1
        heur = None
        if depth <= 1:
            heur = -game.heuristic(children)
        order = self._order(game, legal, children, tt_move)
        outer_used, self._heuristic_used = self._heuristic_used, False
        for i in order:
            if over[i]:
                v = float(rets[i])
            elif heur is not None:
                v = float(heur[i])
                self._heuristic_used = True
            else:
                v = -self._negamax(children[i], depth - 1, -beta, -alpha)
            if v > best:
                best, best_move = v, int(legal[i])
            alpha = max(alpha, v)
            if alpha >= beta:
                break
        flag = _UPPER if best <= alpha0 else _LOWER if best >= beta else _EXACT
        # A value found without any heuristic frontier holds at every depth.
        stored_depth = depth if self._heuristic_used else _INF_DEPTH
        self._heuristic_used = outer_used or self._heuristic_used
        self._store(key, stored_depth, best, flag, best_move)
        return best

    def _store(self, key: bytes, depth: int, value: float, flag: int, move: int) -> None:
        self.table[key] = (depth, value, flag, move)


def solve(
    game: BoardGame | str,
    state: BoardState,
    depth: int | None = None,
    *,
    all_moves: bool = True,
) -> SolveResult:
    """Search one position with a fresh :class:`AlphaBeta`.

    Parameters
    ----------
    game
        The board game or its name.
    state
        One position (batch 1), not terminal.
    depth
        Plies before the heuristic scores the frontier; ``None`` for an exact solve.
    all_moves
        Score every root move (all optimal moves listed) or only find one.

    Examples
    --------
    >>> from cooplab.games.board import get_board_game
    >>> ttt = get_board_game("tic_tac_toe")
    >>> solve(ttt, ttt.play([0, 4, 8])).best_moves   # O must take an edge
    (1, 3, 5, 7)
    """
    return AlphaBeta(game, depth).solve(state, all_moves=all_moves)
