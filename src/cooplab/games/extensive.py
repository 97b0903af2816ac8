"""Extensive-form games with chance and information sets, compiled to arrays.

A game is first written as a tree of small frozen nodes (:class:`Terminal`,
:class:`Chance`, :class:`Decision`), by hand, from a rules object
(:func:`from_rules`), from a Gambit ``.efg`` file or from OpenSpiel. It is then
compiled once by :func:`compile_tree` into an :class:`ExtensiveGame`: flat
arrays with the nodes in breadth-first order (so every depth is one contiguous
slice and the children of a node are contiguous in the next one), parent and
child indices, the acting player, the information set of every decision node,
chance probabilities and the terminal utilities. Solvers (:mod:`cooplab.cfr`)
then sweep those arrays a depth at a time, with no Python per node.

Conventions
-----------
* Players are ``0 .. num_players - 1``; in the ``player`` array chance is
  ``CHANCE = -1`` and a terminal node ``TERMINAL = -2``.
* An information set is identified by its player and its key: two decision
  nodes of the same player with the same ``infoset`` key are one information
  set, and must offer the same actions (same labels, same order).
* Node ``0`` is the root. Node ``n``'s children are
  ``child_start[n] .. child_start[n] + num_children[n] - 1``, in action order.

References
----------
Kuhn, H. W. (1953). Extensive games and the problem of information.
Contributions to the Theory of Games II, 193-216.
Zinkevich, M., Johanson, M., Bowling, M. & Piccione, C. (2007). Regret
minimization in games with incomplete information. NIPS 20.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "CHANCE",
    "DEFAULT_MAX_NODES",
    "TERMINAL",
    "Chance",
    "Decision",
    "ExtensiveGame",
    "GameRules",
    "Node",
    "Terminal",
    "compile_tree",
    "from_rules",
]

#: ``player`` entry of a chance node.
CHANCE = -1
#: ``player`` entry of a terminal node.
TERMINAL = -2
#: The largest tree compiled by default (about 100 bytes of arrays per node).
DEFAULT_MAX_NODES = 5_000_000
#: How far a chance node's probabilities may sum away from 1.
PROB_SUM_TOL = 1e-9

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Terminal:
    """A leaf: one payoff per player."""

    payoffs: tuple[float, ...]


@dataclass(frozen=True)
class Chance:
    """A chance node: ``outcomes`` are ``(label, probability, child)`` triples."""

    outcomes: tuple[tuple[str, float, Node], ...]


@dataclass(frozen=True)
class Decision:
    """A decision node of ``player`` (0-based) in information set ``infoset``.

    ``children[k]`` follows ``actions[k]``. The key ``infoset`` is unique per
    player: every node of that player with this key is in the same set.
    """

    player: int
    infoset: str
    actions: tuple[str, ...]
    children: tuple[Node, ...]


Node: TypeAlias = Terminal | Chance | Decision


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _describe_history(labels: Sequence[str]) -> str:
    return "the root" if not labels else "history (" + ", ".join(repr(s) for s in labels) + ")"


class ExtensiveGame:
    """A finite extensive-form game compiled to arrays (build with :func:`compile_tree`).

    Attributes
    ----------
    name : str
    num_players : int
    num_nodes, num_infosets, num_terminals, max_actions : int
    player : ndarray of int, shape (num_nodes,)
        Acting player; ``CHANCE`` (-1) or ``TERMINAL`` (-2).
    infoset : ndarray of int, shape (num_nodes,)
        Information-set index of a decision node, ``-1`` elsewhere.
    parent : ndarray of int, shape (num_nodes,)
        Parent index, ``-1`` at the root.
    action : ndarray of int, shape (num_nodes,)
        Which child of its parent the node is (action or outcome index);
        ``-1`` at the root.
    depth : ndarray of int, shape (num_nodes,)
        Distance from the root; non-decreasing in node order.
    child_start, num_children : ndarray of int, shape (num_nodes,)
        The children of ``n`` are ``child_start[n] : child_start[n] + num_children[n]``.
    chance_prob : ndarray of float, shape (num_nodes,)
        Probability of the chance outcome that leads to the node when its
        parent is a chance node; ``1.0`` otherwise.
    level_starts : ndarray of int, shape (max_depth + 2,)
        Nodes at depth ``d`` are ``level_starts[d] : level_starts[d + 1]``.
    terminals : ndarray of int, shape (num_terminals,)
        Node index of each terminal, in node order.
    terminal_index : ndarray of int, shape (num_nodes,)
        Row of a terminal node in ``utility``; ``-1`` elsewhere.
    utility : ndarray of float, shape (num_terminals, num_players)
    edge_label : tuple of str, length num_nodes
        Label of the action or chance outcome leading to each node (``""`` at the root).
    infoset_player, infoset_num_actions : ndarray of int, shape (num_infosets,)
    infoset_keys : tuple of str
    infoset_actions : tuple of tuple of str
    legal_mask : ndarray of bool, shape (num_infosets, max_actions)
    infoset_node : ndarray of int, shape (num_infosets,)
        The first node (in node order) of each information set.
    infoset_parent_sequence : ndarray of int, shape (num_infosets,)
        The player's last own move before the set, as a flat slot
        ``infoset * max_actions + action``; ``-1`` for none (the empty sequence).
    infoset_own_depth : ndarray of int, shape (num_infosets,)
        How many of its own moves the player has made before reaching the set.
    perfect_recall : bool
        Whether every information set's nodes share the player's own sequence of
        moves (Kuhn 1953); best responses and the sequence-form LP need it.
    """

    def __init__(
        self,
        *,
        name: str,
        num_players: int,
        player: IntArray,
        infoset: IntArray,
        parent: IntArray,
        action: IntArray,
        child_start: IntArray,
        num_children: IntArray,
        chance_prob: FloatArray,
        utility: FloatArray,
        edge_label: tuple[str, ...],
        infoset_player: IntArray,
        infoset_keys: tuple[str, ...],
        infoset_actions: tuple[tuple[str, ...], ...],
    ) -> None:
        self.name = name
        self.num_players = int(num_players)
        self.player = _readonly(np.asarray(player, dtype=np.int64))
        self.infoset = _readonly(np.asarray(infoset, dtype=np.int64))
        self.parent = _readonly(np.asarray(parent, dtype=np.int64))
        self.action = _readonly(np.asarray(action, dtype=np.int64))
        self.child_start = _readonly(np.asarray(child_start, dtype=np.int64))
        self.num_children = _readonly(np.asarray(num_children, dtype=np.int64))
        self.chance_prob = _readonly(np.asarray(chance_prob, dtype=np.float64))
        self.edge_label = edge_label
        n = self.player.shape[0]
        depth = np.zeros(n, dtype=np.int64)
        # Breadth-first order: the children of depth d are exactly depth d + 1, and that level
        # ends where the children of its last non-leaf node end (leaves point there too).
        starts = [0, 1]
        while starts[-1] < n:
            lo, hi = starts[-2], starts[-1]
            nxt = int((self.child_start[lo:hi] + self.num_children[lo:hi]).max())
            if nxt <= hi:
                raise ValueError("node arrays are not in breadth-first order")
            depth[hi:nxt] = len(starts) - 1
            starts.append(nxt)
        self.depth = _readonly(depth)
        self.level_starts = _readonly(np.asarray(starts, dtype=np.int64))
        self.terminals = _readonly(np.flatnonzero(self.player == TERMINAL).astype(np.int64))
        tindex = np.full(n, -1, dtype=np.int64)
        tindex[self.terminals] = np.arange(self.terminals.size)
        self.terminal_index = _readonly(tindex)
        self.utility = _readonly(
            np.asarray(utility, dtype=np.float64).reshape(-1, self.num_players)
        )
        self.infoset_player = _readonly(np.asarray(infoset_player, dtype=np.int64))
        self.infoset_keys = infoset_keys
        self.infoset_actions = infoset_actions
        m = len(infoset_keys)
        self.infoset_num_actions = _readonly(
            np.asarray([len(a) for a in infoset_actions], dtype=np.int64).reshape(m)
        )
        self.max_actions = int(self.infoset_num_actions.max()) if m else 1
        self.legal_mask = _readonly(
            np.arange(self.max_actions)[None, :] < self.infoset_num_actions[:, None]
        )
        dec = np.flatnonzero(self.infoset >= 0)
        first = np.full(m, -1, dtype=np.int64)
        # Reverse assignment leaves the smallest node index per information set.
        first[self.infoset[dec[::-1]]] = dec[::-1]
        self.infoset_node = _readonly(first)
        self._index = {
            (int(p), k): i
            for i, (p, k) in enumerate(zip(self.infoset_player, infoset_keys, strict=True))
        }
        self._sequences()

    # -- structure ---------------------------------------------------------------------------
    def _sequences(self) -> None:
        """Each player's last own move above every node; perfect recall; own depths."""
        n, p, a = self.num_nodes, self.num_players, self.max_actions
        seq = np.full((p, n), -1, dtype=np.int64)
        own = np.zeros((p, n), dtype=np.int64)
        for d in range(1, self.level_starts.size - 1):
            c = np.arange(self.level_starts[d], self.level_starts[d + 1])
            par = self.parent[c]
            seq[:, c] = seq[:, par]
            own[:, c] = own[:, par]
            who = self.player[par]
            dec = who >= 0
            cd, pd = c[dec], par[dec]
            seq[who[dec], cd] = self.infoset[pd] * a + self.action[cd]
            own[who[dec], cd] += 1
        dec_nodes = np.flatnonzero(self.infoset >= 0)
        who = self.player[dec_nodes]
        mine = seq[who, dec_nodes]
        rep = self.infoset_node[self.infoset[dec_nodes]]
        self.perfect_recall = bool(np.all(mine == seq[who, rep]))
        self.infoset_parent_sequence = _readonly(seq[self.infoset_player, self.infoset_node].copy())
        self.infoset_own_depth = _readonly(own[self.infoset_player, self.infoset_node].copy())

    @property
    def num_nodes(self) -> int:
        return int(self.player.shape[0])

    @property
    def num_infosets(self) -> int:
        return len(self.infoset_keys)

    @property
    def num_terminals(self) -> int:
        return int(self.terminals.shape[0])

    @property
    def max_depth(self) -> int:
        return int(self.level_starts.size - 2)

    @property
    def root(self) -> int:
        return 0

    def infoset_index(self, key: str, player: int | None = None) -> int:
        """Index of the information set with this key (and player, if keys repeat across players)."""
        if player is not None:
            try:
                return self._index[(int(player), key)]
            except KeyError:
                raise KeyError(
                    f"player {player} has no information set {key!r} in {self.name!r}"
                ) from None
        hits = [i for (pl, k), i in self._index.items() if k == key]
        if not hits:
            raise KeyError(f"no information set {key!r} in {self.name!r}")
        if len(hits) > 1:
            raise KeyError(f"information set key {key!r} belongs to several players; pass player=")
        return hits[0]

    def children(self, node: int) -> range:
        """The children of ``node``, in action order."""
        s = int(self.child_start[node])
        return range(s, s + int(self.num_children[node]))

    def history(self, node: int) -> tuple[str, ...]:
        """The action and outcome labels from the root down to ``node``."""
        out: list[str] = []
        while node > 0:
            out.append(self.edge_label[node])
            node = int(self.parent[node])
        return tuple(reversed(out))

    def infoset_name(self, index: int) -> str:
        """``"player:key"``, the readable name of an information set."""
        return f"{int(self.infoset_player[index])}:{self.infoset_keys[index]}"

    def to_tree(self) -> Node:
        """The game as a tree of nodes again (what :func:`compile_tree` was given, up to floats)."""
        built: list[Node | None] = [None] * self.num_nodes
        for node in range(self.num_nodes - 1, -1, -1):
            who = int(self.player[node])
            kids = self.children(node)
            if who == TERMINAL:
                built[node] = Terminal(
                    tuple(float(x) for x in self.utility[self.terminal_index[node]])
                )
            elif who == CHANCE:
                built[node] = Chance(
                    tuple((self.edge_label[c], float(self.chance_prob[c]), built[c]) for c in kids)  # type: ignore[misc]
                )
            else:
                s = int(self.infoset[node])
                built[node] = Decision(
                    player=who,
                    infoset=self.infoset_keys[s],
                    actions=self.infoset_actions[s],
                    children=tuple(built[c] for c in kids),  # type: ignore[misc]
                )
            for c in kids:
                built[c] = None  # free memory as we go up
        root = built[0]
        if root is None:  # pragma: no cover - node 0 always exists
            raise RuntimeError("empty game tree")
        return root

    def __repr__(self) -> str:
        return (
            f"ExtensiveGame({self.name!r}, players={self.num_players}, nodes={self.num_nodes}, "
            f"infosets={self.num_infosets}, terminals={self.num_terminals})"
        )


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)


