"""Dominated strategies and their iterated elimination, for n-player games.

An action ``a`` of player ``i`` is *strictly dominated* by a (pure or mixed)
strategy ``σ`` of the same player when ``σ`` pays strictly more than ``a``
against every profile of the other players' surviving actions; *weakly
dominated* when ``σ`` pays at least as much against every profile and strictly
more against one. A rational player never plays a strictly dominated action,
so removing them, and then the actions that become dominated in the smaller
game, and so on, loses no Nash equilibrium (nor any correlated equilibrium,
nor any rationalizable action in two-player games: Bernheim 1984, Pearce 1984).

Iterated elimination of *strictly* dominated strategies (IESDS) ends in the
same game whatever the order of elimination (Gilboa, Kalai & Zemel 1990;
Osborne & Rubinstein 1994, §4.2; for mixed dominators as well); iterated
*weak* dominance does not: the result depends on the order, and this module
removes, in each round, every action that is dominated at the start of the
round, for all players at once (as Gambit's ``undominated_strategies_solve``
does round by round).

Pure dominance is a vectorised comparison of payoff rows. Mixed dominance of
``a`` is one linear program: find a mixture ``σ`` of the player's other
surviving actions maximising the smallest margin
``min_{s_-i} [u_i(σ, s_-i) - u_i(a, s_-i)]``; ``a`` is strictly dominated
when that margin exceeds the player's tie tolerance. (For two players, an
action is strictly dominated by a mixture exactly when it is never a best
response to any belief: Pearce 1984, Lemma 3.)

References
----------
Bernheim, B. D. (1984). Rationalizable strategic behavior. Econometrica 52(4), 1007-1028.
Pearce, D. G. (1984). Rationalizable strategic behavior and the problem of
perfection. Econometrica 52(4), 1029-1050.
Gilboa, I., Kalai, E. & Zemel, E. (1990). On the order of eliminating
dominated strategies. Operations Research Letters 9(2), 85-89.
Osborne, M. J. & Rubinstein, A. (1994). A Course in Game Theory, ch. 4. MIT Press.
Shoham, Y. & Leyton-Brown, K. (2008). Multiagent Systems, §4.5.1 (the linear
programs for domination). Cambridge UP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.optimize

from cooplab.equilibria.result import require_players
from cooplab.games.normal_form import PROB_TOL, NormalFormGame

__all__ = [
    "DominanceResult",
    "Domination",
    "dominant_strategies",
    "dominated_actions",
    "iterated_elimination",
    "restricted_game",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: Pairs (dominator, dominated) compared at once in the vectorised pure test.
_CHUNK = 2_000_000


@dataclass(frozen=True)
class Domination:
    """One dominated action: who, which, by what, by how much, and when.

    Attributes
    ----------
    player
        The player's index.
    action
        The dominated action's index in the original game.
    action_name
        Its name.
    dominator
        The dominating pure action (index in the original game), or ``None``
        when only a mixed strategy dominates.
    mixture
        The dominating mixed strategy, one probability per action of the
        original game (zero for actions already eliminated), or ``None`` for
        pure dominance.
    margin
        The smallest payoff advantage of the dominator over ``action`` across
        the other players' surviving profiles (positive for strict dominance;
        at least zero, up to the tolerance, for weak dominance).
    round
        The elimination round (1 for the first, and for :func:`dominated_actions`).
    weak
        True for weak dominance.
    dominator_name
        ``"T"`` for a pure dominator, ``"1/2 T + 1/2 B"`` for a mixture.
    """

    player: int
    action: int
    action_name: str
    dominator: int | None
    mixture: tuple[float, ...] | None
    margin: float
    round: int
    weak: bool
    dominator_name: str

    def describe(self, player_name: str | None = None) -> str:
        """One line: ``"Row: M is strictly dominated by 1/2 T + 1/2 B (margin 0.5)"``."""
        who = player_name if player_name is not None else f"player {self.player}"
        how = "weakly" if self.weak else "strictly"
        return (
            f"{who}: {self.action_name} is {how} dominated by {self.dominator_name} "
            f"(margin {self.margin:.6g}, round {self.round})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "player": self.player,
            "action": self.action,
            "action_name": self.action_name,
            "dominator": self.dominator,
            "mixture": None if self.mixture is None else [float(p) for p in self.mixture],
            "margin": float(self.margin),
            "round": self.round,
            "weak": self.weak,
            "dominator_name": self.dominator_name,
        }


@dataclass(frozen=True, eq=False)
class DominanceResult:
    """What survives iterated elimination of dominated strategies, and how it went.

    Attributes
    ----------
    game
        The reduced game: only the surviving actions, with their names (and
        the original player names).
    surviving
        Per player, the surviving actions' indices in the original game.
    eliminated
        The eliminations in order (round by round; within a round by player,
        then action).
    rounds
        The number of rounds that eliminated something.
    mixed
        Whether mixed strategies could dominate.
    weak
        Whether weak dominance was used (then the result may depend on the
        order of elimination; see the module docstring).
    """

    game: NormalFormGame
    surviving: tuple[tuple[int, ...], ...]
    eliminated: tuple[Domination, ...]
    rounds: int
    mixed: bool
    weak: bool

    @property
    def solved(self) -> bool:
        """True when a single action survives for every player (dominance solvable)."""
        return all(len(s) == 1 for s in self.surviving)

    @property
    def solution(self) -> tuple[int, ...] | None:
        """The surviving pure profile when :attr:`solved`, else ``None``."""
        return tuple(s[0] for s in self.surviving) if self.solved else None

    def describe(self) -> str:
        """The elimination sequence, one line each, then what survives."""
        players = self.game.player_names
        lines = [d.describe(players[d.player]) for d in self.eliminated]
        left = "; ".join(
            f"{players[i]}: {', '.join(self.game.action_names[i])}" for i in range(len(players))
        )
        lines.append(f"surviving: {left}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "surviving": [list(s) for s in self.surviving],
            "surviving_names": [list(a) for a in self.game.action_names],
            "eliminated": [d.to_dict() for d in self.eliminated],
            "rounds": self.rounds,
            "mixed": self.mixed,
            "weak": self.weak,
            "solved": self.solved,
        }


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def restricted_game(game: NormalFormGame, actions: Sequence[Sequence[int | str]]) -> NormalFormGame:
    """The game in which each player may use only the given actions.

    Parameters
    ----------
    game : NormalFormGame
    actions : sequence of sequences
        Per player, the actions kept (indices or names), in the order they get
        in the new game; each player keeps at least one, without repeats.

    Returns
    -------
    NormalFormGame
        With the kept actions' names and the original player names and title.
    """
    game = require_players(game, None, "restricted_game")
    if isinstance(actions, str) or not isinstance(actions, Sequence | np.ndarray):
        raise ValueError(f"actions needs one list of actions per player; got {actions!r}")
    if len(actions) != game.n_players:
        raise ValueError(
            f"actions needs one list of actions per player ({game.n_players}); got {len(actions)}"
        )
    kept: list[list[int]] = []
    for i, row in enumerate(actions):
        if isinstance(row, str) or not isinstance(row, Sequence | np.ndarray):
            raise ValueError(
                f"the actions kept for player {game.player_names[i]!r} must be a list; got {row!r}"
            )
        idx = [game.action_index(i, a) for a in row]
        if not idx:
            raise ValueError(f"player {game.player_names[i]!r} must keep at least one action")
        if len(set(idx)) != len(idx):
            raise ValueError(
                f"the actions kept for player {game.player_names[i]!r} repeat: {list(row)}"
            )
        kept.append(idx)
    return _restrict(game, [np.asarray(k, dtype=np.intp) for k in kept])


def _restrict(game: NormalFormGame, kept: Sequence[IntArray]) -> NormalFormGame:
    sub = game.payoffs[np.ix_(np.arange(game.n_players), *kept)]
    names = [[game.action_names[i][int(k)] for k in row] for i, row in enumerate(kept)]
    return NormalFormGame(sub, player_names=game.player_names, action_names=names, name=game.name)


def _rows(payoffs: FloatArray, i: int, kept: Sequence[IntArray]) -> FloatArray:
    """Player ``i``'s payoffs on the kept actions: one row per own action, one column per opponent profile."""
    table = payoffs[i][np.ix_(*kept)]
    return np.moveaxis(table, i, 0).reshape(len(kept[i]), -1)


