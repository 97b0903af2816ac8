"""Section 4 of the note: a differentiable channel lets agents learn a protocol (the switch riddle).

Claim (Foerster, Assael, de Freitas and Whiteson 2016): agents with a
communication channel learn signals that coordinate their actions; in the
switch riddle, differentiable inter-agent learning (DIAL), which
back-propagates through the channel, learns a protocol faster than
reinforced inter-agent learning (RIAL), which treats messages as actions, and
both beat agents without a channel. (The paper's Fig. 3, as we read it: with
3 prisoners all communicating variants reach the optimum within about 5,000
episodes of 32 and DIAL with parameter sharing is fastest; with 4, DIAL is
ahead of RIAL. Those curves are the reference; the exact figures could not be
checked offline.)

What is run (:mod:`cooplab.comm.switch`): the riddle with ``n_agents``
prisoners (3, and 4 in the full preset), ``4n - 6`` days, one shared GRU
Q-network (parameter sharing), for DIAL, RIAL and no channel, ``seeds`` runs
each (through the executor).

The quick preset is a smoke run (60 updates): far too short for any method
to learn a protocol, so its checks do not hold; the full preset (3,000
updates of 32 episodes, 3 and 4 prisoners, 3 seeds) is the test of the claim.

What is measured: the greedy team reward (no exploration, discrete messages)
on a fixed set of evaluation episodes every ``eval_every`` updates,
normalised by the oracle's (the full-information prisoner's) expected
reward, an upper bound for any protocol; its mean over the evaluations
(the area under the learning curve: the *speed*), and its final value, with
the standard error over seeds.

The oracle's reward is its expectation; the evaluation episodes are a sample
(1,000 in the full preset, a standard error of about 0.014 for the oracle's
own mean), so a protocol as good as the oracle can score slightly above 1.

Verdict thresholds, from the claims' words: "beats no communication": DIAL's
final normalised reward exceeds the no-channel agents' by more than twice the
combined standard error; "faster than RIAL": DIAL's area under the curve
exceeds RIAL's by more than twice the combined standard error; "learns the
optimal protocol": DIAL's final reward reaches at least 0.9 of the oracle's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import spawn_seeds

__all__ = ["EXPERIMENT", "Config", "Curve", "Result", "figures", "run", "tables"]

METHODS = ("dial", "rial", "none")


@dataclass(frozen=True)
class Config:
    """What the experiment runs (see :class:`cooplab.comm.switch.SwitchConfig`)."""

    n_agents: tuple[int, ...] = (3,)
    seeds: int = 2
    episodes: int = 60
    batch_size: int = 8
    lr: float = 5e-4
    hidden: int = 16
    eval_every: int = 30
    eval_episodes: int = 128

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(
            n_agents=(3, 4),
            seeds=3,
            episodes=3000,
            batch_size=32,
            hidden=64,
            eval_every=100,
            eval_episodes=1000,
        )

    def __post_init__(self) -> None:
        if isinstance(self.seeds, bool) or not isinstance(self.seeds, int) or self.seeds < 2:
            raise ValueError(
                f"seeds must be an integer >= 2 (spread over runs); got {self.seeds!r}"
            )
        if not self.n_agents or any(
            isinstance(n, bool) or not isinstance(n, int) or n < 2 for n in self.n_agents
        ):
            raise ValueError(f"n_agents must be integers >= 2; got {self.n_agents!r}")
        for n in self.n_agents:
            self.switch(n, METHODS[0])  # checks the training parameters, naming the bad one

    def switch(self, n_agents: int, method: str) -> Any:
        from cooplab.comm.switch import SwitchConfig

        return SwitchConfig(
            n_agents=n_agents,
            method=method,
            episodes=self.episodes,
            batch_size=self.batch_size,
            lr=self.lr,
            hidden=self.hidden,
            eval_every=self.eval_every,
            eval_episodes=self.eval_episodes,
        )


@dataclass(frozen=True)
class Curve:
    """One method's learning curve on one riddle, one seed."""

    n_agents: int
    method: str
    seed: int
    episodes: tuple[int, ...]
    normalised: tuple[float, ...]

    @property
    def final(self) -> float:
        return self.normalised[-1]

    @property
    def area(self) -> float:
        return float(np.mean(self.normalised))


@dataclass(frozen=True)
class Result:
    """All curves, the oracle's rewards and the checks."""

    curves: tuple[Curve, ...]
    oracle: tuple[tuple[int, float], ...]
    checks: tuple[Check, ...]

    def select(self, n_agents: int, method: str) -> list[Curve]:
        return [c for c in self.curves if c.n_agents == n_agents and c.method == method]

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {}
        for n, _ in self.oracle:
            for m in METHODS:
                cs = self.select(n, m)
                out[f"n={n} {m}: final reward / oracle"] = float(np.mean([c.final for c in cs]))
        return out


def _task(task: tuple[Any, Any, int]) -> Curve:
    from cooplab.comm.switch import train_switch

    cfg, seed_seq, k = task
    res = train_switch(cfg, np.random.default_rng(seed_seq))
    return Curve(
        n_agents=cfg.n_agents,
        method=cfg.method,
        seed=k,
        episodes=res.curve_episodes,
        normalised=tuple(float(x) for x in res.normalised),
    )


