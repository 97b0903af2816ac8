"""Evolution of strategies: Moran process, replicator dynamics, Axelrod's ecology, invasion.

Every function here works on a payoff matrix ``A`` of shape ``(K, K)``:
``A[i, j]`` is what a player of type ``i`` earns against a player of type
``j`` (per turn, as :attr:`TournamentResult.payoff_matrix
<cooplab.repeated.tournament.TournamentResult.payoff_matrix>`, or per round
from :func:`memory_one_payoff_matrix`). A
:class:`~cooplab.repeated.tournament.TournamentResult` is accepted wherever a
matrix is (it needs ``self_play=True``: the diagonal is the payoff against a
twin).

* :func:`fixation_probability`: the exact fixation probability of a mutant in
  the frequency-dependent Moran process of a finite population (Nowak 2006,
  ch. 6; Nowak, Sasaki, Taylor & Fudenberg 2004), self-interaction excluded;
  :func:`fixation_matrix` for every pair of types;
  :func:`moran_process` simulates many runs at once (counts of each type, any
  number of types), :func:`simulate_fixation` compares simulation with the
  formula.
* :func:`replicator_dynamics`: continuous (``scipy.integrate.solve_ivp``) or
  discrete replicator dynamics, for one initial population or a batch.
* :func:`ecological_simulation`: Axelrod's (1984, ch. 2) ecological
  simulation, the update of the Axelrod library's ``Ecosystem``: each
  generation a type's share is multiplied by its score against the current
  population and the shares renormalised.
* :func:`invasion_analysis`: which type can invade which (Maynard Smith's
  conditions) and which types are evolutionarily stable.
* :func:`memory_one_payoff_matrix`: exact per-round payoffs of memory-one
  strategies with a continuation probability (discounted Markov chain) or in
  the long run (stationary distribution), with noise.

Populations are vectors of counts or shares, never objects: a population of
10,000 players of 50 types is a vector of 50 numbers.

References
----------
Axelrod, R. (1984). The Evolution of Cooperation, ch. 2. Basic Books.
Maynard Smith, J. (1982). Evolution and the Theory of Games. CUP.
Nowak, M. A., Sasaki, A., Taylor, C. & Fudenberg, D. (2004). Emergence of
cooperation and evolutionary stability in finite populations. Nature 428, 646-650.
Nowak, M. A. (2006). Evolutionary Dynamics, ch. 6. Harvard University Press.
Taylor, P. D. & Jonker, L. B. (1978). Evolutionarily stable strategies and game
dynamics. Math. Biosci. 40, 145-156.
Fudenberg, D. & Imhof, L. A. (2006). Imitation processes with small mutations.
J. Econ. Theory 131, 251-262.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.runtime.rng import RngLike, as_generator

__all__ = [
    "FITNESS_MAPS",
    "FixationEstimate",
    "InvasionResult",
    "MoranResult",
    "PopulationTrajectory",
    "can_invade",
    "ecological_simulation",
    "fixation_matrix",
    "fixation_probability",
    "invasion_analysis",
    "memory_one_payoff_matrix",
    "moran_process",
    "one_third_rule",
    "random_shares",
    "replicator_dynamics",
    "simulate_fixation",
    "small_mutation_distribution",
]

#: How payoff turns into fitness in the Moran process: ``linear`` is
#: ``1 - w + w * payoff`` (Nowak et al. 2004), ``exponential`` is ``exp(w * payoff)``.
FITNESS_MAPS = ("linear", "exponential")

FloatArray = npt.NDArray[np.float64]


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------
def _payoffs(
    payoffs: Any, names: Sequence[str] | None = None
) -> tuple[FloatArray, tuple[str, ...]]:
    """A square payoff matrix and its type names, from an array or a TournamentResult."""
    found_names: tuple[str, ...] | None = None
    if hasattr(payoffs, "payoff_matrix") and hasattr(payoffs, "names"):
        if not getattr(payoffs, "self_play", True):
            raise ValueError(
                "a tournament played without self_play has no payoff against a twin; "
                "run round_robin(..., self_play=True) for evolutionary dynamics"
            )
        found_names = tuple(payoffs.names)
        payoffs = payoffs.payoff_matrix
    a = np.array(payoffs, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        raise ValueError(f"the payoff matrix must be square, shape (K, K); got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("the payoff matrix must be finite (no nan or inf)")
    k = a.shape[0]
    if names is not None:
        out = tuple(str(n) for n in names)
    elif found_names is not None:
        out = found_names
    else:
        out = tuple(f"type {i}" for i in range(k))
    if len(out) != k:
        raise ValueError(f"{len(out)} names for a {k}x{k} payoff matrix")
    a.flags.writeable = False
    return a, out


def _check_size(n: Any, what: str = "population_size", minimum: int = 2) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{what} must be an integer; got {n!r}")
    if n < minimum:
        raise ValueError(f"{what} must be at least {minimum}; got {n}")
    return int(n)


def _check_w(w: Any) -> float:
    if isinstance(w, bool) or not isinstance(w, numbers.Real) or not math.isfinite(w) or w < 0:
        raise ValueError(f"the intensity of selection w must be a finite number >= 0; got {w!r}")
    return float(w)


def _check_fitness_map(fitness: str, w: float) -> None:
    if fitness not in FITNESS_MAPS:
        raise ValueError(f"unknown fitness map {fitness!r}; expected one of {FITNESS_MAPS}")
    if fitness == "linear" and w > 1:
        raise ValueError(f"linear fitness 1 - w + w * payoff needs w in [0, 1]; got w = {w}")


def _fitness(payoff: FloatArray, w: float, fitness: str) -> FloatArray:
    if fitness == "linear":
        return 1.0 - w + w * payoff
    return np.exp(w * payoff)


def _index(i: Any, k: int, what: str) -> int:
    if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 0 <= i < k:
        raise ValueError(f"{what} must be a type index in [0, {k}); got {i!r}")
    return int(i)


def _shares(x: Any, k: int, what: str = "initial") -> FloatArray:
    s = np.array(x, dtype=float)
    if s.shape[-1:] != (k,) or s.ndim > 2:
        raise ValueError(f"{what} must have shape ({k},) or (batch, {k}); got {s.shape}")
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ValueError(f"{what} must be non-negative and finite")
    total = s.sum(axis=-1, keepdims=True)
    if np.any(total <= 0):
        raise ValueError(f"{what} must have a positive total")
    return s / total


def random_shares(k: int, rng: RngLike = None, *, batch: int | None = None) -> FloatArray:
    """Population shares drawn uniformly from the simplex (Dirichlet(1, ..., 1)).

    Returns shape ``(k,)``, or ``(batch, k)`` when ``batch`` is given.
    """
    k = _check_size(k, "k", 1)
    gen = as_generator(rng)
    size = None if batch is None else (_check_size(batch, "batch", 1),)
    return gen.dirichlet(np.ones(k), size=size)


def _initial(initial: Any, k: int, rng: RngLike) -> FloatArray:
    if initial is None:
        return np.full(k, 1.0 / k)
    if isinstance(initial, str):
        if initial != "random":
            raise ValueError(f"initial must be shares, None or 'random'; got {initial!r}")
        return random_shares(k, rng)
    return _shares(initial, k)


# ---------------------------------------------------------------------------
# Moran process: exact fixation probabilities
# ---------------------------------------------------------------------------
def _two_type_fitness(
    a: FloatArray, mutant: int, resident: int, n: int, w: float, fitness: str
) -> tuple[FloatArray, FloatArray]:
    """Fitness of a mutant (f) and a resident (g) with i = 1..N-1 mutants, self-interaction excluded."""
    i = np.arange(1, n, dtype=float)
    pa = (a[mutant, mutant] * (i - 1) + a[mutant, resident] * (n - i)) / (n - 1)
    pb = (a[resident, mutant] * i + a[resident, resident] * (n - i - 1)) / (n - 1)
    f = _fitness(pa, w, fitness)
    g = _fitness(pb, w, fitness)
    if np.any(f <= 0) or np.any(g <= 0):
        raise ValueError(
            f"fitness 1 - w + w * payoff must be positive; with w = {w} and these payoffs it "
            f"reaches {min(f.min(), g.min()):.3g} (lower w, shift the payoffs, or use "
            f"fitness='exponential')"
        )
    return f, g


def _fixation_from_ratios(f: FloatArray, g: FloatArray, initial: int) -> float:
    """``rho_i = (1 + sum_{k<i} prod_{j<=k} r_j) / (1 + sum_{k<N} prod_{j<=k} r_j)``, ``r = g / f``.

    Where the products leave the floating-point range (a fitness near zero,
    strong selection) the sums are taken in log space, with ``log r = log g -
    log f`` so that no ratio overflows on the way.
    """
    with np.errstate(over="ignore"):
        ratios = g / f
        prods = np.cumprod(ratios)
    if np.all(np.isfinite(prods)) and prods.max(initial=1.0) < 1e250:
        # direct sums: exact for neutral drift (every ratio 1.0 gives i / N exactly)
        num = 1.0 + float(prods[: initial - 1].sum())
        den = 1.0 + float(prods.sum())
        return num / den
    logs = np.concatenate([[0.0], np.cumsum(np.log(g) - np.log(f))])
    log_num = float(np.logaddexp.reduce(logs[:initial]))
    log_den = float(np.logaddexp.reduce(logs))
    return float(math.exp(log_num - log_den))


def fixation_probability(
    payoffs: Any,
    population_size: int,
    *,
    mutant: int = 0,
    resident: int = 1,
    w: float = 1.0,
    fitness: str = "linear",
    initial_mutants: int = 1,
) -> float:
    """Exact probability that mutants of type ``mutant`` take over a population of ``resident``.

    The frequency-dependent Moran process (Nowak et al. 2004): a population of
    ``N`` players of two types; each step one player is chosen to reproduce
    with probability proportional to fitness and its offspring replaces a
    player chosen uniformly at random. With ``i`` mutants, a mutant's payoff
    is ``(a (i - 1) + b (N - i)) / (N - 1)`` and a resident's
    ``(c i + d (N - i - 1)) / (N - 1)``, with ``a = A[m, m]``, ``b = A[m, r]``,
    ``c = A[r, m]``, ``d = A[r, r]`` (no self-interaction). With ``f_i`` and
    ``g_i`` the fitnesses, the probability that ``i0`` mutants fixate is
    (Nowak 2006, eq. 6.13)::

        rho = (1 + sum_{k=1}^{i0-1} prod_{j=1}^{k} g_j / f_j)
              / (1 + sum_{k=1}^{N-1} prod_{j=1}^{k} g_j / f_j)

    Parameters
    ----------
    payoffs
        Array ``(K, K)`` or a :class:`TournamentResult` (self-play).
    population_size
        ``N >= 2``.
    mutant, resident
        Type indices.
    w
        Intensity of selection (``w = 0``: neutral drift, ``rho = i0 / N``
        exactly).
    fitness
        ``"linear"`` (``1 - w + w * payoff``, ``w`` in [0, 1], positive
        fitness required) or ``"exponential"`` (``exp(w * payoff)``).
    initial_mutants
        ``i0`` in ``[1, N - 1]``.

    Examples
    --------
    >>> fixation_probability([[3, 0], [5, 1]], 10, w=0.0)
    0.1
    """
    a, _ = _payoffs(payoffs)
    k = a.shape[0]
    n = _check_size(population_size)
    w = _check_w(w)
    _check_fitness_map(fitness, w)
    mutant = _index(mutant, k, "mutant")
    resident = _index(resident, k, "resident")
    if isinstance(initial_mutants, bool) or not isinstance(initial_mutants, numbers.Integral):
        raise TypeError(f"initial_mutants must be an integer; got {initial_mutants!r}")
    if not 1 <= initial_mutants <= n - 1:
        raise ValueError(f"initial_mutants must be in [1, {n - 1}]; got {initial_mutants}")
    if mutant == resident:
        return initial_mutants / n
    f, g = _two_type_fitness(a, mutant, resident, n, w, fitness)
    return _fixation_from_ratios(f, g, int(initial_mutants))


def fixation_matrix(
    payoffs: Any, population_size: int, *, w: float = 1.0, fitness: str = "linear"
) -> FloatArray:
    """``rho[i, j]``: probability that one ``j`` mutant takes over a population of ``i``.

    The diagonal is ``1 / N`` (a neutral mutant). Shape ``(K, K)``.
    """
    a, _ = _payoffs(payoffs)
    k = a.shape[0]
    n = _check_size(population_size)
    out = np.full((k, k), 1.0 / n)
    for i in range(k):
        for j in range(k):
            if i != j:
                out[i, j] = fixation_probability(a, n, mutant=j, resident=i, w=w, fitness=fitness)
    return out


def small_mutation_distribution(
    payoffs: Any, population_size: int, *, w: float = 1.0, fitness: str = "linear"
) -> FloatArray:
    """Long-run share of time the population is monomorphic in each type, for rare mutations.

    With mutations rare enough that a mutant fixes or dies out before the next
    appears (Fudenberg & Imhof 2006), the population hops between
    monomorphic states: from ``i`` to ``j`` with probability
    ``rho[i, j] / (K - 1)`` (a uniformly chosen mutant type). Returns the
    stationary distribution of that chain, shape ``(K,)``.
    """
    rho = fixation_matrix(payoffs, population_size, w=w, fitness=fitness)
    k = rho.shape[0]
    if k == 1:
        return np.ones(1)
    t = rho / (k - 1)
    np.fill_diagonal(t, 0.0)
    np.fill_diagonal(t, 1.0 - t.sum(axis=1))
    system = np.vstack([t.T - np.eye(k), np.ones((1, k))])
    rhs = np.zeros(k + 1)
    rhs[-1] = 1.0
    v = np.linalg.lstsq(system, rhs, rcond=None)[0]
    v = np.clip(v, 0.0, None)
    return v / v.sum()


def one_third_rule(
    payoffs: Any, population_size: int, *, mutant: int = 0, resident: int = 1
) -> bool:
    """Whether selection favours a single mutant's fixation (``rho > 1/N``) for weak selection.

    The finite-population condition of Nowak et al. (2004): for ``w -> 0``,
    ``rho_A > 1/N`` iff ``a (N - 2) + b (2N - 1) > c (N + 1) + d (2N - 4)``.
    For large ``N`` in a bistable game it becomes the one-third rule: the
    unstable equilibrium ``x* = (d - b) / (a - b - c + d)`` lies below 1/3.
    """
    a_mat, _ = _payoffs(payoffs)
    n = _check_size(population_size)
    m = _index(mutant, a_mat.shape[0], "mutant")
    r = _index(resident, a_mat.shape[0], "resident")
    a, b, c, d = a_mat[m, m], a_mat[m, r], a_mat[r, m], a_mat[r, r]
    return bool(a * (n - 2) + b * (2 * n - 1) > c * (n + 1) + d * (2 * n - 4))


# ---------------------------------------------------------------------------
# Moran process: simulation
# ---------------------------------------------------------------------------
def _readonly(x: Any, dtype: Any = None) -> npt.NDArray[Any]:
    out = np.array(x, dtype=dtype)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class MoranResult:
    """Many runs of the Moran process.

    Attributes
    ----------
    names : tuple of str
    population_size : int
    w : float
    fitness : str
    initial : array of int, shape (K,)
        Counts at the start (every run starts there).
    final : array of int, shape (runs, K)
        Counts at the end of each run.
    fixed : array of int, shape (runs,)
        The type that took over in each run, ``-1`` where no type had
        fixed after ``max_steps`` (or a mutation rate keeps the run going).
    steps : array of int, shape (runs,)
        Births that changed the population (the embedded jump chain: a birth
        that replaces a player of the same type changes nothing and is not
        counted) until fixation or the end.
    mean_shares : array of float, shape (records, K)
        The mean share of each type over the runs, every ``record_every`` steps.
    record_times : array of int, shape (records,)
    seed : int or None
    """

    names: tuple[str, ...]
    population_size: int
    w: float
    fitness: str
    initial: npt.NDArray[np.int64]
    final: npt.NDArray[np.int64]
    fixed: npt.NDArray[np.int64]
    steps: npt.NDArray[np.int64]
    mean_shares: FloatArray = field(repr=False)
    record_times: npt.NDArray[np.int64] = field(repr=False)
    mutation_rate: float = 0.0

    @property
    def runs(self) -> int:
        return int(self.fixed.shape[0])

    @property
    def fixation_frequencies(self) -> FloatArray:
        """Fraction of runs in which each type took over, shape (K,)."""
        k = len(self.names)
        counts = np.bincount(self.fixed[self.fixed >= 0], minlength=k)
        return counts / max(self.runs, 1)

    @property
    def unfinished(self) -> int:
        """Runs with no type fixed at the end."""
        return int(np.sum(self.fixed < 0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "population_size": self.population_size,
            "w": self.w,
            "fitness": self.fitness,
            "mutation_rate": self.mutation_rate,
            "initial": self.initial.tolist(),
            "runs": self.runs,
            "fixation_frequencies": self.fixation_frequencies.tolist(),
            "unfinished": self.unfinished,
            "mean_steps": float(self.steps.mean()) if self.runs else 0.0,
            "record_times": self.record_times.tolist(),
            "mean_shares": self.mean_shares.tolist(),
        }


def moran_process(
    payoffs: Any,
    initial: Sequence[int] | npt.ArrayLike,
    *,
    runs: int = 1000,
    w: float = 1.0,
    fitness: str = "linear",
    max_steps: int = 1_000_000,
    mutation_rate: float = 0.0,
    record_every: int | None = None,
    names: Sequence[str] | None = None,
    rng: RngLike = None,
) -> MoranResult:
    """Simulate the frequency-dependent Moran process, ``runs`` populations at once.

    Each population is a vector of counts of the ``K`` types (total ``N``).
    A type-``k`` player's payoff is ``sum_j A[k, j] (n_j - [j == k]) / (N - 1)``
    (everyone else, not itself); its fitness is ``1 - w + w * payoff`` or
    ``exp(w * payoff)``. Each step a parent is drawn proportional to fitness
    and a player to die uniformly; with ``mutation_rate`` the offspring is a
    uniformly drawn other type with that probability. Only births that change
    the population are simulated (the embedded jump chain: the (parent type,
    dead type) pair is drawn among pairs of different types, with probability
    proportional to ``n_b f_b n_d``), which changes the time scale but not
    which type fixes. Runs stop when one type holds the whole population
    (without mutation) or after ``max_steps`` population changes.

    Parameters
    ----------
    payoffs
        ``(K, K)`` array or :class:`TournamentResult` (self-play).
    initial
        Counts, shape ``(K,)``, non-negative integers with a total ``N >= 2``.
    runs
        Independent populations simulated together.
    record_every
        Record the mean shares over the runs every this many steps (default:
        about 200 records up to ``max_steps`` or fixation).
    rng
        Seed or generator.

    Returns
    -------
    MoranResult
    """
    a, type_names = _payoffs(payoffs, names)
    k = a.shape[0]
    counts0 = np.array(initial)
    if counts0.shape != (k,) or not np.issubdtype(counts0.dtype, np.integer) or np.any(counts0 < 0):
        raise ValueError(f"initial must be {k} non-negative integer counts; got {initial!r}")
    counts0 = counts0.astype(np.int64)
    n = _check_size(int(counts0.sum()), "the population size (sum of initial)")
    runs = _check_size(runs, "runs", 1)
    w = _check_w(w)
    _check_fitness_map(fitness, w)
    max_steps = _check_size(max_steps, "max_steps", 1)
    if not 0.0 <= float(mutation_rate) <= 1.0:
        raise ValueError(f"mutation_rate must be in [0, 1]; got {mutation_rate!r}")
    mu = float(mutation_rate)
    if mu > 0 and k < 2:
        raise ValueError("mutation needs at least two types")
    if record_every is None:
        record_every = max(1, min(max_steps, 50 * n) // 200)
    record_every = _check_size(record_every, "record_every", 1)
    gen = as_generator(rng)

    counts = np.tile(counts0, (runs, 1))
    steps = np.zeros(runs, dtype=np.int64)
    fixed = np.full(runs, -1, dtype=np.int64)
    if mu == 0:
        mono = counts.max(axis=1) == n
        fixed[mono] = counts.argmax(axis=1)[mono]
    active = np.flatnonzero(fixed < 0)
    records = [counts.mean(axis=0) / n]
    times = [0]
    diag = np.diag(a)
    off = ~np.eye(k, dtype=bool)
    step = 0
    while active.size and step < max_steps:
        c = counts[active].astype(float)
        pay = (c @ a.T - diag) / (n - 1)
        fit = _fitness(pay, w, fitness)
        if np.any(fit[c > 0] <= 0):
            raise ValueError(
                f"fitness 1 - w + w * payoff must be positive; with w = {w} it reaches "
                f"{fit[c > 0].min():.3g} (lower w or use fitness='exponential')"
            )
        birth = c * fit  # (R, K) weight of each parent type
        if mu > 0:
            # offspring type: parent's type with 1 - mu, another type uniformly with mu
            total = birth.sum(axis=1, keepdims=True)
            offspring = (1 - mu) * birth + mu * (total - birth) / (k - 1)
        else:
            offspring = birth
        pair = offspring[:, :, None] * c[:, None, :] * off  # (R, K_new, K_dead)
        flat = pair.reshape(len(active), -1)
        cum = np.cumsum(flat, axis=1)
        totals = cum[:, -1]
        stuck = totals <= 0  # only possible with mutation 0 and one type left
        u = gen.random(len(active)) * totals
        choice = np.minimum((cum <= u[:, None]).sum(axis=1), k * k - 1)
        born, dead = np.divmod(choice, k)
        rows = active[~stuck]
        counts[rows, born[~stuck]] += 1
        counts[rows, dead[~stuck]] -= 1
        steps[rows] += 1
        step += 1
        if mu == 0:
            done = counts[active].max(axis=1) == n
            fixed[active[done]] = counts[active[done]].argmax(axis=1)
            active = active[~done]
        if step % record_every == 0:
            records.append(counts.mean(axis=0) / n)
            times.append(step)
    if times[-1] != step:
        records.append(counts.mean(axis=0) / n)
        times.append(step)
    if mu > 0:
        mono = counts.max(axis=1) == n
        fixed[mono] = counts.argmax(axis=1)[mono]
    return MoranResult(
        names=type_names,
        population_size=n,
        w=w,
        fitness=fitness,
        initial=_readonly(counts0),
        final=_readonly(counts),
        fixed=_readonly(fixed),
        steps=_readonly(steps),
        mean_shares=_readonly(np.array(records)),
        record_times=_readonly(np.array(times, dtype=np.int64)),
        mutation_rate=mu,
    )


@dataclass(frozen=True)
class FixationEstimate:
    """The exact fixation probability beside a simulated estimate.

    ``agrees`` is whether they differ by at most ``z`` binomial standard
    errors (the standard error of the exact value over ``runs`` runs).
    """

    mutant: str
    resident: str
    population_size: int
    w: float
    fitness: str
    exact: float
    estimate: float
    runs: int
    fixations: int
    standard_error: float
    z: float
    agrees: bool
    neutral: float

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def simulate_fixation(
    payoffs: Any,
    population_size: int,
    *,
    mutant: int = 0,
    resident: int = 1,
    w: float = 1.0,
    fitness: str = "linear",
    runs: int = 10_000,
    z: float = 4.0,
    names: Sequence[str] | None = None,
    rng: RngLike = None,
) -> FixationEstimate:
    """Estimate the fixation probability of one mutant by simulation, beside the formula.

    Runs :func:`moran_process` from one ``mutant`` among ``N - 1`` ``resident``
    players until one type fixes, and compares the fraction of runs the mutant
    took over with :func:`fixation_probability`.
    """
    a, type_names = _payoffs(payoffs, names)
    k = a.shape[0]
    n = _check_size(population_size)
    m = _index(mutant, k, "mutant")
    r = _index(resident, k, "resident")
    if m == r:
        raise ValueError("mutant and resident must be different types")
    exact = fixation_probability(a, n, mutant=m, resident=r, w=w, fitness=fitness)
    sub = a[np.ix_([m, r], [m, r])]
    result = moran_process(
        sub, [1, n - 1], runs=runs, w=w, fitness=fitness, max_steps=10**9, rng=rng
    )
    fixations = int(np.sum(result.fixed == 0))
    estimate = fixations / result.runs
    se = math.sqrt(max(exact * (1 - exact), 1e-300) / result.runs)
    return FixationEstimate(
        mutant=type_names[m],
        resident=type_names[r],
        population_size=n,
        w=float(w),
        fitness=fitness,
        exact=exact,
        estimate=estimate,
        runs=result.runs,
        fixations=fixations,
        standard_error=se,
        z=float(z),
        agrees=abs(estimate - exact) <= z * se,
        neutral=1.0 / n,
    )


# ---------------------------------------------------------------------------
# Replicator dynamics and Axelrod's ecology
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PopulationTrajectory:
    """Population shares over time.

    Attributes
    ----------
    names : tuple of str
    times : array of float, shape (T,)
        Generations (discrete dynamics) or continuous time.
    shares : array of float, shape (T, K) or (T, B, K)
        Shares of each type, each row summing to 1; ``B`` initial populations
        when a batch was given.
    method : str
        ``"continuous"``, ``"discrete"`` or ``"ecological"``.
    """

    names: tuple[str, ...]
    times: FloatArray
    shares: FloatArray
    method: str

    @property
    def final(self) -> FloatArray:
        """The last shares, shape (K,) or (B, K)."""
        return self.shares[-1]

    @property
    def winner(self) -> int | npt.NDArray[np.int64]:
        """Index of the largest final share (per batch member)."""
        best = np.argmax(self.final, axis=-1)
        return int(best) if np.ndim(best) == 0 else best

    def share_of(self, name: str) -> FloatArray:
        """The trajectory of one type's share, shape (T,) or (T, B)."""
        if name not in self.names:
            raise ValueError(f"no type named {name!r}; types: {', '.join(self.names)}")
        return self.shares[..., self.names.index(name)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "method": self.method,
            "times": self.times.tolist(),
            "shares": self.shares.tolist(),
        }


