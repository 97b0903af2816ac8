"""COMA: counterfactual multi-agent policy gradients (Foerster et al. 2018, AAAI).

Decentralised actors (one shared network, agent-id inputs) and one
centralised critic ``Q(s, u)`` trained on the joint action. Each agent's
policy gradient uses the counterfactual advantage (the paper's eq. 4)::

    A^a(s, u) = Q(s, u) - sum_{u'^a} pi^a(u'^a | tau^a) Q(s, (u^{-a}, u'^a))

which keeps the other agents' actions fixed and marginalises out only agent
``a``'s: it answers "what did my action add", the credit-assignment question,
with one critic pass (the critic outputs ``Q`` for every action of agent
``a`` given the others'). The critic is trained on-policy with TD(lambda)
targets from a target critic (the paper's section 4). Input of the critic for
agent ``a`` at step ``t``: the state, ``a``'s observation, the other agents'
actions (one-hot, ``a``'s own zeroed), the previous joint action and ``a``'s id.

An episode cut by the time limit is not bootstrapped (its last target is the
last reward): the next joint action, which ``Q`` needs, was never taken.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from cooplab.marl.base import Learner, Tensors, masked_logits, masked_mean
from cooplab.marl.buffer import EpisodeBatch
from cooplab.marl.nets import MLP, one_hot

__all__ = ["COMA"]


class COMA(Learner):
    """Counterfactual multi-agent policy gradients with a centralised critic."""

    name = "coma"
    agent_outputs_q = False

    def build(self) -> None:
        c = self.config
        self.agent = self.make_agent()
        n, a = self.n_agents, self.n_actions
        critic_in = self.state_dim + self.obs_dim + 2 * n * a + n
        self.critic = MLP(critic_in, max(c.hidden, 64), a)
        self.target_critic = copy.deepcopy(self.critic)
        self.agent_params = list(self.agent.parameters())
        self.critic_params = list(self.critic.parameters())
        self.agent_optimizer = torch.optim.Adam(self.agent_params, lr=c.lr, foreach=True)
        self.critic_optimizer = torch.optim.Adam(self.critic_params, lr=c.lr, foreach=True)

    def critic_inputs(self, tb: Tensors) -> torch.Tensor:
        """``(B, T, N, D)`` inputs of the critic for every agent and step."""
        b, t, n, a = tb.b, tb.t, tb.n, self.n_actions
        state = tb.state[:, :-1, None].expand(b, t, n, -1)
        obs = tb.obs[:, :-1]
        joint = one_hot(tb.actions, a).reshape(b, t, 1, n * a).expand(b, t, n, n * a)
        own = (1 - torch.eye(n)).repeat_interleave(a, dim=1)  # (N, N*A): zero agent a's block
        others = joint * own
        last = torch.cat([torch.full((b, 1, n), -1, dtype=torch.long), tb.actions[:, :-1]], dim=1)
        last_joint = one_hot(last, a).reshape(b, t, 1, n * a).expand(b, t, n, n * a)
        ids = torch.eye(n).expand(b, t, n, n)
        return torch.cat([state, obs, others, last_joint, ids], dim=-1)

    def td_lambda_targets(self, tb: Tensors, q_next: torch.Tensor) -> torch.Tensor:
        """TD(lambda) returns ``(B, T, N)`` from the target critic's taken-action values ``q_next``."""
        c = self.config
        b, t, n = q_next.shape
        out = torch.zeros(b, t, n)
        g = torch.zeros(b, n)
        mask = tb.mask
        for k in reversed(range(t)):
            if k + 1 < t:
                cont = (1 - tb.terminated[:, k]) * mask[:, k + 1]
                boot = (1 - c.td_lambda) * q_next[:, k + 1] + c.td_lambda * g
            else:
                cont = torch.zeros(b)
                boot = torch.zeros(b, n)
            g = tb.reward[:, k, None] + c.gamma * cont[:, None] * boot
            out[:, k] = g
        return out

    def update(self, batch: EpisodeBatch, t_env: int, rng: np.random.Generator) -> dict[str, float]:
        c = self.config
        tb = self.tensors(batch)
        x = self.critic_inputs(tb)
        taken = tb.actions.unsqueeze(-1)
        with torch.no_grad():
            q_target = self.target_critic(x).gather(-1, taken).squeeze(-1)
            targets = self.td_lambda_targets(tb, q_target)
        mask = tb.mask[..., None]
        for _ in range(c.critic_steps):
            q_all = self.critic(x)
            critic_loss = masked_mean((q_all.gather(-1, taken).squeeze(-1) - targets) ** 2, mask)
            self.step_optimizer(self.critic_optimizer, critic_loss, self.critic_params)
        with torch.no_grad():
            q_all = self.critic(x)
        logits = masked_logits(self.unroll(self.agent, tb)[:, :-1], tb.avail[:, :-1])
        logp_all = F.log_softmax(logits, dim=-1)
        pi = logp_all.exp()
        baseline = (pi.detach() * q_all).sum(-1)
        q_taken = q_all.gather(-1, taken).squeeze(-1)
        advantage = (q_taken - baseline).detach()
        logp = logp_all.gather(-1, taken).squeeze(-1)
        entropy = -(pi * logp_all.masked_fill(~tb.avail[:, :-1], 0.0)).sum(-1)
        actor_loss = -masked_mean(advantage * logp + c.entropy_coef * entropy, mask)
        self.step_optimizer(self.agent_optimizer, actor_loss, self.agent_params)
        self.updates += 1
        if self.updates % c.target_update_interval == 0:
            self.target_critic.load_state_dict(self.critic.state_dict())
        return {
            "loss": float(critic_loss.detach()),
            "actor_loss": float(actor_loss.detach()),
            "advantage_std": float(advantage.std()),
        }

    def policy(self, batch: EpisodeBatch) -> Any:  # pragma: no cover - inspection helper
        tb = self.tensors(batch)
        with torch.no_grad():
            return F.softmax(
                masked_logits(self.unroll(self.agent, tb)[:, :-1], tb.avail[:, :-1]), -1
            )
