"""MAVEN: multi-agent variational exploration (Mahajan et al. 2019, NeurIPS).

QMIX's epsilon-greedy exploration is uncoordinated: each agent deviates on its
own, so a joint behaviour that needs several agents to deviate together for
many steps is almost never tried. MAVEN explores *committedly*: at the start
of an episode a hierarchical policy draws a latent ``z`` (one of
``noise_dim`` values) from the initial state, and ``z`` conditions every
agent for the whole episode (here, as in the paper, by a hypernetwork that
generates the agents' output layer from ``z``). The agents' values are mixed
as in QMIX. Two terms tie ``z`` to behaviour and to return:

- the mutual-information objective: a variational discriminator
  ``q(z | sigma(tau))`` recognises ``z`` from the episode (here, the mean over
  its steps of the agents' Boltzmann policies ``softmax(Q)`` and the state);
  its cross-entropy, weighted by ``mi_coef``, is added to QMIX's TD loss and
  trained through the agents, a lower bound on ``I(tau; z)`` (the paper's
  eq. 6-7), so different ``z`` give different joint behaviours;
- the hierarchical policy over ``z`` is trained by policy gradient on the
  episode's return with an entropy bonus (``z_policy = "learned"``), or kept
  uniform (``"uniform"``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from cooplab.marl._value import ValueLearner
from cooplab.marl.base import Tensors
from cooplab.marl.buffer import EpisodeBatch
from cooplab.marl.nets import MLP, one_hot

__all__ = ["MAVEN"]


class MAVEN(ValueLearner):
    """QMIX agents conditioned on a per-episode latent ``z``, with the MI objective."""

    name = "maven"
    mixer_kind = "qmix"

    def build(self) -> None:
        c = self.config
        self.noise_dim = c.noise_dim
        super().build()
        self.z_net = nn.Sequential(
            nn.Linear(self.state_dim, c.hidden), nn.ReLU(), nn.Linear(c.hidden, c.noise_dim)
        )
        self.discriminator = MLP(
            self.n_agents * self.n_actions + self.state_dim, c.hidden, c.noise_dim
        )
        self.params = self.params + list(self.discriminator.parameters())
        self.optimizer = torch.optim.Adam(self.params, lr=c.lr, foreach=True)
        self.z_params = list(self.z_net.parameters())
        self.z_optimizer = torch.optim.Adam(self.z_params, lr=c.lr, foreach=True)

    def begin(
        self, num_envs: int, state: np.ndarray, rng: np.random.Generator, greedy: bool
    ) -> np.ndarray:
        super().begin(num_envs, state, rng, greedy)
        c = self.config
        if c.z_policy == "uniform":
            z = rng.integers(c.noise_dim, size=num_envs)
        else:
            with torch.no_grad():
                logits = self.z_net(self.scaled_state(state))
            p = torch.softmax(logits, -1).numpy().astype(np.float64)
            if greedy:
                z = p.argmax(-1)
            else:
                u = rng.random((num_envs, 1))
                z = np.minimum((np.cumsum(p, -1) < u).sum(-1), c.noise_dim - 1)
        z = np.asarray(z, np.int64)
        self._z = one_hot(torch.from_numpy(z), c.noise_dim)
        return z

    def z_of(self, tb: Tensors) -> torch.Tensor:
        return one_hot(tb.z, self.config.noise_dim)

    def extra_loss(self, tb: Tensors, extra: dict[str, Any]) -> torch.Tensor:
        """``mi_coef`` times the discriminator's cross-entropy of ``z`` given the episode."""
        q = extra["q"][:, :-1]  # (B, T, N, A)
        soft = torch.softmax(q.masked_fill(~tb.avail[:, :-1], -1e10), -1).reshape(tb.b, tb.t, -1)
        feats = torch.cat([soft, tb.state[:, :-1]], dim=-1)
        m = tb.mask[..., None]
        summary = (feats * m).sum(1) / m.sum(1).clamp(min=1.0)
        ce = F.cross_entropy(self.discriminator(summary), tb.z)
        self._last_mi_ce = float(ce.detach())
        return self.config.mi_coef * ce

    def update(self, batch: EpisodeBatch, t_env: int, rng: np.random.Generator) -> dict[str, float]:
        stats = super().update(batch, t_env, rng)
        c = self.config
        if c.z_policy == "learned":
            state0 = self.scaled_state(batch.state[:, 0])
            logp_all = F.log_softmax(self.z_net(state0), -1)
            ret = torch.from_numpy(batch.returns.astype(np.float32))
            adv = ret - ret.mean()
            logp = logp_all.gather(-1, torch.from_numpy(batch.z)[:, None]).squeeze(-1)
            entropy = -(logp_all.exp() * logp_all).sum(-1)
            z_loss = -(adv * logp + c.z_entropy_coef * entropy).mean()
            self.step_optimizer(self.z_optimizer, z_loss, self.z_params)
        if stats and hasattr(self, "_last_mi_ce"):
            stats["mi_cross_entropy"] = self._last_mi_ce
        return stats
