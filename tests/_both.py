"""Run one script with PyTorch and with functorch_lite and compare what it returns.

A script is a function ``script(lib)`` written against the torch API; it returns a
(nested) dict/list/tuple of tensors, numbers, bools and strings. Tensors are compared
as numpy arrays with explicit tolerances; everything else must be equal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

import functorch_lite


def to_plain(x: Any) -> Any:
    if isinstance(x, (torch.Tensor, functorch_lite.Tensor)):
        return np.array(x.detach().numpy(), copy=True)
    if isinstance(x, dict):
        return {k: to_plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(to_plain(v) for v in x)
    return x


def assert_same(ours: Any, ref: Any, rtol: float, atol: float, path: str = "") -> None:
    if isinstance(ref, dict):
        assert set(ours) == set(ref), f"{path}: keys {sorted(ours)} != {sorted(ref)}"
        for k in ref:
            assert_same(ours[k], ref[k], rtol, atol, f"{path}.{k}")
    elif isinstance(ref, (list, tuple)):
        assert len(ours) == len(ref), f"{path}: length {len(ours)} != {len(ref)}"
        for i, (o, r) in enumerate(zip(ours, ref)):
            assert_same(o, r, rtol, atol, f"{path}[{i}]")
    elif isinstance(ref, np.ndarray):
        assert isinstance(ours, np.ndarray), f"{path}: expected a tensor, got {ours!r}"
        assert ours.shape == ref.shape, f"{path}: shape {ours.shape} != {ref.shape}"
        assert ours.dtype == ref.dtype, f"{path}: dtype {ours.dtype} != {ref.dtype}"
        np.testing.assert_allclose(ours, ref, rtol=rtol, atol=atol, err_msg=path)
    else:
        assert ours == ref, f"{path}: {ours!r} != {ref!r}"


def run_both(
    script: Callable[[Any], Any], rtol: float = 1e-5, atol: float = 1e-6
) -> Any:
    ref = to_plain(script(torch))
    ours = to_plain(script(functorch_lite))
    assert_same(ours, ref, rtol, atol)
    return ours


def error_of(fn: Callable[[], Any]) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is what is compared
        return f"{type(e).__name__}: {e}"
    return "no error"
