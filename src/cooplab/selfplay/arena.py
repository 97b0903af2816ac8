"""Matches between agents, both sides, and Elo ratings with confidence intervals.

:func:`play_games` plays many games of one pairing at once: at each ply the
positions where one agent is to move go to its ``act_batch`` together (an
MCTS agent searches them as one batch of trees). :func:`play_match` plays
half the games with each agent first. :func:`run_arena` plays every pair of
a list of agents and fits Elo ratings.

Elo
---
The Bradley-Terry model with Elo's scale (Elo 1978; Bradley & Terry 1952):
agent ``i`` scores against ``j`` with probability
``1 / (1 + 10 ** ((R_j - R_i) / 400))``, a draw counting half a win. The
ratings maximise the likelihood of the observed scores (Newton's method; the
log-likelihood is concave), with ``prior_draws`` virtual draws per pair that
played so that a perfect score gives a finite rating (the device of Coulom's
BayesElo). One agent is the anchor at 0. Confidence intervals come from a
parametric bootstrap over games (each pair's results resampled from its
observed win/draw/loss frequencies, the ratings refitted); the standard error
from the Hessian is reported beside them.
"""

from __future__ import annotations

import dataclasses
import numbers
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.board import BoardGame, BoardState, get_board_game
from cooplab.runtime.progress import ProgressFn
from cooplab.runtime.rng import RngLike, as_generator
from cooplab.selfplay.agents import BaseAgent, check_action, make_agent

__all__ = [
    "ArenaResult",
    "EloFit",
    "GamesRecord",
    "MatchResult",
    "fit_elo",
    "play_games",
    "play_match",
    "run_arena",
]

_K = np.log(10.0) / 400.0


@dataclass(frozen=True)
class GamesRecord:
    """Games between two agents, as arrays over games.

    Attributes
    ----------
    players
        The agents' names, ``(first listed, second listed)``.
    first
        ``(G,)`` which agent (0 or 1 in ``players``) moved first.
    score
        ``(G,)`` the return of agent 0 of ``players``: +1, 0 or -1.
    length
        ``(G,)`` moves played.
    moves
        ``(G, max_moves)`` the actions, -1 after the end.
    """

    players: tuple[str, str]
    first: npt.NDArray[np.int64]
    score: npt.NDArray[np.float64]
    length: npt.NDArray[np.int64]
    moves: npt.NDArray[np.int64]

    def to_dict(self) -> dict[str, Any]:
        return {
            "players": list(self.players),
            "first": self.first.tolist(),
            "score": self.score.tolist(),
            "length": self.length.tolist(),
        }


def _replace_rows(s: BoardState, rows: npt.NDArray[np.int64], new: BoardState) -> BoardState:
    out = {}
    for f in dataclasses.fields(BoardState):
        arr = getattr(s, f.name).copy()
        arr[rows] = getattr(new, f.name)
        out[f.name] = arr
    return BoardState(**out)


