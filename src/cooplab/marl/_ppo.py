"""PPO for teams (IPPO and MAPPO share it).

Each agent runs PPO's clipped surrogate (Schulman et al. 2017) on the team
reward with generalised advantage estimation (Schulman et al. 2016)::

    delta_t = r_t + gamma (1 - terminated_t) V(x_{t+1}) - V(x_t)
    A_t     = delta_t + gamma lambda (1 - terminated_t) A_{t+1}
    L       = -E[min(rho_t A_t, clip(rho_t, 1 - eps, 1 + eps) A_t)] - c_H H + 1/2 (V - R)^2

The actors share one network (agent-id inputs). The critic is what differs:
IPPO's ``V`` sees only the agent's own observation history (decentralised;
de Witt et al. 2020), MAPPO's sees the global state and the agent's id
(centralised; Yu et al. 2022). An episode cut by the time limit is
bootstrapped with ``V`` of its last observation.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from cooplab.marl.base import Learner, Tensors, masked_logits, masked_mean
from cooplab.marl.buffer import EpisodeBatch
from cooplab.marl.nets import MLP

__all__ = ["PPOLearner"]


class PPOLearner(Learner):
    """On-policy PPO with a decentralised (``centralised_critic = False``) or centralised critic."""

    agent_outputs_q = False
    centralised_critic: bool = False

    def build(self) -> None:
        c = self.config
        self.agent = self.make_agent()
        if self.centralised_critic:
            self.critic: torch.nn.Module = MLP(self.state_dim + self.n_agents, c.hidden, 1)
        else:
            self.critic = self.make_agent(n_out=1)
        self.params = list(self.agent.parameters()) + list(self.critic.parameters())
        self.optimizer = torch.optim.Adam(self.params, lr=c.lr, foreach=True)

    def values(self, tb: Tensors) -> torch.Tensor:
        """``V`` for every agent at every step, ``(B, T + 1, N)``."""
        if self.centralised_critic:
            ids = torch.eye(self.n_agents).expand(tb.b, tb.t + 1, self.n_agents, self.n_agents)
            state = tb.state[:, :, None].expand(tb.b, tb.t + 1, self.n_agents, -1)
            return self.critic(torch.cat([state, ids], dim=-1)).squeeze(-1)
        return self.unroll(self.critic, tb).squeeze(-1)  # type: ignore[arg-type]

    def advantages(self, tb: Tensors, v: torch.Tensor) -> torch.Tensor:
        c = self.config
        b, t, n = tb.b, tb.t, tb.n
        adv = torch.zeros(b, t, n)
        gae = torch.zeros(b, n)
        for k in reversed(range(t)):
            live = 1 - tb.terminated[:, k, None]
            delta = tb.reward[:, k, None] + c.gamma * live * v[:, k + 1] - v[:, k]
            nxt = tb.mask[:, k + 1, None] if k + 1 < t else torch.zeros(b, 1)
            gae = delta + c.gamma * c.gae_lambda * live * nxt * gae
            adv[:, k] = gae
        return adv

    def update(self, batch: EpisodeBatch, t_env: int, rng: np.random.Generator) -> dict[str, float]:
        c = self.config
        tb = self.tensors(batch)
        taken = tb.actions.unsqueeze(-1)
        avail = tb.avail[:, :-1]
        mask = tb.mask[..., None].expand(tb.b, tb.t, tb.n)
        with torch.no_grad():
            old_logp = (
                F.log_softmax(masked_logits(self.unroll(self.agent, tb)[:, :-1], avail), -1)
                .gather(-1, taken)
                .squeeze(-1)
            )
            v = self.values(tb)
            adv = self.advantages(tb, v)
            returns = adv + v[:, :-1]
            m = mask.bool()
            adv = (adv - adv[m].mean()) / (adv[m].std() + 1e-8) if m.sum() > 1 else adv
        stats: dict[str, float] = {}
        for _ in range(c.ppo_epochs):
            logp_all = F.log_softmax(masked_logits(self.unroll(self.agent, tb)[:, :-1], avail), -1)
            logp = logp_all.gather(-1, taken).squeeze(-1)
            ratio = torch.exp(logp - old_logp)
            surr = torch.min(ratio * adv, ratio.clamp(1 - c.ppo_clip, 1 + c.ppo_clip) * adv)
            entropy = -(logp_all.exp() * logp_all.masked_fill(~avail, 0.0)).sum(-1)
            value_loss = masked_mean((self.values(tb)[:, :-1] - returns) ** 2, mask)
            policy_loss = -masked_mean(surr + c.entropy_coef * entropy, mask)
            loss = policy_loss + 0.5 * value_loss
            self.step_optimizer(self.optimizer, loss, self.params)
            stats = {
                "loss": float(value_loss.detach()),
                "policy_loss": float(policy_loss.detach()),
                "entropy": float(masked_mean(entropy.detach(), mask)),
            }
        self.updates += 1
        return stats
