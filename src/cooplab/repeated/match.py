"""The reference match engine: two strategies, one turn at a time.

This is the plain loop that defines what a match is; faster engines (many
matches stepped together as arrays) must give exactly its histories. Each
turn both strategies choose an action from the rounds so far; with noise
``e`` each chosen action is flipped with probability ``e``; both players see
the actions actually played.

Randomness: the match's generator spawns three children, one per player and
one for the noise (NumPy ``SeedSequence`` spawning), so a player's draws do
not depend on the other player's, as in Axelrod's ``Match``.
"""

from __future__ import annotations

import copy
import functools
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.normal_form import NormalFormGame
from cooplab.repeated.strategies.base import (
    PD_PAYOFFS,
    History,
    MatchInfo,
    Strategy,
    actions_to_string,
    check_probability,
)
from cooplab.runtime.rng import RngLike, as_generator

__all__ = ["MatchResult", "match_infos", "play_match", "play_turns", "stage_payoffs"]


@dataclass(frozen=True, eq=False)
class MatchResult:
    """One match.

    Attributes
    ----------
    players : (str, str)
        The two strategies' display names.
    actions : array of int8, shape (2, turns)
        ``actions[i, t]``: the action player ``i`` actually played at turn ``t``.
    payoffs : array of float, shape (2, turns)
        Each player's payoff at each turn.
    noise : float
    """

    players: tuple[str, str]
    actions: npt.NDArray[np.int8]
    payoffs: npt.NDArray[np.float64]
    noise: float = 0.0
    seed: int | None = field(default=None)

    def __post_init__(self) -> None:
        for name in ("actions", "payoffs"):
            arr = np.array(getattr(self, name))
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    @property
    def turns(self) -> int:
        return int(self.actions.shape[1])

    @property
    def scores(self) -> npt.NDArray[np.float64]:
        """Total payoffs, shape (2,)."""
        return self.payoffs.sum(axis=1)

    @property
    def mean_scores(self) -> npt.NDArray[np.float64]:
        """Payoff per turn, shape (2,) (nan for an empty match)."""
        if self.turns == 0:
            return np.full(2, np.nan)
        return self.payoffs.mean(axis=1)

    @property
    def cooperation_rates(self) -> npt.NDArray[np.float64]:
        """Fraction of turns each player cooperated, shape (2,)."""
        if self.turns == 0:
            return np.full(2, np.nan)
        return 1.0 - self.actions.mean(axis=1)

    def history_strings(self) -> tuple[str, str]:
        """Each player's actions as a string of C and D."""
        return actions_to_string(self.actions[0]), actions_to_string(self.actions[1])

    def to_dict(self) -> dict[str, Any]:
        a, b = self.history_strings()
        return {
            "players": list(self.players),
            "turns": self.turns,
            "noise": self.noise,
            "seed": self.seed,
            "actions": [a, b],
            "scores": [float(x) for x in self.scores],
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MatchResult):
            return NotImplemented
        return (
            self.players == other.players
            and np.array_equal(self.actions, other.actions)
            and np.array_equal(self.payoffs, other.payoffs)
        )

    __hash__ = None  # type: ignore[assignment]


def stage_payoffs(game: NormalFormGame | None) -> npt.NDArray[np.float64]:
    """The payoff tables of a 2x2 game, shape (2, 2, 2): ``[player, own, opponent]``.

    ``None`` is the prisoner's dilemma with ``R, S, T, P = 3, 0, 5, 1``.
    """
    if game is None:
        pd = np.array(PD_PAYOFFS)
        return np.stack([pd, pd])
    if not isinstance(game, NormalFormGame):
        raise TypeError(f"game must be a NormalFormGame or None; got {type(game).__name__}")
    if game.n_players != 2 or tuple(game.n_actions) != (2, 2):
        raise ValueError(
            f"a repeated-game match needs a 2-player game with 2 actions each; got "
            f"{game.n_players} players with actions {tuple(game.n_actions)}"
        )
    a = np.asarray(game.payoffs[0], dtype=float)  # a[row, col]
    b = np.asarray(game.payoffs[1], dtype=float).T  # b[col, row]: column player's own first
    return np.stack([a, b])


def match_infos(
    turns: int | None, *, noise: float = 0.0, game: NormalFormGame | None = None
) -> tuple[MatchInfo, MatchInfo]:
    """The :class:`MatchInfo` each of the two players receives."""
    if game is None:
        return _default_infos(turns, noise)
    tables = stage_payoffs(game)
    pay = [tuple(tuple(float(x) for x in row) for row in t) for t in tables]
    first = MatchInfo(turns=turns, payoffs=pay[0], opponent_payoffs=pay[1], noise=noise)  # type: ignore[arg-type]
    return first, first.swapped()


