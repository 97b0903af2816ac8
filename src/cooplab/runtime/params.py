"""``K=V`` assignments from the command line (``--param``, ``--env-param``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

__all__ = ["parse_assignments", "typed_assignments"]


def parse_assignments(items: Iterable[str], option: str) -> dict[str, Any]:
    """``["n=3", "map=...", "coop=true"]`` -> ``{"n": 3, "map": "...", "coop": True}``.

    Each value is read as JSON where it parses (numbers, booleans, lists) and
    kept as a string otherwise; the receiving function checks names and types.

    >>> parse_assignments(["n=3", "name=harvest", "w=[1, 2]"], "--param")
    {'n': 3, 'name': 'harvest', 'w': [1, 2]}
    >>> parse_assignments(["n"], "--env-param")
    Traceback (most recent call last):
    ...
    ValueError: --env-param expects K=V; got 'n'
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ValueError(f"{option} expects K=V; got {item!r}")
        try:
            out[key] = json.loads(text)
        except json.JSONDecodeError:
            out[key] = text
    return out


_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


def typed_assignments(
    items: Iterable[str], defaults: dict[str, Any], option: str
) -> dict[str, Any]:
    """``K=V`` items read with the type of ``defaults[K]`` (bool, int, float, str or tuple).

    For setting the fields of a config dataclass from the command line; a key
    outside ``defaults`` or a value of the wrong type raises ``ValueError``
    naming the option, the key and what it takes. Dashes in keys read as
    underscores. A tuple is written comma-separated, each item read with the
    type of the default's first item (str for an empty default); a float
    accepts an integer (``w=10``).

    >>> typed_assignments(["lr=0.01", "recurrent=no", "n-steps=5"],
    ...                   {"lr": 0.1, "recurrent": True, "n_steps": 1}, "--set")
    {'lr': 0.01, 'recurrent': False, 'n_steps': 5}
    >>> typed_assignments(["envs=harvest_v1,cleanup_v1", "sizes=2,3"],
    ...                   {"envs": ("cleanup_v1",), "sizes": (5,)}, "--set")
    {'envs': ('harvest_v1', 'cleanup_v1'), 'sizes': (2, 3)}
    >>> typed_assignments(["n_steps=2.5"], {"n_steps": 1}, "--set")
    Traceback (most recent call last):
    ...
    ValueError: --set n_steps takes an int; got '2.5'
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in defaults:
            raise ValueError(
                f"{option} takes K=V with K one of {', '.join(defaults)}; got {item!r}"
            )
        default = defaults[key]
        kind = type(default)
        try:
            if isinstance(default, tuple):
                item_kind = type(default[0]) if default else str
                items_text = [t.strip() for t in text.split(",")]
                if not text.strip() or any(not t for t in items_text):
                    raise ValueError(text)
                out[key] = tuple(_scalar(item_kind, t) for t in items_text)
            else:
                out[key] = _scalar(kind, text)
        except ValueError:
            if isinstance(default, tuple):
                what = f"comma-separated {(type(default[0]) if default else str).__name__} items"
            else:
                what = ("an " if kind.__name__[0] in "aeiou" else "a ") + kind.__name__
            raise ValueError(f"{option} {key} takes {what}; got {text!r}") from None
    return out


def _scalar(kind: type, text: str) -> Any:
    if kind is bool:
        if text.lower() not in _TRUE + _FALSE:
            raise ValueError(text)
        return text.lower() in _TRUE
    if kind in (int, float, str):
        return kind(text)
    raise ValueError(text)
