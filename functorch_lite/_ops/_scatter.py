"""Index-driven reads and writes: ``gather``/``scatter*``, ``index_*``, ``masked_*``, ``take``.

Each is one pure kernel over ``jnp`` gathers and ``at[]`` scatters, so JAX derives the
gradients; index arguments are integer tensors and never differentiated. Index bounds
are checked eagerly (JAX would clamp silently); under tracing they cannot be.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._dispatch import Op, is_tracer
from ._registry import exported, register

__all__: list[str] = []

Number = int | float | bool


def _grid(idx: Any, dim: int) -> tuple[Any, ...]:
    """Full index tuple: ``idx`` along ``dim``, broadcast iotas of ``idx``'s shape elsewhere."""
    n = idx.ndim
    return tuple(
        idx
        if d == dim
        else jnp.arange(idx.shape[d]).reshape([-1 if k == d else 1 for k in range(n)])  # noqa: E501
        for d in range(n)
    )


def _long(index: Any, fname: str) -> Tensor:
    if not isinstance(index, Tensor):
        index = Tensor(jnp.asarray(np.asarray(index, dtype=np.int64)))
    if index.dtype.name not in ("int64", "int32", "int16", "int8", "uint8"):
        raise RuntimeError(f"{fname}(): Expected dtype int64 for index")
    return index


def _check_range(index: Tensor, size: int, fname: str, negative: bool = False) -> None:
    if is_tracer(index._data) or index.numel() == 0:
        return
    arr = np.asarray(index._data)
    lo = -size if negative else 0
    bad = arr[(arr < lo) | (arr >= size)]
    if bad.size:
        raise IndexError(
            f"{fname}: index {int(bad.flat[0])} is out of bounds for dimension with size {size}"  # noqa: E501
        )


def _scalar_arg(x: Any) -> Any:
    return x if isinstance(x, Tensor) else jnp.asarray(x)


# ------------------------------------------------------------------ gather / scatter
def _gather_kernel(a: Any, idx: Any, *, dim: int) -> Any:
    if a.ndim == 0:
        return a[()] * jnp.ones(idx.shape, a.dtype)
    return a[_grid(idx, dim)]


def _scatter_kernel(a: Any, idx: Any, src: Any, *, dim: int, reduce: str | None) -> Any:
    if a.ndim == 0:
        a, idx, src = (
            a.reshape(1),
            idx.reshape(1),
            jnp.reshape(src, (1,) if jnp.ndim(src) else ()),
        )  # noqa: E501
        return _scatter_kernel(a, idx, src, dim=0, reduce=reduce).reshape(())
    src = jnp.asarray(src).astype(a.dtype)
    if src.ndim:
        src = src[tuple(slice(0, s) for s in idx.shape)]
    ref = a.at[_grid(idx, dim)]
    if reduce is None:
        return ref.set(src)
    if reduce in ("add", "sum"):
        return ref.add(src)
    if reduce in ("multiply", "prod"):
        return ref.multiply(src)
    if reduce == "amax":
        return ref.max(src)
    return ref.min(src)


