"""The strategy interface for the iterated 2x2 game.

A strategy is a small dataclass: its parameters are dataclass fields, its
metadata is one frozen :class:`Meta` on the class, and its play is
:meth:`Strategy.act`, called once a turn with the match so far and a numpy
generator. State kept between turns (counters, grudges) lives in plain
attributes that :meth:`Strategy.reset` sets up, never in fields.

Actions are integers: ``C = 0`` (cooperate, the first action of the stage game)
and ``D = 1`` (defect, the second).

Two optional views let a fast engine play a strategy without calling
:meth:`~Strategy.act` turn by turn:

* :meth:`Strategy.as_fsm` returns a finite-state machine (:class:`FSM`: one
  output action per state and a next state per (own action, opponent action)
  actually played), for deterministic strategies with finitely many states;
* :meth:`Strategy.as_memory_one` returns the cooperation probabilities after
  each outcome of the previous round and the first-move probability
  (:class:`MemoryOneSpec`), for memory-one strategies.

The contract suite :func:`cooplab.testing.strategies.check_strategy` checks that
both views reproduce ``act`` exactly.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from cooplab.repeated.strategies.batch import Batch

__all__ = [
    "ACTION_NAMES",
    "FSM",
    "C",
    "D",
    "History",
    "MatchInfo",
    "MemoryOneSpec",
    "Meta",
    "Strategy",
    "actions_from_string",
    "actions_to_string",
    "check_probability",
]

#: Cooperate (the stage game's first action).
C: int = 0
#: Defect (the stage game's second action).
D: int = 1
ACTION_NAMES = ("C", "D")

IntArray: TypeAlias = npt.NDArray[np.int8]

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

#: The tags a strategy may carry (Axelrod 1984's properties and families).
TAGS = frozenset(
    {
        "nice",  # never the first to defect (before the last moves of a known horizon)
        "retaliating",  # answers an unprovoked defection with a defection
        "forgiving",  # returns to cooperation after the opponent does
        "first_tournament",
        "second_tournament",
        "memory_one",
        "zero_determinant",
        "lookup",
        "finite_state",
        "cycler",
        "prober",
        "majority",
        "grudger",
        "tit_for_tat",
        "uses_match_length",
        "uses_payoffs",
    }
)


# ---------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------
def actions_from_string(text: str, *, what: str = "actions") -> tuple[int, ...]:
    """``"CCD"`` -> ``(0, 0, 1)``. Raises ``ValueError`` on any letter other than C or D."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a string of C and D; got {type(text).__name__}")
    bad = sorted(set(text.upper()) - {"C", "D"})
    if bad:
        raise ValueError(f"{what} must be a string of C and D; got {text!r} (bad: {bad})")
    return tuple(0 if ch == "C" else 1 for ch in text.upper())


def actions_to_string(actions: Iterable[int]) -> str:
    """``(0, 0, 1)`` -> ``"CCD"``."""
    return "".join(ACTION_NAMES[int(a)] for a in actions)


def check_probability(name: str, value: Any) -> float:
    """Return ``value`` as a float in [0, 1], or raise ``ValueError``/``TypeError`` naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a probability (a real number); got {value!r}")
    p = float(value)
    if not (0.0 <= p <= 1.0):  # also rejects nan
        raise ValueError(f"{name} must be a probability in [0, 1]; got {value!r}")
    return p


def check_count(name: str, value: Any, minimum: int = 0) -> int:
    """Return ``value`` as an int ``>= minimum``, or raise naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return int(value)


def check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise naming them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return str(value)


