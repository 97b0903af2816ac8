import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cooplab.comm.measures import (
    bag_of_symbols_disentanglement,
    communication_success,
    edit_distance,
    entropy,
    format_lexicon,
    lexicon,
    message_entropy,
    mutual_information,
    positional_disentanglement,
    strip_eos,
    topographic_similarity,
)


def _space(n_attributes, n_values):
    return np.array(list(itertools.product(range(n_values), repeat=n_attributes)))


def _compositional(meanings, n_values, perm=None):
    # attribute a written at position a with its own block of symbols (0 is EOS, never used)
    msgs = np.array([[1 + a * n_values + v for a, v in enumerate(row)] for row in meanings])
    if perm is not None:
        msgs = perm[msgs]
    return msgs


# ---------------------------------------------------------------------------
# edit distance, entropy
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "d"),
    [
        ((), (), 0),
        ((1,), (), 1),
        ((1, 2, 3), (1, 2, 3), 0),
        ((1, 2, 3), (3, 2, 1), 2),
        ((1, 2), (2, 1, 2), 1),
        ((5, 5, 5), (6, 6), 3),
    ],
)
def test_edit_distance_known(a, b, d):
    assert edit_distance(a, b) == d


@settings(max_examples=60)
@given(
    st.lists(st.integers(1, 4), max_size=6),
    st.lists(st.integers(1, 4), max_size=6),
    st.lists(st.integers(1, 4), max_size=6),
)
def test_edit_distance_is_a_metric(a, b, c):
    assert edit_distance(a, b) == edit_distance(b, a)
    assert (edit_distance(a, b) == 0) == (tuple(a) == tuple(b))
    assert edit_distance(a, c) <= edit_distance(a, b) + edit_distance(b, c)
    assert abs(len(a) - len(b)) <= edit_distance(a, b) <= max(len(a), len(b))


def test_strip_eos_and_entropy():
    assert strip_eos([0, 1, 2]) == ()
    assert strip_eos([4, 2]) == (4, 2)
    assert entropy([1, 1, 1]) == 0.0
    assert entropy([0, 1, 2, 3]) == pytest.approx(2.0)
    # p = (1/2, 1/4, 1/4): H = 1.5 bits
    assert entropy([0, 0, 1, 2]) == pytest.approx(1.5)
    assert mutual_information([0, 1, 0, 1], [0, 0, 1, 1]) == pytest.approx(0.0)


# ---------------------------------------------------------------------------
# topographic similarity
# ---------------------------------------------------------------------------
@settings(max_examples=30)
@given(st.integers(2, 3), st.integers(2, 4), st.integers(0, 2**32 - 1))
def test_compositional_language_has_topsim_one(n_attr, n_val, seed):
    meanings = _space(n_attr, n_val)
    perm = np.concatenate([[0], 1 + np.random.default_rng(seed).permutation(n_attr * n_val)])
    # each attribute at its own position with its own symbols: edit distance == Hamming distance
    msgs = _compositional(meanings, n_val, perm)
    assert topographic_similarity(meanings, msgs) == pytest.approx(1.0)
    assert positional_disentanglement(meanings, msgs) == pytest.approx(1.0)
    assert bag_of_symbols_disentanglement(meanings, msgs, n_attr * n_val + 1) == pytest.approx(1.0)


def test_random_lexicon_has_topsim_near_zero():
    meanings = _space(3, 5)  # 125 objects, 7750 pairs
    values = []
    for seed in range(5):
        msgs = np.random.default_rng(seed).integers(1, 10, size=(125, 3))
        values.append(topographic_similarity(meanings, msgs))
    # with 7750 pairs a correlation of no relation is within a few hundredths of 0
    assert np.all(np.abs(values) < 0.06)
    assert abs(np.mean(values)) < 0.03


def test_topsim_by_hand():
    # 3 objects: meaning distances (0,1)=1, (0,2)=2, (1,2)=1; message distances 1, 1, 2.
    meanings = [[0, 0], [0, 1], [1, 1]]
    messages = [[1, 0], [2, 0], [3, 3]]
    dm, ds = [1, 2, 1], [1, 2, 2]
    assert [
        edit_distance((1,), (2,)),
        edit_distance((1,), (3, 3)),
        edit_distance((2,), (3, 3)),
    ] == ds
    expected = stats.spearmanr(dm, ds).statistic  # ranks (1.5, 3, 1.5) vs (1, 2.5, 2.5) -> 0.5
    assert expected == pytest.approx(0.5)
    assert topographic_similarity(meanings, messages) == pytest.approx(0.5)


