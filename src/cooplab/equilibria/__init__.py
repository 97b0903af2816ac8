"""Equilibria of normal-form games: one algorithm a module, one result type.

Every solver is a function of a :class:`~cooplab.games.NormalFormGame` that
returns an :class:`EquilibriumResult`.
"""

from cooplab.equilibria.result import (
    DegenerateGameWarning,
    Equilibrium,
    EquilibriumResult,
    TooExpensiveError,
)

__all__ = [
    "DegenerateGameWarning",
    "Equilibrium",
    "EquilibriumResult",
    "TooExpensiveError",
]
