"""The contract every repeated-game strategy honours.

:func:`check_strategy` plays a strategy against a fixed panel of opponents and
raises ``AssertionError`` naming the broken rule:

1. **Well-formed**: a dataclass with a frozen :class:`Meta` (snake_case name,
   memory depth a non-negative integer or ``math.inf``), rebuilt equal from
   its parameters; ``act`` returns 0 or 1.
2. **Seeded**: the same seed gives the same play, with and without noise.
3. **Reset**: after playing other matches, the same instance replays a match
   exactly (``reset`` clears all state).
4. **Either side**: it plays the same moves as the first or the second
   player, given the same generators.
5. **Deterministic means deterministic**: a strategy that does not declare
   itself stochastic draws no random numbers.
6. **Memory depth** ``k``: in noise-free play, whenever two moments (turn
   ``>= k``, any opponent of the panel) share the last ``k`` rounds, the
   strategy chooses the same action at both. The choice is probed on a copy
   of the strategy with a generator reset to one fixed seed, so the check
   also covers stochastic strategies. The check is sound (a failure is a real
   counterexample), not complete.
7. **Engine views**: the finite-state machine from ``as_fsm()``, when
   offered, reproduces the intended actions of ``act`` exactly, with and
   without noise; the memory-one vector from ``as_memory_one()``, when
   offered, matches ``act`` exactly where it is 0 or 1 and within sampling
   error elsewhere (fixed seeds, so the verdict is reproducible).

>>> from cooplab.repeated.strategies import get_strategy
>>> check_strategy(get_strategy("tit_for_tat"))
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from cooplab.repeated.match import match_infos, play_turns
from cooplab.repeated.strategies.base import (
    FSM,
    C,
    History,
    Meta,
    Strategy,
    actions_to_string,
)
from cooplab.repeated.strategies.classic import (
    Cooperator,
    Defector,
    Grudger,
    Random,
    SuspiciousTitForTat,
    TitForTat,
)
from cooplab.repeated.strategies.cyclers import Alternator, Cycler

__all__ = ["check_strategy"]

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _fail(message: str) -> None:
    raise AssertionError(message)


@dataclass(eq=True)
class _Sequence(Strategy):
    """Plays a fixed sequence (then repeats it): a test opponent."""

    moves: str = "C"

    meta = Meta("contract_sequence", "Sequence", math.inf)

    def act(self, history: History, rng: np.random.Generator) -> int:
        return 0 if self.moves[len(history) % len(self.moves)] == "C" else 1


def _panel(seed: int) -> list[Strategy]:
    """The opponents: classics, cyclers, and random fixed sequences."""
    gen = np.random.default_rng(seed)
    sequences = []
    for p in (0.5, 0.5, 0.75, 0.9):
        moves = np.where(gen.random(64) < p, "C", "D")
        sequences.append(_Sequence("".join(moves)))
    return [
        Cooperator(),
        Defector(),
        Alternator(),
        TitForTat(),
        SuspiciousTitForTat(),
        Grudger(),
        Cycler("CCD"),
        Random(0.5),
        *sequences,
    ]


def _gens(seed: int) -> tuple[np.random.Generator, np.random.Generator, np.random.Generator]:
    # independent streams, cheaper than SeedSequence spawning
    return (
        np.random.default_rng([seed, 0]),
        np.random.default_rng([seed, 1]),
        np.random.default_rng([seed, 2]),
    )


def _instance(strategy: Strategy | type[Strategy]) -> Strategy:
    if isinstance(strategy, type) and issubclass(strategy, Strategy):
        return strategy()
    if isinstance(strategy, Strategy):
        return copy.deepcopy(strategy)
    _fail(f"expected a Strategy or a Strategy class; got {strategy!r}")
    raise AssertionError  # unreachable


def _label(s: Strategy) -> str:
    return f"{s.meta.name} ({s.display})"


def check_strategy(strategy: Strategy | type[Strategy], *, turns: int = 40, seed: int = 0) -> None:
    """Check the strategy contract (see the module docstring).

    Parameters
    ----------
    strategy
        A strategy instance or class (built with its defaults).
    turns
        Length of each match played.
    seed
        Seed of the opponents' sequences and of the generators.
    """
    s = _instance(strategy)
    name = _label(s)
    _check_form(s, name)
    panel = _panel(seed)
    _check_seeded_and_reset(s, name, panel, turns, seed)
    _check_either_side(s, name, panel, turns, seed)
    _check_deterministic(s, name, panel, turns, seed)
    _check_memory_depth(s, name, panel, turns, seed)
    _check_fsm(s, name, panel, turns, seed)
    _check_memory_one(s, name, seed)


def _check_form(s: Strategy, name: str) -> None:
    meta = getattr(type(s), "meta", None)
    if not isinstance(meta, Meta):
        _fail(f"{type(s).__name__} has no Meta (class attribute 'meta')")
    if not dataclasses.is_dataclass(meta) or not type(meta).__dataclass_params__.frozen:  # type: ignore[attr-defined]
        _fail(f"{name}: Meta must be a frozen dataclass")
    if not _SNAKE.match(meta.name):
        _fail(f"{name}: the name must be snake_case")
    if not dataclasses.is_dataclass(s):
        _fail(f"{name}: a strategy must be a dataclass (parameters as fields)")
    depth = s.memory_depth
    if not (depth == math.inf or (float(depth).is_integer() and depth >= 0)):
        _fail(f"{name}: memory_depth must be a non-negative integer or math.inf; got {depth!r}")
    if not isinstance(s.stochastic, bool):
        _fail(f"{name}: stochastic must be a bool; got {s.stochastic!r}")
    rebuilt = type(s)(**s.params)
    if rebuilt != s:
        _fail(
            f"{name}: rebuilding from its parameters gives a different strategy: {rebuilt!r} != {s!r}"
        )
    repr(s)
    s.reset()
    x = s.act(History([], []), np.random.default_rng(0))
    if isinstance(x, bool) or not isinstance(x, int | np.integer) or int(x) not in (0, 1):
        _fail(f"{name}: act must return the int 0 (C) or 1 (D); got {x!r}")


def _play(
    a: Strategy, b: Strategy, turns: int, seed: int, noise: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    return play_turns(a, b, turns, _gens(seed), noise=noise, infos=match_infos(turns, noise=noise))


def _check_seeded_and_reset(
    s: Strategy, name: str, panel: list[Strategy], turns: int, seed: int
) -> None:
    first: dict[tuple[int, float], np.ndarray] = {}
    for noise in (0.0, 0.05):
        for i, opp in enumerate(panel[:6]):
            actions, _ = _play(s, opp, turns, seed + i, noise)
            again, _ = _play(s, opp, turns, seed + i, noise)
            if not np.array_equal(actions, again):
                _fail(
                    f"{name}: the same seed gave different play against {opp.display} "
                    f"(noise {noise}): {actions_to_string(actions[0])} vs {actions_to_string(again[0])}"
                )
            first[(i, noise)] = actions
    # after all those matches, replay the first ones: reset must clear all state
    for (i, noise), actions in list(first.items())[:4]:
        replay, _ = _play(s, panel[i], turns, seed + i, noise)
        if not np.array_equal(actions, replay):
            _fail(
                f"{name}: replaying a match after others gave different play; reset() keeps state"
            )
    fresh = copy.deepcopy(s)
    fresh.reset()
    for (i, noise), actions in list(first.items())[:4]:
        replay, _ = _play(copy.deepcopy(fresh), panel[i], turns, seed + i, noise)
        if not np.array_equal(actions, replay):
            _fail(f"{name}: a fresh copy plays differently from the reused instance")


def _check_either_side(
    s: Strategy, name: str, panel: list[Strategy], turns: int, seed: int
) -> None:
    infos = match_infos(turns)
    for i, opp in enumerate(panel):
        ga, gb, gn = _gens(seed + i)
        as_first, _ = play_turns(s, opp, turns, (ga, gb, gn), infos=infos)
        ga, gb, gn = _gens(seed + i)
        as_second, _ = play_turns(opp, s, turns, (gb, ga, gn), infos=(infos[1], infos[0]))
        if not np.array_equal(as_first, as_second[::-1]):
            _fail(
                f"{name}: plays differently as the second player against {opp.display}: "
                f"{actions_to_string(as_first[0])} vs {actions_to_string(as_second[1])}"
            )
    twin = copy.deepcopy(s)
    actions, _ = _play(s, twin, turns, seed)
    if not s.stochastic and not np.array_equal(actions[0], actions[1]):
        _fail(f"{name}: a deterministic strategy against its twin must mirror it")


def _check_deterministic(
    s: Strategy, name: str, panel: list[Strategy], turns: int, seed: int
) -> None:
    if s.stochastic:
        return
    for i, opp in enumerate(panel):
        ga, gb, gn = _gens(seed + i)
        before = copy.deepcopy(ga.bit_generator.state)
        actions, _ = play_turns(s, opp, turns, (ga, gb, gn), infos=match_infos(turns))
        if ga.bit_generator.state != before:
            _fail(f"{name}: declared deterministic but drew random numbers against {opp.display}")
        other, _ = _play(s, opp, turns, seed + 1000 + i)
        if not opp.stochastic and not np.array_equal(actions, other):
            _fail(f"{name}: declared deterministic but its play depends on the seed")


def _check_memory_depth(
    s: Strategy, name: str, panel: list[Strategy], turns: int, seed: int
) -> None:
    depth = s.memory_depth
    if depth == math.inf:
        return
    k = int(depth)
    seen: dict[tuple[bytes, bytes], tuple[int, Any]] = {}
    for i, opp in enumerate(panel):
        infos = match_infos(turns)
        s.reset(infos[0])
        opp.reset(infos[1])
        ga, gb, _ = _gens(seed + i)
        own = np.zeros(turns, np.int8)
        other = np.zeros(turns, np.int8)
        for t in range(turns):
            h = History(own[:t], other[:t])
            if t >= k:
                probe = copy.deepcopy(s)
                choice = int(probe.act(h, np.random.default_rng(12345)))
                window = (own[t - k : t].tobytes(), other[t - k : t].tobytes())
                if window in seen and seen[window][0] != choice:
                    prev_choice, prev_where = seen[window]
                    where = _where(t, opp, own, other)
                    _fail(
                        f"{name}: declares memory depth {k}, but with the same last {k} rounds it "
                        f"plays {'CD'[prev_choice]} at {prev_where()} and {'CD'[choice]} at {where()}"
                    )
                if window not in seen:
                    seen[window] = (choice, _where(t, opp, own.copy(), other.copy()))
            own[t] = s.act(h, ga)
            other[t] = opp.act(History(other[:t], own[:t]), gb)


def _where(t: int, opp: Strategy, own: np.ndarray, other: np.ndarray) -> Any:
    """A description of a moment, formatted only when a check fails."""

    def describe() -> str:
        return (
            f"turn {t} against {opp.display} (history {actions_to_string(own[:t])} / "
            f"{actions_to_string(other[:t])})"
        )

    return describe


def _check_fsm(s: Strategy, name: str, panel: list[Strategy], turns: int, seed: int) -> None:
    s.reset(match_infos(turns)[0])
    fsm = s.as_fsm()
    if fsm is None:
        return
    if not isinstance(fsm, FSM):
        _fail(f"{name}: as_fsm() must return an FSM or None; got {type(fsm).__name__}")
    if s.stochastic:
        _fail(f"{name}: a stochastic strategy cannot offer a finite-state machine")
    for noise in (0.0, 0.1):
        for i, opp in enumerate(panel):
            actions, intended = _play(s, opp, turns, seed + i, noise)
            predicted = fsm.play(actions[0], actions[1])[:-1]
            if not np.array_equal(predicted, intended[0]):
                t = int(np.argmax(predicted != intended[0]))
                _fail(
                    f"{name}: its finite-state machine plays {'CD'[predicted[t]]} at turn {t} "
                    f"against {opp.display} (noise {noise}) where act() plays {'CD'[intended[0][t]]}; "
                    f"rounds so far {actions_to_string(actions[0][:t])} / {actions_to_string(actions[1][:t])}"
                )


def _check_memory_one(s: Strategy, name: str, seed: int) -> None:
    s.reset()
    spec = s.as_memory_one()
    if spec is None:
        return
    if spec.deterministic and s.stochastic:
        _fail(f"{name}: its memory-one vector is deterministic but it declares itself stochastic")
    gen = np.random.default_rng(seed)
    n = 300
    situations: list[tuple[History, float, str]] = [(History([], []), spec.initial, "first move")]
    for outcome in range(4):
        own_last, opp_last = divmod(outcome, 2)
        prefix_own = gen.integers(0, 2, 2)
        prefix_opp = gen.integers(0, 2, 2)
        h = History(np.append(prefix_own, own_last), np.append(prefix_opp, opp_last))
        label = "after " + "CD"[own_last] + "CD"[opp_last]
        situations.append((h, spec.p[outcome], label))
    for h, p, label in situations:
        rng = np.random.default_rng(seed + 7)
        cooperations = 0
        for _ in range(n):
            s.reset()
            cooperations += int(s.act(h, rng)) == C
        freq = cooperations / n
        if p in (0.0, 1.0):
            if freq != p:
                _fail(
                    f"{name}: memory-one vector says P(C {label}) = {p:g}, but act() cooperated {freq:.3f}"
                )
        else:
            tol = 4.5 * math.sqrt(p * (1 - p) / n) + 1e-9
            if abs(freq - p) > tol:
                _fail(
                    f"{name}: memory-one vector says P(C {label}) = {p:.4f}, but act() cooperated "
                    f"{freq:.4f} of {n} times"
                )
