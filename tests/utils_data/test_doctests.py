"""The ``Example:`` sections of ``functorch_lite.utils.data`` run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["_collate", "_dataset", "_sampler", "_dataloader"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(f"functorch_lite.utils.data.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
