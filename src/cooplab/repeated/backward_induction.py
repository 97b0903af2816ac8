"""Finitely repeated games: subgame-perfect equilibria by backward induction.

The stage game ``G`` (any number of players, any actions) is played ``T``
times; every player sees every past action profile; a player's payoff is the
(optionally discounted) sum of its stage payoffs. Three tools:

:func:`backward_induction`
    The round-by-round solution. At round ``t`` the players face ``G`` plus
    the value of the rounds after it. When ``G`` has a **unique** Nash
    equilibrium (mixed ones included) that value is the same after every
    history, so the round-``t`` game is ``G`` shifted by a constant, whose
    only equilibrium is ``G``'s: the unique subgame-perfect equilibrium plays
    the stage equilibrium in every round, whatever happened before
    (unravelling; Luce & Raiffa 1957, Selten 1978). The result lists, per
    round, the continuation value added, the profile played, its regret in
    the round game (zero) and the value to go.

:func:`stage_equilibrium_sequences`
    With several stage equilibria, any sequence ``(e_1, ..., e_T)`` of them,
    played whatever the history, is subgame perfect; their payoffs are the
    ``T``-fold Minkowski sum of the stage-equilibrium payoffs.

:func:`spe_payoff_sets` and :func:`first_round_check`
    With several stage equilibria, history-dependent play can do more: a
    profile that is *not* a stage equilibrium can be played early, held in
    place by the threat of a worse equilibrium later (Benoit & Krishna 1985).
    The sets ``W_t`` of subgame-perfect payoff vectors of the ``t``-round game
    follow the recursion (the finite-horizon form of Abreu, Pearce & Stacchetti
    1990)::

        W_0 = {0}
        W_t = { u(a) + d w : a a pure profile, w in W_{t-1},
                u_i(a) + d w_i >= max_b u_i(b, a_-i) + d p_i   for every player i }
              U { u(s) + d w : s a stage equilibrium, w in W_{t-1} }
        p_i = min over W_{t-1} of w_i  (player i's worst continuation)

    where ``d`` is the discount factor (1: plain sums). In words: profile
    ``a`` can open a ``t``-round SPE iff some continuation equilibrium ``w``
    rewards conformity at least as much as the best one-shot deviation
    followed by the deviator's worst continuation equilibrium. Deviations by
    different players lead to different profiles, so each deviator can be
    given its own worst continuation; simultaneous deviations need no
    deterrence. The first set of the union is *exactly* the payoffs of the
    SPE in pure strategies (with pure continuations); adding the stage
    equilibria (mixed ones too), played with a continuation that ignores
    their realised outcome, keeps every element an SPE payoff and can lower
    the punishments ``p_i``. For two-player games the stage equilibria are
    all extreme equilibria (vertex enumeration), so the sets contain every
    SPE payoff whose randomisation happens only at stage equilibria; SPE
    that mix over non-equilibrium profiles are not searched.

    :func:`first_round_check` asks whether a target pure profile can be
    played in round 1 of a ``T``-round SPE, returns the witness (reward
    continuation and each player's punishment continuation, with their
    equilibrium paths) and can restrict continuations to stage-equilibrium
    sequences (``continuations="stage_sequences"``), the reward/punishment
    construction of Benoit & Krishna (1985).

References
----------
Luce, R. D. & Raiffa, H. (1957). Games and Decisions, ch. 5. Wiley.
Selten, R. (1978). The chain store paradox. Theory and Decision 9, 127-159.
Benoit, J.-P. & Krishna, V. (1985). Finitely repeated games. Econometrica 53(4), 905-922.
Abreu, D., Pearce, D. & Stacchetti, E. (1990). Toward a theory of discounted repeated
games with imperfect monitoring. Econometrica 58(5), 1041-1063.
Gibbons, R. (1992). Game Theory for Applied Economists, section 2.3.A. Princeton UP.
"""

from __future__ import annotations

import itertools
import math
import numbers
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from cooplab.games.normal_form import NormalFormGame, pure_nash_equilibria

__all__ = [
    "BackwardInductionResult",
    "FirstRoundCheck",
    "RoundPlan",
    "SPEPayoffSets",
    "StageEquilibrium",
    "backward_induction",
    "first_round_check",
    "spe_payoff_sets",
    "stage_equilibria",
    "stage_equilibrium_sequences",
]

