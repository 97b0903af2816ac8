"""Expected values, best responses, NashConv and exploitability of a policy.

Definitions follow OpenSpiel's ``exploitability.py`` exactly:
``nash_conv(game, policy)`` is the sum over players of what a best response
gains over the policy, ``sum_i (BR_i - v_i)``; ``exploitability`` is
``nash_conv / num_players`` (for a two-player zero-sum game, the average of the
two best-response values, the usual "exploitability").

All passes are vectorised over the compiled arrays (see
:mod:`cooplab.cfr._plan`). A best response is computed bottom-up over the
player's own information sets, deepest own move first: once the player's later
choices are fixed, the values below an information set are fixed too, and the
best action maximises the counterfactual value summed over the set's nodes.

References
----------
Johanson, M. et al. (2011). Accelerating best response calculation in large
extensive games. IJCAI.
Lanctot, M. et al. (2019). OpenSpiel. arXiv:1908.09453 (``nash_conv``).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.cfr._plan import Plan, plan_for
from cooplab.cfr.policy import TabularPolicy
from cooplab.games.extensive import ExtensiveGame

__all__ = ["BestResponse", "best_response", "expected_values", "exploitability", "nash_conv"]


@dataclass(frozen=True)
class BestResponse:
    """A pure best response of one player against the others' policy.

    Attributes
    ----------
    player : int
    value : float
        The player's expected utility when best responding.
    on_policy_value : float
        The player's expected utility under the given policy.
    actions : ndarray of int, shape (num_infosets,)
        The chosen action index at each of the player's information sets
        (``-1`` at other players' sets).
    """

    player: int
    value: float
    on_policy_value: float
    actions: npt.NDArray[np.int64]

    @property
    def gain(self) -> float:
        """``value - on_policy_value`` (>= 0 up to rounding)."""
        return self.value - self.on_policy_value

    def to_dict(self) -> dict[str, Any]:
        return {
            "player": self.player,
            "value": self.value,
            "on_policy_value": self.on_policy_value,
            "actions": self.actions.tolist(),
        }


def _check(game: ExtensiveGame, policy: TabularPolicy) -> Plan:
    plan = plan_for(game)
    if not isinstance(policy, TabularPolicy):
        raise TypeError(f"expected a TabularPolicy; got {type(policy).__name__}")
    same = policy.game is game or (
        policy.game.infoset_keys == game.infoset_keys
        and policy.game.infoset_actions == game.infoset_actions
        and np.array_equal(policy.game.infoset_player, game.infoset_player)
    )
    if not same:
        raise ValueError(
            f"the policy is for {policy.game.name!r} ({policy.probs.shape}), not {game.name!r}"
        )
    return plan


def expected_values(game: ExtensiveGame, policy: TabularPolicy) -> npt.NDArray[np.float64]:
    """Each player's expected utility when all play ``policy``, shape (num_players,).

    Examples
    --------
    >>> from cooplab.games.poker import kuhn_poker
    >>> g = kuhn_poker()
    >>> expected_values(g, TabularPolicy.uniform(g)).round(6).tolist()
    [0.125, -0.125]
    """
    plan = _check(game, policy)
    return plan.values(plan.edge_probs(policy.probs))[:, 0].copy()


def _best_response(
    plan: Plan, probs: npt.NDArray[np.float64], player: int
) -> tuple[float, npt.NDArray[np.int64], float]:
    game = plan.game
    a = game.max_actions
    edge = plan.edge_probs(probs)
    on_policy = float(plan.values(edge, np.array([player]))[0, 0])
    cf = plan.counterfactual_reach(plan.reaches(edge), player)
    mine = plan.infosets_of[player]
    actions = np.full(game.num_infosets, -1, dtype=np.int64)
    rows = np.array([player])
    e = plan.edges_of[player]
    child, parent, slot = plan.dec_child[e], plan.dec_parent[e], plan.dec_slot[e]
    edge_depth = game.infoset_own_depth[game.infoset[parent]]
    set_depth = game.infoset_own_depth[mine]
    for k in range(int(set_depth.max()) if mine.size else -1, -1, -1):
        v = plan.values(edge, rows)[0]
        sel = edge_depth == k
        q = np.bincount(slot[sel], weights=cf[parent[sel]] * v[child[sel]], minlength=plan.size)
        q = np.where(plan.mask, q.reshape(-1, a), -np.inf)
        level = mine[set_depth == k]
        best = np.argmax(q[level], axis=1)
        actions[level] = best
        chosen = np.zeros((game.num_infosets, a))
        chosen[level, best] = 1.0
        edge[child[sel]] = chosen.reshape(-1)[slot[sel]]
    value = float(plan.values(edge, rows)[0, 0])
    return value, actions, on_policy


def _player(game: ExtensiveGame, player: Any) -> int:
    if isinstance(player, bool) or not isinstance(player, numbers.Integral):
        raise TypeError(f"player must be an integer; got {type(player).__name__}")
    if not 0 <= int(player) < game.num_players:
        raise ValueError(f"player must be in 0..{game.num_players - 1}; got {player}")
    return int(player)


def _need_recall(game: ExtensiveGame, what: str) -> None:
    if not game.perfect_recall:
        raise ValueError(
            f"{what} needs a game of perfect recall; in {game.name!r} some information set "
            "mixes histories where its player made different earlier moves"
        )


def best_response(game: ExtensiveGame, policy: TabularPolicy, player: int) -> BestResponse:
    """A pure best response of ``player`` to the other players' parts of ``policy``.

    Parameters
    ----------
    game : ExtensiveGame
        A game of perfect recall.
    policy : TabularPolicy
    player : int

    Returns
    -------
    BestResponse
    """
    plan = _check(game, policy)
    player = _player(game, player)
    _need_recall(game, "a best response")
    value, actions, on_policy = _best_response(plan, policy.probs, player)
    return BestResponse(player, value, on_policy, actions)


def nash_conv(game: ExtensiveGame, policy: TabularPolicy) -> float:
    """``sum_i (BR_i(policy_-i) - v_i(policy))``: zero exactly at a Nash equilibrium.

    Examples
    --------
    >>> from cooplab.games.poker import kuhn_poker
    >>> g = kuhn_poker()
    >>> round(nash_conv(g, TabularPolicy.uniform(g)), 6)  # OpenSpiel: 0.916667
    0.916667
    """
    plan = _check(game, policy)
    _need_recall(game, "NashConv")
    total = 0.0
    for i in range(game.num_players):
        value, _, on_policy = _best_response(plan, policy.probs, i)
        total += value - on_policy
    return total


def exploitability(game: ExtensiveGame, policy: TabularPolicy) -> float:
    """``nash_conv(game, policy) / num_players`` (OpenSpiel's ``exploitability``)."""
    return nash_conv(game, policy) / game.num_players
