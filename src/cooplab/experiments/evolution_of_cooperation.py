"""Section 3.1 of the note: the shadow of the future and the evolution of cooperation.

Claim: cooperation becomes rational in repeated play when the future matters
enough (the shadow of the future); simple, legible, forgiving strategies such
as tit-for-tat do well. Here: starting from a population of mostly
defectors, when do reciprocating strategies invade and take over, as a
function of the continuation probability delta and of noise?

What is run (the prisoner's dilemma T, R, P, S = 5, 3, 1, 0 by default):

1. Payoffs. Every strategy here is memory-one, so the expected payoff per
   round of a match that continues with probability ``delta`` is exact:
   ``(1 - delta) v0 (I - delta M)^-1 u`` for the Markov chain ``M`` of the
   two players with noise (each action flipped with probability ``e``)
   (:func:`~cooplab.repeated.evolution.memory_one_payoff_matrix`). The exact
   values are checked against simulated matches of random length
   (:func:`~cooplab.repeated.tournament.round_robin` with ``delta`` and
   ``noise``).
2. The threshold, derived. In a population with a share ``x`` of TFT and
   ``1 - x`` of ALLD, and matches of mean length ``m = 1 / (1 - delta)``,
   TFT's per-round payoff minus ALLD's is
   ``(1/m) (x ((R - P) m - (T - P)) - (1 - x)(P - S))``, so TFT grows iff
   ``x > x*(delta) = (P - S) / ((R - P) m - (T - P) + (P - S))``, that is iff
   ``delta > delta*(x) = 1 - 1/m*(x)``, ``m*(x) = ((P - S)/x + (T - P) - (P - S)) / (R - P)``.
   (ALLD is always stable against rare TFT, since ``P > S``: TFT needs a
   foothold ``x > x*``; as ``delta -> 1``, ``x* -> 0``.) For ``x = 0.1`` and
   Axelrod's payoffs, ``m* = 6.5`` and ``delta* = 0.846``. The ecological
   simulation of TFT against ALLD is run on a grid of delta and the threshold
   found numerically by bisection on the dynamics.
3. The ecology. From mostly ALLD with small shares of TFT, GTFT and WSLS,
   Axelrod's ecological simulation (shares multiplied by the score against
   the current population) on a (delta, noise) grid, through the executor;
   the final share of the reciprocators and the final rate of cooperation.
   The same from the continuous replicator dynamics for the trajectories.
4. Noise. With errors, TFT against itself falls into echoes of retaliation:
   its long-run payoff against itself is ``(R + S + T + P) / 4`` for any
   noise (the four outcomes become equally likely), while GTFT (Nowak &
   Sigmund 1992) and WSLS (Nowak & Sigmund 1993) correct errors. Each
   reciprocator is also run alone against ALLD, from the same foothold, for
   the critical noise above which it no longer invades.
5. Finite populations. The exact Moran fixation probability of one TFT in a
   population of ALLD (Nowak et al. 2004) over delta, beside the neutral
   ``1/N`` and the weak-selection condition ``a(N-2) + b(2N-1) > c(N+1) +
   d(2N-4)`` (the one-third rule for large N), and the formula beside a
   seeded simulation.

References: Axelrod (1984) ch. 2-3; Nowak & Sigmund (1992) Nature 355, 250-253;
Nowak & Sigmund (1993) Nature 364, 56-58; Nowak, Sasaki, Taylor & Fudenberg
(2004) Nature 428, 646-650; Molander (1985) J. Conflict Resolution 29, 611-618.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.repeated.evolution import (
    ecological_simulation,
    fixation_probability,
    memory_one_payoff_matrix,
    one_third_rule,
    replicator_dynamics,
    simulate_fixation,
)
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress, scaled

__all__ = [
    "EXPERIMENT",
    "Config",
    "Result",
    "figures",
    "run",
    "tables",
    "tft_boundary",
    "tft_threshold",
]

DEFECTOR = "defector"
TFT = "tit_for_tat"
RECIPROCATORS = ("tit_for_tat", "generous_tit_for_tat", "win_stay_lose_shift")
LABELS = {
    "defector": "ALLD",
    "tit_for_tat": "TFT",
    "generous_tit_for_tat": "GTFT",
    "win_stay_lose_shift": "WSLS",
    "cooperator": "ALLC",
}
#: A share above this at the end counts as "took over".
TAKEOVER = 0.99


def tft_threshold(share: float, T: float, R: float, P: float, S: float) -> float:
    """``delta*(x)``: TFT at share ``x`` against ALLD grows iff ``delta > delta*`` (see module doc).

    Returns ``1 - 1 / m*`` with ``m* = ((P - S)/x + (T - P) - (P - S)) / (R - P)``, or 0
    when every match length lets TFT grow (``m* <= 1``).
    """
    m_star = ((P - S) / share + (T - P) - (P - S)) / (R - P)
    return max(0.0, 1.0 - 1.0 / m_star) if m_star > 1 else 0.0


def tft_boundary(delta: float, T: float, R: float, P: float, S: float) -> float | None:
    """``x*(delta)``: the TFT share above which TFT outgrows ALLD, or ``None`` when no share
    (even 1) suffices (the unstable mixed equilibrium when it lies in (0, 1))."""
    m = 1.0 / (1.0 - delta)
    den = (R - P) * m - (T - P) + (P - S)
    if den <= 0 or (P - S) / den >= 1:
        return None
    return (P - S) / den


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    T, R, P, S
        The prisoner's dilemma.
    strategies
        Registered memory-one strategies; the first is the resident defector.
    initial_shares
        Their starting shares (mostly defectors).
    deltas, noises
        The grid of continuation probabilities and noise levels.
    generations
        Generations of the ecological simulation.
    replicator_time
        Time span of the continuous replicator dynamics (trajectory figure).
    trajectory_delta, trajectory_noises
        The cells whose trajectories are drawn.
    foothold
        The share of a lone reciprocator against ALLD (the threshold ``delta*``).
    threshold_deltas
        Points of the fine delta grid for TFT alone against ALLD.
    population_size, w
        Moran process: population and intensity of selection (linear fitness).
    moran_delta, moran_runs
        The cell and the number of runs of the Moran simulation check.
    check_delta, check_noise, check_repetitions
        Simulated matches that check the exact payoffs.
    """

    T: float = 5.0
    R: float = 3.0
    P: float = 1.0
    S: float = 0.0
    strategies: tuple[str, ...] = (
        "defector",
        "tit_for_tat",
        "generous_tit_for_tat",
        "win_stay_lose_shift",
    )
    initial_shares: tuple[float, ...] = (0.85, 0.05, 0.05, 0.05)
    deltas: tuple[float, ...] = (0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99)
    noises: tuple[float, ...] = (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1)
    generations: int = 1000
    replicator_time: float = 60.0
    trajectory_delta: float = 0.98
    trajectory_noises: tuple[float, ...] = (0.0, 0.02)
    foothold: float = 0.1
    threshold_deltas: int = 41
    population_size: int = 50
    w: float = 0.1
    moran_delta: float = 0.9
    moran_runs: int = 4000
    check_delta: float = 0.9
    check_noise: float = 0.05
    check_repetitions: int = 400

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(
            deltas=tuple(round(x, 3) for x in np.linspace(0.5, 0.99, 50)),
            noises=tuple(round(x, 4) for x in np.linspace(0.0, 0.1, 41)),
            generations=3000,
            threshold_deltas=201,
            moran_runs=40_000,
            check_repetitions=4000,
        )

    def __post_init__(self) -> None:
        for name in ("T", "R", "P", "S", "w", "foothold", "replicator_time"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(f"{name} must be a finite number; got {v!r}")
        if not (self.T > self.R > self.P > self.S and 2 * self.R > self.T + self.S):
            raise ValueError(
                f"(T, R, P, S) = ({self.T}, {self.R}, {self.P}, {self.S}) must be a prisoner's "
                f"dilemma: T > R > P > S and 2R > T + S"
            )
        for name in (
            "generations",
            "threshold_deltas",
            "population_size",
            "moran_runs",
            "check_repetitions",
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 2:
                raise ValueError(f"{name} must be an integer >= 2; got {v!r}")
        if len(self.strategies) < 2 or self.strategies[0] != DEFECTOR:
            raise ValueError(
                f"strategies must start with {DEFECTOR!r} (the resident) and have at least two; "
                f"got {self.strategies!r}"
            )
        if TFT not in self.strategies:
            raise ValueError(f"strategies must include {TFT!r}")
        if len(self.initial_shares) != len(self.strategies) or any(
            not isinstance(x, int | float) or x < 0 for x in self.initial_shares
        ):
            raise ValueError("initial_shares must be one non-negative share per strategy")
        if not sum(self.initial_shares) > 0:
            raise ValueError("initial_shares must have a positive total")
        for name in ("deltas", "noises", "trajectory_noises"):
            values = getattr(self, name)
            if not values or not all(isinstance(x, int | float) for x in values):
                raise ValueError(f"{name} must be a non-empty tuple of numbers; got {values!r}")
        for name, values in (
            ("deltas", self.deltas),
            ("trajectory_delta", (self.trajectory_delta,)),
            ("moran_delta", (self.moran_delta,)),
            ("check_delta", (self.check_delta,)),
        ):
            if not all(0 <= x < 1 for x in values):
                raise ValueError(f"{name} must be in [0, 1); got {values!r}")
        for name, values in (
            ("noises", self.noises),
            ("trajectory_noises", self.trajectory_noises),
            ("check_noise", (self.check_noise,)),
        ):
            if not all(0 <= x <= 0.5 for x in values):
                raise ValueError(f"{name} must be in [0, 0.5]; got {values!r}")
        if list(self.deltas) != sorted(set(self.deltas)) or list(self.noises) != sorted(
            set(self.noises)
        ):
            raise ValueError("deltas and noises must be increasing")
        if not 0 < self.foothold < 1:
            raise ValueError(f"foothold must be in (0, 1); got {self.foothold}")
        if not 0 <= self.w <= 1:
            raise ValueError(f"w must be in [0, 1] (linear fitness); got {self.w}")


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict (grids indexed [delta][noise])."""

    payoffs: tuple[float, float, float, float]  # T, R, P, S
    names: tuple[str, ...]
    initial_shares: tuple[float, ...]
    deltas: tuple[float, ...]
    noises: tuple[float, ...]
    final_shares: tuple[tuple[tuple[float, ...], ...], ...]  # [delta][noise][type]
    final_cooperation: tuple[tuple[float, ...], ...]
    final_reciprocators: tuple[tuple[float, ...], ...]  # 1 - share of ALLD
    lone_invasion: tuple[tuple[tuple[float, ...], ...], ...]  # [reciprocator][delta][noise]
    lone_names: tuple[str, ...]
    critical_noise: tuple[tuple[float | None, ...], ...]  # [reciprocator][delta]
    self_payoff_noise: tuple[tuple[float, ...], ...]  # [reciprocator][noise], long run
    exact_check: tuple[tuple[float, ...], ...]  # exact payoffs at check cell
    simulated_check: tuple[tuple[float, ...], ...]
    check_z: float
    foothold: float
    threshold_analytic: float
    threshold_numeric: float
    threshold_deltas: tuple[float, ...]
    threshold_final_tft: tuple[float, ...]
    trajectory_delta: float
    trajectory_noises: tuple[float, ...]
    trajectory_generations: tuple[float, ...]
    trajectories: tuple[tuple[tuple[float, ...], ...], ...]  # [noise][time][type]
    replicator_times: tuple[float, ...]
    replicator_shares: tuple[tuple[float, ...], ...]  # [time][type], first trajectory noise
    population_size: int
    w: float
    moran_deltas: tuple[float, ...]
    moran_rho: tuple[float, ...]
    moran_rho_weak: tuple[float, ...]
    moran_condition: tuple[bool, ...]
    moran_delta: float
    moran_exact: float
    moran_estimate: float
    moran_runs: int
    moran_agrees: bool
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        d = np.asarray(self.deltas)
        coop = np.asarray(self.final_reciprocators)
        out: dict[str, float | int | str] = {
            f"TFT vs ALLD threshold delta* (analytic, foothold {self.foothold:g})": round(
                self.threshold_analytic, 6
            ),
            "TFT vs ALLD threshold delta* (numeric, bisection)": round(self.threshold_numeric, 6),
            "smallest delta where reciprocators take over (no noise)": (
                float(d[coop[:, 0] > TAKEOVER].min()) if np.any(coop[:, 0] > TAKEOVER) else "none"
            ),
            "grid cells where reciprocators take over": int(np.sum(coop > TAKEOVER)),
            "grid cells": int(coop.size),
            f"Moran rho(TFT in ALLD) * N at delta={self.moran_delta:g}": round(
                self.moran_exact * self.population_size, 4
            ),
            "Moran simulated rho / exact rho": (
                f"{self.moran_estimate:.4f} / {self.moran_exact:.4f} ({self.moran_runs} runs)"
            ),
            "max |exact - simulated| payoff": float(
                np.max(np.abs(np.subtract(self.exact_check, self.simulated_check)))
            ),
        }
        for name, crit in zip(self.lone_names, self.critical_noise, strict=True):
            top = crit[-1]
            out[f"{LABELS.get(name, name)} alone invades ALLD up to noise (delta={d[-1]:g})"] = (
                "never" if top is None else float(top)
            )
        return out


# ---------------------------------------------------------------------------
# Work, per grid row (executor tasks)
# ---------------------------------------------------------------------------
def _game(config: Config) -> Any:
    return _pd((config.T, config.R, config.P, config.S))


def _row(task: tuple[Any, ...]) -> tuple[list[list[float]], list[float], list[list[float]]]:
    """One delta: final shares and cooperation per noise; lone reciprocators' final shares."""
    strategies, shares, delta, noises, generations, payoffs, foothold = task
    game = _pd(payoffs)
    mats, coop_mats = zip(
        *(
            memory_one_payoff_matrix(strategies, delta=delta, noise=e, game=game, cooperation=True)
            for e in noises
        ),
        strict=True,
    )
    x = ecological_simulation(np.stack(mats), shares, generations).final  # (noises, K)
    coops = [float(xi @ c @ xi) for xi, c in zip(x, coop_mats, strict=True)]
    pairs = np.stack(
        [
            memory_one_payoff_matrix([DEFECTOR, name], delta=delta, noise=e, game=game)
            for name in RECIPROCATORS
            for e in noises
        ]
    )
    lone = ecological_simulation(pairs, [1 - foothold, foothold], generations).final[:, 1]
    lone_rows = lone.reshape(len(RECIPROCATORS), len(noises))
    return x.tolist(), coops, lone_rows.tolist()


def _pd(payoffs: tuple[float, float, float, float]) -> Any:
    from cooplab.games.catalog import prisoners_dilemma

    T, R, P, S = payoffs
    if (T, R, P, S) == (5.0, 3.0, 1.0, 0.0):
        return None
    return prisoners_dilemma(T=T, R=R, P=P, S=S)


def _tft_grows(delta: float, config: Config, game: Any) -> bool:
    """Does TFT's share grow from the foothold (ecological simulation, a few generations)?"""
    a = memory_one_payoff_matrix([DEFECTOR, TFT], delta=delta, game=game)
    traj = ecological_simulation(a, [1 - config.foothold, config.foothold], 5)
    return bool(traj.shares[-1, 1] > config.foothold)


def _bisect_threshold(config: Config, game: Any) -> float:
    lo, hi = 0.0, 0.999999
    if _tft_grows(lo, config, game):
        return 0.0
    if not _tft_grows(hi, config, game):
        return 1.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if _tft_grows(mid, config, game):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Run the experiment (see the module docstring)."""
    from cooplab.repeated.tournament import round_robin

    report = progress or null_progress
    total = 10.0
    report(0, total)
    game = _game(config)
    T, R, P, S = config.T, config.R, config.P, config.S
    strategies = config.strategies
    shares = np.asarray(config.initial_shares, dtype=float)
    shares = shares / shares.sum()
    tft = strategies.index(TFT)

    # 1. exact payoffs against simulated matches
    exact = memory_one_payoff_matrix(
        strategies, delta=config.check_delta, noise=config.check_noise, game=game
    )
    seed = int(rng.integers(2**62))
    tour = round_robin(
        strategies,
        delta=config.check_delta,
        noise=config.check_noise,
        repetitions=config.check_repetitions,
        seed=seed,
        game=game,
        self_play=True,
    )
    totals = np.asarray(tour.totals)
    lengths = np.asarray(tour.lengths, dtype=float)
    simulated = totals.sum(axis=-1) / lengths.sum(axis=-1)
    # ratio estimator's standard error (delta method): residuals total - m * length
    resid = totals - simulated[..., None] * lengths
    se = np.sqrt(resid.var(axis=-1, ddof=1) / lengths.shape[-1]) / lengths.mean(axis=-1)
    z = float(np.max(np.abs(simulated - exact) / np.maximum(se, 1e-12)))
    report(1, total)

    # 2. the TFT threshold
    analytic = tft_threshold(config.foothold, T, R, P, S)
    numeric = _bisect_threshold(config, game)
    fine = np.linspace(0.5, 0.99, config.threshold_deltas)
    fine_pairs = np.stack(
        [memory_one_payoff_matrix([DEFECTOR, TFT], delta=float(d), game=game) for d in fine]
    )
    fine_final = [
        float(v)
        for v in ecological_simulation(
            fine_pairs, [1 - config.foothold, config.foothold], config.generations
        ).final[:, 1]
    ]
    report(2, total)

    # 3. the grid, one task per delta
    tasks = [
        (
            strategies,
            tuple(float(x) for x in shares),
            float(d),
            tuple(float(e) for e in config.noises),
            config.generations,
            (T, R, P, S),
            config.foothold,
        )
        for d in config.deltas
    ]
    ex = executor or Executor("serial")
    try:
        rows = ex.map_values(_row, tasks, progress=scaled(report, 2, 5, total))
    finally:
        if executor is None:
            ex.close()
    final_shares = tuple(tuple(tuple(x) for x in r[0]) for r in rows)
    final_coop = tuple(tuple(r[1]) for r in rows)
    final_recip = tuple(tuple(1.0 - x[0] for x in r[0]) for r in rows)
    lone = tuple(
        tuple(tuple(rows[i][2][k]) for i in range(len(rows))) for k in range(len(RECIPROCATORS))
    )
    critical: list[tuple[float | None, ...]] = []
    for k in range(len(RECIPROCATORS)):
        per_delta: list[float | None] = []
        for i in range(len(config.deltas)):
            ok = [e for e, v in zip(config.noises, lone[k][i], strict=True) if v > TAKEOVER]
            per_delta.append(max(ok) if ok else None)
        critical.append(tuple(per_delta))
    positive_noises = [e for e in config.noises if e > 0] or [0.01]
    self_pay = tuple(
        tuple(
            float(
                memory_one_payoff_matrix([name], noise=e, game=game)[0, 0]  # type: ignore[index]
            )
            for e in config.noises
        )
        for name in RECIPROCATORS
    )

    # trajectories
    traj_rows = []
    for e in config.trajectory_noises:
        a = memory_one_payoff_matrix(strategies, delta=config.trajectory_delta, noise=e, game=game)
        traj = ecological_simulation(a, shares, config.generations)
        traj_rows.append(tuple(tuple(float(v) for v in row) for row in traj.shares))
    a0 = memory_one_payoff_matrix(
        strategies, delta=config.trajectory_delta, noise=config.trajectory_noises[0], game=game
    )
    rep = replicator_dynamics(a0, shares, t_max=config.replicator_time, points=121)
    report(7, total)

    # 5. Moran: one TFT among ALLD
    n = config.population_size
    rho, rho_weak, cond = [], [], []
    for d in config.deltas:
        a = memory_one_payoff_matrix([TFT, DEFECTOR], delta=float(d), game=game)
        rho.append(fixation_probability(a, n, mutant=0, resident=1, w=config.w))
        rho_weak.append(fixation_probability(a, n, mutant=0, resident=1, w=1e-4))
        cond.append(one_third_rule(a, n, mutant=0, resident=1))
    a = memory_one_payoff_matrix([TFT, DEFECTOR], delta=config.moran_delta, game=game)
    estimate = simulate_fixation(
        a,
        n,
        mutant=0,
        resident=1,
        w=config.w,
        runs=config.moran_runs,
        names=("TFT", "ALLD"),
        rng=rng.spawn(1)[0],
    )
    report(9, total)

    # checks
    deltas = np.asarray(config.deltas)
    recip = np.asarray(final_recip)
    fine_ok = [
        (f > TAKEOVER) == (d > analytic)
        for d, f in zip(fine, fine_final, strict=True)
        if abs(d - analytic) > 0.005
    ]
    zero_noise = 0 if config.noises[0] == 0 else None
    tft_self = np.asarray(self_pay[0])
    noisy = np.asarray(config.noises) > 0
    gtft_wsls_better = bool(
        np.all(np.asarray(self_pay[1])[noisy] > tft_self[noisy])
        and np.all(np.asarray(self_pay[2])[noisy] > tft_self[noisy])
    )
    mixed_cells = [
        (i, j)
        for i in range(len(config.deltas))
        for j, e in enumerate(config.noises)
        if e > 0 and recip[i, j] > TAKEOVER
    ]
    others = [strategies.index(s) for s in RECIPROCATORS[1:] if s in strategies]
    noisy_winners_not_tft = all(
        sum(final_shares[i][j][k] for k in others) > final_shares[i][j][tft] for i, j in mixed_cells
    )
    tft_crit = critical[0]
    top_noise = config.noises[-1]
    mean4 = (T + R + P + S) / 4
    checks = [
        Check(
            "Exact discounted payoffs of memory-one strategies agree with simulated matches",
            z <= 4.5,
            f"delta={config.check_delta:g}, noise={config.check_noise:g}, "
            f"{config.check_repetitions} matches per pair: largest |exact - simulated| "
            f"{np.max(np.abs(simulated - exact)):.4f}, at most {z:.2f} standard errors",
        ),
        Check(
            f"TFT invades ALLD from a share of {config.foothold:g} exactly when delta > delta* = "
            f"{analytic:.4f} (derived: m* = ((P-S)/x + (T-P) - (P-S))/(R-P))",
            abs(numeric - analytic) < 1e-6 and all(fine_ok) and len(fine_ok) > 2,
            f"bisection on the ecological dynamics finds delta* = {numeric:.6f}; on "
            f"{len(fine_ok)} grid deltas (away from delta* by > 0.005) TFT takes over iff delta "
            f"> delta*: {sum(fine_ok)}/{len(fine_ok)} agree",
        ),
        Check(
            "The shadow of the future: without noise, reciprocators take over from mostly "
            "defectors when delta is large and not when it is small",
            zero_noise is not None and recip[-1, 0] > TAKEOVER and recip[0, 0] < 1 - TAKEOVER,
            (
                f"final reciprocator share at delta={deltas[-1]:g}: {recip[-1, 0]:.4f}; at "
                f"delta={deltas[0]:g}: {recip[0, 0]:.4f} (start {1 - shares[0]:.2f})"
                if zero_noise is not None
                else "the noise grid has no zero"
            ),
        ),
        Check(
            "Noise destroys TFT's advantage: TFT against itself earns (R+S+T+P)/4 at any noise, "
            "and above a critical noise TFT no longer invades ALLD at any delta of the grid",
            bool(np.allclose(tft_self[noisy], mean4, atol=1e-9))
            and tft_crit[-1] is not None
            and tft_crit[-1] < top_noise
            and all(c is None or c < top_noise for c in tft_crit),
            f"TFT-TFT long-run payoff at noise {', '.join(f'{e:g}' for e in positive_noises)}: "
            f"{', '.join(f'{v:.4f}' for v in tft_self[noisy])} (theory {mean4:g}); TFT alone "
            f"invades ALLD up to noise {tft_crit[-1]} at delta={deltas[-1]:g}, never at "
            f"noise {top_noise:g}",
        ),
        Check(
            "Under noise, the error-correcting reciprocators (GTFT, WSLS) fare better than TFT: "
            "higher payoff against their own kind, and where cooperation takes over with noise "
            "they, not TFT, hold the population",
            gtft_wsls_better and noisy_winners_not_tft and len(mixed_cells) > 0,
            f"self-payoff at the largest noise: TFT {tft_self[-1]:.3f}, GTFT "
            f"{self_pay[1][-1]:.3f}, WSLS {self_pay[2][-1]:.3f}; {len(mixed_cells)} noisy cells "
            f"where reciprocators took over, GTFT+WSLS outnumber TFT in "
            f"{sum(sum(final_shares[i][j][k] for k in others) > final_shares[i][j][tft] for i, j in mixed_cells)}",
        ),
        Check(
            "Finite populations: one TFT fixes in ALLD more often than a neutral mutant (1/N) "
            "exactly where the weak-selection condition of Nowak et al. (2004) holds, and the "
            "exact fixation probability agrees with simulation",
            all((r * n > 1) == c for r, c in zip(rho_weak, cond, strict=True)) and estimate.agrees,
            f"N={n}: rho*N > 1 (w=1e-4) on deltas "
            f"{[float(d) for d, r in zip(deltas, rho_weak, strict=True) if r * n > 1]}, condition "
            f"on {[float(d) for d, c in zip(deltas, cond, strict=True) if c]}; at "
            f"delta={config.moran_delta:g}, w={config.w:g}: exact {estimate.exact:.4f}, "
            f"simulated {estimate.estimate:.4f} ({estimate.runs} runs, "
            f"{abs(estimate.estimate - estimate.exact) / estimate.standard_error:.2f} s.e.)",
        ),
    ]
    checks = [Check(c.claim, bool(c.held), c.detail) for c in checks]  # no numpy bools
    report(total, total)
    return Result(
        payoffs=(T, R, P, S),
        names=tuple(strategies),
        initial_shares=tuple(float(x) for x in shares),
        deltas=tuple(float(d) for d in config.deltas),
        noises=tuple(float(e) for e in config.noises),
        final_shares=final_shares,
        final_cooperation=final_coop,
        final_reciprocators=final_recip,
        lone_invasion=lone,
        lone_names=RECIPROCATORS,
        critical_noise=tuple(critical),
        self_payoff_noise=self_pay,
        exact_check=tuple(tuple(float(v) for v in row) for row in exact),
        simulated_check=tuple(tuple(float(v) for v in row) for row in simulated),
        check_z=z,
        foothold=config.foothold,
        threshold_analytic=analytic,
        threshold_numeric=numeric,
        threshold_deltas=tuple(float(d) for d in fine),
        threshold_final_tft=tuple(fine_final),
        trajectory_delta=config.trajectory_delta,
        trajectory_noises=tuple(float(e) for e in config.trajectory_noises),
        trajectory_generations=tuple(float(g) for g in range(config.generations + 1)),
        trajectories=tuple(traj_rows),
        replicator_times=tuple(float(t) for t in rep.times),
        replicator_shares=tuple(tuple(float(v) for v in row) for row in rep.shares),
        population_size=n,
        w=config.w,
        moran_deltas=tuple(float(d) for d in config.deltas),
        moran_rho=tuple(rho),
        moran_rho_weak=tuple(rho_weak),
        moran_condition=tuple(cond),
        moran_delta=config.moran_delta,
        moran_exact=estimate.exact,
        moran_estimate=estimate.estimate,
        moran_runs=estimate.runs,
        moran_agrees=estimate.agrees,
        checks=tuple(checks),
    )


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def _label(name: str) -> str:
    return LABELS.get(name, name)


def figures(result: Result) -> list[tuple[str, Any]]:
    """Shares over time, the (delta, noise) heatmaps, the TFT threshold, Moran fixation."""
    out: list[tuple[str, Any]] = []
    names = [_label(n) for n in result.names]

    # population shares over time
    panels = len(result.trajectories) + 1
    fig, axes = new_figure(4.0 * panels, 3.6, ncols=panels, squeeze=False)
    gens = np.asarray(result.trajectory_generations)
    for p, (e, traj) in enumerate(zip(result.trajectory_noises, result.trajectories, strict=True)):
        ax = axes[0, p]
        arr = np.asarray(traj)
        for k, name in enumerate(names):
            ax.plot(gens, arr[:, k], color=PALETTE[k % len(PALETTE)], label=name)
        ax.set_xscale("symlog", linthresh=10)
        ax.set_title(f"ecological, delta={result.trajectory_delta:g}, noise={e:g}", fontsize=9)
        ax.set_xlabel("generation")
        ax.set_ylim(-0.02, 1.02)
    axes[0, 0].set_ylabel("population share")
    ax = axes[0, -1]
    rep = np.asarray(result.replicator_shares)
    for k, name in enumerate(names):
        ax.plot(result.replicator_times, rep[:, k], color=PALETTE[k % len(PALETTE)], label=name)
    ax.set_title(
        f"replicator (continuous), delta={result.trajectory_delta:g}, "
        f"noise={result.trajectory_noises[0]:g}",
        fontsize=9,
    )
    ax.set_xlabel("time")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    out.append(("population-shares", fig))

    # heatmaps
    fig2, axes2 = new_figure(10.0, 4.0, ncols=2)
    d = np.asarray(result.deltas)
    e = np.asarray(result.noises)
    for ax, data, title in (
        (
            axes2[0],
            np.asarray(result.final_reciprocators),
            "final share of reciprocators (1 - ALLD)",
        ),
        (axes2[1], np.asarray(result.final_cooperation), "final rate of cooperative moves"),
    ):
        mesh = ax.pcolormesh(
            np.arange(len(e)),
            np.arange(len(d)),
            data,
            vmin=0,
            vmax=1,
            cmap="viridis",
            shading="nearest",
        )
        ax.set_xticks(np.arange(len(e)))
        ax.set_xticklabels([f"{x:g}" for x in e], rotation=60, fontsize=7)
        ax.set_yticks(np.arange(len(d)))
        ax.set_yticklabels([f"{x:g}" for x in d], fontsize=7)
        if len(e) > 12:
            ax.xaxis.set_major_locator(_every(len(e)))
        if len(d) > 12:
            ax.yaxis.set_major_locator(_every(len(d)))
        ax.set_xlabel("noise (probability an action is flipped)")
        ax.set_ylabel("delta (continuation probability)")
        ax.set_title(title, fontsize=9)
        fig2.colorbar(mesh, ax=ax)
    out.append(("cooperation-heatmap", fig2))

    # TFT threshold
    fig3, ax3 = new_figure(6.0, 3.6)
    ax3.plot(result.threshold_deltas, result.threshold_final_tft, "o-", ms=3, color=PALETTE[0])
    ax3.axvline(result.threshold_analytic, color="black", ls="--", lw=1)
    ax3.annotate(
        f"delta* = {result.threshold_analytic:.3f}",
        (result.threshold_analytic, 0.5),
        xytext=(6, 0),
        textcoords="offset points",
        fontsize=8,
    )
    ax3.set_xlabel("delta")
    ax3.set_ylabel("final share of TFT")
    ax3.set_title(f"TFT against ALLD from a share of {result.foothold:g} (no noise)", fontsize=10)
    out.append(("tft-threshold", fig3))

    # Moran
    fig4, ax4 = new_figure(6.0, 3.6)
    n = result.population_size
    ax4.plot(
        result.moran_deltas,
        np.asarray(result.moran_rho) * n,
        "o-",
        color=PALETTE[0],
        label=f"w={result.w:g}",
    )
    ax4.plot(
        result.moran_deltas,
        np.asarray(result.moran_rho_weak) * n,
        "s--",
        color=PALETTE[1],
        ms=3,
        label="w=1e-4",
    )
    ax4.axhline(1.0, color="black", lw=1, label="neutral (1/N)")
    ax4.plot(
        [result.moran_delta],
        [result.moran_estimate * n],
        "*",
        ms=12,
        color=PALETTE[3],
        label="simulated",
    )
    ax4.set_yscale("log")
    ax4.set_xlabel("delta")
    ax4.set_ylabel("N x fixation probability of one TFT")
    ax4.set_title(f"One TFT among ALLD, Moran process, N={n}", fontsize=10)
    ax4.legend(fontsize=8)
    out.append(("moran-fixation", fig4))
    return out


def _every(n: int) -> Any:
    """At most about 10 ticks on an axis of ``n`` cells."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=min(n, 10), integer=True)


def _fmt(x: float | None) -> str:
    return "none" if x is None else f"{x:.4f}"


def tables(result: Result) -> list[Table]:
    """Per delta: x*, TFT's fixation, the lone reciprocators' critical noise."""
    rows = []
    T, R, P, S = result.payoffs
    for i, d in enumerate(result.deltas):
        rows.append(
            (
                f"{d:g}",
                f"{1 / (1 - d):.3g}",
                _fmt(tft_boundary(d, T, R, P, S)),
                f"{result.final_reciprocators[i][0]:.3f}",
                f"{result.moran_rho[i] * result.population_size:.3f}",
                *("never" if c[i] is None else f"{c[i]:g}" for c in result.critical_noise),
            )
        )
    return [
        Table(
            title="By delta: TFT's foothold, the ecology without noise, Moran fixation, and the noise each reciprocator tolerates alone against ALLD",
            columns=(
                "delta",
                "mean length",
                "x* (TFT share needed)",
                "final reciprocators (no noise)",
                "N x rho(TFT)",
                *(f"{_label(n)} alone: max noise" for n in result.lone_names),
            ),
            rows=tuple(rows),
            note=(
                "x* = (P-S)/((R-P)m - (T-P) + (P-S)) with m = 1/(1-delta). WSLS alone never "
                "invades ALLD in this game: against ALLD it alternates C and D, earning (S+P)/2, "
                "and R = (T+P)/2 leaves it no margin among its own kind (Nowak & Sigmund 1993: "
                "WSLS follows TFT/GTFT, it does not lead)."
            ),
        )
    ]


EXPERIMENT = Experiment(
    name="evolution-of-cooperation",
    title="The evolution of cooperation: the shadow of the future and noise",
    section="3.1",
    claim=(
        "If a social dilemma is repeated indefinitely, cooperation becomes individually rational "
        "via reciprocity; horizon matters: cooperation requires the shadow of future interaction; "
        "reliable, legible, forgiving behaviour does well."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
