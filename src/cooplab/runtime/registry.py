"""One registry per kind of thing (games, experiments, later strategies).

A :class:`Registry` is filled explicitly, in one place, from an explicit
sequence; lookups of unknown names raise :class:`UnknownNameError`, which names
the closest known entries.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

__all__ = ["Registry", "UnknownNameError"]


class UnknownNameError(KeyError, ValueError):
    """A name that is not in a registry. Both a ``KeyError`` and a ``ValueError``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class Registry(Generic[T]):
    """An ordered, read-only mapping from names to entries.

    Parameters
    ----------
    kind
        What the entries are ("game", "experiment"), used in error messages.
    entries
        The entries, in the order listings show them.
    key
        How to read an entry's name.
    """

    def __init__(self, kind: str, entries: Iterable[T], key: Callable[[T], str]) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}
        for entry in entries:
            name = key(entry)
            if name in self._entries:
                raise ValueError(f"two {kind}s are registered as {name!r}")
            self._entries[name] = entry

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            pass
        normalized = _normalize(str(name))
        if normalized in self._entries:
            return self._entries[normalized]
        close = difflib.get_close_matches(str(name), list(self._entries), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(
            f"unknown {self.kind} {name!r}{hint} (known: {', '.join(self._entries)})"
        )

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return name in self._entries or _normalize(name) in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def values(self) -> tuple[T, ...]:
        return tuple(self._entries.values())

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {list(self._entries)})"


def _normalize(name: str) -> str:
    """Registry names are kebab-case; accept snake_case, spaces and any case."""
    return name.strip().lower().replace("_", "-").replace(" ", "-")
