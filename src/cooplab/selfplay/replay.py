"""A replay buffer of self-play positions: planes, search policies and outcomes.

Plain numpy ring buffer (no torch), so it can be saved in a checkpoint as
arrays and restored exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.runtime.rng import RngLike, as_generator

__all__ = ["ReplayBuffer"]


class ReplayBuffer:
    """The last ``capacity`` training positions, overwritten oldest first.

    Parameters
    ----------
    capacity
        Positions kept.
    plane_shape
        ``(C, rows, cols)`` of one encoded position.
    actions
        ``A``, the length of a policy target.

    Each position is ``(planes (C, rows, cols) float32, policy (A,) float32,
    value float32)``: the encoded position from the mover's view, the root
    visit distribution of the search there, and the game's final outcome for
    the mover (+1, 0, -1), as in AlphaGo Zero (Silver et al. 2017).

    Examples
    --------
    >>> import numpy as np
    >>> buf = ReplayBuffer(4, (1, 1, 2), 2)
    >>> buf.add(np.zeros((3, 1, 1, 2), np.float32), np.full((3, 2), 0.5), np.array([1, -1, 0]))
    >>> len(buf), buf.total_added
    (3, 3)
    >>> x, p, z = buf.sample(2, rng=0)
    >>> x.shape, p.shape, z.shape
    ((2, 1, 1, 2), (2, 2), (2,))
    """

    def __init__(self, capacity: int, plane_shape: tuple[int, ...], actions: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be a positive integer; got {capacity!r}")
        self.capacity = capacity
        self.plane_shape = tuple(int(d) for d in plane_shape)
        self.actions = int(actions)
        self.planes = np.zeros((capacity, *self.plane_shape), dtype=np.float32)
        self.policies = np.zeros((capacity, self.actions), dtype=np.float32)
        self.values = np.zeros(capacity, dtype=np.float32)
        self.total_added = 0

    def __len__(self) -> int:
        return min(self.total_added, self.capacity)

    def add(
        self,
        planes: npt.ArrayLike,
        policies: npt.ArrayLike,
        values: npt.ArrayLike,
    ) -> None:
        """Append ``n`` positions: planes ``(n, C, rows, cols)``, policies ``(n, A)``, values ``(n,)``."""
        x = np.asarray(planes, dtype=np.float32)
        p = np.asarray(policies, dtype=np.float32)
        z = np.asarray(values, dtype=np.float32)
        n = x.shape[0] if x.ndim else 0
        if x.shape[1:] != self.plane_shape or p.shape != (n, self.actions) or z.shape != (n,):
            raise ValueError(
                f"replay positions need planes (n, {', '.join(map(str, self.plane_shape))}), "
                f"policies (n, {self.actions}) and values (n,); got {x.shape}, {p.shape}, {z.shape}"
            )
        if n > self.capacity:  # only the newest fit
            x, p, z = x[-self.capacity :], p[-self.capacity :], z[-self.capacity :]
            self.total_added += n - self.capacity
            n = self.capacity
        idx = (self.total_added + np.arange(n)) % self.capacity
        self.planes[idx], self.policies[idx], self.values[idx] = x, p, z
        self.total_added += n

    def sample(
        self, batch: int, rng: RngLike = None
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """``batch`` positions drawn uniformly with replacement."""
        if len(self) == 0:
            raise ValueError("cannot sample from an empty replay buffer")
        idx = as_generator(rng).integers(0, len(self), size=batch)
        return self.planes[idx], self.policies[idx], self.values[idx]

    # -- checkpoints ----------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The buffer's contents as arrays and ints (what a checkpoint stores)."""
        n = len(self)
        return {
            "capacity": self.capacity,
            "total_added": self.total_added,
            "planes": self.planes[:n].copy(),
            "policies": self.policies[:n].copy(),
            "values": self.values[:n].copy(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output (arrays may be torch tensors)."""
        if int(state["capacity"]) != self.capacity:
            raise ValueError(
                f"a replay buffer of capacity {int(state['capacity'])} cannot be loaded into one "
                f"of capacity {self.capacity}"
            )
        n = np.asarray(state["values"]).shape[0]
        self.planes[:] = 0
        self.policies[:] = 0
        self.values[:] = 0
        self.planes[:n] = np.asarray(state["planes"])
        self.policies[:n] = np.asarray(state["policies"])
        self.values[:n] = np.asarray(state["values"])
        self.total_added = int(state["total_added"])
