import itertools
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplab.equilibria.dominance import (
    DominanceResult,
    Domination,
    dominant_strategies,
    dominated_actions,
    iterated_elimination,
    restricted_game,
)
from cooplab.games import NormalFormGame, make


def textbook_mixed():
    # M is dominated by neither T nor B but by 1/2 T + 1/2 B, which pays 1.5 > 1
    # against both columns (the standard example; cf. Osborne & Rubinstein 1994, §4.2).
    return NormalFormGame.from_bimatrix(
        [[3, 0], [1, 1], [0, 3]],
        [[1, 0], [0, 5], [1, 0]],
        action_names=[["T", "M", "B"], ["L", "R"]],
    )


def keynes_beauty_contest(n, top, p=2 / 3):
    """Guess p times the average of all guesses (0..top); the closest share a prize of 1."""
    grids = np.meshgrid(*([np.arange(top + 1)] * n), indexing="ij")
    target = p * sum(grids) / n
    distance = np.stack([np.abs(x - target) for x in grids])
    wins = distance <= distance.min(axis=0) + 1e-9
    return NormalFormGame(wins / wins.sum(axis=0))


def quadratic_beauty_contest(n, top, p):
    """u_i = -(x_i - p * mean of the others)^2 on 0..top."""
    grids = np.meshgrid(*([np.arange(top + 1)] * n), indexing="ij")
    total = sum(grids)
    return NormalFormGame(
        np.stack([-((x - p * (total - x) / (n - 1)) ** 2) for x in grids]).astype(float)
    )


def reference_iesds(payoffs):
    """Pure strict IESDS, one action at a time, with plain loops (the definition)."""
    n = payoffs.shape[0]
    alive = [list(range(a)) for a in payoffs.shape[1:]]
    changed = True
    while changed:
        changed = False
        for i in range(n):
            others = [alive[j] for j in range(n) if j != i]
            for a in list(alive[i]):
                for b in alive[i]:
                    if b == a:
                        continue
                    better = True
                    for rest in itertools.product(*others):
                        prof_a = list(rest)
                        prof_a.insert(i, a)
                        prof_b = list(rest)
                        prof_b.insert(i, b)
                        if not payoffs[(i, *prof_b)] > payoffs[(i, *prof_a)]:
                            better = False
                            break
                    if better:
                        alive[i].remove(a)
                        changed = True
                        break
    return tuple(tuple(a) for a in alive)


# ---------------------------------------------------------------------------
# Literature examples
# ---------------------------------------------------------------------------
def test_prisoners_dilemma_is_solved_to_mutual_defection():
    r = iterated_elimination(make("prisoners-dilemma"))
    assert r.solved and r.solution == (1, 1)
    assert r.surviving == ((1,), (1,))
    assert r.game.action_names == (("D",), ("D",))
    assert r.rounds == 1
    assert [(d.player, d.action, d.dominator, d.margin) for d in r.eliminated] == [
        (0, 0, 1, 1.0),
        (1, 0, 1, 1.0),
    ]
    np.testing.assert_allclose(r.game.payoffs, [[[1.0]], [[1.0]]])


def test_mixed_dominance_where_pure_dominance_fails():
    g = textbook_mixed()
    assert dominated_actions(g, "Row") == ()
    (d,) = dominated_actions(g, "Row", mixed=True)
    assert d.action == 1 and d.dominator is None
    np.testing.assert_allclose(d.mixture, [0.5, 0, 0.5], atol=1e-8)
    assert d.margin == pytest.approx(0.5, abs=1e-8)
    assert d.dominator_name == "1/2 T + 1/2 B"
    assert "strictly dominated by 1/2 T + 1/2 B" in d.describe("Row")


def test_mixed_elimination_then_cascades():
    # Without M, Column's R is dominated by L, and then Row's B by T.
    g = textbook_mixed()
    pure = iterated_elimination(g)
    assert pure.surviving == ((0, 1, 2), (0, 1)) and pure.rounds == 0
    mixed = iterated_elimination(g, mixed=True)
    assert mixed.solution == (0, 0)
    assert [(d.player, d.action_name, d.round) for d in mixed.eliminated] == [
        (0, "M", 1),
        (1, "R", 2),
        (0, "B", 3),
    ]
    assert mixed.eliminated[1].dominator_name == "L"


def test_keynes_beauty_contest_two_players():
    # With two players, guessing 0 is weakly dominant (Grosskopf & Nagel 2008,
    # Games and Economic Behavior 62, 93-99); here strict elimination already
    # leaves only 0.
    g = keynes_beauty_contest(2, 10)
    for kwargs in ({}, {"weak": True}, {"mixed": True}):
        assert iterated_elimination(g, **kwargs).solution == (0, 0)
    assert g.pure_nash_equilibria() == [(0, 0)]


