"""AlphaZero self-play games per minute: cooplab's batched self-play against OpenSpiel's MCTSBot.

In one process, the same work for both: self-play games of tic-tac-toe and
Connect Four where every move is a PUCT search of ``S`` simulations guided by
the *same* untrained policy-value network (cooplab's default AlphaZero
network: 2 residual blocks of 32 channels, one torch thread), no root noise,
the most visited move played.

* OpenSpiel: ``open_spiel.python.algorithms.mcts.MCTSBot`` with
  ``child_selection_fn=SearchNode.puct_value`` and an evaluator that runs the
  network on one position per call (OpenSpiel's Python MCTS evaluates leaves
  one at a time), games one after another. The evaluator keeps cooplab
  positions by history, so converting a leaf is one ``step``; that cost is
  in OpenSpiel's time (it is small beside the network call).
* cooplab: :func:`cooplab.selfplay.alphazero.self_play`, ``G`` games at once
  (one tree per game, each simulation's leaves of all games in one network
  call), and ``G = 1`` (games one after another, as the peer plays them).

Usage::

    python benchmarks/alphazero.py            # S = 32; G = 64 (tic-tac-toe), 32 (Connect Four)
    python benchmarks/alphazero.py --quick    # S = 16; G = 16, 8

Ratios are cooplab's rate over OpenSpiel's (above 1: cooplab is faster).
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
try:
    import torch
except ImportError:  # pragma: no cover
    sys.exit("this benchmark needs torch (the learn extra): pip install -e '.[learn]'")

from cooplab import __version__ as cooplab_version
from cooplab.games.board import BoardGame, get_board_game
from cooplab.selfplay.alphazero import self_play
from cooplab.selfplay.network import NetworkSpec, PolicyValueNet, evaluator

C_PUCT = 1.5


class NetworkEvaluator(os_mcts.Evaluator):
    """OpenSpiel's evaluator interface on cooplab's network, one position per call."""

    def __init__(self, game: BoardGame, net: PolicyValueNet) -> None:
        self.game = game
        self.evaluate_batch = evaluator(net, game)
        self.states = {(): game.initial_states(1)}
        self.cache: dict[tuple[int, ...], tuple[np.ndarray, float]] = {}

    def _board(self, history: tuple[int, ...]):
        s = self.states.get(history)
        if s is None:
            s = self.game.step(self._board(history[:-1]), np.array([history[-1]]), validate=False)
            self.states[history] = s
        return s

    def _run(self, state) -> tuple[np.ndarray, float]:
        history = tuple(state.history())
        out = self.cache.get(history)
        if out is None:
            priors, values = self.evaluate_batch(self._board(history))
            out = (priors[0], float(values[0]))
            # MCTSBot asks for the prior and the value of one node in two calls
            self.cache = {history: out}
        return out

    def evaluate(self, state):
        v = self._run(state)[1]
        return np.array([v, -v]) if state.current_player() == 0 else np.array([-v, v])

    def prior(self, state):
        p = self._run(state)[0]
        return [(a, float(p[a])) for a in state.legal_actions()]


def openspiel_games(name: str, net: PolicyValueNet, sims: int, games: int, seed: int) -> float:
    game = pyspiel.load_game(name)
    rs = np.random.RandomState(seed)
    ev = NetworkEvaluator(get_board_game(name), net)
    bot = os_mcts.MCTSBot(
        game,
        C_PUCT,
        sims,
        ev,
        solve=False,
        random_state=rs,
        child_selection_fn=os_mcts.SearchNode.puct_value,
        dirichlet_noise=None,
    )
    start = time.perf_counter()
    for _ in range(games):
        state = game.new_initial_state()
        while not state.is_terminal():
            state.apply_action(bot.step(state))
    return games / (time.perf_counter() - start) * 60


def cooplab_games(name: str, net: PolicyValueNet, sims: int, games: int, seed: int) -> float:
    game = get_board_game(name)
    evaluate = evaluator(net, game)
    start = time.perf_counter()
    self_play(
        game,
        evaluate,
        games,
        simulations=sims,
        c_puct=C_PUCT,
        dirichlet_alpha=None,
        temperature_moves=0,
        rng=seed,
    )
    return games / (time.perf_counter() - start) * 60


def cooplab_one_at_a_time(
    name: str, net: PolicyValueNet, sims: int, games: int, seed: int
) -> float:
    game = get_board_game(name)
    evaluate = evaluator(net, game)
    start = time.perf_counter()
    for k in range(games):
        self_play(
            game,
            evaluate,
            1,
            simulations=sims,
            c_puct=C_PUCT,
            dirichlet_alpha=None,
            temperature_moves=0,
            rng=seed + k,
        )
    return games / (time.perf_counter() - start) * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    sims = 16 if args.quick else 32
    batch = (
        {"tic_tac_toe": 16, "connect_four": 8}
        if args.quick
        else {
            "tic_tac_toe": 64,
            "connect_four": 32,
        }
    )
    peer_games = (
        {"tic_tac_toe": 2, "connect_four": 1}
        if args.quick
        else {
            "tic_tac_toe": 6,
            "connect_four": 2,
        }
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"cooplab {cooplab_version}, torch {torch.__version__} (1 thread), numpy "
        f"{np.__version__}; CPython {platform.python_version()}; nproc {os.cpu_count()}; "
        f"load average {load:.1f}; seed {args.seed}"
    )
    print(
        f"\nAlphaZero self-play games per minute: PUCT (c = {C_PUCT}), {sims} simulations a move, "
        "the same untrained network (2 blocks x 32 channels) for both\n"
    )
    print(
        "| game | OpenSpiel MCTSBot + network | cooplab, 1 game at a time | cooplab, G at once "
        "| G | batched / OpenSpiel | 1 at a time / OpenSpiel |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in ("tic_tac_toe", "connect_four"):
        game = get_board_game(name)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(args.seed)
            net = PolicyValueNet(NetworkSpec.for_game(game)).eval()
        os_rate = openspiel_games(name, net, sims, peer_games[name], args.seed)
        one = cooplab_one_at_a_time(name, net, sims, peer_games[name], args.seed)
        many = cooplab_games(name, net, sims, batch[name], args.seed)
        print(
            f"| {name} | {os_rate:,.1f} | {one:,.1f} | {many:,.1f} | {batch[name]} | "
            f"{many / os_rate:.1f}x | {one / os_rate:.2f}x |"
        )


if __name__ == "__main__":
    main()
