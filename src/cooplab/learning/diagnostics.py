"""Diagnostics of a learning run: NashConv, distance to equilibrium, and cycling versus convergence.

All functions take a run's policies as arrays over time, one per player
(``policies[i]`` of shape ``(T, a_i)``, as :meth:`Learner.histories`
returns), and are vectorised over time.

Cycling versus convergence (:func:`classify_run`), defined from the numbers:
over the final window ``W`` (the last ``tail`` share of the steps),

- the *movement* of the last iterate is the largest total-variation distance
  ``max_t max_i TV(x_i(t), mean_W x_i)`` from its own mean over the window;
- the *relative NashConv* of a profile is its NashConv divided by the sum of
  the players' payoff ranges (so it lies in [0, 1] and does not depend on
  the payoff scale);

and the run is

- ``"converged"`` when the movement is at most ``move_tol``: the last iterate
  has settled (``at_equilibrium`` says whether where it settled has relative
  NashConv at most ``nash_tol``);
- ``"cycling"`` when the last iterate keeps moving (movement above
  ``move_tol``) while the time-averaged policy approaches an equilibrium
  (its relative NashConv at the end at most ``nash_tol``);
- ``"not converging"`` when the last iterate keeps moving and the average
  does not approach an equilibrium either (fictitious play in Shapley's
  game).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cooplab.games.normal_form import NormalFormGame
from cooplab.learning.base import FloatArray, check_number

__all__ = [
    "RunDiagnosis",
    "classify_run",
    "equilibrium_distance_path",
    "find_equilibria",
    "nash_conv_path",
    "running_average",
]

CONVERGED = "converged"
CYCLING = "cycling"
NOT_CONVERGING = "not converging"


def _as_path(game: NormalFormGame, policies: Sequence[npt.ArrayLike]) -> list[FloatArray]:
    if isinstance(policies, np.ndarray) or len(policies) != game.n_players:
        raise ValueError(
            f"policies must be a sequence of {game.n_players} arrays, one per player, each of "
            f"shape (T, a_i)"
        )
    out = []
    length = None
    for i, p in enumerate(policies):
        arr = np.asarray(p, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != game.n_actions[i]:
            raise ValueError(
                f"player {i}'s policies must have shape (T, {game.n_actions[i]}); got {arr.shape}"
            )
        if length is not None and arr.shape[0] != length:
            raise ValueError("every player's policies must cover the same number of steps")
        length = arr.shape[0]
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"player {i}'s policies contain NaN or infinite entries")
        out.append(arr)
    if not length:
        raise ValueError("policies must cover at least one step")
    return out


def _deviation_path(payoffs: FloatArray, path: list[FloatArray], i: int) -> FloatArray:
    """``out[t, k] = u_i(k, x_{-i}(t))``, shape (T, a_i): one einsum over the payoff tensor."""
    n = len(path)
    operands: list[object] = [payoffs[i], list(range(n))]
    for j in range(n):
        if j != i:
            operands += [path[j], [n, j]]
    return np.einsum(*operands, [n, i], optimize=True)  # type: ignore[no-any-return]


def nash_conv_path(game: NormalFormGame, policies: Sequence[npt.ArrayLike]) -> FloatArray:
    """NashConv (sum of the players' best-deviation gains) of every profile along a run.

    Parameters
    ----------
    game : NormalFormGame
    policies : n arrays, the i-th of shape (T, a_i)

    Returns
    -------
    array, shape (T,), non-negative

    Examples
    --------
    >>> from cooplab.games import make
    >>> import numpy as np
    >>> g = make("matching-pennies")
    >>> path = [np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([[0.5, 0.5], [1.0, 0.0]])]
    >>> nash_conv_path(g, path).tolist()   # equilibrium, then Column regrets 2
    [0.0, 2.0]
    """
    path = _as_path(game, policies)
    total = np.zeros(path[0].shape[0])
    for i, x in enumerate(path):
        dev = _deviation_path(game.payoffs, path, i)
        # sum_k x(k) (max - dev(k)): a sum of non-negative terms, never below zero.
        total += np.einsum("tk,tk->t", x, dev.max(axis=1, keepdims=True) - dev)
    return total


def running_average(history: npt.ArrayLike) -> FloatArray:
    """The time average up to each step: ``out[t] = mean(history[0..t])``; shape of ``history``."""
    h = np.asarray(history, dtype=np.float64)
    if h.ndim != 2 or h.shape[0] == 0:
        raise ValueError(f"a history has shape (T, a) with T >= 1; got {h.shape}")
    return np.cumsum(h, axis=0) / np.arange(1, h.shape[0] + 1)[:, None]


def find_equilibria(game: NormalFormGame) -> list[tuple[FloatArray, ...]]:
    """Nash equilibria to measure distances to.

    Two players: every extreme equilibrium (vertex enumeration, which also
    handles degenerate games); more: every equilibrium of a small game
    (:func:`cooplab.equilibria.n_player_support_enumeration`).
    """
    from cooplab.equilibria import n_player_support_enumeration, vertex_enumeration

    result = vertex_enumeration(game) if game.n_players == 2 else n_player_support_enumeration(game)
    return [tuple(np.asarray(p, dtype=np.float64) for p in e.profile) for e in result.equilibria]


def equilibrium_distance_path(
    game: NormalFormGame,
    policies: Sequence[npt.ArrayLike],
    equilibria: Sequence[Sequence[npt.ArrayLike]] | None = None,
) -> FloatArray:
    """Distance from each profile of a run to the nearest equilibrium.

    The distance between two profiles is the largest, over players, total
    variation distance between their strategies (half the L1 distance), so
    it lies in [0, 1]. With two players and degenerate games the equilibria
    are the extreme ones, and the distance is to the nearest of them (an
    upper bound on the distance to the equilibrium set).

    Parameters
    ----------
    game : NormalFormGame
    policies : n arrays, the i-th of shape (T, a_i)
    equilibria : sequence of profiles, optional
        Default: :func:`find_equilibria`.

    Returns
    -------
    array, shape (T,)
    """
    path = _as_path(game, policies)
    eqs = find_equilibria(game) if equilibria is None else equilibria
    if len(eqs) == 0:
        raise ValueError("no equilibria to measure a distance to")
    best = np.full(path[0].shape[0], np.inf)
    for eq in eqs:
        prof = game.as_profile(list(eq))
        d = np.max(
            np.stack([0.5 * np.abs(x - e).sum(axis=1) for x, e in zip(path, prof, strict=True)]),
            axis=0,
        )
        best = np.minimum(best, d)
    return best


@dataclass(frozen=True)
class RunDiagnosis:
    """Whether a run's last iterate converged, cycled, or neither (definitions in the module doc).

    Attributes
    ----------
    verdict
        ``"converged"``, ``"cycling"`` or ``"not converging"``.
    movement
        Largest total-variation distance of the last iterate from its mean
        over the final window.
    last_nash_conv
        Mean relative NashConv of the last iterate over the final window.
    average_nash_conv
        Relative NashConv of the time-averaged policies at the end.
    at_equilibrium
        Whether the last iterate's relative NashConv (window mean) is at most ``nash_tol``.
    window
        Steps in the final window.
    move_tol, nash_tol
        The thresholds used.
    """

    verdict: str
    movement: float
    last_nash_conv: float
    average_nash_conv: float
    at_equilibrium: bool
    window: int
    move_tol: float
    nash_tol: float


def classify_run(
    game: NormalFormGame,
    policies: Sequence[npt.ArrayLike],
    *,
    tail: float = 0.25,
    move_tol: float = 0.05,
    nash_tol: float = 0.05,
) -> RunDiagnosis:
    """Tell convergence from cycling from neither, over the final ``tail`` share of a run.

    Parameters
    ----------
    game : NormalFormGame
    policies : n arrays, the i-th of shape (T, a_i)
        The current policies at every step (row 0 the start).
    tail : float in (0, 1]
    move_tol : float in (0, 1)
        Movement (total variation) above which the last iterate "keeps moving".
    nash_tol : float in (0, 1)
        Relative NashConv at or below which a profile counts as an equilibrium.

    Returns
    -------
    RunDiagnosis

    Examples
    --------
    >>> from cooplab.games import make
    >>> from cooplab.learning import GradientAscent
    >>> g = make("matching-pennies")
    >>> run = GradientAscent(g, step=0.01, initial=[[0.8, 0.2], [0.3, 0.7]]).run(20000)
    >>> classify_run(g, run.histories()).verdict
    'cycling'
    """
    tail = check_number("classify_run", "tail", tail, low=0, high=1, low_open=True)
    move_tol = check_number("classify_run", "move_tol", move_tol, low=0, high=1, low_open=True)
    nash_tol = check_number("classify_run", "nash_tol", nash_tol, low=0, high=1, low_open=True)
    path = _as_path(game, policies)
    steps = path[0].shape[0]
    w = max(2, int(np.ceil(tail * steps)))
    w = min(w, steps)
    window = [x[-w:] for x in path]
    movement = max(float((0.5 * np.abs(x - x.mean(axis=0)).sum(axis=1)).max()) for x in window)
    scale = float(np.sum(game.payoff_spread)) or 1.0
    last_nc = float(nash_conv_path(game, window).mean()) / scale
    avg = [x.mean(axis=0)[None, :] for x in path]
    avg_nc = float(nash_conv_path(game, avg)[0]) / scale
    if movement <= move_tol:
        verdict = CONVERGED
    elif avg_nc <= nash_tol:
        verdict = CYCLING
    else:
        verdict = NOT_CONVERGING
    return RunDiagnosis(
        verdict=verdict,
        movement=movement,
        last_nash_conv=last_nc,
        average_nash_conv=avg_nc,
        at_equilibrium=last_nc <= nash_tol,
        window=w,
        move_tol=move_tol,
        nash_tol=nash_tol,
    )
