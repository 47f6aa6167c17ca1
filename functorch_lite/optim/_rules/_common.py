"""Shared plumbing of the pure update rules: the compiled-call cache and torch's lerp.

Every rule is a pair of pure functions over lists of arrays, optax-style::

    init(params, **static) -> State
    update(grads, state, params, hyper, **static) -> (new_params, new_state)

``State`` is a ``NamedTuple`` whose fields carry PyTorch's per-parameter state names
(``exp_avg``, ``momentum_buffer``...), each a list with one entry per parameter (an entry
may be ``None`` for state PyTorch creates lazily, e.g. SGD's first momentum buffer).
``hyper`` is a ``NamedTuple`` of 0-d arrays: everything a scheduler may change is an
argument of the compiled program, never a constant baked into it.

``SHARED`` names the state fields whose new value depends only on their own values
and the hyperparameters and which start equal for every parameter: the step count
(and NAdam's ``mu_product``). The shell lets the parameters of a group that advance
together hold one array there, so that scalar math runs once per group instead of
once per parameter (each would be a separate tiny XLA kernel); the per-parameter
Tensors in ``optimizer.state`` stay distinct.

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
from types import ModuleType
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

Array = jax.Array

__all__ = ["Array", "c", "compiled_update", "lerp", "scalar"]


@functools.cache
def _compiled(
    rule: ModuleType,
    static: tuple[tuple[str, Any], ...],
    index: tuple[int, ...] | None,
    donate: tuple[bool, bool],
) -> Any:
    shared = tuple(rule.SHARED)
    own = tuple(f for f in rule.State._fields if f not in shared)
    # Where each distinct shared entry first occurs: its value after the update.
    firsts = None if index is None else [index.index(j) for j in range(max(index) + 1)]

    def step(
        grads: list[Array],
        hyper: Any,
        shared_state: tuple[list[Array], ...],
        params: list[Array],
        own_state: tuple[list[Array | None], ...],
    ) -> Any:
        if index is not None:
            shared_state = tuple([col[j] for j in index] for col in shared_state)
        state = rule.State(
            **dict(zip(shared, shared_state)), **dict(zip(own, own_state))
        )
        new_params, new = rule.update(grads, state, params, hyper, **dict(static))
        new_shared = tuple(getattr(new, f) for f in shared)
        if firsts is not None:
            new_shared = tuple([col[i] for i in firsts] for col in new_shared)
        return new_params, new_shared, tuple(getattr(new, f) for f in own)

    # Donated buffers become the outputs of the same shape (XLA updates in place,
    # no fresh allocation); the shell donates only arrays nothing else holds.
    argnums = tuple(n for n, d in zip((3, 4), donate, strict=True) if d)
    return jax.jit(step, donate_argnums=argnums)


def compiled_update(
    rule: ModuleType,
    *,
    index: tuple[int, ...] | None = None,
    donate: tuple[bool, bool] = (False, False),
    **static: Any,
) -> Any:
    """Return the jitted step of ``rule`` with its structural flags bound, cached.

    The program is ``(grads, hyper, shared_state, params, own_state) -> (new_params,
    new_shared, new_own)``: the state split into the rule's ``SHARED`` fields and
    the others (``own``), each a tuple of per-field lists in ``State`` order.

    Args:
        rule: a rule module (``init``/``update``/``State``/``Hyper``/``SHARED``).
        index: for each parameter, which entry of the shared lists it uses, when
            several parameters share one (``None``: one entry per parameter).
            ``SHARED`` fields (the step count) depend only on themselves and the
            hyperparameters, so parameters holding the same arrays there share one
            computation and one result, instead of one small kernel each.
        donate: donate ``(params, own_state)`` buffers to XLA.
        static: the rule's structural flags.

    One compiled program per (rule, flags, sharing, donation, pytree structure and
    shapes): the hyperparameters are array arguments, so a scheduler changing
    ``lr`` never recompiles. Under an outer trace (``jit``/``compile``) the call is
    simply inlined.
    """
    return _compiled(rule, tuple(sorted(static.items())), index, donate)


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
