"""Small poker games for CFR: Kuhn poker and Leduc hold'em.

Both follow OpenSpiel's ``kuhn_poker`` and ``leduc_poker`` (two players)
move for move, so values and exploitabilities compare directly: the same
chance deals, the same legal actions in the same order, the same payoffs.

References
----------
Kuhn, H. W. (1950). A simplified two-person poker. Contributions to the
Theory of Games I, 97-103.
Southey, F. et al. (2005). Bayes' bluff: opponent modelling in poker. UAI.
Lanctot, M. et al. (2019). OpenSpiel: A Framework for Reinforcement Learning
in Games. arXiv:1908.09453.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from cooplab.games.extensive import ExtensiveGame, from_rules

__all__ = ["KuhnRules", "LeducRules", "kuhn_poker", "leduc_poker"]

_KUHN_CARDS = ("J", "Q", "K")


class KuhnRules:
    """Kuhn poker (Kuhn 1950): three cards J < Q < K, ante 1, one bet of 1.

    A state is ``(cards, history)``: the cards dealt so far and the string of
    moves, ``p`` (pass/check/fold) and ``b`` (bet/call). Information sets are
    keyed ``"Q|pb"``: the player's card, then the moves so far. Player 0's
    value at equilibrium is -1/18.
    """

    num_players = 2

    def initial_state(self) -> tuple[tuple[int, ...], str]:
        return ((), "")

    def is_terminal(self, s: tuple[tuple[int, ...], str]) -> bool:
        return s[1] in ("pp", "pbp", "pbb", "bp", "bb")

    def returns(self, s: tuple[tuple[int, ...], str]) -> tuple[float, float]:
        cards, h = s
        if h == "pbp":  # player 0 folds to the bet
            return (-1.0, 1.0)
        if h == "bp":  # player 1 folds
            return (1.0, -1.0)
        stake = 1.0 if h == "pp" else 2.0
        return (stake, -stake) if cards[0] > cards[1] else (-stake, stake)

    def current_player(self, s: tuple[tuple[int, ...], str]) -> int:
        if len(s[0]) < 2:
            return -1
        return len(s[1]) % 2

    def chance_outcomes(self, s: tuple[tuple[int, ...], str]) -> list[tuple[str, float]]:
        left = [c for c in range(3) if c not in s[0]]
        return [(_KUHN_CARDS[c], 1.0 / len(left)) for c in left]

    def legal_actions(self, s: tuple[tuple[int, ...], str]) -> list[str]:
        return ["pass", "bet"]

    def apply(self, s: tuple[tuple[int, ...], str], label: str) -> tuple[tuple[int, ...], str]:
        cards, h = s
        if len(cards) < 2:
            return ((*cards, _KUHN_CARDS.index(label)), h)
        return (cards, h + label[0])

    def infoset_key(self, s: tuple[tuple[int, ...], str], player: int) -> str:
        return f"{_KUHN_CARDS[s[0][player]]}|{s[1]}"


def kuhn_poker() -> ExtensiveGame:
    """Kuhn poker compiled (58 nodes, 12 information sets).

    Examples
    --------
    >>> g = kuhn_poker()
    >>> g.num_infosets, g.num_terminals
    (12, 30)
    """
    return from_rules(KuhnRules(), name="kuhn_poker")


@dataclass(frozen=True)
class _Leduc:
    cards: tuple[int, ...] = ()  # player 0, player 1, public
    rounds: tuple[str, ...] = ("",)  # moves per round: f, c, r
    contrib: tuple[int, int] = (1, 1)
    stakes: int = 1
    raises: int = 0
    calls: int = 0
    player: int = 0
    folded: int = -1


class LeducRules:
    """Leduc hold'em as in OpenSpiel's ``leduc_poker`` (Southey et al. 2005).

    Six cards (J, Q, K in two suits, ``Js Jh Qs Qh Ks Kh``); each player antes
    1 and gets one private card; a betting round with raises of 2, a public
    card, a betting round with raises of 4; at most two raises a round. Fold is
    legal only when facing a bet. A round ends on check-check or on a call of a
    raise. At showdown a pair with the public card wins, else the higher rank;
    equal ranks split. Information sets are keyed
    ``"Ks|rc|Qh|c"``: own card, round-1 moves, then the public card and round-2
    moves once dealt (936 sets, as OpenSpiel).
    """

    num_players = 2
    raise_sizes = (2, 4)
    max_raises = 2
    names = ("Js", "Jh", "Qs", "Qh", "Ks", "Kh")

    def initial_state(self) -> _Leduc:
        return _Leduc()

    def _needs_card(self, s: _Leduc) -> bool:
        return len(s.cards) < 2 or (len(s.rounds) == 2 and len(s.cards) < 3)

    def is_terminal(self, s: _Leduc) -> bool:
        return s.folded >= 0 or (len(s.rounds) == 2 and len(s.cards) == 3 and self._round_over(s))

    def _round_over(self, s: _Leduc) -> bool:
        return (s.raises == 0 and s.calls == 2) or (s.raises > 0 and s.calls == 1)

    def returns(self, s: _Leduc) -> tuple[float, float]:
        if s.folded >= 0:
            w = 1 - s.folded
        else:
            pub = s.cards[2] // 2
            ranks = [100 if c // 2 == pub else c // 2 for c in s.cards[:2]]  # a pair beats all
            if ranks[0] == ranks[1]:
                return (0.0, 0.0)
            w = 0 if ranks[0] > ranks[1] else 1
        won = float(s.contrib[1 - w])
        return (won, -won) if w == 0 else (-won, won)

    def current_player(self, s: _Leduc) -> int:
        return -1 if self._needs_card(s) else s.player

    def chance_outcomes(self, s: _Leduc) -> list[tuple[str, float]]:
        left = [c for c in range(6) if c not in s.cards]
        return [(self.names[c], 1.0 / len(left)) for c in left]

    def legal_actions(self, s: _Leduc) -> list[str]:
        acts = []
        if s.stakes > s.contrib[s.player]:
            acts.append("fold")
        acts.append("call")
        if s.raises < self.max_raises:
            acts.append("raise")
        return acts

    def apply(self, s: _Leduc, label: str) -> _Leduc:
        if self._needs_card(s):
            return replace(s, cards=(*s.cards, self.names.index(label)))
        p = s.player
        rounds = (*s.rounds[:-1], s.rounds[-1] + label[0])
        if label == "fold":
            return replace(s, rounds=rounds, folded=p)
        contrib = list(s.contrib)
        stakes, raises, calls = s.stakes, s.raises, s.calls
        if label == "call":
            calls += 1
        else:
            raises += 1
            calls = 0
            stakes += self.raise_sizes[len(s.rounds) - 1]
        contrib[p] = stakes
        t = replace(
            s,
            rounds=rounds,
            contrib=(contrib[0], contrib[1]),
            stakes=stakes,
            raises=raises,
            calls=calls,
            player=1 - p,
        )
        if len(s.rounds) == 1 and self._round_over(t):
            # Round 2 starts with player 0, after the public card.
            t = replace(t, rounds=(*rounds, ""), raises=0, calls=0, player=0)
        return t

    def infoset_key(self, s: _Leduc, player: int) -> str:
        parts: Sequence[str] = [self.names[s.cards[player]], s.rounds[0]]
        if len(s.cards) == 3:
            parts = [*parts, self.names[s.cards[2]], s.rounds[1]]
        return "|".join(parts)


def leduc_poker() -> ExtensiveGame:
    """Leduc hold'em compiled (936 information sets).

    Examples
    --------
    >>> leduc_poker().num_infosets
    936
    """
    return from_rules(LeducRules(), name="leduc_poker")
