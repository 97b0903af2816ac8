"""Round-robin tournaments of the iterated 2x2 game.

:func:`round_robin` plays every pair of strategies (and each strategy against
its twin, when ``self_play``) once per repetition, with the array engine
(:func:`~cooplab.repeated.engine.play_matches`), in chunks of matches that an
:class:`~cooplab.runtime.executor.Executor` runs in this process, on a local
process pool or on Ray. Every match is seeded by its key ``(i, j, repetition)``
alone (:func:`~cooplab.repeated.engine.match_seeds`), so the result does not
depend on the backend, the number of workers or the chunking, and any match can
be replayed alone: match ``(i, j, r)``, ``i <= j``, is
``play_match(strategies[i], strategies[j], result.lengths[i, j, r],
seed=result.match_seed(i, j, r), noise=..., game=..., length_known=...)``.

Scoring conventions
-------------------
* The **payoff matrix** ``payoff_matrix[i, j]`` is the mean payoff *per turn*
  of ``i`` against ``j``, averaged over the repetitions, as the Axelrod
  library's ``ResultSet.payoff_matrix``. For the twin match (``i`` against a
  copy of itself, played once per repetition as ``(i, i)``) the entry is the
  mean of the two sides, as in the Axelrod library, where both rows of a
  self-interaction carry player index ``i``.
* A strategy's **score** in a repetition is its total payoff over all its
  matches, the twin included when ``self_play`` (its twin match counted once, at
  the mean of the two sides); its **normalised score** is the mean over those
  matches of the per-turn payoff. Axelrod (1980) counted the twin ("each entry
  was paired with each other entry, and with its own twin"), so the first
  tournament's published scores (TFT 504 per 200-turn game) are
  ``normalised_scores * 200`` with ``self_play=True``. The Axelrod library
  plays the twin but leaves it *out* of its scores, normalised scores and
  ranking (``ResultSet`` drops rows with player index = opponent index);
  ``self_play=False`` gives its numbers.
* The **ranking** orders strategies by mean normalised score (over the
  repetitions), highest first; scores equal to 10 decimal places are ties,
  broken by the order the strategies were given. (The Axelrod library ranks by
  the median over repetitions; with one repetition the two agree.)
* **Cooperation rates** count turns: cooperations over turns played, all
  matches pooled (both sides of the twin match).
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.normal_form import NormalFormGame
from cooplab.repeated.engine import MatchBatch, match_lengths, match_seeds, play_matches
from cooplab.repeated.match import MatchResult, _as_strategy, stage_payoffs
from cooplab.repeated.strategies.base import Strategy, actions_to_string, check_probability
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn

__all__ = ["TournamentResult", "round_robin", "tournament_keys"]

#: Matches per task when not given: enough tasks to balance the workers, few
#: enough that a task is worth sending. The engine's cost per turn (a few
#: array operations per table and per batched strategy) is shared by all the
#: matches of a task, so a task of fewer than ``MIN_CHUNK`` matches is not
#: worth splitting: a small tournament is one task.
MAX_CHUNK = 20_000
MIN_CHUNK = 2048


def _readonly(arr: npt.ArrayLike, dtype: Any = None) -> npt.NDArray[Any]:
    out = np.array(arr, dtype=dtype)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class TournamentResult:
    """The outcome of a round robin.

    Attributes
    ----------
    names : tuple of str
        The strategies' display names, in the order given.
    payoffs : array of float, shape (n, n, repetitions)
        ``payoffs[i, j, r]``: mean payoff per turn of ``i`` against ``j`` in
        repetition ``r`` (the twin: mean of both sides; nan where not played).
    totals : array of float, shape (n, n, repetitions)
        Total payoff of ``i`` against ``j`` (the twin: mean of both sides; 0
        where not played).
    cooperations : array of int, shape (n, n, repetitions)
        Turns ``i`` cooperated against ``j`` (the twin: both sides summed).
    lengths : array of int, shape (n, n, repetitions)
        Turns of each match (symmetric; 0 where not played).
    turns, delta, repetitions, noise, self_play, length_known, seed
        The settings (``seed`` is the one used, drawn when ``None`` was given).
    histories : dict or None
        With ``keep_histories``: ``(i, j, r) -> actions`` of shape (2, length),
        ``i <= j``, ``i`` first (use :meth:`match`).
    """

    names: tuple[str, ...]
    payoffs: npt.NDArray[np.float64]
    totals: npt.NDArray[np.float64]
    cooperations: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]
    turns: int | None
    delta: float | None
    repetitions: int
    noise: float
    self_play: bool
    length_known: bool
    seed: int
    game_tables: npt.NDArray[np.float64] = field(repr=False)
    histories: dict[tuple[int, int, int], npt.NDArray[np.int8]] | None = field(
        default=None, repr=False
    )

    @property
    def n_players(self) -> int:
        return len(self.names)

    @property
    def played(self) -> npt.NDArray[np.bool_]:
        """Which (i, j) pairs met, shape (n, n)."""
        mask = np.ones((self.n_players, self.n_players), dtype=bool)
        if not self.self_play:
            np.fill_diagonal(mask, False)
        return mask

    @property
    def payoff_matrix(self) -> npt.NDArray[np.float64]:
        """Mean payoff per turn of ``i`` against ``j`` over the repetitions, shape (n, n)."""
        out = np.full((self.n_players, self.n_players), np.nan)
        mask = self.played
        with np.errstate(invalid="ignore"):
            out[mask] = self.payoffs[mask].mean(axis=-1)
        return out

    @property
    def scores(self) -> npt.NDArray[np.float64]:
        """Total payoff of each strategy in each repetition, shape (n, repetitions)."""
        return self.totals.sum(axis=1)

    @property
    def normalised_scores(self) -> npt.NDArray[np.float64]:
        """Mean per-turn payoff over each strategy's matches, per repetition, shape (n, repetitions)."""
        mask = self.played
        counts = mask.sum(axis=1)
        out = np.where(mask[:, :, None], self.payoffs, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return out / counts[:, None]

    @property
    def mean_scores(self) -> npt.NDArray[np.float64]:
        """The normalised scores averaged over the repetitions, shape (n,)."""
        return self.normalised_scores.mean(axis=1)

    @property
    def total_scores(self) -> npt.NDArray[np.float64]:
        """Total payoff over all matches and repetitions, shape (n,)."""
        return self.scores.sum(axis=1)

    @property
    def ranking(self) -> tuple[int, ...]:
        """Strategy indices, best first (ties: the order given)."""
        key = np.round(self.mean_scores, 10)
        key = np.where(np.isnan(key), -np.inf, key)
        return tuple(int(i) for i in np.lexsort((np.arange(self.n_players), -key)))

    @property
    def ranked_names(self) -> tuple[str, ...]:
        return tuple(self.names[i] for i in self.ranking)

    @property
    def cooperation_matrix(self) -> npt.NDArray[np.float64]:
        """Fraction of turns ``i`` cooperated against ``j``, all repetitions pooled, shape (n, n)."""
        turns = self.lengths.sum(axis=-1).astype(np.float64)
        turns = turns * np.where(np.eye(self.n_players, dtype=bool), 2, 1)  # twin: two sides
        with np.errstate(invalid="ignore", divide="ignore"):
            out = self.cooperations.sum(axis=-1) / turns
        out[~self.played] = np.nan
        return out

    @property
    def cooperation_rates(self) -> npt.NDArray[np.float64]:
        """Fraction of its turns each strategy cooperated, all matches pooled, shape (n,)."""
        turns = self.lengths.sum(axis=-1) * np.where(np.eye(self.n_players, dtype=bool), 2, 1)
        turns = np.where(self.played, turns, 0).sum(axis=1).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.cooperations.sum(axis=(1, 2)) / turns

    def match_seed(self, i: int, j: int, repetition: int = 0) -> int:
        """The seed of match ``(min(i, j), max(i, j), repetition)``, for
        :func:`~cooplab.repeated.match.play_match` (the lower index plays first)."""
        a, b = sorted((int(i), int(j)))
        return int(match_seeds(self.seed, [[a, b, int(repetition)]])[0])

    def match(self, i: int, j: int, repetition: int = 0) -> MatchResult:
        """The match of ``i`` against ``j`` (needs ``keep_histories``), ``i`` first."""
        if self.histories is None:
            raise ValueError("histories were not kept; run round_robin(..., keep_histories=True)")
        a, b = sorted((int(i), int(j)))
        key = (a, b, int(repetition))
        if key not in self.histories:
            raise ValueError(f"no match {key} in this tournament")
        actions = self.histories[key]
        if int(i) > int(j):
            actions = actions[::-1]
        t = self.game_tables
        if int(i) > int(j):  # i was the match's second (column) player
            payoffs = np.stack([t[1][actions[0], actions[1]], t[0][actions[1], actions[0]]])
        else:
            payoffs = np.stack([t[0][actions[0], actions[1]], t[1][actions[1], actions[0]]])
        return MatchResult(
            players=(self.names[int(i)], self.names[int(j)]),
            actions=actions,
            payoffs=payoffs.astype(np.float64),
            noise=self.noise,
            seed=self.match_seed(i, j, repetition),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary (nan as ``None``); histories as C/D strings when kept."""

        def clean(x: Any) -> Any:
            arr = np.asarray(x, dtype=float)
            return [None if math.isnan(v) else v for v in arr.ravel().tolist()] if arr.ndim else x

        n = self.n_players
        matrix = clean(self.payoff_matrix)
        out: dict[str, Any] = {
            "names": list(self.names),
            "turns": self.turns,
            "delta": self.delta,
            "repetitions": self.repetitions,
            "noise": self.noise,
            "self_play": self.self_play,
            "length_known": self.length_known,
            "seed": self.seed,
            "payoff_matrix": [matrix[i * n : (i + 1) * n] for i in range(n)],
            "mean_scores": clean(self.mean_scores),
            "total_scores": clean(self.total_scores),
            "ranking": list(self.ranking),
            "ranked_names": list(self.ranked_names),
            "cooperation_rates": clean(self.cooperation_rates),
        }
        if self.histories is not None:
            out["histories"] = [
                {
                    "players": [i, j],
                    "repetition": r,
                    "actions": [actions_to_string(h[0]), actions_to_string(h[1])],
                }
                for (i, j, r), h in sorted(self.histories.items())
            ]
        return out


# ---------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Chunk:
    """One task: some matches of the tournament (plain data, pickles the same each run)."""

    players: tuple[Strategy, ...]
    keys: npt.NDArray[np.int64]  # (K, 3): i, j, repetition
    lengths: npt.NDArray[np.int64]  # (K,)
    seed: int
    noise: float
    game: NormalFormGame | None
    length_known: bool
    keep: bool


def _play_chunk(chunk: _Chunk) -> MatchBatch:
    return play_matches(
        chunk.players,
        chunk.keys[:, :2],
        chunk.lengths,
        seeds=match_seeds(chunk.seed, chunk.keys),
        noise=chunk.noise,
        game=chunk.game,
        length_known=chunk.length_known,
        keep_actions=chunk.keep,
    )


def tournament_keys(n: int, repetitions: int, *, self_play: bool = True) -> npt.NDArray[np.int64]:
    """Every match of a round robin as ``(i, j, repetition)``, ``i <= j``, shape (M, 3).

    Ordered by repetition, then ``i``, then ``j``.
    """
    i, j = np.triu_indices(n, k=0 if self_play else 1)
    m = len(i)
    reps = np.repeat(np.arange(repetitions), m)
    return np.column_stack([np.tile(i, repetitions), np.tile(j, repetitions), reps]).astype(
        np.int64
    )


def _resolve_seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, a Generator or None; got {seed!r}")
    return int(seed)


def round_robin(
    strategies: Sequence[Strategy | str | type[Strategy]],
    *,
    turns: int | None = None,
    repetitions: int = 1,
    noise: float = 0.0,
    delta: float | None = None,
    self_play: bool = True,
    seed: int | np.random.Generator | None = 0,
    game: NormalFormGame | None = None,
    executor: Executor | None = None,
    progress: ProgressFn | None = None,
    keep_histories: bool = False,
    checkpoint: str | Path | None = None,
    length_known: bool | None = None,
    chunk_size: int | None = None,
) -> TournamentResult:
    """Play a round-robin tournament.

    Parameters
    ----------
    strategies
        Strategies (instances, classes or registered names), at least two (one
        with ``self_play``). Instances are copied; the ones given are untouched.
    turns
        Turns per match: 200 by default without ``delta``; with ``delta``, a
        cap on the drawn lengths (Axelrod's convention: the match stops at
        whichever comes first), none by default.
    repetitions
        How many times each pair meets (each time with its own seed).
    noise
        Probability that each intended action is flipped.
    delta
        Continuation probability: match lengths are drawn geometric, mean
        ``1 / (1 - delta)``, one per match (:func:`~cooplab.repeated.engine.match_lengths`).
    self_play
        Whether each strategy also meets its twin (Axelrod 1980 did).
    seed
        Seed of the whole tournament; match ``(i, j, r)`` gets
        ``match_seeds(seed, [(i, j, r)])``. ``None`` draws one (kept in the result).
    game
        A 2x2 game; the prisoner's dilemma (3, 0, 5, 1) by default.
    executor
        Runs the chunks of matches (``Executor("local", workers=4)``, Ray, ...);
        in this process when ``None``. The results are identical on every backend.
    progress
        Called as ``progress(matches_done, matches_total)``.
    keep_histories
        Keep every match's actions (then :meth:`TournamentResult.match`).
    checkpoint
        A folder where finished chunks are saved; after an interruption
        (Ctrl-C), the same call resumes and plays only the missing chunks.
    length_known
        Whether players are told each match's length; default: yes for a
        fixed number of turns, no with ``delta``.
    chunk_size
        Matches per task (default: about four tasks per worker, at most 20,000).

    Returns
    -------
    TournamentResult

    Examples
    --------
    >>> r = round_robin(["tit_for_tat", "grudger", "defector", "cooperator"], turns=10)
    >>> r.ranked_names  # Tit For Tat and Grudger tie: the order given breaks it
    ('Tit For Tat', 'Grudger', 'Cooperator', 'Defector')
    >>> r.payoff_matrix[2].tolist()  # Defector's per-turn payoffs
    [1.4, 1.4, 1.0, 5.0]
    """
    players = tuple(_fresh(s) for s in strategies)
    n = len(players)
    if n < (1 if self_play else 2):
        raise ValueError(
            f"a round robin needs at least {1 if self_play else 2} strategies; got {n}"
        )
    if isinstance(repetitions, bool) or not isinstance(repetitions, numbers.Integral):
        raise TypeError(f"repetitions must be an integer; got {repetitions!r}")
    if repetitions < 1:
        raise ValueError(f"repetitions must be at least 1; got {repetitions}")
    if turns is not None:
        if isinstance(turns, bool) or not isinstance(turns, numbers.Integral):
            raise TypeError(f"turns must be an integer or None; got {turns!r}")
        if turns < 0:
            raise ValueError(f"turns must be non-negative; got {turns}")
        turns = int(turns)
    noise = check_probability("noise", noise)
    if delta is not None:
        delta = check_probability("delta", delta)
        if delta >= 1.0:
            raise ValueError(f"delta must be in [0, 1) (1 would never end); got {delta}")
    elif turns is None:
        turns = 200
    if length_known is None:
        length_known = delta is None
    tables = stage_payoffs(game)
    seed = _resolve_seed(seed)

    keys = tournament_keys(n, int(repetitions), self_play=self_play)
    total = len(keys)
    if delta is None:
        lengths = np.full(total, turns, dtype=np.int64)
    else:
        lengths = match_lengths(seed, keys, delta)
        if turns is not None:
            lengths = np.minimum(lengths, turns)

    own = executor is None
    ex = executor if executor is not None else Executor("serial")
    workers = 1 if ex.backend == "serial" else ex.workers
    if chunk_size is None:
        chunk_size = min(MAX_CHUNK, max(MIN_CHUNK, math.ceil(total / (4 * workers))))
    elif (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, numbers.Integral)
        or chunk_size < 1
    ):
        raise ValueError(f"chunk_size must be a positive integer; got {chunk_size!r}")
    tasks = [
        _Chunk(
            players=players,
            keys=keys[lo : lo + chunk_size],
            lengths=lengths[lo : lo + chunk_size],
            seed=seed,
            noise=noise,
            game=game,
            length_known=bool(length_known),
            keep=keep_histories,
        )
        for lo in range(0, total, chunk_size)
    ]

    def report(done: float, _tasks: float) -> None:
        if progress is not None:
            progress(min(int(done) * chunk_size, total), total)

    try:
        with ex.checkpointing(checkpoint):
            batches = ex.map_values(_play_chunk, tasks, progress=report)
    finally:
        if own:
            ex.close()
    return _collect(
        players,
        batches,
        tasks,
        turns,
        delta,
        int(repetitions),
        noise,
        self_play,
        bool(length_known),
        seed,
        tables,
        keep_histories,
    )


def _fresh(s: Any) -> Strategy:
    """A reset copy, so that a task pickles the same on every run (checkpoint keys)."""
    strategy = copy.deepcopy(_as_strategy(s))
    strategy.reset()
    return strategy


def _collect(
    players: tuple[Strategy, ...],
    batches: list[MatchBatch],
    tasks: list[_Chunk],
    turns: int | None,
    delta: float | None,
    repetitions: int,
    noise: float,
    self_play: bool,
    length_known: bool,
    seed: int,
    tables: npt.NDArray[np.float64],
    keep: bool,
) -> TournamentResult:
    n = len(players)
    totals = np.zeros((n, n, repetitions))
    coop = np.zeros((n, n, repetitions), dtype=np.int64)
    lengths = np.zeros((n, n, repetitions), dtype=np.int64)
    histories: dict[tuple[int, int, int], npt.NDArray[np.int8]] | None = {} if keep else None
    for task, batch in zip(tasks, batches, strict=True):
        i, j, r = task.keys[:, 0], task.keys[:, 1], task.keys[:, 2]
        scores = batch.scores
        c = batch.cooperations
        twin = i == j
        totals[i, j, r] = np.where(twin, scores.mean(axis=1), scores[:, 0])
        totals[j, i, r] = np.where(twin, scores.mean(axis=1), scores[:, 1])
        coop[i, j, r] = np.where(twin, c.sum(axis=1), c[:, 0])
        coop[j, i, r] = np.where(twin, c.sum(axis=1), c[:, 1])
        lengths[i, j, r] = batch.lengths
        lengths[j, i, r] = batch.lengths
        if histories is not None:
            for k, key in enumerate(task.keys.tolist()):
                i_, j_, r_ = key
                histories[(i_, j_, r_)] = _readonly(batch.history(k))
    with np.errstate(invalid="ignore", divide="ignore"):
        payoffs = np.where(lengths > 0, totals / np.maximum(lengths, 1), np.nan)
    if not self_play:
        idx = np.arange(n)
        payoffs[idx, idx, :] = np.nan
    return TournamentResult(
        names=tuple(p.display for p in players),
        payoffs=_readonly(payoffs),
        totals=_readonly(totals),
        cooperations=_readonly(coop),
        lengths=_readonly(lengths),
        turns=turns,
        delta=delta,
        repetitions=repetitions,
        noise=noise,
        self_play=self_play,
        length_known=length_known,
        seed=seed,
        game_tables=_readonly(tables),
        histories=histories,
    )
