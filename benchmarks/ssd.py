"""Time cooplab's sequential social dilemmas: environment steps per second, batched and single.

Part ``envs``: cooplab's Harvest (5 agents, the 16 x 38 map of the SSD
repository) and Cleanup (5 agents, 25 x 18), stepped with uniformly random
actions, one environment at a time and batched (``B`` environments stepped as
arrays), observations (egocentric 11 x 11 views, one-hot channels, float32)
and global states computed every step. An *environment step* is one step of
one environment (all its agents act); agent-steps are that times the agents.
``--workers 1 2`` times the batch in this process and sharded over two worker
processes (:class:`cooplab.envs.parallel.ShardedVectorEnv`, one shard per
core). ``--engines numpy numba`` times both engines of the games (whole-array
numpy, and the compiled kernels of the ``fast`` extra, which give the same
numbers; ``numba`` is left out where it does not import).

Part ``meltingpot``: Melting Pot's ``commons_harvest__open`` and ``clean_up``
substrates with random actions in the same process, with 5 and 7 players
(``--players``), over whole episodes (``--mp-episodes``; its step rate within
episodes and over whole episodes with their resets, which take most of a
second each), against one whole episode of cooplab's batched Harvest and
Cleanup with the same players, when ``dm-meltingpot`` imports (it is not a dependency of cooplab; see
``benchmarks/RESULTS.md`` for installing it offline); otherwise the script
says so.

Part ``train``: agent-steps per second of training independent recurrent PPO
learners (one network per agent) on Harvest, collection and updates included,
with the update on 25-step chunks (the default) and on whole episodes
(``--agents`` sets the numbers of agents).

Usage::

    python benchmarks/ssd.py                 # every part
    python benchmarks/ssd.py --quick         # fewer steps
    python benchmarks/ssd.py --parts envs --batch 1 256 1024 4096

Pin it to two cores with ``taskset -c 0,1`` to match the target machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpu}; {cores} cores available; Python {platform.python_version()}; numpy {np.__version__}"


def time_env(
    name: str,
    batch: int,
    steps: int,
    seed: int = 0,
    workers: int = 1,
    **params: object,
) -> tuple[float, float, float]:
    """Environment steps per wall second, agent-steps per wall second, and environment
    steps per CPU second of this process (robust when other processes share the cores;
    with workers > 1 the work is in the worker processes, so only wall time means much)."""
    from cooplab.envs import make
    from cooplab.envs.parallel import ShardedVectorEnv

    if workers > 1:
        env = ShardedVectorEnv(name, batch, workers, seed, **params)
    else:
        env = make(name, num_envs=batch, seed=seed, **params)
    env.reset()
    rng = np.random.default_rng(seed)
    n, a = env.spec.n_agents, env.spec.n_actions
    actions = rng.integers(0, a, size=(min(steps, 64), batch, n))
    for k in range(3):  # warm-up
        env.step(actions[k % len(actions)])
    t0, c0 = time.perf_counter(), time.process_time()
    for k in range(steps):
        env.step(actions[k % len(actions)])
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    if workers > 1:
        env.close()
    return steps * batch / dt, steps * batch * n / dt, steps * batch / dc


def part_envs(args: argparse.Namespace) -> list[str]:
    lines = ["## cooplab environments, random actions (observations and states every step)", ""]
    lines.append(
        "| environment | agents | engine | batch B | processes | env steps/s | agent-steps/s "
        "| env steps per CPU-s of the main process |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    for name in ("harvest_v1", "cleanup_v1"):
        for engine in engines(args):
            for b in args.batch:
                for w in args.workers:
                    if w > b:
                        continue
                    steps = max(args.min_steps // b, 20) if not args.quick else max(2000 // b, 5)
                    sps, asps, cps = time_env(name, b, steps, workers=w, engine=engine)
                    lines.append(
                        f"| {name} | 5 | {engine} | {b} | {w} | {sps:,.0f} | {asps:,.0f} "
                        f"| {cps:,.0f} |"
                    )
                    print(lines[-1], file=sys.stderr, flush=True)
    return lines


def engines(args: argparse.Namespace) -> list[str]:
    """The engines asked for that can run here."""
    from cooplab.envs.ssd import _compiled

    return [e for e in args.engines if e != "numba" or _compiled.available()]


def time_meltingpot(substrate: object, name: str, players: int, episodes: int) -> tuple:
    """Melting Pot's substrate with random actions over whole episodes.

    Returns env steps per second within episodes (resets excluded), env steps
    per second over whole episodes (one reset per episode included, as
    training sees them), the mean episode length and the mean reset time."""
    env = substrate.build(name, roles=("default",) * players)  # type: ignore[attr-defined]
    rng = np.random.default_rng(0)
    specs = env.action_spec()
    stepping = resetting = 0.0
    steps = 0
    for _ in range(episodes):
        t0 = time.perf_counter()
        env.reset()
        t1 = time.perf_counter()
        resetting += t1 - t0
        while True:
            steps += 1
            if env.step([int(rng.integers(s.num_values)) for s in specs]).last():
                break
        stepping += time.perf_counter() - t1
    env.close()
    return steps / stepping, steps / (stepping + resetting), steps / episodes, resetting / episodes


def part_meltingpot(args: argparse.Namespace) -> list[str]:
    try:
        from meltingpot import substrate
    except Exception as err:
        return [
            "## Melting Pot",
            "",
            f"not measured: `import meltingpot` failed here ({type(err).__name__}: {err}). "
            "Install `dm-meltingpot` in the same environment to time it in this process.",
        ]
    b = 512 if args.quick else 4096
    lines = [
        "## Melting Pot substrates against cooplab, random actions, the same players (same process)",
        "",
        f"Melting Pot: one substrate (it has no batched stepping), {args.mp_episodes} whole "
        "episodes from a reset; 'within episodes' leaves its resets out, 'whole episodes' "
        "counts one reset per episode, as training sees them. cooplab: one whole episode "
        f"of a batch of {b:,} (its resets, at the time limit, included), the best of one "
        f"process and {max(args.workers)} (one shard per core).",
        "",
        "| substrate | cooplab | players | Melting Pot episode (steps) | Melting Pot reset (s) "
        "| Melting Pot env steps/s, within episodes | Melting Pot env steps/s, whole episodes "
        "| cooplab engine | cooplab env steps/s | ratio, within episodes "
        "| ratio, whole episodes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    pairs = (("commons_harvest__open", "harvest_v1"), ("clean_up", "cleanup_v1"))
    for mp_name, ours in pairs:
        for players in args.players:
            within, whole, length, reset = time_meltingpot(
                substrate, mp_name, players, 1 if args.quick else args.mp_episodes
            )
            from cooplab.envs import make

            limit = make(ours, num_envs=1, n_agents=players).spec.episode_limit
            n_steps = 5 if args.quick else limit
            for engine in engines(args):
                best = max(
                    time_env(ours, b, n_steps, workers=w, n_agents=players, engine=engine)[0]
                    for w in sorted(set(args.workers))
                    if w <= b
                )
                lines.append(
                    f"| {mp_name} | {ours} | {players} | {length:,.0f} | {reset:.2f} "
                    f"| {within:,.0f} | {whole:,.0f} | {engine} | {best:,.0f} "
                    f"| {best / within:,.0f}x | {best / whole:,.0f}x |"
                )
                print(lines[-1], file=sys.stderr, flush=True)
    return lines


def part_train(args: argparse.Namespace) -> list[str]:
    try:
        import torch
    except ImportError:
        return ["## Training", "", "not measured: torch is not installed (the learn extra)"]
    from cooplab.envs import make
    from cooplab.envs.ssd.maps import HARVEST_MAP
    from cooplab.ssd.learners import AgentConfig, Population, PopulationConfig

    torch.set_num_threads(1)
    iters = 1 if args.quick else 3
    lines = [
        "## Training independent PPO (one GRU actor-critic per agent), Harvest 16 x 38",
        "",
        "Collection and update of whole iterations (one 250-step episode per "
        "environment, 3 PPO epochs), after one iteration of warm-up; chunk: the "
        "update's sequence length (0: whole episodes).",
        "",
        "| agents | num_envs x episode | chunk | engine | iterations | s / iteration "
        "| agent-steps/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in args.agents:
        for n_envs in (16, 64):
            # whole-episode updates only with the default engine
            runs = [(25, e) for e in engines(args)] + [(0, "auto")]
            for chunk, engine in runs:
                venv = make(
                    "harvest_v1",
                    num_envs=n_envs,
                    n_agents=n,
                    map=HARVEST_MAP,
                    episode_limit=250,
                    engine=engine,
                )
                cfg = PopulationConfig(agents=(AgentConfig(chunk=chunk),))
                pop = Population(venv.spec, cfg, seed=0)
                gen = np.random.default_rng(0)
                pop.update(pop.collect(venv, gen))
                t0 = time.perf_counter()
                for _ in range(iters):
                    pop.update(pop.collect(venv, gen))
                dt = (time.perf_counter() - t0) / iters
                lines.append(
                    f"| {n} | {n_envs} x 250 | {chunk} | {venv.engine} | {iters} | {dt:.2f} | "
                    f"{n_envs * 250 * n / dt:,.0f} |"
                )
                print(lines[-1], file=sys.stderr, flush=True)
    return lines


PARTS = {"envs": part_envs, "meltingpot": part_meltingpot, "train": part_train}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--parts", nargs="+", choices=list(PARTS), default=list(PARTS))
    p.add_argument("--batch", nargs="+", type=int, default=[1, 64, 256, 1024, 4096])
    p.add_argument(
        "--min-steps", type=int, default=100_000, help="environment steps per measurement"
    )
    p.add_argument(
        "--workers",
        nargs="+",
        type=int,
        default=[1, 2],
        help="processes stepping cooplab's batch (1: one process; 2: one shard per core)",
    )
    p.add_argument(
        "--engines",
        nargs="+",
        choices=["numpy", "numba"],
        default=["numpy", "numba"],
        help="engines of cooplab's games to time (numba: where it imports)",
    )
    p.add_argument(
        "--players", nargs="+", type=int, default=[5, 7], help="players for the Melting Pot part"
    )
    p.add_argument(
        "--mp-episodes", type=int, default=3, help="whole Melting Pot episodes per substrate"
    )
    p.add_argument(
        "--agents", nargs="+", type=int, default=[2, 5, 7], help="agents for the train part"
    )
    p.add_argument("--quick", action="store_true")
    args = p.parse_args(argv)
    print(f"machine: {machine()}")
    print(f"command: {' '.join(sys.argv)}")
    for part in args.parts:
        print("\n".join(PARTS[part](args)))
        print()


if __name__ == "__main__":
    main()
