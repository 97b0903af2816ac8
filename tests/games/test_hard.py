import itertools
import warnings

import numpy as np
import pytest

from cooplab.equilibria import lemke_howson, support_enumeration
from cooplab.games.hard import (
    MAX_DIMENSION,
    _gale_pivot,
    morris_labels,
    random_game,
    savani_von_stengel,
    savani_von_stengel_path_lengths,
)
from cooplab.testing import check_game

# Shortest and longest Lemke-Howson path over the 2d initial labels, computed
# exactly by following the paths on the polytopes' combinatorics (this module),
# and confirmed by the solver's integer pivoting for every d <= 18.
SHORTEST = {2: 4, 4: 8, 6: 16, 8: 24, 10: 44, 12: 64, 14: 112, 16: 160, 18: 276, 20: 392}
LONGEST = {2: 4, 4: 12, 6: 32, 8: 80, 10: 196, 12: 476, 14: 1152, 16: 2784, 18: 6724, 20: 16236}


def _is_gale(bits):
    """Gale's evenness condition, read cyclically (d even): every run of ones is even."""
    n = len(bits)
    if all(bits):
        return n % 2 == 0
    start = bits.index(False)
    rotated = bits[start:] + bits[:start]
    return all(len(list(run)) % 2 == 0 for one, run in itertools.groupby(rotated) if one)


def test_morris_labels():
    # Morris (1994): labels 1..d, then d, d-2, d-1, ..., 2, 3, 1
    assert morris_labels(2) == (1, 2, 2, 1)
    assert morris_labels(6) == (1, 2, 3, 4, 5, 6, 6, 4, 5, 2, 3, 1)
    for d in range(2, 21, 2):
        labels = morris_labels(d)
        assert labels[:d] == tuple(range(1, d + 1))
        assert sorted(labels) == sorted(2 * list(range(1, d + 1)))


@pytest.mark.parametrize("d", [2, 4, 6])
def test_gale_pivot_is_the_unique_neighbour(d):
    n = 2 * d
    for ones in itertools.combinations(range(n), d):
        bits = [k in ones for k in range(n)]
        if not _is_gale(bits):
            continue
        for drop in ones:
            neighbours = [
                f
                for f in range(n)
                if f not in ones
                and _is_gale([(b or k == f) and k != drop for k, b in enumerate(bits)])
            ]
            moved = list(bits)
            assert [_gale_pivot(moved, drop)] == neighbours
            assert _is_gale(moved)


@pytest.mark.parametrize("d", [2, 4, 6, 8, 10])
def test_game_shape_and_payoffs(d):
    game = savani_von_stengel(d)
    assert game.n_actions == (d, d)
    A, B = game.payoffs
    # the row player's payoffs are a permutation matrix: an imitation game
    assert np.array_equal(np.sort(A, axis=0)[-1], np.ones(d))
    assert np.array_equal(A.sum(axis=0), np.ones(d)) and np.array_equal(A.sum(axis=1), np.ones(d))
    # the column player's are integers, exactly representable
    assert np.array_equal(B, np.round(B)) and np.abs(B).max() == 10 ** min(15, max(2, d - 1))
    check_game(game)


def test_game_is_cached_but_fresh():
    assert savani_von_stengel(8) == savani_von_stengel(8)
    assert savani_von_stengel(8) is not savani_von_stengel(8)


@pytest.mark.parametrize("d", [2, 4, 6])
def test_nondegenerate_with_an_odd_number_of_equilibria(d):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = support_enumeration(savani_von_stengel(d))
    assert result.degenerate is False
    assert len(result) % 2 == 1  # nondegenerate games have an odd number of equilibria


def test_path_lengths_table():
    for d in SHORTEST:
        lengths = savani_von_stengel_path_lengths(d)
        assert len(lengths) == 2 * d
        assert min(lengths) == SHORTEST[d]
        assert max(lengths) == LONGEST[d] == lengths[0]


def test_longest_path_recurrence():
    # Label 0's path: a(d) = 2 a(d-2) + a(d-4) + 4, so it grows as (1 + sqrt 2)^(d/2)
    a = {d: savani_von_stengel_path_lengths(d, [0])[0] for d in range(2, 23, 2)}
    for d in range(6, 23, 2):
        assert a[d] == 2 * a[d - 2] + a[d - 4] + 4


