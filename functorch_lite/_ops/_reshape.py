"""View ops that rearrange dimensions: ``view``, ``reshape``, ``permute``, ``squeeze``...

Every op here is a PyTorch *view*: a ``view=True`` Op whose output elements are elements
of its input, so writes through the result reach the base (``x.t().add_(1)``). Static
arguments are normalised (wrapped dims, inferred ``-1``) before dispatch so one jitted
kernel serves every spelling of the same call.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.export import is_symbolic_dim

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._dispatch import Op
from ._registry import exported, method, register
from ._views import as_view

__all__: list[str] = []

VIEW_STRIDE = (
    "view size is not compatible with input tensor's size and stride (at least one "
    "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
)
T_DEPRECATED = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
    "deprecated and it will throw an error in a future release. Consider `x.mT` to "
    "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
    "to reverse the dimensions of a tensor."
)


def shape_arg(args: Sequence[Any]) -> tuple[int, ...]:
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``, ``f(Size)`` → ``(2, 3)``.

    A symbolic size (``compile(dynamic=True)`` traces with a symbolic batch) is kept.
    """
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    return tuple(s if is_symbolic_dim(s) else int(s) for s in args)


def infer_shape(shape: Sequence[int], numel: int) -> tuple[int, ...]:
    """Resolve one ``-1`` like PyTorch, with its error messages."""
    shape = tuple(shape)
    if sum(map(_is_minus_one, shape)) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = math.prod(s for s in shape if not _is_minus_one(s))
    if any(map(_is_minus_one, shape)):
        if known == 0 or numel % known:
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {numel}"
            )
        return tuple(numel // known if _is_minus_one(s) else s for s in shape)
    if known != numel:
        raise RuntimeError(
            f"shape '{list(shape)}' is invalid for input of size {numel}"
        )
    return shape


def _is_minus_one(s: Any) -> bool:
    """``s == -1`` for an int; a symbolic size is never the ``-1`` placeholder."""
    return isinstance(s, int) and s == -1


def dims_arg(dims: Any, ndim: int) -> tuple[int, ...]:
    if isinstance(dims, int):
        dims = (dims,)
    return tuple(_wrap_dim(int(d), ndim) for d in dims)


def _nontrivial(shape: Sequence[int]) -> tuple[int, ...]:
    return tuple(s for s in shape if s != 1)


def set_contig(out: Tensor, src: Tensor, keeps: bool) -> Tensor:
    """Record PyTorch's ``is_contiguous()`` of a view computed from the layout change."""
    out._contig = bool(src._contig and keeps)
    return out


def _perm_keeps(shape: Sequence[int], perm: Sequence[int]) -> bool:
    # Permuting only size-1 dims (or not at all) leaves strides contiguous in PyTorch.
    moved = [p for p in perm if shape[p] != 1]
    return moved == sorted(moved)


# ------------------------------------------------------------------ kernels
_view = Op("view", lambda a, *, shape: jnp.reshape(a, shape), saves_inputs=False,
           view=True, backward_name="ViewBackward0")  # fmt: skip
_reshape_copy = Op("reshape_copy", lambda a, *, shape: jnp.reshape(a, shape),
                   saves_inputs=False, backward_name="UnsafeViewBackward0")  # fmt: skip
_permute = Op("permute", lambda a, *, dims: jnp.transpose(a, dims), saves_inputs=False,
              view=True)  # fmt: skip
_transpose = Op("transpose", lambda a, *, dim0, dim1: jnp.swapaxes(a, dim0, dim1),
                saves_inputs=False, view=True)  # fmt: skip
_t = Op("t", lambda a: a.T, saves_inputs=False, view=True, backward_name="TBackward0")
_squeeze = Op("squeeze", lambda a, *, dims: jnp.squeeze(a, dims), saves_inputs=False,
              view=True)  # fmt: skip
_unsqueeze = Op("unsqueeze", lambda a, *, dim: jnp.expand_dims(a, dim),
                saves_inputs=False, view=True)  # fmt: skip
_expand = Op("expand", lambda a, *, shape: jnp.broadcast_to(a, shape), saves_inputs=False,
             view=True)  # fmt: skip
_flatten = Op("flatten", lambda a, *, shape: jnp.reshape(a, shape), saves_inputs=False,
              view=True, backward_name="ViewBackward0")  # fmt: skip
_unflatten = Op("unflatten", lambda a, *, shape: jnp.reshape(a, shape),
                saves_inputs=False, view=True, backward_name="ViewBackward0")  # fmt: skip
_diagonal = Op(
    "diagonal",
    lambda a, *, offset, dim1, dim2: jnp.diagonal(a, offset, dim1, dim2),
    saves_inputs=False,
    view=True,
)  # noqa: E501
_movedim = Op("movedim", lambda a, *, dims: jnp.transpose(a, dims), saves_inputs=False,
              view=True, backward_name="PermuteBackward0")  # fmt: skip
_bitcast = Op("view_dtype", lambda a, *, dtype: jax.lax.bitcast_convert_type(a, dtype))
_conj = Op("conj_physical", lambda a: jnp.conj(a), saves_inputs=False)


def _slice_kernel(a: Any, *, dim: int, start: int, length: int) -> Any:
    return jax.lax.slice_in_dim(a, start, start + length, axis=dim)


def _select_kernel(a: Any, *, dim: int, index: int) -> Any:
    return jax.lax.index_in_dim(a, index, axis=dim, keepdims=False)


def _dyn_slice_kernel(a: Any, start: Any, *, dim: int, length: int) -> Any:
    return jax.lax.dynamic_slice_in_dim(a, start, length, axis=dim)


def _dyn_select_kernel(a: Any, index: Any, *, dim: int) -> Any:
    return jax.lax.dynamic_index_in_dim(a, index, axis=dim, keepdims=False)


# The start/index is an operand: ``x.narrow(0, i, 1)`` / ``x.select(0, i)`` / iterating a
# tensor compile once for all ``i``; the view chain records the static op below.
_dyn_narrow = Op(
    "narrow", _dyn_slice_kernel, saves_inputs=False, backward_name="SliceBackward0"
)  # noqa: E501
_dyn_select = Op(
    "select", _dyn_select_kernel, saves_inputs=False, backward_name="SelectBackward0"
)  # noqa: E501

# Dim-0 slicing keeps a contiguous layout; the names tell ``_dispatch`` which is which.
narrow0_op = Op("narrow0", _slice_kernel, saves_inputs=False, view=True,
                backward_name="SliceBackward0")  # fmt: skip
narrow_op = Op("narrow", _slice_kernel, saves_inputs=False, view=True,
               backward_name="SliceBackward0")  # fmt: skip
select0_op = Op("select0", _select_kernel, saves_inputs=False, view=True,
                backward_name="SelectBackward0")  # fmt: skip
select_op = Op("select", _select_kernel, saves_inputs=False, view=True,
               backward_name="SelectBackward0")  # fmt: skip


# ------------------------------------------------------------------ view / reshape
@register
def view(self: Tensor, *shape: Any) -> Tensor:
    """``Tensor.view(*shape)`` (a view; ``-1`` inferred) or ``Tensor.view(dtype)``."""
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)):
        return _view_dtype(self, _dtype.as_dtype(shape[0]))
    new = infer_shape(shape_arg(shape), self.numel())
    if not self._contig and _nontrivial(new) != _nontrivial(self.shape):
        raise RuntimeError(VIEW_STRIDE)
    return _view(self, shape=new)


