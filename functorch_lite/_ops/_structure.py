"""Structured constructions and scatters: ``diagflat``, ``tril_indices``,
``unravel_index``, ``cartesian_prod``, ``combinations``, ``block_diag``, ``vander``,
``range``, ``scalar_tensor``, ``hsplit``/``vsplit``/``dsplit``, ``ravel``,
``Tensor.unfold``, ``select_scatter``/``slice_scatter``/``diagonal_scatter``,
``sum_to_size``, ``fill_diagonal_``, ``rsub``, ``fill``, ``renorm``, ``addr``,
``matrix_power``, ``matrix_exp``.
"""

from __future__ import annotations

import builtins
import itertools
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._creation import _finish as _created
from ._dispatch import Op
from ._join import tensor_split
from ._pointwise import _finish, _to_operand, sub
from ._registry import exported, method, register
from ._views import inplace

DType = _dtype.dtype | None


# ---------------------------------------------------------------- constructions
_diagflat = Op(
    "diagflat", lambda a, *, offset: jnp.diagflat(a, offset), saves_inputs=False
)


@register
def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """``torch.diagflat``: the flattened input on the ``offset`` diagonal of a matrix."""
    return _diagflat(input, offset=int(offset))


def _tri_indices(fn: Any, row: int, col: int, offset: int, dtype: DType,
                 device: Any) -> Tensor:  # fmt: skip
    r, c = fn(row, offset, col)
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.int64
    return _created(jnp.asarray(np.stack([r, c]).astype(dt.np_dtype)), device, False)


@register(method=False)
def tril_indices(row: int, col: int, offset: int = 0, *, dtype: DType = None,
                 device: Any = None, layout: Any = None) -> Tensor:  # fmt: skip
    """``torch.tril_indices``: ``(2, N)`` coordinates of a lower triangle, row-major."""
    return _tri_indices(np.tril_indices, row, col, offset, dtype, device)


@register(method=False)
def triu_indices(row: int, col: int, offset: int = 0, *, dtype: DType = None,
                 device: Any = None, layout: Any = None) -> Tensor:  # fmt: skip
    """``torch.triu_indices``: ``(2, N)`` coordinates of an upper triangle, row-major."""
    return _tri_indices(np.triu_indices, row, col, offset, dtype, device)


def _unravel_kernel(i: Any, *, shape: tuple[int, ...]) -> Any:
    # PyTorch wraps negative flat indices; numpy/jax clip — do the arithmetic directly.
    out = []
    for s in reversed(shape):
        out.append(i % s)
        i = i // s
    return jnp.stack(out[::-1]) if out else jnp.zeros((0,) + i.shape, i.dtype)


_unravel_op = Op("unravel_index", _unravel_kernel, saves_inputs=False)


@register(method=False)
def unravel_index(indices: Tensor, shape: int | Sequence[int]) -> tuple[Tensor, ...]:
    """``torch.unravel_index``: flat indices as a tuple of coordinate tensors."""
    indices = _to_operand(indices)
    if _dtype.category(indices.dtype) != 1:
        raise TypeError("expected 'indices' to be integer dtype, but got " +
                        str(indices.dtype))  # fmt: skip
    dims = (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)
    n = int(np.prod(dims, dtype=np.int64))
    flat = indices if indices.dtype is _dtype.int64 else indices.long()
    # PyTorch wraps out-of-range flat indices modulo prod(shape) (no error).
    wrapped = flat % n if n else flat
    stacked = _unravel_op(wrapped, shape=dims)
    return tuple(stacked.select(0, k) for k in builtins.range(len(dims)))


@register(method=False)
def cartesian_prod(*tensors: Tensor) -> Tensor:
    """``torch.cartesian_prod``: rows of every combination, like ``itertools.product``."""
    from ._join import meshgrid, stack

    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


@register(method=False)
def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """``torch.combinations``: rows of length-``r`` combinations of a 1-D tensor."""
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    n = input.shape[0]
    pick = (itertools.combinations_with_replacement if with_replacement
            else itertools.combinations)  # fmt: skip
    idx = np.asarray(list(pick(builtins.range(n), r)), dtype=np.int64)
    if idx.size == 0:
        return input.narrow(0, 0, 0) if r != 0 else input.new_empty(0)
    # ``__getitem__`` is installed on Tensor at import (_registry.install).
    return input[Tensor(jnp.asarray(idx))]  # type: ignore[index]


