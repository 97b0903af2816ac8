"""Contracts every experiment and every catalog game must honour.

Each check raises ``AssertionError`` with a message naming the broken rule, so
a test suite can run it over a whole registry:

>>> from cooplab.games import make
>>> check_game(make("stag-hunt"))
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np

from cooplab.experiments.base import Check, Experiment, Table
from cooplab.games.normal_form import NormalFormGame
from cooplab.runtime.rng import as_generator
from cooplab.runtime.serialize import to_jsonable

__all__ = ["check_experiment", "check_game"]


def _fail(message: str) -> None:
    raise AssertionError(message)


def _frozen_dataclass(obj: Any) -> bool:
    params = getattr(type(obj), "__dataclass_params__", None)
    return dataclasses.is_dataclass(obj) and params is not None and bool(params.frozen)


def check_game(game: NormalFormGame) -> None:
    """A game's payoffs are finite and read-only, it round-trips through a dict, regret is
    never negative, and the pure equilibria are exactly the pure profiles ``is_nash`` accepts."""
    if not isinstance(game, NormalFormGame):
        _fail(f"expected a NormalFormGame; got {type(game).__name__}")
    if game.payoffs.flags.writeable:
        _fail("a game's payoff array must be read-only")
    if not np.all(np.isfinite(game.payoffs)):
        _fail("payoffs must be finite")
    if NormalFormGame.from_dict(json.loads(json.dumps(game.to_dict()))) != game:
        _fail("the game does not survive to_dict -> JSON -> from_dict")
    equilibria = set(game.pure_nash_equilibria())
    for outcome in game.pure_outcomes():
        r = game.regret(list(outcome))
        if np.any(r < 0):
            _fail(f"negative regret {r} at {outcome}")
        if (outcome in equilibria) != game.is_nash(list(outcome)):
            _fail(f"pure equilibria and zero regret disagree at {outcome}: regret {r}")


def check_experiment(experiment: Experiment, config: Any | None = None, *, seed: int = 0) -> Any:
    """Run ``experiment`` twice with one seed and check the experiment contract.

    Checks: the presets exist and are frozen dataclasses that survive JSON; the
    result is a frozen dataclass with checks and metrics, survives JSON, and
    is identical for the same seed; figures and tables are well-formed. A
    config with a ``timed`` field (wall-clock measurements) is run with
    ``timed=False``, since measured seconds never repeat.
    Returns the result.
    """
    for preset in ("quick", "full"):
        cfg = experiment.config(preset)
        if not _frozen_dataclass(cfg):
            _fail(f"{experiment.name}: the {preset} config must be a frozen dataclass")
        data = json.loads(json.dumps(to_jsonable(cfg)))
        if experiment.config_from_dict(data) != cfg:
            _fail(f"{experiment.name}: the {preset} config does not survive JSON")
    config = config if config is not None else experiment.config("quick")
    if dataclasses.is_dataclass(config) and getattr(config, "timed", False) is True:
        # Wall-clock seconds cannot repeat; an experiment that measures them
        # declares a ``timed`` switch, and the contract compares runs without.
        config = dataclasses.replace(config, timed=False)
    calls: list[tuple[float, float]] = []
    first = experiment.execute(config, as_generator(seed), lambda d, t: calls.append((d, t)))
    second = experiment.execute(config, as_generator(seed), None)
    if not _frozen_dataclass(first):
        _fail(f"{experiment.name}: a result must be a frozen dataclass")
    if to_jsonable(first) != to_jsonable(second):
        _fail(f"{experiment.name}: the same seed gave different results")
    if not first.checks or not all(isinstance(c, Check) for c in first.checks):
        _fail(f"{experiment.name}: a result needs at least one Check")
    metrics = first.metrics()
    if not isinstance(metrics, dict) or not metrics:
        _fail(f"{experiment.name}: metrics() must return a non-empty dict")
    text = json.dumps(to_jsonable(first), allow_nan=False)
    if experiment.result_from_dict(json.loads(text)) != first:
        _fail(f"{experiment.name}: the result does not survive JSON")
    if calls and any(not (0 <= d <= t) for d, t in calls if t > 0):
        _fail(f"{experiment.name}: progress reported done outside [0, total]: {calls}")
    for name, fig in experiment.figures(first):
        if not isinstance(name, str) or not hasattr(fig, "savefig"):
            _fail(f"{experiment.name}: figures() must yield (name, matplotlib Figure) pairs")
    for table in experiment.tables(first):
        if not isinstance(table, Table) or any(
            len(row) != len(table.columns) for row in table.rows
        ):
            _fail(f"{experiment.name}: a table's rows must match its columns")
    return first
