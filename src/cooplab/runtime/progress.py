"""Progress: a plain callback for library code, a bar with an ETA for the CLI.

Library code never prints. Anything that runs for more than a moment takes a
``progress`` callback, ``progress(done, total)``, and calls it as work finishes
(``total`` is in whatever units the caller counts). The CLI turns that into a
progress bar; tests pass a list's ``append`` or nothing.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import IO, Any, Protocol

__all__ = ["ProgressBar", "ProgressFn", "null_progress", "scaled"]


class ProgressFn(Protocol):
    def __call__(self, done: float, total: float, /) -> None: ...


def null_progress(done: float, total: float, /) -> None:
    """The progress callback that ignores its calls."""


def scaled(progress: ProgressFn | None, start: float, span: float, total: float) -> ProgressFn:
    """Map a sub-task's ``(done, total)`` onto ``[start, start + span]`` of ``total``.

    Used to nest: an experiment reports its own units, the report shows its
    share of the whole run.
    """
    outer = progress or null_progress

    def inner(done: float, sub_total: float, /) -> None:
        frac = 0.0 if sub_total <= 0 else min(max(done / sub_total, 0.0), 1.0)
        outer(start + span * frac, total)

    return inner


class ProgressBar:
    """A progress bar with elapsed time and ETA on stderr (rich), for the CLI.

    When stderr is not a terminal (CI logs, pipes) it prints one line per
    labelled stage instead of redrawing, so logs stay readable.

    Examples
    --------
    >>> with ProgressBar("demo", enabled=False) as bar:
    ...     bar.update(1, 2)
    ...     bar.update(2, 2)
    """

    def __init__(
        self,
        description: str = "",
        *,
        enabled: bool = True,
        stream: IO[str] | None = None,
    ) -> None:
        self.description = description
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self._progress: Any = None  # rich.progress.Progress while a terminal bar is shown
        self._task: Any = None
        self._last_label: str | None = None
        self._start = time.monotonic()

    def __enter__(self) -> ProgressBar:
        self._start = time.monotonic()
        if self.enabled and self.stream.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=1.0)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def update(self, done: float, total: float, /) -> None:
        """The :class:`ProgressFn` interface."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=done, total=max(total, 1e-12))

    def label(self, text: str) -> None:
        """Set the text beside the bar (the current stage)."""
        if not self.enabled:
            return
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=text)
        elif text != self._last_label:
            elapsed = time.monotonic() - self._start
            print(f"[{elapsed:6.1f}s] {text}", file=self.stream, flush=True)
        self._last_label = text

    def __call__(self, done: float, total: float, /) -> None:
        self.update(done, total)
