"""What every learner of :mod:`cooplab.marl` shares (imported only with torch).

A learner owns its networks and optimisers, acts for the runner
(:class:`cooplab.marl.runner.Actor`) and learns from collected episodes in
:meth:`Learner.update`. Its whole state (networks, optimisers, target
networks, replay buffer, counters) round-trips through :meth:`state_dict` /
:meth:`load_state_dict`, as tensors and plain values only, so a checkpoint
loads with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from cooplab.marl.buffer import EpisodeBatch, ReplayBuffer
from cooplab.marl.config import TrainConfig
from cooplab.marl.nets import AgentNet, one_hot

__all__ = ["Learner", "OffPolicyLearner", "Tensors", "masked_mean", "to_tensors"]


class Tensors:
    """An :class:`EpisodeBatch` as torch tensors (``obs`` flattened per agent)."""

    def __init__(self, batch: EpisodeBatch) -> None:
        b, t1, n = batch.obs.shape[:3]
        self.obs = torch.from_numpy(np.ascontiguousarray(batch.obs.reshape(b, t1, n, -1)))
        self.state = torch.from_numpy(np.ascontiguousarray(batch.state.reshape(b, t1, -1)))
        self.avail = torch.from_numpy(batch.avail)
        self.actions = torch.from_numpy(batch.actions)
        self.reward = torch.from_numpy(batch.reward)
        self.terminated = torch.from_numpy(batch.terminated).float()
        self.mask = torch.from_numpy(batch.filled).float()
        self.z = torch.from_numpy(batch.z)
        self.b, self.t, self.n = b, t1 - 1, n


def to_tensors(batch: EpisodeBatch) -> Tensors:
    return Tensors(batch)


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``x`` over the entries where ``mask`` is 1 (``mask`` broadcasts)."""
    mask = mask.expand_as(x)
    return (x * mask).sum() / mask.sum().clamp(min=1.0)


def masked_logits(logits: torch.Tensor, avail: torch.Tensor) -> torch.Tensor:
    return logits.masked_fill(~avail, -1e10)


