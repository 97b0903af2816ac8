"""Pictures of the sequential social dilemmas: text, RGB arrays, animated GIFs.

Rendering is kept apart from the game logic (DESIGN.md, convention 7): it
reads an environment's arrays and draws them.

- :func:`text`: one character per cell (``@`` wall, ``A`` apple, ``H`` waste,
  ``~`` clean river, ``*`` beam, ``+`` cleaning beam, ``X`` prey, and the
  agents as ``0``-``9`` then ``a``-``z``; an arrow in :func:`text` with
  ``arrows=True`` shows where each agent faces);
- :func:`rgb`: an ``(H * scale, W * scale, 3)`` uint8 image, each agent in
  its own colour with a darker mark on the side it faces;
- :func:`write_gif`: frames to an animated GIF with Pillow (which ships with
  matplotlib).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cooplab.envs.ssd.grid import Code

__all__ = ["AGENT_COLOURS", "filmstrip", "rgb", "text", "text_to_rgb", "write_gif"]

_CHAR = {
    Code.EMPTY: " ",
    Code.WALL: "@",
    Code.APPLE: "A",
    Code.WASTE: "H",
    Code.RIVER: "~",
    Code.STREAM: "=",
    Code.BEAM: "*",
    Code.CLEAN_BEAM: "+",
    Code.PREY: "X",
}
_COLOUR = {
    Code.EMPTY: (24, 24, 24),
    Code.WALL: (120, 120, 120),
    Code.APPLE: (60, 200, 60),
    Code.WASTE: (120, 90, 40),
    Code.RIVER: (70, 130, 200),
    Code.STREAM: (100, 160, 210),
    Code.BEAM: (250, 240, 90),
    Code.CLEAN_BEAM: (140, 250, 250),
    Code.PREY: (230, 60, 60),
    Code.AGENT: (255, 255, 255),
}
#: One colour per agent (matplotlib's tab10).
AGENT_COLOURS = (
    (31, 119, 180),
    (255, 127, 14),
    (148, 103, 189),
    (227, 119, 194),
    (188, 189, 34),
    (23, 190, 207),
    (140, 86, 75),
    (214, 39, 40),
    (127, 127, 127),
    (44, 160, 44),
)
_NAMES = "0123456789abcdefghijklmnopqrstuvwxyz"


def _interior_codes(env: Any, i: int) -> np.ndarray:
    h, w = env.gmap.shape
    grid = env.render_codes(np.array([i]))[0]
    return grid[env.interior].reshape(h, w)


def text(env: Any, i: int = 0, *, arrows: bool = False) -> str:
    """The map of environment ``i`` of ``env`` (a :class:`~cooplab.envs.ssd.grid.GridEnv`).

    Examples
    --------
    >>> from cooplab.envs.ssd import Harvest
    >>> from cooplab.envs.ssd.maps import SMALL_HARVEST_MAP
    >>> env = Harvest(seed=3, n_agents=2, map=SMALL_HARVEST_MAP)
    >>> _ = env.reset()
    >>> print(text(env))
    @@@@@@@@@@@@@@
    @P  A    A  P@
    @  AAA  AAA  @
    @   A    A   @
    @P     A    1@
    @     AAA    @
    @0     A    P@
    @            @
    @@@@@@@@@@@@@@
    """
    codes = _interior_codes(env, i)
    chars = np.vectorize(lambda c: _CHAR.get(int(c), "?"))(codes).astype("<U1")
    # spawn points show where nothing else stands, as in the map
    for r, c in env.gmap.spawn_points:
        if codes[r, c] == Code.EMPTY:
            chars[r, c] = "P"
    n = env.spec.n_agents
    for j, where in enumerate(env.positions(i)[:n]):
        if where is not None:
            r, c = where
            chars[r, c] = "^>v<"[int(env.ori[i, j])] if arrows else _NAMES[j % len(_NAMES)]
    return "\n".join("".join(row) for row in chars)


def rgb(env: Any, i: int = 0, *, scale: int = 8) -> np.ndarray:
    """Environment ``i`` as an ``(H * scale, W * scale, 3)`` uint8 image."""
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale must be a positive integer; got {scale!r}")
    codes = _interior_codes(env, i)
    palette = np.zeros((Code.N, 3), np.uint8)
    for code, colour in _COLOUR.items():
        palette[code] = colour
    img = palette[codes]
    h, w = codes.shape
    big = np.repeat(np.repeat(img, scale, axis=0), scale, axis=1)
    n = env.spec.n_agents
    mark = max(scale // 4, 1)
    for j, where in enumerate(env.positions(i)[:n]):
        if where is None:
            continue
        r, c = where
        colour = np.array(AGENT_COLOURS[j % len(AGENT_COLOURS)], np.uint8)
        cell = big[r * scale : (r + 1) * scale, c * scale : (c + 1) * scale]
        cell[:] = colour
        o = int(env.ori[i, j])  # a dark bar on the side the agent faces
        if o == 0:
            cell[:mark] = colour // 3
        elif o == 1:
            cell[:, -mark:] = colour // 3
        elif o == 2:
            cell[-mark:] = colour // 3
        else:
            cell[:, :mark] = colour // 3
    del h, w
    return big


def write_gif(frames: Sequence[np.ndarray], path: str | Path, *, fps: float = 8.0) -> Path:
    """Write RGB frames ``(H, W, 3)`` uint8 as an animated GIF that loops; returns the path."""
    from PIL import Image

    if len(frames) == 0:
        raise ValueError("write_gif needs at least one frame")
    if not fps > 0:
        raise ValueError(f"fps must be positive; got {fps!r}")
    shapes = {np.asarray(f).shape for f in frames}
    if len(shapes) != 1 or len(next(iter(shapes))) != 3 or next(iter(shapes))[2] != 3:
        raise ValueError(f"frames must all be (H, W, 3) images of one size; got shapes {shapes}")
    images = [Image.fromarray(np.asarray(f, np.uint8)) for f in frames]
    path = Path(path)
    images[0].save(
        path,
        save_all=True,
        append_images=images[1:],
        duration=round(1000 / fps),
        loop=0,
    )
    return path


def filmstrip(frames: Sequence[np.ndarray], *, every: int = 1, gap: int = 2) -> np.ndarray:
    """Frames side by side in one image (every ``every``-th), separated by ``gap`` white pixels."""
    chosen = [np.asarray(f, np.uint8) for f in frames[::every]]
    if not chosen:
        raise ValueError("filmstrip needs at least one frame")
    h = chosen[0].shape[0]
    sep = np.full((h, gap, 3), 255, np.uint8)
    parts: list[np.ndarray] = []
    for k, f in enumerate(chosen):
        if k:
            parts.append(sep)
        parts.append(f)
    return np.concatenate(parts, axis=1)


def text_to_rgb(frame: str, *, scale: int = 4) -> np.ndarray:
    """An image of a :func:`text` frame (so results can keep frames as plain text).

    Spawn points draw as floor; agents ``0``-``9``/``a``-``z`` in their colours.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale must be a positive integer; got {scale!r}")
    lines = frame.split("\n")
    if not lines or len({len(x) for x in lines}) != 1:
        raise ValueError("a text frame has lines of one length")
    by_char = {ch: _COLOUR[code] for code, ch in _CHAR.items()}
    by_char["P"] = _COLOUR[Code.EMPTY]
    img = np.zeros((len(lines), len(lines[0]), 3), np.uint8)
    for r, line in enumerate(lines):
        for c, ch in enumerate(line):
            k = _NAMES.find(ch)
            colour = (
                AGENT_COLOURS[k % len(AGENT_COLOURS)] if k >= 0 else by_char.get(ch, (255, 0, 255))
            )
            img[r, c] = colour
    return np.repeat(np.repeat(img, scale, axis=0), scale, axis=1)
