"""Reductions: sum/mean/var/prod, max/min and friends, norms, all/any.

PyTorch's conventions mirrored: ``dim`` may be an int, a tuple/list or None (all dims);
``keepdim`` keeps reduced dims as size 1; sums/products of bool or integer tensors
accumulate in int64; ``mean``/``var`` of an integer tensor raise. ``max(input, dim)``
returns ``(values, indices)`` as ``torch.return_types`` does. Scans live in
``_scan.py``, softmax in ``_softmax.py`` and order statistics in ``_sort.py``; they are
re-exported here so ``functorch_lite._ops._reduce`` is the one place to import from.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from . import _return_types as return_types
from ._dispatch import Op
from ._pointwise import _finish, maximum, minimum, sub
from ._registry import exported, register
from ._views import _type_word

Dim = int | Sequence[int] | None


# ---------------------------------------------------------------- helpers
def axes_of(dim: Dim, ndim: int) -> tuple[int, ...] | None:
    """PyTorch's ``dim`` argument as wrapped axes; None (or ``()``) means all."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        axes = tuple(_wrap_dim(int(d), ndim) for d in dim)
        for a in axes:
            if axes.count(a) > 1:
                raise RuntimeError(
                    f"dim {a} appears multiple times in the list of dims"
                )
        return axes if ndim > 0 else None
    axes = (_wrap_dim(int(dim), ndim),)  # type: ignore[arg-type]
    return axes if ndim > 0 else None


def _acc_dtype(input: Tensor, dtype: Any) -> _dtype.dtype:
    """``dtype=`` if given; else int64 for bool/integer inputs (PyTorch's sum/prod)."""
    if dtype is not None:
        return _dtype.as_dtype(dtype)
    return _dtype.int64 if _dtype.category(input.dtype) < 2 else input.dtype


def _float_only(input: Tensor, dtype: Any, what: str) -> _dtype.dtype:
    if dtype is not None:
        return _dtype.as_dtype(dtype)
    if _dtype.category(input.dtype) < 2:
        raise RuntimeError(what.format(word=_type_word(input.dtype)))
    return input.dtype


MEAN_INT = (
    "mean(): could not infer output dtype. Input dtype must be either a floating point "
    "or complex dtype. Got: {word}"
)
NANMEAN_INT = (
    "nanmean(): expected input to have floating point or complex dtype but got {word}"
)
VAR_INT = "std and var only support floating point and complex dtypes"
NORM_INT = "linalg.vector_norm: Expected a floating point or complex tensor as input. Got {word}"
EMPTY_FULL = (
    "{name}(): Expected reduction dim to be specified for input.numel() == 0. "
    "Specify the reduction dim with the 'dim' argument."
)
EMPTY_DIM = "{name}(): Expected reduction dim {dim} to have non-zero size."


def _simple(name: str, kernel: Any, *, saves_inputs: bool = True) -> Op:
    def fn(a: Any, *, axis: Any, keepdim: bool, dtype: Any) -> Any:
        return kernel(a.astype(dtype), axis=axis, keepdims=keepdim)

    return Op(name, fn, saves_inputs=saves_inputs)


_cast = Op("to", lambda a, *, dtype: a.astype(dtype), saves_inputs=False)


def cast(x: Tensor, dtype: _dtype.dtype) -> Tensor:
    """``x.to(dtype)`` for ops in this package (differentiable)."""
    return x if x.dtype is dtype else _cast(x, dtype=dtype.np_dtype)


# ---------------------------------------------------------------- sum / mean / prod
_sum = _simple("sum", jnp.sum, saves_inputs=False)
_nansum = _simple("nansum", jnp.nansum)
_mean = _simple("mean", jnp.mean, saves_inputs=False)
_nanmean = _simple("nanmean", jnp.nanmean)
_prod = _simple("prod", jnp.prod)


