"""Measures of an emerged language: success, compositionality, entropy, the lexicon.

A *language* here is a table: one row of ``meanings`` (the object's attribute
values, shape ``(objects, attributes)``, integers) and one ``messages`` row
(symbols, shape ``(objects, max_len)``, integers) per object. Symbol ``0`` is
the end-of-message symbol: a message is its symbols up to (not including) the
first ``0``, and everything after it is ignored, as in EGG (Kharitonov et al.
2019).

Measures (pure numpy/scipy):

- :func:`communication_success`: the share of games won;
- :func:`topographic_similarity`: the Spearman correlation between the
  pairwise Hamming distances of the meanings and the edit (Levenshtein)
  distances of the messages (Brighton and Kirby 2006; Lazaridou et al. 2018);
- :func:`positional_disentanglement` (posdis) and
  :func:`bag_of_symbols_disentanglement` (bosdis): how much each message
  position (or each symbol's count) is informative about exactly one
  attribute, the mutual-information gap normalised by the entropy of the
  position (symbol count) (Chaabouni, Kharitonov, Bouchacourt, Dupoux and
  Baroni 2020, "Compositionality and generalization in emergent languages");
- :func:`message_entropy`: the entropy of the distribution of messages over objects;
- :func:`lexicon`: which message for which object.
"""

from __future__ import annotations

import numbers
import warnings
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

__all__ = [
    "EOS",
    "bag_of_symbols_disentanglement",
    "communication_success",
    "edit_distance",
    "entropy",
    "format_lexicon",
    "lexicon",
    "message_entropy",
    "mutual_information",
    "positional_disentanglement",
    "strip_eos",
    "topographic_similarity",
]

#: The end-of-message symbol.
EOS = 0


def _int_table(name: str, x: Any) -> npt.NDArray[np.int64]:
    a = np.asarray(x)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-d table (objects, positions); got shape {a.shape}")
    if (
        a.size
        and not np.issubdtype(a.dtype, np.integer)
        and (not np.all(np.isfinite(a)) or not np.all(a == np.round(a)))
    ):
        raise TypeError(f"{name} must hold integers")
    if a.size and a.min() < 0:
        raise ValueError(f"{name} must hold non-negative integers; found {a.min()}")
    return a.astype(np.int64)


