"""Memory-one strategies and the zero-determinant strategies of Press & Dyson.

A memory-one strategy cooperates with probability ``p[k]`` after the previous
round's outcome ``k`` in (CC, CD, DC, DD) (own action first), and with
probability ``initial`` on the first move. Two memory-one players make a
Markov chain on the four outcomes; :func:`stationary_payoffs` gives its
long-run payoffs exactly.

Zero-determinant strategies (Press & Dyson 2012) choose ``p`` so that, whatever
the opponent does, the long-run payoffs satisfy a linear relation
``alpha * s_X + beta * s_Y + gamma = 0``: with ``p~ = (p1 - 1, p2 - 1, p3, p4)``
and ``S_X = (R, S, T, P)``, ``S_Y = (R, T, S, P)``, setting
``p~ = alpha S_X + beta S_Y + gamma`` enforces it. Three families:

* extortionate (Press & Dyson): ``p~ = phi [(S_X - P) - chi (S_Y - P)]``
  enforces ``s_X - P = chi (s_Y - P)``;
* generous (Stewart & Plotkin 2013): ``p~ = phi [(S_X - R) - chi (S_Y - R)]``
  enforces ``s_X - R = chi (s_Y - R)``;
* equalizer (Press & Dyson): ``p~ = -phi (S_Y - target)`` sets ``s_Y = target``.

References
----------
Press, W. H. & Dyson, F. J. (2012). Iterated Prisoner's Dilemma contains
strategies that dominate any evolutionary opponent. PNAS 109(26), 10409-10413.
Stewart, A. J. & Plotkin, J. B. (2013). From extortion to generosity, evolution
in the Iterated Prisoner's Dilemma. PNAS 110(38), 15348-15353.
Hilbe, C., Nowak, M. A. & Sigmund, K. (2013). Evolution of extortion in
Iterated Prisoner's Dilemma games. PNAS 110(17), 6913-6918.
Nowak, M. A. & Sigmund, K. (1992). Tit for tat in heterogeneous populations.
Nature 355, 250-253.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.repeated.strategies.base import (
    C,
    D,
    History,
    MatchInfo,
    MemoryOneSpec,
    Meta,
    Strategy,
    check_probability,
    variant,
)

__all__ = [
    "ZDGTFT2",
    "Equalizer",
    "ExtortionateZD",
    "FirmButFair",
    "GenerousTitForTat",
    "GenerousZD",
    "MemoryOne",
    "ReactiveStrategy",
    "SoftJoss",
    "StochasticCooperator",
    "StochasticWinStayLoseShift",
    "ZDExtort2",
    "ZDExtort3",
    "ZDExtort4",
    "ZDGen2",
    "ZDSet2",
    "ZeroDeterminant",
    "stationary_distribution",
    "stationary_payoffs",
    "zd_vector",
]

#: Tolerance for a zero-determinant probability just outside [0, 1] by rounding.
_ROUND = 1e-12


def _spec_of(x: Any, what: str) -> MemoryOneSpec:
    if isinstance(x, MemoryOneSpec):
        return x
    if isinstance(x, Strategy):
        spec = x.as_memory_one()
        if spec is None:
            raise ValueError(f"{what} ({x.display}) is not a memory-one strategy")
        return spec
    values = tuple(x)
    if len(values) == 4:
        return MemoryOneSpec(values, 1.0)  # type: ignore[arg-type]
    raise ValueError(f"{what} must be 4 probabilities, a MemoryOneSpec or a memory-one strategy")


def _transition_matrix(p: Sequence[float], q: Sequence[float]) -> npt.NDArray[np.float64]:
    """Markov matrix on (CC, CD, DC, DD) from X's side; ``q`` is Y's vector from Y's side."""
    m = np.empty((4, 4))
    for s in range(4):
        x, y = divmod(s, 2)
        px = p[s]
        qy = q[2 * y + x]
        for s2 in range(4):
            x2, y2 = divmod(s2, 2)
            m[s, s2] = (px if x2 == C else 1 - px) * (qy if y2 == C else 1 - qy)
    return m


