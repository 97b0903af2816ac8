import pytest

from cooplab.runtime import Registry, UnknownNameError


def test_registry_order_lookup_and_errors():
    reg = Registry("thing", ["alpha-one", "beta"], key=lambda s: s)
    assert reg.names() == ("alpha-one", "beta")
    assert reg["alpha_one"] == "alpha-one"
    assert "beta" in reg and len(reg) == 2
    with pytest.raises(UnknownNameError, match=r"unknown thing .alpha-tw.*did you mean alpha-one"):
        reg["alpha-tw"]
    with pytest.raises(KeyError):
        reg["zzz"]


def test_duplicate_names_are_refused():
    with pytest.raises(ValueError, match="two things"):
        Registry("thing", ["a", "a"], key=lambda s: s)
