"""Section 3.1 of the note: what the winners of a round robin share, with and without noise.

Claim (Axelrod 1984): the successful rules are *nice* (never the first to
defect), *retaliating* (provoked by an uncalled-for defection), *forgiving*
(they return to cooperation once the other does) and *clear*. With noise
(each move misimplemented with a small probability) echoes of defection
between retaliators hurt TIT FOR TAT and unforgiving rules such as GRIM, and
generous, forgiving rules gain on them.

What is run: a round robin of the registered strategies (all of them in
``full``; a broad deterministic and stochastic subset in ``quick``), 200
turns, self-play included, at each noise level of ``noises``. Each strategy's
properties are measured from its behaviour, not read from its tags:

* **nice**: in the noise-free tournament it is never the first to defect in
  any match (the last two moves of the announced length excepted);
* **retaliating**: against a probe that cooperates except for one defection
  at move 10, it defects on move 11 or 12 (with probability at least one
  half, over ``probe_seeds`` seeds for a stochastic strategy);
* **forgiving**: against the same probe it cooperates at least 80% of the
  time over moves 21 to ``turns - 2`` (it went back to cooperating after
  the lone defection);
* **clear**: its moves in the noise-free tournament are predicted at least
  95% of the time by the best rule from the previous round's outcome to a
  move (a legible, memory-one-like pattern the other can adapt to).

The shares of each property among the top and the bottom quarter of the
ranking are compared at each noise level, and the metadata tags are shown
beside the measured properties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.repeated.engine import match_seeds, play_matches
from cooplab.repeated.strategies import STRATEGIES, get_strategy
from cooplab.repeated.tournament import round_robin
from cooplab.report.plots import PALETTE, new_figure
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress

__all__ = [
    "EXPERIMENT",
    "PROPERTIES",
    "QUICK_STRATEGIES",
    "Config",
    "NoiseLevel",
    "Result",
    "figures",
    "measure_properties",
    "run",
    "tables",
]

PROPERTIES = ("nice", "retaliating", "forgiving", "clear")

#: The quick preset's strategies: the classics, the first tournament's
#: stochastic entries, memory-one and zero-determinant strategies, probers,
#: cyclers and majority rules (deterministic and stochastic).
QUICK_STRATEGIES: tuple[str, ...] = (
    "tit_for_tat",
    "generous_tit_for_tat",
    "contrite_tit_for_tat",
    "tit_for_two_tats",
    "two_tits_for_tat",
    "suspicious_tit_for_tat",
    "omega_tit_for_tat",
    "win_stay_lose_shift",
    "grudger",
    "forgiving_grudger",
    "soft_grudger",
    "gradual",
    "adaptive",
    "firm_but_fair",
    "cooperator",
    "defector",
    "random",
    "alternator",
    "cycler_ccd",
    "cycler_ddc",
    "go_by_majority",
    "hard_go_by_majority",
    "prober",
    "hard_prober",
    "tester",
    "handshake",
    "appeaser",
    "bully",
    "joss",
    "grofman",
    "feld",
    "davis",
    "shubik",
    "extortionate_zd",
    "generous_zd",
    "equalizer",
    "usually_cooperates",
    "usually_defects",
)


@dataclass(frozen=True)
class Config:
    """What the experiment runs.

    Attributes
    ----------
    strategies
        Registry names; empty for every registered strategy.
    turns
        Moves per match (announced to the players).
    repetitions
        Repetitions of each round robin.
    noises
        Noise levels; the first must be 0 (the reference).
    probe_seeds
        Probe matches per stochastic strategy.
    generous, tft, grim
        The generous rule compared with TIT FOR TAT and GRIM under noise.
    """

    strategies: tuple[str, ...] = QUICK_STRATEGIES
    turns: int = 200
    repetitions: int = 2
    noises: tuple[float, ...] = (0.0, 0.05)
    probe_seeds: int = 10
    generous: str = "generous_tit_for_tat"
    tft: str = "tit_for_tat"
    grim: str = "grudger"

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(strategies=(), repetitions=5, noises=(0.0, 0.01, 0.05, 0.1), probe_seeds=20)

    def __post_init__(self) -> None:
        for name, low in (("turns", 25), ("repetitions", 1), ("probe_seeds", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer; got {value!r}")
            if value < low:
                raise ValueError(f"{name} must be at least {low}; got {value}")
        if not isinstance(self.strategies, tuple | list):
            raise ValueError(f"strategies must be a tuple of names; got {self.strategies!r}")
        for name in (*self.strategies, self.generous, self.tft, self.grim):
            STRATEGIES[name]  # raises with the closest names
        names = self.names()
        for role in ("generous", "tft", "grim"):
            if STRATEGIES[getattr(self, role)].meta.name not in names:
                raise ValueError(f"{role} ({getattr(self, role)!r}) must be among the strategies")
        if len(names) < 8:
            raise ValueError(f"strategies must name at least 8 strategies; got {len(names)}")
        if not self.noises or any(
            isinstance(e, bool) or not isinstance(e, int | float) or not 0 <= e <= 0.5
            for e in self.noises
        ):
            raise ValueError(f"noises must be probabilities in [0, 0.5]; got {self.noises!r}")
        if self.noises[0] != 0 or len(self.noises) < 2:
            raise ValueError(
                f"noises must start with 0 and have another level; got {self.noises!r}"
            )

    def names(self) -> tuple[str, ...]:
        """The registry names played, in order."""
        if not self.strategies:
            return tuple(STRATEGIES)
        out: list[str] = []
        for name in self.strategies:
            key = STRATEGIES[name].meta.name
            if key not in out:
                out.append(key)
        return tuple(out)


@dataclass(frozen=True)
class NoiseLevel:
    """The round robin at one noise level."""

    noise: float
    scores: tuple[float, ...]  # mean payoff per turn, per strategy
    ranks: tuple[int, ...]  # 1 = best
    cooperation: tuple[float, ...]
    top_share: tuple[float, ...]  # per property, share among the top quarter
    bottom_share: tuple[float, ...]
    mean_rank_with: tuple[
        float, ...
    ]  # per property, mean rank percentile (0 best) of those with it
    mean_rank_without: tuple[float, ...]


@dataclass(frozen=True)
class Result:
    """The numbers behind the verdict."""

    names: tuple[str, ...]
    displays: tuple[str, ...]
    turns: int
    repetitions: int
    stochastic: tuple[bool, ...]
    properties: tuple[tuple[bool, ...], ...]  # [strategy][property]
    tags: tuple[tuple[bool, ...], ...]  # metadata tags nice, retaliating, forgiving
    first_defections: tuple[int, ...]  # matches in which it defected first (noise-free)
    retaliation: tuple[float, ...]
    forgiveness: tuple[float, ...]
    clarity: tuple[float, ...]
    levels: tuple[NoiseLevel, ...]
    generous: int
    tft: int
    grim: int
    quarter: int
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {"strategies": len(self.names)}
        for lv in self.levels:
            winner = self.displays[lv.ranks.index(1)]
            out[f"winner at noise {lv.noise:g}"] = winner
            for k, prop in enumerate(PROPERTIES):
                out[f"{prop} share of the top quarter at noise {lv.noise:g}"] = round(
                    lv.top_share[k], 3
                )
            for role, idx in (("generous", self.generous), ("TFT", self.tft), ("Grim", self.grim)):
                out[f"{role} ({self.displays[idx]}) rank at noise {lv.noise:g}"] = lv.ranks[idx]
        return out


# ---------------------------------------------------------------------------
# Measured properties
# ---------------------------------------------------------------------------
def measure_properties(
    strategies: list[Any], turns: int, probe_seeds: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Retaliation probability and forgiveness rate of each strategy against the probe.

    The probe cooperates except for one defection at move 10. Retaliation:
    share of probe matches with a defection on move 11 or 12; forgiveness:
    mean cooperation rate over moves 21 to ``turns - 2``.
    """
    probe = get_strategy("cycler", cycle="C" * 9 + "D" + "C" * (turns - 10))
    players = [*strategies, probe]
    p = len(strategies)
    pairs, owners = [], []
    for i, s in enumerate(strategies):
        for _ in range(probe_seeds if s.stochastic else 1):
            pairs.append((i, p))
            owners.append(i)
    keys = np.array([[i, p, r] for r, (i, _) in enumerate(pairs)], dtype=np.int64)
    batch = play_matches(
        players,
        np.array(pairs, dtype=np.int64),
        turns,
        seeds=match_seeds(seed, keys),
        keep_actions=True,
    )
    own = batch.actions[:, 0, :turns]  # type: ignore[index]
    retaliated = (own[:, 10:12] == 1).any(axis=1).astype(float)
    forgave = (own[:, 20 : turns - 2] == 0).mean(axis=1)
    owners_arr = np.array(owners)
    ret = np.array([retaliated[owners_arr == i].mean() for i in range(p)])
    forg = np.array([forgave[owners_arr == i].mean() for i in range(p)])
    return ret, forg