FloatArray = npt.NDArray[np.float64]

#: Payoff vectors closer than this (relative to the payoff scale) are one point.
_DEDUPE_DECIMALS = 9
#: The largest set ``W_t`` built before giving up (see ``max_points``).
MAX_POINTS = 200_000


# ---------------------------------------------------------------------------
# Stage equilibria
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class StageEquilibrium:
    """One Nash equilibrium of the stage game.

    Attributes
    ----------
    profile
        One probability vector per player.
    payoffs
        Each player's expected stage payoff.
    label
        ``"(D, D)"`` for a pure profile, the mixtures otherwise.
    """

    profile: tuple[tuple[float, ...], ...]
    payoffs: tuple[float, ...]
    label: str

    @property
    def pure(self) -> tuple[int, ...] | None:
        """The action indices when every player plays one action, else ``None``."""
        out = []
        for s in self.profile:
            k = int(np.argmax(s))
            if not math.isclose(s[k], 1.0, abs_tol=1e-12):
                return None
            out.append(k)
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": [list(s) for s in self.profile],
            "payoffs": list(self.payoffs),
            "label": self.label,
        }


def _label(game: NormalFormGame, profile: Sequence[Sequence[float]]) -> str:
    parts = []
    for i, s in enumerate(profile):
        support = [k for k, p in enumerate(s) if p > 1e-12]
        names = game.action_names[i]
        if len(support) == 1:
            parts.append(names[support[0]])
        else:
            parts.append(" + ".join(f"{s[k]:.3g} {names[k]}" for k in support))
    return "(" + ", ".join(parts) + ")"


def _make_equilibrium(game: NormalFormGame, profile: Sequence[Sequence[float]]) -> StageEquilibrium:
    prof = tuple(tuple(float(p) for p in s) for s in profile)
    payoffs = game.expected_payoffs([np.asarray(s) for s in prof])
    return StageEquilibrium(prof, tuple(float(x) for x in payoffs), _label(game, prof))


def _pure_equilibrium(game: NormalFormGame, outcome: Sequence[int]) -> StageEquilibrium:
    profile = [np.eye(a)[k] for a, k in zip(game.n_actions, outcome, strict=True)]
    return _make_equilibrium(game, profile)


@dataclass(frozen=True)
class _StageInfo:
    equilibria: tuple[StageEquilibrium, ...]
    unique: bool
    complete: bool
    certificate: str


def stage_equilibria(game: NormalFormGame) -> _StageInfo:
    """The stage game's Nash equilibria and whether the list is known to be complete.

    Uniqueness is certified by iterated elimination of strictly dominated
    strategies (pure and mixed dominators) when that leaves one profile; for
    two players otherwise by vertex enumeration (every extreme equilibrium;
    unique iff one vertex). For more players the list holds the pure
    equilibria only, and ``complete`` is False unless dominance solves the game.
    """
    from cooplab.equilibria.dominance import iterated_elimination

    dominance = iterated_elimination(game, mixed=True)
    if dominance.solved:
        outcome = dominance.solution
        assert outcome is not None
        return _StageInfo(
            (_pure_equilibrium(game, outcome),),
            True,
            True,
            f"iterated elimination of strictly dominated strategies leaves "
            f"{_label(game, [np.eye(a)[k] for a, k in zip(game.n_actions, outcome, strict=True)])}",
        )
    if game.n_players == 2:
        from cooplab.equilibria.vertex_enumeration import vertex_enumeration

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = vertex_enumeration(game)
        eqs = tuple(_make_equilibrium(game, e.profile) for e in result)
        infinite = any(len(c) > 1 for c in (result.components or ()))
        unique = len(eqs) == 1 and not infinite
        return _StageInfo(
            eqs,
            unique,
            bool(result.complete),
            f"vertex enumeration: {len(eqs)} extreme equilibri{'um' if len(eqs) == 1 else 'a'}",
        )
    pure = pure_nash_equilibria(game.payoffs, tol=game.tie_tolerance())
    return _StageInfo(
        tuple(_pure_equilibrium(game, o) for o in pure),
        False,
        False,
        f"{len(pure)} pure equilibria (mixed equilibria of games with more than two players "
        "are not enumerated here)",
    )


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------
def _check_game(game: Any) -> NormalFormGame:
    if not isinstance(game, NormalFormGame):
        raise TypeError(f"game must be a NormalFormGame; got {type(game).__name__}")
    return game


