"""The classic strategies: unconditional play, the tit-for-tat family, grudgers,
Pavlov, Gradual, Adaptive and the other well-known reactive rules.

Where a strategy is also in the Axelrod library (Knight et al. 2016), it plays
exactly the same moves (checked by ``tests/test_peers_repeated.py``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cooplab.repeated.strategies.base import (
    C,
    D,
    History,
    MemoryOneSpec,
    Meta,
    Strategy,
    actions_from_string,
    check_count,
    check_probability,
    variant,
)
from cooplab.repeated.strategies.batch import Batch, Draws, Rounds

INF = math.inf

__all__ = [
    "Adaptive",
    "AdaptiveTitForTat",
    "Aggravater",
    "AntiTitForTat",
    "Appeaser",
    "Bully",
    "ContriteTitForTat",
    "Cooperator",
    "Defector",
    "EasyGo",
    "FoolMeOnce",
    "ForgetfulGrudger",
    "Gradual",
    "Grudger",
    "GrudgerAlternator",
    "HardTitForTat",
    "HardTitForTwoTats",
    "LevelPunisher",
    "LimitedRetaliate",
    "LimitedRetaliate2",
    "LimitedRetaliate3",
    "NTitsForMTats",
    "OmegaTitForTat",
    "OnceBitten",
    "OppositeGrudger",
    "OriginalGradual",
    "Random",
    "Retaliate",
    "Retaliate2",
    "Retaliate3",
    "SlowTitForTwoTats",
    "SneakyTitForTat",
    "SoftGrudger",
    "SpitefulCC",
    "SpitefulTitForTat",
    "SuspiciousTitForTat",
    "TitForTat",
    "TitForTwoTats",
    "TrickyCooperator",
    "TrickyDefector",
    "TwoTitsForTat",
    "WinShiftLoseStay",
    "WinStayLoseShift",
]

_AXL = "Axelrod library (Knight et al. 2016)"


def _last(arr: np.ndarray) -> int:
    return int(arr[-1])


# ---------------------------------------------------------------------------
# Unconditional
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class Cooperator(Strategy):
    """Always cooperates (ALLC)."""

    meta = Meta(
        "cooperator",
        "Cooperator",
        0,
        reference="Axelrod (1984)",
        tags=frozenset({"nice", "forgiving"}),
        aliases=("allc", "always_cooperate"),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        return C

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((1, 1, 1, 1), 1)


@dataclass(eq=True)
class Defector(Strategy):
    """Always defects (ALLD)."""

    meta = Meta(
        "defector", "Defector", 0, reference="Axelrod (1984)", aliases=("alld", "always_defect")
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        return D

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((0, 0, 0, 0), 0)


@dataclass(eq=True)
class Random(Strategy):
    """Cooperates with probability ``p`` each turn, independently (RANDOM of
    Axelrod 1980, with ``p = 0.5``).

    Parameters
    ----------
    p : float
        The probability of cooperating, in [0, 1].
    """

    p: float = 0.5

    meta = Meta(
        "random",
        "Random",
        0,
        stochastic=True,
        reference="Axelrod (1980), the RANDOM entry",
        tags=frozenset({"first_tournament"}),
    )

    def validate(self) -> None:
        self.p = check_probability("p", self.p)

    @property
    def stochastic(self) -> bool:
        return 0.0 < self.p < 1.0

    def act(self, history: History, rng: np.random.Generator) -> int:
        if self.p >= 1.0:
            return C
        if self.p <= 0.0:
            return D
        return C if rng.random() < self.p else D

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((self.p,) * 4, self.p)


# ---------------------------------------------------------------------------
# Tit for tat and relatives
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class TitForTat(Strategy):
    """Cooperates first, then plays what the opponent played last (Rapoport's
    entry, winner of Axelrod's first tournament).

    Axelrod (1980): "TIT FOR TAT ... cooperates on the first move, and then
    does whatever the other player did on the previous move."
    """

    meta = Meta(
        "tit_for_tat",
        "Tit For Tat",
        1,
        reference="Rapoport; Axelrod (1980)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat", "first_tournament"}),
        aliases=("tft", "rapoport"),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        return _last(history.opponent) if len(history) else C

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((1, 0, 1, 0), 1)


@dataclass(eq=True)
class SuspiciousTitForTat(Strategy):
    """Tit for tat that defects on the first move (Mistrust)."""

    meta = Meta(
        "suspicious_tit_for_tat",
        "Suspicious Tit For Tat",
        1,
        reference="Beaufils et al. (1997); Hilbe et al. (2013)",
        tags=frozenset({"retaliating", "forgiving", "tit_for_tat"}),
        aliases=("mistrust", "stft"),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        return _last(history.opponent) if len(history) else D

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((1, 0, 1, 0), 0)


@dataclass(eq=True)
class AntiTitForTat(Strategy):
    """Cooperates first, then plays the opposite of the opponent's last move (Psycho)."""

    meta = Meta("anti_tit_for_tat", "Anti Tit For Tat", 1, reference="Hilbe et al. (2013)")

    def act(self, history: History, rng: np.random.Generator) -> int:
        return 1 - _last(history.opponent) if len(history) else C

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((0, 1, 0, 1), 1)


@dataclass(eq=True)
class Bully(Strategy):
    """Defects first, then plays the opposite of the opponent's last move
    (reverse tit for tat, Nachbar 1992)."""

    meta = Meta("bully", "Bully", 1, reference="Nachbar (1992)")

    def act(self, history: History, rng: np.random.Generator) -> int:
        return 1 - _last(history.opponent) if len(history) else D

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((0, 1, 0, 1), 0)


@dataclass(eq=True)
class TitForTwoTats(Strategy):
    """Defects only after two consecutive defections by the opponent
    (Maynard Smith's entry to the second tournament)."""

    meta = Meta(
        "tit_for_two_tats",
        "Tit For Two Tats",
        2,
        reference="Axelrod (1980, 1984)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat"}),
    )
    fsm_window = True

    def act(self, history: History, rng: np.random.Generator) -> int:
        opp = history.opponent
        return D if len(opp) >= 2 and opp[-1] == D and opp[-2] == D else C


