"""``SGD``: a thin shell over the pure rule in ``_rules/_sgd.py``."""

from __future__ import annotations

from typing import Any

from ._core import Tensor
from ._fused import RuleOptimizer, check_flags, check_lr, hyper_value
from ._optimizer import ParamsT
from ._rules import _sgd

__all__ = ["SGD"]


class SGD(RuleOptimizer):
    r"""Stochastic gradient descent (``torch.optim.SGD``): ``theta -= lr * g``.

    With momentum ``b = mu * b + (1 - dampening) * g`` replaces ``g`` (Nesterov:
    ``g + mu * b``).

    Args:
        params: parameters to optimize, or dicts defining parameter groups.
        lr: learning rate (a float or a 1-element Tensor).
        momentum: momentum factor.
        dampening: dampening for momentum.
        weight_decay: L2 penalty.
        nesterov: use Nesterov momentum.
        maximize: maximize the objective instead of minimizing it.

    Example:
        >>> import functorch_lite as torch
        >>> w = torch.ones(2, requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.5, momentum=0.9)
        >>> w.grad = torch.ones(2)
        >>> opt.step()
        >>> w
        tensor([0.5000, 0.5000], requires_grad=True)
    """

    _rule = _sgd

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float | Tensor = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if float(weight_decay) < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        check_flags(fused, foreach, differentiable)
        super().__init__(params, defaults)

    def _hyper(self, group: dict[str, Any]) -> _sgd.SGDHyper:
        return _sgd.SGDHyper(
            lr=hyper_value(group["lr"]),
            momentum=hyper_value(group["momentum"]),
            dampening=hyper_value(group["dampening"]),
            weight_decay=hyper_value(group["weight_decay"]),
        )

    def _static(self, group: dict[str, Any]) -> dict[str, Any]:
        # PyTorch decides in Python whether momentum buffers exist at all.
        return {
            "use_weight_decay": float(group["weight_decay"]) != 0,
            "use_momentum": float(group["momentum"]) != 0,
            "nesterov": bool(group["nesterov"]),
            "maximize": bool(group["maximize"]),
        }
