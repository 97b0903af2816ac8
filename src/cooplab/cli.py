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

    sub.add_parser("experiments", help="list the experiments the report runs")

    run = sub.add_parser("run", help="run one experiment and print its result")
    run.add_argument("name", help="an experiment from `cooplab experiments`")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
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
    config = experiment.config(args.preset)
    with (
        Executor(args.backend, workers=args.workers, ray_address=args.ray_address) as executor,
        _progress_bar(args, experiment.name) as bar,
    ):
        bar.label(experiment.name)
        record = run_experiment(
            experiment,
            config,
            preset=args.preset,
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


COMMANDS = {
    "games": _cmd_games,
    "experiments": _cmd_experiments,
    "run": _cmd_run,
    "report": _cmd_report,
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
