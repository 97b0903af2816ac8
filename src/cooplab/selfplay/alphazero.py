"""AlphaZero: self-play with PUCT search guided by a policy-value network.

The training loop of AlphaZero (Silver et al. 2018, "A general reinforcement
learning algorithm that masters chess, shogi, and Go through self-play",
Science 362) and AlphaGo Zero (Silver et al. 2017, Nature 550), at laptop
scale, for the board games of :mod:`cooplab.games.board`. One
:meth:`AlphaZeroTrainer.step` is one iteration:

1. **Self-play.** ``games_per_step`` games are played at once. At every move
   each game runs PUCT (:func:`puct`, the batched search of :mod:`cooplab.selfplay.mcts`) from its position with
   ``simulations`` simulations; the leaves of all games are evaluated by the
   network in one batch. Dirichlet noise ``Dir(alpha)`` is mixed into the
   root priors with weight ``eps``. The move is drawn in proportion to the
   root visit counts for the first ``temperature_moves`` moves of a game
   (temperature 1) and is the most visited move after (temperature -> 0).
   Forced playouts (Wu 2019, KataGo) give every root move at least
   ``sqrt(k P N)`` simulations, and are pruned from the counts the move and
   the policy target come from (``forced_playouts``; see
   :mod:`cooplab.selfplay.mcts`).
2. **Replay.** Each position is stored with the visit distribution at its
   root (the policy target) and the game's outcome for the player who moved
   there (the value target, +1/0/-1).
3. **Training.** ``train_batches`` minibatches drawn uniformly from the
   buffer, each position mapped by a random symmetry of the board
   (:func:`cooplab.selfplay.network.symmetries`), minimise
   ``(z - v)^2 - pi . log p`` with Adam and weight decay.
4. **Evaluation**, every ``eval_every`` steps: the network against the
   previous best network (it becomes the best when it scores at least
   ``best_threshold``) and against the uniformly random player, both without
   noise, with ``eval_simulations`` simulations a move.

Checkpoints (every ``checkpoint_every`` steps and at the end of
:meth:`~AlphaZeroTrainer.train`) hold the whole state (networks, optimiser,
replay buffer, the random generator, the history) as tensors and plain
values, written atomically; they load with ``torch.load(weights_only=True)``.
:meth:`AlphaZeroTrainer.resume` continues a killed run from its last
checkpoint: with the same number of torch threads the continued run equals an
uninterrupted one, number for number.

Search runs over all the games of a step at once
(:func:`cooplab.selfplay.mcts.mcts_search`: one tree per game in preallocated
arrays), so each simulation evaluates the leaves of every game in one network
call.

torch is imported only inside functions: importing this module does not
need the ``learn`` extra, training does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from cooplab.games.board import DRAW, BoardGame, BoardState, get_board_game
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import RngLike, as_generator
from cooplab.runtime.store import atomic_write_bytes
from cooplab.selfplay.agents import BaseAgent, RandomAgent, make_agent
from cooplab.selfplay.arena import play_match

if TYPE_CHECKING:
    from cooplab.selfplay.network import PolicyValueNet

__all__ = [
    "FORMAT",
    "AlphaZeroConfig",
    "AlphaZeroTrainer",
    "CheckpointAgent",
    "CheckpointMismatchError",
    "EvalRecord",
    "Evaluate",
    "NetworkAgent",
    "StepRecord",
    "load_network",
    "puct",
    "self_play",
    "torch_threads",
]

log = logging.getLogger(__name__)

FORMAT = "cooplab-alphazero-checkpoint-1"

#: ``evaluate(states) -> (priors (B, A), values (B,))``: priors over the legal
#: actions, values for the player to move, in [-1, 1].
Evaluate = Callable[[BoardState], tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with ``n`` torch threads (``n <= 0``: leave the setting), then restore it."""
    import torch

    if n <= 0 or torch.get_num_threads() == n:
        yield
        return
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


