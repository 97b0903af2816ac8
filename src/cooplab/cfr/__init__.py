"""Counterfactual regret minimisation over compiled extensive-form games.

``CFRSolver(game, variant)`` runs CFR, CFR+, linear CFR or discounted CFR as
vectorised passes over the arrays of a compiled
:class:`~cooplab.games.extensive.ExtensiveGame`; ``best_response``,
``nash_conv``, ``exploitability`` and ``expected_values`` measure any
:class:`TabularPolicy`; ``solve_sequence_form`` solves small two-player
zero-sum games exactly.

References
----------
Zinkevich, M., Johanson, M., Bowling, M. & Piccione, C. (2007). Regret
minimization in games with incomplete information. NIPS 20.
"""

from cooplab.cfr.best_response import (
    BestResponse,
    best_response,
    expected_values,
    exploitability,
    nash_conv,
)
from cooplab.cfr.cfr import VARIANTS, CFRSolver
from cooplab.cfr.mccfr import ExternalSamplingMCCFR, OutcomeSamplingMCCFR
from cooplab.cfr.policy import TabularPolicy
from cooplab.cfr.sequence_form import solve_sequence_form

__all__ = [
    "VARIANTS",
    "BestResponse",
    "CFRSolver",
    "ExternalSamplingMCCFR",
    "OutcomeSamplingMCCFR",
    "TabularPolicy",
    "best_response",
    "expected_values",
    "exploitability",
    "nash_conv",
    "solve_sequence_form",
]