@dataclass(eq=True)
class TwoTitsForTat(Strategy):
    """Answers each defection with two defections."""

    meta = Meta(
        "two_tits_for_tat",
        "Two Tits For Tat",
        2,
        reference="Axelrod (1984)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat"}),
    )
    fsm_window = True

    def act(self, history: History, rng: np.random.Generator) -> int:
        return D if D in history.opponent[-2:] else C


@dataclass(eq=True)
class HardTitForTat(Strategy):
    """Defects if the opponent defected in any of the last three rounds."""

    meta = Meta(
        "hard_tit_for_tat",
        "Hard Tit For Tat",
        3,
        reference="PD2017 (prisoners-dilemma.com)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat"}),
    )
    fsm_window = True

    def act(self, history: History, rng: np.random.Generator) -> int:
        return D if D in history.opponent[-3:] else C


@dataclass(eq=True)
class HardTitForTwoTats(Strategy):
    """Defects if the opponent defected twice in a row within the last three rounds."""

    meta = Meta(
        "hard_tit_for_two_tats",
        "Hard Tit For Two Tats",
        3,
        reference="Stewart & Plotkin (2012)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat"}),
    )
    fsm_window = True

    def act(self, history: History, rng: np.random.Generator) -> int:
        last = history.opponent[-3:]
        return D if any(last[i] == D and last[i + 1] == D for i in range(len(last) - 1)) else C


@dataclass(eq=True)
class SlowTitForTwoTats(Strategy):
    """Cooperates twice, then copies the opponent's move when it was the same
    twice in a row, and otherwise repeats its own last move."""

    meta = Meta(
        "slow_tit_for_two_tats",
        "Slow Tit For Two Tats",
        2,
        reference="Prison (1998)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat"}),
    )
    fsm_window = True

    def act(self, history: History, rng: np.random.Generator) -> int:
        if len(history) < 2:
            return C
        opp = history.opponent
        if opp[-1] == opp[-2]:
            return int(opp[-1])
        return _last(history.own)