def stationary_distribution(
    p: Any, q: Any, *, from_start: bool | None = None
) -> npt.NDArray[np.float64]:
    """Long-run frequency of the outcomes (CC, CD, DC, DD), from X's side.

    Parameters
    ----------
    p, q
        X's and Y's memory-one strategies, each from its own side: 4
        probabilities of cooperating after CC, CD, DC, DD, a
        :class:`MemoryOneSpec`, or a memory-one :class:`Strategy`.
    from_start
        When the chain has a unique stationary distribution it is returned
        whatever this says. Otherwise (deterministic or absorbing vectors) the
        limit depends on the first moves: with ``from_start`` not False the
        long-run average from the players' first-move probabilities is
        returned; with ``False`` a ``ValueError`` is raised.

    Returns
    -------
    array, shape (4,)

    Notes
    -----
    The unique case solves ``v (M - I) = 0, sum(v) = 1`` exactly (least
    squares on the stacked system); otherwise the Cesàro average of the
    distribution over 12 consecutive turns after ``2**40`` turns is returned,
    exact for the periodic orbits of deterministic players (periods 1 to 4).
    """
    sp, sq = _spec_of(p, "p"), _spec_of(q, "q")
    m = _transition_matrix(sp.p, sq.p)
    a = m.T - np.eye(4)
    # unique stationary distribution iff the eigenvalue 1 is simple
    sing = np.linalg.svd(a, compute_uv=False)
    if sing[-2] > 1e-10:
        system = np.vstack([a, np.ones((1, 4))])
        rhs = np.zeros(5)
        rhs[4] = 1.0
        v = np.linalg.lstsq(system, rhs, rcond=None)[0]
        v = np.clip(v, 0.0, None)
        return v / v.sum()
    if from_start is False:
        raise ValueError(
            "the chain has several stationary distributions; the limit depends on the start"
        )
    x0, y0 = sp.initial, sq.initial
    v = np.array([x0 * y0, x0 * (1 - y0), (1 - x0) * y0, (1 - x0) * (1 - y0)])
    power = m.copy()
    for _ in range(40):
        power = power @ power
        # keep the rows summing to one: forty squarings otherwise compound the
        # rounding (a row sum of 0.999996 was seen)
        power /= power.sum(axis=1, keepdims=True)
    v = v @ power
    total = np.zeros(4)
    for _ in range(12):
        total += v
        v = v @ m
    return total / total.sum()


def stationary_payoffs(p: Any, q: Any, game: Any = None) -> tuple[float, float]:
    """Long-run payoffs per turn ``(s_X, s_Y)`` of two memory-one players.

    Parameters
    ----------
    p, q
        See :func:`stationary_distribution`.
    game
        A 2x2 :class:`~cooplab.games.NormalFormGame` (X is the row player) or
        ``None`` for the prisoner's dilemma (R, S, T, P) = (3, 0, 5, 1).

    Examples
    --------
    Press & Dyson's extortioner with chi = 3 against full cooperation:

    >>> sx, sy = stationary_payoffs(ZDExtort3().as_memory_one(), [1, 1, 1, 1])
    >>> round((sx - 1) / (sy - 1), 9)
    3.0
    """
    from cooplab.repeated.match import stage_payoffs

    tables = stage_payoffs(game)
    v = stationary_distribution(p, q)
    own = np.array([tables[0][0, 0], tables[0][0, 1], tables[0][1, 0], tables[0][1, 1]])
    other = np.array([tables[1][0, 0], tables[1][1, 0], tables[1][0, 1], tables[1][1, 1]])
    return float(v @ own), float(v @ other)


# ---------------------------------------------------------------------------
# The memory-one base
# ---------------------------------------------------------------------------
class _MemoryOneBase(Strategy):
    """Plays from ``self._vector`` (set by subclasses in ``_reset``) and ``self._initial``."""

    _vector: tuple[float, float, float, float]
    _initial: float

    @property
    def stochastic(self) -> bool:
        spec = self.as_memory_one()
        return not spec.deterministic

    @property
    def memory_depth(self) -> float:
        spec = self.as_memory_one()
        if len(set(spec.p)) == 1 and spec.p[0] in (0.0, 1.0) and spec.initial == spec.p[0]:
            return 0
        return 1

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec(self._vector, self._initial)

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            p = self._initial
        else:
            p = self._vector[2 * int(history.own[-1]) + int(history.opponent[-1])]
        if p >= 1.0:
            return C
        if p <= 0.0:
            return D
        return C if rng.random() < p else D


@dataclass(eq=True)
class MemoryOne(_MemoryOneBase):
    """The general memory-one strategy.

    Parameters
    ----------
    p_cc, p_cd, p_dc, p_dd : float
        Probability of cooperating after the outcome CC, CD, DC, DD of the
        previous round (own action first). Default: Win-Stay Lose-Shift.
    initial : float
        Probability of cooperating on the first move.
    """

    p_cc: float = 1.0
    p_cd: float = 0.0
    p_dc: float = 0.0
    p_dd: float = 1.0
    initial: float = 1.0

    meta = Meta(
        "memory_one",
        "Memory One",
        1,
        stochastic=True,
        reference="Nowak & Sigmund (1993)",
        tags=frozenset({"memory_one"}),
    )

    def validate(self) -> None:
        for name in ("p_cc", "p_cd", "p_dc", "p_dd", "initial"):
            setattr(self, name, check_probability(name, getattr(self, name)))

    def _reset(self) -> None:
        self._vector = (self.p_cc, self.p_cd, self.p_dc, self.p_dd)
        self._initial = self.initial