def _block_diag_kernel(*xs: Any, dtype: Any) -> Any:
    import jax.scipy.linalg as jsl  # imported on first use: keeps package import lean

    return jsl.block_diag(*[jnp.asarray(x, dtype) for x in xs])


_block_diag = Op("block_diag", _block_diag_kernel, saves_inputs=False)


@register(method=False)
def block_diag(*tensors: Tensor) -> Tensor:
    """``torch.block_diag``: the tensors (0-, 1- or 2-D) down a block diagonal."""
    if not tensors:
        return Tensor(jnp.zeros((1, 0), jnp.float32))
    mats: list[Tensor] = []
    for t in tensors:
        if t.ndim > 2:
            raise RuntimeError(
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                f"Input {len(mats)} has {t.ndim} dimensions"
            )
        mats.append(t.reshape(1, -1) if t.ndim < 2 else t)
    dt = _dtype.result_type(*mats).np_dtype
    return _block_diag(*mats, dtype=dt)


_vander = Op(
    "vander", lambda x, *, n, increasing: jnp.vander(x, n, increasing=increasing)
)


@register(method=False)
def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """``torch.vander``: columns ``x**(N-1) ... x**0`` (or increasing powers)."""
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x.dtype is _dtype.bool_ or _dtype.category(x.dtype) == 1:
        x = x.long()
    return _vander(x, n=n, increasing=builtins.bool(increasing))


@register(method=False)
def range(start: Any, end: Any = None, step: Any = 1, *,  # noqa: A001
          dtype: DType = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.range`` (deprecated in PyTorch): like ``arange`` but the end is
    INCLUDED and the default dtype is always the default float dtype."""
    if end is None:
        raise TypeError("range() missing required argument 'end' (pos 2)")
    n = int(np.floor((float(end) - float(start)) / float(step))) + 1
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    vals = float(start) + np.arange(builtins.max(n, 0), dtype=np.float64) * float(step)
    return _created(jnp.asarray(vals.astype(dt.np_dtype)), device, requires_grad)


@register(method=False)
def scalar_tensor(s: Any, *, dtype: DType = None, device: Any = None,
                  layout: Any = None, pin_memory: Any = None,
                  requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.scalar_tensor``: a 0-d tensor of the default float dtype."""
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _created(jnp.asarray(s, dt.np_dtype), device, requires_grad)


# ---------------------------------------------------------------- splitting
def _nsplit(name: str, input: Tensor, sections: Any, dim: int, min_ndim: int) -> Any:
    if input.ndim < min_ndim:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_ndim} dimension, but "
            f"got a tensor with {input.ndim} dimensions!"
        )
    if isinstance(sections, int) and input.shape[dim] % sections:
        raise RuntimeError(
            f"torch.{name} attempted to split along dimension {dim}, but the size of "
            f"the dimension {input.shape[dim]} is not divisible by the split_size "
            f"{sections}!"
        )
    return tensor_split(input, sections, dim)


@register
def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``torch.hsplit``: split along dim 1 (dim 0 for 1-D tensors)."""
    dim = 0 if input.ndim == 1 else 1
    return _nsplit("hsplit", input, indices_or_sections, dim, 1)


@register
def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``torch.vsplit``: split along dim 0 of a tensor with >= 2 dims."""
    return _nsplit("vsplit", input, indices_or_sections, 0, 2)


@register
def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``torch.dsplit``: split along dim 2 of a tensor with >= 3 dims."""
    return _nsplit("dsplit", input, indices_or_sections, 2, 3)


@register
def ravel(input: Tensor) -> Tensor:
    """``torch.ravel``: the flattened tensor."""
    return input.reshape(-1)


def _unfold_kernel(a: Any, *, dim: int, size: int, step: int) -> Any:
    n = (a.shape[dim] - size) // step + 1 if a.ndim else 1
    if a.ndim == 0:
        return a.reshape(1)
    idx = np.arange(n)[:, None] * step + np.arange(size)[None, :]
    out = jnp.take(a, jnp.asarray(idx), axis=dim)  # (..., n, size, ...)
    return jnp.moveaxis(out, dim + 1, -1)


_unfold = Op("unfold", _unfold_kernel, saves_inputs=False, view=True)


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``Tensor.unfold``: all length-``size`` windows along ``dimension`` with stride
    ``step``, as a new last dim. A view: each element is a gather of the input, so
    writes through it reach the input (overlapping windows write the last value)."""
    d = _wrap_dim(dimension, builtins.max(self.ndim, 1))
    length = self.shape[d] if self.ndim else 1
    if size > length:
        raise RuntimeError(
            f"maximum size for tensor at dimension {d} is {length} but size is {size}"
        )
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return _unfold(self, dim=d, size=int(size), step=int(step))


