"""The classic games: two-player 2x2 and 3x3 games and the N-player social dilemmas.

Every game is built by a factory function whose keyword arguments are its
parameters; :data:`GAMES` is the one registry, and :func:`make` builds a game by
name (``make("prisoners-dilemma", T=4)``). Each factory checks its parameters
and says which condition fails.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.normal_form import NormalFormGame
from cooplab.runtime.registry import Registry

__all__ = [
    "GAMES",
    "GameSpec",
    "arms_race",
    "battle_of_the_sexes",
    "chicken",
    "hawk_dove",
    "make",
    "matching_pennies",
    "prisoners_dilemma",
    "prisoners_dilemma_conditions",
    "public_goods",
    "pure_coordination",
    "rock_paper_scissors",
    "shapley_game",
    "stag_hunt",
    "symmetric_2x2",
    "tragedy_of_the_commons",
]

#: The largest payoff array (entries) an N-player factory will build.
MAX_ENTRIES = 20_000_000


# ---------------------------------------------------------------------------
# Parameter checks
# ---------------------------------------------------------------------------
def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def _positive(name: str, value: Any) -> float:
    value = _real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be positive; got {value:g}")
    return value


def _count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(float(value))
        else:
            raise TypeError(f"{name} must be an integer; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return int(value)


def _check_size(n: int, k: int) -> None:
    # Compare logarithms first: n * k**n for a huge n is itself too big to compute.
    if math.log(n) + n * math.log(k) > math.log(MAX_ENTRIES) + 1e-9:
        raise ValueError(
            f"{n} players with {k} actions each make a payoff table of more than "
            f"{MAX_ENTRIES:,} entries; use fewer players or actions"
        )


# ---------------------------------------------------------------------------
# Two-player games
# ---------------------------------------------------------------------------
def symmetric_2x2(
    *,
    R: float = 3,
    S: float = 0,
    T: float = 5,
    P: float = 1,
    actions: Sequence[str] = ("C", "D"),
    name: str = "",
) -> NormalFormGame:
    """The symmetric 2x2 game with the row player's payoffs ``[[R, S], [T, P]]``.

    ``R`` is the reward for mutual "cooperation" (first action), ``S`` the
    sucker's payoff, ``T`` the temptation, ``P`` the punishment for mutual
    "defection". The column player's matrix is the transpose. Every symmetric
    2x2 game has this form.

    References
    ----------
    Rapoport, A. & Guyer, M. (1966). A taxonomy of 2x2 games. General Systems 11, 203-214.
    """
    R, S, T, P = (_real(k, v) for k, v in (("R", R), ("S", S), ("T", T), ("P", P)))
    A = np.array([[R, S], [T, P]])
    return NormalFormGame.from_bimatrix(
        A, A.T, action_names=[list(actions), list(actions)], name=name or "Symmetric 2x2 game"
    )


def prisoners_dilemma_conditions(*, T: float, R: float, P: float, S: float) -> tuple[str, ...]:
    """The prisoner's dilemma conditions that ``(T, R, P, S)`` violates (empty if none).

    Keyword-only, as are the 2x2 factories: the four letters come in different
    orders in different texts. The conditions are ``T > R > P > S`` (temptation, reward, punishment,
    sucker) and ``2R > T + S`` (mutual cooperation beats taking turns to
    exploit each other), after Rapoport & Chammah (1965) and Axelrod (1984).
    """
    failed = []
    if not T > R:
        failed.append(f"T > R (temptation {T:g} must exceed reward {R:g})")
    if not R > P:
        failed.append(f"R > P (reward {R:g} must exceed punishment {P:g})")
    if not P > S:
        failed.append(f"P > S (punishment {P:g} must exceed sucker's payoff {S:g})")
    if not 2 * R > T + S:
        failed.append(f"2R > T + S (2R = {2 * R:g} must exceed T + S = {T + S:g})")
    return tuple(failed)


def prisoners_dilemma(*, T: float = 5, R: float = 3, P: float = 1, S: float = 0) -> NormalFormGame:
    """The prisoner's dilemma, with Axelrod's payoffs (5, 3, 1, 0) by default.

    Actions ``C`` (cooperate) and ``D`` (defect). Raises ``ValueError`` naming
    the failed condition if ``T > R > P > S`` or ``2R > T + S`` does not hold.

    References
    ----------
    Rapoport, A. & Chammah, A. M. (1965). Prisoner's Dilemma. Univ. of Michigan Press.
    Axelrod, R. (1984). The Evolution of Cooperation. Basic Books (payoffs T=5, R=3, P=1, S=0).
    """
    T, R, P, S = (_real(k, v) for k, v in (("T", T), ("R", R), ("P", P), ("S", S)))
    failed = prisoners_dilemma_conditions(T=T, R=R, P=P, S=S)
    if failed:
        raise ValueError(
            f"(T, R, P, S) = ({T:g}, {R:g}, {P:g}, {S:g}) is not a prisoner's dilemma: "
            + "; ".join(f"fails {c}" for c in failed)
        )
    return symmetric_2x2(R=R, S=S, T=T, P=P, name="Prisoner's dilemma")


def stag_hunt(*, R: float = 4, T: float = 3, P: float = 2, S: float = 0) -> NormalFormGame:
    """The stag hunt: hunt the stag together (``R``) or take the safe hare.

    Actions ``Stag`` and ``Hare``; requires ``R > T >= P > S``, which makes both
    (Stag, Stag) and (Hare, Hare) equilibria, the first payoff-dominant and the
    second risk-dominant when ``T + P > R + S``.

    References
    ----------
    Skyrms, B. (2004). The Stag Hunt and the Evolution of Social Structure. Cambridge UP.
    """
    R, T, P, S = (_real(k, v) for k, v in (("R", R), ("T", T), ("P", P), ("S", S)))
    if not (R > T >= P > S):
        raise ValueError(
            f"a stag hunt needs R > T >= P > S; got R={R:g}, T={T:g}, P={P:g}, S={S:g}"
        )
    return symmetric_2x2(R=R, S=S, T=T, P=P, actions=("Stag", "Hare"), name="Stag hunt")


def chicken(*, T: float = 3, R: float = 2, S: float = 1, P: float = 0) -> NormalFormGame:
    """Chicken: swerve (``Swerve``) or drive on (``Straight``); a crash is worst.

    Requires ``T > R > S > P``: the pure equilibria are the two outcomes where
    exactly one driver swerves.

    References
    ----------
    Rapoport, A. & Chammah, A. M. (1966). The game of chicken. American Behavioral Scientist 10(3), 10-28.
    """
    T, R, S, P = (_real(k, v) for k, v in (("T", T), ("R", R), ("S", S), ("P", P)))
    if not (T > R > S > P):
        raise ValueError(f"chicken needs T > R > S > P; got T={T:g}, R={R:g}, S={S:g}, P={P:g}")
    return symmetric_2x2(R=R, S=S, T=T, P=P, actions=("Swerve", "Straight"), name="Chicken")


def hawk_dove(value: float = 2, cost: float = 4) -> NormalFormGame:
    """Hawk-dove: contest a resource of worth ``value``; a fight costs the loser ``cost``.

    Payoffs: Hawk-Hawk ``(value - cost) / 2`` each, Hawk-Dove ``value`` and 0,
    Dove-Dove ``value / 2`` each. With ``cost > value`` it is a game of chicken,
    with the mixed equilibrium playing Hawk with probability ``value / cost``.

    References
    ----------
    Maynard Smith, J. & Price, G. R. (1973). The logic of animal conflict. Nature 246, 15-18.
    Maynard Smith, J. (1982). Evolution and the Theory of Games, ch. 2. Cambridge UP (this
    payoff matrix in terms of V and C).
    """
    value = _positive("value", value)
    cost = _positive("cost", cost)
    return symmetric_2x2(
        R=value / 2,
        S=0.0,
        T=value,
        P=(value - cost) / 2,
        actions=("Dove", "Hawk"),
        name="Hawk-dove",
    )


def battle_of_the_sexes(high: float = 2, low: float = 1, miss: float = 0) -> NormalFormGame:
    """Battle of the sexes: both prefer meeting, but disagree where.

    Actions ``Opera`` and ``Football``. Row gets ``high`` at (Opera, Opera) and
    ``low`` at (Football, Football); Column the reverse; ``miss`` if they go to
    different places. Requires ``high > low > miss``.

    References
    ----------
    Luce, R. D. & Raiffa, H. (1957). Games and Decisions, ch. 5. Wiley.
    """
    high, low, miss = _real("high", high), _real("low", low), _real("miss", miss)
    if not (high > low > miss):
        raise ValueError(
            f"battle of the sexes needs high > low > miss; got {high:g}, {low:g}, {miss:g}"
        )
    A = np.array([[high, miss], [miss, low]])
    B = np.array([[low, miss], [miss, high]])
    return NormalFormGame.from_bimatrix(
        A,
        B,
        action_names=[["Opera", "Football"], ["Opera", "Football"]],
        name="Battle of the sexes",
    )


def matching_pennies(stake: float = 1) -> NormalFormGame:
    """Matching pennies: Row wins ``stake`` when the coins match, Column when they differ.

    Zero-sum; the unique equilibrium mixes 50/50 and the value is 0.

    References
    ----------
    von Neumann, J. & Morgenstern, O. (1944). Theory of Games and Economic Behavior, §18.
    """
    stake = _positive("stake", stake)
    A = stake * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return NormalFormGame.from_bimatrix(
        A, -A, action_names=[["Heads", "Tails"], ["Heads", "Tails"]], name="Matching pennies"
    )


def rock_paper_scissors(win: float = 1) -> NormalFormGame:
    """Rock-paper-scissors, zero-sum: ``win`` to the winner, ``-win`` to the loser, 0 on a tie.

    The unique equilibrium plays each action with probability 1/3.

    References
    ----------
    Hofbauer, J. & Sigmund, K. (1998). Evolutionary Games and Population Dynamics, §7.
    """
    win = _positive("win", win)
    A = win * np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    actions = ["Rock", "Paper", "Scissors"]
    return NormalFormGame.from_bimatrix(
        A, -A, action_names=[actions, actions], name="Rock-paper-scissors"
    )


def shapley_game() -> NormalFormGame:
    """Shapley's 3x3 game, on which fictitious play cycles and never converges.

    Row scores 1 at (a, b), (b, c) and (c, a); Column scores 1 at (a, c),
    (b, a) and (c, b); every other outcome, the diagonal included, pays 0 to
    both. A non-zero-sum relative of rock-paper-scissors whose unique
    equilibrium is uniform play.

    References
    ----------
    Shapley, L. S. (1964). Some topics in two-person games. In Advances in Game
    Theory, Annals of Mathematics Studies 52, 1-28.
    """
    A = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    B = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    actions = ["a", "b", "c"]
    return NormalFormGame.from_bimatrix(
        A, B, action_names=[actions, actions], name="Shapley's game"
    )


def pure_coordination(n_actions: int = 2, reward: float = 1) -> NormalFormGame:
    """Pure coordination: both get ``reward`` when they choose the same action, else 0.

    Every matching outcome is an equilibrium and all are equally good: the
    difficulty is only in choosing the same one.

    References
    ----------
    Schelling, T. C. (1960). The Strategy of Conflict, ch. 3. Harvard UP.
    """
    k = _count("n_actions", n_actions, 2)
    reward = _positive("reward", reward)
    _check_size(2, k)
    A = reward * np.eye(k)
    actions = [f"x{j}" for j in range(k)]
    return NormalFormGame.from_bimatrix(
        A, A.copy(), action_names=[actions, actions], name="Pure coordination"
    )


# ---------------------------------------------------------------------------
# N-player social dilemmas (note, section 2.1)
# ---------------------------------------------------------------------------
def _symmetric_n_player(
    n: int, levels: npt.ArrayLike, payoff: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> np.ndarray:
    """Payoff array (n, k, ..., k) where ``payoff(own_level, others_total)`` gives one player's payoff."""
    lv = np.asarray(levels, dtype=np.float64)
    k = len(lv)
    grids = np.meshgrid(*([lv] * n), indexing="ij")  # n arrays of shape (k,)*n
    # Overflow (absurd parameters) becomes inf, which NormalFormGame rejects by name.
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(grids, axis=0)
        tables = [payoff(grids[i], total - grids[i]) for i in range(n)]
    return np.stack(tables).reshape((n,) + (k,) * n)


