"""What every run needs: seeded generators, run folders, executors, progress."""

from cooplab.runtime.executor import Executor, TaskFailed, TaskOutcome
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.registry import Registry, UnknownNameError
from cooplab.runtime.rng import as_generator, child_seed, spawn
from cooplab.runtime.store import RunDir, Store

__all__ = [
    "Executor",
    "ProgressFn",
    "Registry",
    "RunDir",
    "Store",
    "TaskFailed",
    "TaskOutcome",
    "UnknownNameError",
    "as_generator",
    "child_seed",
    "null_progress",
    "spawn",
]
