"""Helpers shared by the benchmark scripts: timing, tables, machine, command line, peers.

The scripts run as ``python benchmarks/<name>.py``, which puts this folder on
``sys.path``, so they import this module as ``_common``. Importing it imports
Gambit (or stops with a hint to install the bench extra) and Nashpy (``None``
when absent).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
import timeit
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from cooplab import __version__ as cooplab_version

try:
    import pygambit as gbt
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("this benchmark needs the bench extra: pip install -e '.[bench]'")
try:
    import nashpy
except ImportError:  # pragma: no cover
    nashpy = None

__all__ = [
    "bench_parser",
    "best_time",
    "cpu_model",
    "fmt_ratio",
    "fmt_time",
    "game_name",
    "gbt",
    "machine_lines",
    "markdown_table",
    "nashpy",
    "parse_run",
    "run_games",
]

RowT = TypeVar("RowT")


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------
def best_time(
    fn: Callable[[], object], repeats: int, min_time: float, once_above: float | None = None
) -> float:
    """Seconds per call: the best of ``repeats`` loops that each last at least ``min_time``.

    The loop length is found as ``timeit.Timer.autorange`` does, with a chosen
    target; the calibrating loop counts as the first repeat. With
    ``once_above``, a calibrating loop that lasts more than ``once_above``
    seconds is repeated once only.
    """
    timer = timeit.Timer(fn)
    number = 1
    while (elapsed := timer.timeit(number)) < min_time:
        number = max(2 * number, math.ceil(1.2 * number * min_time / max(elapsed, 1e-9)))
    more = 1 if once_above is not None and elapsed > once_above else repeats - 1
    runs = [elapsed, *timer.repeat(repeat=more, number=number)]
    return min(runs) / number


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------
def fmt_time(seconds: float | None) -> str:
    """A duration in µs, ms or s; ``-`` for ``None`` (no such call)."""
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(peer: float | None, ours: float) -> str:
    """``peer / ours`` as ``1.23x`` (whole numbers from 10 up); ``-`` for ``None``."""
    if peer is None:
        return "-"
    ratio = peer / ours
    return f"{ratio:,.2f}x" if ratio < 10 else f"{ratio:,.0f}x"


def game_name(shape: tuple[int, ...]) -> str:
    """``2p 10x10``: the number of players and the actions of each."""
    return f"{len(shape)}p " + "x".join(map(str, shape))


def markdown_table(head: str, rows: list[list[str]]) -> str:
    """A Markdown table: the header line ``head``, its separator, then one line per row of cells."""
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_lines(*extra_versions: str) -> list[str]:
    """CPU, Python and versions (cooplab, NumPy, Gambit, Nashpy, then ``extra_versions``)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    versions = [
        f"cooplab {cooplab_version}",
        f"numpy {np.__version__}",
        f"pygambit {gbt.__version__}",
        f"nashpy {nashpy.__version__}" if nashpy else "nashpy absent",
        *extra_versions,
    ]
    return [
        f"CPU: {cpu_model()}, {usable} usable cores (nproc)",
        f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.system()} {platform.machine()}",
        "Versions: " + ", ".join(versions),
    ]


# ---------------------------------------------------------------------------
# Command line and the run over the games
# ---------------------------------------------------------------------------
def bench_parser(doc: str, seed_help: str) -> argparse.ArgumentParser:
    """A parser with the options every script takes: ``--quick``, ``--seed``, ``--repeats``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller games and fewer repeats (a few seconds)"
    )
    parser.add_argument(
        "--seed", type=int, default=20240607, help=f"{seed_help} (default %(default)s)"
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="timing repeats (default 5, 3 with --quick)"
    )
    return parser


def parse_run(
    parser: argparse.ArgumentParser,
    argv: list[str] | None,
    quick_min_time: float,
    full_min_time: float,
) -> tuple[argparse.Namespace, int, float]:
    """The parsed options, the timing repeats and the seconds per timed loop."""
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 5)
    min_time = quick_min_time if args.quick else full_min_time  # seconds per timed loop
    if repeats < 1:
        parser.error("--repeats must be at least 1")
    return args, repeats, min_time


def run_games(
    sizes: Sequence[tuple[int, ...]],
    seed: int,
    bench_one: Callable[[tuple[int, ...], np.random.Generator], RowT],
) -> tuple[list[RowT], float]:
    """``bench_one`` on each game size in turn, with progress on stderr.

    Returns the rows and the ``time.perf_counter()`` at the start, for the
    total wall time.
    """
    rng = np.random.default_rng(seed)
    rows = []
    started = time.perf_counter()
    for shape in sizes:
        rows.append(bench_one(shape, rng))
        print(
            f"  done {'x'.join(map(str, shape))} ({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )
    return rows, started
