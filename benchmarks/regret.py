"""Time cooplab's mixed-profile evaluation against Gambit, Nashpy and OpenSpiel.

In one process, on the same random games and random interior mixed profiles
(fixed seed), this times four quantities of one mixed profile ``s``:

* expected payoffs ``u_i(s)`` of every player;
* deviation payoffs ``u_i(k, s_-i)`` of every pure action ``k`` of every player;
* regret, the per-player gain of the best unilateral deviation,
  ``max_k u_i(k, s_-i) - u_i(s)``;
* NashConv, the sum of the regrets.

What each library's cell times, per call:

* cooplab: ``game.expected_payoffs(s)``, ``game.deviation_payoffs(s)``,
  ``game.regret(s)``, ``game.nash_conv(s)`` on a ``NormalFormGame``, with ``s``
  a list of NumPy probability vectors. Each call validates the profile
  (``as_profile``); that is included (its cost alone is in the setup table).
* Gambit (pygambit, C++, floating point): a ``MixedStrategyProfileDouble``
  made once per game with ``game.mixed_strategy_profile(lists)``, then
  ``[prof.payoff(p) for p in players]``,
  ``[[prof.strategy_value(t) for t in p.strategies] for p in players]`` and
  ``[prof.player_regret(p) for p in players]``. Gambit caches some results
  inside the profile object (a repeated ``player_regret`` on an unchanged
  profile is from 7 to over 1,000 times faster than the first), so every timed
  Gambit call first re-sets one probability to its own value
  (``prof[t0] = v0``), which clears the cache as any change of the profile
  does; that assignment is included, and its cost alone, and the cost of a
  cached repeat, are in the setup table. Gambit has no NashConv (``max_regret``
  is the largest regret, another quantity), so that row is ``-``.
* Nashpy, two-player games only: expected payoffs are ``game[s_r, s_c]``.
  Nashpy has no function for deviation payoffs or for the regret of a given
  profile (its ``regret_minimization`` is a learning dynamic), so those cells
  time the NumPy one writes with its payoff matrices:
  ``A, B = game.payoff_matrices``; deviation payoffs ``[A @ s_c, s_r @ B]``;
  regret ``[max(d_r) - s_r @ d_r, max(d_c) - d_c @ s_c]`` with ``d_r = A @ s_c``,
  ``d_c = s_r @ B``. NashConv is ``-``.
* OpenSpiel: two different implementations, as OpenSpiel has them.

  - Expected payoffs and NashConv come from its C++ game-tree algorithms on
    the game ``pyspiel.convert_to_turn_based(pyspiel.create_matrix_game(A, B))``
    (``create_tensor_game`` for more than two players) with the profile as a
    ``pyspiel.TabularPolicy``: ``pyspiel.expected_returns(root, policy, -1,
    False)`` and ``pyspiel.nash_conv(game, policy)`` (the sum only; the
    per-player improvements come only from the pure-Python
    ``exploitability.nash_conv(..., return_only_nash_conv=False)``, which is
    not timed). These walk the tree of all ``prod a_i`` pure profiles.
  - Deviation payoffs and regret come from the NumPy helpers of its ADIDAS
    solver, ``open_spiel.python.algorithms.adidas_utils``:
    ``[misc.pt_reduce(P[i], s, [i]) for i in players]`` and
    ``nonsymmetric.exploitability.unreg_exploitability(s, P,
    aggregate=np.array)`` (the per-player vector ``u_i(BR) - u_i(s)``), on the
    raw payoff array ``P``.

Construction is timed separately: ``NormalFormGame(P)``,
``pygambit.Game.from_arrays(*P)``, ``nashpy.Game(A, B)``, and the OpenSpiel
game (create + convert to turn-based); so is putting the profile into each
library's object (Gambit ``mixed_strategy_profile([v.tolist() ...])``;
OpenSpiel the ``{infostate: [(action, prob), ...]}`` dict and
``pyspiel.TabularPolicy``, the infostate keys found once per game). None of it
is in the evaluation times.

Before any time is recorded every library's answers are compared with
cooplab's: ``np.allclose(peer, cooplab, rtol=1e-9, atol=1e-9)`` on each
quantity (payoffs are uniform on [0, 1); regrets are of order 0.01-0.3), or the
script stops with an error.

Times are the best of ``--repeats`` loops, each of enough calls to last at
least 0.05 s (0.01 s with ``--quick``), divided by the number of calls; a call
that takes over a second on its own is repeated only once more.

Usage::

    python benchmarks/regret.py            # the full run, under 2 minutes
    python benchmarks/regret.py --quick    # smaller games, a few seconds
"""

