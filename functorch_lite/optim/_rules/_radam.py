r"""RAdam update rule: Adam with a rectified adaptive learning rate (Liu et al., 2020).

For each parameter, with gradient :math:`g` (negated when ``maximize``)::

    t       <- t + 1
    theta   <- theta * (1 - lr * lambda)      (decoupled weight decay)
    g       <- g + lambda * theta             (otherwise)
    m       <- b1 * m + (1 - b1) * g
    v       <- b2 * v + (1 - b2) * g^2
    m_hat   =  m / (1 - b1^t)
    rho_inf =  2 / (1 - b2) - 1
    rho_t   =  rho_inf - 2 t b2^t / (1 - b2^t)
    r_t     =  sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
    l_t     =  sqrt(1 - b2^t) / (sqrt(v) + eps)
    theta   <- theta - lr * m_hat * (r_t * l_t   if rho_t > 5   else 1)

Mirrors ``torch.optim.RAdam``; the ``rho_t > 5`` test is a ``where`` (as PyTorch's
capturable path) so the rule has no Python branch on a value.
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from ._common import Array, c, lerp


class RAdamState(NamedTuple):
    step: list[Array]
    exp_avg: list[Array]
    exp_avg_sq: list[Array]


class RAdamHyper(NamedTuple):
    lr: Array
    b1: Array
    b2: Array
    eps: Array
    weight_decay: Array


# The names the optimizer shell looks up (``optim._fused.RuleOptimizer``).
State = RAdamState
Hyper = RAdamHyper
# State fields that depend only on themselves and the hyperparameters (see _common).
SHARED: tuple[str, ...] = ("step",)


def init(params: list[Array], **_: object) -> RAdamState:
    """Zero moments and a 0-d float32 step per parameter."""
    return RAdamState(
        step=[jnp.zeros((), jnp.float32) for _ in params],
        exp_avg=[jnp.zeros_like(p) for p in params],
        exp_avg_sq=[jnp.zeros_like(p) for p in params],
    )


def update(
    grads: list[Array],
    state: RAdamState,
    params: list[Array],
    hyper: RAdamHyper,
    *,
    maximize: bool = False,
    use_weight_decay: bool = True,
    decoupled_weight_decay: bool = False,
) -> tuple[list[Array], RAdamState]:
    """One RAdam step over a whole parameter group (see the module docstring)."""
    lr, b1, b2, eps, wd = hyper
    new_params: list[Array] = []
    new = RAdamState([], [], [])
    for g, p, t, m, v in zip(grads, params, *state, strict=True):
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
        bias_correction1 = 1 - b1**step
        bias_correction2 = 1 - b2**step
        m_hat = m / c(bias_correction1, dt)
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * step * b2**step / bias_correction2
        rectified = rho_t > 5
        # Guard the square root so the unselected branch stays finite.
        safe_rho_t = jnp.where(rectified, rho_t, rho_inf)
        rect = jnp.sqrt(
            (safe_rho_t - 4)
            * (safe_rho_t - 2)
            * rho_inf
            / ((rho_inf - 4) * (rho_inf - 2) * safe_rho_t)
        )
        adaptive_lr = c(jnp.sqrt(bias_correction2), dt) / (jnp.sqrt(v) + c(eps, dt))
        update = jnp.where(
            rectified, m_hat * c(lr, dt) * adaptive_lr * c(rect, dt), m_hat * c(lr, dt)
        )
        theta = theta - update
        new_params.append(theta)
        new.step.append(t)
        new.exp_avg.append(m)
        new.exp_avg_sq.append(v)
    return new_params, new