class CheckpointMismatchError(ValueError):
    """A checkpoint of another game or network architecture than the one asked for."""


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------
def puct(
    game: BoardGame,
    states: BoardState,
    evaluate: Evaluate,
    simulations: int,
    *,
    c_puct: float = 1.5,
    dirichlet_alpha: float | None = None,
    dirichlet_eps: float = 0.25,
    forced_playouts: float = 0.0,
    rng: RngLike = None,
) -> npt.NDArray[np.float64]:
    """Root visit counts ``(B, A)`` of PUCT from ``B`` positions at once, one tree each.

    :func:`cooplab.selfplay.mcts.mcts_search` with ``rule="puct"`` (selection
    ``Q + c P sqrt(N) / (1 + n)``, Silver et al. 2017), the network's leaves
    of all trees evaluated in one call per simulation; Dirichlet noise on the
    root priors when ``dirichlet_alpha`` is given. With ``forced_playouts =
    k > 0`` every root child is searched at least ``sqrt(k P N)`` times and
    the counts returned are the pruned ones
    (:attr:`~cooplab.selfplay.mcts.SearchResult.target_visits`, Wu 2019).
    """
    from cooplab.selfplay.mcts import mcts_search

    result = mcts_search(
        game,
        states,
        simulations,
        rule="puct",
        evaluate=evaluate,
        c=c_puct,
        dirichlet_alpha=dirichlet_alpha,
        dirichlet_fraction=dirichlet_eps,
        forced_playouts=forced_playouts,
        rng=rng,
    )
    return result.target_visits


