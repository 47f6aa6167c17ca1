"""``Adagrad``: a thin shell over the pure rule in ``_rules/_adagrad.py``."""

from __future__ import annotations

from typing import Any

from ._core import Tensor
from ._fused import RuleOptimizer, check_flags, check_lr, hyper_value
from ._optimizer import ParamsT
from ._rules import _adagrad

__all__ = ["Adagrad"]


class Adagrad(RuleOptimizer):
    r"""Adagrad (``torch.optim.Adagrad``): ``theta -= clr * g / (sqrt(sum g^2) + eps)``.

    ``clr = lr / (1 + (t - 1) * lr_decay)``. As in PyTorch the state (``step``,
    ``sum``) is created for every parameter when the optimizer is constructed.

    Args:
        params: parameters to optimize, or dicts defining parameter groups.
        lr: learning rate.
        lr_decay: learning rate decay.
        weight_decay: L2 penalty.
        initial_accumulator_value: initial value of the sum of squared gradients.
        eps: term added to the denominator for numerical stability.
        maximize: maximize the objective instead of minimizing it.

    Example:
        >>> import functorch_lite as torch
        >>> w = torch.zeros(2, requires_grad=True)
        >>> opt = torch.optim.Adagrad([w], lr=0.1)
        >>> w.grad = torch.ones(2)
        >>> opt.step()
        >>> w
        tensor([-0.1000, -0.1000], requires_grad=True)
    """

    _rule = _adagrad

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_lr(lr)
        if not lr_decay >= 0.0:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not initial_accumulator_value >= 0.0:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}"
            )
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_flags(fused, foreach, differentiable)
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            self._init_states(group, group["params"], {})

    def _init_options(self, group: dict[str, Any]) -> dict[str, Any]:
        return {"initial_accumulator_value": group["initial_accumulator_value"]}

    def _init_states(
        self, group: dict[str, Any], params: list[Tensor], static: dict[str, Any]
    ) -> None:
        # PyTorch makes Adagrad's state in __init__; a param added later (by
        # add_param_group) gets it lazily, and the accumulator's start value is an
        # option of the group, not a flag of the update itself.
        super()._init_states(group, params, {**static, **self._init_options(group)})

    def _hyper(self, group: dict[str, Any]) -> _adagrad.AdagradHyper:
        return _adagrad.AdagradHyper(
            lr=hyper_value(group["lr"]),
            lr_decay=hyper_value(group["lr_decay"]),
            eps=hyper_value(group["eps"]),
            weight_decay=hyper_value(group["weight_decay"]),
        )

    def _static(self, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "use_weight_decay": float(group["weight_decay"]) != 0,
            "maximize": bool(group["maximize"]),
        }
