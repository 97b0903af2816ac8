"""Section 3.1 of the note: finite horizons unravel; the shadow of the future sustains cooperation.

Claim: finite-horizon games unravel to one-shot Nash by backward induction;
cooperation requires the shadow of future interaction.

What is run:

1. Backward induction (:mod:`cooplab.repeated.backward_induction`) on the
   prisoner's dilemma repeated ``T = 1..max_horizon`` times: the round-by-round
   solution (continuation values, the profile played, value to go), the set
   of subgame-perfect payoffs (a single point, ``T (P, P)``), and whether
   mutual cooperation can open any SPE (it cannot). For contrast, a stage
   game with two equilibria (Gibbons 1992, section 2.3.A), where the threat of
   switching to the worse equilibrium holds cooperation in place until the
   last round (Benoit & Krishna 1985).
2. Simulated play with a known horizon ``T``: the family "tit for tat,
   defecting in the last ``k`` rounds" (``k = 0..T``; ``k = 0`` is tit for
   tat, ``k = T`` always defects), all pairs played by
   :func:`~cooplab.repeated.tournament.round_robin`. The best reply to ``k``
   is ``k + 1``; iterating best replies from tit for tat walks down to
   always defect, the only symmetric equilibrium of the family.
3. Simulated play with a continuation probability ``delta`` (the horizon
   unknown): against grim trigger, "cooperate, then defect from round ``m``
   on" for every ``m``, on the same geometric match lengths drawn with the
   run's seed (:func:`~cooplab.repeated.engine.play_matches`). The mean gain
   is compared with the exact expectation: no switch pays iff
   ``delta >= (T - R) / (T - P)``. A round robin of tit for tat, grudger,
   the end-game defectors and defector with a known horizon and with
   ``delta = 1 - 1/T`` (the same mean length) shows the end-game moves
   vanish when the end is unknown.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.games.catalog import prisoners_dilemma
from cooplab.games.normal_form import NormalFormGame
from cooplab.repeated.backward_induction import (
    backward_induction,
    first_round_check,
    spe_payoff_sets,
)
from cooplab.repeated.engine import play_matches
from cooplab.repeated.strategies.base import C, D, History, Meta, Strategy, check_count
from cooplab.repeated.tournament import round_robin
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress

__all__ = [
    "EXPERIMENT",
    "Config",
    "EndgameTitForTat",
    "Result",
    "SwitchToDefection",
    "figures",
    "gibbons_game",
    "run",
    "tables",
]


@dataclass(eq=True)
class EndgameTitForTat(Strategy):
    """Tit for tat that defects in the last ``rounds`` rounds when the length is known."""

    rounds: int = 1

    meta: ClassVar[Meta] = Meta(
        "endgame_tit_for_tat",
        "Endgame Tit For Tat",
        math.inf,
        reference="the end-game effect: Selten & Stoecker (1986)",
        tags=frozenset({"tit_for_tat", "uses_match_length"}),
        uses_match_length=True,
    )

    def validate(self) -> None:
        check_count("rounds", self.rounds, 0)

    @property
    def display(self) -> str:
        return f"TFT, defect last {self.rounds}"

    def fsm_key(self, history: History) -> Hashable | None:
        last = int(history.opponent[-1]) if len(history) else -1
        if self.match_info.turns is None:
            return (last,)
        return (min(len(history), self.match_info.turns), last)

    def act(self, history: History, rng: np.random.Generator) -> int:
        left = self.turns_left(history)
        if left is not None and left <= self.rounds:
            return D
        return int(history.opponent[-1]) if len(history) else C


@dataclass(eq=True)
class SwitchToDefection(Strategy):
    """Cooperates in rounds ``1..start-1``, defects from round ``start`` on."""

    start: int = 1

    meta: ClassVar[Meta] = Meta(
        "switch_to_defection",
        "Switch To Defection",
        math.inf,
        reference="the one-shot deviation from grim trigger",
    )

    def validate(self) -> None:
        check_count("start", self.start, 1)

    @property
    def display(self) -> str:
        return f"defect from round {self.start}"

    def fsm_key(self, history: History) -> Hashable | None:
        return min(len(history), self.start)

    def act(self, history: History, rng: np.random.Generator) -> int:
        return D if len(history) + 1 >= self.start else C


def gibbons_game() -> NormalFormGame:
    """Gibbons (1992, section 2.3.A): equilibria (L, L) and (R, R); (M, M) pays (4, 4) but is not one."""
    a = np.array([[1.0, 5.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 3.0]])
    return NormalFormGame.from_bimatrix(
        a, a.T, action_names=[["L", "M", "R"], ["L", "M", "R"]], name="Two-equilibrium game"
    )


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    T, R, P, S
        The prisoner's dilemma (Axelrod 1984: 5, 3, 1, 0).
    max_horizon
        Backward induction for ``T = 1..max_horizon``.
    horizon
        The known horizon of the simulated matches.
    deltas
        Continuation probabilities for the unknown horizon.
    matches
        Geometric match lengths drawn per ``delta``.
    max_start
        Switch rounds ``m = 1..max_start`` tried against grim trigger.
    repetitions
        Repetitions of the ``delta`` round robin.
    """

    T: float = 5.0
    R: float = 3.0
    P: float = 1.0
    S: float = 0.0
    max_horizon: int = 10
    horizon: int = 10
    deltas: tuple[float, ...] = (0.2, 0.35, 0.65, 0.8, 0.9)
    matches: int = 2000
    max_start: int = 6
    repetitions: int = 20

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(
            deltas=(0.1, 0.2, 0.3, 0.4, 0.45, 0.55, 0.6, 0.7, 0.8, 0.9, 0.95),
            matches=50_000,
            max_start=10,
            repetitions=200,
        )

    def __post_init__(self) -> None:
        for name in ("T", "R", "P", "S"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise ValueError(f"{name} must be a finite number; got {value!r}")
        for name in ("max_horizon", "horizon", "matches", "max_start", "repetitions"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        if self.max_horizon > 30:
            raise ValueError(
                f"max_horizon must be at most 30 (backward induction); got {self.max_horizon}"
            )
        if self.horizon < 2:
            raise ValueError(f"horizon must be at least 2; got {self.horizon}")
        if (
            not isinstance(self.deltas, tuple | list)
            or not self.deltas
            or not all(
                isinstance(d, int | float) and not isinstance(d, bool) and 0 < d < 1
                for d in self.deltas
            )
        ):
            raise ValueError(f"deltas must be numbers in (0, 1); got {self.deltas!r}")
        object.__setattr__(self, "deltas", tuple(float(d) for d in self.deltas))
        prisoners_dilemma(T=self.T, R=self.R, P=self.P, S=self.S)


@dataclass(frozen=True)
class HorizonRow:
    """Backward induction for one horizon."""

    horizon: int
    path: tuple[str, ...]
    spe_unique: bool
    spe_payoffs: tuple[tuple[float, float], ...]
    cooperation_opens_spe: bool


@dataclass(frozen=True)
class RoundRow:
    round: int
    profile: str
    continuation: tuple[float, float]
    regret: float
    value_to_go: tuple[float, float]


@dataclass(frozen=True)
class DeltaRow:
    """Switching to defection against grim trigger at one ``delta``."""

    delta: float
    exact_gains: tuple[float, ...]  # per switch round m = 1..max_start
    simulated_gains: tuple[float, ...]
    standard_errors: tuple[float, ...]
    mean_length: float


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict."""

    payoffs: tuple[float, float, float, float]
    horizons: tuple[HorizonRow, ...]
    rounds: tuple[RoundRow, ...]
    certificate: str
    contrast_feasible: tuple[bool, ...]  # (M, M) opens an SPE of the two-equilibrium game, T = 1..
    contrast_best_path: tuple[str, ...]
    family: tuple[str, ...]
    family_payoffs: tuple[tuple[float, ...], ...]  # total payoff of row k against column k'
    best_replies: tuple[int, ...]
    br_path: tuple[int, ...]
    symmetric_equilibria: tuple[int, ...]
    threshold: float
    delta_rows: tuple[DeltaRow, ...]
    tournament_names: tuple[str, ...]
    known_scores: tuple[float, ...]
    delta_scores: tuple[float, ...]
    known_nice_cooperation: float
    delta_nice_cooperation: float
    tournament_delta: float
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        last = self.horizons[-1]
        return {
            "horizons solved": len(self.horizons),
            f"SPE path at T={last.horizon}": " ".join(last.path),
            "SPE payoff sets are single points": str(
                all(len(h.spe_payoffs) == 1 for h in self.horizons)
            ),
            "best-reply path (k = rounds defected at the end)": " -> ".join(map(str, self.br_path)),
            "symmetric equilibria of the end-game family": ", ".join(
                map(str, self.symmetric_equilibria)
            ),
            "critical delta (T-R)/(T-P)": self.threshold,
            "cooperation among nice strategies, known horizon": self.known_nice_cooperation,
            "cooperation among nice strategies, delta": self.delta_nice_cooperation,
        }


def _exact_gain(delta: float, m: int, T: float, R: float, P: float) -> float:
    """Expected total payoff of 'defect from round m' minus cooperating, against grim trigger."""
    # Rounds before m are the same; from m on: T then P for ever vs R for ever.
    return delta ** (m - 1) * ((T - R) - delta * (R - P) / (1 - delta))


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Backward induction, the end-game family with a known horizon, and play under delta."""
    progress = progress or null_progress
    T, R, P, S = config.T, config.R, config.P, config.S
    pd = prisoners_dilemma(T=T, R=R, P=P, S=S)
    total = 5
    progress(0, total)

    # 1. Backward induction
    horizons = []
    sets = spe_payoff_sets(pd, config.max_horizon)
    for h in range(1, config.max_horizon + 1):
        bi = backward_induction(pd, h)
        horizons.append(
            HorizonRow(
                horizon=h,
                path=tuple("".join(lab.strip("()").split(", ")) for lab in bi.path),
                spe_unique=bi.spe_unique,
                spe_payoffs=tuple((float(x), float(y)) for x, y in sets.levels[h]),
                cooperation_opens_spe=first_round_check(pd, ("C", "C"), h, sets=sets).feasible,
            )
        )
    bi = backward_induction(pd, config.horizon)
    rounds = tuple(
        RoundRow(
            round=r.round,
            profile=r.played.label,
            continuation=(r.continuation[0], r.continuation[1]),
            regret=r.regret,
            value_to_go=(r.value_to_go[0], r.value_to_go[1]),
        )
        for r in bi.rounds
    )
    gib = gibbons_game()
    contrast_h = min(config.max_horizon, 5)
    gsets = spe_payoff_sets(gib, contrast_h)
    contrast = tuple(
        first_round_check(gib, ("M", "M"), h, sets=gsets).feasible for h in range(1, contrast_h + 1)
    )
    top = gsets.levels[contrast_h]
    sym = np.flatnonzero(np.isclose(top[:, 0], top[:, 1]))
    best_sym = int(sym[np.argmax(top[sym, 0])])
    contrast_path = gsets.path(contrast_h, best_sym)
    progress(1, total)

    # 2. Known horizon: the end-game family
    H = config.horizon
    family = [EndgameTitForTat(k) for k in range(H + 1)]
    known = round_robin(family, turns=H, self_play=True, length_known=True, seed=0)
    payoffs = known.payoff_matrix * H
    best = []
    for col in range(H + 1):
        column = payoffs[:, col]
        best.append(int(np.flatnonzero(np.isclose(column, column.max()))[0]))
    path = [0]
    while best[path[-1]] != path[-1] and len(path) <= H + 1:
        path.append(best[path[-1]])
    sym_eq = tuple(
        k for k in range(H + 1) if best[k] == k or np.isclose(payoffs[k, k], payoffs[:, k].max())
    )
    progress(2, total)

    # 3. Unknown horizon: switching to defection against grim trigger
    threshold = (T - R) / (T - P)
    players: list[Strategy | str] = [
        "grudger",
        *[SwitchToDefection(m) for m in range(1, config.max_start + 1)],
    ]
    delta_rows = []
    for delta in config.deltas:
        lengths = rng.geometric(1.0 - delta, size=config.matches).astype(np.int64)
        n = len(players)
        pairs = np.array([[s, 0] for s in range(n) for _ in range(config.matches)], dtype=np.int64)
        batch = play_matches(
            players,
            pairs,
            np.tile(lengths, n),
            seeds=np.zeros(len(pairs), dtype=np.uint64),
            game=pd,
            length_known=False,
        )
        scores = batch.scores[:, 0].reshape(n, config.matches)
        diff = scores[1:] - scores[0]
        delta_rows.append(
            DeltaRow(
                delta=delta,
                exact_gains=tuple(
                    _exact_gain(delta, m, T, R, P) for m in range(1, config.max_start + 1)
                ),
                simulated_gains=tuple(float(x) for x in diff.mean(axis=1)),
                standard_errors=tuple(
                    float(x) for x in diff.std(axis=1, ddof=1) / math.sqrt(config.matches)
                ),
                mean_length=float(lengths.mean()),
            )
        )
    progress(3, total)

    # Round robins: known horizon vs delta with the same mean length
    names: list[Strategy | str] = [
        "tit_for_tat",
        "grudger",
        EndgameTitForTat(1),
        EndgameTitForTat(2),
        "defector",
    ]
    seed = int(rng.integers(0, 2**62))
    t_delta = 1.0 - 1.0 / H
    rr_known = round_robin(names, turns=H, self_play=True, length_known=True, seed=seed)
    rr_delta = round_robin(
        names, delta=t_delta, repetitions=config.repetitions, self_play=True, seed=seed
    )
    nice = [0, 1, 2, 3]
    known_coop = float(np.nanmean(rr_known.cooperation_matrix[np.ix_(nice, nice)]))
    delta_coop = float(np.nanmean(rr_delta.cooperation_matrix[np.ix_(nice, nice)]))
    progress(4, total)

    sim_agree = True
    sim_detail = []
    for row in delta_rows:
        for _m, (e, s, se) in enumerate(
            zip(row.exact_gains, row.simulated_gains, row.standard_errors, strict=True), start=1
        ):
            if se == 0.0:  # no simulated match reached round m: nothing to compare
                continue
            if abs(e) > 4 * se and np.sign(e) != np.sign(s):
                sim_agree = False
            if abs(s - e) > 5 * se + 1e-9:
                sim_agree = False
        sim_detail.append(
            f"delta {row.delta:g}: best switch gains {max(row.exact_gains):+.3f} exact, "
            f"{max(row.simulated_gains):+.3f} simulated"
        )
    exact_rule = all((max(r.exact_gains) <= 1e-12) == (r.delta >= threshold) for r in delta_rows)
    checks = (
        Check(
            "Backward induction: the finitely repeated prisoner's dilemma's unique SPE defects in "
            f"every round (T = 1..{config.max_horizon})",
            all(
                h.spe_unique
                and all(p == "DD" for p in h.path)
                and len(h.spe_payoffs) == 1
                and np.allclose(h.spe_payoffs[0], (h.horizon * P, h.horizon * P))
                and not h.cooperation_opens_spe
                for h in horizons
            )
            and all(r.regret <= 1e-12 for r in rounds),
            f"{bi.certificate}; every horizon's SPE payoff set is the single point T (P, P); "
            f"(C, C) can open no SPE; continuation values at T={config.horizon}: "
            + ", ".join(f"{r.continuation[0]:g}" for r in rounds),
        ),
        Check(
            "With a known horizon, best replies unravel tit for tat to always defect",
            tuple(path) == tuple(range(H + 1)) and sym_eq == (H,),
            f"best reply to 'defect in the last k rounds' is k+1 for k < {H}: "
            f"{list(best)}; iterated from tit for tat: {' -> '.join(map(str, path))}; "
            f"symmetric equilibria of the family: {list(sym_eq)}",
        ),
        Check(
            "With a continuation probability delta, cooperation with grim trigger is sustained "
            f"iff delta >= (T-R)/(T-P) = {threshold:g} (no switch to defection pays), confirmed by "
            "simulated matches",
            exact_rule and sim_agree,
            "; ".join(sim_detail),
        ),
        Check(
            "End-game defection needs a known end: nice strategies cooperate fully when the horizon "
            "is unknown, not when it is known",
            delta_coop == 1.0 and known_coop < 1.0,
            f"cooperation rate among TFT, Grudger and the end-game defectors: {known_coop:.3f} with "
            f"{H} known turns, {delta_coop:.3f} with delta = {t_delta:g} (mean length {H})",
        ),
        Check(
            "Several stage equilibria: cooperation can be played early in an SPE (Benoit & Krishna "
            "1985), but not in the last round",
            (not contrast[0]) and all(contrast[1:]),
            f"(M, M) opens an SPE for T = 1..{contrast_h}: {list(contrast)}; best symmetric SPE "
            f"path at T = {contrast_h}: {' '.join(contrast_path)}",
        ),
    )
    progress(total, total)
    return Result(
        payoffs=(T, R, P, S),
        horizons=tuple(horizons),
        rounds=rounds,
        certificate=bi.certificate,
        contrast_feasible=contrast,
        contrast_best_path=contrast_path,
        family=tuple(f.display for f in family),
        family_payoffs=tuple(tuple(float(x) for x in row) for row in payoffs),
        best_replies=tuple(best),
        br_path=tuple(path),
        symmetric_equilibria=sym_eq,
        threshold=threshold,
        delta_rows=tuple(delta_rows),
        tournament_names=rr_known.names,
        known_scores=tuple(float(x) for x in rr_known.mean_scores),
        delta_scores=tuple(float(x) for x in rr_delta.mean_scores),
        known_nice_cooperation=known_coop,
        delta_nice_cooperation=delta_coop,
        tournament_delta=t_delta,
        checks=checks,
    )


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def figures(result: Result) -> list[tuple[str, Any]]:
    """The end-game family's payoffs with best replies; switching gains against delta."""
    fig, (ax, ax_b) = new_figure(11.0, 4.4, ncols=2)
    m = np.asarray(result.family_payoffs)
    k = m.shape[0]
    im = ax.imshow(m, cmap="viridis", origin="upper")
    fig.colorbar(im, ax=ax, label="total payoff of the row strategy")
    ax.plot(range(k), result.best_replies, "o", mfc="none", mec="white", ms=10, label="best reply")
    ax.set_xlabel("opponent defects in the last k' rounds")
    ax.set_ylabel("player defects in the last k rounds")
    ax.set_title(f"Known horizon T = {k - 1}: the best reply to k' is k' + 1", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")

    coop = [k - 1 - j for j in result.br_path]
    ax_b.step(range(len(coop)), coop, where="mid", color=PALETTE[3])
    ax_b.set_xlabel("iteration of best replies (from tit for tat)")
    ax_b.set_ylabel("rounds of mutual cooperation")
    ax_b.set_title("Unravelling: each best reply defects one round earlier", fontsize=10)

    fig2, ax2 = new_figure(6.4, 4.0)
    grid = np.linspace(0.02, 0.98, 97)
    T, R, P, _ = result.payoffs
    ax2.plot(
        grid,
        [_exact_gain(d, 1, T, R, P) for d in grid],
        color=PALETTE[0],
        label="exact: defect from round 1",
    )
    d = [r.delta for r in result.delta_rows]
    best = [max(r.simulated_gains) for r in result.delta_rows]
    first = [r.simulated_gains[0] for r in result.delta_rows]
    se = [r.standard_errors[0] for r in result.delta_rows]
    ax2.errorbar(
        d, first, yerr=np.multiply(se, 2), fmt="o", color=PALETTE[0], label="simulated (2 s.e.)"
    )
    ax2.plot(d, best, "x", color=PALETTE[3], label="simulated: best switch round")
    ax2.axhline(0, color="black", lw=0.8)
    ax2.axvline(result.threshold, color="grey", ls=":", lw=1)
    ax2.set_ylim(-6, 3)
    ax2.set_xlabel("continuation probability delta")
    ax2.set_ylabel("expected gain over cooperating with grim trigger")
    ax2.set_title("Unknown horizon: defection pays only below (T-R)/(T-P)", fontsize=10)
    ax2.legend(fontsize=8)
    return [("known-horizon-unravelling", fig), ("shadow-of-the-future", fig2)]


def tables(result: Result) -> list[Table]:
    """Backward induction by round and by horizon; the delta sweep; the round robins."""
    rounds = tuple(
        (
            str(r.round),
            r.profile,
            f"({r.continuation[0]:g}, {r.continuation[1]:g})",
            f"{r.regret:g}",
            f"({r.value_to_go[0]:g}, {r.value_to_go[1]:g})",
        )
        for r in result.rounds
    )
    horizons = tuple(
        (
            str(h.horizon),
            " ".join(h.path),
            "yes" if h.spe_unique else "no",
            "; ".join(f"({x:g}, {y:g})" for x, y in h.spe_payoffs),
            "yes" if h.cooperation_opens_spe else "no",
        )
        for h in result.horizons
    )
    deltas = tuple(
        (
            f"{r.delta:g}",
            f"{r.mean_length:.2f}",
            f"{r.exact_gains[0]:+.3f}",
            f"{r.simulated_gains[0]:+.3f} +- {r.standard_errors[0]:.3f}",
            f"{max(r.exact_gains):+.3f}",
            "yes" if max(r.exact_gains) <= 1e-12 else "no",
        )
        for r in result.delta_rows
    )
    tour = tuple(
        (name, f"{a:.3f}", f"{b:.3f}")
        for name, a, b in zip(
            result.tournament_names, result.known_scores, result.delta_scores, strict=True
        )
    )
    return [
        Table(
            title=f"Backward induction, prisoner's dilemma, T = {len(result.rounds)}",
            columns=("round", "profile played", "continuation added", "regret", "value to go"),
            rows=rounds,
            note="Each round is the stage game plus a constant (the continuation), so its only "
            "equilibrium is the stage equilibrium. " + result.certificate + ".",
        ),
        Table(
            title="Subgame-perfect equilibria by horizon",
            columns=("T", "SPE path", "unique", "SPE payoffs", "(C, C) can open an SPE"),
            rows=horizons,
        ),
        Table(
            title="Switching to defection against grim trigger, unknown horizon",
            columns=(
                "delta",
                "mean length",
                "gain, defect from round 1 (exact)",
                "gain (simulated)",
                "best switch gain (exact)",
                "cooperation sustained",
            ),
            rows=deltas,
            note=f"Sustained iff delta >= (T-R)/(T-P) = {result.threshold:g}.",
        ),
        Table(
            title="Round robin: per-turn scores with a known horizon and with delta",
            columns=("strategy", "known horizon", f"delta = {result.tournament_delta:g}"),
            rows=tour,
        ),
    ]


EXPERIMENT = Experiment(
    name="unravelling",
    title="Unravelling: finite horizons and the shadow of the future",
    section="3.1",
    claim=(
        "Horizon matters. Finite-horizon games unravel to one-shot Nash by backward induction. "
        "Cooperation requires the shadow of future interaction."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
