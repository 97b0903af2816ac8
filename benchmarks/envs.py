"""Agent-steps per second of cooplab's batched environments, against the peers.

In one process, with uniformly random actions (all six, as
``action_space.sample()`` draws them; unavailable ones are no-ops under the
package's rules, which cooplab follows):

Part ``lbf``
    Level-based foraging on 8x8 with 2, 3 and 4 players and 2 foods
    (``lbforaging``'s ``Foraging-8x8-{p}p-2f-v3``): cooplab's
    :class:`~cooplab.envs.LevelBasedForaging` with a batch of 1,024 (and of
    one), against the ``lbforaging`` package (version 2.0.0, one environment
    stepped and reset as its users do) when it is installed, and always
    against :class:`cooplab.testing.lbf_reference.ReferenceForaging`, a
    plain-Python single-environment statement of the same rules (observations
    computed every step, as the package does; episode starts copied from a
    pool drawn by cooplab). The ratios are cooplab batched over each peer.
Part ``pettingzoo``
    The PettingZoo Parallel view (:mod:`cooplab.envs.pettingzoo`, dicts per
    agent, one environment) against the batched core it wraps, batch 1 and
    1,024, on ``lbf_8x8_2p_2f_v1`` and ``predator_prey_v1``.

An agent-step is one agent's action in one environment for one step, so a
batch of B environments with N agents makes B N agent-steps per ``step``.

Usage::

    python benchmarks/envs.py                  # every part
    python benchmarks/envs.py --quick          # shorter timings
    python benchmarks/envs.py --parts lbf
    python benchmarks/envs.py --clock cpu      # CPU time: robust on a busy machine

The ``lbforaging`` package is not a cooplab dependency; ``pip install
lbforaging==2.0.0`` (it needs gymnasium, which comes with pettingzoo) makes
the script time it too.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np

from cooplab import __version__ as cooplab_version
from cooplab.envs import make
from cooplab.testing.lbf_reference import ReferenceForaging

try:
    from lbforaging.foraging.environment import ForagingEnv
except ImportError:  # the package is optional
    ForagingEnv = None


CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCK["wall"]


def rate(run: Callable[[int], int], seconds: float, repeats: int) -> float:
    """Best agent-steps per second of ``run(k) -> agent-steps`` over ``repeats`` timed loops.

    Seconds are read from ``clock``: wall time, or with ``--clock cpu`` the
    process's CPU time (what the work costs one core, whatever else the
    machine runs; NumPy runs these small arrays on one thread).
    """
    run(1)  # warm up
    k = 1
    while True:  # find a loop length of about ``seconds``
        start = clock()
        done = run(k)
        elapsed = max(clock() - start, 1e-9)
        if elapsed >= seconds / 4 or k > 1 << 20:
            break
        k *= 2
    best = done / elapsed
    for _ in range(repeats - 1):
        start = clock()
        done = run(k)
        best = max(best, done / max(clock() - start, 1e-9))
    return best


def cooplab_lbf(players: int, batch: int) -> Callable[[int], int]:
    env = make("level_based_foraging_v1", num_envs=batch, size=8, players=players, max_food=2)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    pool = rng.integers(6, size=(64, batch, players))

    def run(k: int) -> int:
        for i in range(k):
            env.step(pool[i % 64])
        return k * batch * players

    return run


def package_lbf(players: int) -> Callable[[int], int] | None:
    if ForagingEnv is None:
        return None
    env = ForagingEnv(
        players=players,
        min_player_level=1,
        max_player_level=2,
        min_food_level=1,
        max_food_level=None,
        field_size=(8, 8),
        max_num_food=2,
        sight=8,
        max_episode_steps=50,
        force_coop=False,
    )
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    pool = rng.integers(6, size=(1024, players)).tolist()

    def run(k: int) -> int:
        for i in range(k):
            _, _, done, _, _ = env.step(pool[i % 1024])
            if done:
                env.reset()
        return k * players

    return run


def reference_lbf(players: int) -> Callable[[int], int]:
    starts = make("level_based_foraging_v1", num_envs=256, size=8, players=players, max_food=2)
    starts.reset(seed=1)
    pool = []
    for i in range(starts.num_envs):
        alive = starts.food_alive[i]
        pool.append(
            (
                list(
                    zip(starts.player_row[i].tolist(), starts.player_col[i].tolist(), strict=True)
                ),
                starts.player_level[i].tolist(),
                list(
                    zip(
                        starts.food_row[i][alive].tolist(),
                        starts.food_col[i][alive].tolist(),
                        starts.food_level[i][alive].tolist(),
                        strict=True,
                    )
                ),
                int(starts.food_spawned[i]),
            )
        )
    env = ReferenceForaging(8, 8, 8, 2, 50)
    env.set_state(*pool[0])
    rng = np.random.default_rng(0)
    acts = rng.integers(6, size=(1024, players)).tolist()
    episode = [0]

    def run(k: int) -> int:
        for i in range(k):
            _, terminated, truncated = env.step(acts[i % 1024])
            [env.observe(a) for a in range(players)]  # the package observes every step
            if terminated or truncated:
                episode[0] += 1
                env.set_state(*pool[episode[0] % len(pool)])
                [env.observe(a) for a in range(players)]
        return k * players

    return run


def part_lbf(seconds: float, repeats: int) -> list[str]:
    lines = [
        "| players | cooplab, batch 1,024 | cooplab, batch 1 | lbforaging 2.0.0 | "
        "Python reference | batched / lbforaging | batched / reference |",
        "|---|---|---|---|---|---|---|",
    ]
    for players in (2, 3, 4):
        batched = rate(cooplab_lbf(players, 1024), seconds, repeats)
        single = rate(cooplab_lbf(players, 1), seconds, repeats)
        package = package_lbf(players)
        peer = rate(package, seconds, repeats) if package is not None else None
        ref = rate(reference_lbf(players), seconds, repeats)
        lines.append(
            f"| {players} | {batched:,.0f} | {single:,.0f} | "
            + (f"{peer:,.0f}" if peer else "not installed")
            + f" | {ref:,.0f} | "
            + (f"{batched / peer:,.0f}x" if peer else "-")
            + f" | {batched / ref:,.0f}x |"
        )
        print(lines[-1], flush=True)
    return lines


def part_pettingzoo(seconds: float, repeats: int) -> list[str]:
    from cooplab.envs.pettingzoo import parallel_env

    lines = [
        "| environment | PettingZoo view | core, batch 1 | core, batch 1,024 | "
        "batch 1 / view | batch 1,024 / view |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("lbf_8x8_2p_2f_v1", "predator_prey_v1"):
        view = parallel_env(name)
        n = view.spec.n_agents
        rng = np.random.default_rng(0)
        pool = [
            {a: int(x) for a, x in zip(view.possible_agents, row, strict=True)}
            for row in rng.integers(6, size=(256, n))
        ]
        view.reset(seed=0)

        def run_view(k: int, view=view, pool=pool, n=n) -> int:
            for i in range(k):
                view.step(pool[i % 256])
                if not view.agents:
                    view.reset()
            return k * n

        def run_core(batch: int, name=name, n=n) -> Callable[[int], int]:
            env = make(name, num_envs=batch)
            env.reset(seed=0)
            acts = np.random.default_rng(0).integers(6, size=(64, batch, n))

            def run(k: int) -> int:
                for i in range(k):
                    env.step(acts[i % 64])
                return k * batch * n

            return run

        pz = rate(run_view, seconds, repeats)
        one = rate(run_core(1), seconds, repeats)
        many = rate(run_core(1024), seconds, repeats)
        lines.append(
            f"| {name} | {pz:,.0f} | {one:,.0f} | {many:,.0f} | {one / pz:.1f}x | {many / pz:,.0f}x |"
        )
        print(lines[-1], flush=True)
    return lines


PARTS = {"lbf": part_lbf, "pettingzoo": part_pettingzoo}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    parser.add_argument("--repeats", type=int, default=None, help="timed loops (5; 3 quick)")
    parser.add_argument("--parts", nargs="+", choices=sorted(PARTS), default=list(PARTS))
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCK),
        default="wall",
        help="wall time (default) or this process's CPU time (robust on a busy machine)",
    )
    args = parser.parse_args()
    global clock
    clock = CLOCK[args.clock]
    seconds = 0.5 if args.quick else 2.0
    repeats = args.repeats or (3 if args.quick else 5)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    print(f"cooplab {cooplab_version}, numpy {np.__version__}, Python {platform.python_version()}")
    print(
        f"{cores} usable cores, load average {os.getloadavg()[0]:.1f}; agent-steps per "
        f"{'second' if args.clock == 'wall' else 'CPU-second'}, best of {repeats} loops"
    )
    print("lbforaging: " + ("installed" if ForagingEnv is not None else "not installed"))
    for part in args.parts:
        print(f"\n## {part}")
        PARTS[part](seconds, repeats)


if __name__ == "__main__":
    main()
