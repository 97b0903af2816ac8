"""Deep Q-learning over episodes, with an optional mixer (IQL, VDN, QMIX share it).

The loss (Rashid et al. 2018, eq. 6) over a batch of episodes, with the
padding masked out::

    y_t = r_t + gamma * (1 - terminated_t) * Q_tot^-(s_{t+1}, u*_{t+1})
    L   = mean_t (Q_tot(s_t, u_t) - y_t)^2

where ``Q_tot`` is the mixer of the chosen agents' Q-values (no mixer for IQL:
each agent regresses its own Q on the team reward), ``Q^-`` the target
networks (copied every ``target_update_interval`` gradient steps) and ``u*``
the agents' greedy actions, chosen by the online network under double Q-learning.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch

from cooplab.marl.base import OffPolicyLearner, Tensors, masked_mean
from cooplab.marl.buffer import EpisodeBatch
from cooplab.marl.nets import QMixer, VDNMixer

__all__ = ["ValueLearner"]


class ValueLearner(OffPolicyLearner):
    """Shared deep Q-learning; subclasses choose :attr:`mixer_kind` (``None``, ``"vdn"``, ``"qmix"``)."""

    mixer_kind: str | None = None
    noise_dim: int = 0

    def build(self) -> None:
        c = self.config
        self.agent = self.make_agent(noise_dim=self.noise_dim)
        self.mixer: torch.nn.Module | None
        if self.mixer_kind == "vdn":
            self.mixer = VDNMixer()
        elif self.mixer_kind == "qmix":
            self.mixer = QMixer(self.n_agents, self.state_dim, c.mixing_embed, c.hypernet_embed)
        else:
            self.mixer = None
        self.target_agent = copy.deepcopy(self.agent)
        self.target_mixer = copy.deepcopy(self.mixer)
        self.params = list(self.agent.parameters()) + (
            list(self.mixer.parameters()) if self.mixer is not None else []
        )
        self.optimizer = torch.optim.Adam(self.params, lr=c.lr, foreach=True)

    def modules(self) -> dict[str, torch.nn.Module]:
        mods = super().modules()
        return {k: v for k, v in mods.items() if not isinstance(v, VDNMixer)}

    def z_of(self, tb: Tensors) -> torch.Tensor | None:
        return None

    def td_loss(self, tb: Tensors) -> tuple[torch.Tensor, dict[str, Any]]:
        """The masked TD loss and, for subclasses, the online Q-values ``(B, T+1, N, A)``."""
        c = self.config
        z = self.z_of(tb)
        q = self.unroll(self.agent, tb, z)  # (B, T+1, N, A)
        chosen = q[:, :-1].gather(-1, tb.actions.unsqueeze(-1)).squeeze(-1)  # (B, T, N)
        with torch.no_grad():
            tq = self.unroll(self.target_agent, tb, z)[:, 1:]
            avail = tb.avail[:, 1:]
            if c.double_q:
                best = q.detach()[:, 1:].masked_fill(~avail, -1e10).argmax(-1, keepdim=True)
                target_max = tq.gather(-1, best).squeeze(-1)
            else:
                target_max = tq.masked_fill(~avail, -1e10).max(-1).values
        if self.mixer is None:
            q_taken = chosen  # (B, T, N): every agent learns from the team reward alone
            with torch.no_grad():
                target = target_max
            reward, term, mask = tb.reward[..., None], tb.terminated[..., None], tb.mask[..., None]
        else:
            q_taken = self.mixer(chosen, tb.state[:, :-1])
            with torch.no_grad():
                assert self.target_mixer is not None
                target = self.target_mixer(target_max, tb.state[:, 1:])
            reward, term, mask = tb.reward, tb.terminated, tb.mask
        y = reward + c.gamma * (1.0 - term) * target
        loss = masked_mean((q_taken - y.detach()) ** 2, mask)
        return loss, {"q": q, "q_taken": q_taken, "mask": mask}

    def train(self, batch: EpisodeBatch) -> dict[str, float]:
        tb = self.tensors(batch)
        loss, extra = self.td_loss(tb)
        total = loss + self.extra_loss(tb, extra)
        norm = self.step_optimizer(self.optimizer, total, self.params)
        self.updates += 1
        if self.updates % self.config.target_update_interval == 0:
            self.update_targets()
        q_mean = masked_mean(extra["q_taken"].detach(), extra["mask"])
        return {"loss": float(loss.detach()), "grad_norm": norm, "q_taken_mean": float(q_mean)}

    def extra_loss(self, tb: Tensors, extra: dict[str, Any]) -> torch.Tensor:
        return torch.zeros(())

    def update_targets(self) -> None:
        self.target_agent.load_state_dict(self.agent.state_dict())
        if self.mixer is not None and self.target_mixer is not None:
            self.target_mixer.load_state_dict(self.mixer.state_dict())

    @torch.no_grad()
    def q_values(self, obs: np.ndarray, last_action: np.ndarray | None = None) -> np.ndarray:
        """Per-agent Q-values ``(B, N, A)`` for one step from a fresh hidden state (inspection)."""
        b = obs.shape[0]
        last = np.full((b, self.n_agents), -1) if last_action is None else last_action
        x = self.agent_inputs(
            torch.from_numpy(np.asarray(obs, np.float32).reshape(b, self.n_agents, -1))
            / self.obs_scale,
            torch.from_numpy(np.asarray(last, np.int64)),
        )
        out, _ = self.agent(
            x.reshape(b * self.n_agents, -1), self.agent.initial_hidden(b * self.n_agents), None
        )
        return out.view(b, self.n_agents, -1).numpy()
