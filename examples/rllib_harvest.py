"""RLlib PPO on a cooplab sequential social dilemma, one policy per agent.

cooplab's environments speak PettingZoo's Parallel API
(``cooplab.envs.pettingzoo.parallel_env``), so RLlib trains on them through its
own PettingZoo wrapper, ``ParallelPettingZooEnv``, as on any PettingZoo game.
This script registers ``cooplab-<env>`` with ``ray.tune.registry.register_env``
and trains independent PPO learners (RLlib's new API stack: one ``RLModule``
per agent, ``agent_i -> policy agent_i``) with a small convolutional encoder on
the agents' egocentric ``(11, 11, C)`` views. Each iteration prints every
agent's mean episode return and Perolat et al.'s (2017) social outcome metrics
(``cooplab.ssd.metrics``), both over the last 20 episodes.

Needs ``pip install "cooplab[ray,bench,learn]"`` (RLlib, PettingZoo, torch).
Run from the repository root::

    python examples/rllib_harvest.py                     # harvest_v1, 5 agents, 5 iterations
    python examples/rllib_harvest.py --env cleanup_v1 --agents 3 --iterations 20

Same ``--seed``, same numbers within one Python process, or across processes
under a fixed ``PYTHONHASHSEED``: RLlib keeps agent ids in sets, so the order in
which the agents draw their actions from torch's generator follows Python's
string hashing, which is salted per process unless that variable is set.

The defaults (5 agents, episodes of 100 steps, 1000 environment steps an
iteration) take about half a minute on two CPU cores, most of it RLlib's
sampling loop (about 150 environment steps a second here); they show the
plumbing, not learning: Hughes et al. (2018) and Jaques et al. (2019) trained
for hundreds of millions of steps.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from cooplab.envs.pettingzoo import ParallelView
from cooplab.ssd.metrics import social_outcomes

SSD_ENVS = ("harvest_v1", "cleanup_v1", "gathering_v1", "wolfpack_v1")
SOCIAL = ("collective_return", "equality", "sustainability", "peace", "beam_rate")
SMOOTHING = 20  # episodes: returns and metrics are means over the last 20 that ended


class SocialView(ParallelView):
    """The PettingZoo view that also records the episode for the social outcome metrics.

    At the last step of an episode every agent's info carries
    ``"social_outcomes"``: :meth:`cooplab.ssd.metrics.SocialOutcomes.mean` of
    the episode (rewards, beam use and tag-outs from ``env.events``).
    """

    def reset(self, seed=None, options=None):
        self._rewards: list[np.ndarray] = []
        self._fired: list[np.ndarray] = []
        self._out: list[np.ndarray] = []
        return super().reset(seed=seed, options=options)

    def step(self, actions):
        obs, rewards, terminations, truncations, infos = super().step(actions)
        events = self.core.events
        self._rewards.append(np.array([rewards[a] for a in self.possible_agents]))
        self._fired.append(events["fired"][0].copy())
        self._out.append(events["out"][0].copy())
        if not self.agents:  # the episode ended
            outcomes = social_outcomes(
                np.array(self._rewards)[None],
                np.array(self._out)[None],
                np.array(self._fired)[None],
            ).mean()
            for a in self.possible_agents:
                infos[a]["social_outcomes"] = outcomes
        return obs, rewards, terminations, truncations, infos


def make_env(config: dict[str, Any]):
    """RLlib's env creator: ``ParallelPettingZooEnv`` around cooplab's view of ``config["env"]``."""
    from ray.rllib.env.wrappers.pettingzoo_env import ParallelPettingZooEnv

    from cooplab.envs import make

    params = {k: v for k, v in config.items() if k != "env"}
    view = SocialView(make(config["env"], num_envs=1, **params))
    env = ParallelPettingZooEnv(view)
    # the wrapper lists the agents in set order; list them in the view's order instead
    env.agents = list(view.possible_agents)
    env.possible_agents = list(view.possible_agents)
    return env


def social_callback():
    """An ``RLlibCallback`` that logs each ended episode's social outcome metrics."""
    from ray.rllib.callbacks.callbacks import RLlibCallback

    class SocialOutcomeLogger(RLlibCallback):
        def on_episode_end(self, *, episode, metrics_logger=None, **kwargs):
            infos = episode.get_infos(-1)
            outcomes = next(iter(infos.values()), {}).get("social_outcomes")
            if outcomes is None or metrics_logger is None:
                return
            for name in SOCIAL:
                if math.isfinite(outcomes[name]):
                    metrics_logger.log_value(("social", name), outcomes[name], window=SMOOTHING)

    return SocialOutcomeLogger


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--env", default="harvest_v1", choices=SSD_ENVS)
    p.add_argument("--agents", type=int, default=None, help="number of agents (env default)")
    p.add_argument("--iterations", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--num-env-runners", type=int, default=0, help="0: sample in this process")
    p.add_argument("--episode-limit", type=int, default=100, help="steps per episode")
    p.add_argument("--train-batch", type=int, default=1000, help="env steps per iteration")
    p.add_argument("--minibatch", type=int, default=250)
    p.add_argument("--epochs", type=int, default=4)
    args = p.parse_args(argv)
    for name in ("iterations", "episode_limit", "train_batch", "minibatch", "epochs"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.minibatch > args.train_batch:
        p.error(f"--minibatch {args.minibatch} is larger than --train-batch {args.train_batch}")
    if args.agents is not None and args.agents < 1:
        p.error("--agents must be at least 1")
    if args.num_env_runners < 0:
        p.error("--num-env-runners must be 0 or more")
    return args


def build_config(args: argparse.Namespace):
    """The ``PPOConfig``: one RLModule per agent, a small CNN on the ``(11, 11, C)`` views."""
    from ray.rllib.algorithms.ppo import PPOConfig
    from ray.rllib.core.rl_module.default_model_config import DefaultModelConfig
    from ray.rllib.core.rl_module.multi_rl_module import MultiRLModuleSpec
    from ray.rllib.core.rl_module.rl_module import RLModuleSpec
    from ray.tune.registry import register_env

    env_config: dict[str, Any] = {"env": args.env, "episode_limit": args.episode_limit}
    if args.agents is not None:
        env_config["n_agents"] = args.agents
    name = f"cooplab-{args.env}"
    register_env(name, make_env)
    agents = [f"agent_{i}" for i in range(make_env(env_config).par_env.spec.n_agents)]

    return (
        PPOConfig()
        .environment(name, env_config=env_config)
        .framework("torch")
        .env_runners(num_env_runners=args.num_env_runners, num_envs_per_env_runner=1)
        .multi_agent(
            policies=list(agents),  # a list, not a set: its order must not vary by hash seed
            # independent learners: agent_i is trained as policy agent_i
            policy_mapping_fn=lambda agent_id, episode, **kwargs: agent_id,
        )
        .rl_module(
            rl_module_spec=MultiRLModuleSpec(rl_module_specs={a: RLModuleSpec() for a in agents}),
            model_config=DefaultModelConfig(
                # 11x11xC -> 6x6x16 -> 3x3x32, flattened; then 64-unit heads
                conv_filters=[(16, 3, 2), (32, 3, 2)],
                head_fcnet_hiddens=[64],
                vf_share_layers=True,
            ),
        )
        .training(
            train_batch_size_per_learner=args.train_batch,
            minibatch_size=args.minibatch,
            num_epochs=args.epochs,
            lr=3e-4,
            gamma=0.99,
            entropy_coeff=0.01,
        )
        .callbacks(social_callback())
        .debugging(seed=args.seed, log_level="ERROR")
        .reporting(metrics_num_episodes_for_smoothing=SMOOTHING)
    )


def main(argv: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Train and print; returns one dict per iteration.

    Each dict: ``"iteration"``, ``"env_steps"`` (sampled so far),
    ``"returns"`` (``{agent: mean episode return}`` over the last
    ``SMOOTHING`` episodes, NaN before the first episode ended) and ``"social"``
    (the social outcome metrics of :func:`cooplab.ssd.metrics.social_outcomes`).
    """
    args = parse_args(argv)
    try:
        import ray
        import ray.rllib
        import torch
    except ImportError as err:
        raise SystemExit(
            f"this example needs RLlib and torch ({err}): pip install 'cooplab[ray,bench,learn]'"
        ) from None

    config = build_config(args)
    started = not ray.is_initialized()
    if started:
        # address="local": always a fresh instance, never a cluster that `ray start`
        # left running on this machine (ray.init() would join that one)
        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    # the learner runs in this process: one torch thread is as fast here and, on a
    # busy 2-core machine, 1.7x faster than two (measured: 42 s against 72 s)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    log: list[dict[str, Any]] = []
    algo = None
    try:
        algo = config.build_algo()
        agents = sorted(config.policies, key=lambda a: int(a.rpartition("_")[2]))
        for it in range(1, args.iterations + 1):
            result = algo.train()
            runners = result.get("env_runners", {})
            per_agent = runners.get("agent_episode_returns_mean", {})
            social = runners.get("social", {})
            row = {
                "iteration": it,
                "env_steps": int(result.get("num_env_steps_sampled_lifetime", 0)),
                "returns": {a: float(per_agent.get(a, math.nan)) for a in agents},
                "social": {k: float(social[k]) for k in SOCIAL if k in social},
            }
            log.append(row)
            returns = " ".join(f"{r:5.1f}" for r in row["returns"].values())
            outcomes = "  ".join(f"{k} {v:.3g}" for k, v in row["social"].items())
            print(f"iter {it:3d}  steps {row['env_steps']:6d}  returns {returns}  {outcomes}")
    finally:
        if algo is not None:
            algo.stop()
        torch.set_num_threads(threads)
        if started:
            ray.shutdown()
    return log


if __name__ == "__main__":
    main()
