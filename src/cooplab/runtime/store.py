"""Run folders: one per experiment run, written so that nothing is ever half-written.

Layout of a store rooted at ``ROOT``::

    ROOT/<experiment>/seed<S>-<key>/
        config.json      what was asked for (experiment, config, seed, version)
        result.json      the finished result; its presence means "finished"
        figures/*.png    the figures drawn from the result
        checkpoints/     partial state of long runs (resume after Ctrl-C)
        log              the run's log lines

``key`` hashes the experiment name, the configuration, the seed and the
cooplab version, so rerunning the same thing finds the same folder and can
reuse its result. Every file is written to a temporary name in the same folder
and moved into place with ``os.replace`` (atomic on POSIX and Windows), so a run
killed at any moment leaves either the old file or the new one, never a torn
one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cooplab import __version__

__all__ = ["RunDir", "Store", "atomic_write_bytes", "atomic_write_json", "run_key"]

log = logging.getLogger(__name__)


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes 0600 files; results are meant to be read
            os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_json(path: Path | str, obj: Any) -> None:
    """Write ``obj`` as indented JSON, atomically. NaN is refused: it is not JSON."""
    text = json.dumps(obj, indent=2, sort_keys=False, allow_nan=False) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))


def run_key(experiment: str, config: Mapping[str, Any], seed: int, code: str = "") -> str:
    """A short stable hash of what determines a run's result.

    ``code`` fingerprints the experiment's source, so that an edited
    experiment (an editable install between releases) is not answered with a
    result its old code computed.
    """
    payload = json.dumps(
        {
            "experiment": experiment,
            "config": config,
            "seed": seed,
            "version": __version__,
            "code": code,
        },
        sort_keys=True,
        allow_nan=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


class RunDir:
    """One run's folder. Create it through :meth:`Store.run_dir`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    config_path = property(lambda self: self.path / "config.json")
    result_path = property(lambda self: self.path / "result.json")
    figures_dir = property(lambda self: self.path / "figures")
    checkpoints_dir = property(lambda self: self.path / "checkpoints")
    log_path = property(lambda self: self.path / "log")

    def is_finished(self) -> bool:
        """True when a complete result is on disk."""
        return self.read_result() is not None

    def write_config(self, config: Mapping[str, Any]) -> None:
        atomic_write_json(self.config_path, dict(config))

    def read_config(self) -> dict[str, Any] | None:
        return _read_json(self.config_path)

    def write_result(self, result: Mapping[str, Any]) -> None:
        atomic_write_json(self.result_path, dict(result))

    def read_result(self) -> dict[str, Any] | None:
        """The finished result, or None if there is none (or it cannot be read)."""
        return _read_json(self.result_path)

    def write_figure(self, name: str, png: bytes) -> Path:
        path = self.figures_dir / f"{_safe(name)}.png"
        atomic_write_bytes(path, png)
        return path

    def save_checkpoint(self, name: str, state: Any) -> None:
        """Save JSON-able partial state; :meth:`load_checkpoint` returns it after a restart."""
        atomic_write_json(self.checkpoints_dir / f"{_safe(name)}.json", state)

    def load_checkpoint(self, name: str) -> Any | None:
        return _read_json(self.checkpoints_dir / f"{_safe(name)}.json")

    def clear_checkpoints(self) -> None:
        """Forget partial state (task checkpoints); the result stays."""
        shutil.rmtree(self.checkpoints_dir, ignore_errors=True)

    def clear(self) -> None:
        """Forget the result, figures and checkpoints (``--fresh``); keep the log."""
        with contextlib.suppress(FileNotFoundError):
            self.result_path.unlink()
        for folder in (self.figures_dir, self.checkpoints_dir):
            shutil.rmtree(folder, ignore_errors=True)

    @contextlib.contextmanager
    def logging_to_file(self, level: int = logging.INFO) -> Iterator[None]:
        """Append cooplab's log records at ``level`` and above to this run's ``log``.

        The ``cooplab`` logger is opened to ``level`` for the block, but what
        reaches the handlers above it (yours, the terminal's) is still only what
        reached them before: records below its earlier effective level go to
        the file alone.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(self.log_path, encoding="utf-8")
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger = logging.getLogger("cooplab")
        old_level, old_propagate = logger.level, logger.propagate
        threshold = logger.getEffectiveLevel()
        forward = _Forward(logger, threshold) if old_propagate else None
        logger.setLevel(min(level, threshold))
        logger.propagate = False
        logger.addHandler(handler)
        if forward is not None:
            logger.addHandler(forward)
        gate = _Gate(threshold)
        # Handlers on "cooplab" and on the child loggers that inherit its level
        # must see no more than before: gate them at the old level.
        inheriting = [
            child
            for name, child in logging.Logger.manager.loggerDict.items()
            if name.startswith("cooplab.")
            and isinstance(child, logging.Logger)
            and child.level == logging.NOTSET
        ]
        own = [h for h in logger.handlers if h is not handler and h is not forward]
        own += [h for child in inheriting for h in child.handlers]
        for h in own:
            h.addFilter(gate)
        try:
            yield
        finally:
            for h in own:
                h.removeFilter(gate)
            logger.removeHandler(handler)
            if forward is not None:
                logger.removeHandler(forward)
            logger.setLevel(old_level)
            logger.propagate = old_propagate
            handler.close()

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"


class Store:
    """A folder of run folders.

    Examples
    --------
    >>> import tempfile
    >>> store = Store(tempfile.mkdtemp())
    >>> run = store.run_dir("demo", {"n": 3}, seed=0)
    >>> run.is_finished()
    False
    >>> run.write_result({"value": 1.5})
    >>> store.run_dir("demo", {"n": 3}, seed=0).read_result()
    {'value': 1.5}
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def run_dir(
        self, experiment: str, config: Mapping[str, Any], seed: int, *, code: str = ""
    ) -> RunDir:
        key = run_key(experiment, config, seed, code)
        run = RunDir(self.root / _safe(experiment) / f"seed{seed}-{key}")
        run.path.mkdir(parents=True, exist_ok=True)
        if run.read_config() is None:
            run.write_config(
                {
                    "experiment": experiment,
                    "config": dict(config),
                    "seed": seed,
                    "version": __version__,
                }
            )
        return run


class _Gate(logging.Filter):
    """Let through only records at or above the level a handler saw before."""

    def __init__(self, threshold: int) -> None:
        super().__init__()
        self.threshold = threshold

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.threshold


class _Forward(logging.Handler):
    """Pass records at or above the old level on to the handlers above ``logger``."""

    def __init__(self, logger: logging.Logger, threshold: int) -> None:
        super().__init__()
        self.parent = logger.parent
        self.threshold = threshold

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= self.threshold and self.parent is not None:
            self.parent.handle(record)


def _read_json(path: Path) -> Any | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        # Only possible if someone edited the file: atomic writes never tear it.
        log.warning("ignoring unreadable %s", path)
        return None


def _safe(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    if not cleaned or cleaned.startswith("."):
        raise ValueError(f"{name!r} cannot be used as a file name")
    return cleaned
