"""Training configuration shared by every algorithm of :mod:`cooplab.marl`.

Plain data (no torch), so experiments and the CLI can build and check a
configuration without importing torch, and a checkpoint can store it as JSON.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

__all__ = ["ALGORITHMS", "TrainConfig"]

#: The algorithms :func:`cooplab.marl.make_learner` builds, by name.
ALGORITHMS: tuple[str, ...] = ("iql", "vdn", "qmix", "coma", "ippo", "mappo", "maven")

_POSITIVE_INTS = (
    "num_envs",
    "batch_size",
    "buffer_size",
    "hidden",
    "mixing_embed",
    "hypernet_embed",
    "target_update_interval",
    "eval_episodes",
    "updates_per_collect",
    "ppo_epochs",
    "critic_steps",
    "noise_dim",
    "threads",
)
_UNIT = ("gamma", "epsilon_start", "epsilon_finish", "td_lambda", "gae_lambda")
_NON_NEGATIVE = (
    "epsilon_anneal_steps",
    "eval_interval",
    "checkpoint_interval",
    "entropy_coef",
    "mi_coef",
    "z_entropy_coef",
)


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of one training run (PyMARL/EPyMARL names where they exist).

    Attributes
    ----------
    num_envs
        Episodes collected at once, one per environment of the batch (PyMARL's
        ``batch_size_run``).
    batch_size, buffer_size
        Episodes per gradient step and episodes kept in the replay buffer
        (off-policy algorithms: IQL, VDN, QMIX, MAVEN).
    lr, gamma, grad_clip
        Adam step size, discount, gradient-norm clip.
    hidden, recurrent
        Width of the agent network and whether it has a GRU cell (Cho et al.
        2014) between its two layers (``False``: a feed-forward agent).
    last_action
        Feed each agent its previous action (one-hot) as well as its observation.
    epsilon_start, epsilon_finish, epsilon_anneal_steps
        Epsilon-greedy exploration, annealed linearly over environment steps
        (COMA mixes its policy with the uniform one by the same epsilon).
    double_q
        Double Q-learning targets (van Hasselt et al. 2016) for the value methods.
    mixing_embed, hypernet_embed
        QMIX mixer width and the width of its hypernetworks (Rashid et al. 2018).
    target_update_interval
        Gradient steps between hard target-network updates.
    updates_per_collect
        Gradient steps after each collection (off-policy algorithms).
    td_lambda
        TD(lambda) for the COMA critic's targets (Foerster et al. 2018).
    critic_steps
        Critic gradient steps per collection (COMA).
    ppo_epochs, ppo_clip, gae_lambda, entropy_coef
        IPPO/MAPPO: passes over each batch, the ratio clip, GAE's lambda and
        the entropy bonus (also COMA's).
    noise_dim, mi_coef, z_policy, z_entropy_coef
        MAVEN: number of latent values ``z``, weight of the mutual-information
        loss, ``"learned"`` or ``"uniform"`` hierarchical policy over ``z``,
        and its entropy bonus (Mahajan et al. 2019).
    eval_interval, eval_episodes
        Environment steps between greedy evaluations, and episodes in each.
    checkpoint_interval
        Environment steps between checkpoints (0: only at the end).
    threads
        Torch's intra-op threads while training (restored afterwards). The
        networks are small: one thread is fastest, and more threads spin
        against each other on a busy machine.
    """

    num_envs: int = 8
    batch_size: int = 32
    buffer_size: int = 5000
    lr: float = 5e-4
    gamma: float = 0.99
    grad_clip: float = 10.0
    hidden: int = 64
    recurrent: bool = True
    last_action: bool = True
    epsilon_start: float = 1.0
    epsilon_finish: float = 0.05
    epsilon_anneal_steps: int = 50_000
    double_q: bool = True
    mixing_embed: int = 32
    hypernet_embed: int = 64
    target_update_interval: int = 200
    updates_per_collect: int = 1
    td_lambda: float = 0.8
    critic_steps: int = 1
    ppo_epochs: int = 4
    ppo_clip: float = 0.2
    gae_lambda: float = 0.95
    entropy_coef: float = 0.01
    noise_dim: int = 2
    mi_coef: float = 0.001
    z_policy: str = "learned"
    z_entropy_coef: float = 0.01
    eval_interval: int = 2000
    eval_episodes: int = 32
    checkpoint_interval: int = 0
    threads: int = 1

    def __post_init__(self) -> None:
        for name in _POSITIVE_INTS:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"TrainConfig.{name} must be a positive integer; got {v!r}")
        for name in _NON_NEGATIVE:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not v >= 0:
                raise ValueError(f"TrainConfig.{name} must be non-negative; got {v!r}")
        for name in _UNIT:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
                raise ValueError(f"TrainConfig.{name} must be in [0, 1]; got {v!r}")
        for name in ("lr", "grad_clip", "ppo_clip"):
            v = getattr(self, name)
            if (
                isinstance(v, bool)
                or not isinstance(v, int | float)
                or not math.isfinite(v)
                or v <= 0
            ):
                raise ValueError(f"TrainConfig.{name} must be a positive finite number; got {v!r}")
        for name in ("recurrent", "last_action", "double_q"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"TrainConfig.{name} must be True or False")
        if self.z_policy not in ("learned", "uniform"):
            raise ValueError(
                f"TrainConfig.z_policy must be 'learned' or 'uniform'; got {self.z_policy!r}"
            )
        if self.batch_size > self.buffer_size:
            raise ValueError(
                f"TrainConfig.batch_size ({self.batch_size}) exceeds buffer_size ({self.buffer_size})"
            )

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with ``changes`` (unknown names are refused by name)."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown TrainConfig field(s) {unknown}; known: {sorted(known)}")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def epsilon(self, t_env: int) -> float:
        """Linear schedule from ``epsilon_start`` to ``epsilon_finish`` over ``epsilon_anneal_steps``."""
        if self.epsilon_anneal_steps == 0:
            return float(self.epsilon_finish)
        frac = min(max(t_env, 0) / self.epsilon_anneal_steps, 1.0)
        return float(self.epsilon_start + frac * (self.epsilon_finish - self.epsilon_start))
