r"""Adam / AdamW update rule (Kingma & Ba, 2015; Loshchilov & Hutter, 2019).

For each parameter, with gradient :math:`g_t` (negated when ``maximize``)::

    t      <- t + 1
    theta  <- theta * (1 - lr * lambda)         (decoupled weight decay, AdamW)
    g      <- g + lambda * theta                (L2 weight decay, Adam)
    m      <- b1 * m + (1 - b1) * g
    v      <- b2 * v + (1 - b2) * g^2
    v_max  <- max(v_max, v)                     (amsgrad)
    theta  <- theta - lr / (1 - b1^t) * m / (sqrt(v or v_max) / sqrt(1 - b2^t) + eps)

Mirrors ``torch.optim.Adam``'s single-tensor path (``torch/optim/adam.py``), with the
state named as PyTorch names it: ``step``, ``exp_avg``, ``exp_avg_sq``,
``max_exp_avg_sq``.
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from ._common import Array, c, lerp


class AdamState(NamedTuple):
    step: list[Array]
    exp_avg: list[Array]
    exp_avg_sq: list[Array]
    max_exp_avg_sq: list[Array | None]


class AdamHyper(NamedTuple):
    lr: Array
    b1: Array
    b2: Array
    eps: Array
    weight_decay: Array


# The names the optimizer shell looks up (``optim._fused.RuleOptimizer``).
State = AdamState
Hyper = AdamHyper
# State fields that depend only on themselves and the hyperparameters (see _common).
SHARED: tuple[str, ...] = ("step",)


def init(params: list[Array], *, amsgrad: bool = False, **_: object) -> AdamState:
    """Zero moments and a 0-d float32 step per parameter, as ``Adam._init_group``."""
    return AdamState(
        step=[jnp.zeros((), jnp.float32) for _ in params],
        exp_avg=[jnp.zeros_like(p) for p in params],
        exp_avg_sq=[jnp.zeros_like(p) for p in params],
        max_exp_avg_sq=[jnp.zeros_like(p) if amsgrad else None for p in params],
    )


def update(
    grads: list[Array],
    state: AdamState,
    params: list[Array],
    hyper: AdamHyper,
    *,
    amsgrad: bool = False,
    maximize: bool = False,
    use_weight_decay: bool = True,
    decoupled_weight_decay: bool = False,
) -> tuple[list[Array], AdamState]:
    """One Adam step over a whole parameter group (see the module docstring)."""
    lr, b1, b2, eps, wd = hyper
    new_params: list[Array] = []
    new = AdamState([], [], [], [])
    for g, p, t, m, v, v_max in zip(grads, params, *state, strict=True):
        dt = p.dtype
        t = t + 1
        step = t.astype(lr.dtype)
        g = -g if maximize else g
        theta = p
        if use_weight_decay and decoupled_weight_decay:
            theta = theta * c(1 - lr * wd, dt)
        elif use_weight_decay:
            g = g + c(wd, dt) * p
        m = lerp(m, g, 1 - b1)
        v = v * c(b2, dt) + c(1 - b2, dt) * (g * g)
        if amsgrad:
            v_max = jnp.maximum(v_max, v)
        step_size = lr / (1 - b1**step)
        bias_correction2_sqrt = jnp.sqrt(1 - b2**step)
        denom = jnp.sqrt(v_max if amsgrad else v) / c(bias_correction2_sqrt, dt)
        denom = denom + c(eps, dt)
        theta = theta - c(step_size, dt) * (m / denom)
        new_params.append(theta)
        new.step.append(t)
        new.exp_avg.append(m)
        new.exp_avg_sq.append(v)
        new.max_exp_avg_sq.append(v_max if amsgrad else None)
    return new_params, new
