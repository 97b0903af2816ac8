"""Checkpoints: a run's whole state in one file, written atomically.

A checkpoint holds the algorithm and environment names, the configuration,
the learner's state (networks, optimisers, targets, replay buffer), the
training counters, the log so far and the run's random generator, all as
tensors and plain values: it loads with ``torch.load(weights_only=True)``, so
opening one never runs code from the file. It is written to a temporary file
and moved into place (:func:`cooplab.runtime.store.atomic_write_bytes`), so a
run killed while saving leaves the previous checkpoint intact.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from cooplab.runtime.store import atomic_write_bytes

__all__ = ["FORMAT", "CheckpointMismatchError", "load_checkpoint", "save_checkpoint"]

FORMAT = "cooplab-marl-checkpoint-1"


class CheckpointMismatchError(ValueError):
    """A checkpoint from another algorithm or environment than the one asked for."""


def save_checkpoint(path: Path | str, payload: dict[str, Any]) -> None:
    """Write ``payload`` (tensors and plain values) to ``path`` atomically."""
    import torch

    buf = io.BytesIO()
    torch.save({"format": FORMAT, **payload}, buf)
    atomic_write_bytes(path, buf.getvalue())


def load_checkpoint(
    path: Path | str, *, algorithm: str | None = None, env: str | None = None
) -> dict[str, Any]:
    """Read a checkpoint, refusing one of another algorithm or environment.

    Parameters
    ----------
    path
        The checkpoint file.
    algorithm, env
        When given, the checkpoint must be of this algorithm and environment;
        otherwise :class:`CheckpointMismatchError` names both.
    """
    import torch

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        data = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # a foreign or corrupt file: say which
        raise ValueError(
            f"{path} is not a cooplab MARL checkpoint ({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a cooplab MARL checkpoint (format {FORMAT!r})")
    have_algo, have_env = data["algorithm"], data["env"]
    if (algorithm is not None and algorithm != have_algo) or (env is not None and env != have_env):
        raise CheckpointMismatchError(
            f"checkpoint {path} is of {have_algo} on {have_env}; "
            f"asked for {algorithm or have_algo} on {env or have_env}"
        )
    data["config"] = json.loads(data["config"])
    data["env_params"] = json.loads(data["env_params"])
    data["rng"] = json.loads(data["rng"])
    data["log"] = json.loads(data["log"])
    return data
