"""Sorting and order statistics: sort/argsort/topk/kthvalue/median/mode, unique, search.

Values of ``(values, indices)`` ops are gathered from the input at the indices, so the
gradient flows to exactly the selected elements, as in PyTorch. NaN sorts as the largest
value (last ascending, first descending), as in PyTorch.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from . import _return_types as return_types
from ._dispatch import Op, is_tracer
from ._pointwise import _finish
from ._registry import exported, register

UNIQUE_TRACED = (
    "{name}() has a data-dependent output shape and cannot run inside jit/compile/"
    "vmap. Call it outside the compiled function, or use jax.numpy.unique(x, size=N, "
    "fill_value=...) on x.jax() to get a fixed-size result."
)


def _vec(kernel: Any) -> Any:
    """Run ``kernel(a, axis=...)`` on a 0-d input as a one-element vector."""

    # ``wraps`` keeps the kernel's signature: ``Op`` reads its static keyword names.
    @functools.wraps(kernel)
    def fn(a: Any, *, axis: int, **static: Any) -> Any:
        if a.ndim == 0:
            out = kernel(a.reshape(1), axis=0, **static)
            return jax.tree_util.tree_map(lambda o: o.reshape(()), out)
        return kernel(a, axis=axis, **static)

    return fn


# ---------------------------------------------------------------- sort / argsort / topk
def _sort_kernel(a: Any, *, axis: int, descending: bool) -> Any:
    idx = jnp.argsort(a, axis=axis, stable=True, descending=descending)
    return jnp.take_along_axis(a, idx, axis=axis), idx.astype(jnp.int64)


_sort = Op("sort", _vec(_sort_kernel), n_out=2)


@register
def sort(input: Tensor, dim: int = -1, descending: bool = False, *,
         stable: bool | None = False, out: Any = None) -> Any:  # fmt: skip
    """``torch.sort``: ``(values, indices)``; always stable here (PyTorch allows it)."""
    values, indices = _sort(
        input, axis=_wrap_dim(dim, input.ndim), descending=descending
    )
    return return_types.sort(values, indices)


@register
def argsort(input: Tensor, dim: int = -1, descending: bool = False, *,
            stable: bool = False) -> Tensor:  # fmt: skip
    """``torch.argsort``: the indices of :func:`sort`."""
    return sort(input, dim, descending).indices


@register
def msort(input: Tensor) -> Tensor:
    """``torch.msort``: values sorted along dim 0."""
    return sort(input, 0).values


def _topk_kernel(a: Any, *, axis: int, k: int, largest: bool) -> Any:
    idx = jnp.argsort(a, axis=axis, stable=True, descending=largest)
    idx = jax.lax.slice_in_dim(idx, 0, k, axis=axis)
    return jnp.take_along_axis(a, idx, axis=axis), idx.astype(jnp.int64)


_topk = Op("topk", _vec(_topk_kernel), n_out=2)


@register
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> Any:  # noqa: A002  # fmt: skip
    """``torch.topk``: the ``k`` largest (or smallest) elements along ``dim``."""
    axis = _wrap_dim(dim, input.ndim)
    size = input.shape[axis] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    values, indices = _topk(input, axis=axis, k=int(k), largest=largest)
    return return_types.topk(values, indices)


def _kth_kernel(a: Any, *, axis: int, k: int, keepdim: bool) -> Any:
    idx = jnp.argsort(a, axis=axis, stable=True)
    idx = jax.lax.slice_in_dim(idx, k - 1, k, axis=axis)
    values = jnp.take_along_axis(a, idx, axis=axis)
    if not keepdim:
        values, idx = jnp.squeeze(values, axis), jnp.squeeze(idx, axis)
    return values, idx.astype(jnp.int64)


_kthvalue = Op("kthvalue", _vec(_kth_kernel), n_out=2)


@register
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """``torch.kthvalue``: the ``k``-th smallest element (1-based) along ``dim``."""
    axis = _wrap_dim(dim, input.ndim)
    size = input.shape[axis] if input.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(
            f"kthvalue(): selected number k out of range for dimension {axis}"
        )
    values, indices = _kthvalue(input, axis=axis, k=int(k), keepdim=keepdim)
    return return_types.kthvalue(values, indices)


# ---------------------------------------------------------------- median / mode
def _median_kernel(a: Any, *, axis: int, keepdim: bool, ignore_nan: bool,
                   flat: bool = False) -> Any:  # fmt: skip
    if flat:
        a = a.reshape(-1)
    n = a.shape[axis]
    order = jnp.argsort(a, axis=axis, stable=True)  # NaN last
    if jnp.issubdtype(a.dtype, jnp.inexact):
        valid = jnp.sum(~jnp.isnan(a), axis=axis, keepdims=True)
        if ignore_nan:  # lower median of the non-NaN values (NaN if there are none)
            k = jnp.maximum((valid - 1) // 2, 0)
        else:  # any NaN makes the median NaN: point at the first NaN
            k = jnp.where(valid < n, valid, (n - 1) // 2)
    else:
        k = jnp.full(
            [1 if i == axis else s for i, s in enumerate(a.shape)], (n - 1) // 2
        )
    idx = jnp.take_along_axis(order, k, axis=axis)
    values = jnp.take_along_axis(a, idx, axis=axis)
    if not keepdim:
        values, idx = jnp.squeeze(values, axis), jnp.squeeze(idx, axis)
    return values, idx.astype(jnp.int64)


_median = Op("median", _vec(_median_kernel), n_out=2)


def _median_impl(name: str, input: Tensor, dim: int | None, keepdim: bool) -> Any:
    nan = name == "nanmedian"
    if dim is None:
        if input.numel() == 0:
            return Tensor(jnp.full((), jnp.nan, input.dtype.np_dtype))
        return _median(input, axis=0, keepdim=False, ignore_nan=nan, flat=True)[0]
    axis = _wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[axis] == 0:
        raise IndexError(
            f"{name}(): Expected reduction dim {axis} to have non-zero size."
        )
    values, indices = _median(input, axis=axis, keepdim=keepdim, ignore_nan=nan)
    return getattr(return_types, name)(values, indices)


@register
def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """``torch.median``: the lower median; with ``dim`` a ``(values, indices)`` tuple."""
    return _median_impl("median", input, dim, keepdim)


@register
def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """``torch.nanmedian``: :func:`median` ignoring NaN."""
    return _median_impl("nanmedian", input, dim, keepdim)


def _mode_kernel(a: Any, *, axis: int, keepdim: bool) -> Any:
    x = jnp.moveaxis(a, axis, -1)
    n = x.shape[-1]
    counts = jnp.sum(x[..., :, None] == x[..., None, :], axis=-1)
    best = counts == jnp.max(counts, axis=-1, keepdims=True)
    # The smallest of the most frequent values; PyTorch reports its LAST index.
    value = jnp.min(jnp.where(best, x, jnp.max(x, axis=-1, keepdims=True)), axis=-1)
    last = n - 1 - jnp.argmax(jnp.flip(x == value[..., None], -1), axis=-1)
    idx = jnp.expand_dims(last, axis)
    values = jnp.take_along_axis(a, idx, axis=axis)
    if not keepdim:
        values, idx = jnp.squeeze(values, axis), jnp.squeeze(idx, axis)
    return values, idx.astype(jnp.int64)


_mode = Op("mode", _vec(_mode_kernel), n_out=2)


@register
def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """``torch.mode``: the most frequent value (smallest among ties) along ``dim``."""
    axis = _wrap_dim(dim, input.ndim)
    values, indices = _mode(input, axis=axis, keepdim=keepdim)
    return return_types.mode(values, indices)


# ---------------------------------------------------------------- unique (eager only)
def _concrete(input: Tensor, name: str) -> np.ndarray:
    if is_tracer(input._data):
        raise RuntimeError(UNIQUE_TRACED.format(name=name))
    return np.asarray(input._data)


def _wrap(x: np.ndarray, dtype: Any = None) -> Tensor:
    return Tensor(jnp.asarray(x if dtype is None else x.astype(dtype)))


@register
def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: int | None = None) -> Any:  # fmt: skip
    """``torch.unique``: distinct values (sorted), optionally inverse indices and counts.

    The output shape depends on the data, so this runs eagerly only.
    """
    x = _concrete(input, "unique")
    if dim is None:
        vals, inv, counts = np.unique(
            x.reshape(-1), return_inverse=True, return_counts=True
        )
        inv = inv.reshape(x.shape)
    else:
        axis = _wrap_dim(dim, x.ndim)
        vals, inv, counts = np.unique(
            x, return_inverse=True, return_counts=True, axis=axis
        )
        inv = inv.reshape(-1)
    out: list[Tensor] = [_wrap(vals)]
    if return_inverse:
        out.append(_wrap(inv, np.int64))
    if return_counts:
        out.append(_wrap(counts, np.int64))
    return out[0] if len(out) == 1 else tuple(out)


@register
def unique_consecutive(input: Tensor, return_inverse: bool = False,
                       return_counts: bool = False, dim: int | None = None) -> Any:  # fmt: skip
    """``torch.unique_consecutive``: collapse runs of equal values (eager only)."""
    x = _concrete(input, "unique_consecutive")
    axis = 0 if dim is None else _wrap_dim(dim, x.ndim)
    items = x.reshape(-1) if dim is None else np.moveaxis(x, axis, 0)
    n = items.shape[0]
    if n:
        diff = np.any((items[1:] != items[:-1]).reshape(n - 1, -1), axis=1)
        starts = np.concatenate([[True], diff])
    else:
        starts = np.zeros(0, bool)
    vals = items[starts]
    if dim is not None:
        vals = np.moveaxis(vals, 0, axis)
    inv = np.cumsum(starts) - 1
    counts = np.diff(np.append(np.flatnonzero(starts), n))
    out: list[Tensor] = [_wrap(vals)]
    if return_inverse:
        out.append(_wrap(inv.reshape(x.shape) if dim is None else inv, np.int64))
    if return_counts:
        out.append(_wrap(counts, np.int64))
    return out[0] if len(out) == 1 else tuple(out)


# ---------------------------------------------------------------- searching / bins
def _searchsorted_kernel(seq: Any, values: Any, *, side: str, dtype: Any) -> Any:
    values = jnp.asarray(values)
    if seq.ndim == 1:
        return jnp.searchsorted(seq, values, side=side).astype(dtype)
    lead = seq.shape[:-1]
    flat_seq = seq.reshape(-1, seq.shape[-1])
    flat_val = values.reshape(-1, values.shape[-1])
    out = jax.vmap(lambda s, v: jnp.searchsorted(s, v, side=side))(flat_seq, flat_val)
    return out.reshape(*lead, values.shape[-1]).astype(dtype)


_searchsorted = Op("searchsorted", _searchsorted_kernel)


@register(method=False)
def searchsorted(sorted_sequence: Tensor, input: Tensor | float, *,
                 out_int32: bool = False, right: bool = False, side: str | None = None,
                 sorter: Tensor | None = None, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.searchsorted``: insertion indices of ``input`` in the innermost dim."""
    if side is not None:
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got "
                "side of left while right was True"
            )
        right = side == "right"
    if sorter is not None:
        sorted_sequence = sorted_sequence.gather(-1, sorter)  # type: ignore[attr-defined]
    nd = isinstance(input, Tensor) and sorted_sequence.ndim > 1
    if nd and tuple(sorted_sequence.shape[:-1]) != tuple(input.shape[:-1]):
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the "
            "first N-1 dimensions of boundaries tensor and input value tensor must "
            f"match, but we got boundaries tensor {list(sorted_sequence.shape)} and "
            f"input value tensor {list(input.shape)}"
        )
    dt = np.int32 if out_int32 else np.int64
    side_s = "right" if right else "left"
    return _finish(_searchsorted(sorted_sequence, input, side=side_s, dtype=dt), out)


