"""Time cooplab's learning dynamics against Nashpy's on the same games and steps.

In one process, on random games (payoffs uniform on [0, 1), a fixed seed)
and on the cyclic "rock-paper-scissors of n actions" (zero-sum, action i beats
the (n-1)/2 actions after it), with 10 or more actions:

Part ``replicator``
    One-population replicator dynamics ``x' = x (A x - x A x)`` at Nashpy's
    default time points ``linspace(0, 10, 1000)``: Nashpy's
    ``Game(A).replicator_dynamics(y0, timepoints)`` (``scipy.integrate.odeint``
    at its default tolerances, 1.49e-8) against cooplab's
    :func:`cooplab.learning.replicator_trajectories` at its defaults (rtol
    1e-8, atol 1e-10, ``method="auto"``), (a) from one start (cooplab: LSODA
    through ``odeint``, as Nashpy) and (b) from K starts (Nashpy: one call per
    start; cooplab: one call for all, the batched Runge-Kutta integrator
    ``dop853``). Printed for the answers: the largest difference between the
    two, and each one's largest error against a reference solution
    (``solve_ivp`` DOP853 at rtol 1e-13, atol 1e-15) on the first starts; and,
    as the floor of any method, the time to allocate and write an array of
    the output's shape ``(1000, K, a)``.
Part ``fictitious-play``
    Nashpy's ``Game(A, B).fictitious_play(iterations, play_counts)`` (consumed
    to the end) against cooplab's ``FictitiousPlay(game, initial=...).run(steps)``
    (event-driven for two players) and against stepping it one ``step()`` at a
    time. Both start from the same pair of actions (Nashpy: those play counts),
    and on random games (no ties) the play counts must come out identical or
    the script stops. On the cyclic games (integer payoffs) most steps tie
    and are broken at random, by each library's own generator, so there the
    play is not compared (``tests/learning/test_dynamics.py`` checks that
    ``run()`` makes exactly the draws of ``step()``).

Other parts (LOLA) are added as functions of the same shape: each returns
the lines it prints.

Usage::

    python benchmarks/learning.py                    # every part
    python benchmarks/learning.py --quick            # smaller games, fewer repeats
    python benchmarks/learning.py --parts fictitious-play
"""

from __future__ import annotations

import math
import os
import sys
import time
import timeit
from collections.abc import Callable

import _common as common
import numpy as np
import scipy.integrate

from cooplab.games.normal_form import NormalFormGame
from cooplab.learning import FictitiousPlay, replicator_trajectories

nashpy = common.nashpy
#: Clock of the replicator and fictitious-play timings: wall time, or with ``--cpu-time``
#: the process's CPU time (all its threads), which other work on a shared machine
#: disturbs far less.
TIMER: Callable[[], float] = time.perf_counter


def best_time(
    fn: Callable[[], object], repeats: int, min_time: float, once_above: float | None = None
) -> float:
    """``common.best_time`` on the clock :data:`TIMER`."""
    timer = timeit.Timer(fn, timer=TIMER)
    number = 1
    while (elapsed := timer.timeit(number)) < min_time:
        number = max(2 * number, math.ceil(1.2 * number * min_time / max(elapsed, 1e-9)))
    more = 1 if once_above is not None and elapsed > once_above else repeats - 1
    runs = [elapsed, *timer.repeat(repeat=more, number=number)]
    return min(runs) / number


TIMEPOINTS = np.linspace(0, 10, 1000)  # Nashpy's default for replicator_dynamics


