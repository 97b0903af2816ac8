"""Repeated games: strategies, matches and tournaments at array speed, the folk
theorem, backward induction, evolution, and the N-player public goods game.

>>> from cooplab.repeated import play_match
>>> play_match("grudger", "defector", 4).history_strings()
('CDDD', 'DDDD')
"""

from cooplab.repeated.backward_induction import (
    BackwardInductionResult,
    backward_induction,
    first_round_check,
    spe_payoff_sets,
)
from cooplab.repeated.engine import MatchBatch, play_matches
from cooplab.repeated.evolution import (
    ecological_simulation,
    fixation_probability,
    invasion_analysis,
    memory_one_payoff_matrix,
    moran_process,
    replicator_dynamics,
)
from cooplab.repeated.folk import (
    critical_discount_factor,
    deviation_check,
    feasible_set,
    grim_trigger,
    individually_rational_region,
    minmax_values,
)
from cooplab.repeated.match import MatchResult, play_match
from cooplab.repeated.public_goods import play_public_goods
from cooplab.repeated.strategies import (
    FIRST_TOURNAMENT,
    STRATEGIES,
    Strategy,
    filter_strategies,
    get_strategy,
)
from cooplab.repeated.tournament import TournamentResult, round_robin

__all__ = [
    "FIRST_TOURNAMENT",
    "STRATEGIES",
    "BackwardInductionResult",
    "MatchBatch",
    "MatchResult",
    "Strategy",
    "TournamentResult",
    "backward_induction",
    "critical_discount_factor",
    "deviation_check",
    "ecological_simulation",
    "feasible_set",
    "filter_strategies",
    "first_round_check",
    "fixation_probability",
    "get_strategy",
    "grim_trigger",
    "individually_rational_region",
    "invasion_analysis",
    "memory_one_payoff_matrix",
    "minmax_values",
    "moran_process",
    "play_match",
    "play_matches",
    "play_public_goods",
    "replicator_dynamics",
    "round_robin",
    "spe_payoff_sets",
]
