"""Small helpers shared by the functional ops: operand conversion and float dtypes."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from ... import _dtype
from ..._tensor import Tensor

__all__ = ["as_tensor", "float_dtype", "tuple_n", "reduce_loss", "REDUCTIONS"]


def as_tensor(x: Any) -> Tensor:
    """A Tensor for ``x`` (Tensors pass through; arrays/numbers are wrapped)."""
    if isinstance(x, Tensor):
        return x
    return Tensor(jnp.asarray(x))


def float_dtype(*xs: Any) -> np.dtype:
    """The promoted dtype of ``xs``, integers promoted to the default float."""
    dt = _dtype.result_type(*xs)
    if _dtype.category(dt) < 2:
        dt = _dtype.get_default_dtype()
    return dt.np_dtype


def tuple_n(x: Any, n: int, name: str = "argument") -> tuple[int, ...]:
    """``_pair``/``_triple``: broadcast an int to an n-tuple; check a sequence's length."""
    if isinstance(x, (tuple, list)):
        if len(x) == 1:
            return tuple(x) * n
        if len(x) != n:
            raise ValueError(
                f"expected {name} to be a single int or {n} ints, got {x!r}"
            )
        return tuple(int(v) for v in x)
    return (int(x),) * n


REDUCTIONS = ("none", "mean", "sum")


def reduce_loss(x: Any, reduction: str) -> Any:
    """Apply a loss ``reduction`` inside a kernel (``'none'`` | ``'mean'`` | ``'sum'``)."""
    if reduction == "none":
        return x
    if reduction == "mean":
        return jnp.mean(x)
    if reduction == "sum":
        return jnp.sum(x)
    raise ValueError(f"{reduction} is not a valid value for reduction")
