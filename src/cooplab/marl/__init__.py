"""Cooperative multi-agent reinforcement learning (section 5 of the note).

All agents share one reward. The algorithms, one module each (torch, the
``learn`` extra; imported when used):

- :mod:`~cooplab.marl.iql`: independent Q-learning (Tan 1993; deep, Tampuu et al. 2017);
- :mod:`~cooplab.marl.vdn`: value decomposition networks (Sunehag et al. 2018);
- :mod:`~cooplab.marl.qmix`: monotonic value factorisation (Rashid et al. 2018);
- :mod:`~cooplab.marl.coma`: counterfactual multi-agent policy gradients (Foerster et al. 2018);
- :mod:`~cooplab.marl.ippo`, :mod:`~cooplab.marl.mappo`: PPO with decentralised or
  centralised critics (de Witt et al. 2020; Yu et al. 2022);
- :mod:`~cooplab.marl.maven`: multi-agent variational exploration (Mahajan et al. 2019).

The shared machinery: :mod:`~cooplab.marl.buffer` (padded episodes, replay),
:mod:`~cooplab.marl.runner` (collecting episodes from a batched
:class:`cooplab.envs.VectorEnv`), :mod:`~cooplab.marl.nets` (shared agents with
agent-id inputs, GRU or feed-forward; mixers), :mod:`~cooplab.marl.train`
(the loop, evaluation, CSV log, checkpoints, resume) and
:mod:`~cooplab.marl.checkpoint`.

This package imports without torch; :func:`train` and the learners need it.
"""

from __future__ import annotations

from typing import Any

from cooplab.marl.config import ALGORITHMS, TrainConfig

__all__ = ["ALGORITHMS", "TrainConfig", "Trainer", "train"]


def __getattr__(name: str) -> Any:
    if name in ("Trainer", "train", "TrainResult", "LogRow", "evaluate", "make_learner"):
        from cooplab.marl import trainer as _train

        return getattr(_train, name)
    raise AttributeError(f"module 'cooplab.marl' has no attribute {name!r}")
