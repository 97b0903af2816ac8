"""Independent learners for the social dilemmas, one network per agent, and social influence.

Imported only with torch (the ``learn`` extra).

Each agent ``k`` has its own recurrent actor-critic (``Linear -> ReLU -> GRU ->
policy and value heads``), its own optimiser and its own hyperparameters
(:class:`AgentConfig`), so a population can be heterogeneous. Agents see their
egocentric view and the previous joint action (one-hot; Jaques et al. 2019
give every agent the others' last actions). Each learns from its *own* reward
with PPO's clipped surrogate and GAE (Schulman et al. 2017, 2016); ``"a2c"``
takes one pass of the same loss over fresh data, where the ratio is 1 and the
clip inactive: the advantage actor-critic gradient (Mnih et al. 2016);
``"dqn"`` reads the policy head as Q-values, acts epsilon-greedily and learns
by double Q-learning (van Hasselt et al. 2016) on whole replayed collections
through the GRU (Hausknecht & Stone 2015), with a target network.

Social influence (Jaques et al. 2019, equation 2): agent ``k`` is paid
``r_k + w * c_k`` with

    c_k^t = sum_{j != k} KL[ p(a_j^{t+1} | a_k^t, ...) || sum_a p(a_j^{t+1} | a, ...) pi_k(a | s_k^t) ]

the divergence between what ``j`` does after ``k``'s actual action and what
it would do on average over ``k``'s counterfactual actions:

- ``influence="centralised"``: the counterfactuals replay ``j``'s own policy
  network with ``k``'s action changed in ``j``'s previous-action input (the
  paper's basic, centralised version: it reads the others' networks);
- ``influence="moa"``: each agent learns a model of the other agents (MOA),
  predicting their next actions from its own recurrent state and its own
  action, trained by cross-entropy, and replays that model instead (the
  paper's decentralised version).

Episodes are collected all at once from a batched environment (every SSD
episode ends at its time limit, all environments together); the end of an
episode is not bootstrapped.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from cooplab.runtime.rng import RngLike, as_generator
from cooplab.ssd import ALGORITHMS, INFLUENCE

__all__ = [
    "INFLUENCE",
    "ActorCritic",
    "AgentConfig",
    "Batch",
    "Population",
    "PopulationConfig",
    "kl_categorical",
    "make_population",
]


@dataclass(frozen=True)
class AgentConfig:
    """One agent's learner.

    Attributes
    ----------
    algorithm
        ``"ppo"`` (``epochs`` clipped passes), ``"a2c"`` (one pass) or ``"dqn"``
        (recurrent double Q-learning on replayed collections; the policy head
        gives Q-values, epsilon-greedy; van Hasselt et al. 2016, Hausknecht &
        Stone 2015).
    lr, hidden, gamma, gae_lambda, entropy_coef, value_coef, clip, epochs, grad_clip
        Adam step size, network width, discount, GAE's lambda, entropy bonus,
        value-loss weight, PPO's ratio clip, passes per batch (DQN: gradient
        steps per update), gradient-norm clip.
    epsilon_start, epsilon_finish, epsilon_anneal, target_every, replay
        DQN: exploration annealed linearly over ``epsilon_anneal`` updates,
        target-network copy every ``target_every`` updates, collections kept.
    chunk
        PPO/A2C: the episodes are cut into chunks of this many steps for the
        update, each started from the recurrent state recorded while acting
        (the "data chunks" of Yu et al. 2022's MAPPO, R2D2's stored state);
        gradients flow back ``chunk`` steps at most. ``0`` backpropagates
        through whole episodes. Chunks of 25 make the update of a 250-step
        episode about twice as fast.
    """

    algorithm: str = "ppo"
    lr: float = 2e-3
    hidden: int = 64
    gamma: float = 0.99
    gae_lambda: float = 0.95
    entropy_coef: float = 0.01
    value_coef: float = 0.5
    clip: float = 0.2
    epochs: int = 3
    grad_clip: float = 1.0
    epsilon_start: float = 1.0
    epsilon_finish: float = 0.05
    epsilon_anneal: int = 50
    target_every: int = 10
    replay: int = 8
    chunk: int = 25

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(
                f"AgentConfig.algorithm must be one of {ALGORITHMS}; got {self.algorithm!r}"
            )
        for name in ("hidden", "epochs", "epsilon_anneal", "target_every", "replay"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"AgentConfig.{name} must be a positive integer; got {v!r}")
        if isinstance(self.chunk, bool) or not isinstance(self.chunk, int) or self.chunk < 0:
            raise ValueError(
                f"AgentConfig.chunk must be a non-negative integer (0: whole episodes); got {self.chunk!r}"
            )
        for name in ("lr", "clip", "grad_clip"):
            v = getattr(self, name)
            if (
                isinstance(v, bool)
                or not isinstance(v, int | float)
                or not (math.isfinite(v) and v > 0)
            ):
                raise ValueError(f"AgentConfig.{name} must be a positive number; got {v!r}")
        for name in ("gamma", "gae_lambda", "epsilon_start", "epsilon_finish"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
                raise ValueError(f"AgentConfig.{name} must be in [0, 1]; got {v!r}")
        for name in ("entropy_coef", "value_coef"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not v >= 0:
                raise ValueError(f"AgentConfig.{name} must be non-negative; got {v!r}")


@dataclass(frozen=True)
class PopulationConfig:
    """The population: one :class:`AgentConfig` for all agents, or one per agent.

    Attributes
    ----------
    agents
        A tuple of one config (shared) or ``N`` configs (a heterogeneous population).
    influence
        ``"none"``, ``"centralised"`` or ``"moa"`` (see the module notes).
    influence_weight
        ``w``, the weight of the influence reward.
    moa_lr, moa_hidden
        The models of other agents' step size and width.
    """

    agents: tuple[AgentConfig, ...] = field(default_factory=lambda: (AgentConfig(),))
    influence: str = "none"
    influence_weight: float = 0.1
    moa_lr: float = 2e-3
    moa_hidden: int = 64

    def __post_init__(self) -> None:
        if isinstance(self.agents, AgentConfig):
            object.__setattr__(self, "agents", (self.agents,))
        agents = tuple(self.agents)
        if not agents or not all(isinstance(a, AgentConfig) for a in agents):
            raise TypeError("PopulationConfig.agents must be a non-empty tuple of AgentConfig")
        object.__setattr__(self, "agents", agents)
        if self.influence not in INFLUENCE:
            raise ValueError(
                f"PopulationConfig.influence must be one of {INFLUENCE}; got {self.influence!r}"
            )
        w = self.influence_weight
        if (
            isinstance(w, bool)
            or not isinstance(w, int | float)
            or not (math.isfinite(w) and w >= 0)
        ):
            raise ValueError(f"PopulationConfig.influence_weight must be >= 0; got {w!r}")

    def for_agent(self, k: int, n: int) -> AgentConfig:
        if len(self.agents) not in (1, n):
            raise ValueError(
                f"PopulationConfig has {len(self.agents)} agent configs; the environment has {n} agents"
            )
        return self.agents[0] if len(self.agents) == 1 else self.agents[k]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PopulationConfig:
        d = dict(data)
        d["agents"] = tuple(AgentConfig(**a) for a in d.get("agents", [{}]))
        return cls(**d)


class ActorCritic(nn.Module):
    """``Linear -> ReLU -> GRU -> (policy logits, value)`` for one agent."""

    def __init__(self, n_in: int, hidden: int, n_actions: int) -> None:
        super().__init__()
        self.hidden = hidden
        self.fc = nn.Linear(n_in, hidden)
        self.gru = nn.GRU(hidden, hidden)
        self.pi = nn.Linear(hidden, n_actions)
        self.v = nn.Linear(hidden, 1)

    def forward(
        self, x: torch.Tensor, h0: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``x (T, B, n_in)``, ``h0 (B, H)`` -> logits ``(T, B, A)``, values ``(T, B)``, outputs ``(T, B, H)``."""
        out, _ = self.gru(F.relu(self.fc(x)), h0[None])
        return self.pi(out), self.v(out).squeeze(-1), out

    def cell(
        self, pre: torch.Tensor, h: torch.Tensor, gh: torch.Tensor | None = None
    ) -> torch.Tensor:
        """One GRU step from the first layer's pre-activation ``pre (..., H)`` and state ``h``.

        ``gh``: the state's gates ``h @ W_hh^T + b_hh``, when already computed
        (they do not depend on the input, so counterfactual inputs share them).
        """
        y = F.relu(pre)
        gi = y @ self.gru.weight_ih_l0.T + self.gru.bias_ih_l0
        if gh is None:
            gh = self.hidden_gates(h)
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = gh.chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        return (1 - z) * n + z * h

    def hidden_gates(self, h: torch.Tensor) -> torch.Tensor:
        """The GRU's state-side gate pre-activations ``h @ W_hh^T + b_hh``."""
        return h @ self.gru.weight_hh_l0.T + self.gru.bias_hh_l0