def _history_properties(result: Any, n: int, turns: int) -> tuple[np.ndarray, np.ndarray]:
    """Matches each strategy defected first in, and the clarity of its moves."""
    first = np.zeros(n, dtype=np.int64)
    table = np.zeros((n, 4, 2), dtype=np.int64)  # previous outcome (own, opp) -> own move
    cut = max(turns - 2, 1)
    for (i, j, _r), h in result.histories.items():
        body = h[:, :cut]
        d0 = np.flatnonzero(body[0] == 1)
        d1 = np.flatnonzero(body[1] == 1)
        f0 = d0[0] if len(d0) else cut
        f1 = d1[0] if len(d1) else cut
        if f0 < f1:
            first[i] += 1
        if f1 < f0:
            first[j] += 1
        for side, k in ((0, i), (1, j)):
            own, opp = h[side], h[1 - side]
            state = 2 * own[:-1] + opp[:-1]
            np.add.at(table[k], (state, own[1:]), 1)
    total = table.sum(axis=(1, 2))
    clarity = np.where(total > 0, table.max(axis=2).sum(axis=1) / np.maximum(total, 1), 1.0)
    return first, clarity


def _shares(prop: np.ndarray, ranks: np.ndarray, quarter: int) -> tuple[float, float]:
    top = prop[ranks <= quarter]
    bottom = prop[ranks > len(ranks) - quarter]
    return float(top.mean()), float(bottom.mean())


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Play the round robins, measure the properties, compare top and bottom."""
    report = progress or null_progress
    executor = executor or Executor("serial")
    names = config.names()
    strategies = [get_strategy(name) for name in names]
    n = len(names)
    seed = int(rng.integers(0, 2**62))
    total = len(config.noises) + 1
    report(0, total)

    results = []
    for k, noise in enumerate(config.noises):
        results.append(
            round_robin(
                strategies,
                turns=config.turns,
                repetitions=config.repetitions,
                noise=float(noise),
                seed=seed,
                executor=executor,
                keep_histories=(k == 0),
            )
        )
        report(k + 1, total)
    first, clarity = _history_properties(results[0], n, config.turns)
    retaliation, forgiveness = measure_properties(
        strategies, config.turns, config.probe_seeds, seed
    )
    report(total, total)

    props = np.column_stack(
        [first == 0, retaliation >= 0.5, forgiveness >= 0.8, clarity >= 0.95]
    ).astype(bool)
    quarter = max(1, n // 4)
    levels = []
    for noise, res in zip(config.noises, results, strict=True):
        scores = res.mean_scores
        order = res.ranking
        ranks = np.empty(n, dtype=int)
        ranks[list(order)] = np.arange(1, n + 1)
        pct = (ranks - 1) / max(n - 1, 1)
        top, bottom, with_, without = [], [], [], []
        for k in range(len(PROPERTIES)):
            t, b = _shares(props[:, k], ranks, quarter)
            top.append(t)
            bottom.append(b)
            has = props[:, k]
            with_.append(float(pct[has].mean()) if has.any() else 0.5)
            without.append(float(pct[~has].mean()) if (~has).any() else 0.5)
        levels.append(
            NoiseLevel(
                noise=float(noise),
                scores=tuple(float(x) for x in scores),
                ranks=tuple(int(x) for x in ranks),
                cooperation=tuple(float(x) for x in res.cooperation_rates),
                top_share=tuple(top),
                bottom_share=tuple(bottom),
                mean_rank_with=tuple(with_),
                mean_rank_without=tuple(without),
            )
        )
    index = {name: i for i, name in enumerate(names)}
    g = index[STRATEGIES[config.generous].meta.name]
    t = index[STRATEGIES[config.tft].meta.name]
    m = index[STRATEGIES[config.grim].meta.name]
    tags = tuple(
        tuple(prop in STRATEGIES[name].meta.tags for prop in PROPERTIES[:3]) for name in names
    )
    displays = tuple(s.display for s in strategies)
    return Result(
        names=names,
        displays=displays,
        turns=config.turns,
        repetitions=config.repetitions,
        stochastic=tuple(bool(s.stochastic) for s in strategies),
        properties=tuple(tuple(bool(x) for x in row) for row in props),
        tags=tags,
        first_defections=tuple(int(x) for x in first),
        retaliation=tuple(float(x) for x in retaliation),
        forgiveness=tuple(float(x) for x in forgiveness),
        clarity=tuple(float(x) for x in clarity),
        levels=tuple(levels),
        generous=g,
        tft=t,
        grim=m,
        quarter=quarter,
        checks=_checks(levels, props, displays, g, t, m, quarter),
    )


def _checks(
    levels: list[NoiseLevel],
    props: np.ndarray,
    displays: tuple[str, ...],
    g: int,
    t: int,
    m: int,
    quarter: int,
) -> tuple[Check, ...]:
    base, noisy = levels[0], levels[-1]
    nice, ret, forg, clear = range(4)
    checks = [
        Check(
            "Without noise, nice strategies dominate the top: at least 3/4 of the top quarter is "
            "nice, a larger share than in the bottom quarter",
            base.top_share[nice] >= 0.75 and base.top_share[nice] > base.bottom_share[nice],
            f"nice share: top {quarter} {base.top_share[nice]:.2f}, bottom {quarter} "
            f"{base.bottom_share[nice]:.2f} ({int(props[:, nice].sum())} of {len(props)} "
            "strategies are nice)",
        ),
        Check(
            "Without noise, the top quarter is mostly retaliating (at least 3/4)",
            base.top_share[ret] >= 0.75,
            f"retaliating share: top {base.top_share[ret]:.2f}, bottom {base.bottom_share[ret]:.2f} "
            "(always-defecting rules also count as retaliating, so the bottom is high too)",
        ),
        Check(
            "Without noise, forgiving strategies are more common at the top than at the bottom",
            base.top_share[forg] > base.bottom_share[forg],
            f"forgiving share: top {base.top_share[forg]:.2f}, bottom {base.bottom_share[forg]:.2f}",
        ),
        Check(
            "Without noise, clear strategies are more common at the top than at the bottom",
            base.top_share[clear] > base.bottom_share[clear],
            f"clear share: top {base.top_share[clear]:.2f}, bottom {base.bottom_share[clear]:.2f}",
        ),
    ]
    gap_tft = [lv.scores[g] - lv.scores[t] for lv in levels]
    gap_grim = [lv.scores[g] - lv.scores[m] for lv in levels]
    checks.append(
        Check(
            f"With noise, {displays[g]} gains on {displays[t]} and on {displays[m]}",
            gap_tft[-1] > gap_tft[0] and gap_grim[-1] > gap_grim[0],
            "score per turn minus TFT's: "
            + ", ".join(f"{lv.noise:g}: {x:+.3f}" for lv, x in zip(levels, gap_tft, strict=True))
            + f"; minus {displays[m]}'s: "
            + ", ".join(f"{lv.noise:g}: {x:+.3f}" for lv, x in zip(levels, gap_grim, strict=True))
            + "; ranks "
            + ", ".join(
                f"{lv.noise:g}: {lv.ranks[g]}/{lv.ranks[t]}/{lv.ranks[m]}" for lv in levels
            ),
        )
    )
    adv0 = base.mean_rank_without[forg] - base.mean_rank_with[forg]
    adv1 = noisy.mean_rank_without[forg] - noisy.mean_rank_with[forg]
    checks.append(
        Check(
            "With noise, forgiving strategies gain rank on the unforgiving ones",
            adv1 > adv0,
            f"mean rank percentile advantage of the forgiving over the others: {adv0:+.3f} "
            f"without noise, {adv1:+.3f} at noise {noisy.noise:g}",
        )
    )
    checks.append(
        Check(
            f"With noise ({noisy.noise:g}), nice strategies still make up at least 3/4 of the top "
            "quarter",
            noisy.top_share[nice] >= 0.75,
            f"nice share of the top quarter: {noisy.top_share[nice]:.2f} (without noise "
            f"{base.top_share[nice]:.2f})",
        )
    )
    return tuple(checks)


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def figures(result: Result) -> list[tuple[str, Any]]:
    """Property shares at the top and bottom per noise level; score change with noise."""
    fig, axes = new_figure(9.0, 3.6, ncols=len(result.levels), sharey=True)
    axes = np.atleast_1d(axes)
    x = np.arange(len(PROPERTIES))
    for ax, lv in zip(axes, result.levels, strict=True):
        ax.bar(x - 0.2, lv.top_share, 0.4, color=PALETTE[2], label="top quarter")
        ax.bar(x + 0.2, lv.bottom_share, 0.4, color=PALETTE[3], label="bottom quarter")
        ax.set_xticks(x)
        ax.set_xticklabels(PROPERTIES, fontsize=8, rotation=30)
        ax.set_title(f"noise {lv.noise:g}", fontsize=9)
        ax.set_ylim(0, 1.05)
    axes[0].set_ylabel("share with the property")
    axes[0].legend(fontsize=7)
    fig.suptitle("What the winners share", fontsize=10)

    fig2, ax2 = new_figure(6.4, 5.0)
    base, noisy = result.levels[0], result.levels[-1]
    forg = np.array([p[2] for p in result.properties])
    nice = np.array([p[0] for p in result.properties])
    for mask, colour, label in (
        (nice & forg, PALETTE[2], "nice and forgiving"),
        (nice & ~forg, PALETTE[1], "nice, unforgiving"),
        (~nice, PALETTE[3], "not nice"),
    ):
        ax2.scatter(
            np.array(base.scores)[mask],
            np.array(noisy.scores)[mask],
            s=14,
            color=colour,
            label=label,
        )
    for idx in (result.generous, result.tft, result.grim):
        ax2.annotate(
            result.displays[idx],
            (base.scores[idx], noisy.scores[idx]),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7,
        )
    lo = min(min(base.scores), min(noisy.scores))
    hi = max(max(base.scores), max(noisy.scores))
    ax2.plot([lo, hi], [lo, hi], color="black", lw=0.8, ls=":")
    ax2.set_xlabel("score per turn without noise")
    ax2.set_ylabel(f"score per turn at noise {noisy.noise:g}")
    ax2.legend(fontsize=7)
    ax2.set_title("Who gains and who loses with noise", fontsize=10)
    return [("property-shares", fig), ("scores-with-noise", fig2)]


def tables(result: Result) -> list[Table]:
    """The ranking with measured properties; shares; measured vs tagged."""
    noisy = result.levels[-1]
    base = result.levels[0]
    order = sorted(range(len(result.names)), key=lambda i: base.ranks[i])
    rows = tuple(
        (
            result.displays[i],
            str(base.ranks[i]),
            f"{base.scores[i]:.3f}",
            str(noisy.ranks[i]),
            f"{noisy.scores[i]:.3f}",
            "".join(
                letter if has else "-"
                for letter, has in zip("NRFC", result.properties[i], strict=True)
            ),
            f"{result.retaliation[i]:.2f}",
            f"{result.forgiveness[i]:.2f}",
            f"{result.clarity[i]:.2f}",
        )
        for i in order
    )
    out = [
        Table(
            title="Ranking without and with noise, with the measured properties",
            columns=(
                "strategy",
                "rank (no noise)",
                "score",
                f"rank (noise {noisy.noise:g})",
                "score ",
                "properties",
                "retaliation",
                "forgiveness",
                "clarity",
            ),
            rows=rows,
            note="N nice, R retaliating, F forgiving, C clear (measured; see the description).",
        )
    ]
    rows = []
    for lv in result.levels:
        for k, prop in enumerate(PROPERTIES):
            rows.append(
                (
                    f"{lv.noise:g}",
                    prop,
                    f"{lv.top_share[k]:.2f}",
                    f"{lv.bottom_share[k]:.2f}",
                    f"{lv.mean_rank_with[k]:.3f}",
                    f"{lv.mean_rank_without[k]:.3f}",
                )
            )
    out.append(
        Table(
            title=f"Property shares in the top and bottom quarter ({result.quarter} strategies each)",
            columns=(
                "noise",
                "property",
                "top share",
                "bottom share",
                "mean rank percentile with",
                "without",
            ),
            rows=tuple(rows),
            note="Rank percentile 0 is first, 1 last.",
        )
    )
    rows = []
    props = np.array(result.properties)
    tags = np.array(result.tags)
    for k, prop in enumerate(PROPERTIES[:3]):
        rows.append(
            (
                prop,
                str(int(props[:, k].sum())),
                str(int(tags[:, k].sum())),
                str(int((props[:, k] == tags[:, k]).sum())),
                ", ".join(
                    result.displays[i] for i in np.flatnonzero(props[:, k] != tags[:, k])[:12]
                ),
            )
        )
    out.append(
        Table(
            title="Measured properties against the metadata tags",
            columns=("property", "measured", "tagged", "agree", "disagree (first 12)"),
            rows=tuple(rows),
        )
    )
    return out


EXPERIMENT = Experiment(
    name="noisy-tournament",
    title="What tournament winners share, with and without noise",
    section="3.1",
    claim=(
        "Simple, legible, forgiving strategies such as tit-for-tat do well: the winners of a round "
        "robin are nice, retaliating, forgiving and clear; with noise, generous and forgiving rules "
        "gain on tit-for-tat and on grim trigger."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
)
