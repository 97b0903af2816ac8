"""Vectorised passes over a compiled game: reaches top-down, values bottom-up.

Every pass works a depth at a time on whole slices of the node arrays of an
:class:`~cooplab.games.extensive.ExtensiveGame` (breadth-first order, children
contiguous), with gathers, products and segment sums (``np.add.reduceat``):
no Python per node. A :class:`Plan` holds the index arrays the passes need and
is built once per game (cached).
"""

from __future__ import annotations

import weakref

import numpy as np
import numpy.typing as npt

from cooplab.games.extensive import ExtensiveGame

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_CACHE: weakref.WeakKeyDictionary[ExtensiveGame, Plan] = weakref.WeakKeyDictionary()


class Plan:
    """Index arrays for the passes (see the module docstring).

    Attributes
    ----------
    levels : list of (lo, hi, parents, owner_row, seg_parents, seg_starts)
        For each depth ``d >= 1``: the node slice ``lo:hi``, the parent of each
        node in it, the reach row its incoming edge multiplies (the acting
        player, or ``num_players`` for chance), and for the bottom-up sum the
        non-leaf nodes of depth ``d - 1`` with the offsets of their first
        child inside the slice.
    dec_child : ndarray, shape (E,)
        Nodes whose parent is a decision node (one per decision edge).
    dec_slot : ndarray, shape (E,)
        Flat policy slot ``infoset * max_actions + action`` of that edge.
    """

    def __init__(self, game: ExtensiveGame) -> None:
        self.game = game
        p = game.num_players
        a = game.max_actions
        self.num_players = p
        self.size = game.num_infosets * a
        self.levels: list[tuple[int, int, IntArray, IntArray, IntArray, IntArray]] = []
        ls = game.level_starts
        for d in range(1, ls.size - 1):
            lo, hi = int(ls[d]), int(ls[d + 1])
            par = np.asarray(game.parent[lo:hi])
            who = game.player[par]
            row = np.where(who >= 0, who, p)
            plo, phi = int(ls[d - 1]), int(ls[d])
            prev = np.arange(plo, phi)
            inner = prev[game.num_children[plo:phi] > 0]
            starts = game.child_start[inner] - lo
            self.levels.append((lo, hi, par, row, inner, starts))
        row_of = np.full(game.num_nodes, p, dtype=np.int64)
        row_of[1:] = np.where(game.player[game.parent[1:]] >= 0, game.player[game.parent[1:]], p)
        self.factor_slot: IntArray = row_of * game.num_nodes + np.arange(game.num_nodes)
        parent = game.parent
        has_dec_parent = np.zeros(game.num_nodes, dtype=bool)
        has_dec_parent[1:] = game.player[parent[1:]] >= 0
        self.dec_child: IntArray = np.flatnonzero(has_dec_parent)
        self.dec_parent: IntArray = parent[self.dec_child]
        self.dec_slot: IntArray = game.infoset[self.dec_parent] * a + game.action[self.dec_child]
        self.dec_player: IntArray = game.player[self.dec_parent]
        # Per player: the decision edges they own.
        self.edges_of: list[IntArray] = [np.flatnonzero(self.dec_player == i) for i in range(p)]
        self.infosets_of: list[IntArray] = [
            np.flatnonzero(game.infoset_player == i) for i in range(p)
        ]
        # Per player, for the regret update: each owned edge's child, parent and slot in the
        # player's own (infosets_of[i] x max_actions) block, and a node of each owned set.
        local = np.zeros(game.num_infosets, dtype=np.int64)
        for sets in self.infosets_of:
            local[sets] = np.arange(sets.size)
        self.player_edges: list[tuple[IntArray, IntArray, IntArray]] = []
        for i in range(p):
            e = self.edges_of[i]
            child, par = self.dec_child[e], self.dec_parent[e]
            self.player_edges.append(
                (child, par, local[game.infoset[par]] * a + game.action[child])
            )
        self.set_nodes: list[IntArray] = [game.infoset_node[sets] for sets in self.infosets_of]
        self.term = game.terminals
        self.util_t = np.ascontiguousarray(game.utility.T)  # (players, terminals)
        self.mask = game.legal_mask
        self.uniform = game.legal_mask / game.infoset_num_actions[:, None].clip(min=1)

    # -- passes ----------------------------------------------------------------------------
    def edge_probs(self, probs: FloatArray) -> FloatArray:
        """Probability of every node's incoming edge, shape (num_nodes,)."""
        edge = np.array(self.game.chance_prob, dtype=np.float64)
        edge[self.dec_child] = probs.reshape(-1)[self.dec_slot]
        return edge

    def reaches(self, edge: FloatArray) -> FloatArray:
        """Reach contributions, shape (num_players + 1, num_nodes); the last row is chance."""
        n = self.game.num_nodes
        # Each edge multiplies one row (its mover's); the other rows copy the parent's.
        factor = np.ones((self.num_players + 1, n))
        factor.reshape(-1)[self.factor_slot] = edge
        reach = np.empty_like(factor)
        reach[:, 0] = 1.0
        for lo, hi, par, _, _, _ in self.levels:
            np.multiply(reach[:, par], factor[:, lo:hi], out=reach[:, lo:hi])
        return reach

    def values(self, edge: FloatArray, rows: IntArray | None = None) -> FloatArray:
        """Expected utilities below every node, shape (len(rows), num_nodes).

        ``rows`` are the players whose values are wanted (all by default).
        """
        util = self.util_t if rows is None else self.util_t[rows]
        v = np.zeros((util.shape[0], self.game.num_nodes))
        v[:, self.term] = util
        for lo, hi, _, _, inner, starts in reversed(self.levels):
            if inner.size:
                v[:, inner] = np.add.reduceat(v[:, lo:hi] * edge[lo:hi], starts, axis=1)
        return v

    def counterfactual_reach(self, reach: FloatArray, player: int) -> FloatArray:
        """Product of every row of ``reach`` but the player's, shape (num_nodes,)."""
        others = np.delete(reach, player, axis=0)
        return np.prod(others, axis=0) if others.shape[0] > 1 else others[0]


def plan_for(game: ExtensiveGame) -> Plan:
    """The (cached) :class:`Plan` of ``game``."""
    if not isinstance(game, ExtensiveGame):
        raise TypeError(f"expected a compiled ExtensiveGame; got {type(game).__name__}")
    plan = _CACHE.get(game)
    if plan is None:
        plan = _CACHE[game] = Plan(game)
    return plan
