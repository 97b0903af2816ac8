"""Section 3.1 of the note: Axelrod's first tournament, reproduced.

Claim (Axelrod 1980): in a round robin of fourteen submitted programs and
RANDOM (200 moves a game, each entry also meeting its twin, five
repetitions), TIT FOR TAT scored best (504 points a game), and the eight
"nice" rules (never the first to defect) took the eight top places.

What is run:

1. The fifteen entries under two sets of readings of the 1980 descriptions
   (:mod:`cooplab.repeated.strategies.first_tournament`): ``paper``, our
   closest reading of the text, and ``axelrod``, the Axelrod library's
   (which ranks TIT FOR TAT third or fourth: its issues 1245 and 1475). Each
   set plays ``seeds`` independent tournaments of the 1980 size (blocks of
   ``repetitions`` repetitions); the first block is the headline, beside the
   published scores and ranks (Spearman rank correlation), and all the
   blocks give how often TIT FOR TAT comes first.
2. Sensitivity: from each set, the reading of one entry at a time is
   switched to the other one (and Nydegger's point roles, Tullock's
   reduction) with common random numbers, to find which readings move TIT
   FOR TAT's rank.
3. Whether the published scores can be reproduced at all. RANDOM's expected
   payoff per move against an opponent who cooperates with probability
   ``c`` (RANDOM's own move is independent of it) is ``(R c + S (1 - c) + T
   c + P (1 - c)) / 2``, ``0.5 + 3.5 c`` with Axelrod's payoffs, so its
   published 276 fixes the mean cooperation rate of the fifteen entries
   against RANDOM at 0.251. The table of cooperation rates against RANDOM
   shows which entries account for the difference.
4. Where the leader gains on TIT FOR TAT: the leader's score minus TIT FOR
   TAT's, opponent by opponent.

Findings (200 turns; the numbers are in the report): TIT FOR TAT's own score
is reproduced (about 503-510 against the published 504) and the eight nice
rules do take the top eight places, but the other nice rules score 10-60
points above their published scores, so TIT FOR TAT ends 3rd to 7th. Under
the paper readings the leader is Nydegger: read literally ("counting the
other's defection as 2 points and one's own as 1"), every defecting value of
A contains a defection of its own, so after three cooperations of its own it
cooperates for ever. It then forgives JOSS, FELD and TULLOCK and gains about
150-290 points against each of them on TIT FOR TAT, and it cooperates with
RANDOM 98% of the time. That last number is what the published RANDOM score
rules out: with every other entry as read here, RANDOM's 276 is reproduced
only if Nydegger cooperates with RANDOM almost never; none of the four
readings of its description (point roles either way round, weights either
way in time) does so. Under the Axelrod library's readings the leader is
Stein and Rapoport, whose test (C and D equally frequent, instead of the
transition test the paper describes) classes the library's Anonymous entry
(a fresh cooperation probability in [0.3, 0.7] each move) as random and
defects against it. No single switch of reading makes TIT FOR TAT first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.repeated.strategies import FIRST_TOURNAMENT, PUBLISHED_SCORES, get_strategy
from cooplab.repeated.tournament import round_robin
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress

__all__ = [
    "ALTERNATIVES",
    "EXPERIMENT",
    "READINGS",
    "Config",
    "Flip",
    "Lineup",
    "Result",
    "figures",
    "lineup_parameters",
    "run",
    "spearman",
    "tables",
]

#: The two sets of readings the tournament is run under.
READINGS = ("paper", "axelrod")

#: Every (entry, parameter) whose reading is in question, with its value under
#: each set of readings and the alternative tried in the sensitivity runs.
ALTERNATIVES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("tideman_and_chieruzzi", "variant", {"paper": "paper", "axelrod": "axelrod"}),
    ("nydegger", "variant", {"paper": "paper", "axelrod": "axelrod"}),
    ("nydegger", "roles", {"paper": "paper", "axelrod": "paper"}),
    ("shubik", "variant", {"paper": "paper", "axelrod": "axelrod"}),
    ("stein_and_rapoport", "variant", {"paper": "paper", "axelrod": "axelrod"}),
    ("graaskamp", "variant", {"paper": "paper", "axelrod": "axelrod"}),
    ("downing", "variant", {"paper": "paper", "axelrod": "axelrod"}),
    ("tullock", "reduction", {"paper": "absolute", "axelrod": "absolute"}),
    ("anonymous", "variant", {"paper": "paper", "axelrod": "axelrod"}),
)
_OTHER = {
    "variant": {"paper": "axelrod", "axelrod": "paper"},
    "roles": {"paper": "swapped", "swapped": "paper"},
    "reduction": {"absolute": "relative", "relative": "absolute"},
}
#: The entries Axelrod (1980) counts as nice (never the first to defect
#: before the last two moves): the top eight of the published ranking.
NICE = FIRST_TOURNAMENT[:8]
TFT = FIRST_TOURNAMENT.index("tit_for_tat")
RANDOM = FIRST_TOURNAMENT.index("random")


def lineup_parameters(reading: str) -> dict[str, dict[str, str]]:
    """Each entry's parameters under one set of readings (``"paper"`` or ``"axelrod"``)."""
    if reading not in READINGS:
        raise ValueError(f"unknown reading {reading!r}; expected one of {READINGS}")
    out: dict[str, dict[str, str]] = {name: {} for name in FIRST_TOURNAMENT}
    for entry, param, values in ALTERNATIVES:
        out[entry][param] = values[reading]
    return out


