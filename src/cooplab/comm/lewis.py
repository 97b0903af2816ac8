"""The Lewis signaling game and the tabular learners that play it.

A Lewis (1969) signaling game: nature draws a state ``s`` from a prior, the
sender sees it and sends a signal ``m``, the receiver sees only the signal and
chooses an act ``a``; both are paid 1 when ``a == s`` and 0 otherwise. With
``n`` states, signals and acts, the *signaling systems* (the sender's map a
bijection, the receiver's its inverse) pay 1; *partial pooling* equilibria,
where several states share a signal, pay less and are equilibria all the same
(Skyrms 2010, *Signals*, ch. 1 and 8).

Two learners, each batched over ``runs`` independent runs as arrays:

- :class:`RothErev`: Roth and Erev (1995) reinforcement, the "basic urn" of
  Skyrms (2010, ch. 7) and Argiento, Pemantle, Skyrms and Volkov (2009): the
  sender keeps an urn of signal weights per state, the receiver an urn of act
  weights per signal; each plays by drawing in proportion to the weights, and
  on success both add ``reward`` to the weight they just used.
- :class:`Replicator`: two-population replicator dynamics in behavioural
  (agent) form: one population of senders per state and one of receivers per
  signal, each strategy growing at the rate its payoff exceeds the mean
  (Taylor and Jonker 1978; for signaling games Huttegger 2007, Pawlowitsch
  2008, Huttegger, Skyrms, Smead and Zollman 2010). It is the mean field of
  the urn learner (Hopkins and Posch 2005, Beggs 2005), integrated here with
  a multiplicative Euler step from random initial conditions (uniform on each
  simplex).

:func:`classify` reads a pair of (batched) strategies as the equilibrium it is
heading to: a signaling system, partial pooling (``1 < k < n`` signals in
use), total pooling (one signal for every state), or unsettled.

Known results the tests and the ``signaling-equilibria`` experiment check:
with two equiprobable states the basic urn reaches a signaling system with
probability one (Argiento et al. 2009); with three states about one run in ten
ends in partial pooling, and more as the number of states grows (Barrett 2006,
Skyrms 2010 ch. 8); unequal priors make pooling more likely (Skyrms 2010 ch. 8;
Huttegger 2007 for the replicator dynamics).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.runtime.rng import RngLike, as_generator

__all__ = [
    "KINDS",
    "PARTIAL_POOLING",
    "POOLING",
    "SIGNALING_SYSTEM",
    "UNSETTLED",
    "LewisGame",
    "Replicator",
    "RothErev",
    "SignalingOutcome",
    "classify",
    "equilibrium_regret",
    "expected_success",
    "skewed_prior",
]

SIGNALING_SYSTEM = "signaling system"
PARTIAL_POOLING = "partial pooling"
POOLING = "total pooling"
UNSETTLED = "unsettled"
#: The outcome kinds :func:`classify` reports, in this order in its counts.
KINDS = (SIGNALING_SYSTEM, PARTIAL_POOLING, POOLING, UNSETTLED)


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def skewed_prior(n_states: int, skew: float) -> tuple[float, ...]:
    """A prior that puts ``skew`` on the first state and splits the rest evenly.

    ``skew = 1 / n_states`` is the uniform prior. Used by the experiment to
    skew the prior one step at a time.

    Examples
    --------
    >>> skewed_prior(3, 0.5)
    (0.5, 0.25, 0.25)
    """
    n = _positive_int("n_states", n_states, 2)
    if isinstance(skew, bool) or not isinstance(skew, numbers.Real) or not 0 < skew < 1:
        raise ValueError(f"skew must be a probability strictly between 0 and 1; got {skew!r}")
    rest = (1.0 - float(skew)) / (n - 1)
    return (float(skew),) + (rest,) * (n - 1)


@dataclass(frozen=True)
class LewisGame:
    """A Lewis signaling game: ``n_states`` states and acts, ``n_signals`` signals.

    Parameters
    ----------
    n_states
        States of the world, and acts (act ``s`` is right in state ``s``); at least 2.
    n_signals
        Signals the sender can send; ``None`` means as many as states.
    prior
        Probability of each state; ``None`` means uniform.

    Examples
    --------
    >>> g = LewisGame(3)
    >>> g.prior
    (0.3333333333333333, 0.3333333333333333, 0.3333333333333333)
    >>> ident = np.eye(3)
    >>> float(g.expected_success(ident, ident))
    1.0
    """

    n_states: int
    n_signals: int | None = None
    prior: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        n = _positive_int("n_states", self.n_states, 2)
        m = n if self.n_signals is None else _positive_int("n_signals", self.n_signals, 1)
        object.__setattr__(self, "n_states", n)
        object.__setattr__(self, "n_signals", m)
        if self.prior is None:
            object.__setattr__(self, "prior", (1.0 / n,) * n)
        else:
            p = np.asarray(self.prior, dtype=float)
            if p.shape != (n,):
                raise ValueError(f"prior must have one probability per state ({n}); got {p.shape}")
            if not np.all(np.isfinite(p)) or np.any(p < 0) or abs(p.sum() - 1.0) > 1e-9:
                raise ValueError(
                    f"prior must be non-negative and sum to 1; got {tuple(self.prior)}"
                )
            object.__setattr__(self, "prior", tuple(float(x) for x in p))

    @property
    def prior_array(self) -> npt.NDArray[np.float64]:
        """The prior as an array, shape ``(n_states,)``."""
        return np.asarray(self.prior, dtype=float)

    def expected_success(
        self, sender: npt.ArrayLike, receiver: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """See :func:`expected_success`."""
        return expected_success(self, sender, receiver)

    def optimum(self) -> float:
        """The best expected success: 1 when there are at least as many signals as states."""
        p = np.sort(self.prior_array)[::-1]
        return float(p[: int(self.n_signals)].sum())  # type: ignore[misc]


def _check_strategies(
    game: LewisGame, sender: npt.ArrayLike, receiver: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    s = np.asarray(sender, dtype=float)
    r = np.asarray(receiver, dtype=float)
    n, m = game.n_states, int(game.n_signals)  # type: ignore[arg-type]
    if s.ndim < 2 or s.shape[-2:] != (n, m):
        raise ValueError(f"sender must have shape (..., {n}, {m}) (states, signals); got {s.shape}")
    if r.ndim < 2 or r.shape[-2:] != (m, n):
        raise ValueError(f"receiver must have shape (..., {m}, {n}) (signals, acts); got {r.shape}")
    for name, x in (("sender", s), ("receiver", r)):
        if not np.all(np.isfinite(x)) or np.any(x < -1e-12):
            raise ValueError(f"{name} must hold probabilities (finite, non-negative)")
        if not np.allclose(x.sum(axis=-1), 1.0, atol=1e-6):
            raise ValueError(f"each row of {name} must sum to 1")
    return s, r


def expected_success(
    game: LewisGame, sender: npt.ArrayLike, receiver: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """The probability that the receiver's act matches the state.

    ``sum_s prior[s] sum_m sender[..., s, m] receiver[..., m, s]``.

    Parameters
    ----------
    game
        The game.
    sender
        Shape ``(..., n_states, n_signals)``: row ``s`` the distribution of signals in state ``s``.
    receiver
        Shape ``(..., n_signals, n_states)``: row ``m`` the distribution of acts on signal ``m``.

    Returns
    -------
    ndarray
        Shape ``(...)``, the leading (batch) shape of the strategies.
    """
    s, r = _check_strategies(game, sender, receiver)
    # (..., s, m) * (..., m, s)^T -> diagonal of S @ R
    hit = np.einsum("...sm,...ms->...s", s, r)
    return np.asarray(hit @ game.prior_array, dtype=float)


@dataclass(frozen=True)
class SignalingOutcome:
    """What a batch of strategy pairs is heading to.

    Attributes
    ----------
    kind
        Shape ``(runs,)``: one of :data:`KINDS` per run.
    signals_used
        Shape ``(runs,)``: signals some state sends with probability at least ``edge``.
    success
        Shape ``(runs,)``: expected success of the strategies as they are.
    bound
        Shape ``(runs,)``: the best success the grouping of states allows, the largest prior
        in each group summed (the equilibrium success of the pooling it is at; 1 for a
        signaling system).
    """

    kind: tuple[str, ...]
    signals_used: npt.NDArray[np.int64]
    success: npt.NDArray[np.float64]
    bound: npt.NDArray[np.float64]

    def counts(self) -> dict[str, int]:
        """Runs of each kind, in the order of :data:`KINDS`."""
        return {k: sum(1 for x in self.kind if x == k) for k in KINDS}

    def share(self, kind: str) -> float:
        """The share of runs of ``kind``."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
        return self.counts()[kind] / max(1, len(self.kind))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": list(self.kind),
            "signals_used": self.signals_used.tolist(),
            "success": self.success.tolist(),
            "bound": self.bound.tolist(),
            "counts": self.counts(),
        }


