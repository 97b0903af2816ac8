"""What every learner shares: the game, the clock, the policies and their history.

A learner holds one policy per player (a probability vector over that
player's actions) and changes them with :meth:`Learner.step`. It records the
policy profile after every step, so a run leaves a trajectory: ``history(i)``
has shape ``(steps + 1, a_i)`` with row 0 the initial policy. The
time-averaged policy is the mean of that trajectory (for fictitious play,
whose history is the actions played, it is the empirical frequency of play).
Learners that sample actions also count the joint actions played, the
empirical joint distribution of play whose coarse correlated equilibrium
violation no-regret learning drives to zero.

Every number a step produces is checked: a non-finite value raises
:class:`LearnerDivergedError` naming the learner and the step, so a NaN never
reaches a report.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from cooplab.games.normal_form import NormalFormGame
from cooplab.runtime.rng import RngLike, as_generator

__all__ = ["Learner", "LearnerDivergedError", "check_number", "initial_policies"]

FloatArray = npt.NDArray[np.float64]

#: Rows preallocated for the history before it grows (it doubles when full).
_INITIAL_ROWS = 256
#: Uniform numbers drawn per call to the generator by learners that sample actions.
_UNIFORM_BLOCK = 1024


class LearnerDivergedError(ArithmeticError):
    """A learner produced a non-finite number (it diverged); the message names the learner and step."""


def check_number(
    learner: str,
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
) -> float:
    """A learner's parameter, checked: a finite real number in the given range.

    Raises ``TypeError`` for a non-number and ``ValueError`` naming the
    learner, the parameter and the allowed range otherwise.
    """
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(
        value, numbers.Integral if integer else numbers.Real
    ):
        raise TypeError(f"{learner}: {name} must be {kind}; got {type(value).__name__} {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{learner}: {name} must be finite; got {value!r}")
    bad = (low is not None and (x <= low if low_open else x < low)) or (
        high is not None and (x >= high if high_open else x > high)
    )
    if bad:
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        interval = f"{'(' if low_open or low is None else '['}{lo}, {hi}{')' if high_open or high is None else ']'}"
        raise ValueError(f"{learner}: {name} must be in {interval}; got {value!r}")
    return int(value) if integer else x


class Learner:
    """Base class: n players learning in a normal-form game, one step at a time.

    Subclasses set ``self._policies`` (one probability vector per player) in
    ``__init__`` and change it in :meth:`_step`; the base class keeps the
    clock, the history and the checks.

    Parameters
    ----------
    game : NormalFormGame
        The stage game, any number of players.
    rng : numpy Generator, int or None
        Seed or generator for every random draw the learner makes.
    """

    #: The name used by the registry and the CLI.
    name: ClassVar[str] = "learner"
    #: Whether the learner plays pure actions (and so counts the joint play).
    plays_actions: ClassVar[bool] = False

    def __init__(self, game: NormalFormGame, *, rng: RngLike = None) -> None:
        if not isinstance(game, NormalFormGame):
            raise TypeError(
                f"{self.name}: the game must be a cooplab NormalFormGame; got {type(game).__name__}"
            )
        self._game = game
        self._payoffs: FloatArray = game.payoffs
        self._rng = as_generator(rng)
        self._t = 0
        self._policies: list[FloatArray] = []
        self._history: list[FloatArray] = []
        self._joint_counts = np.zeros(game.n_actions) if self.plays_actions else None
        self._last_actions: tuple[int, ...] | None = None
        self._uniforms = np.empty(0)
        self._next_uniform = _UNIFORM_BLOCK

    # -- the loop -----------------------------------------------------------
    def _start(self) -> None:
        """Record the initial policies (subclasses call this at the end of ``__init__``)."""
        self._check_finite()
        self._history = []
        for p in self._policies:
            h = np.empty((_INITIAL_ROWS, p.shape[0]))
            h[0] = p
            self._history.append(h)

    def _step(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _row(self, i: int) -> FloatArray:
        """What the history records for player ``i`` after a step (its policy by default)."""
        return self._policies[i]

    def step(self) -> None:
        """Advance every player by one update."""
        self._t += 1
        self._step()
        self._check_finite()
        t = self._t
        for i, h in enumerate(self._history):
            if t >= h.shape[0]:
                grown = np.empty((2 * h.shape[0], h.shape[1]))
                grown[: h.shape[0]] = h
                self._history[i] = h = grown
            h[t] = self._row(i)

    def _push(self, rows: list[FloatArray]) -> None:
        """Record several steps at once: ``rows[i]`` has shape ``(m, a_i)``, the last is current."""
        m = rows[0].shape[0]
        for i, h in enumerate(self._history):
            need = self._t + m + 1
            if need > h.shape[0]:
                grown = np.empty((max(need, 2 * h.shape[0]), h.shape[1]))
                grown[: self._t + 1] = h[: self._t + 1]
                self._history[i] = h = grown
            h[self._t + 1 : self._t + m + 1] = rows[i]
        self._t += m
        self._policies = [r[-1].copy() for r in rows]
        self._check_finite()

    def run(self, steps: int) -> Learner:
        """Take ``steps`` steps; returns the learner, so calls chain."""
        steps = check_number(self.name, "steps", steps, low=0, integer=True)
        for _ in range(int(steps)):
            self.step()
        return self

    def _check_finite(self) -> None:
        # Two reductions per array and scalar tests; only on failure are the arrays searched,
        # to name the culprit.
        # (max and min propagate NaN, and unlike a sum they cannot overflow.)
        state = self._state_arrays()
        if all(
            math.isfinite(float(a.max())) and math.isfinite(float(a.min()))
            for a in (*self._policies, *(arr for _, arr in state))
        ):
            return
        for i, p in enumerate(self._policies):
            if not np.all(np.isfinite(p)):
                raise LearnerDivergedError(
                    f"{self.name} diverged at step {self._t}: player {self._game.player_names[i]!r}'s "
                    f"policy has non-finite entries {p.tolist()} (lower the step size or "
                    f"temperature range, or rescale the payoffs)"
                )
        for label, arr in state:
            if not np.all(np.isfinite(arr)):
                raise LearnerDivergedError(
                    f"{self.name} diverged at step {self._t}: its {label} became non-finite "
                    f"(lower the step size or learning rate, or rescale the payoffs)"
                )
        raise LearnerDivergedError(
            f"{self.name} diverged at step {self._t}: its values overflowed (rescale the payoffs)"
        )

    def _state_arrays(self) -> list[tuple[str, FloatArray]]:
        """Internal arrays checked for NaN after every step (Q-values, weights...)."""
        return []

    def _record_play(self, actions: tuple[int, ...]) -> None:
        if self._joint_counts is not None:  # only learners that sample actions count play
            self._joint_counts[actions] += 1
        self._last_actions = actions

    def _uniform(self) -> float:
        """The next uniform draw: drawn from the generator in blocks (one call per block)."""
        k = self._next_uniform
        if k >= _UNIFORM_BLOCK:
            self._uniforms = self._rng.random(_UNIFORM_BLOCK)
            k = 0
        self._next_uniform = k + 1
        return float(self._uniforms[k])

    def _sample(self, i: int, policy: FloatArray) -> int:
        """Player ``i``'s action drawn from ``policy`` (inverse CDF: one uniform draw)."""
        cdf = np.cumsum(policy)
        k = int(np.searchsorted(cdf, self._uniform() * cdf[-1], side="right"))
        return min(k, policy.shape[0] - 1)

    # -- read-only views ----------------------------------------------------
    @property
    def game(self) -> NormalFormGame:
        return self._game

    @property
    def steps_taken(self) -> int:
        """Steps taken so far."""
        return self._t

    @property
    def policies(self) -> tuple[FloatArray, ...]:
        """The current policy of each player (copies), the i-th of shape ``(a_i,)``."""
        return tuple(p.copy() for p in self._policies)

    @property
    def average_policies(self) -> tuple[FloatArray, ...]:
        """The time-averaged policy of each player: the mean of its history rows ``0..t``."""
        return tuple(h[: self._t + 1].mean(axis=0) for h in self._history)

    def history(self, player: int | str) -> FloatArray:
        """Player's recorded policies, shape ``(steps_taken + 1, a_i)``; a read-only view."""
        i = self._game.player_index(player)
        view = self._history[i][: self._t + 1]
        view = view.view()
        view.setflags(write=False)
        return view

    def histories(self) -> tuple[FloatArray, ...]:
        """Every player's :meth:`history`."""
        return tuple(self.history(i) for i in range(self._game.n_players))

    @property
    def joint_distribution(self) -> FloatArray:
        """Empirical joint distribution of the actions played, shape ``(a_1, ..., a_n)``.

        Only for learners that sample actions; ``ValueError`` before any play.
        """
        if self._joint_counts is None:
            raise ValueError(
                f"{self.name} does not sample actions, so it has no empirical joint play; its "
                f"policies are deterministic functions of the game"
            )
        total = self._joint_counts.sum()
        if total == 0:
            raise ValueError(f"{self.name} has not played yet: take a step first")
        return self._joint_counts / total

    @property
    def last_actions(self) -> tuple[int, ...] | None:
        """The joint action played at the last step (learners that sample actions), else ``None``."""
        return self._last_actions

    def cce_violation(self) -> float:
        """How far the empirical joint play is from a coarse correlated equilibrium.

        The largest average external regret of any player, in payoff units
        (:func:`cooplab.equilibria.ce_violation` with ``kind="coarse"``).
        """
        from cooplab.equilibria.correlated import ce_violation

        return float(ce_violation(self._game, self.joint_distribution, kind="coarse"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._game.name or 'game'!r}, steps={self._t})"


def initial_policies(
    learner: str, game: NormalFormGame, initial: Any, rng: np.random.Generator
) -> list[FloatArray]:
    """Starting policies: given (checked as a profile), ``"uniform"``, or ``"random"`` (Dirichlet(1)).

    ``None`` means ``"uniform"``.
    """
    if initial is None or (isinstance(initial, str) and initial == "uniform"):
        return [np.full(a, 1.0 / a) for a in game.n_actions]
    if isinstance(initial, str) and initial == "random":
        return [rng.dirichlet(np.ones(a)) for a in game.n_actions]
    if isinstance(initial, str):
        raise ValueError(
            f"{learner}: initial must be 'uniform', 'random' or a profile (one probability "
            f"vector per player); got {initial!r}"
        )
    try:
        return [p.copy() for p in game.as_profile(initial)]
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{learner}: bad initial profile: {exc}") from None