# ---------------------------------------------------------------------------
# Metadata, match information, history
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Meta:
    """What a strategy is, as data (used for filtering and by the engine).

    Parameters
    ----------
    name
        The registry name, snake_case (``"tit_for_tat"``).
    display
        The usual name (``"Tit For Tat"``).
    memory_depth
        How many past rounds the next action depends on (``math.inf`` for
        unbounded), for play without noise from the start of a match. Before
        ``memory_depth`` rounds have been played the action may also depend
        on the turn number. A strategy whose depth depends on its parameters
        reports the actual value through :attr:`Strategy.memory_depth`.
    stochastic
        Whether ``act`` draws from its generator (with the default parameters).
    reference
        Where the strategy comes from (author, year, publication).
    tags
        Properties and families, from :data:`TAGS`.
    uses_match_length
        Whether play depends on :attr:`MatchInfo.turns` (end-game moves).
    uses_payoffs
        Whether play depends on the stage game's payoffs.
    aliases
        Other names the registry accepts (``"grim_trigger"``, ``"pavlov"``).
    """

    name: str
    display: str
    memory_depth: float
    stochastic: bool = False
    reference: str = ""
    tags: frozenset[str] = frozenset()
    uses_match_length: bool = False
    uses_payoffs: bool = False
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in (self.name, *self.aliases):
            if not _SNAKE.match(name):
                raise ValueError(f"a strategy name must be snake_case; got {name!r}")
        depth = self.memory_depth
        if not (depth == math.inf or (float(depth).is_integer() and depth >= 0)):
            raise ValueError(
                f"memory_depth must be a non-negative integer or math.inf; got {depth}"
            )
        object.__setattr__(self, "tags", frozenset(self.tags))
        unknown = self.tags - TAGS
        if unknown:
            raise ValueError(
                f"unknown tags {sorted(unknown)} on {self.name}; known: {sorted(TAGS)}"
            )

    @property
    def deterministic(self) -> bool:
        return not self.stochastic

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "display": self.display,
            "memory_depth": None if self.memory_depth == math.inf else int(self.memory_depth),
            "stochastic": self.stochastic,
            "reference": self.reference,
            "tags": sorted(self.tags),
            "uses_match_length": self.uses_match_length,
            "uses_payoffs": self.uses_payoffs,
            "aliases": list(self.aliases),
        }


#: Prisoner's dilemma payoffs (R, S, T, P) = (3, 0, 5, 1), Axelrod (1980).
PD_PAYOFFS = ((3.0, 0.0), (5.0, 1.0))


@dataclass(frozen=True)
class MatchInfo:
    """What a player is told before a match.

    Parameters
    ----------
    turns
        The number of turns, when announced (Axelrod's tournaments announced
        200); ``None`` when the length is unknown to the players.
    payoffs
        The player's own payoffs, ``payoffs[own][opponent]`` with actions
        ``C = 0`` and ``D = 1``. Default: the prisoner's dilemma
        ``R, S, T, P = 3, 0, 5, 1``.
    opponent_payoffs
        The opponent's payoffs from the opponent's side, same layout.
    noise
        The probability with which each intended action is flipped.
    """

    turns: int | None = None
    payoffs: tuple[tuple[float, float], tuple[float, float]] = PD_PAYOFFS
    opponent_payoffs: tuple[tuple[float, float], tuple[float, float]] = PD_PAYOFFS
    noise: float = 0.0

    def __post_init__(self) -> None:
        if self.turns is not None:
            check_count("turns", self.turns, 0)
        for label in ("payoffs", "opponent_payoffs"):
            m = np.asarray(getattr(self, label), dtype=float)
            if m.shape != (2, 2) or not np.all(np.isfinite(m)):
                raise ValueError(
                    f"{label} must be a finite 2x2 table; got {getattr(self, label)!r}"
                )
            object.__setattr__(self, label, tuple(tuple(float(x) for x in row) for row in m))
        check_probability("noise", self.noise)

    def __deepcopy__(self, memo: dict[int, Any]) -> MatchInfo:
        return self  # immutable

    def __copy__(self) -> MatchInfo:
        return self

    @property
    def R(self) -> float:
        return self.payoffs[0][0]

    @property
    def S(self) -> float:
        return self.payoffs[0][1]

    @property
    def T(self) -> float:
        return self.payoffs[1][0]

    @property
    def P(self) -> float:
        return self.payoffs[1][1]

    def swapped(self) -> MatchInfo:
        """The same match seen by the other player."""
        return dataclasses.replace(
            self, payoffs=self.opponent_payoffs, opponent_payoffs=self.payoffs
        )

    def scores(self, own: IntArray, opponent: IntArray) -> tuple[float, float]:
        """Total payoffs (own, opponent's) of the rounds ``own``, ``opponent``."""
        a = np.asarray(self.payoffs)[own, opponent].sum()
        b = np.asarray(self.opponent_payoffs)[opponent, own].sum()
        return float(a), float(b)


