"""Gradient learners on mixed strategies: IGA, WoLF-IGA and WoLF-PHC.

Infinitesimal gradient ascent (IGA; Singh, Kearns & Mansour 2000) moves each
player's mixed strategy along the gradient of its own expected payoff. In
two-player two-action games the strategies or their time averages converge to
a Nash equilibrium; where the only equilibrium is mixed (matching pennies)
the strategies themselves orbit it and, with a finite step, spiral out to the
boundary. :class:`GradientAscent` generalises it to any number of players and
actions as projected gradient ascent on the simplex (Zinkevich 2003's GIGA).

WoLF ("win or learn fast"; Bowling & Veloso 2002) uses a small step when the
player is winning (doing better than its equilibrium strategy would against
the other's current strategy) and a large one when losing; WoLF-IGA
converges to the Nash equilibrium in every two-player two-action game.
WoLF-PHC is the practical version: Q-values of the player's own actions,
policy hill-climbing towards the greedy action, and "winning" judged against
the player's own average policy instead of the (unknown) equilibrium.

References
----------
Singh, S., Kearns, M. & Mansour, Y. (2000). Nash convergence of gradient
dynamics in general-sum games. UAI 2000, 541-548.
Zinkevich, M. (2003). Online convex programming and generalized infinitesimal
gradient ascent. ICML 2003, 928-936.
Bowling, M. & Veloso, M. (2002). Multiagent learning using a variable learning
rate. Artificial Intelligence 136(2), 215-250.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.normal_form import NormalFormGame, deviation_payoffs
from cooplab.learning.base import FloatArray, Learner, check_number, initial_policies
from cooplab.runtime.rng import RngLike

__all__ = ["GradientAscent", "WoLFIGA", "WoLFPHC", "project_simplex"]


def project_simplex(v: npt.ArrayLike) -> FloatArray:
    """Euclidean projection of each row of ``v`` onto the probability simplex.

    The sort-based algorithm of Held, Wolfe & Crowder (1974) (see Wang &
    Carreira-Perpinan 2013): ``O(a log a)`` per row.

    Parameters
    ----------
    v : array, shape (a,) or (K, a)

    Returns
    -------
    array, same shape, rows non-negative and summing to 1

    Examples
    --------
    >>> project_simplex([0.8, 0.6]).round(12).tolist()
    [0.6, 0.4]
    """
    x = np.asarray(v, dtype=np.float64)
    rows = np.atleast_2d(x)
    a = rows.shape[1]
    u = -np.sort(-rows, axis=1)
    css = np.cumsum(u, axis=1) - 1.0
    ind = np.arange(1, a + 1)
    cond = u - css / ind > 0
    rho = a - 1 - np.argmax(cond[:, ::-1], axis=1)
    theta = css[np.arange(rows.shape[0]), rho] / (rho + 1)
    out = np.maximum(rows - theta[:, None], 0.0)
    return out[0] if x.ndim == 1 else out


class GradientAscent(Learner):
    """Projected gradient ascent on mixed strategies (IGA in 2x2 games; GIGA in general).

    Every player moves simultaneously: ``x_i <- P(x_i + step * g_i)``, where
    ``g_i[k] = u_i(k, x_{-i})`` is the gradient of its expected payoff and
    ``P`` the projection onto the simplex. With two actions the projection
    removes the mean of ``g_i``, so this is IGA (Singh et al. 2000) with the
    step halved: ``alpha <- clip(alpha + (step/2) (u(H) - u(T)))``.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players and actions.
    step : float, > 0
        The step size, in probability per unit of payoff.
    initial : "uniform", "random" or a profile
    rng : Generator, int or None
        Used only for ``initial="random"``.

    Examples
    --------
    >>> from cooplab.games import make
    >>> ga = GradientAscent(make("prisoners-dilemma"), step=0.05, initial=[[0.9, 0.1], [0.9, 0.1]])
    >>> [p.round(3).tolist() for p in ga.run(100).policies]
    [[0.0, 1.0], [0.0, 1.0]]
    """

    name = "iga"

    def __init__(
        self,
        game: NormalFormGame,
        *,
        step: float = 0.01,
        initial: Any = "random",
        rng: RngLike = None,
    ) -> None:
        super().__init__(game, rng=rng)
        self.step_size = check_number(self.name, "step", step, low=0, low_open=True)
        self._policies = initial_policies(self.name, game, initial, self._rng)
        self._start()

    def config(self) -> dict[str, Any]:
        return {"step": self.step_size}

    def _step(self) -> None:
        pols = self._policies
        if len(pols) == 2:
            grads = [self._payoffs[0] @ pols[1], pols[0] @ self._payoffs[1]]
        else:
            grads = deviation_payoffs(self._payoffs, pols)
        new = []
        for x, g in zip(pols, grads, strict=True):
            v = x + self.step_size * g
            # Inside the simplex the projection is a shift along (1, ..., 1); sort only otherwise.
            shifted = v - (v.sum() - 1.0) / v.shape[0]
            new.append(shifted if shifted.min() >= 0.0 else project_simplex(v))
        self._policies = new


class WoLFIGA(Learner):
    """WoLF-IGA (Bowling & Veloso 2002): IGA with a small step when winning, a large one when losing.

    Two players, two actions each (the setting of the convergence theorem;
    any other game raises ``ValueError``). Player ``i`` with strategy
    ``alpha`` (probability of its first action) updates
    ``alpha <- clip(alpha + step * l * dV_i/dalpha, 0, 1)`` where
    ``l = l_min`` when ``V_i(alpha, beta) > V_i(alpha_e, beta)`` (winning:
    doing better than its equilibrium strategy ``alpha_e`` would against the
    other's current strategy) and ``l = l_max`` otherwise.

    Parameters
    ----------
    game : NormalFormGame
        A 2x2 two-player game.
    step : float, > 0
    l_min, l_max : float, 0 < l_min < l_max
        The winning and losing rates.
    equilibrium : profile, optional
        The equilibrium ``(alpha_e, beta_e)`` to judge winning by; by default
        the first equilibrium :func:`cooplab.equilibria.vertex_enumeration`
        finds (the mixed one, first, when there is one).
    initial : "uniform", "random" or a profile
    rng : Generator, int or None

    Examples
    --------
    >>> from cooplab.games import make
    >>> w = WoLFIGA(make("matching-pennies"), initial=[[0.9, 0.1], [0.2, 0.8]]).run(20000)
    >>> [round(float(p[0]), 2) for p in w.policies]
    [0.5, 0.5]
    """

    name = "wolf-iga"

    def __init__(
        self,
        game: NormalFormGame,
        *,
        step: float = 0.01,
        l_min: float = 1.0,
        l_max: float = 4.0,
        equilibrium: Any = None,
        initial: Any = "random",
        rng: RngLike = None,
    ) -> None:
        if not isinstance(game, NormalFormGame) or game.n_players != 2 or game.n_actions != (2, 2):
            shape = (
                f"{game.n_players} players with {game.n_actions} actions"
                if isinstance(game, NormalFormGame)
                else type(game).__name__
            )
            raise ValueError(
                f"{self.name} is defined for two-player two-action (2x2) games only (Bowling & "
                f"Veloso 2002); got {shape}. Use wolf-phc or iga for larger games."
            )
        super().__init__(game, rng=rng)
        self.step_size = check_number(self.name, "step", step, low=0, low_open=True)
        self.l_min = check_number(self.name, "l_min", l_min, low=0, low_open=True)
        self.l_max = check_number(self.name, "l_max", l_max, low=0, low_open=True)
        if not self.l_max > self.l_min:
            raise ValueError(
                f"{self.name}: l_max must be larger than l_min (learn fast when losing); "
                f"got l_min={self.l_min:g}, l_max={self.l_max:g}"
            )
        if equilibrium is None:
            self._eq = self._default_equilibrium(game)
        else:
            try:
                self._eq = [p.copy() for p in game.as_profile(equilibrium)]
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{self.name}: bad equilibrium profile: {exc}") from None
        self._policies = initial_policies(self.name, game, initial, self._rng)
        self._start()

    @staticmethod
    def _default_equilibrium(game: NormalFormGame) -> list[FloatArray]:
        from cooplab.equilibria import vertex_enumeration

        eqs = list(vertex_enumeration(game).equilibria)
        eqs.sort(
            key=lambda e: e.is_pure
        )  # a mixed equilibrium first, as in the theorem's hard case
        return [np.asarray(p, dtype=np.float64) for p in eqs[0].profile]

    @property
    def equilibrium(self) -> tuple[FloatArray, ...]:
        """The equilibrium profile winning is judged against."""
        return tuple(p.copy() for p in self._eq)

    def config(self) -> dict[str, Any]:
        return {"step": self.step_size, "l_min": self.l_min, "l_max": self.l_max}

    def _step(self) -> None:
        grads = deviation_payoffs(self._payoffs, self._policies)
        new = []
        for x, g, e in zip(self._policies, grads, self._eq, strict=True):
            winning = float(x @ g) > float(e @ g)
            rate = self.l_min if winning else self.l_max
            alpha = min(max(x[0] + self.step_size * rate * (g[0] - g[1]), 0.0), 1.0)
            new.append(np.array([alpha, 1.0 - alpha]))
        self._policies = new


class WoLFPHC(Learner):
    """WoLF policy hill-climbing (Bowling & Veloso 2002), on the repeated stage game.

    Each player keeps Q-values of its own actions, its policy ``pi`` and its
    average policy ``pi_bar``. Every step, each samples an action from
    ``(1 - epsilon) pi + epsilon * uniform``, then

    1. ``Q[a] += alpha (r + gamma max Q - Q[a])``;
    2. ``pi_bar += (pi - pi_bar) / count``;
    3. ``delta = delta_win`` if ``pi . Q > pi_bar . Q`` (winning) else
       ``delta_lose``;
    4. every non-greedy action loses ``min(pi[b], delta / (a - 1))`` and the
       greedy action ``argmax Q`` gains what they lose.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players and actions.
    alpha : float in (0, 1]
        Q-value learning rate.
    delta_win, delta_lose : float in (0, 1], delta_win < delta_lose
    epsilon : float in [0, 1]
        Exploration.
    gamma : float in [0, 1)
        Discount (0: the stage game is the whole task).
    decay_steps : float > 0, optional
        Decaying rates: at step ``t`` alpha and both deltas are divided by
        ``1 + t / decay_steps`` (the ``1 / (c + t)`` schedules under which
        Bowling & Veloso's experiments converge); constant rates when omitted.
    initial : "uniform", "random" or a profile
    rng : Generator, int or None
    """

    name = "wolf-phc"
    plays_actions = True

    def __init__(
        self,
        game: NormalFormGame,
        *,
        alpha: float = 0.1,
        delta_win: float = 0.0025,
        delta_lose: float = 0.01,
        epsilon: float = 0.05,
        gamma: float = 0.0,
        decay_steps: float | None = None,
        initial: Any = "uniform",
        rng: RngLike = None,
    ) -> None:
        super().__init__(game, rng=rng)
        self.alpha = check_number(self.name, "alpha", alpha, low=0, high=1, low_open=True)
        self.decay_steps = (
            None
            if decay_steps is None
            else check_number(self.name, "decay_steps", decay_steps, low=0, low_open=True)
        )
        self.delta_win = check_number(
            self.name, "delta_win", delta_win, low=0, high=1, low_open=True
        )
        self.delta_lose = check_number(
            self.name, "delta_lose", delta_lose, low=0, high=1, low_open=True
        )
        if not self.delta_lose > self.delta_win:
            raise ValueError(
                f"{self.name}: delta_lose must be larger than delta_win (learn fast when losing); "
                f"got delta_win={self.delta_win:g}, delta_lose={self.delta_lose:g}"
            )
        self.epsilon = check_number(self.name, "epsilon", epsilon, low=0, high=1)
        self.gamma = check_number(self.name, "gamma", gamma, low=0, high=1, high_open=True)
        self._policies = initial_policies(self.name, game, initial, self._rng)
        self._q = [np.zeros(a) for a in game.n_actions]
        self._avg = [p.copy() for p in self._policies]
        self._count = 0
        self._start()

    def config(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "delta_win": self.delta_win,
            "delta_lose": self.delta_lose,
            "epsilon": self.epsilon,
            "gamma": self.gamma,
            "decay_steps": self.decay_steps,
        }

    @property
    def q_values(self) -> tuple[FloatArray, ...]:
        """Each player's Q-values of its own actions."""
        return tuple(q.copy() for q in self._q)

    def _state_arrays(self) -> list[tuple[str, FloatArray]]:
        return [("Q-values", q) for q in self._q]

    def _step(self) -> None:
        eps = self.epsilon
        actions = tuple(
            self._sample(i, (1 - eps) * p + eps / p.shape[0]) for i, p in enumerate(self._policies)
        )
        self._record_play(actions)
        rewards = self._payoffs[(slice(None), *actions)]
        self._count += 1
        scale = 1.0 if self.decay_steps is None else 1.0 / (1.0 + self._t / self.decay_steps)
        alpha = self.alpha * scale
        new = []
        for i, (q, pi, avg) in enumerate(zip(self._q, self._policies, self._avg, strict=True)):
            a = actions[i]
            q[a] += alpha * (rewards[i] + self.gamma * q.max() - q[a])
            avg += (pi - avg) / self._count
            delta = scale * (self.delta_win if float(pi @ q) > float(avg @ q) else self.delta_lose)
            k = pi.shape[0]
            greedy = int(q.argmax())
            loss = np.minimum(pi, delta / (k - 1)) if k > 1 else np.zeros(1)
            loss[greedy] = 0.0
            step = -loss
            step[greedy] = loss.sum()
            new.append(np.clip(pi + step, 0.0, 1.0))
        self._policies = [p / p.sum() for p in new]
