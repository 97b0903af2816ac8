import random

import numpy as np
import pytest

from cooplab.runtime import as_generator, child_seed, spawn
from cooplab.runtime.rng import spawn_seeds


def test_same_seed_same_stream():
    assert as_generator(5).random(4).tolist() == as_generator(5).random(4).tolist()
    assert as_generator(5).random() != as_generator(6).random()


def test_generator_passes_through():
    g = np.random.default_rng(1)
    assert as_generator(g) is g


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True])
def test_bad_seeds(bad):
    with pytest.raises((TypeError, ValueError), match=r"seed|rng"):
        as_generator(bad)


def test_spawned_children_are_independent_and_reproducible():
    a = [g.random() for g in spawn(3, 4)]
    b = [g.random() for g in spawn(3, 4)]
    assert a == b
    assert len(set(a)) == 4
    seeds = spawn_seeds(3, 4)
    assert [np.random.default_rng(s).random() for s in seeds] == a


def test_child_seed_depends_on_name_and_seed_only():
    x = np.random.default_rng(child_seed(0, "prisoners-dilemma")).random()
    assert x == np.random.default_rng(child_seed(0, "prisoners-dilemma")).random()
    assert x != np.random.default_rng(child_seed(0, "other")).random()
    assert x != np.random.default_rng(child_seed(1, "prisoners-dilemma")).random()
    with pytest.raises(ValueError, match="non-negative"):
        child_seed(-3, "x")


def test_global_state_is_untouched():
    np_state = np.random.get_state()[1].copy()  # noqa: NPY002 - checking the legacy global state
    py_state = random.getstate()
    as_generator(0).random(10)
    spawn(0, 3)
    assert np.array_equal(np.random.get_state()[1], np_state)  # noqa: NPY002 - is untouched
    assert random.getstate() == py_state
