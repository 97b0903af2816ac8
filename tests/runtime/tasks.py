"""Module-level task functions (picklable) for the executor tests."""

import numpy as np


def square(x):
    return x * x


def fail_on_three(x):
    if x == 3:
        raise ValueError(f"three is not allowed (got {x})")
    return x


def draw(seed):
    return np.random.default_rng(seed).normal(size=3).tolist()


def interrupt_once(task):
    """Record the call; raise KeyboardInterrupt at ``x == stop`` the first time only."""
    x, stop, folder = task
    from pathlib import Path

    folder = Path(folder)
    with open(folder / "calls", "a") as fh:
        fh.write(f"{x}\n")
    marker = folder / "interrupted"
    if x == stop and not marker.exists():
        marker.write_text("yes")
        raise KeyboardInterrupt
    return x * 10


def die_on_three(x):
    """Kill the worker process outright at ``x == 3`` (no exception to catch)."""
    import os

    if x == 3:
        os._exit(1)
    return x


def scale(x, k=1):
    return x * k


def len_then_fail(items):
    raise ValueError(f"{len(items)} items")


def nap_or_die(x):
    """Sleep briefly; kill the worker at ``x == 7``."""
    import os
    import time

    if x == 7:
        os._exit(1)
    time.sleep(0.01)
    return x
