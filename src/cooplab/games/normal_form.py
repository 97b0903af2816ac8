"""Finite games in normal (strategic) form, for any number of players.

A game with players ``0..n-1``, where player ``i`` has ``a_i`` actions, is one
array ``payoffs`` of shape ``(n, a_1, ..., a_n)``: ``payoffs[i][k_1, ..., k_n]``
is player ``i``'s payoff when each player ``j`` plays action ``k_j``. A mixed
strategy profile is one probability vector per player.

The algorithms are functions of that array (``expected_payoffs(payoffs,
profile)``); :class:`NormalFormGame` holds the array with player and action
names, checks input, and delegates.

References
----------
Nash, J. F. (1950). Equilibrium points in N-person games. PNAS 36(1), 48-49.
Shoham, Y. & Leyton-Brown, K. (2008). Multiagent Systems, ch. 3.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "NormalFormGame",
    "deviation_payoffs",
    "expected_payoffs",
    "pareto_optimal_outcomes",
    "pure_nash_equilibria",
    "regret",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
# One entry per player: an action index, an action name, or a probability vector.
ActionSpec: TypeAlias = "int | str | Sequence[float] | npt.ArrayLike"
ProfileLike: TypeAlias = "Sequence[ActionSpec]"

#: Default relative tolerance for "equal payoffs": a player's payoffs count as
#: tied when they differ by at most ``tol`` times the spread of that player's
#: payoffs (largest minus smallest) plus a rounding allowance of 64 ulps of
#: their magnitude. Scaling a player's payoffs never changes what ties;
#: shifting them changes it only for gaps within that rounding allowance. Also
#: the tolerance for slightly negative probabilities.
PROB_TOL = 1e-9
#: The largest payoff magnitude accepted: far beyond any real model, and small
#: enough that sums and spreads of payoffs never overflow.
MAX_ABS_PAYOFF = 1e150
#: Rounding allowance, in units of a payoff's magnitude (a few hundred ulps).
ROUNDING = 64 * float(np.finfo(np.float64).eps)
#: How far from 1 a probability vector's sum may be. Loose enough for float32
#: profiles (from torch or jax) and probabilities rounded to six decimals,
#: tight enough to catch a vector that is not a distribution; accepted vectors
#: are renormalised to sum to 1.
SUM_TOL = 1e-5


# ---------------------------------------------------------------------------
# Array algorithms. ``payoffs`` has shape (n, a_1, ..., a_n); ``profile`` is a
# list of n probability vectors. Inputs are assumed valid: the class checks.
# ---------------------------------------------------------------------------
def _contract_except(
    table: FloatArray, profile: Sequence[FloatArray], keep: int | None
) -> FloatArray:
    """Contract ``table`` (shape (a_1..a_n)) with every player's strategy but ``keep``'s."""
    out = table
    # Contract from the last axis down, so the axes left keep their order. Each
    # step contracts the last axis with a matrix-vector product, or, below
    # ``keep``, the one before it (``keep``'s axis stays last): a matmul costs
    # about a microsecond where tensordot costs five.
    for j in range(len(profile) - 1, -1, -1):
        if j == keep:
            continue
        out = (
            (out @ profile[j]) if keep is None or j > keep else (out.swapaxes(-1, -2) @ profile[j])
        )
    return np.asarray(out, dtype=np.float64)


def expected_payoffs(payoffs: FloatArray, profile: Sequence[FloatArray]) -> FloatArray:
    """Each player's expected payoff under a mixed profile.

    Parameters
    ----------
    payoffs : array, shape (n, a_1, ..., a_n)
    profile : n probability vectors, the i-th of length a_i

    Returns
    -------
    array, shape (n,)
    """
    # u_i(s) = s_i . u_i(., s_-i): n(n-1) contractions rather than n^2.
    return np.array(
        [float(profile[i] @ dev) for i, dev in enumerate(deviation_payoffs(payoffs, profile))]
    )


def deviation_payoffs(payoffs: FloatArray, profile: Sequence[FloatArray]) -> list[FloatArray]:
    """For each player ``i``, the payoff of each pure action against the others' mix.

    Returns a list of n arrays, the i-th of shape (a_i,): ``out[i][k]`` is
    ``u_i(k, s_{-i})``.
    """
    return [_contract_except(payoffs[i], profile, i) for i in range(len(profile))]


def regret(payoffs: FloatArray, profile: Sequence[FloatArray]) -> FloatArray:
    """Each player's gain from its best unilateral deviation; shape (n,).

    ``regret_i = max_k u_i(k, s_-i) - u_i(s)``, computed as
    ``sum_k s_i(k) (max - u_i(k, s_-i))`` so that it is a sum of non-negative
    terms and never rounds below zero. Its sum over players is NashConv; the
    profile is a Nash equilibrium exactly when every entry is zero.
    """
    out = np.empty(len(profile))
    for i, dev in enumerate(deviation_payoffs(payoffs, profile)):
        out[i] = float(np.dot(profile[i], dev.max() - dev))
    return out


def pure_nash_equilibria(
    payoffs: FloatArray, *, tol: float | npt.ArrayLike = 0.0
) -> list[tuple[int, ...]]:
    """All pure-strategy Nash equilibria, in lexicographic order of action indices.

    A pure profile is an equilibrium when every player's action attains the
    maximum of its payoff along its own axis (within ``tol``, absolute: one
    number, or one per player). One pass over
    the array per player: O(n * prod(a_i)).
    """
    n = payoffs.shape[0]
    atol = np.broadcast_to(np.asarray(tol, dtype=np.float64), (n,))
    stable = np.ones(payoffs.shape[1:], dtype=bool)
    for i in range(n):
        best = payoffs[i].max(axis=i, keepdims=True)
        stable &= payoffs[i] >= best - atol[i]
    return [tuple(int(k) for k in idx) for idx in np.argwhere(stable)]


def pareto_optimal_outcomes(payoffs: FloatArray) -> list[tuple[int, ...]]:
    """Pure outcomes that no other pure outcome Pareto-dominates.

    ``b`` dominates ``a`` when every player gets at least as much at ``b`` and
    someone strictly more. Outcomes are swept in decreasing order of total
    payoff, so each is compared only with the efficient outcomes found so far.
    """
    n = payoffs.shape[0]
    points = payoffs.reshape(n, -1).T  # (outcomes, players)
    shape = payoffs.shape[1:]
    if n == 2:
        kept = _pareto_two(points)
    else:
        # Decreasing total, ties broken lexicographically (decreasing): a dominator
        # always comes before what it dominates, even when rounding ties the totals.
        order = np.lexsort((*(-points[:, j] for j in range(n - 1, -1, -1)), -points.sum(axis=1)))
        kept = []
        front = np.empty_like(points)  # the efficient points so far, preallocated
        m = 0
        for k in order:
            p = points[k]
            ahead = front[:m]
            if not np.any(np.all(ahead >= p, axis=1) & np.any(ahead > p, axis=1)):
                kept.append(int(k))
                front[m] = p
                m += 1
    return sorted(tuple(int(x) for x in np.unravel_index(k, shape)) for k in kept)


def _pareto_two(points: FloatArray) -> list[int]:
    """Two players: one sort and one sweep, O(K log K)."""
    order = np.lexsort((-points[:, 1], -points[:, 0]))  # by u0 down, then u1 down
    kept: list[int] = []
    best_u1 = -np.inf
    last: FloatArray | None = None
    for k in order:
        p = points[k]
        if p[1] > best_u1 or (last is not None and p[0] == last[0] and p[1] == last[1]):
            kept.append(int(k))
            best_u1 = max(best_u1, float(p[1]))
            last = p
    return kept


# ---------------------------------------------------------------------------
# The game object
# ---------------------------------------------------------------------------
class NormalFormGame:
    """A finite n-player game in normal form.

    Parameters
    ----------
    payoffs : array_like, shape (n_players, a_1, ..., a_n)
        ``payoffs[i][k_1, ..., k_n]`` is player ``i``'s payoff at the pure
        profile ``(k_1, ..., k_n)``. Must be finite real numbers.
    player_names : sequence of str, optional
        Defaults to ``"Row", "Column"`` for two players and ``"P1".."Pn"``
        otherwise.
    action_names : sequence of sequences of str, optional
        One sequence per player; defaults to ``"a0", "a1", ...``.
    name : str, optional
        A title, shown in listings and tables.

    Examples
    --------
    >>> g = NormalFormGame.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]],
    ...                                  action_names=[["C", "D"], ["C", "D"]])
    >>> g.pure_nash_equilibria()
    [(1, 1)]
    >>> g.regret(["C", "C"]).tolist()
    [2.0, 2.0]
    """

    __slots__ = ("_action_names", "_magnitude", "_name", "_payoffs", "_player_names", "_spread")

    def __init__(
        self,
        payoffs: npt.ArrayLike,
        *,
        player_names: Sequence[str] | None = None,
        action_names: Sequence[Sequence[str]] | None = None,
        name: str = "",
    ) -> None:
        array = _as_payoff_array(payoffs)
        n = array.shape[0]
        self._payoffs = array
        flat = array.reshape(n, -1)
        self._spread = np.ptp(flat, axis=1)
        self._magnitude = np.abs(flat).max(axis=1)
        self._player_names = _check_player_names(player_names, n)
        self._action_names = _check_action_names(action_names, array.shape[1:], self._player_names)
        if not isinstance(name, str):
            raise TypeError(f"name must be a string; got {type(name).__name__}")
        self._name = name

    # -- construction -------------------------------------------------------
    @classmethod
    def from_bimatrix(
        cls,
        A: npt.ArrayLike,
        B: npt.ArrayLike | None = None,
        *,
        player_names: Sequence[str] | None = None,
        action_names: Sequence[Sequence[str]] | None = None,
        name: str = "",
    ) -> NormalFormGame:
        """A two-player game from the row player's matrix ``A`` and the column player's ``B``.

        ``A`` and ``B`` have shape (rows, columns); ``B`` defaults to ``-A``
        (a zero-sum game), as in Nashpy's ``Game(A)``.
        """
        a = _as_matrix(A, "A")
        b = -a if B is None else _as_matrix(B, "B")
        if a.shape != b.shape:
            raise ValueError(
                f"A and B must have the same shape (rows, columns); got A {a.shape} and B {b.shape}"
            )
        return cls(
            np.stack([a, b]), player_names=player_names, action_names=action_names, name=name
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NormalFormGame:
        """Inverse of :meth:`to_dict`."""
        if not isinstance(data, Mapping) or "payoffs" not in data:
            raise ValueError("a game dictionary needs a 'payoffs' entry (nested lists)")
        return cls(
            data["payoffs"],
            player_names=data.get("player_names"),
            action_names=data.get("action_names"),
            name=data.get("name", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description: name, player and action names, payoffs as nested lists."""
        return {
            "name": self._name,
            "player_names": list(self._player_names),
            "action_names": [list(a) for a in self._action_names],
            "payoffs": self._payoffs.tolist(),
        }

    # -- read-only views ----------------------------------------------------
    @property
    def payoffs(self) -> FloatArray:
        """The payoff array, shape (n_players, a_1, ..., a_n); read-only."""
        return self._payoffs

    @property
    def n_players(self) -> int:
        return int(self._payoffs.shape[0])

    @property
    def n_actions(self) -> tuple[int, ...]:
        return tuple(int(a) for a in self._payoffs.shape[1:])

    @property
    def player_names(self) -> tuple[str, ...]:
        return self._player_names

    @property
    def action_names(self) -> tuple[tuple[str, ...], ...]:
        return self._action_names

    @property
    def name(self) -> str:
        return self._name

    @property
    def payoff_spread(self) -> FloatArray:
        """Each player's largest minus smallest payoff, shape (n_players,)."""
        return self._spread.copy()

    def tie_tolerance(self, tol: float = PROB_TOL) -> FloatArray:
        """Per player, the absolute payoff difference that counts as a tie.

        ``tol`` times the player's payoff spread, plus a rounding allowance of
        a few hundred ulps of its largest absolute payoff; shape (n_players,).
        """
        if (
            isinstance(tol, bool)
            or not isinstance(tol, numbers.Real)
            or not (math.isfinite(tol) and tol >= 0)
        ):
            raise ValueError(f"tol must be a finite non-negative number; got {tol!r}")
        return float(tol) * self._spread + ROUNDING * self._magnitude

    def _rounding(self) -> float:
        """Rounding allowance for sums over players (welfare)."""
        return ROUNDING * self.n_players * float(self._magnitude.max())

    def payoff_matrix(self, player: int | str) -> FloatArray:
        """One player's payoff table, shape (a_1, ..., a_n)."""
        return self._payoffs[self.player_index(player)]

    # -- names and profiles -------------------------------------------------
    def player_index(self, player: int | str) -> int:
        """The index of a player given by index or name."""
        if isinstance(player, str):
            if player in self._player_names:
                return self._player_names.index(player)
            raise ValueError(f"unknown player {player!r}; players are {list(self._player_names)}")
        if isinstance(player, numbers.Integral) and not isinstance(player, bool):
            if 0 <= int(player) < self.n_players:
                return int(player)
            raise ValueError(f"player index {player} out of range 0..{self.n_players - 1}")
        raise TypeError(f"a player is an index or a name; got {type(player).__name__}")

    def action_index(self, player: int | str, action: int | str) -> int:
        """The index of ``player``'s action given by index or name."""
        i = self.player_index(player)
        names = self._action_names[i]
        if isinstance(action, str):
            if action in names:
                return names.index(action)
            raise ValueError(
                f"unknown action {action!r} for player {self._player_names[i]!r}; "
                f"expected one of {list(names)}"
            )
        if isinstance(action, numbers.Integral) and not isinstance(action, bool):
            if 0 <= int(action) < len(names):
                return int(action)
            raise ValueError(
                f"action index {action} out of range for player {self._player_names[i]!r}, "
                f"who has {len(names)} actions (0..{len(names) - 1})"
            )
        raise TypeError(f"an action is an index or a name; got {type(action).__name__}")

    def pure_profile(self, profile: Sequence[int | str]) -> tuple[int, ...]:
        """Action indices of a pure profile given by indices or names."""
        if isinstance(profile, np.ndarray) and profile.ndim == 1:
            profile = profile.tolist()
        if isinstance(profile, str | bytes) or not isinstance(profile, Sequence):
            raise ValueError(
                f"a pure profile is a sequence of {self.n_players} actions (indices or names); got {profile!r}"
            )
        if len(profile) != self.n_players:
            raise ValueError(
                f"a profile needs one action per player ({self.n_players}); got {len(profile)}"
            )
        return tuple(self.action_index(i, a) for i, a in enumerate(profile))

    def outcome_payoffs(self, outcome: Sequence[int | str]) -> FloatArray:
        """Every player's payoff at a pure outcome (indices or names); shape (n_players,)."""
        index = (slice(None), *self.pure_profile(outcome))
        return np.array(self._payoffs[index])  # type: ignore[index]

    def outcome_names(self, outcome: Sequence[int]) -> tuple[str, ...]:
        """Action names of a pure outcome."""
        return tuple(self._action_names[i][k] for i, k in enumerate(self.pure_profile(outcome)))

    def as_profile(self, profile: ProfileLike) -> list[FloatArray]:
        """Check a (mixed or pure) profile and return one probability vector per player.

        Each entry may be an action index, an action name, or a probability
        vector over that player's actions. Raises ``ValueError`` naming the
        player and the problem otherwise.
        """
        expected = f"a profile is a sequence of {self.n_players} strategies, one per player"
        if isinstance(profile, np.ndarray):
            if profile.ndim == 2 and profile.shape[0] == self.n_players:
                profile = list(profile)
            elif profile.ndim == 1 and np.issubdtype(profile.dtype, np.integer):
                profile = [int(x) for x in profile]
            else:
                raise ValueError(f"{expected}; got an array of shape {profile.shape}")
        if isinstance(profile, str | bytes | Mapping | set | frozenset) or not isinstance(
            profile, Iterable
        ):
            # Mappings and sets have no player order.
            raise ValueError(f"{expected}, in player order; got {profile!r}")
        entries = list(profile)
        if len(entries) != self.n_players:
            raise ValueError(
                f"a profile needs one strategy per player ({self.n_players}); got {len(entries)}"
            )
        return [self._as_strategy(i, s) for i, s in enumerate(entries)]

    def _as_strategy(self, i: int, strategy: Any) -> FloatArray:
        k = self.n_actions[i]
        if type(strategy) is np.ndarray and strategy.dtype == np.float64:
            vec = strategy  # the common case, checked below without a copy
        elif isinstance(strategy, str) or (
            isinstance(strategy, numbers.Integral) and not isinstance(strategy, bool)
        ):
            vec = np.zeros(k)
            vec[self.action_index(i, strategy if isinstance(strategy, str) else int(strategy))] = 1
            return vec
        else:
            try:
                raw = np.asarray(strategy)
            except (TypeError, ValueError):
                raw = np.asarray(None)
            if raw.dtype.kind == "O" and raw.ndim == 1 and all(_is_real_number(x) for x in raw):
                raw = raw.astype(np.float64)  # Fractions, Decimals
            if raw.dtype.kind not in "iuf":  # strings, booleans, complex are not probabilities
                raise ValueError(
                    f"the strategy of player {self._player_names[i]!r} must be an action or a "
                    f"probability vector of {k} real numbers; got {strategy!r}"
                )
            vec = raw.astype(np.float64)
        if vec.shape != (k,):
            raise ValueError(
                f"the strategy of player {self._player_names[i]!r} must be a probability vector of "
                f"length {k} (one entry per action); got shape {vec.shape}"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            total = float(vec.sum())
        lowest = float(vec.min())
        # A NaN or an infinity makes the sum non-finite, so finite sums need no entry check.
        if not math.isfinite(total) and not np.all(np.isfinite(vec)):
            raise ValueError(
                f"the strategy of player {self._player_names[i]!r} contains NaN or infinite "
                f"entries: {vec.tolist()}"
            )
        if lowest < -PROB_TOL:
            raise ValueError(
                f"the strategy of player {self._player_names[i]!r} has negative probabilities: "
                f"{vec.tolist()}"
            )
        if abs(total - 1.0) > SUM_TOL:
            raise ValueError(
                f"the strategy of player {self._player_names[i]!r} sums to {total:.12g}; a "
                f"probability vector sums to 1 (within {SUM_TOL:g})"
            )
        if lowest < 0:
            vec = np.maximum(vec, 0.0)
            total = float(vec.sum())
        return vec if total == 1.0 else vec / total

    # -- payoffs and deviations ---------------------------------------------
    def expected_payoffs(self, profile: ProfileLike) -> FloatArray:
        """Each player's expected payoff under ``profile``; shape (n_players,)."""
        return expected_payoffs(self._payoffs, self.as_profile(profile))

    def deviation_payoffs(self, profile: ProfileLike) -> list[FloatArray]:
        """Per player, the payoff of each own pure action against the others' strategies."""
        return deviation_payoffs(self._payoffs, self.as_profile(profile))

    def best_responses(
        self, profile: ProfileLike, *, tol: float = PROB_TOL
    ) -> list[tuple[int, ...]]:
        """Per player, the pure best responses (action indices) to the others' strategies.

        Actions within the player's :meth:`tie_tolerance` of the best payoff
        count as best responses.
        """
        atol = self.tie_tolerance(tol)
        return [
            tuple(int(k) for k in np.flatnonzero(dev >= dev.max() - atol[i]))
            for i, dev in enumerate(self.deviation_payoffs(profile))
        ]

    def regret(self, profile: ProfileLike) -> FloatArray:
        """Each player's gain from its best unilateral deviation; never negative.

        Their sum is NashConv (:meth:`nash_conv`); all zero means ``profile`` is
        a Nash equilibrium.
        """
        return regret(self._payoffs, self.as_profile(profile))

    def nash_conv(self, profile: ProfileLike) -> float:
        """The sum of the players' regrets."""
        return float(self.regret(profile).sum())

    def is_nash(self, profile: ProfileLike, *, tol: float = PROB_TOL) -> bool:
        """True when no player gains more than its :meth:`tie_tolerance` by deviating."""
        atol = self.tie_tolerance(tol)
        return bool(np.all(self.regret(profile) <= atol))

    def social_welfare(self, profile: ProfileLike) -> float:
        """The sum of the players' expected payoffs."""
        return float(self.expected_payoffs(profile).sum())

    # -- structure ----------------------------------------------------------
    def pure_nash_equilibria(self, *, tol: float = PROB_TOL) -> list[tuple[int, ...]]:
        """All pure Nash equilibria as tuples of action indices, in lexicographic order.

        A deviation must gain more than the player's :meth:`tie_tolerance` to
        break an equilibrium (the same rule as :meth:`is_nash` and
        :meth:`best_responses`): payoffs that tie up to rounding, such as
        ``0.1 + 0.2`` and ``0.3``, count as ties, and scaling or shifting a
        player's payoffs changes nothing (beyond gaps of a few dozen ulps of
        the payoffs' magnitude, which the rounding allowance absorbs). ``tol=0`` leaves only the rounding
        allowance.
        """
        return pure_nash_equilibria(self._payoffs, tol=self.tie_tolerance(tol))

    def pareto_optimal_outcomes(self) -> list[tuple[int, ...]]:
        """The pure outcomes that no other pure outcome Pareto-dominates (exact comparisons)."""
        return pareto_optimal_outcomes(self._payoffs)

    def social_optima(self) -> list[tuple[int, ...]]:
        """The pure outcomes of greatest social welfare, in lexicographic order.

        Welfare is compared exactly, as in :meth:`pareto_optimal_outcomes`.
        """
        welfare = self.welfare_table()
        return [tuple(int(k) for k in o) for o in np.argwhere(welfare == welfare.max())]

    def welfare_table(self) -> FloatArray:
        """Social welfare of every pure outcome, shape (a_1, ..., a_n)."""
        return self._payoffs.sum(axis=0)

    def is_constant_sum(self, *, tol: float = 0.0) -> bool:
        """True when the payoffs add to the same constant at every outcome."""
        total = self.welfare_table()
        return bool(np.ptp(total) <= self._sum_tolerance(tol))

    def _sum_tolerance(self, tol: float) -> float:
        if (
            isinstance(tol, bool)
            or not isinstance(tol, numbers.Real)
            or not (math.isfinite(tol) and tol >= 0)
        ):
            raise ValueError(f"tol must be a finite non-negative number; got {tol!r}")
        return float(tol) + self._rounding()

    def is_zero_sum(self, *, tol: float = 0.0) -> bool:
        """True when the payoffs add to zero at every outcome."""
        return bool(np.all(np.abs(self.welfare_table()) <= self._sum_tolerance(tol)))

    def is_symmetric(self, *, tol: float = 0.0) -> bool:
        """True when relabelling the players leaves the game unchanged.

        Checks invariance under the transposition of players 0 and 1 and the
        cycle of all players, which together generate every permutation.
        """
        n = self.n_players
        if len(set(self.n_actions)) != 1:
            return False
        if n == 1:
            return True
        generators = [list(range(n)) for _ in range(2)]
        generators[0][0], generators[0][1] = 1, 0
        generators[1] = [*range(1, n), 0]
        for perm in generators:
            # Game after renaming player perm[i] as player i.
            permuted = np.stack([np.transpose(self._payoffs[perm[i]], perm) for i in range(n)])
            if not np.allclose(permuted, self._payoffs, rtol=0, atol=self._sum_tolerance(tol)):
                return False
        return True

    def pure_outcomes(self) -> Iterable[tuple[int, ...]]:
        """Every pure outcome, in lexicographic order."""
        return itertools.product(*(range(a) for a in self.n_actions))

    # -- dunder -------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NormalFormGame):
            return NotImplemented
        return (
            self._payoffs.shape == other._payoffs.shape
            and bool(np.array_equal(self._payoffs, other._payoffs))
            and self._player_names == other._player_names
            and self._action_names == other._action_names
        )

    __hash__ = None  # type: ignore[assignment]  # mutable-looking arrays inside; not hashable

    def __repr__(self) -> str:
        label = f"{self._name!r}, " if self._name else ""
        return f"NormalFormGame({label}players={self.n_players}, actions={self.n_actions})"


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------
def _is_real_number(x: object) -> bool:
    """Real numbers of any type (Fraction, Decimal, numpy scalars), but not bool or complex."""
    if isinstance(x, bool | np.bool_):
        return False
    if isinstance(x, numbers.Real):
        return True
    # Decimal is a Number but not registered as Real; complex numbers are Complex.
    return isinstance(x, numbers.Number) and not isinstance(x, numbers.Complex)


def _as_payoff_array(payoffs: npt.ArrayLike) -> FloatArray:
    if np.iscomplexobj(payoffs):
        raise ValueError("payoffs must be real numbers; got complex values")
    try:
        array = np.array(payoffs, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "payoffs must be a numeric array of shape (n_players, a_1, ..., a_n) with one "
            f"payoff table per player; could not read it as numbers ({exc})"
        ) from None
    if array.ndim < 2:
        raise ValueError(
            "payoffs must have shape (n_players, a_1, ..., a_n): one axis for the players and one "
            f"per player's actions; got shape {array.shape}"
        )
    n = array.shape[0]
    if array.ndim != n + 1:
        raise ValueError(
            f"payoffs of shape {array.shape} describe {n} players but have {array.ndim - 1} action "
            f"axes; expected shape (n_players, a_1, ..., a_n) with exactly n_players action axes"
        )
    if any(a == 0 for a in array.shape[1:]):
        empty = [i for i, a in enumerate(array.shape[1:]) if a == 0]
        raise ValueError(f"every player needs at least one action; player(s) {empty} have none")
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(x) for x in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(array[where]) else "infinite"
        raise ValueError(
            f"payoffs must be finite numbers; found {int(bad.sum())} NaN or infinite entries, the "
            f"first ({kind}) at player {where[0]}, outcome {where[1:]}"
        )
    huge = np.abs(array) > MAX_ABS_PAYOFF
    if huge.any():
        where = tuple(int(x) for x in np.argwhere(huge)[0])
        raise ValueError(
            f"payoffs must be at most {MAX_ABS_PAYOFF:g} in absolute value, so that sums and "
            f"differences of payoffs stay finite; player {where[0]} gets {array[where]:g} at "
            f"outcome {where[1:]} (rescale the game: equilibria do not change)"
        )
    array.setflags(write=False)
    return array


def _as_matrix(m: npt.ArrayLike, label: str) -> FloatArray:
    try:
        array = np.array(m, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a numeric matrix (rows, columns)") from None
    if array.ndim != 2:
        raise ValueError(
            f"{label} must be a matrix of shape (rows, columns); got shape {array.shape}"
        )
    return array


def _check_player_names(names: Sequence[str] | None, n: int) -> tuple[str, ...]:
    if isinstance(names, np.ndarray):
        names = names.tolist()
    if names is None:
        return ("Row", "Column") if n == 2 else tuple(f"P{i + 1}" for i in range(n))
    if isinstance(names, str) or not isinstance(names, Sequence) or len(names) != n:
        raise ValueError(f"player_names needs a list of one name per player ({n}); got {names!r}")
    out = tuple(names)
    if not all(isinstance(x, str) and x for x in out):
        raise ValueError(f"player names must be non-empty strings; got {list(out)}")
    if len(set(out)) != n:
        raise ValueError(f"player names must be distinct; got {list(out)}")
    return out


def _check_action_names(
    names: Sequence[Sequence[str]] | None, shape: tuple[int, ...], players: tuple[str, ...]
) -> tuple[tuple[str, ...], ...]:
    if isinstance(names, np.ndarray):
        names = names.tolist()
    if names is None:
        return tuple(tuple(f"a{k}" for k in range(a)) for a in shape)
    if isinstance(names, str) or not isinstance(names, Sequence) or len(names) != len(shape):
        raise ValueError(
            f"action_names needs one list of names per player ({len(shape)}); got {names!r}"
        )
    out = []
    for i, (row, a) in enumerate(zip(names, shape, strict=True)):
        if isinstance(row, np.ndarray):
            row = row.tolist()
        if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != a:
            given = (
                len(row) if isinstance(row, Sequence) and not isinstance(row, str) else "no list of"
            )
            raise ValueError(
                f"player {players[i]!r} has {a} actions but {given} action names were given: {row!r}"
            )
        row = tuple(row)
        if not all(isinstance(x, str) and x for x in row):
            raise ValueError(
                f"action names of player {players[i]!r} must be non-empty strings; got {list(row)}"
            )
        if len(set(row)) != a:
            raise ValueError(
                f"action names of player {players[i]!r} must be distinct; got {list(row)}"
            )
        out.append(row)
    return tuple(out)
