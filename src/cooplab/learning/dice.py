"""LOLA-DiCE: LOLA from sampled episodes (Foerster et al. 2018, ICML).

Where the value has no closed form, LOLA's gradients must come from sampled
episodes, and LOLA needs *second* derivatives of the value (its correction
differentiates the other's gradient). The score-function surrogate
``sum_t log pi(a_t) R`` gives the right first derivative only. DiCE's
*magic box* ``[x] = exp(x - stop_gradient(x))`` (equal to 1, with derivative
``[x] * dx``) fixes every order at once::

    L_i = mean over episodes of  sum_t  [ sum_{t' <= t} log pi_1(a1_t') + log pi_2(a2_t') ]  *  gamma^t r_i(t)

Differentiating ``L_i`` any number of times gives unbiased estimates of the
derivatives of ``V_i`` (up to the truncation of the episode at ``length``).
A batch-mean baseline per round is subtracted from the rewards (as the
authors' code does without a learned baseline), which leaves the estimates
unbiased in expectation over all orders and lowers their variance.

LOLA-DiCE (the lookahead form): agent 1 imagines agent 2's naive step from
sampled episodes, ``theta_2' = theta_2 + eta * grad_2 L_2`` (a function of
``theta_1`` through the magic box), samples fresh episodes under
``(theta_1, theta_2')`` and climbs ``grad_1 L_1(theta_1, theta_2')``.
Naive agents climb ``grad_i L_i`` of the first batch.

Defaults are those of the authors' ``scripts/run_lola_dice.py``
(github.com/alshedivat/lola): outer step ``lr = 0.2``, inner step
``eta = 0.3``, episodes of 150 rounds, discount 0.96; the batch is 128
episodes here (the script's default is 512; the DiCE paper also reports 64).
The memory-one games and the exact value used to check the estimates are in
:mod:`cooplab.learning.lola`.

References
----------
Foerster, Farquhar, Al-Shedivat, Rocktaschel, Xing & Whiteson (2018), "DiCE:
The Infinitely Differentiable Monte-Carlo Estimator", ICML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.learning.base import LearnerDivergedError, check_number
from cooplab.learning.lola import (
    IteratedGame,
    Play,
    _check_params,
    _gamma,
    _values_from_logits,
    iterated_game,
    parse_pair,
    require_torch,
    sample_play,
)
from cooplab.runtime.rng import RngLike, as_generator

__all__ = ["DiCELOLA", "dice_gradients", "dice_lola_directions", "dice_objective", "magic_box"]

FloatArray = npt.NDArray[np.float64]


def magic_box(x: Any) -> Any:
    """DiCE's magic box ``exp(x - stop_gradient(x))``: 1 in value, ``[x] dx`` in derivative."""
    return (x - x.detach()).exp()


def _log_probs(theta: Any, play: Play, player: int) -> Any:
    """``log pi(a_t | s_t)`` for ``player``, shape ``(..., episodes, length)``."""
    torch = require_torch()
    s = torch.as_tensor(play.own_states(player))
    a = torch.as_tensor(play.actions[..., player])
    batch = s.shape[:-2]
    flat = s.reshape(*batch, -1)
    logits = torch.gather(theta, -1, flat).reshape(s.shape)
    # action 0 (cooperate/heads) has probability sigmoid(logit), action 1 sigmoid(-logit)
    sign = 1.0 - 2.0 * a.to(logits.dtype)
    return torch.nn.functional.logsigmoid(sign * logits)