def _check_horizon(horizon: Any) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral):
        raise TypeError(f"horizon must be an integer number of rounds; got {horizon!r}")
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 round; got {horizon}")
    return int(horizon)


def _check_discount(discount: Any) -> float:
    if isinstance(discount, bool) or not isinstance(discount, numbers.Real):
        raise TypeError(f"discount must be a number in (0, 1]; got {discount!r}")
    d = float(discount)
    if not (0.0 < d <= 1.0):
        raise ValueError(f"discount must be in (0, 1] (1: plain sums); got {discount!r}")
    return d


def _discounted_sum(values: Sequence[FloatArray], discount: float) -> FloatArray:
    total = np.zeros_like(values[0]) if values else np.zeros(0)
    for k, v in enumerate(values):
        total = total + discount**k * v
    return total


# ---------------------------------------------------------------------------
# Backward induction with a unique stage equilibrium
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RoundPlan:
    """One round of the backward-induction solution.

    Attributes
    ----------
    round
        1-based round number.
    rounds_left
        Rounds from this one to the end, this one included.
    continuation
        Per player, the (discounted to the next round) value of the rounds
        after this one, which is added to every stage payoff of this round.
    played
        The stage equilibrium played in this round.
    regret
        The largest gain a player gets by deviating from ``played`` in the
        round game (stage game + continuation); zero for an equilibrium.
    value_to_go
        Per player, the value of rounds ``round..T`` (discounted to this round).
    """

    round: int
    rounds_left: int
    continuation: tuple[float, ...]
    played: StageEquilibrium
    regret: float
    value_to_go: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "rounds_left": self.rounds_left,
            "continuation": list(self.continuation),
            "played": self.played.to_dict(),
            "regret": self.regret,
            "value_to_go": list(self.value_to_go),
        }


@dataclass(frozen=True)
class BackwardInductionResult:
    """The backward-induction solution of a finitely repeated game.

    Attributes
    ----------
    game
        The stage game's name.
    horizon, discount
        ``T`` and the per-round discount factor (1: plain sums).
    stage_equilibria
        The stage game's equilibria (see :func:`stage_equilibria`).
    unique_stage_equilibrium
        Whether the stage equilibrium is certified unique.
    certificate
        How the stage equilibria were found or certified unique.
    spe_unique
        True when the stage equilibrium is unique: then the SPE below is the
        only subgame-perfect equilibrium, and it ignores history.
    rounds
        The rounds in order 1..T (computed from T back to 1).
    total_payoffs
        The SPE's payoff per player over the whole game.
    """

    game: str
    horizon: int
    discount: float
    stage_equilibria: tuple[StageEquilibrium, ...]
    unique_stage_equilibrium: bool
    certificate: str
    spe_unique: bool
    rounds: tuple[RoundPlan, ...]
    total_payoffs: tuple[float, ...]

    @property
    def path(self) -> tuple[str, ...]:
        """The label of the profile played in each round."""
        return tuple(r.played.label for r in self.rounds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "game": self.game,
            "horizon": self.horizon,
            "discount": self.discount,
            "stage_equilibria": [e.to_dict() for e in self.stage_equilibria],
            "unique_stage_equilibrium": self.unique_stage_equilibrium,
            "certificate": self.certificate,
            "spe_unique": self.spe_unique,
            "rounds": [r.to_dict() for r in self.rounds],
            "total_payoffs": list(self.total_payoffs),
        }


