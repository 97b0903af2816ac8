"""Every example in a docstring runs and prints what it says."""

import doctest
import importlib
import importlib.util
import inspect
import pkgutil

import pytest

import cooplab

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(cooplab.__path__, "cooplab.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Modules of learned agents import torch (the `learn` extra); CI installs
        # it, so their examples run there. Any other missing module is an error.
        if exc.name != "torch" or importlib.util.find_spec("torch") is not None:
            raise
        pytest.skip(f"{name} needs torch (pip install 'cooplab[learn]')")
    if importlib.util.find_spec("torch") is None and 'importorskip("torch")' in inspect.getsource(
        module
    ):
        # doctest.testmod cannot skip part way, as pytest's doctests of docs/ do
        pytest.skip(f"{name}'s examples need torch (pip install 'cooplab[learn]')")
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