def dice_objective(theta1: Any, theta2: Any, play: Play, player: int, gamma: float) -> Any:
    """The DiCE surrogate ``L_player`` of sampled ``play``, shape ``(...,)`` (one per run).

    Parameters
    ----------
    theta1, theta2 : tensor, shape (..., 5)
        Logits (own view) the episodes are scored under; they need not be the
        ones that generated ``play`` only in value (the magic box is 1), but
        the estimate is unbiased when they are.
    play
        Episodes from :func:`~cooplab.learning.lola.sample_play`, leading
        shape ``(..., episodes, length)``.
    player
        0 or 1: whose reward.
    gamma
        Discount factor.
    """
    torch = require_torch()
    lp = _log_probs(theta1, play, 0) + _log_probs(theta2, play, 1)
    weights = magic_box(torch.cumsum(lp, dim=-1))
    length = lp.shape[-1]
    disc = torch.as_tensor(gamma ** np.arange(length), dtype=lp.dtype)
    r = torch.as_tensor(play.rewards[..., player], dtype=lp.dtype) * disc
    r = r - r.mean(dim=-2, keepdim=True)  # batch-mean baseline, per round
    return (weights * r).sum(dim=-1).mean(dim=-1)


def _leaves(theta1: Any, theta2: Any) -> tuple[Any, Any, bool]:
    torch = require_torch()
    as_numpy = not isinstance(theta1, torch.Tensor) and not isinstance(theta2, torch.Tensor)
    t1 = torch.as_tensor(
        np.asarray(theta1, dtype=float) if as_numpy else theta1, dtype=torch.float64
    )
    t2 = torch.as_tensor(
        np.asarray(theta2, dtype=float) if as_numpy else theta2, dtype=torch.float64
    )
    _check_params("theta1", t1)
    _check_params("theta2", t2)
    t1, t2 = torch.broadcast_tensors(t1, t2)
    return (
        t1.detach().clone().requires_grad_(True),
        t2.detach().clone().requires_grad_(True),
        as_numpy,
    )


def _sample(
    t1: Any, t2: Any, game: IteratedGame, episodes: int, length: int, rng: np.random.Generator
) -> Play:
    torch = require_torch()
    return sample_play(
        torch.sigmoid(t1).detach().numpy(),
        torch.sigmoid(t2).detach().numpy(),
        game,
        episodes=episodes,
        length=length,
        rng=rng,
    )


def dice_gradients(
    theta1: Any,
    theta2: Any,
    game: str | IteratedGame = "ipd",
    *,
    gamma: float | None = None,
    episodes: int = 128,
    length: int = 150,
    rng: RngLike = None,
) -> tuple[Any, Any]:
    """DiCE estimates of the naive gradients ``(grad_1 V_1, grad_2 V_2)``, shapes (..., 5).

    Compare :func:`cooplab.learning.lola.exact_gradients`. Arrays in, arrays out.
    """
    torch = require_torch()
    g = iterated_game(game)
    gm = _gamma(g, gamma, "DiCE")
    episodes = check_number("DiCE", "episodes", episodes, low=2, integer=True)
    length = check_number("DiCE", "length", length, low=1, integer=True)
    t1, t2, as_numpy = _leaves(theta1, theta2)
    play = _sample(t1, t2, g, int(episodes), int(length), as_generator(rng))
    (g1,) = torch.autograd.grad(dice_objective(t1, t2, play, 0, gm).sum(), t1)
    (g2,) = torch.autograd.grad(dice_objective(t1, t2, play, 1, gm).sum(), t2)
    return (g1.numpy(), g2.numpy()) if as_numpy else (g1, g2)


def dice_lola_directions(
    theta1: Any,
    theta2: Any,
    game: str | IteratedGame = "ipd",
    *,
    eta: float = 0.3,
    lola: tuple[bool, bool] = (True, True),
    gamma: float | None = None,
    episodes: int = 128,
    length: int = 150,
    rng: RngLike = None,
) -> tuple[Any, Any]:
    """Both players' LOLA-DiCE directions (naive for a player with ``lola[i]`` false).

    A LOLA player ``i`` gets ``grad_i L_i(theta_i, theta_j')`` with
    ``theta_j' = theta_j + eta * grad_j L_j``, the sampled counterpart of
    :func:`cooplab.learning.lola.lola_directions` with
    ``correction="lookahead"``. Arrays in, arrays out.
    """
    require_torch()
    g = iterated_game(game)
    gm = _gamma(g, gamma, "LOLA-DiCE")
    eta = check_number("LOLA-DiCE", "eta", eta, low=0.0)
    episodes = int(check_number("LOLA-DiCE", "episodes", episodes, low=2, integer=True))
    length = int(check_number("LOLA-DiCE", "length", length, low=1, integer=True))
    gen = as_generator(rng)
    t1, t2, as_numpy = _leaves(theta1, theta2)
    d1, d2 = _dice_directions(
        t1, t2, g, gm, eta, (bool(lola[0]), bool(lola[1])), episodes, length, gen
    )
    return (d1.numpy(), d2.numpy()) if as_numpy else (d1, d2)


