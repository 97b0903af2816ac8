"""Experiments: one module per claim of the founding note.

:data:`EXPERIMENTS` is the one list, in report order; later issues add their
modules here.
"""

from cooplab.experiments import (
    axelrod_first_tournament,
    cfr_poker,
    coordinated_exploration,
    credit_assignment,
    emergent_language,
    evolution_of_cooperation,
    folk_theorem,
    independent_learners_defect,
    lola,
    n_player_dilemmas,
    nash_complexity,
    noisy_tournament,
    non_stationarity,
    partial_observability,
    prisoners_dilemma,
    scarcity_and_conflict,
    self_play,
    signaling_equilibria,
    social_influence,
    switch_riddle,
    tragedy_of_the_commons,
    unravelling,
)
from cooplab.experiments.base import FAILED, HELD, NOT_HELD, Check, Experiment, Table
from cooplab.runtime.registry import Registry

EXPERIMENTS: tuple[Experiment, ...] = (
    prisoners_dilemma.EXPERIMENT,  # 1.1
    nash_complexity.EXPERIMENT,  # 1.2
    n_player_dilemmas.EXPERIMENT,  # 2.1
    axelrod_first_tournament.EXPERIMENT,  # 3.1
    noisy_tournament.EXPERIMENT,  # 3.1
    folk_theorem.EXPERIMENT,  # 3.1
    unravelling.EXPERIMENT,  # 3.1
    evolution_of_cooperation.EXPERIMENT,  # 3.1
    non_stationarity.EXPERIMENT,  # 2.2
    independent_learners_defect.EXPERIMENT,  # 2.2
    lola.EXPERIMENT,  # 2.2
    cfr_poker.EXPERIMENT,  # 3.2
    self_play.EXPERIMENT,  # 3.2
    signaling_equilibria.EXPERIMENT,  # 4
    emergent_language.EXPERIMENT,  # 4
    switch_riddle.EXPERIMENT,  # 4
    credit_assignment.EXPERIMENT,  # 5
    coordinated_exploration.EXPERIMENT,  # 5
    partial_observability.EXPERIMENT,  # 5
    scarcity_and_conflict.EXPERIMENT,  # 6
    tragedy_of_the_commons.EXPERIMENT,  # 6
    social_influence.EXPERIMENT,  # 6
)

REGISTRY: Registry[Experiment] = Registry("experiment", EXPERIMENTS, key=lambda e: e.name)


def get(name: str) -> Experiment:
    """The experiment called ``name`` (``UnknownNameError`` lists the known ones)."""
    return REGISTRY[name]


__all__ = [
    "EXPERIMENTS",
    "FAILED",
    "HELD",
    "NOT_HELD",
    "REGISTRY",
    "Check",
    "Experiment",
    "Table",
    "get",
]