@register
def bucketize(input: Tensor | float, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.bucketize``: bucket index of each element in 1-D ``boundaries``."""
    if boundaries.ndim != 1:
        raise RuntimeError(
            f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})"
        )
    dt = np.int32 if out_int32 else np.int64
    side = "right" if right else "left"
    return _finish(_searchsorted(boundaries, input, side=side, dtype=dt), out)


def _histc_kernel(a: Any, lo: Any, hi: Any, *, bins: int) -> Any:
    x = a.reshape(-1)
    width = hi - lo
    idx = jnp.floor((x - lo) * bins / width).astype(jnp.int64)
    idx = jnp.where(x == hi, bins - 1, idx)  # the right edge belongs to the last bin
    inside = (x >= lo) & (x <= hi)
    idx = jnp.where(inside, idx, bins)
    return jnp.zeros(bins + 1, a.dtype).at[idx].add(1)[:bins]


_histc = Op("histc", _histc_kernel)


@register
def histc(input: Tensor, bins: int = 100, min: float = 0,  # noqa: A002
          max: float = 0, *, out: Tensor | None = None) -> Tensor:  # noqa: A002  # fmt: skip
    """``torch.histc``: ``bins`` equal-width bins over ``[min, max]`` (data range if
    ``min == max``); elements outside are ignored."""
    if _dtype.category(input.dtype) != 2:
        raise NotImplementedError(
            f"\"histogram_cpu\" not implemented for '{input.dtype.name}': "
            "convert the input with .float()"
        )
    data = input._data
    lo, hi = float(min), float(max)
    if lo == hi and input.numel():
        lo, hi = data.min(), data.max()  # traced-friendly: stays an array under jit
    lo = jnp.asarray(lo, data.dtype)
    hi = jnp.asarray(hi, data.dtype)
    # PyTorch widens an empty range by 1 on each side.
    same = lo == hi
    lo, hi = jnp.where(same, lo - 1, lo), jnp.where(same, hi + 1, hi)
    return _finish(_histc(input, lo, hi, bins=int(bins)), out)


__all__ = exported(globals())
