"""Scans along one dim: cumsum, cumprod, cummax/cummin, logcumsumexp.

Re-exported by ``_reduce.py``. A 0-d input scans as a one-element vector, as PyTorch.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from . import _return_types as return_types
from ._dispatch import Op
from ._pointwise import _finish
from ._registry import exported, register


def _scalar_safe(kernel: Any) -> Any:
    # ``wraps`` keeps the kernel's signature: ``Op`` reads its static keyword names.
    @functools.wraps(kernel)
    def fn(a: Any, *, axis: int, **static: Any) -> Any:
        if a.ndim == 0:
            out = kernel(a.reshape(1), axis=0, **static)
            return jax.tree_util.tree_map(lambda o: o.reshape(()), out)
        return kernel(a, axis=axis, **static)

    return fn


def _cum_kernel(a: Any, *, axis: int, dtype: Any, product: bool) -> Any:
    a = a.astype(dtype)
    return jnp.cumprod(a, axis=axis) if product else jnp.cumsum(a, axis=axis)


_cumsum = Op("cumsum", _scalar_safe(_cum_kernel), saves_inputs=False)
_cumprod = Op("cumprod", _scalar_safe(_cum_kernel))


def _acc(input: Tensor, dtype: Any) -> Any:
    if dtype is not None:
        return _dtype.as_dtype(dtype).np_dtype
    cat = _dtype.category(input.dtype)
    return (_dtype.int64 if cat < 2 else input.dtype).np_dtype


@register(inplace=True)
def cumsum(input: Tensor, dim: int, *, dtype: Any = None,
           out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.cumsum``: running sums along ``dim`` (ints accumulate in int64)."""
    axis = _wrap_dim(dim, input.ndim)
    result = _cumsum(input, axis=axis, dtype=_acc(input, dtype), product=False)
    return _finish(result, out)


@register(inplace=True)
def cumprod(input: Tensor, dim: int, *, dtype: Any = None,
            out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.cumprod``: running products along ``dim``."""
    axis = _wrap_dim(dim, input.ndim)
    result = _cumprod(input, axis=axis, dtype=_acc(input, dtype), product=True)
    return _finish(result, out)


def _cumext_kernel(a: Any, *, axis: int, largest: bool) -> Any:
    shape = [1] * a.ndim
    shape[axis] = a.shape[axis]
    iota = jnp.broadcast_to(jnp.arange(a.shape[axis]).reshape(shape), a.shape)
    floating = jnp.issubdtype(a.dtype, jnp.inexact)

    def combine(x: Any, y: Any) -> Any:
        (vx, ix), (vy, iy) = x, y
        # PyTorch keeps the LAST index among ties and lets NaN win from then on.
        take = (vy >= vx) if largest else (vy <= vx)
        if floating:
            take = (take & ~jnp.isnan(vx)) | jnp.isnan(vy)
        return jnp.where(take, vy, vx), jnp.where(take, iy, ix)

    _, idx = jax.lax.associative_scan(combine, (a, iota), axis=axis)
    # Values gathered at the index: the gradient goes to that element, as PyTorch.
    return jnp.take_along_axis(a, idx, axis=axis), idx.astype(jnp.int64)


_cumext = Op("cummax", _scalar_safe(_cumext_kernel), n_out=2)


@register
def cummax(input: Tensor, dim: int) -> Any:
    """``torch.cummax``: running maxima and their (last) indices along ``dim``."""
    values, indices = _cumext(input, axis=_wrap_dim(dim, input.ndim), largest=True)
    return return_types.cummax(values, indices)


@register
def cummin(input: Tensor, dim: int) -> Any:
    """``torch.cummin``: running minima and their (last) indices along ``dim``."""
    values, indices = _cumext(input, axis=_wrap_dim(dim, input.ndim), largest=False)
    return return_types.cummin(values, indices)


_logcumsumexp = Op(
    "logcumsumexp",
    _scalar_safe(lambda a, *, axis: jax.lax.cumlogsumexp(a, axis=axis)),
)


@register
def logcumsumexp(input: Tensor, dim: int, *, out: Tensor | None = None) -> Tensor:
    """``torch.logcumsumexp``: ``log(cumsum(exp(x)))`` computed stably."""
    return _finish(_logcumsumexp(input, axis=_wrap_dim(dim, input.ndim)), out)


__all__ = exported(globals())
