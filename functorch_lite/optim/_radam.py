"""``RAdam``: a thin shell over the pure rule in ``_rules/_radam.py``."""

from __future__ import annotations

from typing import Any

from ._core import Tensor
from ._fused import RuleOptimizer, check_flags, check_lr, hyper_value
from ._optimizer import ParamsT
from ._rules import _radam

__all__ = ["RAdam"]


class RAdam(RuleOptimizer):
    r"""RAdam (``torch.optim.RAdam``): Adam with a rectified adaptive learning rate.

    While the variance estimate is unreliable (``rho_t <= 5``) the step is plain
    momentum SGD ``theta -= lr * m_hat``.

    Args:
        params: parameters to optimize, or dicts defining parameter groups.
        lr: learning rate.
        betas: coefficients of the running averages.
        eps: term added to the denominator for numerical stability.
        weight_decay: weight decay (L2, or decoupled as AdamW).
        decoupled_weight_decay: apply weight decay as AdamW does.
        maximize: maximize the objective instead of minimizing it.

    Example:
        >>> import functorch_lite as torch
        >>> w = torch.zeros(2, requires_grad=True)
        >>> opt = torch.optim.RAdam([w], lr=0.1)
        >>> w.grad = torch.ones(2)
        >>> opt.step()
        >>> w
        tensor([-0.1000, -0.1000], requires_grad=True)
    """

    _rule = _radam

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
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
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _hyper(self, group: dict[str, Any]) -> _radam.RAdamHyper:
        b1, b2 = group["betas"]
        return _radam.RAdamHyper(
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
            "decoupled_weight_decay": bool(group["decoupled_weight_decay"]),
        }
