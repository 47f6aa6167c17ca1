"""``RMSprop``: a thin shell over the pure rule in ``_rules/_rmsprop.py``."""

from __future__ import annotations

from typing import Any

from ._core import Tensor
from ._fused import RuleOptimizer, check_flags, check_lr, hyper_value
from ._optimizer import ParamsT
from ._rules import _rmsprop

__all__ = ["RMSprop"]


class RMSprop(RuleOptimizer):
    r"""RMSprop (``torch.optim.RMSprop``): ``theta -= lr * g / (sqrt(v) + eps)``.

    ``v = alpha * v + (1 - alpha) * g^2``; ``centered`` subtracts the squared mean
    gradient, ``momentum`` accumulates the normalized gradient in a buffer.

    Args:
        params: parameters to optimize, or dicts defining parameter groups.
        lr: learning rate.
        alpha: smoothing constant.
        eps: term added to the denominator for numerical stability.
        weight_decay: L2 penalty.
        momentum: momentum factor.
        centered: normalize by an estimate of the gradient's variance.
        maximize: maximize the objective instead of minimizing it.

    Example:
        >>> import functorch_lite as torch
        >>> w = torch.zeros(2, requires_grad=True)
        >>> opt = torch.optim.RMSprop([w], lr=0.01)
        >>> w.grad = torch.ones(2)
        >>> opt.step()
        >>> w
        tensor([-0.1000, -0.1000], requires_grad=True)
    """

    _rule = _rmsprop

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not momentum >= 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not alpha >= 0.0:
            raise ValueError(f"Invalid alpha value: {alpha}")
        check_flags(None, foreach, differentiable)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _hyper(self, group: dict[str, Any]) -> _rmsprop.RMSpropHyper:
        return _rmsprop.RMSpropHyper(
            lr=hyper_value(group["lr"]),
            alpha=hyper_value(group["alpha"]),
            eps=hyper_value(group["eps"]),
            weight_decay=hyper_value(group["weight_decay"]),
            momentum=hyper_value(group["momentum"]),
        )

    def _static(self, group: dict[str, Any]) -> dict[str, Any]:
        # PyTorch decides in Python whether the momentum buffer exists at all.
        return {
            "use_weight_decay": float(group["weight_decay"]) != 0,
            "use_momentum": float(group["momentum"]) > 0,
            "centered": bool(group["centered"]),
            "maximize": bool(group["maximize"]),
        }
