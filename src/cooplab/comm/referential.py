"""The referential game over attribute-value objects, with GRU sender and receiver.

The game (Lazaridou et al. 2017, 2018; Chaabouni et al. 2020; EGG, Kharitonov
et al. 2019): objects are tuples of ``n_attributes`` attributes, each one of
``n_values`` values (all ``n_values ** n_attributes`` combinations). A
held-out set of combinations is never seen in training. Each round the sender
sees a target object and writes a message of at most ``max_len`` symbols over
a vocabulary of ``vocab_size`` symbols, symbol ``0`` ending the message; the
receiver reads the message and picks the target among ``n_distractors + 1``
candidates (the target and distinct distractors, shuffled).

Agents (torch, the ``learn`` extra; imported lazily):

- the sender encodes the target's one-hot attributes into the initial state
  of a GRU cell that emits one symbol per step, fed back as the next input;
- the receiver runs a GRU cell over the message, freezing its state from the
  first end-of-message symbol on, and scores each candidate by the dot
  product of its encoding with the final state.

Training, by ``method``:

- ``"reinforce"``: the sender samples symbols and is trained by REINFORCE
  (Williams 1992) with the reward ``-loss`` of the receiver, a running-mean
  baseline and an entropy bonus; the receiver by the cross-entropy of the
  target (as EGG's ``SenderReceiverRnnReinforce``);
- ``"gumbel"``: the symbols are straight-through Gumbel-Softmax samples
  (Jang, Gu and Poole 2017; Maddison et al. 2017; Havrylov and Titov 2017):
  one-hot forward, relaxed gradient backward, so the receiver's loss
  differentiates through the channel into the sender.

:func:`train_referential` trains one pair and returns a :class:`ReferentialRun`
with accuracies on training and held-out targets and the measures of the
language (:mod:`cooplab.comm.measures`) over all objects.
"""

from __future__ import annotations

import itertools
import numbers
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.comm.measures import (
    bag_of_symbols_disentanglement,
    message_entropy,
    positional_disentanglement,
    topographic_similarity,
)
from cooplab.runtime.progress import ProgressFn, null_progress
from cooplab.runtime.rng import RngLike, as_generator

__all__ = [
    "METHODS",
    "ObjectSpace",
    "ReferentialConfig",
    "ReferentialRun",
    "split_objects",
    "train_referential",
]

METHODS = ("reinforce", "gumbel")


def _int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


