r"""RMSprop update rule (Hinton, 2012; centered variant from Graves, 2013).

For each parameter, with gradient :math:`g` (negated when ``maximize``)::

    t     <- t + 1
    g     <- g + lambda * theta
    v     <- alpha * v + (1 - alpha) * g^2
    g_avg <- alpha * g_avg + (1 - alpha) * g          (centered)
    denom =  sqrt(v - g_avg^2) + eps   if centered   else   sqrt(v) + eps
    b     <- mu * b + g / denom                       (momentum > 0)
    theta <- theta - lr * b     or     theta - lr * g / denom

Mirrors ``torch.optim.RMSprop`` (state ``step``, ``square_avg``, ``momentum_buffer``
when ``momentum > 0``, ``grad_avg`` when centered). Using momentum is structural in
PyTorch (a Python ``momentum > 0`` test), hence the static flag ``use_momentum``.
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from ._common import Array, c, lerp


class RMSpropState(NamedTuple):
    step: list[Array]
    square_avg: list[Array]
    momentum_buffer: list[Array | None]
    grad_avg: list[Array | None]


class RMSpropHyper(NamedTuple):
    lr: Array
    alpha: Array
    eps: Array
    weight_decay: Array
    momentum: Array


# The names the optimizer shell looks up (``optim._fused.RuleOptimizer``).
State = RMSpropState
Hyper = RMSpropHyper
# State fields that depend only on themselves and the hyperparameters (see _common).
SHARED: tuple[str, ...] = ("step",)


def init(
    params: list[Array],
    *,
    use_momentum: bool = False,
    centered: bool = False,
    **_: object,
) -> RMSpropState:
    """Zero averages (and buffers when enabled), step 0 per parameter."""
    return RMSpropState(
        step=[jnp.zeros((), jnp.float32) for _ in params],
        square_avg=[jnp.zeros_like(p) for p in params],
        momentum_buffer=[jnp.zeros_like(p) if use_momentum else None for p in params],
        grad_avg=[jnp.zeros_like(p) if centered else None for p in params],
    )


def update(
    grads: list[Array],
    state: RMSpropState,
    params: list[Array],
    hyper: RMSpropHyper,
    *,
    use_momentum: bool = False,
    centered: bool = False,
    maximize: bool = False,
    use_weight_decay: bool = True,
) -> tuple[list[Array], RMSpropState]:
    """One RMSprop step over a whole parameter group (see the module docstring)."""
    lr, alpha, eps, wd, mu = hyper
    new_params: list[Array] = []
    new = RMSpropState([], [], [], [])
    for g, p, t, v, b, g_avg in zip(grads, params, *state, strict=True):
        dt = p.dtype
        t = t + 1
        g = -g if maximize else g
        if use_weight_decay:
            g = g + c(wd, dt) * p
        v = v * c(alpha, dt) + c(1 - alpha, dt) * (g * g)
        if centered:
            g_avg = lerp(g_avg, g, 1 - alpha)
            denom = jnp.sqrt(v - g_avg * g_avg) + c(eps, dt)
        else:
            denom = jnp.sqrt(v) + c(eps, dt)
        if use_momentum:
            b = b * c(mu, dt) + g / denom
            theta = p - c(lr, dt) * b
        else:
            theta = p - c(lr, dt) * (g / denom)
        new_params.append(theta)
        new.step.append(t)
        new.square_avg.append(v)
        new.momentum_buffer.append(b)
        new.grad_avg.append(g_avg)
    return new_params, new
