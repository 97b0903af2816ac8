"""LOLA: learning with opponent-learning awareness, with exact values (Foerster et al. 2018).

Two agents play an iterated 2x2 game (the prisoner's dilemma or matching
pennies) with *memory-one* policies: agent ``i`` has five logits ``theta_i``,
``sigmoid(theta_i)`` being its probability of playing the first action
(cooperate, or heads) at the start and after each outcome of the last round
(CC, CD, DC, DD, its own move written first). The two policies make the
outcomes a Markov chain on four states, so the discounted value has a closed
form (Foerster et al. 2018, section 4.2)::

    p0[s]  = probability the first round ends in outcome s         shape (4,)
    P[s,t] = probability outcome t follows outcome s                shape (4, 4)
    V_i    = sum_t gamma^t E[r_i(s_t)] = p0^T (I - gamma P)^{-1} r_i

The states are ordered ``(CC, CD, DC, DD)`` from the first player's side; the
second player's own parameters for CD and DC are swapped into that order
(what the first player calls CD, "I cooperated, you defected", is DC to the
second). Torch autograd differentiates ``V_i`` through the linear solve.

Learners, all with step size ``lr`` (the paper's delta):

naive
    ``theta_i += lr * grad_{theta_i} V_i``: each follows its own gradient and
    treats the other as fixed.
LOLA (first-order Taylor form, the paper's equation 4.2)
    ``theta_1 += lr * (grad_1 V_1 + eta * (grad_2 V_1)^T grad_1 grad_2 V_2)``:
    agent 1 also accounts for how its parameters change agent 2's next naive
    step ``eta * grad_2 V_2``, ``eta`` being the step size it assumes for the
    other. ``grad_2 V_1`` is held constant, as in the paper (the dropped term
    ``grad_1 grad_2 V_1 . grad_2 V_2`` does not shape the other's learning).
LOLA, exact lookahead
    ``theta_1 += lr * grad_1 V_1(theta_1, theta_2 + eta * grad_2 V_2)``: the
    gradient through the other's whole one-step update (the form LOLA-DiCE
    uses; the Taylor form is its first-order expansion in ``eta``).
LOLA with opponent modelling (LOLA-OM)
    the other's parameters are not read but estimated each step from its play:
    episodes of the current policies are sampled, the other's actions counted
    per state of its own view, and its probabilities set to their (smoothed)
    maximum-likelihood estimates.

Defaults are those of the authors' exact-value code (``lola/train_exact.py``
and ``scripts/run_lola.py`` in github.com/alshedivat/lola): ``lr = 1`` and
``eta = 1`` on the *undiscounted-sum* value ``V_i`` (not the per-step
average), logits drawn from a standard normal, discount 0.96 in the
prisoner's dilemma and 0.9 in matching pennies, 200 updates a run. Payoffs
are the paper's: (-1, -3, 0, -2) for (CC, CD, DC, DD) in the prisoner's
dilemma, +-1 in matching pennies (the first player wants to match).

Everything is batched over a leading *runs* dimension (independent seeds), so
ten or a hundred runs cost little more than one. Random draws (initial
parameters, sampled play) come from a ``numpy.random.Generator``; torch's
global random state is never touched.

torch is imported lazily (the ``learn`` extra: ``pip install 'cooplab[learn]'``),
so ``cooplab.learning`` imports without it.

References
----------
Foerster, Chen, Al-Shedivat, Whiteson, Abbeel & Mordatch (2018), "Learning with
Opponent-Learning Awareness", AAMAS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from cooplab.learning.base import LearnerDivergedError, check_number
from cooplab.runtime.rng import RngLike, as_generator

if TYPE_CHECKING:
    pass

__all__ = [
    "GAMES",
    "LEARNER_KINDS",
    "STATE_NAMES",
    "IteratedGame",
    "MemoryOneLOLA",
    "exact_gradients",
    "iterated_game",
    "lola_directions",
    "memory_one_values",
    "opponent_model_logits",
    "parse_pair",
    "require_torch",
    "sample_play",
    "simulated_values",
    "transition_matrix",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: The five parameters of a memory-one policy, in order (own move first).
STATE_NAMES = ("start", "CC", "CD", "DC", "DD")
#: Learner kinds: ``naive`` follows its own gradient, ``lola`` shapes the other's step.
LEARNER_KINDS = ("naive", "lola")
#: Reorders a player's own-view parameters into the first player's view (and back).
_SWAP = (0, 1, 3, 2, 4)

INSTALL_HINT = "pip install 'cooplab[learn]'"


def require_torch() -> Any:
    """Import torch, or raise ``ImportError`` naming the install command."""
    try:
        import torch
    except ImportError:  # pragma: no cover - exercised only without torch
        raise ImportError(
            f"LOLA needs torch, which is not installed; install it with: {INSTALL_HINT}"
        ) from None
    return torch


@dataclass(frozen=True)
class IteratedGame:
    """An iterated 2x2 game for memory-one learners.

    Attributes
    ----------
    name
        Short name (``"ipd"``, ``"imp"``).
    title
        Human name.
    rewards
        ``(r_1, r_2)``, each the payoffs of the four outcomes ``(CC, CD, DC,
        DD)`` written from the first player's side (its move first).
    gamma
        The default discount factor.
    actions
        Names of the two actions; probabilities are of the first.
    """

    name: str
    title: str
    rewards: tuple[tuple[float, float, float, float], tuple[float, float, float, float]]
    gamma: float
    actions: tuple[str, str]


#: The paper's two games. IPD payoffs (-1, -3, 0, -2) and discount 0.96, IMP +-1 and
#: discount 0.9 (Foerster et al. 2018, section 4; the discounts are the defaults of
#: the authors' scripts/run_lola.py).
GAMES: dict[str, IteratedGame] = {
    "ipd": IteratedGame(
        "ipd",
        "iterated prisoner's dilemma",
        ((-1.0, -3.0, 0.0, -2.0), (-1.0, 0.0, -3.0, -2.0)),
        0.96,
        ("C", "D"),
    ),
    "imp": IteratedGame(
        "imp",
        "iterated matching pennies",
        ((1.0, -1.0, -1.0, 1.0), (-1.0, 1.0, 1.0, -1.0)),
        0.9,
        ("H", "T"),
    ),
}


def iterated_game(game: str | IteratedGame) -> IteratedGame:
    """The :class:`IteratedGame` called ``game`` (``"ipd"`` or ``"imp"``), or ``game`` itself."""
    if isinstance(game, IteratedGame):
        return game
    if not isinstance(game, str):
        raise TypeError(f"game must be 'ipd', 'imp' or an IteratedGame; got {type(game).__name__}")
    key = game.lower()
    if key not in GAMES:
        raise ValueError(f"unknown iterated game {game!r}; expected one of {sorted(GAMES)}")
    return GAMES[key]


def _gamma(game: IteratedGame, gamma: float | None, who: str = "LOLA") -> float:
    if gamma is None:
        return game.gamma
    return check_number(who, "gamma", gamma, low=0.0, high=1.0, high_open=True)


def parse_pair(pair: str | Sequence[str]) -> tuple[str, str]:
    """``"lola-naive"`` or ``("lola", "naive")`` as a checked pair of learner kinds."""
    if isinstance(pair, str):
        parts = tuple(pair.lower().split("-"))
    elif isinstance(pair, Sequence):
        parts = tuple(str(p).lower() for p in pair)
    else:
        raise TypeError(f"learners must be a string like 'lola-naive' or a pair; got {pair!r}")
    if len(parts) != 2 or any(p not in LEARNER_KINDS for p in parts):
        raise ValueError(
            f"learners must name two of {LEARNER_KINDS}, like 'lola-naive'; got {pair!r}"
        )
    return parts[0], parts[1]


# ---------------------------------------------------------------------------
# The Markov chain and its value
# ---------------------------------------------------------------------------
def _as_tensor(x: Any, torch: Any, dtype: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return x
    arr = np.asarray(x, dtype=float)
    return torch.as_tensor(arr, dtype=dtype)


def _check_params(name: str, x: Any) -> None:
    shape = tuple(x.shape)
    if len(shape) == 0 or shape[-1] != 5:
        raise ValueError(
            f"{name} must have shape (..., 5) (start, CC, CD, DC, DD); got shape {shape}"
        )


def transition_matrix(probs1: Any, probs2: Any) -> tuple[Any, Any]:
    """The Markov chain of two memory-one policies.

    Parameters
    ----------
    probs1, probs2 : array or tensor, shape (..., 5)
        Each player's probabilities of its first action at the start and after
        CC, CD, DC, DD, in its *own* view (own move first).

    Returns
    -------
    p0 : shape (..., 4)
        Distribution of the first round's outcome, states ``(CC, CD, DC, DD)``
        from the first player's side.
    P : shape (..., 4, 4)
        ``P[..., s, t]``: probability that outcome ``t`` follows ``s``.

    Torch tensors in, torch tensors out (differentiable); arrays in, arrays out.
    """
    is_np = not _is_tensor(probs1) and not _is_tensor(probs2)
    if is_np:
        a = np.asarray(probs1, dtype=float)
        b = np.asarray(probs2, dtype=float)
        _check_params("probs1", a)
        _check_params("probs2", b)
        if np.any((a < 0) | (a > 1)) or np.any((b < 0) | (b > 1)):
            raise ValueError("probabilities must lie in [0, 1]")
        b = b[..., list(_SWAP)]
        a, b = np.broadcast_arrays(a, b)
        joint = np.stack([a * b, a * (1 - b), (1 - a) * b, (1 - a) * (1 - b)], axis=-1)
        return joint[..., 0, :], joint[..., 1:, :]
    torch = require_torch()
    a = _as_tensor(probs1, torch, torch.float64)
    b = _as_tensor(probs2, torch, a.dtype)
    _check_params("probs1", a)
    _check_params("probs2", b)
    b = b[..., list(_SWAP)]
    a, b = torch.broadcast_tensors(a, b)
    joint = torch.stack([a * b, a * (1 - b), (1 - a) * b, (1 - a) * (1 - b)], dim=-1)
    return joint[..., 0, :], joint[..., 1:, :]


def _is_tensor(x: Any) -> bool:
    return type(x).__module__.startswith("torch")


def _values_from_logits(theta1: Any, theta2: Any, r: Any, gamma: float) -> Any:
    """``V`` of shape (..., 2): both players' discounted values, one linear solve.

    ``x = (I - gamma P)^{-T} p0`` is the discounted occupancy of the four
    outcomes; ``V_i = x . r_i``.
    """
    torch = require_torch()
    p0, P = transition_matrix(torch.sigmoid(theta1), torch.sigmoid(theta2))
    eye = torch.eye(4, dtype=P.dtype, device=P.device)
    occupancy = torch.linalg.solve((eye - gamma * P).transpose(-1, -2), p0.unsqueeze(-1))
    return occupancy.squeeze(-1) @ r.transpose(0, 1)


def memory_one_values(
    theta1: Any,
    theta2: Any,
    game: str | IteratedGame = "ipd",
    *,
    gamma: float | None = None,
    logits: bool = True,
    per_step: bool = False,
) -> Any:
    """Both players' exact discounted values ``V = p0^T (I - gamma P)^{-1} r``.

    Parameters
    ----------
    theta1, theta2 : array or tensor, shape (..., 5)
        The players' memory-one policies (logits, or probabilities with
        ``logits=False``), each in its own view: start, CC, CD, DC, DD.
    game
        ``"ipd"``, ``"imp"`` or an :class:`IteratedGame`.
    gamma
        Discount factor in [0, 1); the game's default when ``None``.
    per_step
        Return ``(1 - gamma) V``, the discounted average reward per round
        (mutual cooperation in the prisoner's dilemma: -1).

    Returns
    -------
    values : shape (..., 2)
        ``values[..., i]`` is player ``i``'s value. Torch in, torch out
        (differentiable); arrays in, a numpy array out.

    Examples
    --------
    >>> import numpy as np
    >>> always_cooperate = np.full(5, 50.0)   # logits: cooperate with probability ~1
    >>> v = memory_one_values(always_cooperate, always_cooperate, "ipd")  # doctest: +SKIP
    >>> np.round(v, 6)  # -1 / (1 - 0.96) each                            # doctest: +SKIP
    array([-25., -25.])
    """
    torch = require_torch()
    g = iterated_game(game)
    gm = _gamma(g, gamma)
    as_numpy = not _is_tensor(theta1) and not _is_tensor(theta2)
    t1 = _as_tensor(theta1, torch, torch.float64)
    t2 = _as_tensor(theta2, torch, t1.dtype)
    _check_params("theta1", t1)
    _check_params("theta2", t2)
    if not logits:
        if bool(((t1 < 0) | (t1 > 1)).any()) or bool(((t2 < 0) | (t2 > 1)).any()):
            raise ValueError("probabilities must lie in [0, 1] (pass logits=True for logits)")
        t1 = torch.logit(t1.clamp(0.0, 1.0))
        t2 = torch.logit(t2.clamp(0.0, 1.0))
    r = torch.as_tensor(np.asarray(g.rewards), dtype=t1.dtype)
    v = _values_from_logits(t1, t2, r, gm)
    if per_step:
        v = v * (1 - gm)
    return v.detach().cpu().numpy() if as_numpy else v


# ---------------------------------------------------------------------------
# Sampled play (Monte Carlo check, opponent modelling, DiCE)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Play:
    """Sampled episodes of two memory-one policies.

    Attributes
    ----------
    states : int array, shape (..., episodes, length)
        The state each round was played in, from the first player's side:
        0 the start, 1..4 after CC, CD, DC, DD.
    actions : int array, shape (..., episodes, length, 2)
        Both players' actions (0 the first action, cooperate or heads).
    rewards : float array, shape (..., episodes, length, 2)
        Both players' payoffs each round.
    """

    states: IntArray
    actions: IntArray
    rewards: FloatArray

    def own_states(self, player: int) -> IntArray:
        """The states in ``player``'s own view (indices into its five parameters)."""
        return self.states if player == 0 else np.asarray(_SWAP)[self.states]


def sample_play(
    probs1: npt.ArrayLike,
    probs2: npt.ArrayLike,
    game: str | IteratedGame = "ipd",
    *,
    episodes: int,
    length: int,
    rng: RngLike = None,
) -> Play:
    """Sample ``episodes`` episodes of ``length`` rounds of two memory-one policies.

    Parameters
    ----------
    probs1, probs2 : shape (..., 5)
        Probabilities of the first action (own view: start, CC, CD, DC, DD);
        leading dimensions (runs) broadcast.
    episodes, length
        Episodes per run and rounds per episode.
    rng
        Seed or generator.

    Returns
    -------
    Play
        States, actions and rewards, shapes ``(..., episodes, length[, 2])``.
    """
    g = iterated_game(game)
    episodes = check_number("sample_play", "episodes", episodes, low=1, integer=True)
    length = check_number("sample_play", "length", length, low=1, integer=True)
    a = np.asarray(probs1, dtype=float)
    b = np.asarray(probs2, dtype=float)
    _check_params("probs1", a)
    _check_params("probs2", b)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("probabilities must be finite")
    if np.any((a < 0) | (a > 1)) or np.any((b < 0) | (b > 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    a, b = np.broadcast_arrays(a, b)
    gen = as_generator(rng)
    batch = a.shape[:-1]
    shape = (*batch, int(episodes))
    b_first = b[..., list(_SWAP)]  # player 2's probabilities indexed by player 1's states
    rewards_table = np.asarray(g.rewards, dtype=float).T  # (4, 2)
    states = np.empty((*shape, int(length)), dtype=np.int64)
    actions = np.empty((*shape, int(length), 2), dtype=np.int64)
    s = np.zeros(shape, dtype=np.int64)
    a_e = np.broadcast_to(a[..., None, :], (*shape, 5))
    b_e = np.broadcast_to(b_first[..., None, :], (*shape, 5))
    for t in range(int(length)):
        states[..., t] = s
        u = gen.random((*shape, 2))
        p1 = np.take_along_axis(a_e, s[..., None], axis=-1)[..., 0]
        p2 = np.take_along_axis(b_e, s[..., None], axis=-1)[..., 0]
        x1 = (u[..., 0] >= p1).astype(np.int64)
        x2 = (u[..., 1] >= p2).astype(np.int64)
        actions[..., t, 0] = x1
        actions[..., t, 1] = x2
        s = 1 + 2 * x1 + x2
    outcome = 2 * actions[..., 0] + actions[..., 1]
    rewards = rewards_table[outcome]
    return Play(states=states, actions=actions, rewards=rewards)


def simulated_values(
    probs1: npt.ArrayLike,
    probs2: npt.ArrayLike,
    game: str | IteratedGame = "ipd",
    *,
    gamma: float | None = None,
    episodes: int = 2000,
    length: int | None = None,
    rng: RngLike = None,
) -> tuple[FloatArray, FloatArray]:
    """Monte Carlo estimate of both players' discounted values, and its standard error.

    Rounds beyond ``length`` are dropped; by default ``length`` makes the
    dropped tail ``gamma^length`` below 1e-6 of the total.

    Returns
    -------
    mean, stderr : shape (..., 2)
        The mean discounted return over the episodes and its standard error.
    """
    g = iterated_game(game)
    gm = _gamma(g, gamma, "simulated_values")
    if length is None:
        length = 1 if gm == 0 else max(1, int(np.ceil(np.log(1e-6) / np.log(gm))))
    play = sample_play(probs1, probs2, g, episodes=episodes, length=length, rng=rng)
    disc = gm ** np.arange(int(length))
    returns = np.einsum("...tk,t->...k", play.rewards, disc)  # (..., episodes, 2)
    n = returns.shape[-2]
    mean = returns.mean(axis=-2)
    stderr = returns.std(axis=-2, ddof=1) / np.sqrt(n) if n > 1 else np.full_like(mean, np.inf)
    return mean, stderr


def opponent_model_logits(play: Play, player: int, *, prior: float = 0.5) -> FloatArray:
    """Estimate ``player``'s memory-one logits from its observed play.

    For each of the five states of the player's own view, the probability of
    its first action is the maximum-likelihood frequency with ``prior``
    pseudo-counts on each action (a Beta(prior, prior) MAP-like smoothing, so
    a state never visited stays at 1/2 and every logit is finite), as in the
    LOLA-OM agent of Foerster et al. (2018), which fits the other's policy by
    maximum likelihood on its observed actions.

    Parameters
    ----------
    play
        Sampled episodes, leading shape ``(..., episodes, length)``.
    player
        0 or 1.
    prior
        Pseudo-count per action, > 0.

    Returns
    -------
    logits : shape (..., 5)
    """
    if player not in (0, 1):
        raise ValueError(f"player must be 0 or 1; got {player!r}")
    prior = check_number("opponent model", "prior", prior, low=0.0, low_open=True)
    s = play.own_states(player)
    first = play.actions[..., player] == 0
    batch = s.shape[:-2]
    flat_s = s.reshape(*batch, -1)
    flat_c = first.reshape(*batch, -1)
    onehot = flat_s[..., None] == np.arange(5)  # (..., n, 5)
    visits = onehot.sum(axis=-2).astype(float)
    coop = (onehot & flat_c[..., None]).sum(axis=-2).astype(float)
    p = (coop + prior) / (visits + 2 * prior)
    return np.log(p) - np.log1p(-p)


# ---------------------------------------------------------------------------
# Gradients and LOLA directions
# ---------------------------------------------------------------------------
def _rewards_tensor(game: IteratedGame, like: Any) -> Any:
    torch = require_torch()
    return torch.as_tensor(np.asarray(game.rewards), dtype=like.dtype, device=like.device)


def exact_gradients(
    theta1: Any, theta2: Any, game: str | IteratedGame = "ipd", *, gamma: float | None = None
) -> tuple[Any, Any]:
    """Each player's naive gradient ``(grad_{theta_1} V_1, grad_{theta_2} V_2)``, shapes (..., 5).

    Arrays in, arrays out; tensors in, (detached) tensors out.
    """
    torch = require_torch()
    g = iterated_game(game)
    gm = _gamma(g, gamma)
    as_numpy = not _is_tensor(theta1) and not _is_tensor(theta2)
    t1 = _as_tensor(theta1, torch, torch.float64).detach().requires_grad_(True)
    t2 = _as_tensor(theta2, torch, t1.dtype).detach().requires_grad_(True)
    _check_params("theta1", t1)
    _check_params("theta2", t2)
    v = _values_from_logits(t1, t2, _rewards_tensor(g, t1), gm)
    (g1,) = torch.autograd.grad(v[..., 0].sum(), t1, retain_graph=True)
    (g2,) = torch.autograd.grad(v[..., 1].sum(), t2)
    if as_numpy:
        return g1.numpy(), g2.numpy()
    return g1, g2


def lola_directions(
    theta1: Any,
    theta2: Any,
    game: str | IteratedGame = "ipd",
    *,
    eta: tuple[Any, Any] | float = 1.0,
    gamma: float | None = None,
    correction: str = "taylor",
) -> tuple[Any, Any]:
    """Both players' update directions (multiply by the step size ``lr`` to step).

    Parameters
    ----------
    theta1, theta2 : tensor or array, shape (runs, 5) or (5,)
        Logits, own view.
    eta
        The other's step size each player assumes: one number for both, or a
        pair, each a number or a tensor of shape (runs,). ``0`` makes a player
        naive.
    correction
        ``"taylor"`` (the paper's first-order form) or ``"lookahead"`` (the
        gradient through the other's whole naive step).

    Returns
    -------
    d1, d2 : shape like ``theta1`` and ``theta2``
        ``d_i = grad_i V_i + eta_i * correction_i``.
    """
    torch = require_torch()
    g = iterated_game(game)
    gm = _gamma(g, gamma)
    if correction not in ("taylor", "lookahead"):
        raise ValueError(f"correction must be 'taylor' or 'lookahead'; got {correction!r}")
    as_numpy = not _is_tensor(theta1) and not _is_tensor(theta2)
    t1 = _as_tensor(theta1, torch, torch.float64).detach().requires_grad_(True)
    t2 = _as_tensor(theta2, torch, t1.dtype).detach().requires_grad_(True)
    _check_params("theta1", t1)
    _check_params("theta2", t2)
    eta1, eta2 = (eta, eta) if not isinstance(eta, tuple) else eta
    e1 = _eta_tensor(eta1, t1)
    e2 = _eta_tensor(eta2, t2)
    d1, d2 = _directions(t1, t2, _rewards_tensor(g, t1), gm, e1, e2, correction)
    if as_numpy:
        return d1.numpy(), d2.numpy()
    return d1, d2


def _eta_tensor(eta: Any, like: Any) -> Any:
    torch = require_torch()
    e = torch.as_tensor(eta, dtype=like.dtype)
    if e.ndim == 0:
        return e
    return e.reshape(*e.shape, 1)  # broadcast over the five parameters


def _directions(
    t1: Any, t2: Any, r: Any, gamma: float, e1: Any, e2: Any, correction: str
) -> tuple[Any, Any]:
    """The update directions, from leaf tensors ``t1``, ``t2`` that require grad."""
    torch = require_torch()
    lola1 = bool((e1 != 0).any())
    lola2 = bool((e2 != 0).any())
    need = lola1 or lola2
    v = _values_from_logits(t1, t2, r, gamma)
    v1, v2 = v[..., 0].sum(), v[..., 1].sum()
    g11, g12 = torch.autograd.grad(v1, (t1, t2), create_graph=need, retain_graph=True)
    g21, g22 = torch.autograd.grad(v2, (t1, t2), create_graph=need, retain_graph=need)
    if not need:
        return g11, g22
    if correction == "taylor":
        # grad_1 [ (grad_2 V_1)|_const . grad_2 V_2 ] = (grad_1 grad_2 V_2) grad_2 V_1
        d1, d2 = g11.detach(), g22.detach()
        if lola1:
            (c1,) = torch.autograd.grad((g12.detach() * g22).sum(), t1, retain_graph=True)
            d1 = d1 + e1 * c1
        if lola2:
            (c2,) = torch.autograd.grad((g21.detach() * g11).sum(), t2, retain_graph=False)
            d2 = d2 + e2 * c2
        return d1, d2
    # lookahead: differentiate V_i at the other's updated parameters
    d1, d2 = g11.detach(), g22.detach()
    if lola1:
        ahead2 = t2 + e1 * g22  # the step player 1 assumes player 2 takes
        va = _values_from_logits(t1, ahead2, r, gamma)
        (d1,) = torch.autograd.grad(va[..., 0].sum(), t1, retain_graph=True)
    if lola2:
        ahead1 = t1 + e2 * g11
        vb = _values_from_logits(ahead1, t2, r, gamma)
        (d2,) = torch.autograd.grad(vb[..., 1].sum(), t2)
    return d1, d2


# ---------------------------------------------------------------------------
# The learner pair
# ---------------------------------------------------------------------------
class MemoryOneLOLA:
    """Two memory-one learners (naive or LOLA) in an iterated 2x2 game, exact values.

    Each instance is one pairing (``"lola-lola"``, ``"naive-naive"``,
    ``"lola-naive"``...) run over ``runs`` independent seeds at once: the
    parameters have shape ``(runs, 2, 5)``.

    Parameters
    ----------
    game
        ``"ipd"`` (prisoner's dilemma), ``"imp"`` (matching pennies) or an
        :class:`IteratedGame`.
    learners
        ``"lola-naive"`` or ``("lola", "naive")``: the first and second
        player's kinds.
    runs
        Independent runs (seeds), batched.
    lr
        Step size ``delta`` of both players, > 0. Default 1 (the paper's exact
        setting, on the undiscounted-sum value).
    eta
        Step size a LOLA player assumes for the other's naive update, > 0.
        Default 1 (the authors' ``lr_correction``).
    gamma
        Discount in [0, 1); the game's default (0.96 IPD, 0.9 IMP) when ``None``.
    correction
        ``"taylor"`` (the paper's first-order LOLA) or ``"lookahead"`` (exact
        differentiation through the other's step).
    opponent_model
        Whether each player estimates the other's parameters from sampled play
        (LOLA-OM) instead of reading them: one bool for both or a pair.
    om_episodes, om_length
        Episodes and rounds sampled each step for the opponent model.
    init_std
        Initial logits are ``N(0, init_std^2)`` (the paper: 1).
    initial
        Initial logits instead, shape ``(2, 5)`` or ``(runs, 2, 5)``.
    rng
        Seed or generator for the initial logits and the sampled play.

    Examples
    --------
    >>> pair = MemoryOneLOLA("ipd", "lola-lola", runs=4, rng=0)  # doctest: +SKIP
    >>> pair.run(200).reward_per_step.shape                        # doctest: +SKIP
    (4, 2)
    """

    def __init__(
        self,
        game: str | IteratedGame = "ipd",
        learners: str | Sequence[str] = "lola-lola",
        *,
        runs: int = 1,
        lr: float = 1.0,
        eta: float = 1.0,
        gamma: float | None = None,
        correction: str = "taylor",
        opponent_model: bool | tuple[bool, bool] = False,
        om_episodes: int = 64,
        om_length: int = 50,
        init_std: float = 1.0,
        initial: npt.ArrayLike | None = None,
        rng: RngLike = None,
    ) -> None:
        torch = require_torch()
        self._torch = torch
        self._game = iterated_game(game)
        self._kinds = parse_pair(learners)
        name = self.name
        self._runs = int(check_number(name, "runs", runs, low=1, integer=True))
        self._lr = check_number(name, "lr", lr, low=0.0, low_open=True)
        self._eta = check_number(name, "eta", eta, low=0.0, low_open=True)
        self._gamma = _gamma(self._game, gamma, name)
        if correction not in ("taylor", "lookahead"):
            raise ValueError(
                f"{name}: correction must be 'taylor' or 'lookahead'; got {correction!r}"
            )
        self._correction = correction
        om = (
            (opponent_model, opponent_model) if isinstance(opponent_model, bool) else opponent_model
        )
        if (
            not isinstance(om, tuple | list)
            or len(om) != 2
            or not all(isinstance(x, bool | np.bool_) for x in om)
        ):
            raise TypeError(
                f"{name}: opponent_model must be a bool or a pair of bools; got {opponent_model!r}"
            )
        self._om = (bool(om[0]), bool(om[1]))
        self._om_episodes = int(check_number(name, "om_episodes", om_episodes, low=1, integer=True))
        self._om_length = int(check_number(name, "om_length", om_length, low=1, integer=True))
        init_std = check_number(name, "init_std", init_std, low=0.0)
        self._rng = as_generator(rng)
        if initial is None:
            theta = self._rng.normal(0.0, init_std, size=(self._runs, 2, 5))
        else:
            theta = np.asarray(initial, dtype=float)
            if theta.shape == (2, 5):
                theta = np.broadcast_to(theta, (self._runs, 2, 5)).copy()
            if theta.shape != (self._runs, 2, 5):
                raise ValueError(
                    f"{name}: initial logits must have shape (2, 5) or ({self._runs}, 2, 5); "
                    f"got {np.shape(initial)}"
                )
            if not np.all(np.isfinite(theta)):
                raise ValueError(f"{name}: initial logits must be finite")
        self._theta = torch.as_tensor(theta, dtype=torch.float64).clone()
        self._r = torch.as_tensor(np.asarray(self._game.rewards), dtype=torch.float64)
        etas = [self._eta if k == "lola" else 0.0 for k in self._kinds]
        self._e = (
            torch.tensor(etas[0], dtype=torch.float64),
            torch.tensor(etas[1], dtype=torch.float64),
        )
        self._t = 0
        self._values: list[FloatArray] = [self._current_values()]
        self._probs: list[FloatArray] = [self.policies]
        self._modelled: list[FloatArray] = []

    # -- the loop -----------------------------------------------------------
    @property
    def name(self) -> str:
        """``"lola-naive"`` etc., with ``-om`` for a player that models the other."""
        kinds = list(self._kinds)
        om = getattr(self, "_om", (False, False))
        return "-".join(k + ("-om" if m else "") for k, m in zip(kinds, om, strict=True))

    def _current_values(self) -> FloatArray:
        with self._torch.no_grad():
            v = _values_from_logits(self._theta[:, 0], self._theta[:, 1], self._r, self._gamma)
        return (v * (1 - self._gamma)).numpy()

    def step(self) -> None:
        """Both players update at once (simultaneous gradient steps)."""
        torch = self._torch
        theta = self._theta
        t1, t2 = theta[:, 0], theta[:, 1]
        if any(self._om):
            play = sample_play(
                torch.sigmoid(t1).numpy(),
                torch.sigmoid(t2).numpy(),
                self._game,
                episodes=self._om_episodes,
                length=self._om_length,
                rng=self._rng,
            )
            est2 = torch.as_tensor(opponent_model_logits(play, 1)) if self._om[0] else t2
            est1 = torch.as_tensor(opponent_model_logits(play, 0)) if self._om[1] else t1
            self._modelled.append(np.stack([est2.numpy(), est1.numpy()], axis=1))
            d1, _ = self._dirs(t1, est2)
            _, d2 = self._dirs(est1, t2)
        else:
            d1, d2 = self._dirs(t1, t2)
        new = theta + self._lr * torch.stack([d1, d2], dim=1)
        self._t += 1
        if not bool(torch.isfinite(new).all()):
            bad = sorted({int(i) for i in torch.nonzero(~torch.isfinite(new))[:, 0]})
            raise LearnerDivergedError(
                f"{self.name} diverged at step {self._t}: non-finite logits in runs {bad[:10]} "
                f"(lower lr={self._lr:g} or eta={self._eta:g})"
            )
        self._theta = new
        self._values.append(self._current_values())
        self._probs.append(self.policies)

    def _dirs(self, t1: Any, t2: Any) -> tuple[Any, Any]:
        a = t1.detach().clone().requires_grad_(True)
        b = t2.detach().clone().requires_grad_(True)
        d1, d2 = _directions(a, b, self._r, self._gamma, self._e[0], self._e[1], self._correction)
        return d1.detach(), d2.detach()

    def run(self, steps: int) -> MemoryOneLOLA:
        """Take ``steps`` steps; returns the pair, so calls chain."""
        steps = check_number(self.name, "steps", steps, low=0, integer=True)
        for _ in range(int(steps)):
            self.step()
        return self

    # -- read-only views ----------------------------------------------------
    @property
    def game(self) -> IteratedGame:
        return self._game

    @property
    def learners(self) -> tuple[str, str]:
        """The two players' kinds, ``("lola", "naive")`` etc."""
        return self._kinds

    @property
    def gamma(self) -> float:
        return self._gamma

    @property
    def runs(self) -> int:
        return self._runs

    @property
    def steps_taken(self) -> int:
        return self._t

    @property
    def parameters(self) -> FloatArray:
        """Current logits, shape ``(runs, 2, 5)`` (a copy), each player in its own view."""
        return self._theta.numpy().copy()

    @property
    def policies(self) -> FloatArray:
        """Current probabilities of the first action, shape ``(runs, 2, 5)``: start, CC, CD, DC, DD."""
        return self._torch.sigmoid(self._theta).numpy().copy()

    @property
    def reward_per_step(self) -> FloatArray:
        """Current discounted average reward per round ``(1 - gamma) V``, shape ``(runs, 2)``."""
        return self._values[-1].copy()

    def value_history(self) -> FloatArray:
        """``(1 - gamma) V`` after every step, shape ``(steps + 1, runs, 2)``, row 0 the start."""
        out = np.stack(self._values)
        out.setflags(write=False)
        return out

    def policy_history(self) -> FloatArray:
        """Probabilities after every step, shape ``(steps + 1, runs, 2, 5)``."""
        out = np.stack(self._probs)
        out.setflags(write=False)
        return out

    def modelled_history(self) -> FloatArray:
        """With opponent modelling: the logits each player estimated for the other, per step.

        Shape ``(steps, runs, 2, 5)``; entry ``[:, :, i]`` is player ``i``'s
        estimate of the other (the true logits where ``i`` does not model).
        """
        if not any(self._om):
            raise ValueError(f"{self.name} does not model its opponent (opponent_model=False)")
        out = np.stack(self._modelled) if self._modelled else np.empty((0, self._runs, 2, 5))
        out.setflags(write=False)
        return out

    def __repr__(self) -> str:
        return (
            f"MemoryOneLOLA({self._game.name!r}, {self.name!r}, runs={self._runs}, steps={self._t})"
        )
