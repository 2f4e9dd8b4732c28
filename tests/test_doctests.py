"""The short examples in the docstrings run, as written, for every module of glassnet."""

import doctest
import importlib
import pkgutil

import pytest

import glassnet

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# modules that need an optional package to import; skipped (with the reason) where it is absent
OPTIONAL = {"glassnet.export.onnx": "onnx"}


def _modules():
    names = [glassnet.__name__]
    for info in pkgutil.walk_packages(glassnet.__path__, prefix="glassnet."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name):
    if name in OPTIONAL:
        pytest.importorskip(OPTIONAL[name])
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=FLAGS, verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
