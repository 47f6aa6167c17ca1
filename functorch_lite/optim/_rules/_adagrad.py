r"""Adagrad update rule (Duchi et al., 2011).

For each parameter, with gradient :math:`g` (negated when ``maximize``)::

    t     <- t + 1
    g     <- g + lambda * theta
    clr   =  lr / (1 + (t - 1) * lr_decay)
    s     <- s + g^2
    theta <- theta - clr * g / (sqrt(s) + eps)

Mirrors ``torch.optim.Adagrad`` (state ``step``, ``sum``; the sum starts at
``initial_accumulator_value``).
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from ._common import Array, c


class AdagradState(NamedTuple):
    step: list[Array]
    sum: list[Array]


class AdagradHyper(NamedTuple):
    lr: Array
    lr_decay: Array
    eps: Array
    weight_decay: Array


# The names the optimizer shell looks up (``optim._fused.RuleOptimizer``).
State = AdagradState
Hyper = AdagradHyper
# State fields that depend only on themselves and the hyperparameters (see _common).
SHARED: tuple[str, ...] = ("step",)


def init(
    params: list[Array], *, initial_accumulator_value: float = 0.0, **_: object
) -> AdagradState:
    """Step 0 and a sum filled with ``initial_accumulator_value`` per parameter."""
    return AdagradState(
        step=[jnp.zeros((), jnp.float32) for _ in params],
        sum=[jnp.full_like(p, initial_accumulator_value) for p in params],
    )


def update(
    grads: list[Array],
    state: AdagradState,
    params: list[Array],
    hyper: AdagradHyper,
    *,
    maximize: bool = False,
    use_weight_decay: bool = True,
) -> tuple[list[Array], AdagradState]:
    """One Adagrad step over a whole parameter group (see the module docstring)."""
    lr, lr_decay, eps, wd = hyper
    new_params: list[Array] = []
    new = AdagradState([], [])
    for g, p, t, s in zip(grads, params, *state, strict=True):
        dt = p.dtype
        t = t + 1
        g = -g if maximize else g
        if use_weight_decay:
            g = g + c(wd, dt) * p
        clr = lr / (1 + (t.astype(lr.dtype) - 1) * lr_decay)
        s = s + g * g
        theta = p - c(clr, dt) * (g / (jnp.sqrt(s) + c(eps, dt)))
        new_params.append(theta)
        new.step.append(t)
        new.sum.append(s)
    return new_params, new
