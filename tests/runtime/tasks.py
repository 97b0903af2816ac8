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