def _scatter_reduce_kernel(a: Any, idx: Any, src: Any, *, dim: int, reduce: str,
                           include_self: bool) -> Any:  # fmt: skip
    src = src[tuple(slice(0, s) for s in idx.shape)].astype(a.dtype)
    grid = _grid(idx, dim)
    hit = jnp.zeros(a.shape, bool).at[grid].set(True)
    if reduce == "mean":
        base = a if include_self else jnp.where(hit, jnp.zeros((), a.dtype), a)
        total = base.at[grid].add(src)
        count = jnp.zeros(a.shape, a.dtype).at[grid].add(jnp.ones((), a.dtype))
        count = count + (1 if include_self else 0)
        count = jnp.where(count == 0, jnp.ones((), a.dtype), count)
        if jnp.issubdtype(a.dtype, jnp.integer):
            return jnp.where(hit, total // count, a)
        return jnp.where(hit, total / count, a)
    if not include_self:
        ident = {"sum": 0, "prod": 1}.get(reduce)
        if ident is None:
            info = jnp.finfo if jnp.issubdtype(a.dtype, jnp.inexact) else jnp.iinfo
            ident = info(a.dtype).min if reduce == "amax" else info(a.dtype).max
        a = jnp.where(hit, jnp.asarray(ident, a.dtype), a)
    return _scatter_kernel(a, idx, src, dim=dim, reduce=reduce)


_gather = Op("gather", _gather_kernel, backward_name="GatherBackward0")
_scatter = Op("scatter", _scatter_kernel, backward_name="ScatterBackward0")
_scatter_reduce = Op("scatter_reduce", _scatter_reduce_kernel,
                     backward_name="ScatterReduceBackward0")  # fmt: skip


def _check_gather_shapes(input: Tensor, index: Tensor, d: int, fname: str,
                         src: Tensor | None = None) -> None:  # fmt: skip
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError(
            f"Index tensor must have the same number of dimensions as {'input' if fname == 'gather' else 'self'} tensor"  # noqa: E501
        )
    for k in range(index.ndim):
        if k != d and input.ndim and index.shape[k] > input.shape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(index.shape)}"  # noqa: E501
                f" to be smaller than self {list(input.shape)} apart from dimension {d}"
            )
        if src is not None and src.ndim and index.shape[k] > src.shape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(index.shape)}"  # noqa: E501
                f" to be smaller than src {list(src.shape)} apart from dimension {d}"
            )
    size = input.shape[d] if input.ndim else 1
    _check_range(index, size, fname)


@register
def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False,
           out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.gather``: ``out[i][j][k] = input[index[i][j][k]][j][k]`` (for dim 0)."""
    from ._pointwise import _finish

    index = _long(index, "gather")
    d = _wrap_dim(dim, input.ndim)
    _check_gather_shapes(input, index, d, "gather")
    return _finish(_gather(input, index, dim=d), out)


@register(inplace=True)
def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, value: Any = None,
            *, reduce: str | None = None) -> Tensor:  # fmt: skip
    """``torch.scatter``: write ``src`` (or ``value``) at ``index`` along ``dim``."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing 1 required argument: 'src' or 'value'")
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError(
            f"reduce argument must be either add or multiply. Got {reduce}"
        )
    index = _long(index, "scatter")
    d = _wrap_dim(dim, input.ndim)
    _check_gather_shapes(
        input, index, d, "scatter", src if isinstance(src, Tensor) else None
    )  # noqa: E501
    if isinstance(src, Tensor) and src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return _scatter(input, index, _scalar_arg(src), dim=d, reduce=reduce)


@register(inplace=True)
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``torch.scatter_add``: ``input[index[i][j]][j] += src[i][j]`` (for dim 0)."""
    index = _long(index, "scatter_add")
    d = _wrap_dim(dim, input.ndim)
    _check_gather_shapes(input, index, d, "scatter_add", src)
    return _scatter(input, index, src, dim=d, reduce="add")


@register(inplace=True)
def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:  # fmt: skip
    """``torch.scatter_reduce``: reduce ``src`` into ``input`` (sum/prod/mean/amax/amin)."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    index = _long(index, "scatter_reduce")
    d = _wrap_dim(dim, input.ndim)
    _check_gather_shapes(input, index, d, "scatter_reduce", src)
    return _scatter_reduce(
        input, index, src, dim=d, reduce=reduce, include_self=include_self
    )  # noqa: E501


# ------------------------------------------------------------------ index_* along a dim
def _along(a: Any, dim: int) -> tuple[Any, ...]:
    return (slice(None),) * dim


_index_select = Op("index_select", lambda a, i, *, dim: jnp.take(a, jnp.atleast_1d(i), axis=dim),
                   backward_name="IndexSelectBackward0")  # fmt: skip