@dataclass(eq=True)
class SneakyTitForTat(Strategy):
    """Tries a defection on the third move once the opponent has never
    defected, and repents if punished; otherwise tit for tat."""

    meta = Meta(
        "sneaky_tit_for_tat",
        "Sneaky Tit For Tat",
        INF,
        reference=_AXL + " (Karol Langner)",
        tags=frozenset({"tit_for_tat"}),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        if len(history) < 2:
            return C
        if history.opponent_defections == 0:
            return D
        if history.opponent[-1] == D and history.own[-2] == D:
            return C
        return _last(history.opponent)

    def fsm_key(self, history: History) -> Hashable | None:
        t = len(history)
        if t < 2:
            return ("start", history.own.tobytes(), history.opponent.tobytes())
        return (
            bool(history.opponent_defections),
            int(history.opponent[-1]),
            history.own[-2:].tobytes(),
        )


@dataclass(eq=True)
class SpitefulTitForTat(Strategy):
    """Tit for tat until the opponent defects twice in a row, then always defects."""

    meta = Meta(
        "spiteful_tit_for_tat",
        "Spiteful Tit For Tat",
        INF,
        reference="Prison (1998)",
        tags=frozenset({"nice", "retaliating", "tit_for_tat", "grudger"}),
    )

    def _reset(self) -> None:
        self.retaliating = False

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        opp = history.opponent
        if len(opp) >= 2 and opp[-1] == D and opp[-2] == D:
            self.retaliating = True
        return D if self.retaliating else _last(opp)

    def fsm_key(self, history: History) -> Hashable | None:
        if self.retaliating:
            return "grudge"
        return tuple(int(x) for x in history.opponent[-2:]) if len(history) else "start"


@dataclass(eq=True)
class ContriteTitForTat(Strategy):
    """Tit for tat that, when its own intended cooperation was turned into a
    defection by noise and the opponent had cooperated, becomes contrite:
    it then cooperates until it has actually cooperated (Boyd 1989, as in
    Wu & Axelrod 1995). Without noise it is tit for tat."""

    meta = Meta(
        "contrite_tit_for_tat",
        "Contrite Tit For Tat",
        INF,
        reference="Boyd (1989); Wu & Axelrod (1995)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat"}),
    )

    def _reset(self) -> None:
        self.contrite = False
        self.intended: int | None = None

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            self.intended = C
            return C
        if self.contrite and history.own[-1] == C:
            self.contrite = False
            self.intended = C
            return C
        if self.intended != history.own[-1] and history.own[-1] == D and history.opponent[-1] == C:
            self.contrite = True
        move = _last(history.opponent)
        self.intended = move
        return move

    def fsm_key(self, history: History) -> Hashable | None:
        if not len(history):
            return "start"
        return (self.contrite, self.intended, int(history.own[-1]), int(history.opponent[-1]))


@dataclass(eq=True)
class OmegaTitForTat(Strategy):
    """Tit for tat with a deadlock breaker and a randomness detector (Slany &
    Kienreich 2007).

    A deadlock counter grows while the opponent alternates; past
    ``deadlock_threshold`` it cooperates to break a CD/DC echo. A randomness
    counter grows when the opponent switches moves or disagrees with its own
    last move (and falls on mutual cooperation); past
    ``randomness_threshold`` it defects.
    """

    deadlock_threshold: int = 3
    randomness_threshold: int = 8

    meta = Meta(
        "omega_tit_for_tat",
        "Omega TFT",
        INF,
        reference="Slany & Kienreich (2007)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat"}),
    )

    def validate(self) -> None:
        check_count("deadlock_threshold", self.deadlock_threshold)
        check_count("randomness_threshold", self.randomness_threshold)

    def _reset(self) -> None:
        self.randomness_counter = 0
        self.deadlock_counter = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t == 0:
            return C
        opp, own = history.opponent, history.own
        if t == 1:
            return int(opp[-1])
        if self.deadlock_counter >= self.deadlock_threshold:
            move = C
            if self.deadlock_counter == self.deadlock_threshold:
                self.deadlock_counter = self.deadlock_threshold + 1
            else:
                self.deadlock_counter = 0
            return move
        if opp[-2] == C and opp[-1] == C:
            self.randomness_counter -= 1
        if opp[-2] != opp[-1]:
            self.randomness_counter += 1
        if own[-1] != opp[-1]:
            self.randomness_counter += 1
        if self.randomness_counter >= self.randomness_threshold:
            return D
        move = int(opp[-1])
        if opp[-2] != opp[-1]:
            self.deadlock_counter += 1
        else:
            self.deadlock_counter = 0
        return move

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _OmegaBatch(self, n, turns)


@dataclass(eq=True)
class AdaptiveTitForTat(Strategy):
    """Keeps a running image of the opponent, ``world += rate * (x - world)``
    with ``x`` 1 after a cooperation and 0 after a defection, and cooperates
    while ``world >= 0.5`` (Tzafestas 2000)."""

    rate: float = 0.5

    meta = Meta(
        "adaptive_tit_for_tat",
        "Adaptive Tit For Tat",
        INF,
        reference="Tzafestas (2000)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat"}),
    )

    def validate(self) -> None:
        self.rate = check_probability("rate", self.rate)

    def _reset(self) -> None:
        # Axelrod's implementation starts the image at ``rate``.
        self.world = self.rate

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        if history.opponent[-1] == C:
            self.world += self.rate * (1.0 - self.world)
        else:
            self.world -= self.rate * self.world
        return C if self.world >= 0.5 else D

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _AdaptiveTitForTatBatch(self, n, turns)