from __future__ import annotations

import importlib.metadata
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import _common as common
import numpy as np
from _common import gbt, nashpy

from cooplab.games import NormalFormGame

try:
    import pyspiel
    from open_spiel.python.algorithms.adidas_utils.helpers import misc as os_misc
    from open_spiel.python.algorithms.adidas_utils.helpers.nonsymmetric import (
        exploitability as os_exploitability,
    )
except ImportError:  # pragma: no cover
    pyspiel = None

FULL_SIZES: list[tuple[int, ...]] = [
    (10, 10),
    (100, 100),
    (500, 500),
    (10, 10, 10),
    (8, 8, 8, 8),
    (5, 5, 5, 5, 5),
]
QUICK_SIZES: list[tuple[int, ...]] = [(10, 10), (50, 50), (5, 5, 5), (4, 4, 4, 4), (3, 3, 3, 3, 3)]

QUANTITIES = ["expected payoffs", "deviation payoffs", "regret", "NashConv"]
PEERS = ["Gambit", "Nashpy", "OpenSpiel"]
RTOL = ATOL = 1e-9


# ---------------------------------------------------------------------------
# Agreement
# ---------------------------------------------------------------------------
def flat(values) -> np.ndarray:
    """One float vector from a scalar, a vector or a list of vectors."""
    if np.isscalar(values):
        return np.array([float(values)])
    return np.concatenate([np.ravel(np.asarray(v, dtype=np.float64)) for v in values])


# ---------------------------------------------------------------------------
# Peer adapters: each returns {quantity: zero-argument callable}
# ---------------------------------------------------------------------------
def gambit_reset(prof, game) -> Callable[[], None]:
    """A call that clears the profile's cache: re-set one probability to its own value."""
    t0 = next(iter(next(iter(game.players)).strategies))
    v0 = prof[t0]

    def reset() -> None:  # any assignment clears the profile's cache
        prof[t0] = v0

    return reset


def gambit_calls(prof, game) -> dict[str, Callable[[], object]]:
    players = list(game.players)
    strategies = [list(p.strategies) for p in players]
    reset = gambit_reset(prof, game)

    def expected():
        reset()
        return [prof.payoff(p) for p in players]

    def deviation():
        reset()
        return [[prof.strategy_value(t) for t in ts] for ts in strategies]

    def regret():
        reset()
        return [prof.player_regret(p) for p in players]

    return {"expected payoffs": expected, "deviation payoffs": deviation, "regret": regret}


def nashpy_calls(game, s_r, s_c) -> dict[str, Callable[[], object]]:
    def expected():
        return game[s_r, s_c]

    def deviation():
        a, b = game.payoff_matrices
        return [a @ s_c, s_r @ b]

    def regret():
        a, b = game.payoff_matrices
        d_r = a @ s_c
        d_c = s_r @ b
        return [d_r.max() - s_r @ d_r, d_c.max() - d_c @ s_c]

    return {"expected payoffs": expected, "deviation payoffs": deviation, "regret": regret}


def openspiel_game(payoffs: np.ndarray):
    if len(payoffs) == 2:
        game = pyspiel.create_matrix_game(payoffs[0], payoffs[1])
    else:
        game = pyspiel.create_tensor_game(list(payoffs))
    return pyspiel.convert_to_turn_based(game)


def openspiel_infostates(turn_based, shape: tuple[int, ...]) -> list[str]:
    """Each player's (single) information-state string in the turn-based game."""
    state = turn_based.new_initial_state()
    keys = []
    for _ in shape:
        keys.append(state.information_state_string())
        state.apply_action(0)
    return keys


def openspiel_policy(keys: list[str], profile: list[np.ndarray]):
    return pyspiel.TabularPolicy(
        {key: list(enumerate(s.tolist())) for key, s in zip(keys, profile, strict=True)}
    )


def openspiel_calls(turn_based, policy, payoffs, profile) -> dict[str, Callable[[], object]]:
    players = range(len(profile))

    def expected():
        return pyspiel.expected_returns(turn_based.new_initial_state(), policy, -1, False)

    def deviation():
        return [os_misc.pt_reduce(payoffs[i], profile, [i]) for i in players]

    def regret():
        return os_exploitability.unreg_exploitability(profile, payoffs, aggregate=np.array)

    def nash_conv():
        return pyspiel.nash_conv(turn_based, policy)

    return {
        "expected payoffs": expected,
        "deviation payoffs": deviation,
        "regret": regret,
        "NashConv": nash_conv,
    }


