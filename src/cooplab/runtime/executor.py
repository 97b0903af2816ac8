"""Map a function over tasks: in-process, on a local process pool, or on Ray.

Every backend returns one :class:`TaskOutcome` per task, in the order of the
tasks. A task that raises does not stop the others: its outcome carries the
error, the traceback and the task's inputs, and the other outcomes keep their
values. Because each task carries everything it needs (its seed included), the
backends give identical results.

Backends
--------
``serial``
    In this process, one task after another (debugging, tiny maps).
``local``
    A process pool on this machine (the default), ``workers`` processes.
``ray``
    Ray: a local Ray started for the run (``num_cpus=workers``), or an
    existing cluster given by ``ray_address`` (cooplab must be installed on
    its nodes). Needs the ``ray`` extra.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import hashlib
import logging
import multiprocessing
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.store import atomic_write_bytes

__all__ = ["BACKENDS", "Executor", "TaskFailed", "TaskOutcome"]

log = logging.getLogger(__name__)

T = TypeVar("T")
BACKENDS = ("serial", "local", "ray")


@dataclass(frozen=True)
class TaskOutcome(Generic[T]):
    """What became of one task.

    Attributes
    ----------
    index
        The task's position in the input sequence.
    task
        The task's inputs, as given.
    value
        The function's return value (``None`` if it failed).
    error
        ``"ExceptionType: message"`` if the task raised, else ``None``.
    traceback
        The formatted traceback if the task raised, else ``None``.
    """

    index: int
    task: Any
    value: T | None = None
    error: str | None = None
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class TaskFailed(RuntimeError):
    """Raised by :meth:`Executor.map_values` after all tasks ran, if any failed."""

    def __init__(self, failures: Sequence[TaskOutcome[Any]], total: int) -> None:
        self.failures = tuple(failures)
        first = self.failures[0]
        task_text = _short(first.task)
        super().__init__(
            f"{len(self.failures)} of {total} tasks failed; first: task {first.index} "
            f"with inputs {task_text} raised {first.error}"
        )


def _short(task: Any, limit: int = 300) -> str:
    """A task's repr, cut to ``limit`` characters for messages and logs."""
    text = repr(task)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _failure(index: int, task: Any, exc: BaseException) -> TaskOutcome[Any]:
    """The outcome of a task that raised; call inside the ``except`` block."""
    return TaskOutcome(
        index=index,
        task=task,
        error=f"{type(exc).__name__}: {exc}",
        traceback=traceback.format_exc(),
    )


def _call(fn: Callable[[Any], T], index: int, task: Any) -> TaskOutcome[T]:
    try:
        return TaskOutcome(index=index, task=task, value=fn(task))
    except Exception as exc:  # a failing task must not take the others down
        return _failure(index, task, exc)


def _fetch(get: Callable[[], TaskOutcome[T]], index: int, task: Any) -> TaskOutcome[T]:
    """Collect a remote outcome; a dead worker or an unpicklable task becomes a failure."""
    try:
        return get()
    except Exception as exc:
        return _failure(index, task, exc)


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork is unsafe once threads exist (progress bars, BLAS); forkserver is
    # cheap and safe on Linux; macOS and Windows spawn.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


