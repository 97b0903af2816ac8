"""Time cooplab's MCTS against OpenSpiel's Python ``MCTSBot``, on tic-tac-toe and Connect Four.

In one process, the same work for both:

* **simulations per second**: UCT with random rollouts (one rollout a leaf,
  the same exploration constant ``c = 2``), ``S`` simulations per search from
  the opening position. OpenSpiel: ``open_spiel.python.algorithms.mcts.MCTSBot``
  with ``RandomRolloutEvaluator(n_rollouts=1)`` and ``solve=False``, one
  search after another (``bot.step(state)``). cooplab:
  :func:`cooplab.selfplay.mcts.mcts_search` on ``T`` root positions at once
  (one tree each: the batched use, as when many games are played), and on a
  single root (``T = 1``) for the one-game case;
* **self-play games per minute**: the UCT player with ``S'`` simulations a
  move against itself to the end of the game. OpenSpiel: one game after
  another with two ``MCTSBot``; cooplab:
  :func:`cooplab.selfplay.arena.play_games` of ``G`` games at once, one
  ``MCTSAgent`` on both sides (each ply, one batched search over all live games).

Usage::

    python benchmarks/selfplay.py            # S = 1000 (T = 256 trees), S' = 100 (G = 128 games)
    python benchmarks/selfplay.py --quick    # S = 200 (T = 64), S' = 30 (G = 16)

Ratios are cooplab's rate over OpenSpiel's (above 1: cooplab is faster). The
first move each search picks is tallied for both, as a check that the two
searches agree (the centre of the board wins the most visits in both games). Each figure
is the best of ``--repeats`` (3) interleaved runs, so that load from other
processes hits both libraries alike.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

try:
    import pyspiel
    from open_spiel.python.algorithms import mcts as os_mcts
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("this benchmark needs OpenSpiel (the bench extra): pip install -e '.[bench]'")

from cooplab import __version__ as cooplab_version
from cooplab.games.board import get_board_game
from cooplab.selfplay.agents import MCTSAgent
from cooplab.selfplay.arena import play_games
from cooplab.selfplay.mcts import mcts_search

UCT_C = 2.0


def openspiel_sims(name: str, sims: int, searches: int, seed: int) -> tuple[float, list[int]]:
    game = pyspiel.load_game(name)
    rs = np.random.RandomState(seed)
    bot = os_mcts.MCTSBot(
        game, UCT_C, sims, os_mcts.RandomRolloutEvaluator(1, rs), random_state=rs, solve=False
    )
    state = game.new_initial_state()
    moves = []
    start = time.perf_counter()
    for _ in range(searches):
        moves.append(bot.step(state))
    return (sims * searches) / (time.perf_counter() - start), moves


def cooplab_sims(name: str, sims: int, trees: int, seed: int) -> tuple[float, list[int]]:
    game = get_board_game(name)
    states = game.initial_states(trees)
    start = time.perf_counter()
    result = mcts_search(game, states, sims, c=UCT_C, rng=seed)
    return (sims * trees) / (time.perf_counter() - start), result.action.tolist()


def openspiel_games(name: str, sims: int, games: int, seed: int) -> float:
    game = pyspiel.load_game(name)
    rs = np.random.RandomState(seed)
    bots = [
        os_mcts.MCTSBot(
            game, UCT_C, sims, os_mcts.RandomRolloutEvaluator(1, rs), random_state=rs, solve=False
        )
        for _ in range(2)
    ]
    start = time.perf_counter()
    for _ in range(games):
        state = game.new_initial_state()
        while not state.is_terminal():
            state.apply_action(bots[state.current_player()].step(state))
    return games / (time.perf_counter() - start) * 60


def cooplab_games(name: str, sims: int, games: int, seed: int) -> float:
    agent = MCTSAgent(sims, c=UCT_C)  # one agent on both sides: all games' moves in one search
    start = time.perf_counter()
    play_games(name, agent, agent, np.arange(games) % 2, seed)
    return games / (time.perf_counter() - start) * 60


def tally(moves: list[int]) -> str:
    values, counts = np.unique(moves, return_counts=True)
    order = np.argsort(-counts)
    return " ".join(f"{values[i]}:{counts[i]}" for i in order[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats (best rate)")
    args = parser.parse_args()
    sims, trees, os_searches = (200, 64, 5) if args.quick else (1000, 256, 5)
    game_sims, games, os_games = (30, 16, 2) if args.quick else (100, 128, 3)
    print(
        f"cooplab {cooplab_version}, numpy {np.__version__}, OpenSpiel {pyspiel.__version__ if hasattr(pyspiel, '__version__') else '?'}; "
        f"CPython {platform.python_version()}; nproc {os.cpu_count()}; seed {args.seed}"
    )
    print(
        f"UCT with random rollouts, c = {UCT_C}, one rollout a leaf; best rate of "
        f"{args.repeats} interleaved repeats.\n"
    )
    print(
        f"Simulations per second, {sims} simulations a search from the opening "
        f"(OpenSpiel: {os_searches} searches one after another; cooplab: {trees} trees at once, and 1 tree)\n"
    )
    print(
        "| game | OpenSpiel MCTSBot | cooplab, 1 tree | cooplab, batched | batched / OpenSpiel "
        "| 1 tree / OpenSpiel | first moves OpenSpiel | first moves cooplab |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in ("tic_tac_toe", "connect_four"):
        # Interleaved repeats, the best rate of each: load from other processes
        # on the machine then slows both sides alike and the ratio holds.
        os_rate = one_rate = batch_rate = 0.0
        for rep in range(args.repeats):
            r, os_moves = openspiel_sims(name, sims, os_searches, args.seed + rep)
            os_rate = max(os_rate, r)
            one_rate = max(one_rate, cooplab_sims(name, sims, 1, args.seed + rep)[0])
            r, moves = cooplab_sims(name, sims, trees, args.seed + rep)
            batch_rate = max(batch_rate, r)
        print(
            f"| {name} | {os_rate:,.0f} | {one_rate:,.0f} | {batch_rate:,.0f} | "
            f"{batch_rate / os_rate:.1f}x | {one_rate / os_rate:.2f}x | {tally(os_moves)} | "
            f"{tally(moves)} |"
        )
    print(
        f"\nSelf-play games per minute, UCT with {game_sims} simulations a move against itself "
        f"(OpenSpiel: {os_games} games one after another; cooplab: {games} games at once)\n"
    )
    print("| game | OpenSpiel | cooplab | cooplab / OpenSpiel |")
    print("|---|---|---|---|")
    for name in ("tic_tac_toe", "connect_four"):
        os_rate = rate = 0.0
        for rep in range(args.repeats):
            os_rate = max(os_rate, openspiel_games(name, game_sims, os_games, args.seed + rep))
            rate = max(rate, cooplab_games(name, game_sims, games, args.seed + rep))
        print(f"| {name} | {os_rate:,.1f} | {rate:,.1f} | {rate / os_rate:.1f}x |")


if __name__ == "__main__":
    main()
