"""``-`` with a bool operand raises PyTorch's errors; with numbers it subtracts."""

from __future__ import annotations

from typing import Any

import pytest
import torch as pt

import functorch_lite as fl

CASES = ["a - b", "1 - a", "True - a", "a - True", "a - 1", "lib.sub(a, 1)",
         "lib.sub(1.5, a)", "f - a", "a - f", "lib.tensor(2) - a",
         "a - lib.tensor(True)", "f - True", "True - f", "a.sub_(b)", "f - 1",
         "1 - f", "lib.rsub(a, 1)", "f.sub(f, alpha=2)"]  # fmt: skip


def _outcome(lib: Any, expr: str) -> str:
    a, b = lib.tensor([True, False]), lib.tensor([False, True])
    f = lib.tensor([1.0, 2.0])
    try:
        return "value " + str(eval(expr, {"lib": lib, "a": a, "b": b, "f": f}).tolist())
    except RuntimeError as e:
        return "error " + str(e)


@pytest.mark.parametrize("expr", CASES)
def test_sub_with_bool_operands_matches_pytorch(expr: str) -> None:
    assert _outcome(fl, expr) == _outcome(pt, expr)