def _pair(
    meanings: Any, messages: Any, *, min_objects: int = 1
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    m = _int_table("meanings", meanings)
    s = _int_table("messages", messages)
    if m.shape[0] != s.shape[0]:
        raise ValueError(
            f"meanings and messages must have one row per object; got {m.shape[0]} and {s.shape[0]}"
        )
    if m.shape[0] < min_objects:
        raise ValueError(f"need at least {min_objects} objects; got {m.shape[0]}")
    return m, s


def strip_eos(message: Sequence[int] | npt.NDArray[np.integer]) -> tuple[int, ...]:
    """The symbols of ``message`` before its first end-of-message symbol ``0``.

    Examples
    --------
    >>> strip_eos([3, 1, 0, 2])
    (3, 1)
    """
    out = []
    for x in np.asarray(message).ravel():
        if int(x) == EOS:
            break
        out.append(int(x))
    return tuple(out)


def edit_distance(a: Sequence[int], b: Sequence[int]) -> int:
    """Levenshtein distance: insertions, deletions and substitutions, each costing 1.

    Examples
    --------
    >>> edit_distance((1, 2, 3), (1, 3))
    1
    >>> edit_distance((), (4, 4))
    2
    """
    a, b = tuple(a), tuple(b)
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def communication_success(predictions: npt.ArrayLike, targets: npt.ArrayLike) -> float:
    """The share of games where the receiver picked the target.

    Examples
    --------
    >>> communication_success([1, 2, 3, 0], [1, 2, 0, 0])
    0.75
    """
    p, t = np.asarray(predictions), np.asarray(targets)
    if p.shape != t.shape or p.size == 0:
        raise ValueError(
            f"predictions and targets must be non-empty and of one shape; got {p.shape}, {t.shape}"
        )
    return float(np.mean(p == t))


def topographic_similarity(meanings: npt.ArrayLike, messages: npt.ArrayLike) -> float:
    """Spearman correlation of meaning (Hamming) and message (edit) distances over all pairs.

    A perfectly compositional language, where each attribute has its own
    position and each value its own symbol, has topographic similarity 1; a
    random lexicon has one near 0 (Brighton and Kirby 2006; Lazaridou et al.
    2018; EGG's ``TopographicSimilarity``).

    Parameters
    ----------
    meanings
        Shape ``(objects, attributes)``, integers.
    messages
        Shape ``(objects, max_len)``, integers; ``0`` ends a message.

    Returns
    -------
    float
        In ``[-1, 1]``; ``nan`` (with a ``RuntimeWarning``) when either set of
        distances is constant, where a rank correlation is undefined.

    Examples
    --------
    >>> meanings = [[a, b] for a in range(3) for b in range(3)]
    >>> messages = [[a + 1, b + 4] for a, b in meanings]   # one position per attribute
    >>> topographic_similarity(meanings, messages)
    1.0
    """
    m, s = _pair(meanings, messages, min_objects=3)
    msgs = [strip_eos(row) for row in s]
    n = m.shape[0]
    iu, ju = np.triu_indices(n, k=1)
    dm = (m[iu] != m[ju]).sum(axis=1)
    cache: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
    ds = np.empty(len(iu), dtype=np.int64)
    for k, (i, j) in enumerate(zip(iu, ju, strict=True)):
        key = (msgs[i], msgs[j])
        d = cache.get(key)
        if d is None:
            d = edit_distance(*key)
            cache[key] = d
        ds[k] = d
    if np.ptp(dm) == 0 or np.ptp(ds) == 0:
        warnings.warn(
            "topographic similarity is undefined when all meaning or all message distances are "
            "equal; returning nan",
            RuntimeWarning,
            stacklevel=2,
        )
        return float("nan")
    return float(stats.spearmanr(dm, ds).statistic)


def entropy(values: npt.ArrayLike) -> float:
    """Entropy in bits of the empirical distribution of ``values`` (rows of a 2-d array count as one value).

    Examples
    --------
    >>> entropy([0, 0, 1, 1])
    1.0
    """
    a = np.asarray(values)
    if a.size == 0:
        raise ValueError("entropy of an empty sample is undefined")
    keys = [tuple(r) for r in a.reshape(a.shape[0], -1)] if a.ndim > 1 else a.tolist()
    counts = np.array(list(Counter(keys).values()), dtype=float)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def mutual_information(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Mutual information in bits between two discrete samples of one length.

    Examples
    --------
    >>> mutual_information([0, 0, 1, 1], [5, 5, 7, 7])
    1.0
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.shape[0] != y.shape[0]:
        raise ValueError("samples must have one length")
    xy = np.stack([x.reshape(x.shape[0], -1)[:, 0], y.reshape(y.shape[0], -1)[:, 0]], axis=1)
    return entropy(x) + entropy(y) - entropy(xy)


def _gap(infos: list[float]) -> float:
    top = sorted(infos, reverse=True)
    return top[0] - top[1]


def positional_disentanglement(meanings: npt.ArrayLike, messages: npt.ArrayLike) -> float:
    """Positional disentanglement, posdis (Chaabouni et al. 2020, eq. 1).

    For each message position ``j``, the gap between the largest and the
    second largest mutual information of the symbol at ``j`` with an
    attribute, divided by the entropy of the symbol at ``j``; averaged over
    the positions whose entropy is not zero. Positions are read on the padded
    messages (after the end-of-message symbol every position holds ``0``).

    Needs at least two attributes. 1 for a language that writes each
    attribute at its own position with its own symbols; near 0 when every
    position mixes attributes.

    Examples
    --------
    >>> meanings = [[a, b] for a in range(3) for b in range(3)]
    >>> positional_disentanglement(meanings, [[a + 1, b + 4] for a, b in meanings])
    1.0
    """
    m, s = _pair(meanings, messages, min_objects=2)
    if m.shape[1] < 2:
        raise ValueError(f"posdis needs at least 2 attributes; got {m.shape[1]}")
    s = np.array([list(strip_eos(r)) + [EOS] * (s.shape[1] - len(strip_eos(r))) for r in s])
    scores = []
    for j in range(s.shape[1]):
        h = entropy(s[:, j])
        if h <= 0:
            continue
        infos = [mutual_information(s[:, j], m[:, a]) for a in range(m.shape[1])]
        scores.append(_gap(infos) / h)
    return float(np.mean(scores)) if scores else 0.0


def bag_of_symbols_disentanglement(
    meanings: npt.ArrayLike, messages: npt.ArrayLike, vocab_size: int
) -> float:
    """Bag-of-symbols disentanglement, bosdis (Chaabouni et al. 2020, eq. 2).

    As posdis, with the count of each symbol ``1 .. vocab_size - 1`` in the
    message in place of the symbol at a position: order does not matter, only
    which symbols occur how often. Averaged over the symbols whose count has
    non-zero entropy.

    Examples
    --------
    >>> meanings = [[a, b] for a in range(3) for b in range(3)]
    >>> round(bag_of_symbols_disentanglement(meanings, [[b + 4, a + 1] for a, b in meanings], 7), 12)
    1.0
    """
    m, s = _pair(meanings, messages, min_objects=2)
    if (
        isinstance(vocab_size, bool)
        or not isinstance(vocab_size, numbers.Integral)
        or vocab_size < 2
    ):
        raise ValueError(f"vocab_size must be an integer >= 2; got {vocab_size!r}")
    if s.size and s.max() >= vocab_size:
        raise ValueError(f"messages hold symbol {s.max()}, outside a vocabulary of {vocab_size}")
    if m.shape[1] < 2:
        raise ValueError(f"bosdis needs at least 2 attributes; got {m.shape[1]}")
    counts = np.zeros((s.shape[0], vocab_size), dtype=np.int64)
    for i, row in enumerate(s):
        for sym in strip_eos(row):
            counts[i, sym] += 1
    scores = []
    for sym in range(1, vocab_size):
        h = entropy(counts[:, sym])
        if h <= 0:
            continue
        infos = [mutual_information(counts[:, sym], m[:, a]) for a in range(m.shape[1])]
        scores.append(_gap(infos) / h)
    return float(np.mean(scores)) if scores else 0.0


def message_entropy(messages: npt.ArrayLike) -> float:
    """Entropy in bits of the messages over the objects (each object once).

    ``log2(objects)`` when every object has its own message, 0 when all share one.

    Examples
    --------
    >>> message_entropy([[1, 0], [2, 0], [1, 0], [2, 0]])
    1.0
    """
    s = _int_table("messages", messages)
    if s.shape[0] == 0:
        raise ValueError("need at least one message")
    keys = [strip_eos(r) for r in s]
    counts = np.array(list(Counter(keys).values()), dtype=float)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def lexicon(
    meanings: npt.ArrayLike, messages: npt.ArrayLike
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The lexicon: ``(meaning, message)`` for each object, sorted by meaning.

    Examples
    --------
    >>> lexicon([[1, 0], [0, 1]], [[3, 0], [2, 2]])
    [((0, 1), (2, 2)), ((1, 0), (3,))]
    """
    m, s = _pair(meanings, messages)
    rows = [(tuple(int(v) for v in a), strip_eos(b)) for a, b in zip(m, s, strict=True)]
    return sorted(rows)


def format_lexicon(
    entries: Sequence[tuple[tuple[int, ...], tuple[int, ...]]], *, limit: int | None = None
) -> str:
    """The lexicon as text, one object a line: ``meaning -> message`` (``<eos>`` for the empty one).

    Examples
    --------
    >>> print(format_lexicon([((0, 1), (2, 2)), ((1, 0), ())]))
    0 1 -> 2 2
    1 0 -> <eos>
    """
    lines = []
    shown = entries if limit is None else entries[:limit]
    for meaning, msg in shown:
        text = " ".join(str(x) for x in msg) if msg else "<eos>"
        lines.append(f"{' '.join(str(v) for v in meaning)} -> {text}")
    if limit is not None and len(entries) > limit:
        lines.append(f"... ({len(entries) - limit} more)")
    return "\n".join(lines)