def _choose(
    visits: npt.NDArray[np.float64],
    sample: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> npt.NDArray[np.int64]:
    """Per row: an action drawn in proportion to the visits where ``sample``, else the most
    visited (ties broken at random)."""
    B = visits.shape[0]
    u = rng.random(visits.shape)
    best = np.where(visits == visits.max(axis=1, keepdims=True), u, -1.0).argmax(axis=1)
    p = visits / visits.sum(axis=1, keepdims=True)
    drawn = (p.cumsum(axis=1) > rng.random(B)[:, None]).argmax(axis=1)
    # A draw can land on a zero-visit action only through rounding at the end: never pick one.
    drawn = np.where(visits[np.arange(B), drawn] > 0, drawn, best)
    return np.where(sample, drawn, best).astype(np.int64)


# ---------------------------------------------------------------------------
# Self-play and matches
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SelfPlayBatch:
    """The positions of a batch of self-play games, ready for the replay buffer.

    Positions are in order game by game, each game's moves in play order.
    """

    planes: npt.NDArray[np.float32]  # (n, C, rows, cols)
    policies: npt.NDArray[np.float32]  # (n, A)
    values: npt.NDArray[np.float32]  # (n,) outcome for the mover
    outcomes: npt.NDArray[np.int8]  # (games,) board outcome codes
    lengths: npt.NDArray[np.int64]  # (games,)


def _set_rows(full: BoardState, rows: npt.NDArray[np.int64], part: BoardState) -> BoardState:
    out = full.copy()
    for f in dataclasses.fields(BoardState):
        getattr(out, f.name)[rows] = getattr(part, f.name)
    return out


def self_play(
    game: BoardGame,
    evaluate: Evaluate,
    games: int,
    *,
    simulations: int,
    c_puct: float = 1.5,
    dirichlet_alpha: float | None = 1.0,
    dirichlet_eps: float = 0.25,
    temperature_moves: int = 4,
    forced_playouts: float = 0.0,
    rng: RngLike = None,
) -> SelfPlayBatch:
    """Play ``games`` games of ``game`` against itself at once with PUCT and ``evaluate``.

    Every position gets the root visit distribution as its policy target and
    the final outcome for its mover as its value target. With
    ``forced_playouts = k > 0`` the searches force visits to every root child
    (Wu 2019), and moves and policy targets come from the pruned counts
    (see :func:`puct`).
    """
    rng = as_generator(rng)
    states = game.initial_states(games)
    planes, policies, players, which = [], [], [], []
    while True:
        ongoing = np.flatnonzero(~game.is_terminal(states))
        if ongoing.size == 0:
            break
        s = states.take(ongoing)
        visits = puct(
            game,
            s,
            evaluate,
            simulations,
            c_puct=c_puct,
            dirichlet_alpha=dirichlet_alpha,
            dirichlet_eps=dirichlet_eps,
            forced_playouts=forced_playouts,
            rng=rng,
        )
        planes.append(game.encode(s))
        policies.append((visits / visits.sum(axis=1, keepdims=True)).astype(np.float32))
        players.append(game.to_play(s))
        which.append(ongoing)
        actions = _choose(visits, s.moves < temperature_moves, rng)
        states = _set_rows(states, ongoing, game.step(s, actions, validate=False))
    returns = game.returns(states)  # (games, 2)
    which_a, players_a = np.concatenate(which), np.concatenate(players)
    order = np.argsort(which_a, kind="stable")  # game by game, moves in order
    return SelfPlayBatch(
        planes=np.concatenate(planes)[order],
        policies=np.concatenate(policies)[order],
        values=returns[which_a, players_a].astype(np.float32)[order],
        outcomes=states.outcome.copy(),
        lengths=states.moves.astype(np.int64),
    )


class NetworkAgent(BaseAgent):
    """A trained network as a player: PUCT with ``simulations`` simulations, no noise.

    ``simulations=0`` plays the network's most probable legal move without
    search. Moves are the most visited root action, ties broken at random.
    ``threads`` torch threads are used inside its calls (see
    :attr:`AlphaZeroConfig.threads`).
    An agent of :mod:`cooplab.selfplay.agents` (``act`` and the batched
    ``act_batch``), so the arena can play it against any other.
    """

    def __init__(
        self,
        net: PolicyValueNet,
        game: BoardGame | str,
        *,
        simulations: int = 50,
        c_puct: float = 1.5,
        name: str | None = None,
        threads: int = 1,
    ) -> None:
        from cooplab.selfplay.network import evaluator

        self.game = get_board_game(game)
        if net.spec.game != self.game.name:
            raise CheckpointMismatchError(
                f"a network for {net.spec.game} cannot play {self.game.name}"
            )
        if isinstance(simulations, bool) or not isinstance(simulations, int) or simulations < 0:
            raise ValueError(f"simulations must be a non-negative integer; got {simulations!r}")
        self.net = net
        self.simulations = simulations
        self.c_puct = c_puct
        self.threads = threads
        self.name = name or f"alphazero-{simulations}"
        self._evaluate = evaluator(net, self.game)

    def act_batch(self, game: BoardGame, states: BoardState, rng: RngLike = None) -> Any:
        rng = as_generator(rng)
        if game.name != self.game.name:
            raise ValueError(f"{self.name} plays {self.game.name}, not {game.name}")
        with torch_threads(self.threads):
            return self._act_batch(game, states, rng)

    def _act_batch(self, game: BoardGame, states: BoardState, rng: np.random.Generator) -> Any:
        if self.simulations == 0:
            priors, _ = self._evaluate(states)
            return _choose(priors, np.zeros(states.batch, dtype=bool), rng)
        visits = puct(game, states, self._evaluate, self.simulations, c_puct=self.c_puct, rng=rng)
        return _choose(visits, np.zeros(states.batch, dtype=bool), rng)

    def act(self, game: BoardGame, state: BoardState, rng: RngLike = None) -> int:
        if state.batch != 1:
            raise ValueError(
                f"act takes one position; got a batch of {state.batch} (use act_batch)"
            )
        return int(self.act_batch(game, state, rng)[0])

    def __repr__(self) -> str:
        return f"NetworkAgent({self.game.name}, simulations={self.simulations})"


class CheckpointAgent(BaseAgent):
    """The network of an AlphaZero checkpoint as an agent (the spec ``alphazero:PATH[@N]``).

    The network is loaded (``torch.load(weights_only=True)``) the first time
    the agent moves, for the game it is asked to play: a checkpoint of another
    game is refused then, with both named. Plays as :class:`NetworkAgent` with
    ``simulations`` PUCT simulations a move.
    """

    def __init__(self, path: Path | str, simulations: int = 64) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no AlphaZero checkpoint at {self.path}")
        if isinstance(simulations, bool) or not isinstance(simulations, int) or simulations < 0:
            raise ValueError(f"simulations must be a non-negative integer; got {simulations!r}")
        self.simulations = simulations
        self.name = f"alphazero:{self.path}@{simulations}"
        self._agent: NetworkAgent | None = None

    def act_batch(self, game: BoardGame, states: BoardState, rng: RngLike = None) -> Any:
        if self._agent is None or self._agent.game.name != game.name:
            net = load_network(self.path, game)
            self._agent = NetworkAgent(net, game, simulations=self.simulations, name=self.name)
        return self._agent.act_batch(game, states, rng)


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AlphaZeroConfig:
    """Everything that determines an AlphaZero run.

    Attributes
    ----------
    game
        A board game name (``tic_tac_toe``, ``connect_four``, ``othello6``).
    channels, blocks, hidden
        The network (:class:`~cooplab.selfplay.network.NetworkSpec`).
    games_per_step
        Self-play games played at once in one step.
    simulations
        PUCT simulations per self-play move.
    c_puct
        Exploration constant.
    dirichlet_alpha, dirichlet_eps
        Root noise in self-play (AlphaZero used alpha about 10 / typical
        number of legal moves: 0.3 for chess; here about 1).
    temperature_moves
        Moves of each game drawn in proportion to the visits; the rest are
        the most visited.
    forced_playouts
        ``k`` of forced playouts and policy target pruning in self-play (Wu
        2019, "Accelerating Self-Play Learning in Go", section 3.1; KataGo
        uses 2; 0 turns them off): every root child gets at least ``sqrt(k P
        N)`` simulations, ``P`` its prior after the Dirichlet noise, so a
        move the noise proposes is searched a few plies deep even when the
        network's value of it is confidently wrong; the forced visits are
        pruned from the policy target again. Without them a winning move the
        network misjudges gets one simulation and is never played in
        self-play, so the misjudged position never enters the replay buffer
        and the blind spot is never trained away (tic-tac-toe: the
        ``self-play`` experiment lost to the perfect player through one).
        Evaluation and :class:`NetworkAgent` never force.
    replay_capacity
        Positions kept.
    batch_size, train_batches
        Minibatch size and minibatches per step.
    lr, weight_decay
        Adam step size and L2 weight decay (AdamW).
    augment
        Train on random board symmetries of the stored positions.
    eval_every, eval_games, eval_simulations
        Evaluation period (steps; 0 never), games per opponent and
        simulations a move in evaluation.
    best_threshold
        Score against the previous best that makes the network the new best.
    checkpoint_every
        Checkpoint period in steps (0: only at the end of ``train``).
    threads
        torch threads inside the trainer's calls (0: leave torch's setting).
        One by default: the network is small and its batches are tens of
        positions, where a second thread costs more in synchronisation than
        it gains (and much more on a loaded machine).
    """

    game: str = "tic_tac_toe"
    channels: int = 32
    blocks: int = 2
    hidden: int = 64
    games_per_step: int = 32
    simulations: int = 32
    c_puct: float = 1.5
    dirichlet_alpha: float = 1.0
    dirichlet_eps: float = 0.25
    temperature_moves: int = 4
    forced_playouts: float = 2.0
    replay_capacity: int = 20_000
    batch_size: int = 128
    train_batches: int = 20
    lr: float = 1e-3
    weight_decay: float = 1e-4
    augment: bool = True
    eval_every: int = 5
    eval_games: int = 20
    eval_simulations: int = 32
    best_threshold: float = 0.55
    checkpoint_every: int = 5
    threads: int = 1

    def __post_init__(self) -> None:
        get_board_game(self.game)  # an unknown name raises, listing the known ones
        positive = (
            "channels",
            "hidden",
            "games_per_step",
            "simulations",
            "replay_capacity",
            "batch_size",
            "eval_simulations",
        )
        non_negative = (
            "blocks",
            "temperature_moves",
            "train_batches",
            "eval_every",
            "eval_games",
            "checkpoint_every",
            "threads",
        )
        for name in positive + non_negative:
            v = getattr(self, name)
            low = 1 if name in positive else 0
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                kind = "a positive" if low else "a non-negative"
                raise ValueError(f"AlphaZeroConfig.{name} must be {kind} integer; got {v!r}")
        for name, lo, hi in (
            ("c_puct", 0.0, math.inf),
            ("dirichlet_alpha", 0.0, math.inf),
            ("lr", 0.0, math.inf),
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not lo < v < hi:
                raise ValueError(f"AlphaZeroConfig.{name} must be a positive number; got {v!r}")
        fp = self.forced_playouts
        if isinstance(fp, bool) or not isinstance(fp, int | float) or not 0 <= fp < math.inf:
            raise ValueError(
                f"AlphaZeroConfig.forced_playouts must be a non-negative number; got {fp!r}"
            )
        for name in ("dirichlet_eps", "best_threshold", "weight_decay"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
                raise ValueError(f"AlphaZeroConfig.{name} must be in [0, 1]; got {v!r}")
        if not isinstance(self.augment, bool):
            raise TypeError(f"AlphaZeroConfig.augment must be a bool; got {self.augment!r}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlphaZeroConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown AlphaZeroConfig fields {unknown}")
        return cls(**data)


@dataclass(frozen=True)
class StepRecord:
    """One training step: self-play and training figures."""

    step: int
    seconds: float  # training time so far, at the end of this step
    games: int
    positions: int
    first_player_wins: int
    second_player_wins: int
    draws: int
    mean_length: float
    value_loss: float
    policy_loss: float


@dataclass(frozen=True)
class EvalRecord:
    """One evaluation: the network's results against one opponent.

    ``score`` is ``(wins + draws / 2) / games``.
    """

    step: int
    seconds: float
    opponent: str
    wins: int
    draws: int
    losses: int
    promoted: bool = False

    @property
    def games(self) -> int:
        return self.wins + self.draws + self.losses

    @property
    def score(self) -> float:
        return (self.wins + 0.5 * self.draws) / max(self.games, 1)


@dataclass
class _History:
    steps: list[StepRecord] = field(default_factory=list)
    evals: list[EvalRecord] = field(default_factory=list)


class AlphaZeroTrainer:
    """AlphaZero on one board game: :meth:`step`, :meth:`train`, checkpoints and resume.

    Parameters
    ----------
    config
        The run (:class:`AlphaZeroConfig`).
    rng
        Seeds the network's initial weights (torch, through a forked generator
        so torch's global state is untouched) and every draw of the run
        (numpy).
    out_dir
        Where checkpoints go (``checkpoint.pt``, ``best.pt``); ``None`` keeps
        the run in memory.
    opponents
        Extra fixed opponents for the periodic evaluation, ``{name: agent or
        spec}`` (:func:`cooplab.selfplay.agents.make_agent`: ``"mcts:100"``,
        ``"perfect"``, ...); the random player is always one.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("torch")
    >>> cfg = AlphaZeroConfig("tic_tac_toe", channels=8, blocks=1, games_per_step=4,
    ...                       simulations=4, train_batches=2, batch_size=16, eval_every=0)
    >>> trainer = AlphaZeroTrainer(cfg, rng=0)
    >>> record = trainer.step()
    >>> record.step, record.games
    (1, 4)
    """

    def __init__(
        self,
        config: AlphaZeroConfig,
        rng: RngLike = None,
        *,
        out_dir: Path | str | None = None,
        opponents: dict[str, Any] | None = None,
    ) -> None:
        import torch

        from cooplab.selfplay.network import NetworkSpec, PolicyValueNet
        from cooplab.selfplay.replay import ReplayBuffer

        if not isinstance(config, AlphaZeroConfig):
            raise TypeError(f"config must be an AlphaZeroConfig; got {type(config).__name__}")
        self.config = config
        self.game = get_board_game(config.game)
        self.spec = NetworkSpec.for_game(
            self.game, channels=config.channels, blocks=config.blocks, hidden=config.hidden
        )
        self.rng = as_generator(rng)
        self.out_dir = None if out_dir is None else Path(out_dir)
        self.opponents = dict(opponents or {})
        with self._threads():
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(int(self.rng.integers(2**63 - 1)))
                self.net = PolicyValueNet(self.spec)
            self.best = PolicyValueNet(self.spec)
            self.best.load_state_dict(self.net.state_dict())
            self.optimizer = torch.optim.AdamW(
                self.net.parameters(), lr=config.lr, weight_decay=config.weight_decay
            )
        rows, cols = self.game.board_shape
        self.replay = ReplayBuffer(
            config.replay_capacity, (self.game.num_planes, rows, cols), self.game.num_actions
        )
        from cooplab.selfplay.network import symmetries

        self._symmetries = symmetries(self.game) if config.augment else symmetries(self.game)[:1]
        self.steps_done = 0
        self.seconds = 0.0
        self.best_generation = 0
        self.history = _History()

    # -- helpers ---------------------------------------------------------------
    def _threads(self) -> contextlib.AbstractContextManager[None]:
        return torch_threads(self.config.threads)

    def agent(self, simulations: int | None = None, *, best: bool = False) -> NetworkAgent:
        """The current (or best) network as a :class:`NetworkAgent`."""
        sims = self.config.eval_simulations if simulations is None else simulations
        net = self.best if best else self.net
        return NetworkAgent(net, self.game, simulations=sims, c_puct=self.config.c_puct)

    # -- one iteration ------------------------------------------------------------
    def step(self) -> StepRecord:
        """Self-play a batch of games, train on the buffer, evaluate when due."""

        from cooplab.selfplay.network import evaluator

        cfg = self.config
        t0 = time.perf_counter()
        with self._threads():
            batch = self_play(
                self.game,
                evaluator(self.net, self.game),
                cfg.games_per_step,
                simulations=cfg.simulations,
                c_puct=cfg.c_puct,
                dirichlet_alpha=cfg.dirichlet_alpha,
                dirichlet_eps=cfg.dirichlet_eps,
                temperature_moves=cfg.temperature_moves,
                forced_playouts=cfg.forced_playouts,
                rng=self.rng,
            )
            self.replay.add(batch.planes, batch.policies, batch.values)
            vl, pl = [], []
            for _ in range(cfg.train_batches):
                x, p, z = self.replay.sample(cfg.batch_size, self.rng)
                x, p = self._augment(x, p)
                v_loss, p_loss = self.update(x, p, z)
                vl.append(v_loss)
                pl.append(p_loss)
            self.net.eval()
        self.steps_done += 1
        self.seconds += time.perf_counter() - t0
        out = batch.outcomes
        record = StepRecord(
            step=self.steps_done,
            seconds=self.seconds,
            games=int(out.size),
            positions=int(batch.values.size),
            first_player_wins=int((out == 0).sum()),
            second_player_wins=int((out == 1).sum()),
            draws=int((out == DRAW).sum()),
            mean_length=float(batch.lengths.mean()),
            value_loss=float(np.mean(vl)) if vl else float("nan"),
            policy_loss=float(np.mean(pl)) if pl else float("nan"),
        )
        self.history.steps.append(record)
        log.info(
            "step %d: %d positions, value loss %.3f, policy loss %.3f",
            record.step,
            record.positions,
            record.value_loss,
            record.policy_loss,
        )
        if cfg.eval_every and self.steps_done % cfg.eval_every == 0:
            self.evaluate()
        if (
            self.out_dir is not None
            and cfg.checkpoint_every
            and (self.steps_done % cfg.checkpoint_every == 0)
        ):
            self.save()
        return record

    def update(
        self,
        planes: npt.NDArray[np.float32],
        policies: npt.NDArray[np.float32],
        values: npt.NDArray[np.float32],
    ) -> tuple[float, float]:
        """One gradient step on a minibatch; returns ``(value loss, policy loss)``.

        The loss of AlphaGo Zero (Silver et al. 2017, eq. 1) without its L2
        term, which AdamW's weight decay stands for: ``(z - v)^2`` averaged,
        plus the cross-entropy ``-pi . log p`` of the network's policy
        against the search's visit distribution, averaged.
        """
        import torch

        with self._threads():
            return self._update(torch, planes, policies, values)

    def _update(self, torch: Any, planes: Any, policies: Any, values: Any) -> tuple[float, float]:
        self.net.train()
        logits, v = self.net(torch.from_numpy(np.ascontiguousarray(planes, dtype=np.float32)))
        target = torch.from_numpy(np.ascontiguousarray(policies, dtype=np.float32))
        z = torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32))
        value_loss = torch.mean((z - v) ** 2)
        policy_loss = -torch.mean(torch.sum(target * torch.log_softmax(logits, dim=1), dim=1))
        self.optimizer.zero_grad()
        (value_loss + policy_loss).backward()
        self.optimizer.step()
        return float(value_loss.detach()), float(policy_loss.detach())

    def _augment(
        self, x: npt.NDArray[np.float32], p: npt.NDArray[np.float32]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        if len(self._symmetries) == 1:
            return x, p
        which = self.rng.integers(0, len(self._symmetries), size=x.shape[0])
        x, p = x.copy(), p.copy()
        for k, sym in enumerate(self._symmetries[1:], start=1):
            rows = which == k
            if rows.any():
                x[rows] = sym.planes(x[rows])
                p[rows] = sym.policy(p[rows])
        return x, p

    def evaluate(self) -> list[EvalRecord]:
        """Play the network against the previous best and the fixed opponents (both sides)."""
        cfg = self.config
        if cfg.eval_games == 0:
            return []
        t0 = time.perf_counter()
        records = []
        with self._threads():
            me = self.agent()
            opponents: list[tuple[str, BaseAgent]] = [
                ("best", self.agent(best=True)),
                ("random", RandomAgent()),
            ]
            opponents += [(name, make_agent(a)) for name, a in self.opponents.items()]
            for name, opp in opponents:
                # A seed drawn from the stream, not the generator itself: the arena spawns
                # children, and a generator's spawn count is not part of the state a
                # checkpoint restores.
                seed = int(self.rng.integers(2**63 - 1))
                m = play_match(self.game, me, opp, cfg.eval_games, seed)
                promoted = False
                if name == "best" and m.score >= cfg.best_threshold:
                    self.best.load_state_dict(self.net.state_dict())
                    self.best_generation += 1
                    promoted = True
                rec = EvalRecord(
                    step=self.steps_done,
                    seconds=self.seconds,
                    opponent=name,
                    wins=m.wins,
                    draws=m.draws,
                    losses=m.losses,
                    promoted=promoted,
                )
                records.append(rec)
                log.info("step %d vs %s: %d-%d-%d", rec.step, name, rec.wins, rec.draws, rec.losses)
        self.history.evals.extend(records)
        self.seconds += time.perf_counter() - t0
        return records

    def train(
        self,
        *,
        steps: int | None = None,
        minutes: float | None = None,
        progress: ProgressFn | None = None,
    ) -> list[StepRecord]:
        """Step until ``steps`` steps in all, or ``minutes`` of training time in all, are done.

        Both count from the start of the run, checkpoints included, so a
        resumed run given the same arguments stops where the uninterrupted
        one would (for ``steps``). A checkpoint is written at the end when
        there is an ``out_dir``.
        """
        if steps is None and minutes is None:
            raise ValueError("train needs steps or minutes (or both)")
        if steps is not None and (
            isinstance(steps, bool) or not isinstance(steps, int) or steps < 0
        ):
            raise ValueError(f"steps must be a non-negative integer; got {steps!r}")
        if minutes is not None and not (isinstance(minutes, int | float) and minutes >= 0):
            raise ValueError(f"minutes must be a non-negative number; got {minutes!r}")
        progress = progress or null_progress
        budget = math.inf if minutes is None else 60.0 * minutes
        goal = math.inf if steps is None else steps
        done: list[StepRecord] = []

        def fraction() -> float:
            a = self.steps_done / goal if math.isfinite(goal) else 0.0
            b = self.seconds / budget if math.isfinite(budget) and budget > 0 else 0.0
            return min(1.0, max(a, b, 0.0 if (goal > 0 and budget > 0) else 1.0))

        progress(fraction(), 1.0)
        while self.steps_done < goal and self.seconds < budget:
            done.append(self.step())
            progress(fraction(), 1.0)
        if self.out_dir is not None:
            self.save()
        return done

    # -- checkpoints ---------------------------------------------------------------
    @property
    def checkpoint_path(self) -> Path:
        if self.out_dir is None:
            raise ValueError("this trainer has no out_dir")
        return self.out_dir / "checkpoint.pt"

    def state_dict(self) -> dict[str, Any]:
        """The whole run as tensors and plain values (JSON strings for the nested parts)."""
        import torch

        rb = self.replay.state_dict()
        return {
            "format": FORMAT,
            "game": self.game.name,
            "spec": json.dumps(self.spec.to_dict()),
            "config": json.dumps(self.config.to_dict()),
            "steps_done": self.steps_done,
            "seconds": self.seconds,
            "best_generation": self.best_generation,
            "model": self.net.state_dict(),
            "best_model": self.best.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "replay": {
                "capacity": rb["capacity"],
                "total_added": rb["total_added"],
                "planes": torch.from_numpy(rb["planes"]),
                "policies": torch.from_numpy(rb["policies"]),
                "values": torch.from_numpy(rb["values"]),
            },
            "rng": json.dumps(self.rng.bit_generator.state),
            "history": json.dumps(
                {
                    "steps": [dataclasses.asdict(r) for r in self.history.steps],
                    "evals": [dataclasses.asdict(r) for r in self.history.evals],
                }
            ),
        }

    def save(self, path: Path | str | None = None) -> Path:
        """Write the checkpoint atomically (default ``out_dir/checkpoint.pt``; also ``best.pt``)."""
        import torch

        path = self.checkpoint_path if path is None else Path(path)
        buf = io.BytesIO()
        torch.save(self.state_dict(), buf)
        atomic_write_bytes(path, buf.getvalue())
        best = io.BytesIO()
        torch.save(
            {
                "format": FORMAT,
                "game": self.game.name,
                "spec": json.dumps(self.spec.to_dict()),
                "model": self.best.state_dict(),
                "steps_done": self.steps_done,
            },
            best,
        )
        atomic_write_bytes(path.with_name("best.pt"), best.getvalue())
        log.info("checkpoint at step %d: %s", self.steps_done, path)
        return path

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output, refusing another game or architecture."""
        _check_compatible(state, self.game.name, self.spec.to_dict(), "this trainer")
        self.net.load_state_dict(state["model"])
        self.best.load_state_dict(state["best_model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.replay.load_state_dict({k: _np(v) for k, v in state["replay"].items()})
        self.rng.bit_generator.state = json.loads(state["rng"])
        self.steps_done = int(state["steps_done"])
        self.seconds = float(state["seconds"])
        self.best_generation = int(state["best_generation"])
        hist = json.loads(state["history"])
        self.history = _History(
            steps=[StepRecord(**r) for r in hist["steps"]],
            evals=[EvalRecord(**r) for r in hist["evals"]],
        )

    @classmethod
    def resume(
        cls,
        out_dir: Path | str,
        *,
        opponents: dict[str, Any] | None = None,
        config: AlphaZeroConfig | None = None,
    ) -> AlphaZeroTrainer:
        """The run whose last checkpoint is ``out_dir/checkpoint.pt``, ready to continue.

        The configuration is the checkpoint's unless ``config`` is given (its
        game and network must then match the checkpoint's, or
        :class:`CheckpointMismatchError` names both).
        """
        path = Path(out_dir) / "checkpoint.pt"
        state = _load(path)
        saved = AlphaZeroConfig.from_dict(json.loads(state["config"]))
        trainer = cls(config or saved, rng=0, out_dir=out_dir, opponents=opponents)
        trainer.load_state_dict(state)
        return trainer


def _np(v: Any) -> Any:
    return v.numpy() if hasattr(v, "numpy") else v


def _load(path: Path) -> dict[str, Any]:
    import torch

    if not path.is_file():
        raise FileNotFoundError(f"no AlphaZero checkpoint at {path}")
    try:
        state = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # a foreign or corrupt file: say which
        raise ValueError(
            f"{path} is not a cooplab AlphaZero checkpoint ({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(f"{path} is not a cooplab AlphaZero checkpoint (format {FORMAT!r})")
    return state


def _check_compatible(state: dict[str, Any], game: str, spec: dict[str, Any], who: str) -> None:
    from cooplab.selfplay.network import NetworkSpec

    have = NetworkSpec(**json.loads(state["spec"]))
    want = NetworkSpec(**spec)
    if state["game"] != game or have != want:
        raise CheckpointMismatchError(
            f"the checkpoint is a {have.describe()}; {who} needs a {want.describe()}"
        )


def load_network(
    path: Path | str, game: BoardGame | str | None = None, spec: Any = None
) -> PolicyValueNet:
    """The network of a checkpoint (``checkpoint.pt`` or ``best.pt``), in evaluation mode.

    When ``game`` (or a full ``spec``) is given, a checkpoint of another game
    (or architecture) is refused with both named. Loads with
    ``torch.load(weights_only=True)``.
    """
    from cooplab.selfplay.network import NetworkSpec, PolicyValueNet

    state = _load(Path(path))
    have = NetworkSpec(**json.loads(state["spec"]))
    if spec is not None:
        _check_compatible(state, spec.game, spec.to_dict(), "the caller")
    elif game is not None:
        g = get_board_game(game)
        if have.game != g.name:
            raise CheckpointMismatchError(
                f"the checkpoint {path} is a {have.describe()}; asked for a {g.name} network"
            )
    net = PolicyValueNet(have)
    net.load_state_dict(state["model"])
    net.eval()
    return net


def training_curve(
    history: Sequence[EvalRecord], opponent: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """``(seconds, score)`` of the evaluations against ``opponent``, in order."""
    rows = [r for r in history if r.opponent == opponent]
    return np.array([r.seconds for r in rows]), np.array([r.score for r in rows])
