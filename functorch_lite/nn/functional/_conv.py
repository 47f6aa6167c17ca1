"""Convolutions (``F.conv1d/2d/3d``, ``F.conv_transpose1d/2d/3d``) and ``unfold``/``fold``.

All run ``jax.lax.conv_general_dilated`` in PyTorch's channels-first layouts. A
transposed convolution is the input-dilated convolution with the flipped, in/out-swapped
kernel (the adjoint of the forward conv), which is how PyTorch defines it.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ._base import as_tensor, float_dtype, tuple_n

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "unfold", "fold",
]  # fmt: skip

_SPATIAL = {1: "H", 2: "HW", 3: "DHW"}


def _dn(n: int) -> tuple[str, str, str]:
    s = _SPATIAL[n]
    return ("NC" + s, "OI" + s, "NC" + s)


def _add_bias(y: Any, b: Any, n: int) -> Any:
    if b is None:
        return y
    return y + b.astype(y.dtype).reshape((1, -1) + (1,) * n)


def _conv(x, w, b, *, stride, padding, dilation, groups, dtype):  # type: ignore[no-untyped-def]
    n = x.ndim - 2
    y = jax.lax.conv_general_dilated(
        x.astype(dtype), w.astype(dtype), stride, padding, rhs_dilation=dilation,
        dimension_numbers=_dn(n), feature_group_count=groups,
    )  # fmt: skip
    return _add_bias(y, b, n)


def _conv_t(x, w, b, *, stride, padding, dilation, groups, dtype):  # type: ignore[no-untyped-def]
    n = x.ndim - 2
    cin, cout_g = w.shape[0], w.shape[1]
    k = w.shape[2:]
    # (in, out/g, k) -> (out, in/g, k), spatially flipped: the adjoint kernel.
    w = w.reshape((groups, cin // groups, cout_g) + k)
    w = jnp.swapaxes(w, 1, 2).reshape((groups * cout_g, cin // groups) + k)
    w = jnp.flip(w, axis=tuple(range(2, 2 + n)))
    y = jax.lax.conv_general_dilated(
        x.astype(dtype), w.astype(dtype), (1,) * n, padding, lhs_dilation=stride,
        rhs_dilation=dilation, dimension_numbers=_dn(n), feature_group_count=groups,
    )  # fmt: skip
    return _add_bias(y, b, n)


_conv_op = Op("convolution", _conv)
_conv_t_op = Op("convolution_transpose", _conv_t, backward_name="ConvolutionBackward0")


def _batched(input: Tensor, n: int, name: str) -> tuple[Tensor, bool]:
    if input.dim() == n + 1:
        return input.unsqueeze(0), True  # type: ignore[attr-defined]
    if input.dim() != n + 2:
        raise RuntimeError(
            f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, but got "
            f"input of size: {list(input.shape)}"
        )
    return input, False


def _convnd(n: int, name: str, input: Tensor, weight: Tensor, bias: Tensor | None,
            stride: Any, padding: Any, dilation: Any, groups: int) -> Tensor:  # fmt: skip
    input = as_tensor(input)
    x, unbatched = _batched(input, n, name)
    stride_t = tuple_n(stride, n, "stride")
    dil = tuple_n(dilation, n, "dilation")
    k = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * n
        elif padding == "same":
            if any(s != 1 for s in stride_t):
                raise ValueError(
                    "padding='same' is not supported for strided convolutions"
                )
            total = [d * (kk - 1) for d, kk in zip(dil, k)]
            pads = tuple((t // 2, t - t // 2) for t in total)  # extra on the right
        else:
            raise ValueError(
                f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}"
            )
    else:
        pads = tuple((p, p) for p in tuple_n(padding, n, "padding"))
    c_in = x.shape[1]
    if weight.dim() != n + 2:
        raise RuntimeError(
            f"Expected {n + 2}-dimensional weight for {n + 2}-dimensional input "
            f"{list(x.shape)}, but got {weight.dim()}-dimensional weight of size "
            f"{list(weight.shape)}"
        )
    if c_in != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {weight.shape[1] * groups} channels, but got "
            f"{c_in} channels instead"
        )
    dtype = float_dtype(x, weight)
    y = _conv_op(x, weight, bias, stride=stride_t, padding=pads, dilation=dil,
                 groups=groups, dtype=dtype)  # fmt: skip
    return y.squeeze(0) if unbatched else y  # type: ignore[attr-defined]


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """``F.conv1d`` over ``(N, C_in, L)`` with weight ``(C_out, C_in/groups, k)``."""
    return _convnd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """``F.conv2d`` over ``(N, C_in, H, W)`` with weight ``(C_out, C_in/groups, kH, kW)``."""
    return _convnd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """``F.conv3d`` over ``(N, C_in, D, H, W)``."""
    return _convnd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(n: int, name: str, input: Tensor, weight: Tensor,
                      bias: Tensor | None, stride: Any, padding: Any, output_padding: Any,
                      groups: int, dilation: Any) -> Tensor:  # fmt: skip
    input = as_tensor(input)
    x, unbatched = _batched(input, n, name)
    s = tuple_n(stride, n, "stride")
    p = tuple_n(padding, n, "padding")
    op_ = tuple_n(output_padding, n, "output_padding")
    d = tuple_n(dilation, n, "dilation")
    k = tuple(weight.shape[2:])
    for i in range(n):
        if op_[i] >= max(s[i], d[i]):
            raise RuntimeError(
                "output padding must be smaller than either stride or dilation, but got "
                f"output_padding_{'hwd'[i]}: {op_[i]}, stride: {s[i]}, dilation: {d[i]}"
            )
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {weight.shape[0]} channels, but got "
            f"{x.shape[1]} channels instead"
        )
    pads = tuple(
        (d[i] * (k[i] - 1) - p[i], d[i] * (k[i] - 1) - p[i] + op_[i]) for i in range(n)
    )
    y = _conv_t_op(x, weight, bias, stride=s, padding=pads, dilation=d, groups=groups,
                   dtype=float_dtype(x, weight))  # fmt: skip
    return y.squeeze(0) if unbatched else y  # type: ignore[attr-defined]


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:  # fmt: skip
    """``F.conv_transpose1d``: weight ``(C_in, C_out/groups, k)``."""
    return _conv_transposend(1, "conv_transpose1d", input, weight, bias, stride, padding,
                             output_padding, groups, dilation)  # fmt: skip


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:  # fmt: skip
    """``F.conv_transpose2d``: weight ``(C_in, C_out/groups, kH, kW)``."""
    return _conv_transposend(2, "conv_transpose2d", input, weight, bias, stride, padding,
                             output_padding, groups, dilation)  # fmt: skip


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:  # fmt: skip
    """``F.conv_transpose3d``."""
    return _conv_transposend(3, "conv_transpose3d", input, weight, bias, stride, padding,
                             output_padding, groups, dilation)  # fmt: skip


# ---------------------------------------------------------------- im2col / col2im
def _unfold(x, *, kernel_size, dilation, padding, stride):  # type: ignore[no-untyped-def]
    n, c = x.shape[:2]
    patches = jax.lax.conv_general_dilated_patches(
        x, kernel_size, stride, tuple((p, p) for p in padding), rhs_dilation=dilation,
        dimension_numbers=("NCHW", "OIHW", "NCHW"),
    )  # fmt: skip
    # Channel order of the patches is (c, kh, kw), PyTorch's im2col order.
    return patches.reshape(n, c * kernel_size[0] * kernel_size[1], -1)


def _fold(cols, *, output_size, kernel_size, dilation, padding, stride):  # type: ignore[no-untyped-def]
    n = cols.shape[0]
    c = cols.shape[1] // (kernel_size[0] * kernel_size[1])
    proto = jax.ShapeDtypeStruct((n, c) + tuple(output_size), cols.dtype)
    unfold_fn = lambda x: _unfold(  # noqa: E731
        x, kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride
    )
    # col2im is the adjoint of im2col: transpose the linear map instead of re-deriving it.
    (out,) = jax.linear_transpose(unfold_fn, proto)(cols)
    return out


_unfold_op = Op("im2col", _unfold, saves_inputs=False)
_fold_op = Op("col2im", _fold, saves_inputs=False)


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:  # fmt: skip
    """``F.unfold`` (im2col): ``(N, C, H, W)`` → ``(N, C*kH*kW, L)`` sliding blocks."""
    x, unbatched = _batched(as_tensor(input), 2, "unfold")
    y = _unfold_op(x, kernel_size=tuple_n(kernel_size, 2), dilation=tuple_n(dilation, 2),
                   padding=tuple_n(padding, 2), stride=tuple_n(stride, 2))  # fmt: skip
    return y.squeeze(0) if unbatched else y  # type: ignore[attr-defined]


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1,
         padding: Any = 0, stride: Any = 1) -> Tensor:  # fmt: skip
    """``F.fold`` (col2im): sum sliding blocks ``(N, C*kH*kW, L)`` into ``(N, C, H, W)``."""
    input = as_tensor(input)
    unbatched = input.dim() == 2
    x = input.unsqueeze(0) if unbatched else input  # type: ignore[attr-defined]
    y = _fold_op(x, output_size=tuple_n(output_size, 2), kernel_size=tuple_n(kernel_size, 2),
                 dilation=tuple_n(dilation, 2), padding=tuple_n(padding, 2),
                 stride=tuple_n(stride, 2))  # fmt: skip
    return y.squeeze(0) if unbatched else y  # type: ignore[attr-defined]