def test_topsim_ignores_symbols_after_eos_and_warns_when_undefined():
    meanings = _space(2, 3)
    msgs = _compositional(meanings, 3)
    padded = np.concatenate([msgs, np.zeros((9, 1), int), np.arange(9)[:, None] + 1], axis=1)
    assert topographic_similarity(meanings, padded) == pytest.approx(1.0)
    with pytest.warns(RuntimeWarning, match="undefined"):
        assert math.isnan(topographic_similarity(meanings, np.ones((9, 2), int)))


# ---------------------------------------------------------------------------
# posdis, bosdis: hand computed
# ---------------------------------------------------------------------------
def test_holistic_language_has_zero_disentanglement():
    # 2 binary attributes, one symbol per object: position 0 has entropy 2 bits and shares
    # 1 bit with each attribute; gap 0 -> posdis 0. Each symbol's count is 1 for one object:
    # H = h(1/4) and I with either attribute is the same -> gap 0 -> bosdis 0.
    meanings = _space(2, 2)
    msgs = np.arange(1, 5)[:, None]
    assert positional_disentanglement(meanings, msgs) == pytest.approx(0.0)
    assert bag_of_symbols_disentanglement(meanings, msgs, 5) == pytest.approx(0.0)


def test_order_free_language_scores_on_bosdis_not_posdis():
    # attributes a, b in {0, 1}; symbol a+1 for a and b+3 for b, written in the order (a, b)
    # when a == b and (b, a) otherwise.
    meanings = _space(2, 2)
    msgs = np.array([[a + 1, b + 3] if a == b else [b + 3, a + 1] for a, b in meanings])
    # position 0 holds 1, 4, 3, 2 for (0,0), (0,1), (1,0), (1,1): 2 bits, 1 bit with each
    # attribute -> gap 0; the same at position 1 -> posdis 0.
    assert positional_disentanglement(meanings, msgs) == pytest.approx(0.0)
    # counts of symbol 1 = [a == 0]: H = 1 bit, I(a) = 1, I(b) = 0 -> 1; likewise all symbols.
    assert bag_of_symbols_disentanglement(meanings, msgs, 5) == pytest.approx(1.0)


def test_posdis_partial_by_hand():
    # 2 binary attributes; position 0 = a, position 1 = a XOR b.
    # pos 0: H = 1, I(a) = 1, I(b) = 0 -> 1. pos 1: H = 1, I(a) = I(b) = 0 -> 0. posdis 0.5.
    meanings = _space(2, 2)
    msgs = np.array([[a + 1, (a ^ b) + 3] for a, b in meanings])
    assert positional_disentanglement(meanings, msgs) == pytest.approx(0.5)


# ---------------------------------------------------------------------------
# entropy, success, lexicon
# ---------------------------------------------------------------------------
def test_message_entropy_and_success():
    assert message_entropy([[1, 2], [2, 1], [3, 0], [4, 4]]) == pytest.approx(2.0)
    assert message_entropy([[1, 0, 5], [1, 0, 7]]) == 0.0  # equal up to EOS
    assert communication_success([1, 2, 3], [1, 2, 3]) == 1.0
    assert communication_success(np.zeros(4), np.array([0, 1, 1, 1])) == 0.25


def test_lexicon_listing():
    entries = lexicon([[1, 1], [0, 1]], [[2, 0, 9], [0, 0, 0]])
    assert entries == [((0, 1), ()), ((1, 1), (2,))]
    text = format_lexicon(entries)
    assert text.splitlines() == ["0 1 -> <eos>", "1 1 -> 2"]
    assert format_lexicon(entries, limit=1).splitlines()[-1] == "... (1 more)"


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------
def test_bad_input():
    with pytest.raises(ValueError, match="one row per object"):
        topographic_similarity([[0], [1], [2]], [[1], [2]])
    with pytest.raises(ValueError, match="non-negative"):
        topographic_similarity([[0], [1], [2]], [[1], [-2], [3]])
    with pytest.raises(TypeError, match="integers"):
        message_entropy([[0.5]])
    with pytest.raises(ValueError, match="2 attributes"):
        positional_disentanglement([[0], [1]], [[1], [2]])
    with pytest.raises(ValueError, match="vocabulary"):
        bag_of_symbols_disentanglement([[0, 0], [1, 1]], [[1], [7]], 5)
    with pytest.raises(ValueError, match="vocab_size"):
        bag_of_symbols_disentanglement([[0, 0], [1, 1]], [[1], [1]], 0)
    with pytest.raises(ValueError, match="at least 3 objects"):
        topographic_similarity([[0], [1]], [[1], [2]])
    with pytest.raises(ValueError, match="non-empty"):
        communication_success([], [])
