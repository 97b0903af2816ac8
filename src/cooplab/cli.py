"""The ``cooplab`` command: a thin layer that builds configurations and calls the library.

Every error a user can cause ends with one line, ``cooplab: error: ...``, and
exit status 2; an experiment that fails gives exit status 1. ``--debug`` shows
tracebacks.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from collections.abc import Sequence
from typing import Any

from cooplab import __version__

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Outcomes printed by `cooplab games show` for an N-player game.
MAX_ROWS = 200
#: The methods of `cooplab solve`.
SOLVE_METHODS = (
    "auto",
    "pure",
    "support",
    "vertex",
    "lemke-howson",
    "zero-sum",
    "n-player",
    "logit",
    "correlated",
)


class UsageError(Exception):
    """A mistake in what the user asked for."""


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a seed is a non-negative integer; got {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a seed is a non-negative integer; got {value}")
    return value


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"workers is a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"workers is a positive integer; got {value}")
    return value


def _add_run_options(p: argparse.ArgumentParser, *, out_default: str) -> None:
    preset = p.add_mutually_exclusive_group()
    preset.add_argument(
        "--quick",
        dest="preset",
        action="store_const",
        const="quick",
        help="the quick preset (default)",
    )
    preset.add_argument(
        "--full", dest="preset", action="store_const", const="full", help="the full preset"
    )
    p.set_defaults(preset="quick")
    p.add_argument("--seed", type=_seed, default=0, help="the run's seed (default 0)")
    p.add_argument("--out", default=out_default, help=f"output folder (default {out_default})")
    p.add_argument("--fresh", action="store_true", help="recompute even if a stored result exists")
    p.add_argument(
        "--backend",
        choices=("local", "ray", "serial"),
        default="local",
        help="where parallel parts run",
    )
    p.add_argument(
        "--workers", type=_workers, default=None, help="processes (local) or CPUs (a local Ray)"
    )
    p.add_argument(
        "--ray-address",
        default=None,
        help="address of an existing Ray cluster (with --backend ray)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cooplab",
        description="Multi-agent coordination and emergent behaviour: games, equilibria and experiments.",
    )
    parser.add_argument("--version", action="version", version=f"cooplab {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    games = sub.add_parser("games", help="list the catalog of games, or show one")
    games_sub = games.add_subparsers(dest="games_command", metavar="show")
    show = games_sub.add_parser("show", help="print a game's payoffs as a table")
    show.add_argument("name", help="a game from `cooplab games`")
    show.add_argument(
        "--param", action="append", default=[], metavar="K=V", help="set a parameter (repeatable)"
    )
    show.add_argument("--json", action="store_true", help="print the game as JSON")

    solve = sub.add_parser(
        "solve",
        help="find the equilibria of a game (a catalog name or a Gambit .nfg file)",
        description="Find the Nash (or correlated) equilibria of a game: a name from "
        "`cooplab games` (with --param) or the path of a Gambit .nfg file.",
    )
    solve.add_argument("game", help="a game from `cooplab games`, or a .nfg file")
    solve.add_argument(
        "--param", action="append", default=[], metavar="K=V", help="set a parameter (repeatable)"
    )
    solve.add_argument(
        "--method",
        choices=SOLVE_METHODS,
        default="auto",
        help="auto (default): every extreme equilibrium of a 2-player game (vertex enumeration) "
        "when that is feasible, else one by Lemke-Howson; every equilibrium of a small "
        "n-player game, else one by the logit path",
    )
    solve.add_argument(
        "--exact", action="store_true", help="rational arithmetic (support, vertex, lemke-howson)"
    )
    solve.add_argument(
        "--label",
        type=int,
        default=None,
        help="Lemke-Howson's initial label (default: every label)",
    )
    solve.add_argument(
        "--objective",
        default="welfare",
        choices=("welfare", "min_welfare", "feasible"),
        help="what the correlated equilibrium maximises (default welfare)",
    )
    solve.add_argument("--coarse", action="store_true", help="coarse correlated equilibrium")
    solve.add_argument("--json", action="store_true", help="print the result as JSON")

    strategies = sub.add_parser(
        "strategies", help="list the repeated-game strategies (filter by their properties)"
    )
    strategies.add_argument(
        "--filter",
        nargs="+",
        default=[],
        metavar="K=V",
        help="keep strategies whose property K is V: memory_depth=1, stochastic=false, "
        "tags=nice, uses_match_length=false",
    )

    match = sub.add_parser("match", help="play one repeated match and print its history")
    match.add_argument("a", help="a strategy from `cooplab strategies`")
    match.add_argument("b", help="a strategy from `cooplab strategies`")
    length = match.add_mutually_exclusive_group()
    length.add_argument("--turns", type=int, default=None, help="turns (default 10)")
    length.add_argument(
        "--delta", type=float, default=None, help="continuation probability (length drawn)"
    )
    match.add_argument("--noise", type=float, default=0.0, help="probability an action flips")
    match.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    match.add_argument("--json", action="store_true", help="print the match as JSON")

    tournament = sub.add_parser(
        "tournament", help="a round-robin tournament of repeated-game strategies"
    )
    tournament.add_argument("strategies", nargs="*", metavar="STRATEGY", help="strategies to enter")
    who = tournament.add_mutually_exclusive_group()
    who.add_argument("--all", action="store_true", help="every registered strategy")
    who.add_argument(
        "--first-tournament", action="store_true", help="the 15 entries of Axelrod (1980)"
    )
    tournament.add_argument("--turns", type=int, default=None, help="turns per match (default 200)")
    tournament.add_argument("--delta", type=float, default=None, help="continuation probability")
    tournament.add_argument("--repetitions", type=int, default=1, help="matches per pair")
    tournament.add_argument("--noise", type=float, default=0.0, help="probability an action flips")
    tournament.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    tournament.add_argument(
        "--no-self-play", action="store_true", help="strategies do not meet their twins"
    )
    tournament.add_argument(
        "--backend", choices=("serial", "local", "ray"), default="local", help="where matches run"
    )
    tournament.add_argument("--workers", type=_workers, default=None, help="local processes")
    tournament.add_argument("--ray-address", default=None, help="an existing Ray cluster")
    tournament.add_argument(
        "--checkpoint", default=None, metavar="DIR", help="save finished matches here (resume)"
    )
    tournament.add_argument("--json", action="store_true", help="print the result as JSON")
    tournament.add_argument("--no-progress", action="store_true", help="no progress bar")

    _add_learn_parser(sub)
    _add_lola_parser(sub)
    _add_cfr_parser(sub)
    _add_marl_parser(sub)
    _add_comm_parser(sub)
    _add_envs_parser(sub)
    _add_selfplay_parsers(sub)
    _add_alphazero_parser(sub)
    _add_ssd_parser(sub)

    sub.add_parser("experiments", help="list the experiments the report runs")

    run = sub.add_parser("run", help="run one experiment and print its result")
    run.add_argument("name", help="an experiment from `cooplab experiments`")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="K=V",
        help="change a field of the preset's configuration (influence_weight=1.0, "
        "envs=harvest_v1,cleanup_v1); repeatable; an unknown K lists the fields",
    )
    _add_run_options(run, out_default="cooplab-runs")

    report = sub.add_parser("report", help="run the experiments and write report.html")
    report.add_argument(
        "--only", nargs="+", metavar="NAME", default=None, help="run only these experiments"
    )
    _add_run_options(report, out_default="cooplab-report")
    return parser


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
def _console() -> Any:
    from rich.console import Console

    # Pipes and captured output get a fixed width so tables are not squeezed to 80 columns.
    width = None if sys.stdout.isatty() else 1000
    return Console(file=sys.stdout, highlight=False, width=width)


def _cmd_games(args: argparse.Namespace) -> int:
    from rich.table import Table

    from cooplab.games.catalog import GAMES

    if args.games_command == "show":
        return _cmd_games_show(args)
    table = Table(title="cooplab games", show_lines=False)
    for col in ("name", "players", "parameters (defaults)", "summary"):
        table.add_column(col)
    for spec in GAMES.values():
        params = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in spec.parameters().items()
        )
        table.add_row(spec.name, spec.players, params or "-", spec.summary)
    _console().print(table)
    return EXIT_OK


def _cmd_games_show(args: argparse.Namespace) -> int:
    from rich.table import Table

    from cooplab.games.catalog import GAMES

    spec = GAMES[args.name]
    game = spec.build_from_strings(args.param)
    if args.json:
        print(json.dumps(game.to_dict(), indent=2))
        return EXIT_OK
    console = _console()
    title = game.name or spec.name
    if game.n_players == 2:
        rows_name, cols_name = game.player_names
        table = Table(title=f"{title}: payoffs ({rows_name}, {cols_name})")
        table.add_column(f"{rows_name} \\ {cols_name}", style="bold")
        for a in game.action_names[1]:
            table.add_column(a, justify="center")
        for i, a in enumerate(game.action_names[0]):
            cells = [
                f"{game.payoffs[0, i, j]:g}, {game.payoffs[1, i, j]:g}"
                for j in range(game.n_actions[1])
            ]
            table.add_row(a, *cells)
    else:
        table = Table(title=f"{title}: payoffs per outcome")
        for p in game.player_names:
            table.add_column(f"{p} plays", style="bold")
        for p in game.player_names:
            table.add_column(f"{p} gets", justify="right")
        for shown, outcome in enumerate(game.pure_outcomes()):
            if shown == MAX_ROWS:
                break
            cells = [f"{game.payoffs[(i, *outcome)]:g}" for i in range(game.n_players)]
            table.add_row(*game.outcome_names(outcome), *cells)
        total = math.prod(game.n_actions)
        if total > MAX_ROWS:
            table.caption = f"first {MAX_ROWS} of {total:,} outcomes; --json prints them all"
    console.print(table)
    equilibria = ["(" + ", ".join(game.outcome_names(e)) + ")" for e in game.pure_nash_equilibria()]
    console.print(f"pure Nash equilibria: {', '.join(equilibria) if equilibria else 'none'}")
    if spec.reference:
        console.print(f"reference: {spec.reference}")
    return EXIT_OK


def _load_game(name: str, params: Sequence[str]) -> Any:
    """A catalog game by name (with parameters) or a game read from a .nfg file."""
    from pathlib import Path

    from cooplab.games.catalog import GAMES

    path = Path(name)
    if name.lower().endswith(".nfg") or (path.exists() and path.is_file()):
        from cooplab.games.gambit_io import read_nfg

        if params:
            raise UsageError("--param sets catalog parameters; a .nfg file has none")
        if not path.is_file():
            raise UsageError(f"no such game file: {name}")
        return read_nfg(path)
    return GAMES[name].build_from_strings(params)


def _solve(game: Any, args: argparse.Namespace) -> Any:
    """Run the method asked for; returns an EquilibriumResult or a CorrelatedResult."""
    from cooplab import equilibria as eq

    method = args.method
    two = game.n_players == 2
    if method == "auto":
        if two:
            pairs = eq.count_support_pairs(*game.n_actions)
            method = "vertex" if pairs <= 200_000 else "lemke-howson"
        else:
            method = "n-player" if eq.count_support_profiles(game.n_actions) <= 100_000 else "logit"
    if args.exact and method not in ("support", "vertex", "lemke-howson"):
        raise UsageError(
            f"--exact works with the support, vertex and lemke-howson methods, not {method}"
        )
    if args.label is not None and method != "lemke-howson":
        raise UsageError("--label is for --method lemke-howson")
    if method in ("support", "vertex", "lemke-howson", "zero-sum") and not two:
        raise UsageError(
            f"--method {method} is for 2-player games; this game has {game.n_players} players "
            "(use n-player, logit, pure or correlated)"
        )
    if method == "pure":
        return eq.pure_equilibria(game)
    if method == "support":
        return eq.support_enumeration(game, exact=args.exact)
    if method == "vertex":
        return eq.vertex_enumeration(game, exact=args.exact)
    if method == "lemke-howson":
        if args.label is None:
            return eq.lemke_howson_all(game, exact=args.exact)
        return eq.lemke_howson(game, args.label, exact=args.exact)
    if method == "zero-sum":
        return eq.zero_sum_equilibrium(game)
    if method == "n-player":
        return eq.n_player_support_enumeration(game)
    if method == "logit":
        return eq.logit_qre_path(game)
    return eq.correlated_equilibrium(
        game, objective=args.objective, kind="coarse" if args.coarse else "correlated"
    )


def _cmd_solve(args: argparse.Namespace) -> int:
    import warnings

    import numpy as np
    from rich.table import Table

    from cooplab.equilibria import DegenerateGameWarning
    from cooplab.equilibria.correlated import CorrelatedResult

    game = _load_game(args.game, args.param)
    with warnings.catch_warnings():
        # The result says it (degenerate: true); the table prints a note.
        warnings.simplefilter("ignore", DegenerateGameWarning)
        result = _solve(game, args)
    if isinstance(result, CorrelatedResult):
        if args.json:
            print(json.dumps(result.to_dict(), indent=2))
            return EXIT_OK
        console = _console()
        table = Table(
            title=f"{game.name or args.game}: {result.kind} equilibrium ({result.objective})"
        )
        for p in game.player_names:
            table.add_column(p, style="bold")
        table.add_column("probability", justify="right")
        for outcome in np.argwhere(result.distribution > 1e-12):
            table.add_row(
                *game.outcome_names(tuple(int(k) for k in outcome)),
                f"{result.distribution[tuple(outcome)]:.6g}",
            )
        console.print(table)
        console.print(
            "payoffs: "
            + ", ".join(
                f"{p} {v:.6g}" for p, v in zip(game.player_names, result.payoffs, strict=True)
            )
            + f"; welfare {result.welfare:.6g}; largest incentive to deviate {result.violation:.3g}"
        )
        return EXIT_OK
    if args.json:
        data = result.to_dict()
        print(json.dumps(data, indent=2))
        return EXIT_OK
    console = _console()
    table = Table(title=f"{game.name or args.game}: {result.method.replace('_', ' ')}")
    table.add_column("#", justify="right")
    for p, actions in zip(game.player_names, game.action_names, strict=True):
        table.add_column(f"{p} ({', '.join(actions)})")
    table.add_column("payoffs")
    table.add_column("regret", justify="right")
    for k, e in enumerate(result.equilibria):
        if e.exact is not None:
            cells = ["(" + ", ".join(str(p) for p in s) + ")" for s in e.exact]
        else:
            cells = ["(" + ", ".join(f"{p:.6g}" for p in s) + ")" for s in e.profile]
        table.add_row(
            str(k + 1),
            *cells,
            ", ".join(f"{v if abs(v) > 1e-12 else 0.0:.6g}" for v in e.payoffs),
            f"{e.regret:.2g}",
        )
    console.print(table)
    notes = [f"{len(result)} equilibri{'um' if len(result) == 1 else 'a'}"]
    notes.append("the complete list" if result.complete else "not necessarily all")
    if result.degenerate:
        notes.append(
            "the game is degenerate"
            + (
                ""
                if result.method == "vertex_enumeration"
                else ": use --method vertex for every extreme equilibrium"
            )
        )
    if result.components is not None and result.degenerate:
        notes.append(f"{len(result.components)} connected components")
    console.print("; ".join(notes))
    return EXIT_OK


def _parse_filter(items: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for text in items:
        key, sep, raw = text.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key or not raw:
            raise UsageError(f"a filter is written name=value; got {text!r}")
        value: Any
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        elif raw.lower() in ("inf", "infinite"):
            value = math.inf
        else:
            try:
                value = int(raw)
            except ValueError:
                value = raw
        out[key] = value
    return out


def _cmd_strategies(args: argparse.Namespace) -> int:
    from rich.table import Table

    from cooplab.repeated.strategies import STRATEGIES, filter_strategies

    names = filter_strategies(**_parse_filter(args.filter))
    table = Table(title=f"cooplab strategies ({len(names)})")
    for col in ("name", "display name", "memory", "stochastic", "tags", "reference"):
        table.add_column(col)
    for name in names:
        meta = STRATEGIES[name].meta
        depth = "inf" if meta.memory_depth == math.inf else str(int(meta.memory_depth))
        table.add_row(
            name,
            meta.display,
            depth,
            "yes" if meta.stochastic else "no",
            ", ".join(sorted(meta.tags)),
            meta.reference,
        )
    _console().print(table)
    return EXIT_OK


def _cmd_match(args: argparse.Namespace) -> int:
    from cooplab.repeated import get_strategy, play_match
    from cooplab.repeated.engine import match_lengths

    a, b = get_strategy(args.a), get_strategy(args.b)
    if args.delta is not None:
        turns = int(match_lengths(args.seed, [(0, 1, 0)], args.delta)[0])
        known = False
    else:
        turns = 10 if args.turns is None else args.turns
        known = True
    result = play_match(a, b, turns, noise=args.noise, seed=args.seed, length_known=known)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return EXIT_OK
    first, second = result.history_strings()
    width = max(len(a.display), len(b.display))
    console = _console()
    console.print(f"{a.display:<{width}}  {first}")
    console.print(f"{b.display:<{width}}  {second}")
    console.print(
        f"{turns} turns{' (drawn, delta=' + format(args.delta, 'g') + ')' if args.delta is not None else ''}"
        f"; scores {result.scores[0]:g} and {result.scores[1]:g}"
        f" (per turn {result.mean_scores[0]:.4g} and {result.mean_scores[1]:.4g})"
    )
    return EXIT_OK


def _cmd_tournament(args: argparse.Namespace) -> int:
    from rich.table import Table

    from cooplab.repeated.strategies import FIRST_TOURNAMENT, STRATEGIES
    from cooplab.repeated.tournament import round_robin
    from cooplab.runtime.executor import Executor

    if args.all:
        names: list[str] = list(STRATEGIES)
    elif args.first_tournament:
        names = list(FIRST_TOURNAMENT)
    else:
        names = list(args.strategies)
    if args.strategies and (args.all or args.first_tournament):
        raise UsageError("name strategies, or use --all or --first-tournament, not both")
    if len(names) < 2:
        raise UsageError(
            "a tournament needs at least two strategies (or --all, --first-tournament)"
        )
    players = [STRATEGIES[n] for n in names]  # unknown names fail here, with suggestions
    executor = Executor(args.backend, workers=args.workers, ray_address=args.ray_address)
    with _progress_bar(args, "tournament") as bar:
        result = round_robin(
            players,
            turns=args.turns,
            delta=args.delta,
            repetitions=args.repetitions,
            noise=args.noise,
            seed=args.seed,
            self_play=not args.no_self_play,
            executor=executor,
            progress=bar,
            checkpoint=args.checkpoint,
        )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return EXIT_OK
    table = Table(title=f"round robin of {len(names)} strategies")
    for col in ("rank", "strategy", "score per turn", "total score", "cooperation"):
        table.add_column(col, justify="right" if col != "strategy" else "left")
    totals = result.total_scores
    for rank, i in enumerate(result.ranking, start=1):
        table.add_row(
            str(rank),
            result.names[i],
            f"{result.mean_scores[i]:.4f}",
            f"{totals[i]:.1f}",
            f"{result.cooperation_rates[i]:.1%}",
        )
    _console().print(table)
    return EXIT_OK


def _cmd_experiments(args: argparse.Namespace) -> int:
    from rich.table import Table

    from cooplab.experiments import EXPERIMENTS

    table = Table(title="cooplab experiments")
    for col in ("name", "note section", "title"):
        table.add_column(col)
    for e in EXPERIMENTS:
        table.add_row(e.name, e.section, e.title)
    _console().print(table)
    return EXIT_OK


def _progress_bar(args: argparse.Namespace, description: str) -> Any:
    from cooplab.runtime.progress import ProgressBar

    return ProgressBar(
        description, enabled=not args.no_progress and not getattr(args, "json", False)
    )


def _cmd_run(args: argparse.Namespace) -> int:
    from cooplab.experiments import get
    from cooplab.experiments.runner import run_experiment
    from cooplab.runtime.executor import Executor
    from cooplab.runtime.store import Store

    experiment = get(args.name)
    overrides = _experiment_overrides(experiment.config(args.preset), args.set)
    with (
        Executor(args.backend, workers=args.workers, ray_address=args.ray_address) as executor,
        _progress_bar(args, experiment.name) as bar,
    ):
        bar.label(experiment.name)
        record = run_experiment(
            experiment,
            preset=args.preset,
            overrides=overrides,
            seed=args.seed,
            store=Store(args.out),
            fresh=args.fresh,
            executor=executor,
            progress=bar,
        )
    if args.json:
        print(json.dumps(record.to_dict(), indent=2))
    else:
        console = _console()
        console.print(
            f"[bold]{experiment.title}[/bold] (note section {experiment.section}): {record.status}"
        )
        if overrides:
            changed = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
            console.print(f"  the {args.preset} preset with {changed}")
        if record.status == "smoke run":
            console.print(
                "  the quick preset is a smoke run, too short to test the claim; "
                "--full tests it. What this run measured:"
            )
        if record.result is not None:
            for check in record.result.checks:
                console.print(f"  {'held' if check.held else 'did not hold'}: {check.claim}")
            for key, value in record.result.metrics().items():
                console.print(
                    f"  {key}: {value:.6g}" if isinstance(value, float) else f"  {key}: {value}"
                )
        if record.error:
            console.print(f"  error: {record.error}")
        reused = " (reused its stored result; --fresh recomputes)" if record.reused else ""
        console.print(f"  run folder: {record.run_dir}{reused}")
    return EXIT_FAILED if record.status == "failed" else EXIT_OK


def _experiment_overrides(config: Any, items: list[str]) -> dict[str, Any]:
    """``--set K=V`` items as typed fields of ``config``, checked by building the new config."""
    import dataclasses as dc

    from cooplab.runtime.params import typed_assignments

    if not items:
        return {}
    defaults = {f.name: getattr(config, f.name) for f in dc.fields(config)}
    try:
        values = typed_assignments(items, defaults, "--set")
        dc.replace(config, **values)  # the config's own checks, before anything runs
    except ValueError as err:
        raise UsageError(str(err)) from None
    return values


def _cmd_report(args: argparse.Namespace) -> int:
    from cooplab.report.build import build_report, select

    experiments = select(args.only)  # unknown names fail here, before anything runs
    with _progress_bar(args, "cooplab report") as bar:
        outcome = build_report(
            [e.name for e in experiments],
            preset=args.preset,
            seed=args.seed,
            out=args.out,
            backend=args.backend,
            workers=args.workers,
            ray_address=args.ray_address,
            fresh=args.fresh,
            progress=bar,
            on_stage=bar.label,
        )
    failed = [r for r in outcome.records if r.status == "failed"]
    for r in outcome.records:
        print(f"{r.experiment.name}: {r.status}" + (f" ({r.error})" if r.error else ""))
    print(f"report written to {outcome.path}")
    return EXIT_FAILED if failed else EXIT_OK


def _configure_logging(*, debug: bool) -> None:
    # Run folders collect INFO records through their own file handler; the
    # terminal shows warnings only (everything with --debug).
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.DEBUG if debug else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("cooplab")
    for old in [h for h in logger.handlers if getattr(h, "_cooplab_cli", False)]:
        logger.removeHandler(old)
    handler._cooplab_cli = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.propagate = False
    if debug:
        logger.setLevel(logging.DEBUG)


#: The learners of `cooplab learn` (cooplab.learning.LEARNERS; a test keeps the two equal).
LEARNER_NAMES = (
    "fictitious-play",
    "smooth-fictitious-play",
    "replicator",
    "q-learning",
    "iga",
    "wolf-iga",
    "wolf-phc",
    "hedge",
    "regret-matching",
)


def _add_learn_parser(sub: Any) -> None:
    learn = sub.add_parser(
        "learn",
        help="run a learning dynamic on a catalog game and say whether it converges or cycles",
        description="Run a learner (every player learning at once) on a game from "
        "`cooplab games`; print the final and time-averaged policies, their NashConv and "
        "whether the last iterate converged or keeps cycling.",
    )
    learn.add_argument("game", help="a game from `cooplab games`")
    learn.add_argument("--learner", required=True, choices=LEARNER_NAMES, help="the dynamic")
    learn.add_argument("--steps", type=int, default=1000, help="steps (default 1000)")
    learn.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    learn.add_argument(
        "--param", action="append", default=[], metavar="K=V", help="a learner parameter"
    )
    learn.add_argument(
        "--game-param", action="append", default=[], metavar="K=V", help="a game parameter"
    )
    learn.add_argument("--plot", default=None, metavar="FILE", help="write the trajectory (PNG)")
    learn.add_argument("--json", action="store_true", help="print the summary as JSON")


def _add_lola_parser(sub: Any) -> None:
    lola = sub.add_parser(
        "lola",
        help="train naive or LOLA learners with exact values in the iterated PD or matching pennies",
        description="Two memory-one learners (Foerster et al. 2018, exact values), each pairing "
        "over several seeds at once; prints the reward per round and the learned policies.",
    )
    lola.add_argument("--game", choices=("ipd", "imp"), default="ipd", help="default ipd")
    lola.add_argument(
        "--pair",
        choices=("lola-lola", "naive-naive", "lola-naive"),
        default="lola-lola",
        help="the two learners (default lola-lola)",
    )
    lola.add_argument("--seeds", type=_workers, default=10, help="runs, batched (default 10)")
    lola.add_argument("--steps", type=int, default=200, help="updates (default 200)")
    lola.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    lola.add_argument("--json", action="store_true", help="print the summary as JSON")


def _cmd_lola(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        raise UsageError("cooplab lola needs torch; install it with: pip install 'cooplab[learn]'")
    from cooplab.learning.lola import STATE_NAMES, MemoryOneLOLA

    if args.steps < 0:
        raise UsageError(f"--steps must be a non-negative integer; got {args.steps}")
    pair = MemoryOneLOLA(args.game, args.pair, runs=args.seeds, rng=args.seed).run(args.steps)
    rewards = pair.reward_per_step  # (runs, 2)
    policies = pair.policies  # (runs, 2, 5)
    summary = {
        "game": args.game,
        "pair": args.pair,
        "seeds": args.seeds,
        "steps": args.steps,
        "gamma": pair.gamma,
        "reward_per_step_mean": rewards.mean(axis=0).tolist(),
        "reward_per_step_std": rewards.std(axis=0).tolist(),
        "policy_mean": {
            f"player {i + 1}": dict(
                zip(STATE_NAMES, policies[:, i].mean(axis=0).tolist(), strict=True)
            )
            for i in range(2)
        },
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return EXIT_OK
    console = _console()
    console.print(
        f"{args.pair} in the {pair.game.title}, {args.seeds} seeds, {args.steps} updates "
        f"(gamma {pair.gamma:g})"
    )
    for i, kind in enumerate(pair.learners):
        probs = ", ".join(
            f"{s} {m:.2f}" for s, m in zip(STATE_NAMES, policies[:, i].mean(axis=0), strict=True)
        )
        console.print(
            f"  player {i + 1} ({kind}): reward per round {rewards[:, i].mean():.3f} "
            f"+- {rewards[:, i].std():.3f}; P(first action | state): {probs}"
        )
    return EXIT_OK


def _cmd_learn(args: argparse.Namespace) -> int:
    from cooplab.games.catalog import GAMES
    from cooplab.learning import make_learner, parse_learner_params, summarize_run
    from cooplab.runtime.serialize import to_jsonable

    if args.steps < 1:
        raise UsageError(f"--steps must be a positive integer; got {args.steps}")
    game = GAMES[args.game].build_from_strings(args.game_param)
    params = parse_learner_params(args.learner, args.param)
    learner = make_learner(args.learner, game, rng=args.seed, **params).run(args.steps)
    summary = summarize_run(learner)
    if args.plot:
        from cooplab.learning import nash_conv_path, running_average
        from cooplab.learning.plots import nash_conv_figure, trajectory_figure
        from cooplab.report.plots import figure_to_png

        path = learner.histories()
        average = [running_average(h) for h in path]
        sizes = game.n_actions
        if sizes == (2, 2) or (game.n_players == 2 and set(sizes) == {3}):
            fig = trajectory_figure(
                path,
                average,
                title=f"{args.learner} on {game.name}",
                action_names=game.action_names,
            )
        else:
            steps = list(range(len(path[0])))
            fig = nash_conv_figure(
                {
                    "last iterate": (steps, nash_conv_path(game, path)),
                    "time average": (steps, nash_conv_path(game, average)),
                },
                title=f"{args.learner} on {game.name}",
            )
        with open(args.plot, "wb") as fh:
            fh.write(figure_to_png(fig))
    if args.json:
        print(json.dumps(to_jsonable(summary), indent=2, allow_nan=False))
        return EXIT_OK
    d = summary.diagnosis
    print(f"{args.learner} on {summary.game}: {summary.steps} steps, seed {args.seed}")
    for i, name in enumerate(game.player_names):
        cur = " ".join(
            f"{a} {p:.3f}" for a, p in zip(game.action_names[i], summary.policies[i], strict=True)
        )
        avg = " ".join(
            f"{a} {p:.3f}"
            for a, p in zip(game.action_names[i], summary.average_policies[i], strict=True)
        )
        print(f"  {name}: now {cur} | time average {avg}")
    print(
        f"NashConv: last iterate {summary.nash_conv:.4g}, time average "
        f"{summary.average_nash_conv:.4g}"
    )
    print(
        f"verdict: {d.verdict} (last iterate moved {d.movement:.3f} in total variation over the "
        f"last {d.window} steps; relative NashConv of the average {d.average_nash_conv:.3g})"
    )
    if summary.cce_violation is not None:
        print(
            f"coarse correlated equilibrium violation of the joint play: {summary.cce_violation:.4g}"
        )
    if args.plot:
        print(f"plot written to {args.plot}")
    return EXIT_OK


#: The algorithms of `cooplab cfr`.
CFR_ALGORITHMS = ("cfr", "cfr+", "linear", "dcfr", "es-mccfr", "os-mccfr")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"a positive integer; got {value}")
    return value


def _add_cfr_parser(sub: Any) -> None:
    cfr = sub.add_parser(
        "cfr",
        help="solve an extensive-form game with CFR or Monte Carlo CFR, or evaluate a policy",
        description="Run a CFR-family solver on an extensive-form game (a registry name such as "
        "kuhn_poker or leduc_poker, with --param, or a Gambit .efg file) and report the "
        "exploitability of its average policy; or, with --exploitability, evaluate a saved policy.",
    )
    cfr.add_argument(
        "game", help="kuhn_poker, leduc_poker, liars_dice, goofspiel, matrix, or a .efg file"
    )
    cfr.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="K=V",
        help="set a game parameter (repeatable)",
    )
    cfr.add_argument("--algorithm", choices=CFR_ALGORITHMS, default="cfr+", help="default cfr+")
    cfr.add_argument("--iterations", type=_positive, default=1000, help="default 1000")
    cfr.add_argument("--seed", type=_seed, default=0, help="seed of the samplers (default 0)")
    cfr.add_argument("--save", metavar="POLICY.json", default=None, help="write the average policy")
    cfr.add_argument(
        "--exploitability",
        metavar="POLICY.json",
        default=None,
        help="evaluate this saved policy instead of solving",
    )
    cfr.add_argument(
        "--table", action="store_true", help="print the policy, one information set a line"
    )
    cfr.add_argument("--json", action="store_true", help="print the result as JSON")
    cfr.add_argument("--no-progress", action="store_true", help="no progress bar")


def _load_extensive(name: str, params: Sequence[str]) -> Any:
    """A registry extensive-form game by name (with parameters) or a game read from a .efg file."""
    from pathlib import Path

    path = Path(name)
    if name.lower().endswith(".efg") or (path.exists() and path.is_file()):
        from cooplab.games.gambit_efg import read_efg

        if params:
            raise UsageError("--param sets registry parameters; a .efg file has none")
        if not path.is_file():
            raise UsageError(f"no such game file: {name}")
        return read_efg(path)
    from cooplab.games.extensive_catalog import make_extensive
    from cooplab.runtime.params import parse_assignments

    return make_extensive(name, **parse_assignments(params, "--param"))


def _cmd_cfr(args: argparse.Namespace) -> int:
    import time

    from cooplab.cfr.best_response import expected_values, exploitability, nash_conv
    from cooplab.cfr.policy import TabularPolicy
    from cooplab.experiments.cfr_poker import make_solver

    game = _load_extensive(args.game, args.param)
    out: dict[str, Any] = {"game": game.name or args.game}
    if args.exploitability is not None:
        if args.save:
            raise UsageError("--save writes a solver's policy; --exploitability only evaluates one")
        policy = TabularPolicy.from_json(game, args.exploitability)
        out["policy_file"] = args.exploitability
    else:
        solver = make_solver(game, args.algorithm, rng=args.seed)
        chunks = min(args.iterations, 20)
        seconds = 0.0
        with _progress_bar(args, f"{args.algorithm} on {out['game']}") as bar:
            for k in range(1, chunks + 1):
                start = time.perf_counter()
                solver.run(args.iterations * k // chunks - solver.iteration)
                seconds += time.perf_counter() - start
                bar.update(solver.iteration, args.iterations)
                if bar.enabled:  # the evaluation is only for the bar's label
                    expl = exploitability(game, solver.average_policy())
                    bar.label(
                        f"{args.algorithm}: iteration {solver.iteration:,}, exploitability {expl:.3g}"
                    )
        policy = solver.average_policy()
        out.update(
            algorithm=args.algorithm, iterations=solver.iteration, seconds=seconds, seed=args.seed
        )
        if args.save:
            policy.to_json(args.save)
            out["saved"] = args.save
    out["exploitability"] = float(exploitability(game, policy))
    out["nash_conv"] = float(nash_conv(game, policy))
    out["values"] = [float(v) for v in expected_values(game, policy)]
    if args.json:
        out["policy"] = policy.to_dict()["policy"]
        print(json.dumps(out, indent=2))
        return EXIT_OK
    console = _console()
    console.print(
        f"[bold]{out['game']}[/bold]: {game.num_players} players, {game.num_nodes:,} nodes, "
        f"{game.num_infosets:,} information sets"
    )
    if args.exploitability is None:
        console.print(
            f"{args.algorithm}: {out['iterations']:,} iterations in {out['seconds']:.3f} s"
            + (f" (seed {args.seed})" if args.algorithm.endswith("mccfr") else "")
        )
    else:
        console.print(f"policy: {args.exploitability}")
    console.print(f"exploitability: {out['exploitability']:.6g}  (NashConv {out['nash_conv']:.6g})")
    console.print("expected values: " + ", ".join(f"{v:.6g}" for v in out["values"]))
    if args.table:
        print(policy.table())
    if args.save:
        console.print(f"average policy written to {args.save}")
    return EXIT_OK


def _add_marl_parser(sub: Any) -> None:
    marl = sub.add_parser(
        "marl",
        help="train and evaluate cooperative MARL agents (IQL, VDN, QMIX, COMA, IPPO, MAPPO, MAVEN)",
        description="Cooperative multi-agent RL on cooplab's batched environments (torch).",
    )
    msub = marl.add_subparsers(dest="marl_command", metavar="COMMAND", required=True)
    tr = msub.add_parser("train", help="train ALGO on ENV; writes log.csv and checkpoint.pt")
    tr.add_argument("algorithm", metavar="ALGO", help="iql, vdn, qmix, coma, ippo, mappo, maven")
    tr.add_argument("env", metavar="ENV", help="an environment from `cooplab envs`")
    tr.add_argument("--steps", type=int, default=20_000, help="environment steps (default 20000)")
    tr.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    tr.add_argument(
        "--out", default=None, metavar="DIR", help="folder for log.csv and checkpoint.pt"
    )
    tr.add_argument("--resume", action="store_true", help="continue the checkpoint in --out")
    tr.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="K=V",
        help="a training parameter (TrainConfig)",
    )
    tr.add_argument(
        "--env-param", action="append", default=[], metavar="K=V", help="an environment parameter"
    )
    tr.add_argument("--json", action="store_true", help="print the summary as JSON")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")
    ev = msub.add_parser("eval", help="greedy episodes of a saved checkpoint")
    ev.add_argument("checkpoint", metavar="CHECKPOINT", help="a checkpoint.pt from `marl train`")
    ev.add_argument("env", metavar="ENV", help="the environment it was trained on")
    ev.add_argument("--episodes", type=int, default=32, help="episodes (default 32)")
    ev.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    ev.add_argument("--json", action="store_true", help="print the result as JSON")


def _cmd_marl(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        raise UsageError("cooplab marl needs torch; install it with: pip install 'cooplab[learn]'")
    from cooplab.marl.trainer import Trainer, evaluate_checkpoint, parse_config_overrides
    from cooplab.runtime.params import parse_assignments
    from cooplab.runtime.progress import ProgressBar

    if args.marl_command == "eval":
        returns, meta = evaluate_checkpoint(args.checkpoint, args.env, args.episodes, rng=args.seed)
        out = {
            **meta,
            "episodes": len(returns),
            "return_mean": float(returns.mean()),
            "return_std": float(returns.std()),
        }
        if args.json:
            print(json.dumps(out, indent=2))
        else:
            _console().print(
                f"{meta['algorithm']} on {meta['env']} (trained {meta['t_env']:,} steps): greedy "
                f"return {out['return_mean']:.3f} +- {out['return_std']:.3f} over {len(returns)} episodes"
            )
        return EXIT_OK
    if args.steps < 1:
        raise UsageError(f"--steps must be a positive integer; got {args.steps}")
    config = parse_config_overrides(args.set)
    trainer = Trainer(
        args.algorithm,
        args.env,
        config,
        rng=args.seed,
        env_params=parse_assignments(args.env_param, "--env-param"),
        out=args.out,
        resume=args.resume,
    )
    with ProgressBar(
        f"{args.algorithm} on {trainer.spec.name}", enabled=not args.no_progress and not args.json
    ) as bar:

        def on_log(row: Any) -> None:
            bar.label(
                f"{args.algorithm} on {trainer.spec.name}: t={row.t_env:,} "
                f"return {row.eval_return_mean:.2f} (train {row.train_return:.2f})"
            )

        result = trainer.train(args.steps, progress=bar, on_log=on_log)
    summary = {
        "algorithm": result.algorithm,
        "env": result.env,
        "t_env": result.t_env,
        "episodes": result.episodes,
        "updates": result.updates,
        "final_return": result.final_return,
        "out": args.out,
        "log": [
            {
                "t_env": r.t_env,
                "eval_return_mean": r.eval_return_mean,
                "train_return": r.train_return,
            }
            for r in result.log
        ],
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return EXIT_OK
    console = _console()
    console.print(
        f"{result.algorithm} on {result.env}: {result.t_env:,} steps, {result.episodes:,} episodes, "
        f"{result.updates:,} updates; greedy return {result.final_return:.3f}"
    )
    if args.out:
        console.print(f"log and checkpoint in {args.out}")
    return EXIT_OK


def _add_comm_parser(sub: Any) -> None:
    comm = sub.add_parser(
        "comm",
        help="emergent communication: train Lewis or referential-game agents, analyse a run",
        description="Train signaling agents (Lewis game: Roth-Erev or replicator; referential "
        "game: GRU agents by REINFORCE or Gumbel-Softmax) and print the measures of the "
        "language they learn; `comm analyze RUN` reads a saved run.",
    )
    csub = comm.add_subparsers(dest="comm_command", metavar="COMMAND", required=True)
    tr = csub.add_parser("train", help="train on a game: lewis, referential or switch")
    tr.add_argument("game", choices=("lewis", "referential", "switch"), help="the game")
    tr.add_argument(
        "--method",
        default=None,
        help="lewis: roth-erev (default) or replicator; referential: reinforce or gumbel "
        "(default); switch: dial (default), rial or none",
    )
    tr.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    tr.add_argument("--out", default=None, metavar="DIR", help="write run.json in this folder")
    tr.add_argument("--states", type=int, default=3, help="lewis: states (default 3)")
    tr.add_argument(
        "--prior",
        default=None,
        help="lewis: state probabilities, comma-separated (default uniform)",
    )
    tr.add_argument("--runs", type=int, default=200, help="lewis: runs, batched (default 200)")
    tr.add_argument(
        "--steps", type=int, default=None, help="plays (roth-erev), steps (replicator, training)"
    )
    tr.add_argument("--attributes", type=int, default=2, help="referential (default 2)")
    tr.add_argument("--values", type=int, default=5, help="referential (default 5)")
    tr.add_argument("--distractors", type=int, default=3, help="referential (default 3)")
    tr.add_argument("--vocab", type=int, default=10, help="referential, with EOS (default 10)")
    tr.add_argument("--max-len", type=int, default=3, help="referential (default 3)")
    tr.add_argument("--holdout", type=float, default=0.2, help="referential (default 0.2)")
    tr.add_argument("--agents", type=int, default=3, help="switch: prisoners (default 3)")
    tr.add_argument("--json", action="store_true", help="print the summary as JSON")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")
    an = csub.add_parser("analyze", help="print the measures and the lexicon of a saved run")
    an.add_argument("run", metavar="RUN", help="a folder written by `comm train --out`")
    an.add_argument("--limit", type=int, default=40, help="lexicon lines to print (default 40)")
    an.add_argument("--json", action="store_true", help="print the analysis as JSON")


def _cmd_comm(args: argparse.Namespace) -> int:
    from cooplab.comm import runs as comm_runs

    if args.comm_command == "analyze":
        if args.limit < 0:
            raise UsageError(f"--limit must be a non-negative integer; got {args.limit}")
        info = comm_runs.analyze(comm_runs.load_run(args.run))
        if args.json:
            print(json.dumps(info, indent=2))
            return EXIT_OK
        _print_comm_analysis(info, args.limit)
        return EXIT_OK
    if args.game == "lewis":
        method = args.method or "roth-erev"
        prior = None
        if args.prior is not None:
            try:
                prior = tuple(float(x) for x in args.prior.split(","))
            except ValueError:
                raise UsageError(
                    f"--prior takes comma-separated numbers; got {args.prior!r}"
                ) from None
        steps = args.steps if args.steps is not None else 5000 * args.states
        result: Any = comm_runs.train_lewis(
            args.states, method=method, prior=prior, runs=args.runs, budget=steps, rng=args.seed
        )
        config: Any = {
            "states": args.states,
            "prior": prior,
            "method": method,
            "runs": args.runs,
            "budget": steps,
            "seed": args.seed,
        }
    elif args.game == "switch":
        import importlib.util

        if importlib.util.find_spec("torch") is None:
            raise UsageError(
                "cooplab comm train switch needs torch; install it with: pip install 'cooplab[learn]'"
            )
        from cooplab.comm.switch import SwitchConfig, train_switch

        config = SwitchConfig(
            n_agents=args.agents,
            method=args.method or "dial",
            episodes=args.steps if args.steps is not None else 2000,
        )
        with _progress_bar(args, f"switch riddle, {config.method}") as bar:
            result = train_switch(config, rng=args.seed, progress=bar.update)
    else:
        import importlib.util

        if importlib.util.find_spec("torch") is None:
            raise UsageError(
                "cooplab comm train referential needs torch; install it with: pip install 'cooplab[learn]'"
            )
        from cooplab.comm.referential import ReferentialConfig, train_referential

        config = ReferentialConfig(
            n_attributes=args.attributes,
            n_values=args.values,
            n_distractors=args.distractors,
            vocab_size=args.vocab,
            max_len=args.max_len,
            holdout=args.holdout,
            method=args.method or "gumbel",
            steps=args.steps if args.steps is not None else 1000,
        )
        with _progress_bar(args, f"referential game, {config.method}") as bar:
            result = train_referential(config, rng=args.seed, progress=bar.update)
    data = {"kind": args.game, "config": config, "result": result}
    from cooplab.runtime.serialize import to_jsonable

    info = comm_runs.analyze(json.loads(json.dumps(to_jsonable(data))))
    if args.out:
        info["saved"] = str(comm_runs.save_run(args.out, args.game, config, result))
    if args.json:
        print(json.dumps(info, indent=2))
        return EXIT_OK
    _print_comm_analysis(info, 12)
    if args.out:
        _console().print(f"run written to {info['saved']}")
    return EXIT_OK


def _print_comm_analysis(info: dict[str, Any], limit: int) -> None:
    console = _console()
    if info["kind"] == "lewis":
        console.print(
            f"Lewis game, {info['n_states']} states, prior "
            f"({', '.join(f'{p:.2f}' for p in info['prior'])}), {info['method']}, {info['runs']} runs"
        )
        counts = info["counts"]
        console.print(
            "outcomes: "
            + ", ".join(f"{k} {v} ({v / max(1, info['runs']):.0%})" for k, v in counts.items())
        )
        console.print(f"expected success {info['success_mean']:.3f} +- {info['success_std']:.3f}")
        console.print("first run's code (state -> signal -> act):")
        for row in info["lexicon"][:limit]:
            print(
                f"  {row['state']} -> {row['signal']} (p {row['p_signal']:.2f}) -> "
                f"{row['act']} (p {row['p_act']:.2f})"
            )
        return
    if info["kind"] == "referential":
        console.print(
            f"referential game, {info['method']}: {info['objects']} objects, "
            f"{info['distinct_messages']} distinct messages"
        )
        for key in (
            "train_accuracy",
            "test_accuracy",
            "topographic_similarity",
            "posdis",
            "bosdis",
            "message_entropy",
        ):
            value = info[key]
            console.print(
                f"  {key.replace('_', ' ')}: " + ("n/a" if value is None else f"{value:.3f}")
            )
        console.print("lexicon (attribute values -> message; * held out):")
        for row in info["lexicon"][:limit]:
            msg = " ".join(str(x) for x in row["message"]) or "<eos>"
            star = " *" if row["held_out"] else ""
            print(f"  {' '.join(str(v) for v in row['meaning'])} -> {msg}{star}")
        if len(info["lexicon"]) > limit:
            print(f"  ... ({len(info['lexicon']) - limit} more)")
        return
    console.print(
        f"switch riddle, {info['n_agents']} prisoners, {info['method']}: greedy reward "
        f"{info['final_reward']:.3f}, oracle {info['oracle']:.4f} "
        f"({info['final_reward'] / info['oracle']:.0%} of it)"
    )
    for x, y in zip(info["curve_episodes"], info["curve_reward"], strict=True):
        print(f"  update {x}: reward {y:.3f}")


def _add_envs_parser(sub: Any) -> None:
    envs = sub.add_parser(
        "envs",
        help="list the batched multi-agent environments (agents, actions, shapes)",
        description="The environments of cooplab.envs.make(NAME, num_envs, seed, **params).",
    )
    envs.add_argument("--json", action="store_true", help="print the list as JSON")


def _cmd_envs(args: argparse.Namespace) -> int:
    from cooplab.envs import ENVIRONMENTS, make

    rows = []
    for entry in ENVIRONMENTS:
        spec = make(entry.name).spec
        rows.append({**spec.to_dict(), "summary": entry.summary})
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return EXIT_OK
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="cooplab environments")
    for col in ("name", "agents", "actions", "obs", "state", "limit", "summary"):
        table.add_column(col)
    for row in rows:
        table.add_row(
            row["name"],
            str(row["n_agents"]),
            str(row["n_actions"]),
            "x".join(map(str, row["obs_shape"])),
            "x".join(map(str, row["state_shape"])),
            str(row["episode_limit"]),
            escape(row["summary"]),
        )
    _console().print(table)
    return EXIT_OK


# ---------------------------------------------------------------------------
# Self-play: cooplab play, cooplab arena (issue 8)
# ---------------------------------------------------------------------------
def _add_selfplay_parsers(sub: Any) -> None:
    agents_help = "random, alphabeta:D, perfect (tic-tac-toe), mcts:N, alphazero:PATH[@N] or human"
    play = sub.add_parser(
        "play",
        help="play a board game between two agents (or you) and print the games",
        description="Play tic_tac_toe, connect_four or othello6 between two agents; the agents "
        "swap sides every game. Agents: " + agents_help + ".",
    )
    play.add_argument("game", help="tic_tac_toe, connect_four or othello6")
    play.add_argument("--agent", default="human", help="the first agent (default human)")
    play.add_argument("--vs", default="mcts:1000", help="the second agent (default mcts:1000)")
    play.add_argument("--games", type=_positive, default=1, help="games to play (default 1)")
    play.add_argument("--seed", type=_seed, default=0, help="seed of the agents (default 0)")
    play.add_argument("--json", action="store_true", help="print the games as JSON")

    arena = sub.add_parser(
        "arena",
        help="a round robin between agents at a board game, with Elo ratings",
        description="Every pair of agents plays --games games, both sides; Elo ratings by "
        "maximum likelihood with bootstrap confidence intervals. Agents: " + agents_help + ".",
    )
    arena.add_argument("game", help="tic_tac_toe, connect_four or othello6")
    arena.add_argument("agents", nargs="+", metavar="AGENT", help="two or more agent specs")
    arena.add_argument("--games", type=_positive, default=20, help="games per pair (default 20)")
    arena.add_argument("--seed", type=_seed, default=0, help="the seed (default 0)")
    arena.add_argument("--anchor", default=None, help="the agent rated 0 (default the first)")
    arena.add_argument(
        "--bootstrap", type=_positive, default=200, help="bootstrap refits (default 200)"
    )
    arena.add_argument("--json", action="store_true", help="print the result as JSON")
    arena.add_argument("--no-progress", action="store_true", help="no progress bar")


def _cmd_play(args: argparse.Namespace) -> int:
    import numpy as np

    from cooplab.games.board import get_board_game
    from cooplab.runtime.rng import as_generator
    from cooplab.selfplay.agents import make_agent
    from cooplab.selfplay.arena import play_games

    game = get_board_game(args.game)
    agents = [make_agent(args.agent), make_agent(args.vs)]
    names = [a.name for a in agents]
    if names[0] == names[1]:
        names = [f"{names[0]} (first listed)", f"{names[1]} (second listed)"]
    human = any(getattr(a, "interactive", False) for a in agents)
    first = np.arange(args.games) % 2
    gen = as_generator(args.seed)
    if human:
        # One game at a time, each move announced, the final board shown.
        def shower(first_agent: int) -> Any:
            def show(states: Any, actions: Any, live: Any) -> None:
                mover = (first_agent + 1 - int(states.to_play[0])) % 2  # players alternate
                print(f"{names[mover]} played {game.action_to_string(int(actions[0]))}")
                if game.is_terminal(states)[0]:
                    print(game.render(states))

            return show

        records = []
        for i in range(args.games):
            print(f"game {i + 1}: {names[int(first[i])]} moves first")
            records.append(
                play_games(
                    game, agents[0], agents[1], first[i : i + 1], gen, on_move=shower(int(first[i]))
                )
            )
        score = np.concatenate([r.score for r in records])
        length = np.concatenate([r.length for r in records])
        moves = [r.moves[0] for r in records]
    else:
        rec = play_games(game, agents[0], agents[1], first, gen)
        score, length, moves = rec.score, rec.length, list(rec.moves)
    games = []
    for i in range(args.games):
        winner = None if score[i] == 0 else names[0] if score[i] > 0 else names[1]
        games.append(
            {
                "first": names[int(first[i])],
                "winner": winner,
                "moves": [game.action_to_string(int(a)) for a in moves[i][: int(length[i])]],
            }
        )
    summary = {
        "game": game.name,
        "agents": names,
        "seed": args.seed,
        "games": args.games,
        "wins": int((score > 0).sum()),
        "draws": int((score == 0).sum()),
        "losses": int((score < 0).sum()),
    }
    if args.json:
        print(json.dumps({**summary, "records": games}, indent=2))
        return EXIT_OK
    for i, g in enumerate(games):
        result = "draw" if g["winner"] is None else f"{g['winner']} won"
        print(
            f"game {i + 1}: {g['first']} first, {result} in {len(g['moves'])} moves: "
            + " ".join(g["moves"])
        )
    if not human and args.games <= 3:
        final = game.play(games[-1]["moves"])
        print(game.render(final))
    print(
        f"{names[0]} against {names[1]}: {summary['wins']} wins, {summary['draws']} draws, "
        f"{summary['losses']} losses"
    )
    return EXIT_OK


def _cmd_arena(args: argparse.Namespace) -> int:
    from cooplab.selfplay.arena import run_arena

    if len(args.agents) < 2:
        raise UsageError("the arena needs at least two agents")
    with _progress_bar(args, f"arena: {args.game}") as bar:
        res = run_arena(
            args.game,
            args.agents,
            args.games,
            args.seed,
            anchor=args.anchor if args.anchor is not None else 0,
            n_bootstrap=args.bootstrap,
            progress=bar.update,
        )
    if args.json:
        print(json.dumps(res.to_dict(), indent=2))
        return EXIT_OK
    from rich.table import Table as RichTable

    elo = res.elo
    table = RichTable(title=f"{res.game}: {res.games_per_pair} games a pair, seed {args.seed}")
    for col in ("agent", "Elo", f"{round(100 * elo.level)}% interval", "score", "W-D-L"):
        table.add_column(col, justify="left" if col == "agent" else "right")
    order = sorted(range(len(res.names)), key=lambda i: -elo.ratings[i])
    for i in order:
        w = int(res.wins[i].sum())
        d = int(res.draws[i].sum())
        losses = int(res.wins[:, i].sum())
        n = w + d + losses
        table.add_row(
            res.names[i],
            f"{elo.ratings[i]:.0f}",
            f"[{elo.ci_low[i]:.0f}, {elo.ci_high[i]:.0f}]",
            f"{(w + 0.5 * d) / max(n, 1):.2f}",
            f"{w}-{d}-{losses}",
        )
    console = _console()
    console.print(table)
    console.print(f"Elo anchored at {elo.anchor} = 0; Bradley-Terry maximum likelihood")
    return EXIT_OK


# ---------------------------------------------------------------------------
# AlphaZero: cooplab alphazero train (issue 8)
# ---------------------------------------------------------------------------
def _add_alphazero_parser(sub: Any) -> None:
    az = sub.add_parser(
        "alphazero",
        help="train AlphaZero on a board game by self-play (torch)",
        description="AlphaZero (Silver et al. 2018) on tic-tac-toe, Connect Four or Othello 6x6: "
        "self-play with PUCT, a replay buffer, a residual network; checkpoints in --out.",
    )
    asub = az.add_subparsers(dest="alphazero_command", metavar="COMMAND", required=True)
    tr = asub.add_parser("train", help="train on GAME; writes checkpoint.pt and best.pt to --out")
    tr.add_argument("game", metavar="GAME", help="tic-tac-toe, connect-four or othello6")
    tr.add_argument("--minutes", type=float, default=None, help="training time in all (minutes)")
    tr.add_argument("--steps", type=int, default=None, help="training steps in all")
    tr.add_argument(
        "--out", default=None, metavar="DIR", help="checkpoint folder (default alphazero-GAME)"
    )
    tr.add_argument("--resume", action="store_true", help="continue the checkpoint in --out")
    tr.add_argument("--seed", type=_seed, default=0, help="seed (default 0)")
    tr.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="K=V",
        help="a training parameter (AlphaZeroConfig: simulations=64, games_per_step=32, ...)",
    )
    tr.add_argument("--json", action="store_true", help="print the summary as JSON")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")


def _alphazero_config(game: str, items: list[str]) -> Any:
    import dataclasses as dc

    from cooplab.runtime.params import typed_assignments
    from cooplab.selfplay.alphazero import AlphaZeroConfig

    defaults = {f.name: getattr(AlphaZeroConfig(), f.name) for f in dc.fields(AlphaZeroConfig)}
    del defaults["game"]
    try:
        values = typed_assignments(items, defaults, "--set")
    except ValueError as err:
        raise UsageError(str(err)) from None
    return AlphaZeroConfig(game=game, **values)


def _cmd_alphazero(args: argparse.Namespace) -> int:
    import importlib.util
    from pathlib import Path

    if importlib.util.find_spec("torch") is None:
        raise UsageError(
            "cooplab alphazero needs torch; install it with: pip install 'cooplab[learn]'"
        )
    from cooplab.games.board import get_board_game
    from cooplab.runtime.progress import ProgressBar
    from cooplab.selfplay.alphazero import AlphaZeroTrainer

    game = get_board_game(args.game)
    if args.steps is None and args.minutes is None:
        raise UsageError("cooplab alphazero train needs --steps N or --minutes M (or both)")
    if args.steps is not None and args.steps < 0:
        raise UsageError(f"--steps must be a non-negative integer; got {args.steps}")
    if args.minutes is not None and not (math.isfinite(args.minutes) and args.minutes >= 0):
        raise UsageError(f"--minutes must be a non-negative number; got {args.minutes}")
    out = Path(args.out or f"alphazero-{game.name.replace('_', '-')}")
    if args.resume:
        config = _alphazero_config(game.name, args.set) if args.set else None
        trainer = AlphaZeroTrainer.resume(out, config=config)
        if trainer.game.name != game.name:
            raise UsageError(f"the checkpoint in {out} is of {trainer.game.name}, not {game.name}")
    else:
        if (out / "checkpoint.pt").exists():
            raise UsageError(
                f"{out} already holds a checkpoint; pass --resume to continue it, or another --out"
            )
        config = _alphazero_config(game.name, args.set)
        trainer = AlphaZeroTrainer(config, rng=args.seed, out_dir=out)
    start = trainer.steps_done
    with ProgressBar(
        f"AlphaZero on {game.name}", enabled=not args.no_progress and not args.json
    ) as bar:

        def progress(done: float, total: float, /) -> None:
            bar.update(done, total)
            if trainer.history.steps:
                last = trainer.history.steps[-1]
                bar.label(
                    f"AlphaZero on {game.name}: step {last.step}, value loss "
                    f"{last.value_loss:.3f}, policy loss {last.policy_loss:.3f}"
                )

        trainer.train(steps=args.steps, minutes=args.minutes, progress=progress)
    steps = trainer.history.steps
    summary = {
        "game": game.name,
        "steps": trainer.steps_done,
        "steps_this_run": trainer.steps_done - start,
        "training_seconds": trainer.seconds,
        "best_generation": trainer.best_generation,
        "out": str(out),
        "config": trainer.config.to_dict(),
        "last_step": None
        if not steps
        else {
            k: getattr(steps[-1], k)
            for k in ("value_loss", "policy_loss", "games", "draws", "mean_length")
        },
        "evaluations": [
            {
                "step": e.step,
                "opponent": e.opponent,
                "wins": e.wins,
                "draws": e.draws,
                "losses": e.losses,
                "promoted": e.promoted,
            }
            for e in trainer.history.evals
        ],
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return EXIT_OK
    console = _console()
    console.print(
        f"AlphaZero on {game.name}: {trainer.steps_done} steps ({summary['steps_this_run']} in "
        f"this run), {trainer.seconds:.0f} s of training; checkpoint in {out}"
    )
    if steps:
        last = steps[-1]
        console.print(
            f"  last step: value loss {last.value_loss:.3f}, policy loss {last.policy_loss:.3f}, "
            f"self-play draws {last.draws}/{last.games}"
        )
    for e in trainer.history.evals[-3:]:
        console.print(
            f"  step {e.step} vs {e.opponent}: won {e.wins}, drew {e.draws}, lost {e.losses}"
            + (" (new best)" if e.promoted else "")
        )
    return EXIT_OK


def _add_ssd_parser(sub: Any) -> None:
    from cooplab.ssd.cli import add_parser

    add_parser(sub)


def _cmd_ssd(args: argparse.Namespace) -> int:
    from cooplab.ssd.cli import run_command

    return run_command(args)


COMMANDS = {
    "games": _cmd_games,
    "solve": _cmd_solve,
    "strategies": _cmd_strategies,
    "match": _cmd_match,
    "tournament": _cmd_tournament,
    "experiments": _cmd_experiments,
    "run": _cmd_run,
    "report": _cmd_report,
    "learn": _cmd_learn,
    "lola": _cmd_lola,
    "cfr": _cmd_cfr,
    "marl": _cmd_marl,
    "comm": _cmd_comm,
    "envs": _cmd_envs,
    "play": _cmd_play,
    "arena": _cmd_arena,
    "alphazero": _cmd_alphazero,
    "ssd": _cmd_ssd,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cooplab`` command; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse printed usage and the error already
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    _configure_logging(debug=args.debug)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print(
            "cooplab: interrupted; finished results are kept in their run folders", file=sys.stderr
        )
        return 130
    except (
        ValueError,
        TypeError,
        KeyError,
        OSError,
        RuntimeError,
        ArithmeticError,  # overflow in a huge parameter
        MemoryError,  # a game too large for this machine
        UsageError,
    ) as exc:
        if args.debug:
            raise
        message = str(exc) if not isinstance(exc, KeyError) or not exc.args else str(exc.args[0])
        print(
            f"cooplab: error: {message.splitlines()[0] if message else type(exc).__name__}",
            file=sys.stderr,
        )
        return EXIT_USAGE
