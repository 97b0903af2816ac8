"""ASCII maps of the sequential social dilemmas.

A map is a block of text, one line per row; every character is one cell. Each
game has a legend (the characters it knows and what they mean). Parsing checks
the map and names the line and column of what is wrong:

>>> parse_map("@@@@\\n@P A\\n@@@@", legend=HARVEST_LEGEND).spawn_points
((1, 1),)
>>> parse_map("@@@@\\n@P x\\n@@@@", legend=HARVEST_LEGEND)
Traceback (most recent call last):
...
ValueError: map line 2, column 4: unknown character 'x'; this game knows ' ', '@', 'A', 'P'

The built-in maps are those of the papers' open implementations:

- :data:`HARVEST_MAP`: the 16 x 38 commons map of the open
  ``sequential_social_dilemma_games`` repository (Vinitsky et al. 2019,
  ``social_dilemmas/constants.py``), used for Hughes et al. (2018) and Jaques
  et al. (2019);
- :data:`CLEANUP_MAP`: the 25 x 18 Cleanup map of the same repository (river
  and waste on the left, the orchard on the right);
- :data:`GATHERING_MAP`, :data:`WOLFPACK_MAP`: small arenas in the spirit of
  Leibo et al. (2017), figure 2 (the paper's exact pixel maps are not public).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CLEANUP_LEGEND",
    "CLEANUP_MAP",
    "GATHERING_LEGEND",
    "GATHERING_MAP",
    "HARVEST_LEGEND",
    "HARVEST_MAP",
    "SMALL_CLEANUP_MAP",
    "SMALL_HARVEST_MAP",
    "WOLFPACK_LEGEND",
    "WOLFPACK_MAP",
    "GridMap",
    "parse_map",
]

HARVEST_LEGEND: Mapping[str, str] = {
    " ": "floor",
    "@": "wall",
    "P": "spawn point",
    "A": "apple (present at the start; regrows there)",
}
GATHERING_LEGEND = HARVEST_LEGEND
CLEANUP_LEGEND: Mapping[str, str] = {
    " ": "floor",
    "@": "wall",
    "P": "spawn point",
    "B": "orchard cell (apples grow here)",
    "H": "river cell with waste at the start",
    "R": "clean river cell",
    "S": "stream (floor, drawn as water)",
}
WOLFPACK_LEGEND: Mapping[str, str] = {" ": "floor", "@": "wall", "P": "spawn point"}

# Vinitsky et al. (2019), social_dilemmas/constants.py, HARVEST_MAP.
HARVEST_MAP = """\
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@ P   P      A    P AAAAA    P  A P  @
@  P     A P AA    P    AAA    A  A  @
@     A AAA  AAA    A    A AA AAAA   @
@ A  AAA A    A  A AAA  A  A   A A   @
@AAA  A A    A  AAA A  AAA        A P@
@ A A  AAA  AAA  A A    A AA   AA AA @
@  A A  AAA    A A  AAA    AAA  A    @
@   AAA  A      AAA  A    AAAA       @
@ P  A       A  A AAA    A  A      P @
@A  AAA  A  A  AAA A    AAAA     P   @
@    A A   AAA  A A      A AA   A  P @
@     AAA   A A  AAA      AA   AAA P @
@ A    A     AAA  A  P          A    @
@       P     A         P  P P     P @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"""

# A 9 x 14 commons for fast tests and quick experiments (three patches).
SMALL_HARVEST_MAP = """\
@@@@@@@@@@@@@@
@P  A    A  P@
@  AAA  AAA  @
@   A    A   @
@P     A    P@
@     AAA    @
@P     A    P@
@            @
@@@@@@@@@@@@@@"""

# A 7 x 12 Cleanup for fast tests and quick experiments: a river of 15 cells
# (8 with waste at the start, above the 0.4 depletion threshold), an orchard.
SMALL_CLEANUP_MAP = """\
@@@@@@@@@@@@
@HHR  P  BB@
@RHH     BB@
@HRR  P  BB@
@RHH     BB@
@HHR  P  BB@
@@@@@@@@@@@@"""

# Vinitsky et al. (2019), social_dilemmas/constants.py, CLEANUP_MAP.
CLEANUP_MAP = """\
@@@@@@@@@@@@@@@@@@
@RRRRRR     BBBBB@
@HHHHHH      BBBB@
@RRRRRR     BBBBB@
@RRRRR  P    BBBB@
@RRRRR    P BBBBB@
@HHHHH       BBBB@
@RRRRR      BBBBB@
@HHHHHHSSSSSSBBBB@
@HHHHHHSSSSSSBBBB@
@RRRRR   P P BBBB@
@HHHHH   P  BBBBB@
@RRRRRR    P BBBB@
@HHHHHH P   BBBBB@
@RRRRR       BBBB@
@HHHH    P  BBBBB@
@RRRRR       BBBB@
@HHHHH  P P BBBBB@
@RRRRR       BBBB@
@HHHH       BBBBB@
@RRRRR       BBBB@
@HHHHH      BBBBB@
@RRRRR       BBBB@
@HHHH       BBBBB@
@@@@@@@@@@@@@@@@@@"""

# Two players start on either side of a central apple patch (after Leibo et
# al. 2017, figure 2a).
GATHERING_MAP = """\
@@@@@@@@@@@@@@@@@@@@@
@P                 P@
@         A         @
@        AAA        @
@       AAAAA       @
@      AAAAAAA      @
@       AAAAA       @
@        AAA        @
@         A         @
@P                 P@
@@@@@@@@@@@@@@@@@@@@@"""

# An open arena with a few obstacles to corner the prey against (after Leibo et
# al. 2017, figure 2b).
WOLFPACK_MAP = """\
@@@@@@@@@@@@@@@@
@P            P@
@              @
@   @@    @@   @
@   @      @   @
@              @
@       P      @
@              @
@   @      @   @
@   @@    @@   @
@              @
@P            P@
@@@@@@@@@@@@@@@@"""


@dataclass(frozen=True)
class GridMap:
    """A parsed map.

    Attributes
    ----------
    chars
        ``(H, W)`` array of one-character strings.
    spawn_points
        ``(row, column)`` of every ``'P'``, in reading order.
    """

    chars: np.ndarray
    spawn_points: tuple[tuple[int, int], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.chars.shape[0]), int(self.chars.shape[1]))

    def cells(self, char: str) -> tuple[tuple[int, int], ...]:
        """``(row, column)`` of every cell holding ``char``, in reading order."""
        rows, cols = np.nonzero(self.chars == char)
        return tuple((int(r), int(c)) for r, c in zip(rows, cols, strict=True))

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.chars)


def parse_map(text: str, legend: Mapping[str, str], *, min_spawn_points: int = 1) -> GridMap:
    """Parse an ASCII map and check it against a game's legend.

    Parameters
    ----------
    text
        The map, one line per row. A leading and a trailing empty line are
        ignored (so triple-quoted strings read naturally); every other line
        must have the same length.
    legend
        The characters the game knows (``'P'`` marks spawn points).
    min_spawn_points
        How many ``'P'`` cells the map must have at least (one per agent).

    Raises
    ------
    TypeError
        ``text`` is not a string.
    ValueError
        An unknown character, a ragged line, an empty map or too few spawn
        points; the message names the line and column (1-based).
    """
    if not isinstance(text, str):
        raise TypeError(f"a map is a string of lines; got {type(text).__name__}")
    lines = text.split("\n")
    offset = 0
    if lines and lines[0].strip() == "":
        lines, offset = lines[1:], 1
    if lines and lines[-1].strip() == "":
        lines = lines[:-1]
    if not lines:
        raise ValueError("the map is empty")
    width = len(lines[0])
    known = ", ".join(repr(c) for c in sorted(legend))
    for i, line in enumerate(lines):
        if len(line) != width:
            raise ValueError(
                f"map line {i + 1 + offset} has {len(line)} characters; line {1 + offset} "
                f"has {width} (every line of a map must have the same length)"
            )
        for j, ch in enumerate(line):
            if ch not in legend:
                raise ValueError(
                    f"map line {i + 1 + offset}, column {j + 1}: unknown character {ch!r}; "
                    f"this game knows {known}"
                )
    chars = np.array([list(line) for line in lines], dtype="<U1")
    gm = GridMap(chars, ())
    spawns = gm.cells("P")
    if len(spawns) < min_spawn_points:
        raise ValueError(
            f"the map has {len(spawns)} spawn point(s) 'P'; it needs at least "
            f"{min_spawn_points} (one per agent)"
        )
    return GridMap(chars, spawns)
