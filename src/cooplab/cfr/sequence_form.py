"""Exact solution of two-player zero-sum extensive games by the sequence-form LP.

A player's strategy is written as a realization plan ``x`` over its
sequences (the empty sequence and one per information set and action):
``x_empty = 1`` and, at every information set ``I``,
``sum_a x_{I,a} = x_{parent(I)}`` (``E x = e``). The payoff is bilinear,
``x^T A y`` with ``A[s, t] = sum`` over the leaves reached by sequences ``s``
and ``t`` of chance probability times player 0's payoff. Player 0 solves

    max_{x, q}  q_empty   s.t.  F^T q <= A^T x,  E x = e,  x >= 0

(the dual of player 1's best response inside), and player 1 the same
problem on ``-A^T``; both are sparse LPs for SciPy's HiGHS. The realization
plans become behaviour strategies, ``sigma(I, a) = x_{I,a} / x_{parent(I)}``
(uniform where the set is never reached).

References
----------
Koller, D., Megiddo, N. & von Stengel, B. (1996). Efficient computation of
equilibria for extensive two-person games. Games and Economic Behavior 14,
247-259.
von Stengel, B. (1996). Efficient computation of behavior strategies. Games
and Economic Behavior 14, 220-246.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linprog

from cooplab.cfr._plan import plan_for
from cooplab.cfr.policy import TabularPolicy
from cooplab.games.extensive import ExtensiveGame

__all__ = ["solve_sequence_form"]

#: Largest number of sequences per player accepted (the LP is dense-ish beyond that).
MAX_SEQUENCES = 200_000


def _leaf_sequences(game: ExtensiveGame) -> npt.NDArray[np.int64]:
    """Each player's last own move (flat slot, -1 for none) above every node, shape (2, num_nodes)."""
    plan = plan_for(game)
    a = game.max_actions
    seq = np.full((game.num_players, game.num_nodes), -1, dtype=np.int64)
    for lo, hi, par, row, _, _ in plan.levels:
        seq[:, lo:hi] = seq[:, par]
        dec = row < game.num_players
        c = np.arange(lo, hi)[dec]
        seq[row[dec], c] = game.infoset[par[dec]] * a + game.action[c]
    return seq


def _realization_lp(
    game: ExtensiveGame,
    me: int,
    payoff: sp.csr_matrix,
    slot_to_seq: list[npt.NDArray[np.int64]],
    counts: list[int],
) -> tuple[float, npt.NDArray[np.float64]]:
    """Solve the maximiser ``me``'s LP; ``payoff`` is (my sequences x other's sequences)."""
    other = 1 - me
    a = game.max_actions

    def constraint_matrix(p: int) -> sp.csr_matrix:
        sets = np.flatnonzero(game.infoset_player == p)
        rows = [0]
        cols = [0]
        vals = [1.0]
        for r, s in enumerate(sets, start=1):
            par = int(game.infoset_parent_sequence[s])
            rows.append(r)
            cols.append(0 if par < 0 else int(slot_to_seq[p][par]))
            vals.append(-1.0)
            for k in range(int(game.infoset_num_actions[s])):
                rows.append(r)
                cols.append(int(slot_to_seq[p][s * a + k]))
                vals.append(1.0)
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(sets) + 1, counts[p]))

    e_mat = constraint_matrix(me)
    f_mat = constraint_matrix(other)
    nx, nq = counts[me], f_mat.shape[0]
    c = np.zeros(nx + nq)
    c[nx] = -1.0  # maximise q_empty
    a_ub = sp.hstack([-payoff.T, f_mat.T]).tocsr()
    a_eq = sp.hstack([e_mat, sp.csr_matrix((e_mat.shape[0], nq))]).tocsr()
    b_eq = np.zeros(e_mat.shape[0])
    b_eq[0] = 1.0
    bounds = [(0.0, None)] * nx + [(None, None)] * nq
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(a_ub.shape[0]),
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(f"the sequence-form LP of {game.name!r} failed: {res.message}")
    return float(-res.fun), np.asarray(res.x[:nx])