class Executor:
    """Runs tasks on the chosen backend; reuse one for many maps, then close it.

    Parameters
    ----------
    backend
        ``"local"`` (process pool, default), ``"serial"`` or ``"ray"``.
    workers
        Number of worker processes (local) or CPUs (a Ray started here);
        defaults to the machine's CPU count.
    ray_address
        Address of an existing Ray cluster (``"auto"``, ``"ray://host:10001"``);
        only with ``backend="ray"``.

    Examples
    --------
    >>> with Executor("serial") as ex:
    ...     [o.value for o in ex.map(abs, [-1, 2, -3])]
    [1, 2, 3]
    """

    def __init__(
        self,
        backend: str = "local",
        *,
        workers: int | None = None,
        ray_address: str | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
        if workers is not None and (
            isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
        ):
            raise ValueError(f"workers must be a positive integer; got {workers!r}")
        if ray_address is not None and backend != "ray":
            raise ValueError("ray_address is only used with backend='ray'")
        self.backend = backend
        self.workers = workers or os.cpu_count() or 1
        self.ray_address = ray_address
        self._pool: cf.ProcessPoolExecutor | None = None
        self._ray_started_here = False
        self._checkpoint_dir: Path | None = None

    # -- public API ---------------------------------------------------------
    def map(
        self,
        fn: Callable[[Any], T],
        tasks: Sequence[Any],
        *,
        progress: ProgressFn | None = None,
    ) -> list[TaskOutcome[T]]:
        """Apply ``fn`` to every task; return the outcomes in task order.

        ``fn`` and the tasks must be picklable for the ``local`` and ``ray``
        backends (a module-level function, plain data and seeds). Inside
        :meth:`checkpointing`, each finished task is saved as it completes and
        a task already saved is not run again.
        """
        tasks = list(tasks)
        report = progress or null_progress
        total = len(tasks)
        report(0, total)
        if not tasks:
            return []
        outcomes: list[TaskOutcome[T] | None] = [None] * total
        cache = _TaskCache(self._checkpoint_dir, fn) if self._checkpoint_dir is not None else None
        if cache is not None:
            for i, task in enumerate(tasks):
                outcomes[i] = cache.load(i, task)
        todo = [i for i in range(total) if outcomes[i] is None]
        done = total - len(todo)
        if done:
            log.info("%d of %d tasks restored from checkpoints", done, total)
            report(done, total)

        def on_done(outcome: TaskOutcome[T]) -> None:
            nonlocal done
            outcomes[outcome.index] = outcome
            if cache is not None and outcome.ok:
                cache.save(outcome)
            done += 1
            report(done, total)

        if todo:
            pending = [(i, tasks[i]) for i in todo]
            if self.backend == "serial":
                self._map_serial(fn, pending, on_done)
            elif self.backend == "local":
                self._map_pool(fn, pending, on_done)
            else:
                self._map_ray(fn, pending, on_done)
        return outcomes  # type: ignore[return-value]

    @contextlib.contextmanager
    def checkpointing(self, folder: Path | str | None) -> Iterator[None]:
        """Within the block, save every finished task under ``folder`` and reuse saved ones.

        A run interrupted (Ctrl-C, a killed process) and started again with the
        same tasks picks up where it stopped. Tasks are recognised by a hash of
        the function's name and the pickled task, so they must pickle the same
        way each time (plain data and ``SeedSequence`` seeds do). ``None``
        turns checkpointing off.
        """
        previous = self._checkpoint_dir
        self._checkpoint_dir = Path(folder) if folder is not None else None
        try:
            yield
        finally:
            self._checkpoint_dir = previous

    def map_values(
        self,
        fn: Callable[[Any], T],
        tasks: Sequence[Any],
        *,
        progress: ProgressFn | None = None,
    ) -> list[T]:
        """Like :meth:`map` but returns the values; raises :class:`TaskFailed` if any task failed.

        All tasks run before the error is raised, so the log shows every failure.
        """
        outcomes = self.map(fn, tasks, progress=progress)
        failures = [o for o in outcomes if not o.ok]
        for failure in failures:
            log.error(
                "task %d %s failed:\n%s", failure.index, _short(failure.task), failure.traceback
            )
        if failures:
            raise TaskFailed(failures, len(outcomes))
        return [o.value for o in outcomes]  # type: ignore[misc]

    def close(self) -> None:
        """Shut the pool down (and a Ray started by this executor)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._ray_started_here:
            import ray

            ray.shutdown()
            self._ray_started_here = False

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Executor(backend={self.backend!r}, workers={self.workers})"

    # -- backends -----------------------------------------------------------
    @staticmethod
    def _map_serial(
        fn: Callable[[Any], T],
        pending: list[tuple[int, Any]],
        on_done: Callable[[TaskOutcome[T]], None],
    ) -> None:
        for i, task in pending:
            on_done(_call(fn, i, task))

    def _map_pool(
        self,
        fn: Callable[[Any], T],
        pending: list[tuple[int, Any]],
        on_done: Callable[[TaskOutcome[T]], None],
    ) -> None:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=_pool_context()
            )
        lost = self._run_on_pool(self._pool, fn, pending, on_done)
        if lost:
            # A worker died (os._exit, a segfault, the OOM killer) and took the
            # pool with it, failing every task still queued. Find the culprit(s)
            # by halving: only a task that kills its worker when alone fails.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            log.warning("a worker process died; rerunning the %d tasks it took down", len(lost))
            self._isolate(fn, lost, on_done)

    def _run_on_pool(
        self,
        pool: cf.ProcessPoolExecutor,
        fn: Callable[[Any], T],
        pending: list[tuple[int, Any]],
        on_done: Callable[[TaskOutcome[T]], None],
    ) -> list[tuple[int, Any]]:
        """Run tasks on ``pool``; report finished ones, return those a dead worker took down."""
        futures: dict[cf.Future[TaskOutcome[T]], tuple[int, Any]] = {}
        lost: list[tuple[int, Any]] = []
        try:
            for k, (i, task) in enumerate(pending):
                try:
                    futures[pool.submit(_call, fn, i, task)] = (i, task)
                except BrokenProcessPool:  # broke while we were still submitting
                    lost.extend(pending[k:])
                    break
            for future in cf.as_completed(futures):
                outcome = _fetch(future.result, *futures[future])
                if outcome.error and outcome.error.startswith("BrokenProcessPool"):
                    lost.append(futures[future])  # the culprit, or a bystander
                else:
                    on_done(outcome)
        except BaseException:
            for future in futures:
                future.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            if pool is self._pool:
                self._pool = None
            raise
        return sorted(lost, key=lambda item: item[0])

    def _isolate(
        self,
        fn: Callable[[Any], T],
        lost: list[tuple[int, Any]],
        on_done: Callable[[TaskOutcome[T]], None],
    ) -> None:
        """Rerun ``lost`` on fresh pools, halving the set until each crashing task is alone."""
        if len(lost) == 1:
            i, task = lost[0]
            with cf.ProcessPoolExecutor(max_workers=1, mp_context=_pool_context()) as alone:
                outcome = _fetch(alone.submit(_call, fn, i, task).result, i, task)
            if outcome.error and outcome.error.startswith("BrokenProcessPool"):
                outcome = TaskOutcome(
                    index=i,
                    task=task,
                    error="WorkerDied: the process running this task exited abruptly "
                    "(os._exit, a crash in compiled code, or out of memory)",
                    traceback=outcome.traceback,
                )
            on_done(outcome)
            return
        halves = (lost[: len(lost) // 2], lost[len(lost) // 2 :])
        for half in halves:
            with cf.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=_pool_context()
            ) as pool:
                still_lost = self._run_on_pool(pool, fn, half, on_done)
            if still_lost:
                self._isolate(fn, still_lost, on_done)

    def _map_ray(
        self,
        fn: Callable[[Any], T],
        pending: list[tuple[int, Any]],
        on_done: Callable[[TaskOutcome[T]], None],
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise RuntimeError(
                "the ray backend needs Ray; install it with: pip install 'cooplab[ray]'"
            ) from exc
        if not ray.is_initialized():
            if self.ray_address is not None:
                ray.init(address=self.ray_address, log_to_driver=False)
            else:
                ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
            self._ray_started_here = True
        remote_call: Any = ray.remote(_call)
        inputs = {remote_call.remote(fn, i, task): (i, task) for i, task in pending}
        waiting = list(inputs)
        try:
            while waiting:
                ready, waiting = ray.wait(waiting, num_returns=1)
                for ref in ready:
                    on_done(_fetch(functools.partial(ray.get, ref), *inputs[ref]))  # type: ignore[arg-type]
        except BaseException:
            for ref in waiting:
                ray.cancel(ref, force=True)
            raise


class _TaskCache:
    """Finished task outcomes on disk, one pickle per task, written atomically."""

    def __init__(self, folder: Path, fn: Callable[[Any], Any]) -> None:
        self.folder = folder
        # The function itself is part of the key: module functions pickle by
        # name, partials with their arguments. An unpicklable one (a lambda)
        # is not checkpointed at all, so two lambdas can never share results.
        try:
            self.fn_digest: bytes | None = hashlib.sha256(pickle.dumps(fn, protocol=4)).digest()
        except Exception:
            self.fn_digest = None
            log.debug("%r cannot be pickled; its tasks are not checkpointed", fn)

    def _path(self, index: int, task: Any) -> Path | None:
        if self.fn_digest is None:
            return None
        try:
            blob = pickle.dumps((index, task), protocol=4)
        except Exception:  # an unpicklable task is simply not checkpointed
            return None
        key = hashlib.sha256(self.fn_digest + blob).hexdigest()[:24]
        return self.folder / f"task-{key}.pkl"

    def load(self, index: int, task: Any) -> TaskOutcome[Any] | None:
        path = self._path(index, task)
        if path is None or not path.exists():
            return None
        try:
            value = pickle.loads(path.read_bytes())
        except Exception:  # written by other code; run the task again
            log.warning("ignoring unreadable checkpoint %s", path)
            return None
        return TaskOutcome(index=index, task=task, value=value)

    def save(self, outcome: TaskOutcome[Any]) -> None:
        path = self._path(outcome.index, outcome.task)
        if path is None:
            return
        try:
            blob = pickle.dumps(outcome.value, protocol=4)
        except Exception:
            return
        atomic_write_bytes(path, blob)
