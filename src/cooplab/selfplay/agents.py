"""Players of board games behind one interface.

Every agent has ``act(game, state, rng) -> action`` for one position (batch
1) and ``act_batch(game, states, rng) -> actions (B,)`` for many, which the
arena uses to play many games at once (an MCTS agent then searches all the
positions as one batch of trees). An agent only proposes a move: the arena
checks it and raises :class:`IllegalMoveError`, naming the agent, when it is
not legal.

Agents are built from short specs by :func:`make_agent`:

========================  ==================================================
``random``                uniform over legal moves
``alphabeta:D``           negamax with alpha-beta to depth ``D`` plies, the
                          game's heuristic at the frontier, ties at random
``perfect``               exact search (tic-tac-toe only): a random choice
                          among all game-theoretically optimal moves
``mcts:N``                UCT with ``N`` simulations and random rollouts
``human``                 a person at the terminal (re-prompted on illegal moves)
``alphazero:PATH[@N]``    a trained AlphaZero network (``checkpoint.pt`` or
                          ``best.pt``; torch), PUCT with ``N`` simulations
                          (64 by default, 0 plays the policy head's move)
========================  ==================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from cooplab.games.board import BoardGame, BoardState
from cooplab.runtime.registry import Registry
from cooplab.runtime.rng import RngLike, as_generator
from cooplab.selfplay.alphabeta import AlphaBeta
from cooplab.selfplay.mcts import MCTS

__all__ = [
    "AGENT_KINDS",
    "Agent",
    "AgentKind",
    "AlphaBetaAgent",
    "BaseAgent",
    "HumanAgent",
    "IllegalMoveError",
    "MCTSAgent",
    "PerfectAgent",
    "RandomAgent",
    "check_action",
    "make_agent",
]


class IllegalMoveError(ValueError):
    """An agent (a program, not a person) proposed an illegal move."""


@runtime_checkable
class Agent(Protocol):
    """What the arena needs of a player."""

    name: str

    def act(self, game: BoardGame, state: BoardState, rng: RngLike = None) -> int: ...

    def act_batch(
        self, game: BoardGame, states: BoardState, rng: RngLike = None
    ) -> npt.NDArray[np.int64]: ...


class BaseAgent:
    """Defaults: ``act`` is ``act_batch`` on one row; ``act_batch`` loops over ``act``.

    A subclass overrides at least one of them.
    """

    name: str = "agent"
    #: True for a person: the arena then re-prompts instead of raising on illegal moves.
    interactive: bool = False

    def act(self, game: BoardGame, state: BoardState, rng: RngLike = None) -> int:
        if type(self).act_batch is BaseAgent.act_batch:
            raise NotImplementedError(f"{type(self).__name__} implements neither act nor act_batch")
        return int(self.act_batch(game, state, rng)[0])

    def act_batch(
        self, game: BoardGame, states: BoardState, rng: RngLike = None
    ) -> npt.NDArray[np.int64]:
        if type(self).act is BaseAgent.act:
            raise NotImplementedError(f"{type(self).__name__} implements neither act nor act_batch")
        gen = as_generator(rng)
        return np.array([self.act(game, states[i], gen) for i in range(states.batch)], np.int64)

    def __repr__(self) -> str:
        return f"<agent {self.name}>"


def _random_choice(mask: npt.NDArray[np.bool_], gen: np.random.Generator) -> npt.NDArray[np.int64]:
    """One uniformly random True column per row of ``mask``."""
    return np.argmax(gen.random(mask.shape) * mask + mask, axis=1).astype(np.int64)


class RandomAgent(BaseAgent):
    """Uniformly random legal moves."""

    name = "random"

    def act_batch(
        self, game: BoardGame, states: BoardState, rng: RngLike = None
    ) -> npt.NDArray[np.int64]:
        return _random_choice(game.legal_mask(states), as_generator(rng))


class AlphaBetaAgent(BaseAgent):
    """Alpha-beta to a fixed depth; a random choice among the moves of the best value.

    The transposition table is kept between moves (per game), as a chess
    engine keeps its hash between moves.
    """

    def __init__(self, depth: int | None) -> None:
        self.depth = depth
        self.name = "perfect" if depth is None else f"alphabeta:{depth}"
        self._searchers: dict[str, AlphaBeta] = {}

    def _searcher(self, game: BoardGame) -> AlphaBeta:
        if game.name not in self._searchers:
            self._searchers[game.name] = AlphaBeta(game, self.depth)
        return self._searchers[game.name]

    def act(self, game: BoardGame, state: BoardState, rng: RngLike = None) -> int:
        result = self._searcher(game).solve(state, all_moves=True)
        moves = result.best_moves
        return int(moves[int(as_generator(rng).integers(len(moves)))])


class PerfectAgent(AlphaBetaAgent):
    """Exact search to the end of the game: never loses a game that can be held.

    Only for tic-tac-toe: Connect Four (4.5 trillion positions) and 6x6
    Othello are far too deep for exact search from the opening here.
    """

    GAMES = ("tic_tac_toe",)

    def __init__(self) -> None:
        super().__init__(None)

    def _searcher(self, game: BoardGame) -> AlphaBeta:
        if game.name not in self.GAMES:
            raise ValueError(
                f"the perfect agent plays {', '.join(self.GAMES)} only; for {game.name} use "
                "alphabeta:D or mcts:N"
            )
        return super()._searcher(game)


class MCTSAgent(BaseAgent):
    """UCT with random rollouts: the most visited root move after ``N`` simulations.

    ``act_batch`` searches all positions at once, one tree each.
    """

    def __init__(self, num_simulations: int, **options: Any) -> None:
        self.num_simulations = num_simulations
        self.options = options
        self.name = f"mcts:{num_simulations}"
        self._searches: dict[str, MCTS] = {}

    def act_batch(
        self, game: BoardGame, states: BoardState, rng: RngLike = None
    ) -> npt.NDArray[np.int64]:
        if game.name not in self._searches:
            self._searches[game.name] = MCTS(game, self.num_simulations, **self.options)
        return self._searches[game.name].search(states, as_generator(rng)).action


class HumanAgent(BaseAgent):
    """A person at the terminal: shows the board, reads a move, asks again until it is legal.

    Parameters
    ----------
    input_fn, output_fn
        How to read a line and show text (``input`` and ``print``; tests pass others).
    """

    name = "human"
    interactive = True

    def __init__(
        self,
        input_fn: Callable[[str], str] | None = None,
        output_fn: Callable[[str], Any] | None = None,
    ) -> None:
        # looked up at call time, so a test's monkeypatched input is seen
        self.input_fn = input_fn or (lambda prompt: input(prompt))
        self.output_fn = output_fn or (lambda text: print(text))

    def act(self, game: BoardGame, state: BoardState, rng: RngLike = None) -> int:
        legal = np.flatnonzero(game.legal_mask(state)[0])
        names = [game.action_to_string(int(a)) for a in legal]
        self.output_fn(game.render(state))
        while True:
            try:
                text = self.input_fn(f"your move ({', '.join(names)}): ")
            except EOFError:
                raise ValueError("no more input: the human player left the game") from None
            try:
                action = game.parse_action(text)
            except ValueError as err:
                self.output_fn(f"{err}; try again")
                continue
            if action not in legal:
                self.output_fn(
                    f"{game.action_to_string(action)} is not legal here; legal: {', '.join(names)}"
                )
                continue
            return int(action)


# ---------------------------------------------------------------------------
# Specs
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AgentKind:
    """A kind of agent in specs: ``name`` or ``name:argument``."""

    name: str
    build: Callable[[str | None], BaseAgent]
    argument: str  # what the argument is, for messages and help; "" for none
    help: str


def _int_arg(kind: str, what: str, text: str | None, minimum: int = 1) -> int:
    if text is None:
        raise ValueError(f"agent {kind} needs {what}: write {kind}:N")
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"agent {kind}:{text}: {what} must be an integer; got {text!r}") from None
    if value < minimum:
        raise ValueError(f"agent {kind}:{text}: {what} must be at least {minimum}")
    return value


def _no_arg(kind: str, build: Callable[[], BaseAgent]) -> Callable[[str | None], BaseAgent]:
    def make(text: str | None) -> BaseAgent:
        if text is not None:
            raise ValueError(f"agent {kind} takes no argument; got {kind}:{text}")
        return build()

    return make


AGENT_KINDS: Registry[AgentKind] = Registry(
    "agent",
    (
        AgentKind("random", _no_arg("random", RandomAgent), "", "uniformly random legal moves"),
        AgentKind(
            "alphabeta",
            lambda t: AlphaBetaAgent(_int_arg("alphabeta", "the depth", t)),
            "depth",
            "alpha-beta to a depth in plies, heuristic at the frontier",
        ),
        AgentKind("perfect", _no_arg("perfect", PerfectAgent), "", "exact search (tic-tac-toe)"),
        AgentKind(
            "mcts",
            lambda t: MCTSAgent(_int_arg("mcts", "the number of simulations", t)),
            "simulations",
            "UCT with random rollouts",
        ),
        AgentKind("human", _no_arg("human", HumanAgent), "", "you, at the terminal"),
        AgentKind(
            "alphazero",
            lambda t: _alphazero_agent(t),
            "checkpoint[@simulations]",
            "a trained AlphaZero network (torch)",
        ),
    ),
    key=lambda k: k.name,
)


def _alphazero_agent(text: str | None) -> BaseAgent:
    if not text:
        raise ValueError(
            "agent alphazero needs a checkpoint: write alphazero:PATH or alphazero:PATH@N"
        )
    path, at, sims = text.rpartition("@")
    if not at:
        path, sims = text, "64"
    n = _int_arg("alphazero", "the number of simulations", sims, minimum=0)
    # imported here: alphazero imports this module
    from cooplab.selfplay.alphazero import CheckpointAgent

    return CheckpointAgent(path, simulations=n)


def make_agent(spec: str | BaseAgent) -> BaseAgent:
    """An agent from a spec: ``random``, ``alphabeta:4``, ``perfect``, ``mcts:1000``, ``human``.

    An agent object is returned as is. Unknown kinds and bad arguments raise
    ``ValueError`` naming the spec and the known kinds.

    Examples
    --------
    >>> make_agent("mcts:200").name
    'mcts:200'
    """
    if isinstance(spec, BaseAgent):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"an agent spec is a string like 'mcts:100'; got {type(spec).__name__}")
    kind, _, arg = spec.strip().partition(":")
    try:
        entry = AGENT_KINDS[kind]
    except KeyError as err:
        where = "" if kind == spec.strip() else f" in the spec {spec!r}"
        raise ValueError(f"{err}{where}") from None
    return entry.build(arg if arg != "" or ":" in spec else None)


def check_action(
    agent: BaseAgent, game: BoardGame, states: BoardState, actions: Any
) -> npt.NDArray[np.int64]:
    """The agent's ``actions`` for ``states``, checked: an illegal one raises naming the agent."""
    a = np.asarray(actions)
    if a.shape != (states.batch,) or not (a.size == 0 or np.issubdtype(a.dtype, np.integer)):
        raise IllegalMoveError(
            f"agent {agent.name} returned {a.dtype} actions of shape {a.shape}; expected "
            f"{states.batch} integers"
        )
    a = a.astype(np.int64)
    ok = (a >= 0) & (a < game.num_actions)
    legal = game.legal_mask(states)
    ok[ok] &= legal[np.flatnonzero(ok), a[ok]]
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise IllegalMoveError(
            f"agent {agent.name} played the illegal move {int(a[i])} in {game.name} "
            f"(legal: {[game.action_to_string(int(x)) for x in np.flatnonzero(legal[i])]}) "
            f"at\n{game.render(states, i)}"
        )
    return a
