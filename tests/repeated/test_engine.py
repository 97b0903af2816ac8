"""The array engine: identical to the one-at-a-time match, seed for seed."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.games.normal_form import NormalFormGame
from cooplab.repeated import engine
from cooplab.repeated.engine import (
    compile_player,
    match_lengths,
    match_seeds,
    play_matches,
    seed_sequence_words,
)
from cooplab.repeated.match import match_infos, play_match
from cooplab.repeated.strategies import get_strategy

#: Every kind the engine meets: deterministic machines, deterministic and
#: stochastic memory-one strategies (some built from the payoffs), general
#: strategies played through act(), deterministic and stochastic, and ones
#: that use the announced length.
MIXED = [
    ("cooperator", {}),
    ("defector", {}),
    ("tit_for_tat", {}),
    ("grudger", {}),
    ("tit_for_two_tats", {}),
    ("alternator", {}),
    ("nydegger", {}),
    ("random", {}),
    ("joss", {}),
    ("generous_tit_for_tat", {}),
    ("zd_extort_2", {}),
    ("memory_one", {"p_cc": 0.9, "p_cd": 0.2, "p_dc": 0.6, "p_dd": 0.3, "initial": 0.5}),
    ("gradual", {}),
    ("go_by_majority", {}),
    ("stein_and_rapoport", {}),
    ("tideman_and_chieruzzi", {}),
    ("feld", {}),
    ("tullock", {}),
    ("naive_prober", {}),
]


def _players():
    return [get_strategy(name, **params) for name, params in MIXED]


def _all_pairs(n):
    return np.array([(i, j) for i in range(n) for j in range(n)])


def _check_identical(players, pairs, lengths, seeds, **kwargs):
    batch = play_matches(players, pairs, lengths, seeds=seeds, keep_actions=True, **kwargs)
    for k, (i, j) in enumerate(pairs):
        ref = play_match(
            players[i], players[j], int(batch.lengths[k]), seed=int(seeds[k]), **kwargs
        )
        got = batch.match(k)
        assert got == ref, (players[i].display, players[j].display, k)
        np.testing.assert_array_equal(batch.scores[k], ref.scores)
        np.testing.assert_array_equal(
            batch.cooperations[k], ref.actions.shape[1] - ref.actions.sum(axis=1)
        )
    return batch


def test_the_mixed_set_covers_every_path():
    players = _players()
    info = match_infos(50)[0]
    kinds = [getattr(compile_player(p, info), "kind", None) for p in players]
    assert {"fsm", "memory_one", None} <= set(kinds)
    assert any(p.stochastic for p, k in zip(players, kinds, strict=True) if k is None)
    assert any(
        compile_player(p, info) is not None and compile_player(p, info).stochastic for p in players
    )


@pytest.mark.parametrize("noise", [0.0, 0.05])
def test_identical_to_play_match_over_all_pairs(noise):
    players = _players()
    pairs = _all_pairs(len(players))
    keys = np.column_stack([pairs, np.zeros(len(pairs), dtype=int)])
    seeds = match_seeds(11, keys)
    batch = _check_identical(players, pairs, 60, seeds, noise=noise)
    assert 0 < batch.batched.mean() < 1  # both the tables and act() were used


def test_identical_with_varied_lengths_unknown_or_known():
    players = _players()
    pairs = _all_pairs(len(players))[::3]
    rng = np.random.default_rng(4)
    lengths = rng.integers(0, 40, size=len(pairs))
    seeds = rng.integers(0, 2**64, size=len(pairs), dtype=np.uint64)
    _check_identical(players, pairs, lengths, seeds, noise=0.1, length_known=False)
    batch = _check_identical(players, pairs, lengths, seeds, noise=0.1, length_known=True)
    # a strategy that uses the announced length cannot be one table for varied lengths
    stein = [k for k, (i, j) in enumerate(pairs) if MIXED[i][0] == "stein_and_rapoport"]
    assert not batch.batched[stein].any()


def test_identical_in_an_asymmetric_game():
    # a prisoner's dilemma where the column player's payoffs differ (R, S, T, P = 4, 0, 6, 2)
    game = NormalFormGame.from_bimatrix([[3, 0], [5, 1]], [[4, 6], [0, 2]])
    players = [p for p in _players() if p.name != "zd_extort_2"]  # its phi needs the PD's payoffs
    pairs = _all_pairs(len(players))
    seeds = match_seeds(5, np.column_stack([pairs, np.ones(len(pairs), dtype=int)]))
    _check_identical(players, pairs, 30, seeds, noise=0.02, game=game)


def test_random_memory_one_strategies_all_stochastic():
    rng = np.random.default_rng(0)
    players = [
        get_strategy("memory_one", p_cc=a, p_cd=b, p_dc=c, p_dd=d, initial=e)
        for a, b, c, d, e in rng.random((8, 5))
    ]
    pairs = np.array(list(itertools.combinations_with_replacement(range(8), 2)))
    seeds = match_seeds(2, np.column_stack([pairs, np.zeros(len(pairs), dtype=int)]))
    batch = _check_identical(players, pairs, 100, seeds)
    assert batch.batched.all()


def test_the_plain_state_setter_gives_the_same_numbers(monkeypatch):
    players = _players()[7:12]  # stochastic memory-one strategies
    pairs = _all_pairs(len(players))
    seeds = match_seeds(9, np.column_stack([pairs, np.zeros(len(pairs), dtype=int)]))
    fast = play_matches(players, pairs, 50, seeds=seeds, noise=0.1, keep_actions=True)
    monkeypatch.setattr(engine._StreamFiller, "_probe", lambda self: None)
    assert engine._StreamFiller()._mem is None
    slow = play_matches(players, pairs, 50, seeds=seeds, noise=0.1, keep_actions=True)
    np.testing.assert_array_equal(fast.actions, slow.actions)


def test_blocks_do_not_change_the_results(monkeypatch):
    players = _players()[:12]
    pairs = _all_pairs(len(players))
    rng = np.random.default_rng(1)
    lengths = rng.integers(1, 30, size=len(pairs))
    seeds = match_seeds(3, np.column_stack([pairs, np.zeros(len(pairs), dtype=int)]))
    whole = play_matches(players, pairs, lengths, seeds=seeds, noise=0.05, keep_actions=True)
    monkeypatch.setattr(engine, "BLOCK", 7)
    split = play_matches(players, pairs, lengths, seeds=seeds, noise=0.05, keep_actions=True)
    np.testing.assert_array_equal(whole.actions, split.actions)
    np.testing.assert_array_equal(whole.counts, split.counts)


def test_empty_and_zero_length_matches():
    players = _players()[:3]
    empty = play_matches(players, np.zeros((0, 2), dtype=int), 10, seeds=[])
    assert len(empty) == 0 and empty.scores.shape == (0, 2)
    batch = play_matches(players, [[0, 1], [1, 2]], [0, 3], seeds=[1, 2], keep_actions=True)
    assert batch.lengths.tolist() == [0, 3]
    assert batch.counts[0].tolist() == [0, 0, 0, 0]
    assert batch.match(0) == play_match(players[0], players[1], 0, seed=1)


def test_player_instances_are_not_changed():
    players = _players()
    before = [repr(p) for p in players]
    play_matches(players, _all_pairs(len(players))[:40], 20, seeds=np.arange(40))
    assert [repr(p) for p in players] == before


@given(
    entropy=st.integers(0, 2**140),
    keys=st.lists(
        st.lists(st.integers(0, 2**32 - 1), min_size=0, max_size=4), min_size=1, max_size=4
    ),
)
def test_seed_sequence_words_equal_numpys(entropy, keys):
    width = len(keys[0])
    keys = [k[:width] + [0] * (width - len(k)) for k in keys]
    arr = np.array(keys, dtype=np.int64).reshape(len(keys), width)
    got = seed_sequence_words(entropy, arr, 8)
    for row, key in zip(got, keys, strict=True):
        expected = np.random.SeedSequence(entropy, spawn_key=tuple(key)).generate_state(8)
        np.testing.assert_array_equal(row, expected)


@given(seed=st.integers(0, 2**64 - 1), which=st.integers(0, 2))
def test_stream_states_equal_spawned_generators(seed, which):
    states = engine._stream_states(np.array([seed], dtype=np.uint64), np.array([which]))
    rows = np.empty((1, 7))
    engine._StreamFiller().fill(states, np.array([7]), rows)
    expected = np.random.default_rng(seed).spawn(3)[which].random(7)
    np.testing.assert_array_equal(rows[0], expected)


def test_match_seeds_are_the_seed_sequences_first_word():
    keys = np.array([[0, 1, 0], [3, 2, 7]])
    for k, s in zip(keys, match_seeds(42, keys), strict=True):
        expected = np.random.SeedSequence(42, spawn_key=tuple(int(x) for x in k))
        assert int(s) == int(expected.generate_state(1, np.uint64)[0])


def test_match_lengths_are_geometric():
    keys = np.column_stack([np.arange(40_000), np.zeros(40_000, dtype=int)])
    delta = 0.9
    lengths = match_lengths(7, keys, delta)
    assert lengths.min() >= 1
    assert abs(lengths.mean() - 1 / (1 - delta)) < 0.15  # mean 10, sd 9.5, n 40,000
    for n in (1, 2, 5, 10, 20):
        assert abs((lengths >= n).mean() - delta ** (n - 1)) < 0.01
    assert (match_lengths(7, keys[:10], 0.0) == 1).all()
    np.testing.assert_array_equal(lengths[:100], match_lengths(7, keys[:100], delta))
    assert not np.array_equal(lengths[:100], match_lengths(8, keys[:100], delta))


def test_noise_flips_at_the_given_rate():
    players = [get_strategy("cooperator"), get_strategy("defector")]
    pairs = np.zeros((200, 2), dtype=int)
    batch = play_matches(players, pairs, 100, seeds=np.arange(200), noise=0.2)
    rate = 1 - batch.cooperations.sum() / (2 * 200 * 100)
    assert abs(rate - 0.2) < 0.01


def test_bad_input():
    players = _players()[:2]
    with pytest.raises(ValueError, match="pairs"):
        play_matches(players, [[0, 2]], 5, seeds=[0])
    with pytest.raises(ValueError, match="seeds"):
        play_matches(players, [[0, 1]], 5, seeds=[0, 1])
    with pytest.raises(ValueError, match="seeds"):
        play_matches(players, [[0, 1]], 5, seeds=[-1])
    with pytest.raises(ValueError, match="non-negative"):
        play_matches(players, [[0, 1]], -1, seeds=[0])
    with pytest.raises(ValueError, match="probability"):
        play_matches(players, [[0, 1]], 5, seeds=[0], noise=2.0)
    with pytest.raises(ValueError, match="delta"):
        match_lengths(0, [[0, 1]], 1.0)
    with pytest.raises(ValueError, match="seed"):
        match_seeds(-3, [[0, 1]])
    with pytest.raises(ValueError, match="unknown strategy"):
        play_matches(["tit_for_tatt"], [[0, 0]], 5, seeds=[0])


@pytest.mark.slow
@pytest.mark.parametrize("noise", [0.0, 0.05])
def test_identical_for_every_registered_strategy(noise):
    from cooplab.repeated.strategies import STRATEGIES

    players = [get_strategy(name) for name in STRATEGIES]
    pairs = np.array(list(itertools.combinations_with_replacement(range(len(players)), 2)))
    seeds = match_seeds(1, np.column_stack([pairs, np.zeros(len(pairs), dtype=int)]))
    _check_identical(players, pairs, 40, seeds, noise=noise)


#: Deterministic strategies that are not finite-state (lazily built trees),
#: one with a mutable state (Adaptive's list of scores), one that uses the
#: announced length, and stochastic ones without a table (played live).
GENERAL = [
    ("gradual", {}),
    ("adaptive", {}),
    ("retaliate", {}),
    ("limited_retaliate", {}),
    ("go_by_majority", {}),
    ("anti_cycler", {}),
    ("tideman_and_chieruzzi", {}),
    ("shubik", {}),
    ("stein_and_rapoport", {}),
    ("feld", {}),
    ("tullock", {}),
    ("tit_for_tat", {}),
    ("joss", {}),
]


_UNBATCHED: dict[type, type] = {}


def _unbatched(strategy):
    """The same strategy without its batched twin (``as_batch`` gives None), so
    that the engine plays it as a history tree or live, the paths tested here."""
    cls = type(strategy)
    sub = _UNBATCHED.get(cls)
    if sub is None:
        sub = _UNBATCHED[cls] = dataclasses.dataclass(eq=True)(
            type(cls.__name__, (cls,), {"as_batch": lambda self, n, turns: None})
        )
    return sub(**strategy.params)


def _general_players():
    return [_unbatched(get_strategy(name, **params)) for name, params in GENERAL]


def _fresh_store(monkeypatch):
    monkeypatch.setattr(engine, "_STORE", [])


@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_lazy_trees_are_identical_and_shared(monkeypatch, noise):
    _fresh_store(monkeypatch)
    players = _general_players()
    pairs = _all_pairs(len(players))
    seeds = match_seeds(21, np.column_stack([pairs, np.zeros(len(pairs), dtype=int)]))
    _check_identical(players, pairs, 50, seeds, noise=noise)
    store = engine._STORE[0]
    nodes = store.n
    # a second tournament with new seeds: deterministic pairs without noise
    # meet only histories already in the trees
    seeds2 = match_seeds(22, np.column_stack([pairs, np.zeros(len(pairs), dtype=int)]))
    _check_identical(players, pairs, 50, seeds2, noise=noise)
    if noise == 0.0:
        det = [not p.stochastic for p in players]
        only_det = [k for k, (i, j) in enumerate(pairs) if det[i] and det[j]]
        assert len(only_det) > 0
        grown = engine._STORE[0].n - nodes
        # only matches against stochastic players may add nodes
        assert grown < 50 * (len(pairs) - len(only_det))


def test_a_tree_calls_act_once_per_distinct_history(monkeypatch):
    _fresh_store(monkeypatch)
    gradual = _unbatched(get_strategy("gradual"))
    players = [gradual, get_strategy("cooperator"), get_strategy("tit_for_tat")]
    # gradual meets two opponents that cooperate throughout: one path, 30 nodes
    play_matches(players, [[0, 1], [0, 2], [0, 1]], 30, seeds=[1, 2, 3])
    store = engine._STORE[0]
    roots = [node for key, node in store.roots.items() if key[0] is type(gradual)]
    assert len(roots) == 1
    made = sum(1 for s in store.snaps if s is not None and s[0] is type(gradual))
    assert made == 30


def test_the_store_starts_afresh_past_its_budget(monkeypatch):
    _fresh_store(monkeypatch)
    players = _general_players()
    pairs = _all_pairs(len(players))
    rng = np.random.default_rng(5)
    lengths = rng.integers(0, 40, size=len(pairs))
    seeds = rng.integers(0, 2**64, size=len(pairs), dtype=np.uint64)
    whole = play_matches(players, pairs, lengths, seeds=seeds, noise=0.05, keep_actions=True)
    _fresh_store(monkeypatch)
    monkeypatch.setattr(engine, "NODE_BUDGET", 50)
    monkeypatch.setattr(engine, "GENERAL_BLOCK_TURNS", 60)
    split = play_matches(players, pairs, lengths, seeds=seeds, noise=0.05, keep_actions=True)
    np.testing.assert_array_equal(whole.actions, split.actions)
    np.testing.assert_array_equal(whole.counts, split.counts)
    assert engine._STORE[0].n < 50 + 60 * 2 + 100


def test_general_players_with_varied_known_lengths(monkeypatch):
    _fresh_store(monkeypatch)
    players = _general_players()
    pairs = _all_pairs(len(players))[::2]
    rng = np.random.default_rng(8)
    lengths = rng.integers(0, 30, size=len(pairs))
    seeds = rng.integers(0, 2**64, size=len(pairs), dtype=np.uint64)
    _check_identical(players, pairs, lengths, seeds, noise=0.0)
    _check_identical(players, pairs, lengths, seeds, noise=0.05, length_known=False)


def test_snapshots_copy_mutable_state():
    from cooplab.repeated.strategies.base import History

    s = get_strategy("adaptive")
    s.reset()
    s.act(History.from_strings("", ""), np.random.default_rng(0))
    snap = engine._take(s)
    assert snap[2]  # Adaptive keeps a list
    a = engine._restore(snap)
    b = engine._restore(snap)
    a.scores[0] = 99.0  # what act does in place later in a match
    assert a.scores is not snap[1]["scores"] and b.scores is not snap[1]["scores"]
    assert b.__dict__ == snap[1] and a.__dict__ != snap[1]
    nested = {"x": [[1, 2]], "y": (1, "a"), "z": 3}
    out = engine._copy_mutable(nested, ("x",))
    assert out["x"] == nested["x"] and out["x"][0] is not nested["x"][0]