@dataclass(eq=True)
class NTitsForMTats(Strategy):
    """Defects ``n`` times after the opponent defected ``m`` times in a row.

    ``(1, 1)`` is tit for tat, ``(1, 2)`` tit for two tats, ``(2, 1)`` two tits
    for tat.
    """

    n: int = 3
    m: int = 2

    meta = Meta(
        "n_tits_for_m_tats",
        "N Tits For M Tats",
        3,
        reference=_AXL + " (Marc Harper)",
        tags=frozenset({"nice", "retaliating", "forgiving", "tit_for_tat"}),
    )

    def validate(self) -> None:
        check_count("n", self.n)
        check_count("m", self.m)

    @property
    def memory_depth(self) -> float:
        return max(self.n, self.m)

    def _reset(self) -> None:
        self.retaliate_count = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        opp = history.opponent
        if self.m == 0 or (len(opp) >= self.m and bool(np.all(opp[-self.m :] == D))):
            self.retaliate_count = self.n
        if self.retaliate_count:
            self.retaliate_count -= 1
            return D
        return C

    def fsm_key(self, history: History) -> Hashable | None:
        return (self.retaliate_count, history.opponent[-self.m :].tobytes() if self.m else b"")


# ---------------------------------------------------------------------------
# Pavlov
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class WinStayLoseShift(Strategy):
    """Pavlov: repeats its move after R or T, switches after S or P
    (Nowak & Sigmund 1993). Cooperates first."""

    meta = Meta(
        "win_stay_lose_shift",
        "Win-Stay Lose-Shift",
        1,
        reference="Nowak & Sigmund (1993); Kraines & Kraines (1989)",
        tags=frozenset({"nice", "retaliating", "forgiving"}),
        aliases=("pavlov", "wsls"),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        return C if history.own[-1] == history.opponent[-1] else D

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((1, 0, 0, 1), 1)


@dataclass(eq=True)
class WinShiftLoseStay(Strategy):
    """Reverse Pavlov: switches after R or T, repeats after S or P. Defects first."""

    meta = Meta("win_shift_lose_stay", "Win-Shift Lose-Stay", 1, reference="Axelrod library")

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return D
        return D if history.own[-1] == history.opponent[-1] else C

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((0, 1, 1, 0), 0)


# ---------------------------------------------------------------------------
# Grudgers
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class Grudger(Strategy):
    """Grim trigger: cooperates until the opponent defects once, then defects
    for ever (Friedman 1971's trigger strategy; FRIEDMAN in Axelrod 1980)."""

    meta = Meta(
        "grudger",
        "Grudger",
        INF,
        reference="Friedman (1971); Axelrod (1980)",
        tags=frozenset({"nice", "retaliating", "grudger"}),
        aliases=("grim_trigger", "grim"),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        return D if history.opponent_defections else C

    def fsm_key(self, history: History) -> Hashable | None:
        return bool(history.opponent_defections)


@dataclass(eq=True)
class ForgetfulGrudger(Strategy):
    """Forgiving grudger: after an opponent's defection, defects for
    ``memory`` turns, then forgets and cooperates again."""

    memory: int = 10

    meta = Meta(
        "forgetful_grudger",
        "Forgetful Grudger",
        INF,  # the grudge counter's phase is not visible in any window of rounds
        reference=_AXL + " (Forgetful Grudger); a forgiving grudger",
        tags=frozenset({"nice", "retaliating", "forgiving", "grudger"}),
        aliases=("forgiving_grudger",),
    )

    def validate(self) -> None:
        check_count("memory", self.memory, 1)

    def _reset(self) -> None:
        self.grudged = False
        self.grudge_memory = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        if self.grudge_memory == self.memory:
            self.grudge_memory = 0
            self.grudged = False
        if len(history) and history.opponent[-1] == D:
            self.grudged = True
        if self.grudged:
            self.grudge_memory += 1
            return D
        return C

    def fsm_key(self, history: History) -> Hashable | None:
        return (self.grudged, self.grudge_memory, int(history.opponent[-1]) if len(history) else -1)


@dataclass(eq=True)
class SoftGrudger(Strategy):
    """Answers a defection with D, D, D, D, C, C, then cooperates again."""

    meta = Meta(
        "soft_grudger",
        "Soft Grudger",
        6,
        reference="Li et al. (2011)",
        tags=frozenset({"nice", "retaliating", "forgiving", "grudger"}),
    )
    _SEQUENCE = (D, D, D, C, C)

    def _reset(self) -> None:
        self.grudged = False
        self.grudge_memory = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        if self.grudged:
            move = self._SEQUENCE[self.grudge_memory]
            self.grudge_memory += 1
            if self.grudge_memory == len(self._SEQUENCE):
                self.grudge_memory = 0
                self.grudged = False
            return move
        if len(history) and history.opponent[-1] == D:
            self.grudged = True
            return D
        return C

    def fsm_key(self, history: History) -> Hashable | None:
        return (self.grudged, self.grudge_memory, int(history.opponent[-1]) if len(history) else -1)


@dataclass(eq=True)
class OppositeGrudger(Strategy):
    """Defects until the opponent cooperates once, then cooperates for ever."""

    meta = Meta("opposite_grudger", "Opposite Grudger", INF, reference=_AXL)

    def act(self, history: History, rng: np.random.Generator) -> int:
        return C if history.opponent_cooperations else D

    def fsm_key(self, history: History) -> Hashable | None:
        return bool(history.opponent_cooperations)


@dataclass(eq=True)
class Aggravater(Strategy):
    """Grudger that defects on the first three moves."""

    meta = Meta("aggravater", "Aggravater", INF, reference=_AXL, tags=frozenset({"grudger"}))

    def act(self, history: History, rng: np.random.Generator) -> int:
        if len(history) < 3 or history.opponent_defections:
            return D
        return C

    def fsm_key(self, history: History) -> Hashable | None:
        return (min(len(history), 3), bool(history.opponent_defections))


@dataclass(eq=True)
class SpitefulCC(Strategy):
    """Cooperates twice, then plays Grudger."""

    meta = Meta(
        "spiteful_cc",
        "Spiteful CC",
        INF,
        reference="Mathieu & Delahaye (2015)",
        tags=frozenset({"nice", "retaliating", "grudger"}),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        if len(history) < 2:
            return C
        return D if history.opponent_defections else C

    def fsm_key(self, history: History) -> Hashable | None:
        return (min(len(history), 2), bool(history.opponent_defections))


@dataclass(eq=True)
class GrudgerAlternator(Strategy):
    """Cooperates until the opponent's first defection, then alternates D, C."""

    meta = Meta(
        "grudger_alternator",
        "Grudger Alternator",
        INF,
        reference=_AXL,
        tags=frozenset({"nice", "retaliating", "grudger"}),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        if history.opponent_defections and history.own[-1] == C:
            return D
        return C

    def fsm_key(self, history: History) -> Hashable | None:
        if not len(history):
            return "start"
        return (bool(history.opponent_defections), int(history.own[-1]))


@dataclass(eq=True)
class EasyGo(Strategy):
    """Defects until the opponent defects once, then cooperates for ever."""

    meta = Meta("easy_go", "EasyGo", INF, reference=_AXL)

    def act(self, history: History, rng: np.random.Generator) -> int:
        return C if history.opponent_defections else D

    def fsm_key(self, history: History) -> Hashable | None:
        return bool(history.opponent_defections)


@dataclass(eq=True)
class FoolMeOnce(Strategy):
    """Forgives one defection; defects for ever after a second."""

    meta = Meta(
        "fool_me_once",
        "Fool Me Once",
        INF,
        reference=_AXL,
        tags=frozenset({"nice", "retaliating", "grudger"}),
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        return D if history.opponent_defections > 1 else C

    def fsm_key(self, history: History) -> Hashable | None:
        return min(history.opponent_defections, 2)


@dataclass(eq=True)
class OnceBitten(Strategy):
    """Cooperates through a single defection; after two defections in a row,
    defects for ``memory`` turns."""

    memory: int = 10

    meta = Meta(
        "once_bitten",
        "Once Bitten",
        12,
        reference=_AXL,
        tags=frozenset({"nice", "retaliating", "forgiving", "grudger"}),
    )

    def validate(self) -> None:
        check_count("memory", self.memory, 1)

    @property
    def memory_depth(self) -> float:
        return self.memory + 2

    def _reset(self) -> None:
        self.grudged = False
        self.grudge_memory = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        if self.grudge_memory >= self.memory:
            self.grudge_memory = 0
            self.grudged = False
        if len(history) < 2:
            return C
        if self.grudged:
            self.grudge_memory += 1
            return D
        if history.opponent[-1] == D and history.opponent[-2] == D:
            self.grudged = True
            return D
        return C

    def fsm_key(self, history: History) -> Hashable | None:
        return (
            min(len(history), 2),
            self.grudged,
            self.grudge_memory,
            history.opponent[-2:].tobytes(),
        )


@dataclass(eq=True)
class Gradual(Strategy):
    """Punishes the n-th defection of the opponent with n defections, then
    calms down with two cooperations (Beaufils, Delahaye & Mathieu 1996, in
    the form of the CRISTAL-SMAC implementation that the Axelrod library
    calls Gradual: the count includes defections made while punishing)."""

    meta = Meta(
        "gradual",
        "Gradual",
        INF,
        reference="Beaufils, Delahaye & Mathieu (1996)",
        tags=frozenset({"nice", "retaliating", "forgiving"}),
    )

    def _reset(self) -> None:
        self.calm_count = 0
        self.punish_count = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        if self.punish_count > 0:
            self.punish_count -= 1
            return D
        if self.calm_count > 0:
            self.calm_count -= 1
            return C
        if history.opponent[-1] == D:
            self.punish_count = history.opponent_defections - 1
            self.calm_count = 2
            return D
        return C

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _GradualBatch(self, n, turns)


@dataclass(eq=True)
class OriginalGradual(Strategy):
    """Gradual as first described (Beaufils et al. 1996): the punishment length
    grows by one with each defection that starts a punishment."""

    meta = Meta(
        "original_gradual",
        "Original Gradual",
        INF,
        reference="Beaufils, Delahaye & Mathieu (1996)",
        tags=frozenset({"nice", "retaliating", "forgiving"}),
    )

    def _reset(self) -> None:
        self.calming = False
        self.punishing = False
        self.punishment_count = 0
        self.punishment_limit = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        if self.calming:
            self.calming = False
            return C
        if self.punishing:
            if self.punishment_count < self.punishment_limit:
                self.punishment_count += 1
                return D
            self.calming = True
            self.punishing = False
            self.punishment_count = 0
            return C
        if len(history) and history.opponent[-1] == D:
            self.punishing = True
            self.punishment_count += 1
            self.punishment_limit += 1
            return D
        return C

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _OriginalGradualBatch(self, n, turns)


# ---------------------------------------------------------------------------
# Other reactive rules
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class Appeaser(Strategy):
    """Cooperates first; switches its move whenever the opponent defects, and
    otherwise repeats it."""

    meta = Meta("appeaser", "Appeaser", 1, reference=_AXL)
    fsm_window = True

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        if history.opponent[-1] == D:
            return 1 - _last(history.own)
        return _last(history.own)


@dataclass(eq=True)
class Adaptive(Strategy):
    """Opens with ``initial`` (six C, five D), then plays whichever action has
    earned it more in total so far (Li et al. 2011)."""

    initial: str = "CCCCCCDDDDD"

    meta = Meta(
        "adaptive",
        "Adaptive",
        INF,
        reference="Li, Hingston & Kendall (2011)",
        uses_payoffs=True,
        tags=frozenset({"uses_payoffs"}),
    )

    def validate(self) -> None:
        actions_from_string(self.initial, what="initial")

    def _reset(self) -> None:
        self._opening = actions_from_string(self.initial, what="initial")
        self.scores = [0.0, 0.0]

    def act(self, history: History, rng: np.random.Generator) -> int:
        if len(history):
            own, opp = int(history.own[-1]), int(history.opponent[-1])
            self.scores[own] += self.match_info.payoffs[own][opp]
        t = len(history)
        if t < len(self._opening):
            return self._opening[t]
        return C if self.scores[C] > self.scores[D] else D

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _AdaptiveBatch(self, n, turns)


@dataclass(eq=True)
class TrickyCooperator(Strategy):
    """Cooperates, but from the fourth move defects whenever the opponent has
    not defected in the last ten rounds."""

    meta = Meta("tricky_cooperator", "Tricky Cooperator", 10, reference=_AXL)

    def act(self, history: History, rng: np.random.Generator) -> int:
        if len(history) >= 3 and D not in history.opponent[-10:]:
            return D
        return C

    def fsm_key(self, history: History) -> Hashable | None:
        # Not the last ten moves (1,024 windows, minimised to a dozen states):
        # only the opponent's cooperations since its last defection matter, up
        # to ten; "never defected" counts as ten.
        defected = np.flatnonzero(history.opponent)
        quiet = 10 if not len(defected) else min(len(history) - 1 - int(defected[-1]), 10)
        return (min(len(history), 3), quiet)


@dataclass(eq=True)
class TrickyDefector(Strategy):
    """Defects, but cooperates when the opponent has cooperated at some time
    and defected in each of the last three rounds."""

    meta = Meta("tricky_defector", "Tricky Defector", INF, reference=_AXL)

    def act(self, history: History, rng: np.random.Generator) -> int:
        opp = history.opponent
        if history.opponent_cooperations and len(opp) >= 3 and bool(np.all(opp[-3:] == D)):
            return C
        return D

    def fsm_key(self, history: History) -> Hashable | None:
        return (bool(history.opponent_cooperations), history.opponent[-3:].tobytes())


@dataclass(eq=True)
class Retaliate(Strategy):
    """Defects when the opponent has exploited it (outcome CD) more than
    ``threshold`` times as often as it has exploited the opponent (DC)."""

    threshold: float = 0.1

    meta = Meta(
        "retaliate",
        "Retaliate",
        INF,
        reference=_AXL,
        tags=frozenset({"nice", "retaliating"}),
    )

    def validate(self) -> None:
        if not (isinstance(self.threshold, int | float) and self.threshold >= 0):
            raise ValueError(f"threshold must be a non-negative number; got {self.threshold!r}")

    def act(self, history: History, rng: np.random.Generator) -> int:
        own, opp = history.own, history.opponent
        cd = int(np.count_nonzero((own == C) & (opp == D)))
        dc = int(np.count_nonzero((own == D) & (opp == C)))
        return D if cd > dc * self.threshold else C

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _RetaliateBatch(self, n, turns)


@dataclass(eq=True)
class LimitedRetaliate(Strategy):
    """Retaliate, but for at most ``limit`` turns in a row."""

    threshold: float = 0.1
    limit: int = 20

    meta = Meta(
        "limited_retaliate",
        "Limited Retaliate",
        INF,
        reference=_AXL,
        tags=frozenset({"nice", "retaliating", "forgiving"}),
    )

    def validate(self) -> None:
        if not (isinstance(self.threshold, int | float) and self.threshold >= 0):
            raise ValueError(f"threshold must be a non-negative number; got {self.threshold!r}")
        check_count("limit", self.limit)

    def _reset(self) -> None:
        self.retaliating = False
        self.count = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        own, opp = history.own, history.opponent
        cd = int(np.count_nonzero((own == C) & (opp == D)))
        dc = int(np.count_nonzero((own == D) & (opp == C)))
        if cd > dc * self.threshold:
            self.retaliating = True
        else:
            self.retaliating = False
            self.count = 0
        if self.retaliating:
            if self.count < self.limit:
                self.count += 1
                return D
            self.count = 0
            self.retaliating = False
        return C

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _RetaliateBatch(self, n, turns)


@dataclass(eq=True)
class LevelPunisher(Strategy):
    """Cooperates for ten moves, then defects whenever more than 20% of the
    opponent's moves were defections."""

    meta = Meta("level_punisher", "Level Punisher", INF, reference="Eckhart Arnold (2016)")

    def act(self, history: History, rng: np.random.Generator) -> int:
        if len(history) < 10:
            return C
        return D if history.opponent_defections / len(history) > 0.2 else C

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch:
        return _LevelPunisherBatch(self, n, turns)


_M = __name__
Retaliate2 = variant(
    Retaliate,
    "Retaliate2",
    "retaliate_2",
    "Retaliate 2",
    "Retaliate with a threshold of 8%.",
    module=_M,
    threshold=0.08,
)
Retaliate3 = variant(
    Retaliate,
    "Retaliate3",
    "retaliate_3",
    "Retaliate 3",
    "Retaliate with a threshold of 5%.",
    module=_M,
    threshold=0.05,
)
LimitedRetaliate2 = variant(
    LimitedRetaliate,
    "LimitedRetaliate2",
    "limited_retaliate_2",
    "Limited Retaliate 2",
    "Limited Retaliate with a threshold of 8% and at most 15 retaliations.",
    module=_M,
    threshold=0.08,
    limit=15,
)
LimitedRetaliate3 = variant(
    LimitedRetaliate,
    "LimitedRetaliate3",
    "limited_retaliate_3",
    "Limited Retaliate 3",
    "Limited Retaliate with a threshold of 5% and at most 20 retaliations.",
    module=_M,
    threshold=0.05,
    limit=20,
)


# ---------------------------------------------------------------------------
# Batched twins of act (see strategies/batch.py): the same rules on arrays,
# one entry per match, True for D.
# ---------------------------------------------------------------------------
class _GradualBatch(Batch):
    def setup(self) -> None:
        self.punish = self.zeros()
        self.calm = self.zeros()
        self.defections = self.zeros()

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        if rounds.t == 0:
            return np.zeros(self.n, dtype=bool)
        opp = rounds.opp
        self.defections += opp
        punishing = self.punish > 0
        calming = ~punishing & (self.calm > 0)
        start = ~punishing & ~calming & opp
        self.punish = np.where(punishing, self.punish - 1, self.punish)
        self.punish[start] = self.defections[start] - 1
        self.calm = np.where(calming, self.calm - 1, self.calm)
        self.calm[start] = 2
        return punishing | start


class _OriginalGradualBatch(Batch):
    def setup(self) -> None:
        self.calming = self.zeros(bool)
        self.punishing = self.zeros(bool)
        self.count = self.zeros()
        self.limit = self.zeros()

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        calming = self.calming
        punishing = ~calming & self.punishing
        more = punishing & (self.count < self.limit)
        done = punishing & ~more
        start = ~calming & ~self.punishing & rounds.opp  # rounds.opp is all C at t = 0
        self.count = np.where(done, 0, self.count + more + start)
        self.limit = self.limit + start
        self.calming = done  # a calming turn ends calm; a finished punishment starts it
        self.punishing = (self.punishing & ~calming & ~done) | start
        return more | start


class _AdaptiveBatch(Batch):
    def setup(self) -> None:
        opening = actions_from_string(self.strategy.initial, what="initial")  # type: ignore[attr-defined]
        self.opening = np.array(opening, dtype=bool)
        self.score_c = self.zeros(np.float64)
        self.score_d = self.zeros(np.float64)

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        if t:
            own = rounds.own
            gain = self.payoffs[own.view(np.uint8), rounds.opp.view(np.uint8)]
            # act adds to one score; adding 0.0 to the other leaves it as it was
            self.score_c = self.score_c + np.where(own, 0.0, gain)
            self.score_d = self.score_d + np.where(own, gain, 0.0)
        if t < len(self.opening):
            return np.full(self.n, self.opening[t])
        return ~(self.score_c > self.score_d)


class _RetaliateBatch(Batch):
    """Retaliate and Limited Retaliate (``limit`` None for the plain rule)."""

    def setup(self) -> None:
        self.threshold = self.strategy.threshold  # type: ignore[attr-defined]
        self.limit: int | None = getattr(self.strategy, "limit", None)
        self.cd = self.zeros()
        self.dc = self.zeros()
        self.count = self.zeros()

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        own, opp = rounds.own, rounds.opp
        self.cd += ~own & opp
        self.dc += own & ~opp
        angry = self.cd > self.dc * self.threshold
        if self.limit is None:
            return angry
        hit = angry & (self.count < self.limit)
        self.count = np.where(hit, self.count + 1, 0)
        return hit


class _LevelPunisherBatch(Batch):
    def setup(self) -> None:
        self.defections = self.zeros()

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        self.defections += rounds.opp
        t = rounds.t
        if t < 10:
            return np.zeros(self.n, dtype=bool)
        return self.defections / t > 0.2


class _OmegaBatch(Batch):
    def setup(self) -> None:
        s = self.strategy
        self.deadlock_threshold = s.deadlock_threshold  # type: ignore[attr-defined]
        self.randomness_threshold = s.randomness_threshold  # type: ignore[attr-defined]
        self.randomness = self.zeros()
        self.deadlock = self.zeros()
        self.before = self.zeros(bool)  # the opponent's move two rounds back

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        own, opp = rounds.own, rounds.opp
        before = self.before
        self.before = opp
        if t < 2:
            return opp.copy()
        dth = self.deadlock_threshold
        breaking = self.deadlock >= dth
        go = ~breaking
        switched = before != opp
        self.randomness = self.randomness + go * (
            switched.astype(np.int64) + (own != opp) - (~before & ~opp)
        )
        random_like = go & (self.randomness >= self.randomness_threshold)
        echo = go & ~random_like
        deadlock = np.where(self.deadlock == dth, dth + 1, 0)
        self.deadlock = np.where(
            breaking,
            deadlock,
            np.where(echo, np.where(switched, self.deadlock + 1, 0), self.deadlock),
        )
        return random_like | (echo & opp)


class _AdaptiveTitForTatBatch(Batch):
    def setup(self) -> None:
        self.rate = self.strategy.rate  # type: ignore[attr-defined]
        self.world = np.full(self.n, self.rate, dtype=np.float64)

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        if rounds.t == 0:
            return np.zeros(self.n, dtype=bool)
        w, rate = self.world, self.rate
        self.world = np.where(rounds.opp, w - rate * w, w + rate * (1.0 - w))
        return ~(self.world >= 0.5)