def public_goods(
    n: int = 4, multiplier: float = 1.6, endowment: float = 1, levels: int = 2
) -> NormalFormGame:
    """The linear public goods game.

    Each of ``n`` players holds ``endowment`` and contributes a share of it
    (``levels`` evenly spaced shares from 0 to all; 2 means nothing or all).
    Contributions are multiplied by ``multiplier`` and shared equally:
    ``u_i = endowment - c_i + multiplier * sum_j c_j / n``. With
    ``1 < multiplier < n`` contributing nothing is dominant while full
    contribution is socially optimal: every player under-contributes.

    References
    ----------
    Isaac, R. M. & Walker, J. M. (1988). Group size effects in public goods
    provision. Quarterly Journal of Economics 103(1), 179-199.
    Ledyard, J. O. (1995). Public goods: a survey of experimental research. In
    Handbook of Experimental Economics, 111-194.
    """
    n = _count("n", n, 2)
    multiplier = _positive("multiplier", multiplier)
    endowment = _positive("endowment", endowment)
    k = _count("levels", levels, 2)
    _check_size(n, k)
    shares = np.linspace(0.0, 1.0, k)
    contributions = endowment * shares

    def payoff(own: np.ndarray, others: np.ndarray) -> np.ndarray:
        return endowment - own + multiplier * (own + others) / n

    # Exact fractions of the endowment: distinct names for any number of levels.
    actions = ["Free-ride", "Contribute"] if k == 2 else [f"give {j}/{k - 1}" for j in range(k)]
    return NormalFormGame(
        _symmetric_n_player(n, contributions, payoff),
        action_names=[actions] * n,
        name=f"Public goods (n={n}, r={multiplier:g})",
    )


