"""``F.linear`` and ``F.bilinear``: one fused Op per layer call."""

from __future__ import annotations

import jax.numpy as jnp

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ._base import float_dtype

__all__ = ["linear", "bilinear"]

_LINEAR_SHAPES = "mat1 and mat2 shapes cannot be multiplied ({a}x{b} and {c}x{d})"


def _linear(x, w, b, *, dtype):  # type: ignore[no-untyped-def]
    y = jnp.matmul(x.astype(dtype), w.astype(dtype).T)
    return y if b is None else y + b.astype(dtype)


_linear_op = Op("linear", _linear, backward_name="AddmmBackward0")


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``F.linear``: ``y = x W^T + b`` over the last dimension of ``input``."""
    if input.shape[-1:] != weight.shape[-1:] and weight.dim() == 2:
        rows = input.numel() // max(input.shape[-1], 1) if input.dim() > 1 else 1
        raise RuntimeError(
            _LINEAR_SHAPES.format(
                a=rows,
                b=input.shape[-1] if input.dim() else 1,
                c=weight.shape[1],
                d=weight.shape[0],
            )  # fmt: skip
        )
    dtype = (
        float_dtype(input, weight) if bias is None else float_dtype(input, weight, bias)
    )
    return _linear_op(input, weight, bias, dtype=dtype)


def _bilinear(x1, x2, w, b, *, dtype):  # type: ignore[no-untyped-def]
    y = jnp.einsum(
        "...i,oij,...j->...o", x1.astype(dtype), w.astype(dtype), x2.astype(dtype)
    )
    return y if b is None else y + b.astype(dtype)


_bilinear_op = Op("bilinear", _bilinear)


def bilinear(
    input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None
) -> Tensor:
    """``F.bilinear``: ``y_o = x1^T W_o x2 + b_o``."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(
            "bilinear(): input batch dimensions do not match: got "
            f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}"
        )
    if input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(
            f"bilinear(): input sizes {input1.shape[-1]}, {input2.shape[-1]} do not match "
            f"weight shape {list(weight.shape)}"
        )
    return _bilinear_op(input1, input2, weight, bias, dtype=float_dtype(input1, weight))