def test_keynes_beauty_contest_three_players_needs_mixed_or_weak_dominance():
    # With three players every guess can share the prize against some profile,
    # so no guess is strictly dominated by a pure guess; mixtures of low guesses
    # strictly dominate the highest ones, and iterating leaves the unique
    # equilibrium, everyone guessing 0 (Moulin 1986; Nagel 1995).
    g = keynes_beauty_contest(3, 6)
    assert iterated_elimination(g).rounds == 0
    mixed = iterated_elimination(g, mixed=True)
    assert mixed.solution == (0, 0, 0)
    assert mixed.eliminated[0].action == 6 and mixed.eliminated[0].dominator is None
    assert iterated_elimination(g, weak=True).solution == (0, 0, 0)


@pytest.mark.parametrize(("n", "p"), [(2, 0.5), (3, 0.5), (3, 2 / 3)])
def test_quadratic_beauty_contest_matches_reference_and_keeps_equilibria(n, p):
    g = quadratic_beauty_contest(n, 8, p)
    r = iterated_elimination(g)
    assert r.surviving == reference_iesds(g.payoffs)
    # First round: guesses above p * top + 1/2 are dominated by the guess below them.
    first = {d.action for d in r.eliminated if d.round == 1 and d.player == 0}
    assert first == {x for x in range(9) if x > p * 8 + 0.5}
    for eq in g.pure_nash_equilibria():
        assert all(a in s for a, s in zip(eq, r.surviving, strict=True))


def test_n_player_catalog_dilemmas():
    assert iterated_elimination(make("public-goods", n=5)).solution == (0,) * 5
    assert iterated_elimination(make("arms-race", n=4)).solution == (1,) * 4
    commons = make("tragedy-of-the-commons", n=3)
    r = iterated_elimination(commons)
    assert r.surviving == reference_iesds(commons.payoffs)
    assert r.surviving == ((1, 2, 3, 4, 5),) * 3  # grazing nothing is dominated by one animal


def test_weak_dominance_depends_on_the_order():
    # Row's T and B are each weakly dominated by M. Removing T first lets Column
    # drop L; removing B first lets Column drop R; removing both (this module's
    # rounds) leaves Column indifferent.
    g = NormalFormGame.from_bimatrix(
        [[1, 0], [1, 2], [0, 2]],
        [[1, 0], [1, 1], [0, 1]],
        action_names=[["T", "M", "B"], ["L", "R"]],
    )
    simultaneous = iterated_elimination(g, weak=True)
    assert simultaneous.surviving == ((1,), (0, 1))

    def column_after(row_kept):
        sub = restricted_game(g, [row_kept, ["L", "R"]])
        return [d.action_name for d in dominated_actions(sub, "Column", weak=True)]

    assert column_after(["M", "B"]) == ["L"]
    assert column_after(["T", "M"]) == ["R"]
    # Strict elimination removes nothing here.
    assert iterated_elimination(g).rounds == 0


# ---------------------------------------------------------------------------
# Order independence of strict elimination (Gilboa, Kalai & Zemel 1990)
# ---------------------------------------------------------------------------
def _random_order_elimination(g, mixed, choices):
    kept = [list(range(a)) for a in g.n_actions]
    while True:
        sub = restricted_game(g, kept)
        candidates = [
            (i, kept[i][d.action])
            for i in range(g.n_players)
            for d in dominated_actions(sub, i, mixed=mixed)
        ]
        if not candidates:
            return tuple(tuple(k) for k in kept)
        i, a = candidates[choices.draw(st.integers(0, len(candidates) - 1))]
        kept[i].remove(a)


@given(
    shape=st.lists(st.integers(2, 4), min_size=2, max_size=3),
    seed=st.integers(0, 2**32 - 1),
    mixed=st.booleans(),
    choices=st.data(),
)
def test_strict_elimination_is_order_independent(shape, seed, mixed, choices):
    rng = np.random.default_rng(seed)
    g = NormalFormGame(rng.integers(0, 6, size=(len(shape), *shape)).astype(float))
    ours = iterated_elimination(g, mixed=mixed).surviving
    assert _random_order_elimination(g, mixed, choices) == ours


