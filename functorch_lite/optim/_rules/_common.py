"""Shared plumbing of the pure update rules: the compiled-call cache and torch's lerp.

Every rule is a pair of pure functions over lists of arrays, optax-style::

    init(params, **static) -> State
    update(grads, state, params, hyper, **static) -> (new_params, new_state)

``State`` is a ``NamedTuple`` whose fields carry PyTorch's per-parameter state names
(``exp_avg``, ``momentum_buffer``...), each a list with one entry per parameter (an entry
may be ``None`` for state PyTorch creates lazily, e.g. SGD's first momentum buffer).
``hyper`` is a ``NamedTuple`` of 0-d arrays: everything a scheduler may change is an
argument of the compiled program, never a constant baked into it.

Precision follows PyTorch's single-tensor path exactly: PyTorch computes the scalar
coefficients (bias corrections, step sizes) in Python doubles and only rounds them to
the parameter dtype when they meet a tensor. So hyperparameters arrive as float64
scalars, the scalar math stays in float64, and each coefficient is cast with ``c(x,
dtype)`` right before it touches an array. (float32 scalars would round ``1 - 0.999``
with a 1.3e-5 relative error, which compounds past rtol 1e-5 within 30 steps.)

Every rule takes the static flag ``use_weight_decay``: PyTorch skips the weight-decay
arithmetic in Python when ``weight_decay == 0``, and so do we (it saves two reads of
each parameter per step); a scheduler turning decay on costs one extra compile.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

Array = jax.Array

__all__ = ["Array", "c", "compiled_update", "lerp", "scalar"]


@functools.cache
def _compiled(update: Callable[..., Any], static: tuple[tuple[str, Any], ...]) -> Any:
    # No buffer donation: arrays are immutable and freely shared in this codebase
    # (`copy.deepcopy(opt.state_dict())`, `t.detach()` and the autograd tape alias
    # them), so donating the state would delete arrays that other Tensors still hold.
    return jax.jit(functools.partial(update, **dict(static)))


def compiled_update(update: Callable[..., Any], **static: Any) -> Any:
    """Return the jitted ``update`` with its structural flags bound, cached.

    One compiled program per (rule, static flags, pytree structure and shapes): the
    hyperparameters are array arguments, so a scheduler changing ``lr`` never
    recompiles. Under an outer trace (``jit``/``compile``) the call is simply inlined.
    """
    return _compiled(update, tuple(sorted(static.items())))


def lerp(start: Array, end: Array, weight: Array) -> Array:
    """``torch.lerp``, with PyTorch's two-sided formula for rounding parity.

    PyTorch evaluates ``start + w * (end - start)`` for ``|w| < 0.5`` and
    ``end - (end - start) * (1 - w)`` otherwise; matching it keeps moving averages
    bit-close to ``torch.optim`` over many steps.
    """
    weight = c(weight, start.dtype)
    diff = end - start
    return jnp.where(
        jnp.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight)
    )


def scalar(value: Any) -> Any:
    """A hyperparameter as a 0-d float64 array (float32 if JAX's x64 mode is off).

    A Python number becomes a numpy scalar array: ``jit`` transfers it in its C++
    fast path, where ``jnp.asarray`` would cost a primitive dispatch per value.
    """
    if isinstance(value, (int, float)):
        return np.asarray(value, dtype=_SCALAR_DTYPE())
    return jnp.asarray(value, dtype=_SCALAR_DTYPE()).reshape(())


def _SCALAR_DTYPE() -> Any:  # noqa: N802 - reads like the constant it stands for
    return jax.dtypes.canonicalize_dtype(jnp.float64)


def c(x: Array, dtype: Any) -> Array:
    """Round a scalar coefficient to the dtype of the array it multiplies (as ATen)."""
    return jnp.asarray(x).astype(dtype)