def backward_induction(
    game: NormalFormGame,
    horizon: int,
    *,
    discount: float = 1.0,
    selection: int = 0,
) -> BackwardInductionResult:
    """Solve the ``horizon``-round repetition of ``game`` by backward induction.

    Steps (for ``t = T, T-1, ..., 1``): take the continuation value ``c_t``
    of rounds ``t+1..T`` (zero at ``t = T``); form the round game
    ``G + discount * c_t``; play a stage equilibrium there (its regret in the
    round game is recomputed and recorded); the value to go is its payoff
    plus ``discount * c_t``. With a unique stage equilibrium, ``c_t`` does
    not depend on history, so this is the unique SPE.

    Parameters
    ----------
    game
        The stage game, any number of players.
    horizon
        ``T >= 1`` rounds.
    discount
        Per-round discount factor in (0, 1].
    selection
        With several stage equilibria, the index of the one played in every
        round (one SPE among many; see :func:`spe_payoff_sets`).

    Returns
    -------
    BackwardInductionResult

    Examples
    --------
    >>> from cooplab.games.catalog import prisoners_dilemma
    >>> r = backward_induction(prisoners_dilemma(), 3)
    >>> r.path, r.spe_unique, r.total_payoffs
    (('(D, D)', '(D, D)', '(D, D)'), True, (3.0, 3.0))
    """
    game = _check_game(game)
    horizon = _check_horizon(horizon)
    discount = _check_discount(discount)
    info = stage_equilibria(game)
    if not info.equilibria:
        raise ValueError(
            f"no stage equilibrium of {game.name or 'the game'} was found ({info.certificate}); "
            "backward induction needs one"
        )
    if isinstance(selection, bool) or not isinstance(selection, numbers.Integral):
        raise TypeError(f"selection must be an integer; got {selection!r}")
    if not 0 <= selection < len(info.equilibria):
        raise ValueError(
            f"selection must index the {len(info.equilibria)} stage equilibria; got {selection}"
        )
    chosen = info.equilibria[int(selection)]
    profile = [np.asarray(s) for s in chosen.profile]
    n = game.n_players
    plans: list[RoundPlan] = []
    continuation = np.zeros(n)
    for t in range(horizon, 0, -1):
        shifted = NormalFormGame(game.payoffs + (discount * continuation).reshape((n,) + (1,) * n))
        regret = float(np.max(shifted.regret(profile)))
        stage = np.asarray(chosen.payoffs)
        value = stage + discount * continuation
        plans.append(
            RoundPlan(
                round=t,
                rounds_left=horizon - t + 1,
                continuation=tuple(float(x) for x in discount * continuation),
                played=chosen,
                regret=regret,
                value_to_go=tuple(float(x) for x in value),
            )
        )
        continuation = value
    plans.reverse()
    return BackwardInductionResult(
        game=game.name,
        horizon=horizon,
        discount=discount,
        stage_equilibria=info.equilibria,
        unique_stage_equilibrium=info.unique,
        certificate=info.certificate,
        spe_unique=info.unique,
        rounds=tuple(plans),
        total_payoffs=tuple(float(x) for x in continuation),
    )


