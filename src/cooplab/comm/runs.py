"""Saved communication runs: train one, write it to a folder, read it back and analyse it.

Used by ``cooplab comm train`` and ``cooplab comm analyze``. A run folder holds
``run.json``: ``{"kind": "lewis" | "referential" | "switch", "config": ...,
"result": ...}``, written atomically.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cooplab.comm.lewis import KINDS, LewisGame, Replicator, RothErev, classify
from cooplab.comm.measures import (
    bag_of_symbols_disentanglement,
    message_entropy,
    positional_disentanglement,
    strip_eos,
    topographic_similarity,
)
from cooplab.runtime.rng import RngLike
from cooplab.runtime.serialize import to_jsonable
from cooplab.runtime.store import atomic_write_json

__all__ = ["RUN_FILE", "LewisRun", "analyze", "load_run", "save_run", "train_lewis"]

RUN_FILE = "run.json"
LEWIS_METHODS = ("roth-erev", "replicator")


@dataclass(frozen=True)
class LewisRun:
    """Runs of one learner on one Lewis game: where they ended, and the first run's strategies."""

    method: str
    n_states: int
    prior: tuple[float, ...]
    runs: int
    budget: int
    counts: dict[str, int]
    success_mean: float
    success_std: float
    sender: tuple[tuple[float, ...], ...]
    receiver: tuple[tuple[float, ...], ...]


def train_lewis(
    n_states: int,
    *,
    method: str = "roth-erev",
    prior: tuple[float, ...] | None = None,
    runs: int = 100,
    budget: int = 10_000,
    rng: RngLike = None,
) -> LewisRun:
    """Train ``runs`` learners on a Lewis game and classify where they end.

    ``budget`` is plays for Roth–Erev, integration steps for the replicator dynamics.
    """
    if method not in LEWIS_METHODS:
        raise ValueError(
            f"method must be one of {LEWIS_METHODS} for the Lewis game; got {method!r}"
        )
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ValueError(f"budget (plays or steps) must be a positive integer; got {budget!r}")
    game = LewisGame(n_states, prior=prior)
    if method == "roth-erev":
        model: Any = RothErev(game, runs=runs, rng=rng).run(budget)
    else:
        model = Replicator(game, runs=runs, rng=rng).run(budget)
    out = classify(game, model.sender, model.receiver)
    return LewisRun(
        method=method,
        n_states=game.n_states,
        prior=game.prior,  # type: ignore[arg-type]
        runs=runs,
        budget=budget,
        counts=out.counts(),
        success_mean=float(out.success.mean()),
        success_std=float(out.success.std()),
        sender=tuple(tuple(float(v) for v in row) for row in model.sender[0]),
        receiver=tuple(tuple(float(v) for v in row) for row in model.receiver[0]),
    )


def save_run(folder: Path | str, kind: str, config: Any, result: Any) -> Path:
    """Write ``run.json`` in ``folder`` (created); returns its path."""
    path = Path(folder) / RUN_FILE
    atomic_write_json(
        path, {"kind": kind, "config": to_jsonable(config), "result": to_jsonable(result)}
    )
    return path


def load_run(path: Path | str) -> dict[str, Any]:
    """Read a run folder (or its ``run.json``)."""
    p = Path(path)
    if p.is_dir():
        p = p / RUN_FILE
    if not p.is_file():
        raise ValueError(f"no run at {path}: expected a folder with {RUN_FILE} or the file itself")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("kind") not in ("lewis", "referential", "switch"):
        raise ValueError(f"{p} is not a cooplab comm run (no known 'kind')")
    return data


def analyze(data: dict[str, Any]) -> dict[str, Any]:
    """The measures and the lexicon of a loaded run.

    Referential runs: accuracies, topographic similarity, posdis, bosdis,
    message entropy (recomputed from the stored lexicon) and the lexicon.
    Lewis runs: the outcome counts and the first run's code (state -> most
    likely signal -> most likely act). Switch runs: the greedy reward over training
    and the oracle's.
    """
    kind, res = data["kind"], data["result"]
    if kind == "referential":
        meanings = np.asarray(res["meanings"], dtype=np.int64)
        messages = np.asarray(res["messages"], dtype=np.int64)
        vocab = int(data["config"]["vocab_size"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            topsim = topographic_similarity(meanings, messages)
        multi = meanings.shape[1] >= 2
        held = set(res.get("test_objects", []))
        return {
            "kind": kind,
            "method": data["config"]["method"],
            "train_accuracy": res["train_accuracy"],
            "test_accuracy": res["test_accuracy"],
            "topographic_similarity": topsim,
            "posdis": positional_disentanglement(meanings, messages) if multi else None,
            "bosdis": bag_of_symbols_disentanglement(meanings, messages, vocab) if multi else None,
            "message_entropy": message_entropy(messages),
            "distinct_messages": len({tuple(m) for m in res["messages"]}),
            "objects": len(meanings),
            "lexicon": [
                {"meaning": list(m), "message": list(s), "held_out": idx in held}
                for idx, (m, s) in enumerate(
                    (tuple(a), b) for a, b in zip(res["meanings"], _stripped(messages), strict=True)
                )
            ],
        }
    if kind == "lewis":
        s = np.asarray(res["sender"])
        r = np.asarray(res["receiver"])
        code = []
        for state in range(s.shape[0]):
            sig = int(s[state].argmax())
            code.append(
                {
                    "state": state,
                    "signal": sig,
                    "p_signal": float(s[state, sig]),
                    "act": int(r[sig].argmax()),
                    "p_act": float(r[sig].max()),
                }
            )
        return {
            "kind": kind,
            "method": res["method"],
            "n_states": res["n_states"],
            "prior": res["prior"],
            "runs": res["runs"],
            "counts": {k: res["counts"].get(k, 0) for k in KINDS},
            "success_mean": res["success_mean"],
            "success_std": res["success_std"],
            "lexicon": code,
        }
    return {
        "kind": kind,
        "method": data["config"]["method"],
        "n_agents": data["config"]["n_agents"],
        "oracle": res["oracle"],
        "final_reward": res["final_reward"],
        "curve_episodes": res["curve_episodes"],
        "curve_reward": res["curve_reward"],
    }


def _stripped(messages: np.ndarray) -> list[list[int]]:
    return [list(strip_eos(r)) for r in messages]
