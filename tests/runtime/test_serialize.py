from dataclasses import dataclass

import numpy as np
import pytest

from cooplab.runtime.serialize import from_jsonable, to_jsonable


@dataclass(frozen=True)
class Inner:
    x: float
    label: str | None


@dataclass(frozen=True)
class Outer:
    items: tuple[Inner, ...]
    pair: tuple[float, float]
    grid: tuple[tuple[int, ...], ...]
    table: dict[str, float]
    maybe: float | None = None


def test_round_trip_with_numpy_and_non_finite():
    value = Outer(
        items=(Inner(np.float64(1.5), None), Inner(float("inf"), "b")),
        pair=(0.0, float("nan")),
        grid=((1, 2), (3, 4)),
        table={"a": 1.0},
    )
    data = to_jsonable(value)
    assert data["pair"][1] == "nan"
    back = from_jsonable(Outer, data)
    assert back.items[1].x == float("inf")
    assert np.isnan(back.pair[1])
    assert back.grid == ((1, 2), (3, 4))


def test_errors_name_the_field_problem():
    with pytest.raises(ValueError, match="no field"):
        from_jsonable(Inner, {"x": 1.0, "label": None, "extra": 1})
    with pytest.raises(ValueError, match="expected a number"):
        from_jsonable(Inner, {"x": "one", "label": None})
    with pytest.raises(TypeError, match="cannot convert"):
        to_jsonable(object())
