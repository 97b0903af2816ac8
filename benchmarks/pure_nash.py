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

import sys
import time
from dataclasses import dataclass

import _common as common
import numpy as np
from _common import gbt, nashpy

from cooplab.games import NormalFormGame

FULL_SIZES: list[tuple[int, ...]] = [(10, 10), (50, 50), (200, 200), (10, 10, 10), (8, 8, 8, 8)]
QUICK_SIZES: list[tuple[int, ...]] = [(10, 10), (50, 50), (5, 5, 5), (4, 4, 4, 4)]


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
    build_cooplab = common.best_time(lambda: NormalFormGame(payoffs), repeats, min_time)
    build_gambit = common.best_time(lambda: gbt.Game.from_arrays(*payoffs), repeats, min_time)

    # -- agreement first -------------------------------------------------
    ours_eq = set(ours.pure_nash_equilibria())
    gambit_eq = gambit_profiles_to_tuples(theirs, gbt.nash.enumpure_solve(theirs).equilibria)
    if ours_eq != gambit_eq:
        raise AssertionError(
            f"{shape}: cooplab and Gambit disagree: only cooplab {sorted(ours_eq - gambit_eq)}, "
            f"only Gambit {sorted(gambit_eq - ours_eq)}"
        )

    # -- solve times -----------------------------------------------------
    solve_cooplab = common.best_time(ours.pure_nash_equilibria, repeats, min_time)
    solve_gambit = common.best_time(lambda: gbt.nash.enumpure_solve(theirs), repeats, min_time)

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
def table(rows: list[Row]) -> str:
    table_rows = []
    for r in rows:
        if r.solve_nashpy is None:
            nash_t, nash_ratio = r.nashpy_note, "-"
        else:
            nash_t, nash_ratio = (
                common.fmt_time(r.solve_nashpy),
                f"{r.solve_nashpy / r.solve_cooplab:,.0f}x",
            )
        table_rows.append(
            [
                common.game_name(r.shape),
                f"{int(np.prod(r.shape)):,}",
                f"{r.n_equilibria}",
                *map(common.fmt_time, [r.build_cooplab, r.build_gambit]),
                *map(common.fmt_time, [r.solve_cooplab, r.solve_gambit]),
                f"{r.solve_gambit / r.solve_cooplab:,.1f}x",
                nash_t,
                nash_ratio,
            ]
        )
    return common.markdown_table(
        "| game | profiles | pure NE | build cooplab | build Gambit | solve cooplab "
        "| solve Gambit | Gambit / cooplab | solve Nashpy (brute force) | Nashpy / cooplab |",
        table_rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = common.bench_parser(__doc__, "seed of the random games")
    parser.add_argument(
        "--nashpy-limit",
        type=float,
        default=20.0,
        help="time limit of one Nashpy brute-force call, s (default %(default)s)",
    )
    args, repeats, min_time = common.parse_run(parser, argv, 0.02, 0.1)
    sizes = QUICK_SIZES if args.quick else FULL_SIZES

    print("\n".join(common.machine_lines()))
    print(
        f"Seed {args.seed}; payoffs random integers 0..9; build and solve times: best of "
        f"{repeats} loops of >= {min_time:g} s each, per call.\n",
        flush=True,
    )
    rows, started = common.run_games(
        sizes,
        args.seed,
        lambda shape, rng: bench_one(shape, rng, repeats, min_time, args.nashpy_limit),
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
