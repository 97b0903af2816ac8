"""Value decomposition networks (VDN; Sunehag et al. 2018).

The team's value is the sum of the agents' utilities,
``Q_tot(tau, u) = sum_i Q_i(tau_i, u_i)``, trained end to end on the team
reward; each agent acting greedily on its ``Q_i`` maximises ``Q_tot``.
"""

from __future__ import annotations

from cooplab.marl._value import ValueLearner

__all__ = ["VDN"]


class VDN(ValueLearner):
    """Additive value decomposition."""

    name = "vdn"
    mixer_kind = "vdn"
