"""Differences, integrals and statistics: ``diff``, ``trapezoid``/``trapz``,
``cumulative_trapezoid``, ``bincount``, ``histogram``, ``quantile``/``nanquantile``,
``cov``, ``corrcoef``.

``bincount`` and ``histogram`` with a bin count derived from the data have
data-dependent shapes: they need concrete values (eager mode), like ``nonzero``.
"""

from __future__ import annotations

import builtins
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor, _check_concrete, _wrap_dim
from . import _return_types as return_types
from ._dispatch import Op
from ._pointwise import _finish
from ._registry import exported, register


def _float_dtype(input: Tensor) -> Any:
    dt = input.dtype
    return (dt if _dtype.category(dt) >= 2 else _dtype.get_default_dtype()).np_dtype


# ---------------------------------------------------------------- differences
def _diff_kernel(a: Any, pre: Any, app: Any, *, n: int, axis: int) -> Any:
    return jnp.diff(a, n=n, axis=axis, prepend=pre, append=app)


_diff = Op("diff", _diff_kernel, saves_inputs=False)


@register
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None, *, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.diff``: the n-th forward difference along ``dim`` (bool: ``!=``)."""
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    axis = _wrap_dim(dim, input.ndim)
    return _finish(_diff(input, prepend, append, n=int(n), axis=axis), out)


def _trapz_kernel(y: Any, x: Any, *, dx: float, axis: int, dtype: Any,
                  cumulative: bool) -> Any:  # fmt: skip
    y = jnp.asarray(y, dtype)
    y = jnp.moveaxis(y, axis, -1)
    if x is None:
        d: Any = jnp.asarray(dx, dtype)
    else:
        x = jnp.moveaxis(jnp.asarray(x, dtype), axis, -1) if x.ndim > 1 else x
        d = jnp.diff(jnp.asarray(x, dtype), axis=-1)
    parts = d * (y[..., 1:] + y[..., :-1]) / 2
    return jnp.cumsum(parts, -1) if cumulative else jnp.sum(parts, -1)


_trapz = Op("trapezoid", _trapz_kernel)


def _integrate(y: Tensor, x: Any, dx: Any, dim: int, cumulative: bool) -> Tensor:
    axis = _wrap_dim(dim, y.ndim)
    dt = _dtype.result_type(y, x) if isinstance(x, Tensor) else y.dtype
    if _dtype.category(dt) < 2:
        dt = _dtype.get_default_dtype()
    step = 1.0 if dx is None else float(dx)
    out = _trapz(y, x, dx=step, axis=axis, dtype=dt.np_dtype, cumulative=cumulative)
    return out.movedim(-1, axis) if cumulative else out


@register(method=False)
def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
              dim: int = -1) -> Tensor:  # fmt: skip
    """``torch.trapezoid``: the trapezoidal rule along ``dim`` (spacing ``x`` or ``dx``)."""
    return _integrate(y, x, dx, dim, cumulative=False)


@register(method=False)
def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
          dim: int = -1) -> Tensor:  # fmt: skip
    """``torch.trapz``: alias of ``trapezoid``."""
    return _integrate(y, x, dx, dim, cumulative=False)


@register(method=False)
def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
                         dim: int = -1) -> Tensor:  # fmt: skip
    """``torch.cumulative_trapezoid``: running trapezoidal sums along ``dim``."""
    return _integrate(y, x, dx, dim, cumulative=True)


# ---------------------------------------------------------------- counting
def _bincount_kernel(a: Any, w: Any, *, length: int) -> Any:
    return jnp.bincount(a, w, length=length)


_bincount = Op("bincount", _bincount_kernel)


@register
def bincount(
    input: Tensor, weights: Tensor | None = None, minlength: int = 0
) -> Tensor:
    """``torch.bincount``: counts (or summed ``weights``) of each non-negative int.

    Length ``max(input) + 1`` (at least ``minlength``): a data-dependent shape, so
    eager only. Weighted counts are float64 for float32 weights, as in PyTorch."""
    if input.ndim != 1 or _dtype.category(input.dtype) != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    _check_concrete(input, "bincount")
    arr = np.asarray(input._data)
    if arr.size and arr.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and tuple(weights.shape) != tuple(input.shape):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    length = builtins.max(int(arr.max()) + 1 if arr.size else 0, int(minlength))
    if weights is not None and weights.dtype is not _dtype.float32:
        w: Any = weights if _dtype.category(weights.dtype) >= 2 else weights.double()
    elif weights is not None:
        w = weights.double()
    else:
        w = None
    return _bincount(input, w, length=length)


def _hist_kernel(a: Any, edges: Any, w: Any, *, density: bool) -> Any:
    hist, _ = jnp.histogram(a.ravel(), edges, weights=None if w is None else w.ravel(),
                            density=density)  # fmt: skip
    return hist.astype(a.dtype)


_hist = Op("histogram", _hist_kernel, saves_inputs=False)


@register
def histogram(input: Tensor, bins: int | Tensor, *, range: Any = None,  # noqa: A002
              weight: Tensor | None = None, density: bool = False,
              out: Any = None) -> Any:  # fmt: skip
    """``torch.histogram``: ``(hist, bin_edges)``; ``bins`` a count or the edges.

    With a count and no ``range``, the edges span the data's min..max (eager only)."""
    if _dtype.category(input.dtype) < 2:
        raise RuntimeError(
            f"torch.histogram: input tensor and bins tensors should have the same dtype,"
            f" but got input {input.dtype}"
        )
    if isinstance(bins, Tensor):
        edges = bins._data
    else:
        if range is None:
            _check_concrete(input, "histogram")
            arr = np.asarray(input._data)
            lo, hi = (float(arr.min()), float(arr.max())) if arr.size else (0.0, 0.0)
        else:
            lo, hi = float(range[0]), float(range[1])
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5  # numpy's and PyTorch's empty-range rule
        edges = jnp.linspace(lo, hi, int(bins) + 1, dtype=input._data.dtype)
    edges_t = Tensor(jnp.asarray(edges, input._data.dtype))
    hist = _hist(input.detach(), edges_t, weight, density=builtins.bool(density))
    if out is not None:
        hist, edges_t = _finish(hist, out[0]), _finish(edges_t, out[1])
    return return_types.histogram(hist, edges_t)


