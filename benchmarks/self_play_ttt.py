"""The ``self-play`` experiment's tic-tac-toe part by seed, with an exact account of its losses.

For each seed: the tic-tac-toe part of ``cooplab run self-play --full``
(:func:`cooplab.experiments.self_play._tic_tac_toe` with ``Config.full()`` and
the generator the experiment's ``run`` hands it: ``default_rng(seed).spawn(2)[0]``),
one torch thread, then, beside the experiment's 200 sampled games against the
perfect player, an exhaustive count:

- every position the perfect player (exact search, a uniformly random choice
  among the optimal moves) can reach against the trained network, which plays
  with the experiment's ``ttt_eval_simulations`` (its move at each position
  sampled ``--reps`` times, so tie-breaks are covered);
- the probability that the network loses as the first and as the second
  player (the expected share of lost games, without sampling error), and the
  positions where its move turns a held position into a lost one, with the
  probability of reaching them.

The mover's exact values come from a memoised negamax over all 5,478 legal
positions. ``--forced-playouts K`` overrides
:attr:`~cooplab.selfplay.alphazero.AlphaZeroConfig.forced_playouts` (0:
self-play as before forced playouts).

Usage::

    python benchmarks/self_play_ttt.py --seeds 0 1 2
    python benchmarks/self_play_ttt.py --seeds 0 --forced-playouts 0

Runs one seed after another (each 3-5 CPU-minutes), one torch thread.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import time
from typing import Any

import numpy as np

LINES = ((0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6))
Board = tuple[int, ...]  # 9 cells: 0 empty, 1 X (first player), 2 O


def winner(b: Board) -> int:
    for i, j, k in LINES:
        if b[i] and b[i] == b[j] == b[k]:
            return b[i]
    return 0


def mover(b: Board) -> int:
    return 1 if b.count(1) == b.count(2) else 2


def terminal(b: Board) -> bool:
    return winner(b) != 0 or 0 not in b


def child(b: Board, a: int) -> Board:
    return (*b[:a], mover(b), *b[a + 1 :])


@functools.cache
def value(b: Board) -> int:
    """The exact value for the player to move (-1, 0, 1)."""
    if winner(b):
        return -1
    if 0 not in b:
        return 0
    return max(-value(child(b, a)) for a in range(9) if b[a] == 0)


def move_values(b: Board) -> dict[int, int]:
    return {a: -value(child(b, a)) for a in range(9) if b[a] == 0}


def show(b: Board) -> str:
    return "/".join("".join(".XO"[b[3 * r + c]] for c in range(3)) for r in range(3))


def to_states(game: Any, boards: list[Board]) -> Any:
    from cooplab.games.board import ONGOING, BoardState

    n = len(boards)
    return BoardState(
        board=np.array(boards, dtype=np.int8).reshape(n, 3, 3),
        to_play=np.array([mover(b) - 1 for b in boards], dtype=np.int8),
        moves=np.array([9 - b.count(0) for b in boards], dtype=np.int16),
        outcome=np.full(n, ONGOING, dtype=np.int8),
    )


def against_perfect(game: Any, agent: Any, side: int, reps: int, rng: Any) -> dict[str, Any]:
    """The agent as ``side`` (1: first, 2: second) against every line the perfect player can
    choose: the probability of losing, and the agent's losing moves with their reach."""
    layer: dict[Board, float] = {(0,) * 9: 1.0}
    lose = 0.0
    mistakes = []
    while layer:
        nxt: dict[Board, float] = {}
        mine = [b for b in layer if mover(b) == side]
        dist: dict[Board, dict[int, float]] = {}
        if mine:
            acts = agent.act_batch(
                game, to_states(game, [b for b in mine for _ in range(reps)]), rng
            )
            for k, b in enumerate(mine):
                u, c = np.unique(acts[k * reps : (k + 1) * reps], return_counts=True)
                dist[b] = {int(a): n / reps for a, n in zip(u, c, strict=True)}
        for b, p in layer.items():
            q = move_values(b)
            best = max(q.values())
            if mover(b) == side:
                options = list(dist[b].items())
                for a, pa in options:
                    if q[a] < best:
                        mistakes.append(
                            {"reach": p * pa, "position": show(b), "move": a,
                             "value": q[a], "held": best, "optimal": [m for m in q if q[m] == best]}
                        )  # fmt: skip
            else:
                opt = [a for a in q if q[a] == best]
                options = [(a, 1.0 / len(opt)) for a in opt]
            for a, pa in options:
                c = child(b, a)
                if winner(c) and mover(b) != side:
                    lose += p * pa
                elif not terminal(c):
                    nxt[c] = nxt.get(c, 0.0) + p * pa
        layer = nxt
    mistakes.sort(key=lambda m: -m["reach"])
    return {"loss_probability": lose, "mistakes": mistakes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--forced-playouts", type=float, default=None)
    ap.add_argument("--reps", type=int, default=8, help="samples of the network's move a position")
    args = ap.parse_args()

    from cooplab.experiments import self_play as sp
    from cooplab.games.board import get_board_game
    from cooplab.selfplay.alphazero import torch_threads

    cfg = sp.Config.full()
    game = get_board_game("tic_tac_toe")
    kept: dict[str, Any] = {}
    make = sp._trainer

    def trainer(*a: Any, **k: Any) -> Any:
        t = make(*a, **k)
        if args.forced_playouts is not None:
            t.config = dataclasses.replace(t.config, forced_playouts=args.forced_playouts)
        kept["trainer"] = t
        return t

    sp._trainer = trainer
    print(f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
    for seed in args.seeds:
        g_ttt, _ = np.random.default_rng(seed).spawn(2)
        t0 = time.perf_counter()
        with torch_threads(cfg.threads):
            out = sp._tic_tac_toe(cfg, g_ttt, lambda done, total: None)
            t = kept["trainer"]
            agent = t.agent(cfg.ttt_eval_simulations)
            exact = {
                side: against_perfect(game, agent, k, args.reps, np.random.default_rng(seed))
                for k, side in ((1, "first"), (2, "second"))
            }
        row = {
            "seed": seed,
            "forced_playouts": t.config.forced_playouts,
            "steps": cfg.ttt_steps,
            "losses": out["ttt_losses"],
            "losses_first": out["ttt_losses_first"],
            "losses_second": out["ttt_losses_second"],
            "untrained_losses": out["ttt_untrained_losses"],
            "train_cpu_seconds": round(out["ttt_train_cpu_seconds"], 1),
            "train_seconds": round(out["ttt_train_seconds"], 1),
            "wall_seconds": round(time.perf_counter() - t0, 1),
            "load_average": round(out["load_average"], 1),
            "loss_probability_first": exact["first"]["loss_probability"],
            "loss_probability_second": exact["second"]["loss_probability"],
            "mistakes": exact["first"]["mistakes"] + exact["second"]["mistakes"],
        }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
