"""Which social dilemma is this game? Symmetric 2x2 classification and n-player reports.

**Symmetric 2x2 games.** Every symmetric 2x2 game is the row player's matrix
``[[R, S], [T, P]]`` (action 0 "cooperate", action 1 "defect"; the column
player's matrix is its transpose): ``R`` the reward for mutual cooperation,
``S`` the sucker's payoff, ``T`` the temptation to defect, ``P`` the
punishment for mutual defection. Two incentives drive the classic dilemmas
(Macy & Flache 2002, after Coombs 1973): *greed* ``T > R`` (defecting on a
cooperator pays) and *fear* ``P > S`` (cooperating with a defector costs).
With ``R > P``:

=================  =====  =====  =======================  ==========================
family             greed  fear   classic ordering         equilibria
=================  =====  =====  =======================  ==========================
prisoner's dilemma yes    yes    ``T > R > P > S``        (D, D), dominant
chicken/snowdrift  yes    no     ``T > R > S > P``        (C, D), (D, C), one mixed
stag hunt          no     yes    ``R > T > P > S``        (C, C), (D, D), one mixed
harmony            no     no     ``R > T > S > P``        (C, C), dominant
=================  =====  =====  =======================  ==========================

:func:`classify_dilemma` reads ``R, S, T, P`` from a game and names the
*strict ordering* of the four payoffs (24 possibilities). Named orderings
(Rapoport & Guyer 1966; Rapoport 1967 for leader and hero; Robinson &
Goforth 2005 for the topology they sit in):

* prisoner's dilemma ``T > R > P > S``; chicken ``T > R > S > P``; leader
  ``T > S > R > P``; hero ``S > T > R > P``; stag hunt ``R > T > P > S``;
  deadlock ``T > P > R > S``; harmony ``R > T > S > P``, ``R > S > T > P``
  and ``R > S > P > T`` (cooperation is dominant and mutual cooperation is
  every player's best outcome: no conflict at all);
* the same twelve orderings with the two actions' roles exchanged (``R <-> P``
  and ``S <-> T``: action 0 is the one that plays "defect"), reported as
  ``"prisoner's dilemma (actions swapped)"`` and so on, with ``relabelled``
  true;
* the remaining six (``R > P > T > S``, ``R > P > S > T``, ``S > R > T > P``
  and their swaps) are reported as ``"other"``, with their greed/fear family
  when ``R > P``. They are distinct games in Robinson & Goforth's topology;
  this module does not name them rather than guess a name.

Ties are reported, not hidden: ``T == R`` lies on the boundary between two
games, and the name says so (``"boundary: prisoner's dilemma / stag hunt"``),
unless every way of breaking the tie gives the same name.

**n-player games.** :func:`dilemma_report` works on any game: its pure
equilibria (for 2x2 games also the mixed ones, in closed form), the social
optimum, whether the equilibria are socially suboptimal or Pareto-deficient,
the welfare gap and price of anarchy, and the *social dilemma* test of Dawes
(1980): every player has a strictly dominant strategy ("defect"), yet every
player is strictly better off if all play otherwise ("cooperate") than if
all defect. Kollock's (1998) looser reading, "individually reasonable
behaviour leads to a situation in which everyone is worse off", is reported
separately as ``every_equilibrium_pareto_dominated`` (the commons has no
dominant strategy, so it is a dilemma in Kollock's sense but not Dawes's).

References
----------
Rapoport, A. & Guyer, M. (1966). A taxonomy of 2x2 games. General Systems 11, 203-214.
Rapoport, A. (1967). Exploiter, Leader, Hero, and Martyr: the four archetypes
of the 2x2 game. Behavioral Science 12(2), 81-84.
Coombs, C. H. (1973). A reparameterization of the prisoner's dilemma game.
Behavioral Science 18(6), 424-428.
Dawes, R. M. (1980). Social dilemmas. Annual Review of Psychology 31, 169-193.
Kollock, P. (1998). Social dilemmas: the anatomy of cooperation. Annual Review
of Sociology 24, 183-214.
Macy, M. W. & Flache, A. (2002). Learning dynamics in social dilemmas. PNAS
99(suppl. 3), 7229-7236.
Robinson, D. & Goforth, D. (2005). The Topology of the 2x2 Games: A New
Periodic Table. Routledge.
Axelrod, R. (1984). The Evolution of Cooperation. Basic Books (2R > T + S in
the iterated prisoner's dilemma).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np

from cooplab.equilibria.dominance import dominant_strategies
from cooplab.equilibria.metrics import pareto_improvement, welfare_summary
from cooplab.equilibria.result import (
    Equilibrium,
    EquilibriumResult,
    dedupe,
    equilibrium,
    require_players,
    to_fractions,
)
from cooplab.games.normal_form import PROB_TOL, NormalFormGame

__all__ = [
    "ORDINAL_NAMES",
    "DilemmaClass",
    "DilemmaReport",
    "classify_dilemma",
    "classify_payoffs",
    "dilemma_report",
    "equilibria_2x2",
]

# The classic orderings, strongest payoff first, in the standard labelling.
_STANDARD = {
    "TRPS": "prisoner's dilemma",
    "TRSP": "chicken",
    "TSRP": "leader",
    "STRP": "hero",
    "RTPS": "stag hunt",
    "TPRS": "deadlock",
    "RTSP": "harmony",
    "RSTP": "harmony",
    "RSPT": "harmony",
}
# Exchanging the actions' roles maps R <-> P and S <-> T.
_SWAP = str.maketrans("RPST", "PRTS")


def _ordinal_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for perm in itertools.permutations("TRPS"):
        key = "".join(perm)
        if key in _STANDARD:
            names[key] = _STANDARD[key]
        elif key.translate(_SWAP) in _STANDARD:
            names[key] = f"{_STANDARD[key.translate(_SWAP)]} (actions swapped)"
        else:
            names[key] = "other"
    return names


#: The name of each of the 24 strict orderings of ``R, S, T, P``, keyed by the
#: letters from largest to smallest (``"TRPS"`` is ``T > R > P > S``).
ORDINAL_NAMES = MappingProxyType(_ordinal_names())

_FAMILIES = {
    (True, True): "prisoner's dilemma",
    (True, False): "chicken",
    (False, True): "stag hunt",
    (False, False): "harmony",
}


# ---------------------------------------------------------------------------
# Symmetric 2x2 games
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DilemmaClass:
    """The classification of a symmetric 2x2 game by its payoffs ``R, S, T, P``.

    Attributes
    ----------
    R, S, T, P
        Reward, sucker's payoff, temptation, punishment (row player's view).
    cooperate
        The index of the action read as "cooperate".
    ordering
        The payoffs from largest to smallest, ties shown: ``"T > R > P > S"``,
        ``"T = R > P > S"``.
    strict
        True when the four payoffs are distinct (no ties).
    ties
        The tied pairs, e.g. ``("T = R",)``.
    greed
        ``T > R``: defecting on a cooperator pays.
    fear
        ``P > S``: cooperating with a defector costs.
    name
        The ordering's name (see the module docstring), ``"other"``,
        ``"boundary: A / B"`` for a tie between games A and B, or
        ``"trivial (all payoffs equal)"``.
    relabelled
        True when the name holds with the two actions' roles exchanged.
    family
        Macy & Flache's greed/fear family (``"prisoner's dilemma"``,
        ``"chicken"``, ``"stag hunt"``, ``"harmony"``), defined when
        ``R > P`` and neither ``T = R`` nor ``P = S``; else ``None``.
    social_dilemma
        Macy & Flache's (2002) conditions: ``R > P``, ``R > S``,
        ``2R > T + S`` and greed or fear.
    iterated_pd_condition
        ``2R > T + S``: mutual cooperation beats taking turns to exploit each
        other, the extra condition of the iterated prisoner's dilemma.
    dominant_action
        The strictly dominant action (the same for both players), or ``None``.
    pure_equilibria
        The pure Nash equilibria (action-index pairs).
    mixed_cooperation
        The probability of cooperating in the symmetric completely mixed
        equilibrium, when there is one (chicken and stag hunt families).
    """

    R: float
    S: float
    T: float
    P: float
    cooperate: int
    ordering: str
    strict: bool
    ties: tuple[str, ...]
    greed: bool
    fear: bool
    name: str
    relabelled: bool
    family: str | None
    social_dilemma: bool
    iterated_pd_condition: bool
    dominant_action: int | None
    pure_equilibria: tuple[tuple[int, ...], ...]
    mixed_cooperation: float | None

    def describe(self) -> str:
        """One line: name, ordering, greed and fear."""
        family = f" ({self.family} family)" if self.family and self.family != self.name else ""
        return (
            f"{self.name}: {self.ordering}{family}; greed {'yes' if self.greed else 'no'}, "
            f"fear {'yes' if self.fear else 'no'}; 2R > T + S "
            f"{'holds' if self.iterated_pd_condition else 'fails'}"
        )

    def to_dict(self) -> dict[str, Any]:
        from cooplab.runtime.serialize import to_jsonable

        out: dict[str, Any] = to_jsonable(self)
        return out


def _check_2x2(game: Any, method: str) -> NormalFormGame:
    game = require_players(game, 2, method)
    if game.n_actions != (2, 2):
        raise ValueError(
            f"{method} needs a 2x2 game (two actions per player); this game has actions "
            f"{game.n_actions}"
        )
    return game


def _check_symmetric(game: NormalFormGame, atol: float) -> None:
    A, B = game.payoffs[0], game.payoffs[1]
    diff = np.abs(B - A.T)
    if np.all(diff <= atol):
        return
    i, j = (int(x) for x in np.unravel_index(int(np.argmax(diff)), diff.shape))
    names = game.action_names
    raise ValueError(
        "classify_dilemma needs a symmetric game (the column player's payoffs the transpose of "
        f"the row player's); here {game.player_names[1]!r} gets {B[i, j]:g} at "
        f"({names[0][i]}, {names[1][j]}) but {game.player_names[0]!r} gets {A[j, i]:g} at "
        f"({names[0][j]}, {names[1][i]}) (build one with cooplab.games.catalog.symmetric_2x2)"
    )


def _ranks(values: dict[str, float], atol: float) -> dict[str, int]:
    """Rank groups (0 = largest); values within ``atol`` of their neighbour share a rank."""
    order = sorted(values, key=lambda k: (-values[k], "TRPS".index(k)))
    ranks: dict[str, int] = {}
    rank = 0
    for pos, k in enumerate(order):
        if pos and values[order[pos - 1]] - values[k] > atol:
            rank += 1
        ranks[k] = rank
    return ranks


def _ordering_text(ranks: dict[str, int]) -> tuple[str, list[list[str]]]:
    groups: list[list[str]] = [[] for _ in range(max(ranks.values()) + 1)]
    for k in "TRPS":
        groups[ranks[k]].append(k)
    return " > ".join(" = ".join(g) for g in groups), groups


def _name_of(groups: list[list[str]]) -> tuple[str, bool]:
    """Name of an ordering given as rank groups, and whether it is relabelled."""
    if len(groups) == 1:
        return "trivial (all payoffs equal)", False
    names: list[str] = []
    for pieces in itertools.product(*(itertools.permutations(g) for g in groups)):
        key = "".join("".join(p) for p in pieces)
        name = ORDINAL_NAMES[key]
        if name not in names:
            names.append(name)
    if len(names) == 1:
        return names[0], names[0].endswith("(actions swapped)")
    return "boundary: " + " / ".join(names), False


def classify_dilemma(
    game: NormalFormGame, *, cooperate: int | str = 0, tol: float = PROB_TOL
) -> DilemmaClass:
    """Classify a symmetric 2x2 game by the ordering of ``R, S, T, P``.

    Parameters
    ----------
    game : NormalFormGame
        A symmetric 2x2 game (the column player's payoff matrix is the
        transpose of the row player's).
    cooperate : int or str
        The action read as "cooperate" (index or name); the other is
        "defect". By convention action 0.
    tol : float
        Relative tie tolerance (:meth:`NormalFormGame.tie_tolerance`): payoffs
        closer than that are tied. ``tol=0`` leaves only a rounding allowance.

    Returns
    -------
    DilemmaClass

    Raises
    ------
    ValueError
        If the game is not 2x2 or not symmetric (naming an entry that breaks
        the symmetry).

    Examples
    --------
    >>> from cooplab.games import make
    >>> c = classify_dilemma(make("prisoners-dilemma"))
    >>> c.name, c.ordering, c.greed, c.fear, c.iterated_pd_condition
    ("prisoner's dilemma", 'T > R > P > S', True, True, True)
    >>> classify_dilemma(make("stag-hunt")).name
    'stag hunt'
    >>> classify_dilemma(make("symmetric-2x2", R=3, S=0, T=3, P=1)).name
    "boundary: prisoner's dilemma / stag hunt"
    """
    game = _check_2x2(game, "classify_dilemma")
    atol = float(game.tie_tolerance(tol).max())
    _check_symmetric(game, atol)
    c = game.action_index(0, cooperate)
    d = 1 - c
    A = game.payoffs[0]
    values = {"R": float(A[c, c]), "S": float(A[c, d]), "T": float(A[d, c]), "P": float(A[d, d])}
    R, S, T, P = values["R"], values["S"], values["T"], values["P"]
    ranks = _ranks(values, atol)
    ordering, groups = _ordering_text(ranks)
    ties = tuple(" = ".join(g) for g in groups if len(g) > 1)
    # A tie of three or four payoffs is one entry, "T = R = P".
    greed = ranks["T"] < ranks["R"]
    fear = ranks["P"] < ranks["S"]
    name, relabelled = _name_of(groups)
    family = (
        _FAMILIES[(greed, fear)]
        if ranks["R"] < ranks["P"] and ranks["T"] != ranks["R"] and ranks["P"] != ranks["S"]
        else None
    )
    excess = 2 * R - (T + S)  # mutual cooperation over alternating exploitation
    two_r = excess > atol
    social = bool(ranks["R"] < ranks["P"] and ranks["R"] < ranks["S"] and two_r and (greed or fear))
    dom = dominant_strategies(game, tol=tol)[0]
    dominant = None if dom is None else int(dom)
    pure = tuple(game.pure_nash_equilibria(tol=tol))
    # Symmetric completely mixed equilibrium: indifference R q + S (1-q) = T q + P (1-q).
    mixed: float | None = None
    gain_c, gain_d = R - T, P - S  # advantage of matching the other's action
    if (gain_c > atol and gain_d > atol) or (gain_c < -atol and gain_d < -atol):
        mixed = gain_d / (gain_c + gain_d)  # probability of cooperating
    return DilemmaClass(
        R=R,
        S=S,
        T=T,
        P=P,
        cooperate=c,
        ordering=ordering,
        strict=len(groups) == 4,
        ties=ties,
        greed=bool(greed),
        fear=bool(fear),
        name=name,
        relabelled=relabelled,
        family=family,
        social_dilemma=social,
        iterated_pd_condition=bool(two_r),
        dominant_action=dominant,
        pure_equilibria=pure,
        mixed_cooperation=mixed,
    )


def classify_payoffs(
    *, R: float, S: float, T: float, P: float, tol: float = PROB_TOL
) -> DilemmaClass:
    """:func:`classify_dilemma` of the symmetric 2x2 game with payoffs ``R, S, T, P``.

    Keyword-only, since texts list the four letters in different orders.

    Examples
    --------
    >>> classify_payoffs(R=2, S=1, T=3, P=0).name  # T > R > S > P
    'chicken'
    >>> classify_payoffs(R=2, S=0, T=3, P=1).family
    "prisoner's dilemma"
    """
    from cooplab.games.catalog import symmetric_2x2

    return classify_dilemma(symmetric_2x2(R=R, S=S, T=T, P=P), tol=tol)


# ---------------------------------------------------------------------------
# Closed-form equilibria of 2x2 games
# ---------------------------------------------------------------------------
def _indifference(m: Any) -> Fraction | None:
    """Mix ``x`` on the first of the *other* player's actions that makes this player indifferent.

    ``m`` is this player's 2x2 payoff table with own actions as rows and the
    other's as columns; solves ``m00 x + m01 (1-x) = m10 x + m11 (1-x)``.
    """
    denom = m[0][0] - m[0][1] - m[1][0] + m[1][1]
    if denom == 0:
        return None
    x = Fraction(m[1][1] - m[0][1]) / denom
    return x if 0 <= x <= 1 else None


def _best_support_ok(m: Any, own: Fraction, other: Fraction) -> bool:
    """Does mixing ``own`` on action 0 best-respond to the other mixing ``other`` on its action 0?"""
    u0 = m[0][0] * other + m[0][1] * (1 - other)
    u1 = m[1][0] * other + m[1][1] * (1 - other)
    return (own == 0 or u0 >= u1) and (own == 1 or u1 >= u0)


def equilibria_2x2(game: NormalFormGame) -> EquilibriumResult:
    """Every extreme Nash equilibrium of a 2x2 game, in closed form and exact arithmetic.

    With ``p`` the row player's probability of its action 0 and ``q`` the
    column player's, an equilibrium's coordinates lie in ``{0, 1, p*}`` and
    ``{0, 1, q*}``, where ``q*`` makes the row player indifferent,
    ``q* = (a11 - a01) / (a00 - a01 - a10 + a11)``, and ``p*`` the column
    player (when the denominators are nonzero and the values lie in
    ``[0, 1]``). All nine candidates are checked exactly, with payoffs read
    as fractions (:func:`~cooplab.equilibria.result.as_fraction`).

    A nondegenerate 2x2 game has one or three equilibria. In a degenerate
    game (a player indifferent between its actions against a pure action of
    the other) equilibria come in segments; the list then holds every extreme
    point of them (and possibly a point inside a segment), and
    ``degenerate`` is true.

    Parameters
    ----------
    game : NormalFormGame
        A two-player game with two actions each, symmetric or not.

    Returns
    -------
    EquilibriumResult
        ``method="2x2 closed form"``, ``exact=True``, ``complete=True``.

    Examples
    --------
    >>> from cooplab.games import make
    >>> [e.exact for e in equilibria_2x2(make("chicken", T=7, R=6, S=2, P=0))]  # doctest: +NORMALIZE_WHITESPACE
    [((Fraction(1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1))),
     ((Fraction(2, 3), Fraction(1, 3)), (Fraction(2, 3), Fraction(1, 3))),
     ((Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(0, 1)))]
    """
    game = _check_2x2(game, "equilibria_2x2")
    A = to_fractions(game.payoffs[0])
    B = to_fractions(game.payoffs[1]).T  # column player's table, own actions as rows
    q_star = _indifference(A)  # column's mix making the row player indifferent
    p_star = _indifference(B)
    ps = sorted({Fraction(0), Fraction(1)} | ({p_star} if p_star is not None else set()))
    qs = sorted({Fraction(0), Fraction(1)} | ({q_star} if q_star is not None else set()))
    found: list[Equilibrium] = []
    for p in ps:
        for q in qs:
            if _best_support_ok(A, p, q) and _best_support_ok(B, q, p):
                found.append(equilibrium(game, [], exact=[(p, 1 - p), (q, 1 - q)]))
    degenerate = bool(np.any(A[0] == A[1]) or np.any(B[0] == B[1]))
    return EquilibriumResult(
        method="2x2 closed form",
        equilibria=tuple(dedupe(found)),
        degenerate=degenerate,
        complete=True,
        exact=True,
        stats={"candidates": len(ps) * len(qs)},
    )


# ---------------------------------------------------------------------------
# Any game: the report
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DilemmaReport:
    """Is this game a social dilemma, and how much do its equilibria cost society?

    Attributes
    ----------
    game_name, n_players, n_actions
        What was analysed.
    equilibria
        The equilibria examined: pure ones, and for 2x2 games every extreme
        mixed one (``equilibria.method`` says which; ``complete`` is true
        only for 2x2 games).
    optimum_welfare, social_optima
        The largest social welfare and the pure outcomes attaining it.
    equilibrium_welfare
        Each equilibrium's welfare, in the order of ``equilibria``.
    every_equilibrium_suboptimal, some_equilibrium_suboptimal
        Whether every (some) equilibrium has welfare below the optimum.
    every_equilibrium_pareto_dominated
        Whether every equilibrium is Pareto-dominated by some pure outcome
        (Kollock's sense of a social dilemma). False when none was found.
    welfare_gap
        Optimum minus the worst equilibrium welfare (``None`` without
        equilibria).
    price_of_anarchy
        Optimum over the worst equilibrium welfare, ``None`` when undefined;
        ``note`` says why.
    dominant_strategies
        Per player, the strictly dominant action or ``None``.
    dominant_outcome
        The outcome where everyone plays its dominant action (or ``None``).
    cooperative_outcome
        The outcome that makes every player strictly better off than
        ``dominant_outcome``: everyone playing its other action when each has
        two ("all cooperate"), else the best such outcome; ``None`` if none.
    social_dilemma
        Dawes's (1980) test: ``dominant_outcome`` and ``cooperative_outcome``
        both exist.
    classification
        :func:`classify_dilemma` for symmetric 2x2 games, else ``None``.
    note
        Why a quantity is undefined, and what was not searched.
    """

    game_name: str
    n_players: int
    n_actions: tuple[int, ...]
    equilibria: EquilibriumResult
    optimum_welfare: float
    social_optima: tuple[tuple[int, ...], ...]
    equilibrium_welfare: tuple[float, ...]
    every_equilibrium_suboptimal: bool
    some_equilibrium_suboptimal: bool
    every_equilibrium_pareto_dominated: bool
    welfare_gap: float | None
    price_of_anarchy: float | None
    dominant_strategies: tuple[int | None, ...]
    dominant_outcome: tuple[int, ...] | None
    cooperative_outcome: tuple[int, ...] | None
    social_dilemma: bool
    classification: DilemmaClass | None
    note: str = ""

    def describe(self) -> str:
        """A few lines for people."""
        lines = [f"{self.game_name or 'game'}: {self.n_players} players, actions {self.n_actions}"]
        if self.classification is not None:
            lines.append(f"2x2 class: {self.classification.describe()}")
        lines.append(
            f"equilibria ({self.equilibria.method}): {len(self.equilibria)}; welfare "
            f"{[round(w, 6) for w in self.equilibrium_welfare]}; optimum {self.optimum_welfare:.6g} "
            f"at {list(self.social_optima)}"
        )
        if self.welfare_gap is not None:
            poa = "undefined" if self.price_of_anarchy is None else f"{self.price_of_anarchy:.6g}"
            lines.append(f"welfare gap {self.welfare_gap:.6g}, price of anarchy {poa}")
        lines.append(
            "social dilemma (Dawes): "
            + (
                f"yes: dominant outcome {self.dominant_outcome} is worse for everyone than "
                f"{self.cooperative_outcome}"
                if self.social_dilemma
                else "no"
            )
        )
        if self.note:
            lines.append(f"note: {self.note}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        from cooplab.runtime.serialize import to_jsonable

        return {
            "game_name": self.game_name,
            "n_players": self.n_players,
            "n_actions": list(self.n_actions),
            "equilibria": self.equilibria.to_dict(),
            "optimum_welfare": self.optimum_welfare,
            "social_optima": [list(o) for o in self.social_optima],
            "equilibrium_welfare": list(self.equilibrium_welfare),
            "every_equilibrium_suboptimal": self.every_equilibrium_suboptimal,
            "some_equilibrium_suboptimal": self.some_equilibrium_suboptimal,
            "every_equilibrium_pareto_dominated": self.every_equilibrium_pareto_dominated,
            "welfare_gap": self.welfare_gap,
            "price_of_anarchy": self.price_of_anarchy,
            "dominant_strategies": list(self.dominant_strategies),
            "dominant_outcome": None
            if self.dominant_outcome is None
            else list(self.dominant_outcome),
            "cooperative_outcome": (
                None if self.cooperative_outcome is None else list(self.cooperative_outcome)
            ),
            "social_dilemma": self.social_dilemma,
            "classification": (
                None if self.classification is None else to_jsonable(self.classification)
            ),
            "note": self.note,
        }


def dilemma_report(game: NormalFormGame, *, tol: float = PROB_TOL) -> DilemmaReport:
    """Equilibria, welfare and the social-dilemma tests of any normal-form game.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players, symmetric or not.
    tol : float
        Relative tie tolerance for payoffs (:meth:`NormalFormGame.tie_tolerance`);
        welfare comparisons allow the sum of the players' tolerances.

    Returns
    -------
    DilemmaReport

    Notes
    -----
    Only pure equilibria are searched in games larger than 2x2 (mixed
    equilibria of n-player games need the solvers elsewhere in
    :mod:`cooplab.equilibria`); pass those to
    :func:`~cooplab.equilibria.metrics.welfare_summary` for the full picture.

    Examples
    --------
    >>> from cooplab.games import make
    >>> r = dilemma_report(make("public-goods", n=5))
    >>> r.social_dilemma, r.dominant_outcome, r.cooperative_outcome
    (True, (0, 0, 0, 0, 0), (1, 1, 1, 1, 1))
    >>> round(r.price_of_anarchy, 6)  # 5 * 1.6 / (5 * 1)
    1.6
    """
    game = require_players(game, None, "dilemma_report")
    notes: list[str] = []
    is_2x2 = game.n_actions == (2, 2)
    if is_2x2:
        eqs = equilibria_2x2(game)
    else:
        pure = game.pure_nash_equilibria(tol=tol)
        eqs = EquilibriumResult(
            method="pure",
            equilibria=tuple(equilibrium(game, game.as_profile(list(o))) for o in pure),
            complete=False,
            stats={"pure_equilibria": len(pure)},
        )
        notes.append("only pure equilibria were searched (mixed ones are not computed here)")
    table = game.welfare_table()
    optimum = float(table.max())
    optima = tuple(game.social_optima())
    slack = float(game.tie_tolerance(tol).sum())
    if len(eqs):
        summary = welfare_summary(game, eqs, tol=tol)
        welfare = summary.equilibrium_welfare
        every = all(w < optimum - slack for w in welfare)
        some = any(w < optimum - slack for w in welfare)
        deficient = all(pareto_improvement(game, e, tol=tol) is not None for e in eqs)
        gap: float | None = summary.anarchy_gap
        poa = summary.price_of_anarchy
        if summary.price_of_anarchy is None:
            notes.append(summary.note.split("; ")[0])
    else:
        welfare, every, some, deficient, gap, poa = (), False, False, False, None, None
        notes.append("no pure equilibrium: welfare gap and price of anarchy undefined here")

    dominant = dominant_strategies(game, tol=tol)
    dominant_outcome = None if any(d is None for d in dominant) else tuple(int(d) for d in dominant)  # type: ignore[arg-type]
    cooperative = None
    if dominant_outcome is not None:
        if all(a == 2 for a in game.n_actions):
            other = tuple(1 - d for d in dominant_outcome)
            atol = game.tie_tolerance(tol)
            better = game.outcome_payoffs(other) > game.outcome_payoffs(dominant_outcome) + atol
            cooperative = other if bool(np.all(better)) else None
        else:
            cooperative = pareto_improvement(game, dominant_outcome, strict=True, tol=tol)
    classification = None
    if is_2x2:
        try:
            classification = classify_dilemma(game, tol=tol)
        except ValueError:
            notes.append("not symmetric: no R, S, T, P classification")
    return DilemmaReport(
        game_name=game.name,
        n_players=game.n_players,
        n_actions=game.n_actions,
        equilibria=eqs,
        optimum_welfare=optimum,
        social_optima=optima,
        equilibrium_welfare=tuple(welfare),
        every_equilibrium_suboptimal=bool(every),
        some_equilibrium_suboptimal=bool(some),
        every_equilibrium_pareto_dominated=bool(deficient),
        welfare_gap=gap,
        price_of_anarchy=poa,
        dominant_strategies=dominant,
        dominant_outcome=dominant_outcome,
        cooperative_outcome=cooperative,
        social_dilemma=dominant_outcome is not None and cooperative is not None,
        classification=classification,
        note="; ".join(notes),
    )