@dataclass(frozen=True)
class ObjectSpace:
    """All ``n_values ** n_attributes`` attribute-value objects.

    Examples
    --------
    >>> space = ObjectSpace(2, 3)
    >>> space.size, space.objects[:4].tolist()
    (9, [[0, 0], [0, 1], [0, 2], [1, 0]])
    """

    n_attributes: int
    n_values: int

    def __post_init__(self) -> None:
        _int("n_attributes", self.n_attributes, 1)
        _int("n_values", self.n_values, 2)
        if self.n_values**self.n_attributes > 1_000_000:
            raise ValueError(
                f"n_values ** n_attributes = {self.n_values**self.n_attributes:,} objects is too "
                "many (at most 1,000,000)"
            )

    @property
    def size(self) -> int:
        return int(self.n_values**self.n_attributes)

    @property
    def objects(self) -> npt.NDArray[np.int64]:
        """Shape ``(size, n_attributes)``, in lexicographic order."""
        return np.array(
            list(itertools.product(range(self.n_values), repeat=self.n_attributes)), dtype=np.int64
        ).reshape(self.size, self.n_attributes)

    def one_hot(self, objects: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """Shape ``(..., n_attributes * n_values)``: one block of ``n_values`` per attribute."""
        eye = np.eye(self.n_values, dtype=np.float32)
        return eye[objects].reshape(*objects.shape[:-1], self.n_attributes * self.n_values)


def split_objects(
    space: ObjectSpace, holdout: float, rng: RngLike = None, *, min_train: int = 2
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Split the objects into training and held-out indices.

    Parameters
    ----------
    space
        The objects.
    holdout
        Share of objects held out, in ``[0, 1)``; at least one object is held
        out when it is positive.
    rng
        Seed or generator of the split.
    min_train
        The fewest training objects allowed (a game needs a target and a distractor).

    Returns
    -------
    train, test
        Sorted indices into ``space.objects``.

    Examples
    --------
    >>> train, test = split_objects(ObjectSpace(2, 5), 0.2, rng=0)
    >>> len(train), len(test), len(set(train) & set(test))
    (20, 5, 0)
    """
    if (
        isinstance(holdout, bool)
        or not isinstance(holdout, numbers.Real)
        or not np.isfinite(holdout)
        or not 0 <= holdout < 1
    ):
        raise ValueError(f"holdout must be a share in [0, 1); got {holdout!r}")
    n = space.size
    n_test = int(np.ceil(holdout * n)) if holdout > 0 else 0
    if n - n_test < min_train:
        raise ValueError(
            f"holdout {holdout} leaves {n - n_test} training objects of {n}; need at least "
            f"{min_train} (the target and its distractors)"
        )
    perm = as_generator(rng).permutation(n)
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


@dataclass(frozen=True)
class ReferentialConfig:
    """One referential game and how to train on it.

    Attributes
    ----------
    n_attributes, n_values
        The objects (for example 2 to 4 attributes of 5 to 10 values).
    n_distractors
        Distractors per game (the receiver chooses among ``n_distractors + 1``).
    vocab_size
        Symbols, including the end-of-message symbol ``0``; at least 2.
    max_len
        The most symbols in a message; at least 1.
    holdout
        Share of objects never seen in training.
    method
        ``"reinforce"`` or ``"gumbel"``.
    steps, batch_size, lr
        Training: Adam steps, games per step, step size.
    hidden, embed
        GRU state and symbol embedding sizes.
    entropy_coef
        Weight of the sender's entropy bonus (REINFORCE).
    temperature
        Gumbel-Softmax temperature.
    eval_every
        Steps between evaluations on the training and held-out targets.
    """

    n_attributes: int = 2
    n_values: int = 5
    n_distractors: int = 3
    vocab_size: int = 10
    max_len: int = 3
    holdout: float = 0.2
    method: str = "gumbel"
    steps: int = 1000
    batch_size: int = 64
    lr: float = 3e-3
    hidden: int = 64
    embed: int = 16
    entropy_coef: float = 0.05
    temperature: float = 1.0
    eval_every: int = 100

    def __post_init__(self) -> None:
        ObjectSpace(self.n_attributes, self.n_values)
        if isinstance(self.vocab_size, bool) or not isinstance(self.vocab_size, numbers.Integral):
            raise ValueError(f"vocab_size must be an integer; got {self.vocab_size!r}")
        if self.vocab_size < 2:
            raise ValueError(
                f"vocab_size must be at least 2 (symbol 0 ends a message, and at least one other "
                f"symbol is needed to say anything); got {self.vocab_size}"
            )
        if isinstance(self.max_len, bool) or not isinstance(self.max_len, numbers.Integral):
            raise ValueError(f"max_len must be an integer; got {self.max_len!r}")
        if self.max_len < 1:
            raise ValueError(f"max_len (message length) must be at least 1; got {self.max_len}")
        _int("n_distractors", self.n_distractors, 1)
        for name in ("steps", "batch_size", "hidden", "embed", "eval_every"):
            _int(name, getattr(self, name), 1)
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}; got {self.method!r}")
        for name in ("lr", "temperature"):
            v = getattr(self, name)
            if (
                isinstance(v, bool)
                or not isinstance(v, numbers.Real)
                or not np.isfinite(v)
                or v <= 0
            ):
                raise ValueError(f"{name} must be a positive finite number; got {v!r}")
        v = self.entropy_coef
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v) or v < 0:
            raise ValueError(f"entropy_coef must be a non-negative finite number; got {v!r}")
        space = ObjectSpace(self.n_attributes, self.n_values)
        if self.n_distractors + 1 > space.size:
            raise ValueError(
                f"n_distractors = {self.n_distractors} needs {self.n_distractors + 1} distinct "
                f"objects per game, but there are only {space.size} objects"
            )
        # Raises, naming holdout, when the split leaves too few training objects.
        split_objects(space, self.holdout, 0, min_train=self.n_distractors + 1)

    @property
    def space(self) -> ObjectSpace:
        return ObjectSpace(self.n_attributes, self.n_values)


@dataclass(frozen=True)
class ReferentialRun:
    """A trained pair: accuracies, the language's measures and its lexicon.

    Attributes
    ----------
    train_accuracy, test_accuracy
        Share of games won with a training (held-out) object as target, the
        distractors drawn from all other objects, greedy agents.
    topsim, posdis, bosdis, entropy
        Measures of the language over all objects (greedy messages).
    curve_steps, curve_train, curve_test
        Accuracies during training.
    meanings, messages
        The lexicon: one row per object (messages padded with ``0``).
    test_objects
        Indices of the held-out objects.
    seconds
        Training wall-clock time (not part of equality: it never repeats).
    """

    config: ReferentialConfig
    train_accuracy: float
    test_accuracy: float
    topsim: float
    posdis: float
    bosdis: float
    entropy: float
    curve_steps: tuple[int, ...]
    curve_train: tuple[float, ...]
    curve_test: tuple[float, ...]
    meanings: tuple[tuple[int, ...], ...]
    messages: tuple[tuple[int, ...], ...]
    test_objects: tuple[int, ...]
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        from cooplab.runtime.serialize import to_jsonable

        return dict(to_jsonable(self))

    def lexicon(self) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        from cooplab.comm.measures import lexicon

        return lexicon(np.asarray(self.meanings), np.asarray(self.messages))


# ---------------------------------------------------------------------------
# torch part
# ---------------------------------------------------------------------------
def _agents(config: ReferentialConfig) -> tuple[Any, Any]:
    import torch
    from torch import nn

    d_in = config.n_attributes * config.n_values
    H, E, V = config.hidden, config.embed, config.vocab_size

    class Sender(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encode = nn.Linear(d_in, H)
            self.cell = nn.GRUCell(E, H)
            self.embedding = nn.Parameter(torch.randn(V, E) * 0.1)
            self.start = nn.Parameter(torch.zeros(E))
            self.out = nn.Linear(H, V)

        def forward(self, x: Any, mode: str, generator: Any) -> tuple[Any, Any, Any]:
            """Symbols (B, L) (one-hot (B, L, V) for gumbel), log-probs (B, L), entropies (B, L)."""
            h = torch.tanh(self.encode(x))
            inp = self.start.expand(x.shape[0], E)
            symbols, logps, ents = [], [], []
            for _ in range(config.max_len):
                h = self.cell(inp, h)
                logits = self.out(h)
                logp = torch.log_softmax(logits, dim=-1)
                ents.append(-(logp.exp() * logp).sum(-1))
                if mode == "gumbel":
                    u = torch.rand(logits.shape, generator=generator).clamp_(1e-9, 1 - 1e-9)
                    y = torch.softmax((logits - torch.log(-torch.log(u))) / config.temperature, -1)
                    hard = torch.nn.functional.one_hot(y.argmax(-1), V).to(y.dtype)
                    sym = hard - y.detach() + y
                    inp = sym @ self.embedding
                    symbols.append(sym)
                    logps.append(torch.zeros_like(ents[-1]))
                else:
                    if mode == "sample":
                        idx = torch.multinomial(logp.exp(), 1, generator=generator)[:, 0]
                    else:  # greedy
                        idx = logits.argmax(-1)
                    logps.append(logp.gather(1, idx[:, None])[:, 0])
                    inp = self.embedding[idx]
                    symbols.append(idx)
            return torch.stack(symbols, 1), torch.stack(logps, 1), torch.stack(ents, 1)

    class Receiver(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Parameter(torch.randn(V, E) * 0.1)
            self.cell = nn.GRUCell(E, H)
            self.h0 = nn.Parameter(torch.zeros(H))
            self.encode = nn.Linear(d_in, H)

        def forward(self, onehots: Any, candidates: Any) -> Any:
            """Scores (B, K) of candidates (B, K, d_in) given messages as one-hot (B, L, V)."""
            B = onehots.shape[0]
            h = self.h0.expand(B, H)
            alive = torch.ones(B, 1)
            for t in range(onehots.shape[1]):
                alive = alive * (1 - onehots[:, t, :1])  # the message ends at the first EOS
                h_new = self.cell(onehots[:, t] @ self.embedding, h)
                h = alive * h_new + (1 - alive) * h
            return torch.einsum("bkh,bh->bk", self.encode(candidates), h)

    return Sender(), Receiver()


def _games(
    rng: np.random.Generator, targets: np.ndarray, pool: np.ndarray, n_distractors: int
) -> tuple[np.ndarray, np.ndarray]:
    """Candidates (B, K) as object indices and the target's position (B,).

    Distractors are distinct objects of ``pool`` other than the target.
    """
    B = len(targets)
    keys = rng.random((B, len(pool)))
    keys[pool[None, :] == targets[:, None]] = np.inf
    distractors = pool[np.argpartition(keys, n_distractors - 1, axis=1)[:, :n_distractors]]
    cands = np.concatenate([targets[:, None], distractors], axis=1)
    order = np.argsort(rng.random(cands.shape), axis=1)
    cands = np.take_along_axis(cands, order, axis=1)
    pos = np.argmax(order == 0, axis=1)
    return cands, pos


def _pad_after_eos(symbols: np.ndarray) -> np.ndarray:
    """Messages with every symbol after the first ``0`` set to ``0``."""
    ended = np.cumsum(symbols == 0, axis=1) > 0
    return np.where(ended, 0, symbols)


def train_referential(
    config: ReferentialConfig,
    rng: RngLike = None,
    progress: ProgressFn | None = None,
    *,
    eval_repeats: int = 4,
) -> ReferentialRun:
    """Train a sender and a receiver on the referential game and measure their language.

    Parameters
    ----------
    config
        The game and the training.
    rng
        Seed or generator: the split, the games, the network weights and the
        sampling all come from it, so one seed gives one run.
    progress
        ``progress(done, total)`` in training steps.
    eval_repeats
        Draws of distractors per evaluated target.

    Returns
    -------
    ReferentialRun
    """
    import torch

    if not isinstance(config, ReferentialConfig):
        raise TypeError(f"config must be a ReferentialConfig; got {type(config).__name__}")
    progress = progress or null_progress
    gen = as_generator(rng)
    space = config.space
    objects = space.objects
    onehot_all = torch.from_numpy(space.one_hot(objects))
    train_idx, test_idx = split_objects(
        space, config.holdout, gen, min_train=config.n_distractors + 1
    )
    all_idx = np.arange(space.size)
    seed = int(gen.integers(2**62))
    tgen = torch.Generator().manual_seed(seed)
    eval_seed = int(gen.integers(2**62))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        sender, receiver = _agents(config)
    params = list(sender.parameters()) + list(receiver.parameters())
    opt = torch.optim.Adam(params, lr=config.lr)
    V = config.vocab_size
    baseline = 0.0
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small networks: threads cost more than they give

    def receive(symbols: Any, cands: np.ndarray) -> Any:
        onehots = symbols if symbols.dim() == 3 else torch.nn.functional.one_hot(symbols, V).float()
        return receiver(onehots, onehot_all[torch.from_numpy(cands)])

    def evaluate(targets: np.ndarray) -> float:
        if len(targets) == 0:
            return float("nan")
        eg = np.random.default_rng(eval_seed)
        reps = np.repeat(targets, eval_repeats)
        cands, pos = _games(eg, reps, all_idx, config.n_distractors)
        with torch.no_grad():
            symbols, _, _ = sender(onehot_all[torch.from_numpy(reps)], "greedy", None)
            scores = receive(symbols, cands)
        return float((scores.argmax(1).numpy() == pos).mean())

    curve_steps: list[int] = []
    curve_train: list[float] = []
    curve_test: list[float] = []
    start = time.perf_counter()
    try:
        progress(0, config.steps)
        for step in range(1, config.steps + 1):
            targets = gen.choice(train_idx, size=config.batch_size)
            cands, pos = _games(gen, targets, train_idx, config.n_distractors)
            x = onehot_all[torch.from_numpy(targets)]
            pos_t = torch.from_numpy(pos)
            if config.method == "gumbel":
                symbols, _, _ = sender(x, "gumbel", tgen)
                loss = torch.nn.functional.cross_entropy(receive(symbols, cands), pos_t)
            else:
                symbols, logps, ents = sender(x, "sample", tgen)
                per_game = torch.nn.functional.cross_entropy(
                    receive(symbols, cands), pos_t, reduction="none"
                )
                # Symbols after the first EOS are not part of the message: no credit, no entropy.
                eos = (symbols == 0).float()
                counted = torch.cat([torch.ones(len(eos), 1), 1 - eos[:, :-1]], 1).cumprod(1)
                logp = (logps * counted).sum(1)
                entropy = (ents * counted).sum(1) / counted.sum(1)
                reward = -per_game.detach()
                policy = -((reward - baseline) * logp).mean()
                loss = per_game.mean() + policy - config.entropy_coef * entropy.mean()
                baseline += (float(reward.mean()) - baseline) / min(step, 100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % config.eval_every == 0 or step == config.steps:
                curve_steps.append(step)
                curve_train.append(evaluate(train_idx))
                curve_test.append(evaluate(test_idx))
            progress(step, config.steps)
        seconds = time.perf_counter() - start
        with torch.no_grad():
            symbols, _, _ = sender(onehot_all, "greedy", None)
        messages = _pad_after_eos(symbols.numpy().astype(np.int64))
    finally:
        torch.set_num_threads(threads)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a constant language: topsim is nan
        topsim = topographic_similarity(objects, messages)
    multi = config.n_attributes >= 2
    return ReferentialRun(
        config=config,
        train_accuracy=curve_train[-1],
        test_accuracy=curve_test[-1],
        topsim=topsim,
        posdis=positional_disentanglement(objects, messages) if multi else float("nan"),
        bosdis=bag_of_symbols_disentanglement(objects, messages, V) if multi else float("nan"),
        entropy=message_entropy(messages),
        curve_steps=tuple(curve_steps),
        curve_train=tuple(curve_train),
        curve_test=tuple(curve_test),
        meanings=tuple(tuple(int(v) for v in row) for row in objects),
        messages=tuple(tuple(int(v) for v in row) for row in messages),
        test_objects=tuple(int(i) for i in test_idx),
        seconds=seconds,
    )