def _discrete(
    a: FloatArray,
    x0: FloatArray,
    generations: int,
    fit: Callable[[FloatArray], FloatArray],
    noise_std: FloatArray | None,
    gen: np.random.Generator | None,
) -> FloatArray:
    """Discrete selection ``x' = x fit(A x) / sum``; ``a`` is (K, K) or a batch (B, K, K)."""
    out = np.empty((generations + 1, *x0.shape))
    out[0] = x = x0
    batched = a.ndim == 3
    for t in range(1, generations + 1):
        mat = a if noise_std is None else gen.normal(a, noise_std)  # type: ignore[union-attr]
        # pay[..., i] = sum_j A[i, j] x_j
        pay = np.einsum("bij,bj->bi", mat, x) if batched else x @ mat.T
        f = fit(pay)
        new = x * f
        total = new.sum(axis=-1, keepdims=True)
        if f.min() < 0 or total.min() <= 0:
            raise ValueError(
                f"generation {t}: a negative fitness or a mean fitness that is not positive; "
                f"payoffs must give positive fitness (add a baseline or a fitness map)"
            )
        x = new / total
        out[t] = x
    return out


def _payoff_batch(payoffs: Any, names: Sequence[str] | None) -> tuple[FloatArray, tuple[str, ...]]:
    """A (K, K) matrix, a TournamentResult, or a batch (B, K, K) of matrices."""
    arr = None if hasattr(payoffs, "payoff_matrix") else np.asarray(payoffs, dtype=float)
    if arr is None or arr.ndim != 3:
        return _payoffs(payoffs, names)
    if arr.shape[1] != arr.shape[2] or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"a batch of payoff matrices has shape (B, K, K); got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("the payoff matrices must be finite (no nan or inf)")
    _, type_names = _payoffs(arr[0], names)
    return arr, type_names


