"""``softmax`` / ``log_softmax`` (function and method forms; ``nn.functional`` reuses them)."""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._dispatch import Op
from ._registry import exported, register

IMPLICIT_DIM = (
    "Implicit dimension choice for {name} has been deprecated. Change the call to "
    "include dim=X as an argument."
)


def _kernel(a: Any, *, axis: int, dtype: Any, log: bool) -> Any:
    a = a.astype(dtype)
    if a.ndim == 0:
        return jnp.zeros_like(a) if log else jnp.ones_like(a)
    return jax.nn.log_softmax(a, axis=axis) if log else jax.nn.softmax(a, axis=axis)


_softmax = Op("softmax", _kernel)
_log_softmax = Op("log_softmax", _kernel)


def legacy_softmax_dim(ndim: int, name: str) -> int:
    """PyTorch's implicit ``dim`` when none is given (with its deprecation warning)."""
    warnings.warn(IMPLICIT_DIM.format(name=name), UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _prepare(input: Tensor, dim: int | None, dtype: Any, name: str) -> tuple:
    if dim is None:
        dim = legacy_softmax_dim(input.ndim, name)
    dt = _dtype.as_dtype(dtype) if dtype is not None else input.dtype
    if _dtype.category(dt) < 2:
        raise NotImplementedError(
            f"\"{name}\" not implemented for '{dt.name}': pass a floating dtype "
            f"(dtype=functorch_lite.float32) or convert the input with .float()"
        )
    return _wrap_dim(dim, input.ndim), dt.np_dtype


@register
def softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """``torch.softmax``: ``exp(x) / sum(exp(x))`` along ``dim``."""
    axis, dt = _prepare(input, dim, dtype, "softmax")
    return _softmax(input, axis=axis, dtype=dt, log=False)


@register
def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """``torch.log_softmax``: ``x - logsumexp(x)`` along ``dim``."""
    axis, dt = _prepare(input, dim, dtype, "log_softmax")
    return _log_softmax(input, axis=axis, dtype=dt, log=True)


__all__ = exported(globals())