def _pure_dominance(
    u: FloatArray, atol: float, weak: bool
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """``(dom, margin)``: ``dom[b, a]`` when row ``b`` dominates row ``a``; ``margin[b, a]`` the smallest gap."""
    k, m = u.shape
    dom = np.zeros((k, k), dtype=bool)
    margin = np.full((k, k), -np.inf)
    step = max(1, _CHUNK // max(1, k * m))
    for start in range(0, k, step):
        diff = u[start : start + step, None, :] - u[None, :, :]  # (b, a, M)
        low = diff.min(axis=2)
        block = (low >= -atol) & (diff.max(axis=2) > atol) if weak else low > atol
        dom[start : start + step] = block
        margin[start : start + step] = low
    np.fill_diagonal(dom, False)
    return dom, margin


def _mixed_dominator(
    u: FloatArray, a: int, candidates: IntArray, atol: float, weak: bool, scale: float
) -> tuple[FloatArray, float] | None:
    """A mixture over ``candidates`` (row indices of ``u``) dominating row ``a``, or None.

    Strict: maximise ``ε`` subject to ``σ·(u[b] - u[a]) >= ε`` for every
    opponent profile, ``σ`` in the simplex. Weak: maximise the total
    advantage subject to no loss anywhere.
    """
    d = (u[candidates] - u[a]) / scale  # (c, M)
    c_count, m = d.shape
    opts = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
    if weak:
        res = scipy.optimize.linprog(
            -d.sum(axis=1),
            A_ub=-d.T,
            b_ub=np.zeros(m),
            A_eq=np.ones((1, c_count)),
            b_eq=[1.0],
            bounds=[(0.0, None)] * c_count,
            method="highs",
            options=opts,
        )
        sigma = None if res.status != 0 or res.x is None else res.x
    else:
        res = scipy.optimize.linprog(
            np.r_[np.zeros(c_count), -1.0],
            A_ub=np.hstack([-d.T, np.ones((m, 1))]),
            b_ub=np.zeros(m),
            A_eq=np.r_[np.ones(c_count), 0.0][None, :],
            b_eq=[1.0],
            bounds=[(0.0, None)] * c_count + [(None, None)],
            method="highs",
            options=opts,
        )
        sigma = None if res.status != 0 or res.x is None else res.x[:c_count]
    if sigma is None:
        return None
    # Drop probabilities at rounding level, then judge the mixture on the real payoffs.
    sigma = np.where(sigma > 1e-12, sigma, 0.0)
    sigma = sigma / sigma.sum()
    adv = sigma @ (u[candidates] - u[a])
    low = float(adv.min())
    ok = (low >= -atol and float(adv.max()) > atol) if weak else low > atol
    return (sigma, low) if ok else None


def _mixture_name(names: Sequence[str], probs: Sequence[float]) -> str:
    parts = []
    for name, p in zip(names, probs, strict=True):
        if p <= 0:
            continue
        f = Fraction(float(p)).limit_denominator(1000)
        text = str(f) if abs(float(f) - p) <= 1e-9 else f"{p:.6g}"
        parts.append(f"{text} {name}")
    return " + ".join(parts)


def _dominated_in(
    game: NormalFormGame,
    i: int,
    kept: Sequence[IntArray],
    *,
    mixed: bool,
    weak: bool,
    atol: float,
    round_: int,
) -> list[Domination]:
    """Player ``i``'s actions dominated in the game restricted to ``kept`` (original numbering)."""
    u = _rows(game.payoffs, i, kept)
    k = u.shape[0]
    if k < 2:
        return []
    names = game.action_names[i]
    own = kept[i]
    dom, margin = _pure_dominance(u, atol, weak)
    dominated: npt.NDArray[np.bool_] = np.asarray(dom.any(axis=0), dtype=bool)
    found: list[Domination] = []
    scale = float(np.ptp(u)) or 1.0  # LP units; dominance is judged on the payoffs
    for a in range(k):
        if dominated[a]:
            # Prefer a dominator that is itself undominated (one exists: the
            # dominators of a are ordered by dominance), then the largest margin.
            by = np.flatnonzero(dom[:, a])
            fine = by[~dominated[by]]
            pool = fine if fine.size else by
            b = int(pool[np.argmax(margin[pool, a])])
            found.append(
                Domination(
                    player=i,
                    action=int(own[a]),
                    action_name=names[int(own[a])],
                    dominator=int(own[b]),
                    mixture=None,
                    margin=float(margin[b, a]),
                    round=round_,
                    weak=weak,
                    dominator_name=names[int(own[b])],
                )
            )
        elif mixed and k >= 3:
            # With two actions a mixture of "the others" is the one other action.
            others = np.array([b for b in range(k) if b != a], dtype=np.intp)
            hit = _mixed_dominator(u, a, others, atol, weak, scale)
            if hit is None:
                continue
            sigma, low = hit
            full = np.zeros(len(names))
            full[own[others]] = sigma
            found.append(
                Domination(
                    player=i,
                    action=int(own[a]),
                    action_name=names[int(own[a])],
                    dominator=None,
                    mixture=tuple(float(p) for p in full),
                    margin=low,
                    round=round_,
                    weak=weak,
                    dominator_name=_mixture_name(
                        [names[int(b)] for b in own[others]], sigma.tolist()
                    ),
                )
            )
    return found


def _tolerance(game: NormalFormGame, tol: float) -> FloatArray:
    return game.tie_tolerance(tol)


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------
def dominated_actions(
    game: NormalFormGame,
    player: int | str,
    *,
    mixed: bool = False,
    weak: bool = False,
    tol: float = PROB_TOL,
) -> tuple[Domination, ...]:
    """The actions of one player that are dominated in ``game`` (one round, no iteration).

    Parameters
    ----------
    game : NormalFormGame
    player : int or str
        The player, by index or name.
    mixed : bool
        Also look for mixed strategies that dominate (one LP per action not
        dominated by a pure action).
    weak : bool
        Weak instead of strict dominance.
    tol : float
        Relative tie tolerance: payoffs closer than the player's
        :meth:`~NormalFormGame.tie_tolerance` count as equal, so a strict
        dominator must win by more than that everywhere.

    Returns
    -------
    tuple of Domination
        In increasing order of action, each with its dominator.

    Examples
    --------
    >>> from cooplab.games import NormalFormGame
    >>> g = NormalFormGame.from_bimatrix([[3, 0], [1, 1], [0, 3]], [[0, 0], [0, 0], [0, 0]],
    ...                                  action_names=[["T", "M", "B"], ["L", "R"]])
    >>> dominated_actions(g, 0)
    ()
    >>> [d.dominator_name for d in dominated_actions(g, 0, mixed=True)]
    ['1/2 T + 1/2 B']
    """
    game = require_players(game, None, "dominated_actions")
    i = game.player_index(player)
    kept = [np.arange(a, dtype=np.intp) for a in game.n_actions]
    atol = float(_tolerance(game, tol)[i])
    return tuple(
        _dominated_in(game, i, kept, mixed=bool(mixed), weak=bool(weak), atol=atol, round_=1)
    )


def dominant_strategies(
    game: NormalFormGame, *, weak: bool = False, tol: float = PROB_TOL
) -> tuple[int | None, ...]:
    """Per player, its (strictly, or weakly) dominant action, or ``None`` if it has none.

    An action is strictly dominant when it pays strictly more (by more than
    the player's tie tolerance) than every other action against every profile
    of the others; weakly dominant when it pays at least as much against
    every profile and, against each other action, strictly more somewhere.
    A player with a single action has that action as dominant.

    Examples
    --------
    >>> from cooplab.games import make
    >>> dominant_strategies(make("prisoners-dilemma"))
    (1, 1)
    >>> dominant_strategies(make("stag-hunt"))
    (None, None)
    """
    game = require_players(game, None, "dominant_strategies")
    atol = _tolerance(game, tol)
    kept = [np.arange(a, dtype=np.intp) for a in game.n_actions]
    out: list[int | None] = []
    for i in range(game.n_players):
        u = _rows(game.payoffs, i, kept)
        k = u.shape[0]
        if k == 1:
            out.append(0)
            continue
        dom, _ = _pure_dominance(u, float(atol[i]), bool(weak))
        winners = np.flatnonzero(dom.sum(axis=1) == k - 1)
        out.append(int(winners[0]) if winners.size == 1 else None)
    return tuple(out)


def iterated_elimination(
    game: NormalFormGame,
    *,
    mixed: bool = False,
    weak: bool = False,
    tol: float = PROB_TOL,
    max_rounds: int | None = None,
) -> DominanceResult:
    """Iterated elimination of dominated strategies (IESDS; IEWDS with ``weak=True``).

    Each round finds, for every player, the actions dominated in the game of
    the actions still surviving (by a pure action; with ``mixed=True`` also by
    a mixture, one linear program per remaining action), and removes them all
    at once; rounds repeat until none is dominated.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players.
    mixed : bool
        Let mixed strategies dominate.
    weak : bool
        Eliminate weakly dominated actions. Unlike strict dominance, the
        outcome then depends on the order of elimination; this function's
        order is "everything dominated at the start of a round, for all
        players at once".
    tol : float
        Relative tie tolerance (see :func:`dominated_actions`); ties are
        judged with the original game's per-player tolerances throughout.
    max_rounds : int, optional
        Stop after this many rounds (``None``: until nothing is dominated).

    Returns
    -------
    DominanceResult

    Examples
    --------
    The prisoner's dilemma is solved by strict dominance:

    >>> from cooplab.games import make
    >>> r = iterated_elimination(make("prisoners-dilemma"))
    >>> r.solution, r.game.action_names
    ((1, 1), (('D',), ('D',)))
    """
    game = require_players(game, None, "iterated_elimination")
    if max_rounds is not None and (
        isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 0
    ):
        raise ValueError(f"max_rounds must be a non-negative integer or None; got {max_rounds!r}")
    atol = _tolerance(game, tol)
    kept = [np.arange(a, dtype=np.intp) for a in game.n_actions]
    records: list[Domination] = []
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        found: list[Domination] = []
        for i in range(game.n_players):
            found.extend(
                _dominated_in(
                    game,
                    i,
                    kept,
                    mixed=bool(mixed),
                    weak=bool(weak),
                    atol=float(atol[i]),
                    round_=rounds + 1,
                )
            )
        if not found:
            break
        rounds += 1
        for i in range(game.n_players):
            gone = {d.action for d in found if d.player == i}
            if len(gone) == len(kept[i]):
                # Only possible for weak dominance within the tie tolerance, where
                # near-ties can chain into a cycle: keep the action of largest total.
                u = _rows(game.payoffs, i, kept)
                best = int(kept[i][int(np.argmax(u.sum(axis=1)))])
                gone.discard(best)
                found = [d for d in found if not (d.player == i and d.action == best)]
            kept[i] = np.array([k for k in kept[i] if int(k) not in gone], dtype=np.intp)
        records.extend(found)
    return DominanceResult(
        game=_restrict(game, kept),
        surviving=tuple(tuple(int(k) for k in row) for row in kept),
        eliminated=tuple(records),
        rounds=rounds,
        mixed=bool(mixed),
        weak=bool(weak),
    )