# ---------------------------------------------------------------------------
# Stage-equilibrium sequences
# ---------------------------------------------------------------------------
def _dedupe(points: FloatArray) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Unique rows (rounded), in lexicographic order, and the index of each kept row."""
    if len(points) == 0:
        return points, np.zeros(0, dtype=np.intp)
    scale = max(1.0, float(np.abs(points).max()))
    keys = np.round(points / scale, _DEDUPE_DECIMALS)
    _, first = np.unique(keys, axis=0, return_index=True)
    return points[first], first


def stage_equilibrium_sequences(
    game: NormalFormGame,
    horizon: int,
    *,
    discount: float = 1.0,
    equilibria: Sequence[StageEquilibrium] | None = None,
) -> FloatArray:
    """The payoff vectors of the history-independent SPE: one stage equilibrium per round.

    The ``T``-fold (discounted) Minkowski sum of the stage-equilibrium
    payoffs; shape ``(k, n_players)``, distinct rows in lexicographic order.
    """
    game = _check_game(game)
    horizon = _check_horizon(horizon)
    discount = _check_discount(discount)
    eqs = tuple(equilibria) if equilibria is not None else stage_equilibria(game).equilibria
    if not eqs:
        raise ValueError("no stage equilibrium: there is no equilibrium sequence")
    pay = np.array([e.payoffs for e in eqs], dtype=float)
    points = np.zeros((1, game.n_players))
    for _ in range(horizon):
        points, _ = _dedupe(
            (pay[:, None, :] + discount * points[None, :, :]).reshape(-1, game.n_players)
        )
    return points


# ---------------------------------------------------------------------------
# The SPE payoff sets W_t
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Level:
    points: FloatArray  # (k, n)
    # How each point was made: the profile index (pure profiles first, then
    # mixed stage equilibria) and the parent point in the previous level.
    move: npt.NDArray[np.intp]
    parent: npt.NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class SPEPayoffSets:
    """The sets ``W_0..W_T`` of SPE payoff vectors (see the module docstring).

    Attributes
    ----------
    game
        The stage game (kept for paths and checks).
    horizon, discount
    continuations
        ``"spe"`` (the recursion) or ``"stage_sequences"`` (only
        stage-equilibrium sequences, for comparison).
    equilibria
        The stage equilibria used.
    levels
        ``levels[t]``: array of shape (k_t, n_players), the payoff vectors of
        the ``t``-round game, in lexicographic order.
    """

    game: NormalFormGame
    horizon: int
    discount: float
    continuations: str
    equilibria: tuple[StageEquilibrium, ...]
    _levels: tuple[_Level, ...]

    @property
    def levels(self) -> tuple[FloatArray, ...]:
        return tuple(level.points for level in self._levels)

    def punishments(self, rounds: int) -> FloatArray:
        """Each player's worst SPE payoff in the ``rounds``-round game, shape (n,)."""
        return self.levels[rounds].min(axis=0)

    def best(self, rounds: int) -> FloatArray:
        """Each player's best SPE payoff in the ``rounds``-round game, shape (n,)."""
        return self.levels[rounds].max(axis=0)

    def _moves(self) -> list[str]:
        game = self.game
        pure = [
            _label(game, [np.eye(a)[k] for a, k in zip(game.n_actions, o, strict=True)])
            for o in itertools.product(*(range(a) for a in game.n_actions))
        ]
        return pure + [e.label for e in self.equilibria if e.pure is None]

    def path(self, rounds: int, index: int) -> tuple[str, ...]:
        """The on-path profiles (labels) of an SPE achieving ``levels[rounds][index]``."""
        labels = self._moves()
        out = []
        for t in range(rounds, 0, -1):
            level = self._levels[t]
            out.append(labels[int(level.move[index])])
            index = int(level.parent[index])
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "game": self.game.name,
            "horizon": self.horizon,
            "discount": self.discount,
            "continuations": self.continuations,
            "equilibria": [e.to_dict() for e in self.equilibria],
            "sizes": [len(x) for x in self.levels],
            "punishments": [self.punishments(t).tolist() for t in range(self.horizon + 1)],
            "best": [self.best(t).tolist() for t in range(self.horizon + 1)],
        }


def _deviation_table(game: NormalFormGame) -> FloatArray:
    """``d[i][a]``: player i's best stage payoff against ``a_-i``, shape (n, a_1, ..., a_n)."""
    return np.stack(
        [
            np.broadcast_to(game.payoffs[i].max(axis=i, keepdims=True), game.payoffs.shape[1:])
            for i in range(game.n_players)
        ]
    )


