"""Any OpenSpiel game as a cooplab extensive-form game.

:func:`from_openspiel` walks the whole tree of an OpenSpiel game (a
``pyspiel.Game`` or a name such as ``"leduc_poker"``) from its initial state:
chance nodes with their outcome probabilities, decision nodes with the acting
player and the legal actions in OpenSpiel's order (ascending action ids), and
terminal nodes with ``state.returns()``. Information sets are keyed by
``state.information_state_string(player)``, so two histories share an
information set here exactly when they do in OpenSpiel, and a policy indexed
by information set carries over. Simultaneous-move games are converted to
turn-based ones first (``pyspiel.convert_to_turn_based``), as OpenSpiel's own
CFR does. The tree is then compiled with
:func:`cooplab.games.extensive.compile_tree`.

``open_spiel`` is imported only when this is called; it is an optional peer
(the ``bench`` extra).

References
----------
Lanctot, M. et al. (2019). OpenSpiel: A Framework for Reinforcement Learning
in Games. arXiv:1908.09453.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cooplab.games.extensive import ExtensiveGame, Node

__all__ = ["DEFAULT_MAX_NODES", "from_openspiel", "openspiel_tree"]

#: Nodes walked before the conversion gives up (the dense arrays' limit).
DEFAULT_MAX_NODES = 5_000_000


def _load(game_or_name: Any) -> Any:
    try:
        import pyspiel
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "from_openspiel needs OpenSpiel; install it with: pip install 'cooplab[bench]' "
            "(or pip install open_spiel)"
        ) from exc
    if isinstance(game_or_name, str):
        try:
            game = pyspiel.load_game(game_or_name)
        except pyspiel.SpielError as exc:
            raise ValueError(f"OpenSpiel cannot load game {game_or_name!r}: {exc}") from None
    elif isinstance(game_or_name, pyspiel.Game):
        game = game_or_name
    else:
        raise TypeError(
            "from_openspiel needs a pyspiel.Game or a game name such as 'kuhn_poker'; got "
            f"{type(game_or_name).__name__}"
        )
    gtype = game.get_type()
    if gtype.dynamics == pyspiel.GameType.Dynamics.SIMULTANEOUS:
        game = pyspiel.convert_to_turn_based(game)
        gtype = game.get_type()
    if gtype.chance_mode == pyspiel.GameType.ChanceMode.SAMPLED_STOCHASTIC:
        raise ValueError(
            f"{gtype.short_name} has sampled chance (no explicit outcome probabilities), so its "
            "tree cannot be enumerated"
        )
    if not gtype.provides_information_state_string:
        raise ValueError(
            f"{gtype.short_name} provides no information_state_string, which keys the "
            "information sets"
        )
    return game


def _labels(state: Any, player: int, actions: list[int]) -> tuple[str, ...]:
    labels = [state.action_to_string(player, a) for a in actions]
    if len(set(labels)) < len(labels):  # names need not be unique in OpenSpiel
        labels = [f"{label}#{a}" for label, a in zip(labels, actions, strict=True)]
    return tuple(labels)


def openspiel_tree(
    game_or_name: Any, *, max_nodes: int = DEFAULT_MAX_NODES
) -> tuple[Node, int, str]:
    """The tree of an OpenSpiel game as :mod:`cooplab.games.extensive` nodes.

    Parameters
    ----------
    game_or_name : pyspiel.Game or str
        The game, or a name ``pyspiel.load_game`` accepts
        (``"leduc_poker"``, ``"goofspiel(num_cards=4)"``).
    max_nodes : int
        Give up (``ValueError``) when the tree has more nodes than this.

    Returns
    -------
    root : Node
        The tree; decision actions are in OpenSpiel's order, labelled by
        ``action_to_string`` (with ``#id`` appended where labels repeat).
    num_players : int
    name : str
        The game's string (``str(game)``).
    """
    from cooplab.games.extensive import Chance, Decision, Terminal

    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive integer; got {max_nodes!r}")
    game = _load(game_or_name)
    n = game.num_players()
    count = 0
    # Post-order without recursion: (state, children built?) frames; results on a stack.
    frames: list[tuple[Any, bool]] = [(game.new_initial_state(), False)]
    out: list[Node] = []
    while frames:
        state, expanded = frames.pop()
        if state.is_terminal():
            count += 1
            out.append(Terminal(payoffs=tuple(float(r) for r in state.returns())))
        elif not expanded:
            count += 1
            if count > max_nodes:
                raise ValueError(
                    f"{game} has more than {max_nodes:,} nodes, too many to enumerate into dense "
                    "arrays; sample it instead (cooplab.cfr.mccfr works on the compiled game, so "
                    "convert a smaller variant) or raise max_nodes"
                )
            frames.append((state, True))
            actions = (
                [a for a, _ in state.chance_outcomes()]
                if state.is_chance_node()
                else state.legal_actions()
            )
            frames.extend((state.child(a), False) for a in reversed(actions))
        elif state.is_chance_node():
            outcomes = state.chance_outcomes()
            labels = _labels(state, state.current_player(), [a for a, _ in outcomes])
            children = out[len(out) - len(outcomes) :]
            del out[len(out) - len(outcomes) :]
            out.append(
                Chance(
                    outcomes=tuple(
                        (label, float(p), child)
                        for label, (_, p), child in zip(labels, outcomes, children, strict=True)
                    )
                )
            )
        else:
            player = state.current_player()
            if not 0 <= player < n:
                raise ValueError(f"unexpected current player {player} in {game} at {state}")
            actions = state.legal_actions()
            children = out[len(out) - len(actions) :]
            del out[len(out) - len(actions) :]
            out.append(
                Decision(
                    player=int(player),
                    infoset=state.information_state_string(player),
                    actions=_labels(state, player, actions),
                    children=tuple(children),
                )
            )
    (root,) = out
    return root, n, str(game)


def from_openspiel(game_or_name: Any, *, max_nodes: int = DEFAULT_MAX_NODES) -> ExtensiveGame:
    """An OpenSpiel game compiled into a cooplab :class:`~cooplab.games.extensive.ExtensiveGame`.

    Parameters
    ----------
    game_or_name : pyspiel.Game or str
        The game or its name (``"kuhn_poker"``, ``"leduc_poker"``,
        ``"liars_dice(dice_sides=3)"``).
    max_nodes : int
        The largest tree walked.

    Returns
    -------
    ExtensiveGame
        Information sets keyed by OpenSpiel's information-state strings;
        actions in OpenSpiel's order, so ``policy[infoset, k]`` is the
        probability of the ``k``-th legal action in OpenSpiel.

    Raises
    ------
    ImportError
        When OpenSpiel is not installed.
    ValueError
        For an unknown name, a game whose tree cannot be enumerated (sampled
        chance, no information-state strings) or a tree over ``max_nodes``.
    TypeError
        When given something that is neither a game nor a name.

    Examples
    --------
    >>> game = from_openspiel("kuhn_poker")  # doctest: +SKIP
    >>> game.num_infosets  # doctest: +SKIP
    12
    """
    from cooplab.games.extensive import compile_tree

    root, n, name = openspiel_tree(game_or_name, max_nodes=max_nodes)
    return compile_tree(root, num_players=n, name=name)