@register
def sum(input: Tensor, dim: Dim = None, keepdim: bool = False, *,  # noqa: A001
        dtype: Any = None, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.sum``: bool/integer inputs accumulate in int64."""
    dt = _acc_dtype(input, dtype)
    axis = axes_of(dim, input.ndim)
    return _finish(_sum(input, axis=axis, keepdim=keepdim, dtype=dt.np_dtype), out)


@register
def nansum(input: Tensor, dim: Dim = None, keepdim: bool = False, *,
           dtype: Any = None, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.nansum``: ``sum`` treating NaN as zero."""
    dt = _acc_dtype(input, dtype)
    axis = axes_of(dim, input.ndim)
    return _finish(_nansum(input, axis=axis, keepdim=keepdim, dtype=dt.np_dtype), out)


@register
def mean(input: Tensor, dim: Dim = None, keepdim: bool = False, *,
         dtype: Any = None, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.mean``: integer inputs need ``dtype=``, as in PyTorch."""
    dt = _float_only(input, dtype, MEAN_INT)
    axis = axes_of(dim, input.ndim)
    return _finish(_mean(input, axis=axis, keepdim=keepdim, dtype=dt.np_dtype), out)


@register
def nanmean(input: Tensor, dim: Dim = None, keepdim: bool = False, *,
            dtype: Any = None, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.nanmean``: the mean of the non-NaN elements."""
    dt = _float_only(input, dtype, NANMEAN_INT)
    axis = axes_of(dim, input.ndim)
    return _finish(_nanmean(input, axis=axis, keepdim=keepdim, dtype=dt.np_dtype), out)


@register
def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
         dtype: Any = None, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.prod``: over all elements, or one ``dim``."""
    if isinstance(dim, (tuple, list)):
        raise TypeError("prod(): argument 'dim' must be int, not tuple")
    dt = _acc_dtype(input, dtype)
    axis = axes_of(dim, input.ndim)
    return _finish(_prod(input, axis=axis, keepdim=keepdim, dtype=dt.np_dtype), out)


# ---------------------------------------------------------------- var / std
def _var_kernel(a: Any, *, axis: Any, keepdim: bool, correction: float, sqrt: bool,
                with_mean: bool) -> Any:  # fmt: skip
    axes = tuple(range(a.ndim)) if axis is None else axis
    n = math.prod(a.shape[i] for i in axes)
    mu = jnp.mean(a, axis=axes, keepdims=True)
    dev = a - mu
    sq = jnp.real(dev * jnp.conj(dev))
    # PyTorch divides by max(N - correction, 0): 0/0 = nan for one sample.
    var = jnp.sum(sq, axis=axes, keepdims=keepdim) / builtins.max(n - correction, 0)
    result = jnp.sqrt(var) if sqrt else var
    if with_mean:
        return result, mu if keepdim else jnp.squeeze(mu, axes)
    return result


_var = Op("var", _var_kernel)
_var_mean = Op("var_mean", _var_kernel, n_out=2)


def _var_args(input: Tensor, dim: Any, unbiased: Any, correction: Any) -> tuple:
    # PyTorch's overloads: var(input, unbiased), var(input, dim, unbiased, keepdim),
    # var(input, dim, *, correction, keepdim).
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if correction is None:
        correction = 0 if unbiased is False else 1
    if _dtype.category(input.dtype) < 2:
        raise RuntimeError(VAR_INT)
    return axes_of(dim, input.ndim), float(correction)


def _var_family(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any,
                *, sqrt: bool, with_mean: bool) -> Any:  # fmt: skip
    axis, corr = _var_args(input, dim, unbiased, correction)
    op = _var_mean if with_mean else _var
    return op(input, axis=axis, keepdim=keepdim, correction=corr, sqrt=sqrt,
              with_mean=with_mean)  # fmt: skip


@register
def var(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,
        keepdim: bool = False, *, correction: float | None = None,
        out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.var``: ``sum((x - mean)^2) / max(N - correction, 0)`` (``unbiased``: 1)."""
    result = _var_family(input, dim, unbiased, keepdim, correction, sqrt=False,
                         with_mean=False)  # fmt: skip
    return _finish(result, out)


@register
def std(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,
        keepdim: bool = False, *, correction: float | None = None,
        out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.std``: the square root of ``var``."""
    result = _var_family(input, dim, unbiased, keepdim, correction, sqrt=True,
                         with_mean=False)  # fmt: skip
    return _finish(result, out)


@register(method=False)
def var_mean(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,
             keepdim: bool = False, *,
             correction: float | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """``torch.var_mean``: ``(var, mean)`` in one pass."""
    return _var_family(input, dim, unbiased, keepdim, correction, sqrt=False,
                       with_mean=True)  # fmt: skip


@register(method=False)
def std_mean(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,
             keepdim: bool = False, *,
             correction: float | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """``torch.std_mean``: ``(std, mean)`` in one pass."""
    return _var_family(input, dim, unbiased, keepdim, correction, sqrt=True,
                       with_mean=True)  # fmt: skip


# ---------------------------------------------------------------- max / min
max_type, min_type, aminmax_type = (
    return_types.max,
    return_types.min,
    return_types.aminmax,
)


def _extreme_dim_kernel(a: Any, *, axis: int, keepdim: bool, largest: bool) -> Any:
    if a.ndim == 0:
        a, keepdim = a.reshape(1), False
    pick = jnp.argmax if largest else jnp.argmin
    idx = pick(a, axis=axis, keepdims=True)
    # Values gathered at the index: the gradient flows to that one element, as PyTorch.
    values = jnp.take_along_axis(a, idx, axis=axis)
    if not keepdim:
        values, idx = jnp.squeeze(values, axis), jnp.squeeze(idx, axis)
    return values, idx.astype(jnp.int64)


_extreme_dim = Op("max", _extreme_dim_kernel, n_out=2)
_amax = _simple("amax", jnp.max)
_amin = _simple("amin", jnp.min)


def _extreme(name: str, input: Tensor, dim: Any, keepdim: bool, largest: bool) -> Any:
    if isinstance(dim, Tensor):  # torch.max(a, b) is torch.maximum(a, b)
        return (maximum if largest else minimum)(input, dim)
    kernel, rtype = (_amax, max_type) if largest else (_amin, min_type)
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(EMPTY_FULL.format(name=name))
        return kernel(input, axis=None, keepdim=False, dtype=input.dtype.np_dtype)
    axis = _wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[axis] == 0:
        raise IndexError(EMPTY_DIM.format(name=name, dim=axis))
    values, indices = _extreme_dim(input, axis=axis, keepdim=keepdim, largest=largest)
    return rtype(values, indices)


@register
def max(input: Tensor, dim: int | Tensor | None = None,  # noqa: A001
        keepdim: bool = False) -> Any:  # fmt: skip
    """``torch.max``: the maximum; with ``dim`` a ``(values, indices)`` named tuple;
    with a tensor second argument, ``torch.maximum``."""
    return _extreme("max", input, dim, keepdim, True)


@register
def min(input: Tensor, dim: int | Tensor | None = None,  # noqa: A001
        keepdim: bool = False) -> Any:  # fmt: skip
    """``torch.min``: see :func:`max`."""
    return _extreme("min", input, dim, keepdim, False)


def _amax_amin(name: str, input: Tensor, dim: Dim, keepdim: bool) -> Tensor:
    axis = axes_of(dim, input.ndim)
    if input.numel() == 0:
        reduced = range(input.ndim) if axis is None else axis
        for d in reduced:
            if input.shape[d] == 0:
                raise IndexError(EMPTY_DIM.format(name=name, dim=d))
    kernel = _amax if name == "amax" else _amin
    return kernel(input, axis=axis, keepdim=keepdim, dtype=input.dtype.np_dtype)


@register
def amax(input: Tensor, dim: Dim = (), keepdim: bool = False, *,
         out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.amax``: the gradient is shared evenly between tied maxima."""
    return _finish(_amax_amin("amax", input, dim, keepdim), out)


@register
def amin(input: Tensor, dim: Dim = (), keepdim: bool = False, *,
         out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.amin``: the gradient is shared evenly between tied minima."""
    return _finish(_amax_amin("amin", input, dim, keepdim), out)


@register
def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False) -> Any:
    """``torch.aminmax``: ``(min, max)`` named tuple."""
    return aminmax_type(amin(input, () if dim is None else dim, keepdim),
                        amax(input, () if dim is None else dim, keepdim))  # fmt: skip


def _arg_kernel(a: Any, *, axis: Any, keepdim: bool, largest: bool) -> Any:
    pick = jnp.argmax if largest else jnp.argmin
    if a.ndim == 0:
        return jnp.zeros((), jnp.int64)
    return pick(a, axis=axis, keepdims=keepdim).astype(jnp.int64)


_arg = Op("argmax", _arg_kernel)


@register
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """``torch.argmax``: index of the (first) maximum; flattened when ``dim=None``."""
    axis = None if dim is None else _wrap_dim(dim, input.ndim)
    if input.numel() == 0:
        raise RuntimeError(EMPTY_FULL.format(name="argmax"))
    return _arg(input, axis=axis, keepdim=keepdim, largest=True)


@register
def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """``torch.argmin``: index of the (first) minimum; flattened when ``dim=None``."""
    axis = None if dim is None else _wrap_dim(dim, input.ndim)
    if input.numel() == 0:
        raise RuntimeError(EMPTY_FULL.format(name="argmin"))
    return _arg(input, axis=axis, keepdim=keepdim, largest=False)


# ---------------------------------------------------------------- logsumexp, counts
def _logsumexp_kernel(a: Any, *, axis: Any, keepdim: bool, dtype: Any) -> Any:
    return jax.nn.logsumexp(a.astype(dtype), axis=axis, keepdims=keepdim)


_logsumexp = Op("logsumexp", _logsumexp_kernel)


@register
def logsumexp(input: Tensor, dim: Dim, keepdim: bool = False, *,
              out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.logsumexp``: ``log(sum(exp(x)))`` computed stably; ints become float."""
    dt = input.dtype
    if _dtype.category(dt) < 2:
        dt = _dtype.get_default_dtype()
    axis = axes_of(dim, input.ndim)
    return _finish(
        _logsumexp(input, axis=axis, keepdim=keepdim, dtype=dt.np_dtype), out
    )


_count_nonzero = Op(
    "count_nonzero",
    lambda a, *, axis: jnp.count_nonzero(a, axis=axis).astype(jnp.int64),
)


@register
def count_nonzero(input: Tensor, dim: Dim = None) -> Tensor:
    """``torch.count_nonzero``: int64 counts of non-zero elements."""
    return _count_nonzero(input, axis=axes_of(dim, input.ndim))


_all = _simple("all", jnp.all)
_any = _simple("any", jnp.any)


@register
def all(input: Tensor, dim: Dim = None, keepdim: bool = False, *,  # noqa: A001
        out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.all``: whether every element is non-zero (bool; uint8 stays uint8)."""
    dt = _dtype.uint8 if input.dtype is _dtype.uint8 else _dtype.bool_
    axis = axes_of(dim, input.ndim)
    result = _all(input, axis=axis, keepdim=keepdim, dtype=_dtype.bool_.np_dtype)
    return _finish(result if dt is _dtype.bool_ else cast(result, dt), out)


@register
def any(input: Tensor, dim: Dim = None, keepdim: bool = False, *,  # noqa: A001
        out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.any``: whether some element is non-zero."""
    dt = _dtype.uint8 if input.dtype is _dtype.uint8 else _dtype.bool_
    axis = axes_of(dim, input.ndim)
    result = _any(input, axis=axis, keepdim=keepdim, dtype=_dtype.bool_.np_dtype)
    return _finish(result if dt is _dtype.bool_ else cast(result, dt), out)


# ---------------------------------------------------------------- norms
def _vector_norm_kernel(a: Any, *, ord: float, axis: Any, keepdim: bool,
                        dtype: Any) -> Any:  # fmt: skip
    x = jnp.abs(a.astype(dtype))
    if ord == math.inf:
        return jnp.max(x, axis=axis, keepdims=keepdim, initial=0, where=None)
    if ord == -math.inf:
        return jnp.min(x, axis=axis, keepdims=keepdim)
    if ord == 0:
        return jnp.sum(x != 0, axis=axis, keepdims=keepdim).astype(x.dtype)
    if ord == 1:
        return jnp.sum(x, axis=axis, keepdims=keepdim)
    if ord == 2:
        s = jnp.sum(x * x, axis=axis, keepdims=keepdim)
        # PyTorch's subgradient at the zero vector is 0; a bare sqrt would give nan.
        safe = jnp.where(s == 0, 1, s)
        return jnp.where(s == 0, 0, jnp.sqrt(safe))
    s = jnp.sum(x**ord, axis=axis, keepdims=keepdim)
    safe = jnp.where(s == 0, 1, s)
    return jnp.where(s == 0, 0, safe ** (1.0 / ord))


_vector_norm = Op("linalg_vector_norm", _vector_norm_kernel)


def vector_norm_impl(
    x: Tensor, ord: float, dim: Dim, keepdim: bool, dtype: Any
) -> Tensor:
    """``torch.linalg.vector_norm`` (shared by ``torch.norm`` and ``functorch_lite.linalg``)."""
    if dtype is None and _dtype.category(x.dtype) < 2:
        raise RuntimeError(NORM_INT.format(word=_type_word(x.dtype)))
    dt = _dtype.as_dtype(dtype) if dtype is not None else x.dtype
    out_dt = dt.to_real()
    axis = axes_of(dim, x.ndim)
    result = _vector_norm(x, ord=float(ord), axis=axis, keepdim=keepdim,
                          dtype=dt.np_dtype)  # fmt: skip
    return result if result.dtype is out_dt else cast(result, out_dt)


@register
def norm(input: Tensor, p: float | str | None = "fro", dim: Dim = None,
         keepdim: bool = False, out: Tensor | None = None,
         dtype: Any = None) -> Tensor:  # fmt: skip
    """``torch.norm``: ``'fro'``/numeric ``p`` are vector norms over ``dim``;
    ``'nuc'`` is ``linalg.matrix_norm``."""
    if p == "nuc":
        from ._linalg_decomp import matrix_norm

        return _finish(matrix_norm(input, "nuc", (-2, -1) if dim is None else dim,  # type: ignore[arg-type]
                                   keepdim, dtype=dtype), out)  # fmt: skip
    if p is None or p == "fro":
        p = 2
    return _finish(vector_norm_impl(input, float(p), dim, keepdim, dtype), out)


@register
def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """``torch.dist``: ``norm(input - other, p)``."""
    return vector_norm_impl(sub(input, other), float(p), None, False, None)


from ._scan import *  # noqa: E402,F403  (re-exported: scans)
from ._softmax import *  # noqa: E402,F403  (re-exported: softmax, log_softmax)

__all__ = exported(globals())
