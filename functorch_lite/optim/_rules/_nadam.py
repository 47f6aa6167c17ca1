r"""NAdam update rule: Adam with Nesterov momentum (Dozat, 2016).

For each parameter, with gradient :math:`g` (negated when ``maximize``) and momentum
decay :math:`\psi`::

    t        <- t + 1
    theta    <- theta * (1 - lr * lambda)     (decoupled weight decay)
    g        <- g + lambda * theta            (otherwise)
    mu_t     =  b1 * (1 - 0.5 * 0.96^(t * psi))
    mu_t1    =  b1 * (1 - 0.5 * 0.96^((t + 1) * psi))
    prod     <- prod * mu_t
    m        <- b1 * m + (1 - b1) * g
    v        <- b2 * v + (1 - b2) * g^2
    denom    =  sqrt(v / (1 - b2^t)) + eps
    theta    <- theta - lr (1 - mu_t) / (1 - prod) * g / denom
                      - lr mu_t1 / (1 - prod * mu_t1) * m / denom

Mirrors ``torch.optim.NAdam`` (state ``step``, ``mu_product``, ``exp_avg``,
``exp_avg_sq``).
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from ._common import Array, c, lerp


class NAdamState(NamedTuple):
    step: list[Array]
    mu_product: list[Array]
    exp_avg: list[Array]
    exp_avg_sq: list[Array]


class NAdamHyper(NamedTuple):
    lr: Array
    b1: Array
    b2: Array
    eps: Array
    weight_decay: Array
    momentum_decay: Array


# The names the optimizer shell looks up (``optim._fused.RuleOptimizer``).
State = NAdamState
Hyper = NAdamHyper
# State fields that depend only on themselves and the hyperparameters (see _common).
SHARED: tuple[str, ...] = ("step", "mu_product")


def init(params: list[Array], **_: object) -> NAdamState:
    """Zero moments, step 0 and ``mu_product`` 1 per parameter (0-d float32)."""
    return NAdamState(
        step=[jnp.zeros((), jnp.float32) for _ in params],
        mu_product=[jnp.ones((), jnp.float32) for _ in params],
        exp_avg=[jnp.zeros_like(p) for p in params],
        exp_avg_sq=[jnp.zeros_like(p) for p in params],
    )


def update(
    grads: list[Array],
    state: NAdamState,
    params: list[Array],
    hyper: NAdamHyper,
    *,
    maximize: bool = False,
    use_weight_decay: bool = True,
    decoupled_weight_decay: bool = False,
) -> tuple[list[Array], NAdamState]:
    """One NAdam step over a whole parameter group (see the module docstring)."""
    lr, b1, b2, eps, wd, psi = hyper
    new_params: list[Array] = []
    new = NAdamState([], [], [], [])
    for g, p, t, prod, m, v in zip(grads, params, *state, strict=True):
        dt = p.dtype
        t = t + 1
        step = t.astype(lr.dtype)
        g = -g if maximize else g
        theta = p
        if use_weight_decay and decoupled_weight_decay:
            theta = theta * c(1 - lr * wd, dt)
        elif use_weight_decay:
            g = g + c(wd, dt) * p
        mu = b1 * (1 - 0.5 * 0.96 ** (step * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi))
        # PyTorch keeps mu_product a float32 tensor: round it every step as it does.
        prod = prod * c(mu, prod.dtype)
        prod_next = prod.astype(lr.dtype) * mu_next
        m = lerp(m, g, 1 - b1)
        v = v * c(b2, dt) + c(1 - b2, dt) * (g * g)
        denom = jnp.sqrt(v / c(1 - b2**step, dt)) + c(eps, dt)
        theta = theta + c(-lr * (1 - mu) / (1 - prod.astype(lr.dtype)), dt) * (
            g / denom
        )
        theta = theta + c(-lr * mu_next / (1 - prod_next), dt) * (m / denom)
        new_params.append(theta)
        new.step.append(t)
        new.mu_product.append(prod)
        new.exp_avg.append(m)
        new.exp_avg_sq.append(v)
    return new_params, new
