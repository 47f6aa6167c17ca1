r"""Adamax update rule: Adam with the infinity norm (Kingma & Ba, 2015, section 7.1).

For each parameter, with gradient :math:`g` (negated when ``maximize``)::

    t     <- t + 1
    g     <- g + lambda * theta
    m     <- b1 * m + (1 - b1) * g
    u     <- max(b2 * u, |g| + eps)
    theta <- theta - lr / (1 - b1^t) * m / u

Mirrors ``torch.optim.Adamax`` (state ``step``, ``exp_avg``, ``exp_inf``).
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from ._common import Array, c, lerp


class AdamaxState(NamedTuple):
    step: list[Array]
    exp_avg: list[Array]
    exp_inf: list[Array]


class AdamaxHyper(NamedTuple):
    lr: Array
    b1: Array
    b2: Array
    eps: Array
    weight_decay: Array


# The names the optimizer shell looks up (``optim._fused.RuleOptimizer``).
State = AdamaxState
Hyper = AdamaxHyper
# State fields that depend only on themselves and the hyperparameters (see _common).
SHARED: tuple[str, ...] = ("step",)


def init(params: list[Array], **_: object) -> AdamaxState:
    """Zero moments and a 0-d float32 step per parameter."""
    return AdamaxState(
        step=[jnp.zeros((), jnp.float32) for _ in params],
        exp_avg=[jnp.zeros_like(p) for p in params],
        exp_inf=[jnp.zeros_like(p) for p in params],
    )


def update(
    grads: list[Array],
    state: AdamaxState,
    params: list[Array],
    hyper: AdamaxHyper,
    *,
    maximize: bool = False,
    use_weight_decay: bool = True,
) -> tuple[list[Array], AdamaxState]:
    """One Adamax step over a whole parameter group (see the module docstring)."""
    lr, b1, b2, eps, wd = hyper
    new_params: list[Array] = []
    new = AdamaxState([], [], [])
    for g, p, t, m, u in zip(grads, params, *state, strict=True):
        dt = p.dtype
        t = t + 1
        g = -g if maximize else g
        if use_weight_decay:
            g = g + c(wd, dt) * p
        m = lerp(m, g, 1 - b1)
        u = jnp.maximum(u * c(b2, dt), jnp.abs(g) + c(eps, dt))
        clr = lr / (1 - b1 ** t.astype(lr.dtype))
        new_params.append(p - c(clr, dt) * (m / u))
        new.step.append(t)
        new.exp_avg.append(m)
        new.exp_inf.append(u)
    return new_params, new
