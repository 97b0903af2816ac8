"""Exact rational payoffs: the fractions that floats stand for.

Games store payoffs as floats; the exact solvers (support and vertex
enumeration with ``exact=True``) and the ``.nfg`` writer read each payoff as
the simple fraction it stands for, so integer, decimal and small-denominator
payoffs are exact.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import numpy.typing as npt

__all__ = ["as_fraction", "to_fractions"]


def as_fraction(x: float) -> Fraction:
    """The simple fraction a float stands for: ``0.1 -> 1/10``, ``1/3 -> 1/3``.

    The smallest-denominator fraction (denominator at most 10^9) that rounds
    to exactly this float, else the float's exact binary value. Integer and
    decimal payoffs, and fractions with small denominators, come back as
    written.
    """
    if isinstance(x, Fraction):
        return x
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"cannot make an exact fraction of {x}")
    exact = Fraction(x)
    if exact.denominator == 1:
        return exact
    simple = exact.limit_denominator(10**9)
    return simple if float(simple) == x else exact


def to_fractions(array: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """An object array of :class:`~fractions.Fraction`, entry by entry via :func:`as_fraction`."""
    a = np.asarray(array)
    out = np.empty(a.shape, dtype=object)
    flat = out.reshape(-1)
    for k, x in enumerate(a.reshape(-1)):
        flat[k] = as_fraction(x)
    return out
