"""Time cooplab's round-robin tournaments against the Axelrod library.

In one process, the same tournaments (same strategies, turns and
repetitions, self-play included, the prisoner's dilemma 3, 0, 5, 1) are
played by

* the Axelrod library: ``axl.Tournament(players, turns=..., repetitions=...)``
  and ``tournament.play(progress_bar=False)`` in this process (no worker
  pool), which plays the matches and builds its ``ResultSet``;
* cooplab: ``round_robin(strategies, turns=..., repetitions=...)`` in this
  process (the serial executor), which plays the matches and builds its
  ``TournamentResult``; and again with ``Executor("local")`` (a process pool
  of every core) for the largest tournament.

Tournaments:

(a) ``axl.basic_strategies`` (10 strategies), 200 turns, 5 repetitions;
(b) Axelrod's first tournament (15 entries, the library's readings:
    ``variant="axelrod"`` here), 200 turns, 5 repetitions;
(c) 60 deterministic strategies both libraries have (the name mapping of
    ``tests/test_peers_repeated.py``), 200 turns, 1 repetition.

Before a time counts, the deterministic tournaments (a) and (c) must give the
same payoff matrix (off the diagonal, where the libraries' conventions
agree) in both libraries, or the script stops.

Then cooplab alone: a round robin of 1,000 random memory-one strategies
(``MemoryOne`` with uniform probabilities), 200 turns, one repetition
(500,500 matches with self-play), serial and on the local pool.

Usage::

    python benchmarks/tournament.py            # everything, a few minutes on 2 cores
    python benchmarks/tournament.py --quick    # 1 repetition, 30 strategies in (c), 300 in the scale run

``import axelrod`` takes 10-30 s; it is not timed.
"""

from __future__ import annotations

import sys
import time

import _common as common
import numpy as np

from cooplab.repeated.strategies import FIRST_TOURNAMENT, get_strategy
from cooplab.repeated.tournament import round_robin
from cooplab.runtime.executor import Executor

TURNS = 200

#: (cooplab name, parameters, Axelrod class name, parameters) for
#: ``axl.basic_strategies``.
BASIC = [
    ("alternator", {}, "Alternator", {}),
    ("anti_tit_for_tat", {}, "AntiTitForTat", {}),
    ("bully", {}, "Bully", {}),
    ("cooperator", {}, "Cooperator", {}),
    ("cycler", {"cycle": "DC"}, "CyclerDC", {}),
    ("defector", {}, "Defector", {}),
    ("suspicious_tit_for_tat", {}, "SuspiciousTitForTat", {}),
    ("tit_for_tat", {}, "TitForTat", {}),
    ("win_shift_lose_stay", {}, "WinShiftLoseStay", {}),
    ("win_stay_lose_shift", {}, "WinStayLoseShift", {}),
]

#: The first tournament in the library's order, with its readings.
FIRST = [
    ("tit_for_tat", {}, "TitForTat", {}),
    ("tideman_and_chieruzzi", {"variant": "axelrod"}, "FirstByTidemanAndChieruzzi", {}),
    ("nydegger", {"variant": "axelrod"}, "FirstByNydegger", {}),
    ("grofman", {}, "FirstByGrofman", {}),
    ("shubik", {"variant": "axelrod"}, "FirstByShubik", {}),
    ("stein_and_rapoport", {"variant": "axelrod"}, "FirstBySteinAndRapoport", {}),
    ("friedman", {}, "Grudger", {}),
    ("davis", {}, "FirstByDavis", {}),
    ("graaskamp", {"variant": "axelrod"}, "FirstByGraaskamp", {}),
    ("downing", {"variant": "axelrod"}, "FirstByDowning", {}),
    ("feld", {}, "FirstByFeld", {}),
    ("joss", {}, "FirstByJoss", {}),
    ("tullock", {}, "FirstByTullock", {}),
    ("anonymous", {"variant": "axelrod"}, "FirstByAnonymous", {}),
    ("random", {}, "Random", {}),
]