def spe_payoff_sets(
    game: NormalFormGame,
    horizon: int,
    *,
    discount: float = 1.0,
    continuations: Literal["spe", "stage_sequences"] = "spe",
    equilibria: Sequence[StageEquilibrium] | None = None,
    max_points: int = MAX_POINTS,
) -> SPEPayoffSets:
    """The SPE payoff sets ``W_0, ..., W_T`` of the finitely repeated game.

    With ``continuations="spe"``, the recursion of the module docstring:
    exactly the pure-strategy SPE payoffs, plus those that also play the
    given (mixed) stage equilibria. With ``"stage_sequences"``, ``W_t`` are
    only the stage-equilibrium sequences' payoffs (history-independent SPE).

    Parameters
    ----------
    game
        Any stage game.
    horizon
        ``T >= 1``; the work grows with the number of distinct payoff vectors,
        at most ``(|A| + #equilibria) ** T``: keep ``T`` small.
    discount
        Per-round discount factor in (0, 1].
    equilibria
        The stage equilibria to use (default: :func:`stage_equilibria`).
    max_points
        Raise ``ValueError`` if a set would grow past this many points.

    Returns
    -------
    SPEPayoffSets
    """
    game = _check_game(game)
    horizon = _check_horizon(horizon)
    discount = _check_discount(discount)
    if continuations not in ("spe", "stage_sequences"):
        raise ValueError(f"continuations must be 'spe' or 'stage_sequences'; got {continuations!r}")
    eqs = tuple(equilibria) if equilibria is not None else stage_equilibria(game).equilibria
    if not eqs:
        raise ValueError("the stage game has no equilibrium listed; nothing to build on")
    n = game.n_players
    outcomes = list(itertools.product(*(range(a) for a in game.n_actions)))
    u_pure = np.array([game.payoffs[(slice(None), *o)] for o in outcomes])  # (|A|, n)
    dev = _deviation_table(game)
    d_pure = np.array([dev[(slice(None), *o)] for o in outcomes])
    mixed = [e for e in eqs if e.pure is None]
    u_mixed = np.array([e.payoffs for e in mixed], dtype=float).reshape(len(mixed), n)
    pure_eq_index = [outcomes.index(e.pure) for e in eqs if e.pure is not None]
    levels = [_Level(np.zeros((1, n)), np.zeros(1, np.intp), np.zeros(1, np.intp))]
    for _t in range(horizon):
        prev = levels[-1].points
        punish = prev.min(axis=0)
        moves: list[npt.NDArray[np.intp]] = []
        parents: list[npt.NDArray[np.intp]] = []
        points: list[FloatArray] = []
        if continuations == "spe":
            # conformity u(a) + d w >= d(a) + d p, for all players at once
            ok = (
                u_pure[:, None, :] + discount * prev[None, :, :]
                >= d_pure[:, None, :]
                + discount * punish[None, None, :]
                - 1e-9 * (1.0 + np.abs(d_pure[:, None, :]))
            ).all(axis=2)
            a_idx, w_idx = np.nonzero(ok)
            points.append(u_pure[a_idx] + discount * prev[w_idx])
            moves.append(a_idx)
            parents.append(w_idx)
        else:
            for k in pure_eq_index:
                points.append(u_pure[k] + discount * prev)
                moves.append(np.full(len(prev), k, dtype=np.intp))
                parents.append(np.arange(len(prev)))
        for m in range(len(mixed)):
            points.append(u_mixed[m] + discount * prev)
            moves.append(np.full(len(prev), len(outcomes) + m, dtype=np.intp))
            parents.append(np.arange(len(prev)))
        allpts = np.concatenate(points) if points else np.zeros((0, n))
        if len(allpts) > 4 * max_points:
            raise ValueError(
                f"the SPE payoff set grew past {max_points} points at round {_t + 1}; "
                "use a shorter horizon or raise max_points"
            )
        kept, first = _dedupe(allpts)
        if len(kept) > max_points:
            raise ValueError(
                f"the SPE payoff set grew past {max_points} points at round {_t + 1}; "
                "use a shorter horizon or raise max_points"
            )
        levels.append(_Level(kept, np.concatenate(moves)[first], np.concatenate(parents)[first]))
    return SPEPayoffSets(game, horizon, discount, continuations, eqs, tuple(levels))


