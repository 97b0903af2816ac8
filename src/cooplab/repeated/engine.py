"""The array engine: many matches of the iterated 2x2 game played at once.

:func:`play_matches` plays a list of matches, each given by a pair of players,
a length and a seed, and gives exactly what :func:`~cooplab.repeated.match.play_match`
gives for each of them, with the same seed (a test checks it over all pairs of a
mixed set of strategies, with and without noise):

``play_matches(players, pairs, turns, seeds=seeds)`` match ``k``
    ``== play_match(players[i], players[j], turns[k], seed=int(seeds[k]))``
    with ``(i, j) = pairs[k]``.

How
---
Each player is *compiled* once per batch into a probabilistic finite-state
table: a cooperation probability per state and a next state per (own action,
opponent action) actually played.

* a deterministic finite-state strategy (:meth:`~Strategy.as_fsm`) becomes its
  machine, with probabilities 0 or 1;
* a memory-one strategy (:meth:`~Strategy.as_memory_one`, stochastic or not)
  becomes five states: the first move, then one state per outcome of the last
  round.

All tables are stacked into global arrays (``prob[state]``,
``next[state, own, opponent]``) and every match is a pair of state indices; one
loop over turns steps all matches together with vectorised gathers (the
matches sorted by length, so that the ones still running are a prefix).

Strategies with neither view are stepped the same way, with three more kinds
of side (:func:`_play_general`):

* a strategy with a batched twin of ``act`` (:meth:`~Strategy.as_batch`, see
  :mod:`cooplab.repeated.strategies.batch`) is one array program per block:
  called once per turn for all the matches (and sides) where it plays, it
  reads their last rounds and draws from each match's own stream
  (:class:`_BatchDraws`, NumPy's algorithms on the spawned ``PCG64``
  streams), so its cost is per turn, not per match or per history;
* a deterministic strategy that is not finite-state (unbounded counters,
  majorities over the whole game) is, for matches of finitely many turns, a
  finite machine on the histories it meets: its tree of histories is built
  lazily (:class:`_Store`). When a match reaches a history not yet in the
  tree, the parent's strategy state (a snapshot taken after its ``act``) is
  restored and ``act`` is called once; the new node's action and snapshot are
  kept. The trees live across calls (one per strategy and
  :class:`MatchInfo`), so ``act`` runs once per distinct history however many
  opponents, repetitions or tournaments reach it; past :data:`NODE_BUDGET`
  nodes the store starts afresh.
* a stochastic strategy without a table is played live: each match keeps its
  own copy, asked through ``act`` with the match's generator for that player,
  while the other side is stepped as arrays.

Randomness, and why the results are identical
---------------------------------------------
``play_match(seed=s)`` gives player 1, player 2 and the noise the three
generators ``default_rng(s).spawn(3)``: ``PCG64`` seeded from
``SeedSequence(s, spawn_key=(k,))``, ``k = 0, 1, 2``. A memory-one player draws
one ``random()`` at a turn where its cooperation probability is strictly between
0 and 1 (and none otherwise); the noise draws ``random(2)`` every turn. The
engine computes the same ``SeedSequence`` states for all matches at once (a
vectorised copy of NumPy's hash, :func:`seed_sequence_words`, checked word for
word against NumPy), seeds one reused ``PCG64`` per stream with the resulting
state and draws each stream's numbers in one call; per match it keeps a count of
the numbers each player has used, so a player's ``k``-th draw is its
generator's ``k``-th number, as in the one-at-a-time loop.
"""

from __future__ import annotations

import copy
import functools
import logging
import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.normal_form import NormalFormGame
from cooplab.repeated.match import (
    MatchResult,
    _as_strategy,
    match_infos,
    stage_payoffs,
)
from cooplab.repeated.strategies.base import History, MatchInfo, Strategy, check_probability
from cooplab.repeated.strategies.batch import Batch, Draws, Rounds

__all__ = [
    "MatchBatch",
    "PlayerTable",
    "compile_player",
    "match_lengths",
    "match_seeds",
    "play_matches",
    "seed_sequence_words",
]

log = logging.getLogger(__name__)

U32 = np.uint32
U64 = np.uint64
_M32 = 0xFFFFFFFF
_M64 = (1 << 64) - 1
_TWO_M53 = 1.0 / 9007199254740992.0  # NumPy's next_double: (x >> 11) * 2**-53

#: Matches stepped together in one block (memory: a few bytes per match-turn).
BLOCK = 8192


# ---------------------------------------------------------------------------
# Seeds: NumPy's SeedSequence and PCG64 seeding, vectorised
# ---------------------------------------------------------------------------
def _int_words(n: int) -> list[int]:
    """An int as NumPy's SeedSequence reads it: little-endian 32-bit words, at least one."""
    n = int(n)
    if n < 0:
        raise ValueError(f"a seed must be a non-negative integer; got {n}")
    if n == 0:
        return [0]
    out = []
    while n:
        out.append(n & _M32)
        n >>= 32
    return out


