"""Training wall-clock of QMIX to a fixed return on a level-based foraging task.

The issue asks for the time QMIX takes to reach a fixed return on a
level-based foraging task, against EPyMARL. EPyMARL (and its ``lbforaging``
dependency) is not installed here and cannot be (no network), so this script
times cooplab alone and says so; it prints the figures an EPyMARL run of the
same task would be set beside.

What is timed, in one process:

Part ``to-target``
    ``cooplab.marl.Trainer("qmix", "level_based_foraging_v1", ...)`` on the
    task below, from each of ``--seeds`` seeds, evaluating greedily every
    ``--eval-interval`` environment steps (``--eval-episodes`` episodes) and
    stopping at the first evaluation whose mean return reaches ``--target``
    (or at ``--max-steps``). Printed per seed: environment steps, episodes
    and gradient steps to the target, wall-clock and process CPU seconds.
Part ``rates``
    What a training step costs: episodes collected per second by the
    batched runner with QMIX's agents acting (epsilon-greedy), and QMIX
    gradient steps per second on batches of 32 episodes.

The task: a 5x5 grid with two players and one food, 25 steps an episode, the team reward (``team_reward=True``: every agent is paid
the sum, so an episode returns at most 1). Recurrent (GRU) agents, the
PyMARL/EPyMARL QMIX settings where they apply (Adam 5e-4, batch 32 episodes,
one gradient step per episode collected, target network every 200 gradient
steps, epsilon 1 -> 0.05 over ``--anneal`` steps).

Usage::

    python benchmarks/marl.py                      # both parts
    python benchmarks/marl.py --parts rates
    python benchmarks/marl.py --seeds 0 1 2 --target 0.9
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import _common as common
import numpy as np

ENV = "level_based_foraging_v1"
TASK = {"size": 5, "players": 2, "max_food": 1, "max_episode_steps": 25, "team_reward": True}


class _Reached(Exception):
    pass


def config(args: argparse.Namespace):
    from cooplab.marl import TrainConfig

    return TrainConfig(
        num_envs=8,
        batch_size=32,
        buffer_size=2000,
        hidden=64,
        lr=5e-4,
        target_update_interval=200,
        updates_per_collect=8,  # one gradient step per episode collected, as EPyMARL
        epsilon_anneal_steps=args.anneal,
        eval_interval=args.eval_interval,
        eval_episodes=args.eval_episodes,
    )


def to_target(args: argparse.Namespace) -> list[str]:
    from cooplab.marl import Trainer

    lines = [
        f"QMIX on {ENV} {TASK}: steps to a greedy return >= {args.target} "
        f"(evaluated every {args.eval_interval} steps on {args.eval_episodes} episodes; "
        f"at most {args.max_steps} steps)",
        "seed | reached | env steps | episodes | gradient steps | wall s | CPU s",
        "---|---|---|---|---|---|---",
    ]
    walls, cpus, steps = [], [], []
    for seed in args.seeds:
        trainer = Trainer("qmix", ENV, config(args), rng=seed, env_params=TASK)

        def on_log(row, trainer=trainer):
            if row.eval_return_mean >= args.target:
                raise _Reached

        w0, c0 = time.perf_counter(), time.process_time()
        reached = True
        try:
            trainer.train(args.max_steps, on_log=on_log)
            reached = bool(trainer.log) and trainer.log[-1].eval_return_mean >= args.target
        except _Reached:
            pass
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        r = trainer.result()
        lines.append(
            f"{seed} | {'yes' if reached else 'no'} | {r.t_env:,} | {r.episodes:,} | "
            f"{r.updates:,} | {wall:.1f} | {cpu:.1f}"
        )
        print(lines[-1], file=sys.stderr, flush=True)  # progress while the rest runs
        if reached:
            walls.append(wall)
            cpus.append(cpu)
            steps.append(r.t_env)
    if walls:
        lines.append(
            f"median over the {len(walls)} of {len(args.seeds)} seeds that reached it: "
            f"{statistics.median(steps):,.0f} steps, {statistics.median(walls):.1f} s wall, "
            f"{statistics.median(cpus):.1f} s CPU"
        )
    lines.append("EPyMARL: not installed here (no network); no ratio is printed.")
    return lines


def rates(args: argparse.Namespace) -> list[str]:
    import torch

    from cooplab.envs import make
    from cooplab.marl.qmix import QMIX
    from cooplab.marl.runner import collect

    torch.set_num_threads(1)
    cfg = config(args)
    env = make(ENV, num_envs=cfg.num_envs, **TASK)
    learner = QMIX(env.spec, cfg, seed=0)
    rng = np.random.default_rng(0)
    batches = [collect(env, learner, rng, epsilon=0.5) for _ in range(4)]  # warm-up + buffer
    for b in batches:
        learner.buffer.insert(b)
    n, t0 = 0, time.perf_counter()
    episodes = steps = 0
    while time.perf_counter() - t0 < args.seconds:
        b = collect(env, learner, rng, epsilon=0.5)
        episodes += b.size
        steps += int(b.lengths.sum())
        n += 1
    collect_s = time.perf_counter() - t0
    k, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < args.seconds:
        learner.train(learner.buffer.sample(32, rng))
        k += 1
    train_s = time.perf_counter() - t0
    return [
        f"Batched runner, QMIX agents acting, {cfg.num_envs} environments: "
        f"{episodes / collect_s:,.0f} episodes/s, {steps / collect_s:,.0f} env steps/s "
        f"({steps * env.spec.n_agents / collect_s:,.0f} agent-steps/s)",
        f"QMIX gradient steps (batch of 32 episodes of up to {env.spec.episode_limit} steps, "
        f"GRU agents): {k / train_s:,.1f} per second",
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--parts", nargs="+", choices=("to-target", "rates"), default=["to-target", "rates"]
    )
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    p.add_argument("--target", type=float, default=0.8)
    p.add_argument("--max-steps", type=int, default=60_000)
    p.add_argument("--anneal", type=int, default=5_000, help="epsilon annealing steps")
    p.add_argument("--eval-interval", type=int, default=2_000)
    p.add_argument("--eval-episodes", type=int, default=32)
    p.add_argument("--seconds", type=float, default=5.0, help="per rate measurement")
    args = p.parse_args(argv)
    import torch

    print("\n".join(common.machine_lines(f"torch {torch.__version__}")))
    print(f"Load average {os.getloadavg()[0]:.2f}; torch threads 1 (TrainConfig.threads)")
    print()
    for part in args.parts:
        lines = to_target(args) if part == "to-target" else rates(args)
        print("\n".join(lines))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