_index_add = Op(
    "index_add",
    lambda a, i, s, alpha, *, dim: a.at[_along(a, dim) + (i,)].add(
        (jnp.asarray(alpha, a.dtype) * s).astype(a.dtype)
    ),
)  # noqa: E501
_index_copy = Op(
    "index_copy",
    lambda a, i, s, *, dim: a.at[_along(a, dim) + (i,)].set(s.astype(a.dtype)),
)  # noqa: E501
_index_fill = Op(
    "index_fill",
    lambda a, i, v, *, dim: a.at[_along(a, dim) + (i,)].set(
        jnp.asarray(v).astype(a.dtype)
    ),
)  # noqa: E501


def _dim_index(input: Tensor, dim: int, index: Any, fname: str) -> tuple[int, Tensor]:
    index = _long(index, fname)
    if index.ndim > 1:
        raise IndexError(f"{fname}(): Index is supposed to be a vector")
    d = _wrap_dim(dim, input.ndim)
    _check_range(index, input.shape[d] if input.ndim else 1, fname)
    return d, index


@register
def index_select(input: Tensor, dim: int, index: Tensor, *,
                 out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.index_select``: the entries of ``index`` along ``dim``."""
    from ._pointwise import _finish

    d, index = _dim_index(input, dim, index, "index_select")
    if input.ndim == 0:
        return _finish(
            _index_select(input.reshape(1), index, dim=0).reshape(index.shape), out
        )  # type: ignore[attr-defined]  # noqa: E501
    return _finish(_index_select(input, index, dim=d), out)


@register(inplace=True)
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
              alpha: Number = 1) -> Tensor:  # fmt: skip
    """``torch.index_add``: ``input[..., index[i], ...] += alpha * source[..., i, ...]``."""
    d, index = _dim_index(input, dim, index, "index_add")
    return _index_add(input, index, source, alpha, dim=d)


@register(inplace=True)
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """``torch.index_copy``: ``input[..., index[i], ...] = source[..., i, ...]``."""
    d, index = _dim_index(input, dim, index, "index_copy")
    return _index_copy(input, index, source, dim=d)


@register(inplace=True)
def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """``torch.index_fill``: fill the entries ``index`` along ``dim`` with ``value``."""
    d, index = _dim_index(input, dim, index, "index_fill")
    return _index_fill(input, index, _scalar_arg(value), dim=d)


# ------------------------------------------------------------------ masks
_masked_fill = Op(
    "masked_fill",
    lambda a, m, v, *, dtype: jnp.where(
        m, jnp.asarray(v).astype(dtype), a.astype(dtype)
    ),
)  # noqa: E501


def _masked_scatter_kernel(a: Any, m: Any, s: Any) -> Any:
    shape = jnp.broadcast_shapes(a.shape, m.shape)
    m = jnp.broadcast_to(m, shape).reshape(-1)
    slot = jnp.clip(jnp.cumsum(m) - 1, 0, max(s.size - 1, 0))
    vals = (
        s.reshape(-1)[slot].astype(a.dtype) if s.size else jnp.zeros_like(slot, a.dtype)
    )
    return jnp.where(m, vals, jnp.broadcast_to(a, shape).reshape(-1)).reshape(shape)


_masked_scatter = Op("masked_scatter", _masked_scatter_kernel)


def _check_mask(mask: Tensor, fname: str) -> None:
    if mask.dtype.name != "bool":
        raise RuntimeError(
            f"{fname} only supports boolean masks, but got mask with dtype {mask.dtype.name}"  # noqa: E501
        )


@register(inplace=True)
def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``torch.masked_fill``: ``value`` where ``mask`` (broadcast), ``input`` elsewhere."""
    _check_mask(mask, "masked_fill_")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
            f"with {value.ndim} dimension(s)."
        )
    dt = input.dtype
    if isinstance(value, Tensor) and _dtype.category(value.dtype) > _dtype.category(dt):
        dt = input.dtype  # PyTorch keeps input's dtype (casting the value)
    return _masked_fill(input, mask, _scalar_arg(value), dtype=dt.np_dtype)


