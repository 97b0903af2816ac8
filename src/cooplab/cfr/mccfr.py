"""Monte Carlo CFR: external sampling and outcome sampling (Lanctot et al. 2009).

Vanilla CFR (:mod:`cooplab.cfr.cfr`) touches every node of the tree on every
iteration. Monte Carlo CFR samples part of the tree instead and updates
regrets with importance-weighted estimates of the counterfactual values,
which are unbiased, so the average strategy still converges to a Nash
equilibrium in two-player zero-sum games, with far cheaper iterations.

* **External sampling** (:class:`ExternalSamplingMCCFR`): for the traversing
  player, every action is explored; chance and the other players each sample
  one action from their current strategy (chance from its probabilities).
  The sampled counterfactual values need no importance weights because the
  sampling probabilities of the others cancel against their reach. The
  average strategy is accumulated at the other players' information sets
  with their current strategy ("simple" averaging, as in OpenSpiel).
* **Outcome sampling** (:class:`OutcomeSamplingMCCFR`): one terminal history
  per traversal; the traverser samples from an ``epsilon``-mixture of its
  current strategy and the uniform one (exploration), the others and chance
  on-policy. Values are divided by the probability of having sampled the
  history (importance sampling); the average strategy uses stochastically
  weighted averaging (the traverser's reach divided by the sample's).

One iteration is one traversal per player, the players in turn, as in
OpenSpiel's ``external_sampling_mccfr`` and ``outcome_sampling_mccfr``.
Both work on the compiled game's arrays (children, chance probabilities,
information-set index, terminal utilities), turned into flat per-node lists
once at construction: a sampled traversal visits few nodes, and per-node
list indexing is faster in Python than numpy scalar access. Uniform random
numbers are drawn from the generator in blocks, so a seed fixes the run.

References
----------
Lanctot, M., Waugh, K., Zinkevich, M. & Bowling, M. (2009). Monte Carlo
Sampling for Regret Minimization in Extensive Games. NeurIPS 22.
Lanctot, M. (2013). Monte Carlo Sampling and Regret Minimization for
Equilibrium Computation and Decision-Making in Large Extensive Form Games.
PhD thesis, University of Alberta (chapter 4: average-strategy updates).
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from cooplab.runtime.progress import ProgressFn
from cooplab.runtime.rng import RngLike, as_generator

if TYPE_CHECKING:
    from cooplab.cfr.policy import TabularPolicy
    from cooplab.games.extensive import ExtensiveGame

__all__ = ["ExternalSamplingMCCFR", "OutcomeSamplingMCCFR"]

logger = logging.getLogger(__name__)

_TERMINAL = -2
_CHANCE = -1
_BLOCK = 8192  # uniforms drawn from the generator at a time


@dataclass(frozen=True)
class _NodeView:
    """The compiled game as per-node Python lists (what a sampled walk reads).

    ``player[h]`` is the acting player (``-1`` chance, ``-2`` terminal),
    ``infoset[h]`` the information-set index, ``children[h]`` the child nodes
    in action order, ``chance_prob[h]`` a chance node's outcome
    probabilities, ``utility[h]`` a terminal's payoffs.
    """

    num_players: int
    num_infosets: int
    max_actions: int
    num_actions: list[int]
    root: int
    player: list[int]
    infoset: list[int]
    children: list[list[int]]
    chance_prob: list[list[float]]
    utility: list[tuple[float, ...]]
    infoset_player: list[int]
    depth: int


def _node_view(game: ExtensiveGame) -> _NodeView:
    """The compiled arrays as per-node Python lists."""
    starts = game.child_start.tolist()
    counts = game.num_children.tolist()
    player = game.player.tolist()
    edge_prob = game.chance_prob.tolist()
    children = [list(range(s, s + c)) for s, c in zip(starts, counts, strict=True)]
    chance_prob = [
        [edge_prob[c] for c in kids] if who == _CHANCE else []
        for who, kids in zip(player, children, strict=True)
    ]
    rows = game.utility.tolist()
    tindex = game.terminal_index.tolist()
    utility = [tuple(rows[t]) if t >= 0 else () for t in tindex]
    return _NodeView(
        num_players=int(game.num_players),
        num_infosets=int(game.num_infosets),
        max_actions=int(game.max_actions),
        num_actions=game.infoset_num_actions.tolist(),
        root=int(game.root),
        player=player,
        infoset=game.infoset.tolist(),
        children=children,
        chance_prob=chance_prob,
        utility=utility,
        infoset_player=game.infoset_player.tolist(),
        depth=int(game.max_depth),
    )


class _Uniforms:
    """Uniform draws in [0, 1) from a generator, fetched in blocks (same seed, same stream)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.buf: list[float] = []
        self.i = 0

    def __call__(self) -> float:
        if self.i >= len(self.buf):
            self.buf = self.rng.random(_BLOCK).tolist()
            self.i = 0
        u = self.buf[self.i]
        self.i += 1
        return u