_DEFAULT_INFO = MatchInfo()


class History:
    """The rounds played so far, from one player's side.

    ``own[t]`` and ``opponent[t]`` are the actions actually played at turn
    ``t`` (after noise), as read-only ``int8`` arrays of equal length.
    """

    __slots__ = ("opponent", "own")

    def __init__(self, own: npt.ArrayLike, opponent: npt.ArrayLike) -> None:
        self.own: IntArray = np.asarray(own, dtype=np.int8)
        self.opponent: IntArray = np.asarray(opponent, dtype=np.int8)
        if len(self.own.shape) != 1 or self.own.shape != self.opponent.shape:
            raise ValueError(
                f"own and opponent histories must be 1-D of equal length; got {self.own.shape} and {self.opponent.shape}"
            )

    def __len__(self) -> int:
        return int(self.own.shape[0])

    @property
    def turn(self) -> int:
        """The index of the turn about to be played (= rounds played)."""
        return int(self.own.shape[0])

    @property
    def opponent_defections(self) -> int:
        return int(np.count_nonzero(self.opponent))

    @property
    def opponent_cooperations(self) -> int:
        return len(self) - self.opponent_defections

    @property
    def own_defections(self) -> int:
        return int(np.count_nonzero(self.own))

    @property
    def own_cooperations(self) -> int:
        return len(self) - self.own_defections

    def swapped(self) -> History:
        return History(self.opponent, self.own)

    @classmethod
    def from_strings(cls, own: str, opponent: str) -> History:
        """``History.from_strings("CCD", "CDD")``."""
        return cls(
            actions_from_string(own, what="own"), actions_from_string(opponent, what="opponent")
        )

    def __repr__(self) -> str:
        return f"History(own={actions_to_string(self.own)!r}, opponent={actions_to_string(self.opponent)!r})"


