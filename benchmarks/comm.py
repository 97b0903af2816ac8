"""Emergent communication: referential-game training steps per second, and Lewis learners batched.

Part ``referential``: training steps per second of cooplab's referential game
(GRU sender and receiver, REINFORCE and Gumbel-Softmax) at a few sizes. The
peer would be EGG's signal game (Kharitonov et al. 2019); EGG is timed when it
imports (``egg.core``), and otherwise the script says so and measures cooplab
alone (EGG is not installed in this project's environment and there is no
network to install it).

Part ``lewis``: Roth–Erev plays per second in the Lewis game, cooplab's
batched learner (runs as rows of arrays) against the same learner run one
run at a time (a plain Python urn, the way a per-agent simulation is written),
on the same number of runs and plays; ratio printed.

Usage: ``python benchmarks/comm.py [--quick] [--parts referential,lewis]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import time

import numpy as np

from cooplab import __version__ as cooplab_version
from cooplab.comm.lewis import LewisGame, RothErev


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = [f"cooplab {cooplab_version}", f"numpy {np.__version__}"]
    if importlib.util.find_spec("torch") is not None:
        import torch

        versions.append(f"torch {torch.__version__}")
    return f"{cpu}, {usable} usable CPUs, Python {platform.python_version()}; " + ", ".join(
        versions
    )


def _plain_urn(n: int, runs: int, plays: int, seed: int) -> float:
    """One run at a time in plain Python (the unbatched way); returns seconds."""
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for _ in range(runs):
        sender = [[1.0] * n for _ in range(n)]
        receiver = [[1.0] * n for _ in range(n)]
        u = rng.random((plays, 3))
        for k in range(plays):
            state = min(int(u[k, 0] * n), n - 1)
            row = sender[state]
            x, acc, signal = u[k, 1] * sum(row), 0.0, n - 1
            for j, w in enumerate(row):
                acc += w
                if x < acc:
                    signal = j
                    break
            row2 = receiver[signal]
            x, acc, act = u[k, 2] * sum(row2), 0.0, n - 1
            for j, w in enumerate(row2):
                acc += w
                if x < acc:
                    act = j
                    break
            if act == state:
                row[signal] += 1.0
                row2[act] += 1.0
    return time.perf_counter() - start


def part_lewis(quick: bool) -> None:
    print("\n## Lewis game: Roth–Erev plays per second (run-plays/s)\n")
    print("| states | runs | plays | plain Python, one run at a time | cooplab batched | ratio |")
    print("|---|---|---|---|---|---|")
    sizes = (
        [(3, 100, 2000), (3, 1000, 2000)]
        if quick
        else [(3, 100, 10_000), (3, 1000, 10_000), (3, 10_000, 2_000), (8, 1000, 10_000)]
    )
    for n, runs, plays in sizes:
        # the plain loop is timed on a tenth of the runs (at most 100) and scaled: it is linear
        # in runs
        sub = max(1, min(runs // 10, 100))
        plain = _plain_urn(n, sub, plays, 0) * runs / sub
        start = time.perf_counter()
        RothErev(LewisGame(n), runs=runs, rng=0).run(plays)
        batched = time.perf_counter() - start
        work = runs * plays
        print(
            f"| {n} | {runs:,} | {plays:,} | {work / plain:,.0f} | {work / batched:,.0f} | "
            f"{plain / batched:.1f}x |"
        )


def part_referential(quick: bool) -> None:
    if importlib.util.find_spec("torch") is None:
        print("\n(referential part skipped: torch is not installed; pip install 'cooplab[learn]')")
        return
    from cooplab.comm.referential import ReferentialConfig, train_referential

    egg = importlib.util.find_spec("egg") is not None
    print("\n## Referential game: training steps per second\n")
    if not egg:
        print(
            "EGG (facebookresearch/EGG) is not installed here and there is no network to install "
            "it: cooplab is measured alone, no ratio.\n"
        )
    print("| objects | distractors | vocab x max_len | batch | method | steps/s | games/s |")
    print("|---|---|---|---|---|---|---|")
    sizes = (
        [(2, 5, 3, 10, 3, 64)]
        if quick
        else [(2, 5, 3, 10, 3, 64), (3, 5, 7, 10, 3, 64), (3, 10, 7, 20, 4, 128)]
    )
    steps = 100 if quick else 200
    for n_attr, n_val, dis, vocab, max_len, batch in sizes:
        for method in ("reinforce", "gumbel"):
            cfg = ReferentialConfig(
                n_attributes=n_attr,
                n_values=n_val,
                n_distractors=dis,
                vocab_size=vocab,
                max_len=max_len,
                batch_size=batch,
                method=method,
                steps=steps,
                eval_every=steps,
                holdout=0.1,
            )
            train_referential(
                ReferentialConfig(**{**cfg.__dict__, "steps": 5, "eval_every": 5}), rng=0
            )
            res = train_referential(cfg, rng=0)
            rate = steps / res.seconds
            print(
                f"| {n_val}^{n_attr} = {n_val**n_attr:,} | {dis} | {vocab} x {max_len} | {batch} | "
                f"{method} | {rate:,.0f} | {rate * batch:,.0f} |"
            )
    print(
        "\n(steps/s include one evaluation at the end, over every training and held-out target "
        "with 4 draws of distractors each.)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few seconds)")
    parser.add_argument("--parts", default="referential,lewis", help="comma-separated parts")
    args = parser.parse_args()
    print(f"Machine: {_machine()}")
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    for part in parts:
        if part == "referential":
            part_referential(args.quick)
        elif part == "lewis":
            part_lewis(args.quick)
        else:
            raise SystemExit(f"unknown part {part!r}; expected referential or lewis")


if __name__ == "__main__":
    main()
