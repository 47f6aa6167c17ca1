"""``Adadelta``: a thin shell over the pure rule in ``_rules/_adadelta.py``."""

from __future__ import annotations

from typing import Any

from ._core import Tensor
from ._fused import RuleOptimizer, check_flags, check_lr, hyper_value
from ._optimizer import ParamsT
from ._rules import _adadelta

__all__ = ["Adadelta"]


class Adadelta(RuleOptimizer):
    r"""Adadelta (``torch.optim.Adadelta``): ``theta -= lr * dx``.

    ``dx = sqrt(u + eps) / sqrt(v + eps) * g`` with running averages ``v`` of
    ``g^2`` and ``u`` of ``dx^2``.

    Args:
        params: parameters to optimize, or dicts defining parameter groups.
        lr: coefficient scaling ``dx``.
        rho: coefficient of the running averages.
        eps: term added inside the square roots for numerical stability.
        weight_decay: L2 penalty.
        maximize: maximize the objective instead of minimizing it.

    Example:
        >>> import functorch_lite as torch
        >>> w = torch.zeros(2, requires_grad=True)
        >>> opt = torch.optim.Adadelta([w])
        >>> w.grad = torch.ones(2)
        >>> opt.step()
        >>> w.shape
        functorch_lite.Size([2])
    """

    _rule = _adadelta

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        check_flags(None, foreach, differentiable)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _hyper(self, group: dict[str, Any]) -> _adadelta.AdadeltaHyper:
        return _adadelta.AdadeltaHyper(
            lr=hyper_value(group["lr"]),
            rho=hyper_value(group["rho"]),
            eps=hyper_value(group["eps"]),
            weight_decay=hyper_value(group["weight_decay"]),
        )

    def _static(self, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "use_weight_decay": float(group["weight_decay"]) != 0,
            "maximize": bool(group["maximize"]),
        }
