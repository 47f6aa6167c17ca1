"""Copying shape ops: ``flip``, ``roll``, ``rot90``, ``tril``/``triu``, ``repeat``, ``clone``...

In PyTorch these return new storage (not views), so they are plain Ops; the linear ones
do not save their inputs for backward.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _check_concrete, _wrap_dim
from ._dispatch import Op
from ._registry import exported, register
from ._reshape import dims_arg, reshape, shape_arg

__all__: list[str] = []

_flip = Op("flip", lambda a, *, dims: jnp.flip(a, dims), saves_inputs=False)
_roll = Op(
    "roll", lambda a, *, shifts, dims: jnp.roll(a, shifts, dims), saves_inputs=False
)
_rot90 = Op("rot90", lambda a, *, k, dims: jnp.rot90(a, k, dims), saves_inputs=False)
_tril = Op("tril", lambda a, *, k: jnp.tril(a, k), saves_inputs=False)
_triu = Op("triu", lambda a, *, k: jnp.triu(a, k), saves_inputs=False)
_tile = Op("repeat", lambda a, *, reps: jnp.tile(a, reps), saves_inputs=False)
_clone = Op("clone", lambda a: jnp.array(a, copy=True), saves_inputs=False)
_to_copy = Op("to_copy", lambda a, *, dtype: a.astype(dtype), saves_inputs=False,
              backward_name="ToCopyBackward0")  # fmt: skip
_repeat_int = Op(
    "repeat_interleave",
    lambda a, *, repeats, axis: jnp.repeat(a, repeats, axis),
    saves_inputs=False,
)  # noqa: E501
_repeat_arr = Op(
    "repeat_interleave",
    lambda a, r, *, axis, total: jnp.repeat(a, r, axis, total_repeat_length=total),
    saves_inputs=False,
)


def _diag_embed_kernel(a: Any, *, offset: int, dim1: int, dim2: int) -> Any:
    n = a.shape[-1] + abs(offset)
    rows = jnp.arange(a.shape[-1]) + max(-offset, 0)
    cols = jnp.arange(a.shape[-1]) + max(offset, 0)
    out = jnp.zeros(a.shape[:-1] + (n, n), a.dtype).at[..., rows, cols].set(a)
    nd = out.ndim
    src = [nd - 2, nd - 1]
    return jnp.moveaxis(out, src, [dim1, dim2])


_diag_embed = Op("diag_embed", _diag_embed_kernel, saves_inputs=False)


@register(inplace=False)
def flip(input: Tensor, dims: Any) -> Tensor:
    """``torch.flip``: reverse the order along ``dims`` (a copy, unlike numpy)."""
    d = dims_arg(dims, input.ndim)
    if len(set(d)) != len(d):
        raise RuntimeError(
            f"dims has duplicates, original flip dims size={len(d)}, but unique flip dims size={len(set(d))}"
        )  # noqa: E501
    return _flip(input, dims=d) if d else clone(input)


@register
def fliplr(input: Tensor) -> Tensor:
    """``torch.fliplr``: flip dim 1 of a tensor with at least 2 dims."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


