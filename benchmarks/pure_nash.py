"""Time cooplab's pure-equilibrium enumeration against Gambit (and Nashpy).

In one process, on the same random games (fixed seed), this times

* cooplab: ``NormalFormGame.pure_nash_equilibria()`` (a vectorised pass over
  the payoff array, one per player);
* Gambit: ``pygambit.nash.enumpure_solve(game)`` (C++, exact rational
  arithmetic; the timed call returns Gambit's profile objects, which are turned
  into index tuples outside the timed region);
* Nashpy, for two-player games only: Nashpy has no pure-equilibrium
  enumerator, so its column times the brute-force search one writes with its
  public API, ``Game.is_best_response(e_r, e_c)`` for every pure profile
  ``(r, c)`` (``e_r`` the r-th unit vector), keeping the profiles where both
  entries are ``True``. Each such call runs under a time limit
  (``--nashpy-limit``, checked between profiles) and is reported as ``>limit``
  when it runs out.

Game construction is timed separately (``NormalFormGame(payoffs)`` against
``pygambit.Game.from_arrays(*payoffs)``) and is not part of the solve times.
Before any time is recorded the answers are compared: the sets of equilibria
(as action-index tuples) must be equal, or the script stops with an error.

Payoffs are random integers 0..9, so ties are common and most games have
several pure equilibria (random continuous payoffs have about one), which makes
the agreement check meaningful.

cooplab and Gambit build and solve times are the best of ``--repeats`` loops,
each of enough calls to last at least 0.1 s (0.02 s with ``--quick``), divided
by the number of calls; Nashpy's brute force is run once per repeat (twice in
all when one run exceeds a second) and the best run is reported.

Usage::

    python benchmarks/pure_nash.py            # the full run, well under 2 minutes
    python benchmarks/pure_nash.py --quick    # smaller games, a few seconds
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cooplab import __version__ as cooplab_version
from cooplab.games import NormalFormGame

try:
    import pygambit as gbt
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("this benchmark needs the bench extra: pip install -e '.[bench]'")
try:
    import nashpy
except ImportError:  # pragma: no cover
    nashpy = None

FULL_SIZES: list[tuple[int, ...]] = [(10, 10), (50, 50), (200, 200), (10, 10, 10), (8, 8, 8, 8)]
QUICK_SIZES: list[tuple[int, ...]] = [(10, 10), (50, 50), (5, 5, 5), (4, 4, 4, 4)]


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------
def best_time(fn: Callable[[], object], repeats: int, min_time: float) -> float:
    """Seconds per call: the best of ``repeats`` loops that each last at least ``min_time``.

    The loop length is found as ``timeit.Timer.autorange`` does, with a chosen
    target; the calibrating loop counts as the first repeat.
    """
    timer = timeit.Timer(fn)
    number = 1
    while (elapsed := timer.timeit(number)) < min_time:
        number = max(2 * number, math.ceil(1.2 * number * min_time / max(elapsed, 1e-9)))
    runs = [elapsed, *timer.repeat(repeat=repeats - 1, number=number)]
    return min(runs) / number


class TimeLimitExceeded(Exception):
    pass


def nashpy_pure_equilibria(game, shape: tuple[int, int], limit: float) -> set[tuple[int, int]]:
    """Pure equilibria by Nashpy's ``is_best_response`` over every pure profile.

    Raises ``TimeLimitExceeded`` once ``limit`` seconds have passed (checked
    after every row of profiles).
    """
    rows, cols = np.eye(shape[0]), np.eye(shape[1])
    deadline = time.perf_counter() + limit
    found = set()
    for r in range(shape[0]):
        for c in range(shape[1]):
            row_ok, col_ok = game.is_best_response(rows[r], cols[c])
            if row_ok and col_ok:
                found.add((r, c))
        if time.perf_counter() > deadline:
            raise TimeLimitExceeded
    return found


def gambit_profiles_to_tuples(game, equilibria) -> set[tuple[int, ...]]:
    """Action-index tuples of Gambit's pure equilibria (profiles with 0/1 probabilities)."""
    out = set()
    for eq in equilibria:
        out.add(
            tuple(next(k for k, s in enumerate(p.strategies) if eq[s] == 1) for p in game.players)
        )
    return out


# ---------------------------------------------------------------------------
# One game
# ---------------------------------------------------------------------------
@dataclass
class Row:
    shape: tuple[int, ...]
    n_equilibria: int
    build_cooplab: float
    build_gambit: float
    solve_cooplab: float
    solve_gambit: float
    solve_nashpy: float | None  # None: not applicable
    nashpy_note: str = ""