def _batch_initial(x0: FloatArray, a: FloatArray) -> FloatArray:
    if a.ndim == 3:
        x0 = np.broadcast_to(x0, (a.shape[0], a.shape[1])).copy()
    return x0


def replicator_dynamics(
    payoffs: Any,
    initial: Any = None,
    *,
    method: str = "continuous",
    t_max: float = 100.0,
    points: int = 201,
    generations: int = 100,
    baseline: float = 0.0,
    names: Sequence[str] | None = None,
    rng: RngLike = None,
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> PopulationTrajectory:
    """The replicator dynamics of a payoff matrix (Taylor & Jonker 1978).

    ``continuous``: ``dx_i/dt = x_i ((A x)_i - x . A x)``, integrated with
    ``scipy.integrate.solve_ivp`` (RK45) from 0 to ``t_max``, sampled at
    ``points`` times. ``discrete``: ``x_i' = x_i (b + (A x)_i) / (b + x . A x)``
    for ``generations`` generations, with background fitness ``b = baseline``
    (``b + payoff`` must stay positive).

    Parameters
    ----------
    payoffs
        ``(K, K)`` array or :class:`TournamentResult` (self-play); for the
        discrete dynamics also a batch ``(B, K, K)``.
    initial
        Shares, shape ``(K,)`` or a batch ``(B, K)`` (normalised); ``None``
        for equal shares; ``"random"`` for shares drawn from the simplex with
        ``rng``.

    Returns
    -------
    PopulationTrajectory
    """
    a, type_names = (
        _payoff_batch(payoffs, names) if method == "discrete" else _payoffs(payoffs, names)
    )
    k = a.shape[-1]
    x0 = _batch_initial(_initial(initial, k, rng), a)
    if method == "discrete":
        generations = _check_size(generations, "generations", 1)
        b = float(baseline)
        shares = _discrete(a, x0, generations, lambda p: b + p, None, None)
        return PopulationTrajectory(
            type_names,
            _readonly(np.arange(generations + 1, dtype=float)),
            _readonly(shares),
            "discrete",
        )
    if method != "continuous":
        raise ValueError(f"method must be 'continuous' or 'discrete'; got {method!r}")
    from scipy.integrate import solve_ivp

    if not (math.isfinite(t_max) and t_max > 0):
        raise ValueError(f"t_max must be positive; got {t_max!r}")
    points = _check_size(points, "points", 2)
    shape = x0.shape

    def rhs(_t: float, y: FloatArray) -> FloatArray:
        x = y.reshape(shape)
        pay = x @ a.T
        mean = np.sum(x * pay, axis=-1, keepdims=True)
        return (x * (pay - mean)).ravel()

    t_eval = np.linspace(0.0, float(t_max), points)
    sol = solve_ivp(rhs, (0.0, float(t_max)), x0.ravel(), t_eval=t_eval, rtol=rtol, atol=atol)
    if not sol.success:
        raise RuntimeError(f"the replicator integration failed: {sol.message}")
    shares = np.clip(sol.y.T.reshape(len(t_eval), *shape), 0.0, None)
    shares = shares / shares.sum(axis=-1, keepdims=True)
    return PopulationTrajectory(type_names, _readonly(sol.t), _readonly(shares), "continuous")


def ecological_simulation(
    payoffs: Any,
    initial: Any = None,
    generations: int = 100,
    *,
    fitness: Callable[[FloatArray], FloatArray] | None = None,
    payoff_std: Any = None,
    names: Sequence[str] | None = None,
    rng: RngLike = None,
) -> PopulationTrajectory:
    """Axelrod's ecological simulation (Axelrod 1984, ch. 2).

    Each generation, a type's score is its payoff against the current
    population, ``s_i = sum_j A[i, j] x_j`` (itself included, as in the
    tournament's twin match), and its share is multiplied by
    ``fitness(s_i)`` (``s_i`` by default), then the shares are renormalised:
    ``x_i' = x_i fitness(s_i) / sum_j x_j fitness(s_j)``. This is the update
    of the Axelrod library's ``Ecosystem.reproduce``; as there, with
    ``payoff_std`` (e.g. a tournament's standard deviations over repetitions)
    each generation's payoffs are drawn from ``Normal(A, payoff_std)`` with
    ``rng``. It is the discrete replicator dynamics with no background fitness.

    Parameters
    ----------
    payoffs
        ``(K, K)`` array or :class:`TournamentResult` (self-play), or a batch
        ``(B, K, K)`` of matrices run side by side (one population each);
        payoffs must be positive (or ``fitness`` must make them so).
    initial
        Shares ``(K,)`` or a batch ``(B, K)``; ``None`` for equal shares (as
        ``Ecosystem``), ``"random"`` for shares drawn with ``rng``.
    generations
        Generations to run; the trajectory has ``generations + 1`` rows.
    fitness
        A vectorised map from score to reproduction rate.
    payoff_std
        Standard deviations, shape ``(K, K)`` or a scalar.

    Examples
    --------
    >>> traj = ecological_simulation([[3, 0], [5, 1]], [0.5, 0.5], 20)
    >>> traj.names[traj.winner]
    'type 1'
    """
    a, type_names = _payoff_batch(payoffs, names)
    k = a.shape[-1]
    generations = _check_size(generations, "generations", 1)
    gen = as_generator(rng)
    x0 = _batch_initial(_initial(initial, k, gen), a)
    std: FloatArray | None = None
    if payoff_std is not None:
        std = np.broadcast_to(np.asarray(payoff_std, dtype=float), a.shape)
        if not np.all(np.isfinite(std)) or np.any(std < 0):
            raise ValueError("payoff_std must be non-negative and finite")
    fit = fitness if fitness is not None else (lambda p: p)
    shares = _discrete(a, x0, generations, fit, std, gen if std is not None else None)
    return PopulationTrajectory(
        type_names,
        _readonly(np.arange(generations + 1, dtype=float)),
        _readonly(shares),
        "ecological",
    )


# ---------------------------------------------------------------------------
# Invasion analysis
# ---------------------------------------------------------------------------
def can_invade(payoffs: Any, resident: int, mutant: int, *, tol: float = 1e-12) -> bool:
    """Whether a rare ``mutant`` can invade a population of ``resident`` (Maynard Smith 1982).

    With ``E(x, y) = A[x, y]``: the mutant invades when ``E(B, A) > E(A, A)``,
    or ``E(B, A) = E(A, A)`` and ``E(B, B) > E(A, B)`` (it fails exactly one of
    the ESS conditions for the resident). Payoffs within ``tol`` are equal.
    """
    a, _ = _payoffs(payoffs)
    k = a.shape[0]
    r = _index(resident, k, "resident")
    m = _index(mutant, k, "mutant")
    if r == m:
        return False
    first = a[m, r] - a[r, r]
    if first > tol:
        return True
    return bool(abs(first) <= tol and a[m, m] - a[r, m] > tol)


@dataclass(frozen=True, eq=False)
class InvasionResult:
    """Who can invade whom.

    Attributes
    ----------
    names : tuple of str
    payoffs : array, shape (K, K)
    invades : array of bool, shape (K, K)
        ``invades[i, j]``: a rare ``j`` invades a population of ``i``.
    neutral : array of bool, shape (K, K)
        ``j`` does exactly as well as ``i`` in a population of ``i`` and
        against ``j`` (``E(j,i) = E(i,i)`` and ``E(j,j) = E(i,j)``): drift.
    ess : array of bool, shape (K,)
        Evolutionarily stable against every other listed type (no one invades,
        no neutral mutant).
    """

    names: tuple[str, ...]
    payoffs: FloatArray
    invades: npt.NDArray[np.bool_]
    neutral: npt.NDArray[np.bool_]
    ess: npt.NDArray[np.bool_]

    def invaders_of(self, name: str) -> tuple[str, ...]:
        """Types that can invade a population of ``name``."""
        i = self.names.index(name)
        return tuple(self.names[j] for j in np.flatnonzero(self.invades[i]))

    def invaded_by(self, name: str) -> tuple[str, ...]:
        """Populations that a rare ``name`` can invade."""
        j = self.names.index(name)
        return tuple(self.names[i] for i in np.flatnonzero(self.invades[:, j]))

    @property
    def stable(self) -> tuple[str, ...]:
        return tuple(n for n, e in zip(self.names, self.ess, strict=True) if e)

    def to_dict(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "payoffs": self.payoffs.tolist(),
            "invades": self.invades.tolist(),
            "neutral": self.neutral.tolist(),
            "ess": self.ess.tolist(),
        }


def invasion_analysis(
    payoffs: Any, names: Sequence[str] | None = None, *, tol: float = 1e-12
) -> InvasionResult:
    """The invasion matrix and the evolutionarily stable types of a payoff matrix.

    Vectorised over all pairs: ``invades[i, j]`` applies :func:`can_invade`
    with resident ``i`` and mutant ``j``.

    Examples
    --------
    >>> r = invasion_analysis([[3, 0], [5, 1]], ["C", "D"])
    >>> r.invaders_of("C"), r.stable
    (('D',), ('D',))
    """
    a, type_names = _payoffs(payoffs, names)
    resident_self = np.diag(a)[:, None]  # E(i, i)
    mutant_vs_res = a.T  # [i, j] -> E(j, i)
    mutant_self = np.diag(a)[None, :]  # E(j, j)
    res_vs_mutant = a  # [i, j] -> E(i, j)
    first = mutant_vs_res - resident_self
    second = mutant_self - res_vs_mutant
    tie = np.abs(first) <= tol
    invades = (first > tol) | (tie & (second > tol))
    neutral = tie & (np.abs(second) <= tol)
    np.fill_diagonal(invades, False)
    np.fill_diagonal(neutral, False)
    ess = ~(invades | neutral).any(axis=1)
    return InvasionResult(
        names=type_names,
        payoffs=_readonly(a),
        invades=_readonly(invades),
        neutral=_readonly(neutral),
        ess=_readonly(ess),
    )


# ---------------------------------------------------------------------------
# Exact payoffs of memory-one strategies
# ---------------------------------------------------------------------------
def _memory_one_specs(
    strategies: Sequence[Any], game: Any
) -> tuple[FloatArray, FloatArray, tuple[str, ...]]:
    """Vectors ``(K, 4)``, first-move probabilities ``(K,)`` and names."""
    from cooplab.repeated.match import _as_strategy, match_infos
    from cooplab.repeated.strategies.base import MemoryOneSpec

    vectors, firsts, labels = [], [], []
    info = match_infos(None, game=game)[0]
    for s in strategies:
        if isinstance(s, MemoryOneSpec):
            spec, label = s, f"memory-one {s.p}"
        elif isinstance(s, tuple | list) and len(s) == 4:
            spec, label = MemoryOneSpec(tuple(float(v) for v in s), 1.0), f"memory-one {tuple(s)}"  # type: ignore[arg-type]
        else:
            strat = _as_strategy(s)
            strat.reset(info)
            got = strat.as_memory_one()
            if got is None:
                raise ValueError(
                    f"{strat.display} is not a memory-one strategy; use round_robin for it"
                )
            spec, label = got, strat.display
        vectors.append(spec.p)
        firsts.append(spec.initial)
        labels.append(label)
    return np.array(vectors, dtype=float), np.array(firsts, dtype=float), tuple(labels)


def memory_one_payoff_matrix(
    strategies: Sequence[Any],
    *,
    delta: float | None = None,
    noise: float = 0.0,
    game: Any = None,
    cooperation: bool = False,
) -> FloatArray | tuple[FloatArray, FloatArray]:
    """Exact expected payoffs per round between memory-one strategies, shape (K, K).

    Two memory-one players make a Markov chain on the outcomes (CC, CD, DC,
    DD) with matrix ``M`` and first-round distribution ``v0``; with noise
    ``e`` each intended action is flipped, so a cooperation probability ``p``
    becomes ``p (1 - e) + (1 - p) e`` (first moves included). With a
    continuation probability ``delta`` (a match lasts ``L`` rounds,
    ``P(L > t) = delta**t``, mean ``1 / (1 - delta)``) the expected total
    payoff is ``v0 (I - delta M)^-1 u`` and the entry is that total over the
    expected length: ``(1 - delta) v0 (I - delta M)^-1 u``, i.e.
    ``E[total] / E[L]`` (what :func:`round_robin` with ``delta`` estimates
    as ``totals.sum() / lengths.sum()``). With ``delta=None`` it is the
    long-run payoff per round (:func:`~cooplab.repeated.strategies.stationary_payoffs`
    semantics: the stationary distribution, or the Cesàro limit from the first
    moves when the chain is not ergodic).

    Parameters
    ----------
    strategies
        Memory-one strategies, registered names, :class:`MemoryOneSpec` or
        4-vectors (first move C).
    delta
        Continuation probability in [0, 1), or ``None`` for the long run.
    noise
        Probability in [0, 1] that each action is flipped.
    game
        A 2x2 game, the prisoner's dilemma (3, 0, 5, 1) by default.
    cooperation
        Also return the matrix of expected cooperation rates (per round, of
        the row player), the same way.

    Examples
    --------
    >>> m = memory_one_payoff_matrix(["tit_for_tat", "defector"], delta=0.5)
    >>> m.round(6).tolist()  # TFT vs ALLD: (S + P delta/(1-delta)) (1 - delta)
    [[3.0, 0.5], [3.0, 1.0]]
    """
    from cooplab.repeated.match import stage_payoffs
    from cooplab.repeated.strategies.base import check_probability

    noise = check_probability("noise", noise)
    if delta is not None:
        if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not 0 <= delta < 1:
            raise ValueError(f"delta must be in [0, 1); got {delta!r}")
        delta = float(delta)
    p, first, _ = _memory_one_specs(strategies, game)
    p = p * (1 - noise) + (1 - p) * noise
    first = first * (1 - noise) + (1 - first) * noise
    tables = stage_payoffs(game)
    own = np.array([tables[0][0, 0], tables[0][0, 1], tables[0][1, 0], tables[0][1, 1]])
    coop_own = np.array([1.0, 1.0, 0.0, 0.0])
    k = len(p)
    # state s = 2 x + y (own action x, opponent's y); the opponent sees state 2 y + x
    swap = np.array([0, 2, 1, 3])
    px = p[:, None, :]  # X cooperates after s: p[i, s]
    qy = p[None, :, swap]  # Y cooperates after s: q[j, swap[s]]
    x_next = np.array([1, 1, 0, 0])  # s2 = 2 x2 + y2: x2 == C for s2 in {0, 1}
    y_next = np.array([1, 0, 1, 0])
    pxe = px[..., :, None]
    qye = qy[..., :, None]
    m = np.where(x_next == 1, pxe, 1 - pxe) * np.where(y_next == 1, qye, 1 - qye)  # (K, K, 4, 4)
    fx = first[:, None]
    fy = first[None, :]
    v0 = np.stack([fx * fy, fx * (1 - fy), (1 - fx) * fy, (1 - fx) * (1 - fy)], axis=-1)
    v0 = np.broadcast_to(v0, (k, k, 4))
    if delta is not None:
        lhs = np.eye(4) - delta * m
        # row vector v0 (I - delta M)^-1: solve (I - delta M)^T z = v0
        z = np.linalg.solve(np.swapaxes(lhs, -1, -2), v0[..., None])[..., 0]
        dist = (1 - delta) * z
    else:
        from cooplab.repeated.strategies.memory_one import stationary_distribution

        dist = np.empty((k, k, 4))
        for i in range(k):
            for j in range(k):
                dist[i, j] = stationary_distribution(_spec(p[i], first[i]), _spec(p[j], first[j]))
    payoff = dist @ own
    if cooperation:
        return payoff, dist @ coop_own
    return payoff


def _spec(p: FloatArray, first: float) -> Any:
    from cooplab.repeated.strategies.base import MemoryOneSpec

    return MemoryOneSpec(
        tuple(float(min(max(v, 0.0), 1.0)) for v in p), float(min(max(first, 0.0), 1.0))
    )  # type: ignore[arg-type]
