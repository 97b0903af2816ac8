"""Welfare metrics of equilibria: price of anarchy and stability, welfare gaps, efficiency.

The *social welfare* of a (mixed or correlated) profile is the sum of the
players' expected payoffs; its largest value over all profiles, ``OPT``, is
attained at a pure outcome (welfare is linear in the joint distribution).
Given a set of equilibria ``E``:

* the *price of anarchy* is ``OPT / min_{e in E} W(e)``: how much society
  loses, as a ratio, at the worst equilibrium (Koutsoupias & Papadimitriou
  1999; the name is Papadimitriou's, 2001);
* the *price of stability* is ``OPT / max_{e in E} W(e)``: the loss at the best
  equilibrium (Schulz & Stier Moses 2003; Anshelevich et al. 2004);
* the *welfare gaps* ``OPT - min W(e)`` and ``OPT - max W(e)`` say the same in
  payoff units.

The ratios are meaningful only when welfare is positive: a ratio of a
positive optimum to a negative equilibrium welfare is negative, and a ratio
of two negative numbers ranks outcomes backwards. Here they are defined only
when ``OPT > 0`` and the equilibrium welfare in the denominator is ``> 0``;
otherwise :func:`price_of_anarchy` and :func:`price_of_stability` raise
``ValueError`` (or return ``None`` with ``undefined="none"``), and
:func:`welfare_summary` stores ``None`` and says why in its ``note``. The gaps
are always defined: use them for games with zero or negative payoffs (the
arms race, costs), or shift the payoffs, knowing the ratio then depends on
the shift.

``equilibria`` may be an :class:`~cooplab.equilibria.EquilibriumResult`, or a
sequence whose entries are :class:`~cooplab.equilibria.Equilibrium` objects,
profiles (one strategy per player: action index, action name or probability
vector; a pure outcome such as ``(1, 1)`` is a profile), or
:class:`~cooplab.equilibria.correlated.CorrelatedResult` objects (for prices
over correlated equilibria). The functions trust that the entries are
equilibria; check with ``game.is_nash`` or the ``regret`` of each.

References
----------
Koutsoupias, E. & Papadimitriou, C. (1999). Worst-case equilibria. STACS 99,
LNCS 1563, 404-413.
Papadimitriou, C. (2001). Algorithms, games, and the Internet. STOC 2001, 749-753.
Anshelevich, E., Dasgupta, A., Kleinberg, J., Tardos, É., Wexler, T. &
Roughgarden, T. (2004). The price of stability for network design with fair
cost allocation. FOCS 2004, 295-304.
Roughgarden, T. (2015). Intrinsic robustness of the price of anarchy. Journal
of the ACM 62(5), 32 (price of anarchy over coarse correlated equilibria).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from cooplab.equilibria.correlated import CorrelatedResult
from cooplab.equilibria.result import Equilibrium, EquilibriumResult, require_players
from cooplab.games.normal_form import PROB_TOL, NormalFormGame

__all__ = [
    "WelfareSummary",
    "nash_conv",
    "pareto_efficient_outcomes",
    "pareto_improvement",
    "price_of_anarchy",
    "price_of_stability",
    "regret",
    "social_welfare",
    "welfare_gap",
    "welfare_summary",
]

FloatArray = npt.NDArray[np.float64]
Undefined = Literal["raise", "none"]


# ---------------------------------------------------------------------------
# One profile
# ---------------------------------------------------------------------------
def _payoff_vector(game: NormalFormGame, x: Any) -> FloatArray:
    """Expected payoffs of an Equilibrium, a CorrelatedResult or a profile."""
    if isinstance(x, Equilibrium):
        return game.expected_payoffs(list(x.profile))
    if isinstance(x, CorrelatedResult):
        if x.distribution.shape != game.n_actions:
            raise ValueError(
                f"the correlated equilibrium's distribution has shape {x.distribution.shape}, "
                f"but this game's outcomes have shape {game.n_actions}"
            )
        return np.array(
            [float(np.sum(x.distribution * game.payoffs[i])) for i in range(game.n_players)]
        )
    if _is_pure(x, game.n_players):
        # A pure profile's payoffs are one entry of the array: no contraction
        # (which costs the whole array per profile in large n-player games).
        return game.outcome_payoffs(list(x))
    return game.expected_payoffs(x)


def _is_pure(x: Any, n_players: int) -> bool:
    """A sequence of one action (index or name) per player."""
    if isinstance(x, str | bytes) or not isinstance(x, tuple | list) or len(x) != n_players:
        return False
    return all(
        isinstance(a, str) or (isinstance(a, int | np.integer) and not isinstance(a, bool))
        for a in x
    )


def social_welfare(game: NormalFormGame, x: Any) -> float:
    """The sum of the players' expected payoffs.

    Parameters
    ----------
    game : NormalFormGame
    x : Equilibrium, CorrelatedResult or profile
        A profile is one strategy per player (action index, action name or
        probability vector).

    Examples
    --------
    >>> from cooplab.games import make
    >>> social_welfare(make("prisoners-dilemma"), ["C", "C"])
    6.0
    """
    game = require_players(game, None, "social_welfare")
    return float(_payoff_vector(game, x).sum())


def _profile_of(x: Any, what: str) -> Any:
    if isinstance(x, Equilibrium):
        return list(x.profile)
    if isinstance(x, CorrelatedResult):
        raise TypeError(
            f"{what} is defined for independent (mixed) profiles; for a joint distribution use "
            "cooplab.equilibria.correlated.ce_violation"
        )
    return x


def regret(game: NormalFormGame, x: Any) -> FloatArray:
    """Each player's gain from its best unilateral deviation, shape ``(n,)``.

    ``x`` is an :class:`Equilibrium` (its regret is recomputed from its
    profile, not read from it) or a profile. See
    :meth:`NormalFormGame.regret`.
    """
    game = require_players(game, None, "regret")
    return game.regret(_profile_of(x, "regret"))


def nash_conv(game: NormalFormGame, x: Any) -> float:
    """NashConv: the sum over players of :func:`regret`; zero exactly at a Nash equilibrium."""
    game = require_players(game, None, "nash_conv")
    return game.nash_conv(_profile_of(x, "nash_conv"))


def pareto_efficient_outcomes(game: NormalFormGame) -> list[tuple[int, ...]]:
    """The pure outcomes that no other pure outcome Pareto-dominates, in lexicographic order.

    Examples
    --------
    >>> from cooplab.games import make
    >>> pareto_efficient_outcomes(make("prisoners-dilemma"))  # all but (D, D)
    [(0, 0), (0, 1), (1, 0)]
    """
    game = require_players(game, None, "pareto_efficient_outcomes")
    return game.pareto_optimal_outcomes()


def pareto_improvement(
    game: NormalFormGame, x: Any, *, strict: bool = False, tol: float = PROB_TOL
) -> tuple[int, ...] | None:
    """A pure outcome that Pareto-dominates ``x``, or ``None`` if there is none.

    Parameters
    ----------
    game : NormalFormGame
    x : Equilibrium, CorrelatedResult or profile
    strict : bool
        Ask for an outcome where *every* player is strictly better off
        (Dawes's "all receive a lower payoff"), not only one player.
    tol : float
        Relative tie tolerance (:meth:`NormalFormGame.tie_tolerance`): a
        player is "better off" only by more than its tolerance.

    Returns
    -------
    tuple of int or None
        Among the dominating outcomes, the one of greatest welfare (the first
        in lexicographic order on ties).

    Examples
    --------
    >>> from cooplab.games import make
    >>> pareto_improvement(make("prisoners-dilemma"), ["D", "D"], strict=True)
    (0, 0)
    """
    game = require_players(game, None, "pareto_improvement")
    u = _payoff_vector(game, x)
    atol = game.tie_tolerance(tol)
    n = game.n_players
    points = game.payoffs.reshape(n, -1)  # (n, outcomes)
    better = points > (u + atol)[:, None]
    no_worse = points >= (u - atol)[:, None]
    ok = better.all(axis=0) if strict else no_worse.all(axis=0) & better.any(axis=0)
    if not ok.any():
        return None
    welfare = np.where(ok, points.sum(axis=0), -np.inf)
    k = int(np.argmax(welfare))
    return tuple(int(i) for i in np.unravel_index(k, game.n_actions))


# ---------------------------------------------------------------------------
# Sets of equilibria
# ---------------------------------------------------------------------------
def _welfares(game: NormalFormGame, equilibria: Any) -> FloatArray:
    if isinstance(equilibria, EquilibriumResult):
        entries: list[Any] = list(equilibria.equilibria)
    elif isinstance(equilibria, Equilibrium | CorrelatedResult):
        entries = [equilibria]
    elif isinstance(equilibria, str | bytes) or not isinstance(equilibria, Iterable):
        raise ValueError(
            "equilibria must be an EquilibriumResult or a sequence of Equilibrium objects, "
            f"profiles or CorrelatedResult objects; got {type(equilibria).__name__}"
        )
    else:
        entries = list(equilibria)
    if not entries:
        raise ValueError("no equilibria given: the welfare of an empty set is undefined")
    out = np.empty(len(entries))
    for k, e in enumerate(entries):
        try:
            out[k] = float(_payoff_vector(game, e).sum())
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"entry {k} of equilibria is not an equilibrium of this game: {exc} (entries are "
                "Equilibrium objects, profiles with one strategy per player, or CorrelatedResult "
                "objects)"
            ) from None
    return out


def _welfare_tolerance(game: NormalFormGame, tol: float) -> float:
    return float(game.tie_tolerance(tol).sum())


def _ratio(optimum: float, value: float, slack: float, label: str) -> tuple[float | None, str]:
    if optimum <= 0 or value <= 0:
        return None, (
            f"the {label} is undefined: it needs positive welfare, but the optimum is "
            f"{optimum:.6g} and the {'worst' if 'anarchy' in label else 'best'} equilibrium's "
            f"welfare is {value:.6g}; use the welfare gap instead"
        )
    ratio = optimum / value
    # An equilibrium cannot beat the optimum; rounding can make it look so.
    if ratio < 1.0 and value - optimum <= slack:
        ratio = 1.0
    return ratio, ""


def _price(
    game: NormalFormGame, equilibria: Any, which: str, undefined: Undefined, tol: float
) -> float | None:
    if undefined not in ("raise", "none"):
        raise ValueError(f"undefined must be 'raise' or 'none'; got {undefined!r}")
    w = _welfares(game, equilibria)
    optimum = float(game.welfare_table().max())
    value = float(w.min() if which == "anarchy" else w.max())
    ratio, note = _ratio(optimum, value, _welfare_tolerance(game, tol), f"price of {which}")
    if ratio is None and undefined == "raise":
        raise ValueError(note)
    return ratio


def price_of_anarchy(
    game: NormalFormGame, equilibria: Any, *, undefined: Undefined = "raise", tol: float = PROB_TOL
) -> float | None:
    """Optimum social welfare over the welfare of the worst equilibrium given (``>= 1``).

    Parameters
    ----------
    game : NormalFormGame
    equilibria : EquilibriumResult or sequence
        Equilibrium objects, profiles, or CorrelatedResult objects.
    undefined : {"raise", "none"}
        What to do when the ratio is undefined (the optimum or the worst
        equilibrium welfare is zero or negative): raise ``ValueError`` saying
        so, or return ``None``. :func:`welfare_gap` is always defined.
    tol : float
        Relative tie tolerance, for the rounding of welfare.

    Examples
    --------
    >>> from cooplab.games import make
    >>> price_of_anarchy(make("prisoners-dilemma"), [("D", "D")])  # 6 / 2
    3.0
    """
    game = require_players(game, None, "price_of_anarchy")
    return _price(game, equilibria, "anarchy", undefined, tol)


def price_of_stability(
    game: NormalFormGame, equilibria: Any, *, undefined: Undefined = "raise", tol: float = PROB_TOL
) -> float | None:
    """Optimum social welfare over the welfare of the best equilibrium given (``>= 1``).

    Parameters as for :func:`price_of_anarchy`.

    Examples
    --------
    >>> from cooplab.games import make
    >>> g = make("stag-hunt")  # R=4, T=3, P=2, S=0
    >>> price_of_stability(g, [(0, 0), (1, 1)]), price_of_anarchy(g, [(0, 0), (1, 1)])
    (1.0, 2.0)
    """
    game = require_players(game, None, "price_of_stability")
    return _price(game, equilibria, "stability", undefined, tol)


def welfare_gap(
    game: NormalFormGame,
    equilibria: Any,
    *,
    which: Literal["worst", "best"] = "worst",
    tol: float = PROB_TOL,
) -> float:
    """Optimum social welfare minus the welfare of the worst (or best) equilibrium given.

    Always defined, in payoff units, never negative (rounding below zero is
    clipped); the additive counterpart of :func:`price_of_anarchy`
    (``which="worst"``) and :func:`price_of_stability` (``which="best"``).

    Examples
    --------
    >>> from cooplab.games import make
    >>> welfare_gap(make("arms-race", n=3), [(1, 1, 1)])  # 0 - (-3): everyone pays the cost
    3.0
    """
    game = require_players(game, None, "welfare_gap")
    if which not in ("worst", "best"):
        raise ValueError(f"which must be 'worst' or 'best'; got {which!r}")
    w = _welfares(game, equilibria)
    optimum = float(game.welfare_table().max())
    gap = optimum - float(w.min() if which == "worst" else w.max())
    return 0.0 if gap < 0 and -gap <= _welfare_tolerance(game, tol) else gap


@dataclass(frozen=True)
class WelfareSummary:
    """Welfare of a set of equilibria against the social optimum.

    Attributes
    ----------
    optimum_welfare
        The largest social welfare of any outcome (``OPT``).
    optimal_outcomes
        The pure outcomes attaining it.
    equilibrium_welfare
        The welfare of each equilibrium given, in the order given.
    worst_equilibrium_welfare, best_equilibrium_welfare
        Their minimum and maximum.
    price_of_anarchy, price_of_stability
        ``OPT / worst`` and ``OPT / best``, or ``None`` when undefined
        (nonpositive welfare; see :attr:`note`).
    anarchy_gap, stability_gap
        ``OPT - worst`` and ``OPT - best``, always defined.
    note
        Why a ratio is ``None`` (empty when both are defined).
    """

    optimum_welfare: float
    optimal_outcomes: tuple[tuple[int, ...], ...]
    equilibrium_welfare: tuple[float, ...]
    worst_equilibrium_welfare: float
    best_equilibrium_welfare: float
    price_of_anarchy: float | None
    price_of_stability: float | None
    anarchy_gap: float
    stability_gap: float
    note: str = ""

    @property
    def n_equilibria(self) -> int:
        return len(self.equilibrium_welfare)

    def to_dict(self) -> dict[str, Any]:
        from cooplab.runtime.serialize import to_jsonable

        out: dict[str, Any] = to_jsonable(self)
        return out


def welfare_summary(
    game: NormalFormGame, equilibria: Any, *, tol: float = PROB_TOL
) -> WelfareSummary:
    """The optimum, the best and worst equilibrium welfare, both prices and both gaps.

    Parameters
    ----------
    game : NormalFormGame
    equilibria : EquilibriumResult or sequence
        Equilibrium objects, profiles, or CorrelatedResult objects.
    tol : float
        Relative tie tolerance, for the rounding of welfare.

    Returns
    -------
    WelfareSummary

    Examples
    --------
    >>> from cooplab.games import make
    >>> s = welfare_summary(make("prisoners-dilemma"), [("D", "D")])
    >>> s.optimum_welfare, s.optimal_outcomes, s.price_of_anarchy, s.anarchy_gap
    (6.0, ((0, 0),), 3.0, 4.0)
    """
    game = require_players(game, None, "welfare_summary")
    w = _welfares(game, equilibria)
    table = game.welfare_table()
    optimum = float(table.max())
    slack = _welfare_tolerance(game, tol)
    worst, best = float(w.min()), float(w.max())
    poa, note_a = _ratio(optimum, worst, slack, "price of anarchy")
    pos, note_s = _ratio(optimum, best, slack, "price of stability")
    gaps = [optimum - worst, optimum - best]
    gaps = [0.0 if g < 0 and -g <= slack else g for g in gaps]
    return WelfareSummary(
        optimum_welfare=optimum,
        optimal_outcomes=tuple(game.social_optima()),
        equilibrium_welfare=tuple(float(x) for x in w),
        worst_equilibrium_welfare=worst,
        best_equilibrium_welfare=best,
        price_of_anarchy=poa,
        price_of_stability=pos,
        anarchy_gap=gaps[0],
        stability_gap=gaps[1],
        note="; ".join(n for n in (note_a, note_s) if n),
    )