# ---------------------------------------------------------------------------
# One game
# ---------------------------------------------------------------------------
@dataclass
class Row:
    shape: tuple[int, ...]
    max_diff: float = 0.0  # largest |peer - cooplab| seen in the agreement check
    build: dict[str, float | None] = field(default_factory=dict)
    setup: dict[str, float | None] = field(default_factory=dict)
    # times[quantity][library]; None: the library has no such call
    times: dict[str, dict[str, float | None]] = field(default_factory=dict)


def check(shape, quantity: str, library: str, got, want) -> float:
    """Stop unless ``got`` and ``want`` agree; return their largest absolute difference."""
    got, want = flat(got), flat(want)
    if got.shape != want.shape or not np.allclose(got, want, rtol=RTOL, atol=ATOL):
        err = np.max(np.abs(got - want)) if got.shape == want.shape else "shape"
        raise AssertionError(
            f"{'x'.join(map(str, shape))} {quantity}: {library} disagrees with cooplab "
            f"(max abs difference {err})"
        )
    return float(np.max(np.abs(got - want)))


def bench_one(
    shape: tuple[int, ...], rng: np.random.Generator, repeats: int, min_time: float
) -> Row:
    n = len(shape)
    payoffs = rng.uniform(0.0, 1.0, size=(n, *shape))
    profile = [rng.dirichlet(np.ones(k)) for k in shape]
    assert all(np.all(s > 0) for s in profile)
    row = Row(shape)

    def timed(fn):
        return common.best_time(fn, repeats, min_time, once_above=1.0)

    # -- construction (timed separately) ---------------------------------
    ours = NormalFormGame(payoffs)
    row.build["cooplab"] = timed(lambda: NormalFormGame(payoffs))
    theirs = gbt.Game.from_arrays(*payoffs)
    row.build["Gambit"] = timed(lambda: gbt.Game.from_arrays(*payoffs))
    row.build["Nashpy"] = None
    if nashpy is not None and n == 2:
        np_game = nashpy.Game(payoffs[0], payoffs[1])
        row.build["Nashpy"] = timed(lambda: nashpy.Game(payoffs[0], payoffs[1]))
    row.build["OpenSpiel"] = None
    if pyspiel is not None:
        os_game = openspiel_game(payoffs)
        row.build["OpenSpiel"] = timed(lambda: openspiel_game(payoffs))

    # -- putting the profile into the peers' objects (timed separately) ---
    lists = [s.tolist() for s in profile]
    prof = theirs.mixed_strategy_profile(lists)
    row.setup["Gambit set"] = timed(lambda: theirs.mixed_strategy_profile(lists))
    reset = gambit_reset(prof, theirs)
    row.setup["Gambit reset"] = timed(reset)
    row.setup["OpenSpiel set"] = None
    if pyspiel is not None:
        keys = openspiel_infostates(os_game, shape)
        policy = openspiel_policy(keys, profile)
        row.setup["OpenSpiel set"] = timed(lambda: openspiel_policy(keys, profile))
    row.setup["cooplab as_profile"] = timed(lambda: ours.as_profile(profile))

    # -- calls ------------------------------------------------------------
    calls: dict[str, dict[str, Callable[[], object]]] = {
        "cooplab": {
            "expected payoffs": lambda: ours.expected_payoffs(profile),
            "deviation payoffs": lambda: ours.deviation_payoffs(profile),
            "regret": lambda: ours.regret(profile),
            "NashConv": lambda: ours.nash_conv(profile),
        },
        "Gambit": gambit_calls(prof, theirs),
    }
    if nashpy is not None and n == 2:
        calls["Nashpy"] = nashpy_calls(np_game, profile[0], profile[1])
    if pyspiel is not None:
        calls["OpenSpiel"] = openspiel_calls(os_game, policy, payoffs, profile)

    # -- agreement first -------------------------------------------------
    reference = {q: calls["cooplab"][q]() for q in QUANTITIES}
    for library, fns in calls.items():
        for q, fn in fns.items():
            row.max_diff = max(row.max_diff, check(shape, q, library, fn(), reference[q]))
    # cooplab's own consistency: regret from its deviation and expected payoffs
    dev, exp = reference["deviation payoffs"], reference["expected payoffs"]
    own = [d.max() - e for d, e in zip(dev, exp, strict=True)]
    check(shape, "regret", "cooplab max(dev) - u", own, reference["regret"])
    check(
        shape, "NashConv", "cooplab sum(regret)", reference["regret"].sum(), reference["NashConv"]
    )

    # -- evaluation times --------------------------------------------------
    for q in QUANTITIES:
        row.times[q] = {}
        for library in ["cooplab", *PEERS]:
            fn = calls.get(library, {}).get(q)
            row.times[q][library] = None if fn is None else timed(fn)
    # Gambit's cache: the same regret call again, with no reset in between
    players = list(theirs.players)
    reset()
    [prof.player_regret(p) for p in players]
    row.setup["Gambit regret cached"] = timed(lambda: [prof.player_regret(p) for p in players])
    return row


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def openspiel_version() -> str:
    try:
        return f"open_spiel {importlib.metadata.version('open_spiel')}"
    except importlib.metadata.PackageNotFoundError:
        return "open_spiel absent"