@register
def flipud(input: Tensor) -> Tensor:
    """``torch.flipud``: flip dim 0 of a tensor with at least 1 dim."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


@register
def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """``torch.roll``: shift elements cyclically (flattened when ``dims`` is None)."""
    s = (shifts,) if isinstance(shifts, int) else tuple(int(x) for x in shifts)
    if dims is None:
        if len(s) != 1:
            raise RuntimeError(
                f"shifts and dimensions must align. shifts: {len(s)}, dims:0"
            )
        flat = _roll(reshape(input, (-1,)), shifts=s, dims=(0,))
        return reshape(flat, tuple(input.shape))
    d = dims_arg(dims, input.ndim)
    if len(s) != len(d):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(s)}, dims:{len(d)}"
        )  # noqa: E501
    return _roll(input, shifts=s, dims=d)


@register
def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """``torch.rot90``: rotate by 90° ``k`` times in the plane ``dims``."""
    if len(dims) != 2:
        raise RuntimeError(
            f"expected total rotation dims == 2, but got dims = {len(dims)}"
        )
    if input.ndim < 2:
        raise RuntimeError(
            f"expected total dims >= 2, but got total dims = {input.ndim}"
        )
    d = dims_arg(dims, input.ndim)
    if d[0] == d[1]:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {d[0]} and dim1 = {d[1]}"
        )  # noqa: E501
    return _rot90(input, k=int(k) % 4, dims=d)


@register(inplace=True)
def tril(input: Tensor, diagonal: int = 0, *, out: Tensor | None = None) -> Tensor:
    """``torch.tril``: zero the elements above the ``diagonal``-th diagonal."""
    from ._pointwise import _finish

    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return _finish(_tril(input, k=int(diagonal)), out)


@register(inplace=True)
def triu(input: Tensor, diagonal: int = 0, *, out: Tensor | None = None) -> Tensor:
    """``torch.triu``: zero the elements below the ``diagonal``-th diagonal."""
    from ._pointwise import _finish

    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return _finish(_triu(input, k=int(diagonal)), out)


@register
def diag_embed(
    input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1
) -> Tensor:
    """``torch.diag_embed``: place the last dim on diagonals of new planes ``dim1, dim2``."""
    n = input.ndim + 1
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _diag_embed(input, offset=int(offset), dim1=d1, dim2=d2)


@register
def repeat(self: Tensor, *sizes: Any) -> Tensor:
    """``Tensor.repeat(*sizes)``: tile the tensor ``sizes`` times along each dim."""
    reps = shape_arg(sizes)
    if len(reps) < self.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of "
            "dimensions of tensor"
        )
    x = self
    if len(reps) > self.ndim:
        x = reshape(self, (1,) * (len(reps) - self.ndim) + tuple(self.shape))
    return _tile(x, reps=reps)


@register(method=False)
def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``torch.tile``: ``repeat`` with missing leading ``dims`` treated as 1."""
    reps = tuple(int(d) for d in dims)
    reps = (1,) * (input.ndim - len(reps)) + reps
    return repeat(input, reps)


def _tile_method(self: Tensor, *dims: Any) -> Tensor:
    return tile(self, shape_arg(dims))


register(_tile_method, method="tile")


@register
def repeat_interleave(input: Any, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:  # fmt: skip
    """``torch.repeat_interleave``: repeat each element ``repeats`` times along ``dim``.

    With a tensor of ``repeats`` the output length is data-dependent: inside compiled
    code pass ``output_size``. ``repeat_interleave(repeats)`` returns the indices.
    """
    if repeats is None:  # torch.repeat_interleave(repeats_tensor)
        idx = Tensor(jnp.arange(input.shape[0], dtype=jnp.int64))
        return repeat_interleave(idx, input, 0, output_size=output_size)
    if dim is None:
        input, axis = reshape(input, (-1,)), 0
    else:
        axis = _wrap_dim(dim, input.ndim)
    one = isinstance(repeats, Tensor) and repeats.numel() == 1 and repeats.ndim <= 1
    if one and output_size is None:
        _check_concrete(repeats, "repeat_interleave with tensor repeats")
        repeats = int(repeats.item())
    if isinstance(repeats, int):
        if repeats < 0:
            raise RuntimeError("repeats can not be negative")
        return _repeat_int(input, repeats=repeats, axis=axis)
    if not isinstance(repeats, Tensor):
        repeats = Tensor(jnp.asarray(np.asarray(repeats, dtype=np.int64)))
    if repeats.shape[0] != input.shape[axis]:
        raise RuntimeError("repeats must have the same size as input along dim")
    total = output_size
    if total is None:
        _check_concrete(
            repeats, "repeat_interleave with tensor repeats (pass output_size)"
        )
        total = int(np.asarray(repeats._data).sum())
    return _repeat_arr(input, repeats, axis=axis, total=total)


@register
def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """``Tensor.contiguous``: ``self`` if already contiguous, else a contiguous copy."""
    if self._contig:
        return self
    out = _clone(self)
    out._contig = True
    return out


@register
def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """``torch.clone``: a copy that keeps autograd history (``CloneBackward0``)."""
    return _clone(input)


@register
def type_as(self: Tensor, other: Tensor) -> Tensor:
    """``Tensor.type_as(other)``: ``self`` cast to ``other``'s dtype."""
    if self.dtype is other.dtype:
        return self
    return _to_copy(self, dtype=_dtype.as_dtype(other.dtype).np_dtype)


__all__ = exported(globals())