def _view_dtype(self: Tensor, dt: _dtype.dtype) -> Tensor:
    if dt is self.dtype:
        return _view(self, shape=tuple(self.shape))
    src, dst = self.dtype.itemsize, dt.itemsize
    if src != dst and (self.ndim == 0 or not self._contig):
        raise RuntimeError(
            "self.dim() cannot be 0 and the tensor must be contiguous to view as a "
            "type with a different element size"
        )
    if src > dst:  # each element becomes src/dst elements along the last dim
        out = _bitcast(self, dtype=dt.np_dtype)
        return _reshape_copy(out, shape=tuple(self.shape[:-1]) + (-1,))
    if src < dst:
        ratio = dst // src
        if self.shape[-1] % ratio:
            raise RuntimeError(
                f"self.size(-1) must be divisible by {ratio} to view {self.dtype} as "
                f"{dt} (different element sizes), but got {self.shape[-1]}"
            )
        grouped = _reshape_copy(self, shape=tuple(self.shape[:-1]) + (-1, ratio))
        return _bitcast(grouped, dtype=dt.np_dtype)
    return _bitcast(self, dtype=dt.np_dtype)


@register
def view_as(self: Tensor, other: Tensor) -> Tensor:
    """``Tensor.view_as(other)``."""
    return view(self, tuple(other.shape))