def cyclic_game(n: int) -> np.ndarray:
    """Rock-paper-scissors of ``n`` (odd) actions: i beats the (n-1)/2 actions after it."""
    d = (np.arange(n)[None, :] - np.arange(n)[:, None]) % n
    return np.where(d == 0, 0.0, np.where(d <= (n - 1) // 2, 1.0, -1.0))


def _games(sizes: list[int], rng: np.random.Generator) -> list[tuple[str, np.ndarray, np.ndarray]]:
    out = []
    for n in sizes:
        out.append((f"random {n}x{n}", rng.random((n, n)), rng.random((n, n))))
        m = n if n % 2 else n + 1
        a = cyclic_game(m)
        out.append((f"cyclic RPS {m}x{m}", a, -a))
    return out


def part_replicator(args, repeats: int, min_time: float) -> list[str]:
    rng = np.random.default_rng(args.seed)
    sizes = [10, 20] if args.quick else [10, 20, 50]
    starts = 20 if args.quick else 100
    rows = []
    for name, A, _ in _games(sizes, rng):
        rows.append(_replicator_row(name, A, rng, starts, repeats, min_time))
        print(f"  done replicator {name}", file=sys.stderr)
    return [
        "Replicator dynamics, one population, t in linspace(0, 10, 1000):",
        common.markdown_table(
            "| game | Nashpy, 1 start | cooplab, 1 start | Nashpy / cooplab | K starts "
            "| Nashpy, K starts | cooplab, K starts (batched) | Nashpy / cooplab "
            "| max difference | error vs reference: Nashpy, cooplab | writing the output alone |",
            rows,
        ),
    ]


REFERENCE_STARTS = 5  # starts checked against the reference solution (it is slow)


def _reference(A: np.ndarray, y0: np.ndarray) -> np.ndarray:
    sol = scipy.integrate.solve_ivp(
        lambda _t, x: x * (A @ x - x @ A @ x),
        (TIMEPOINTS[0], TIMEPOINTS[-1]),
        y0,
        method="DOP853",
        rtol=1e-13,
        atol=1e-15,
        dense_output=True,
    )
    return sol.sol(TIMEPOINTS).T


def _replicator_row(
    name: str, A: np.ndarray, rng: np.random.Generator, starts: int, repeats: int, min_time: float
) -> list[str]:
    n = A.shape[0]
    y0 = rng.dirichlet(np.ones(n), size=starts)
    game = nashpy.Game(A)
    t_np1 = best_time(lambda: game.replicator_dynamics(y0[0], TIMEPOINTS), repeats, min_time)
    t_us1 = best_time(lambda: replicator_trajectories(A, y0[0], TIMEPOINTS), repeats, min_time)
    t_npk = best_time(
        lambda: [game.replicator_dynamics(y, TIMEPOINTS) for y in y0], repeats, min_time, 2.0
    )
    t_usk = best_time(lambda: replicator_trajectories(A, y0, TIMEPOINTS), repeats, min_time, 2.0)
    t_out = best_time(
        lambda: np.empty((TIMEPOINTS.shape[0], starts, n)).fill(0.5), repeats, min_time
    )
    theirs = np.stack([game.replicator_dynamics(y, TIMEPOINTS) for y in y0], axis=1)
    ours = replicator_trajectories(A, y0, TIMEPOINTS)
    diff = float(np.abs(theirs - ours).max())
    ref = np.stack([_reference(A, y) for y in y0[:REFERENCE_STARTS]], axis=1)
    err_np = float(np.abs(theirs[:, :REFERENCE_STARTS] - ref).max())
    err_us = float(np.abs(ours[:, :REFERENCE_STARTS] - ref).max())
    return [
        name,
        common.fmt_time(t_np1),
        common.fmt_time(t_us1),
        common.fmt_ratio(t_np1, t_us1),
        str(starts),
        common.fmt_time(t_npk),
        common.fmt_time(t_usk),
        common.fmt_ratio(t_npk, t_usk),
        f"{diff:.1e}",
        f"{err_np:.1e}, {err_us:.1e}",
        common.fmt_time(t_out),
    ]


def _nashpy_fp(A: np.ndarray, B: np.ndarray, steps: int, first: tuple[int, int]) -> list:
    counts = [np.eye(A.shape[0])[first[0]], np.eye(A.shape[1])[first[1]]]
    *_, last = nashpy.Game(A, B).fictitious_play(iterations=steps, play_counts=counts)
    return last


def part_fictitious_play(args, repeats: int, min_time: float) -> list[str]:
    rng = np.random.default_rng(args.seed + 1)
    sizes = [10, 50] if args.quick else [10, 50, 200]
    steps = 2000 if args.quick else 10000
    rows = []
    for name, A, B in _games(sizes, rng):
        rows.append(_fp_row(name, A, B, rng, steps, repeats, min_time))
        print(f"  done fictitious play {name}", file=sys.stderr)
    return [
        "Fictitious play (two players, simultaneous):",
        common.markdown_table(
            "| game | steps | Nashpy | cooplab run() | Nashpy / cooplab | cooplab step() loop "
            "| Nashpy / step loop | same play counts |",
            rows,
        ),
    ]


def _fp_row(
    name: str,
    A: np.ndarray,
    B: np.ndarray,
    rng: np.random.Generator,
    steps: int,
    repeats: int,
    min_time: float,
) -> list[str]:
    game = NormalFormGame.from_bimatrix(A, B)
    first = (int(rng.integers(A.shape[0])), int(rng.integers(A.shape[1])))

    def ours_fast() -> FictitiousPlay:
        return FictitiousPlay(game, initial=first, rng=0).run(steps)

    def ours_steps() -> FictitiousPlay:
        fp = FictitiousPlay(game, initial=first, rng=0)
        for _ in range(steps):
            fp.step()
        return fp

    t_np = best_time(lambda: _nashpy_fp(A, B, steps, first), repeats, min_time, 2.0)
    t_fast = best_time(ours_fast, repeats, min_time, 2.0)
    t_step = best_time(ours_steps, repeats, min_time, 2.0)
    same = "ties: not compared"
    if name.startswith("random"):
        theirs = _nashpy_fp(A, B, steps, first)
        fp = ours_fast()
        counts = [h.sum(axis=0) for h in fp.histories()]
        if not all(np.array_equal(c, t) for c, t in zip(counts, theirs, strict=True)):
            sys.exit(f"fictitious play on {name}: cooplab's play counts differ from Nashpy's")
        same = "yes"
    return [
        name,
        str(steps),
        common.fmt_time(t_np),
        common.fmt_time(t_fast),
        common.fmt_ratio(t_np, t_fast),
        common.fmt_time(t_step),
        common.fmt_ratio(t_np, t_step),
        same,
    ]


def part_lola(args, repeats: int, min_time: float) -> list[str]:
    """LOLA exact updates per second: one run at a time against runs batched as one tensor.

    No peer runs here (the authors' code is TensorFlow 1), so the ratio printed
    is batched throughput over one-run throughput, in run-updates per second.
    """
    from cooplab.learning.lola import MemoryOneLOLA

    steps = 20 if args.quick else 50
    rows = []
    for game in ("ipd", "imp"):
        for pair in ("naive-naive", "lola-lola"):
            single = common.best_time(
                lambda g=game, p=pair: MemoryOneLOLA(g, p, runs=1, rng=0).run(steps),
                repeats,
                min_time,
                2.0,
            )
            for runs in (10, 100):
                batched = common.best_time(
                    lambda g=game, p=pair, r=runs: MemoryOneLOLA(g, p, runs=r, rng=0).run(steps),
                    repeats,
                    min_time,
                    2.0,
                )
                rows.append(
                    [
                        game.upper(),
                        pair,
                        str(runs),
                        f"{steps / single:,.0f}",
                        f"{runs * steps / batched:,.0f}",
                        f"{(runs * steps / batched) / (steps / single):.1f}x",
                    ]
                )
        print(f"  done LOLA {game}", file=sys.stderr)
    return [
        f"LOLA with exact values (Taylor form), {steps} updates a run:",
        common.markdown_table(
            "| game | pairing | runs batched | run-updates/s, one run | run-updates/s, batched "
            "| batched / one run |",
            rows,
        ),
    ]


PARTS: dict[str, Callable[..., list[str]]] = {
    "replicator": part_replicator,
    "fictitious-play": part_fictitious_play,
    "lola": part_lola,
}


def main(argv: list[str] | None = None) -> None:
    parser = common.bench_parser(__doc__ or "", "seed of the random games")
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=list(PARTS),
        default=list(PARTS),
        help="which parts to run (default: all)",
    )
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time the replicator and fictitious-play parts in process CPU time, not wall time",
    )
    args, repeats, min_time = common.parse_run(parser, argv, 0.05, 0.2)
    global TIMER
    TIMER = time.process_time if args.cpu_time else time.perf_counter
    if nashpy is None:
        sys.exit("this benchmark needs Nashpy (the bench extra)")
    for line in common.machine_lines():
        print(line)
    clock = "process CPU time" if args.cpu_time else "wall time"
    print(f"Seed {args.seed}; best of {repeats} timing loops of at least {min_time:g} s each.")
    print(f"Clock (replicator, fictitious play): {clock}; load average {os.getloadavg()[0]:.2f}.")
    started = time.perf_counter()
    for part in args.parts:
        print()
        for line in PARTS[part](args, repeats, min_time):
            print(line)
    print(f"\nTotal wall time {time.perf_counter() - started:.1f} s.")


if __name__ == "__main__":
    main()