#: Deterministic strategies both libraries have (identical histories: the
#: peers test), cooplab name -> Axelrod class name.
DETERMINISTIC = [
    ("cooperator", "Cooperator"),
    ("defector", "Defector"),
    ("tit_for_tat", "TitForTat"),
    ("suspicious_tit_for_tat", "SuspiciousTitForTat"),
    ("anti_tit_for_tat", "AntiTitForTat"),
    ("bully", "Bully"),
    ("tit_for_two_tats", "TitFor2Tats"),
    ("two_tits_for_tat", "TwoTitsForTat"),
    ("hard_tit_for_tat", "HardTitForTat"),
    ("hard_tit_for_two_tats", "HardTitFor2Tats"),
    ("slow_tit_for_two_tats", "SlowTitForTwoTats2"),
    ("sneaky_tit_for_tat", "SneakyTitForTat"),
    ("spiteful_tit_for_tat", "SpitefulTitForTat"),
    ("contrite_tit_for_tat", "ContriteTitForTat"),
    ("omega_tit_for_tat", "OmegaTFT"),
    ("adaptive_tit_for_tat", "AdaptiveTitForTat"),
    ("n_tits_for_m_tats", "NTitsForMTats"),
    ("win_stay_lose_shift", "WinStayLoseShift"),
    ("win_shift_lose_stay", "WinShiftLoseStay"),
    ("grudger", "Grudger"),
    ("forgetful_grudger", "ForgetfulGrudger"),
    ("soft_grudger", "SoftGrudger"),
    ("opposite_grudger", "OppositeGrudger"),
    ("aggravater", "Aggravater"),
    ("spiteful_cc", "SpitefulCC"),
    ("grudger_alternator", "GrudgerAlternator"),
    ("easy_go", "EasyGo"),
    ("fool_me_once", "FoolMeOnce"),
    ("once_bitten", "OnceBitten"),
    ("gradual", "Gradual"),
    ("original_gradual", "OriginalGradual"),
    ("appeaser", "Appeaser"),
    ("adaptive", "Adaptive"),
    ("tricky_cooperator", "TrickyCooperator"),
    ("tricky_defector", "TrickyDefector"),
    ("retaliate", "Retaliate"),
    ("retaliate_2", "Retaliate2"),
    ("retaliate_3", "Retaliate3"),
    ("limited_retaliate", "LimitedRetaliate"),
    ("limited_retaliate_2", "LimitedRetaliate2"),
    ("limited_retaliate_3", "LimitedRetaliate3"),
    ("level_punisher", "LevelPunisher"),
    ("go_by_majority", "GoByMajority"),
    ("go_by_majority_5", "GoByMajority5"),
    ("go_by_majority_10", "GoByMajority10"),
    ("go_by_majority_20", "GoByMajority20"),
    ("hard_go_by_majority", "HardGoByMajority"),
    ("hard_go_by_majority_5", "HardGoByMajority5"),
    ("hard_go_by_majority_10", "HardGoByMajority10"),
    ("alternator", "Alternator"),
    ("anti_cycler", "AntiCycler"),
    ("cycler_ccd", "CyclerCCD"),
    ("cycler_cccd", "CyclerCCCD"),
    ("cycler_ddc", "CyclerDDC"),
    ("prober", "Prober"),
    ("prober_2", "Prober2"),
    ("hard_prober", "HardProber"),
    ("handshake", "Handshake"),
    ("fortress3", "Fortress3"),
    ("winner12", "Winner12"),
]


def _axl_players(axl, rows):
    return [getattr(axl, name)(**params) for _, _, name, params in rows]


def _ours(rows):
    return [get_strategy(name, **params) for name, params, _, _ in rows]


def _axl_tournament(axl, rows, repetitions: int, seed: int):
    players = _axl_players(axl, rows)
    t0 = time.perf_counter()
    tournament = axl.Tournament(players, turns=TURNS, repetitions=repetitions, seed=seed)
    results = tournament.play(progress_bar=False)
    return time.perf_counter() - t0, results


def _cooplab(rows, repetitions: int, seed: int, executor=None):
    strategies = _ours(rows)
    t0 = time.perf_counter()
    result = round_robin(
        strategies, turns=TURNS, repetitions=repetitions, seed=seed, executor=executor
    )
    return time.perf_counter() - t0, result