@register
def reshape(input: Tensor, *shape: Any) -> Tensor:
    """``torch.reshape``: a view when the layout allows, else a copy."""
    new = infer_shape(shape_arg(shape), input.numel())
    if input._contig or _nontrivial(new) == _nontrivial(input.shape):
        return _view(input, shape=new)
    return _reshape_copy(input, shape=new)


@register
def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    """``Tensor.reshape_as(other)``."""
    return reshape(self, tuple(other.shape))


# ------------------------------------------------------------------ dim permutations
@register
def permute(input: Tensor, *dims: Any) -> Tensor:
    """``torch.permute(input, dims)``: a view with dimensions reordered."""
    perm = dims_arg(shape_arg(dims), input.ndim)
    if len(perm) != input.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not "
            "match the length of the desired ordering of dimensions i.e. input.dim() = "
            f"{input.ndim} is not equal to len(dims) = {len(perm)}"
        )
    if len(set(perm)) != len(perm):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return set_contig(_permute(input, dims=perm), input, _perm_keeps(input.shape, perm))


@register
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``torch.transpose``: swap two dimensions (a view)."""
    n = input.ndim
    d0, d1 = _wrap_dim(dim0, n), _wrap_dim(dim1, n)
    perm = list(range(n))
    if n:
        perm[d0], perm[d1] = perm[d1], perm[d0]
    out = _transpose(input, dim0=d0, dim1=d1) if n else _view(input, shape=())
    return set_contig(out, input, _perm_keeps(input.shape, perm))


swapaxes = register(transpose, method="swapaxes")
swapdims = register(transpose, method="swapdims")


@register
def t(input: Tensor) -> Tensor:
    """``torch.t``: transpose a tensor of at most 2 dimensions."""
    if input.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D"
        )
    if input.ndim < 2:
        return _t(input)
    return set_contig(_t(input), input, _perm_keeps(input.shape, (1, 0)))


@register
def adjoint(input: Tensor) -> Tensor:
    """``torch.adjoint``: conjugate transpose of the last two dimensions."""
    out = transpose(input, -2, -1)
    return _conj(out) if input.dtype.is_complex else out


def _T(self: Tensor) -> Tensor:  # noqa: N802 - PyTorch's name
    # PyTorch deprecates ``.T`` on >2-D tensors but still reverses all dims.
    if self.ndim == 2:
        return t(self)
    if self.ndim > 2:
        warnings.warn(T_DEPRECATED, UserWarning, stacklevel=2)
    return permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _mT(self: Tensor) -> Tensor:  # noqa: N802
    if self.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.".replace(
                "1-D", f"{self.ndim}-D"
            )
        )  # noqa: E501
    return transpose(self, -2, -1)


def _H(self: Tensor) -> Tensor:  # noqa: N802
    if self.ndim > 2:
        raise RuntimeError(
            "tensor.H is only supported on matrices (2-D tensors). Got 3-D tensor.".replace(
                "3-D", f"{self.ndim}-D"
            )
        )  # noqa: E501
    out = _T(self)
    return _conj(out) if self.dtype.is_complex else out


def _mH(self: Tensor) -> Tensor:  # noqa: N802
    out = _mT(self)
    return _conj(out) if self.dtype.is_complex else out


method("T", property(_T))  # type: ignore[arg-type]  # a property descriptor
method("mT", property(_mT))  # type: ignore[arg-type]  # a property descriptor
method("H", property(_H))  # type: ignore[arg-type]  # a property descriptor
method("mH", property(_mH))  # type: ignore[arg-type]  # a property descriptor


@register
def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """``torch.movedim``: move dims ``source`` to positions ``destination`` (a view)."""
    n = input.ndim
    src, dst = dims_arg(source, n), dims_arg(destination, n)
    if len(src) != len(dst):
        raise RuntimeError(
            "movedim: Invalid source or destination dims: source "
            f"({list(src)} dims) should contain the same number of dims as destination "
            f"({list(dst)} dims)"
        )
    perm = [d for d in range(n) if d not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    perm_t = tuple(perm)
    return set_contig(
        _movedim(input, dims=perm_t), input, _perm_keeps(input.shape, perm_t)
    )


moveaxis = register(movedim, method="moveaxis")


# ------------------------------------------------------------------ adding/removing dims
@register
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """``torch.flatten``: merge dims ``start_dim..end_dim`` into one."""
    n = input.ndim
    if n == 0:
        return _flatten(input, shape=(1,))
    s, e = _wrap_dim(start_dim, n), _wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError(
            "flatten() has invalid args: start_dim cannot come after end_dim"
        )
    if s == e:
        return input
    shp = tuple(input.shape)
    new = shp[:s] + (int(np.prod(shp[s : e + 1], dtype=np.int64)),) + shp[e + 1 :]
    if not input._contig:
        return reshape(input, new)
    return _flatten(input, shape=new)


@register
def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """``torch.unflatten``: split dimension ``dim`` into ``sizes``."""
    d = _wrap_dim(dim, input.ndim)
    shp = tuple(input.shape)
    sizes = infer_shape(tuple(int(s) for s in sizes), shp[d]) if len(sizes) else ()
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    new = shp[:d] + tuple(sizes) + shp[d + 1 :]
    return set_contig(_unflatten(input, shape=new), input, True)


@register
def squeeze(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """``torch.squeeze``: drop size-1 dims (all, or those in ``dim`` that have size 1)."""
    shp = tuple(input.shape)
    if dim is None:
        dims = tuple(i for i, s in enumerate(shp) if s == 1)
    else:
        dims = tuple(d for d in dims_arg(dim, input.ndim) if input.ndim and shp[d] == 1)
    return _squeeze(input, dims=tuple(sorted(set(dims))))


@register
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """``torch.unsqueeze``: insert a size-1 dim at ``dim``."""
    return _unsqueeze(input, dim=_wrap_dim(dim, input.ndim + 1))


@register
def expand(self: Tensor, *sizes: Any) -> Tensor:
    """``Tensor.expand(*sizes)``: broadcast (a view); ``-1`` keeps a size."""
    sizes = shape_arg(sizes)
    shp = tuple(self.shape)
    if len(sizes) < len(shp):
        raise RuntimeError(
            f"expand({self.dtype.name} tensor{{{list(shp)}}}, size={list(sizes)}): the "
            f"number of sizes provided ({len(sizes)}) must be greater or equal to the "
            f"number of dimensions in the tensor ({len(shp)})"
        )
    lead = len(sizes) - len(shp)
    new = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            new.append(s)
            continue
        old = shp[i - lead]
        if s == -1:
            s = old
        elif old != s and old != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size "
                f"({old}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}."
                f"  Tensor sizes: {list(shp)}"
            )
        new.append(s)
    new_t = tuple(new)
    grown = any(
        s != 1 and (i < lead or shp[i - lead] != s) for i, s in enumerate(new_t)
    )
    return set_contig(_expand(self, shape=new_t), self, not grown)


@register
def expand_as(self: Tensor, other: Tensor) -> Tensor:
    """``Tensor.expand_as(other)``."""
    return expand(self, tuple(other.shape))


@register
def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    """``torch.broadcast_to``: ``input.expand(size)``."""
    return expand(input, tuple(size))


@register(method=False)
def broadcast_shapes(*shapes: Any) -> Any:
    """``torch.broadcast_shapes``: the broadcast of several shapes."""
    from .._tensor import Size

    norm = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    try:
        return Size(np.broadcast_shapes(*norm))
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: objects cannot be broadcast to a single shape: {norm}"
        ) from None


@register(method=False)
def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """``torch.broadcast_tensors``: expand every tensor to the common shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    shape = tuple(broadcast_shapes(*[tuple(t.shape) for t in tensors]))
    return tuple(expand(t, shape) for t in tensors)


