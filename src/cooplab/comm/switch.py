"""The switch riddle (Foerster, Assael, de Freitas and Whiteson 2016) and RIAL / DIAL learners.

The riddle: ``n`` prisoners; each day the warden sends one of them, drawn
uniformly, to the interrogation room. The prisoner in the room sees the
switch, which the previous visitor set, may set it for the next visitor,
and may *tell* the warden that every prisoner has been in the room. Telling
pays +1 to all if it is true and -1 if not, and ends the episode; after
``T = 4n - 6`` days the episode ends with 0 (Foerster et al. 2016, sec. 6.1).
Here, as in the paper, the switch is the 1-bit message from one day's visitor
to the next.

:class:`SwitchRiddle` is the environment: batched over episodes, seeded, the
schedule of visitors drawn at reset (it does not depend on what the prisoners
do). It follows the batched-environment contract of ``cooplab.envs`` (arrays
over a batch, ``reset(seed)``, ``step(actions)``) and can move there once that
package settles; it imports nothing but numpy.

:func:`train_switch` trains prisoners with one shared recurrent Q-network
(a GRU over the days, per prisoner, fed its index, whether it is in the room,
the message it received, the day and its last action):

- ``"dial"``: differentiable inter-agent learning: the message is a real
  output passed through the discretise/regularise unit (DRU): during
  training ``sigmoid(m + N(0, sigma^2))``, at execution ``1[m > 0]``; the
  next visitor's TD error back-propagates through it into the sender;
- ``"rial"``: reinforced inter-agent learning: the message is a second
  discrete action (0 or 1) chosen epsilon-greedily from its own Q-head and
  learned by independent Q-learning, no gradient through the channel;
- ``"none"``: the same network with the channel cut (the message is 0).

All share the Q-learning set-up of the paper: epsilon-greedy exploration
(0.05), a target network, undiscounted TD targets on the team reward.

Exact reference: a prisoner who knew who had been in the room (the *oracle*)
would tell on the first day everyone has been, and score the probability that
``T`` uniform draws cover all ``n`` prisoners, ``sum_k (-1)^k C(n, k) (1 - k/n)^T``
(0.7407 for ``n = 3``, ``T = 6``; 0.7806 for ``n = 4``, ``T = 10``):
:func:`oracle_reward`.
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import RngLike, as_generator

__all__ = [
    "SWITCH_METHODS",
    "SwitchConfig",
    "SwitchRiddle",
    "SwitchRun",
    "oracle_reward",
    "train_switch",
]

SWITCH_METHODS = ("dial", "rial", "none")
NONE, TELL = 0, 1


def oracle_reward(n_agents: int, days: int | None = None) -> float:
    """Expected reward of the full-information prisoner: P(all ``n`` visited within ``days``).

    Inclusion-exclusion over the prisoners never drawn.

    Examples
    --------
    >>> round(oracle_reward(3), 4), round(oracle_reward(4), 4)
    (0.7407, 0.7806)
    """
    n = int(n_agents)
    t = 4 * n - 6 if days is None else int(days)
    return float(sum((-1) ** k * math.comb(n, k) * (1 - k / n) ** t for k in range(n + 1)))


class SwitchRiddle:
    """The switch riddle, batched over ``batch`` episodes.

    Parameters
    ----------
    n_agents
        Prisoners, at least 2 (the paper: 3 and 4).
    batch
        Episodes stepped together.
    days
        Episode length; ``None`` for the paper's ``4 n - 6`` (at least ``n``).
    rng
        Seed or generator; :meth:`reset` draws each episode's visitors from it.

    Attributes
    ----------
    schedule
        Shape ``(batch, days)``: who is in the room each day.
    day
        The current day (0-based).
    visited
        Shape ``(batch, n_agents)``: who has been in the room up to and including today.
    done
        Shape ``(batch,)``.

    Examples
    --------
    >>> env = SwitchRiddle(3, batch=4, rng=0)
    >>> obs = env.reset()
    >>> obs["in_room"].shape, env.days
    ((4, 3), 6)
    >>> reward, done = env.step(np.zeros(4, int), np.zeros(4))
    >>> reward.tolist(), done.tolist()
    ([0.0, 0.0, 0.0, 0.0], [False, False, False, False])
    """

    def __init__(
        self, n_agents: int, batch: int = 1, *, days: int | None = None, rng: RngLike = None
    ) -> None:
        if isinstance(n_agents, bool) or not isinstance(n_agents, numbers.Integral) or n_agents < 2:
            raise ValueError(f"n_agents must be an integer >= 2; got {n_agents!r}")
        if isinstance(batch, bool) or not isinstance(batch, numbers.Integral) or batch < 1:
            raise ValueError(f"batch must be a positive integer; got {batch!r}")
        self.n_agents = int(n_agents)
        self.batch = int(batch)
        self.days = 4 * self.n_agents - 6 if days is None else int(days)
        if self.days < self.n_agents:
            raise ValueError(
                f"days must be at least n_agents ({self.n_agents}) so that all can visit; got {days}"
            )
        self.rng = as_generator(rng)
        self.reset()

    def reset(self, seed: RngLike = None) -> dict[str, npt.NDArray[Any]]:
        """Start new episodes (reseeding first when ``seed`` is given); returns the first observation."""
        if seed is not None:
            self.rng = as_generator(seed)
        self.schedule = self.rng.integers(self.n_agents, size=(self.batch, self.days))
        self.day = 0
        self.visited = np.zeros((self.batch, self.n_agents), dtype=bool)
        self.visited[np.arange(self.batch), self.schedule[:, 0]] = True
        self.done = np.zeros(self.batch, dtype=bool)
        self.message = np.zeros(self.batch)  # the switch as the first visitor finds it
        return self.observe()

    def observe(self) -> dict[str, npt.NDArray[Any]]:
        """Per prisoner: ``in_room`` (batch, n) and the ``message`` it receives (batch, n)."""
        in_room = np.zeros((self.batch, self.n_agents))
        in_room[np.arange(self.batch), self.schedule[:, self.day]] = 1.0
        return {"in_room": in_room, "message": in_room * self.message[:, None], "day": self.day}

    def step(
        self, actions: npt.ArrayLike, messages: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """Today's visitor acts: ``actions`` (batch,) 0 none / 1 tell; ``messages`` (batch,) the switch.

        Returns the reward (batch,) and ``done`` (batch,) after the step; finished
        episodes give reward 0 and stay done.
        """
        a = np.asarray(actions)
        m = np.asarray(messages, dtype=float)
        if a.shape != (self.batch,) or m.shape != (self.batch,):
            raise ValueError(f"actions and messages must have shape ({self.batch},)")
        if not np.isin(a, (NONE, TELL)).all():
            raise ValueError("actions must be 0 (none) or 1 (tell)")
        if self.day >= self.days:
            raise RuntimeError("the episodes are over; call reset()")
        live = ~self.done
        tell = live & (a == TELL)
        reward = np.where(tell, np.where(self.visited.all(axis=1), 1.0, -1.0), 0.0)
        self.done = self.done | tell
        self.message = m
        self.day += 1
        if self.day >= self.days:
            self.done = np.ones(self.batch, dtype=bool)
        else:
            self.visited[np.arange(self.batch), self.schedule[:, self.day]] = True
        return reward, self.done.copy()


@dataclass(frozen=True)
class SwitchConfig:
    """The riddle and the training.

    Attributes
    ----------
    n_agents
        Prisoners (the paper: 3 and 4).
    method
        ``"dial"``, ``"rial"`` or ``"none"`` (no channel).
    episodes
        Training updates, each on a batch of ``batch_size`` episodes.
    batch_size, lr, hidden
        Episodes per update, Adam step size, GRU size.
    epsilon
        Exploration (the paper: 0.05).
    sigma
        Standard deviation of the DRU's noise during training (the paper: 2).
    target_every
        Updates between target-network copies.
    eval_every, eval_episodes
        Evaluation schedule and size (greedy, noiseless, discrete messages).
    """

    n_agents: int = 3
    method: str = "dial"
    episodes: int = 2000
    batch_size: int = 32
    lr: float = 5e-4
    hidden: int = 64
    epsilon: float = 0.05
    sigma: float = 2.0
    target_every: int = 100
    eval_every: int = 100
    eval_episodes: int = 1000

    def __post_init__(self) -> None:
        if (
            isinstance(self.n_agents, bool)
            or not isinstance(self.n_agents, int)
            or self.n_agents < 2
        ):
            raise ValueError(f"n_agents must be an integer >= 2; got {self.n_agents!r}")
        if self.method not in SWITCH_METHODS:
            raise ValueError(f"method must be one of {SWITCH_METHODS}; got {self.method!r}")
        for name in (
            "episodes",
            "batch_size",
            "hidden",
            "target_every",
            "eval_every",
            "eval_episodes",
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer; got {v!r}")
        if not (0 <= self.epsilon <= 1):
            raise ValueError(f"epsilon must be in [0, 1]; got {self.epsilon!r}")
        for name in ("lr", "sigma"):
            v = getattr(self, name)
            if not np.isfinite(v) or v <= 0:
                raise ValueError(f"{name} must be a positive finite number; got {v!r}")


@dataclass(frozen=True)
class SwitchRun:
    """A trained team: greedy reward over training, normalised by the oracle."""

    config: SwitchConfig
    oracle: float
    curve_episodes: tuple[int, ...]
    curve_reward: tuple[float, ...]
    final_reward: float
    seconds: float = 0.0

    @property
    def normalised(self) -> tuple[float, ...]:
        return tuple(r / self.oracle for r in self.curve_reward)


def _network(config: SwitchConfig, days: int) -> Any:
    from torch import nn

    n, H = config.n_agents, config.hidden
    d_in = n + 1 + 1 + days + 2  # agent id, in room, message, day, last action

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inp = nn.Sequential(nn.Linear(d_in, H), nn.ReLU())
            self.cell = nn.GRUCell(H, H)
            self.q = nn.Linear(H, 2)  # Q(none), Q(tell)
            self.msg = nn.Linear(H, 2 if config.method == "rial" else 1)

        def forward(self, x: Any, h: Any) -> tuple[Any, Any, Any]:
            h = self.cell(self.inp(x), h)
            return self.q(h), self.msg(h), h

    return Net()


def _unroll(
    net: Any,
    env: SwitchRiddle,
    config: SwitchConfig,
    *,
    train: bool,
    gen: np.random.Generator,
    tgen: Any,
) -> dict[str, Any]:
    """Play one batch of episodes; returns per-day tensors for the loss (train) or the rewards."""
    import torch

    B, n, T = env.batch, env.n_agents, env.days
    obs = env.reset(gen)
    h = torch.zeros(B * n, config.hidden)
    ids = torch.eye(n).repeat(B, 1)  # (B*n, n)
    last = torch.zeros(B * n, 2)
    msg_in = torch.zeros(B)  # what today's visitor receives (a tensor: DIAL's gradient path)
    rows = torch.arange(B)
    out: dict[str, list[Any]] = {
        "q": [],
        "qm": [],
        "a": [],
        "m": [],
        "r": [],
        "alive": [],
        "room": [],
        "sent": [],
    }
    total = np.zeros(B)
    for t in range(T):
        room = torch.from_numpy(env.schedule[:, t])
        in_room = torch.from_numpy(obs["in_room"]).float()  # (B, n)
        received = in_room * msg_in[:, None]
        if config.method == "none":
            received = torch.zeros_like(received)
        day = torch.zeros(B * n, T)
        day[:, t] = 1.0
        x = torch.cat([ids, in_room.reshape(-1, 1), received.reshape(-1, 1), day, last], dim=1)
        q, mo, h = net(x, h)
        q = q.view(B, n, 2)
        mo = mo.view(B, n, -1)
        q_room = q[rows, room]  # (B, 2): only the visitor may tell
        greedy = q_room.argmax(1)
        if train and config.epsilon > 0:
            explore = torch.rand(B, generator=tgen) < config.epsilon
            random_a = torch.randint(0, 2, (B,), generator=tgen)
            action = torch.where(explore, random_a, greedy)
        else:
            action = greedy
        m_room = mo[rows, room]  # (B, 1) dial/none, (B, 2) rial
        if config.method == "rial":
            m_choice = m_room.argmax(1)
            if train and config.epsilon > 0:
                explore = torch.rand(B, generator=tgen) < config.epsilon
                m_choice = torch.where(explore, torch.randint(0, 2, (B,), generator=tgen), m_choice)
            msg_out = m_choice.float()
        elif config.method == "dial":
            logit = m_room[:, 0]
            if train:
                noise = torch.randn(B, generator=tgen) * config.sigma
                msg_out = torch.sigmoid(logit + noise)
            else:
                msg_out = (logit > 0).float()
        else:
            msg_out = torch.zeros(B)
            m_choice = None
        alive = torch.from_numpy(~env.done).float()
        reward, _ = env.step(action.numpy(), msg_out.detach().numpy())
        total += reward
        out["q"].append(q_room)
        out["a"].append(action)
        out["r"].append(torch.from_numpy(reward).float())
        out["alive"].append(alive)
        out["room"].append(room)
        out["sent"].append(msg_out.detach())
        if config.method == "rial":
            out["qm"].append(m_room)
            out["m"].append(m_choice)
        last = torch.zeros(B, n, 2)
        last[rows, room, action] = 1.0
        last = last.view(B * n, 2)
        msg_in = msg_out if config.method == "dial" else msg_out.detach()
        obs = env.observe() if t + 1 < T else obs
    result: dict[str, Any] = {k: v for k, v in out.items()}
    result["total"] = total
    result["schedule"] = env.schedule.copy()
    return result


def _td_loss(online: dict[str, Any], target: dict[str, Any], method: str) -> Any:
    """Undiscounted TD error of the visitor's chosen action (and message, for RIAL), each day.

    The target of day ``t`` is ``r_t + max_a Q^-_{t+1}`` of the next day's visitor
    (the team's next decision), 0 after the end.
    """
    import torch

    T = len(online["q"])
    losses = []
    for t in range(T):
        alive = online["alive"][t]
        q_taken = online["q"][t].gather(1, online["a"][t][:, None])[:, 0]
        nxt = (
            target["q"][t + 1].max(1).values * online["alive"][t + 1]
            if t + 1 < T
            else torch.zeros_like(q_taken)
        )
        y = online["r"][t] + nxt.detach()
        losses.append(((y - q_taken) ** 2 * alive).sum() / alive.sum().clamp(min=1))
        if method == "rial":
            qm_taken = online["qm"][t].gather(1, online["m"][t][:, None])[:, 0]
            nxt_m = (
                target["qm"][t + 1].max(1).values * online["alive"][t + 1]
                if t + 1 < T
                else torch.zeros_like(qm_taken)
            )
            ym = online["r"][t] + nxt_m.detach()
            losses.append(((ym - qm_taken) ** 2 * alive).sum() / alive.sum().clamp(min=1))
    return torch.stack(losses).sum() / T


def train_switch(
    config: SwitchConfig, rng: RngLike = None, progress: ProgressFn | None = None
) -> SwitchRun:
    """Train a team of prisoners on the switch riddle; greedy reward every ``eval_every`` updates.

    The target network's values for day ``t + 1`` come from re-playing the same
    episodes (same visitors, same actions and messages) through the target
    network, as the paper does with its target network over the batch.
    """
    import copy

    import torch

    if not isinstance(config, SwitchConfig):
        raise TypeError(f"config must be a SwitchConfig; got {type(config).__name__}")
    progress = progress or null_progress
    gen = as_generator(rng)
    seed = int(gen.integers(2**62))
    tgen = torch.Generator().manual_seed(seed)
    eval_seed = int(gen.integers(2**62))
    days = 4 * config.n_agents - 6
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = _network(config, days)
    target_net = copy.deepcopy(net)
    opt = torch.optim.Adam(net.parameters(), lr=config.lr)
    env = SwitchRiddle(config.n_agents, config.batch_size, rng=gen)
    eval_env = SwitchRiddle(config.n_agents, config.eval_episodes, rng=0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    curve_x: list[int] = []
    curve_y: list[float] = []

    def evaluate() -> float:
        with torch.no_grad():
            res = _unroll(
                net, eval_env, config, train=False, gen=np.random.default_rng(eval_seed), tgen=None
            )
        return float(res["total"].mean())

    start = time.perf_counter()
    try:
        progress(0, config.episodes)
        for k in range(1, config.episodes + 1):
            episode_seed = int(gen.integers(2**62))
            online = _unroll(
                net, env, config, train=True, gen=np.random.default_rng(episode_seed), tgen=tgen
            )
            with torch.no_grad():
                replay = _replay_target(target_net, env, config, online)
            loss = _td_loss(online, replay, config.method)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
            opt.step()
            if k % config.target_every == 0:
                target_net.load_state_dict(net.state_dict())
            if k % config.eval_every == 0 or k == config.episodes:
                curve_x.append(k)
                curve_y.append(evaluate())
            progress(k, config.episodes)
    finally:
        torch.set_num_threads(threads)
    return SwitchRun(
        config=config,
        oracle=oracle_reward(config.n_agents),
        curve_episodes=tuple(curve_x),
        curve_reward=tuple(curve_y),
        final_reward=curve_y[-1],
        seconds=time.perf_counter() - start,
    )


def _replay_target(
    net: Any, env: SwitchRiddle, config: SwitchConfig, online: dict[str, Any]
) -> dict[str, Any]:
    """The target network's Q-values along the episodes the online network just played."""
    import torch

    B, n, T = env.batch, env.n_agents, env.days
    schedule = online["schedule"]
    h = torch.zeros(B * n, config.hidden)
    ids = torch.eye(n).repeat(B, 1)
    last = torch.zeros(B * n, 2)
    msg_in = torch.zeros(B)
    rows = torch.arange(B)
    qs, qms = [], []
    for t in range(T):
        room = torch.from_numpy(schedule[:, t])
        in_room = torch.zeros(B, n)
        in_room[rows, room] = 1.0
        received = in_room * msg_in[:, None] if config.method != "none" else torch.zeros(B, n)
        day = torch.zeros(B * n, T)
        day[:, t] = 1.0
        x = torch.cat([ids, in_room.reshape(-1, 1), received.reshape(-1, 1), day, last], dim=1)
        q, mo, h = net(x, h)
        qs.append(q.view(B, n, 2)[rows, room])
        if config.method == "rial":
            qms.append(mo.view(B, n, 2)[rows, room])
        action = online["a"][t]
        last = torch.zeros(B, n, 2)
        last[rows, room, action] = 1.0
        last = last.view(B * n, 2)
        if config.method == "rial":
            msg_in = online["m"][t].float()
        elif config.method == "dial":
            # the message the online visitor sent (its noisy DRU output), without gradient
            msg_in = online["sent"][t]
    return {"q": qs, "qm": qms}
