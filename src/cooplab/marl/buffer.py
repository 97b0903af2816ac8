"""Episodes as padded arrays, and the replay buffer that keeps them.

An :class:`EpisodeBatch` holds ``B`` episodes of at most ``T`` steps
(``T`` = the environment's ``episode_limit``), padded with zeros after an
episode ends; ``filled`` marks the real steps. Observations, states and
available actions have ``T + 1`` entries: step ``t`` acts on entry ``t`` and
sees entry ``t + 1`` next, so TD targets read entry ``t + 1`` (PyMARL's layout,
Samvelyan et al. 2019).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import numpy.typing as npt

from cooplab.runtime.rng import RngLike, as_generator

__all__ = ["EpisodeBatch", "ReplayBuffer"]


@dataclass(frozen=True)
class EpisodeBatch:
    """``B`` padded episodes.

    Attributes
    ----------
    obs
        ``(B, T + 1, N, *obs_shape)`` float32 observations.
    state
        ``(B, T + 1, *state_shape)`` float32 global states.
    avail
        ``(B, T + 1, N, A)`` bool available actions.
    actions
        ``(B, T, N)`` int64 actions taken.
    reward
        ``(B, T)`` float32 team reward (the mean of the agents' rewards).
    terminated
        ``(B, T)`` bool: the episode ended in a terminal state at this step
        (not a time-limit truncation, whose next value is still bootstrapped).
    filled
        ``(B, T)`` bool: a real step, not padding.
    z
        ``(B,)`` int64 latent variable of each episode (MAVEN), else zeros.
    """

    obs: npt.NDArray[np.float32]
    state: npt.NDArray[np.float32]
    avail: npt.NDArray[np.bool_]
    actions: npt.NDArray[np.int64]
    reward: npt.NDArray[np.float32]
    terminated: npt.NDArray[np.bool_]
    filled: npt.NDArray[np.bool_]
    z: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    def __post_init__(self) -> None:
        if self.z.shape != (self.size,):
            object.__setattr__(self, "z", np.zeros(self.size, np.int64))

    @property
    def size(self) -> int:
        return int(self.actions.shape[0])

    @property
    def returns(self) -> npt.NDArray[np.float64]:
        """``(B,)`` undiscounted episode returns."""
        return (self.reward * self.filled).sum(axis=1, dtype=np.float64)

    @property
    def lengths(self) -> npt.NDArray[np.int64]:
        return self.filled.sum(axis=1).astype(np.int64)

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class ReplayBuffer:
    """A ring of the last ``capacity`` episodes, sampled uniformly.

    Parameters
    ----------
    capacity
        Episodes kept; the oldest are overwritten first.
    """

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be a positive integer; got {capacity!r}")
        self.capacity = capacity
        self._data: dict[str, np.ndarray] | None = None
        self._next = 0
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def insert(self, batch: EpisodeBatch) -> None:
        """Add the episodes of ``batch`` (the oldest are dropped beyond ``capacity``)."""
        arrays = batch.arrays()
        if self._data is None:
            self._data = {
                k: np.zeros((self.capacity, *v.shape[1:]), dtype=v.dtype) for k, v in arrays.items()
            }
        for k, v in arrays.items():
            if v.shape[1:] != self._data[k].shape[1:]:
                raise ValueError(
                    f"episode field {k!r} has shape {v.shape[1:]} per episode; "
                    f"the buffer holds {self._data[k].shape[1:]}"
                )
        idx = (self._next + np.arange(batch.size)) % self.capacity
        for k, v in arrays.items():
            self._data[k][idx] = v
        self._next = int((self._next + batch.size) % self.capacity)
        self._size = min(self._size + batch.size, self.capacity)

    def sample(self, n: int, rng: RngLike = None) -> EpisodeBatch:
        """``n`` distinct episodes drawn uniformly, trimmed to the longest one drawn."""
        if self._data is None or self._size < n:
            raise ValueError(f"cannot sample {n} episodes from a buffer holding {self._size}")
        idx = as_generator(rng).choice(self._size, size=n, replace=False)
        data = {k: v[idx] for k, v in self._data.items()}
        t = max(int(data["filled"].sum(axis=1).max()), 1)
        for k in ("actions", "reward", "terminated", "filled"):
            data[k] = data[k][:, :t]
        for k in ("obs", "state", "avail"):
            data[k] = data[k][:, : t + 1]
        return EpisodeBatch(**data)

    # -- checkpoints ------------------------------------------------------
    def state(self) -> dict[str, object]:
        return {
            "capacity": self.capacity,
            "next": self._next,
            "size": self._size,
            "data": None
            if self._data is None
            else {k: v[: self._size] for k, v in self._data.items()},
        }

    def load_state(self, state: dict[str, object]) -> None:
        self.capacity = int(state["capacity"])  # type: ignore[call-overload]
        self._next = int(state["next"])  # type: ignore[call-overload]
        self._size = int(state["size"])  # type: ignore[call-overload]
        data = state["data"]
        if data is None:
            self._data = None
            return
        assert isinstance(data, dict)
        self._data = {}
        for k, v in data.items():
            arr = np.asarray(v)
            full = np.zeros((self.capacity, *arr.shape[1:]), dtype=arr.dtype)
            full[: len(arr)] = arr
            self._data[k] = full