def _build(params: dict[str, dict[str, str]]) -> list[Any]:
    return [get_strategy(name, **params[name]) for name in FIRST_TOURNAMENT]


def spearman(x: Any, y: Any) -> float:
    """Spearman's rank correlation of two score vectors (ties take their mean rank)."""
    a, b = _ranks(np.asarray(x, float)), _ranks(np.asarray(y, float))
    a, b = a - a.mean(), b - b.mean()
    denom = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denom) if denom > 0 else 0.0


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n, highest value first, ties at their mean rank."""
    order = np.argsort(-x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    for v in np.unique(x):
        tie = x == v
        ranks[tie] = ranks[tie].mean()
    return ranks


def _ranking(scores: np.ndarray) -> list[int]:
    """Indices best first; exact ties (10 decimals) keep the published order."""
    key = np.round(scores, 10)
    return [int(i) for i in np.lexsort((np.arange(len(scores)), -key))]


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    turns
        Moves per game (200 in 1980; the entries know it).
    repetitions
        Repetitions of the round robin in one tournament (5 in 1980).
    seeds
        Independent tournaments per set of readings (the first is the
        headline; all give TIT FOR TAT's rank distribution).
    sensitivity_repetitions
        Repetitions of each one-switch tournament (0: no sensitivity runs).
    """

    turns: int = 200
    repetitions: int = 5
    seeds: int = 4
    sensitivity_repetitions: int = 5

    @classmethod
    def quick(cls) -> Config:
        # The 1980 tournament itself, twice (two seeds), and one repetition of
        # each one-switch tournament: about 10 s on a laptop.
        return cls(seeds=2, sensitivity_repetitions=1)

    @classmethod
    def full(cls) -> Config:
        return cls(seeds=40, sensitivity_repetitions=40)

    def __post_init__(self) -> None:
        for name, low in (
            ("turns", 3),
            ("repetitions", 1),
            ("seeds", 1),
            ("sensitivity_repetitions", 0),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer; got {value!r}")
            if value < low:
                raise ValueError(f"{name} must be at least {low}; got {value}")


@dataclass(frozen=True)
class Lineup:
    """The tournament under one set of readings.

    Scores are average payoffs per game of ``turns`` moves, the twin included,
    as Axelrod (1980) reported them.
    """

    reading: str
    parameters: tuple[str, ...]  # "entry: param=value" for every reading in question
    scores: tuple[float, ...]  # headline tournament (first block)
    ranks: tuple[int, ...]  # 1 = best, per entry in the published order
    spearman: float
    tft_rank: int
    leader: str
    payoff_matrix: tuple[tuple[float, ...], ...]  # per game, headline tournament
    seed_tft_ranks: tuple[int, ...]  # TIT FOR TAT's rank in each independent tournament
    seed_leaders: tuple[str, ...]
    seed_spearman: tuple[float, ...]
    pooled_scores: tuple[float, ...]  # all tournaments pooled
    pooled_ranks: tuple[int, ...]
    pooled_payoff_matrix: tuple[tuple[float, ...], ...]
    cooperation_vs_random: tuple[float, ...]  # each entry's cooperation rate against RANDOM, pooled

    @property
    def tft_first_share(self) -> float:
        return sum(r == 1 for r in self.seed_tft_ranks) / len(self.seed_tft_ranks)


@dataclass(frozen=True)
class Flip:
    """One entry's reading switched, everything else as in ``base``."""

    base: str
    entry: str
    parameter: str
    value: str
    tft_rank: int
    tft_gap: float  # TIT FOR TAT's score minus the best other's (negative: behind)
    leader: str
    spearman: float
    base_tft_rank: int
    base_tft_gap: float
    random_score: float


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict."""

    entries: tuple[str, ...]
    names: tuple[str, ...]
    published: tuple[int, ...]
    turns: int
    repetitions: int
    seeds: int
    payoffs: tuple[float, float, float, float]  # R, S, T, P
    lineups: tuple[Lineup, ...]
    flips: tuple[Flip, ...]
    random_required_cooperation: (
        float  # mean cooperation against RANDOM its published score implies
    )
    checks: tuple[Check, ...]

    def lineup(self, reading: str) -> Lineup:
        for lineup in self.lineups:
            if lineup.reading == reading:
                return lineup
        raise KeyError(reading)

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {}
        for lu in self.lineups:
            out[f"TIT FOR TAT's rank ({lu.reading} readings)"] = lu.tft_rank
            out[f"TIT FOR TAT's score ({lu.reading})"] = round(lu.scores[TFT], 1)
            out[f"leader ({lu.reading})"] = lu.leader
            out[f"Spearman rho with the published ranking ({lu.reading})"] = round(lu.spearman, 3)
            out[
                f"share of {len(lu.seed_tft_ranks)} tournaments TIT FOR TAT wins ({lu.reading})"
            ] = round(lu.tft_first_share, 3)
            out[f"RANDOM's score ({lu.reading}; published 276)"] = round(lu.scores[RANDOM], 1)
        if self.flips:
            out["best TIT FOR TAT rank over single switches of reading"] = min(
                f.tft_rank for f in self.flips
            )
        return out


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
def _block_scores(normalised: np.ndarray, start: int, stop: int, turns: int) -> np.ndarray:
    return normalised[:, start:stop].mean(axis=1) * turns


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Play the first tournament under both sets of readings, then the sensitivity runs."""
    report = progress or null_progress
    executor = executor or Executor("serial")
    seed = int(rng.integers(0, 2**62))
    n = len(FIRST_TOURNAMENT)
    published = np.array([PUBLISHED_SCORES[name] for name in FIRST_TOURNAMENT], float)
    n_flips = len(ALTERNATIVES) * len(READINGS) if config.sensitivity_repetitions else 0
    total = len(READINGS) + n_flips
    done = 0
    report(done, total)

    reps = config.repetitions
    lineups: list[Lineup] = []
    names: tuple[str, ...] = ()
    base_sensitivity: dict[str, np.ndarray] = {}
    tables_ = None
    for reading in READINGS:
        params = lineup_parameters(reading)
        result = round_robin(
            _build(params),
            turns=config.turns,
            repetitions=reps * config.seeds,
            seed=seed,
            executor=executor,
        )
        tables_ = result.game_tables
        names = tuple(
            name.split(" (")[0] for name in result.names
        )  # display names without parameters
        normalised = result.normalised_scores  # (n, reps * seeds), per turn
        head = _block_scores(normalised, 0, reps, config.turns)
        order = _ranking(head)
        ranks = np.empty(n, int)
        ranks[order] = np.arange(1, n + 1)
        seed_ranks, seed_leaders, seed_rho = [], [], []
        for b in range(config.seeds):
            s = _block_scores(normalised, b * reps, (b + 1) * reps, config.turns)
            o = _ranking(s)
            seed_ranks.append(o.index(TFT) + 1)
            seed_leaders.append(names[o[0]])
            seed_rho.append(spearman(s, published))
        pooled = normalised.mean(axis=1) * config.turns
        pooled_order = _ranking(pooled)
        pooled_ranks = np.empty(n, int)
        pooled_ranks[pooled_order] = np.arange(1, n + 1)
        head_matrix = result.payoffs[:, :, :reps].mean(axis=-1) * config.turns
        coop = result.cooperation_matrix[:, RANDOM]
        if config.sensitivity_repetitions:
            k = min(config.sensitivity_repetitions, reps * config.seeds)
            base_sensitivity[reading] = normalised[:, :k].mean(axis=1) * config.turns
        lineups.append(
            Lineup(
                reading=reading,
                parameters=tuple(
                    f"{entry}: {param}={params[entry][param]}" for entry, param, _ in ALTERNATIVES
                ),
                scores=tuple(float(x) for x in head),
                ranks=tuple(int(x) for x in ranks),
                spearman=spearman(head, published),
                tft_rank=int(ranks[TFT]),
                leader=names[order[0]],
                payoff_matrix=tuple(tuple(float(x) for x in row) for row in head_matrix),
                seed_tft_ranks=tuple(seed_ranks),
                seed_leaders=tuple(seed_leaders),
                seed_spearman=tuple(seed_rho),
                pooled_scores=tuple(float(x) for x in pooled),
                pooled_ranks=tuple(int(x) for x in pooled_ranks),
                pooled_payoff_matrix=tuple(
                    tuple(float(x) for x in row) for row in result.payoff_matrix * config.turns
                ),
                cooperation_vs_random=tuple(float(x) for x in coop),
            )
        )
        done += 1
        report(done, total)

    flips: list[Flip] = []
    if config.sensitivity_repetitions:
        k = config.sensitivity_repetitions
        for reading in READINGS:
            base_params = lineup_parameters(reading)
            if k <= reps * config.seeds:
                base_scores = base_sensitivity[reading]
            else:
                base_scores = (
                    round_robin(
                        _build(base_params),
                        turns=config.turns,
                        repetitions=k,
                        seed=seed,
                        executor=executor,
                    ).mean_scores
                    * config.turns
                )
            base_order = _ranking(base_scores)
            for entry, param, _ in ALTERNATIVES:
                params = {e: dict(p) for e, p in base_params.items()}
                params[entry][param] = _OTHER[param][params[entry][param]]
                # Same seed: the matches that do not involve the switched entry
                # replay identically (common random numbers).
                scores = (
                    round_robin(
                        _build(params),
                        turns=config.turns,
                        repetitions=k,
                        seed=seed,
                        executor=executor,
                    ).mean_scores
                    * config.turns
                )
                order = _ranking(scores)
                flips.append(
                    Flip(
                        base=reading,
                        entry=entry,
                        parameter=param,
                        value=params[entry][param],
                        tft_rank=order.index(TFT) + 1,
                        tft_gap=float(scores[TFT] - np.delete(scores, TFT).max()),
                        leader=names[order[0]],
                        spearman=spearman(scores, published),
                        base_tft_rank=base_order.index(TFT) + 1,
                        base_tft_gap=float(base_scores[TFT] - np.delete(base_scores, TFT).max()),
                        random_score=float(scores[RANDOM]),
                    )
                )
                done += 1
                report(done, total)

    if tables_ is None:  # pragma: no cover - READINGS is never empty
        raise RuntimeError("no tournament was played")
    R, S = float(tables_[0][0, 0]), float(tables_[0][0, 1])
    T, P = float(tables_[0][1, 0]), float(tables_[0][1, 1])
    # RANDOM's payoff per move against cooperation probability c: ((R+T) c + (S+P)(1-c)) / 2.
    per_move = PUBLISHED_SCORES["random"] / config.turns
    slope = (R + T - S - P) / 2
    required = (per_move - (S + P) / 2) / slope if slope else 0.0
    return Result(
        entries=FIRST_TOURNAMENT,
        names=names,
        published=tuple(int(x) for x in published),
        turns=config.turns,
        repetitions=reps,
        seeds=config.seeds,
        payoffs=(R, S, T, P),
        lineups=tuple(lineups),
        flips=tuple(flips),
        random_required_cooperation=float(required),
        checks=_checks(lineups, flips, published, float(required), config),
    )


def _checks(
    lineups: list[Lineup],
    flips: list[Flip],
    published: np.ndarray,
    required: float,
    config: Config,
) -> tuple[Check, ...]:
    checks = []
    for lu in lineups:
        scores = np.array(lu.scores)
        top = sorted(range(len(scores)), key=lambda i: lu.ranks[i])[:3]
        checks.append(
            Check(
                f"TIT FOR TAT ranks first ({lu.reading} readings)",
                lu.tft_rank == 1,
                f"TIT FOR TAT is {_ordinal(lu.tft_rank)} with {scores[TFT]:.1f} points a game "
                f"(published 504); top three: "
                + ", ".join(f"{FIRST_TOURNAMENT[i]} {scores[i]:.1f}" for i in top)
                + f". Over {len(lu.seed_tft_ranks)} independent tournaments it comes first in "
                f"{sum(r == 1 for r in lu.seed_tft_ranks)} (ranks "
                f"{min(lu.seed_tft_ranks)}-{max(lu.seed_tft_ranks)}).",
            )
        )
    for lu in lineups:
        nice_idx = {FIRST_TOURNAMENT.index(name) for name in NICE}
        top8 = {i for i in range(len(lu.ranks)) if lu.ranks[i] <= len(NICE)}
        checks.append(
            Check(
                f"The eight nice rules take the eight top places ({lu.reading} readings)",
                top8 == nice_idx,
                f"top eight: {', '.join(FIRST_TOURNAMENT[i] for i in sorted(top8, key=lambda i: lu.ranks[i]))}",
            )
        )
    for lu in lineups:
        checks.append(
            Check(
                f"The published ranking is broadly reproduced: Spearman rho >= 0.8 ({lu.reading} readings)",
                lu.spearman >= 0.8,
                f"rho = {lu.spearman:.3f} (over {len(lu.seed_spearman)} tournaments "
                f"{min(lu.seed_spearman):.3f}-{max(lu.seed_spearman):.3f})",
            )
        )
    best = min(lineups, key=lambda lu: float(np.mean(np.abs(np.array(lu.scores) - published))))
    mad = float(np.mean(np.abs(np.array(best.scores) - published)))
    checks.append(
        Check(
            "The published scores are reproduced within 10 points a game on average",
            mad <= 10.0,
            f"mean absolute difference {mad:.1f} points ({best.reading} readings, the closer "
            f"set); TIT FOR TAT's own score is {best.scores[TFT]:.1f} against 504, but the other "
            f"nice rules score "
            + ", ".join(
                f"{FIRST_TOURNAMENT[i]} {best.scores[i] - published[i]:+.0f}"
                for i in range(1, len(NICE))
            )
            + " against their published scores",
        )
    )
    for lu in lineups:
        coop = np.array(lu.cooperation_vs_random)
        mean_c = float(coop.mean())
        worst = int(np.argmax(coop - np.median(coop)))
        without = (coop.sum() - coop[worst]) / (len(coop) - 1)
        checks.append(
            Check(
                f"RANDOM's published score (276) is reproduced within 10 points ({lu.reading} readings)",
                abs(lu.pooled_scores[RANDOM] - PUBLISHED_SCORES["random"]) <= 10.0,
                f"RANDOM scores {lu.pooled_scores[RANDOM]:.1f} (all tournaments pooled). Its "
                f"expected score is fixed by how often the entries cooperate with it: 276 needs a "
                f"mean cooperation rate of {required:.3f}; here it is {mean_c:.3f}, the largest "
                f"being {FIRST_TOURNAMENT[worst]}'s {coop[worst]:.2f}; with that entry at 0 the "
                f"mean would be {coop.sum() - coop[worst]:.2f}/15 = "
                f"{(coop.sum() - coop[worst]) / len(coop):.3f} "
                f"(the other fourteen average {without:.3f})",
            )
        )
    if flips:
        best_flip = min(flips, key=lambda f: (f.tft_rank, -f.tft_gap))
        checks.append(
            Check(
                "Switching the reading of a single entry makes TIT FOR TAT first",
                best_flip.tft_rank == 1,
                f"best single switch: {best_flip.entry} {best_flip.parameter}={best_flip.value} "
                f"from the {best_flip.base} readings, TIT FOR TAT {_ordinal(best_flip.tft_rank)}, "
                f"{best_flip.tft_gap:+.1f} points from the best other ({best_flip.leader}); "
                f"{config.sensitivity_repetitions} repetitions each",
            )
        )
    return tuple(checks)


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def figures(result: Result) -> list[tuple[str, Any]]:
    """Scores beside the published ones; published rank against ours; the sensitivity runs."""
    n = len(result.entries)
    x = np.arange(n)
    fig, ax = new_figure(9.0, 4.4)
    width = 0.8 / (1 + len(result.lineups))
    ax.bar(x - 0.4 + width / 2, result.published, width, color="#777777", label="published (1980)")
    for k, lu in enumerate(result.lineups):
        ax.bar(
            x - 0.4 + width * (k + 1.5),
            lu.scores,
            width,
            color=PALETTE[k],
            label=f"{lu.reading} readings",
        )
    ax.set_xticks(x)
    ax.set_xticklabels(result.names, rotation=55, ha="right", fontsize=8)
    ax.set_ylabel(f"average score per {result.turns}-move game")
    low = min(min(result.published), *(min(lu.scores) for lu in result.lineups))
    ax.set_ylim(max(0.0, low - 60), None)
    ax.legend(fontsize=8, ncol=3, loc="upper right")
    ax.set_title("Axelrod's first tournament: published scores and ours", fontsize=10)

    fig2, ax2 = new_figure(5.2, 5.0)
    published_rank = np.arange(1, n + 1)
    for k, lu in enumerate(result.lineups):
        jitter = (k - (len(result.lineups) - 1) / 2) * 0.15
        ax2.scatter(
            published_rank + jitter,
            lu.ranks,
            color=PALETTE[k],
            label=f"{lu.reading} (rho {lu.spearman:.2f})",
            zorder=3,
        )
    ax2.plot([1, n], [1, n], color="black", lw=0.8, ls=":")
    ax2.annotate(
        "TIT FOR TAT",
        (1, result.lineups[0].ranks[TFT]),
        xytext=(6, 0),
        fontsize=8,
        textcoords="offset points",
    )
    ax2.set_xlabel("published rank")
    ax2.set_ylabel("our rank")
    ax2.invert_yaxis()
    ax2.set_xticks(range(1, n + 1))
    ax2.set_yticks(range(1, n + 1))
    ax2.legend(fontsize=8)
    ax2.set_title("Rank: published vs reproduced", fontsize=10)
    out = [("scores-vs-published", fig), ("rank-scatter", fig2)]

    if result.flips:
        fig3, ax3 = new_figure(8.0, 4.2)
        labels = []
        for k, reading in enumerate(READINGS):
            flips = [f for f in result.flips if f.base == reading]
            y = np.arange(len(flips)) + k * (len(ALTERNATIVES) + 1)
            ax3.barh(y, [f.tft_gap for f in flips], color=PALETTE[k], label=f"from {reading}")
            if flips:
                ax3.axvline(flips[0].base_tft_gap, color=PALETTE[k], ls="--", lw=1)
            labels += [
                (yy, f"{f.entry} {f.parameter}={f.value}") for yy, f in zip(y, flips, strict=True)
            ]
        ax3.set_yticks([yy for yy, _ in labels])
        ax3.set_yticklabels([lab for _, lab in labels], fontsize=7)
        ax3.axvline(0, color="black", lw=0.8)
        ax3.set_xlabel("TIT FOR TAT's score minus the best other's (dashed: no switch)")
        ax3.legend(fontsize=8)
        ax3.set_title("One entry's reading switched at a time", fontsize=10)
        out.append(("reading-sensitivity", fig3))
    return out


def tables(result: Result) -> list[Table]:
    """Scores and ranks; cooperation with RANDOM; the leader's gains on TIT FOR TAT; the switches."""
    out = []
    cols = ["entry", "published", "published rank"]
    for lu in result.lineups:
        cols += [f"{lu.reading} score", f"{lu.reading} rank", f"{lu.reading} pooled"]
    rows = []
    for i, name in enumerate(result.names):
        row = [name, str(result.published[i]), str(i + 1)]
        for lu in result.lineups:
            row += [f"{lu.scores[i]:.1f}", str(lu.ranks[i]), f"{lu.pooled_scores[i]:.1f}"]
        rows.append(tuple(row))
    out.append(
        Table(
            title="Scores per game and ranks, published (Axelrod 1980) and reproduced",
            columns=tuple(cols),
            rows=tuple(rows),
            note=(
                f"score/rank: one tournament of {result.repetitions} repetitions as in 1980; "
                f"pooled: {result.seeds} such tournaments. "
                + " ".join(
                    f"{lu.reading}: rho {lu.spearman:.3f}, TIT FOR TAT first in "
                    f"{sum(r == 1 for r in lu.seed_tft_ranks)}/{len(lu.seed_tft_ranks)}."
                    for lu in result.lineups
                )
            ),
        )
    )

    rows = []
    for i, name in enumerate(result.names):
        rows.append((name, *(f"{lu.cooperation_vs_random[i]:.3f}" for lu in result.lineups)))
    rows.append(
        (
            "mean (RANDOM's score = 100 + 700 x mean)",
            *(f"{np.mean(lu.cooperation_vs_random):.3f}" for lu in result.lineups),
        )
    )
    out.append(
        Table(
            title="How often each entry cooperates with RANDOM",
            columns=("entry", *(f"{lu.reading} readings" for lu in result.lineups)),
            rows=tuple(rows),
            note=(
                "RANDOM's expected payoff per move is 0.5 + 3.5 c against an opponent cooperating "
                f"with probability c; its published score 276 needs a mean c of "
                f"{result.random_required_cooperation:.3f} over the fifteen opponents (its twin "
                "included, at 0.5)."
            ),
        )
    )

    for lu in result.lineups:
        lead = FIRST_TOURNAMENT.index(
            next(e for e, nm in zip(FIRST_TOURNAMENT, result.names, strict=True) if nm == lu.leader)
        )
        if lead == TFT:
            continue
        m = np.array(lu.payoff_matrix)
        rows = tuple(
            (name, f"{m[lead, j]:.0f}", f"{m[TFT, j]:.0f}", f"{m[lead, j] - m[TFT, j]:+.0f}")
            for j, name in enumerate(result.names)
        )
        out.append(
            Table(
                title=f"Where {lu.leader} gains on TIT FOR TAT ({lu.reading} readings)",
                columns=("opponent", lu.leader, "Tit For Tat", "difference"),
                rows=rows,
                note="Score per game against each opponent, headline tournament; the "
                "differences sum to 15 times the gap in average score.",
            )
        )

    if result.flips:
        rows = tuple(
            (
                f.base,
                f"{f.entry}: {f.parameter}={f.value}",
                f"{f.base_tft_rank} -> {f.tft_rank}",
                f"{f.base_tft_gap:+.1f} -> {f.tft_gap:+.1f}",
                f.leader,
                f"{f.spearman:.3f}",
                f"{f.random_score:.1f}",
            )
            for f in result.flips
        )
        out.append(
            Table(
                title="One entry's reading switched at a time",
                columns=(
                    "from",
                    "switched",
                    "TFT rank",
                    "TFT minus best other",
                    "leader",
                    "rho",
                    "RANDOM",
                ),
                rows=rows,
                note="Same seed as the unswitched run, so matches without the switched entry "
                "replay identically.",
            )
        )
    return out


EXPERIMENT = Experiment(
    name="axelrod-first-tournament",
    title="Axelrod's first tournament, reproduced",
    section="3.1",
    claim=(
        "Simple, legible, forgiving strategies such as tit-for-tat do well: in Axelrod's first "
        "tournament (1980) TIT FOR TAT scored best, and the eight nice rules took the top eight "
        "places."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