def _pick(probs: list[float], u: float) -> int:
    """The index ``k`` with ``cdf[k-1] <= u < cdf[k]``; the last positive entry on a rounding tie."""
    acc = 0.0
    last = 0
    for k, p in enumerate(probs):
        if p > 0.0:
            acc += p
            last = k
            if u < acc:
                return k
    return last


def _regret_matching(regrets: list[float], n: int) -> list[float]:
    """Positive regrets normalised; uniform when none is positive (Hart & Mas-Colell 2000)."""
    pos = [r if r > 0.0 else 0.0 for r in regrets[:n]]
    total = sum(pos)
    if total > 0.0:
        return [r / total for r in pos]
    return [1.0 / n] * n


class _MCCFRBase:
    """What both samplers share: tables, iteration count, policies, ``run``."""

    _name = "MCCFR"

    def __init__(self, game: ExtensiveGame, rng: RngLike = None) -> None:
        from cooplab.games.extensive import ExtensiveGame

        if not isinstance(game, ExtensiveGame):
            raise TypeError(
                f"{type(self).__name__} needs a compiled ExtensiveGame; got {type(game).__name__}"
            )
        self.game = game
        self._flat = _node_view(game)
        self._rng = as_generator(rng)
        self._uniform = _Uniforms(self._rng)
        m = self._flat.num_infosets
        self._regret: list[list[float]] = [[0.0] * self._flat.num_actions[i] for i in range(m)]
        self._average: list[list[float]] = [[0.0] * self._flat.num_actions[i] for i in range(m)]
        self._iteration = 0
        self.nodes_touched = 0
        # Recursion is as deep as the tree; leave head room above it.
        need = 4 * self._flat.depth + 200
        if sys.getrecursionlimit() < need:
            sys.setrecursionlimit(need)

    @property
    def iteration(self) -> int:
        """Iterations done (each a traversal per player)."""
        return self._iteration

    def step(self) -> None:
        """One iteration: one sampled traversal for each player in turn."""
        for player in range(self._flat.num_players):
            self._traverse(player)
        self._iteration += 1

    def _traverse(self, player: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(
        self,
        iterations: int,
        progress: ProgressFn | None = None,
        *,
        callback: Callable[[_MCCFRBase], None] | None = None,
        every: int = 0,
    ) -> _MCCFRBase:
        """Run ``iterations`` more iterations.

        Parameters
        ----------
        iterations : int
            How many (non-negative).
        progress : callable, optional
            ``progress(done, iterations)``, called about a hundred times.
        callback : callable, optional
            ``callback(solver)`` every ``every`` iterations (e.g. to record
            exploitability); ``every=0`` never calls it.
        """
        if isinstance(iterations, bool) or not isinstance(iterations, int | np.integer):
            raise TypeError(f"iterations must be an integer; got {type(iterations).__name__}")
        if iterations < 0:
            raise ValueError(f"iterations must be >= 0; got {iterations}")
        if isinstance(every, bool) or not isinstance(every, int) or every < 0:
            raise ValueError(f"every must be a non-negative integer; got {every!r}")
        report = max(1, int(iterations) // 100)
        for k in range(1, int(iterations) + 1):
            self.step()
            if callback is not None and every and self._iteration % every == 0:
                callback(self)
            if progress is not None and (k % report == 0 or k == iterations):
                progress(k, iterations)
        return self

    # -- read-only views -----------------------------------------------------
    def cumulative_regret(self) -> npt.NDArray[np.float64]:
        """The cumulative sampled regrets, shape ``(num_infosets, max_actions)`` (0 off-legal)."""
        return self._table(self._regret)

    def cumulative_policy(self) -> npt.NDArray[np.float64]:
        """The unnormalised average-strategy sums, shape ``(num_infosets, max_actions)``."""
        return self._table(self._average)

    def _table(self, rows: list[list[float]]) -> npt.NDArray[np.float64]:
        out = np.zeros((self._flat.num_infosets, self._flat.max_actions))
        for i, row in enumerate(rows):
            out[i, : len(row)] = row
        return out

    def current_policy(self) -> TabularPolicy:
        """Regret matching on the cumulative regrets (the strategy the next iteration samples)."""
        probs = np.zeros((self._flat.num_infosets, self._flat.max_actions))
        for i, row in enumerate(self._regret):
            probs[i, : len(row)] = _regret_matching(row, len(row))
        return _policy(self.game, probs)

    def average_policy(self) -> TabularPolicy:
        """The average strategy: the normalised sums, uniform where nothing was accumulated."""
        probs = np.zeros((self._flat.num_infosets, self._flat.max_actions))
        for i, row in enumerate(self._average):
            n = len(row)
            total = math.fsum(row)
            probs[i, :n] = [x / total for x in row] if total > 0.0 else [1.0 / n] * n
        return _policy(self.game, probs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(game={getattr(self.game, 'name', '')!r}, iteration={self._iteration})"


def _policy(game: ExtensiveGame, probs: npt.NDArray[np.float64]) -> TabularPolicy:
    from cooplab.cfr.policy import TabularPolicy

    return TabularPolicy(game, probs)


class ExternalSamplingMCCFR(_MCCFRBase):
    """External-sampling Monte Carlo CFR (Lanctot et al. 2009, section 3.2).

    Parameters
    ----------
    game : ExtensiveGame
        A compiled game (any number of players; the convergence guarantee is
        for two-player zero-sum games).
    rng : numpy.random.Generator, int or None
        The sampling stream; the same seed gives the same policies.

    Examples
    --------
    >>> from cooplab.games.poker import kuhn_poker  # doctest: +SKIP
    >>> solver = ExternalSamplingMCCFR(kuhn_poker(), rng=0).run(1000)  # doctest: +SKIP
    >>> solver.average_policy()  # doctest: +SKIP
    """

    _name = "external-sampling MCCFR"

    def _traverse(self, player: int) -> None:
        self._walk(self._flat.root, player)

    def _walk(self, h: int, i: int) -> float:
        f = self._flat
        self.nodes_touched += 1
        who = f.player[h]
        if who == _TERMINAL:
            return f.utility[h][i]
        if who == _CHANCE:
            return self._walk(f.children[h][_pick(f.chance_prob[h], self._uniform())], i)
        s = f.infoset[h]
        regret = self._regret[s]
        n = len(regret)
        sigma = _regret_matching(regret, n)
        kids = f.children[h]
        if who == i:
            values = [self._walk(kids[a], i) for a in range(n)]
            v = 0.0
            for a in range(n):
                v += sigma[a] * values[a]
            for a in range(n):
                regret[a] += values[a] - v
            return v
        avg = self._average[s]
        for a in range(n):
            avg[a] += sigma[a]
        return self._walk(kids[_pick(sigma, self._uniform())], i)


class OutcomeSamplingMCCFR(_MCCFRBase):
    """Outcome-sampling Monte Carlo CFR (Lanctot et al. 2009, section 3.1).

    Parameters
    ----------
    game : ExtensiveGame
        A compiled game.
    rng : numpy.random.Generator, int or None
        The sampling stream; the same seed gives the same policies.
    epsilon : float
        Exploration at the traverser's own information sets: it samples from
        ``epsilon * uniform + (1 - epsilon) * sigma`` (0.6 in Lanctot et al.
        2009 and OpenSpiel). Must be in (0, 1] so that every history has a
        positive sampling probability.
    """

    _name = "outcome-sampling MCCFR"

    def __init__(
        self,
        game: ExtensiveGame,
        rng: RngLike = None,
        epsilon: float = 0.6,
    ) -> None:
        if isinstance(epsilon, bool) or not isinstance(epsilon, int | float | np.floating):
            raise TypeError(f"epsilon must be a number; got {type(epsilon).__name__}")
        if not 0.0 < float(epsilon) <= 1.0:
            raise ValueError(
                f"epsilon must be in (0, 1] (every action sampled with positive probability); "
                f"got {epsilon}"
            )
        self.epsilon = float(epsilon)
        super().__init__(game, rng)

    def _traverse(self, player: int) -> None:
        self._walk(self._flat.root, player, 1.0, 1.0, 1.0)

    def _walk(
        self, h: int, i: int, my_reach: float, opp_reach: float, sample_reach: float
    ) -> float:
        """The sampled, importance-weighted value of ``h`` for player ``i`` (OpenSpiel's form)."""
        f = self._flat
        self.nodes_touched += 1
        who = f.player[h]
        if who == _TERMINAL:
            return f.utility[h][i]
        if who == _CHANCE:
            probs = f.chance_prob[h]
            k = _pick(probs, self._uniform())
            p = probs[k]
            # Chance is sampled on-policy: its probability cancels, as in OpenSpiel.
            return self._walk(f.children[h][k], i, my_reach, opp_reach * p, sample_reach * p)
        s = f.infoset[h]
        regret = self._regret[s]
        n = len(regret)
        sigma = _regret_matching(regret, n)
        if who == i:
            eps = self.epsilon
            sample = [eps / n + (1.0 - eps) * x for x in sigma]
        else:
            sample = sigma
        a = _pick(sample, self._uniform())
        child = f.children[h][a]
        if who == i:
            value = self._walk(child, i, my_reach * sigma[a], opp_reach, sample_reach * sample[a])
        else:
            value = self._walk(child, i, my_reach, opp_reach * sigma[a], sample_reach * sample[a])
        # Only the sampled action has a (importance-weighted) value estimate.
        child_value = value / sample[a]
        estimate = sigma[a] * child_value
        if who == i:
            w = opp_reach / sample_reach
            cf = estimate * w
            for b in range(n):
                regret[b] += (child_value * w if b == a else 0.0) - cf
            avg = self._average[s]
            scale = my_reach / sample_reach
            for b in range(n):
                avg[b] += scale * sigma[b]
        return estimate