def _count(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def play_games(
    game: BoardGame | str,
    agent_a: BaseAgent | str,
    agent_b: BaseAgent | str,
    first: Sequence[int] | npt.ArrayLike,
    rng: RngLike = None,
    *,
    on_move: Any = None,
) -> GamesRecord:
    """Play ``len(first)`` games of ``agent_a`` against ``agent_b`` at once.

    Parameters
    ----------
    game
        The board game or its name.
    agent_a, agent_b
        Agents or specs (:func:`~cooplab.selfplay.agents.make_agent`). The same
        agent object on both sides is self-play: it then moves in all games
        at once (one batch of positions a ply).
    first
        ``(G,)`` 0 where ``agent_a`` moves first, 1 where ``agent_b`` does.
    rng
        Seed or generator; each agent gets its own child stream.
    on_move
        Optional ``on_move(states, actions, live)`` called after each ply
        (the CLI shows the board to a human this way).

    Raises
    ------
    IllegalMoveError
        When a program agent proposes an illegal move (a human is re-prompted).
    """
    g = get_board_game(game)
    agents = (make_agent(agent_a), make_agent(agent_b))
    first = np.asarray(first, dtype=np.int64).reshape(-1)
    if not np.isin(first, (0, 1)).all():
        raise ValueError(f"first must hold 0 (agent a first) or 1 (agent b first); got {first}")
    n = first.size
    gen = as_generator(rng)
    rngs = gen.spawn(2)
    s = g.initial_states(max(n, 1))
    moves = np.full((n, g.max_moves), -1, dtype=np.int64)
    ply = 0
    while n and not g.is_terminal(s).all():
        live = ~g.is_terminal(s)
        # agent index to move in each game: player p is agent (first + p) % 2
        who = (first + s.to_play) % 2
        actions = np.zeros(n, dtype=np.int64)
        if agents[0] is agents[1]:
            # Self-play: one agent moves in every game, all positions in one call.
            who = np.zeros_like(who)
        for k, agent in enumerate(agents):
            rows = np.flatnonzero(live & (who == k))
            if rows.size:
                sub = s.take(rows)
                actions[rows] = check_action(agent, g, sub, agent.act_batch(g, sub, rngs[k]))
        rows = np.flatnonzero(live)
        s = _replace_rows(s, rows, g.step(s.take(rows), actions[rows], validate=False))
        moves[rows, ply] = actions[rows]
        ply += 1
        if on_move is not None:
            on_move(s, actions, live)
    r = g.returns(s)[:n]
    # agent a is player 0 where first == 0, player 1 where first == 1
    score = np.where(first == 0, r[:, 0], r[:, 1]) if n else np.zeros(0)
    return GamesRecord(
        players=(agents[0].name, agents[1].name),
        first=first,
        score=score,
        length=s.moves[:n].astype(np.int64),
        moves=moves,
    )


@dataclass(frozen=True)
class MatchResult:
    """A match: wins, draws and losses of agent ``a`` against agent ``b``, each side."""

    a: str
    b: str
    games: int
    wins: int
    draws: int
    losses: int
    wins_first: int  # a's wins when a moved first
    losses_first: int
    wins_second: int
    losses_second: int
    record: GamesRecord

    @property
    def score(self) -> float:
        """a's mean score, a draw counting half."""
        return (self.wins + 0.5 * self.draws) / max(self.games, 1)

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "record"}
        d["score"] = self.score
        return d


def play_match(
    game: BoardGame | str,
    agent_a: BaseAgent | str,
    agent_b: BaseAgent | str,
    games: int = 2,
    rng: RngLike = None,
) -> MatchResult:
    """``games`` games, ``agent_a`` first in half of them (the extra one when odd).

    Examples
    --------
    >>> m = play_match("tic_tac_toe", "perfect", "random", games=10, rng=0)
    >>> m.losses                    # perfect play never loses
    0
    """
    n = _count("games", games)
    first = np.arange(n) % 2
    rec = play_games(game, agent_a, agent_b, first, rng)
    s, f = rec.score, rec.first
    return MatchResult(
        a=rec.players[0],
        b=rec.players[1],
        games=n,
        wins=int((s > 0).sum()),
        draws=int((s == 0).sum()),
        losses=int((s < 0).sum()),
        wins_first=int(((s > 0) & (f == 0)).sum()),
        losses_first=int(((s < 0) & (f == 0)).sum()),
        wins_second=int(((s > 0) & (f == 1)).sum()),
        losses_second=int(((s < 0) & (f == 1)).sum()),
        record=rec,
    )


# ---------------------------------------------------------------------------
# Elo
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EloFit:
    """Elo ratings fitted to a table of results.

    Attributes
    ----------
    names
        The agents.
    ratings
        ``(n,)`` Elo, the anchor at 0.
    se
        ``(n,)`` standard errors from the Hessian (relative to the anchor).
    ci_low, ci_high
        ``(n,)`` bootstrap percentile interval (``level``), or the Hessian's
        normal interval when ``n_bootstrap`` is 0.
    anchor
        The agent rated 0.
    """

    names: tuple[str, ...]
    ratings: npt.NDArray[np.float64]
    se: npt.NDArray[np.float64]
    ci_low: npt.NDArray[np.float64]
    ci_high: npt.NDArray[np.float64]
    anchor: str
    level: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "ratings": self.ratings.tolist(),
            "se": self.se.tolist(),
            "ci_low": self.ci_low.tolist(),
            "ci_high": self.ci_high.tolist(),
            "anchor": self.anchor,
            "level": self.level,
        }


