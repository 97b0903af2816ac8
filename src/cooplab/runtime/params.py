"""``K=V`` assignments from the command line (``--param``, ``--env-param``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

__all__ = ["parse_assignments"]


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
