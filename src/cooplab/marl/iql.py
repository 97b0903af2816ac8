"""Independent Q-learning (IQL): every agent a DQN learning from the team reward.

Tan (1993) for tabular agents; deep recurrent agents with a shared network as
in Tampuu et al. (2017) and the PyMARL baselines (Samvelyan et al. 2019). Each
agent regresses its own ``Q_i(tau_i, u_i)`` on ``r + gamma max Q_i^-``: the
other agents are part of its environment, and nothing tells it which share of
the team reward its action earned.
"""

from __future__ import annotations

from cooplab.marl._value import ValueLearner

__all__ = ["IQL"]


class IQL(ValueLearner):
    """Independent deep Q-learners with parameter sharing (no mixer)."""

    name = "iql"
    mixer_kind = None