method("unfold", unfold)


# ---------------------------------------------------------------- scatters
def _select_scatter_kernel(a: Any, src: Any, *, dim: int, index: int) -> Any:
    sl = (slice(None),) * dim + (index,)
    return a.at[sl].set(src.astype(a.dtype))


def _slice_scatter_kernel(a: Any, src: Any, *, dim: int, sl: tuple) -> Any:
    return a.at[(slice(None),) * dim + (slice(*sl),)].set(src.astype(a.dtype))


def _diagonal_scatter_kernel(a: Any, src: Any, *, offset: int, dim1: int,
                             dim2: int) -> Any:  # fmt: skip
    n = int(np.prod(a.shape, dtype=np.int64))
    iota = np.arange(n).reshape(a.shape)
    idx = np.diagonal(iota, offset, dim1, dim2)
    flat = a.reshape(-1).at[idx.reshape(-1)].set(src.astype(a.dtype).reshape(-1))
    return flat.reshape(a.shape)


_select_scatter = Op("select_scatter", _select_scatter_kernel, saves_inputs=False)
_slice_scatter = Op("slice_scatter", _slice_scatter_kernel, saves_inputs=False)
_diagonal_scatter = Op("diagonal_scatter", _diagonal_scatter_kernel, saves_inputs=False)


def _embed_check(expected: tuple[int, ...], src: Tensor) -> None:
    if tuple(src.shape) != expected:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = "
            f"{list(src.shape)}, slice size = {list(expected)}"
        )


@register
def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """``torch.select_scatter``: ``input`` with ``input.select(dim, index)`` = src."""
    d = _wrap_dim(dim, input.ndim)
    i = index + input.shape[d] if index < 0 else index
    _embed_check(tuple(input.select(d, i).shape), src)
    return _select_scatter(input, src, dim=d, index=int(i))


@register
def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: int | None = None,
                  end: int | None = None, step: int = 1) -> Tensor:  # fmt: skip
    """``torch.slice_scatter``: ``input`` with ``input[..., start:end:step]`` = src."""
    d = _wrap_dim(dim, input.ndim)
    sl = (start, end, step)
    expected = tuple(np.empty(input.shape, np.bool_)[(slice(None),) * d + (slice(*sl),)]
                     .shape)  # fmt: skip
    _embed_check(expected, src)
    return _slice_scatter(input, src, dim=d, sl=sl)


@register
def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:  # fmt: skip
    """``torch.diagonal_scatter``: ``input`` with its ``offset`` diagonal = src."""
    d1, d2 = _wrap_dim(dim1, input.ndim), _wrap_dim(dim2, input.ndim)
    _embed_check(tuple(input.diagonal(offset, d1, d2).shape), src)
    return _diagonal_scatter(input, src, offset=int(offset), dim1=d1, dim2=d2)