@register(inplace=True)
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """``torch.masked_scatter``: consecutive ``source`` elements where ``mask`` is True."""
    _check_mask(mask, "masked_scatter_")
    if not is_tracer(mask._data):
        need = int(
            np.asarray(
                np.broadcast_to(
                    np.asarray(mask._data),
                    np.broadcast_shapes(tuple(input.shape), tuple(mask.shape)),
                )
            ).sum()
        )  # noqa: E501
        if need > source.numel():
            raise RuntimeError(
                "masked_scatter: expected source to have at least as many elements as ones in mask"
            )  # noqa: E501
    return _masked_scatter(input, mask, source)


# ------------------------------------------------------------------ flat take / put
_take = Op("take", lambda a, i: a.reshape(-1)[i], backward_name="TakeBackward0")
_take_along = Op(
    "take_along_dim", lambda a, i, *, dim: jnp.take_along_axis(a, i, axis=dim)
)  # noqa: E501


def _put_kernel(a: Any, i: Any, s: Any, *, accumulate: bool) -> Any:
    ref = a.reshape(-1).at[i.reshape(-1)]
    s = s.reshape(-1).astype(a.dtype)
    return (ref.add(s) if accumulate else ref.set(s)).reshape(a.shape)


_put = Op("put", _put_kernel)


@register
def take(input: Tensor, index: Tensor) -> Tensor:
    """``torch.take``: elements of the flattened ``input`` at ``index`` (index's shape)."""
    index = _long(index, "take")
    _check_range(index, input.numel(), "take", negative=True)
    return _take(input, index)


@register
def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None, *,
                   out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.take_along_dim``: ``gather`` with broadcasting (flattened if dim None)."""
    from ._pointwise import _finish
    from ._reshape import expand, reshape

    indices = _long(indices, "take_along_dim")
    if dim is None:
        return _finish(
            _take_along(reshape(input, (-1,)), reshape(indices, (-1,)), dim=0), out
        )  # noqa: E501
    d = _wrap_dim(dim, input.ndim)
    if input.ndim != indices.ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
            + f"{input.ndim} dimensions for input, and {indices.ndim} dimensions for indices"
        )  # noqa: E501
    shp_i, shp_x = list(input.shape), list(indices.shape)
    shp_i[d] = shp_x[d] = 1
    try:
        common = list(np.broadcast_shapes(tuple(shp_i), tuple(shp_x)))
    except ValueError:
        k = next(
            k
            for k, (a, b) in enumerate(zip(shp_i, shp_x))
            if 1 not in (a, b) and a != b
        )  # noqa: E501
        raise RuntimeError(
            f"The size of tensor a ({shp_i[k]}) must match the size of tensor b "
            f"({shp_x[k]}) at non-singleton dimension {k}"
        ) from None
    xs, ix = list(common), list(common)
    xs[d], ix[d] = input.shape[d], indices.shape[d]
    _check_range(indices, input.shape[d], "take_along_dim", negative=True)
    return _finish(_take_along(expand(input, xs), expand(indices, ix), dim=d), out)


@register(inplace=True)
def put(
    input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False
) -> Tensor:
    """``torch.put``: write ``source`` into the flattened ``input`` at ``index``."""
    index = _long(index, "put")
    if index.numel() != source.numel():
        raise RuntimeError(
            f"put_(): Expected source and index to have the same number of elements, but "
            f"got source.numel() = {source.numel()}, index.numel() = {index.numel()}"
        )
    _check_range(index, input.numel(), "put", negative=True)
    return _put(input, index, source, accumulate=accumulate)


__all__ = exported(globals())