def equilibrium_regret(
    game: LewisGame, sender: npt.ArrayLike, receiver: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """How far a pair of strategies is from a Nash equilibrium of the Lewis game.

    The sum of the sender's and the receiver's regrets, each weighted by how
    often its information set is reached:
    ``sum_s prior[s] (max_m y[m, s] - sum_m x[s, m] y[m, s])``
    ``+ sum_m (max_a prior[a] x[a, m] - sum_a y[m, a] prior[a] x[a, m])``.
    Zero exactly at an equilibrium; at most 2.

    Parameters
    ----------
    sender, receiver
        Shapes ``(..., n_states, n_signals)`` and ``(..., n_signals, n_states)``.

    Returns
    -------
    ndarray
        Shape ``(...)``.
    """
    x, y = _check_strategies(game, sender, receiver)
    prior = game.prior_array
    payoff_s = np.swapaxes(y, -1, -2)  # [s, m] = y[m, s]
    got_s = (x * payoff_s).sum(axis=-1)
    sender_regret = ((payoff_s.max(axis=-1) - got_s) * prior).sum(axis=-1)
    payoff_r = prior[:, None] * x  # [a, m] = prior[a] x[a, m]
    payoff_r = np.swapaxes(payoff_r, -1, -2)  # [m, a]
    got_r = (y * payoff_r).sum(axis=-1)
    receiver_regret = (payoff_r.max(axis=-1) - got_r).sum(axis=-1)
    return np.asarray(sender_regret + receiver_regret, dtype=float)


def _components(edges: npt.NDArray[np.bool_]) -> list[list[int]]:
    """Connected groups of rows: rows ``i`` and ``j`` are linked when both have column ``c``.

    With ``edges`` a symmetric (n, n) adjacency, the connected components of that graph.
    """
    n = edges.shape[0]
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for m in range(edges.shape[1]):
        states = np.flatnonzero(edges[:, m])
        for s in states[1:]:
            parent[find(int(s))] = find(int(states[0]))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def classify(
    game: LewisGame,
    sender: npt.ArrayLike,
    receiver: npt.ArrayLike,
    *,
    tol: float = 0.05,
    edge: float = 0.1,
) -> SignalingOutcome:
    """Classify each run's strategies as the equilibrium they are at (or next to).

    A run is *settled* when its :func:`equilibrium_regret` is at most ``tol``
    (reinforcement converges at a ``1/t`` pace and some runs linger near mixed
    states; they are reported as *unsettled*, not forced into a class). The
    states of a settled run are grouped by what the receiver does in them:
    the channel ``P(act | state) = sender @ receiver`` has one row per state,
    and two states are pooled when their rows are closer than ``1/2`` in total
    variation (linked through a chain of such pairs). Synonyms (a state
    spreading over several signals that all mean it) do not pool. Then:

    - *signaling system*: every state alone in its group;
    - *total pooling*: all states in one group (the signal carries no information);
    - *partial pooling*: anything between (Pawlowitsch 2008; Huttegger,
      Skyrms, Smead and Zollman 2010).

    Parameters
    ----------
    game
        The game.
    sender, receiver
        Shapes ``(runs, n_states, n_signals)`` and ``(runs, n_signals, n_states)``,
        or without the leading axis for one pair.
    tol
        The equilibrium regret below which a run counts as settled.
    edge
        The probability from which a state counts as using a signal (for
        ``signals_used`` only).

    Examples
    --------
    >>> g = LewisGame(3)
    >>> pool = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0]], float)   # states 0, 1 share signal 0
    >>> recv = np.array([[0.5, 0.5, 0], [0, 0, 1], [1 / 3, 1 / 3, 1 / 3]])
    >>> out = classify(g, pool, recv)
    >>> out.kind, out.signals_used.tolist(), round(float(out.bound[0]), 4)
    (('partial pooling',), [2], 0.6667)
    """
    s, r = _check_strategies(game, sender, receiver)
    for name, v, lo in (("tol", tol, 0.0), ("edge", edge, 0.0)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not lo < v < 1:
            raise ValueError(f"{name} must be a number strictly between 0 and 1; got {v!r}")
    if s.ndim == 2:
        s, r = s[None], r[None]
    if s.ndim != 3 or r.ndim != 3 or s.shape[0] != r.shape[0]:
        raise ValueError(
            f"sender and receiver must be one pair or one batch of runs; got {s.shape} and {r.shape}"
        )
    n = game.n_states
    prior = game.prior_array
    runs = s.shape[0]
    regret = equilibrium_regret(game, s, r)
    used = (s >= edge).any(axis=1).sum(axis=-1).astype(np.int64)
    channel = s @ r  # (runs, n, n): P(act | state)
    tv = 0.5 * np.abs(channel[:, :, None, :] - channel[:, None, :, :]).sum(axis=-1)
    linked = tv < 0.5  # (runs, n, n)
    bound = np.zeros(runs)
    kinds = []
    for k in range(runs):
        groups = _components(linked[k])
        bound[k] = sum(prior[g].max() for g in groups)
        if regret[k] > tol:
            kinds.append(UNSETTLED)
        elif len(groups) == n:
            kinds.append(SIGNALING_SYSTEM)
        elif len(groups) == 1:
            kinds.append(POOLING)
        else:
            kinds.append(PARTIAL_POOLING)
    success = expected_success(game, s, r)
    return SignalingOutcome(
        kind=tuple(kinds), signals_used=used, success=np.asarray(success, float), bound=bound
    )


def _sample_rows(weights: npt.NDArray[np.float64], u: npt.NDArray[np.float64]) -> np.ndarray:
    """Index drawn from each row of ``weights`` (runs, k) in proportion, with uniforms ``u`` (runs,)."""
    cum = np.cumsum(weights, axis=1)
    target = u * cum[:, -1]
    idx = (cum <= target[:, None]).sum(axis=1)
    return np.minimum(idx, weights.shape[1] - 1)


class RothErev:
    """Roth–Erev (basic urn) learning in a Lewis game, batched over runs.

    Every run plays the game once per step: a state from the prior, a signal
    drawn from the sender's urn for that state, an act drawn from the
    receiver's urn for that signal; on success ``reward`` is added to both
    balls just drawn (Skyrms 2010, ch. 7; Argiento et al. 2009).

    Parameters
    ----------
    game
        The Lewis game.
    runs
        Independent runs, stepped together as arrays.
    initial
        Initial weight of every ball (1 in the basic urn).
    reward
        Weight added on success (1 in the basic urn).
    rng
        Seed or generator.

    Attributes
    ----------
    sender_weights
        Shape ``(runs, n_states, n_signals)``.
    receiver_weights
        Shape ``(runs, n_signals, n_states)``.
    plays
        Plays so far (per run).

    Examples
    --------
    >>> learner = RothErev(LewisGame(2), runs=200, rng=0).run(5000)
    >>> out = classify(learner.game, learner.sender, learner.receiver)
    >>> out.share("signaling system") > 0.9, out.share("total pooling")
    (True, 0.0)
    """

    def __init__(
        self,
        game: LewisGame,
        runs: int = 1,
        *,
        initial: float = 1.0,
        reward: float = 1.0,
        rng: RngLike = None,
    ) -> None:
        if not isinstance(game, LewisGame):
            raise TypeError(f"game must be a LewisGame; got {type(game).__name__}")
        self.game = game
        self.runs = _positive_int("runs", runs)
        for name, v in (("initial", initial), ("reward", reward)):
            if (
                isinstance(v, bool)
                or not isinstance(v, numbers.Real)
                or not np.isfinite(v)
                or v <= 0
            ):
                raise ValueError(f"{name} must be a positive finite number; got {v!r}")
        self.rng = as_generator(rng)
        n, m = game.n_states, int(game.n_signals)  # type: ignore[arg-type]
        self.sender_weights = np.full((self.runs, n, m), float(initial))
        self.receiver_weights = np.full((self.runs, m, n), float(initial))
        self.reward = float(reward)
        self.plays = 0
        self.successes = np.zeros(self.runs, dtype=np.int64)
        self._cum_prior = np.cumsum(game.prior_array)

    def step(self, n: int = 1) -> RothErev:
        """Play ``n`` rounds in every run."""
        n = _positive_int("n", n, 0)
        runs, nstates = self.runs, self.game.n_states
        nsignals = self.sender_weights.shape[2]
        # Flat views: row ``run * n_states + state`` of the sender's urns, ``run * n_signals +
        # signal`` of the receiver's; one fancy index per draw instead of two.
        sw = self.sender_weights.reshape(runs * nstates, nsignals)
        rw = self.receiver_weights.reshape(runs * nsignals, nstates)
        base_s = np.arange(runs) * nstates
        base_r = np.arange(runs) * nsignals
        done = 0
        while done < n:
            chunk = min(n - done, 1024)
            u = self.rng.random((chunk, 3, runs))
            states = np.minimum(
                np.searchsorted(self._cum_prior, u[:, 0], side="right"), nstates - 1
            )
            for t in range(chunk):
                state = states[t]
                srow = base_s + state
                signal = _sample_rows(sw[srow], u[t, 1])
                rrow = base_r + signal
                act = _sample_rows(rw[rrow], u[t, 2])
                win = act == state
                sw[srow[win], signal[win]] += self.reward
                rw[rrow[win], act[win]] += self.reward
                self.successes += win
            done += chunk
        self.plays += n
        return self

    def run(self, plays: int) -> RothErev:
        """Alias of :meth:`step` that reads better for a whole run."""
        return self.step(plays)

    @property
    def sender(self) -> npt.NDArray[np.float64]:
        """The sender's mixed strategy, shape ``(runs, n_states, n_signals)``."""
        w = self.sender_weights
        return w / w.sum(axis=-1, keepdims=True)

    @property
    def receiver(self) -> npt.NDArray[np.float64]:
        """The receiver's mixed strategy, shape ``(runs, n_signals, n_states)``."""
        w = self.receiver_weights
        return w / w.sum(axis=-1, keepdims=True)


class Replicator:
    """Two-population replicator dynamics of a Lewis game (behavioural form), batched over runs.

    The sender population at state ``s`` plays signal ``m`` with frequency
    ``x[s, m]``, the receiver population at signal ``m`` plays act ``a`` with
    frequency ``y[m, a]``. Payoffs: ``F[s, m] = prior[s] y[m, s]`` and
    ``G[m, a] = prior[a] x[a, m]``; each frequency grows at its payoff minus
    the population mean, ``dx/dt = x (F - <x, F>)`` (Taylor and Jonker 1978;
    Huttegger et al. 2010). Integrated with the multiplicative step
    ``x <- x exp(dt (F - <x, F>))``, renormalised, which stays on the simplex
    and agrees with the flow to first order in ``dt``.

    Parameters
    ----------
    game
        The Lewis game.
    runs
        Independent runs (initial conditions), stepped together.
    dt
        Integration step.
    rng
        Seed or generator: the initial conditions, uniform on each simplex
        (Dirichlet(1)), as in Huttegger et al. (2010).

    Examples
    --------
    >>> dyn = Replicator(LewisGame(2), runs=100, rng=0).run(2000)
    >>> classify(dyn.game, dyn.sender, dyn.receiver).share("signaling system")
    1.0
    """

    def __init__(
        self, game: LewisGame, runs: int = 1, *, dt: float = 0.5, rng: RngLike = None
    ) -> None:
        if not isinstance(game, LewisGame):
            raise TypeError(f"game must be a LewisGame; got {type(game).__name__}")
        self.game = game
        self.runs = _positive_int("runs", runs)
        if (
            isinstance(dt, bool)
            or not isinstance(dt, numbers.Real)
            or not np.isfinite(dt)
            or dt <= 0
        ):
            raise ValueError(f"dt must be a positive finite number; got {dt!r}")
        self.dt = float(dt)
        self.rng = as_generator(rng)
        n, m = game.n_states, int(game.n_signals)  # type: ignore[arg-type]
        self.sender = self.rng.dirichlet(np.ones(m), size=(self.runs, n))
        self.receiver = self.rng.dirichlet(np.ones(n), size=(self.runs, m))
        self.time = 0.0

    def step(self, n: int = 1) -> Replicator:
        """Advance ``n`` integration steps."""
        n = _positive_int("n", n, 0)
        prior = self.game.prior_array
        x, y = self.sender, self.receiver
        for _ in range(n):
            f = prior[None, :, None] * np.swapaxes(y, 1, 2)  # F[s, m] = prior[s] y[m, s]
            g = prior[None, None, :] * np.swapaxes(x, 1, 2)  # G[m, a] = prior[a] x[a, m]
            fx = f - (x * f).sum(axis=-1, keepdims=True)
            gy = g - (y * g).sum(axis=-1, keepdims=True)
            x = x * np.exp(self.dt * fx)
            y = y * np.exp(self.dt * gy)
            x /= x.sum(axis=-1, keepdims=True)
            y /= y.sum(axis=-1, keepdims=True)
        self.sender, self.receiver = x, y
        self.time += n * self.dt
        return self

    def run(self, steps: int) -> Replicator:
        """Alias of :meth:`step`."""
        return self.step(steps)