def seed_sequence_words(
    entropy: npt.ArrayLike, keys: npt.ArrayLike, n_words: int
) -> npt.NDArray[np.uint32]:
    """``SeedSequence(entropy, spawn_key=key).generate_state(n_words)`` for many keys.

    Parameters
    ----------
    entropy
        A non-negative int (shared by all rows), or an array of shape (N,) of
        integers below 2**64 (one entropy per row).
    keys
        Spawn keys, shape (N, K), integers below 2**32 (K may be 0).
    n_words
        How many 32-bit words to generate.

    Returns
    -------
    array of uint32, shape (N, n_words)
        Word for word what NumPy's ``SeedSequence`` (pool size 4) generates: the
        same hash (O'Neill's seed_seq_fe, as NumPy implements it) on arrays.
    """
    keys = np.asarray(keys)
    if keys.ndim != 2:
        raise ValueError(f"keys must have shape (N, K); got {keys.shape}")
    if keys.size and (keys.min() < 0 or keys.max() > _M32):
        raise ValueError("spawn-key words must be integers in [0, 2**32)")
    keys = keys.astype(U32)
    n = keys.shape[0]
    if isinstance(entropy, numbers.Integral):
        run = _int_words(int(entropy))
        if keys.shape[1] and len(run) < 4:
            run = run + [0] * (4 - len(run))  # NumPy pads so spawn keys cannot collide
        run_words = np.tile(np.array(run, dtype=U32), (n, 1))
    else:
        ent = np.asarray(entropy, dtype=U64)
        if ent.shape != (n,):
            raise ValueError(f"entropy must be an int or have shape ({n},); got {ent.shape}")
        # Ints below 2**64 are one or two words; padded to four they read the
        # same either way (the high word is zero), so one layout serves all.
        lo = (ent & U64(_M32)).astype(U32)
        hi = (ent >> U64(32)).astype(U32)
        width = 4 if keys.shape[1] else 2
        run_words = np.zeros((n, width), dtype=U32)
        run_words[:, 0] = lo
        run_words[:, 1] = hi
        if not keys.shape[1]:
            raise ValueError("per-row entropy needs spawn keys (the high word would be ambiguous)")
    words = np.concatenate([run_words, keys], axis=1)
    length = words.shape[1]

    hash_const = 0x43B0D7E5  # INIT_A

    def hashmix(value: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        nonlocal hash_const
        value = value ^ U32(hash_const)
        hash_const = (hash_const * 0x931E8875) & _M32  # MULT_A
        value = value * U32(hash_const)
        return value ^ (value >> U32(16))

    def mix(x: npt.NDArray[np.uint32], y: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        r = U32(0xCA01F9DD) * x - U32(0x4973F715) * y
        return r ^ (r >> U32(16))

    zero = np.zeros(n, dtype=U32)
    with np.errstate(over="ignore"):
        pool = [hashmix(words[:, i] if i < length else zero) for i in range(4)]
        for src in range(4):
            for dst in range(4):
                if src != dst:
                    pool[dst] = mix(pool[dst], hashmix(pool[src]))
        for src in range(4, length):
            for dst in range(4):
                pool[dst] = mix(pool[dst], hashmix(words[:, src]))
        out = np.empty((n, n_words), dtype=U32)
        hash_b = 0x8B51F9DD  # INIT_B
        for k in range(n_words):
            value = pool[k % 4] ^ U32(hash_b)
            hash_b = (hash_b * 0x58F38DED) & _M32  # MULT_B
            value = value * U32(hash_b)
            out[:, k] = value ^ (value >> U32(16))
    return out


def _words_to_u64(words: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    """Pairs of 32-bit words to 64-bit ones, little-endian (NumPy's ``view(np.uint64)``)."""
    w = words.astype(U64)
    return w[:, 0::2] | (w[:, 1::2] << U64(32))


def _mulhi(a: npt.NDArray[np.uint64], b: int) -> npt.NDArray[np.uint64]:
    """The high 64 bits of ``a * b`` (64 x 64 -> 128 bits), on arrays."""
    a0 = a & U64(_M32)
    a1 = a >> U64(32)
    b0 = U64(b & _M32)
    b1 = U64(b >> 32)
    p00 = a0 * b0
    p01 = a0 * b1
    p10 = a1 * b0
    p11 = a1 * b1
    mid = (p00 >> U64(32)) + (p01 & U64(_M32)) + (p10 & U64(_M32))
    return p11 + (p01 >> U64(32)) + (p10 >> U64(32)) + (mid >> U64(32))


_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645  # PCG_DEFAULT_MULTIPLIER_128


def _pcg64_states(words: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.uint64], ...]:
    """The ``PCG64`` state that ``PCG64(seed_sequence)`` starts from, for many seeds.

    ``words`` are 8 words of each ``generate_state``; returns the state's and the
    increment's (high, low) 64-bit halves (``pcg64_set_seed`` then
    ``pcg_setseq_128_srandom_r``: ``inc = seq << 1 | 1``; ``state = inc``;
    ``state += initstate``; ``state = state * MULT + inc``).
    """
    w = _words_to_u64(words)
    s_hi, s_lo, q_hi, q_lo = w[:, 0], w[:, 1], w[:, 2], w[:, 3]
    with np.errstate(over="ignore"):
        inc_hi = (q_hi << U64(1)) | (q_lo >> U64(63))
        inc_lo = (q_lo << U64(1)) | U64(1)
        lo = inc_lo + s_lo
        hi = inc_hi + s_hi + (lo < inc_lo).astype(U64)
        m_hi, m_lo = _PCG_MULT >> 64, _PCG_MULT & _M64
        p_lo = lo * U64(m_lo)
        p_hi = _mulhi(lo, m_lo) + lo * U64(m_hi) + hi * U64(m_lo)
        r_lo = p_lo + inc_lo
        r_hi = p_hi + inc_hi + (r_lo < p_lo).astype(U64)
    return r_hi, r_lo, inc_hi, inc_lo


class _StreamFiller:
    """Fills rows with the doubles of many ``PCG64`` streams, one reused generator.

    Each stream is given by its starting state; the generator is set to it and
    ``Generator.random(out=row)`` draws the row. Setting the state through
    ``bit_generator.state`` costs a dict's validation per stream; where the
    state struct behind ``bit_generator.ctypes.state_address`` has one of the
    two layouts NumPy compiles (128-bit integers, or the emulated high/low
    pair), checked on a known state at start, the four words are written there
    directly, twice as fast. Either way the numbers are NumPy's own.
    """

    def __init__(self) -> None:
        self.bit_gen = np.random.PCG64(0)
        self.gen = np.random.Generator(self.bit_gen)
        self._inner: dict[str, int] = {"state": 0, "inc": 0}
        self._state = {
            "bit_generator": "PCG64",
            "state": self._inner,
            "has_uint32": 0,
            "uinteger": 0,
        }
        self._mem: npt.NDArray[np.uint64] | None = None
        self._buffer = np.zeros(0, dtype=np.float64)
        self._order: tuple[int, int, int, int] = (0, 1, 2, 3)
        try:
            self._probe()
        except Exception:  # any surprise: the plain setter
            self._mem = None

    def _probe(self) -> None:
        import ctypes

        address = self.bit_gen.ctypes.state_address
        inner = ctypes.cast(address, ctypes.POINTER(ctypes.c_void_p))[0]
        if not inner:
            return
        mem = np.ctypeslib.as_array(ctypes.cast(inner, ctypes.POINTER(ctypes.c_uint64)), shape=(4,))
        words = (0x0123456789ABCDEF, 0x0FEDCBA987654321, 0x1122334455667788, 0x99AABBCCDDEEFF11)
        self._set(words)
        seen = tuple(int(x) for x in mem)
        layouts: dict[tuple[int, ...], tuple[int, int, int, int]] = {
            (words[1], words[0], words[3], words[2]): (1, 0, 3, 2),  # native 128-bit, little-endian
            words: (0, 1, 2, 3),  # emulated: high then low
        }
        order = layouts.get(seen)
        if order is None:
            return
        expected = self.gen.random(4)
        other = (0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0x4444444444444445)
        self._set(other)
        mem[:] = np.array([words[k] for k in order], dtype=U64)
        if not np.array_equal(self.gen.random(4), expected):
            return
        self._mem = mem
        self._order = order

    def buffer(self, size: int) -> npt.NDArray[np.float64]:
        """A scratch array of ``size`` doubles, reused between blocks (fresh pages are slow)."""
        if self._buffer.shape[0] < size:
            self._buffer = np.empty(size, dtype=np.float64)
        return self._buffer[:size]

    def _set(self, words: tuple[int, int, int, int]) -> None:
        self._inner["state"] = (words[0] << 64) | words[1]
        self._inner["inc"] = (words[2] << 64) | words[3]
        self.bit_gen.state = self._state  # type: ignore[assignment]

    def fill(
        self,
        states: tuple[npt.NDArray[np.uint64], ...],
        counts: npt.NDArray[np.int64],
        out: npt.NDArray[np.float64],
    ) -> None:
        """Row ``s`` of ``out`` gets the first ``counts[s]`` doubles of stream ``s``.

        ``states``: the (state high, state low, inc high, inc low) words of each stream.
        """
        gen_random = self.gen.random
        cnts = counts.tolist()
        if self._mem is not None:
            import ctypes

            memmove = ctypes.memmove
            target = self._mem.ctypes.data
            words = np.ascontiguousarray(np.stack([states[k] for k in self._order], axis=1))
            source = words.ctypes.data
            full = out.shape[1]
            rows = list(out)
            for s, c in enumerate(cnts):
                memmove(target, source + 32 * s, 32)
                gen_random(out=rows[s] if c == full else rows[s][:c])
            return
        hi, lo, ihi, ilo = (x.tolist() for x in states)
        for s, c in enumerate(cnts):
            self._set((hi[s], lo[s], ihi[s], ilo[s]))
            gen_random(out=out[s, :c])

    def fill_raw(
        self, states: tuple[npt.NDArray[np.uint64], ...], width: int
    ) -> npt.NDArray[np.uint64]:
        """The first ``width`` 64-bit outputs of each stream, shape (streams, width)."""
        n = len(states[0])
        out = np.empty((n, width), dtype=U64)
        raw = self.bit_gen.random_raw
        if self._mem is not None:
            import ctypes

            memmove = ctypes.memmove
            target = self._mem.ctypes.data
            words = np.ascontiguousarray(np.stack([states[k] for k in self._order], axis=1))
            source = words.ctypes.data
            for s in range(n):
                memmove(target, source + 32 * s, 32)
                out[s] = raw(width)
            return out
        hi, lo, ihi, ilo = (x.tolist() for x in states)
        for s in range(n):
            self._set((hi[s], lo[s], ihi[s], ilo[s]))
            out[s] = raw(width)
        return out


def _stream_states(
    seeds: npt.NDArray[np.uint64], which: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint64], ...]:
    """The PCG64 states of ``default_rng(seeds[s]).spawn(3)[which[s]]``."""
    words = seed_sequence_words(seeds, which.reshape(-1, 1), 8)
    return _pcg64_states(words)


def _player_draws(
    filler: _StreamFiller,
    seeds: npt.NDArray[np.uint64],
    lengths: npt.NDArray[np.int64],
    rand_a: npt.NDArray[np.bool_],
    rand_b: npt.NDArray[np.bool_],
    width: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The players' random numbers of a block of matches, one row per stream.

    Row ``c`` of the returned ``draws`` (reshaped to width ``width``) holds
    stream ``c``'s numbers: first player 1's streams (spawn child 0) of the
    matches where ``rand_a``, then player 2's (child 1) where ``rand_b``; one
    spare zero cell at the very end. ``pos_a[k]`` and ``pos_b[k]`` are where
    match ``k``'s streams start (the spare cell for a player that draws none).
    """
    ia = np.flatnonzero(rand_a)
    ib = np.flatnonzero(rand_b)
    owner = np.concatenate([ia, ib])
    n_streams = len(owner)
    draws = filler.buffer(n_streams * width + 1)
    draws[-1] = 0.0
    if n_streams:
        which = np.concatenate([np.zeros(len(ia), np.int64), np.ones(len(ib), np.int64)])
        rows = draws[:-1].reshape(n_streams, width)
        filler.fill(_stream_states(seeds[owner], which), lengths[owner], rows)
    pos_a = np.full(len(lengths), n_streams * width, dtype=np.int64)
    pos_b = pos_a.copy()
    pos_a[ia] = np.arange(len(ia)) * width
    pos_b[ib] = (len(ia) + np.arange(len(ib))) * width
    return draws, pos_a, pos_b


def _check_keys(keys: npt.ArrayLike) -> npt.NDArray[np.int64]:
    arr = np.asarray(keys)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"keys must be integers of shape (N, K); got {arr.dtype} {arr.shape}")
    return arr.astype(np.int64)


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"a seed must be a non-negative integer; got {seed!r}")
    return int(seed)


def match_seeds(seed: int, keys: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """Each match's seed: ``SeedSequence(seed, spawn_key=key).generate_state(1, np.uint64)[0]``.

    A tournament keys its matches by ``(i, j, repetition)``, so a match's seed
    depends on nothing else (not the chunking, the worker or the backend), and
    ``play_match(a, b, turns, seed=int(s))`` replays it.

    >>> s = match_seeds(0, [[0, 1, 0]])
    >>> int(s[0]) == int(np.random.SeedSequence(0, spawn_key=(0, 1, 0)).generate_state(1, np.uint64)[0])
    True
    """
    words = seed_sequence_words(_check_seed(seed), _check_keys(keys), 2)
    return _words_to_u64(words)[:, 0]


def match_lengths(seed: int, keys: npt.ArrayLike, delta: float) -> npt.NDArray[np.int64]:
    """Geometric match lengths for a continuation probability ``delta``.

    After each turn the match goes on with probability ``delta``:
    ``P(length >= n) = delta**(n - 1)``, mean ``1 / (1 - delta)``. The uniform
    ``u`` behind each length is words 2-3 of the match's ``SeedSequence`` (words
    0-1 are its seed, :func:`match_seeds`), and the length is
    ``1 + floor(log(1 - u) / log(delta))``, Axelrod's ``sample_length`` with
    ``prob_end = 1 - delta``.
    """
    delta = check_probability("delta", delta)
    if delta >= 1.0:
        raise ValueError(f"delta must be in [0, 1); got {delta}")
    words = seed_sequence_words(_check_seed(seed), _check_keys(keys), 4)
    u = (_words_to_u64(words)[:, 1] >> U64(11)).astype(np.float64) * _TWO_M53
    if delta == 0.0:
        return np.ones(len(u), dtype=np.int64)
    with np.errstate(divide="ignore"):
        return 1 + np.floor(np.log1p(-u) / math.log(delta)).astype(np.int64)


# ---------------------------------------------------------------------------
# Players as tables
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PlayerTable:
    """A strategy as a probabilistic finite-state table.

    Attributes
    ----------
    prob : array of float, shape (S,)
        Probability of cooperating in each state (0 or 1 for a deterministic state).
    next : array of int, shape (S, 2, 2)
        ``next[s, own, opponent]``: the state after a round played from ``s``.
    initial : int
    kind : str
        ``"fsm"`` or ``"memory_one"``.
    """

    prob: npt.NDArray[np.float64]
    next: npt.NDArray[np.int64]
    initial: int
    kind: str

    @property
    def n_states(self) -> int:
        return int(self.prob.shape[0])

    @functools.cached_property
    def stochastic(self) -> bool:
        return bool(np.any((self.prob > 0.0) & (self.prob < 1.0)))


_COMPILED: dict[tuple[Any, ...], PlayerTable | None] = {}


def compile_player(strategy: Strategy, info: MatchInfo) -> PlayerTable | None:
    """The table of ``strategy`` for a match with ``info``, or ``None`` (play it by ``act``).

    Memory-one strategies become five states (outcome of the last round, CC,
    CD, DC, DD, then the first move); deterministic finite-state ones their
    machine. The strategy is reset on a copy with ``info`` first, since its
    machine may depend on the payoffs or the announced length.
    """
    try:
        key: tuple[Any, ...] | None = (type(strategy), repr(strategy), info)
        hash(key)
    except TypeError:
        key = None
    if key is not None and key in _COMPILED:
        return _COMPILED[key]
    s = copy.deepcopy(strategy)
    s.reset(info)
    table: PlayerTable | None = None
    spec = s.as_memory_one()
    if spec is not None:
        prob = np.array([*spec.p, spec.initial], dtype=np.float64)
        nxt = np.empty((5, 2, 2), dtype=np.int64)
        for own in (0, 1):
            for opp in (0, 1):
                nxt[:, own, opp] = 2 * own + opp
        table = PlayerTable(prob, nxt, 4, "memory_one")
    elif not s.stochastic:
        fsm = s.as_fsm()
        if fsm is not None:
            prob = 1.0 - fsm.output.astype(np.float64)  # output C (0) -> cooperate surely
            table = PlayerTable(prob, fsm.transitions.astype(np.int64), fsm.initial, "fsm")
    if key is not None:
        if len(_COMPILED) > 4096:
            _COMPILED.clear()
        _COMPILED[key] = table
    return table


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MatchBatch:
    """The results of :func:`play_matches`.

    Attributes
    ----------
    names : tuple of str
        The players' display names (indexed by ``pairs``).
    pairs : array of int, shape (M, 2)
    lengths : array of int, shape (M,)
    seeds : array of uint64, shape (M,)
    counts : array of int, shape (M, 4)
        Outcome counts CC, CD, DC, DD (first player's action first).
    scores : array of float, shape (M, 2)
        Each player's total payoff (from the counts: exact for integer payoffs).
    tables : array of float, shape (2, 2, 2)
        The stage game's payoffs ``[player, own, opponent]``.
    noise : float
    batched : array of bool, shape (M,)
        Whether the match was stepped as tables (else played through ``act``).
    actions : array of int8, shape (M, 2, max length), or None
        The actions played, padded with -1 after each match's length (only with
        ``keep_actions``).
    """

    names: tuple[str, ...]
    pairs: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]
    seeds: npt.NDArray[np.uint64]
    counts: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]
    tables: npt.NDArray[np.float64]
    noise: float
    batched: npt.NDArray[np.bool_]
    actions: npt.NDArray[np.int8] | None = field(default=None)

    def __len__(self) -> int:
        return int(self.pairs.shape[0])

    @property
    def cooperations(self) -> npt.NDArray[np.int64]:
        """Turns each player cooperated, shape (M, 2)."""
        c = self.counts
        return np.stack([c[:, 0] + c[:, 1], c[:, 0] + c[:, 2]], axis=1)

    def history(self, k: int) -> npt.NDArray[np.int8]:
        """The actions of match ``k``, shape (2, length)."""
        if self.actions is None:
            raise ValueError("the actions were not kept; call play_matches(..., keep_actions=True)")
        return self.actions[k, :, : int(self.lengths[k])]

    def match(self, k: int) -> MatchResult:
        """Match ``k`` as a :class:`MatchResult` (needs ``keep_actions``)."""
        actions = self.history(k)
        t = self.tables
        payoffs = np.stack([t[0][actions[0], actions[1]], t[1][actions[1], actions[0]]])
        i, j = (int(x) for x in self.pairs[k])
        return MatchResult(
            players=(self.names[i], self.names[j]),
            actions=actions,
            payoffs=payoffs.astype(np.float64),
            noise=self.noise,
            seed=int(self.seeds[k]),
        )


# ---------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------
def _lengths_array(turns: Any, m: int) -> npt.NDArray[np.int64]:
    if isinstance(turns, numbers.Integral) and not isinstance(turns, bool):
        if turns < 0:
            raise ValueError(f"turns must be non-negative; got {turns}")
        return np.full(m, int(turns), dtype=np.int64)
    arr = np.asarray(turns)
    if arr.shape != (m,) or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"turns must be an integer or {m} integers (one per match); got {turns!r}")
    if arr.size and arr.min() < 0:
        raise ValueError("match lengths must be non-negative")
    return arr.astype(np.int64)


def _seeds_array(seeds: Any, m: int) -> npt.NDArray[np.uint64]:
    if seeds is None:
        raise ValueError("play_matches needs one seed per match (see match_seeds)")
    arr = np.asarray(seeds)
    if arr.dtype == U64 and arr.shape == (m,):
        return arr
    if np.issubdtype(arr.dtype, np.integer) and arr.shape == (m,):
        if arr.size and arr.min() < 0:
            raise ValueError(f"match seeds must be integers in [0, 2**64); got {arr.min()}")
        return arr.astype(U64)
    vals = [int(s) for s in np.asarray(seeds, dtype=object).ravel()]
    if len(vals) != m:
        raise ValueError(f"need {m} seeds (one per match); got {len(vals)}")
    for s in vals:
        if s < 0 or s > _M64:
            raise ValueError(f"match seeds must be integers in [0, 2**64); got {s}")
    return np.array(vals, dtype=U64)


def play_matches(
    players: Sequence[Strategy | str],
    pairs: npt.ArrayLike,
    turns: int | npt.ArrayLike,
    *,
    seeds: npt.ArrayLike,
    noise: float = 0.0,
    game: NormalFormGame | None = None,
    length_known: bool = True,
    keep_actions: bool = False,
) -> MatchBatch:
    """Play many matches at once.

    Parameters
    ----------
    players
        Strategies (instances, classes or registered names); ``pairs`` index them.
    pairs
        Shape (M, 2): the players of each match (first and second player).
    turns
        The length of every match, or one length per match, shape (M,).
    seeds
        One seed per match, integers in [0, 2**64) (see :func:`match_seeds`):
        match ``k`` is what ``play_match(..., seed=int(seeds[k]))`` plays.
    noise
        Probability that each intended action is flipped.
    game
        A 2x2 game; the prisoner's dilemma (3, 0, 5, 1) by default.
    length_known
        Whether the players are told each match's length.
    keep_actions
        Keep every match's actions (memory: 2 bytes per turn).

    Returns
    -------
    MatchBatch
    """
    strategies = [_as_strategy(p) for p in players]
    pair_arr = np.asarray(pairs)
    if pair_arr.size == 0:
        pair_arr = pair_arr.reshape(0, 2)
    if (
        pair_arr.ndim != 2
        or pair_arr.shape[1] != 2
        or not np.issubdtype(pair_arr.dtype, np.integer)
    ):
        raise ValueError(f"pairs must be integers of shape (M, 2); got {pair_arr.shape}")
    pair_arr = pair_arr.astype(np.int64)
    if pair_arr.size and (pair_arr.min() < 0 or pair_arr.max() >= len(strategies)):
        raise ValueError(f"pairs must index the {len(strategies)} players")
    m = pair_arr.shape[0]
    lengths = _lengths_array(turns, m)
    seed_arr = _seeds_array(seeds, m)
    noise = check_probability("noise", noise)
    tables = stage_payoffs(game)

    # Compile each (player, side): a table for a fixed info, or None. A player
    # that uses the announced length gets one table per length, so it is
    # played through act() when lengths vary.
    distinct = np.unique(lengths)
    any_infos = match_infos(
        int(distinct[0]) if (length_known and len(distinct)) else None, noise=noise, game=game
    )
    player_tables: list[list[PlayerTable | None]] = []
    for s in strategies:
        if length_known and s.meta.uses_match_length and len(distinct) > 1:
            player_tables.append([None, None])
            continue
        first = compile_player(s, any_infos[0])
        second = first if any_infos[1] == any_infos[0] else compile_player(s, any_infos[1])
        player_tables.append([first, second])

    counts = np.zeros((m, 4), dtype=np.int64)
    lmax = int(lengths.max()) if m else 0
    actions = np.full((m, 2, lmax), -1, dtype=np.int8) if keep_actions else None
    has_table = np.array([[t is not None for t in row] for row in player_tables], dtype=bool)
    has_table = has_table.reshape(len(strategies), 2)
    batched = has_table[pair_arr[:, 0], 0] & has_table[pair_arr[:, 1], 1]

    fast = np.flatnonzero(batched)
    if len(fast):
        _play_tabled(
            player_tables,
            pair_arr[fast],
            lengths[fast],
            seed_arr[fast],
            noise,
            counts,
            actions,
            fast,
        )
    slow = np.flatnonzero(~batched)
    if len(slow):
        _play_general(
            strategies,
            player_tables,
            pair_arr[slow],
            lengths[slow],
            seed_arr[slow],
            noise,
            game,
            length_known,
            int(distinct[0]) if (length_known and len(distinct)) else None,
            counts,
            actions,
            slow,
        )

    c = counts.astype(np.float64)
    t0, t1 = tables[0], tables[1]
    score0 = c @ np.array([t0[0, 0], t0[0, 1], t0[1, 0], t0[1, 1]])
    score1 = c @ np.array([t1[0, 0], t1[1, 0], t1[0, 1], t1[1, 1]])
    return MatchBatch(
        names=tuple(s.display for s in strategies),
        pairs=pair_arr,
        lengths=lengths,
        seeds=seed_arr,
        counts=counts,
        scores=np.stack([score0, score1], axis=1) if m else np.zeros((0, 2)),
        tables=tables,
        noise=noise,
        batched=batched,
        actions=actions,
    )


def _stack(
    player_tables: list[list[PlayerTable | None]],
) -> tuple[
    dict[int, int],
    npt.NDArray[np.float64],
    npt.NDArray[np.int64],
    npt.NDArray[np.bool_],
    list[PlayerTable],
]:
    """Stack the distinct tables into global arrays; return each table's offset."""
    offsets: dict[int, int] = {}
    uniq: list[PlayerTable] = []
    total = 0
    for row in player_tables:
        for t in row:
            if t is not None and id(t) not in offsets:
                offsets[id(t)] = total
                uniq.append(t)
                total += t.n_states
    prob = np.concatenate([t.prob for t in uniq]) if uniq else np.zeros(0)
    nxt = (
        np.concatenate([t.next.reshape(-1, 4) + offsets[id(t)] for t in uniq]).ravel()
        if uniq
        else np.zeros(0, dtype=np.int64)
    )
    stoch = (prob > 0.0) & (prob < 1.0)
    return offsets, prob, nxt, stoch, uniq


def _play_tabled(
    player_tables: list[list[PlayerTable | None]],
    pairs: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
    seeds: npt.NDArray[np.uint64],
    noise: float,
    counts: npt.NDArray[np.int64],
    actions: npt.NDArray[np.int8] | None,
    where: npt.NDArray[np.int64],
) -> None:
    """Step the matches whose both players are tables; fill ``counts`` (and ``actions``) at ``where``."""
    offsets, prob, nxt, stoch_state, _ = _stack(player_tables)
    n_players = len(player_tables)
    start = np.zeros((2, n_players), dtype=np.int64)
    rand = np.zeros((2, n_players), dtype=bool)
    for i, row in enumerate(player_tables):
        for side in (0, 1):
            t = row[side]
            if t is not None:
                start[side, i] = offsets[id(t)] + t.initial
                rand[side, i] = t.stochastic
    order = np.argsort(-lengths, kind="stable")  # longest first: running matches are a prefix
    filler = _StreamFiller()
    for lo in range(0, len(order), BLOCK):
        idx = order[lo : lo + BLOCK]
        a, b = pairs[idx, 0], pairs[idx, 1]
        block = _Block(prob, nxt, stoch_state, start[0, a], start[1, b], rand[0, a], rand[1, b])
        hist = block.play(lengths[idx], seeds[idx], noise, filler)
        block_counts, block_actions = _tally(hist, lengths[idx], keep=actions is not None)
        counts[where[idx]] = block_counts
        if actions is not None and block_actions is not None:
            actions[where[idx], :, : block_actions.shape[2]] = block_actions


@dataclass
class _Block:
    """Matches stepped together: global tables and each match's starting states."""

    prob: npt.NDArray[np.float64]
    nxt: npt.NDArray[np.int64]
    stoch_state: npt.NDArray[np.bool_]
    start_a: npt.NDArray[np.int64]
    start_b: npt.NDArray[np.int64]
    rand_a: npt.NDArray[np.bool_]
    rand_b: npt.NDArray[np.bool_]

    def play(
        self,
        lengths: npt.NDArray[np.int64],
        seeds: npt.NDArray[np.uint64],
        noise: float,
        filler: _StreamFiller,
    ) -> npt.NDArray[np.bool_]:
        """Play; return the actions (True = D), shape (2, max length, matches), time-major.

        ``lengths`` must be sorted longest first.
        """
        n_matches = len(lengths)
        lmax = int(lengths[0]) if n_matches else 0
        # running[t]: how many matches still play at turn t (a prefix)
        running = n_matches - np.searchsorted(lengths[::-1], np.arange(lmax), side="right")

        # Player streams: row c of ``draws`` holds stream c's numbers (player 1
        # is spawn child 0, player 2 child 1); one spare cell at the very end.
        width = max(lmax, 1)
        draws, pos_a, pos_b = _player_draws(filler, seeds, lengths, self.rand_a, self.rand_b, width)
        step = self.stoch_state.astype(np.int64)  # a stochastic state uses one number
        flips: npt.NDArray[np.bool_] | None = None
        if noise > 0.0:
            rows = np.empty((n_matches, 2 * width), dtype=np.float64)
            filler.fill(_stream_states(seeds, np.full(n_matches, 2, np.int64)), 2 * lengths, rows)
            flips = (rows < noise).T.copy()  # flips[2t + player, match]
            del rows

        prob, nxt = self.prob, self.nxt
        any_rand = bool(self.rand_a.any() or self.rand_b.any())
        defect_det = prob < 0.5  # exact for deterministic states (prob 0 or 1)
        hist = np.zeros((2, lmax, n_matches), dtype=np.bool_)
        sa = self.start_a.copy()
        sb = self.start_b.copy()
        for t in range(lmax):
            n = int(running[t])
            a = sa[:n]
            b = sb[:n]
            if any_rand:
                # act(): cooperate iff u < p, so defect iff u >= p; a state with
                # p = 0 or 1 draws nothing and any u in [0, 1) gives its action
                x = draws[pos_a[:n]] >= prob[a]
                y = draws[pos_b[:n]] >= prob[b]
                pos_a[:n] += step[a]
                pos_b[:n] += step[b]
            else:
                x = defect_det[a]
                y = defect_det[b]
            if flips is not None:
                x ^= flips[2 * t, :n]
                y ^= flips[2 * t + 1, :n]
            hist[0, t, :n] = x
            hist[1, t, :n] = y
            xu = x.view(np.uint8)
            yu = y.view(np.uint8)
            sa[:n] = nxt[(a << 2) + ((xu << 1) | yu)]
            sb[:n] = nxt[(b << 2) + ((yu << 1) | xu)]
        return hist


def _tally(
    hist: npt.NDArray[np.bool_], lengths: npt.NDArray[np.int64], *, keep: bool
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int8] | None]:
    """Outcome counts (CC, CD, DC, DD) per match, and the padded actions if ``keep``."""
    d_a = np.count_nonzero(hist[0], axis=0)
    d_b = np.count_nonzero(hist[1], axis=0)
    dd = np.count_nonzero(hist[0] & hist[1], axis=0)
    cd = d_b - dd  # first player C, second D
    dc = d_a - dd
    cc = lengths - cd - dc - dd
    counts = np.stack([cc, cd, dc, dd], axis=1)
    if not keep:
        return counts, None
    acts = hist.transpose(2, 0, 1).astype(np.int8)  # (matches, 2, lmax)
    turn = np.arange(hist.shape[1])
    acts[np.broadcast_to(turn >= lengths[:, None, None], acts.shape)] = -1
    return counts, acts


