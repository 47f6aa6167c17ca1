"""Joining and splitting tensors: ``cat``, ``stack``, ``split``, ``chunk``, ``unbind``...

Joins are copies (one ``jnp.concatenate`` with PyTorch's dtype promotion); every piece
of a split is a PyTorch view, built from the one-piece view ops ``narrow``/``select``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._dispatch import Op
from ._registry import exported, register
from ._reshape import expand, narrow, reshape, select, view

__all__: list[str] = []


def _cat_kernel(*xs: Any, dim: int, dtype: Any, skip: tuple[bool, ...]) -> Any:
    kept = [x for x, s in zip(xs, skip) if not s] or list(xs[:1])
    return jnp.concatenate([jnp.asarray(x, dtype) for x in kept], axis=dim)


def _stack_kernel(*xs: Any, dim: int, dtype: Any) -> Any:
    return jnp.stack([jnp.asarray(x, dtype) for x in xs], axis=dim)


_cat = Op("cat", _cat_kernel, saves_inputs=False)
_stack = Op("stack", _stack_kernel, saves_inputs=False)


def _tensor_list(tensors: Any, fname: str) -> list[Tensor]:
    if isinstance(tensors, Tensor):
        raise TypeError(
            f"{fname}(): argument 'tensors' must be tuple of Tensors, not Tensor"
        )
    out = list(tensors)
    if not out:
        raise RuntimeError(f"{fname}(): expected a non-empty list of Tensors")
    return out


@register(method=False)
def cat(
    tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None
) -> Tensor:
    """``torch.cat``: concatenate along ``dim`` (dtypes promoted; legacy ``(0,)`` skipped)."""
    from ._pointwise import _finish

    ts = _tensor_list(tensors, "torch.cat")
    for i, x in enumerate(ts):
        if x.ndim == 0:
            raise RuntimeError(
                f"zero-dimensional tensor (at position {i}) cannot be concatenated"
            )
    # PyTorch still skips 1-D empty tensors when concatenating higher-rank ones.
    skip = tuple(x.ndim == 1 and x.shape[0] == 0 for x in ts)
    ref = next((x for x, s in zip(ts, skip) if not s), ts[0])
    d = _wrap_dim(dim, ref.ndim)
    for i, x in enumerate(ts):
        if x.ndim == 1 and x.shape[0] == 0:
            continue
        if x.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {x.ndim}"
            )
        for k in range(ref.ndim):
            if k != d and x.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected "
                    f"size {ref.shape[k]} but got size {x.shape[k]} for tensor number "
                    f"{i} in the list."
                )
    dt = _dtype.result_type(*ts)
    # Skipped inputs still go in, so they get PyTorch's zero gradient, not None.
    return _finish(_cat(*ts, dim=d, dtype=dt.np_dtype, skip=skip), out)


concat = register(cat, method=False)
concatenate = register(cat, method=False)


@register(method=False)
def stack(
    tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None
) -> Tensor:
    """``torch.stack``: join equal-shaped tensors along a new dimension ``dim``."""
    from ._pointwise import _finish

    ts = _tensor_list(tensors, "stack")
    ref = tuple(ts[0].shape)
    for i, x in enumerate(ts):
        if tuple(x.shape) != ref:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref)} at "
                f"entry 0 and {list(x.shape)} at entry {i}"
            )
    d = _wrap_dim(dim, len(ref) + 1)
    dt = _dtype.result_type(*ts)
    return _finish(_stack(*ts, dim=d, dtype=dt.np_dtype), out)


@register(method=False)
def atleast_1d(*tensors: Any) -> Any:
    """``torch.atleast_1d``: 0-d tensors become shape ``(1,)``."""
    return _atleast(tensors, 1)


@register(method=False)
def atleast_2d(*tensors: Any) -> Any:
    """``torch.atleast_2d``: prepend dims up to 2-D."""
    return _atleast(tensors, 2)


@register(method=False)
def atleast_3d(*tensors: Any) -> Any:
    """``torch.atleast_3d``: 0-d → (1,1,1), 1-D (n) → (1,n,1), 2-D (m,n) → (m,n,1)."""
    return _atleast(tensors, 3)


def _atleast(tensors: tuple[Any, ...], k: int) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        return tuple(_atleast((x,), k) for x in tensors[0])
    if len(tensors) != 1:
        return tuple(_atleast((x,), k) for x in tensors)
    x = tensors[0]
    n = x.ndim
    if n >= k:
        return x
    shp = tuple(x.shape)
    if k == 3:
        new = {0: (1, 1, 1), 1: (1,) + shp + (1,), 2: shp + (1,)}[n]
    else:
        new = (1,) * (k - n) + shp
    return view(x, new)


@register(method=False)
def hstack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """``torch.hstack``: concatenate column-wise (dim 0 for 1-D inputs)."""
    ts = [_atleast((x,), 1) for x in _tensor_list(tensors, "hstack")]
    return cat(ts, 0 if ts[0].ndim == 1 else 1, out=out)


@register(method=False)
def vstack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """``torch.vstack``: concatenate row-wise after ``atleast_2d``."""
    return cat([_atleast((x,), 2) for x in _tensor_list(tensors, "vstack")], 0, out=out)


row_stack = register(vstack, method=False)


@register(method=False)
def dstack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """``torch.dstack``: concatenate depth-wise after ``atleast_3d``."""
    return cat([_atleast((x,), 3) for x in _tensor_list(tensors, "dstack")], 2, out=out)


@register(method=False)
def column_stack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """``torch.column_stack``: 0-d/1-D inputs become columns, then ``hstack``."""
    ts = _tensor_list(tensors, "column_stack")
    cols = [reshape(x, (x.numel(), 1)) if x.ndim <= 1 else x for x in ts]
    return cat(cols, 1, out=out)


# ------------------------------------------------------------------ splitting (views)
@register
def split(
    tensor: Tensor, split_size_or_sections: Any, dim: int = 0
) -> tuple[Tensor, ...]:
    """``torch.split``: pieces of ``split_size`` (last may be smaller) or given sizes."""
    d = _wrap_dim(dim, tensor.ndim)
    size = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0 or (step == 0 and size != 0):
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )  # noqa: E501
        if size == 0:
            return (narrow(tensor, d, 0, 0),)
        sizes = [min(step, size - s) for s in range(0, size, step)]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input "
                f"tensor's size at dimension {d}), but got split_sizes={sizes}"
            )
    out, start = [], 0
    for s in sizes:
        out.append(narrow(tensor, d, start, s))
        start += s
    return tuple(out)


@register
def split_with_sizes(
    self: Tensor, split_sizes: Sequence[int], dim: int = 0
) -> tuple[Tensor, ...]:  # noqa: E501
    """``Tensor.split_with_sizes``."""
    return split(self, list(split_sizes), dim)


@register
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``torch.chunk``: at most ``chunks`` pieces of ``ceil(size / chunks)``."""
    if chunks <= 0:
        raise RuntimeError(
            "chunk expects `chunks` to be greater than 0, got: " + str(chunks)
        )
    d = _wrap_dim(dim, input.ndim)
    size = input.shape[d]
    step = -(-size // chunks)
    if size == 0:
        return tuple(narrow(input, d, 0, 0) for _ in range(chunks))
    return split(input, step, d)


@register
def tensor_split(
    input: Tensor, indices_or_sections: Any, dim: int = 0
) -> tuple[Tensor, ...]:  # noqa: E501
    """``torch.tensor_split``: ``n`` near-equal pieces, or cut at the given indices."""
    d = _wrap_dim(dim, input.ndim)
    size = input.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = ios.tolist()
    if isinstance(ios, int):
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, r = divmod(size, ios)
        sizes = [q + 1] * r + [q] * (ios - r)
        bounds, acc = [], 0
        for s in sizes:
            bounds.append((acc, acc + s))
            acc += s
    else:
        cuts = [0] + [int(i) for i in ios] + [size]
        bounds = [
            (min(max(a, 0), size), min(max(b, 0), size)) for a, b in zip(cuts, cuts[1:])
        ]
    return tuple(narrow(input, d, a, max(b - a, 0)) for a, b in bounds)


@register
def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """``torch.unbind``: every slice along ``dim`` (views, dim removed)."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, input.ndim)
    return tuple(select(input, d, i) for i in range(input.shape[d]))


# ------------------------------------------------------------------ grids
@register(method=False)
def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """``torch.meshgrid``: coordinate grids (views); ``indexing`` 'ij' (default) or 'xy'."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'  # noqa: E501
        )
    ts = [_atleast((x,), 1) for x in tensors]
    for x in ts:
        if x.ndim != 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                + str(x.ndim)
            )  # noqa: E501
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(x.shape[0] for x in ts)
    n = len(ts)
    grids = []
    for i, x in enumerate(ts):
        v = view(x, tuple(-1 if k == i else 1 for k in range(n)))
        grids.append(expand(v, shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


__all__ = exported(globals())