def tragedy_of_the_commons(
    n: int = 3, capacity: float = 13, cost: float = 1, max_use: int = 5
) -> NormalFormGame:
    """The commons: each player puts ``x_i`` in ``0..max_use`` animals on a shared pasture.

    Each animal is worth ``capacity - X`` (``X`` the total on the pasture) and
    costs ``cost``: ``u_i = x_i (capacity - X - cost)``. In the continuous game
    each uses ``(capacity - cost) / (n + 1)`` at equilibrium, in total
    ``n / (n + 1)`` of the usable capacity, while the social optimum is half
    of it: each player's use exceeds the socially optimal use.

    References
    ----------
    Hardin, G. (1968). The tragedy of the commons. Science 162(3859), 1243-1248.
    Gibbons, R. (1992). Game Theory for Applied Economists, §1.2.D. Princeton UP.
    """
    n = _count("n", n, 2)
    capacity = _positive("capacity", capacity)
    cost = _real("cost", cost)
    if cost < 0:
        raise ValueError(f"cost must be non-negative; got {cost:g}")
    if cost >= capacity:
        raise ValueError(f"cost ({cost:g}) must be below capacity ({capacity:g}), or nobody grazes")
    m = _count("max_use", max_use, 1)
    _check_size(n, m + 1)

    def payoff(own: np.ndarray, others: np.ndarray) -> np.ndarray:
        return own * (capacity - own - others - cost)

    return NormalFormGame(
        _symmetric_n_player(n, range(m + 1), payoff),
        action_names=[[str(x) for x in range(m + 1)]] * n,
        name=f"Tragedy of the commons (n={n})",
    )