# ---------------------------------------------------------------------------
# Strategies that are not tables: trees built lazily, and live players
# ---------------------------------------------------------------------------
#: Nodes the lazy store may hold (about 360 bytes each); past it, the store
#: starts afresh (between blocks).
NODE_BUDGET = 500_000
#: Match-turns stepped together in one block of the general path (this bounds
#: the nodes one block may add; the larger a block, the more matches share
#: the cost of each turn's array operations).
GENERAL_BLOCK_TURNS = 250_000

_ATOMIC = frozenset({int, float, bool, str, bytes, complex, type(None), MatchInfo})
_PLAIN: dict[type, bool] = {}
_NO_RNG = np.random.default_rng(0)  # deterministic strategies never draw from it


def _frozen(value: Any) -> bool:
    """Whether ``value`` can never change (so a snapshot may share it)."""
    t = type(value)
    if t in _ATOMIC:
        return True
    if t is tuple or t is frozenset:
        return all(_frozen(v) for v in value)
    return False


def _plain(cls: type) -> bool:
    """Whether instances keep all their state in a plain ``__dict__``."""
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = not any("__slots__" in vars(c) for c in cls.__mro__[:-1]) and all(
            getattr(cls, name, None) is getattr(object, name, None)
            for name in ("__deepcopy__", "__getstate__", "__setstate__", "__reduce_ex__")
        )
        _PLAIN[cls] = plain
    return plain


