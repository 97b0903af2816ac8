"""Learned agents in sequential social dilemmas (section 6 of the note).

- :mod:`~cooplab.ssd.metrics`: Perolat et al.'s (2017) social outcome metrics;
- :mod:`~cooplab.ssd.rollout`: batched episodes of a policy, with the events the metrics need;
- :mod:`~cooplab.ssd.scripted`: hand-coded policies (greedy and restrained harvesters);
- :mod:`~cooplab.ssd.learners`: independent learners, one network per agent, and
  Jaques et al.'s (2019) social influence reward (torch, the ``learn`` extra).

The environments themselves are :mod:`cooplab.envs.ssd`.
"""

from cooplab.ssd.metrics import SocialOutcomes, social_outcomes

__all__ = ["SocialOutcomes", "social_outcomes"]
