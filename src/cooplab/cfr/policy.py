"""Behaviour strategies of all players as one array over information sets.

A :class:`TabularPolicy` holds ``probs[s, k]``, the probability of the ``k``-th
action at information set ``s`` of a compiled
:class:`~cooplab.games.extensive.ExtensiveGame` (illegal slots are 0). It is
OpenSpiel's ``TabularPolicy`` (``action_probability_array`` with
``legal_actions_mask``) without the per-state dictionaries.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.games.extensive import ExtensiveGame

__all__ = ["TabularPolicy"]

#: How far a row may sum away from 1 before it is refused.
SUM_TOL = 1e-6


class TabularPolicy:
    """One behaviour strategy per player, as rows over information sets.

    Parameters
    ----------
    game : ExtensiveGame
    probs : array_like, shape (num_infosets, max_actions)
        Non-negative rows summing to 1 over the legal actions; illegal slots
        must be 0. Rows are renormalised (within ``SUM_TOL``).

    Raises
    ------
    ValueError
        Wrong shape, negative or non-finite entries, mass on an illegal
        action, or a row not summing to 1 (naming the information set).
    """

    def __init__(self, game: ExtensiveGame, probs: npt.ArrayLike) -> None:
        if not isinstance(game, ExtensiveGame):
            raise TypeError(f"TabularPolicy needs an ExtensiveGame; got {type(game).__name__}")
        try:
            arr = np.array(probs, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError("policy probabilities must be an array of numbers") from None
        shape = (game.num_infosets, game.max_actions)
        if arr.shape != shape:
            raise ValueError(
                f"policy array has shape {arr.shape}; expected {shape} (infosets, actions)"
            )
        if not np.all(np.isfinite(arr)):
            s = int(np.argwhere(~np.isfinite(arr))[0, 0])
            raise ValueError(f"policy at information set {game.infoset_name(s)!r} is not finite")
        if np.any(arr < -SUM_TOL):
            s = int(np.argwhere(arr < -SUM_TOL)[0, 0])
            raise ValueError(
                f"policy at information set {game.infoset_name(s)!r} has a negative probability"
            )
        illegal = ~game.legal_mask & (np.abs(arr) > SUM_TOL)
        if np.any(illegal):
            s = int(np.argwhere(illegal)[0, 0])
            raise ValueError(
                f"policy puts mass on an illegal action at information set {game.infoset_name(s)!r}"
            )
        arr = np.where(game.legal_mask, np.clip(arr, 0.0, None), 0.0)
        sums = arr.sum(axis=1)
        bad = np.abs(sums - 1.0) > SUM_TOL
        if np.any(bad):
            s = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"policy at information set {game.infoset_name(s)!r} sums to {sums[s]!r}, not 1"
            )
        if arr.size:
            arr /= sums[:, None]
        arr.flags.writeable = False
        self.game = game
        self.probs: npt.NDArray[np.float64] = arr

    @classmethod
    def uniform(cls, game: ExtensiveGame) -> TabularPolicy:
        """Every legal action equally likely at every information set."""
        mask = game.legal_mask.astype(np.float64)
        return cls(game, mask / mask.sum(axis=1, keepdims=True))

    @classmethod
    def from_weights(cls, game: ExtensiveGame, weights: npt.ArrayLike) -> TabularPolicy:
        """Normalise non-negative ``weights`` row by row; uniform where a row's legal sum is 0."""
        w = np.where(
            game.legal_mask, np.clip(np.asarray(weights, dtype=np.float64), 0.0, None), 0.0
        )
        tot = w.sum(axis=1, keepdims=True)
        uni = game.legal_mask / game.infoset_num_actions[:, None]
        return cls(game, np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), uni))

    def action_probabilities(
        self, infoset: int | str, player: int | None = None
    ) -> dict[str, float]:
        """``{action label: probability}`` at an information set (index or key)."""
        s = self.game.infoset_index(infoset, player) if isinstance(infoset, str) else int(infoset)
        acts = self.game.infoset_actions[s]
        return {a: float(self.probs[s, k]) for k, a in enumerate(acts)}

    def table(self, *, digits: int = 3, player: int | None = None) -> str:
        """A readable table: one line per information set, ``player:key  action=prob ...``."""
        g = self.game
        rows = [
            s for s in range(g.num_infosets) if player is None or int(g.infoset_player[s]) == player
        ]
        names = [g.infoset_name(s) for s in rows]
        width = max((len(n) for n in names), default=0)
        lines = []
        for s, name in zip(rows, names, strict=True):
            cells = "  ".join(
                f"{a}={self.probs[s, k]:.{digits}f}" for k, a in enumerate(g.infoset_actions[s])
            )
            lines.append(f"{name:<{width}}  {cells}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """``{"game": name, "policy": {"player:key": {action: prob}}}``."""
        g = self.game
        return {
            "game": g.name,
            "policy": {
                g.infoset_name(s): {
                    a: float(self.probs[s, k]) for k, a in enumerate(g.infoset_actions[s])
                }
                for s in range(g.num_infosets)
            },
        }

    def to_json(self, path: str | None = None) -> str:
        """The policy as JSON (see :meth:`to_dict`); also written to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=1)
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text

    @classmethod
    def from_dict(cls, game: ExtensiveGame, data: Mapping[str, Any]) -> TabularPolicy:
        """Inverse of :meth:`to_dict`; every information set of ``game`` must be present."""
        if not isinstance(data, Mapping) or not isinstance(data.get("policy"), Mapping):
            raise ValueError('a policy document needs a "policy" mapping of information sets')
        table = data["policy"]
        probs = np.zeros((game.num_infosets, game.max_actions))
        seen = set()
        for name, row in table.items():
            player_s, sep, key = str(name).partition(":")
            if not sep or not player_s.isdigit():
                raise ValueError(f"information set name {name!r} is not 'player:key'")
            try:
                s = game.infoset_index(key, int(player_s))
            except KeyError as exc:
                raise ValueError(str(exc.args[0])) from None
            if not isinstance(row, Mapping):
                raise ValueError(f"information set {name!r}: expected {{action: probability}}")
            acts = game.infoset_actions[s]
            for a, p in row.items():
                if a not in acts:
                    raise ValueError(f"information set {name!r} has no action {a!r} (has {acts})")
                if isinstance(p, bool) or not isinstance(p, int | float) or not math.isfinite(p):
                    raise ValueError(
                        f"information set {name!r}, action {a!r}: bad probability {p!r}"
                    )
                probs[s, acts.index(a)] = float(p)
            seen.add(s)
        missing = [game.infoset_name(s) for s in range(game.num_infosets) if s not in seen]
        if missing:
            raise ValueError(
                f"the policy lacks {len(missing)} information set(s) of {game.name!r}, e.g. {missing[0]!r}"
            )
        return cls(game, probs)

    @classmethod
    def from_json(cls, game: ExtensiveGame, text_or_path: str) -> TabularPolicy:
        """Read :meth:`to_json` output (a JSON string or a file path)."""
        text = text_or_path
        if not text_or_path.lstrip().startswith("{"):
            try:
                with open(text_or_path, encoding="utf-8") as f:
                    text = f.read()
            except OSError as exc:
                raise ValueError(f"cannot read policy file {text_or_path!r}: {exc}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"policy JSON is malformed: {exc}") from None
        return cls.from_dict(game, data)

    def __repr__(self) -> str:
        return f"TabularPolicy({self.game.name!r}, infosets={self.game.num_infosets})"