@functools.lru_cache(maxsize=256)
def _default_infos(turns: int | None, noise: float) -> tuple[MatchInfo, MatchInfo]:
    first = MatchInfo(turns=turns, noise=noise)
    return first, first.swapped()


def _as_strategy(player: Any) -> Strategy:
    if isinstance(player, Strategy):
        return player
    if isinstance(player, str):
        from cooplab.repeated.strategies import get_strategy

        return get_strategy(player)
    if isinstance(player, type) and issubclass(player, Strategy):
        return player()
    raise TypeError(
        f"a player must be a Strategy, a Strategy class or a registered name; got {player!r}"
    )


def _check_turns(turns: Any) -> int:
    if isinstance(turns, bool) or not isinstance(turns, numbers.Integral):
        raise TypeError(f"turns must be an integer; got {turns!r}")
    if turns < 0:
        raise ValueError(f"turns must be non-negative; got {turns}")
    return int(turns)


def play_turns(
    a: Strategy,
    b: Strategy,
    turns: int,
    rngs: tuple[np.random.Generator, np.random.Generator, np.random.Generator],
    *,
    noise: float = 0.0,
    infos: tuple[MatchInfo, MatchInfo] | None = None,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """The core loop, with explicit generators: (player a, player b, noise).

    Resets both strategies with ``infos`` and returns ``(actions, intended)``,
    each of shape (2, turns): the actions played and those chosen before noise.
    """
    if infos is None:
        infos = match_infos(turns, noise=noise)
    a.reset(infos[0])
    b.reset(infos[1])
    actions = np.zeros((2, turns), dtype=np.int8)
    intended = np.zeros((2, turns), dtype=np.int8)
    ga, gb, gn = rngs
    for t in range(turns):
        ha = History(actions[0, :t], actions[1, :t])
        hb = History(actions[1, :t], actions[0, :t])
        x = a.act(ha, ga)
        y = b.act(hb, gb)
        if x not in (0, 1) or y not in (0, 1):
            bad = a if x not in (0, 1) else b
            raise ValueError(
                f"{bad.display} returned {x if bad is a else y!r} at turn {t}; actions are 0 (C) or 1 (D)"
            )
        x, y = int(x), int(y)
        intended[0, t] = x
        intended[1, t] = y
        if noise > 0.0:
            flips = gn.random(2) < noise
            x ^= int(flips[0])
            y ^= int(flips[1])
        actions[0, t] = x
        actions[1, t] = y
    return actions, intended


def play_match(
    a: Strategy | str,
    b: Strategy | str,
    turns: int,
    *,
    noise: float = 0.0,
    seed: RngLike = None,
    game: NormalFormGame | None = None,
    length_known: bool = True,
) -> MatchResult:
    """Play one match of ``turns`` turns.

    Parameters
    ----------
    a, b
        The players: strategies, strategy classes or registered names. When
        ``a is b`` the second player is a copy.
    turns
        The number of turns (a non-negative integer).
    noise
        Probability in [0, 1] that each intended action is flipped.
    seed
        Seed or generator for the players and the noise.
    game
        A 2-player, 2x2 :class:`~cooplab.games.NormalFormGame` (action 0 is
        C); the prisoner's dilemma (3, 0, 5, 1) by default.
    length_known
        Whether the players are told the number of turns (as in Axelrod's
        tournaments); strategies with end-game moves use it.

    Returns
    -------
    MatchResult

    Examples
    --------
    >>> r = play_match("tit_for_tat", "alternator", 6)
    >>> r.history_strings()
    ('CCDCDC', 'CDCDCD')
    >>> r.scores.tolist()
    [13.0, 18.0]
    """
    turns = _check_turns(turns)
    noise = check_probability("noise", noise)
    x = _as_strategy(a)
    y = _as_strategy(b)
    if y is x:
        y = copy.deepcopy(x)
    tables = stage_payoffs(game)
    infos = match_infos(turns if length_known else None, noise=noise, game=game)
    gen = as_generator(seed)
    ga, gb, gn = gen.spawn(3)
    actions, _ = play_turns(x, y, turns, (ga, gb, gn), noise=noise, infos=infos)
    payoffs = np.stack([tables[0][actions[0], actions[1]], tables[1][actions[1], actions[0]]])
    int_seed = seed if isinstance(seed, int) and not isinstance(seed, bool) else None
    return MatchResult(
        players=(x.display, y.display),
        actions=actions,
        payoffs=payoffs.astype(np.float64),
        noise=noise,
        seed=int_seed,
    )
