"""Time cooplab's two-player equilibrium solvers against Nashpy and Gambit.

Three parts, each on seeded random games (payoffs independent standard normal
floats, so the games are nondegenerate with probability one), with cooplab
run in this process and every peer call in a forked child process under a
hard time limit (a peer that runs out of time is killed and recorded as
``>limit``):

``enum`` -- all equilibria, square games 4x4 to 10x10:

* cooplab ``support_enumeration(game)`` and ``vertex_enumeration(game)``
  (floating point), and the same with ``exact=True`` (fractions);
* Gambit ``pygambit.nash.enummixed_solve(game, rational=False)`` and
  ``rational=True`` (C++; it enumerates the vertices of the best-response
  polytopes);
* Nashpy ``list(Game(A, B).support_enumeration())`` (its default, which tries
  every pair of supports, of unequal sizes too), the same with
  ``non_degenerate=True`` (equal sizes only, as cooplab does; Nashpy then
  sets its tolerance to 0, and an off-support probability that comes out of
  ``np.linalg.solve`` as 1e-17 instead of 0 loses the equilibrium), and
  ``list(Game(A, B).vertex_enumeration())``.

  The reference is Gambit's floating-point answer: every other answer is
  compared with it (the same number of equilibria, each profile within 1e-6
  of one of Gambit's), and the disagreements are listed. Nashpy is known to
  miss equilibria; its misses are counted, never used as the truth.

``lh`` -- one equilibrium by Lemke-Howson, square games 10x10 to 200x200:

* cooplab ``lemke_howson(game, 0, max_pivots=...)`` (initial label 0,
  floating point, lexicographic ratio test; ``--max-pivots`` caps the path,
  and a game over the cap is reported as such, with the time it ran);
* Nashpy ``Game(A, B).lemke_howson(initial_dropped_label=0)``;
* Gambit ``pygambit.nash.lcp_solve(game, rational=False, stop_after=1)``.

  Path lengths on random games are heavy-tailed (at 200x200 some games need
  hundreds of thousands of pivots), so each game is reported on its own with
  cooplab's pivot count and time per pivot; times are compared only on the
  games where both libraries finished. Each answer is checked to be an
  equilibrium (regret at most 1e-6, probabilities summing to 1); Gambit may
  follow another path, so whether it found the same equilibrium as cooplab is
  shown but not required.

``lp`` -- a 500x500 zero-sum game (``B = -A``) by linear programming:
cooplab ``solve_zero_sum(game)`` (scipy HiGHS), Nashpy
``Game(A, -A).linear_program()`` (scipy ``linprog``, one program per player)
and Gambit ``lp_solve(game, rational=False)``. The values must agree within
1e-6 and every answer's regret be at most 1e-6.

Timing (the same rule for every library): a call is timed once; if it took
less than 1 s, it is timed again in up to ``--repeats`` loops, each of as
many calls as last 0.1 s (0.02 s with ``--quick``) at the first call's speed,
stopping early once the loops have taken 3 s, and the best time per call is
kept; calls of 1 s or more are timed once. Building each library's game object
(``NormalFormGame.from_bimatrix``, ``pygambit.Game.from_arrays``,
``nashpy.Game``) is not timed.

A peer that runs out of time in ``enum`` is not run again on the rest of that
size or on larger sizes (its time grows with the size), and counts there as
``>limit``; in ``lh`` Nashpy is dropped for the rest of the part after two
time-outs (its float "integer pivoting" loses the basis on larger games and
does not terminate), while Gambit runs on every game.

Usage::

    python benchmarks/equilibria.py            # all three parts, 4-6 minutes on 2 cores
    python benchmarks/equilibria.py --quick    # smaller games, well under a minute
    python benchmarks/equilibria.py --parts lh --lh-sizes 100,200 --lh-games 6 \
        --lh-limit 60 --max-pivots 100000     # more of the heavy tail
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import _common as common
import numpy as np
from _common import gbt, nashpy

import cooplab
from cooplab.equilibria.lemke_howson import lemke_howson
from cooplab.equilibria.result import TooExpensiveError
from cooplab.equilibria.support_enumeration import support_enumeration
from cooplab.equilibria.vertex_enumeration import vertex_enumeration
from cooplab.equilibria.zero_sum import solve_zero_sum
from cooplab.games import NormalFormGame

PARTS = ("enum", "lh", "lp")
FULL = {"enum": [4, 6, 8, 10], "lh": [10, 20, 50, 100, 200], "lp": [500]}
QUICK = {"enum": [4, 6], "lh": [10, 20, 50], "lp": [100]}
#: Two profiles are the same equilibrium when no probability differs by more.
PROFILE_TOL = 1e-6
#: An answer is an equilibrium when its regret is at most this (payoffs ~ N(0, 1)).
REGRET_TOL = 1e-6
#: Calls at least this long are timed once.
ONCE = 1.0
#: The timing loops of one call stop once they have taken this long, s.
BUDGET = 3.0
_PART_ID = {"enum": 1, "lh": 2, "lp": 3}


def draw_games(seed: int, part: str, n: int, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The ``count`` first games of size n x n of a part: (A, B) standard normal.

    Each size has its own stream, so asking for more games keeps the first ones.
    """
    rng = np.random.default_rng([seed, _PART_ID[part], n])
    return [tuple(rng.standard_normal((2, n, n))) for _ in range(count)]  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Timing, in this process and in a child under a time limit
