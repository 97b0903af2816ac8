"""Frozen dataclasses to JSON and back, guided by their type hints.

Results and configurations are frozen dataclasses of plain values (numbers,
strings, tuples, nested dataclasses); :func:`to_jsonable` turns one into JSON
data and :func:`from_jsonable` rebuilds it, so a stored run can be read back
into the same object it was.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["from_jsonable", "to_jsonable"]


def to_jsonable(obj: Any) -> Any:
    """Convert dataclasses, tuples, numpy scalars and arrays to JSON data.

    Non-finite floats become the strings ``"nan"``, ``"inf"``, ``"-inf"``
    (JSON has no such numbers); :func:`from_jsonable` reads them back.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    raise TypeError(f"cannot convert {type(obj).__name__} to JSON")


def from_jsonable(tp: Any, data: Any) -> Any:
    """Rebuild a value of type ``tp`` from :func:`to_jsonable`'s output."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, Mapping):
            raise ValueError(f"expected a mapping for {tp.__name__}; got {type(data).__name__}")
        hints = typing.get_type_hints(tp)
        names = {f.name for f in dataclasses.fields(tp) if f.init}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"{tp.__name__} has no field(s) {sorted(unknown)}")
        return tp(**{k: from_jsonable(hints[k], v) for k, v in data.items()})
    if origin in (types.UnionType, typing.Union):
        if data is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return from_jsonable(arg, data)
            except (TypeError, ValueError) as exc:
                errors.append(str(exc))
        raise ValueError(f"{data!r} matches none of {tp}: {'; '.join(errors)}")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_jsonable(args[0], v) for v in _seq(data, tp))
        items = _seq(data, tp)
        if args and len(items) != len(args):
            raise ValueError(f"expected {len(args)} items for {tp}; got {len(items)}")
        return (
            tuple(from_jsonable(a, v) for a, v in zip(args, items, strict=False))
            if args
            else tuple(items)
        )
    if origin is list:
        return [from_jsonable(args[0] if args else Any, v) for v in _seq(data, tp)]
    if origin is dict:
        if not isinstance(data, Mapping):
            raise ValueError(f"expected a mapping for {tp}; got {type(data).__name__}")
        return {k: from_jsonable(args[1] if args else Any, v) for k, v in data.items()}
    if tp is float:
        if isinstance(data, str) and data in ("nan", "inf", "-inf"):
            return float(data)
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise ValueError(f"expected a number; got {data!r}")
        return float(data)
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise ValueError(f"expected an integer; got {data!r}")
        return data
    if tp is bool:
        if not isinstance(data, bool):
            raise ValueError(f"expected true or false; got {data!r}")
        return data
    if tp is str:
        if not isinstance(data, str):
            raise ValueError(f"expected a string; got {data!r}")
        return data
    if tp is type(None):
        if data is not None:
            raise ValueError(f"expected null; got {data!r}")
        return None
    raise TypeError(f"cannot rebuild values of type {tp}")


def _seq(data: Any, tp: Any) -> list[Any]:
    if not isinstance(data, list | tuple):
        raise ValueError(f"expected a list for {tp}; got {type(data).__name__}")
    return list(data)
