"""One batch of environments stepped by several processes (one shard per core).

A :class:`~cooplab.envs.base.VectorEnv` steps its ``B`` environments as
arrays in one process, so it uses one core. :class:`ShardedVectorEnv` splits
the batch into ``workers`` contiguous shards, each a ``VectorEnv`` of its own
in a worker process, and presents the whole as one ``VectorEnv`` of ``B``
environments: the same ``reset``/``step`` and the same results.

Same numbers: environment ``i`` of the batch gets the key it would get in a
single-process batch (``reset(seed=s)`` gives it the key of ``(s, i)``), and
cooplab's environments draw their randomness from counters of (key, episode,
step), so a sharded batch returns exactly what ``make(name, num_envs=B)``
returns for the same seed and actions (``tests/envs/test_parallel.py`` checks
it for every registered environment).

How: the workers write observations, states and available actions straight
into shared memory, and send rewards, flags and infos (small ``(B,)`` arrays)
through pipes. ``step`` returns arrays that live in that shared memory, with
no copy, and they never change under the caller: a set of shared buffers is
written again only once nothing refers to the arrays returned from it (no
``Step``, no view, no tensor made from them; CPython's reference counts say
so), and a new set is made when every set is still held (a rollout that keeps
``T`` steps holds ``T`` sets, as it would hold ``T`` copies). Each worker also
tells glibc's allocator (where there is one) to keep the memory it frees, so
the large per-step arrays do not go back to the kernel and come back as fresh
zeroed pages every step (see ``benchmarks/RESULTS.md``); this changes nothing
in the worker's results and nothing in the calling process.

>>> import numpy as np
>>> from cooplab.envs import make
>>> with ShardedVectorEnv("climbing_game_v1", num_envs=4, workers=2, seed=0) as env:
...     first = env.reset()
...     step = env.step(np.array([[0, 0], [0, 1], [1, 1], [2, 2]]))
>>> step.reward[:, 0].tolist()
[11.0, -30.0, 7.0, 5.0]
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import itertools
import json
import numbers
import os
import socket
import subprocess
import sys
import traceback
import weakref
from collections.abc import Sequence
from multiprocessing import shared_memory
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.envs.base import Reset, Step, VectorEnv, seed_keys

__all__ = ["ShardedVectorEnv"]

_FIELDS = ("obs", "state", "avail", "final_obs", "final_state")


def _refcounts(arrays: dict[str, np.ndarray]) -> list[int]:
    return [sys.getrefcount(arrays[f]) for f in _FIELDS]


def _alone() -> list[int]:
    """What :func:`_refcounts` says of a set of arrays only its dict refers to (measured,
    not assumed: the count an interpreter reports for its argument differs by version)."""
    return _refcounts({f: np.empty(1) for f in _FIELDS})


_ALONE = _alone()


def _keep_freed_memory() -> None:
    """Ask glibc (when it is the allocator) to keep freed memory in the process."""
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 1 << 30)
    mallopt(m_trim_threshold, (1 << 31) - 1)


def _shapes(spec: Any, n: int) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    obs = (n, spec.n_agents, *spec.obs_shape)
    state = (n, *spec.state_shape)
    return {
        "obs": (obs, np.dtype(np.float32)),
        "state": (state, np.dtype(np.float32)),
        "avail": ((n, spec.n_agents, spec.n_actions), np.dtype(bool)),
        "final_obs": (obs, np.dtype(np.float32)),
        "final_state": (state, np.dtype(np.float32)),
    }


def _views(
    shms: list[shared_memory.SharedMemory], spec: Any, n: int
) -> list[dict[str, np.ndarray]]:
    """The arrays of each buffer set over its shared memory block."""
    out = []
    shapes = _shapes(spec, n)
    for shm in shms:
        arrays, offset = {}, 0
        for f in _FIELDS:
            shape, dtype = shapes[f]
            size = int(np.prod(shape)) * dtype.itemsize
            arrays[f] = np.ndarray(shape, dtype, buffer=shm.buf, offset=offset)
            offset += -(-size // 64) * 64
        out.append(arrays)
    return out


def _block_size(spec: Any, n: int) -> int:
    total = 0
    for shape, dtype in _shapes(spec, n).values():
        total += -(-int(np.prod(shape)) * dtype.itemsize // 64) * 64
    return max(total, 64)


_BOOT = (
    "import json, os, sys; sys.path[:0] = json.loads(os.environ['COOPLAB_SHARD_PATH']); "
    "from cooplab.envs.parallel import _worker_main; _worker_main(int(sys.argv[1]))"
)


def _attach(name: str) -> shared_memory.SharedMemory:
    """Open the parent's shared memory block without letting this process own it.

    Before Python 3.13 attaching registers the block with this process's
    resource tracker, which would unlink it when the worker exits.
    """
    if sys.version_info >= (3, 13):
        return shared_memory.SharedMemory(name=name, track=False)  # type: ignore[call-arg]
    from multiprocessing import resource_tracker

    shm = shared_memory.SharedMemory(name=name)
    resource_tracker.unregister(shm._name, "shared_memory")  # type: ignore[attr-defined]
    return shm


def _worker_main(fd: int) -> None:
    """Entry point of a worker process: serve the shard on the socket ``fd``."""
    from multiprocessing.connection import Connection

    conn = Connection(fd)
    try:
        config = conn.recv()
    except EOFError:
        return
    _worker(conn, **config)
    conn.close()


def _put(buf: dict[str, np.ndarray], field: str, x: np.ndarray) -> None:
    """Copy ``x`` into the shared buffer ``field`` unless the environment wrote it there."""
    if x is not buf[field]:
        buf[field][...] = x


def _worker(
    conn: Any,
    name: str,
    params: dict[str, Any],
    lo: int,
    hi: int,
    actions_name: str,
    n_total: int,
) -> None:
    _keep_freed_memory()
    views: list[dict[str, np.ndarray]] = []
    shms: list[shared_memory.SharedMemory] = []
    try:
        from cooplab.envs import make

        env = make(name, num_envs=hi - lo, **params)
        spec = env.spec
        act_shm = _attach(actions_name)
        shms.append(act_shm)
        actions = np.ndarray((n_total, spec.n_agents), np.int64, buffer=act_shm.buf)[lo:hi]
        conn.send(("ready", None))
    except BaseException as err:
        conn.send(("error", (type(err), str(err), traceback.format_exc())))
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, KeyboardInterrupt):
            break
        cmd, arg = msg
        if cmd == "close":
            break
        try:
            if cmd == "attach":  # a new set of buffers
                shm = _attach(arg)
                shms.append(shm)
                views.append({f: a[lo:hi] for f, a in _views([shm], spec, n_total)[0].items()})
                conn.send(("ok", None))
            elif cmd == "reset":
                keys, k = arg
                if keys is not None:
                    env._keys = np.asarray(keys, np.uint64).copy()
                    env._fresh_keys = True
                buf = views[k]
                env.observe_into(buf["obs"], buf["state"])
                r = env.reset()
                _put(buf, "obs", r.obs)
                _put(buf, "state", r.state)
                buf["avail"][...] = r.avail_actions
                conn.send(("ok", None))
            elif cmd == "step":
                k = arg
                buf = views[k]
                env.observe_into(buf["obs"], buf["state"])
                s = env.step(actions)
                done = s.terminated | s.truncated
                any_done = bool(done.any())
                if any_done:  # first: final_obs may be the obs buffer itself
                    _put(buf, "final_obs", s.final_obs)
                    _put(buf, "final_state", s.final_state)
                _put(buf, "obs", s.obs)
                _put(buf, "state", s.state)
                buf["avail"][...] = s.avail_actions
                conn.send(("ok", (s.reward, s.terminated, s.truncated, s.info, any_done)))
            else:  # pragma: no cover - a programming error
                raise ValueError(f"unknown command {cmd!r}")
        except BaseException as err:
            conn.send(("error", (type(err), str(err), traceback.format_exc())))
    views.clear()
    del actions
    for shm in shms:
        with contextlib.suppress(BufferError):  # views still alive
            shm.close()


def _shutdown(procs: list[Any], conns: list[Any], shms: list[Any]) -> None:
    for c in conns:
        with contextlib.suppress(OSError):
            c.send(("close", None))
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck worker
            p.kill()
            p.wait()
    for c in conns:
        c.close()
    for shm in shms:
        with contextlib.suppress(BufferError):  # arrays the caller holds keep the mapping
            shm.close()
        with contextlib.suppress(FileNotFoundError):
            shm.unlink()


class ShardedVectorEnv(VectorEnv):
    """``num_envs`` environments of ``name`` stepped by ``workers`` processes.

    Parameters
    ----------
    name
        A registered environment (``cooplab.envs.names()``).
    num_envs
        ``B``, the whole batch; split into ``workers`` contiguous shards as
        evenly as possible.
    workers
        Processes (at most ``num_envs``); one per core is the useful number.
    seed
        Keys for the first ``reset()`` without a seed, as in
        :class:`~cooplab.envs.base.VectorEnv`.
    **params
        The environment's parameters (``strict=True`` included).

    Call :meth:`close` (or use it as a context manager) to stop the workers;
    they also stop when the object is garbage collected or the process exits.
    """

    def __init__(
        self,
        name: str,
        num_envs: int = 2,
        workers: int = 2,
        seed: int | Sequence[int] | None = None,
        **params: Any,
    ) -> None:
        from cooplab.envs import make

        if isinstance(workers, bool) or not isinstance(workers, numbers.Integral):
            raise TypeError(f"{name}: workers must be an int; got {workers!r}")
        if isinstance(num_envs, bool) or not isinstance(num_envs, numbers.Integral):
            raise TypeError(f"{name}: num_envs must be an int; got {num_envs!r}")
        if workers < 1:
            raise ValueError(f"{name}: workers must be at least 1; got {workers}")
        if num_envs < workers:
            raise ValueError(
                f"{name}: num_envs ({num_envs}) must be at least workers ({workers}): "
                "each worker steps at least one environment"
            )
        probe = make(name, num_envs=1, **params)  # checks the name and the parameters here
        self.spec = probe.spec
        self.strict = bool(params.get("strict", False))
        super().__init__(int(num_envs), seed, strict=self.strict)
        self.workers = int(workers)
        self._name, self._params = name, dict(params)
        bounds = np.linspace(0, self.num_envs, self.workers + 1).round().astype(int)
        self._slices = [(int(a), int(b)) for a, b in itertools.pairwise(bounds)]
        self._block = _block_size(self.spec, self.num_envs)
        self._act_shm = shared_memory.SharedMemory(
            create=True, size=max(self.num_envs * self.spec.n_agents * 8, 8)
        )
        self._shms: list[shared_memory.SharedMemory] = [self._act_shm]
        self._sets: list[dict[str, np.ndarray]] = []
        self._actions = np.ndarray(
            (self.num_envs, self.spec.n_agents), np.int64, buffer=self._act_shm.buf
        )
        self._conns: list[Connection] = []
        self._procs: list[subprocess.Popen[bytes]] = []
        self._finalizer = weakref.finalize(self, _shutdown, self._procs, self._conns, self._shms)
        env = {**os.environ, "COOPLAB_SHARD_PATH": json.dumps([p for p in sys.path if p])}
        for lo, hi in self._slices:
            ours, theirs = socket.socketpair()
            proc = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                env=env,
                stdin=subprocess.DEVNULL,
            )
            theirs.close()
            self._procs.append(proc)
            conn = Connection(ours.detach())
            self._conns.append(conn)
            conn.send(
                {
                    "name": name,
                    "params": self._params,
                    "lo": lo,
                    "hi": hi,
                    "actions_name": self._act_shm.name,
                    "n_total": self.num_envs,
                }
            )
        self._gather("start")
        for _ in range(2):
            self._new_set()

    # -- plumbing -----------------------------------------------------------------------

    def _new_set(self) -> int:
        """A new set of shared output buffers, attached by every worker; its index."""
        shm = shared_memory.SharedMemory(create=True, size=self._block)
        self._shms.append(shm)
        self._sets.append(_views([shm], self.spec, self.num_envs)[0])
        self._send([("attach", shm.name)] * self.workers)
        self._gather("attaching buffers")
        return len(self._sets) - 1

    def _free_set(self) -> int:
        """A set of buffers whose arrays nothing outside this object refers to."""
        for k in range(len(self._sets)):
            if _refcounts(self._sets[k]) == _ALONE:
                return k
        return self._new_set()

    @property
    def buffer_sets(self) -> int:
        """Sets of shared output buffers made so far (each ``B`` environments' outputs)."""
        return len(self._sets)

    def _gather(self, what: str) -> list[Any]:
        results, error = [], None
        for w, conn in enumerate(self._conns):
            try:
                status, payload = conn.recv()
            except (EOFError, OSError) as err:
                self.close()
                raise RuntimeError(
                    f"{self.spec.name}: worker {w} died during {what} ({err!r})"
                ) from None
            if status == "error" and error is None:
                error = (w, payload)
            results.append(payload)
        if error is not None:
            w, (etype, msg, tb) = error
            if what == "start":
                self.close()
            lo, hi = self._slices[w]
            text = f"{msg} (worker {w}, environments {lo}..{hi - 1}, during {what})"
            try:
                exc = etype(text)
            except Exception:
                exc = RuntimeError(f"{etype.__name__}: {text}\n{tb}")
            raise exc
        return results

    def _check_open(self) -> None:
        if not self._finalizer.alive:
            raise RuntimeError(f"{self.spec.name}: this ShardedVectorEnv is closed")

    def _send(self, msgs: list[tuple[str, Any]]) -> None:
        self._check_open()
        for conn, msg in zip(self._conns, msgs, strict=True):
            conn.send(msg)

    # -- the interface -------------------------------------------------------------------

    def reset(self, seed: int | Sequence[int] | None = None) -> Reset:
        """Start a new episode in every environment (see :meth:`VectorEnv.reset`)."""
        self._check_open()
        send_keys = False
        if seed is not None:
            self._keys = seed_keys(seed, self.num_envs)
            send_keys = True
        elif self._keys is None:
            entropy = np.random.SeedSequence().generate_state(2, np.uint64)
            self._keys = seed_keys(int(entropy[0] >> np.uint64(1)), self.num_envs)
            send_keys = True
        elif self._fresh_keys:
            send_keys = True
        self._fresh_keys = False
        self._avail = None  # our own reference would keep the last set busy
        k = self._free_set()
        msgs = [
            ("reset", (self._keys[lo:hi].copy() if send_keys else None, k))
            for lo, hi in self._slices
        ]
        self._send(msgs)
        self._gather("reset")
        buf = self._sets[k]
        self._avail = buf["avail"]
        return Reset(buf["obs"], buf["state"], buf["avail"])

    def step(self, actions: npt.ArrayLike) -> Step:
        """Take one joint action ``(B, N)`` in every environment; see :class:`Step`."""
        self._check_open()
        if self._avail is None:
            raise RuntimeError(f"{self.spec.name}: call reset() before step()")
        a = self._check_actions(actions)
        self._actions[...] = a
        self._avail = None
        k = self._free_set()
        self._send([("step", k)] * self.workers)
        parts = self._gather("step")
        buf = self._sets[k]
        reward = np.concatenate([p[0] for p in parts])
        terminated = np.concatenate([p[1] for p in parts])
        truncated = np.concatenate([p[2] for p in parts])
        info = {key: np.concatenate([p[3][key] for p in parts]) for key in parts[0][3]}
        obs, state = buf["obs"], buf["state"]
        if any(p[4] for p in parts):
            for (lo, hi), p in zip(self._slices, parts, strict=True):
                if not p[4]:
                    buf["final_obs"][lo:hi] = obs[lo:hi]
                    buf["final_state"][lo:hi] = state[lo:hi]
            final_obs, final_state = buf["final_obs"], buf["final_state"]
        else:
            final_obs, final_state = obs, state
        self._avail = buf["avail"]
        return Step(
            obs,
            state,
            buf["avail"],
            reward,
            terminated,
            truncated,
            final_obs,
            final_state,
            info,
        )

    def close(self) -> None:
        """Stop the workers and free the shared memory (idempotent); arrays already
        returned stay readable while they are referenced."""
        self._sets = []
        self._avail = None
        self._finalizer()

    def __enter__(self) -> ShardedVectorEnv:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"ShardedVectorEnv({self.spec.name!r}, num_envs={self.num_envs}, "
            f"workers={self.workers})"
        )

    # -- unused: the workers' environments do the work ------------------------------------

    def _reset_rows(self, idx: np.ndarray) -> None:  # pragma: no cover
        raise NotImplementedError

    def _observe(self, idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        raise NotImplementedError  # pragma: no cover

    def _step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError  # pragma: no cover
