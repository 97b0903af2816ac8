"""Networks: shared agents with agent-id inputs, and the value mixers.

Imported only with torch (the ``learn`` extra).

- :class:`AgentNet`: one network for all agents (parameter sharing), the
  agent's identity given as a one-hot input (Foerster et al. 2016; Rashid et
  al. 2018); ``Linear -> ReLU -> GRUCell -> Linear`` when recurrent, with a
  ``Linear -> ReLU`` in place of the GRU cell when feed-forward. With
  ``noise_dim > 0`` the output layer is generated from MAVEN's latent ``z``
  by a hypernetwork (Mahajan et al. 2019).
- :class:`VDNMixer`: ``Q_tot = sum_i Q_i`` (Sunehag et al. 2018).
- :class:`QMixer`: ``Q_tot = f(Q_1..Q_N; s)`` monotonic in each ``Q_i``, with
  non-negative weights produced from the state by hypernetworks (Rashid et al.
  2018, section 4).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["MLP", "AgentNet", "QMixer", "VDNMixer", "one_hot"]


def one_hot(index: torch.Tensor, n: int) -> torch.Tensor:
    """One-hot float encoding of ``index`` (any shape) with ``n`` classes; ``-1`` encodes as zeros."""
    valid = (index >= 0).unsqueeze(-1)
    return F.one_hot(index.clamp(min=0), n).float() * valid


class MLP(nn.Module):
    """``Linear -> ReLU -> Linear -> ReLU -> Linear``."""

    def __init__(self, n_in: int, hidden: int, n_out: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, n_out),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class AgentNet(nn.Module):
    """The shared agent network.

    Parameters
    ----------
    n_in
        Input width (observation, last action, agent id).
    hidden
        Hidden width.
    n_out
        Outputs per agent (Q-values or logits: ``n_actions``; a value: 1).
    recurrent
        GRU cell (True) or a feed-forward layer (False).
    noise_dim
        MAVEN's number of latent values; ``0`` for a plain agent.
    """

    def __init__(
        self, n_in: int, hidden: int, n_out: int, recurrent: bool, noise_dim: int = 0
    ) -> None:
        super().__init__()
        self.hidden = hidden
        self.recurrent = recurrent
        self.n_out = n_out
        self.noise_dim = noise_dim
        self.fc1 = nn.Linear(n_in, hidden)
        self.core: nn.Module = (
            nn.GRUCell(hidden, hidden) if recurrent else nn.Linear(hidden, hidden)
        )
        if noise_dim:
            # MAVEN: z picks the output layer, so a z commits the team to one
            # joint behaviour for the whole episode.
            self.hyper_w = nn.Linear(noise_dim, hidden * n_out)
            self.hyper_b = nn.Linear(noise_dim, n_out)
        else:
            self.fc2 = nn.Linear(hidden, n_out)

    def initial_hidden(self, m: int) -> torch.Tensor:
        return torch.zeros(m, self.hidden)

    def forward(
        self, x: torch.Tensor, h: torch.Tensor, z: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One step for ``M`` agent rows: ``x (M, n_in)``, ``h (M, hidden)``, ``z (M, noise_dim)``."""
        y = F.relu(self.fc1(x))
        h = self.core(y, h) if self.recurrent else F.relu(self.core(y))
        if self.noise_dim:
            if z is None:
                raise ValueError("a MAVEN agent needs its latent z")
            w = self.hyper_w(z).view(-1, self.hidden, self.n_out)
            return torch.bmm(h.unsqueeze(1), w).squeeze(1) + self.hyper_b(z), h
        return self.fc2(h), h


class VDNMixer(nn.Module):
    """Value decomposition: ``Q_tot(s, u) = sum_i Q_i(tau_i, u_i)`` (Sunehag et al. 2018)."""

    def forward(self, qs: torch.Tensor, state: torch.Tensor) -> torch.Tensor:
        """``qs (B, T, N)`` -> ``(B, T)``."""
        return qs.sum(dim=-1)


class QMixer(nn.Module):
    """QMIX's monotonic mixing network (Rashid et al. 2018, figure 2).

    ``Q_tot = w2(s) . elu(W1(s) q + b1(s)) + V(s)`` with ``W1 = |hyper_w1(s)|``
    and ``w2 = |hyper_w2(s)|``, so ``dQ_tot / dQ_i >= 0``: the agents' greedy
    actions are the joint greedy action. The hypernetworks have one hidden
    layer of ``hypernet_embed`` units; ``V(s)`` is a two-layer state bias.
    """

    def __init__(self, n_agents: int, state_dim: int, embed: int, hypernet_embed: int) -> None:
        super().__init__()
        self.n_agents, self.embed = n_agents, embed
        self.hyper_w1 = nn.Sequential(
            nn.Linear(state_dim, hypernet_embed),
            nn.ReLU(),
            nn.Linear(hypernet_embed, embed * n_agents),
        )
        self.hyper_b1 = nn.Linear(state_dim, embed)
        self.hyper_w2 = nn.Sequential(
            nn.Linear(state_dim, hypernet_embed), nn.ReLU(), nn.Linear(hypernet_embed, embed)
        )
        self.v = nn.Sequential(nn.Linear(state_dim, embed), nn.ReLU(), nn.Linear(embed, 1))

    def forward(self, qs: torch.Tensor, state: torch.Tensor) -> torch.Tensor:
        """``qs (B, T, N)`` and ``state (B, T, S)`` -> ``Q_tot (B, T)``."""
        b, t, n = qs.shape
        s = state.reshape(b * t, -1)
        q = qs.reshape(b * t, 1, n)
        w1 = torch.abs(self.hyper_w1(s)).view(-1, n, self.embed)
        b1 = self.hyper_b1(s).view(-1, 1, self.embed)
        hidden = F.elu(torch.bmm(q, w1) + b1)
        w2 = torch.abs(self.hyper_w2(s)).view(-1, self.embed, 1)
        out = torch.bmm(hidden, w2).view(-1) + self.v(s).view(-1)
        return out.view(b, t)
