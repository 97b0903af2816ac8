"""Seeds in, generators out.

cooplab never touches numpy's or Python's global random state. Every
stochastic callable takes ``rng: np.random.Generator | int | None`` and turns it
into a generator with :func:`as_generator`; a parent hands its children
independent generators with :func:`spawn` (NumPy's ``SeedSequence`` spawning,
so children never overlap), and :func:`child_seed` derives a stable seed from a
parent seed and a name, so that selecting a subset of experiments never changes
the numbers of the others.
"""

from __future__ import annotations

import hashlib
import numbers

import numpy as np

RngLike = np.random.Generator | np.random.SeedSequence | int | None

__all__ = ["RngLike", "as_generator", "child_seed", "spawn", "spawn_seeds"]


def as_generator(rng: RngLike = None) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng``.

    Parameters
    ----------
    rng
        ``None`` (fresh entropy from the OS: not reproducible), a non-negative
        integer seed, a ``SeedSequence``, or a ``Generator`` (returned as is, so
        a caller can thread one generator through several calls).

    Examples
    --------
    >>> as_generator(7).integers(100) == as_generator(7).integers(100)
    np.True_
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"rng must be a numpy Generator, a SeedSequence, a non-negative int seed or None; "
            f"got {type(rng).__name__} {rng!r}"
        )
    if int(rng) < 0:
        raise ValueError(f"a seed must be a non-negative integer; got {rng}")
    return np.random.default_rng(int(rng))


def spawn(rng: RngLike, n: int) -> list[np.random.Generator]:
    """Return ``n`` independent child generators of ``rng``.

    The children depend only on ``rng``'s seed and their position, so task
    ``i`` of a sweep gets the same stream whichever worker or backend runs it.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"the number of children must be a non-negative integer; got {n!r}")
    return list(as_generator(rng).spawn(int(n)))


def spawn_seeds(rng: RngLike, n: int) -> list[np.random.SeedSequence]:
    """Like :func:`spawn`, but the children's ``SeedSequence``: small, picklable task seeds."""
    return [g.bit_generator.seed_seq for g in spawn(rng, n)]  # type: ignore[misc]


def child_seed(seed: int, name: str) -> np.random.SeedSequence:
    """A ``SeedSequence`` determined by ``seed`` and ``name`` alone.

    The name is hashed with SHA-256 (Python's ``hash`` is salted per process),
    so the same seed and name give the same stream on every machine.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"a seed must be a non-negative integer; got {seed!r}")
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    key = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    return np.random.SeedSequence(entropy=int(seed), spawn_key=key)