def _take(obj: Strategy) -> tuple[Any, Any, tuple[str, ...]]:
    """A snapshot of a strategy that is never used again (its state is taken, not copied)."""
    cls = type(obj)
    if not _plain(cls):
        return (None, obj, ())
    state = obj.__dict__
    if _ATOMIC.issuperset(map(type, state.values())):
        return (cls, state, ())
    return (cls, state, tuple(k for k, v in state.items() if not _frozen(v)))


def _restore(snap: tuple[Any, Any, tuple[str, ...]]) -> Strategy:
    """A fresh strategy in the snapshot's state (the snapshot is left as it was)."""
    cls, state, mutable = snap
    if cls is None:
        return copy.deepcopy(state)  # type: ignore[no-any-return]
    obj = cls.__new__(cls)
    new = obj.__dict__
    new.update(state)
    if mutable:
        new.update(_copy_mutable(state, mutable))
    return obj  # type: ignore[no-any-return]


_FLAT = {list: list, dict: dict, set: set}


def _copy_mutable(state: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Deep copies of ``state[keys]``: flat lists, dicts and sets of atomic values
    (distinct objects) by a shallow copy, anything else by ``copy.deepcopy``."""
    values = [state[k] for k in keys]
    if len({id(v) for v in values}) == len(values):
        out = {}
        for k, v in zip(keys, values, strict=True):
            make = _FLAT.get(type(v))
            if make is None or not _ATOMIC.issuperset(map(type, v)):
                break
            if make is dict and not _ATOMIC.issuperset(map(type, v.values())):
                break
            out[k] = make(v)
        else:
            return out
    return copy.deepcopy(dict(zip(keys, values, strict=True)))


def _history(own: npt.NDArray[np.int8], opp: npt.NDArray[np.int8]) -> History:
    """A :class:`History` of two int8 arrays of equal length (no checks)."""
    h = History.__new__(History)
    h.own = own
    h.opponent = opp
    return h


def _checked(player: Strategy, action: Any, turn: int) -> int:
    if action not in (0, 1):
        raise ValueError(
            f"{player.display} returned {action!r} at turn {turn}; actions are 0 (C) or 1 (D)"
        )
    return int(action)


class _Store:
    """Nodes of tables built lazily, for deterministic strategies that are not
    finite-state, beside copies of fixed tables, in one index space.

    A deterministic strategy's play is a function of the history, so for any
    finite number of turns it is a finite machine on the histories it meets:
    a node is a history (a node of the tree of rounds), its output what
    ``act`` plays there, its children the histories one round longer. Nodes
    are made when a match first reaches them: the parent's strategy state
    (kept as a snapshot after its ``act``) is restored and ``act`` is called
    once with the match's history. The tree of a strategy (for one
    :class:`MatchInfo`) is kept across matches and calls, so a strategy that
    meets many opponents, or the same one again, calls ``act`` once per
    distinct history. ``child[4 * node + 2 * own + opp]`` is -1 until made.
    """

    def __init__(self) -> None:
        self.n = 0
        self.prob = np.zeros(0, dtype=np.float64)
        self.defect = np.zeros(0, dtype=np.bool_)
        self.step = np.zeros(0, dtype=np.int64)
        self.child = np.zeros(0, dtype=np.int64)
        self.snaps: list[Any] = []
        self.static: dict[int, tuple[PlayerTable, int]] = {}
        self.roots: dict[Hashable, int] = {}
        # the node of a live player (played through act): cooperates, stays
        self.live = self._alloc(1)
        self.prob[self.live] = 1.0
        self.child[4 * self.live : 4 * self.live + 4] = self.live

    def _alloc(self, k: int) -> int:
        start = self.n
        need = start + k
        if need > self.prob.shape[0]:
            cap = max(1024, 2 * need)
            prob = np.zeros(cap, dtype=np.float64)
            prob[:start] = self.prob[:start]
            defect = np.zeros(cap, dtype=np.bool_)
            defect[:start] = self.defect[:start]
            step = np.zeros(cap, dtype=np.int64)
            step[:start] = self.step[:start]
            child = np.full(4 * cap, -1, dtype=np.int64)
            child[: 4 * start] = self.child[: 4 * start]
            self.prob, self.defect, self.step, self.child = prob, defect, step, child
        self.snaps.extend([None] * k)
        self.n = need
        return start

    def add_static(self, table: PlayerTable) -> int:
        """The offset of a fixed table's states (copied in once)."""
        hit = self.static.get(id(table))
        if hit is not None:
            return hit[1]
        off = self._alloc(table.n_states)
        end = off + table.n_states
        self.prob[off:end] = table.prob
        self.defect[off:end] = table.prob < 0.5
        self.step[off:end] = (table.prob > 0.0) & (table.prob < 1.0)
        self.child[4 * off : 4 * end] = table.next.reshape(-1) + off
        self.static[id(table)] = (table, off)  # keeps the table (and its id) alive
        return off

    def _node(self, action: int, snap: Any) -> int:
        node = self._alloc(1)
        self.prob[node] = 1.0 - action
        self.defect[node] = bool(action)
        self.snaps[node] = snap
        return node

    def root(self, strategy: Strategy, info: MatchInfo) -> int:
        """The node of the empty history of a deterministic strategy."""
        try:
            key: Hashable | None = (type(strategy), repr(strategy), info)
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in self.roots:
            return self.roots[key]
        s = copy.deepcopy(strategy)
        s.reset(info)
        empty = np.zeros(0, dtype=np.int8)
        action = _checked(s, s.act(_history(empty, empty), _NO_RNG), 0)
        node = self._node(action, _take(s))
        if key is not None:
            self.roots[key] = node
        return node

    def expand(
        self,
        cells: list[int],
        rows: list[int],
        own: npt.NDArray[np.int8],
        opp: npt.NDArray[np.int8],
        turn: int,
    ) -> None:
        """Make the children ``cells`` (``4 * parent + 2 * own + opp``), each reached
        by the match in column ``rows`` of the time-major ``own``/``opp`` actions
        of turns ``0..turn - 1``."""
        node = self._alloc(len(cells))
        snaps, child, prob, defect = self.snaps, self.child, self.prob, self.defect
        for cell, r in zip(cells, rows, strict=True):
            s = _restore(snaps[cell >> 2])
            action = s.act(_history(own[:turn, r].copy(), opp[:turn, r].copy()), _NO_RNG)
            if action not in (0, 1):
                _checked(s, action, turn)
            action = int(action)
            prob[node] = 1.0 - action
            defect[node] = action == 1
            snaps[node] = _take(s)
            child[cell] = node
            node += 1


