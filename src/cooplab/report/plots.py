"""Figure helpers: matplotlib figures without pyplot's global state.

Figures are built as ``matplotlib.figure.Figure`` objects (no backend, no
pyplot registry, safe in worker processes) and turned into PNG bytes for the
report and the run folder.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.figure import Figure

__all__ = ["PALETTE", "figure_to_png", "new_figure"]

#: Colour-blind-safe palette (Okabe & Ito 2008).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def new_figure(width: float = 6.4, height: float = 4.2, **subplots: Any) -> tuple[Figure, Any]:
    """A figure and its axes (``Figure.subplots`` arguments pass through)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(**subplots)
    return fig, axes


def figure_to_png(fig: Figure, *, dpi: int = 110) -> bytes:
    """Render a figure to PNG bytes (metadata stripped, so same figure, same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
