"""Monte Carlo tree search over many trees at once: UCT with random rollouts, and PUCT.

One call searches ``T`` positions (one tree each; the positions of ``T``
games being played, or ``T`` copies of one position); the trees live in
preallocated arrays ``(T, M, ...)`` (``M`` nodes a tree) and every phase of a
simulation (selection, expansion, evaluation, backup) is a few array
operations across all trees. Evaluations are batched: each round the leaves
of every tree go to the evaluator in one call, so a network evaluates ``T *
leaves_per_round`` positions at a time.

The evaluator interface
-----------------------
An evaluator is any callable ``evaluate(states) -> (priors, values)``:

- ``states``: a :class:`~cooplab.games.board.BoardState` of ``L`` non-terminal
  positions;
- ``priors``: ``(L, A)`` non-negative move probabilities (or logits are
  *not* accepted: pass probabilities). Illegal actions are masked out and the
  rest renormalised by the search, so a network may put mass anywhere;
- ``values``: ``(L,)`` in ``[-1, 1]``, the expected return of the player to
  move in each state (not of player 0).

:class:`RandomRolloutEvaluator` is the UCT one: uniform priors and the
return of random playouts. A network evaluator wraps a model the same way
(``cooplab.selfplay.alphazero``).

Selection rules
---------------
``"uct"`` (Kocsis & Szepesvári 2006): ``Q + c sqrt(ln N / n)``, unvisited
children first (in random order), ``c = 1.4`` by default.

``"puct"`` (Silver et al. 2017; Rosin 2011): ``Q + c P sqrt(N) / (1 + n)``,
with ``Q`` of an unvisited child ``fpu`` (0 by default) and ``c = 1.25``.
``N`` is the parent's visit count including its own evaluation, so the
first descent from a freshly evaluated node already follows the priors.

Dirichlet noise ``(1 - eps) P + eps Dir(alpha)`` on the root priors
(AlphaZero: ``alpha = 0.3`` for chess, ``eps = 0.25``) is applied when
``dirichlet_alpha`` is set. Leaf parallelism: with ``leaves_per_round = K`` a
tree descends ``K`` times before the evaluator runs, with a virtual loss on
the paths taken so that the ``K`` descents spread out (Chaslot et al. 2008).
A descent that reaches a node created earlier in the same round stops there,
and that node is evaluated once per such descent (each counts as a simulation).

Forced playouts and policy target pruning (Wu 2019, "Accelerating Self-Play
Learning in Go", arXiv:1902.10565, section 3.1; KataGo), when
``forced_playouts = k > 0``: every root child ``c`` is searched at least
``sqrt(k P(c) N)`` times (``P`` the root prior after noise, ``N`` the root's
child visits so far), so a move the noise proposes is looked at a few levels
deep even where the network's value of it is confidently wrong, instead of
once. :attr:`SearchResult.target_visits` then takes back from every child but
the most visited the forced visits that the PUCT rule would not have spent on
it (no more than made its PUCT score reach the best child's), and drops
children left with one visit: the training target keeps what the search
learned from the forced visits (a child that proved good keeps them) without
the extra visits themselves. Without forcing it equals ``visits``.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.board import ONGOING, BoardGame, BoardState, get_board_game
from cooplab.runtime.rng import RngLike, as_generator

__all__ = [
    "MCTS",
    "Evaluator",
    "RandomRolloutEvaluator",
    "SearchResult",
    "mcts_search",
]

Evaluator = Callable[[BoardState], tuple[npt.NDArray[Any], npt.NDArray[Any]]]

RULES = ("uct", "puct")


class RandomRolloutEvaluator:
    """The UCT evaluator: uniform priors over legal actions, values from random playouts.

    Parameters
    ----------
    game
        The board game.
    n_rollouts
        Playouts averaged per leaf (OpenSpiel's ``RandomRolloutEvaluator(n_rollouts)``).
    rng
        Seed or generator for the playouts.
    """

    def __init__(self, game: BoardGame | str, n_rollouts: int = 1, rng: RngLike = None) -> None:
        self.game = get_board_game(game)
        self.n_rollouts = _positive_int("n_rollouts", n_rollouts)
        self.rng = as_generator(rng)

    def __call__(
        self, states: BoardState
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        game = self.game
        mask = game.legal_mask(states)
        priors = mask / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        if self.n_rollouts == 1:
            v0 = game.random_playouts(states, self.rng)
        else:
            rep = states.take(np.repeat(np.arange(states.batch), self.n_rollouts))
            v0 = game.random_playouts(rep, self.rng).reshape(states.batch, -1).mean(axis=1)
        values = np.where(states.to_play == 0, v0, -v0)
        return priors, values


@dataclass(frozen=True)
class SearchResult:
    """What a search of ``T`` root positions found.

    Attributes
    ----------
    visits
        ``(T, A)`` visit counts of the root's children (0 for illegal actions).
    q
        ``(T, A)`` mean value of each root child for the player to move at the
        root (NaN where unvisited).
    value
        ``(T,)`` the root's mean value for the player to move.
    action
        ``(T,)`` the most visited action (ties broken at random).
    priors
        ``(T, A)`` the root priors the search used (after noise).
    simulations
        Simulations per tree.
    nodes
        ``(T,)`` nodes each tree grew to.
    target_visits
        ``(T, A)`` the visits with forced playouts pruned (policy target
        pruning, Wu 2019; see the module docstring): the policy target for
        training. Equal to ``visits`` when the search forced none.
    """

    visits: npt.NDArray[np.float64]
    q: npt.NDArray[np.float64]
    value: npt.NDArray[np.float64]
    action: npt.NDArray[np.int64]
    priors: npt.NDArray[np.float64]
    simulations: int
    nodes: npt.NDArray[np.int64]
    target_visits: npt.NDArray[np.float64]

    def policy(self, temperature: float = 1.0) -> npt.NDArray[np.float64]:
        """``(T, A)`` visit counts to the power ``1 / temperature``, normalised.

        ``temperature = 0`` puts all mass on the most visited actions (shared on ties).
        """
        if not (isinstance(temperature, numbers.Real) and temperature >= 0):
            raise ValueError(f"temperature must be a non-negative number; got {temperature!r}")
        v = self.visits
        if temperature == 0:
            best = v == v.max(axis=1, keepdims=True)
            return best / best.sum(axis=1, keepdims=True)
        w = v ** (1.0 / float(temperature))
        return w / w.sum(axis=1, keepdims=True)

    def to_dict(self) -> dict[str, Any]:
        return {
            f.name: (
                getattr(self, f.name).tolist()
                if isinstance(getattr(self, f.name), np.ndarray)
                else getattr(self, f.name)
            )
            for f in dataclasses.fields(self)
        }


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def _non_negative(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {value!r}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite non-negative number; got {value!r}")
    return float(value)


@dataclass(frozen=True)
class MCTS:
    """A configured search: ``MCTS(game, ...).search(states, rng)``.

    Parameters
    ----------
    game
        A :class:`~cooplab.games.board.BoardGame` or its name.
    num_simulations
        Simulations (leaf evaluations) per tree.
    rule
        ``"uct"`` or ``"puct"`` (see the module docstring).
    evaluate
        The evaluator; ``None`` means random rollouts
        (:class:`RandomRolloutEvaluator` seeded from the search's ``rng``).
    c
        The exploration constant; ``None`` gives 1.4 for UCT, 1.25 for PUCT.
    dirichlet_alpha, dirichlet_fraction
        Root noise; ``None`` for none.
    leaves_per_round
        Descents per tree before each evaluator call (virtual loss between).
    virtual_loss
        The loss added along a pending path.
    fpu
        PUCT's value of an unvisited child, for the player choosing it.
    n_rollouts
        Playouts per leaf for the default evaluator.
    forced_playouts
        ``k`` of forced playouts at the root (PUCT only; 0 for none; KataGo
        uses 2 in self-play, with root noise): every root child gets at least
        ``sqrt(k P N)`` visits, and :attr:`SearchResult.target_visits` prunes
        them again (see the module docstring).
    """

    game: BoardGame | str
    num_simulations: int = 100
    rule: str = "uct"
    evaluate: Evaluator | None = None
    c: float | None = None
    dirichlet_alpha: float | None = None
    dirichlet_fraction: float = 0.25
    leaves_per_round: int = 1
    virtual_loss: float = 1.0
    fpu: float = 0.0
    n_rollouts: int = 1
    forced_playouts: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "game", get_board_game(self.game))
        _positive_int("num_simulations", self.num_simulations)
        _positive_int("leaves_per_round", self.leaves_per_round)
        _positive_int("n_rollouts", self.n_rollouts)
        if self.rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}; got {self.rule!r}")
        if self.c is not None:
            _non_negative("c", self.c)
        if (
            self.dirichlet_alpha is not None
            and _non_negative("dirichlet_alpha", self.dirichlet_alpha) == 0
        ):
            raise ValueError("dirichlet_alpha must be positive (or None for no noise)")
        if not 0 <= _non_negative("dirichlet_fraction", self.dirichlet_fraction) <= 1:
            raise ValueError(f"dirichlet_fraction must be in [0, 1]; got {self.dirichlet_fraction}")
        _non_negative("virtual_loss", self.virtual_loss)
        if _non_negative("forced_playouts", self.forced_playouts) > 0 and self.rule != "puct":
            raise ValueError("forced_playouts is a PUCT option (rule='puct'); got rule='uct'")
        if self.evaluate is not None and not callable(self.evaluate):
            raise TypeError(f"evaluate must be callable; got {type(self.evaluate).__name__}")

    def search(self, states: BoardState, rng: RngLike = None) -> SearchResult:
        """Search from each row of ``states`` (one tree each); see :func:`mcts_search`."""
        gen = as_generator(rng)
        evaluate = self.evaluate
        if evaluate is None:
            evaluate = RandomRolloutEvaluator(self.game, self.n_rollouts, gen.spawn(1)[0])
        assert isinstance(self.game, BoardGame)
        return _Search(self, self.game, evaluate, states, gen).run()


def mcts_search(
    game: BoardGame | str,
    states: BoardState,
    num_simulations: int = 100,
    *,
    rule: str = "uct",
    evaluate: Evaluator | None = None,
    rng: RngLike = None,
    **options: Any,
) -> SearchResult:
    """Search ``T`` positions at once, one tree each.

    Parameters
    ----------
    game
        The board game or its name.
    states
        ``T`` non-terminal root positions.
    num_simulations
        Simulations per tree.
    rule, evaluate, options
        See :class:`MCTS`.
    rng
        Seed or generator: tie-breaks, root noise and the default rollouts.

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> from cooplab.games.board import get_board_game
    >>> ttt = get_board_game("tic_tac_toe")
    >>> s = ttt.play([0, 3, 1, 4])          # X to play, X wins at 2
    >>> int(mcts_search(ttt, s, 200, rng=0).action[0])
    2
    """
    return MCTS(game, num_simulations, rule, evaluate, **options).search(states, rng)


class _Search:
    """The arrays of one batched search; :meth:`run` does the rounds.

    Nodes are rows ``t * M + i`` of flat arrays (tree ``t``, node ``i``), and
    the statistics live on the edges, as in AlphaZero: ``EN[row, a]`` visits
    and ``EW[row, a]`` total value of action ``a`` at node ``row``, from the
    view of the player choosing ``a``. Selection then reads one contiguous row
    per tree.
    """

    def __init__(
        self,
        cfg: MCTS,
        game: BoardGame,
        evaluate: Evaluator,
        states: BoardState,
        rng: np.random.Generator,
    ) -> None:
        if not isinstance(states, BoardState):
            raise TypeError(f"states must be a BoardState; got {type(states).__name__}")
        game.legal_mask(states)  # shape check
        over = states.outcome != ONGOING
        if over.any():
            raise ValueError(
                f"cannot search a finished game: root at batch index {int(np.flatnonzero(over)[0])} "
                "is terminal"
            )
        self.cfg, self.game, self.evaluate, self.rng = cfg, game, evaluate, rng
        T, A = states.batch, game.num_actions
        K = cfg.leaves_per_round
        self.rounds = -(-cfg.num_simulations // K)
        M = 1 + self.rounds * K
        self.T, self.A, self.M, self.K = T, A, M, K
        self.c = cfg.c if cfg.c is not None else (1.4 if cfg.rule == "uct" else 1.25)
        R = T * M
        # float32 and int32 halve the memory the selection step reads at random.
        self.children = np.full((R, A), -1, dtype=np.int32)  # flat row of the child
        # One array of edge statistics, so selection gathers one block per node:
        # visits EN, values EW, mask (-inf on illegal actions, a random tie-break
        # in [0, 1e-4) on legal ones) and priors P.
        self.stats = np.zeros((R, 4, A), dtype=np.float32)
        self.EN, self.EW, self.mask, self.P = (self.stats[:, i] for i in range(4))
        self.mask[:] = -np.inf
        self.NN = np.zeros(R, dtype=np.float32)  # node visits
        # a descent stops at a node that is terminal or not evaluated yet
        self.stop = np.ones(R, dtype=bool)
        self.terminal = np.zeros(R, dtype=bool)
        self.statf, self.childf = self.stats.reshape(-1), self.children.reshape(-1)
        self.value0 = np.zeros(R)  # a terminal node's return for player 0
        self.sign = np.zeros(R)  # +1 where player 0 is to move, -1 where player 1
        self.next_free = np.arange(T, dtype=np.int64) * M + 1
        self.roots = np.arange(T, dtype=np.int64) * M
        self.store = {
            f.name: np.zeros((R, *getattr(states, f.name).shape[1:]), getattr(states, f.name).dtype)
            for f in dataclasses.fields(BoardState)
        }
        self._put(self.roots, states)
        self.sign[self.roots] = np.where(states.to_play == 0, 1.0, -1.0)

    # -- node positions -------------------------------------------------------
    def _put(self, rows: npt.NDArray[np.int64], s: BoardState) -> None:
        for name, arr in self.store.items():
            arr[rows] = getattr(s, name)

    def _get(self, rows: npt.NDArray[np.int64]) -> BoardState:
        return BoardState(**{name: arr[rows] for name, arr in self.store.items()})

    # -- evaluation -------------------------------------------------------------
    def _evaluate(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        """Evaluate non-terminal nodes; set their priors; return values for player 0."""
        s = self._get(rows)
        legal = self.game.legal_mask(s)
        out = self.evaluate(s)
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError("evaluate(states) must return a (priors, values) pair")
        priors = np.asarray(out[0], dtype=np.float64)
        values = np.asarray(out[1], dtype=np.float64).reshape(-1)
        if priors.shape != (s.batch, self.A):
            raise ValueError(
                f"evaluate returned priors of shape {priors.shape}; expected ({s.batch}, {self.A})"
            )
        if values.shape != (s.batch,):
            raise ValueError(
                f"evaluate returned values of shape {np.shape(out[1])}; expected ({s.batch},)"
            )
        if not (np.isfinite(priors).all() and np.isfinite(values).all()) or (priors < 0).any():
            raise ValueError(
                "evaluate returned negative or non-finite priors, or non-finite values"
            )
        p = priors * legal
        total = p.sum(axis=1, keepdims=True)
        n_legal = np.maximum(legal.sum(axis=1, keepdims=True), 1)
        p = np.where(total > 0, p / np.where(total > 0, total, 1.0), legal / n_legal)
        self.P[rows] = p
        self.mask[rows] = np.where(legal, 1e-4 * self.rng.random(legal.shape), -np.inf)
        self.stop[rows] = False
        return self.sign[rows] * np.clip(values, -1.0, 1.0)

    # -- selection ---------------------------------------------------------------
    def _select(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        block = self.stats[rows]  # (n, 4, A)
        n, w, mask = block[:, 0], block[:, 1], block[:, 2]
        n_parent = self.NN[rows][:, None]
        safe = np.maximum(n, np.float32(1))
        if self.cfg.rule == "uct":
            explore = self.c * np.sqrt(np.log(np.maximum(n_parent, 1.0)) / safe)
            # Unvisited children first; the tie-break in mask orders them at random.
            score = np.where(n > 0, w / safe + explore, np.float32(1e9))
        else:
            q = np.where(n > 0, w / safe, np.float32(self.cfg.fpu))
            score = q + (self.c * np.sqrt(np.maximum(n_parent, 1.0))) * block[:, 3] / (1.0 + n)
            if self.cfg.forced_playouts > 0:
                # A root child with fewer than sqrt(k P N) visits is chosen first (Wu 2019).
                root = (rows % self.M == 0)[:, None]
                forced = n < self._n_forced(block[:, 3], n.sum(axis=1, keepdims=True))
                score = np.where(root & forced, score + np.float32(1e9), score)
        score += mask
        return np.argmax(score, axis=1)

    def _n_forced(self, prior: npt.NDArray[Any], total: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """KataGo's forced visits ``sqrt(k P N)`` of root children (``N``: child visits)."""
        return np.sqrt(self.cfg.forced_playouts * prior * total)

    def _descend(
        self,
    ) -> tuple[npt.NDArray[np.int64], tuple[npt.NDArray[np.int64], ...]]:
        """One descent in every tree.

        Returns the leaf rows ``(T,)`` and the path as flat arrays of the
        edges taken: parent rows, actions, child rows and tree indices.
        """
        T = self.T
        cur = self.roots.copy()
        trees = np.arange(T)
        e_parent, e_action, e_child, e_tree = [], [], [], []
        new_parent, new_action, new_child = [], [], []
        while trees.size:
            node = cur[trees]
            stop = self.stop[node]
            if stop.any():
                keep = ~stop
                trees, node = trees[keep], node[keep]
                if not trees.size:
                    break
            action = self._select(node)
            child = self.childf[node * self.A + action].astype(np.int64)
            new = child < 0
            if new.any():
                idx = self.next_free[trees[new]]
                self.next_free[trees[new]] += 1
                self.childf[node[new] * self.A + action[new]] = idx
                child[new] = idx
                new_parent.append(node[new])
                new_action.append(action[new])
                new_child.append(idx)
            e_parent.append(node)
            e_action.append(action)
            e_child.append(child)
            e_tree.append(trees)
            cur[trees] = child
            trees = trees[~new]
        if new_parent:
            parent = np.concatenate(new_parent)
            idx = np.concatenate(new_child)
            s = self.game.step(self._get(parent), np.concatenate(new_action), validate=False)
            self._put(idx, s)
            self.sign[idx] = np.where(s.to_play == 0, 1.0, -1.0)
            self.terminal[idx] = s.outcome != ONGOING
            self.stop[idx] = True
            self.value0[idx] = self.game.returns(s)[:, 0]
        if not e_parent:
            empty = np.zeros(0, dtype=np.int64)
            return cur, (empty, empty, empty, empty)
        return cur, tuple(np.concatenate(x) for x in (e_parent, e_action, e_child, e_tree))

    # -- the search ----------------------------------------------------------------
    def run(self) -> SearchResult:
        T, cfg = self.T, self.cfg
        self._evaluate(self.roots)
        self.NN[self.roots] = 1.0
        if cfg.dirichlet_alpha is not None:
            legal = np.isfinite(self.mask[self.roots])
            g = self.rng.standard_gamma(cfg.dirichlet_alpha, size=legal.shape) * legal
            noise = g / np.maximum(g.sum(axis=1, keepdims=True), 1e-300)
            eps = cfg.dirichlet_fraction
            self.P[self.roots] = (1 - eps) * self.P[self.roots] + eps * noise
        vl = cfg.virtual_loss if self.K > 1 else 0.0
        for _ in range(self.rounds):
            leaves, paths = [], []
            for _k in range(self.K):
                leaf, path = self._descend()
                if vl:
                    # A virtual loss: each pending edge counts as a visit its chooser lost.
                    parent, action, child, _t = path
                    edge = parent * (4 * self.A) + action
                    self.statf[edge] += vl
                    self.statf[edge + self.A] -= vl
                    self.NN[child] += vl
                leaves.append(leaf)
                paths.append(path)
            leaf_all = np.concatenate(leaves)  # (K * T,)
            v0 = self.value0[leaf_all]
            need = ~self.terminal[leaf_all]
            if need.any():
                v0[need] = self._evaluate(leaf_all[need])
            v0 = v0.reshape(self.K, T)
            for k in range(self.K):
                parent, action, child, t = paths[k]
                edge = parent * (4 * self.A) + action  # EN; EW is A further
                if vl:
                    self.statf[edge] -= vl
                    self.statf[edge + self.A] += vl
                    self.NN[child] -= vl
                self.statf[edge] += 1.0
                self.statf[edge + self.A] += self.sign[parent] * v0[k][t]
                self.NN[child] += 1.0
            self.NN[self.roots] += self.K
        return self._result()

    def _result(self) -> SearchResult:
        roots = self.roots
        visits = self.EN[roots].astype(np.float64)
        w = self.EW[roots].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.where(visits > 0, w / np.maximum(visits, 1.0), np.nan)
        total = visits.sum(axis=1)
        value = np.where(total > 0, w.sum(axis=1) / np.maximum(total, 1.0), 0.0)
        noise = self.rng.random(visits.shape)
        legal = np.isfinite(self.mask[roots])
        action = np.argmax(np.where(legal, visits + 0.5 * noise, -np.inf), axis=1)
        target = visits
        if self.cfg.forced_playouts > 0:
            target = self._prune(visits, w, self.P[roots].astype(np.float64), action)
        return SearchResult(
            visits=visits,
            q=q,
            value=value,
            action=action.astype(np.int64),
            priors=self.P[roots].astype(np.float64),
            simulations=self.rounds * self.K,
            nodes=self.next_free - roots,
            target_visits=target,
        )

    def _prune(
        self,
        visits: npt.NDArray[np.float64],
        w: npt.NDArray[np.float64],
        prior: npt.NDArray[np.float64],
        best: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.float64]:
        """Policy target pruning (Wu 2019, section 3.1): root visits less the forced ones.

        For each child ``c`` but the most visited ``c*``, up to ``sqrt(k P(c) N)``
        visits are taken back, but no more than keeps ``PUCT(c) <= PUCT(c*)``
        (so the rule itself would have spent the visits left); a child cut
        down to at most one visit gets none.
        """
        T = visits.shape[0]
        total = visits.sum(axis=1, keepdims=True)
        sq = self.c * np.sqrt(total + 1.0)  # the root's count N includes its own evaluation
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.where(visits > 0, w / np.maximum(visits, 1.0), 0.0)
        rows = np.arange(T)
        nb = visits[rows, best][:, None]
        best_score = q[rows, best][:, None] + sq * prior[rows, best][:, None] / (1.0 + nb)
        # The fewest visits n with Q + c P sqrt(N) / (1 + n) <= PUCT(c*).
        gap = best_score - q
        with np.errstate(divide="ignore", invalid="ignore"):
            need = np.where(
                gap > 0, np.ceil(sq * prior / np.where(gap > 0, gap, 1.0) - 1.0), visits
            )
        floor = np.maximum(visits - np.floor(self._n_forced(prior, total)), 0.0)
        kept = np.clip(np.maximum(need, floor), 0.0, visits)
        kept = np.where((kept < visits) & (kept <= 1.0), 0.0, kept)
        kept[rows, best] = visits[rows, best]
        return kept
