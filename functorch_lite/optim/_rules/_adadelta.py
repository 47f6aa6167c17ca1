r"""Adadelta update rule (Zeiler, 2012).

For each parameter, with gradient :math:`g` (negated when ``maximize``)::

    t     <- t + 1
    g     <- g + lambda * theta
    v     <- rho * v + (1 - rho) * g^2
    dx    =  sqrt(u + eps) / sqrt(v + eps) * g
    u     <- rho * u + (1 - rho) * dx^2
    theta <- theta - lr * dx

Mirrors ``torch.optim.Adadelta`` (state ``step``, ``square_avg``, ``acc_delta``).
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from ._common import Array, c


class AdadeltaState(NamedTuple):
    step: list[Array]
    square_avg: list[Array]
    acc_delta: list[Array]


class AdadeltaHyper(NamedTuple):
    lr: Array
    rho: Array
    eps: Array
    weight_decay: Array


# The names the optimizer shell looks up (``optim._fused.RuleOptimizer``).
State = AdadeltaState
Hyper = AdadeltaHyper
# State fields that depend only on themselves and the hyperparameters (see _common).
SHARED: tuple[str, ...] = ("step",)


def init(params: list[Array], **_: object) -> AdadeltaState:
    """Zero accumulators and a 0-d float32 step per parameter."""
    return AdadeltaState(
        step=[jnp.zeros((), jnp.float32) for _ in params],
        square_avg=[jnp.zeros_like(p) for p in params],
        acc_delta=[jnp.zeros_like(p) for p in params],
    )


def update(
    grads: list[Array],
    state: AdadeltaState,
    params: list[Array],
    hyper: AdadeltaHyper,
    *,
    maximize: bool = False,
    use_weight_decay: bool = True,
) -> tuple[list[Array], AdadeltaState]:
    """One Adadelta step over a whole parameter group (see the module docstring)."""
    lr, rho, eps, wd = hyper
    new_params: list[Array] = []
    new = AdadeltaState([], [], [])
    for g, p, t, v, u in zip(grads, params, *state, strict=True):
        dt = p.dtype
        t = t + 1
        g = -g if maximize else g
        if use_weight_decay:
            g = g + c(wd, dt) * p
        v = v * c(rho, dt) + c(1 - rho, dt) * (g * g)
        dx = jnp.sqrt(u + c(eps, dt)) / jnp.sqrt(v + c(eps, dt)) * g
        u = u * c(rho, dt) + c(1 - rho, dt) * (dx * dx)
        new_params.append(p - c(lr, dt) * dx)
        new.step.append(t)
        new.square_avg.append(v)
        new.acc_delta.append(u)
    return new_params, new