def arms_race(n: int = 2, cost: float = 1, threat: float = 2) -> NormalFormGame:
    """An N-player arms race: each side chooses ``Disarm`` or ``Arm``.

    Arming costs ``cost``. Against each rival, being armed when the rival is
    not gains ``threat / (n - 1)`` and the rival loses as much:
    ``u_i = -cost * a_i + threat * sum_{j != i} (a_i - a_j) / (n - 1)``.
    With ``threat > cost`` arming is dominant, yet everyone arming leaves
    each side ``cost`` worse off than everyone disarming: the security dilemma.
    This is a stylised N-player prisoner's dilemma reading of the security
    dilemma, not Richardson's differential-equation model of arms races.

    References
    ----------
    Jervis, R. (1978). Cooperation under the security dilemma. World Politics 30(2), 167-214
    (the security dilemma as a prisoner's dilemma between states).
    Richardson, L. F. (1960). Arms and Insecurity. Boxwood Press (arms races driven by
    the rival's armament).
    """
    n = _count("n", n, 2)
    cost = _positive("cost", cost)
    threat = _positive("threat", threat)
    _check_size(n, 2)

    def payoff(own: np.ndarray, others: np.ndarray) -> np.ndarray:
        return -cost * own + threat * ((n - 1) * own - others) / (n - 1)

    return NormalFormGame(
        _symmetric_n_player(n, (0.0, 1.0), payoff),
        action_names=[["Disarm", "Arm"]] * n,
        name=f"Arms race (n={n})",
    )


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class GameSpec:
    """A catalog entry: a name, a factory, and a one-line summary."""

    name: str
    factory: Callable[..., NormalFormGame]
    summary: str
    players: str  # "2" or "n"

    def parameters(self) -> dict[str, Any]:
        """The factory's parameters and their defaults."""
        return {
            p.name: p.default
            for p in inspect.signature(self.factory).parameters.values()
            if isinstance(p.default, int | float) and not isinstance(p.default, bool)
        }

    def build(self, **params: Any) -> NormalFormGame:
        """Build the game; unknown parameters raise ``ValueError`` naming the known ones."""
        known = self.parameters()
        unknown = [k for k in params if k not in known]
        if unknown:
            listed = ", ".join(known) if known else "none"
            raise ValueError(
                f"{self.name} has no parameter {', '.join(map(repr, unknown))} (parameters: {listed})"
            )
        return self.factory(**params)

    def build_from_strings(self, assignments: Sequence[str]) -> NormalFormGame:
        """Build from ``["k=v", ...]`` as typed on the command line."""
        return self.build(**parse_params(self, assignments))

    @property
    def reference(self) -> str:
        doc = inspect.getdoc(self.factory) or ""
        if "References" not in doc:
            return ""
        tail = doc.split("References", 1)[1].split("\n")
        return " ".join(
            line.strip() for line in tail if line.strip() and set(line.strip()) != {"-"}
        )


