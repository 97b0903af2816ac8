"""What every equilibrium solver returns, and the helpers the solvers share.

A solver is a function of a :class:`~cooplab.games.NormalFormGame`
(``support_enumeration(game)``) that returns an :class:`EquilibriumResult`:
the equilibria found, each an :class:`Equilibrium` (one probability vector
per player, the players' payoffs, the regret that certifies it), and what the
solver knows about the list (complete or not, degenerate game or not, exact
arithmetic or floats).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.exact import as_fraction, to_fractions
from cooplab.games.normal_form import NormalFormGame

__all__ = [
    "DegenerateGameWarning",
    "Equilibrium",
    "EquilibriumResult",
    "NumericalWarning",
    "TooExpensiveError",
    "as_fraction",
    "dedupe",
    "describe_duration",
    "equilibrium",
    "require_players",
    "to_fractions",
]

FloatArray = npt.NDArray[np.float64]


class DegenerateGameWarning(UserWarning):
    """The game is degenerate: a method that assumes otherwise may miss equilibria.

    Issued by the solvers that find all equilibria only of nondegenerate games
    (support enumeration); the result also says it (``result.degenerate``).
    """


class NumericalWarning(UserWarning):
    """Floating point was not accurate enough; the solver redid the work exactly."""


class TooExpensiveError(ValueError):
    """A computation was refused because it would take far too long (say ``force=True`` to run it)."""


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One equilibrium (or one equilibrium candidate with its certificate).

    Attributes
    ----------
    profile
        One probability vector per player (floats).
    payoffs
        Each player's expected payoff, shape ``(n_players,)``.
    regret
        The largest gain any player gets by deviating: zero up to rounding for
        an exact equilibrium, the certificate of an approximate one.
    exact
        The profile as fractions, when the solver ran in exact arithmetic.
    """

    profile: tuple[FloatArray, ...]
    payoffs: FloatArray
    regret: float
    exact: tuple[tuple[Fraction, ...], ...] | None = None

    @property
    def supports(self) -> tuple[tuple[int, ...], ...]:
        """Per player, the actions played with positive probability."""
        if self.exact is not None:
            return tuple(tuple(k for k, p in enumerate(s) if p > 0) for s in self.exact)
        return tuple(tuple(int(k) for k in np.flatnonzero(s > 0)) for s in self.profile)

    @property
    def is_pure(self) -> bool:
        return all(len(s) == 1 for s in self.supports)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"profile", "payoffs", "regret"}`` (and ``"exact"``, as ``"p/q"`` strings)."""
        out: dict[str, Any] = {
            "profile": [[float(x) for x in s] for s in self.profile],
            "payoffs": [float(x) for x in self.payoffs],
            "regret": float(self.regret),
        }
        if self.exact is not None:
            out["exact"] = [[str(x) for x in s] for s in self.exact]
        return out

    def __repr__(self) -> str:
        body: Any = [s.round(6).tolist() for s in self.profile]
        if self.exact is not None:
            body = [[str(x) for x in s] for s in self.exact]
        return f"Equilibrium(profile={body}, payoffs={np.round(self.payoffs, 6).tolist()}, regret={self.regret:.3g})"


@dataclass(frozen=True)
class EquilibriumResult(Sequence[Equilibrium]):
    """The equilibria a solver found, and what it knows about the list.

    A sequence of :class:`Equilibrium` (``len``, indexing, iteration).

    Attributes
    ----------
    method
        The solver's name.
    equilibria
        The equilibria found, in a deterministic order.
    degenerate
        Whether the game was found degenerate (``None`` when not examined).
    complete
        True when the method guarantees the list holds every equilibrium it
        is meant to find (all equilibria, or all extreme equilibria).
    exact
        True when computed in exact rational arithmetic.
    components
        For solvers that find the equilibrium components (vertex
        enumeration), the equilibria grouped by connected component of the
        equilibrium set, as tuples of indices into ``equilibria``.
    stats
        Solver-specific numbers (pivots, supports tried, iterations, ...).
    """

    method: str
    equilibria: tuple[Equilibrium, ...]
    degenerate: bool | None = None
    complete: bool = False
    exact: bool = False
    components: tuple[tuple[int, ...], ...] | None = None
    stats: Mapping[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.equilibria)

    def __getitem__(self, index: Any) -> Any:
        return self.equilibria[index]

    def __iter__(self) -> Iterator[Equilibrium]:
        return iter(self.equilibria)

    @property
    def max_regret(self) -> float:
        """The largest regret over the equilibria found (0 when there are none)."""
        return max((e.regret for e in self.equilibria), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        from cooplab.runtime.serialize import to_jsonable

        return {
            "method": self.method,
            "equilibria": [e.to_dict() for e in self.equilibria],
            "degenerate": self.degenerate,
            "complete": self.complete,
            "exact": self.exact,
            "components": None if self.components is None else [list(c) for c in self.components],
            "stats": to_jsonable(dict(self.stats)),
        }


# ---------------------------------------------------------------------------
# Helpers the solvers share
# ---------------------------------------------------------------------------
def require_players(game: Any, n: int | None, method: str) -> NormalFormGame:
    """Check that ``game`` is a NormalFormGame (with ``n`` players when given)."""
    if not isinstance(game, NormalFormGame):
        raise TypeError(
            f"{method} needs a cooplab NormalFormGame; got {type(game).__name__} "
            "(build one with NormalFormGame(payoffs) or NormalFormGame.from_bimatrix(A, B))"
        )
    if n is not None and game.n_players != n:
        raise ValueError(
            f"{method} is for {n}-player games; this game has {game.n_players} players"
        )
    return game


def equilibrium(
    game: NormalFormGame,
    profile: Sequence[npt.ArrayLike],
    exact: Sequence[Sequence[Fraction]] | None = None,
) -> Equilibrium:
    """An :class:`Equilibrium` of ``game`` at ``profile``, with its payoffs and regret computed.

    ``profile`` has one entry per player: a probability vector (tiny negative
    entries from rounding are cleared and the vector renormalised) or a pure
    action (index or name). With ``exact`` (one sequence of fractions per
    player) the payoffs and regret are computed in rational arithmetic.
    """
    if exact is not None:
        exact_t = tuple(tuple(Fraction(x) for x in s) for s in exact)
        vectors = [np.array([float(x) for x in s]) for s in exact_t]
    else:
        exact_t = None
        vectors = []
        for s in profile:
            if isinstance(s, int | np.integer | str):  # a pure action
                vectors.append(s)
                continue
            v = np.asarray(s, dtype=np.float64)
            if v.ndim == 1 and np.all(np.isfinite(v)):
                # Solvers' rounding: tiny negative probabilities, sums a few ulps off.
                v = np.where(v < 0, 0.0, v)
                v = v / v.sum() if v.sum() > 0 else v
            vectors.append(v)
    checked = game.as_profile(vectors)
    if exact_t is not None:
        payoffs, regret = exact_payoffs_and_regret(game, exact_t)
        return Equilibrium(
            profile=tuple(checked),
            payoffs=np.array([float(p) for p in payoffs]),
            regret=float(regret),
            exact=exact_t,
        )
    return Equilibrium(
        profile=tuple(checked),
        payoffs=game.expected_payoffs(checked),
        regret=float(game.regret(checked).max()),
        exact=exact_t,
    )


def exact_payoffs_and_regret(
    game: NormalFormGame, profile: Sequence[Sequence[Fraction]]
) -> tuple[list[Fraction], Fraction]:
    """Expected payoffs and the largest regret of a profile of fractions, exactly."""
    table = to_fractions(game.payoffs)
    vectors = [np.array(list(s), dtype=object) for s in profile]
    payoffs: list[Fraction] = []
    worst = Fraction(0)
    for i in range(game.n_players):
        t = np.moveaxis(table[i], i, 0)  # own actions first, the others in order
        for j in reversed([j for j in range(game.n_players) if j != i]):
            t = np.tensordot(t, vectors[j], axes=([t.ndim - 1], [0]))
        deviation = [Fraction(v) for v in np.atleast_1d(t)]
        value = sum((p * d for p, d in zip(vectors[i], deviation, strict=True)), Fraction(0))
        payoffs.append(value)
        worst = max(worst, max(deviation) - value)
    return payoffs, worst


def dedupe(equilibria: Sequence[Equilibrium], *, tol: float = 1e-8) -> list[Equilibrium]:
    """The equilibria with near-duplicates removed (first kept), sorted lexicographically.

    Two equilibria are the same when every probability differs by at most
    ``tol`` (exactly equal when both are exact).
    """
    kept: list[Equilibrium] = []
    for e in equilibria:
        same = False
        for k in kept:
            if e.exact is not None and k.exact is not None:
                same = e.exact == k.exact
            else:
                same = all(
                    np.max(np.abs(a - b)) <= tol for a, b in zip(e.profile, k.profile, strict=True)
                )
            if same:
                break
        if not same:
            kept.append(e)
    kept.sort(key=lambda e: tuple(-x for s in e.profile for x in np.round(s, 9)))
    return kept


def warn_degenerate(method: str, detail: str) -> None:
    """Issue a :class:`DegenerateGameWarning` from a solver."""
    warnings.warn(
        f"{method}: the game is degenerate ({detail}); the list of equilibria may be "
        "incomplete (vertex_enumeration finds every extreme equilibrium of degenerate games)",
        DegenerateGameWarning,
        stacklevel=3,
    )


def describe_duration(seconds: float) -> str:
    """A rough duration in words (``"3 minutes"``, ``"2 days"``), for refusal messages."""
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours"
    if seconds < 2 * 365 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / (365 * 86400):.2g} years"
