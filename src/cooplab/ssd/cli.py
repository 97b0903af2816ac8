"""``cooplab ssd``: train independent learners in a social dilemma, render a trained run.

The command line stays thin: it builds a :class:`~cooplab.ssd.learners.PopulationConfig`
and calls :func:`cooplab.ssd.train.train` or :func:`cooplab.ssd.train.load_run`.

::

    cooplab ssd train harvest_v1 --agents 5 --influence centralised --steps 200000 --out runs/h
    cooplab ssd train harvest_v1 --out runs/h --steps 400000 --resume
    cooplab ssd train cleanup_v1 --set lr=0.001 --set chunk=0
    cooplab ssd render runs/h --gif harvest.gif
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
from dataclasses import asdict
from typing import Any

from cooplab.runtime.params import parse_assignments, typed_assignments

__all__ = ["add_parser", "run_command"]

SSD_ENVS = ("harvest_v1", "cleanup_v1", "gathering_v1", "wolfpack_v1")


def add_parser(sub: Any) -> None:
    """Add ``ssd train`` and ``ssd render`` to the ``cooplab`` parser."""
    ssd = sub.add_parser(
        "ssd",
        help="sequential social dilemmas: train independent learners, render a run as a GIF",
        description="Independent learners (one recurrent actor-critic per agent, PPO or A2C, "
        "optional social-influence reward) in Harvest, Cleanup, Gathering or Wolfpack (torch).",
    )
    s = ssd.add_subparsers(dest="ssd_command", metavar="COMMAND", required=True)
    tr = s.add_parser(
        "train", help="train on ENV; writes log.csv, checkpoint.pt, run.json to --out"
    )
    tr.add_argument("env", metavar="ENV", help=", ".join(SSD_ENVS))
    tr.add_argument("--agents", type=int, default=None, help="number of agents (the env's default)")
    tr.add_argument("--algorithm", choices=("ppo", "a2c", "dqn"), default="ppo", help="default ppo")
    tr.add_argument(
        "--influence",
        choices=("none", "centralised", "moa"),
        default="none",
        help="social influence reward (Jaques et al. 2019); default none",
    )
    tr.add_argument("--influence-weight", type=float, default=0.1, help="default 0.1")
    tr.add_argument("--steps", type=int, default=50_000, help="environment steps (default 50000)")
    tr.add_argument("--envs", type=int, default=16, help="environments per batch (default 16)")
    tr.add_argument("--episode-limit", type=int, default=None, help="steps per episode")
    tr.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    tr.add_argument("--out", default=None, metavar="DIR", help="run folder")
    tr.add_argument("--resume", action="store_true", help="continue the run in --out")
    tr.add_argument(
        "--env-param", action="append", default=[], metavar="K=V", help="an environment parameter"
    )
    tr.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="K=V",
        help="a learner setting of AgentConfig (lr, hidden, gamma, entropy_coef, epochs, "
        "chunk, ...), for every agent",
    )
    tr.add_argument("--json", action="store_true", help="print the summary as JSON")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")
    rd = s.add_parser("render", help="play one episode of a trained run and write an animated GIF")
    rd.add_argument("checkpoint", metavar="CHECKPOINT", help="a run folder or its checkpoint.pt")
    rd.add_argument("--gif", required=True, metavar="FILE", help="the GIF to write")
    rd.add_argument("--steps", type=int, default=None, help="frames (default: one episode)")
    rd.add_argument("--fps", type=float, default=8.0, help="frames per second (default 8)")
    rd.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    rd.add_argument("--json", action="store_true", help="print the episode's metrics as JSON")


def run_command(args: argparse.Namespace) -> int:
    """Run ``cooplab ssd ...``; returns the exit status."""
    if importlib.util.find_spec("torch") is None:
        raise ValueError("cooplab ssd needs torch; install it with: pip install 'cooplab[learn]'")
    if args.ssd_command == "render":
        return _render(args)
    return _train(args)


def _train(args: argparse.Namespace) -> int:
    from cooplab.envs import make
    from cooplab.runtime.progress import ProgressBar
    from cooplab.ssd.learners import AgentConfig, PopulationConfig
    from cooplab.ssd.train import train

    if args.env not in SSD_ENVS:
        raise ValueError(f"unknown social dilemma {args.env!r}; known: {', '.join(SSD_ENVS)}")
    if args.steps < 1 or args.envs < 1:
        raise ValueError("--steps and --envs must be positive integers")
    params = parse_assignments(args.env_param, "--env-param")
    if args.agents is not None:
        params["n_agents"] = args.agents
    if args.episode_limit is not None:
        params["episode_limit"] = args.episode_limit
    spec = make(args.env, num_envs=1, **params).spec
    iterations = max(1, math.ceil(args.steps / (args.envs * spec.episode_limit)))
    settings = typed_assignments(
        args.set, {k: v for k, v in asdict(AgentConfig()).items() if k != "algorithm"}, "--set"
    )
    config = PopulationConfig(
        agents=(AgentConfig(algorithm=args.algorithm, **settings),),
        influence=args.influence,
        influence_weight=args.influence_weight,
    )
    with ProgressBar(f"{args.env}", enabled=not args.no_progress and not args.json) as bar:
        result, _ = train(
            args.env,
            iterations=iterations,
            num_envs=args.envs,
            config=config,
            rng=args.seed,
            env_params=params,
            progress=bar,
            out=args.out,
            resume=args.resume,
        )
    last = result.last(max(1, len(result.log) // 10))
    summary = {
        "env": args.env,
        "agents": spec.n_agents,
        "iterations": len(result.log),
        "t_env": result.log[-1].t_env if result.log else 0,
        "final": last,
        "out": args.out,
    }
    if args.json:
        print(json.dumps(summary, indent=2, default=float))
    else:
        print(
            f"{args.env}, {spec.n_agents} agents, {args.algorithm}, influence {args.influence}: "
            f"{summary['t_env']:,} environment steps; last tenth: collective return "
            f"{last.get('collective_return', float('nan')):.2f}, equality "
            f"{last.get('equality', float('nan')):.2f}, sustainability "
            f"{last.get('sustainability', float('nan')):.1f}, peace {last.get('peace', float('nan')):.2f}, "
            f"beam rate {last.get('beam_rate', float('nan')):.3f}"
        )
        if args.out:
            print(f"log and checkpoint in {args.out}")
    return 0


def _render(args: argparse.Namespace) -> int:
    import numpy as np
    import torch

    from cooplab.envs import make
    from cooplab.envs.ssd.render import write_gif
    from cooplab.ssd.metrics import social_outcomes
    from cooplab.ssd.train import load_run

    meta, pop = load_run(args.checkpoint)
    params = dict(meta["env_params"])
    if args.steps is not None:
        if args.steps < 1:
            raise ValueError(f"--steps must be a positive integer; got {args.steps}")
        params["episode_limit"] = args.steps
    env = make(meta["env"], num_envs=1, **params)
    frames: list[np.ndarray] = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        batch = pop.collect(env, np.random.default_rng(args.seed), frames=frames)
    finally:
        torch.set_num_threads(threads)
    path = write_gif(frames, args.gif, fps=args.fps)
    m = social_outcomes(
        batch.rewards.transpose(1, 0, 2),
        batch.out.transpose(1, 0, 2),
        batch.fired.transpose(1, 0, 2),
    ).mean()
    if args.json:
        print(json.dumps({"gif": str(path), "frames": len(frames), **m}, indent=2))
    else:
        print(
            f"{meta['env']}: {len(frames)} frames to {path}; collective return "
            f"{m['collective_return']:.1f}, beam rate {m['beam_rate']:.3f}"
        )
    return 0
