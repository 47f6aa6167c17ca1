"""Pooling: max/avg (1-D/2-D/3-D, ``ceil_mode``, ``return_indices``), adaptive avg/max.

Output sizes follow PyTorch's formula (``ceil_mode`` windows must start inside the
padded input). Windows are ``lax.reduce_window``; averaging divisors and adaptive pooling
regions depend only on shapes, so they are built in numpy as constants.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ._base import as_tensor, tuple_n

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "lp_pool1d", "lp_pool2d",
    "max_pool1d_with_indices", "max_pool2d_with_indices",
]  # fmt: skip


def _out_size(size: int, k: int, s: int, p: int, d: int, ceil: bool) -> int:
    num = size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    out = num // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1  # the last window must start inside the input or left padding
    return out


def _geometry(shape: tuple[int, ...], n: int, kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: bool, name: str) -> tuple[Any, ...]:  # fmt: skip
    k = tuple_n(kernel_size, n, "kernel_size")
    s = tuple_n(stride if stride not in (None, ()) else kernel_size, n, "stride")
    p = tuple_n(padding, n, "padding")
    d = tuple_n(dilation, n, "dilation")
    for i in range(n):
        if p[i] * 2 > k[i]:
            raise RuntimeError(
                f"{name}: pad should be at most half of effective kernel size, but got "
                f"pad={p[i]}, kernel_size={k[i]} and dilation={d[i]}"
            )
    spatial = shape[-n:]
    out = tuple(
        _out_size(spatial[i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(n)
    )
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"{name}: Given input size: {tuple(shape[-n - 1 :])}. Calculated output size: "
            f"{(shape[-n - 1], *out)}. Output size is too small"
        )
    # Right padding so that every output window fits (ceil_mode may need more than p).
    hi = tuple(
        (out[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 - spatial[i] - p[i]
        for i in range(n)
    )
    return k, s, p, d, out, hi


def _windows(nd: int, n: int, k: Any, s: Any, d: Any) -> tuple[Any, ...]:
    lead = nd - n
    return ((1,) * lead + k, (1,) * lead + s, (1,) * lead + d)


def _max_pool(x, *, k, s, p, d, hi):  # type: ignore[no-untyped-def]
    n = len(k)
    win, strides, dil = _windows(x.ndim, n, k, s, d)
    pads = ((0, 0),) * (x.ndim - n) + tuple((p[i], max(hi[i], 0)) for i in range(n))
    # A Python-scalar init keeps the max-monoid recognisable (and differentiable).
    init = (
        -float("inf")
        if jnp.issubdtype(x.dtype, jnp.inexact)
        else int(jnp.iinfo(x.dtype).min)
    )
    return jax.lax.reduce_window(
        x, init, jax.lax.max, win, strides, pads, window_dilation=dil
    )


def _window_index(spatial: tuple[int, ...], k: Any, s: Any, p: Any, d: Any,
                  out: Any) -> np.ndarray:  # fmt: skip
    """For each output position and window offset, the flat input index (-1: padding)."""
    grids = []
    for i in range(len(k)):
        pos = np.arange(out[i])[:, None] * s[i] - p[i] + np.arange(k[i])[None, :] * d[i]
        pos = np.where((pos >= 0) & (pos < spatial[i]), pos, -1)
        grids.append(pos)
    idx = np.zeros((1, 1), np.int64)
    valid = np.ones((1, 1), bool)
    for i, g in enumerate(grids):
        # combine: (O_prev, K_prev) x (O_i, K_i) -> (O_prev*O_i, K_prev*K_i)
        idx = (idx[:, None, :, None] * spatial[i] + g[None, :, None, :]).reshape(
            idx.shape[0] * g.shape[0], idx.shape[1] * g.shape[1]
        )
        valid = (valid[:, None, :, None] & (g >= 0)[None, :, None, :]).reshape(
            idx.shape
        )
    return np.where(valid, idx, -1)


def _max_pool_indices(x, *, index, out):  # type: ignore[no-untyped-def]
    n = len(out)
    index = np.asarray(index)
    flat = x.reshape(x.shape[: x.ndim - n] + (-1,))
    safe = np.where(index >= 0, index, 0)
    vals = jnp.take(flat, jnp.asarray(safe), axis=-1)
    neg = jnp.array(-jnp.inf, x.dtype)
    vals = jnp.where(jnp.asarray(index >= 0), vals, neg)
    arg = jnp.argmax(vals, axis=-1)
    value = jnp.max(vals, axis=-1)
    ind = jnp.take_along_axis(
        jnp.broadcast_to(jnp.asarray(safe), vals.shape), arg[..., None], -1
    )[..., 0]  # noqa: E501
    shape = x.shape[: x.ndim - n] + tuple(out)
    return value.reshape(shape), ind.reshape(shape).astype(jnp.int64)


_max_pool_op = Op("max_pool", _max_pool, backward_name="MaxPool2DWithIndicesBackward0")
_max_pool_idx_op = Op("max_pool_with_indices", _max_pool_indices, n_out=2)


def _check_dims(input: Tensor, n: int, name: str) -> None:
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(
            f"{name}: Expected {n + 1}D or {n + 2}D (batch mode) tensor for input, but got: "
            f"{list(input.shape)}"
        )


def _max_poolnd(n: int, name: str, input: Tensor, kernel_size: Any, stride: Any,
                padding: Any, dilation: Any, ceil_mode: bool,
                return_indices: bool) -> Any:  # fmt: skip
    input = as_tensor(input)
    _check_dims(input, n, name)
    k, s, p, d, out, hi = _geometry(tuple(input.shape), n, kernel_size, stride, padding,
                                    dilation, ceil_mode, name)  # fmt: skip
    if return_indices or any(di != 1 for di in d):
        # Gather path: gives indices, and is differentiable with dilated windows
        # (JAX has no VJP for a dilated max reduce_window).
        index = _window_index(tuple(input.shape[-n:]), k, s, p, d, out)
        values, indices = _max_pool_idx_op(input, index=_Hashable(index), out=out)
        return (values, indices) if return_indices else values
    return _max_pool_op(input, k=k, s=s, p=p, d=d, hi=hi)


class _Hashable:
    """A numpy constant usable as a static kernel argument (hashed by content)."""

    __slots__ = ("a", "_h")

    def __init__(self, a: np.ndarray) -> None:
        self.a = a
        self._h = hash((a.shape, a.tobytes()))

    def __hash__(self) -> int:
        return self._h

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Hashable) and np.array_equal(self.a, other.a)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.a

    def __ge__(self, v: Any) -> Any:
        return self.a >= v

    @property
    def shape(self) -> tuple[int, ...]:
        return self.a.shape


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:  # fmt: skip
    """``F.max_pool1d`` over ``(N, C, L)``."""
    return _max_poolnd(1, "max_pool1d", input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices)  # fmt: skip


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:  # fmt: skip
    """``F.max_pool2d`` over ``(N, C, H, W)``; indices are flat ``h * W + w``."""
    return _max_poolnd(2, "max_pool2d", input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices)  # fmt: skip


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:  # fmt: skip
    """``F.max_pool3d`` over ``(N, C, D, H, W)``."""
    return _max_poolnd(3, "max_pool3d", input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices)  # fmt: skip


def max_pool1d_with_indices(*args: Any, **kwargs: Any) -> Any:
    return max_pool1d(*args, **{**kwargs, "return_indices": True})


def max_pool2d_with_indices(*args: Any, **kwargs: Any) -> Any:
    return max_pool2d(*args, **{**kwargs, "return_indices": True})


def _avg_pool(x, *, k, s, p, hi, divisor):  # type: ignore[no-untyped-def]
    n = len(k)
    win, strides, dil = _windows(x.ndim, n, k, s, (1,) * n)
    pads = ((0, 0),) * (x.ndim - n) + tuple((p[i], max(hi[i], 0)) for i in range(n))
    total = jax.lax.reduce_window(
        x,
        0.0 if jnp.issubdtype(x.dtype, jnp.inexact) else 0,
        jax.lax.add,
        win,
        strides,
        pads,
    )
    return total / jnp.asarray(np.asarray(divisor), x.dtype)


def _divisor(
    spatial: Any, k: Any, s: Any, p: Any, out: Any, include_pad: bool
) -> np.ndarray:
    """Per-output-window divisor, as PyTorch: padding counts, ceil overflow does not."""
    div = np.ones((), np.float64)
    for i in range(len(k)):
        start = np.arange(out[i]) * s[i] - p[i]
        end = np.minimum(start + k[i], spatial[i] + p[i])
        if include_pad:
            cnt = end - start
        else:
            cnt = np.minimum(end, spatial[i]) - np.maximum(start, 0)
        div = np.multiply.outer(div, cnt)
    return div.astype(np.float64)


_avg_pool_op = Op("avg_pool", _avg_pool, saves_inputs=False)


def _avg_poolnd(n: int, name: str, input: Tensor, kernel_size: Any, stride: Any,
                padding: Any, ceil_mode: bool, count_include_pad: bool,
                divisor_override: int | None) -> Tensor:  # fmt: skip
    input = as_tensor(input)
    _check_dims(input, n, name)
    k, s, p, _, out, hi = _geometry(tuple(input.shape), n, kernel_size, stride, padding, 1,
                                    ceil_mode, name)  # fmt: skip
    if divisor_override:
        div = np.full(out, float(divisor_override))
    else:
        div = _divisor(tuple(input.shape[-n:]), k, s, p, out, count_include_pad)
    return _avg_pool_op(input, k=k, s=s, p=p, hi=hi, divisor=_Hashable(div))


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:  # fmt: skip
    """``F.avg_pool1d`` over ``(N, C, L)``."""
    return _avg_poolnd(1, "avg_pool1d", input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, None)  # fmt: skip


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:  # fmt: skip
    """``F.avg_pool2d`` over ``(N, C, H, W)``."""
    return _avg_poolnd(2, "avg_pool2d", input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override)  # fmt: skip


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:  # fmt: skip
    """``F.avg_pool3d`` over ``(N, C, D, H, W)``."""
    return _avg_poolnd(3, "avg_pool3d", input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override)  # fmt: skip


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:  # fmt: skip
    """``F.lp_pool1d``: ``(sum x^p)^(1/p)`` over windows."""
    from ._activation import relu

    k = tuple_n(kernel_size, 1)[0]
    out = avg_pool1d(input**norm_type, k, stride, 0, ceil_mode)  # type: ignore[operator]
    return (out.sign() * relu(out.abs())).mul(k) ** (1.0 / norm_type)  # type: ignore[attr-defined]


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:  # fmt: skip
    """``F.lp_pool2d``: ``(sum x^p)^(1/p)`` over windows."""
    from ._activation import relu

    kh, kw = tuple_n(kernel_size, 2)
    out = avg_pool2d(input**norm_type, (kh, kw), stride, 0, ceil_mode)  # type: ignore[operator]
    return (out.sign() * relu(out.abs())).mul(kh * kw) ** (1.0 / norm_type)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- adaptive pooling
def _regions(size: int, out: int) -> list[tuple[int, int]]:
    return [
        (math.floor(i * size / out), math.ceil((i + 1) * size / out))
        for i in range(out)
    ]


def _avg_matrix(size: int, out: int) -> np.ndarray:
    m = np.zeros((out, size), np.float64)
    for i, (a, b) in enumerate(_regions(size, out)):
        m[i, a:b] = 1.0 / (b - a)
    return m


def _adaptive_avg(x, *, mats):  # type: ignore[no-untyped-def]
    n = len(mats)
    for i, m in enumerate(mats):
        axis = x.ndim - n + i
        x = jnp.moveaxis(
            jnp.tensordot(x, jnp.asarray(np.asarray(m), x.dtype), ((axis,), (1,))),
            -1,
            axis,
        )  # noqa: E501
    return x


def _adaptive_max(x, *, masks):  # type: ignore[no-untyped-def]
    # Max over a rectangle is separable: reduce one spatial axis at a time.
    n = len(masks)
    neg = jnp.array(-jnp.inf, x.dtype)
    for i, m in enumerate(masks):
        axis = x.ndim - n + i
        xm = jnp.moveaxis(x, axis, -1)[..., None, :]  # (..., 1, L)
        xm = jnp.where(jnp.asarray(np.asarray(m)), xm, neg).max(-1)  # (..., O)
        x = jnp.moveaxis(xm, -1, axis)
    return x


_adaptive_avg_op = Op("adaptive_avg_pool", _adaptive_avg, saves_inputs=False)
_adaptive_max_op = Op("adaptive_max_pool", _adaptive_max)


def _out_sizes(output_size: Any, spatial: tuple[int, ...]) -> tuple[int, ...]:
    n = len(spatial)
    sizes = tuple_n(output_size, n, "output_size") if output_size is not None and not (
        isinstance(output_size, (tuple, list)) and None in output_size
    ) else tuple(s if o is None else o for o, s in zip(output_size, spatial))  # type: ignore[arg-type]  # fmt: skip
    return tuple(int(o) for o in sizes)


def _adaptive(n: int, name: str, input: Tensor, output_size: Any, kind: str) -> Tensor:
    input = as_tensor(input)
    _check_dims(input, n, name)
    spatial = tuple(input.shape[-n:])
    out = _out_sizes(output_size, spatial)
    if kind == "avg":
        mats = tuple(_Hashable(_avg_matrix(spatial[i], out[i])) for i in range(n))
        return _adaptive_avg_op(input, mats=mats)
    masks = tuple(_Hashable(_avg_matrix(spatial[i], out[i]) > 0) for i in range(n))
    return _adaptive_max_op(input, masks=masks)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """``F.adaptive_avg_pool1d``: average over PyTorch's floor/ceil regions."""
    return _adaptive(1, "adaptive_avg_pool1d", input, output_size, "avg")


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """``F.adaptive_avg_pool2d``; ``None`` in ``output_size`` keeps that size."""
    return _adaptive(2, "adaptive_avg_pool2d", input, output_size, "avg")


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """``F.adaptive_avg_pool3d``."""
    return _adaptive(3, "adaptive_avg_pool3d", input, output_size, "avg")