@dataclass(eq=True)
class ReactiveStrategy(_MemoryOneBase):
    """Cooperates with probability ``p`` after the opponent's C and ``q`` after
    its D (Nowak & Sigmund 1992's reactive strategies)."""

    p: float = 1.0
    q: float = 1 / 3
    initial: float = 1.0

    meta = Meta(
        "reactive",
        "Reactive",
        1,
        stochastic=True,
        reference="Nowak & Sigmund (1992)",
        tags=frozenset({"memory_one"}),
    )

    def validate(self) -> None:
        for name in ("p", "q", "initial"):
            setattr(self, name, check_probability(name, getattr(self, name)))

    def _reset(self) -> None:
        self._vector = (self.p, self.q, self.p, self.q)
        self._initial = self.initial


@dataclass(eq=True)
class GenerousTitForTat(_MemoryOneBase):
    """Tit for tat that forgives a defection with probability ``p``
    (Nowak & Sigmund 1992). By default
    ``p = min(1 - (T - R) / (R - S), (R - P) / (T - P))`` (1/3 in the standard
    prisoner's dilemma)."""

    p: float | None = None

    meta = Meta(
        "generous_tit_for_tat",
        "Generous Tit For Tat",
        1,
        stochastic=True,
        reference="Nowak & Sigmund (1992); Molander (1985)",
        tags=frozenset(
            {"nice", "retaliating", "forgiving", "memory_one", "tit_for_tat", "uses_payoffs"}
        ),
        uses_payoffs=True,
        aliases=("gtft",),
    )

    def validate(self) -> None:
        if self.p is not None:
            self.p = check_probability("p", self.p)

    def _reset(self) -> None:
        info = self.match_info
        if self.p is None:
            p = min(
                1 - (info.T - info.R) / (info.R - info.S), (info.R - info.P) / (info.T - info.P)
            )
            p = check_probability("the generosity computed from the payoffs", p)
        else:
            p = self.p
        self._vector = (1.0, p, 1.0, p)
        self._initial = 1.0


@dataclass(eq=True)
class FirmButFair(_MemoryOneBase):
    """Cooperates except after being exploited (CD); after mutual defection
    cooperates with probability 2/3 (Frean 1994)."""

    meta = Meta(
        "firm_but_fair",
        "Firm But Fair",
        1,
        stochastic=True,
        reference="Frean (1994)",
        tags=frozenset({"nice", "retaliating", "forgiving", "memory_one"}),
    )

    def _reset(self) -> None:
        self._vector = (1.0, 0.0, 1.0, 2 / 3)
        self._initial = 1.0


@dataclass(eq=True)
class StochasticCooperator(_MemoryOneBase):
    """The evolved memory-one vector (0.935, 0.229, 0.266, 0.42) of Adami &
    Hintze (2013)."""

    meta = Meta(
        "stochastic_cooperator",
        "Stochastic Cooperator",
        1,
        stochastic=True,
        reference="Adami & Hintze (2013)",
        tags=frozenset({"memory_one"}),
    )

    def _reset(self) -> None:
        self._vector = (0.935, 0.229, 0.266, 0.42)
        self._initial = 1.0


@dataclass(eq=True)
class StochasticWinStayLoseShift(_MemoryOneBase):
    """Win-Stay Lose-Shift that errs with probability ``epsilon``:
    ``(1 - e, e, e, 1 - e)``."""

    epsilon: float = 0.05

    meta = Meta(
        "stochastic_win_stay_lose_shift",
        "Stochastic WSLS",
        1,
        stochastic=True,
        reference="Axelrod library",
        tags=frozenset({"memory_one"}),
    )

    def validate(self) -> None:
        self.epsilon = check_probability("epsilon", self.epsilon)

    def _reset(self) -> None:
        e = self.epsilon
        self._vector = (1.0 - e, e, e, 1.0 - e)
        self._initial = 1.0


@dataclass(eq=True)
class SoftJoss(_MemoryOneBase):
    """Cooperates after the opponent's C; after its D defects with
    probability ``q`` (Prison 1998)."""

    q: float = 0.9

    meta = Meta(
        "soft_joss",
        "Soft Joss",
        1,
        stochastic=True,
        reference="Prison (1998)",
        tags=frozenset({"memory_one", "nice"}),
    )

    def validate(self) -> None:
        self.q = check_probability("q", self.q)

    def _reset(self) -> None:
        self._vector = (1.0, 1 - self.q, 1.0, 1 - self.q)
        self._initial = 1.0