def _dice_directions(
    t1: Any,
    t2: Any,
    game: IteratedGame,
    gamma: float,
    eta: float,
    lola: tuple[bool, bool],
    episodes: int,
    length: int,
    rng: np.random.Generator,
) -> tuple[Any, Any]:
    torch = require_torch()
    play = _sample(t1, t2, game, episodes, length, rng)
    need = any(lola) and eta > 0
    l1 = dice_objective(t1, t2, play, 0, gamma).sum()
    l2 = dice_objective(t1, t2, play, 1, gamma).sum()
    (g11,) = torch.autograd.grad(l1, t1, create_graph=need, retain_graph=True)
    (g22,) = torch.autograd.grad(l2, t2, create_graph=need)
    d1, d2 = g11.detach(), g22.detach()
    if not need:
        return d1, d2
    if lola[0]:
        ahead2 = t2 + eta * g22  # agent 2's imagined naive step, a function of theta_1
        play_a = _sample(t1, ahead2, game, episodes, length, rng)
        (d1,) = torch.autograd.grad(
            dice_objective(t1, ahead2, play_a, 0, gamma).sum(), t1, retain_graph=True
        )
    if lola[1]:
        ahead1 = t1 + eta * g11
        play_b = _sample(ahead1, t2, game, episodes, length, rng)
        (d2,) = torch.autograd.grad(dice_objective(ahead1, t2, play_b, 1, gamma).sum(), t2)
    return d1.detach(), d2.detach()