# ------------------------------------------------------------------ slicing one dim
@register
def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """``torch.narrow``: ``length`` elements of ``dim`` from ``start`` (a view)."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.ndim)
    size = input.shape[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], "
            f"but got {start})"
        )
    start = start % size if start < 0 else start
    if length < 0 or start + length > size:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({size})."
        )
    op = narrow0_op if d == 0 else narrow_op
    keeps = d == 0 or all(s == 1 for s in input.shape[:d]) or length == size
    result = _dyn_narrow(input, np.int64(start), dim=d, length=length)
    out = as_view(input, result, op, {"dim": d, "start": start, "length": length})
    return set_contig(out, input, keeps)


@register
def select(input: Tensor, dim: int, index: int) -> Tensor:
    """``torch.select``: the slice at ``index`` along ``dim``, dim removed (a view)."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.ndim)
    size = input.shape[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size "
            f"{list(input.shape)} at dimension {d}"
        )
    op = select0_op if d == 0 else select_op
    keeps = d == 0 or all(s == 1 for s in input.shape[:d])
    result = _dyn_select(input, np.int64(index % size), dim=d)
    out = as_view(input, result, op, {"dim": d, "index": index % size})
    return set_contig(out, input, keeps)


@register
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``torch.diagonal``: the diagonal w.r.t. ``dim1``/``dim2``, appended last (view)."""
    n = input.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    out = _diagonal(input, offset=int(offset), dim1=d1, dim2=d2)
    return set_contig(out, input, False)


# ------------------------------------------------------------------ shape-changing in-place
def _reshape_inplace(self: Tensor, result: Tensor, name: str) -> Tensor:
    """``squeeze_``/``unsqueeze_``/``t_``/``transpose_``: ``self`` takes a new shape.

    The generic in-place path keeps shapes; these ops change the metadata of ``self``,
    so ``self`` is rebound to the view's value and history directly.
    """
    from .._tensor import ViewTensor
    from ._views import _check_inplace, assign

    if isinstance(self, ViewTensor):
        raise RuntimeError(
            f"{name}() on a view is not supported by functorch_lite: use the "
            f"out-of-place {name[:-1]}() instead"
        )
    _check_inplace(self)
    contig = result._contig
    assign(self, result)
    self._contig = contig
    return self


method(
    "squeeze_",
    lambda self, dim=None: _reshape_inplace(self, squeeze(self, dim), "squeeze_"),
)  # noqa: E501
method(
    "unsqueeze_",
    lambda self, dim: _reshape_inplace(self, unsqueeze(self, dim), "unsqueeze_"),
)  # noqa: E501
method("t_", lambda self: _reshape_inplace(self, t(self), "t_"))
method(
    "transpose_",
    lambda self, dim0, dim1: _reshape_inplace(
        self, transpose(self, dim0, dim1), "transpose_"
    ),
)  # noqa: E501
method(
    "swapaxes_",
    lambda self, axis0, axis1: _reshape_inplace(
        self, transpose(self, axis0, axis1), "swapaxes_"
    ),
)  # noqa: E501
method(
    "swapdims_",
    lambda self, dim0, dim1: _reshape_inplace(
        self, transpose(self, dim0, dim1), "swapdims_"
    ),
)  # noqa: E501

__all__ = exported(globals())