def sum_to_size(self: Tensor, *size: Any) -> Tensor:
    """``Tensor.sum_to_size``: sum broadcast dims away so the result has ``size``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    target = tuple(int(s) for s in size)
    lead = self.ndim - len(target)
    if lead < 0 or any(
        t != 1 and t != s for t, s in zip(target, self.shape[lead:], strict=True)
    ):
        raise RuntimeError(f"size {{{', '.join(map(str, target))}}} is not expandable "
                           f"to size {{{', '.join(map(str, self.shape))}}}.")  # fmt: skip
    dims = tuple(builtins.range(lead)) + tuple(
        lead + i for i, t in enumerate(target) if t == 1 and self.shape[lead + i] != 1
    )
    out = self.sum(dim=dims, keepdim=True) if dims else self
    return out.reshape(target) if lead else out


method("sum_to_size", sum_to_size)


def _fill_diag_kernel(a: Any, *, value: Any, wrap: bool) -> Any:
    rows, cols = a.shape[0], a.shape[1]
    if a.ndim == 2:
        step = cols + 1
        limit = rows * cols if wrap and rows > cols else min(rows, cols) * cols
        idx = np.arange(0, limit, step)
    else:
        n = min(a.shape)
        idx = np.ravel_multi_index((np.arange(n),) * a.ndim, a.shape)
    flat = a.reshape(-1).at[idx].set(jnp.asarray(value, a.dtype))
    return flat.reshape(a.shape)


_fill_diag = Op("fill_diagonal", _fill_diag_kernel, saves_inputs=False)


def fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """``Tensor.fill_diagonal_``: write ``fill_value`` on the main diagonal; with
    ``wrap`` a tall matrix restarts the diagonal every ``cols + 1`` rows (numpy's)."""
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    return inplace(self, _fill_diag(self, value=fill_value, wrap=builtins.bool(wrap)))


method("fill_diagonal_", fill_diagonal_)


# ---------------------------------------------------------------- arithmetic
@register(method=False)
def rsub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """``torch.rsub``: ``other - alpha * input``."""
    return sub(other, input, alpha=alpha)


@register(method=False)
def fill(input: Tensor, value: Any) -> Tensor:
    """``torch.fill``: a new tensor like ``input`` filled with ``value``."""
    return input.clone().fill_(value)


def _renorm_kernel(a: Any, *, p: float, dim: int, maxnorm: float) -> Any:
    axes = tuple(i for i in builtins.range(a.ndim) if i != dim)
    norms = jnp.sum(jnp.abs(a) ** p, axis=axes, keepdims=True) ** (1.0 / p)
    mx = jnp.asarray(maxnorm, a.dtype)
    # PyTorch's factor: maxnorm / (norm + 1e-7) where the norm exceeds maxnorm.
    factor = jnp.where(norms > mx, mx / (norms + jnp.asarray(1e-7, a.dtype)), 1)
    return a * factor.astype(a.dtype)


_renorm = Op("renorm", _renorm_kernel)


@register(inplace=True)
def renorm(input: Tensor, p: float, dim: int, maxnorm: float, *,
           out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.renorm``: rescale each slice along ``dim`` whose p-norm exceeds
    ``maxnorm`` to norm ``maxnorm``."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = _wrap_dim(dim, input.ndim)
    return _finish(_renorm(input, p=float(p), dim=d, maxnorm=float(maxnorm)), out)


def _addr_kernel(m: Any, u: Any, v: Any, *, beta: Any, alpha: Any, dtype: Any) -> Any:
    outer = jnp.outer(jnp.asarray(u, dtype), jnp.asarray(v, dtype))
    m = jnp.asarray(m, dtype)
    if dtype == jnp.bool_:
        return (m & beta) | (outer & alpha) if beta else outer & alpha
    scaled = outer if alpha == 1 else jnp.asarray(alpha, dtype) * outer
    if beta == 0:  # PyTorch ignores ``input`` (even NaN) when beta is 0
        return jnp.broadcast_to(scaled, jnp.broadcast_shapes(m.shape, scaled.shape))
    return (m if beta == 1 else jnp.asarray(beta, dtype) * m) + scaled


_addr = Op("addr", _addr_kernel)


@register(inplace=True)
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1,
         out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.addr``: ``beta * input + alpha * outer(vec1, vec2)``."""
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(
            f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D"
            if vec1.ndim != 1
            else f"addr: Expected 1-D argument vec2, but got {vec2.ndim}-D"
        )
    dt = _dtype.result_type(input, vec1, vec2).np_dtype
    return _finish(_addr(input, vec1, vec2, beta=beta, alpha=alpha, dtype=dt), out)


# ---------------------------------------------------------------- matrix functions
_matrix_power = Op("matrix_power", lambda a, *, n: jnp.linalg.matrix_power(a, n))


def _expm(a: Any) -> Any:
    import jax.scipy.linalg as jsl  # imported on first use: keeps package import lean

    return jsl.expm(a)


_matrix_exp = Op("matrix_exp", _expm)


def _square(A: Tensor, name: str) -> None:
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are "
            f"{A.shape[-2] if A.ndim >= 2 else A.numel()} by "
            f"{A.shape[-1] if A.ndim else 1} matrices"
        )


@register
def matrix_power(input: Tensor, n: int) -> Tensor:
    """``torch.matrix_power``: ``input`` multiplied by itself ``n`` times (n < 0: of
    the inverse; n = 0: the identity)."""
    _square(input, "linalg.matrix_power")
    return _matrix_power(input, n=int(n))


@register
def matrix_exp(input: Tensor) -> Tensor:
    """``torch.matrix_exp``: the matrix exponential (Pade approximation, as PyTorch)."""
    _square(input, "linalg.matrix_exp")
    return _matrix_exp(input)


__all__ = exported(globals())