def eval_table(rows: list[Row]) -> str:
    table_rows = []
    for r in rows:
        for q in QUANTITIES:
            t = r.times[q]
            cells = [common.game_name(r.shape), q, common.fmt_time(t["cooplab"])]
            for peer in PEERS:
                cells += [common.fmt_time(t[peer]), common.fmt_ratio(t[peer], t["cooplab"])]
            table_rows.append(cells)
    return common.markdown_table(
        "| game | quantity | cooplab | Gambit | Gambit / cooplab | Nashpy | Nashpy / cooplab "
        "| OpenSpiel | OpenSpiel / cooplab |",
        table_rows,
    )


def setup_table(rows: list[Row]) -> str:
    table_rows = []
    for r in rows:
        cells = [
            common.game_name(r.shape),
            *(common.fmt_time(r.build[k]) for k in ["cooplab", "Gambit", "Nashpy", "OpenSpiel"]),
            *(
                common.fmt_time(r.setup[k])
                for k in [
                    "cooplab as_profile",
                    "Gambit set",
                    "Gambit reset",
                    "Gambit regret cached",
                    "OpenSpiel set",
                ]
            ),
        ]
        table_rows.append(cells)
    return common.markdown_table(
        "| game | build cooplab | build Gambit | build Nashpy | build OpenSpiel "
        "| cooplab as_profile | Gambit set profile | Gambit cache reset | Gambit regret, cached "
        "| OpenSpiel set policy |",
        table_rows,
    )


LEGEND = """\
What is timed (per call; every library's answers agreed with cooplab's first):
- cooplab: NormalFormGame.expected_payoffs / deviation_payoffs / regret / nash_conv(profile),
  profile validation included.
- Gambit: on one MixedStrategyProfileDouble, [payoff(p)], [[strategy_value(t)]], [player_regret(p)]
  over all players (and strategies), each call after `prof[t0] = v0`, which clears Gambit's cache
  (its cost: "Gambit cache reset" below). No NashConv in Gambit.
- Nashpy (2 players): expected payoffs `game[s_r, s_c]`; deviation payoffs and regret are NumPy on
  `game.payoff_matrices` (Nashpy has no such functions): [A @ s_c, s_r @ B] and
  max(d) - s @ d per player. No NashConv.
- OpenSpiel: expected payoffs `pyspiel.expected_returns` and NashConv `pyspiel.nash_conv` (C++,
  on the turn-based conversion of the matrix/tensor game, profile as a pyspiel.TabularPolicy);
  deviation payoffs `adidas_utils misc.pt_reduce` per player and regret
  `adidas_utils nonsymmetric.exploitability.unreg_exploitability(aggregate=np.array)` (NumPy)."""


def main(argv: list[str] | None = None) -> int:
    parser = common.bench_parser(__doc__, "seed of the games and profiles")
    args, repeats, min_time = common.parse_run(parser, argv, 0.01, 0.05)
    sizes = QUICK_SIZES if args.quick else FULL_SIZES

    print("\n".join(common.machine_lines(openspiel_version())))
    print(
        f"Seed {args.seed}; payoffs uniform on [0, 1); profiles Dirichlet(1, ..., 1) (interior); "
        f"answers checked with np.allclose(rtol={RTOL:g}, atol={ATOL:g}); times: best of "
        f"{repeats} loops of >= {min_time:g} s each, per call.\n",
        flush=True,
    )
    rows, started = common.run_games(
        sizes, args.seed, lambda shape, rng: bench_one(shape, rng, repeats, min_time)
    )
    print(
        "Evaluation of one mixed profile (ratios: peer time / cooplab time; above 1: cooplab is faster):\n"
    )
    print(eval_table(rows))
    print("\nConstruction and profile setup (not part of the times above):\n")
    print(setup_table(rows))
    print()
    print(LEGEND)
    print(
        f"\nLargest |peer - cooplab| in the agreement checks: {max(r.max_diff for r in rows):.1e}."
    )
    print(f"\nTotal wall time {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