# ---------------------------------------------------------------- quantiles
def _quantile_kernel(a: Any, q: Any, *, axis: Any, keepdim: bool, method: str,
                     nan: bool) -> Any:  # fmt: skip
    f = jnp.nanquantile if nan else jnp.quantile
    q = jnp.asarray(q, a.dtype)
    if method != "nearest":
        return f(a, q, axis=axis, keepdims=keepdim, method=method)
    # PyTorch rounds the rank q * (n - 1) half to even; pick lower/higher with it.
    lo = f(a, q, axis=axis, keepdims=keepdim, method="lower")
    hi = f(a, q, axis=axis, keepdims=keepdim, method="higher")
    valid = ~jnp.isnan(a) if nan else jnp.ones(a.shape, bool)
    n = jnp.sum(valid, axis=axis, keepdims=keepdim).astype(a.dtype)
    rank = q.reshape(q.shape + (1,) * n.ndim) * (n - 1)
    return jnp.where(jnp.round(rank) > jnp.floor(rank), hi, lo)


_quantile = Op("quantile", _quantile_kernel)
_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_of(name: str, input: Tensor, q: Any, dim: int | None, keepdim: bool,
                 interpolation: str, out: Tensor | None) -> Tensor:  # fmt: skip
    if input.dtype.name not in ("float32", "float64"):
        raise RuntimeError(
            f"{name}() input tensor must be either float or double dtype"
        )
    if interpolation not in _METHODS:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or "
            f"nearest. Got {interpolation}"
        )
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(
                f"{name}() q tensor must be same dtype as the input tensor"
            )
        if q.numel() and not builtins.bool(((q >= 0) & (q <= 1)).all().item()):
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        qv: Any = q
    else:
        if not 0 <= float(q) <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        qv = float(q)
    axis = None if dim is None else _wrap_dim(dim, builtins.max(input.ndim, 1))
    if axis is None and keepdim:
        # PyTorch keeps every dim as size 1 when reducing over the flattened input.
        res = _quantile(input, qv, axis=None, keepdim=True, method=interpolation,
                        nan=name == "nanquantile")  # fmt: skip
    else:
        res = _quantile(input, qv, axis=axis, keepdim=keepdim, method=interpolation,
                        nan=name == "nanquantile")  # fmt: skip
    return _finish(res, out)


