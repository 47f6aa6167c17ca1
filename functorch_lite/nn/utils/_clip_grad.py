"""``clip_grad_norm_``, ``clip_grad_value_``, ``get_total_norm``, ``clip_grads_with_norm_``.

The norm and the scaling run as one jitted function over the list of gradient arrays
(PyTorch's ``foreach`` path), and gradients are rebound in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jax
import jax.numpy as jnp

from ..._tensor import Tensor
from ...autograd._grad_mode import no_grad

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_",
           "clip_grad_norm"]  # fmt: skip

_NONFINITE = (
    "The total norm of order {p} for gradients from `parameters` is non-finite, so it "
    "cannot be clipped. To disable this error and scale the gradients by the non-finite "
    "norm anyway, set `error_if_nonfinite=False`"
)


def _as_list(tensors: Any) -> list[Tensor]:
    if isinstance(tensors, Tensor):
        return [tensors]
    return list(tensors)


def _norm(arrays: list[Any], p: float) -> Any:
    if p == float("inf"):
        return jnp.max(
            jnp.stack([jnp.max(jnp.abs(a)).astype(jnp.float32) for a in arrays])
        )
    per = jnp.stack([jnp.sum(jnp.abs(a.astype(jnp.float32)) ** p) for a in arrays])
    return jnp.sum(per) ** (1.0 / p)


@jax.jit
def _scale(arrays: list[Any], max_norm: Any, total: Any) -> list[Any]:
    coef = jnp.minimum(max_norm / (total + 1e-6), 1.0)
    return [(a * coef).astype(a.dtype) for a in arrays]


_norm_jit = jax.jit(_norm, static_argnums=1)


def get_total_norm(tensors: Iterable[Tensor] | Tensor, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:  # fmt: skip
    """``torch.nn.utils.get_total_norm``: the p-norm of all tensors together."""
    ts = _as_list(tensors)
    if not ts:
        return Tensor(jnp.zeros((), jnp.float32))
    arrays = [t._data for t in ts]
    tracing = any(isinstance(a, jax.core.Tracer) for a in arrays)
    total = _norm_jit(arrays, float(norm_type))  # nested jit is fine under tracing
    if error_if_nonfinite and not tracing and not bool(jnp.isfinite(total)):
        raise RuntimeError(_NONFINITE.format(p=float(norm_type)))
    return Tensor(total)


def clip_grads_with_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                          total_norm: Tensor, foreach: bool | None = None) -> None:  # fmt: skip
    """Scale gradients by ``min(1, max_norm / (total_norm + 1e-6))`` in place."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    arrays = [g._data for g in grads]
    new = _scale(arrays, jnp.asarray(max_norm, jnp.float32), total_norm._data)
    with no_grad():
        for g, a in zip(grads, new):
            g._rebind(a)


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:  # fmt: skip
    """``torch.nn.utils.clip_grad_norm_``: rescale grads so their joint norm is at most
    ``max_norm``; returns the total norm before clipping.

    Raises:
        RuntimeError: if the norm is NaN/inf and ``error_if_nonfinite`` is set.
    """
    params = _as_list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return Tensor(jnp.zeros((), jnp.float32))
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, max_norm, total)
    return total


clip_grad_norm = clip_grad_norm_


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float,
                     foreach: bool | None = None) -> None:  # fmt: skip
    """``torch.nn.utils.clip_grad_value_``: clamp every gradient to ``[-v, v]`` in place."""
    v = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                g = p.grad
                g._rebind(jnp.clip(g._data, -v, v).astype(g._data.dtype))
