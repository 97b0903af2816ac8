"""Section 4 of the note: emerged languages work on what they trained on, and generalise less.

Claim (Lazaridou and Baroni 2020, as the note puts it): agents can learn to
communicate, but the communication tends to overfit the training environment
and does not generalise the way human language does; the emergent protocols
usually lack compositional structure (Chaabouni et al. 2020 find that
compositionality, as topographic similarity, does not predict generalisation).

What is run (:mod:`cooplab.comm.referential`): the referential game over
attribute-value objects, a held-out set of attribute combinations never seen
in training, variable-length messages ending with symbol 0; a GRU sender and a
GRU receiver trained by REINFORCE (baseline, entropy bonus) and by
straight-through Gumbel-Softmax, ``seeds`` independent runs per method (run
through the executor, in parallel when it has workers).

What is measured per run: the accuracy with training and with held-out
targets (greedy agents, distractors from all other objects, several draws per
target), topographic similarity, posdis, bosdis and message entropy of the
language over all objects.

The quick preset (2 attributes of 5 values, 200 steps, 2 seeds a method) is a
short run: the agents are still learning, so its verdicts say little; the
full preset (3 attributes of 5 values, 7 distractors, 6,000 steps, 6 seeds a
method) is the test of the claims.

Verdict thresholds, from the claims' words: "communicate successfully" on
training objects: mean training accuracy at least 0.8 (chance is
``1 / (n_distractors + 1)``); "held-out accuracy falls behind": the mean
train-minus-held-out gap over runs is at least 0.05 and more than twice its
standard error; "compositionality is weak": mean topographic similarity below
0.5 (a perfectly compositional language scores 1); "does not predict
generalisation": the Spearman correlation over runs between topographic
similarity and held-out accuracy is not significantly positive (one-sided
p >= 0.05). With few runs that last test has little power: the detail says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import spawn_seeds

__all__ = ["EXPERIMENT", "Config", "Result", "RunSummary", "figures", "run", "tables"]

METHODS = ("reinforce", "gumbel")


@dataclass(frozen=True)
class Config:
    """What the experiment runs (see :class:`cooplab.comm.referential.ReferentialConfig`)."""

    n_attributes: int = 2
    n_values: int = 5
    n_distractors: int = 3
    vocab_size: int = 8
    max_len: int = 2
    holdout: float = 0.2
    steps: int = 200
    seeds: int = 2
    batch_size: int = 32
    lr: float = 5e-3
    hidden: int = 32
    eval_every: int = 100

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(
            n_attributes=3,
            n_values=5,
            n_distractors=7,
            vocab_size=10,
            max_len=3,
            steps=6000,
            seeds=6,
            batch_size=64,
            lr=3e-3,
            hidden=64,
            eval_every=250,
        )

    def __post_init__(self) -> None:
        if isinstance(self.seeds, bool) or not isinstance(self.seeds, int) or self.seeds < 2:
            raise ValueError(
                f"seeds must be an integer >= 2 (spread over runs); got {self.seeds!r}"
            )
        self.game(METHODS[0])  # checks every game parameter, naming the bad one

    def game(self, method: str) -> Any:
        from cooplab.comm.referential import ReferentialConfig

        return ReferentialConfig(
            n_attributes=self.n_attributes,
            n_values=self.n_values,
            n_distractors=self.n_distractors,
            vocab_size=self.vocab_size,
            max_len=self.max_len,
            holdout=self.holdout,
            method=method,
            steps=self.steps,
            batch_size=self.batch_size,
            lr=self.lr,
            hidden=self.hidden,
            eval_every=self.eval_every,
        )


@dataclass(frozen=True)
class RunSummary:
    """One trained pair (method, seed index) and its numbers."""

    method: str
    seed: int
    train_accuracy: float
    test_accuracy: float
    topsim: float
    posdis: float
    bosdis: float
    entropy: float
    curve_steps: tuple[int, ...]
    curve_train: tuple[float, ...]
    curve_test: tuple[float, ...]
    lexicon_sample: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    """All runs and the checks."""

    runs: tuple[RunSummary, ...]
    chance: float
    topsim_test_rho: float
    topsim_test_p: float
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {}
        for m in METHODS:
            rs = [r for r in self.runs if r.method == m]
            out[f"{m}: train accuracy"] = float(np.mean([r.train_accuracy for r in rs]))
            out[f"{m}: held-out accuracy"] = float(np.mean([r.test_accuracy for r in rs]))
            out[f"{m}: topographic similarity"] = float(np.nanmean([r.topsim for r in rs]))
        out["Spearman(topsim, held-out accuracy)"] = self.topsim_test_rho
        return out


def _task(task: tuple[Any, Any, int, str]) -> RunSummary:
    from cooplab.comm.measures import format_lexicon
    from cooplab.comm.referential import train_referential

    game, seed_seq, k, method = task
    res = train_referential(game, np.random.default_rng(seed_seq))
    # A constant language has no topographic similarity (all message distances 0); it is
    # stored as 0, no structure, so that results stay finite JSON numbers.
    finite = [0.0 if not np.isfinite(v) else float(v) for v in (res.topsim, res.posdis, res.bosdis)]
    return RunSummary(
        method=method,
        seed=k,
        train_accuracy=res.train_accuracy,
        test_accuracy=res.test_accuracy,
        topsim=finite[0],
        posdis=finite[1],
        bosdis=finite[2],
        entropy=res.entropy,
        curve_steps=res.curve_steps,
        curve_train=res.curve_train,
        curve_test=res.curve_test,
        lexicon_sample=tuple(format_lexicon(res.lexicon(), limit=12).splitlines()),
    )


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan")
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else 0.0


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Train every method over the seeds, then test the claims."""
    from scipy import stats

    progress = progress or null_progress
    executor = executor or Executor("serial")
    seeds = spawn_seeds(rng, len(METHODS) * config.seeds)
    tasks = [
        (config.game(m), seeds[i * config.seeds + k], k, m)
        for i, m in enumerate(METHODS)
        for k in range(config.seeds)
    ]
    runs = tuple(executor.map_values(_task, tasks, progress=progress))
    chance = 1.0 / (config.n_distractors + 1)
    train = np.array([r.train_accuracy for r in runs])
    test = np.array([r.test_accuracy for r in runs])
    topsim = np.array([r.topsim for r in runs])
    gap_mean, gap_se = _mean_se(train - test)
    ts_mean, ts_se = _mean_se(topsim)
    ok = np.isfinite(topsim)
    if ok.sum() >= 3 and np.ptp(topsim[ok]) > 0 and np.ptp(test[ok]) > 0:
        sp = stats.spearmanr(topsim[ok], test[ok], alternative="greater")
        rho, p = float(sp.statistic), float(sp.pvalue)
    else:  # a constant measure: no correlation can be computed, none is claimed
        rho, p = 0.0, 1.0

    def per_method(values: np.ndarray) -> str:
        return ", ".join(
            "{}: {:.3f} +- {:.3f}".format(m, *_mean_se(values[[r.method == m for r in runs]]))
            for m in METHODS
        )

    checks = (
        Check(
            "Agents communicate successfully on what they trained on: mean training accuracy "
            f"at least 0.8 (chance {chance:.2f})",
            float(train.mean()) >= 0.8,
            f"training accuracy (mean +- s.e. over {config.seeds} seeds) {per_method(train)}; "
            f"after {config.steps} steps",
        ),
        Check(
            "Held-out accuracy falls behind: the mean train-minus-held-out gap is at least 0.05 "
            "and more than twice its standard error",
            gap_mean >= 0.05 and gap_mean > 2 * gap_se,
            f"gap {gap_mean:.3f} +- {gap_se:.3f} over {len(runs)} runs; held-out accuracy "
            f"{per_method(test)}",
        ),
        Check(
            "Compositionality is weak: mean topographic similarity below 0.5",
            bool(np.isfinite(ts_mean) and ts_mean < 0.5),
            f"topographic similarity {ts_mean:.3f} +- {ts_se:.3f}; by method {per_method(topsim)}",
        ),
        Check(
            "Topographic similarity does not predict generalisation: no significantly positive "
            "Spearman correlation with held-out accuracy over runs (one-sided p >= 0.05)",
            bool(np.isfinite(p) and p >= 0.05),
            f"Spearman rho {rho:.3f}, one-sided p {p:.3f} over {int(ok.sum())} runs (few runs: "
            "little power to find a correlation, so this is weak evidence of its absence)",
        ),
    )
    return Result(runs=runs, chance=chance, topsim_test_rho=rho, topsim_test_p=p, checks=checks)


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def figures(result: Result) -> list[tuple[str, Any]]:
    """Accuracy curves (train solid, held-out dashed) and topographic similarity vs held-out accuracy."""
    from cooplab.report.plots import PALETTE, new_figure

    fig, ax = new_figure(6.4, 4.0)
    for k, m in enumerate(METHODS):
        rs = [r for r in result.runs if r.method == m]
        steps = np.asarray(rs[0].curve_steps)
        tr = np.array([r.curve_train for r in rs])
        te = np.array([r.curve_test for r in rs])
        ax.plot(steps, tr.mean(0), color=PALETTE[k], label=f"{m}: train")
        ax.fill_between(steps, tr.min(0), tr.max(0), color=PALETTE[k], alpha=0.15)
        ax.plot(steps, te.mean(0), color=PALETTE[k], ls="--", label=f"{m}: held-out")
    ax.axhline(result.chance, color="black", lw=0.7, ls=":", label="chance")
    ax.set_xlabel("training step")
    ax.set_ylabel("accuracy (mean, band: min-max over seeds)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7)

    fig2, ax2 = new_figure(5.0, 4.0)
    for k, m in enumerate(METHODS):
        rs = [r for r in result.runs if r.method == m]
        ax2.scatter(
            [r.topsim for r in rs], [r.test_accuracy for r in rs], color=PALETTE[k], label=m
        )
    ax2.set_xlabel("topographic similarity")
    ax2.set_ylabel("held-out accuracy")
    ax2.set_title(f"Spearman rho {result.topsim_test_rho:.2f}", fontsize=10)
    ax2.legend(fontsize=8)
    return [("accuracy", fig), ("topsim-vs-generalisation", fig2)]


def tables(result: Result) -> list[Table]:
    """One row per run, and the first lines of one lexicon per method."""
    rows = tuple(
        (
            r.method,
            str(r.seed),
            f"{r.train_accuracy:.3f}",
            f"{r.test_accuracy:.3f}",
            f"{r.topsim:.3f}",
            f"{r.posdis:.3f}",
            f"{r.bosdis:.3f}",
            f"{r.entropy:.2f}",
        )
        for r in result.runs
    )
    lex_rows = []
    for m in METHODS:
        first = next(r for r in result.runs if r.method == m)
        lex_rows += [(m, line) for line in first.lexicon_sample]
    return [
        Table(
            title="Runs: accuracy and the measures of the language",
            columns=(
                "method",
                "seed",
                "train acc.",
                "held-out acc.",
                "topsim",
                "posdis",
                "bosdis",
                "entropy (bits)",
            ),
            rows=rows,
            note=f"Chance accuracy {result.chance:.2f}.",
        ),
        Table(
            title="Lexicon (first objects; attribute values -> message)",
            columns=("method", "object -> message"),
            rows=tuple(lex_rows),
        ),
    ]


EXPERIMENT = Experiment(
    name="emergent-language",
    title="Emergent language in a referential game: success, generalisation, compositionality",
    section="4",
    claim=(
        "Agents can learn to communicate, but the communication tends to overfit to the "
        "training environment and does not generalise the way human language does; emergent "
        "protocols usually lack compositional structure (Lazaridou and Baroni 2020)."
    ),
    config_type=Config,
    result_type=Result,
    run=run,
    figures=figures,
    tables=tables,
    description=__doc__ or "",
    requires=("torch",),
    quick_is_smoke=True,
)
