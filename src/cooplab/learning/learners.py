"""The registry of learners: one explicit tuple, looked up by name (``cooplab learn --learner``)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cooplab.games.normal_form import NormalFormGame
from cooplab.learning.base import Learner
from cooplab.learning.diagnostics import RunDiagnosis, classify_run
from cooplab.learning.fictitious_play import FictitiousPlay, SmoothFictitiousPlay
from cooplab.learning.gradient import GradientAscent, WoLFIGA, WoLFPHC
from cooplab.learning.no_regret import Hedge, RegretMatching
from cooplab.learning.q_learning import QLearning
from cooplab.learning.replicator import ReplicatorDynamics
from cooplab.runtime.registry import Registry
from cooplab.runtime.rng import RngLike

__all__ = [
    "LEARNERS",
    "LearningSummary",
    "learner_parameters",
    "make_learner",
    "parse_learner_params",
    "summarize_run",
]

LEARNERS: Registry[type[Learner]] = Registry(
    "learner",
    (
        FictitiousPlay,
        SmoothFictitiousPlay,
        ReplicatorDynamics,
        QLearning,
        GradientAscent,
        WoLFIGA,
        WoLFPHC,
        Hedge,
        RegretMatching,
    ),
    key=lambda cls: cls.name,
)


def learner_parameters(name: str) -> dict[str, Any]:
    """The keyword parameters of a learner and their defaults (``game`` and ``rng`` left out)."""
    cls = LEARNERS[name]
    return {
        p.name: p.default
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "rng"
    }


def parse_learner_params(name: str, assignments: Sequence[str]) -> dict[str, Any]:
    """``["step=0.1", "exploration=epsilon-greedy"]`` to typed keyword arguments.

    Numbers become ``int`` or ``float``, ``true``/``false`` booleans, anything
    else stays a string; unknown names raise ``ValueError`` listing the known ones.
    """
    known = learner_parameters(name)
    out: dict[str, Any] = {}
    for text in assignments:
        key, sep, raw = text.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key or not raw:
            raise ValueError(f"a learner parameter is written name=value; got {text!r}")
        if key not in known:
            raise ValueError(
                f"{name} has no parameter {key!r} (parameters: {', '.join(known) or 'none'})"
            )
        value: Any
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        else:
            try:
                value = int(raw)
            except ValueError:
                try:
                    value = float(raw)
                except ValueError:
                    value = raw
        out[key] = value
    return out


def make_learner(name: str, game: NormalFormGame, *, rng: RngLike = None, **params: Any) -> Learner:
    """Build the learner called ``name`` on ``game``.

    Examples
    --------
    >>> from cooplab.games import make
    >>> make_learner("hedge", make("matching-pennies"), rng=0).run(10).steps_taken
    10
    """
    cls = LEARNERS[name]
    known = learner_parameters(name)
    unknown = [k for k in params if k not in known]
    if unknown:
        raise ValueError(
            f"{name} has no parameter {', '.join(map(repr, unknown))} "
            f"(parameters: {', '.join(known) or 'none'})"
        )
    return cls(game, rng=rng, **params)


@dataclass(frozen=True)
class LearningSummary:
    """Where a run ended: policies, NashConv, the cycling diagnosis (what ``cooplab learn`` prints).

    Attributes
    ----------
    game, learner
        Names.
    steps
        Steps taken.
    policies, average_policies
        The current and the time-averaged policy of each player.
    nash_conv, average_nash_conv
        NashConv of each (payoff units).
    diagnosis
        :func:`cooplab.learning.classify_run` over the second half of the run.
    cce_violation
        For learners that play actions: how far the empirical joint play is
        from a coarse correlated equilibrium (payoff units); else ``None``.
    """

    game: str
    learner: str
    steps: int
    policies: tuple[tuple[float, ...], ...]
    average_policies: tuple[tuple[float, ...], ...]
    nash_conv: float
    average_nash_conv: float
    diagnosis: RunDiagnosis
    cce_violation: float | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def summarize_run(learner: Learner) -> LearningSummary:
    """Summarise a learner's run so far (at least one step)."""
    if learner.steps_taken < 1:
        raise ValueError(f"{learner.name} has not taken a step yet; run it first")
    game = learner.game
    pols = learner.policies
    avg = learner.average_policies
    return LearningSummary(
        game=game.name or "game",
        learner=learner.name,
        steps=learner.steps_taken,
        policies=tuple(tuple(float(x) for x in p) for p in pols),
        average_policies=tuple(tuple(float(x) for x in p) for p in avg),
        nash_conv=game.nash_conv(list(pols)),
        average_nash_conv=game.nash_conv(list(avg)),
        diagnosis=classify_run(game, learner.histories(), tail=0.5),
        cce_violation=learner.cce_violation() if learner.plays_actions else None,
    )
