"""A small residual policy-value network for board games (torch; the ``learn`` extra).

The network of AlphaGo Zero / AlphaZero (Silver et al. 2017, Nature 550;
Silver et al. 2018, Science 362) at laptop scale: a 3x3 convolution stem,
``blocks`` residual blocks of two 3x3 convolutions with batch normalisation,
and two heads:

- policy: a 1x1 convolution to 2 planes, then a linear layer to ``A`` logits;
- value: a 1x1 convolution to 1 plane, a hidden layer of ``hidden`` units and
  a ``tanh`` scalar, the expected outcome for the player to move.

Inputs are :meth:`cooplab.games.board.BoardGame.encode` planes ``(B, C, rows,
cols)``, so one class serves every board game. This module imports torch at
import time; import it only where torch is wanted (:mod:`cooplab.selfplay`
itself does not).

:func:`symmetries` gives the board symmetries a game's rules are invariant
under, as permutations of cells and actions, for data augmentation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from cooplab.games.board import BoardGame, BoardState

__all__ = ["NetworkSpec", "PolicyValueNet", "Symmetry", "evaluator", "symmetries"]


@dataclass(frozen=True)
class NetworkSpec:
    """The architecture: what a checkpoint must match to be loaded.

    Attributes
    ----------
    game
        The board game's name (its planes, board shape and actions fix the layers).
    planes, rows, cols, actions
        Input ``(C, rows, cols)`` and the number of actions ``A``.
    channels
        Width of the residual tower.
    blocks
        Residual blocks.
    hidden
        Units of the value head's hidden layer.
    """

    game: str
    planes: int
    rows: int
    cols: int
    actions: int
    channels: int = 32
    blocks: int = 2
    hidden: int = 64

    @classmethod
    def for_game(
        cls, game: BoardGame, *, channels: int = 32, blocks: int = 2, hidden: int = 64
    ) -> NetworkSpec:
        """The spec sized by ``game``'s :meth:`~BoardGame.encode` planes and actions."""
        rows, cols = game.board_shape
        return cls(
            game=game.name,
            planes=int(game.num_planes),
            rows=int(rows),
            cols=int(cols),
            actions=int(game.num_actions),
            channels=channels,
            blocks=blocks,
            hidden=hidden,
        )

    def __post_init__(self) -> None:
        for name in ("planes", "rows", "cols", "actions", "channels", "hidden"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"NetworkSpec.{name} must be a positive integer; got {v!r}")
        if isinstance(self.blocks, bool) or not isinstance(self.blocks, int) or self.blocks < 0:
            raise ValueError(
                f"NetworkSpec.blocks must be a non-negative integer; got {self.blocks!r}"
            )

    def to_dict(self) -> dict[str, int | str]:
        return asdict(self)

    def describe(self) -> str:
        return (
            f"{self.game} net ({self.planes}x{self.rows}x{self.cols} -> {self.actions}, "
            f"{self.blocks} blocks of {self.channels} channels, value hidden {self.hidden})"
        )