# ---------------------------------------------------------------------------
def best_of(call: Callable[[], Any], first: float, repeats: int, min_time: float) -> float:
    """Seconds per call: the best of ``first`` and of up to ``repeats`` timed loops.

    Each loop makes enough calls to last ``min_time`` at the first call's
    speed; the loops stop early once they have taken ``BUDGET`` seconds in
    all (a call that slows down on a busy machine cannot stretch the run).
    """
    number = max(1, math.ceil(min_time / max(first, 1e-9)))
    best, spent = first, 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            call()
        elapsed = time.perf_counter() - t0
        best = min(best, elapsed / number)
        spent += elapsed
        if spent > BUDGET:
            break
    return best


def measure(call: Callable[[], Any], repeats: int, min_time: float) -> tuple[Any, float]:
    """The answer of ``call()`` and its time per call (see the module docstring)."""
    t0 = time.perf_counter()
    answer = call()
    first = time.perf_counter() - t0
    if first >= ONCE:
        return answer, first
    return answer, best_of(call, first, repeats, min_time)


@dataclass
class Outcome:
    """One timed call: ``seconds`` is None unless it finished."""

    status: str  # "ok", "timeout", "skipped", "error: ...", "cap"
    seconds: float | None = None
    answer: Any = None
    bound: float | None = None  # for "timeout"/"skipped": the time it ran past

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _child(
    conn: Any,
    prepare: Callable[[], tuple[Callable[[], Any], Callable[[Any], Any]]],
    repeats: int,
    min_time: float,
) -> None:
    warnings.simplefilter("ignore")
    try:
        call, convert = prepare()  # build the peer's game object: not timed
        conn.send(("ready",))
        t0 = time.perf_counter()
        answer = call()
        first = time.perf_counter() - t0
        conn.send(("first", first, convert(answer)))
        if first < ONCE:
            conn.send(("best", best_of(call, first, repeats, min_time)))
    except BaseException as exc:  # everything goes back to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:200]))
    finally:
        conn.close()


def run_limited(
    prepare: Callable[[], tuple[Callable[[], Any], Callable[[Any], Any]]],
    limit: float,
    repeats: int,
    min_time: float,
) -> Outcome:
    """Time a peer call in a forked child; kill it once its first call passes ``limit`` s.

    ``prepare()`` runs in the child, builds what the call needs (not timed)
    and returns ``(call, convert)``; ``convert(answer)`` makes the answer
    picklable (NumPy arrays, floats) and is not timed either.
    """
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, prepare, repeats, min_time), daemon=True)
    proc.start()
    send.close()
    try:
        if not receive.poll(600):  # building a 500x500 Gambit game takes seconds, not minutes
            return Outcome("error: no answer from the child", bound=None)
        msg = receive.recv()
        if msg[0] == "error":
            return Outcome(f"error: {msg[1]}")
        if not receive.poll(limit):
            return Outcome("timeout", bound=limit)
        msg = receive.recv()
        if msg[0] == "error":
            return Outcome(f"error: {msg[1]}")
        _, first, answer = msg
        seconds = first
        if first < ONCE and receive.poll(60 + 10 * BUDGET):
            msg = receive.recv()
            if msg[0] == "best":
                seconds = msg[1]
        return Outcome("ok", seconds, answer)
    except EOFError:
        return Outcome(f"error: the child died (exit code {proc.exitcode})")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receive.close()


