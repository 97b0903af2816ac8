"""QMIX: monotonic value function factorisation (Rashid et al. 2018, ICML).

``Q_tot`` is a mixing network of the agents' ``Q_i`` whose weights, produced
from the global state by hypernetworks, are kept non-negative, so that
``dQ_tot / dQ_i >= 0`` and the decentralised greedy actions are the joint
greedy action (:class:`cooplab.marl.nets.QMixer`). The class of values it can
represent strictly contains VDN's sums: in the paper's two-step game QMIX
finds the optimal return 8 where VDN settles for 7.
"""

from __future__ import annotations

from cooplab.marl._value import ValueLearner

__all__ = ["QMIX"]


class QMIX(ValueLearner):
    """Monotonic mixing of the agents' Q-values, conditioned on the state."""

    name = "qmix"
    mixer_kind = "qmix"
