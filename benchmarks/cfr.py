"""Time cooplab's CFR family against OpenSpiel's C++ and Python CFR, on Kuhn and Leduc poker.

In one process, on the same games, the same number of iterations of

* OpenSpiel C++: ``pyspiel.CFRSolver`` and ``pyspiel.CFRPlusSolver``
  (``evaluate_and_update_policy()`` once per iteration);
* OpenSpiel Python: ``open_spiel.python.algorithms.cfr.CFRPlusSolver``;
* cooplab: ``CFRSolver(game, variant="cfr")`` and ``variant="cfr+"`` (each
  ``step()`` one iteration, alternating updates as OpenSpiel's CFR+ and
  CFR do), on the game built by :func:`cooplab.games.openspiel_convert.from_openspiel`
  so that information sets are keyed by OpenSpiel's information-state
  strings.

Iterations per second count the iterations only (the solvers are built, and
the cooplab tree compiled, before the clock starts; the compile time is
printed apart). After the iterations, every average policy's exploitability
is computed **by OpenSpiel** (``pyspiel.exploitability``), cooplab's after its
table is copied into an OpenSpiel ``TabularPolicy`` key by key, and by
cooplab's own :func:`cooplab.cfr.best_response.exploitability` beside it.

Then Monte Carlo CFR: OpenSpiel's Python external-sampling and
outcome-sampling solvers (``iteration()``) against cooplab's
(``step()``), the same number of iterations, one traversal per player each;
exploitability of both average policies by OpenSpiel.

Usage::

    python benchmarks/cfr.py            # Kuhn 1,000 and Leduc 500 iterations (Python CFR+: 60 on Leduc)
    python benchmarks/cfr.py --quick    # Kuhn 200 and Leduc 50 iterations (Python CFR+: 10 on Leduc)

Ratios are cooplab's iterations per second over the peer's (above 1: cooplab
is faster).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from typing import Any

import numpy as np

try:
    import pyspiel
    from open_spiel.python import policy as os_policy
    from open_spiel.python.algorithms import cfr as os_cfr
    from open_spiel.python.algorithms import exploitability as os_exploitability
    from open_spiel.python.algorithms import external_sampling_mccfr as os_es
    from open_spiel.python.algorithms import outcome_sampling_mccfr as os_os
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("this benchmark needs OpenSpiel (the bench extra): pip install -e '.[bench]'")

from cooplab import __version__ as cooplab_version
from cooplab.cfr.best_response import exploitability
from cooplab.cfr.cfr import CFRSolver
from cooplab.cfr.mccfr import ExternalSamplingMCCFR, OutcomeSamplingMCCFR
from cooplab.games.openspiel_convert import from_openspiel


def _to_openspiel(game: Any, os_game: Any, policy: Any) -> Any:
    """A cooplab policy on an OpenSpiel-converted game as an OpenSpiel ``TabularPolicy``."""
    tab = os_policy.TabularPolicy(os_game)
    probs = np.asarray(policy.probs)
    keys = game.infoset_keys
    index = {(int(game.infoset_player[i]), keys[i]): i for i in range(len(keys))}
    for key, row in tab.state_lookup.items():
        legal = np.flatnonzero(tab.legal_actions_mask[row])
        player = 0 if row < len(tab.states_per_player[0]) else 1
        i = index[(player, key)]
        tab.action_probability_array[row, :] = 0.0
        tab.action_probability_array[row, legal] = probs[i, : len(legal)]
    return tab


def _time_loop(step: Any, iterations: int) -> float:
    start = time.perf_counter()
    for _ in range(iterations):
        step()
    return time.perf_counter() - start


def bench_game(name: str, iterations: int, python_iterations: int) -> list[list[str]]:
    os_game = pyspiel.load_game(name)
    start = time.perf_counter()
    game = from_openspiel(os_game)
    compile_s = time.perf_counter() - start
    rows: list[dict[str, Any]] = []

    for label, cls in (
        ("OpenSpiel C++ CFR", pyspiel.CFRSolver),
        ("OpenSpiel C++ CFR+", pyspiel.CFRPlusSolver),
    ):
        solver = cls(os_game)
        seconds = _time_loop(solver.evaluate_and_update_policy, iterations)
        expl = pyspiel.exploitability(os_game, solver.average_policy())
        rows.append(dict(solver=label, n=iterations, s=seconds, os_expl=expl, our_expl=None))

    solver_py = os_cfr.CFRPlusSolver(os_game)
    seconds = _time_loop(solver_py.evaluate_and_update_policy, python_iterations)
    expl = pyspiel.exploitability(
        os_game, os_policy.python_policy_to_pyspiel_policy(solver_py.average_policy())
    )
    rows.append(
        dict(
            solver="OpenSpiel Python CFR+",
            n=python_iterations,
            s=seconds,
            os_expl=expl,
            our_expl=None,
        )
    )

    ours: dict[str, Any] = {}
    for label, variant in (("cooplab CFR", "cfr"), ("cooplab CFR+", "cfr+")):
        for n in sorted({iterations, python_iterations}):
            solver = CFRSolver(game, variant=variant)
            seconds = _time_loop(solver.step, n)
            avg = solver.average_policy()
            tab = _to_openspiel(game, os_game, avg)
            expl = pyspiel.exploitability(os_game, os_policy.python_policy_to_pyspiel_policy(tab))
            ours[(label, n)] = dict(
                solver=label,
                n=n,
                s=seconds,
                os_expl=expl,
                our_expl=float(exploitability(game, avg)),
            )
        rows.append(ours[(label, iterations)])
    print(f"  done {name} (cooplab compile {compile_s * 1e3:.1f} ms)", file=sys.stderr)

    by_label = {r["solver"]: r for r in rows}
    peer_of = {
        "cooplab CFR": ["OpenSpiel C++ CFR"],
        "cooplab CFR+": ["OpenSpiel C++ CFR+", "OpenSpiel Python CFR+"],
    }
    out = []
    for r in rows:
        rate = r["n"] / r["s"]
        ratios = []
        if r["solver"] in peer_of:
            for peer in peer_of[r["solver"]]:
                p = by_label[peer]
                ratios.append(f"{rate / (p['n'] / p['s']):,.1f}x {peer.removeprefix('OpenSpiel ')}")
        out.append(
            [
                name,
                r["solver"],
                f"{r['n']:,}",
                f"{r['s']:.3f} s",
                f"{rate:,.1f}",
                f"{r['os_expl']:.3e}",
                "-" if r["our_expl"] is None else f"{r['our_expl']:.3e}",
                "; ".join(ratios) or "-",
            ]
        )
    if python_iterations != iterations:
        r = ours[("cooplab CFR+", python_iterations)]
        out.append(
            [
                name,
                "cooplab CFR+",
                f"{python_iterations:,}",
                f"{r['s']:.3f} s",
                f"{python_iterations / r['s']:,.1f}",
                f"{r['os_expl']:.3e}",
                f"{r['our_expl']:.3e}",
                "(same iterations as OpenSpiel Python CFR+)",
            ]
        )
    return out


def bench_mccfr(name: str, iterations: int, seed: int) -> list[list[str]]:
    """OpenSpiel's Python ES/OS MCCFR against cooplab's, same iterations (one traversal per player each)."""
    os_game = pyspiel.load_game(name)
    game = from_openspiel(os_game)
    rows = []
    pairs = (
        (
            "external sampling",
            lambda: os_es.ExternalSamplingSolver(os_game, os_es.AverageType.SIMPLE),
            lambda: ExternalSamplingMCCFR(game, rng=seed),
        ),
        (
            "outcome sampling",
            lambda: os_os.OutcomeSamplingSolver(os_game),
            lambda: OutcomeSamplingMCCFR(game, rng=seed),
        ),
    )
    for label, make_peer, make_ours in pairs:
        # OpenSpiel's samplers draw from numpy's global state; seed it for a repeatable row.
        np.random.seed(seed)  # noqa: NPY002 - the peer has no generator argument
        peer = make_peer()
        peer_s = _time_loop(peer.iteration, iterations)
        peer_expl = os_exploitability.exploitability(os_game, peer.average_policy())
        ours = make_ours()
        ours_s = _time_loop(ours.step, iterations)
        avg = ours.average_policy()
        ours_expl = os_exploitability.exploitability(os_game, _to_openspiel(game, os_game, avg))
        rows.append(
            [
                name,
                label,
                f"{iterations:,}",
                f"{iterations / peer_s:,.0f}",
                f"{iterations / ours_s:,.0f}",
                f"{peer_s / ours_s:,.1f}x",
                f"{peer_expl:.3e}",
                f"{ours_expl:.3e}",
            ]
        )
    print(f"  done MCCFR on {name}", file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations (a few seconds)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the MCCFR runs (default 0)")
    args = parser.parse_args(argv)
    plan = (
        [("kuhn_poker", 200, 200), ("leduc_poker", 50, 10)]
        if args.quick
        else [("kuhn_poker", 1000, 1000), ("leduc_poker", 500, 60)]
    )
    print(f"CPU: {_cpu()}, {len(os.sched_getaffinity(0))} usable cores (nproc)")
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.system()} {platform.machine()}"
    )
    print(
        f"Versions: cooplab {cooplab_version}, numpy {np.__version__}, open_spiel (pyspiel) {_os_version()}"
    )
    print()
    started = time.perf_counter()
    rows = []
    for name, n, n_py in plan:
        rows.extend(bench_game(name, n, n_py))
    head = (
        "| game | solver | iterations | time | iterations/s | exploitability (OpenSpiel) "
        "| exploitability (cooplab) | cooplab it/s / peer it/s |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    mc_plan = (
        [("kuhn_poker", 2_000), ("leduc_poker", 500)]
        if args.quick
        else [
            ("kuhn_poker", 20_000),
            ("leduc_poker", 5_000),
        ]
    )
    mc_rows = []
    for name, n in mc_plan:
        mc_rows.extend(bench_mccfr(name, n, args.seed))
    head = (
        "| game | MCCFR | iterations | OpenSpiel Python it/s | cooplab it/s | cooplab / OpenSpiel "
        "| exploitability (OpenSpiel's) | exploitability (cooplab's) |"
    )
    print()
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for cells in mc_rows:
        print("| " + " | ".join(cells) + " |")
    print(f"\nTotal wall time {time.perf_counter() - started:.1f} s (after the imports).")
    return 0


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _os_version() -> str:
    try:
        from importlib.metadata import version

        return version("open_spiel")
    except Exception:
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