def solve_sequence_form(game: ExtensiveGame) -> tuple[float, TabularPolicy]:
    """An exact equilibrium of a two-player zero-sum (or constant-sum) game of perfect recall.

    Parameters
    ----------
    game : ExtensiveGame

    Returns
    -------
    value : float
        Player 0's equilibrium value.
    policy : TabularPolicy
        Both players' equilibrium behaviour strategies.

    Raises
    ------
    ValueError
        Not two players, not constant-sum, not perfect recall, or too many sequences.

    Examples
    --------
    >>> from cooplab.games.poker import kuhn_poker
    >>> value, policy = solve_sequence_form(kuhn_poker())
    >>> round(value, 6)  # Kuhn 1950: -1/18
    -0.055556
    """
    if not isinstance(game, ExtensiveGame):
        raise TypeError(f"solve_sequence_form needs an ExtensiveGame; got {type(game).__name__}")
    if game.num_players != 2:
        raise ValueError(
            f"the sequence-form LP is for two players; {game.name!r} has {game.num_players}"
        )
    total = game.utility.sum(axis=1)
    if total.size and np.ptp(total) > 1e-9 * max(1.0, float(np.abs(game.utility).max())):
        raise ValueError(
            f"{game.name!r} is not zero-sum (payoff sums range over [{total.min()}, {total.max()}]); "
            "the sequence-form LP here solves zero-sum games only"
        )
    if not game.perfect_recall:
        raise ValueError(f"the sequence-form LP needs perfect recall, which {game.name!r} lacks")
    a = game.max_actions
    slot_to_seq: list[npt.NDArray[np.int64]] = []
    counts: list[int] = []
    for p in range(2):
        legal = game.legal_mask & (game.infoset_player == p)[:, None]
        m = np.full(game.num_infosets * a, -1, dtype=np.int64)
        idx = np.flatnonzero(legal.reshape(-1))
        m[idx] = np.arange(1, idx.size + 1)
        slot_to_seq.append(m)
        counts.append(idx.size + 1)
        if counts[-1] > MAX_SEQUENCES:
            raise ValueError(
                f"{game.name!r} has {counts[-1]:,} sequences for player {p}, over the LP's limit "
                f"{MAX_SEQUENCES:,}; use CFRSolver instead"
            )
    plan = plan_for(game)
    chance_reach = plan.reaches(np.asarray(game.chance_prob))[game.num_players]
    seq = _leaf_sequences(game)
    leaves = game.terminals
    rows = [
        np.where(seq[p, leaves] < 0, 0, slot_to_seq[p][np.maximum(seq[p, leaves], 0)])
        for p in range(2)
    ]
    w = chance_reach[leaves] * game.utility[:, 0]
    a0 = sp.csr_matrix((w, (rows[0], rows[1])), shape=(counts[0], counts[1]))  # duplicates summed
    value0, x = _realization_lp(game, 0, a0, slot_to_seq, counts)
    _, y = _realization_lp(game, 1, (-a0.T).tocsr(), slot_to_seq, counts)
    probs = np.zeros((game.num_infosets, a))
    for p, plan_p in ((0, x), (1, y)):
        sets = np.flatnonzero(game.infoset_player == p)
        par = game.infoset_parent_sequence[sets]
        par_seq = np.where(par < 0, 0, slot_to_seq[p][np.maximum(par, 0)])
        denom = plan_p[par_seq]
        k = np.arange(a)
        slots = sets[:, None] * a + k[None, :]
        legal = game.legal_mask[sets]
        vals = np.where(
            legal, np.clip(plan_p[np.maximum(slot_to_seq[p][slots], 0)], 0.0, None), 0.0
        )
        probs[sets] = vals / np.where(denom > 1e-12, denom, 1.0)[:, None]
        probs[sets[denom <= 1e-12]] = 0.0
    return value0, TabularPolicy.from_weights(game, probs)