# ---------------------------------------------------------------------------
# Zero-determinant strategies
# ---------------------------------------------------------------------------
def zd_vector(
    info: MatchInfo, *, alpha: float, beta: float, gamma: float
) -> tuple[float, float, float, float]:
    """The memory-one vector with ``p~ = alpha S_X + beta S_Y + gamma`` (Press & Dyson 2012, eq. 7).

    Raises ``ValueError`` when a probability falls outside [0, 1].
    """
    R, S, T, P = info.R, info.S, info.T, info.P
    # Y's payoffs seen in X's outcome order (CC, CD, DC, DD)
    oy = info.opponent_payoffs
    sy = (oy[0][0], oy[1][0], oy[0][1], oy[1][1])
    sx = (R, S, T, P)
    tilde = [alpha * a + beta * b + gamma for a, b in zip(sx, sy, strict=True)]
    p = [tilde[0] + 1, tilde[1] + 1, tilde[2], tilde[3]]
    out = []
    for k, v in enumerate(p):
        if -_ROUND <= v < 0:
            v = 0.0
        elif 1 < v <= 1 + _ROUND:
            v = 1.0
        if not (0.0 <= v <= 1.0) or math.isnan(v):
            raise ValueError(
                f"these zero-determinant parameters give p[{('CC', 'CD', 'DC', 'DD')[k]}] = {v:.6g}, "
                "outside [0, 1]; make phi smaller (or chi closer to 1)"
            )
        out.append(v)
    return (out[0], out[1], out[2], out[3])


