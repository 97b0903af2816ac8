"""Independent Q-learning on a repeated stage game (Watkins & Dayan 1992; Claus & Boutilier 1998).

Each player treats the others as part of its environment and learns the
value of its own actions from its own rewards only. That environment changes
as the others learn, so the Markov assumption behind Q-learning's
convergence proof fails (note, section 2.2): the learners can chase each
other round a cycle, or settle on an outcome that is not an equilibrium of
the repeated game.

State: with ``memory=0`` the stage game is the whole task (one state); with
``memory=1`` the state is the previous joint action (as in Sandholm & Crites
1996's iterated prisoner's dilemma), plus a start state, so a learner can
in principle learn to reciprocate.

Exploration: Boltzmann (``softmax(Q / temperature)``) or epsilon-greedy
(the greedy action with probability ``1 - epsilon``, ties split, else
uniform), each with an optional multiplicative decay per step and a floor.

References
----------
Watkins, C. J. C. H. & Dayan, P. (1992). Q-learning. Machine Learning 8, 279-292.
Claus, C. & Boutilier, C. (1998). The dynamics of reinforcement learning in
cooperative multiagent systems. AAAI 1998, 746-752.
Sandholm, T. W. & Crites, R. H. (1996). Multiagent reinforcement learning in
the iterated prisoner's dilemma. Biosystems 37(1-2), 147-166.
Tuyls, K., Verbeeck, K. & Lenaerts, T. (2003). A selection-mutation model for
Q-learning in multi-agent systems. AAMAS 2003, 693-700.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cooplab.games.normal_form import NormalFormGame
from cooplab.learning.base import FloatArray, Learner, check_number
from cooplab.learning.fictitious_play import softmax
from cooplab.runtime.rng import RngLike

__all__ = ["QLearning"]

EXPLORATIONS = ("boltzmann", "epsilon-greedy")


class QLearning(Learner):
    """Independent Q-learners, one per player, on the repeated stage game.

    Every step each player picks an action from its exploration policy in the
    current state, all receive their stage payoffs, and each updates
    ``Q_i[s, a_i] += alpha (r_i + gamma max_b Q_i[s', b] - Q_i[s, a_i])``.

    :attr:`policies` are the exploration policies in the current state (the
    state the next step is played in), and the history records them; with
    ``memory=1`` :meth:`greedy_policies` gives each player's greedy action in
    every state.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players.
    exploration : {"boltzmann", "epsilon-greedy"}
    alpha : float in (0, 1]
        Learning rate.
    gamma : float in [0, 1)
        Discount of future rewards (with ``memory=0`` it only shifts the values).
    temperature, temperature_decay, min_temperature : float
        Boltzmann exploration: ``temperature > 0``, multiplied by
        ``temperature_decay`` in (0, 1] each step, never below
        ``min_temperature > 0``.
    epsilon, epsilon_decay, min_epsilon : float
        Epsilon-greedy exploration, likewise (epsilon in [0, 1]).
    memory : {0, 1}
        0: one state; 1: the state is the previous joint action.
    initial_q : float
        Starting Q-values (optimistic values encourage exploration).
    rng : Generator, int or None

    Examples
    --------
    >>> from cooplab.games import make
    >>> q = QLearning(make("prisoners-dilemma"), exploration="epsilon-greedy", rng=0).run(3000)
    >>> [int(g.argmax()) for g in q.greedy_policies()]   # both learn to defect
    [1, 1]
    """

    name = "q-learning"
    plays_actions = True

    def __init__(
        self,
        game: NormalFormGame,
        *,
        exploration: str = "boltzmann",
        alpha: float = 0.1,
        gamma: float = 0.0,
        temperature: float = 0.2,
        temperature_decay: float = 1.0,
        min_temperature: float = 0.01,
        epsilon: float = 0.1,
        epsilon_decay: float = 1.0,
        min_epsilon: float = 0.0,
        memory: int = 0,
        initial_q: float = 0.0,
        rng: RngLike = None,
    ) -> None:
        super().__init__(game, rng=rng)
        if exploration not in EXPLORATIONS:
            raise ValueError(
                f"{self.name}: exploration must be one of {list(EXPLORATIONS)}; got {exploration!r}"
            )
        self.exploration = exploration
        n = self.name
        self.alpha = check_number(n, "alpha", alpha, low=0, high=1, low_open=True)
        self.gamma = check_number(n, "gamma", gamma, low=0, high=1, high_open=True)
        self.temperature = check_number(n, "temperature", temperature, low=0, low_open=True)
        self.temperature_decay = check_number(
            n, "temperature_decay", temperature_decay, low=0, high=1, low_open=True
        )
        self.min_temperature = check_number(
            n, "min_temperature", min_temperature, low=0, low_open=True
        )
        self.epsilon = check_number(n, "epsilon", epsilon, low=0, high=1)
        self.epsilon_decay = check_number(
            n, "epsilon_decay", epsilon_decay, low=0, high=1, low_open=True
        )
        self.min_epsilon = check_number(n, "min_epsilon", min_epsilon, low=0, high=1)
        self.initial_q = check_number(n, "initial_q", initial_q)
        self.memory = int(check_number(n, "memory", memory, low=0, high=1, integer=True))
        outcomes = int(np.prod(game.n_actions))
        self._n_states = 1 if self.memory == 0 else outcomes + 1
        self._state = self._n_states - 1  # the start state (the only one with memory 0)
        self._q = [np.full((self._n_states, a), self.initial_q) for a in game.n_actions]
        self._tau = self.temperature
        self._eps = self.epsilon
        self._policies = self._explore_policies()
        self._start()

    def config(self) -> dict[str, Any]:
        keys = ("exploration", "alpha", "gamma", "memory", "initial_q")
        extra = (
            ("temperature", "temperature_decay", "min_temperature")
            if self.exploration == "boltzmann"
            else ("epsilon", "epsilon_decay", "min_epsilon")
        )
        return {k: getattr(self, k) for k in (*keys, *extra)}

    # -- policies -----------------------------------------------------------
    def _policy(self, q: FloatArray) -> FloatArray:
        if self.exploration == "boltzmann":
            return softmax(q, self._tau)
        m = q.max()
        best = q >= m - 1e-12 * (1.0 + abs(m))
        return best * ((1.0 - self._eps) / np.count_nonzero(best)) + self._eps / q.shape[0]

    def _explore_policies(self) -> list[FloatArray]:
        return [self._policy(q[self._state]) for q in self._q]

    @property
    def q_values(self) -> tuple[FloatArray, ...]:
        """Each player's Q-table, shape ``(n_states, a_i)`` (one row with ``memory=0``)."""
        return tuple(q.copy() for q in self._q)

    @property
    def state(self) -> int:
        """The current state: the flat index of the previous joint action, or the start state."""
        return self._state

    @property
    def n_states(self) -> int:
        return self._n_states

    def greedy_policies(self, state: int | None = None) -> tuple[FloatArray, ...]:
        """Each player's greedy policy (ties split) in ``state`` (default: the current state)."""
        s = self._state if state is None else state
        if (
            isinstance(s, bool)
            or not isinstance(s, int | np.integer)
            or not 0 <= s < self._n_states
        ):
            raise ValueError(f"{self.name}: state must be an integer in 0..{self._n_states - 1}")
        out = []
        for q in self._q:
            row = q[s]
            best = row >= row.max() - 1e-12 * (1.0 + abs(row.max()))
            out.append(best / best.sum())
        return tuple(out)

    def greedy_cycle(self) -> tuple[tuple[int, ...], ...]:
        """The joint actions that greedy play settles into from the current state.

        Every player plays its greedy action (the lowest index among ties)
        with no exploration; with ``memory=1`` the state then follows the
        joint action, so play is eventually periodic. Returns the joint
        actions of that cycle (one joint action with ``memory=0``, or when
        the cycle is a fixed point).
        """
        s = self._state
        seen: list[int] = []
        moves: list[tuple[int, ...]] = []
        while s not in seen:
            seen.append(s)
            joint = tuple(int(q[s].argmax()) for q in self._q)
            moves.append(joint)
            s = int(np.ravel_multi_index(joint, self._game.n_actions)) if self.memory else 0
        return tuple(moves[seen.index(s) :])

    def _state_arrays(self) -> list[tuple[str, FloatArray]]:
        return [("Q-values", q) for q in self._q]

    # -- the step -----------------------------------------------------------
    def _step(self) -> None:
        s = self._state
        actions = tuple(self._sample(i, p) for i, p in enumerate(self._policies))
        self._record_play(actions)
        rewards = self._payoffs[(slice(None), *actions)]
        s_next = int(np.ravel_multi_index(actions, self._game.n_actions)) if self.memory else 0
        for i, q in enumerate(self._q):
            a = actions[i]
            target = rewards[i] + self.gamma * q[s_next].max()
            q[s, a] += self.alpha * (target - q[s, a])
        self._state = s_next
        self._tau = max(self._tau * self.temperature_decay, self.min_temperature)
        self._eps = max(self._eps * self.epsilon_decay, self.min_epsilon)
        self._policies = self._explore_policies()
