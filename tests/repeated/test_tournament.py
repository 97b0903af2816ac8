"""Round-robin tournaments: scoring, seeds, backends, resuming after Ctrl-C."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cooplab.repeated.match import play_match
from cooplab.repeated.strategies import get_strategy
from cooplab.repeated.tournament import round_robin, tournament_keys
from cooplab.runtime.executor import Executor

#: FSM, memory-one (stochastic too) and general strategies.
SMALL = [
    "tit_for_tat",
    "defector",
    "grudger",
    "random",
    "generous_tit_for_tat",
    "gradual",
    "tullock",
    "tit_for_two_tats",
]


def _same(a, b):
    assert a.names == b.names
    np.testing.assert_array_equal(a.totals, b.totals)
    np.testing.assert_array_equal(a.cooperations, b.cooperations)
    np.testing.assert_array_equal(a.lengths, b.lengths)
    assert a.ranking == b.ranking


def test_known_payoffs_and_axelrods_conventions():
    r = round_robin(["tit_for_tat", "defector", "cooperator"], turns=200)
    m = r.payoff_matrix
    # TFT v Defector: CD then 199 DD -> 199/200 and 204/200 (R,S,T,P = 3,0,5,1)
    assert m[0, 1] == 199 / 200 and m[1, 0] == 204 / 200
    assert m[0, 0] == 3.0 and m[1, 1] == 1.0 and m[2, 1] == 0.0 and m[1, 2] == 5.0
    # the twin counts once, at the mean of its two sides
    np.testing.assert_allclose(r.mean_scores, [(3 + 0.995 + 3) / 3, (1.02 + 1 + 5) / 3, 2.0])
    np.testing.assert_allclose(r.scores[:, 0], r.mean_scores * 200 * 3)
    assert r.ranked_names == ("Defector", "Tit For Tat", "Cooperator")  # 2.340 > 2.332
    # the twin match counts both sides: TFT cooperates 400 + 1 + 200 times in 800 turns
    np.testing.assert_allclose(r.cooperation_rates, [601 / 800, 0.0, 1.0])
    # without the twin: the Axelrod library's scores and ranking
    r2 = round_robin(["tit_for_tat", "defector", "cooperator"], turns=200, self_play=False)
    assert np.isnan(r2.payoff_matrix.diagonal()).all()
    np.testing.assert_allclose(r2.mean_scores, [(0.995 + 3) / 2, (1.02 + 5) / 2, 1.5])
    assert r2.ranked_names == ("Defector", "Tit For Tat", "Cooperator")


def test_ties_are_broken_by_the_order_given():
    r = round_robin(["grudger", "tit_for_tat", "cooperator"], turns=20)
    assert r.mean_scores[0] == r.mean_scores[1] == r.mean_scores[2]
    assert r.ranking == (0, 1, 2)
    r = round_robin(["cooperator", "tit_for_tat", "grudger"], turns=20)
    assert r.ranking == (0, 1, 2)


def test_every_match_is_play_match_with_its_seed():
    players = [get_strategy(s) for s in SMALL]
    for kwargs in ({"noise": 0.0}, {"noise": 0.05}, {"delta": 0.95, "noise": 0.02}):
        r = round_robin(
            players,
            turns=None if "delta" in kwargs else 50,
            repetitions=2,
            seed=3,
            keep_histories=True,
            **kwargs,
        )
        for i, j, rep in tournament_keys(len(players), 2):
            ref = play_match(
                players[i],
                players[j],
                int(r.lengths[i, j, rep]),
                seed=r.match_seed(i, j, rep),
                noise=kwargs["noise"],
                length_known=r.length_known,
            )
            assert r.match(i, j, rep) == ref
            if i != j:
                np.testing.assert_allclose(r.totals[i, j, rep], ref.scores[0])
                np.testing.assert_allclose(r.totals[j, i, rep], ref.scores[1])
                swapped = r.match(j, i, rep)
                assert swapped.history_strings() == ref.history_strings()[::-1]
                assert swapped.scores.tolist() == ref.scores.tolist()[::-1]
            else:
                np.testing.assert_allclose(r.totals[i, i, rep], ref.scores.mean())


def test_seeds_reproduce_and_matter():
    a = round_robin(SMALL, turns=30, repetitions=2, noise=0.05, seed=1)
    b = round_robin(SMALL, turns=30, repetitions=2, noise=0.05, seed=1)
    c = round_robin(SMALL, turns=30, repetitions=2, noise=0.05, seed=2)
    _same(a, b)
    assert not np.array_equal(a.totals, c.totals)
    # repetitions differ from one another
    assert not np.array_equal(a.totals[..., 0], a.totals[..., 1])
    fresh = round_robin(SMALL[:3], turns=5, seed=None)
    _same(fresh, round_robin(SMALL[:3], turns=5, seed=fresh.seed))


def test_chunking_and_backends_give_identical_results():
    kwargs = {"turns": 40, "repetitions": 2, "noise": 0.05, "seed": 7}
    serial = round_robin(SMALL, **kwargs)
    _same(serial, round_robin(SMALL, chunk_size=5, **kwargs))
    with Executor("local", workers=2) as ex:
        _same(serial, round_robin(SMALL, executor=ex, chunk_size=9, **kwargs))


def test_ctrl_c_keeps_finished_chunks_and_a_rerun_resumes(tmp_path):
    kwargs = {"turns": 30, "repetitions": 2, "noise": 0.05, "seed": 5, "chunk_size": 10}
    expected = round_robin(SMALL, **kwargs)
    total = len(tournament_keys(len(SMALL), 2))
    assert total > 40

    def interrupt_after_three_chunks(done, _total):
        if done >= 30:  # Ctrl-C arrives while the fourth chunk would start
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        round_robin(SMALL, checkpoint=tmp_path, progress=interrupt_after_three_chunks, **kwargs)
    assert len(list(tmp_path.glob("task-*.pkl"))) == 3

    calls = []
    resumed = round_robin(
        SMALL, checkpoint=tmp_path, progress=lambda d, t: calls.append(d), **kwargs
    )
    _same(expected, resumed)
    assert calls[:2] == [0, 30]  # three chunks restored before any was played
    assert calls[-1] == total


def test_delta_lengths_cap_and_knowledge():
    r = round_robin(["cooperator", "defector"], delta=0.9, repetitions=200, seed=0)
    assert r.turns is None and not r.length_known
    lengths = r.lengths[0, 1]
    assert abs(lengths.mean() - 10) < 2.5  # geometric, mean 1 / (1 - 0.9)
    assert (r.lengths == r.lengths.transpose(1, 0, 2)).all()
    capped = round_robin(["cooperator", "defector"], delta=0.9, turns=5, repetitions=50, seed=0)
    assert capped.lengths.max() <= 5
    known = round_robin(["stein_and_rapoport", "tit_for_tat"], delta=0.9, length_known=True, seed=0)
    assert known.length_known


def test_noise_lowers_mutual_cooperation():
    r = round_robin(["cooperator"], turns=2000, noise=0.1, seed=0)
    assert abs(r.cooperation_rates[0] - 0.9) < 0.01


def test_to_dict_is_json():
    r = round_robin(SMALL[:3], turns=5, self_play=False, keep_histories=True)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["names"] == list(r.names)
    assert d["payoff_matrix"][0][0] is None
    assert d["histories"][0]["actions"] == list(r.match(0, 1).history_strings())
    with pytest.raises(ValueError, match="no match"):
        r.match(0, 0)
    with pytest.raises(ValueError, match="histories"):
        round_robin(SMALL[:2], turns=5).match(0, 1)


def test_the_given_instances_are_untouched():
    s = get_strategy("gradual")
    before = repr(s), dict(vars(s))
    round_robin([s, "defector"], turns=20)
    assert (repr(s), dict(vars(s))) == before


def test_bad_input():
    with pytest.raises(ValueError, match="at least 2"):
        round_robin(["cooperator"], self_play=False)
    with pytest.raises(ValueError, match="repetitions"):
        round_robin(SMALL, repetitions=0)
    with pytest.raises(ValueError, match="non-negative"):
        round_robin(SMALL, turns=-1)
    with pytest.raises(ValueError, match="delta"):
        round_robin(SMALL, delta=1.0)
    with pytest.raises(ValueError, match="probability"):
        round_robin(SMALL, noise=-0.1)
    with pytest.raises(ValueError, match="seed"):
        round_robin(SMALL, seed=-1)
    with pytest.raises(ValueError, match="chunk_size"):
        round_robin(SMALL, chunk_size=0)
    with pytest.raises(ValueError, match="unknown strategy"):
        round_robin(["tit_for_tatt", "defector"])
