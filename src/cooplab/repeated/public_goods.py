"""The N-player iterated public goods game, with conditional cooperators and punishers.

Each round every player of a group of ``N`` receives an endowment ``E`` and
puts a fraction ``c_i`` of it in a common pool; the pool is multiplied by
``r`` (``1 < r < N``: a social dilemma) and shared equally, so a player earns
``E (1 - c_i) + r E sum_j c_j / N``. Each unit contributed returns only
``r / N < 1`` to its giver: free riding pays for each player, full
contribution pays for the group. With punishment (Fehr & Gächter 2000), after
contributions a punisher pays ``cost`` for each group member it punishes, and
each punished member loses ``fine``.

Strategies (frozen dataclasses; their parameters are the fields):

* :class:`Cooperator`: contributes ``level`` every round;
* :class:`FreeRider`: contributes nothing, unless it has been fined at least
  as much in one round as free riding saves (``(1 - r/N) E``), after which it
  contributes fully (the selfish type that punishment deters in Fehr &
  Gächter's experiments); ``deterrable=False`` never contributes;
* :class:`ConditionalCooperator`: starts at ``initial``; then either
  contributes fully when at least ``k`` others contributed (at least
  ``threshold``) last round, or contributes ``slope`` times the others' mean
  last round (Fischbacher, Gächter & Fehr 2001: most people are conditional
  cooperators, and on average contribute a little less than the others did,
  ``slope < 1``, which makes cooperation decay);
* :class:`Punisher`: contributes ``level`` and punishes every other member
  who contributed less than ``threshold``.

:func:`play_public_goods` runs many groups at once, the group state as
arrays ``(groups, N)``.

>>> res = play_public_goods(
...     [ConditionalCooperator(), FreeRider()], [0, 0, 0, 1], rounds=4, r=1.6
... )
>>> res.contribution_rate.round(3).tolist()  # decays by 2/3 a round
[0.75, 0.5, 0.333, 0.222]

References
----------
Fehr, E. & Gächter, S. (2000). Cooperation and punishment in public goods
experiments. American Economic Review 90(4), 980-994.
Fischbacher, U., Gächter, S. & Fehr, E. (2001). Are people conditionally
cooperative? Evidence from a public goods experiment. Economics Letters 71, 397-404.
Ledyard, J. (1995). Public goods: a survey of experimental research. In
Handbook of Experimental Economics.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from cooplab.runtime.rng import RngLike, as_generator

__all__ = [
    "ConditionalCooperator",
    "Cooperator",
    "FreeRider",
    "PublicGoodsResult",
    "PublicGoodsStrategy",
    "Punisher",
    "RoundState",
    "play_public_goods",
    "random_groups",
]

FloatArray = npt.NDArray[np.float64]


def _prob(name: str, value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or not 0 <= value <= 1
    ):
        raise ValueError(f"{name} must be in [0, 1]; got {value!r}")
    return float(value)


def _nonneg(name: str, value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return float(value)


@dataclass(frozen=True)
class RoundState:
    """What the players see before a round, for every seat of every group.

    Attributes
    ----------
    round : int
        The round about to be played (0 first).
    group_size, endowment, r
        The game.
    last : array (G, N) or None
        Last round's contributions (fractions of the endowment); ``None``
        before the first round.
    others_mean : array (G, N) or None
        Mean of the other members' last contributions, per seat.
    worst_fine : array (G, N)
        The largest total fine each seat received in one round so far.
    """

    round: int
    group_size: int
    endowment: float
    r: float
    last: FloatArray | None
    others_mean: FloatArray | None
    worst_fine: FloatArray

    @property
    def free_riding_gain(self) -> float:
        """What a player saves per round by contributing nothing instead of everything."""
        return (1.0 - self.r / self.group_size) * self.endowment


@dataclass(frozen=True)
class PublicGoodsStrategy:
    """A strategy of the public goods game: a contribution rule, and maybe a punishment rule.

    Subclasses implement :meth:`contribute`, vectorised over every seat of
    every group (the simulation keeps the seats of its type).
    """

    name: ClassVar[str] = "strategy"
    punishes: ClassVar[bool] = False

    def contribute(self, state: RoundState) -> FloatArray:
        """Contribution (fraction of the endowment) at every seat, shape (G, N)."""
        raise NotImplementedError

    def targets(self, contributions: FloatArray) -> npt.NDArray[np.bool_]:
        """Which members a player of this type punishes, shape (G, N), given contributions."""
        return np.zeros(contributions.shape, dtype=bool)

    @property
    def label(self) -> str:
        params = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{self.name}({params})" if params else self.name


@dataclass(frozen=True)
class Cooperator(PublicGoodsStrategy):
    """Contributes ``level`` of the endowment every round (the unconditional cooperator)."""

    name: ClassVar[str] = "cooperator"
    level: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", _prob("level", self.level))

    def contribute(self, state: RoundState) -> FloatArray:
        return np.full(state.worst_fine.shape, self.level)


@dataclass(frozen=True)
class FreeRider(PublicGoodsStrategy):
    """Contributes nothing; a deterrable free rider contributes fully once it has been fined
    in one round at least what free riding saves, ``(1 - r/N) E`` (it then expects the
    punishment to come again)."""

    name: ClassVar[str] = "free_rider"
    deterrable: bool = True

    def contribute(self, state: RoundState) -> FloatArray:
        if not self.deterrable:
            return np.zeros(state.worst_fine.shape)
        return (state.worst_fine >= state.free_riding_gain - 1e-12).astype(float)


@dataclass(frozen=True)
class ConditionalCooperator(PublicGoodsStrategy):
    """Contributes as the others did (Fischbacher, Gächter & Fehr 2001).

    Round 0: ``initial``. After: with ``k`` given, contributes fully when at
    least ``k`` other members contributed at least ``threshold`` last round
    and nothing otherwise; without ``k``, contributes ``slope`` times the
    others' mean last round (capped at 1).
    """

    name: ClassVar[str] = "conditional_cooperator"
    k: int | None = None
    slope: float = 1.0
    initial: float = 1.0
    threshold: float = 0.5

    def __post_init__(self) -> None:
        if self.k is not None and (
            isinstance(self.k, bool) or not isinstance(self.k, numbers.Integral) or self.k < 0
        ):
            raise ValueError(f"k must be a non-negative integer or None; got {self.k!r}")
        object.__setattr__(self, "slope", _nonneg("slope", self.slope))
        object.__setattr__(self, "initial", _prob("initial", self.initial))
        object.__setattr__(self, "threshold", _prob("threshold", self.threshold))

    def contribute(self, state: RoundState) -> FloatArray:
        shape = state.worst_fine.shape
        if state.last is None or state.others_mean is None:
            return np.full(shape, self.initial)
        if self.k is not None:
            gave = state.last >= self.threshold
            others = gave.sum(axis=1, keepdims=True) - gave
            return (others >= self.k).astype(float)
        return np.minimum(1.0, self.slope * state.others_mean)


@dataclass(frozen=True)
class Punisher(PublicGoodsStrategy):
    """Contributes ``level`` and, after each round, pays ``cost`` per member who contributed
    less than ``threshold`` to fine that member ``fine`` (Fehr & Gächter 2000; a fine three
    times the cost, as in Fehr & Gächter 2002). ``cost`` and ``fine`` are fractions of the
    endowment: by default a punisher pays 5 of 20 tokens to take 15, more than the 12 a free
    rider saves with ``r = 1.6`` in groups of 4."""

    name: ClassVar[str] = "punisher"
    punishes: ClassVar[bool] = True
    level: float = 1.0
    cost: float = 0.25
    fine: float = 0.75
    threshold: float = 0.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", _prob("level", self.level))
        object.__setattr__(self, "cost", _nonneg("cost", self.cost))
        object.__setattr__(self, "fine", _nonneg("fine", self.fine))
        object.__setattr__(self, "threshold", _prob("threshold", self.threshold))

    def contribute(self, state: RoundState) -> FloatArray:
        return np.full(state.worst_fine.shape, self.level)

    def targets(self, contributions: FloatArray) -> npt.NDArray[np.bool_]:
        return contributions < self.threshold - 1e-12


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------
def _readonly(x: Any, dtype: Any = None) -> npt.NDArray[Any]:
    out = np.array(x, dtype=dtype)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class PublicGoodsResult:
    """Many groups playing the iterated public goods game.

    Attributes
    ----------
    names : tuple of str
        The strategies' labels (name and parameters).
    types : array of int, shape (G, N)
        The strategy index of each seat.
    contributions : array of float, shape (rounds, G, N)
        Fractions of the endowment contributed.
    payoffs : array of float, shape (rounds, G, N)
        Earnings, punishment costs and fines included.
    fines : array of float, shape (rounds, G, N)
        Fines received.
    punishment_costs : array of float, shape (rounds, G, N)
        What each seat paid to punish.
    endowment, r, noise, seed
        The settings (``seed``: the integer given, else ``None``).
    """

    names: tuple[str, ...]
    types: npt.NDArray[np.int64]
    contributions: FloatArray = field(repr=False)
    payoffs: FloatArray = field(repr=False)
    fines: FloatArray = field(repr=False)
    punishment_costs: FloatArray = field(repr=False)
    endowment: float
    r: float
    noise: float
    seed: int | None

    @property
    def rounds(self) -> int:
        return int(self.contributions.shape[0])

    @property
    def groups(self) -> int:
        return int(self.types.shape[0])

    @property
    def group_size(self) -> int:
        return int(self.types.shape[1])

    @property
    def contribution_rate(self) -> FloatArray:
        """Mean contribution (fraction of the endowment) per round, all seats, shape (rounds,)."""
        return self.contributions.mean(axis=(1, 2))

    def _by_type(self, values: FloatArray) -> FloatArray:
        k = len(self.names)
        out = np.full((k, values.shape[0]), np.nan)
        for t in range(k):
            mask = self.types == t
            if mask.any():
                out[t] = values[:, mask].mean(axis=1)
        return out

    @property
    def contribution_by_type(self) -> FloatArray:
        """Mean contribution of each strategy per round, shape (K, rounds) (nan if absent)."""
        return self._by_type(self.contributions)

    @property
    def payoff_by_type(self) -> FloatArray:
        """Mean payoff per round of each strategy over the whole game, shape (K,)."""
        per_round = self._by_type(self.payoffs)
        present = ~np.isnan(per_round[:, 0])
        out = np.full(len(self.names), np.nan)
        out[present] = per_round[present].mean(axis=1)
        return out

    @property
    def mean_payoff(self) -> FloatArray:
        """Mean payoff per seat per round, shape (rounds,)."""
        return self.payoffs.mean(axis=(1, 2))

    def to_dict(self) -> dict[str, Any]:
        def clean(a: FloatArray) -> list[Any]:
            return [
                [None if math.isnan(v) else float(v) for v in row] if np.ndim(row) else row
                for row in a.tolist()
            ]

        return {
            "names": list(self.names),
            "groups": self.groups,
            "group_size": self.group_size,
            "rounds": self.rounds,
            "endowment": self.endowment,
            "r": self.r,
            "noise": self.noise,
            "seed": self.seed,
            "type_counts": np.bincount(self.types.ravel(), minlength=len(self.names)).tolist(),
            "contribution_rate": self.contribution_rate.tolist(),
            "contribution_by_type": clean(self.contribution_by_type),
            "payoff_by_type": [None if math.isnan(v) else float(v) for v in self.payoff_by_type],
            "mean_payoff": self.mean_payoff.tolist(),
        }


def random_groups(
    shares: Sequence[float] | npt.ArrayLike, groups: int, group_size: int, rng: RngLike = None
) -> npt.NDArray[np.int64]:
    """Groups drawn from a population: each seat's strategy index drawn with ``shares``.

    Returns shape ``(groups, group_size)``.
    """
    p = np.asarray(shares, dtype=float)
    if p.ndim != 1 or p.size == 0 or np.any(p < 0) or not np.all(np.isfinite(p)) or p.sum() <= 0:
        raise ValueError(f"shares must be non-negative with a positive total; got {shares!r}")
    for name, v in (("groups", groups), ("group_size", group_size)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
            raise ValueError(f"{name} must be a positive integer; got {v!r}")
    gen = as_generator(rng)
    return gen.choice(p.size, size=(int(groups), int(group_size)), p=p / p.sum()).astype(np.int64)


def play_public_goods(
    strategies: Sequence[PublicGoodsStrategy],
    groups: npt.ArrayLike,
    rounds: int = 10,
    *,
    endowment: float = 20.0,
    r: float = 1.6,
    noise: float = 0.0,
    n_groups: int | None = None,
    rng: RngLike = None,
) -> PublicGoodsResult:
    """Play the iterated public goods game in many groups at once.

    Each round: every seat's strategy proposes a contribution (vectorised per
    strategy over all seats); with probability ``noise`` a seat's
    contribution is replaced by a uniform random fraction; the pool is
    multiplied by ``r`` and shared; then every punisher fines each member it
    targets (not itself), paying ``cost`` per target, and each target loses
    ``fine`` per punisher.

    Parameters
    ----------
    strategies
        The strategies, indexed by ``groups``.
    groups
        Strategy indices: shape ``(G, N)`` for ``G`` groups of ``N``, or
        ``(N,)`` for one composition (repeated ``n_groups`` times, default 1).
        See :func:`random_groups` to draw groups from a population.
    rounds
        Rounds to play.
    endowment, r
        Endowment per round and the pool's multiplier (Fehr & Gächter 2000:
        20 tokens, groups of 4, ``r = 1.6``, a marginal per-capita return 0.4).
    noise
        Probability of a random contribution (a tremble).
    rng
        Seed or generator (used by the noise only).

    Returns
    -------
    PublicGoodsResult
    """
    strategies = tuple(strategies)
    if not strategies or not all(isinstance(s, PublicGoodsStrategy) for s in strategies):
        raise TypeError("strategies must be a non-empty sequence of PublicGoodsStrategy")
    types = np.array(groups)
    if types.ndim == 1:
        reps = 1 if n_groups is None else n_groups
        if isinstance(reps, bool) or not isinstance(reps, numbers.Integral) or reps < 1:
            raise ValueError(f"n_groups must be a positive integer; got {n_groups!r}")
        types = np.tile(types, (int(reps), 1))
    elif n_groups is not None:
        raise ValueError("n_groups is only for a single composition (groups of shape (N,))")
    if (
        types.ndim != 2
        or not np.issubdtype(types.dtype, np.integer)
        or types.size == 0
        or types.min() < 0
        or types.max() >= len(strategies)
    ):
        raise ValueError(
            f"groups must be integer strategy indices in [0, {len(strategies)}), shape (G, N) or "
            f"(N,); got {np.asarray(groups)!r}"
        )
    g, n = types.shape
    if n < 2:
        raise ValueError(f"a group needs at least 2 players; got {n}")
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral) or rounds < 1:
        raise ValueError(f"rounds must be a positive integer; got {rounds!r}")
    endowment = _nonneg("endowment", endowment)
    r = _nonneg("r", r)
    noise = _prob("noise", noise)
    seed = rng if isinstance(rng, int) and not isinstance(rng, bool) else None
    gen = as_generator(rng)

    masks = [types == k for k in range(len(strategies))]
    punish_types = [k for k, s in enumerate(strategies) if s.punishes and masks[k].any()]
    contributions = np.zeros((rounds, g, n))
    payoffs = np.zeros((rounds, g, n))
    fines = np.zeros((rounds, g, n))
    costs = np.zeros((rounds, g, n))
    worst = np.zeros((g, n))
    last: FloatArray | None = None
    others: FloatArray | None = None
    for t in range(rounds):
        state = RoundState(t, n, endowment, r, last, others, worst.copy())
        c = np.zeros((g, n))
        for k, s in enumerate(strategies):
            if masks[k].any():
                proposal = np.clip(np.asarray(s.contribute(state), dtype=float), 0.0, 1.0)
                c = np.where(masks[k], proposal, c)
        if noise > 0:
            tremble = gen.random((g, n)) < noise
            c = np.where(tremble, gen.random((g, n)), c)
        pool = c.sum(axis=1, keepdims=True)
        pay = endowment * (1.0 - c) + r * endowment * pool / n
        fine_t = np.zeros((g, n))
        cost_t = np.zeros((g, n))
        for k in punish_types:
            s = strategies[k]
            targeted = s.targets(c)  # (G, N): members this type would punish
            punishers = masks[k]
            n_pun = punishers.sum(axis=1, keepdims=True)  # punishers of this type per group
            # each punisher fines every target but itself
            hits = targeted * (n_pun - (punishers & targeted))
            fine_t += endowment * float(getattr(s, "fine", 0.0)) * hits
            cost_t += (
                endowment
                * float(getattr(s, "cost", 0.0))
                * punishers
                * (targeted.sum(axis=1, keepdims=True) - (punishers & targeted))
            )
        pay = pay - fine_t - cost_t
        contributions[t] = c
        payoffs[t] = pay
        fines[t] = fine_t
        costs[t] = cost_t
        worst = np.maximum(worst, fine_t)
        last = c
        others = (pool - c) / (n - 1)
    return PublicGoodsResult(
        names=tuple(s.label for s in strategies),
        types=_readonly(types, np.int64),
        contributions=_readonly(contributions),
        payoffs=_readonly(payoffs),
        fines=_readonly(fines),
        punishment_costs=_readonly(costs),
        endowment=endowment,
        r=r,
        noise=noise,
        seed=seed,
    )
