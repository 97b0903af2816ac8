"""Learned agents in sequential social dilemmas (section 6 of the note).

- :mod:`~cooplab.ssd.metrics`: Perolat et al.'s (2017) social outcome metrics;
- :mod:`~cooplab.ssd.rollout`: batched episodes of a policy, with the events the metrics need;
- :mod:`~cooplab.ssd.scripted`: hand-coded policies (greedy and restrained harvesters);
- :mod:`~cooplab.ssd.learners`: independent learners, one network per agent, and
  Jaques et al.'s (2019) social influence reward (torch, the ``learn`` extra).

The environments themselves are :mod:`cooplab.envs.ssd`.
"""

from cooplab.ssd.metrics import SocialOutcomes, social_outcomes

#: The learners' algorithms and the social-influence variants (here, not in the
#: torch module, so configurations can be checked without torch).
ALGORITHMS = ("ppo", "a2c", "dqn")
INFLUENCE = ("none", "centralised", "moa")

__all__ = ["ALGORITHMS", "INFLUENCE", "SocialOutcomes", "social_outcomes"]
