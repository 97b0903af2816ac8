"""Section 3.1 of the note: the folk theorem.

Claim: in an infinitely repeated game with sufficiently patient agents, any
individually rational payoff profile is sustainable as a Nash equilibrium,
through trigger strategies that punish defection with future retaliation.

What is run (:mod:`cooplab.repeated.folk`):

1. Three stage games: the prisoner's dilemma (Axelrod's 5, 3, 1, 0),
   chicken (3, 2, 1, 0) and a Cournot duopoly with quantities 3, 4 or 6 and
   price ``12 - Q`` (profit ``q (12 - Q)``; its stage equilibrium is (4, 4),
   collusion is (3, 3), and flooding the market with 6 minmaxes the rival
   at 9, below the equilibrium profit 16). For each: the feasible set, the
   pure and mixed minmax values, the individually rational region.
2. For a cooperative target in each (mutual cooperation, both swerve,
   collusion), the grim-trigger profile and its critical discount factor
   ``delta*`` with Nash reversion (subgame perfect) and with minmax
   punishment (a Nash equilibrium; in the Cournot game not subgame
   perfect), each checked by simulation just above and just below
   ``delta*``. Two trivial rows for contrast: the stag hunt's (Stag, Stag)
   and the battle of the sexes' alternation (a public coin between its two
   equilibria) are stage equilibria, so ``delta* = 0``.
3. The prisoner's dilemma on a grid of ``delta``: mutual cooperation is
   sustained by grim trigger exactly when ``delta >= (T - R) / (T - P)``.
4. The folk theorem itself: targets drawn at random inside each game's
   individually rational region (kept a margin away from its boundary), each
   written as a lottery over outcomes (a public correlation device), are all
   sustained for ``delta`` near 1 with minmax punishment, confirmed by
   simulation at ``(1 + delta*) / 2``; targets drawn from the feasible set
   below someone's minmax value are sustained by no ``delta``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.games.catalog import battle_of_the_sexes, chicken, prisoners_dilemma, stag_hunt
from cooplab.games.normal_form import NormalFormGame
from cooplab.repeated.backward_induction import stage_equilibria
from cooplab.repeated.folk import (
    convex_weights,
    deviation_check,
    feasible_set,
    grim_trigger,
    individually_rational_region,
    minmax_values,
)
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress

__all__ = ["EXPERIMENT", "Config", "Result", "cournot_game", "figures", "run", "tables"]

#: Rounds simulated before the closed-form tail (play is stationary from round 1).
SIM_ROUNDS = 8


def cournot_game(
    quantities: tuple[float, ...] = (3.0, 4.0, 6.0), intercept: float = 12.0
) -> NormalFormGame:
    """A Cournot duopoly on a grid of quantities: profit ``q_i * (intercept - q_1 - q_2)``.

    With the default grid the stage equilibrium is (4, 4) (profit 16 each),
    joint-profit maximisation (3, 3) (18 each), and 6 minmaxes the rival (9).
    """
    q = np.asarray(quantities, dtype=float)
    a = q[:, None] * (intercept - q[:, None] - q[None, :])
    names = [f"{x:g}" for x in q]
    return NormalFormGame.from_bimatrix(a, a.T, action_names=[names, names], name="Cournot duopoly")


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    T, R, P, S
        The prisoner's dilemma (Axelrod 1984: 5, 3, 1, 0).
    delta_grid
        Points of the ``delta`` grid ``k / (delta_grid + 1)``, ``k = 1..delta_grid``.
    epsilon
        How far above and below ``delta*`` the simulation checks.
    n_targets
        Random targets drawn per game (inside and outside the region).
    margin
        Distance kept from the minmax lines, as a share of each player's payoff range.
    """

    T: float = 5.0
    R: float = 3.0
    P: float = 1.0
    S: float = 0.0
    delta_grid: int = 49
    epsilon: float = 1e-3
    n_targets: int = 40
    margin: float = 0.05

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(delta_grid=199, n_targets=400)

    def __post_init__(self) -> None:
        for name in ("T", "R", "P", "S", "epsilon", "margin"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise ValueError(f"{name} must be a finite number; got {value!r}")
        for name in ("delta_grid", "n_targets"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        if not 0 < self.epsilon < 0.1:
            raise ValueError(f"epsilon must be in (0, 0.1); got {self.epsilon}")
        if not 0 <= self.margin < 0.5:
            raise ValueError(f"margin must be in [0, 0.5); got {self.margin}")
        prisoners_dilemma(T=self.T, R=self.R, P=self.P, S=self.S)  # raises naming the condition


@dataclass(frozen=True)
class GameSummary:
    """One stage game's regions."""

    name: str
    outcomes: tuple[tuple[str, tuple[float, float]], ...]
    equilibria: tuple[tuple[str, tuple[float, float]], ...]
    feasible: tuple[tuple[float, float], ...]
    region: tuple[tuple[float, float], ...]
    minmax_pure: tuple[float, float]
    minmax_mixed: tuple[float, float]
    punishers: tuple[str, str]


@dataclass(frozen=True)
class TargetRow:
    """A target, its critical discount factors and their checks by simulation."""

    game: str
    target: str
    payoffs: tuple[float, float]
    deviation: tuple[float, float]
    nash_punishment: tuple[float, float]
    minmax_punishment: tuple[float, float]
    delta_nash: float | None
    delta_minmax: float | None
    minmax_subgame_perfect: bool
    holds_above: bool
    fails_below: bool
    expected: float | None


@dataclass(frozen=True)
class SampledTargets:
    """Random targets for one game."""

    game: str
    inside: tuple[tuple[float, float], ...]
    inside_deltas: tuple[float | None, ...]
    inside_confirmed: int
    outside: tuple[tuple[float, float], ...]
    outside_sustained: int


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict."""

    games: tuple[GameSummary, ...]
    targets: tuple[TargetRow, ...]
    pd_deltas: tuple[float, ...]
    pd_gains: tuple[float, ...]
    pd_sustained: tuple[bool, ...]
    pd_threshold: float
    cournot_gains_nash: tuple[float, ...]
    cournot_gains_minmax: tuple[float, ...]
    sampled: tuple[SampledTargets, ...]
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {
            "PD critical delta (T-R)/(T-P)": self.pd_threshold,
        }
        for row in self.targets:
            out[f"{row.game} {row.target}: delta* (Nash reversion)"] = (
                "not sustainable" if row.delta_nash is None else row.delta_nash
            )
            out[f"{row.game} {row.target}: delta* (minmax)"] = (
                "not sustainable" if row.delta_minmax is None else row.delta_minmax
            )
        for s in self.sampled:
            deltas = [d for d in s.inside_deltas if d is not None]
            out[f"{s.game}: sampled IR targets sustained"] = f"{s.inside_confirmed}/{len(s.inside)}"
            out[f"{s.game}: largest delta* over sampled targets"] = max(deltas) if deltas else 0.0
        return out


def _label(game: NormalFormGame, target: Any) -> str:
    if isinstance(target, dict):
        return " / ".join(
            "(" + ", ".join(game.outcome_names(game.pure_profile(a))) + ")" for a in target
        )
    return "(" + ", ".join(game.outcome_names(game.pure_profile(target))) + ")"


def _summary(game: NormalFormGame) -> GameSummary:
    feas = feasible_set(game)
    region = individually_rational_region(game)
    mm = minmax_values(game)
    eqs = stage_equilibria(game).equilibria
    return GameSummary(
        name=game.name,
        outcomes=feas.outcomes,
        equilibria=tuple((e.label, (e.payoffs[0], e.payoffs[1])) for e in eqs),
        feasible=feas.vertices,
        region=region.vertices,
        minmax_pure=mm.pure,
        minmax_mixed=mm.mixed,
        punishers=mm.pure_punisher,
    )


def _target_row(game: NormalFormGame, target: Any, eps: float, expected: float | None) -> TargetRow:
    nash = grim_trigger(game, target, punishment="nash")
    mm = grim_trigger(game, target, punishment="minmax")
    holds, fails = True, True
    for trig in (nash, mm):
        ds = trig.critical_delta
        if ds is None:
            continue
        above = min(ds + eps, 1 - eps / 10)
        holds &= not deviation_check(trig, above, rounds=SIM_ROUNDS).deviation_pays
        if ds > eps:
            fails &= deviation_check(trig, ds - eps, rounds=SIM_ROUNDS).deviation_pays
    best_dev = tuple(max(d[i] for d in nash.deviation_payoffs) for i in (0, 1))
    return TargetRow(
        game=game.name,
        target=_label(game, target),
        payoffs=nash.target_payoffs,
        deviation=(float(best_dev[0]), float(best_dev[1])),
        nash_punishment=nash.punishment_payoffs,
        minmax_punishment=mm.punishment_payoffs,
        delta_nash=nash.critical_delta,
        delta_minmax=mm.critical_delta,
        minmax_subgame_perfect=mm.subgame_perfect,
        holds_above=holds,
        fails_below=fails,
        expected=expected,
    )


def _sample(
    game: NormalFormGame, summary: GameSummary, n: int, margin: float, rng: np.random.Generator
) -> SampledTargets:
    feas = feasible_set(game)
    pts = np.array([p for _, p in summary.outcomes])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    m = np.asarray(summary.minmax_mixed)
    inside: list[tuple[float, float]] = []
    outside: list[tuple[float, float]] = []
    tries = 0
    while (len(inside) < n or len(outside) < n) and tries < 200 * n:
        tries += 1
        p = lo + rng.random(2) * (hi - lo)
        if not feas.contains(p, tol=0.0):
            continue
        if np.all(p >= m + margin * span):
            if len(inside) < n:
                inside.append((float(p[0]), float(p[1])))
        elif np.any(p < m - margin * span) and len(outside) < n:
            outside.append((float(p[0]), float(p[1])))
    deltas: list[float | None] = []
    confirmed = 0
    for p in inside:
        trig = grim_trigger(game, convex_weights(game, p), punishment="minmax")
        deltas.append(trig.critical_delta)
        if trig.critical_delta is not None and trig.critical_delta < 1:
            near_one = (1 + trig.critical_delta) / 2
            if not deviation_check(trig, near_one, rounds=SIM_ROUNDS).deviation_pays:
                confirmed += 1
    sustained_out = sum(
        grim_trigger(game, convex_weights(game, p), punishment="minmax").sustainable
        for p in outside
    )
    return SampledTargets(
        game=game.name,
        inside=tuple(inside),
        inside_deltas=tuple(deltas),
        inside_confirmed=confirmed,
        outside=tuple(outside),
        outside_sustained=int(sustained_out),
    )


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Compute the regions, the critical discount factors and their checks."""
    progress = progress or null_progress
    T, R, P, S = config.T, config.R, config.P, config.S
    pd = prisoners_dilemma(T=T, R=R, P=P, S=S)
    games = (pd, chicken(), cournot_game())
    total = 4 + len(games)
    progress(0, total)
    summaries = tuple(_summary(g) for g in games)
    progress(1, total)

    threshold = (T - R) / (T - P)
    eps = config.epsilon
    targets = (
        _target_row(pd, ("C", "C"), eps, threshold),
        _target_row(games[1], ("Swerve", "Swerve"), eps, None),
        _target_row(games[2], ("3", "3"), eps, None),
        _target_row(stag_hunt(), ("Stag", "Stag"), eps, 0.0),
        _target_row(
            battle_of_the_sexes(),
            {("Opera", "Opera"): 0.5, ("Football", "Football"): 0.5},
            eps,
            0.0,
        ),
    )
    progress(2, total)

    deltas = tuple(k / (config.delta_grid + 1) for k in range(1, config.delta_grid + 1))
    trig = grim_trigger(pd, ("C", "C"))
    checks_pd = [deviation_check(trig, d, rounds=SIM_ROUNDS) for d in deltas]
    pd_gains = tuple(c.best_gain for c in checks_pd)
    pd_sustained = tuple(not c.deviation_pays for c in checks_pd)
    c_nash = grim_trigger(games[2], ("3", "3"))
    c_mm = grim_trigger(games[2], ("3", "3"), punishment="minmax")
    cournot_nash = tuple(deviation_check(c_nash, d, rounds=SIM_ROUNDS).best_gain for d in deltas)
    cournot_mm = tuple(deviation_check(c_mm, d, rounds=SIM_ROUNDS).best_gain for d in deltas)
    progress(3, total)

    sampled = []
    for k, (g, s) in enumerate(zip(games, summaries, strict=True)):
        sampled.append(_sample(g, s, config.n_targets, config.margin, rng))
        progress(4 + k, total)

    grid_agrees = all(
        sustained == (d >= threshold - 1e-12)
        for d, sustained in zip(deltas, pd_sustained, strict=True)
    )
    pd_row = targets[0]
    checks = (
        Check(
            f"The prisoner's dilemma's mutual cooperation is sustained by grim trigger iff "
            f"delta >= (T-R)/(T-P) = {threshold:g}",
            bool(
                pd_row.delta_nash is not None
                and math.isclose(pd_row.delta_nash, threshold, abs_tol=1e-12)
                and grid_agrees
            ),
            f"delta* computed {pd_row.delta_nash}; on {len(deltas)} values of delta in (0, 1), "
            f"simulation finds no profitable deviation exactly when delta >= {threshold:g}: "
            f"{'yes' if grid_agrees else 'no'} "
            f"(sustained at {sum(pd_sustained)} grid points)",
        ),
        Check(
            "At each critical discount factor no deviation pays just above it and one pays just below",
            all(r.holds_above and r.fails_below for r in targets),
            "; ".join(
                f"{r.game} {r.target}: delta* = {_fmt(r.delta_nash)} (Nash reversion), "
                f"{_fmt(r.delta_minmax)} (minmax)"
                for r in targets
            )
            + f"; checked at delta* +- {eps:g}",
        ),
        Check(
            "Every sampled target inside the individually rational region is sustainable for "
            "delta near 1 (and none below a minmax value is)",
            all(
                s.inside_confirmed == len(s.inside) and s.inside and s.outside_sustained == 0
                for s in sampled
            ),
            "; ".join(
                f"{s.game}: {s.inside_confirmed}/{len(s.inside)} inside confirmed by simulation, "
                f"largest delta* {max((d for d in s.inside_deltas if d is not None), default=0):.3f}; "
                f"{s.outside_sustained}/{len(s.outside)} outside sustained"
                for s in sampled
            ),
        ),
        Check(
            "Minmax punishment sustains more than Nash reversion when the minmax value is below the "
            "stage-equilibrium payoff (Cournot collusion), but is not subgame perfect there",
            bool(
                targets[2].delta_minmax is not None
                and targets[2].delta_nash is not None
                and targets[2].delta_minmax < targets[2].delta_nash
                and not targets[2].minmax_subgame_perfect
            ),
            f"Cournot (3, 3): delta* {_fmt(targets[2].delta_minmax)} with minmax punishment "
            f"(payoff {targets[2].minmax_punishment[0]:g}) vs {_fmt(targets[2].delta_nash)} with "
            f"Nash reversion (payoff {targets[2].nash_punishment[0]:g})",
        ),
    )
    progress(total, total)
    return Result(
        games=summaries,
        targets=targets,
        pd_deltas=deltas,
        pd_gains=pd_gains,
        pd_sustained=pd_sustained,
        pd_threshold=threshold,
        cournot_gains_nash=cournot_nash,
        cournot_gains_minmax=cournot_mm,
        sampled=tuple(sampled),
        checks=checks,
    )


def _fmt(x: float | None) -> str:
    return "none" if x is None else f"{x:.4g}"


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def figures(result: Result) -> list[tuple[str, Any]]:
    """The payoff regions of the three games, and the gain from deviating against delta."""
    from matplotlib.patches import Polygon

    fig, axes = new_figure(13.0, 4.6, ncols=len(result.games))
    axes = np.atleast_1d(axes)
    for ax, g, s in zip(axes, result.games, result.sampled, strict=True):
        feas = np.asarray(g.feasible)
        if len(feas) >= 3:
            ax.add_patch(
                Polygon(feas, closed=True, fc="#EEEEEE", ec="black", lw=1.0, label="feasible")
            )
        region = np.asarray(g.region)
        if len(region) >= 3:
            ax.add_patch(
                Polygon(
                    region,
                    closed=True,
                    fc=PALETTE[5],
                    alpha=0.5,
                    ec=PALETTE[0],
                    lw=1.2,
                    label="individually rational",
                )
            )
        ax.axvline(g.minmax_mixed[0], color=PALETTE[3], lw=1.0, ls="-", label="mixed minmax")
        ax.axhline(g.minmax_mixed[1], color=PALETTE[3], lw=1.0, ls="-")
        if g.minmax_pure != g.minmax_mixed:
            ax.axvline(g.minmax_pure[0], color=PALETTE[3], lw=1.0, ls="--", label="pure minmax")
            ax.axhline(g.minmax_pure[1], color=PALETTE[3], lw=1.0, ls="--")
        pts = np.array([p for _, p in g.outcomes])
        ax.plot(pts[:, 0], pts[:, 1], "o", color="black", ms=5)
        for label, p in g.outcomes:
            ax.annotate(label, p, textcoords="offset points", xytext=(4, 4), fontsize=7)
        eq = np.array([p for _, p in g.equilibria])
        ax.plot(eq[:, 0], eq[:, 1], "s", mfc="none", mec=PALETTE[3], ms=9, label="stage equilibria")
        if s.inside:
            ins = np.array(s.inside)
            ax.plot(ins[:, 0], ins[:, 1], ".", color=PALETTE[2], ms=3, label="sampled targets")
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        pad = 0.08 * (hi - lo + 1e-9)
        ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        ax.set_xlabel("Row's payoff")
        ax.set_ylabel("Column's payoff")
        ax.set_title(g.name, fontsize=10)
    axes[0].legend(fontsize=7, loc="upper right")

    fig2, ax2 = new_figure(6.4, 4.0)
    d = np.asarray(result.pd_deltas)
    ax2.plot(d, result.pd_gains, color=PALETTE[0], label="PD (C, C), grim trigger")
    ax2.plot(d, result.cournot_gains_nash, color=PALETTE[1], label="Cournot (3, 3), Nash reversion")
    ax2.plot(
        d, result.cournot_gains_minmax, color=PALETTE[4], ls="--", label="Cournot (3, 3), minmax"
    )
    ax2.axhline(0.0, color="black", lw=0.8)
    ax2.axvline(result.pd_threshold, color=PALETTE[0], lw=0.8, ls=":")
    ax2.set_xlabel("discount factor delta")
    ax2.set_ylabel("best gain from deviating (normalised payoff)")
    ax2.set_title("Deviation pays below delta*, not above (simulated)", fontsize=10)
    ax2.legend(fontsize=8)
    return [("payoff-regions", fig), ("deviation-gain", fig2)]


def tables(result: Result) -> list[Table]:
    """Critical discount factors, and the minmax values."""
    rows = tuple(
        (
            r.game,
            r.target,
            f"({r.payoffs[0]:g}, {r.payoffs[1]:g})",
            f"({r.deviation[0]:g}, {r.deviation[1]:g})",
            f"({r.nash_punishment[0]:.3g}, {r.nash_punishment[1]:.3g})",
            _fmt(r.delta_nash),
            f"({r.minmax_punishment[0]:.3g}, {r.minmax_punishment[1]:.3g})",
            _fmt(r.delta_minmax) + ("" if r.minmax_subgame_perfect else " (not SPE)"),
            "yes" if r.holds_above and r.fails_below else "no",
        )
        for r in result.targets
    )
    mm = tuple(
        (
            g.name,
            f"({g.minmax_pure[0]:.4g}, {g.minmax_pure[1]:.4g})",
            f"({g.minmax_mixed[0]:.4g}, {g.minmax_mixed[1]:.4g})",
            ", ".join(f"{label} ({p[0]:.3g}, {p[1]:.3g})" for label, p in g.equilibria),
        )
        for g in result.games
    )
    return [
        Table(
            title="Critical discount factors of grim trigger",
            columns=(
                "game",
                "target",
                "target payoffs v",
                "best deviation d",
                "Nash reversion p",
                "delta* (Nash)",
                "minmax p",
                "delta* (minmax)",
                "simulation agrees",
            ),
            rows=rows,
            note="delta* = max_i (d_i - v_i) / (d_i - p_i); Nash reversion is subgame perfect, "
            "minmax punishment a Nash equilibrium (subgame perfect only where the minmax profile "
            "is a stage equilibrium). The battle of the sexes target is a public coin between its "
            "two equilibria.",
        ),
        Table(
            title="Minmax values and stage equilibria",
            columns=("game", "pure minmax", "mixed minmax", "stage equilibria (payoffs)"),
            rows=mm,
        ),
    ]


EXPERIMENT = Experiment(
    name="folk-theorem",
    title="The folk theorem: what patient players can sustain",
    section="3.1",
    claim=(
        "If a social dilemma is repeated indefinitely, a much wider set of outcomes becomes "
        "individually rational via trigger strategies, punishing defection with future "
        "retaliation. In an infinitely repeated game with sufficiently patient agents, any "
        "individually-rational payoff profile is sustainable as a Nash equilibrium."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
