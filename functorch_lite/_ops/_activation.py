"""Activations in the ``torch`` namespace and as Tensor methods: ``torch.relu``,
``x.relu_()``, ``torch.selu``, ``torch.celu``, ``torch.threshold``, ``x.hardshrink``,
``x.prelu``, ``torch.rrelu``.

PyTorch exposes these beside ``torch.nn.functional`` with plain signatures (no
``inplace=``; in-place is the ``_`` form). The core cannot import ``nn``, so the kernels
live here; ``nn.functional`` keeps its own ``inplace=`` wrappers.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from .. import _dtype, _random
from .._random import Generator
from .._tensor import Tensor
from ._dispatch import Op
from ._pointwise import unary
from ._registry import exported, register
from ._views import inplace

relu = register(unary("relu", jax.nn.relu), inplace=True)


def _selu(a: Any) -> Any:
    return jax.nn.selu(a)


selu = register(unary("selu", _selu, floating=True), method=False)


@register(method=False)
def selu_(input: Tensor) -> Tensor:
    """``torch.selu_``: in-place SELU."""
    return inplace(input, selu(input))


def _celu_kernel(x: Any, *, alpha: float) -> Any:
    a = jnp.asarray(alpha, x.dtype)
    return jnp.where(x > 0, x, a * jnp.expm1(x / a))


_celu = Op("celu", _celu_kernel)


@register(method=False)
def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``torch.celu``: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return _celu(input, alpha=float(alpha))


@register(method=False)
def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``torch.celu_``: in-place CELU."""
    return inplace(input, celu(input, alpha))


def _threshold_kernel(x: Any, *, threshold: Any, value: Any) -> Any:
    return jnp.where(x > threshold, x, jnp.asarray(value, x.dtype))


_threshold = Op("threshold", _threshold_kernel)


@register(method=False)
def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """``torch.threshold``: ``x if x > threshold else value``."""
    return _threshold(input, threshold=threshold, value=value)


@register(method=False)
def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``torch.threshold_``: in-place threshold."""
    return inplace(input, _threshold(input, threshold=threshold, value=value))


def _hardshrink_kernel(x: Any, *, lambd: float) -> Any:
    return jnp.where(jnp.abs(x) > lambd, x, jnp.zeros_like(x))


_hardshrink = Op("hardshrink", _hardshrink_kernel)


@register
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``torch.hardshrink``: ``x if |x| > lambd else 0``."""
    return _hardshrink(input, lambd=float(lambd))


def _prelu_kernel(x: Any, w: Any) -> Any:
    if w.size != 1 and x.ndim >= 2:
        # One slope per channel, channels on dim 1 (PyTorch's layout).
        w = w.reshape((1, -1) + (1,) * (x.ndim - 2))
    elif w.size == 1:
        w = w.reshape(())
    return jnp.where(x >= 0, x, w.astype(x.dtype) * x)


_prelu = Op("prelu", _prelu_kernel)


@register
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``torch.prelu``: ``max(0, x) + weight * min(0, x)``, ``weight`` per channel."""
    n = weight.numel()
    channels = input.shape[1] if input.ndim >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(
            "Mismatch of parameter numbers and input channel size. Found parameter "
            f"numbers = {n} and channel size = {channels}."
        )
    return _prelu(input, weight)


def _rrelu_kernel(x: Any, key: Any, *, lower: float, upper: float) -> Any:
    a = jax.random.uniform(
        jax.random.wrap_key_data(key), x.shape, x.dtype, lower, upper
    )
    return jnp.where(x >= 0, x, a * x)


_rrelu = Op("rrelu", _rrelu_kernel)
_leaky = Op(
    "leaky_relu",
    lambda x, *, slope: jnp.where(x >= 0, x, jnp.asarray(slope, x.dtype) * x),
)


@register(method=False)
def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, generator: Generator | None = None) -> Tensor:  # fmt: skip
    """``torch.rrelu``: randomized leaky ReLU.

    Eval mode: a leaky ReLU with slope ``(lower + upper) / 2``. Training mode: a slope
    per negative element drawn from ``U(lower, upper)`` with ``generator`` (or the
    default generator), so ``manual_seed`` makes it reproducible.
    """
    if _dtype.category(input.dtype) < 2:
        raise RuntimeError("\"rrelu_with_noise\" not implemented for 'Long'")
    if not training:
        return _leaky(input, slope=(lower + upper) / 2)
    key = _random.key_for(generator)
    return _rrelu(input, key, lower=float(lower), upper=float(upper))


@register(method=False)
def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False, generator: Generator | None = None) -> Tensor:  # fmt: skip
    """``torch.rrelu_``: in-place randomized leaky ReLU."""
    return inplace(input, rrelu(input, lower, upper, training, generator))


__all__ = exported(globals())