def compile_tree(
    root: Node, *, num_players: int, name: str = "", max_nodes: int = DEFAULT_MAX_NODES
) -> ExtensiveGame:
    """Check a tree of nodes and compile it into an :class:`ExtensiveGame`.

    Parameters
    ----------
    root : Terminal, Chance or Decision
    num_players : int
        Players ``0 .. num_players - 1``; every terminal has that many payoffs.
    name : str
        The game's name.
    max_nodes : int
        Refuse (``ValueError``) a tree with more nodes: the dense arrays would
        not fit; sample such a game with Monte Carlo CFR instead.

    Returns
    -------
    ExtensiveGame

    Raises
    ------
    ValueError
        Naming the node's history (its action labels from the root) for: an
        information set whose nodes offer different actions, chance
        probabilities that are negative or do not sum to 1, a player index out
        of range, a decision or chance node without children, a terminal with
        the wrong number of payoffs or a non-finite payoff, a tree over
        ``max_nodes``.
    TypeError
        For something that is not a node.

    Examples
    --------
    >>> tree = Decision(0, "root", ("L", "R"), (Terminal((1.0, -1.0)), Terminal((0.0, 0.0))))
    >>> compile_tree(tree, num_players=2).num_infosets
    1
    """
    num_players = _check_int(num_players, "num_players", 1)
    max_nodes = _check_int(max_nodes, "max_nodes", 1)
    # Breadth-first: queue entries are nodes; parents[k] / labels[k] describe entry k.
    queue: list[Node] = [root]
    parent: list[int] = [-1]
    action: list[int] = [-1]
    labels: list[str] = [""]
    player: list[int] = []
    infoset: list[int] = []
    child_start: list[int] = []
    num_children: list[int] = []
    chance_prob: list[float] = [1.0]
    utility: list[tuple[float, ...]] = []
    keys: dict[tuple[int, str], int] = {}
    key_list: list[str] = []
    key_player: list[int] = []
    key_actions: list[tuple[str, ...]] = []

    def where(k: int) -> str:
        path: list[str] = []
        while k > 0:
            path.append(labels[k])
            k = parent[k]
        return _describe_history(path[::-1])

    k = 0
    while k < len(queue):
        node = queue[k]
        if isinstance(node, Terminal):
            pay = node.payoffs
            if not isinstance(pay, tuple | list) or len(pay) != num_players:
                raise ValueError(
                    f"the terminal at {where(k)} has payoffs {pay!r}; expected {num_players} "
                    "numbers (one per player)"
                )
            try:
                vals = tuple(float(x) for x in pay)
            except (TypeError, ValueError):
                raise TypeError(
                    f"the terminal at {where(k)} has non-numeric payoffs {pay!r}"
                ) from None
            if not all(math.isfinite(x) for x in vals):
                raise ValueError(f"the terminal at {where(k)} has a non-finite payoff: {pay!r}")
            player.append(TERMINAL)
            infoset.append(-1)
            child_start.append(len(queue))
            num_children.append(0)
            utility.append(vals)
        elif isinstance(node, Chance):
            outs = node.outcomes
            if not outs:
                raise ValueError(f"the chance node at {where(k)} has no outcomes")
            probs = []
            for item in outs:
                if not (isinstance(item, tuple) and len(item) == 3):
                    raise TypeError(
                        f"the chance node at {where(k)} has outcome {item!r}; expected "
                        "(label, probability, child)"
                    )
                try:
                    probs.append(float(item[1]))
                except (TypeError, ValueError):
                    raise TypeError(
                        f"the chance node at {where(k)} has a non-numeric probability {item[1]!r}"
                    ) from None
            if not all(math.isfinite(p) and p >= 0.0 for p in probs):
                raise ValueError(
                    f"the chance node at {where(k)} has a negative or non-finite probability: {probs}"
                )
            total = math.fsum(probs)
            if abs(total - 1.0) > PROB_SUM_TOL:
                raise ValueError(
                    f"the chance probabilities at {where(k)} sum to {total!r}, not 1: {probs}"
                )
            player.append(CHANCE)
            infoset.append(-1)
            child_start.append(len(queue))
            num_children.append(len(outs))
            for j, ((label, _, child), p) in enumerate(zip(outs, probs, strict=True)):
                queue.append(child)
                parent.append(k)
                action.append(j)
                labels.append(str(label))
                chance_prob.append(p)
        elif isinstance(node, Decision):
            who = node.player
            if isinstance(who, bool) or not isinstance(who, numbers.Integral):
                raise TypeError(
                    f"the decision node at {where(k)} has player {who!r}; expected an int"
                )
            if not 0 <= int(who) < num_players:
                raise ValueError(
                    f"the decision node at {where(k)} has player {who}, not in 0..{num_players - 1}"
                )
            acts = tuple(str(a) for a in node.actions)
            if not acts:
                raise ValueError(f"the decision node at {where(k)} has no actions")
            if len(set(acts)) != len(acts):
                raise ValueError(f"the decision node at {where(k)} repeats an action label: {acts}")
            if len(node.children) != len(acts):
                raise ValueError(
                    f"the decision node at {where(k)} has {len(acts)} actions but "
                    f"{len(node.children)} children"
                )
            ikey = (int(who), str(node.infoset))
            s = keys.get(ikey)
            if s is None:
                s = keys[ikey] = len(key_list)
                key_list.append(ikey[1])
                key_player.append(ikey[0])
                key_actions.append(acts)
            elif key_actions[s] != acts:
                raise ValueError(
                    f"information set {ikey[1]!r} of player {who} offers actions {key_actions[s]} "
                    f"elsewhere but {acts} at {where(k)}"
                )
            player.append(int(who))
            infoset.append(s)
            child_start.append(len(queue))
            num_children.append(len(acts))
            for j, (label, child) in enumerate(zip(acts, node.children, strict=True)):
                queue.append(child)
                parent.append(k)
                action.append(j)
                labels.append(label)
                chance_prob.append(1.0)
        else:
            raise TypeError(
                f"the node at {where(k)} is a {type(node).__name__}, not Terminal, Chance or Decision"
            )
        if len(queue) > max_nodes:
            raise ValueError(
                f"{name or 'the game'} has more than {max_nodes:,} nodes, too many for the dense "
                "arrays (about 100 bytes a node); solve it by sampling (Monte Carlo CFR, "
                "cooplab.cfr.mccfr) on a smaller or abstracted version, or raise max_nodes"
            )
        queue[k] = None  # type: ignore[call-overload]  # release the subtree reference
        k += 1
    util = np.asarray(utility, dtype=np.float64).reshape(len(utility), num_players)
    return ExtensiveGame(
        name=name,
        num_players=num_players,
        player=np.asarray(player),
        infoset=np.asarray(infoset),
        parent=np.asarray(parent),
        action=np.asarray(action),
        child_start=np.asarray(child_start),
        num_children=np.asarray(num_children),
        chance_prob=np.asarray(chance_prob),
        utility=util,
        edge_label=tuple(labels),
        infoset_player=np.asarray(key_player, dtype=np.int64),
        infoset_keys=tuple(key_list),
        infoset_actions=tuple(key_actions),
    )