def _agree(name: str, ours, theirs) -> None:
    mine = ours.payoff_matrix
    peer = np.array(theirs.payoff_matrix)
    off = ~np.eye(len(mine), dtype=bool)
    if not np.allclose(mine[off], peer[off], atol=1e-9):
        bad = np.argwhere(~np.isclose(mine, peer) & off)[:5].tolist()
        raise AssertionError(f"{name}: payoff matrices differ at {bad}")


def main(argv: list[str] | None = None) -> int:
    parser = common.bench_parser(__doc__, "tournament seed")
    args, _, _ = common.parse_run(parser, argv, 0.0, 0.0)
    reps = 1 if args.quick else 5
    n_det = 30 if args.quick else 60
    n_scale = 300 if args.quick else 1000

    t0 = time.perf_counter()
    import axelrod as axl

    print(f"import axelrod: {time.perf_counter() - t0:.1f} s (not timed below)", file=sys.stderr)
    print("\n".join(common.machine_lines(f"axelrod {axl.__version__}")))
    print(
        f"Seed {args.seed}; {TURNS} turns; self-play included; both libraries in this process "
        "(no worker pool unless stated). One run each (the runs are long enough).\n",
        flush=True,
    )
    if len(FIRST) != len(FIRST_TOURNAMENT):
        raise AssertionError("the first tournament's table is out of date")

    started = time.perf_counter()
    rows = []
    cases = [
        ("(a) axl.basic_strategies", BASIC, reps, True),
        ("(b) first tournament (library readings)", FIRST, reps, False),
        (
            f"(c) {n_det} deterministic strategies",
            [(a, {}, b, {}) for a, b in DETERMINISTIC[:n_det]],
            1,
            True,
        ),
    ]
    for label, table, repetitions, check in cases:
        # warm-up: the first tournament compiles the strategies' tables
        _cooplab(table[:2], 1, args.seed)
        t_ours, ours = _cooplab(table, repetitions, args.seed)
        t_peer, theirs = _axl_tournament(axl, table, repetitions, args.seed)
        if check:
            _agree(label, ours, theirs)
        n = len(table)
        matches = n * (n + 1) // 2 * repetitions
        rows.append(
            [
                label,
                str(n),
                str(repetitions),
                f"{matches:,}",
                common.fmt_time(t_peer),
                common.fmt_time(t_ours),
                common.fmt_ratio(t_peer, t_ours),
                "yes" if check else "stochastic: not compared",
            ]
        )
        print(f"  done {label}", file=sys.stderr, flush=True)
    print(
        common.markdown_table(
            "| tournament | strategies | repetitions | matches | Axelrod | cooplab (serial) "
            "| Axelrod / cooplab | same payoff matrix |",
            rows,
        )
    )

    # Scale: cooplab alone.
    rng = np.random.default_rng(args.seed)
    probs = rng.uniform(size=(n_scale, 4))
    strategies = [
        get_strategy("memory_one", p_cc=a, p_cd=b, p_dc=c, p_dd=d, initial=1.0)
        for a, b, c, d in probs.tolist()
    ]
    scale_rows = []
    t0 = time.perf_counter()
    result = round_robin(strategies, turns=TURNS, repetitions=1, seed=args.seed)
    t_serial = time.perf_counter() - t0
    matches = n_scale * (n_scale + 1) // 2
    scale_rows.append(
        [f"{n_scale} memory-one", f"{matches:,}", "serial", common.fmt_time(t_serial)]
    )
    with Executor("local") as ex:
        round_robin(strategies[:50], turns=TURNS, seed=args.seed, executor=ex)  # start the pool
        t0 = time.perf_counter()
        pooled = round_robin(strategies, turns=TURNS, repetitions=1, seed=args.seed, executor=ex)
        t_pool = time.perf_counter() - t0
        workers = ex.workers
    if not np.array_equal(result.totals, pooled.totals):
        raise AssertionError("the pool and the serial run disagree")
    scale_rows.append(
        [
            f"{n_scale} memory-one",
            f"{matches:,}",
            f"local pool, {workers} workers",
            common.fmt_time(t_pool),
        ]
    )
    print()
    print(
        common.markdown_table(
            "| cooplab alone | matches (200 turns) | backend | time |", scale_rows
        )
    )
    print(f"\nTotal wall time {time.perf_counter() - started:.1f} s (after the import).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