def _fit(
    score: npt.NDArray[np.float64], games: npt.NDArray[np.float64], anchor: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Newton's method on the Bradley-Terry likelihood; ratings (Elo) and the Hessian."""
    n = score.shape[0]
    r = np.zeros(n)
    free = np.array([i for i in range(n) if i != anchor])
    hess = np.zeros((n, n))
    for _ in range(100):
        d = r[:, None] - r[None, :]
        p = 1.0 / (1.0 + np.exp(-_K * d))
        grad = _K * (score - games * p).sum(axis=1)
        w = games * p * (1 - p) * _K**2
        hess = w.copy()
        np.fill_diagonal(hess, -w.sum(axis=1) + np.diag(w))
        if free.size == 0:
            break
        h = hess[np.ix_(free, free)]
        step = np.linalg.solve(h, -grad[free])
        r[free] += step
        if np.abs(step).max() < 1e-9:
            break
    return r - r[anchor], hess


def fit_elo(
    wins: npt.ArrayLike,
    draws: npt.ArrayLike | None = None,
    names: Sequence[str] | None = None,
    *,
    anchor: int | str = 0,
    prior_draws: float = 1.0,
    n_bootstrap: int = 200,
    level: float = 0.95,
    rng: RngLike = None,
) -> EloFit:
    """Elo ratings from ``wins[i, j]`` (games ``i`` won against ``j``) and ``draws[i, j]``.

    Parameters
    ----------
    wins
        ``(n, n)`` counts.
    draws
        ``(n, n)`` symmetric counts, zeros by default.
    names
        The agents' names (``0..n-1`` by default).
    anchor
        The agent (index or name) rated 0.
    prior_draws
        Virtual draws added to each pair that played (> 0 keeps perfect scores finite).
    n_bootstrap
        Bootstrap refits for the interval; 0 gives the Hessian's normal interval.
    level
        The interval's coverage.
    rng
        Seed or generator for the bootstrap.

    Raises
    ------
    ValueError
        On negative or non-integer counts, asymmetric draws, or agents not
        connected by games (their relative rating is undetermined).

    Examples
    --------
    >>> fit = fit_elo([[0, 76], [24, 0]], n_bootstrap=0, prior_draws=0)
    >>> round(float(fit.ratings[1]))     # a 76% score is about 200 Elo
    -200
    """
    w = np.asarray(wins, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != w.shape[1] or w.shape[0] < 2:
        raise ValueError(f"wins must be a square (n, n) array with n >= 2; got shape {w.shape}")
    n = w.shape[0]
    d = np.zeros_like(w) if draws is None else np.asarray(draws, dtype=np.float64)
    if d.shape != w.shape:
        raise ValueError(f"draws must have the shape of wins {w.shape}; got {d.shape}")
    for name, arr in (("wins", w), ("draws", d)):
        if (arr < 0).any() or not np.all(np.mod(arr, 1) == 0):
            raise ValueError(f"{name} must be non-negative integer counts")
    if not np.allclose(d, d.T):
        raise ValueError("draws must be symmetric: a draw between i and j is one for each")
    if not (isinstance(prior_draws, numbers.Real) and prior_draws >= 0):
        raise ValueError(f"prior_draws must be a non-negative number; got {prior_draws!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    labels = tuple(names) if names is not None else tuple(str(i) for i in range(n))
    if len(labels) != n:
        raise ValueError(f"{len(labels)} names for {n} agents")
    if isinstance(anchor, str):
        if anchor not in labels:
            raise ValueError(f"anchor {anchor!r} is not one of the agents {list(labels)}")
        anchor = labels.index(anchor)
    if not 0 <= int(anchor) < n:
        raise ValueError(f"anchor index {anchor} out of range for {n} agents")
    anchor = int(anchor)
    np.fill_diagonal(w, 0)
    np.fill_diagonal(d, 0)
    played = (w + w.T + d) > 0
    # connectivity of the comparison graph
    seen = {0}
    frontier = [0]
    while frontier:
        i = frontier.pop()
        for j in np.flatnonzero(played[i]):
            if int(j) not in seen:
                seen.add(int(j))
                frontier.append(int(j))
    if len(seen) < n:
        missing = [labels[i] for i in range(n) if i not in seen]
        raise ValueError(
            f"agents {missing} played no games connecting them to {labels[0]}: their ratings "
            "are undetermined"
        )

    def fit(wv: npt.NDArray[np.float64], dv: npt.NDArray[np.float64]) -> Any:
        prior = prior_draws * played
        score = wv + 0.5 * (dv + prior)
        games = wv + wv.T + dv + prior
        return _fit(score, games, anchor)

    ratings, hess = fit(w, d)
    free = [i for i in range(n) if i != anchor]
    se = np.zeros(n)
    try:
        cov = np.linalg.inv(-hess[np.ix_(free, free)])
        se[free] = np.sqrt(np.clip(np.diag(cov), 0, None))
    except np.linalg.LinAlgError:
        se[free] = np.inf
    z = float(_normal_quantile(0.5 + level / 2))
    if n_bootstrap:
        gen = as_generator(rng)
        iu = np.triu_indices(n, 1)
        n_pair = (w + w.T + d)[iu].astype(np.int64)
        probs = np.stack([w[iu], w.T[iu], d[iu]], axis=1) / np.maximum(n_pair, 1)[:, None]
        boots = np.empty((int(n_bootstrap), n))
        for b in range(int(n_bootstrap)):
            wb = np.zeros_like(w)
            db = np.zeros_like(d)
            counts = np.array(
                [
                    gen.multinomial(k, p) if k else np.zeros(3, np.int64)
                    for k, p in zip(n_pair, probs, strict=True)
                ]
            )
            wb[iu] = counts[:, 0]
            wb[iu[1], iu[0]] = counts[:, 1]
            db[iu] = counts[:, 2]
            db[iu[1], iu[0]] = counts[:, 2]
            boots[b] = fit(wb, db)[0]
        alpha = (1 - level) / 2
        lo, hi = np.quantile(boots, [alpha, 1 - alpha], axis=0)
    else:
        lo, hi = ratings - z * se, ratings + z * se
    return EloFit(
        names=labels,
        ratings=ratings,
        se=se,
        ci_low=np.asarray(lo, dtype=np.float64),
        ci_high=np.asarray(hi, dtype=np.float64),
        anchor=labels[anchor],
        level=float(level),
    )


def _normal_quantile(q: float) -> float:
    return statistics.NormalDist().inv_cdf(q)


@dataclass(frozen=True)
class ArenaResult:
    """Every pair of agents played ``games_per_pair`` games, and the Elo fit.

    ``wins[i, j]`` counts games agent ``i`` won against ``j``; ``draws`` is symmetric.
    """

    game: str
    names: tuple[str, ...]
    games_per_pair: int
    wins: npt.NDArray[np.int64]
    draws: npt.NDArray[np.int64]
    elo: EloFit
    matches: tuple[MatchResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "game": self.game,
            "names": list(self.names),
            "games_per_pair": self.games_per_pair,
            "wins": self.wins.tolist(),
            "draws": self.draws.tolist(),
            "elo": self.elo.to_dict(),
            "matches": [m.to_dict() for m in self.matches],
        }


def run_arena(
    game: BoardGame | str,
    agents: Sequence[BaseAgent | str],
    games_per_pair: int = 20,
    rng: RngLike = None,
    *,
    anchor: int | str = 0,
    n_bootstrap: int = 200,
    progress: ProgressFn | None = None,
) -> ArenaResult:
    """A round robin: every pair plays ``games_per_pair`` games (both sides), then Elo.

    Examples
    --------
    >>> res = run_arena("tic_tac_toe", ["random", "perfect"], 8, rng=0, n_bootstrap=0)
    >>> res.elo.ratings[1] > res.elo.ratings[0]
    np.True_
    """
    g = get_board_game(game)
    built = [make_agent(a) for a in agents]
    if len(built) < 2:
        raise ValueError(f"an arena needs at least two agents; got {len(built)}")
    if any(getattr(a, "interactive", False) for a in built):
        raise ValueError("the arena plays programs only; use `cooplab play` to play a human")
    names = []
    for a in built:
        name, k = a.name, 2
        while name in names:  # the same spec twice: number the copies
            name, k = f"{a.name}#{k}", k + 1
        names.append(name)
    n_games = _count("games_per_pair", games_per_pair)
    n = len(built)
    gen = as_generator(rng)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    seeds = gen.spawn(len(pairs) + 1)
    wins = np.zeros((n, n), dtype=np.int64)
    draws = np.zeros((n, n), dtype=np.int64)
    matches = []
    for k, (i, j) in enumerate(pairs):
        m = play_match(g, built[i], built[j], n_games, seeds[k])
        wins[i, j] += m.wins
        wins[j, i] += m.losses
        draws[i, j] += m.draws
        draws[j, i] += m.draws
        matches.append(dataclasses.replace(m, a=names[i], b=names[j]))
        if progress is not None:
            progress(k + 1, len(pairs))
    elo = fit_elo(wins, draws, names, anchor=anchor, n_bootstrap=n_bootstrap, rng=seeds[-1])
    return ArenaResult(
        game=g.name,
        names=tuple(names),
        games_per_pair=n_games,
        wins=wins,
        draws=draws,
        elo=elo,
        matches=tuple(matches),
    )
