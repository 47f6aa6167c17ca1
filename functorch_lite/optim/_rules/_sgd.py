r"""SGD update rule, with momentum, dampening and Nesterov (Sutskever et al., 2013).

For each parameter, with gradient :math:`g` (negated when ``maximize``)::

    g     <- g + lambda * theta
    b     <- g                               (first step)
    b     <- mu * b + (1 - tau) * g          (later steps)
    g     <- g + mu * b   if nesterov   else   b
    theta <- theta - lr * g

Mirrors ``torch.optim.SGD`` (``torch/optim/sgd.py``): the momentum buffer is created
from the first gradient, so a ``None`` entry in ``momentum_buffer`` means "first step".
Whether momentum is used at all is structural (PyTorch tests ``momentum != 0`` in
Python), so it is the static flag ``use_momentum``.
"""

from __future__ import annotations

from typing import NamedTuple

from ._common import Array, c


class SGDState(NamedTuple):
    momentum_buffer: list[Array | None]


class SGDHyper(NamedTuple):
    lr: Array
    momentum: Array
    dampening: Array
    weight_decay: Array


# The names the optimizer shell looks up (``optim._fused.RuleOptimizer``).
State = SGDState
Hyper = SGDHyper
# State fields that depend only on themselves and the hyperparameters (see _common).
SHARED: tuple[str, ...] = ()


def init(params: list[Array], **_: object) -> SGDState:
    """No buffers yet: PyTorch creates them from the first gradient."""
    return SGDState(momentum_buffer=[None for _ in params])


def update(
    grads: list[Array],
    state: SGDState,
    params: list[Array],
    hyper: SGDHyper,
    *,
    use_momentum: bool = False,
    nesterov: bool = False,
    maximize: bool = False,
    use_weight_decay: bool = True,
) -> tuple[list[Array], SGDState]:
    """One SGD step over a whole parameter group (see the module docstring)."""
    lr, mu, dampening, wd = hyper
    new_params: list[Array] = []
    new = SGDState([])
    for g, p, b in zip(grads, params, state.momentum_buffer, strict=True):
        dt = p.dtype
        g = -g if maximize else g
        if use_weight_decay:
            g = g + c(wd, dt) * p
        if use_momentum:
            b = g if b is None else b * c(mu, dt) + c(1 - dampening, dt) * g
            g = g + c(mu, dt) * b if nesterov else b
        new_params.append(p - c(lr, dt) * g)
        new.momentum_buffer.append(b)
    return new_params, new
