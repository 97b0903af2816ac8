"""The experiment contract.

An experiment turns one claim of the founding note into a run. Its module
defines:

- ``Config``: a frozen dataclass with ``quick()`` and ``full()`` presets;
- ``run(config, rng, progress, executor=None) -> Result``: the computation,
  where ``rng`` is a ``numpy.random.Generator``, ``progress`` a
  ``progress(done, total)`` callback and ``executor`` a
  :class:`~cooplab.runtime.Executor` for the parallel parts (sweeps over seeds
  or configurations);
- ``Result``: a frozen dataclass of plain values, with ``checks`` (one
  :class:`Check` per claim tested) and ``metrics()`` (the headline numbers);
- ``figures(result) -> list[(name, matplotlib Figure)]`` and
  ``tables(result) -> list[Table]``, drawn from the result alone;

and an :class:`Experiment` record tying them together, listed in
``cooplab.experiments.EXPERIMENTS``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np

from cooplab.runtime.executor import Executor
from cooplab.runtime.progress import ProgressFn
from cooplab.runtime.serialize import from_jsonable, to_jsonable

__all__ = [
    "FAILED",
    "HELD",
    "NOT_HELD",
    "SKIPPED",
    "SMOKE",
    "Check",
    "Experiment",
    "Table",
    "verdict_of",
]

HELD = "held"
NOT_HELD = "did not hold"
FAILED = "failed"
SKIPPED = "skipped"
SMOKE = "smoke run"

# What to install for an optional module an experiment needs.
_EXTRA_OF = {"torch": "learn", "ray": "ray"}

C = TypeVar("C")
R = TypeVar("R")


@dataclass(frozen=True)
class Check:
    """One claim tested by an experiment, with the numbers behind the verdict."""

    claim: str
    held: bool
    detail: str


@dataclass(frozen=True)
class Table:
    """A table for the report: a title, column headers, rows of cells."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


class ResultLike(Protocol):
    checks: tuple[Check, ...]

    def metrics(self) -> dict[str, float | int | str]: ...


def verdict_of(checks: Sequence[Check]) -> str:
    """``held`` when every check held (and there is at least one), else ``did not hold``."""
    return HELD if checks and all(c.held for c in checks) else NOT_HELD


@dataclass(frozen=True)
class Experiment:
    """An experiment's record: what it claims and the functions that test it.

    Attributes
    ----------
    name
        The CLI name (``cooplab run NAME``), kebab-case.
    title
        The report section's heading.
    section
        The section of the founding note the claim comes from.
    claim
        The note's claim, in its words.
    config_type, result_type
        The ``Config`` and ``Result`` dataclasses.
    run, figures, tables
        The module's functions.
    requires
        Optional modules the experiment needs (``("torch",)``). Without them
        the report shows the section as skipped, with the install command,
        instead of failing.
    quick_is_smoke
        The quick preset is too short to test the claim (a learning run of a
        few seconds): it checks that the pipeline runs end to end, and the
        report shows its verdict as ``smoke run``, with the checks' numbers
        listed but no claim called held or not held. The ``full`` preset
        tests the claim.
    """

    name: str
    title: str
    section: str
    claim: str
    config_type: type[Any]
    result_type: type[Any]
    run: Callable[..., Any]
    figures: Callable[[Any], list[tuple[str, Any]]]
    tables: Callable[[Any], list[Table]] = field(default=lambda result: [])
    description: str = ""
    requires: tuple[str, ...] = ()
    quick_is_smoke: bool = False

    def missing_requirements(self) -> tuple[str, ...]:
        """The modules of :attr:`requires` that cannot be imported here."""
        return tuple(m for m in self.requires if importlib.util.find_spec(m) is None)

    def skip_reason(self) -> str | None:
        """Why this experiment cannot run here (a missing module and its install), or ``None``."""
        missing = self.missing_requirements()
        if not missing:
            return None
        extras = sorted({_EXTRA_OF.get(m, m) for m in missing})
        return (
            f"needs {', '.join(missing)}, which is not installed here; "
            f"install it with: pip install 'cooplab[{','.join(extras)}]'"
        )

    def config(self, preset: str = "quick") -> Any:
        """The ``quick`` or ``full`` preset configuration."""
        if preset not in ("quick", "full"):
            raise ValueError(f"unknown preset {preset!r}; expected 'quick' or 'full'")
        return getattr(self.config_type, preset)()

    def config_from_dict(self, data: dict[str, Any]) -> Any:
        return from_jsonable(self.config_type, data)

    def result_from_dict(self, data: dict[str, Any]) -> Any:
        return from_jsonable(self.result_type, data)

    def execute(
        self,
        config: Any,
        rng: np.random.Generator,
        progress: ProgressFn | None = None,
        executor: Executor | None = None,
    ) -> Any:
        """Run the experiment with a checked configuration."""
        if not isinstance(config, self.config_type):
            raise TypeError(
                f"{self.name} needs a {self.config_type.__module__}.{self.config_type.__name__}; "
                f"got {type(config).__name__}"
            )
        own_executor = executor is None
        executor = executor or Executor("serial")
        try:
            return self.run(config, rng, progress, executor)
        finally:
            if own_executor:
                executor.close()


def config_dict(config: Any) -> dict[str, Any]:
    """A configuration as JSON data."""
    if not dataclasses.is_dataclass(config):
        raise TypeError(f"a configuration is a dataclass; got {type(config).__name__}")
    return to_jsonable(config)
