"""Strategies for the iterated 2x2 game, one module per family.

:data:`STRATEGIES` is the one registry (snake_case names; lookups also accept
the display name, any case, and dashes or spaces for underscores; an unknown
name gets the closest names suggested). :func:`get_strategy` builds one with
parameters:

>>> get_strategy("tit_for_tat")
TitForTat()
>>> get_strategy("Generous Tit For Tat", p=0.1).as_memory_one().p
(1.0, 0.1, 1.0, 0.1)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from typing import Any

from cooplab.repeated.strategies import (
    classic,
    cyclers,
    finite_state,
    first_tournament,
    lookup,
    majority,
    memory_one,
    probers,
)
from cooplab.repeated.strategies.base import (
    FSM,
    C,
    D,
    History,
    MatchInfo,
    MemoryOneSpec,
    Meta,
    Strategy,
)
from cooplab.repeated.strategies.first_tournament import FIRST_TOURNAMENT, PUBLISHED_SCORES
from cooplab.repeated.strategies.memory_one import stationary_distribution, stationary_payoffs
from cooplab.runtime.registry import Registry, UnknownNameError

__all__ = [
    "FIRST_TOURNAMENT",
    "FSM",
    "PUBLISHED_SCORES",
    "STRATEGIES",
    "C",
    "D",
    "History",
    "MatchInfo",
    "MemoryOneSpec",
    "Meta",
    "Strategy",
    "UnknownNameError",
    "filter_strategies",
    "get_strategy",
    "stationary_distribution",
    "stationary_payoffs",
]

_FAMILIES = (
    classic,
    majority,
    cyclers,
    probers,
    memory_one,
    lookup,
    finite_state,
    first_tournament,
)


def _collect() -> list[type[Strategy]]:
    """Every strategy class with its own ``meta``, in module order, in the
    order each module's ``__all__`` lists them."""
    out: list[type[Strategy]] = []
    seen: set[type] = set()
    for module in _FAMILIES:
        for attr in module.__all__:
            obj = getattr(module, attr)
            if (
                isinstance(obj, type)
                and issubclass(obj, Strategy)
                and "meta" in vars(obj)
                and obj not in seen
            ):
                seen.add(obj)
                out.append(obj)
    return out


def _snake(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


class _StrategyRegistry(Registry[type[Strategy]]):
    """The registry, with snake_case normalisation and display-name lookups."""

    def __init__(self, entries: Iterable[type[Strategy]]) -> None:
        entries = list(entries)
        super().__init__("strategy", entries, key=lambda cls: cls.meta.name)
        self._display: dict[str, str] = {}
        for cls in entries:
            for alias in (_snake(cls.meta.display), *cls.meta.aliases):
                if alias in self._entries and alias != cls.meta.name:
                    continue  # a registered name wins over another's alias
                if self._display.setdefault(alias, cls.meta.name) != cls.meta.name:
                    raise ValueError(
                        f"{alias!r} names both {self._display[alias]} and {cls.meta.name}"
                    )

    def _resolve(self, name: object) -> str | None:
        if not isinstance(name, str):
            return None
        if name in self._entries:
            return name
        snake = _snake(name)
        if snake in self._entries:
            return snake
        return self._display.get(snake)

    def __getitem__(self, name: str) -> type[Strategy]:
        resolved = self._resolve(name)
        if resolved is not None:
            return self._entries[resolved]
        return super().__getitem__(name)  # raises UnknownNameError with suggestions

    def __contains__(self, name: object) -> bool:
        return self._resolve(name) is not None


#: All registered strategies, by snake_case name.
STRATEGIES: Registry[type[Strategy]] = _StrategyRegistry(_collect())


def get_strategy(name: str, **params: Any) -> Strategy:
    """Build the strategy registered as ``name`` with the given parameters.

    Raises
    ------
    UnknownNameError
        (a ``ValueError``) for an unknown name, naming the closest ones.
    ValueError
        for a parameter the strategy does not have, or a bad value.
    """
    cls = STRATEGIES[name]
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(params) - fields)
    if unknown:
        listed = ", ".join(sorted(fields)) or "none"
        raise ValueError(
            f"{cls.meta.name} has no parameter {', '.join(unknown)} (parameters: {listed})"
        )
    return cls(**params)


def filter_strategies(
    predicate: Callable[[Meta], bool] | None = None, **criteria: Any
) -> tuple[str, ...]:
    """Registry names whose :class:`Meta` fits.

    ``criteria`` compare a Meta field with a value (``stochastic=False``,
    ``memory_depth=1``; ``tags="nice"`` or a set of tags that must all be
    present); ``predicate`` is any further test on the Meta.

    >>> "tit_for_tat" in filter_strategies(memory_depth=1, stochastic=False)
    True
    """
    known = {f.name for f in dataclasses.fields(Meta)}
    bad = sorted(set(criteria) - known)
    if bad:
        raise ValueError(f"unknown strategy properties {bad}; known: {sorted(known)}")
    out = []
    for name in STRATEGIES:
        meta = STRATEGIES[name].meta
        ok = True
        for key, value in criteria.items():
            have = getattr(meta, key)
            if key == "tags":
                wanted = {value} if isinstance(value, str) else set(value)
                ok = ok and wanted <= have
            elif key == "memory_depth" and value in ("inf", None):
                ok = ok and have == math.inf
            else:
                ok = ok and have == value
        if ok and (predicate is None or predicate(meta)):
            out.append(name)
    return tuple(out)
