import json
import os

import pytest

from cooplab.runtime import Store
from cooplab.runtime.store import atomic_write_bytes, atomic_write_json, run_key


def test_same_run_same_folder(tmp_path):
    store = Store(tmp_path)
    a = store.run_dir("exp", {"n": 1}, seed=0)
    assert a.path == store.run_dir("exp", {"n": 1}, seed=0).path
    assert a.path != store.run_dir("exp", {"n": 2}, seed=0).path
    assert a.path != store.run_dir("exp", {"n": 1}, seed=1).path
    assert json.loads(a.config_path.read_text())["config"] == {"n": 1}
    assert run_key("exp", {"n": 1}, 0) == run_key("exp", {"n": 1}, 0)


def test_result_checkpoint_figure_and_clear(tmp_path):
    run = Store(tmp_path).run_dir("exp", {}, seed=0)
    assert not run.is_finished()
    run.save_checkpoint("step", {"i": 3})
    assert run.load_checkpoint("step") == {"i": 3}
    run.write_result({"v": 1})
    run.write_figure("fig one", b"\x89PNG")
    assert run.is_finished()
    assert (run.figures_dir / "fig_one.png").exists()
    run.clear()
    assert not run.is_finished()
    assert run.load_checkpoint("step") is None
    assert not run.figures_dir.exists()


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "result.json"
    atomic_write_json(path, {"v": "old"})

    def boom(*args, **kwargs):
        raise KeyboardInterrupt  # killed between writing and renaming

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_json(path, {"v": "new"})
    monkeypatch.undo()
    assert json.loads(path.read_text()) == {"v": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temporary left


def test_unreadable_result_counts_as_unfinished(tmp_path):
    run = Store(tmp_path).run_dir("exp", {}, seed=0)
    atomic_write_bytes(run.result_path, b"{not json")
    assert run.read_result() is None


def test_nan_is_refused(tmp_path):
    with pytest.raises(ValueError, match="JSON compliant"):
        atomic_write_json(tmp_path / "x.json", {"v": float("nan")})


def test_bad_names_are_refused(tmp_path):
    with pytest.raises(ValueError, match="file name"):
        Store(tmp_path).run_dir("..", {}, seed=0)
