"""Section 6 of the note: independent learners in the commons fall short of restraint.

Claim (Perolat et al. 2017; Leibo et al. 2017): in Harvest, where an apple
regrows only near other apples, independent learners over-harvest: their
collective return, sustainability and equality fall short of what restraint
achieves, and the shortfall grows with the number of agents.

What is run:

- hand-coded harvesters (:func:`cooplab.ssd.scripted.harvester`): greedy
  (eat the nearest apple) and restrained (eat only apples with at least ``k``
  apples nearby, ``k = 1..5``; the best ``k`` is the cooperative reference),
  for each number of agents;
- ``seeds`` populations of independent recurrent learners (one network
  per agent; ``algorithm`` PPO by default, or A2C or DQN, the algorithm of
  Perolat et al.) for each number of agents, trained for ``iterations``
  collections of ``num_envs`` episodes, measured over the last ``last``.

Both on the same map and episode length. What is measured: collective return
per episode, sustainability (mean step of the rewards), equality (1 - Gini)
and peace (Perolat et al. 2017), mean and standard error over seeds.

Verdicts, from the numbers: (1) the game is a commons dilemma: the best
restrained policy beats the greedy one by more than 20% for every number of
agents; (2) learned behaviour lands below the cooperative reference: for every
number of agents the learners' mean collective return plus two standard
errors is below the best restrained policy's; (3) the shortfall grows with
the number of agents: the learners' relative shortfall ``1 - learned /
restrained`` at the largest number of agents exceeds that at the smallest by
more than two standard errors. The quick preset trains for a few seconds, so
(2) and (3) then mostly say that barely trained agents collect little (stated
in the detail); the ``full`` preset trains for 300 iterations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.experiments._ssd_runs import (
    RunOutcome,
    Task,
    check_algorithm,
    filmstrip_figure,
    finite,
    mean_se,
    train_task,
)
from cooplab.experiments.base import Check, Experiment, Table
from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn, null_progress

__all__ = ["EXPERIMENT", "Config", "Result", "figures", "run", "tables"]

KEYS = ("collective_return", "sustainability", "equality", "peace", "beam_rate")


@dataclass(frozen=True)
class Config:
    """What the experiment runs (see the module notes). ``map``: ``"small"`` or ``"ssd"``."""

    agents: tuple[int, ...] = (2, 4)
    map: str = "small"
    seeds: int = 2
    iterations: int = 3
    num_envs: int = 2
    episode_limit: int = 100
    scripted_envs: int = 8
    last: int = 1
    frames: int = 6
    algorithm: str = "ppo"

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(
            agents=(2, 3, 5, 7),
            map="ssd",
            seeds=5,
            iterations=300,
            num_envs=16,
            episode_limit=250,
            scripted_envs=32,
            last=30,
        )

    def __post_init__(self) -> None:
        object.__setattr__(self, "agents", tuple(self.agents))
        if not self.agents or any(
            isinstance(a, bool) or not isinstance(a, int) or a < 1 for a in self.agents
        ):
            raise ValueError(f"agents must list positive integers; got {self.agents!r}")
        if self.map not in ("small", "ssd"):
            raise ValueError(f"map must be 'small' or 'ssd'; got {self.map!r}")
        for name in ("seeds", "iterations", "num_envs", "episode_limit", "scripted_envs", "last"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer; got {v!r}")
        if self.last > self.iterations:
            raise ValueError(f"last ({self.last}) cannot exceed iterations ({self.iterations})")
        check_algorithm(self.algorithm)


@dataclass(frozen=True)
class Result:
    """Learned runs, hand-coded references and the checks."""

    agents: tuple[int, ...]
    runs: tuple[RunOutcome, ...]
    greedy: tuple[tuple[tuple[str, float | None], ...], ...]  # per N: metric -> mean
    restrained: tuple[tuple[tuple[str, float | None], ...], ...]  # per N: the best k's metrics
    best_restraint: tuple[int, ...]
    learned_mean: tuple[tuple[tuple[str, float | None], ...], ...]
    learned_se: tuple[tuple[tuple[str, float | None], ...], ...]
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]:
        out: dict[str, float | int | str] = {}
        for n, g, r, lm in zip(
            self.agents, self.greedy, self.restrained, self.learned_mean, strict=True
        ):
            out[f"N={n}: learned collective return"] = _num(dict(lm)["collective_return"])
            out[f"N={n}: greedy collective return"] = _num(dict(g)["collective_return"])
            out[f"N={n}: restrained collective return"] = _num(dict(r)["collective_return"])
        return out


def _num(v: float | None) -> float:
    return float("nan") if v is None else float(v)


def _d(pairs: tuple[tuple[str, float | None], ...]) -> dict[str, float]:
    return {k: _num(v) for k, v in pairs}


def _env_params(config: Config, n: int) -> tuple[tuple[str, Any], ...]:
    from cooplab.envs.ssd.maps import HARVEST_MAP, SMALL_HARVEST_MAP

    return (
        ("n_agents", n),
        ("map", SMALL_HARVEST_MAP if config.map == "small" else HARVEST_MAP),
        ("episode_limit", config.episode_limit),
    )


def _scripted(config: Config, n: int, restraint: int, seed: int) -> dict[str, float]:
    from cooplab.envs import make
    from cooplab.ssd.rollout import rollout
    from cooplab.ssd.scripted import harvester

    env = make("harvest_v1", num_envs=config.scripted_envs, **dict(_env_params(config, n)))
    return rollout(env, harvester(restraint), seed).outcomes().mean()


def run(
    config: Config,
    rng: np.random.Generator,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> Result:
    """Hand-coded references and learned populations for every number of agents."""
    progress = progress or null_progress
    seeds = [int(s) for s in rng.integers(2**31 - 1, size=config.seeds)]
    script_seed = int(rng.integers(2**31 - 1))
    tasks = [
        Task(
            env="harvest_v1",
            env_params=_env_params(config, n),
            influence="none",
            iterations=config.iterations,
            num_envs=config.num_envs,
            seed=s,
            last=config.last,
            frames=config.frames if (n == config.agents[-1] and k == 0) else 0,
            algorithm=config.algorithm,
        )
        for n in config.agents
        for k, s in enumerate(seeds)
    ]
    if executor is None:
        outcomes = [train_task(t) for t in tasks]
    else:
        outcomes = executor.map_values(train_task, tasks, progress=progress)
    greedy, restrained, best_k, lmean, lse = [], [], [], [], []
    gaps: list[tuple[int, float, float, float]] = []  # N, learned mean, se, restrained
    c1, c2, details1, details2 = True, True, [], []
    for n in config.agents:
        g = _scripted(config, n, 0, script_seed)
        options = {k: _scripted(config, n, k, script_seed) for k in range(1, 6)}
        k_best = max(options, key=lambda k: options[k]["collective_return"])
        r = options[k_best]
        greedy.append(tuple(sorted((k, finite(v)) for k, v in g.items())))
        restrained.append(tuple(sorted((k, finite(v)) for k, v in r.items())))
        best_k.append(k_best)
        rs = [o for o in outcomes if dict(o.params)["n_agents"] == n]
        ms = {key: mean_se([o.get(key) for o in rs]) for key in KEYS}
        lmean.append(tuple((key, finite(ms[key][0])) for key in KEYS))
        lse.append(tuple((key, finite(ms[key][1])) for key in KEYS))
        gain = r["collective_return"] / max(g["collective_return"], 1e-9)
        c1 &= gain > 1.2
        details1.append(
            f"N={n}: greedy {g['collective_return']:.1f} (sustainability {g['sustainability']:.0f}), "
            f"restrained k={k_best} {r['collective_return']:.1f} (sustainability {r['sustainability']:.0f})"
        )
        lm, ls = ms["collective_return"]
        gaps.append((n, lm, ls, r["collective_return"]))
        c2 &= lm + 2 * ls < r["collective_return"]
        details2.append(
            f"N={n}: learned {lm:.1f} +- {ls:.1f} vs restrained {r['collective_return']:.1f} "
            f"and greedy {g['collective_return']:.1f}; learned equality {ms['equality'][0]:.2f}, "
            f"sustainability {ms['sustainability'][0]:.0f}"
        )
    progress(1, 1)
    short = config.iterations < 50
    quick_note = (
        " - a quick run: the agents are barely trained, so this is not yet evidence of over-harvesting"
        if short
        else ""
    )
    checks = (
        Check(
            "Harvest is a commons dilemma: restraint (eating only apples with neighbours) beats "
            "greedy harvesting by more than 20% in collective return",
            bool(c1),
            "; ".join(details1) + f" (per episode of {config.episode_limit} steps)",
        ),
        Check(
            "Independent learners land below the cooperative reference: learned collective return "
            "+ 2 se is below the best restrained policy's, for every number of agents",
            bool(c2),
            "; ".join(details2) + f" (mean +- se over {config.seeds} seeds, {config.algorithm}, "
            f"{config.iterations} iterations)" + quick_note,
        ),
        shortfall_check(gaps, quick_note),
    )
    return Result(
        agents=config.agents,
        runs=tuple(outcomes),
        greedy=tuple(greedy),
        restrained=tuple(restrained),
        best_restraint=tuple(best_k),
        learned_mean=tuple(lmean),
        learned_se=tuple(lse),
        checks=checks,
    )


def shortfall_check(gaps: list[tuple[int, float, float, float]], note: str = "") -> Check:
    """Does the learners' relative shortfall below restraint grow with the number of agents?

    ``gaps``: ``(N, learned mean, learned se, restrained)`` per number of
    agents. The shortfall is ``1 - learned / restrained`` with standard error
    ``se / restrained`` (the scripted reference is treated as exact); the claim
    holds when the shortfall at the largest N exceeds that at the smallest by
    more than twice their combined standard error.

    >>> shortfall_check([(2, 90.0, 2.0, 100.0), (5, 150.0, 5.0, 300.0)]).held
    True
    >>> shortfall_check([(2, 90.0, 2.0, 100.0), (5, 270.0, 5.0, 300.0)]).held
    False
    """
    claim = (
        "The shortfall grows with the number of agents: the learners' relative shortfall below "
        "the restrained policy (1 - learned / restrained) is larger at the most agents than at "
        "the fewest, by more than 2 standard errors"
    )
    rows = sorted((n, 1 - m / r, s / r) for n, m, s, r in gaps if r > 0 and np.isfinite(m))
    if len(rows) < 2 or rows[0][0] == rows[-1][0]:
        return Check(claim, False, "needs learned returns for at least two numbers of agents")
    (n0, f0, e0), (n1, f1, e1) = rows[0], rows[-1]
    diff, two_se = f1 - f0, 2 * float(np.hypot(e0, e1))
    per_n = ", ".join(f"N={n}: {100 * f:.1f}% +- {100 * e:.1f}%" for n, f, e in rows)
    return Check(
        claim,
        bool(diff > two_se),
        f"shortfall {per_n}; N={n1} against N={n0}: {100 * diff:+.1f} points "
        f"(2 se = {100 * two_se:.1f})" + note,
    )


def figures(result: Result) -> list[tuple[str, Any]]:
    """Collective return and sustainability by number of agents: learned vs hand-coded; a filmstrip."""
    from cooplab.report.plots import PALETTE, new_figure

    fig, axes = new_figure(9.0, 3.6, ncols=2)
    x = np.asarray(result.agents)
    for ax, key, label in (
        (axes[0], "collective_return", "collective return per episode"),
        (axes[1], "sustainability", "sustainability (mean step of rewards)"),
    ):
        lm = [_d(m)[key] for m in result.learned_mean]
        ls = [_d(s)[key] for s in result.learned_se]
        ax.errorbar(
            x, lm, yerr=ls, marker="o", color=PALETTE[0], capsize=3, label="independent PPO"
        )
        ax.plot(
            x,
            [_d(g)[key] for g in result.greedy],
            "s--",
            color=PALETTE[3],
            label="greedy (scripted)",
        )
        ax.plot(
            x,
            [_d(r)[key] for r in result.restrained],
            "^--",
            color=PALETTE[2],
            label="restrained (scripted)",
        )
        ax.set_xlabel("number of agents")
        ax.set_ylabel(label)
    axes[0].legend(fontsize=8)
    out = [("harvest-by-agents", fig)]
    film = next((r for r in result.runs if r.frames), None)
    if film is not None:
        n = dict(film.params)["n_agents"]
        out.append(("filmstrip", filmstrip_figure(film.frames, f"Harvest, {n} trained agents")))
    return out


def tables(result: Result) -> list[Table]:
    rows = []
    for n, g, r, k, lm, ls in zip(
        result.agents,
        result.greedy,
        result.restrained,
        result.best_restraint,
        result.learned_mean,
        result.learned_se,
        strict=True,
    ):
        lm, ls, g, r = _d(lm), _d(ls), _d(g), _d(r)
        rows.append(
            (str(n), "independent PPO", *(f"{lm[key]:.2f} +- {ls[key]:.2f}" for key in KEYS))
        )
        rows.append((str(n), "greedy", *(f"{g[key]:.2f}" for key in KEYS)))
        rows.append((str(n), f"restrained k={k}", *(f"{r[key]:.2f}" for key in KEYS)))
    return [
        Table(
            title="Harvest: social outcomes by number of agents",
            columns=(
                "N",
                "policy",
                "collective return",
                "sustainability",
                "equality",
                "peace",
                "beam rate",
            ),
            rows=tuple(rows),
            note="Learned: mean +- se over seeds (last iterations); scripted: mean over episodes.",
        )
    ]


EXPERIMENT = Experiment(
    name="tragedy-of-the-commons",
    title="The tragedy of the commons in Harvest",
    section="6",
    claim=(
        "Independent learners in a common-pool resource game over-harvest: collective return, "
        "sustainability and equality fall short of a restrained policy, more so with more agents "
        "(Perolat et al. 2017)."
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