@given(
    shape=st.lists(st.integers(1, 4), min_size=2, max_size=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_pure_elimination_matches_reference_and_keeps_every_pure_equilibrium(shape, seed):
    rng = np.random.default_rng(seed)
    g = NormalFormGame(rng.integers(0, 4, size=(len(shape), *shape)).astype(float))
    r = iterated_elimination(g)
    assert r.surviving == reference_iesds(g.payoffs)
    mixed = iterated_elimination(g, mixed=True)
    for i, s in enumerate(mixed.surviving):
        assert set(s) <= set(r.surviving[i])  # mixed dominance removes at least as much
    for eq in g.pure_nash_equilibria():
        for s in (r.surviving, mixed.surviving):
            assert all(a in row for a, row in zip(eq, s, strict=True))
    # The reduced game's payoffs are the original ones on the survivors.
    np.testing.assert_array_equal(
        r.game.payoffs, g.payoffs[np.ix_(range(g.n_players), *r.surviving)]
    )


@given(seed=st.integers(0, 2**32 - 1))
def test_mixed_dominators_really_dominate(seed):
    rng = np.random.default_rng(seed)
    g = NormalFormGame(rng.integers(0, 9, size=(2, 4, 3)).astype(float))
    for d in iterated_elimination(g, mixed=True).eliminated:
        if d.mixture is None:
            continue
        assert sum(d.mixture) == pytest.approx(1)
        assert d.mixture[d.action] == 0
        assert d.margin > 0


# ---------------------------------------------------------------------------
# Dominant strategies, tolerances, inputs, results
# ---------------------------------------------------------------------------
def test_dominant_strategies():
    assert dominant_strategies(make("prisoners-dilemma")) == (1, 1)
    assert dominant_strategies(make("stag-hunt")) == (None, None)
    assert dominant_strategies(make("symmetric-2x2", R=4, S=3, T=2, P=1)) == (0, 0)  # harmony
    assert dominant_strategies(make("public-goods", n=4)) == (0, 0, 0, 0)
    assert dominant_strategies(make("tragedy-of-the-commons")) == (None, None, None)
    # Weak: C and D tie against C, D better against D.
    g = make("symmetric-2x2", R=3, S=0, T=3, P=1)
    assert dominant_strategies(g) == (None, None)
    assert dominant_strategies(g, weak=True) == (1, 1)
    one = NormalFormGame([[[1.0, 2.0]], [[0.0, 5.0]]])
    assert dominant_strategies(one) == (0, 1)


def test_rounding_ties_are_not_strict_dominance():
    # 0.1 + 0.2 and 0.3 differ only by rounding.
    g = NormalFormGame.from_bimatrix([[0.1 + 0.2, 1.0], [0.3, 0.0]], [[0, 0], [0, 0]])
    assert dominated_actions(g, 0) == ()
    assert [d.action for d in dominated_actions(g, 0, weak=True)] == [1]


def test_max_rounds():
    g = textbook_mixed()
    r = iterated_elimination(g, mixed=True, max_rounds=1)
    assert r.rounds == 1 and r.surviving == ((0, 2), (0, 1))
    with pytest.raises(ValueError, match="max_rounds"):
        iterated_elimination(g, max_rounds=-1)


def test_restricted_game():
    g = textbook_mixed()
    sub = restricted_game(g, [["B", "T"], [1]])
    assert sub.action_names == (("B", "T"), ("R",))
    np.testing.assert_array_equal(sub.payoffs[0], [[3], [0]])
    with pytest.raises(ValueError, match="at least one"):
        restricted_game(g, [[], [0]])
    with pytest.raises(ValueError, match="repeat"):
        restricted_game(g, [[0, 0], [0]])
    with pytest.raises(ValueError, match="one list of actions per player"):
        restricted_game(g, [[0]])
    with pytest.raises(ValueError, match="unknown action"):
        restricted_game(g, [["X"], [0]])


def test_input_checks():
    g = textbook_mixed()
    with pytest.raises(ValueError, match="unknown player"):
        dominated_actions(g, "Nobody")
    with pytest.raises(ValueError, match="out of range"):
        dominated_actions(g, 2)
    with pytest.raises(TypeError, match="NormalFormGame"):
        iterated_elimination(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="tol"):
        iterated_elimination(g, tol=-1)


def test_result_serialises_and_describes():
    r = iterated_elimination(textbook_mixed(), mixed=True)
    assert isinstance(r, DominanceResult) and all(isinstance(d, Domination) for d in r.eliminated)
    data = json.loads(json.dumps(r.to_dict()))
    assert data["surviving"] == [[0], [0]] and data["solved"] is True
    assert data["surviving_names"] == [["T"], ["L"]]
    assert data["eliminated"][0]["mixture"] == pytest.approx([0.5, 0, 0.5], abs=1e-8)
    text = r.describe()
    assert "Row: M is strictly dominated by 1/2 T + 1/2 B" in text
    assert text.endswith("surviving: Row: T; Column: L")
    assert iterated_elimination(make("stag-hunt")).solution is None
