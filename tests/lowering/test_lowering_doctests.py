"""The ``Example:`` sections of lowering, export and accelerator run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "functorch_lite.lowering._trace",
    "functorch_lite.lowering._aot",
    "functorch_lite.lowering._bucket",
    "functorch_lite.transforms._scan_layers",
    "functorch_lite.export._export",
    "functorch_lite.accelerator._graph",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(module, optionflags=flags)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