def kl_categorical(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """``KL(p || q)`` over the last axis (``0 log 0 = 0``)."""
    return (p * (torch.log(p.clamp_min(1e-12)) - torch.log(q.clamp_min(1e-12)))).sum(-1)


@dataclass
class Batch:
    """``T`` steps of ``B`` episodes of ``N`` agents (time first, as torch's GRU wants)."""

    x: torch.Tensor  # (T, B, N, D)
    avail: torch.Tensor  # (T, B, N, A) bool
    actions: torch.Tensor  # (T, B, N) long
    logp: torch.Tensor  # (T, B, N)
    probs: torch.Tensor  # (T, B, N, A)
    values: torch.Tensor  # (T, B, N)
    hout: torch.Tensor  # (T, B, N, H) (agent-specific widths padded to the largest)
    rewards: np.ndarray  # (T, B, N) environment rewards
    fired: np.ndarray  # (T, B, N)
    out: np.ndarray  # (T, B, N)
    influence: np.ndarray | None = None  # (T, B, N) influence rewards (before the weight)


def _sample(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    u = rng.random(probs.shape[:-1])[..., None]
    idx = (np.cumsum(probs, axis=-1) < u).sum(axis=-1)
    return np.minimum(idx, probs.shape[-1] - 1)


def _chunks(length: int, hout: torch.Tensor, *seqs: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Cut ``(T, B, ...)`` sequences into chunks of ``length`` steps, side by side in the batch.

    Returns the sequences as ``(length, C * B, ...)`` (zero-padded at the end),
    then the mask of real steps ``(length, C * B)`` and each chunk's initial
    recurrent state ``(C * B, H)``: zero for the first, else the state
    recorded while acting at the step before it (``hout (T, B, H)``).
    ``length`` 0 (or at least ``T``) keeps whole episodes.
    """
    t, b = seqs[0].shape[:2]
    if length <= 0 or length >= t:
        return (*seqs, torch.ones(t, b), torch.zeros(b, hout.shape[-1]))
    c = -(-t // length)
    pad = c * length - t

    def cut(z: torch.Tensor) -> torch.Tensor:
        if pad:
            z = torch.cat([z, z.new_zeros(pad, *z.shape[1:])])
        z = z.reshape(c, length, *z.shape[1:]).transpose(0, 1)
        return z.reshape(length, c * b, *z.shape[3:])

    mask = cut(torch.ones(t, b))
    starts = torch.cat([hout.new_zeros(1, b, hout.shape[-1]), hout[length - 1 : -1 : length]])
    h0 = starts[:c].reshape(c * b, hout.shape[-1])
    return (*(cut(z) for z in seqs), mask, h0)


class _Stacked:
    """Agents of one width acting together: their weights stacked, one batched step for all.

    The same computation as :meth:`ActorCritic.forward` for one step, with
    ``torch.baddbmm`` over the agents instead of a module call per agent.
    """

    def __init__(self, nets: list[ActorCritic], agents: list[int], hidden: int) -> None:
        self.agents, self.hidden = torch.tensor(agents), hidden

        def st(f: Any) -> torch.Tensor:
            return torch.stack([f(net).detach() for net in nets])

        self.w_fc, self.b_fc = st(lambda m: m.fc.weight.T), st(lambda m: m.fc.bias[None])
        self.w_ih = st(lambda m: m.gru.weight_ih_l0.T)
        self.b_ih = st(lambda m: m.gru.bias_ih_l0[None])
        self.w_hh = st(lambda m: m.gru.weight_hh_l0.T)
        self.b_hh = st(lambda m: m.gru.bias_hh_l0[None])
        self.w_pi, self.b_pi = st(lambda m: m.pi.weight.T), st(lambda m: m.pi.bias[None])
        self.w_v, self.b_v = st(lambda m: m.v.weight.T), st(lambda m: m.v.bias[None])

    def step(
        self, x: torch.Tensor, h: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``x (B, N, D)``, ``h (G, B, H)`` -> logits ``(G, B, A)``, values ``(G, B)``, ``h'``."""
        xg = x[:, self.agents].transpose(0, 1)
        y = torch.relu(torch.baddbmm(self.b_fc, xg, self.w_fc))
        gi = torch.baddbmm(self.b_ih, y, self.w_ih)
        gh = torch.baddbmm(self.b_hh, h, self.w_hh)
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = gh.chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        hn = torch.lerp(torch.tanh(i_n + r * h_n), h, z)
        logits = torch.baddbmm(self.b_pi, hn, self.w_pi)
        v = torch.baddbmm(self.b_v, hn, self.w_v).squeeze(-1)
        return logits, v, hn


class Population:
    """``N`` independent learners for one batched social-dilemma environment.

    Parameters
    ----------
    spec
        The environment's :class:`~cooplab.envs.base.EnvSpec`.
    config
        The population's configuration.
    seed
        Seeds the networks' initialisation (inside ``torch.random.fork_rng``).
    """

    def __init__(self, spec: Any, config: PopulationConfig, seed: int) -> None:
        if not isinstance(config, PopulationConfig):
            raise TypeError(f"config must be a PopulationConfig; got {type(config).__name__}")
        self.spec, self.config = spec, config
        n, a = int(spec.n_agents), int(spec.n_actions)
        self.n, self.a = n, a
        self.obs_dim = int(np.prod(spec.obs_shape))
        self.in_dim = self.obs_dim + n * a
        self.agent_configs = [config.for_agent(k, n) for k in range(n)]
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(seed))
            self.nets = nn.ModuleList(
                ActorCritic(self.in_dim, c.hidden, a) for c in self.agent_configs
            )
            self.moas = (
                nn.ModuleList(
                    nn.Sequential(
                        nn.Linear(c.hidden + a, config.moa_hidden),
                        nn.ReLU(),
                        nn.Linear(config.moa_hidden, (n - 1) * a),
                    )
                    for c in self.agent_configs
                )
                if config.influence == "moa"
                else nn.ModuleList()
            )
        self.opts = [
            torch.optim.Adam(net.parameters(), lr=c.lr)
            for net, c in zip(self.nets, self.agent_configs, strict=True)
        ]
        self.moa_opts = [torch.optim.Adam(m.parameters(), lr=config.moa_lr) for m in self.moas]
        self.updates = 0
        self.h_max = max(c.hidden for c in self.agent_configs)
        self.dqn = [k for k, c in enumerate(self.agent_configs) if c.algorithm == "dqn"]
        self.targets = nn.ModuleDict({str(k): copy.deepcopy(self.nets[k]) for k in self.dqn})
        self.replay: list[dict[str, torch.Tensor]] = []
        self._replay_rng = np.random.default_rng(int(seed))

    def epsilon(self, k: int) -> float:
        """Agent ``k``'s exploration rate now (DQN agents)."""
        c = self.agent_configs[k]
        frac = min(self.updates / c.epsilon_anneal, 1.0)
        return float(c.epsilon_start + frac * (c.epsilon_finish - c.epsilon_start))

    # -- acting -------------------------------------------------------------------------

    def _inputs(self, obs: np.ndarray, prev: np.ndarray) -> torch.Tensor:
        b = obs.shape[0]
        onehot = np.zeros((b, self.n, self.a), np.float32)
        valid = prev >= 0
        rows, agents = np.nonzero(valid)
        onehot[rows, agents, prev[valid]] = 1.0
        joint = np.broadcast_to(onehot.reshape(b, 1, -1), (b, self.n, self.n * self.a))
        return torch.from_numpy(
            np.concatenate([obs.reshape(b, self.n, -1), joint], axis=-1).astype(np.float32)
        )

    def _stacked(self) -> list[_Stacked]:
        """The agents' acting weights stacked, one group per network width."""
        widths: dict[int, list[int]] = {}
        for k, c in enumerate(self.agent_configs):
            widths.setdefault(c.hidden, []).append(k)
        return [_Stacked([self.nets[k] for k in ks], ks, h) for h, ks in widths.items()]

    @torch.no_grad()
    def collect(
        self,
        env: Any,
        rng: np.random.Generator,
        *,
        greedy: bool = False,
        frames: list | None = None,
        text_frames: list | None = None,
    ) -> Batch:
        """One episode in every environment of ``env`` with the current policies.

        ``frames``/``text_frames``: lists that receive RGB / text pictures of
        environment 0 at the start and after each step but the last (whose
        picture would show the next episode: environments reset themselves).
        """
        spec = env.spec
        b, n, t_max = env.num_envs, self.n, spec.episode_limit
        first = env.reset(seed=int(rng.integers(2**31 - 1)))
        obs, avail = first.obs, first.avail_actions
        if frames is not None:
            from cooplab.envs.ssd.render import rgb

            frames.append(rgb(env, 0, scale=6))
        if text_frames is not None:
            text_frames.append(env.render_text(0))
        prev = np.full((b, n), -1, np.int64)
        groups = self._stacked()
        hs = [torch.zeros(len(g.agents), b, g.hidden) for g in groups]
        eps = torch.tensor(
            [
                0.0 if greedy or c.algorithm != "dqn" else self.epsilon(k)
                for k, c in enumerate(self.agent_configs)
            ],
            dtype=torch.float64,
        )[None, :, None]
        is_dqn = torch.tensor([c.algorithm == "dqn" for c in self.agent_configs])
        xs, avs, acts, logps, probs_l, vals, houts = [], [], [], [], [], [], []
        rewards = np.zeros((t_max, b, n), np.float32)
        fired = np.zeros((t_max, b, n), bool)
        out = np.zeros((t_max, b, n), bool)
        for t in range(t_max):
            x = self._inputs(obs, prev)
            av = torch.from_numpy(np.asarray(avail, bool))
            logits = torch.empty(b, n, self.a)
            value = torch.empty(b, n)
            hout = torch.zeros(b, n, self.h_max)
            for gi, g in enumerate(groups):
                lg, v, h = g.step(x, hs[gi])
                hs[gi] = h
                logits[:, g.agents] = lg.transpose(0, 1)
                value[:, g.agents] = v.transpose(0, 1)
                hout[:, g.agents, : g.hidden] = h.transpose(0, 1)
            logits = logits.masked_fill(~av, -1e9)
            probs_t = torch.softmax(logits, -1).double()
            if self.dqn:  # epsilon-greedy on the Q-values
                avd = av.double()
                greedy_q = F.one_hot(logits.argmax(-1), self.a).double()
                eps_greedy = (1 - eps) * greedy_q + eps * avd / avd.sum(-1, keepdim=True)
                probs_t = torch.where(is_dqn[None, :, None], eps_greedy, probs_t)
            probs = probs_t.numpy()
            probs /= probs.sum(-1, keepdims=True)
            action = probs.argmax(-1) if greedy else _sample(probs, rng)
            step = env.step(action)
            rewards[t] = step.reward
            ev = getattr(env, "events", None)  # SSD environments report beams and tag-outs
            if ev is not None:
                fired[t], out[t] = ev["fired"], ev["out"]
            if frames is not None and t < t_max - 1:
                from cooplab.envs.ssd.render import rgb

                frames.append(rgb(env, 0, scale=6))
            if text_frames is not None and t < t_max - 1:
                text_frames.append(env.render_text(0))
            p = torch.from_numpy(probs.astype(np.float32))
            act_t = torch.from_numpy(action.astype(np.int64))
            xs.append(x)
            avs.append(av)
            acts.append(act_t)
            probs_l.append(p)
            logps.append(torch.log(p.gather(-1, act_t[..., None]).squeeze(-1).clamp_min(1e-12)))
            vals.append(value)
            houts.append(hout)
            prev = action
            obs, avail = step.obs, step.avail_actions
        return Batch(
            torch.stack(xs),
            torch.stack(avs),
            torch.stack(acts),
            torch.stack(logps),
            torch.stack(probs_l),
            torch.stack(vals),
            torch.stack(houts),
            rewards,
            fired,
            out,
        )

    # -- social influence -----------------------------------------------------------------

    @torch.no_grad()
    def centralised_influence(self, batch: Batch) -> np.ndarray:
        """``c_k^t`` ``(T, B, N)`` by replaying the others' policy networks (see the module notes)."""
        t1, b, n, _ = batch.x.shape
        a = self.a
        c = torch.zeros(t1, b, n)
        if t1 < 2 or n < 2:
            return c.numpy()
        for j, net in enumerate(self.nets):
            hj = self.agent_configs[j].hidden
            pre = net.fc(batch.x[1:, :, j])  # (T-1, B, H): j's input at t + 1
            h = batch.hout[:-1, :, j, :hj]  # j's state before step t + 1
            gh = net.hidden_gates(h)  # shared by every counterfactual input
            w = net.fc.weight  # (H, D)
            for k in range(n):
                if k == j:
                    continue
                off = self.obs_dim + k * a
                ak = batch.actions[:-1, :, k]  # k's action at t, in j's input at t + 1
                cols = w[:, off : off + a].T  # (A, H)
                base = pre - cols[ak]  # remove the actual action's column
                cf = base[None] + cols[:, None, None, :]  # (A', T-1, B, H)
                hcf = net.cell(cf, h, gh)  # broadcast over the counterfactual axis
                logits = net.pi(hcf).masked_fill(~batch.avail[1:, :, j][None], -1e9)
                p_cf = torch.softmax(logits, -1)  # (A', T-1, B, A)
                pk = batch.probs[:-1, :, k].permute(2, 0, 1)[..., None]  # (A', T-1, B, 1)
                marginal = (pk * p_cf).sum(0)
                actual = batch.probs[1:, :, j]
                c[:-1, :, k] += kl_categorical(actual, marginal)
        return c.numpy()

    def _moa_logits(self, k: int, hout: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        hk = self.agent_configs[k].hidden
        inp = torch.cat([hout[..., :hk], F.one_hot(action, self.a).float()], dim=-1)
        return self.moas[k](inp).view(*action.shape, self.n - 1, self.a)

    def moa_influence(self, batch: Batch) -> np.ndarray:
        """``c_k^t`` ``(T, B, N)`` from each agent's model of the others; trains the models."""
        t1, b, n, _ = batch.x.shape
        a = self.a
        c = torch.zeros(t1, b, n)
        if t1 < 2 or n < 2:
            return c.numpy()
        for k in range(n):
            others = [j for j in range(n) if j != k]
            hout = batch.hout[:-1, :, k].detach()
            target = batch.actions[1:][:, :, others]  # (T-1, B, N-1)
            logits = self._moa_logits(k, hout, batch.actions[:-1, :, k])
            loss = F.cross_entropy(logits.reshape(-1, a), target.reshape(-1))
            self.moa_opts[k].zero_grad()
            loss.backward()
            self.moa_opts[k].step()
            with torch.no_grad():
                p_act = torch.softmax(self._moa_logits(k, hout, batch.actions[:-1, :, k]), -1)
                cf = torch.stack(
                    [
                        torch.softmax(
                            self._moa_logits(
                                k, hout, torch.full_like(batch.actions[:-1, :, k], ap)
                            ),
                            -1,
                        )
                        for ap in range(a)
                    ]
                )  # (A', T-1, B, N-1, A)
                pk = batch.probs[:-1, :, k].permute(2, 0, 1)[..., None, None]
                marginal = (pk * cf).sum(0)
                c[:-1, :, k] = kl_categorical(p_act, marginal).sum(-1)
        return c.numpy()

    # -- learning -------------------------------------------------------------------------

    def update(self, batch: Batch) -> dict[str, float]:
        """One learning step for every agent from ``batch``; returns mean losses."""
        cfg = self.config
        rewards = batch.rewards.astype(np.float32)
        if cfg.influence == "centralised":
            batch.influence = self.centralised_influence(batch)
        elif cfg.influence == "moa":
            batch.influence = self.moa_influence(batch)
        if batch.influence is not None:
            rewards = rewards + cfg.influence_weight * batch.influence.astype(np.float32)
        r_all = torch.from_numpy(rewards)
        stats = {"policy_loss": 0.0, "value_loss": 0.0, "entropy": 0.0}
        t1, b = r_all.shape[:2]
        if self.dqn:
            self.replay.append(
                {
                    "x": batch.x[:, :, self.dqn].clone(),
                    "avail": batch.avail[:, :, self.dqn].clone(),
                    "actions": batch.actions[:, :, self.dqn].clone(),
                    "rewards": r_all[:, :, self.dqn].clone(),
                }
            )
            keep = max(self.agent_configs[k].replay for k in self.dqn)
            self.replay = self.replay[-keep:]
        for k, (net, opt, ac) in enumerate(
            zip(self.nets, self.opts, self.agent_configs, strict=True)
        ):
            if ac.algorithm == "dqn":
                loss_q = self._dqn_update(k)
                stats["value_loss"] += loss_q / self.n
                continue
            x, av = batch.x[:, :, k], batch.avail[:, :, k]
            act, old_logp = batch.actions[:, :, k], batch.logp[:, :, k]
            with torch.no_grad():
                v = batch.values[:, :, k]
                adv = torch.zeros(t1, b)
                gae = torch.zeros(b)
                nxt = torch.zeros(b)
                for t in reversed(range(t1)):
                    delta = r_all[t, :, k] + ac.gamma * nxt - v[t]
                    gae = delta + ac.gamma * ac.gae_lambda * gae
                    adv[t] = gae
                    nxt = v[t]
                ret = adv + v
                adv = (adv - adv.mean()) / (adv.std() + 1e-8)
            epochs = ac.epochs if ac.algorithm == "ppo" else 1
            x, av, act, old_logp, adv, ret, mask, h0 = _chunks(
                ac.chunk, batch.hout[:, :, k, : ac.hidden], x, av, act, old_logp, adv, ret
            )
            av = av | (mask == 0)[..., None]  # padding: any action, kept out of the losses
            count = mask.sum()
            for _ in range(epochs):
                logits, values, _ = net(x, h0)
                logp_all = F.log_softmax(logits.masked_fill(~av, -1e9), -1)
                logp = logp_all.gather(-1, act[..., None]).squeeze(-1)
                ratio = torch.exp(logp - old_logp)
                surr = torch.min(ratio * adv, ratio.clamp(1 - ac.clip, 1 + ac.clip) * adv)
                entropy = -(logp_all.exp() * logp_all.masked_fill(~av, 0.0)).sum(-1)
                policy_loss = -((surr + ac.entropy_coef * entropy) * mask).sum() / count
                value_loss = (((values - ret) ** 2) * mask).sum() / count
                loss = policy_loss + ac.value_coef * value_loss
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(net.parameters(), ac.grad_clip)
                opt.step()
            stats["policy_loss"] += float(policy_loss.detach()) / self.n
            stats["value_loss"] += float(value_loss.detach()) / self.n
            stats["entropy"] += float((entropy.detach() * mask).sum() / count) / self.n
        self.updates += 1
        for k in self.dqn:
            if self.updates % self.agent_configs[k].target_every == 0:
                self.targets[str(k)].load_state_dict(self.nets[k].state_dict())
        return stats

    def _dqn_update(self, k: int) -> float:
        """Double Q-learning on replayed collections for DQN agent ``k``; the mean loss."""
        ac, net, opt = self.agent_configs[k], self.nets[k], self.opts[k]
        j = self.dqn.index(k)
        losses = []
        for _ in range(ac.epochs):
            e = self.replay[int(self._replay_rng.integers(len(self.replay)))]
            x, av = e["x"][:, :, j], e["avail"][:, :, j]
            act, r = e["actions"][:, :, j], e["rewards"][:, :, j]
            h0 = torch.zeros(x.shape[1], ac.hidden)
            q, _, _ = net(x, h0)
            q_taken = q.gather(-1, act[..., None]).squeeze(-1)
            with torch.no_grad():
                best = q[1:].masked_fill(~av[1:], -1e9).argmax(-1, keepdim=True)
                q_next = self.targets[str(k)](x, h0)[0][1:].gather(-1, best).squeeze(-1)
                target = r.clone()
                target[:-1] += ac.gamma * q_next  # the episode's last step is not bootstrapped
            loss = F.smooth_l1_loss(q_taken, target)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), ac.grad_clip)
            opt.step()
            losses.append(float(loss.detach()))
        return float(np.mean(losses))

    # -- state ------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {
            "nets": self.nets.state_dict(),
            "moas": self.moas.state_dict(),
            "opts": [o.state_dict() for o in self.opts],
            "moa_opts": [o.state_dict() for o in self.moa_opts],
            "updates": self.updates,
            "targets": self.targets.state_dict(),
            "replay": [dict(e) for e in self.replay],
            "replay_rng": self._replay_rng.bit_generator.state,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.nets.load_state_dict(state["nets"])
        self.moas.load_state_dict(state["moas"])
        for o, s in zip(self.opts, state["opts"], strict=True):
            o.load_state_dict(s)
        for o, s in zip(self.moa_opts, state["moa_opts"], strict=True):
            o.load_state_dict(s)
        self.updates = int(state["updates"])
        self.targets.load_state_dict(state["targets"])
        self.replay = [dict(e) for e in state["replay"]]
        self._replay_rng.bit_generator.state = state["replay_rng"]


def make_population(
    spec: Any, config: PopulationConfig | None = None, rng: RngLike = None
) -> Population:
    """A :class:`Population` for ``spec`` seeded from ``rng``."""
    gen = as_generator(rng)
    return Population(spec, config or PopulationConfig(), int(gen.integers(2**31 - 1)))
