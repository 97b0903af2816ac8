"""IPPO: independent PPO with decentralised critics (de Witt et al. 2020).

Every agent learns ``pi(u^a | tau^a)`` and ``V(tau^a)`` from its own
observation history and the team reward (shared networks, agent-id inputs);
see :mod:`cooplab.marl._ppo` for the loss.
"""

from __future__ import annotations

from cooplab.marl._ppo import PPOLearner

__all__ = ["IPPO"]


class IPPO(PPOLearner):
    """PPO with a decentralised critic ``V(tau^a)``."""

    name = "ippo"
    centralised_critic = False
