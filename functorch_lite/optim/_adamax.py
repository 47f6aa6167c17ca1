"""``Adamax``: a thin shell over the pure rule in ``_rules/_adamax.py``."""

from __future__ import annotations

from typing import Any

from ._core import Tensor
from ._fused import RuleOptimizer, check_flags, check_lr, hyper_value
from ._optimizer import ParamsT
from ._rules import _adamax

__all__ = ["Adamax"]


class Adamax(RuleOptimizer):
    r"""Adamax (``torch.optim.Adamax``): ``theta -= lr / (1 - b1^t) * m / u``.

    ``u = max(b2 * u, |g| + eps)`` is the infinity-norm second moment.

    Args:
        params: parameters to optimize, or dicts defining parameter groups.
        lr: learning rate.
        betas: coefficients of the running averages.
        eps: term added to the infinity norm for numerical stability.
        weight_decay: L2 penalty.
        maximize: maximize the objective instead of minimizing it.

    Example:
        >>> import functorch_lite as torch
        >>> w = torch.zeros(2, requires_grad=True)
        >>> opt = torch.optim.Adamax([w], lr=0.1)
        >>> w.grad = torch.ones(2)
        >>> opt.step()
        >>> w
        tensor([-0.1000, -0.1000], requires_grad=True)
    """

    _rule = _adamax

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_lr(lr)
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i in (0, 1):
            if not 0.0 <= betas[i] < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        check_flags(None, foreach, differentiable)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _hyper(self, group: dict[str, Any]) -> _adamax.AdamaxHyper:
        b1, b2 = group["betas"]
        return _adamax.AdamaxHyper(
            lr=hyper_value(group["lr"]),
            b1=hyper_value(b1),
            b2=hyper_value(b2),
            eps=hyper_value(group["eps"]),
            weight_decay=hyper_value(group["weight_decay"]),
        )

    def _static(self, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "use_weight_decay": float(group["weight_decay"]) != 0,
            "maximize": bool(group["maximize"]),
        }
