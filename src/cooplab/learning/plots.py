"""Trajectory plots: the unit square for 2x2 games, the simplex for three actions.

Figures are ``matplotlib.figure.Figure`` objects built without pyplot
(:func:`cooplab.report.plots.new_figure`), drawn from arrays alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from cooplab.learning.base import FloatArray
from cooplab.report.plots import PALETTE, new_figure

__all__ = ["draw_trajectory", "nash_conv_figure", "simplex_xy", "trajectory_figure"]

_SQRT3_2 = np.sqrt(3.0) / 2.0


def simplex_xy(p: npt.ArrayLike) -> FloatArray:
    """Barycentric to Cartesian: the vertices (1,0,0), (0,1,0), (0,0,1) at (0,0), (1,0), (1/2, sqrt(3)/2).

    ``p`` has shape (..., 3); returns shape (..., 2).
    """
    q = np.asarray(p, dtype=np.float64)
    if q.shape[-1] != 3:
        raise ValueError(f"simplex coordinates need 3 entries per point; got shape {q.shape}")
    return np.stack([q[..., 1] + 0.5 * q[..., 2], _SQRT3_2 * q[..., 2]], axis=-1)


def _simplex_frame(ax: Any, labels: Sequence[str]) -> None:
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, _SQRT3_2], [0.0, 0.0]])
    ax.plot(corners[:, 0], corners[:, 1], color="black", lw=0.8)
    for (x, y), label, (dx, dy) in zip(
        corners[:3], labels, ((-0.04, -0.06), (0.0, -0.06), (-0.02, 0.03)), strict=True
    ):
        ax.text(x + dx, y + dy, label, fontsize=8)
    ax.set_xlim(-0.08, 1.08)
    ax.set_ylim(-0.1, 0.95)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_trajectory(
    axes: Sequence[Any],
    current: Sequence[npt.ArrayLike],
    average: Sequence[npt.ArrayLike] | None = None,
    *,
    action_names: Sequence[Sequence[str]] | None = None,
    equilibria: Sequence[Sequence[npt.ArrayLike]] = (),
    color: str = PALETTE[0],
    label: str | None = None,
) -> None:
    """Draw one run on existing axes: one axis for a 2x2 game, one simplex per player for 3 actions.

    Parameters
    ----------
    axes : sequence of matplotlib Axes
        One axis (2x2 games) or one per player (three actions each).
    current, average : n arrays of shape (T, a_i)
        The last-iterate path (solid) and the time-averaged path (dashed).
    action_names, equilibria
        Labels for the corners; equilibria are marked with a star.
    """
    sizes = [np.asarray(c).shape[1] for c in current]
    if sizes == [2, 2]:
        ax = axes[0]
        x = [np.asarray(c)[:, 0] for c in current]
        ax.plot(x[0], x[1], color=color, lw=0.8, alpha=0.8, label=label)
        ax.plot(x[0][:1], x[1][:1], "o", color=color, ms=4)
        if average is not None:
            a = [np.asarray(c)[:, 0] for c in average]
            ax.plot(a[0], a[1], color=color, lw=1.4, ls="--")
        for eq in equilibria:
            ax.plot([float(eq[0][0])], [float(eq[1][0])], "*", color=PALETTE[3], ms=11)
        names = action_names or (("a0", "a1"), ("a0", "a1"))
        ax.set_xlim(-0.03, 1.03)
        ax.set_ylim(-0.03, 1.03)
        ax.set_aspect("equal")
        ax.set_xlabel(f"P(Row plays {names[0][0]})")
        ax.set_ylabel(f"P(Column plays {names[1][0]})")
        return
    if all(s == 3 for s in sizes):
        names = action_names or [("a0", "a1", "a2")] * len(sizes)
        for i, ax in enumerate(axes[: len(sizes)]):
            if not ax.lines:
                _simplex_frame(ax, names[i])
            xy = simplex_xy(np.asarray(current[i]))
            ax.plot(
                xy[:, 0], xy[:, 1], color=color, lw=0.7, alpha=0.8, label=label if i == 0 else None
            )
            ax.plot(xy[:1, 0], xy[:1, 1], "o", color=color, ms=4)
            if average is not None:
                av = simplex_xy(np.asarray(average[i]))
                ax.plot(av[:, 0], av[:, 1], color=color, lw=1.4, ls="--")
            for eq in equilibria:
                e = simplex_xy(np.asarray(eq[i], dtype=float))
                ax.plot([e[0]], [e[1]], "*", color=PALETTE[3], ms=11)
        return
    raise ValueError(
        f"trajectory plots need a 2x2 game or three actions per player; got action counts {sizes}"
    )


def trajectory_figure(
    current: Sequence[npt.ArrayLike],
    average: Sequence[npt.ArrayLike] | None = None,
    *,
    title: str = "",
    action_names: Sequence[Sequence[str]] | None = None,
    equilibria: Sequence[Sequence[npt.ArrayLike]] = (),
) -> Any:
    """A figure of one run: the unit square (2x2) or one simplex per player (three actions).

    Solid: the policies played (last iterate); dashed: their running time
    average; stars: equilibria; dots: the start.

    Examples
    --------
    >>> from cooplab.games import make
    >>> from cooplab.learning import GradientAscent, running_average
    >>> run = GradientAscent(make("matching-pennies"), rng=0).run(500)
    >>> fig = trajectory_figure(run.histories(), [running_average(h) for h in run.histories()])
    >>> len(fig.axes)
    1
    """
    sizes = [np.asarray(c).shape[1] for c in current]
    if sizes == [2, 2]:
        fig, ax = new_figure(4.4, 4.2)
        axes = [ax]
    elif all(s == 3 for s in sizes):
        fig, axs = new_figure(3.6 * len(sizes), 3.4, ncols=len(sizes))
        axes = list(np.atleast_1d(axs))
        for ax, name in zip(
            axes, ("Row", "Column", *[f"P{k + 3}" for k in range(len(sizes))]), strict=False
        ):
            ax.set_title(name, fontsize=9)
    else:
        raise ValueError(
            f"trajectory plots need a 2x2 game or three actions per player; got action counts {sizes}"
        )
    draw_trajectory(axes, current, average, action_names=action_names, equilibria=equilibria)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def nash_conv_figure(
    curves: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]],
    *,
    title: str = "",
    log: bool = True,
) -> Any:
    """NashConv against steps: ``curves[label] = (steps, values)``, one line each."""
    fig, ax = new_figure(6.0, 3.8)
    for k, (label, (t, v)) in enumerate(curves.items()):
        vals = np.asarray(v, dtype=float)
        ax.plot(
            np.asarray(t),
            np.maximum(vals, 1e-6) if log else vals,
            color=PALETTE[k % 8],
            lw=1.0,
            label=label,
        )
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("NashConv")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    return fig