def _stat(values: list[float]) -> tuple[float, float]:
    x = np.asarray(values, dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else 0.0


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Train every method on every riddle over the seeds, then test the claims."""
    from cooplab.comm.switch import oracle_reward

    progress = progress or null_progress
    executor = executor or Executor("serial")
    jobs = [(n, m, k) for n in config.n_agents for m in METHODS for k in range(config.seeds)]
    seeds = spawn_seeds(rng, len(jobs))
    tasks = [(config.switch(n, m), s, k) for (n, m, k), s in zip(jobs, seeds, strict=True)]
    curves = tuple(executor.map_values(_task, tasks, progress=progress))
    result = Result(
        curves=curves,
        oracle=tuple((n, oracle_reward(n)) for n in config.n_agents),
        checks=(),
    )
    checks = []
    for n in config.n_agents:
        dial_f = _stat([c.final for c in result.select(n, "dial")])
        rial_f = _stat([c.final for c in result.select(n, "rial")])
        none_f = _stat([c.final for c in result.select(n, "none")])
        dial_a = _stat([c.area for c in result.select(n, "dial")])
        rial_a = _stat([c.area for c in result.select(n, "rial")])
        budget = f"{config.episodes} updates of {config.batch_size} episodes, {config.seeds} seeds"
        checks += [
            Check(
                f"{n} prisoners: DIAL beats agents without a channel (final reward / oracle, by "
                "more than twice the combined standard error)",
                dial_f[0] - none_f[0] > 2 * float(np.hypot(dial_f[1], none_f[1])),
                f"final reward / oracle: DIAL {dial_f[0]:.3f} +- {dial_f[1]:.3f}, RIAL "
                f"{rial_f[0]:.3f} +- {rial_f[1]:.3f}, no channel {none_f[0]:.3f} +- {none_f[1]:.3f} "
                f"({budget})",
            ),
            Check(
                f"{n} prisoners: DIAL learns faster than RIAL (mean normalised reward over training, "
                "by more than twice the combined standard error)",
                dial_a[0] - rial_a[0] > 2 * float(np.hypot(dial_a[1], rial_a[1])),
                f"area under the curve: DIAL {dial_a[0]:.3f} +- {dial_a[1]:.3f}, RIAL "
                f"{rial_a[0]:.3f} +- {rial_a[1]:.3f}",
            ),
            Check(
                f"{n} prisoners: DIAL learns a (near-)optimal protocol: final reward at least 0.9 "
                "of the oracle's",
                dial_f[0] >= 0.9,
                f"DIAL {dial_f[0]:.3f} of the oracle's {oracle_reward(n):.4f}",
            ),
        ]
    return Result(curves=curves, oracle=result.oracle, checks=tuple(checks))


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def figures(result: Result) -> list[tuple[str, Any]]:
    """Learning curves (mean and min-max over seeds) per number of prisoners."""
    from cooplab.report.plots import PALETTE, new_figure

    ns = [n for n, _ in result.oracle]
    fig, axes = new_figure(5.4 * len(ns), 3.8, ncols=len(ns), sharey=True)
    for ax, n in zip(np.atleast_1d(axes), ns, strict=True):
        for k, m in enumerate(METHODS):
            cs = result.select(n, m)
            x = np.asarray(cs[0].episodes)
            y = np.array([c.normalised for c in cs])
            ax.plot(x, y.mean(0), color=PALETTE[k], label=m)
            ax.fill_between(x, y.min(0), y.max(0), color=PALETTE[k], alpha=0.2)
        ax.axhline(1.0, color="black", lw=0.7, ls=":")
        ax.set_title(f"switch riddle, {n} prisoners", fontsize=10)
        ax.set_xlabel("update (batch of episodes)")
    np.atleast_1d(axes)[0].set_ylabel("greedy reward / oracle")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    return [("learning-curves", fig)]


def tables(result: Result) -> list[Table]:
    rows = []
    for n, oracle in result.oracle:
        for m in METHODS:
            cs = result.select(n, m)
            f, fs = _stat([c.final for c in cs])
            a, as_ = _stat([c.area for c in cs])
            rows.append(
                (str(n), m, f"{f:.3f} +- {fs:.3f}", f"{a:.3f} +- {as_:.3f}", f"{oracle:.4f}")
            )
    return [
        Table(
            title="Switch riddle: reward relative to the full-information oracle",
            columns=("prisoners", "method", "final", "area under curve", "oracle reward"),
            rows=tuple(rows),
            note="Mean +- standard error over seeds; greedy agents, discrete messages.",
        )
    ]


EXPERIMENT = Experiment(
    name="switch-riddle",
    title="The switch riddle: DIAL, RIAL and no communication",
    section="4",
    claim=(
        "Agents with differentiable communication channels can learn to emit signals that "
        "coordinate joint action (Foerster et al. 2016): in the switch riddle DIAL learns a "
        "protocol faster than RIAL, and both beat agents without a channel."
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