class _Residual(nn.Module):
    def __init__(self, ch: int) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(ch)
        self.c2 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(ch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return torch.relu(x + y)


class PolicyValueNet(nn.Module):
    """The residual policy-value network of :class:`NetworkSpec` ``spec``.

    ``forward(x)`` takes planes ``(B, C, rows, cols)`` float32 and returns
    policy logits ``(B, A)`` and values ``(B,)`` in ``[-1, 1]`` for the
    player to move.
    """

    def __init__(self, spec: NetworkSpec) -> None:
        super().__init__()
        self.spec = spec
        ch, cells = spec.channels, spec.rows * spec.cols
        self.stem = nn.Sequential(
            nn.Conv2d(spec.planes, ch, 3, padding=1, bias=False), nn.BatchNorm2d(ch), nn.ReLU()
        )
        self.tower = nn.Sequential(*[_Residual(ch) for _ in range(spec.blocks)])
        self.policy_conv = nn.Sequential(
            nn.Conv2d(ch, 2, 1, bias=False), nn.BatchNorm2d(2), nn.ReLU()
        )
        self.policy_fc = nn.Linear(2 * cells, spec.actions)
        self.value_conv = nn.Sequential(
            nn.Conv2d(ch, 1, 1, bias=False), nn.BatchNorm2d(1), nn.ReLU()
        )
        self.value_fc = nn.Sequential(
            nn.Linear(cells, spec.hidden), nn.ReLU(), nn.Linear(spec.hidden, 1), nn.Tanh()
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.tower(self.stem(x))
        logits = self.policy_fc(self.policy_conv(h).flatten(1))
        value = self.value_fc(self.value_conv(h).flatten(1)).squeeze(1)
        return logits, value


def evaluator(net: PolicyValueNet, game: BoardGame):  # type: ignore[no-untyped-def]
    """A batched evaluator ``evaluate(states) -> (priors (B, A), values (B,))`` for search.

    Priors are the network's softmax restricted to the legal actions and
    renormalised; values are for the player to move. The network is put in
    evaluation mode (and left there: the trainer switches it back to
    training mode for its updates) and run without gradients.
    """

    def evaluate(states: BoardState) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        planes = game.encode(states)
        legal = game.legal_mask(states)
        if net.training:  # batch statistics would make a position's value depend on the batch
            net.eval()
        with torch.inference_mode():
            logits, value = net(torch.from_numpy(planes))
        return masked_softmax(logits.double().numpy(), legal), value.double().numpy()

    return evaluate


def masked_softmax(
    logits: npt.NDArray[np.float64], legal: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """Softmax of ``logits (B, A)`` over the ``legal (B, A)`` actions; rows without one are 0."""
    z = np.where(legal, logits, -np.inf)
    m = z.max(axis=1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.where(legal, np.exp(z - m), 0.0)
    s = e.sum(axis=1, keepdims=True)
    return np.divide(e, s, out=np.zeros_like(e), where=s > 0)


# ---------------------------------------------------------------------------
# Symmetries
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Symmetry:
    """One board symmetry: ``cells`` maps each new cell to the old cell it reads,
    ``actions`` maps each new action to the old one (both flat index arrays)."""

    name: str
    cells: npt.NDArray[np.int64]
    actions: npt.NDArray[np.int64]

    def planes(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Transform planes ``(B, C, rows, cols)``."""
        B, C, r, c = x.shape
        return x.reshape(B, C, r * c)[:, :, self.cells].reshape(B, C, r, c)

    def policy(self, p: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
        """Transform action distributions ``(B, A)`` the same way."""
        return p[:, self.actions]


def symmetries(game: BoardGame) -> tuple[Symmetry, ...]:
    """The symmetries of ``game``'s rules, identity first.

    - boards without gravity and square (tic-tac-toe, Othello): the 8 rotations
      and reflections of the square (a position's value is unchanged by any of
      them, since the rules treat all lines and directions alike);
    - Connect Four: the left-right mirror (gravity fixes up and down).

    Actions beyond the board's cells (Othello's pass) map to themselves.
    """
    rows, cols = game.board_shape
    idx = np.arange(rows * cols).reshape(rows, cols)
    maps: list[tuple[str, npt.NDArray[np.int64]]] = [("identity", idx)]
    gravity = bool(getattr(game, "gravity", False))
    if gravity:
        maps.append(("mirror", idx[:, ::-1]))
    elif rows == cols:
        for k in (1, 2, 3):
            maps.append((f"rot{90 * k}", np.rot90(idx, k)))
        t = idx.T
        maps.append(("transpose", t))
        for k in (1, 2, 3):
            maps.append((f"transpose-rot{90 * k}", np.rot90(t, k)))
    out = []
    for name, m in maps:
        cells = np.ascontiguousarray(m).reshape(-1).astype(np.int64)
        if gravity:
            # Actions are columns: column j of the new board reads column m[0, j] of the old.
            actions = (m[0] % cols).astype(np.int64)
        else:
            actions = np.concatenate([cells, np.arange(rows * cols, game.num_actions)])
        out.append(Symmetry(name, cells, actions.astype(np.int64)))
    return tuple(out)