def bench_one(
    shape: tuple[int, ...],
    rng: np.random.Generator,
    repeats: int,
    min_time: float,
    nashpy_limit: float,
) -> Row:
    payoffs = rng.integers(0, 10, size=(len(shape), *shape))

    # -- construction (timed separately) ---------------------------------
    ours = NormalFormGame(payoffs)
    theirs = gbt.Game.from_arrays(*payoffs)
    build_cooplab = best_time(lambda: NormalFormGame(payoffs), repeats, min_time)
    build_gambit = best_time(lambda: gbt.Game.from_arrays(*payoffs), repeats, min_time)

    # -- agreement first -------------------------------------------------
    ours_eq = set(ours.pure_nash_equilibria())
    gambit_eq = gambit_profiles_to_tuples(theirs, gbt.nash.enumpure_solve(theirs).equilibria)
    if ours_eq != gambit_eq:
        raise AssertionError(
            f"{shape}: cooplab and Gambit disagree: only cooplab {sorted(ours_eq - gambit_eq)}, "
            f"only Gambit {sorted(gambit_eq - ours_eq)}"
        )

    # -- solve times -----------------------------------------------------
    solve_cooplab = best_time(ours.pure_nash_equilibria, repeats, min_time)
    solve_gambit = best_time(lambda: gbt.nash.enumpure_solve(theirs), repeats, min_time)

    solve_nashpy: float | None = None
    note = "n/a (2 players only)" if len(shape) != 2 else ""
    if len(shape) == 2 and nashpy is None:
        note = "nashpy not installed"
    elif len(shape) == 2:
        game = nashpy.Game(payoffs[0], payoffs[1])
        try:
            t0 = time.perf_counter()
            nashpy_eq = nashpy_pure_equilibria(game, shape, nashpy_limit)
            first = time.perf_counter() - t0
        except TimeLimitExceeded:
            note = f">{nashpy_limit:g} s"
        else:
            if nashpy_eq != ours_eq:
                raise AssertionError(f"{shape}: cooplab and the Nashpy brute force disagree")
            runs = [first]
            for _ in range(repeats - 1 if first < 1.0 else 1):
                t0 = time.perf_counter()
                nashpy_pure_equilibria(game, shape, nashpy_limit)
                runs.append(time.perf_counter() - t0)
            solve_nashpy = min(runs)

    return Row(
        shape,
        len(ours_eq),
        build_cooplab,
        build_gambit,
        solve_cooplab,
        solve_gambit,
        solve_nashpy,
        note,
    )


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_lines() -> list[str]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    versions = [
        f"cooplab {cooplab_version}",
        f"numpy {np.__version__}",
        f"pygambit {gbt.__version__}",
        f"nashpy {nashpy.__version__}" if nashpy else "nashpy absent",
    ]
    return [
        f"CPU: {cpu_model()}, {usable} usable cores (nproc)",
        f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.system()} {platform.machine()}",
        "Versions: " + ", ".join(versions),
    ]


def table(rows: list[Row]) -> str:
    head = (
        "| game | profiles | pure NE | build cooplab | build Gambit | solve cooplab "
        "| solve Gambit | Gambit / cooplab | solve Nashpy (brute force) | Nashpy / cooplab |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        profiles = int(np.prod(r.shape))
        name = f"{len(r.shape)}p " + "x".join(map(str, r.shape))
        if r.solve_nashpy is None:
            nash_t, nash_ratio = r.nashpy_note, "-"
        else:
            nash_t, nash_ratio = (
                fmt_time(r.solve_nashpy),
                f"{r.solve_nashpy / r.solve_cooplab:,.0f}x",
            )
        lines.append(
            f"| {name} | {profiles:,} | {r.n_equilibria} | {fmt_time(r.build_cooplab)} | "
            f"{fmt_time(r.build_gambit)} | {fmt_time(r.solve_cooplab)} | {fmt_time(r.solve_gambit)} | "
            f"{r.solve_gambit / r.solve_cooplab:,.1f}x | {nash_t} | {nash_ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller games and fewer repeats (a few seconds)"
    )
    parser.add_argument(
        "--seed", type=int, default=20240607, help="seed of the random games (default %(default)s)"
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="timing repeats (default 5, 3 with --quick)"
    )
    parser.add_argument(
        "--nashpy-limit",
        type=float,
        default=20.0,
        help="time limit of one Nashpy brute-force call, s (default %(default)s)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    repeats = args.repeats or (3 if args.quick else 5)
    min_time = 0.02 if args.quick else 0.1  # seconds per timed loop
    if repeats < 1:
        parser.error("--repeats must be at least 1")

    print("\n".join(machine_lines()))
    print(
        f"Seed {args.seed}; payoffs random integers 0..9; build and solve times: best of "
        f"{repeats} loops of >= {min_time:g} s each, per call.\n",
        flush=True,
    )
    rng = np.random.default_rng(args.seed)
    rows = []
    started = time.perf_counter()
    for shape in sizes:
        rows.append(bench_one(shape, rng, repeats, min_time, args.nashpy_limit))
        print(
            f"  done {'x'.join(map(str, shape))} ({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )
    print(table(rows))
    print(
        "\nAll answers agreed (sets of pure equilibria: cooplab = Gambit everywhere, = the Nashpy "
        "brute force wherever it finished). "
        "Ratios above 1 mean cooplab is faster. Build times are not part of solve times."
    )
    print(f"Total wall time {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