def parse_params(spec: GameSpec, assignments: Sequence[str]) -> dict[str, Any]:
    """Parse ``["T=4", "n=5"]`` into typed keyword arguments for ``spec``."""
    known = spec.parameters()
    out: dict[str, Any] = {}
    for text in assignments:
        key, sep, raw = text.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key or not raw:
            raise ValueError(f"a parameter is written name=value; got {text!r}")
        if key not in known:
            listed = ", ".join(known) if known else "none"
            raise ValueError(f"{spec.name} has no parameter {key!r} (parameters: {listed})")
        try:
            value: Any = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(
                    f"parameter {key} of {spec.name} must be a number; got {raw!r}"
                ) from None
        out[key] = value
    return out


def _hard_game(*, d: int = 6) -> NormalFormGame:
    """The hard game for Lemke-Howson (:func:`cooplab.games.hard.savani_von_stengel`).

    Parameters
    ----------
    d
        The dimension, even, from 2 to 18.

    References
    ----------
    Savani, R. & von Stengel, B. (2016). Unit vector games. International
    Journal of Economic Theory 12(1), 7-27 (the imitation-game form, from
    Morris's (1994) labelled dual cyclic polytopes).
    """
    from cooplab.games.hard import savani_von_stengel

    return savani_von_stengel(d)


GAMES: Registry[GameSpec] = Registry(
    "game",
    (
        GameSpec(
            "prisoners-dilemma", prisoners_dilemma, "Cooperate or defect; defection dominates", "2"
        ),
        GameSpec("stag-hunt", stag_hunt, "Coordinate on the risky stag or the safe hare", "2"),
        GameSpec("chicken", chicken, "Swerve or drive on; someone must yield", "2"),
        GameSpec("hawk-dove", hawk_dove, "Contest a resource; fights are costly", "2"),
        GameSpec(
            "battle-of-the-sexes",
            battle_of_the_sexes,
            "Meet, but each prefers a different place",
            "2",
        ),
        GameSpec("matching-pennies", matching_pennies, "Zero-sum; only mixing is stable", "2"),
        GameSpec(
            "rock-paper-scissors", rock_paper_scissors, "Zero-sum cycle of three actions", "2"
        ),
        GameSpec("shapley", shapley_game, "3x3 game on which fictitious play cycles", "2"),
        GameSpec(
            "pure-coordination", pure_coordination, "Choose the same action, any of them", "2"
        ),
        GameSpec("symmetric-2x2", symmetric_2x2, "Any symmetric 2x2 game [[R, S], [T, P]]", "2"),
        GameSpec("public-goods", public_goods, "N players under-contribute to a shared pot", "n"),
        GameSpec(
            "tragedy-of-the-commons",
            tragedy_of_the_commons,
            "N players over-use a shared pasture",
            "n",
        ),
        GameSpec("arms-race", arms_race, "N sides arm because the others do", "n"),
        GameSpec(
            "savani-von-stengel",
            _hard_game,
            "d x d game whose Lemke-Howson paths are all exponentially long",
            "2",
        ),
    ),
    key=lambda spec: spec.name,
)


def make(name: str, **params: Any) -> NormalFormGame:
    """Build a catalog game by name.

    Examples
    --------
    >>> make("prisoners-dilemma").payoff_matrix(0).tolist()
    [[3.0, 0.0], [5.0, 1.0]]
    >>> make("public-goods", n=3).n_actions
    (2, 2, 2)
    """
    return GAMES[name].build(**params)