class Learner:
    """Base class: the shared agent network, acting, state round trips.

    Parameters
    ----------
    spec
        The environment's :class:`cooplab.envs.EnvSpec`.
    config
        Hyperparameters.
    seed
        Seeds torch's generator while the networks are initialised (inside
        ``torch.random.fork_rng``, so the global torch state is untouched).
    """

    name: ClassVar[str] = ""
    off_policy: ClassVar[bool] = False
    agent_outputs_q: ClassVar[bool] = True  # Q-values (epsilon-greedy) or logits (sampled)

    def __init__(self, spec: Any, config: TrainConfig, seed: int) -> None:
        self.spec, self.config = spec, config
        self.n_agents, self.n_actions = int(spec.n_agents), int(spec.n_actions)
        self.obs_dim = int(np.prod(spec.obs_shape))
        self.state_dim = int(np.prod(spec.state_shape))
        # Inputs are divided by the largest magnitude the environment declares
        # (EnvSpec.obs_bounds / state_bounds), so every input lies in [-1, 1]:
        # QMIX's hypernetworks, fed raw grid coordinates (level-based
        # foraging: up to 7), produced mixing weights that blew the TD error up.
        self.obs_scale = _scale(getattr(spec, "obs_bounds", None))
        self.state_scale = _scale(getattr(spec, "state_bounds", None))
        self.updates = 0
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.build()
        self._hidden: torch.Tensor | None = None
        self._z: torch.Tensor | None = None

    # -- construction --------------------------------------------------------
    @property
    def agent_in_dim(self) -> int:
        return self.obs_dim + (self.n_actions if self.config.last_action else 0) + self.n_agents

    def make_agent(self, n_out: int | None = None, noise_dim: int = 0) -> AgentNet:
        c = self.config
        return AgentNet(
            self.agent_in_dim, c.hidden, n_out or self.n_actions, c.recurrent, noise_dim
        )

    def build(self) -> None:  # pragma: no cover - every learner overrides
        raise NotImplementedError

    def modules(self) -> dict[str, nn.Module]:
        """The networks saved in a checkpoint, by name."""
        return {k: v for k, v in vars(self).items() if isinstance(v, nn.Module)}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return {k: v for k, v in vars(self).items() if isinstance(v, torch.optim.Optimizer)}

    # -- inputs --------------------------------------------------------------
    def tensors(self, batch: EpisodeBatch) -> Tensors:
        """``batch`` as tensors, observations and states scaled into ``[-1, 1]``."""
        tb = Tensors(batch)
        tb.obs = tb.obs / self.obs_scale
        tb.state = tb.state / self.state_scale
        return tb

    def scaled_state(self, state: np.ndarray) -> torch.Tensor:
        """States ``(B, *state_shape)`` as a scaled float tensor ``(B, S)``."""
        s = np.asarray(state, np.float32).reshape(len(state), -1)
        return torch.from_numpy(s) / self.state_scale

    def agent_inputs(self, obs: torch.Tensor, last_action: torch.Tensor) -> torch.Tensor:
        """``obs (..., N, O)`` and ``last_action (..., N)`` (``-1``: none) -> ``(..., N, D)``."""
        parts = [obs]
        if self.config.last_action:
            parts.append(one_hot(last_action, self.n_actions))
        ids = torch.eye(self.n_agents).expand(*obs.shape[:-1], self.n_agents)
        parts.append(ids)
        return torch.cat(parts, dim=-1)

    def unroll(self, net: AgentNet, tb: Tensors, z: torch.Tensor | None = None) -> torch.Tensor:
        """Run ``net`` over whole episodes: ``(B, T + 1, N, n_out)``."""
        b, t, n = tb.b, tb.t, tb.n
        last = torch.cat([torch.full((b, 1, n), -1, dtype=torch.long), tb.actions], dim=1)
        x = self.agent_inputs(tb.obs, last)  # (B, T+1, N, D)
        if not net.recurrent:  # no state to carry: every step in one call
            rows = b * (t + 1) * n
            zz = None if z is None else z.repeat_interleave((t + 1) * n, dim=0)
            out, _ = net(x.reshape(rows, -1), net.initial_hidden(rows), zz)
            return out.view(b, t + 1, n, -1)
        h = net.initial_hidden(b * n)
        zz = None if z is None else z.repeat_interleave(n, dim=0)
        outs = []
        for k in range(t + 1):
            out, h = net(x[:, k].reshape(b * n, -1), h, zz)
            outs.append(out.view(b, n, -1))
        return torch.stack(outs, dim=1)

    # -- acting (Actor protocol) ---------------------------------------------
    def acting_net(self) -> AgentNet:
        return self.agent  # type: ignore[attr-defined,no-any-return]

    def begin(
        self, num_envs: int, state: np.ndarray, rng: np.random.Generator, greedy: bool
    ) -> np.ndarray:
        self._hidden = self.acting_net().initial_hidden(num_envs * self.n_agents)
        return np.zeros(num_envs, np.int64)

    @torch.no_grad()
    def act(
        self,
        obs: np.ndarray,
        avail: np.ndarray,
        last_action: np.ndarray,
        epsilon: float,
        rng: np.random.Generator,
        greedy: bool,
    ) -> np.ndarray:
        b = obs.shape[0]
        x = self.agent_inputs(
            torch.from_numpy(np.asarray(obs, np.float32).reshape(b, self.n_agents, -1))
            / self.obs_scale,
            torch.from_numpy(np.asarray(last_action, np.int64)),
        )
        net = self.acting_net()
        if self._hidden is None or self._hidden.shape[0] != b * self.n_agents:
            self._hidden = net.initial_hidden(b * self.n_agents)
        z = None if self._z is None else self._z.repeat_interleave(self.n_agents, dim=0)
        out, self._hidden = net(x.reshape(b * self.n_agents, -1), self._hidden, z)
        out_np = out.view(b, self.n_agents, -1).numpy().astype(np.float64)
        avail = np.asarray(avail, bool)
        if self.agent_outputs_q:
            return epsilon_greedy(out_np, avail, 0.0 if greedy else epsilon, rng)
        return sample_policy(out_np, avail, 0.0 if greedy else epsilon, rng, greedy)

    # -- learning ------------------------------------------------------------
    def update(self, batch: EpisodeBatch, t_env: int, rng: np.random.Generator) -> dict[str, float]:
        raise NotImplementedError  # pragma: no cover

    def step_optimizer(
        self, opt: torch.optim.Optimizer, loss: torch.Tensor, params: list[torch.nn.Parameter]
    ) -> float:
        opt.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, self.config.grad_clip)
        opt.step()
        return float(norm)

    # -- state ---------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {
            "modules": {k: m.state_dict() for k, m in self.modules().items()},
            "optimizers": {k: o.state_dict() for k, o in self.optimizers().items()},
            "updates": self.updates,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        mods, opts = self.modules(), self.optimizers()
        if set(state["modules"]) != set(mods) or set(state["optimizers"]) != set(opts):
            raise ValueError(
                f"checkpoint holds networks {sorted(state['modules'])}; "
                f"{self.name} has {sorted(mods)}"
            )
        for k, m in mods.items():
            m.load_state_dict(state["modules"][k])
        for k, o in opts.items():
            o.load_state_dict(state["optimizers"][k])
        self.updates = int(state["updates"])