class _ZeroDeterminantBase(_MemoryOneBase):
    """``p~ = phi [(S_X - l) - chi (S_Y - l)]`` with ``(chi, phi, l)`` from ``_parameters``."""

    chi: float
    phi: float
    initial: float

    def _parameters(self, info: MatchInfo) -> tuple[float, float, float]:
        raise NotImplementedError

    def validate(self) -> None:
        self.initial = check_probability("initial", self.initial)
        for name in ("chi", "phi"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(f"{name} must be a finite number; got {v!r}")
        if self.phi <= 0:
            raise ValueError(f"phi must be positive; got {self.phi}")
        self._vector_for(MatchInfo())  # raises on impossible parameters

    def _vector_for(self, info: MatchInfo) -> tuple[float, float, float, float]:
        chi, phi, baseline = self._parameters(info)
        return zd_vector(info, alpha=phi, beta=-phi * chi, gamma=phi * (chi - 1) * baseline)

    def _reset(self) -> None:
        self._vector = self._vector_for(self.match_info)
        self._initial = self.initial


@dataclass(eq=True)
class ZeroDeterminant(_ZeroDeterminantBase):
    """The general zero-determinant strategy ``p~ = phi [(S_X - l) - chi (S_Y - l)]``,
    which enforces ``s_X - l = chi (s_Y - l)`` (Press & Dyson 2012; Hilbe et
    al. 2013's linear relations with slope ``1/chi`` and baseline ``l``).

    Parameters
    ----------
    chi : float
        The slope (extortion factor), ``chi >= 1`` for extortion and
        generosity.
    phi : float
        The scale, ``phi > 0`` and small enough that all probabilities lie in
        [0, 1].
    baseline : float
        The payoff ``l`` the relation pivots on: ``P`` for extortion, ``R``
        for generosity.
    initial : float
        Probability of cooperating on the first move.
    """

    chi: float = 2.0
    phi: float = 1 / 18
    baseline: float = 1.0
    initial: float = 1.0

    meta = Meta(
        "zero_determinant",
        "Zero Determinant",
        1,
        stochastic=True,
        reference="Press & Dyson (2012); Hilbe, Nowak & Sigmund (2013)",
        tags=frozenset({"memory_one", "zero_determinant", "uses_payoffs"}),
        uses_payoffs=True,
    )

    def _parameters(self, info: MatchInfo) -> tuple[float, float, float]:
        return self.chi, self.phi, self.baseline


@dataclass(eq=True)
class ExtortionateZD(_ZeroDeterminantBase):
    """Press & Dyson's extortioner: enforces ``s_X - P = chi (s_Y - P)``.

    ``chi = 3, phi = 1/26`` is Press & Dyson's example (11/13, 1/2, 7/26, 0).
    """

    chi: float = 3.0
    phi: float = 1 / 26
    initial: float = 1.0

    meta = Meta(
        "extortionate_zd",
        "Extortionate ZD",
        1,
        stochastic=True,
        reference="Press & Dyson (2012)",
        tags=frozenset({"memory_one", "zero_determinant", "uses_payoffs"}),
        uses_payoffs=True,
    )

    def _parameters(self, info: MatchInfo) -> tuple[float, float, float]:
        return self.chi, self.phi, info.P


@dataclass(eq=True)
class GenerousZD(_ZeroDeterminantBase):
    """Stewart & Plotkin's generous ZD strategy: enforces ``s_X - R = chi (s_Y - R)``,
    so that it never scores more than its opponent in the long run and both
    get ``R`` together."""

    chi: float = 2.0
    phi: float = 1 / 8
    initial: float = 1.0

    meta = Meta(
        "generous_zd",
        "Generous ZD",
        1,
        stochastic=True,
        reference="Stewart & Plotkin (2013)",
        tags=frozenset({"memory_one", "zero_determinant", "nice", "forgiving", "uses_payoffs"}),
        uses_payoffs=True,
    )

    def _parameters(self, info: MatchInfo) -> tuple[float, float, float]:
        return self.chi, self.phi, info.R


@dataclass(eq=True)
class Equalizer(_MemoryOneBase):
    """Press & Dyson's equalizer: sets the opponent's long-run payoff to
    ``target`` (between P and R) whatever the opponent does,
    ``p~ = -phi (S_Y - target)``.

    ``target = 2, phi = 1/3`` is Press & Dyson's example (2/3, 0, 2/3, 1/3).
    """

    target: float = 2.0
    phi: float = 1 / 3
    initial: float = 1.0

    meta = Meta(
        "equalizer",
        "Equalizer",
        1,
        stochastic=True,
        reference="Press & Dyson (2012)",
        tags=frozenset({"memory_one", "zero_determinant", "uses_payoffs"}),
        uses_payoffs=True,
    )

    def validate(self) -> None:
        self.initial = check_probability("initial", self.initial)
        if self.phi <= 0:
            raise ValueError(f"phi must be positive; got {self.phi}")
        self._vector_for(MatchInfo())

    def _vector_for(self, info: MatchInfo) -> tuple[float, float, float, float]:
        return zd_vector(info, alpha=0.0, beta=-self.phi, gamma=self.phi * self.target)

    def _reset(self) -> None:
        self._vector = self._vector_for(self.match_info)
        self._initial = self.initial


_M = __name__
# Presets with the Axelrod library's parameters (Hilbe et al.'s phi_H = chi * phi).
ZDExtort2 = variant(
    ExtortionateZD,
    "ZDExtort2",
    "zd_extort_2",
    "ZD-Extort-2",
    "Extortionate ZD strategy with chi = 2 (Stewart & Plotkin 2012's ZD-Extort-2).",
    module=_M,
    reference="Stewart & Plotkin (2012)",
    chi=2.0,
    phi=1 / 18,
)
ZDExtort3 = variant(
    ExtortionateZD,
    "ZDExtort3",
    "zd_extort_3",
    "ZD-Extort-3",
    "Press & Dyson's extortioner with chi = 3: (11/13, 1/2, 7/26, 0).",
    module=_M,
    chi=3.0,
    phi=1 / 26,
)
ZDExtort4 = variant(
    ExtortionateZD,
    "ZDExtort4",
    "zd_extort_4",
    "ZD-Extort-4",
    "Extortionate ZD strategy with chi = 4.",
    module=_M,
    chi=4.0,
    phi=1 / 17,
)
ZDGTFT2 = variant(
    GenerousZD,
    "ZDGTFT2",
    "zd_gtft_2",
    "ZD-GTFT-2",
    "Generous ZD strategy with chi = 2 (Stewart & Plotkin 2012's ZD-GTFT-2).",
    module=_M,
    reference="Stewart & Plotkin (2012)",
    chi=2.0,
    phi=1 / 8,
)
ZDGen2 = variant(
    GenerousZD,
    "ZDGen2",
    "zd_gen_2",
    "ZD-GEN-2",
    "Generous ZD strategy with chi = 2 and phi = 1/16 (Axelrod library's ZD-GEN-2).",
    module=_M,
    chi=2.0,
    phi=1 / 16,
)
ZDSet2 = variant(
    Equalizer,
    "ZDSet2",
    "zd_set_2",
    "ZD-SET-2",
    "Equalizer setting the opponent's payoff to 2 (Axelrod library's ZD-SET-2).",
    module=_M,
    target=2.0,
    phi=1 / 4,
)
