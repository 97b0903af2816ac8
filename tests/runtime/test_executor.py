import functools
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from cooplab.runtime import Executor, TaskFailed
from cooplab.runtime.rng import spawn_seeds
from tests.runtime.tasks import (
    die_on_three,
    draw,
    fail_on_three,
    interrupt_once,
    len_then_fail,
    nap_or_die,
    scale,
    square,
)


@pytest.mark.parametrize("backend", ["serial", "local"])
def test_map_keeps_order(backend):
    with Executor(backend, workers=2) as ex:
        assert [o.value for o in ex.map(square, range(10))] == [x * x for x in range(10)]


@pytest.mark.parametrize("backend", ["serial", "local"])
def test_failing_task_is_reported_with_its_inputs_and_others_kept(backend):
    with Executor(backend, workers=2) as ex:
        outcomes = ex.map(fail_on_three, [1, 2, 3, 4])
        assert [o.ok for o in outcomes] == [True, True, False, True]
        assert [o.value for o in outcomes if o.ok] == [1, 2, 4]
        bad = outcomes[2]
        assert bad.task == 3
        assert bad.error == "ValueError: three is not allowed (got 3)"
        assert "Traceback" in bad.traceback
        with pytest.raises(
            TaskFailed, match=r"1 of 4 tasks failed; first: task 2 with inputs 3 raised ValueError"
        ):
            ex.map_values(fail_on_three, [1, 2, 3, 4])


def test_progress_is_reported():
    calls = []
    with Executor("local", workers=2) as ex:
        ex.map(square, range(5), progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 5) and calls[-1] == (5, 5)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_backends_agree_on_seeded_tasks():
    seeds = spawn_seeds(11, 6)
    with Executor("serial") as a, Executor("local", workers=2) as b:
        assert a.map_values(draw, seeds) == b.map_values(draw, seeds)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown backend 'gpu'"):
        Executor("gpu")
    with pytest.raises(ValueError, match="workers"):
        Executor("local", workers=0)
    with pytest.raises(ValueError, match="only used with backend='ray'"):
        Executor("local", ray_address="auto")


def test_empty_map():
    assert Executor("local").map(square, []) == []


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="needs the ray extra")
def test_ray_backend_matches_local():
    seeds = spawn_seeds(5, 4)
    with Executor("local", workers=2) as local:
        expected = local.map_values(draw, seeds)
        failures = local.map(fail_on_three, [3, 4])
    with Executor("ray", workers=2) as ray_ex:
        assert ray_ex.map_values(draw, seeds) == expected
        outcomes = ray_ex.map(fail_on_three, [3, 4])
    assert [(o.ok, o.value, o.error) for o in outcomes] == [
        (o.ok, o.value, o.error) for o in failures
    ]


def test_unpicklable_function_fails_its_tasks_not_the_pool():
    with Executor("local", workers=2) as ex:
        outcomes = ex.map(lambda x: x, [1, 2])
        assert [o.ok for o in outcomes] == [False, False]
        assert "PicklingError" in outcomes[0].error or "pickle" in outcomes[0].error.lower()
        assert ex.map_values(square, [1, 2, 3]) == [1, 4, 9]  # the pool still works


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="needs the ray extra")
def test_ray_backend_on_an_existing_cluster():
    ray_cli = Path(sys.executable).parent / "ray"
    if not ray_cli.exists():
        pytest.skip("the ray command is not installed beside this Python")
    seeds = spawn_seeds(8, 3)
    expected = Executor("serial").map_values(draw, seeds)
    start = [
        str(ray_cli),
        "start",
        "--head",
        "--num-cpus=2",
        "--include-dashboard=false",
        "--disable-usage-stats",
    ]
    subprocess.run(start, check=True, capture_output=True, timeout=180)
    try:
        with Executor("ray", ray_address="auto") as ex:
            assert ex.map_values(draw, seeds) == expected
    finally:
        subprocess.run([str(ray_cli), "stop", "--force"], capture_output=True, timeout=180)


def test_checkpointing_resumes_after_ctrl_c(tmp_path):
    tasks = [(x, 3, str(tmp_path)) for x in range(6)]
    ex = Executor("serial")
    with ex.checkpointing(tmp_path / "ckpt"), pytest.raises(KeyboardInterrupt):
        ex.map(interrupt_once, tasks)
    assert (tmp_path / "calls").read_text().split() == ["0", "1", "2", "3"]
    calls = []
    with ex.checkpointing(tmp_path / "ckpt"):
        values = ex.map_values(interrupt_once, tasks, progress=lambda d, t: calls.append(d))
    assert values == [0, 10, 20, 30, 40, 50]
    # tasks 0-2 were restored, not run again
    assert (tmp_path / "calls").read_text().split() == ["0", "1", "2", "3", "3", "4", "5"]
    assert calls[:2] == [0, 3]
    # outside the block nothing is saved or restored
    ex.map_values(interrupt_once, tasks[:1])
    assert (tmp_path / "calls").read_text().split()[-1] == "0"


def test_checkpoints_survive_a_pool(tmp_path):
    tasks = [(x, -1, str(tmp_path)) for x in range(4)]
    with Executor("local", workers=2) as ex, ex.checkpointing(tmp_path / "ckpt"):
        first = ex.map_values(interrupt_once, tasks)
    with Executor("serial") as ex, ex.checkpointing(tmp_path / "ckpt"):
        assert ex.map_values(interrupt_once, tasks) == first
    assert sorted((tmp_path / "calls").read_text().split()) == ["0", "1", "2", "3"]


def test_a_dying_worker_fails_only_its_own_task():
    with Executor("local", workers=2) as ex:
        outcomes = ex.map(die_on_three, [1, 2, 3, 4, 5, 6])
        assert [o.ok for o in outcomes] == [True, True, False, True, True, True]
        assert [o.value for o in outcomes if o.ok] == [1, 2, 4, 5, 6]
        assert outcomes[2].error.startswith("WorkerDied")
        assert ex.map_values(square, [2, 3]) == [4, 9]  # and the executor still works


def test_checkpoints_tell_functions_apart(tmp_path):
    ex = Executor("serial")
    with ex.checkpointing(tmp_path):
        assert ex.map_values(functools.partial(scale, k=2), [1, 2]) == [2, 4]
        assert ex.map_values(functools.partial(scale, k=100), [1, 2]) == [100, 200]
        assert ex.map_values(lambda x: x + 1, [1, 2]) == [2, 3]
        assert ex.map_values(lambda x: x + 2, [1, 2]) == [3, 4]  # lambdas are never cached
        assert ex.map_values(functools.partial(scale, k=2), [1, 2]) == [2, 4]
    assert len(list(tmp_path.iterdir())) == 4  # two partials x two tasks


def test_long_task_inputs_are_cut_in_messages():
    big = list(range(10_000))
    with pytest.raises(TaskFailed) as info:
        Executor("serial").map_values(len_then_fail, [big])
    assert len(str(info.value)) < 500


def test_one_dead_worker_among_many_tasks():
    with Executor("local", workers=2) as ex:
        outcomes = ex.map(nap_or_die, range(60))
    assert [o.index for o in outcomes if not o.ok] == [7]
    assert [o.value for o in outcomes if o.ok] == [x for x in range(60) if x != 7]


def test_a_single_crashing_task_does_not_kill_the_caller():
    with Executor("local", workers=1) as ex:
        (outcome,) = ex.map(die_on_three, [3])
    assert outcome.error.startswith("WorkerDied")