def test_every_path_is_exponentially_long():
    shortest = [min(savani_von_stengel_path_lengths(d)) for d in range(2, 23, 2)]
    assert shortest == sorted(shortest)
    for d, s in zip(range(2, 23, 2), shortest, strict=True):
        assert s >= 1.2**d
    # about (1 + sqrt 2) every four dimensions
    assert 2.3 < shortest[-1] / shortest[-3] < 2.5


@pytest.mark.parametrize("d", [2, 4, 6, 8])
def test_solver_follows_the_same_paths_exactly(d):
    game = savani_von_stengel(d)
    expected = savani_von_stengel_path_lengths(d)
    for label in range(2 * d):
        result = lemke_howson(game, label, exact=True)
        assert result.stats["pivots"] == expected[label]
        assert result[0].regret == 0.0


@pytest.mark.parametrize("d", [10, pytest.param(14, marks=pytest.mark.slow)])
def test_solver_in_floating_point_up_to_14(d):
    game = savani_von_stengel(d)
    expected = savani_von_stengel_path_lengths(d)
    got = tuple(lemke_howson(game, label).stats["pivots"] for label in range(2 * d))
    assert got == expected


@pytest.mark.slow
@pytest.mark.parametrize("d", [12, 16, MAX_DIMENSION])
def test_solver_exact_paths_up_to_the_largest_dimension(d):
    game = savani_von_stengel(d)
    expected = savani_von_stengel_path_lengths(d)
    got = tuple(lemke_howson(game, label, exact=True).stats["pivots"] for label in range(2 * d))
    assert got == expected


def test_labels_argument():
    assert savani_von_stengel_path_lengths(6, [0, 3, 11]) == (32, 16, 32)
    with pytest.raises(ValueError, match=r"0\.\.11"):
        savani_von_stengel_path_lengths(6, [12])
    with pytest.raises(TypeError, match="label"):
        savani_von_stengel_path_lengths(6, [1.5])
    with pytest.raises(ValueError, match="max_pivots"):
        savani_von_stengel_path_lengths(10, [0], max_pivots=100)


@pytest.mark.parametrize("bad", [0, 3, -2, 7])
def test_odd_or_small_dimension_is_refused(bad):
    with pytest.raises(ValueError, match="even integer"):
        savani_von_stengel(bad)
    with pytest.raises(ValueError, match="even integer"):
        savani_von_stengel_path_lengths(bad)


def test_too_large_dimension_is_refused_with_the_alternative():
    with pytest.raises(ValueError, match="savani_von_stengel_path_lengths"):
        savani_von_stengel(MAX_DIMENSION + 2)


@pytest.mark.parametrize("bad", [4.0, "4", True, None])
def test_dimension_type_is_checked(bad):
    with pytest.raises(TypeError, match="dimension"):
        savani_von_stengel(bad)


def test_random_game_is_seeded():
    a = random_game(4, 5, 7)
    assert a.n_actions == (4, 5)
    assert a == random_game(4, 5, 7)
    assert a != random_game(4, 5, 8)
    gen = np.random.default_rng(3)
    first, second = random_game(3, 3, gen), random_game(3, 3, gen)
    assert first != second  # a generator is threaded, not reseeded


def test_random_integer_games():
    game = random_game(6, 6, 1, kind="uniform-int", high=5)
    values = game.payoffs
    assert np.array_equal(values, np.round(values))
    assert values.min() >= 0 and values.max() <= 4


def test_random_normal_games_are_nondegenerate():
    for seed in range(5):
        assert support_enumeration(random_game(5, 5, seed)).degenerate is False


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"m": 0, "n": 3}, "m must be"),
        ({"m": 3, "n": 2.5}, "n must be"),
        ({"m": 3, "n": 3, "kind": "cauchy"}, "unknown kind"),
        ({"m": 3, "n": 3, "kind": "uniform-int", "high": 0}, "high"),
    ],
)
def test_random_game_input_is_checked(kwargs, match):
    with pytest.raises(ValueError, match=match):
        random_game(rng=0, **kwargs)
