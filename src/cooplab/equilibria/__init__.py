"""Equilibria of normal-form games: one algorithm a module, one result type.

Every Nash solver is a function of a :class:`~cooplab.games.NormalFormGame`
that returns an :class:`EquilibriumResult` (the equilibria, each with its
payoffs and regret, and whether the list is complete, exact, and whether the
game is degenerate).

Two players
    :func:`support_enumeration` (all equilibria of nondegenerate games),
    :func:`vertex_enumeration` (all extreme equilibria and the components,
    degenerate games included), :func:`lemke_howson` and
    :func:`lemke_howson_all` (one equilibrium per initial label, with pivot
    counts), :func:`solve_zero_sum` (value and optimal strategies by LP).
n players
    :func:`pure_equilibria`, :func:`n_player_support_enumeration` (all
    equilibria of small games), :func:`logit_qre_path` (one equilibrium of
    larger games, certified by its regret).
Correlated
    :func:`correlated_equilibrium` (correlated and coarse correlated, by LP),
    :func:`ce_violation`.
Dominance, welfare, dilemmas
    :func:`iterated_elimination`, :func:`price_of_anarchy`,
    :func:`price_of_stability`, :func:`welfare_summary`,
    :func:`classify_dilemma`, :func:`dilemma_report`.
"""

from cooplab.equilibria.correlated import (
    CorrelatedResult,
    ce_violation,
    correlated_equilibrium,
)
from cooplab.equilibria.dilemmas import (
    DilemmaClass,
    DilemmaReport,
    classify_dilemma,
    dilemma_report,
)
from cooplab.equilibria.dominance import DominanceResult, dominated_actions, iterated_elimination
from cooplab.equilibria.lemke_howson import lemke_howson, lemke_howson_all
from cooplab.equilibria.metrics import (
    WelfareSummary,
    price_of_anarchy,
    price_of_stability,
    welfare_gap,
    welfare_summary,
)
from cooplab.equilibria.n_player import (
    count_support_profiles,
    logit_qre_path,
    n_player_support_enumeration,
    pure_equilibria,
)
from cooplab.equilibria.result import (
    DegenerateGameWarning,
    Equilibrium,
    EquilibriumResult,
    NumericalWarning,
    TooExpensiveError,
)
from cooplab.equilibria.support_enumeration import count_support_pairs, support_enumeration
from cooplab.equilibria.vertex_enumeration import vertex_enumeration
from cooplab.equilibria.zero_sum import ZeroSumSolution, solve_zero_sum, zero_sum_equilibrium

__all__ = [
    "CorrelatedResult",
    "DegenerateGameWarning",
    "DilemmaClass",
    "DilemmaReport",
    "DominanceResult",
    "Equilibrium",
    "EquilibriumResult",
    "NumericalWarning",
    "TooExpensiveError",
    "WelfareSummary",
    "ZeroSumSolution",
    "ce_violation",
    "classify_dilemma",
    "correlated_equilibrium",
    "count_support_pairs",
    "count_support_profiles",
    "dilemma_report",
    "dominated_actions",
    "iterated_elimination",
    "lemke_howson",
    "lemke_howson_all",
    "logit_qre_path",
    "n_player_support_enumeration",
    "price_of_anarchy",
    "price_of_stability",
    "pure_equilibria",
    "solve_zero_sum",
    "support_enumeration",
    "vertex_enumeration",
    "welfare_gap",
    "welfare_summary",
    "zero_sum_equilibrium",
]
