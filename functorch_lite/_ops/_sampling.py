"""Sampling with tensor-valued parameters: ``torch.poisson(rates)`` and
``torch.binomial(count, prob)``, drawn with our ``Generator`` (``manual_seed``
reproducible; the default generator when none is given)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from .. import _dtype
from .._random import Generator, key_for
from .._tensor import Tensor
from ._dispatch import Op
from ._registry import exported, register


def _poisson_kernel(lam: Any, key: Any) -> Any:
    k = jax.random.wrap_key_data(key)
    draws = jax.random.poisson(k, lam, lam.shape)
    return jax.lax.stop_gradient(draws.astype(lam.dtype))


def _binomial_kernel(count: Any, prob: Any, key: Any) -> Any:
    k = jax.random.wrap_key_data(key)
    shape = jnp.broadcast_shapes(count.shape, prob.shape)
    draws = jax.random.binomial(k, count, prob, shape, dtype=prob.dtype)
    return jax.lax.stop_gradient(draws)


_poisson = Op("poisson", _poisson_kernel, saves_inputs=False)
_binomial = Op("binomial", _binomial_kernel, saves_inputs=False)


def _check_float(name: str, t: Tensor) -> None:
    if _dtype.category(t.dtype) != 2:
        raise RuntimeError(f"\"{name}\" not implemented for '{t.dtype.name}'")


@register(method=False)
def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """``torch.poisson``: one Poisson draw per element with rate ``input``."""
    _check_float("poisson_cpu", input)
    return _poisson(input, key_for(generator))


@register(method=False)
def binomial(count: Tensor, prob: Tensor, generator: Generator | None = None) -> Tensor:
    """``torch.binomial``: one Binomial(``count``, ``prob``) draw per element."""
    _check_float("binomial_cpu", prob)
    if count.dtype is not prob.dtype:
        count = count.to(prob.dtype)
    return _binomial(count, prob, key_for(generator))


__all__ = exported(globals())