# ---------------------------------------------------------------------------
# Engine views: finite-state machines and memory-one vectors
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class FSM:
    """A deterministic strategy as a finite-state (Moore) machine.

    Parameters
    ----------
    output : array of int, shape (n_states,)
        The action played in each state.
    transitions : array of int, shape (n_states, 2, 2)
        ``transitions[s, own, opp]`` is the next state after a round in state
        ``s`` where the actions actually played (after noise) were ``own`` and
        ``opp``. Without noise ``own == output[s]``.
    initial : int
        The state of the first turn.

    A batch engine plays many machines at once with
    ``state = transitions[state, own, opp]`` over arrays.
    """

    output: IntArray
    transitions: npt.NDArray[np.int32]
    initial: int = 0

    def __post_init__(self) -> None:
        out = np.array(self.output, dtype=np.int8)
        trans = np.array(self.transitions, dtype=np.int32)
        n = out.shape[0] if out.ndim == 1 else -1
        if n < 1:
            raise ValueError(
                f"output must be a non-empty 1-D array of actions; got shape {out.shape}"
            )
        if not np.isin(out, (0, 1)).all():
            raise ValueError("output actions must be 0 (C) or 1 (D)")
        if trans.shape != (n, 2, 2):
            raise ValueError(f"transitions must have shape ({n}, 2, 2); got {trans.shape}")
        if trans.min() < 0 or trans.max() >= n:
            raise ValueError(f"transitions must name states in 0..{n - 1}")
        if not (0 <= int(self.initial) < n):
            raise ValueError(f"initial state must be in 0..{n - 1}; got {self.initial}")
        out.flags.writeable = False
        trans.flags.writeable = False
        object.__setattr__(self, "output", out)
        object.__setattr__(self, "transitions", trans)
        object.__setattr__(self, "initial", int(self.initial))

    @property
    def n_states(self) -> int:
        return int(self.output.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FSM):
            return NotImplemented
        return (
            self.initial == other.initial
            and np.array_equal(self.output, other.output)
            and np.array_equal(self.transitions, other.transitions)
        )

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def from_mealy(
        cls,
        transitions: Mapping[tuple[int, int], tuple[int, int]],
        initial_state: int,
        initial_action: int,
    ) -> FSM:
        """Convert a Mealy machine (action emitted on the transition) to this form.

        ``transitions[(state, opponent_action)] = (next_state, action)``, the
        form of Miller (1996) and Ashlock's machines (and Axelrod's
        ``FSMPlayer``): the first move is ``initial_action`` and each later
        move is emitted when the machine reads the opponent's last action.
        The Moore states are the reachable pairs (Mealy state, last action).
        """
        start = (int(initial_state), int(initial_action))
        index = {start: 0}
        order = [start]
        rows: list[list[list[int]]] = []
        i = 0
        while i < len(order):
            state, _ = order[i]
            row = []
            for opp in (0, 1):
                if (state, opp) not in transitions:
                    raise ValueError(f"no transition from state {state} on action {opp}")
                nxt = tuple(int(x) for x in transitions[(state, opp)])
                if nxt not in index:
                    index[nxt] = len(order)
                    order.append(nxt)  # type: ignore[arg-type]
                row.append(index[nxt])  # type: ignore[index]
            rows.append([row, row])  # the own action played does not matter
            i += 1
        output = [action for _, action in order]
        return cls(np.array(output), np.array(rows), 0)

    def minimized(self) -> FSM:
        """The equivalent machine with the fewest states (Moore partition refinement),
        keeping only states reachable from the initial one."""
        # reachable states
        seen = {self.initial}
        stack = [self.initial]
        while stack:
            s = stack.pop()
            for t in self.transitions[s].ravel():
                if int(t) not in seen:
                    seen.add(int(t))
                    stack.append(int(t))
        states = sorted(seen)
        block = {s: int(self.output[s]) for s in states}
        while True:
            signature = {
                s: (block[s], *(block[int(t)] for t in self.transitions[s].ravel())) for s in states
            }
            labels: dict[tuple[int, ...], int] = {}
            new = {s: labels.setdefault(signature[s], len(labels)) for s in states}
            if len(labels) == len(set(block.values())):
                block = new
                break
            block = new
        # renumber so that the initial state is 0 and others in first-visit order
        order: dict[int, int] = {}
        queue = [block[self.initial]]
        rep = {}
        for s in states:
            rep.setdefault(block[s], s)
        while queue:
            b = queue.pop(0)
            if b in order:
                continue
            order[b] = len(order)
            for t in self.transitions[rep[b]].ravel():
                if block[int(t)] not in order:
                    queue.append(block[int(t)])
        n = len(order)
        output = np.zeros(n, dtype=np.int8)
        trans = np.zeros((n, 2, 2), dtype=np.int32)
        for b, k in order.items():
            s = rep[b]
            output[k] = self.output[s]
            for own in (0, 1):
                for opp in (0, 1):
                    trans[k, own, opp] = order[block[int(self.transitions[s, own, opp])]]
        return FSM(output, trans, 0)

    def play(self, own: Sequence[int], opponent: Sequence[int]) -> IntArray:
        """The intended action at each turn, given the rounds actually played.

        Returns an array of length ``len(own) + 1`` (one more: the next move).
        """
        state = self.initial
        out = np.empty(len(own) + 1, dtype=np.int8)
        for t in range(len(own)):
            out[t] = self.output[state]
            state = int(self.transitions[state, int(own[t]), int(opponent[t])])
        out[len(own)] = self.output[state]
        return out


@dataclass(frozen=True)
class MemoryOneSpec:
    """A memory-one strategy: cooperation probabilities after each outcome.

    ``p[0..3]`` is the probability of cooperating after the previous round was
    CC, CD, DC, DD (own action first); ``initial`` the probability of
    cooperating on the first move.
    """

    p: tuple[float, float, float, float]
    initial: float = 1.0

    def __post_init__(self) -> None:
        if len(self.p) != 4:
            raise ValueError(f"a memory-one strategy has 4 probabilities; got {len(self.p)}")
        object.__setattr__(
            self, "p", tuple(check_probability(f"p[{k}]", v) for k, v in enumerate(self.p))
        )
        object.__setattr__(self, "initial", check_probability("initial", self.initial))

    @property
    def deterministic(self) -> bool:
        return all(v in (0.0, 1.0) for v in (*self.p, self.initial))

    def as_fsm(self) -> FSM | None:
        """The machine of a deterministic memory-one strategy (None if stochastic)."""
        if not self.deterministic:
            return None
        # state k in 0..3: last round was outcome k; state 4: first move.
        output = np.array([0 if v == 1.0 else 1 for v in (*self.p, self.initial)], dtype=np.int8)
        trans = np.empty((5, 2, 2), dtype=np.int32)
        for own in (0, 1):
            for opp in (0, 1):
                trans[:, own, opp] = 2 * own + opp
        return FSM(output, trans, 4).minimized()


