"""MAPPO: PPO with a centralised critic (Yu et al. 2022, "The surprising effectiveness of PPO").

The actors act on their own observations; the critic ``V(s, a)`` sees the
global state and the agent's id during training only (centralised training,
decentralised execution). See :mod:`cooplab.marl._ppo` for the loss.
"""

from __future__ import annotations

from cooplab.marl._ppo import PPOLearner

__all__ = ["MAPPO"]


class MAPPO(PPOLearner):
    """PPO with a centralised critic ``V(s, a)``."""

    name = "mappo"
    centralised_critic = True