def _adaptive_max_with_indices(n: int, name: str, input: Tensor, output_size: Any,
                               return_indices: bool) -> Any:  # fmt: skip
    if not return_indices:
        return _adaptive(n, name, input, output_size, "max")
    # Indices: treat each adaptive region as a padded window over a flat index map.
    input = as_tensor(input)
    spatial = tuple(input.shape[-n:])
    out = _out_sizes(output_size, spatial)
    regions = [_regions(spatial[i], out[i]) for i in range(n)]
    kmax = [max(b - a for a, b in r) for r in regions]
    idx = np.zeros((1, 1), np.int64)
    for i in range(n):
        g = np.full((out[i], kmax[i]), -1, np.int64)
        for o, (a, b) in enumerate(regions[i]):
            g[o, : b - a] = np.arange(a, b)
        valid_prev = idx >= 0
        new = idx[:, None, :, None] * spatial[i] + g[None, :, None, :]
        ok = valid_prev[:, None, :, None] & (g >= 0)[None, :, None, :]
        idx = np.where(ok, new, -1).reshape(
            idx.shape[0] * out[i], idx.shape[1] * kmax[i]
        )
    return _max_pool_idx_op(input, index=_Hashable(idx), out=out)


def adaptive_max_pool1d(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> Any:
    """``F.adaptive_max_pool1d``."""
    return _adaptive_max_with_indices(1, "adaptive_max_pool1d", input, output_size,
                                      return_indices)  # fmt: skip


def adaptive_max_pool2d(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> Any:
    """``F.adaptive_max_pool2d``."""
    return _adaptive_max_with_indices(2, "adaptive_max_pool2d", input, output_size,
                                      return_indices)  # fmt: skip