class OffPolicyLearner(Learner):
    """A learner that trains on episodes sampled from a replay buffer."""

    off_policy = True

    def __init__(self, spec: Any, config: TrainConfig, seed: int) -> None:
        super().__init__(spec, config, seed)
        self.buffer = ReplayBuffer(config.buffer_size)

    def update(self, batch: EpisodeBatch, t_env: int, rng: np.random.Generator) -> dict[str, float]:
        self.buffer.insert(batch)
        stats: dict[str, float] = {}
        if len(self.buffer) < self.config.batch_size:
            return stats
        for _ in range(self.config.updates_per_collect):
            stats = self.train(self.buffer.sample(self.config.batch_size, rng))
        return stats

    def train(self, batch: EpisodeBatch) -> dict[str, float]:
        raise NotImplementedError  # pragma: no cover

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        buf = self.buffer.state()
        if buf["data"] is not None:
            buf["data"] = {
                k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in buf["data"].items()
            }  # type: ignore[union-attr]
        state["buffer"] = buf
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        buf = dict(state["buffer"])
        if buf["data"] is not None:
            buf["data"] = {k: v.numpy() for k, v in buf["data"].items()}
        self.buffer.load_state(buf)


def _scale(bounds: Any) -> float:
    """The largest magnitude in ``bounds`` ``(low, high)``, or 1 when unknown or zero."""
    if bounds is None:
        return 1.0
    m = max(abs(float(bounds[0])), abs(float(bounds[1])))
    return m if np.isfinite(m) and m > 0 else 1.0


def epsilon_greedy(
    q: np.ndarray, avail: np.ndarray, epsilon: float, rng: np.random.Generator
) -> np.ndarray:
    """Greedy actions of ``q (B, N, A)`` among ``avail``, uniform among ``avail`` with probability ``epsilon``."""
    greedy = np.where(avail, q, -np.inf).argmax(axis=-1)
    noise = rng.random(q.shape) * avail  # argmax of uniform noise: a uniform available action
    random = noise.argmax(axis=-1)
    explore = rng.random(q.shape[:2]) < epsilon
    return np.where(explore, random, greedy).astype(np.int64)


def policy_probs(logits: np.ndarray, avail: np.ndarray, epsilon: float) -> np.ndarray:
    """Softmax over available actions, mixed with the uniform one by ``epsilon``."""
    z = np.where(avail, logits, -np.inf)
    z = z - z.max(axis=-1, keepdims=True)
    p = np.exp(z) * avail
    p /= p.sum(axis=-1, keepdims=True)
    if epsilon > 0:
        p = (1 - epsilon) * p + epsilon * avail / avail.sum(axis=-1, keepdims=True)
    return p


def sample_policy(
    logits: np.ndarray, avail: np.ndarray, epsilon: float, rng: np.random.Generator, greedy: bool
) -> np.ndarray:
    """Sample from the (epsilon-mixed) policy, or take its most likely action when ``greedy``."""
    p = policy_probs(logits, avail, epsilon)
    if greedy:
        return p.argmax(axis=-1).astype(np.int64)
    u = rng.random(p.shape[:2])[..., None]
    idx = np.minimum((np.cumsum(p, axis=-1) < u).sum(axis=-1), p.shape[-1] - 1)
    # Rounding can leave u above the last partial sum: fall back to the likeliest action.
    ok = np.take_along_axis(avail, idx[..., None], axis=-1)[..., 0]
    return np.where(ok, idx, p.argmax(axis=-1)).astype(np.int64)