_STORE: list[_Store] = []


def _store() -> _Store:
    if not _STORE or _STORE[0].n > NODE_BUDGET:
        _STORE[:] = [_Store()]
    return _STORE[0]


class _BatchRounds(Rounds):
    """The rounds of a batch's matches, read from the block's time-major actions."""

    def __init__(
        self,
        hist: npt.NDArray[np.bool_],
        rows: npt.NDArray[np.int64],
        sides: npt.NDArray[np.int64],
    ) -> None:
        self._hist = hist
        n_matches = hist.shape[2]
        # indices into one turn's actions of both sides, flattened (side, match)
        self._own = sides * n_matches + rows
        self._opp = (1 - sides) * n_matches + rows
        self.t = 0
        self.own = self.opp = np.zeros(len(rows), dtype=np.bool_)

    def at(self, turn: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        if not 0 <= turn < self.t:
            raise ValueError(f"round {turn} has not been played (turn {self.t})")
        both = self._hist[:, turn, :].reshape(-1)
        return both[self._own], both[self._opp]

    def advance(self, t: int, last: npt.NDArray[np.bool_]) -> None:
        """Move to turn ``t``; ``last`` is round ``t - 1`` of all matches, flattened (side, match)."""
        self.t = t
        if t:
            self.own = last[self._own]
            self.opp = last[self._opp]


class _BatchDraws(Draws):
    """Each row's player stream (spawn child ``side`` of its match's seed), as
    64-bit outputs generated ahead, ``width`` per row, more when a row needs them."""

    def __init__(
        self,
        filler: _StreamFiller,
        seeds: npt.NDArray[np.uint64],
        sides: npt.NDArray[np.int64],
        width: int,
    ) -> None:
        self._filler = filler
        self._seeds = seeds
        self._sides = sides
        self._states: tuple[npt.NDArray[np.uint64], ...] | None = None
        self._n = len(seeds)
        self._width = max(int(width), 1)
        self._words: npt.NDArray[np.uint64] | None = None
        self._pos = np.zeros(self._n, dtype=np.int64)
        self._base = np.arange(self._n, dtype=np.int64)
        self._has32 = np.zeros(self._n, dtype=np.bool_)
        self._buf32 = np.zeros(self._n, dtype=U64)

    def _fill(self) -> None:
        if self._states is None:  # only batches that draw pay for their streams
            self._states = _stream_states(self._seeds, self._sides)
        self._words = self._filler.fill_raw(self._states, self._width).reshape(-1)
        self._base = np.arange(self._n, dtype=np.int64) * self._width

    def raw(self, where: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
        pos = self._pos
        if self._words is None:
            self._fill()
        if bool((where & (pos >= self._width)).any()):
            self._width *= 2  # regenerated from the start: the same numbers, more of them
            self._fill()
        assert self._words is not None
        out = self._words[self._base + np.minimum(pos, self._width - 1)]
        self._pos = pos + where
        return out

    def uint32(self, where: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
        kept = where & self._has32
        fresh = where & ~self._has32
        word = self.raw(fresh)
        out = np.where(kept, self._buf32, word & U64(_M32))
        self._buf32 = np.where(fresh, word >> U64(32), self._buf32)
        self._has32 = (self._has32 & ~kept) | fresh
        return out


@dataclass
class _BatchGroup:
    """One strategy's batch over its rows (match in the block, side) of a block."""

    batch: Batch
    rounds: _BatchRounds
    draws: _BatchDraws
    out: npt.NDArray[np.int64]  # side * matches + row: where its actions go


@dataclass
class _Live:
    """A match with a player that is played through ``act`` (a stochastic strategy
    that is not memory-one): its strategies, generators and actions so far."""

    k: int
    players: list[Strategy | None]
    gens: list[np.random.Generator | None]
    acts: npt.NDArray[np.int8]


def _play_general(
    strategies: list[Strategy],
    player_tables: list[list[PlayerTable | None]],
    pairs: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
    seeds: npt.NDArray[np.uint64],
    noise: float,
    game: NormalFormGame | None,
    length_known: bool,
    base_info: int | None,
    counts: npt.NDArray[np.int64],
    actions: npt.NDArray[np.int8] | None,
    where: npt.NDArray[np.int64],
) -> None:
    """Step the matches where a player has no fixed table, fill ``counts`` (and ``actions``).

    Each side is a node of the store: a fixed table's state, a node of a
    deterministic strategy's lazily built tree (see :class:`_Store`), or, for
    a stochastic strategy without a table, a placeholder while the match's own
    copy of the strategy is asked through ``act`` with its own generator.
    """
    order = np.argsort(-lengths, kind="stable")
    order = order[lengths[order] > 0]
    filler = _StreamFiller()
    # Which (player, side) has a batched twin: a copy reset with the side's
    # information (the payoffs; each match's length is given to the batch).
    unknown = match_infos(None, noise=noise, game=game)
    batchable: list[list[MatchInfo | None]] = []
    batch_players: dict[tuple[int, MatchInfo], Strategy] = {}
    for i, s in enumerate(strategies):
        row: list[MatchInfo | None] = [None, None]
        for side in (0, 1):
            if player_tables[i][side] is not None:
                continue
            info = unknown[side]
            player = batch_players.get((i, info))
            if player is None:
                player = copy.deepcopy(s)
                player.reset(info)
                if player.as_batch(0, None) is None:
                    continue
                batch_players[(i, info)] = player
            row[side] = info
        batchable.append(row)
    lo = 0
    while lo < len(order):
        total = 0
        hi = lo
        while hi < len(order) and (hi == lo or total + lengths[order[hi]] <= GENERAL_BLOCK_TURNS):
            total += int(lengths[order[hi]])
            hi += 1
        idx = order[lo:hi]
        lo = hi
        store = _store()
        n = len(idx)
        start = np.zeros((2, n), dtype=np.int64)
        rand = np.zeros((2, n), dtype=bool)
        lives: list[_Live] = []
        cache: dict[tuple[int, int, int | None], int] = {}
        batch_rows: dict[tuple[int, MatchInfo], list[tuple[int, int]]] = {}
        for r, k in enumerate(idx.tolist()):
            length = int(lengths[k])
            exact = match_infos(length if length_known else None, noise=noise, game=game)
            live: _Live | None = None
            for side in (0, 1):
                i = int(pairs[k, side])
                s = strategies[i]
                table = player_tables[i][side]
                if table is not None:
                    start[side, r] = store.add_static(table) + table.initial
                    rand[side, r] = table.stochastic
                elif batchable[i][side] is not None:
                    start[side, r] = store.live  # a placeholder: the batch's actions replace it
                    batch_rows.setdefault((i, batchable[i][side]), []).append((r, side))
                elif not s.stochastic:
                    turns = exact[0].turns if s.meta.uses_match_length else base_info
                    ck = (i, side, turns)
                    node = cache.get(ck)
                    if node is None:
                        infos = (
                            exact
                            if turns == exact[0].turns
                            else match_infos(turns, noise=noise, game=game)
                        )
                        node = cache[ck] = store.root(s, infos[side])
                    start[side, r] = node
                else:
                    start[side, r] = store.live
                    if live is None:
                        gens = np.random.default_rng(int(seeds[k])).spawn(3)
                        live = _Live(r, [None, None], [None, None], np.zeros((2, length), np.int8))
                        lives.append(live)
                        live_gens = gens
                    player = copy.deepcopy(s)
                    player.reset(exact[side])
                    live.players[side] = player
                    live.gens[side] = live_gens[side]
        groups = [
            (
                i,
                info,
                np.array([r for r, _ in rows_sides], dtype=np.int64),
                np.array([side for _, side in rows_sides], dtype=np.int64),
            )
            for (i, info), rows_sides in batch_rows.items()
        ]
        hist = _step_general(
            store,
            start,
            rand,
            lives,
            lengths[idx],
            seeds[idx],
            noise,
            filler,
            [(batch_players[(i, info)], info, rows, sides) for i, info, rows, sides in groups],
            length_known,
        )
        block_counts, block_actions = _tally(hist, lengths[idx], keep=actions is not None)
        counts[where[idx]] = block_counts
        if actions is not None and block_actions is not None:
            actions[where[idx], :, : block_actions.shape[2]] = block_actions


def _step_general(
    store: _Store,
    start: npt.NDArray[np.int64],
    rand: npt.NDArray[np.bool_],
    lives: list[_Live],
    lengths: npt.NDArray[np.int64],
    seeds: npt.NDArray[np.uint64],
    noise: float,
    filler: _StreamFiller,
    batches: list[tuple[Strategy, MatchInfo, npt.NDArray[np.int64], npt.NDArray[np.int64]]],
    length_known: bool,
) -> npt.NDArray[np.bool_]:
    """:meth:`_Block.play` over the store, making missing nodes, stepping the
    batches and asking live players.

    ``batches``: per batched strategy, its reset copy, its side's information,
    and its rows (matches of the block) and sides.
    """
    n_matches = len(lengths)
    lmax = int(lengths[0]) if n_matches else 0
    running = n_matches - np.searchsorted(lengths[::-1], np.arange(lmax + 1), side="right")

    width = max(lmax, 1)
    draws, pos_a, pos_b = _player_draws(filler, seeds, lengths, rand[0], rand[1], width)
    flips: npt.NDArray[np.bool_] | None = None
    if noise > 0.0:
        rows = np.empty((n_matches, 2 * width), dtype=np.float64)
        filler.fill(_stream_states(seeds, np.full(n_matches, 2, np.int64)), 2 * lengths, rows)
        flips = (rows < noise).T.copy()
        del rows

    live_rows = np.array([lv.k for lv in lives], dtype=np.int64)
    any_rand = bool(rand[0].any() or rand[1].any())
    hist = np.zeros((2, lmax, n_matches), dtype=np.bool_)
    hist_i8 = hist.view(np.int8)
    groups = []
    for player, _info, rows, sides in batches:
        turns = lengths[rows] if length_known else None
        batch = player.as_batch(len(rows), turns)
        if batch is None:
            raise RuntimeError(f"{player.display} stopped offering a batch")
        width = batch.draws_per_turn * int(lengths[rows].max(initial=0))
        groups.append(
            _BatchGroup(
                batch,
                _BatchRounds(hist, rows, sides),
                _BatchDraws(filler, seeds[rows], sides, width),
                sides * n_matches + rows,
            )
        )
    both = np.zeros(2 * n_matches, dtype=np.bool_)
    sa = start[0].copy()
    sb = start[1].copy()
    for t in range(lmax):
        n = int(running[t])
        a = sa[:n]
        b = sb[:n]
        if any_rand:
            prob = store.prob
            x = draws[pos_a[:n]] >= prob[a]
            y = draws[pos_b[:n]] >= prob[b]
            pos_a[:n] += store.step[a]
            pos_b[:n] += store.step[b]
        else:
            x = store.defect[a]
            y = store.defect[b]
        if groups:
            # both sides in one array, so that each batch writes its rows of
            # either side at once (rows of finished matches write past n: unused)
            last = hist[:, t - 1, :].reshape(-1) if t else both
            both = np.empty(2 * n_matches, dtype=np.bool_)
            both[:n] = x
            both[n_matches : n_matches + n] = y
            for g in groups:
                g.rounds.advance(t, last)
                both[g.out] = g.batch.act(g.rounds, g.draws)
            x = both[:n].copy()
            y = both[n_matches : n_matches + n].copy()
        n_live = int(np.searchsorted(live_rows, n)) if lives else 0
        for lv in lives[:n_live]:
            r = lv.k
            for side, out in ((0, x), (1, y)):
                player = lv.players[side]
                if player is not None:
                    h = _history(lv.acts[side, :t], lv.acts[1 - side, :t])
                    out[r] = _checked(player, player.act(h, lv.gens[side]), t)
        if flips is not None:
            x ^= flips[2 * t, :n]
            y ^= flips[2 * t + 1, :n]
        hist[0, t, :n] = x
        hist[1, t, :n] = y
        for lv in lives[:n_live]:
            lv.acts[0, t] = x[lv.k]
            lv.acts[1, t] = y[lv.k]
        n1 = int(running[t + 1])
        if n1 == 0:
            break
        xu = x[:n1].view(np.uint8).astype(np.int64)
        yu = y[:n1].view(np.uint8).astype(np.int64)
        cells_a = (a[:n1] << 2) + ((xu << 1) | yu)
        cells_b = (b[:n1] << 2) + ((yu << 1) | xu)
        child = store.child
        na = child[cells_a]
        nb = child[cells_b]
        for side, cells, nxt in ((0, cells_a, na), (1, cells_b, nb)):
            miss = np.flatnonzero(nxt < 0)
            if not len(miss):
                continue
            uniq, first = np.unique(cells[miss], return_index=True)
            store.expand(
                uniq.tolist(), miss[first].tolist(), hist_i8[side], hist_i8[1 - side], t + 1
            )
            nxt[miss] = store.child[cells[miss]]
        sa[:n1] = na
        sb[:n1] = nb
    return hist