# ---------------------------------------------------------------------------
# Can a profile open an SPE?
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FirstRoundCheck:
    """Whether a pure profile can be played in round 1 of a ``T``-round SPE.

    Attributes
    ----------
    target
        The profile's action names.
    horizon, continuations
    feasible
        Whether some SPE plays ``target`` in round 1.
    stage_payoffs
        ``u(target)``.
    deviation_payoffs
        Each player's best one-shot deviation payoff ``max_b u_i(b, target_-i)``.
    punishments
        Each player's worst continuation payoff in the ``(T-1)``-round game.
    reward
        The continuation payoff vector that makes conformity pay (the one with
        the largest smallest slack), or ``None`` when infeasible.
    slack
        Per player, ``u_i + w_i - (d_i + p_i)`` at ``reward`` (>= 0 when feasible).
    reward_path, punishment_paths
        The on-path profiles of the reward continuation and of each player's
        punishment continuation (empty when ``T = 1``).
    """

    target: tuple[str, ...]
    horizon: int
    continuations: str
    feasible: bool
    stage_payoffs: tuple[float, ...]
    deviation_payoffs: tuple[float, ...]
    punishments: tuple[float, ...]
    reward: tuple[float, ...] | None
    slack: tuple[float, ...] | None
    reward_path: tuple[str, ...]
    punishment_paths: tuple[tuple[str, ...], ...]

    @property
    def total_payoffs(self) -> tuple[float, ...] | None:
        """The SPE's total payoffs (target, then reward), when feasible."""
        if self.reward is None:
            return None
        return tuple(u + w for u, w in zip(self.stage_payoffs, self.reward, strict=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": list(self.target),
            "horizon": self.horizon,
            "continuations": self.continuations,
            "feasible": self.feasible,
            "stage_payoffs": list(self.stage_payoffs),
            "deviation_payoffs": list(self.deviation_payoffs),
            "punishments": list(self.punishments),
            "reward": None if self.reward is None else list(self.reward),
            "slack": None if self.slack is None else list(self.slack),
            "reward_path": list(self.reward_path),
            "punishment_paths": [list(p) for p in self.punishment_paths],
        }


def first_round_check(
    game: NormalFormGame,
    target: Sequence[int | str],
    horizon: int,
    *,
    continuations: Literal["spe", "stage_sequences"] = "spe",
    sets: SPEPayoffSets | None = None,
) -> FirstRoundCheck:
    """Can ``target`` be played in round 1 of a ``horizon``-round SPE (undiscounted)?

    ``target`` is feasible iff some continuation ``w`` in ``W_{T-1}`` gives
    every player ``i``: ``u_i(target) + w_i >= d_i + p_i``, where ``d_i`` is
    the best one-shot deviation payoff and ``p_i`` the worst payoff in
    ``W_{T-1}`` (the deviator's punishment). The witness SPE: play ``target``,
    then the SPE achieving ``w`` if nobody or several players deviated, and
    the one achieving ``p_i`` if player ``i`` alone deviated.

    With ``continuations="stage_sequences"`` the rewards and punishments are
    stage-equilibrium sequences only (Benoit & Krishna 1985's construction);
    with ``"spe"`` any SPE continuation (a superset: feasible more often).

    Examples
    --------
    >>> from cooplab.games.catalog import prisoners_dilemma
    >>> first_round_check(prisoners_dilemma(), ("C", "C"), 5).feasible
    False
    """
    game = _check_game(game)
    horizon = _check_horizon(horizon)
    a = game.pure_profile(target)
    if sets is None:
        sets = spe_payoff_sets(game, max(horizon - 1, 1), continuations=continuations)
    elif sets.horizon < horizon - 1 or sets.discount != 1.0:
        raise ValueError("sets must be undiscounted and reach at least horizon - 1 rounds")
    else:
        continuations = sets.continuations  # type: ignore[assignment]
    prev = sets.levels[horizon - 1]
    u = game.payoffs[(slice(None), *a)]
    d = _deviation_table(game)[(slice(None), *a)]
    p = prev.min(axis=0)
    slack = u[None, :] + prev - (d + p)[None, :]
    tol = 1e-9 * (1.0 + np.abs(d))
    ok = (slack >= -tol).all(axis=1)
    names = game.outcome_names(a)
    punish_paths = tuple(
        sets.path(horizon - 1, int(np.argmin(prev[:, i]))) for i in range(game.n_players)
    )
    if not ok.any():
        return FirstRoundCheck(
            names,
            horizon,
            continuations,
            False,
            tuple(float(x) for x in u),
            tuple(float(x) for x in d),
            tuple(float(x) for x in p),
            None,
            None,
            (),
            punish_paths,
        )
    candidates = np.flatnonzero(ok)
    best = int(candidates[np.argmax(slack[candidates].min(axis=1))])
    return FirstRoundCheck(
        names,
        horizon,
        continuations,
        True,
        tuple(float(x) for x in u),
        tuple(float(x) for x in d),
        tuple(float(x) for x in p),
        tuple(float(x) for x in prev[best]),
        tuple(float(x) for x in slack[best]),
        sets.path(horizon - 1, best),
        punish_paths,
    )
