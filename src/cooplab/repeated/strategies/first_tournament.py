"""The fifteen entries of Axelrod's first tournament (Axelrod 1980).

Fourteen programs and RANDOM played a round robin (each also met its own
twin) of 200-move prisoner's dilemmas with R, S, T, P = 3, 0, 5, 1, repeated
five times; the length was announced, and two entries defect on the last two
moves. The paper describes each program in a few sentences (quoted in each
docstring); the programs themselves are lost, so every implementation here is
a reading of that text. Where the Axelrod library (``axelrod_first.py``,
Knight et al. 2016) reads a description differently, the strategy has a
``variant`` parameter: ``"paper"`` (the default) follows the 1980 text as
closely as we can, ``"axelrod"`` reproduces the library's moves exactly.

:data:`FIRST_TOURNAMENT` lists the registry names in the published order and
:data:`PUBLISHED_SCORES` the published average scores per 200-move game.

References
----------
Axelrod, R. (1980). Effective choice in the prisoner's dilemma. Journal of
Conflict Resolution 24(1), 3-25.
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
    check_choice,
    check_count,
    check_probability,
)
from cooplab.repeated.strategies.batch import Batch, Draws, Rounds
from cooplab.repeated.strategies.classic import Grudger

__all__ = [
    "FIRST_TOURNAMENT",
    "PUBLISHED_SCORES",
    "Anonymous",
    "Davis",
    "Downing",
    "Feld",
    "Friedman",
    "Graaskamp",
    "Grofman",
    "Joss",
    "Nydegger",
    "Shubik",
    "SteinAndRapoport",
    "TidemanAndChieruzzi",
    "Tullock",
]

INF = math.inf
_REF = "Axelrod (1980), Effective choice in the prisoner's dilemma"
_VARIANTS = ("paper", "axelrod")
_TAGS = frozenset({"first_tournament"})
_NICE = frozenset({"first_tournament", "nice", "retaliating"})


def _chi2_sf_1(stat: float) -> float:
    """Survival function of the chi-squared distribution with one degree of freedom."""
    return math.erfc(math.sqrt(max(stat, 0.0) / 2.0))


def _chisquare_even(cooperations: int, defections: int) -> float:
    """p-value of the chi-squared test that C and D are equally likely
    (``scipy.stats.chisquare([c, d])``, as the Axelrod library uses)."""
    n = cooperations + defections
    if n == 0:
        return math.nan
    expected = n / 2
    stat = ((cooperations - expected) ** 2 + (defections - expected) ** 2) / expected
    return _chi2_sf_1(stat)


def _transition_independence_pvalue(own: np.ndarray, opponent: np.ndarray) -> float:
    """p-value of the chi-squared test that the opponent's move does not depend
    on our previous move (2x2 contingency table, no continuity correction);
    ``nan`` when a margin is empty (the opponent's move is then constant or
    our previous moves were, and the test says nothing)."""
    prev = own[:-1]
    resp = opponent[1:]
    table = np.zeros((2, 2))
    np.add.at(table, (prev.astype(int), resp.astype(int)), 1)
    rows, cols, n = table.sum(1), table.sum(0), table.sum()
    if n == 0 or np.any(rows == 0) or np.any(cols == 0):
        return math.nan
    expected = np.outer(rows, cols) / n
    stat = float(((table - expected) ** 2 / expected).sum())
    return _chi2_sf_1(stat)


# ---------------------------------------------------------------------------
# 1. Tit for tat is classic.TitForTat. 2. Tideman and Chieruzzi
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class TidemanAndChieruzzi(Strategy):
    """TIDEMAN AND CHIERUZZI, second in the first tournament (500 points).

    Axelrod (1980): "This rule begins with cooperation and tit for tat.
    However, when the other player finishes his second run of defections, an
    extra punishment is instituted, and the number of punishing defections is
    increased by one with each run of the other's defections. The other
    player is given a fresh start if he is 10 or more points behind, if he has
    not just started a run of defections, if it has been at least 20 moves
    since a fresh start, if there are at least 10 moves remaining, and if the
    number of defections differs from a 50-50 random generator by at least 3.0
    standard deviations. A fresh start involves two cooperations and then play
    as if the game had just started. The program defects automatically on the
    last two moves."

    ``variant="paper"``: tit for tat; when the opponent's ``k``-th run of
    defections ends (``k >= 2``), ``k - 1`` extra defections follow the echo.
    A fresh start (all conditions above, with scores, runs and the defection
    count taken since the last fresh start) plays C, C and then forgets
    everything before it. Defects on the last two moves of an announced
    length.

    ``variant="axelrod"``: the Axelrod library's reading, where each
    defection seen outside a punishment starts a punishment one longer than
    the last (so the extra punishment starts with the second defection, not
    the second run, and defections during a punishment are ignored); "not
    just started a run" is "cooperated last"; the score difference is over
    the whole game; and no fresh start happens when the length is unknown.
    """

    variant: str = "paper"

    meta = Meta(
        "tideman_and_chieruzzi",
        "Tideman and Chieruzzi",
        INF,
        reference=_REF,
        tags=_NICE | {"forgiving", "uses_match_length", "uses_payoffs"},
        uses_match_length=True,
        uses_payoffs=True,
    )

    def validate(self) -> None:
        check_choice("variant", self.variant, _VARIANTS)

    def _reset(self) -> None:
        # paper
        self.origin = 0
        self.last_fresh_start: int | None = None
        self.pending = 0
        self.runs = 0
        self.punish = 0
        self.own_score = 0.0
        self.opp_score = 0.0
        # axelrod
        self.is_retaliating = False
        self.retaliation_length = 0
        self.retaliation_remaining = 0
        self.ax_last_fresh_start = 0
        self.ax_fresh_start = False
        self.remembered_defections = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        move = self._axelrod(history) if self.variant == "axelrod" else self._paper(history)
        left = self.turns_left(history)
        if left is not None and left <= 2:
            return D
        return move

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch | None:
        return _TidemanAxelrodBatch(self, n, turns) if self.variant == "axelrod" else None

    def _paper(self, history: History) -> int:
        t = len(history)
        if t == 0:
            return C
        own, opp = history.own, history.opponent
        info = self.match_info
        if t - 1 >= self.origin:
            self.own_score += info.payoffs[own[-1]][opp[-1]]
            self.opp_score += info.opponent_payoffs[opp[-1]][own[-1]]
        if t >= 2 and opp[-1] == C and opp[-2] == D and t - 2 >= self.origin:
            self.runs += 1
            if self.runs >= 2:
                self.punish += self.runs - 1
        if self.pending:
            self.pending -= 1
            return C
        if self._fresh_start_due(history):
            self.origin = t
            self.last_fresh_start = t
            self.pending = 1
            self.runs = 0
            self.punish = 0
            self.own_score = self.opp_score = 0.0
            return C
        if opp[-1] == D:
            return D
        if self.punish:
            self.punish -= 1
            return D
        return C

    def _fresh_start_due(self, history: History) -> bool:
        t = len(history)
        opp = history.opponent
        if self.opp_score > self.own_score - 10:
            return False
        started_run = opp[-1] == D and (t - 1 == self.origin or opp[-2] == C)
        if started_run:
            return False
        if self.last_fresh_start is not None and t - self.last_fresh_start < 20:
            return False
        left = self.turns_left(history)
        if left is not None and left < 10:
            return False
        n = t - self.origin
        d = int(np.count_nonzero(opp[self.origin :]))
        return n > 0 and abs(d - n / 2) >= 3.0 * math.sqrt(n) / 2

    def _axelrod(self, history: History) -> int:
        t = len(history)
        if t == 0:
            return C
        own, opp = history.own, history.opponent
        if opp[-1] == D:
            self.remembered_defections += 1
        info = self.match_info
        self.own_score += info.payoffs[own[-1]][opp[-1]]
        self.opp_score += info.opponent_payoffs[opp[-1]][own[-1]]
        if self.ax_fresh_start:
            self.ax_fresh_start = False
            return C
        current_round = t + 1
        valid = (
            True
            if self.ax_last_fresh_start == 0
            else current_round - self.ax_last_fresh_start >= 20
        )
        if valid:
            turns = self.match_info.turns
            valid_points = self.own_score - self.opp_score >= 10
            valid_rounds = turns is not None and turns - current_round >= 10
            if valid_points and valid_rounds and opp[-1] == C:
                n = t
                std = math.sqrt(n) / 2
                lower, upper = n / 2 - 3 * std, n / 2 + 3 * std
                if self.remembered_defections <= lower or self.remembered_defections >= upper:
                    self.ax_last_fresh_start = current_round
                    self.is_retaliating = False
                    self.retaliation_length = 0
                    self.retaliation_remaining = 0
                    self.remembered_defections = 0
                    self.ax_fresh_start = True
                    return C
        if self.is_retaliating:
            self._count_down()
            return D
        if opp[-1] == D:
            self.is_retaliating = True
            self.retaliation_length += 1
            self.retaliation_remaining = self.retaliation_length
            self._count_down()
            return D
        return C

    def _count_down(self) -> None:
        if self.is_retaliating:
            self.retaliation_remaining -= 1
            if self.retaliation_remaining == 0:
                self.is_retaliating = False


# ---------------------------------------------------------------------------
# 3. Nydegger
# ---------------------------------------------------------------------------
_NYDEGGER_DEFECT = frozenset(
    {1, 6, 7, 17, 22, 23, 26, 29, 30, 31, 33, 38, 39, 45, 49, 54, 55, 58, 61}
)


@dataclass(eq=True)
class Nydegger(Strategy):
    """NYDEGGER, third in the first tournament (486 points).

    Axelrod (1980): "The program begins with tit for tat for the first three
    moves, except that if it was the only one to cooperate on the first move
    and the only one to defect on the second move, it defects on the third
    move. After the third move, its choice is determined from the 3 preceding
    outcomes in the following manner. Let A be the sum formed by counting the
    other's defection as 2 points and one's own as 1 point, and giving weights
    of 16, 4, and 1 to the preceding three moves in chronological order. The
    choice can be described as defecting only when A equals 1, 6, 7, 17, 22,
    23, 26, 29, 30, 31, 33, 38, 39, 45, 49, 54, 55, 58, or 61. Thus if all
    three preceding moves are mutual defection, A = 63 and the rule
    cooperates. This rule was designed for use in laboratory experiments as a
    stooge which had a memory and appeared to be trustworthy, potentially
    cooperative, but not gullible (Nydegger, 1978)."

    ``variant="paper"`` gives the weights "in chronological order": 16 to the
    oldest of the three moves, 1 to the last. ``variant="axelrod"`` gives 16
    to the last move and 1 to the oldest, as the Axelrod library does.

    Note: every listed value of A has a digit (base 4) equal to 1 or 3, that
    is, one's own defection in one of the three moves; read literally, the
    rule never defects again after three cooperations of its own, whichever
    order the weights take. ``roles="swapped"`` counts one's own defection
    as 2 and the other's as 1 instead, which makes the rule retaliate; it is
    offered for experiments, not as the published text.

    The published RANDOM score argues against all four readings: RANDOM's
    expected score is ``100 + 700 c`` per 200 moves for a mean cooperation
    rate ``c`` of its opponents, so its 276 needs ``c = 0.251``; with the
    other fourteen entries as read here that holds only if Nydegger almost
    never cooperates with RANDOM, while the literal readings cooperate with
    it about 98% of the time and ``roles="swapped"`` about half the time
    (experiment ``axelrod-first-tournament``).
    """

    variant: str = "paper"
    roles: str = "paper"

    meta = Meta("nydegger", "Nydegger", 3, reference=_REF, tags=_NICE)
    fsm_window = True

    def validate(self) -> None:
        check_choice("variant", self.variant, _VARIANTS)
        check_choice("roles", self.roles, ("paper", "swapped"))

    def _points(self, own: int, opp: int) -> int:
        if self.roles == "paper":
            return own + 2 * opp
        return 2 * own + opp

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        own, opp = history.own, history.opponent
        if t == 0:
            return C
        if t == 1:
            return int(opp[-1])
        if t == 2:
            if own[0] == C and opp[0] == D and own[1] == D and opp[1] == C:
                return D
            return int(opp[-1])
        a = [self._points(int(own[k]), int(opp[k])) for k in (-3, -2, -1)]  # oldest first
        if self.variant == "paper":
            score = 16 * a[0] + 4 * a[1] + a[2]
        else:
            score = a[0] + 4 * a[1] + 16 * a[2]
        return D if score in _NYDEGGER_DEFECT else C


# ---------------------------------------------------------------------------
# 4. Grofman
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class Grofman(Strategy):
    """GROFMAN, fourth in the first tournament (482 points).

    Axelrod (1980): "If the players did different things on the previous move,
    this rule cooperates with probability 2/7. Otherwise this rule always
    cooperates."

    The memory-one strategy (1, 2/7, 2/7, 1), cooperating first. The
    Axelrod library reads it the same way.
    """

    meta = Meta(
        "grofman", "Grofman", 1, stochastic=True, reference=_REF, tags=_NICE | {"forgiving"}
    )

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history) or history.own[-1] == history.opponent[-1]:
            return C
        return C if rng.random() < 2 / 7 else D

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((1.0, 2 / 7, 2 / 7, 1.0), 1.0)


# ---------------------------------------------------------------------------
# 5. Shubik
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class Shubik(Strategy):
    """SHUBIK, fifth in the first tournament (481 points).

    Axelrod (1980): "This rule cooperates until the other defects, and then
    defects once. If the other defects again after the rule's cooperation is
    resumed, the rule defects twice. In general, the length of retaliation is
    increased by one for each departure from mutual cooperation. This rule is
    described with its strategic implications in Shubik (1970). Further
    treatment of it is given in Taylor (1976)."

    Defections of the opponent during a retaliation are not counted (Shubik
    1970: "I will use move 2 for the immediate k subsequent periods, after
    which I will resume using move 1").

    ``variant="paper"``: a new retaliation starts only on a defection made
    after the opponent has seen the resumed cooperation, i.e. answering a
    cooperation of ours that itself followed a cooperation (so at least two
    cooperations follow each retaliation; the reading of Axelrod library
    issue 1273). ``variant="axelrod"``: any defection made while we
    cooperated starts one, including the opponent's answer to our last
    retaliating defection.
    """

    variant: str = "paper"

    meta = Meta(
        "shubik", "Shubik", INF, reference=_REF + "; Shubik (1970)", tags=_NICE | {"forgiving"}
    )

    def validate(self) -> None:
        check_choice("variant", self.variant, _VARIANTS)

    def _reset(self) -> None:
        self.remaining = 0
        self.length = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t == 0:
            return C
        if self.remaining:
            self.remaining -= 1
            return D
        own, opp = history.own, history.opponent
        trigger = opp[-1] == D and own[-1] == C
        if self.variant == "paper":
            trigger = trigger and (t == 1 or own[-2] == C)
        if trigger:
            self.length += 1
            self.remaining = self.length - 1
            return D
        return C

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch | None:
        return _ShubikBatch(self, n, turns)


# ---------------------------------------------------------------------------
# 6. Stein and Rapoport
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class SteinAndRapoport(Strategy):
    """STEIN AND RAPOPORT, sixth in the first tournament (478 points).

    Axelrod (1980): "This rule plays tit for tat except that it cooperates on
    the first four moves, it defects on the last two moves, and every fifteen
    moves it checks to see if the opponent seems to be playing randomly. This
    check uses a chi-squared test of the other's transition probabilities and
    also checks for alternating moves of CD and DC."

    Every fifteen moves (moves 15, 30, ...) the opponent is judged random, and
    defected against until the next check, when the test does not reject
    randomness at level ``alpha``.

    ``variant="paper"``: the test is a chi-squared test of independence of the
    opponent's move from our previous move (its transition probabilities),
    and an opponent whose last fifteen moves alternate C and D is treated as
    random too. ``variant="axelrod"``: the Axelrod library's test, a
    chi-squared test that the opponent's cooperations and defections are
    equally frequent (so an opponent who cooperates about half the time is
    "random", however it responds).
    """

    alpha: float = 0.05
    variant: str = "paper"

    meta = Meta(
        "stein_and_rapoport",
        "Stein and Rapoport",
        INF,
        reference=_REF,
        tags=_NICE | {"forgiving", "uses_match_length"},
        uses_match_length=True,
    )

    def validate(self) -> None:
        self.alpha = check_probability("alpha", self.alpha)
        check_choice("variant", self.variant, _VARIANTS)

    def _reset(self) -> None:
        self.opponent_is_random = False

    def act(self, history: History, rng: np.random.Generator) -> int:
        move = self._move(history)
        left = self.turns_left(history)
        if left is not None and left <= 2:
            return D
        return move

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch | None:
        return _SteinAxelrodBatch(self, n, turns) if self.variant == "axelrod" else None

    def _move(self, history: History) -> int:
        round_number = len(history) + 1
        if round_number < 5:
            return C
        opp = history.opponent
        if round_number < 15:
            return int(opp[-1])
        if round_number % 15 == 0:
            if self.variant == "axelrod":
                p = _chisquare_even(history.opponent_cooperations, history.opponent_defections)
                self.opponent_is_random = bool(p >= self.alpha)  # nan >= a is False
            else:
                p = _transition_independence_pvalue(history.own, opp)
                last = opp[-15:]
                alternating = bool(np.all(last[1:] != last[:-1]))
                self.opponent_is_random = bool(p >= self.alpha) or alternating
        if self.opponent_is_random:
            return D
        return int(opp[-1])


# ---------------------------------------------------------------------------
# 7. Friedman, 8. Davis
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class Friedman(Grudger):
    """FRIEDMAN, seventh in the first tournament (473 points).

    Axelrod (1980): "This rule is a totally unforgiving one that cooperates
    until the other defects, and then defects for the rest of the game."
    (paraphrase). It is Grudger (grim trigger), Friedman (1971).
    """

    meta = Meta(
        "friedman", "Friedman", INF, reference=_REF + "; Friedman (1971)", tags=_NICE | {"grudger"}
    )


@dataclass(eq=True)
class Davis(Strategy):
    """DAVIS, eighth in the first tournament (472 points).

    Axelrod (1980), as quoted by the Axelrod library: "A player starts by
    cooperating for 10 rounds then plays Grudger, defecting if at any point
    the opponent has defected."

    Defections during the first ten rounds count for the grudge. The Axelrod
    library reads it the same way.
    """

    rounds_to_cooperate: int = 10

    meta = Meta("davis", "Davis", INF, reference=_REF, tags=_NICE | {"grudger"})

    def validate(self) -> None:
        check_count("rounds_to_cooperate", self.rounds_to_cooperate)

    def act(self, history: History, rng: np.random.Generator) -> int:
        if len(history) < self.rounds_to_cooperate:
            return C
        return D if history.opponent_defections else C

    def fsm_key(self, history: History) -> Hashable | None:
        return (min(len(history), self.rounds_to_cooperate), bool(history.opponent_defections))


# ---------------------------------------------------------------------------
# 9. Graaskamp
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class Graaskamp(Strategy):
    """GRAASKAMP, ninth in the first tournament (401 points).

    Axelrod (1980): "This rule plays tit for tat for 50 moves, defects on move
    51, and then plays 5 more moves of tit for tat. A check is then made to
    see if the player seems to be RANDOM, in which case it defects from then
    on. A check is also made to see if the other is TIT FOR TAT, ANALOGY (a
    program from the preliminary tournament), and its own twin, in which case
    it plays tit for tat. Otherwise it randomly defects every 5 to 15 moves,
    hoping that enough trust has been built up so that the other player will
    not notice these defections."

    RANDOM is recognised by a chi-squared test that C and D are equally
    frequent (level ``alpha``); TIT FOR TAT by the opponent having copied each
    of our moves one move later; the twin by identical histories (ANALOGY's
    description is lost). Otherwise it defects once every 5 to 15 moves
    (uniformly).

    ``variant="paper"``: the checks are made once, after move 56.
    ``variant="axelrod"``: the checks are repeated on every move after 56,
    as in the Axelrod library (a "random" verdict stays).
    """

    alpha: float = 0.05
    variant: str = "paper"

    meta = Meta("graaskamp", "Graaskamp", INF, stochastic=True, reference=_REF, tags=_TAGS)

    def validate(self) -> None:
        self.alpha = check_probability("alpha", self.alpha)
        check_choice("variant", self.variant, _VARIANTS)

    def _reset(self) -> None:
        self.opponent_is_random = False
        self.tft_or_twin = False
        self.next_defection: int | None = None

    def _is_tft_or_twin(self, history: History) -> bool:
        own, opp = history.own, history.opponent
        copies = bool(np.all(opp[1:] == own[:-1]))
        return copies or bool(np.array_equal(own, opp))

    def act(self, history: History, rng: np.random.Generator) -> int:
        t = len(history)
        if t == 0:
            return C
        opp = history.opponent
        if t < 56:
            return D if opp[-1] == D or t == 50 else C
        if self.variant == "axelrod" or t == 56:
            p = _chisquare_even(history.opponent_cooperations, history.opponent_defections)
            self.opponent_is_random = self.opponent_is_random or bool(p >= self.alpha)
            self.tft_or_twin = self._is_tft_or_twin(history)
        if self.opponent_is_random:
            return D
        if self.tft_or_twin:
            return int(opp[-1])
        if self.next_defection is None:
            self.next_defection = t + int(rng.integers(5, 16))
        if t == self.next_defection:
            self.next_defection = t + int(rng.integers(5, 16))
            return D
        return C

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch | None:
        return _GraaskampBatch(self, n, turns)


# ---------------------------------------------------------------------------
# 10. Downing
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class Downing(Strategy):
    """DOWNING, tenth in the first tournament (391 points).

    Axelrod (1980): "This rule selects its choice to maximize its own
    longterm expected payoff on the assumption that the other rule cooperates
    with a fixed probability which depends only on whether the other player
    cooperated or defected on the previous move. These two probabilities
    estimates are continuously updated as the game progresses. Initially,
    they are both assumed to be .5, which amounts to the pessimistic
    assumption that the other player is not responsive. This rule is based on
    an outcome maximization interpretation of human performances proposed by
    Downing (1975)." And later: "Under certain circumstances, DOWNING will
    even determine that the best strategy is to alternate cooperation and
    defection."

    ``variant="paper"``: ``a`` estimates P(opponent cooperates | we
    cooperated the move before) and ``b`` P(opponent cooperates | we
    defected), each 0.5 until observed and then the observed frequency.
    Against such a responder the long-run payoff per move of always
    cooperating is ``aR + (1-a)S``, of always defecting ``bT + (1-b)P``, and of
    alternating ``[aT + (1-a)P + bR + (1-b)S] / 2``; the rule follows the best
    of the three plans (ties: cooperate, then alternate), alternating from its
    own last move. With both estimates at 0.5 defecting is best, so it opens
    D, D as the text's "pessimistic assumption" implies.

    ``variant="axelrod"``: the Axelrod library's reading: D, D, then compare
    only ``aR + (1-a)S`` with ``bT + (1-b)P`` (the opponent's first move
    counting as an answer to a cooperation, ``b`` divided by at least 2) and
    switch its own last move on a tie.
    """

    variant: str = "paper"

    meta = Meta(
        "downing",
        "Downing",
        INF,
        reference=_REF + "; Downing (1975)",
        tags=_TAGS | {"uses_payoffs"},
        uses_payoffs=True,
    )

    def validate(self) -> None:
        check_choice("variant", self.variant, _VARIANTS)

    def _reset(self) -> None:
        self.coop_after_c = 0
        self.coop_after_d = 0

    def act(self, history: History, rng: np.random.Generator) -> int:
        if self.variant == "axelrod":
            return self._axelrod(history)
        t = len(history)
        own, opp = history.own, history.opponent
        after_c = own[:-1] == C
        responses = opp[1:] == C
        n_c = int(np.count_nonzero(after_c))
        n_d = (t - 1 if t else 0) - n_c
        a = float(np.count_nonzero(responses & after_c)) / n_c if n_c else 0.5
        b = float(np.count_nonzero(responses & ~after_c)) / n_d if n_d else 0.5
        info = self.match_info
        R, S, T, P = info.R, info.S, info.T, info.P
        all_c = a * R + (1 - a) * S
        all_d = b * T + (1 - b) * P
        alternate = (a * T + (1 - a) * P + b * R + (1 - b) * S) / 2
        best = max(all_c, all_d, alternate)
        if all_c >= best:
            return C
        if alternate >= best:
            return 1 - int(own[-1]) if t else D
        return D

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch | None:
        return _DowningAxelrodBatch(self, n, turns) if self.variant == "axelrod" else None

    def _axelrod(self, history: History) -> int:
        t = len(history)
        own, opp = history.own, history.opponent
        if t == 0:
            return D
        if t == 1:
            if opp[-1] == C:
                self.coop_after_c += 1
            return D
        if own[-2] == C and opp[-1] == C:
            self.coop_after_c += 1
        if own[-2] == D and opp[-1] == C:
            self.coop_after_d += 1
        alpha = self.coop_after_c / (history.own_cooperations + 1)
        beta = self.coop_after_d / max(history.own_defections, 2)
        info = self.match_info
        e_c = alpha * info.R + (1 - alpha) * info.S
        e_d = beta * info.T + (1 - beta) * info.P
        if e_c > e_d:
            return C
        if e_c < e_d:
            return D
        return 1 - int(own[-1])


# ---------------------------------------------------------------------------
# 11. Feld, 12. Joss, 13. Tullock, 14. (Name withheld)
# ---------------------------------------------------------------------------
@dataclass(eq=True)
class Feld(Strategy):
    """FELD, eleventh in the first tournament (328 points).

    Axelrod (1980): "This rule starts with tit for tat and gradually lowers
    its probability of cooperation following the other's cooperation to .5
    by the two hundredth move. It always defects after a defection by the
    other."

    The probability falls linearly, ``max(1 - 0.5 t / 200, 0.5)`` at turn
    ``t`` (as in the Axelrod library; the paper does not give the curve).
    """

    start: float = 1.0
    end: float = 0.5
    rounds_of_decay: int = 200

    meta = Meta("feld", "Feld", INF, stochastic=True, reference=_REF, tags=_NICE)

    def validate(self) -> None:
        self.start = check_probability("start", self.start)
        self.end = check_probability("end", self.end)
        check_count("rounds_of_decay", self.rounds_of_decay, 1)

    def cooperation_probability(self, turn: int) -> float:
        slope = (self.end - self.start) / self.rounds_of_decay
        return max(self.start + slope * turn, self.end)

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        if history.opponent[-1] == D:
            return D
        return C if rng.random() < self.cooperation_probability(len(history)) else D

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch | None:
        return _FeldBatch(self, n, turns)


@dataclass(eq=True)
class Joss(Strategy):
    """JOSS, twelfth in the first tournament (304 points).

    Axelrod (1980): "This rule cooperates 90% of the time after a cooperation
    by the other. It always defects after a defection by the other."

    The memory-one strategy (0.9, 0, 0.9, 0), cooperating first.
    """

    p: float = 0.9

    meta = Meta("joss", "Joss", 1, stochastic=True, reference=_REF, tags=_TAGS | {"retaliating"})

    def validate(self) -> None:
        self.p = check_probability("p", self.p)

    @property
    def stochastic(self) -> bool:
        return 0.0 < self.p < 1.0

    def act(self, history: History, rng: np.random.Generator) -> int:
        if not len(history):
            return C
        if history.opponent[-1] == D:
            return D
        if self.p >= 1.0:
            return C
        if self.p <= 0.0:
            return D
        return C if rng.random() < self.p else D

    def as_memory_one(self) -> MemoryOneSpec:
        return MemoryOneSpec((self.p, 0.0, self.p, 0.0), 1.0)


@dataclass(eq=True)
class Tullock(Strategy):
    """TULLOCK, thirteenth in the first tournament (301 points).

    Axelrod (1980): "This rule cooperates on the first eleven moves. It then
    cooperates 10% less than the other player has cooperated on the preceding
    ten moves. This rule is based on an idea developed in Overcast and
    Tullock (1971). Professor Tullock was invited to specify how the idea
    could be implemented, and he did so out of scientific interest rather
    than an expectation that it would be a likely winner."

    ``reduction="absolute"`` cooperates with probability ``max(0, f - 0.1)``
    where ``f`` is the opponent's cooperation rate over the last ten moves (the
    Axelrod library's reading); ``"relative"`` with probability ``0.9 f``.
    """

    reduction: str = "absolute"

    meta = Meta("tullock", "Tullock", 11, stochastic=True, reference=_REF, tags=_TAGS)

    def validate(self) -> None:
        check_choice("reduction", self.reduction, ("absolute", "relative"))

    def act(self, history: History, rng: np.random.Generator) -> int:
        if len(history) < 11:
            return C
        rate = float(np.count_nonzero(history.opponent[-10:] == C)) / 10
        p = max(0.0, rate - 0.1) if self.reduction == "absolute" else 0.9 * rate
        return C if rng.random() < p else D

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch | None:
        return _TullockBatch(self, n, turns)


@dataclass(eq=True)
class Anonymous(Strategy):
    """(NAME WITHHELD), fourteenth in the first tournament (282 points), by a
    graduate student.

    Axelrod (1980): "This rule has a probability of cooperating, P, which is
    initially 30% and is updated every 10 moves. P is adjusted if the other
    player seems random, very cooperative, or very uncooperative. P is also
    adjusted after move 130 if the rule has a lower score than the other
    player. Unfortunately, the complex process of adjustment frequently left
    the probability of cooperation in the 30% to 70% range, and therefore the
    rule appeared random to many other players."

    The adjustments are not published. ``variant="paper"`` is one
    reconstruction that keeps what is stated: P starts at 0.3 and changes
    only every 10 moves; over the last ten moves a very cooperative opponent
    (8 or more C) raises it by 0.1, a very uncooperative one (2 or fewer)
    lowers it by 0.1, a random-looking one (4 to 6) lowers it by 0.05; after
    move 130 a lower score than the opponent's lowers it by 0.1; P stays in
    [0.3, 0.7]. ``variant="axelrod"`` is the Axelrod library's: a fresh
    probability drawn uniformly from [0.3, 0.7] at every move.
    """

    variant: str = "paper"

    meta = Meta(
        "anonymous",
        "Anonymous",
        INF,
        stochastic=True,
        reference=_REF,
        tags=_TAGS | {"uses_payoffs"},
        uses_payoffs=True,
    )

    def validate(self) -> None:
        check_choice("variant", self.variant, _VARIANTS)

    def _reset(self) -> None:
        self.p = 0.3

    def act(self, history: History, rng: np.random.Generator) -> int:
        if self.variant == "axelrod":
            p = rng.uniform(0.3, 0.7)
            return C if rng.random() < p else D
        t = len(history)
        if t and t % 10 == 0:
            coop = int(np.count_nonzero(history.opponent[-10:] == C))
            if coop >= 8:
                self.p += 0.1
            elif coop <= 2:
                self.p -= 0.1
            elif 4 <= coop <= 6:
                self.p -= 0.05
            if t >= 130:
                mine, theirs = self.match_info.scores(history.own, history.opponent)
                if mine < theirs:
                    self.p -= 0.1
            self.p = min(max(self.p, 0.3), 0.7)
        return C if rng.random() < self.p else D

    def as_batch(self, n: int, turns: npt.NDArray[np.int64] | None) -> Batch | None:
        return _AnonymousAxelrodBatch(self, n, turns) if self.variant == "axelrod" else None


#: The first tournament's entries by registry name, in the published order.
FIRST_TOURNAMENT: tuple[str, ...] = (
    "tit_for_tat",
    "tideman_and_chieruzzi",
    "nydegger",
    "grofman",
    "shubik",
    "stein_and_rapoport",
    "friedman",
    "davis",
    "graaskamp",
    "downing",
    "feld",
    "joss",
    "tullock",
    "anonymous",
    "random",
)

#: Average score per 200-move game in Axelrod (1980), Table 1, by registry name.
PUBLISHED_SCORES: dict[str, int] = {
    "tit_for_tat": 504,
    "tideman_and_chieruzzi": 500,
    "nydegger": 486,
    "grofman": 482,
    "shubik": 481,
    "stein_and_rapoport": 478,
    "friedman": 473,
    "davis": 472,
    "graaskamp": 401,
    "downing": 391,
    "feld": 328,
    "joss": 304,
    "tullock": 301,
    "anonymous": 282,
    "random": 276,
}


# ---------------------------------------------------------------------------
# Batched twins of act (see strategies/batch.py): the same rules on arrays,
# one entry per match, True for D. Where a variant has none, as_batch gives
# None and the engine asks act.
# ---------------------------------------------------------------------------
def _chisquare_even_batch(defections: npt.NDArray[np.int64], t: int) -> npt.NDArray[np.float64]:
    """:func:`_chisquare_even` of ``t - d`` cooperations and ``d`` defections for
    each entry (the very function, once per distinct count, so that a p-value
    compared with ``alpha`` is the same float as in ``act``)."""
    values, inverse = np.unique(defections, return_inverse=True)
    p = np.array([_chisquare_even(t - d, d) for d in values.tolist()], dtype=np.float64)
    return p[inverse.reshape(defections.shape)]


class _TidemanAxelrodBatch(Batch):
    def setup(self) -> None:
        self.own_score = self.zeros(np.float64)
        self.opp_score = self.zeros(np.float64)
        self.remembered = self.zeros()
        self.fresh = self.zeros(bool)
        self.last_fresh = self.zeros()
        self.retaliating = self.zeros(bool)
        self.length = self.zeros()
        self.remaining = self.zeros()

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        last = self.last_turns(t, 2)
        if t == 0:
            return last
        own, opp = rounds.own.view(np.uint8), rounds.opp.view(np.uint8)
        self.remembered += rounds.opp
        self.own_score = self.own_score + self.payoffs[own, opp]
        self.opp_score = self.opp_score + self.opponent_payoffs[opp, own]
        was_fresh = self.fresh
        self.fresh = np.zeros(self.n, dtype=bool)
        current = t + 1
        go = ~was_fresh & ((self.last_fresh == 0) | (current - self.last_fresh >= 20))
        if self.turns is not None:
            go &= self.turns - current >= 10
        else:
            go[:] = False
        go &= (self.own_score - self.opp_score >= 10) & ~rounds.opp
        if go.any():
            std = math.sqrt(t) / 2
            lower, upper = t / 2 - 3 * std, t / 2 + 3 * std
            go &= (self.remembered <= lower) | (self.remembered >= upper)
            self.last_fresh[go] = current
            self.retaliating[go] = False
            self.length[go] = 0
            self.remaining[go] = 0
            self.remembered[go] = 0
            self.fresh = go
        rest = ~was_fresh & ~go
        going_on = rest & self.retaliating
        start = rest & ~self.retaliating & rounds.opp
        self.length = self.length + start
        self.remaining = np.where(start, self.length, self.remaining) - (going_on | start)
        self.retaliating = (going_on | start) & (self.remaining != 0)
        return going_on | start | last


class _ShubikBatch(Batch):
    def setup(self) -> None:
        self.paper = self.strategy.variant == "paper"  # type: ignore[attr-defined]
        self.remaining = self.zeros()
        self.length = self.zeros()
        self.own_before = self.zeros(bool)  # own move two rounds back

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        own_before = self.own_before
        self.own_before = rounds.own
        if t == 0:
            return np.zeros(self.n, dtype=bool)
        waiting = self.remaining > 0
        trigger = ~waiting & rounds.opp & ~rounds.own
        if self.paper and t > 1:
            trigger &= ~own_before
        self.length = self.length + trigger
        self.remaining = np.where(trigger, self.length - 1, self.remaining - waiting)
        return waiting | trigger


class _SteinAxelrodBatch(Batch):
    def setup(self) -> None:
        self.alpha = self.strategy.alpha  # type: ignore[attr-defined]
        self.random_like = self.zeros(bool)
        self.defections = self.zeros()

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        self.defections += rounds.opp
        last = self.last_turns(t, 2)
        round_number = t + 1
        if round_number < 5:
            return last
        if round_number < 15:
            return rounds.opp | last
        if round_number % 15 == 0:
            self.random_like = _chisquare_even_batch(self.defections, t) >= self.alpha
        return self.random_like | rounds.opp | last


class _GraaskampBatch(Batch):
    draws_per_turn = 1

    def setup(self) -> None:
        s = self.strategy
        self.alpha = s.alpha  # type: ignore[attr-defined]
        self.every_move = s.variant == "axelrod"  # type: ignore[attr-defined]
        self.random_like = self.zeros(bool)
        self.tft_or_twin = self.zeros(bool)
        self.defections = self.zeros()
        self.copies = np.ones(self.n, dtype=bool)  # opponent copied each of our moves so far
        self.twin = np.ones(self.n, dtype=bool)  # identical histories so far
        self.own_before = self.zeros(bool)
        self.next_defection = np.full(self.n, -1, dtype=np.int64)  # -1: not drawn yet

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        own, opp = rounds.own, rounds.opp
        if t >= 1:
            self.defections += opp
            self.twin &= own == opp
        if t >= 2:
            self.copies &= opp == self.own_before
        self.own_before = own
        if t == 0:
            return np.zeros(self.n, dtype=bool)
        if t < 56:
            return opp | (t == 50)
        if self.every_move or t == 56:
            p = _chisquare_even_batch(self.defections, t)
            self.random_like |= p >= self.alpha
            self.tft_or_twin = self.copies | self.twin
        rest = ~self.random_like & ~self.tft_or_twin
        first = rest & (self.next_defection < 0)
        if first.any():
            drawn = t + draws.integers(5, 16, first)
            self.next_defection = np.where(first, drawn, self.next_defection)
        hit = rest & (self.next_defection == t)
        if hit.any():
            drawn = t + draws.integers(5, 16, hit)
            self.next_defection = np.where(hit, drawn, self.next_defection)
        return self.random_like | (~self.random_like & self.tft_or_twin & opp) | hit


class _DowningAxelrodBatch(Batch):
    def setup(self) -> None:
        self.after_c = self.zeros()
        self.after_d = self.zeros()
        self.own_defections = self.zeros()
        self.own_before = self.zeros(bool)
        info = self.strategy.match_info
        self.R, self.S, self.T, self.P = info.R, info.S, info.T, info.P

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        own, opp = rounds.own, rounds.opp
        own_before = self.own_before
        self.own_before = own
        self.own_defections += own
        if t <= 1:
            if t == 1:
                self.after_c += ~opp
            return np.ones(self.n, dtype=bool)
        self.after_c += ~own_before & ~opp
        self.after_d += own_before & ~opp
        alpha = self.after_c / (t - self.own_defections + 1)
        beta = self.after_d / np.maximum(self.own_defections, 2)
        e_c = alpha * self.R + (1 - alpha) * self.S
        e_d = beta * self.T + (1 - beta) * self.P
        return (e_c < e_d) | ((e_c == e_d) & ~own)


class _FeldBatch(Batch):
    draws_per_turn = 1

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        if t == 0:
            return np.zeros(self.n, dtype=bool)
        p = self.strategy.cooperation_probability(t)  # type: ignore[attr-defined]
        ask = ~rounds.opp
        return rounds.opp | (ask & ~(draws.random(ask) < p))


class _TullockBatch(Batch):
    draws_per_turn = 1

    def setup(self) -> None:
        self.absolute = self.strategy.reduction == "absolute"  # type: ignore[attr-defined]
        self.cooperations = self.zeros()  # the opponent's in the last ten rounds
        self.everyone = np.ones(self.n, dtype=bool)

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        t = rounds.t
        if t:
            self.cooperations += ~rounds.opp
        if t > 10:
            self.cooperations -= ~rounds.at(t - 11)[1]
        if t < 11:
            return np.zeros(self.n, dtype=bool)
        rate = self.cooperations / 10
        p = np.maximum(0.0, rate - 0.1) if self.absolute else 0.9 * rate
        return ~(draws.random(self.everyone) < p)


class _AnonymousAxelrodBatch(Batch):
    draws_per_turn = 2

    def setup(self) -> None:
        self.everyone = np.ones(self.n, dtype=bool)

    def act(self, rounds: Rounds, draws: Draws) -> npt.NDArray[np.bool_]:
        p = draws.uniform(0.3, 0.7, self.everyone)
        return ~(draws.random(self.everyone) < p)