def run_here(call: Callable[[], Any], repeats: int, min_time: float) -> Outcome:
    answer, seconds = measure(call, repeats, min_time)
    return Outcome("ok", seconds, answer)


# ---------------------------------------------------------------------------
# Answers: profiles as one concatenated vector each
# ---------------------------------------------------------------------------
def gambit_profiles(game: Any, equilibria: Sequence[Any]) -> list[np.ndarray]:
    players = list(game.players)
    return [np.array([float(eq[s]) for p in players for s in p.strategies]) for eq in equilibria]


def cooplab_profiles(result: Any) -> list[np.ndarray]:
    return [np.concatenate(e.profile) for e in result]


def nashpy_profiles(equilibria: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    return [np.concatenate([np.asarray(x, float), np.asarray(y, float)]) for x, y in equilibria]


def unmatched(ref: list[np.ndarray], got: list[np.ndarray]) -> tuple[int, int]:
    """(missing, extra): ``ref`` profiles with no match in ``got``, and the reverse."""

    def n_without_match(a: list[np.ndarray], b: list[np.ndarray]) -> int:
        return sum(
            not any(u.shape == v.shape and np.max(np.abs(u - v)) <= PROFILE_TOL for v in b)
            for u in a
        )

    return n_without_match(ref, got), n_without_match(got, ref)


def regret_of(A: np.ndarray, B: np.ndarray, profile: np.ndarray | None) -> float:
    """Largest regret of the profile (inf when it is no probability vector pair)."""
    if profile is None:
        return float("inf")
    m = A.shape[0]
    x, y = profile[:m], profile[m:]
    if (
        profile.shape != (m + A.shape[1],)
        or not np.all(np.isfinite(profile))
        or np.min(profile) < -1e-9
        or abs(x.sum() - 1) > 1e-6
        or abs(y.sum() - 1) > 1e-6
    ):
        return float("inf")
    row, col = A @ y, x @ B
    return float(max(row.max() - x @ row, col.max() - col @ y))


# ---------------------------------------------------------------------------
# Aggregates and formatting
# ---------------------------------------------------------------------------
def ratio_cell(pairs: list[tuple[Outcome, Outcome]]) -> str:
    """Geometric mean of peer / cooplab over games; ``>=`` when some are time-out bounds.

    ``pairs`` are (peer, cooplab) outcomes; a peer that timed out (or was
    skipped after timing out on a smaller game) enters with its limit as a
    lower bound; games where either errored are left out.
    """
    ratios, bounded = [], False
    for peer, ours in pairs:
        if not ours.ok:
            continue
        if peer.ok:
            ratios.append(peer.seconds / ours.seconds)
        elif peer.bound is not None:
            ratios.append(peer.bound / ours.seconds)
            bounded = True
    if not ratios:
        return "-"
    g = float(np.exp(np.mean(np.log(ratios))))
    text = f"{g:,.2f}x" if g < 10 else f"{g:,.0f}x"
    lo, hi = min(ratios), max(ratios)
    span = "" if len(ratios) == 1 else f" ({lo:,.2g}-{hi:,.2g})"
    return (">= " if bounded else "") + text + span


def time_cell(outcomes: list[Outcome]) -> str:
    """Median time over the games; a call that ran out of time enters at its limit (``>=``)."""
    values = [o.seconds if o.ok else o.bound for o in outcomes]
    values = [v for v in values if v is not None]
    if not values:
        return "; ".join(sorted({o.status for o in outcomes}))
    med = float(np.median(values))
    if all(o.ok for o in outcomes):
        return common.fmt_time(med)
    short = sum(not o.ok and o.bound is not None for o in outcomes)
    if short == len(outcomes):
        return f">{med:g} s"
    return f">= {common.fmt_time(med)} ({short} of {len(outcomes)} >{max(values):g} s)"


def outcome_cell(o: Outcome) -> str:
    if o.ok:
        return common.fmt_time(o.seconds)
    if o.status == "timeout":
        return f">{o.bound:g} s"
    if o.status == "skipped":
        return "not run"
    return o.status


def fmt_ratio1(peer: Outcome, ours: Outcome) -> str:
    if peer.ok and ours.ok:
        return common.fmt_ratio(peer.seconds, ours.seconds)
    if peer.status == "timeout" and ours.ok:
        return ">= " + common.fmt_ratio(peer.bound, ours.seconds)
    if peer.ok and ours.status == "cap":  # cooplab gave up after ours.bound seconds
        return "<= " + common.fmt_ratio(peer.seconds, ours.bound)
    return "-"


# ---------------------------------------------------------------------------
# Part 1: all equilibria
# ---------------------------------------------------------------------------
ENUM_METHODS = {
    "se": "cooplab support_enumeration",
    "ve": "cooplab vertex_enumeration",
    "se_x": "cooplab support_enumeration exact",
    "ve_x": "cooplab vertex_enumeration exact",
    "g_f": "Gambit enummixed float",
    "g_r": "Gambit enummixed rational",
    "n_se": "Nashpy support_enumeration (default: all support pairs)",
    "n_nd": "Nashpy support_enumeration(non_degenerate=True)",
    "n_ve": "Nashpy vertex_enumeration",
}
COOPLAB_KEYS = ("se", "ve", "se_x", "ve_x")
ENUM_RATIOS = [
    ("Nashpy SE / cooplab SE", "n_se", "se"),
    ("Nashpy SE non_degenerate / cooplab SE", "n_nd", "se"),
    ("Nashpy VE / cooplab VE", "n_ve", "ve"),
    ("Gambit float / cooplab SE", "g_f", "se"),
    ("Gambit float / cooplab VE", "g_f", "ve"),
    ("Gambit rational / cooplab SE exact", "g_r", "se_x"),
    ("Gambit rational / cooplab VE exact", "g_r", "ve_x"),
]


@dataclass
class EnumGame:
    n: int
    index: int
    n_eq: int
    outcomes: dict[str, Outcome]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (method key, what differs)


def _gambit_enum(A: np.ndarray, B: np.ndarray, rational: bool):
    def prepare():
        game = gbt.Game.from_arrays(A, B)
        return (
            lambda: gbt.nash.enummixed_solve(game, rational=rational).equilibria,
            lambda eqs: gambit_profiles(game, eqs),
        )

    return prepare


def _nashpy_enum(A: np.ndarray, B: np.ndarray, how: str):
    def prepare():
        game = nashpy.Game(A, B)
        if how == "vertex":
            return lambda: list(game.vertex_enumeration()), nashpy_profiles
        if how == "non_degenerate":
            return lambda: list(game.support_enumeration(non_degenerate=True)), nashpy_profiles
        return lambda: list(game.support_enumeration()), nashpy_profiles

    return prepare


def bench_enum(args: Any, repeats: int, min_time: float) -> list[EnumGame]:
    rows: list[EnumGame] = []
    out_of_time: set[str] = set()  # peer methods that timed out on a smaller or earlier game
    started = time.perf_counter()
    for n in args.enum_sizes:
        for index, (A, B) in enumerate(draw_games(args.seed, "enum", n, args.enum_games)):
            game = NormalFormGame.from_bimatrix(A, B)
            oc: dict[str, Outcome] = {}
            calls = {
                "se": lambda g=game: support_enumeration(g),
                "ve": lambda g=game: vertex_enumeration(g),
                "se_x": lambda g=game: support_enumeration(g, exact=True),
                "ve_x": lambda g=game: vertex_enumeration(g, exact=True),
            }
            for key, call in calls.items():
                o = run_here(call, repeats, min_time)
                o.answer = cooplab_profiles(o.answer)
                oc[key] = o
            peers = {
                "g_f": _gambit_enum(A, B, rational=False),
                "g_r": _gambit_enum(A, B, rational=True),
            }
            if nashpy is not None:
                peers["n_se"] = _nashpy_enum(A, B, "all")
                peers["n_nd"] = _nashpy_enum(A, B, "non_degenerate")
                peers["n_ve"] = _nashpy_enum(A, B, "vertex")
            for key, prepare in peers.items():
                if key in out_of_time:
                    oc[key] = Outcome("skipped", bound=args.enum_limit)
                    continue
                oc[key] = run_limited(prepare, args.enum_limit, repeats, min_time)
                if oc[key].status == "timeout":
                    out_of_time.add(key)
            row = EnumGame(n, index, 0, oc)
            ref = oc["g_f"]
            if not ref.ok:
                row.notes.append(("g_f", f"no reference: Gambit float enummixed {ref.status}"))
            else:
                row.n_eq = len(ref.answer)
                for key, o in oc.items():
                    if key == "g_f" or not o.ok:
                        continue
                    missing, extra = unmatched(ref.answer, o.answer)
                    if missing or extra:
                        row.notes.append(
                            (
                                key,
                                f"{ENUM_METHODS[key]}: {len(o.answer)} equilibria against "
                                f"Gambit's {len(ref.answer)} ({missing} of Gambit's missing, "
                                f"{extra} not in Gambit's)",
                            )
                        )
            rows.append(row)
        print(f"  enum: done {n}x{n} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return rows


def cooplab_disagrees(rows: list[EnumGame]) -> bool:
    return any(key in COOPLAB_KEYS or key == "g_f" for r in rows for key, _ in r.notes)


def enum_tables(rows: list[EnumGame]) -> str:
    sizes = sorted({r.n for r in rows})
    by = {n: [r for r in rows if r.n == n] for n in sizes}
    time_rows = []
    for n in sizes:
        rs = by[n]
        eqs = sorted({r.n_eq for r in rs})
        time_rows.append(
            [f"{n}x{n}", f"{len(rs)}", ", ".join(map(str, eqs))]
            + [time_cell([r.outcomes[k] for r in rs]) for k in ENUM_METHODS if k in rs[0].outcomes]
        )
    keys = [k for k in ENUM_METHODS if k in rows[0].outcomes]
    head = "| game | games | NE per game | " + " | ".join(ENUM_METHODS[k] for k in keys) + " |"
    out = ["Median time per call over the games:\n", common.markdown_table(head, time_rows)]
    ratio_rows = []
    usable = [(t, p, c) for t, p, c in ENUM_RATIOS if p in rows[0].outcomes]
    for n in sizes:
        rs = by[n]
        ratio_rows.append(
            [f"{n}x{n}"]
            + [ratio_cell([(r.outcomes[p], r.outcomes[c]) for r in rs]) for _, p, c in usable]
        )
    head = "| game | " + " | ".join(t for t, _, _ in usable) + " |"
    out += [
        "\nRatios, peer time / cooplab time (above 1: cooplab is faster); geometric mean over "
        "the games (min-max); '>=' where some peer calls ran out of time and enter at the "
        "limit:\n",
        common.markdown_table(head, ratio_rows),
    ]
    notes = [f"- {r.n}x{r.n} game {r.index}: {note}" for r in rows for _, note in r.notes]
    out.append(
        "\nAgreement with Gambit's floating-point enummixed (same count, each profile within "
        f"{PROFILE_TOL:g}):"
    )
    out += notes or ["- every answer agreed on every game"]
    if not cooplab_disagrees(rows):
        out.append("- cooplab (all four calls) agreed with Gambit on every game")
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Part 2: Lemke-Howson
# ---------------------------------------------------------------------------
@dataclass
class LHGame:
    n: int
    index: int
    pivots: int | None  # None: over the cap
    cooplab: Outcome
    gambit: Outcome
    nashpy: Outcome
    gambit_regret: float | None = None
    nashpy_regret: float | None = None
    gambit_same: bool | None = None
    nashpy_same: bool | None = None


def _gambit_lcp(A: np.ndarray, B: np.ndarray):
    def prepare():
        game = gbt.Game.from_arrays(A, B)
        return (
            lambda: gbt.nash.lcp_solve(game, rational=False, stop_after=1).equilibria,
            lambda eqs: gambit_profiles(game, eqs),
        )

    return prepare


def _nashpy_lh(A: np.ndarray, B: np.ndarray):
    def prepare():
        game = nashpy.Game(A, B)
        return (
            lambda: game.lemke_howson(initial_dropped_label=0),
            lambda eq: nashpy_profiles([eq]),
        )

    return prepare


def _check_one(A: np.ndarray, B: np.ndarray, o: Outcome, ours: np.ndarray | None):
    """Mark a peer's LH answer; returns (regret, same equilibrium as cooplab's)."""
    if not o.ok:
        return None, None
    profile = o.answer[0] if o.answer else None
    reg = regret_of(A, B, profile)
    same = None
    if ours is not None and profile is not None and profile.shape == ours.shape:
        same = bool(np.max(np.abs(profile - ours)) <= PROFILE_TOL)
    if reg > REGRET_TOL:
        o.status = "wrong" if np.isfinite(reg) else "invalid"
    return reg, same


def bench_lh(args: Any, repeats: int, min_time: float) -> list[LHGame]:
    rows: list[LHGame] = []
    nashpy_timeouts = 0
    started = time.perf_counter()
    for n in args.lh_sizes:
        for index, (A, B) in enumerate(draw_games(args.seed, "lh", n, args.lh_games)):
            game = NormalFormGame.from_bimatrix(A, B)
            t0 = time.perf_counter()
            try:
                o = run_here(
                    lambda g=game: lemke_howson(g, 0, max_pivots=args.max_pivots), repeats, min_time
                )
                pivots = int(o.answer.stats["pivots"])
                ours = np.concatenate(o.answer[0].profile)
                o.answer = [ours]
            except TooExpensiveError:
                o = Outcome("cap", bound=time.perf_counter() - t0)
                pivots, ours = None, None
            gambit = run_limited(_gambit_lcp(A, B), args.lh_limit, repeats, min_time)
            if nashpy is None:
                npy = Outcome("nashpy not installed")
            elif nashpy_timeouts >= 2:
                npy = Outcome("skipped")
            else:
                npy = run_limited(_nashpy_lh(A, B), args.lh_limit, repeats, min_time)
                nashpy_timeouts += npy.status == "timeout"
            row = LHGame(n, index, pivots, o, gambit, npy)
            if o.ok and regret_of(A, B, ours) > REGRET_TOL:
                o.status = f"wrong (regret {regret_of(A, B, ours):.2g})"
            row.gambit_regret, row.gambit_same = _check_one(A, B, gambit, ours)
            row.nashpy_regret, row.nashpy_same = _check_one(A, B, npy, ours)
            rows.append(row)
        print(f"  lh: done {n}x{n} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return rows


def lh_tables(rows: list[LHGame], args: Any) -> str:
    def peer_cell(o: Outcome, reg: float | None) -> str:
        if o.status in ("wrong", "invalid"):
            what = "not a probability vector pair" if o.status == "invalid" else f"regret {reg:.1g}"
            return f"{common.fmt_time(o.seconds)}, wrong answer ({what})"
        return outcome_cell(o)

    def same_cell(same: bool | None) -> str:
        return "-" if same is None else ("yes" if same else "no")

    detail = []
    for r in rows:
        ours = r.cooplab
        per_pivot = common.fmt_time(ours.seconds / r.pivots) if ours.ok and r.pivots else "-"
        g_per_pivot = (
            common.fmt_time(r.gambit.seconds / r.pivots)
            if r.gambit.ok and ours.ok and r.gambit_same and r.pivots
            else "-"
        )
        detail.append(
            [
                f"{r.n}x{r.n}",
                f"{r.index}",
                f"{r.pivots:,}" if r.pivots is not None else f">{args.max_pivots:,} (cap)",
                common.fmt_time(ours.seconds) if ours.ok else f">{ours.bound:.1f} s",
                per_pivot,
                peer_cell(r.gambit, r.gambit_regret),
                fmt_ratio1(r.gambit, ours),
                same_cell(r.gambit_same),
                g_per_pivot,
                peer_cell(r.nashpy, r.nashpy_regret),
                fmt_ratio1(r.nashpy, ours) if r.nashpy.ok else "-",
                same_cell(r.nashpy_same),
            ]
        )
    head = (
        "| game | # | cooplab pivots | cooplab | cooplab per pivot | Gambit lcp | Gambit / cooplab "
        "| Gambit same NE | Gambit per cooplab pivot | Nashpy LH | Nashpy / cooplab | Nashpy same NE |"
    )
    out = ["Per game (initial label 0):\n", common.markdown_table(head, detail)]

    summary = []
    for n in sorted({r.n for r in rows}):
        rs = [r for r in rows if r.n == n]
        piv = [r.pivots for r in rs if r.pivots is not None]
        capped = sum(r.pivots is None for r in rs)
        piv_cell = (f"{int(np.median(piv)):,} ({min(piv):,}-{max(piv):,})" if piv else "-") + (
            f", {capped} over cap" if capped else ""
        )
        both_g = [(r.gambit, r.cooplab) for r in rs if r.gambit.ok and r.cooplab.ok]
        both_n = [(r.nashpy, r.cooplab) for r in rs if r.nashpy.ok and r.cooplab.ok]
        us_pivot = [r.cooplab.seconds / r.pivots for r in rs if r.cooplab.ok and r.pivots]
        summary.append(
            [
                f"{n}x{n}",
                f"{len(rs)}",
                piv_cell,
                common.fmt_time(float(np.median(us_pivot))) if us_pivot else "-",
                f"{ratio_cell(both_g)} [{len(both_g)}]",
                f"{sum(r.gambit.status == 'timeout' for r in rs)}",
                f"{ratio_cell(both_n)} [{len(both_n)}]",
                f"{sum(r.nashpy.status == 'timeout' for r in rs)}"
                f" / {sum(r.nashpy.status in ('wrong', 'invalid') for r in rs)}"
                f" / {sum(r.nashpy.status == 'skipped' for r in rs)}",
            ]
        )
    head = (
        "| game | games | cooplab pivots, median (min-max) | cooplab per pivot, median "
        "| Gambit / cooplab [games both finished] | Gambit time-outs "
        "| Nashpy / cooplab [games both right] | Nashpy time-outs / wrong / not run |"
    )
    out += [
        "\nSummary per size (ratios: geometric mean (min-max) over the games where both "
        "finished with an equilibrium; above 1: cooplab is faster):\n",
        common.markdown_table(head, summary),
    ]
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Part 3: zero-sum LP
# ---------------------------------------------------------------------------
@dataclass
class LPGame:
    n: int
    cooplab: Outcome
    gambit: Outcome
    nashpy: Outcome
    values: dict[str, float] = field(default_factory=dict)
    regrets: dict[str, float] = field(default_factory=dict)


def _gambit_lp(A: np.ndarray):
    def prepare():
        game = gbt.Game.from_arrays(A, -A)
        return (
            lambda: gbt.nash.lp_solve(game, rational=False).equilibria,
            lambda eqs: gambit_profiles(game, eqs),
        )

    return prepare


def _nashpy_lp(A: np.ndarray):
    def prepare():
        game = nashpy.Game(A, -A)
        return game.linear_program, lambda eq: nashpy_profiles([eq])

    return prepare


def bench_lp(args: Any, repeats: int, min_time: float) -> list[LPGame]:
    rows = []
    started = time.perf_counter()
    for n in args.lp_sizes:
        ((A, _),) = draw_games(args.seed, "lp", n, 1)
        game = NormalFormGame.from_bimatrix(A, -A)
        ours = run_here(lambda g=game: solve_zero_sum(g), repeats, min_time)
        sol = ours.answer
        ours.answer = [np.concatenate([sol.row_strategy, sol.column_strategy])]
        npy = (
            run_limited(_nashpy_lp(A), args.lp_limit, repeats, min_time)
            if nashpy is not None
            else Outcome("nashpy not installed")
        )
        gambit = run_limited(_gambit_lp(A), args.lp_limit, repeats, min_time)
        row = LPGame(n, ours, gambit, npy)
        for name, o in (("cooplab", ours), ("Gambit", gambit), ("Nashpy", npy)):
            if o.ok:
                p = o.answer[0]
                row.values[name] = float(p[:n] @ A @ p[n:])
                row.regrets[name] = regret_of(A, -A, p)
                if row.regrets[name] > REGRET_TOL:
                    o.status = "wrong"
        rows.append(row)
        print(f"  lp: done {n}x{n} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return rows


def lp_table(rows: list[LPGame]) -> str:
    table = []
    for r in rows:
        vals = list(r.values.values())
        spread = max(vals) - min(vals) if vals else float("nan")
        table.append(
            [
                f"{r.n}x{r.n}",
                outcome_cell(r.cooplab),
                outcome_cell(r.nashpy),
                fmt_ratio1(r.nashpy, r.cooplab),
                outcome_cell(r.gambit),
                fmt_ratio1(r.gambit, r.cooplab),
                f"{r.values.get('cooplab', float('nan')):.9f}",
                f"{spread:.1e}",
                ", ".join(f"{k} {v:.1e}" for k, v in r.regrets.items()),
            ]
        )
    head = (
        "| zero-sum game | cooplab solve_zero_sum | Nashpy linear_program | Nashpy / cooplab "
        "| Gambit lp_solve float | Gambit / cooplab | value (cooplab) | largest value difference "
        "| regret |"
    )
    return common.markdown_table(head, table)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
def _sizes(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = common.bench_parser(__doc__, "seed of the random games")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help="comma-separated parts: enum, lh, lp (default all)"
    )
    parser.add_argument("--enum-sizes", type=_sizes, help="n of the n x n games (default 4,6,8,10)")
    parser.add_argument("--enum-games", type=int, help="games per size (default 3, 2 with --quick)")
    parser.add_argument("--lh-sizes", type=_sizes, help="default 10,20,50,100,200")
    parser.add_argument("--lh-games", type=int, help="games per size (default 4, 2 with --quick)")
    parser.add_argument("--lp-sizes", type=_sizes, help="default 500 (100 with --quick)")
    parser.add_argument(
        "--enum-limit",
        type=float,
        help="time limit of one peer call in enum, s (default 5, 3 with --quick)",
    )
    parser.add_argument(
        "--lh-limit",
        type=float,
        help="time limit of one peer call in lh, s (default 10, 3 with --quick)",
    )
    parser.add_argument(
        "--lp-limit",
        type=float,
        help="time limit of one peer call in lp, s (default 120, 30 with --quick)",
    )
    parser.add_argument(
        "--max-pivots",
        type=int,
        help="cap on cooplab's Lemke-Howson path (default 20000, 2000 with --quick)",
    )
    args, repeats, min_time = common.parse_run(parser, argv, 0.02, 0.1)
    defaults = QUICK if args.quick else FULL
    args.enum_sizes = args.enum_sizes or defaults["enum"]
    args.lh_sizes = args.lh_sizes or defaults["lh"]
    args.lp_sizes = args.lp_sizes or defaults["lp"]
    args.enum_games = args.enum_games or (2 if args.quick else 3)
    args.lh_games = args.lh_games or (2 if args.quick else 4)
    args.enum_limit = args.enum_limit or (3.0 if args.quick else 5.0)
    args.lh_limit = args.lh_limit or (3.0 if args.quick else 10.0)
    args.lp_limit = args.lp_limit or (30.0 if args.quick else 120.0)
    args.max_pivots = args.max_pivots or (2_000 if args.quick else 20_000)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if bad := [p for p in parts if p not in PARTS]:
        parser.error(f"unknown part(s) {bad}; choose from {', '.join(PARTS)}")

    print("\n".join(common.machine_lines()))
    threads = {
        v: os.environ[v] for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS") if v in os.environ
    }
    print(f"BLAS threads: {threads or 'library default (one per core)'}")
    print(f"cooplab imported from {os.path.dirname(cooplab.__file__)}")
    load = os.getloadavg()
    print(
        f"Load average at the start: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min). Seed "
        f"{args.seed}; payoffs standard normal floats; times: first call, then (if under "
        f"{ONCE:g} s) the best per call over up to {repeats} loops of >= {min_time:g} s each "
        f"({BUDGET:g} s of loops at most); peer calls in "
        f"forked children, time limits {args.enum_limit:g} s (enum), {args.lh_limit:g} s (lh), "
        f"{args.lp_limit:g} s (lp).\n",
        flush=True,
    )
    started = time.perf_counter()
    status = 0
    if "enum" in parts:
        rows = bench_enum(args, repeats, min_time)
        print(f"## All equilibria ({args.enum_games} games per size)\n")
        text = enum_tables(rows)
        print(text + "\n", flush=True)
        if cooplab_disagrees(rows):
            status = 1
    if "lh" in parts:
        rows_lh = bench_lh(args, repeats, min_time)
        print(
            f"## One equilibrium by Lemke-Howson ({args.lh_games} games per size; cooplab "
            f"max_pivots {args.max_pivots:,})\n"
        )
        print(lh_tables(rows_lh, args) + "\n", flush=True)
        if any(r.cooplab.status.startswith("wrong") for r in rows_lh):
            status = 1
    if "lp" in parts:
        rows_lp = bench_lp(args, repeats, min_time)
        print("## Zero-sum game by linear programming (B = -A)\n")
        print(lp_table(rows_lp) + "\n", flush=True)
        if any(not r.cooplab.ok for r in rows_lp):
            status = 1
    load = os.getloadavg()
    print(
        f"Load average at the end: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min). "
        f"Total wall time {time.perf_counter() - started:.1f} s."
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