class GameRules(Protocol):
    """What :func:`from_rules` needs of a game's rules (OpenSpiel's state API, functionally).

    States are any values; ``apply`` returns a new state and never mutates.
    """

    num_players: int

    def initial_state(self) -> Any: ...
    def is_terminal(self, state: Any) -> bool: ...
    def returns(self, state: Any) -> Sequence[float]: ...
    def current_player(self, state: Any) -> int: ...  # -1 for chance
    def chance_outcomes(self, state: Any) -> Sequence[tuple[str, float]]: ...
    def legal_actions(self, state: Any) -> Sequence[str]: ...
    def apply(self, state: Any, action: str) -> Any: ...
    def infoset_key(self, state: Any, player: int) -> str: ...


def from_rules(
    rules: GameRules,
    *,
    name: str = "",
    max_nodes: int = DEFAULT_MAX_NODES,
    memo: Callable[[Any], Hashable] | None = None,
) -> ExtensiveGame:
    """Expand a rules object into a tree and compile it (:func:`compile_tree`).

    Parameters
    ----------
    rules : GameRules
        ``num_players``, ``initial_state()``, ``is_terminal(s)``,
        ``returns(s)``, ``current_player(s)`` (``-1`` for chance),
        ``chance_outcomes(s)`` -> ``[(label, prob)]``, ``legal_actions(s)`` ->
        ``[label]``, ``apply(s, label)`` and ``infoset_key(s, player)``.
    name : str
    max_nodes : int
        Refuse a tree with more nodes (counted while expanding).
    memo : callable, optional
        ``memo(state)`` -> a hashable key; states with equal keys have equal
        subtrees and are expanded once (the tree then shares node objects;
        compiling still gives every history its own node).

    Returns
    -------
    ExtensiveGame
    """
    n = _check_int(getattr(rules, "num_players", None), "rules.num_players", 1)
    max_nodes = _check_int(max_nodes, "max_nodes", 1)
    count = 0
    cache: dict[Hashable, tuple[Node, int]] = {}

    def expand(state: Any, path: tuple[str, ...]) -> tuple[Node, int]:
        nonlocal count
        if memo is not None:
            mk = memo(state)
            hit = cache.get(mk)
            if hit is not None:
                count += hit[1]
                if count > max_nodes:
                    raise ValueError(_too_large(name, max_nodes))
                return hit
        start = count
        count += 1
        if count > max_nodes:
            raise ValueError(_too_large(name, max_nodes))
        node: Node
        if rules.is_terminal(state):
            node = Terminal(tuple(float(x) for x in rules.returns(state)))
        else:
            who = int(rules.current_player(state))
            if who == CHANCE:
                outs = []
                for label, p in rules.chance_outcomes(state):
                    child, _ = expand(rules.apply(state, label), (*path, str(label)))
                    outs.append((str(label), float(p), child))
                node = Chance(tuple(outs))
            else:
                if not 0 <= who < n:
                    raise ValueError(
                        f"rules.current_player is {who} at {_describe_history(path)}; expected "
                        f"-1 (chance) or 0..{n - 1}"
                    )
                acts = tuple(str(a) for a in rules.legal_actions(state))
                kids = tuple(expand(rules.apply(state, a), (*path, a))[0] for a in acts)
                node = Decision(who, str(rules.infoset_key(state, who)), acts, kids)
        size = count - start
        if memo is not None:
            cache[mk] = (node, size)
        return node, size

    root, _ = expand(rules.initial_state(), ())
    return compile_tree(root, num_players=n, name=name, max_nodes=max_nodes)


def _too_large(name: str, max_nodes: int) -> str:
    return (
        f"{name or 'the game'} has more than {max_nodes:,} nodes, too many for the dense arrays "
        "(about 100 bytes a node); solve it by sampling (Monte Carlo CFR, cooplab.cfr.mccfr) "
        "on a smaller or abstracted version, or raise max_nodes"
    )