@register
def quantile(input: Tensor, q: float | Tensor, dim: int | None = None,
             keepdim: bool = False, *, interpolation: str = "linear",
             out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.quantile``: the ``q``-th quantiles along ``dim`` (all, if None)."""
    return _quantile_of("quantile", input, q, dim, keepdim, interpolation, out)


@register
def nanquantile(input: Tensor, q: float | Tensor, dim: int | None = None,
                keepdim: bool = False, *, interpolation: str = "linear",
                out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.nanquantile``: ``quantile`` ignoring NaNs."""
    return _quantile_of("nanquantile", input, q, dim, keepdim, interpolation, out)


# ---------------------------------------------------------------- covariance
def _cov_kernel(m: Any, fw: Any, aw: Any, *, ddof: int, dtype: Any) -> Any:
    return jnp.cov(jnp.asarray(m, dtype), ddof=ddof, fweights=fw, aweights=aw)


_cov = Op("cov", _cov_kernel)
_corrcoef = Op("corrcoef", lambda m, *, dtype: jnp.corrcoef(jnp.asarray(m, dtype)))


@register
def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.cov``: covariance of the rows (variables) over the columns
    (observations), with ``correction`` (Bessel's by default) and weights."""
    if input.ndim > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got an input "
            f"with {input.ndim} dimensions"
        )
    return _cov(input, fweights, aweights, ddof=int(correction),
                dtype=_float_dtype(input))  # fmt: skip


@register
def corrcoef(input: Tensor) -> Tensor:
    """``torch.corrcoef``: Pearson correlation coefficients of the rows."""
    if input.ndim > 2:
        raise RuntimeError(
            f"corrcoef(): expected input to have two or fewer dimensions but got an "
            f"input with {input.ndim} dimensions"
        )
    return _corrcoef(input, dtype=_float_dtype(input))


# ---------------------------------------------------------------- gradient
def _gradient_kernel(f: Any, x: Any, *, h: float, axis: int, edge_order: int,
                     dtype: Any) -> Any:  # fmt: skip
    """numpy's second-order accurate differences (one-sided ``edge_order`` at ends)."""
    f = jnp.moveaxis(jnp.asarray(f, dtype), axis, -1)
    n = f.shape[-1]
    dx = jnp.full((n - 1,), h, dtype) if x is None else jnp.diff(jnp.asarray(x, dtype))
    d1, d2 = dx[:-1], dx[1:]
    a = -d2 / (d1 * (d1 + d2))
    b = (d2 - d1) / (d1 * d2)
    c = d1 / (d2 * (d1 + d2))
    mid = a * f[..., :-2] + b * f[..., 1:-1] + c * f[..., 2:]
    if edge_order == 1:
        first = (f[..., 1:2] - f[..., :1]) / dx[0]
        last = (f[..., -1:] - f[..., -2:-1]) / dx[-1]
    else:
        p, q = dx[0], dx[1]
        first = (-(2 * p + q) / (p * (p + q)) * f[..., :1] + (p + q) / (p * q)
                 * f[..., 1:2] - p / (q * (p + q)) * f[..., 2:3])  # fmt: skip
        p, q = dx[-2], dx[-1]
        last = (q / (p * (p + q)) * f[..., -3:-2] - (q + p) / (p * q) * f[..., -2:-1]
                + (2 * q + p) / (q * (p + q)) * f[..., -1:])  # fmt: skip
    return jnp.moveaxis(jnp.concatenate([first, mid, last], -1), -1, axis)


_gradient = Op("gradient", _gradient_kernel)


@register(method=False)
def gradient(input: Tensor, *, spacing: Any = 1, dim: Any = None,
             edge_order: int = 1) -> tuple[Tensor, ...]:  # fmt: skip
    """``torch.gradient``: derivative estimates along each of ``dim`` (all dims by
    default): central differences inside, one-sided of ``edge_order`` (1 or 2) at
    the ends; ``spacing`` a scalar, one scalar per dim, or coordinates per dim."""
    if edge_order not in (1, 2):
        raise RuntimeError(
            "torch.gradient only supports edge_order=1 and edge_order=2."
        )
    if dim is None:
        dims = tuple(range(input.ndim))
    elif isinstance(dim, int):
        dims = (_wrap_dim(dim, input.ndim),)
    else:
        dims = tuple(_wrap_dim(d, input.ndim) for d in dim)
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise RuntimeError(
                f"torch.gradient expected spacing to be unspecified, a scalar or a list"
                f" of length equal to 'self.dim() = {len(dims)}', since dim argument "
                f"was not given, but got a list of length {len(spacing)}"
            )
        spacings = list(spacing)
    else:
        spacings = [spacing] * len(dims)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError(
                "torch.gradient expected each dimension size to be at least "
                "edge_order+1"
            )
    dt = _float_dtype(input)
    out = []
    for d, sp in zip(dims, spacings, strict=True):
        if isinstance(sp, Tensor) and sp.ndim == 1:
            out.append(_gradient(input, sp, h=1.0, axis=d, edge_order=edge_order,
                                 dtype=dt))  # fmt: skip
        else:
            h = float(sp.item() if isinstance(sp, Tensor) else sp)
            out.append(_gradient(input, None, h=h, axis=d, edge_order=edge_order,
                                 dtype=dt))  # fmt: skip
    return tuple(out)


__all__ = exported(globals())