class DiCELOLA:
    """Two memory-one learners (naive or LOLA-DiCE) that learn from sampled episodes.

    The sampled counterpart of :class:`cooplab.learning.lola.MemoryOneLOLA`,
    batched over ``runs`` seeds. The exact value of the current policies is
    still recorded (the closed form exists in these games), so runs can be
    compared with the exact learners.

    Parameters
    ----------
    game, learners, runs, gamma, init_std, initial, rng
        As for :class:`~cooplab.learning.lola.MemoryOneLOLA`.
    lr
        Outer step size, > 0 (default 0.2, the authors' ``lr_outer``).
    eta
        Inner (imagined) step size of a LOLA player, > 0 (default 0.3, ``lr_inner``).
    episodes, length
        Episodes sampled per estimate and rounds per episode (default 128 and 150).
    """

    def __init__(
        self,
        game: str | IteratedGame = "ipd",
        learners: str | Sequence[str] = "lola-lola",
        *,
        runs: int = 1,
        lr: float = 0.2,
        eta: float = 0.3,
        gamma: float | None = None,
        episodes: int = 128,
        length: int = 150,
        init_std: float = 1.0,
        initial: npt.ArrayLike | None = None,
        rng: RngLike = None,
    ) -> None:
        torch = require_torch()
        self._torch = torch
        self._game = iterated_game(game)
        self._kinds = parse_pair(learners)
        name = self.name
        self._runs = int(check_number(name, "runs", runs, low=1, integer=True))
        self._lr = check_number(name, "lr", lr, low=0.0, low_open=True)
        self._eta = check_number(name, "eta", eta, low=0.0, low_open=True)
        self._gamma = _gamma(self._game, gamma, name)
        self._episodes = int(check_number(name, "episodes", episodes, low=2, integer=True))
        self._length = int(check_number(name, "length", length, low=1, integer=True))
        init_std = check_number(name, "init_std", init_std, low=0.0)
        self._rng = as_generator(rng)
        if initial is None:
            theta = self._rng.normal(0.0, init_std, size=(self._runs, 2, 5))
        else:
            theta = np.asarray(initial, dtype=float)
            if theta.shape == (2, 5):
                theta = np.broadcast_to(theta, (self._runs, 2, 5)).copy()
            if theta.shape != (self._runs, 2, 5) or not np.all(np.isfinite(theta)):
                raise ValueError(
                    f"{name}: initial logits must be finite with shape (2, 5) or "
                    f"({self._runs}, 2, 5); got shape {np.shape(initial)}"
                )
        self._theta = torch.as_tensor(theta, dtype=torch.float64).clone()
        self._r = torch.as_tensor(np.asarray(self._game.rewards), dtype=torch.float64)
        self._t = 0
        self._values: list[FloatArray] = [self._current_values()]
        self._probs: list[FloatArray] = [self.policies]

    @property
    def name(self) -> str:
        """``"lola-naive"`` etc., prefixed ``dice-``."""
        return "dice-" + "-".join(self._kinds)

    def _current_values(self) -> FloatArray:
        with self._torch.no_grad():
            v = _values_from_logits(self._theta[:, 0], self._theta[:, 1], self._r, self._gamma)
        return (v * (1 - self._gamma)).numpy()

    def step(self) -> None:
        """Both players update at once, from freshly sampled episodes."""
        torch = self._torch
        t1 = self._theta[:, 0].detach().clone().requires_grad_(True)
        t2 = self._theta[:, 1].detach().clone().requires_grad_(True)
        lola = (self._kinds[0] == "lola", self._kinds[1] == "lola")
        d1, d2 = _dice_directions(
            t1,
            t2,
            self._game,
            self._gamma,
            self._eta,
            lola,
            self._episodes,
            self._length,
            self._rng,
        )
        new = self._theta + self._lr * torch.stack([d1, d2], dim=1)
        self._t += 1
        if not bool(torch.isfinite(new).all()):
            raise LearnerDivergedError(
                f"{self.name} diverged at step {self._t}: non-finite logits (lower lr={self._lr:g} "
                f"or eta={self._eta:g})"
            )
        self._theta = new
        self._values.append(self._current_values())
        self._probs.append(self.policies)

    def run(self, steps: int) -> DiCELOLA:
        """Take ``steps`` steps; returns the pair, so calls chain."""
        steps = check_number(self.name, "steps", steps, low=0, integer=True)
        for _ in range(int(steps)):
            self.step()
        return self

    @property
    def game(self) -> IteratedGame:
        return self._game

    @property
    def learners(self) -> tuple[str, str]:
        return self._kinds

    @property
    def runs(self) -> int:
        return self._runs

    @property
    def steps_taken(self) -> int:
        return self._t

    @property
    def parameters(self) -> FloatArray:
        """Current logits, shape ``(runs, 2, 5)`` (a copy)."""
        return self._theta.numpy().copy()

    @property
    def policies(self) -> FloatArray:
        """Current probabilities of the first action, shape ``(runs, 2, 5)``."""
        return self._torch.sigmoid(self._theta).numpy().copy()

    @property
    def reward_per_step(self) -> FloatArray:
        """Exact ``(1 - gamma) V`` of the current policies, shape ``(runs, 2)``."""
        return self._values[-1].copy()

    def value_history(self) -> FloatArray:
        """Exact ``(1 - gamma) V`` after every step, shape ``(steps + 1, runs, 2)``."""
        out = np.stack(self._values)
        out.setflags(write=False)
        return out

    def policy_history(self) -> FloatArray:
        """Probabilities after every step, shape ``(steps + 1, runs, 2, 5)``."""
        out = np.stack(self._probs)
        out.setflags(write=False)
        return out

    def __repr__(self) -> str:
        return f"DiCELOLA({self._game.name!r}, {'-'.join(self._kinds)!r}, runs={self._runs}, steps={self._t})"