# ---------------------------------------------------------------------------
# The base class
# ---------------------------------------------------------------------------
@dataclass(eq=True, repr=True)
class Strategy:
    """Base class of all strategies.

    Subclasses are dataclasses whose fields are the parameters; they set the
    class attribute ``meta`` and implement :meth:`act`; those with state
    between turns override :meth:`_reset` (called by :meth:`reset`).
    """

    meta: ClassVar[Meta]

    def __post_init__(self) -> None:
        self.validate()
        self.reset()

    # -- parameters -----------------------------------------------------------
    def validate(self) -> None:
        """Check the parameters; raise ``ValueError``/``TypeError`` naming a bad one."""

    @property
    def params(self) -> dict[str, Any]:
        """The parameters (dataclass fields) and their values."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    # -- metadata --------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def display(self) -> str:
        """The usual name, with the parameters that differ from the defaults."""
        changed = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)
            if f.default is not dataclasses.MISSING and getattr(self, f.name) != f.default
        ]
        return self.meta.display + (f" ({', '.join(changed)})" if changed else "")

    @property
    def memory_depth(self) -> float:
        """The memory depth of this instance (may depend on the parameters)."""
        return self.meta.memory_depth

    @property
    def stochastic(self) -> bool:
        """Whether this instance draws random numbers (may depend on the parameters)."""
        return self.meta.stochastic

    # -- play -------------------------------------------------------------------
    def reset(self, match_info: MatchInfo | None = None) -> None:
        """Forget any previous match and get ready for a new one."""
        if match_info is not None and not isinstance(match_info, MatchInfo):
            raise TypeError(
                f"match_info must be a MatchInfo or None; got {type(match_info).__name__}"
            )
        self.match_info = match_info if match_info is not None else _DEFAULT_INFO
        self._reset()

    def _reset(self) -> None:
        """Set up the state kept between turns (subclasses with state override this)."""

    def act(self, history: History, rng: np.random.Generator) -> int:
        """The intended action (``C = 0`` or ``D = 1``) at turn ``len(history)``.

        Called once per turn, in order, after :meth:`reset`.
        """
        raise NotImplementedError

    # -- engine views -------------------------------------------------------------
    #: Stateless strategies whose play depends only on the last ``memory_depth``
    #: rounds set this, and get their machine from :func:`window_fsm`.
    fsm_window: ClassVar[bool] = False

    def as_fsm(self, *, max_states: int = 4096) -> FSM | None:
        """This strategy as a finite-state machine, or ``None`` when it is not one.

        The machine is for the current :attr:`match_info` (call :meth:`reset`
        with the match's info first when play depends on the payoffs). It is
        found by exploring the states :meth:`fsm_key` names (see
        :func:`explore_fsm`) and minimised.
        """
        spec = self.as_memory_one()
        if spec is not None:
            return spec.as_fsm()
        if self.stochastic:
            return None
        return explore_fsm(self, max_states=max_states)

    def fsm_key(self, history: History) -> Hashable | None:
        """A hashable summary of everything future play depends on, taken at the
        start of turn ``len(history)`` (after the previous ``act``), or ``None``
        when the strategy is not finite-state.

        Two moments with equal keys must lead to the same play whatever
        happens next; the contract suite checks the resulting machine against
        :meth:`act`, with noise.
        """
        if self.fsm_window and self.memory_depth != math.inf:
            k = int(self.memory_depth)
            if k == 0:
                return ()
            return (history.own[-k:].tobytes(), history.opponent[-k:].tobytes())
        return None

    def as_memory_one(self) -> MemoryOneSpec | None:
        """This strategy's memory-one vector, or ``None`` when it is not memory-one."""
        return None

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch | None:
        """This strategy played in ``n`` matches at once on arrays (see
        :mod:`cooplab.repeated.strategies.batch`), or ``None`` when it has no
        batched twin (the engine then uses a table or asks :meth:`act`).

        Called on a copy reset for the matches (its :attr:`match_info` has the
        payoffs); ``turns`` gives each match's announced length, or is ``None``
        when the length is not announced. The batch must play exactly what
        :meth:`act` plays.
        """
        return None

    def turns_left(self, history: History) -> int | None:
        """Turns left including the current one, when the length is known."""
        turns = self.match_info.turns
        return None if turns is None else turns - len(history)


_IMMUTABLE = (int, float, bool, str, bytes, type(None), MatchInfo)


def _clone(strategy: Strategy) -> Strategy:
    """A deep copy of a strategy; when its attributes are all immutable values
    (the usual case: counters and flags), a new instance sharing them, which
    is many times faster than ``copy.deepcopy``."""
    import copy

    state = getattr(strategy, "__dict__", None)
    cls = type(strategy)
    if (
        state is not None
        and not hasattr(cls, "__slots__")
        and getattr(cls, "__deepcopy__", None) is None
        and all(type(v) in _IMMUTABLE for v in state.values())
    ):
        twin = cls.__new__(cls)
        twin.__dict__.update(state)
        return twin
    return copy.deepcopy(strategy)


def explore_fsm(strategy: Strategy, *, max_states: int = 4096) -> FSM | None:
    """Build a deterministic strategy's machine by breadth-first search over the
    states named by :meth:`Strategy.fsm_key`.

    Each state keeps a copy of the strategy at the start of a turn and one
    history that reaches it; its output is what ``act`` plays there, and its
    successors are the four rounds that can follow (the own action may differ
    from the output under noise). Returns ``None`` when ``fsm_key`` gives
    ``None`` or there are more than ``max_states`` states.
    """
    rng = np.random.default_rng(0)
    start = _clone(strategy)
    start.reset(strategy.match_info)
    empty = History(np.zeros(0, np.int8), np.zeros(0, np.int8))
    key = start.fsm_key(empty)
    if key is None:
        return None
    index: dict[Hashable, int] = {key: 0}
    frontier: list[tuple[Strategy, History]] = [(start, empty)]
    output: list[int] = []
    rows: list[list[list[int]]] = []
    i = 0
    while i < len(frontier):
        node, hist = frontier[i]
        moved = _clone(node)
        output.append(int(moved.act(hist, rng)))
        row = []
        for own in (0, 1):
            cells = []
            for opp in (0, 1):
                nxt_hist = History(np.append(hist.own, own), np.append(hist.opponent, opp))
                k = moved.fsm_key(nxt_hist)  # a key only reads the strategy
                if k is None:
                    return None
                if k not in index:
                    if len(index) >= max_states:
                        return None
                    index[k] = len(frontier)
                    frontier.append((_clone(moved), nxt_hist))
                cells.append(index[k])
            row.append(cells)
        rows.append(row)
        i += 1
    return FSM(np.array(output), np.array(rows), 0).minimized()


def variant(
    base: type[Strategy],
    class_name: str,
    name: str,
    display: str,
    doc: str,
    *,
    module: str,
    memory_depth: float | None = None,
    reference: str | None = None,
    tags: Iterable[str] | None = None,
    **defaults: Any,
) -> type[Strategy]:
    """A registered preset of ``base``: a dataclass subclass whose parameters
    have new defaults and whose :class:`Meta` has a new name.

    Assign the result to a module-level name equal to ``class_name`` (in
    ``module``), so that instances pickle.
    """
    annotations = {f.name: f.type for f in dataclasses.fields(base)}  # type: ignore[arg-type]
    unknown = set(defaults) - set(annotations)
    if unknown:
        raise TypeError(f"{base.__name__} has no parameter {sorted(unknown)}")
    meta = dataclasses.replace(
        base.meta,
        name=name,
        display=display,
        memory_depth=base.meta.memory_depth if memory_depth is None else memory_depth,
        reference=base.meta.reference if reference is None else reference,
        tags=base.meta.tags if tags is None else frozenset(tags),
        aliases=(),
    )
    namespace: dict[str, Any] = {
        "__doc__": doc,
        "__module__": module,
        "__qualname__": class_name,
        "__annotations__": {k: annotations[k] for k in defaults},
        "meta": meta,
        **defaults,
    }
    return dataclass(eq=True)(type(class_name, (base,), namespace))
