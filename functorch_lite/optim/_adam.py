"""``Adam`` and ``AdamW``: thin shells over the pure rule in ``_rules/_adam.py``."""

from __future__ import annotations

from typing import Any

from ._core import Tensor
from ._fused import RuleOptimizer, check_flags, check_lr, hyper_value
from ._optimizer import ParamsT
from ._rules import _adam

__all__ = ["Adam", "AdamW"]


class Adam(RuleOptimizer):
    r"""Adam (``torch.optim.Adam``): ``theta -= lr * m_hat / (sqrt(v_hat) + eps)``.

    The update of a whole param group is one compiled call (PyTorch's ``fused``);
    ``foreach``/``fused``/``capturable``/``differentiable`` are accepted for
    compatibility.

    Args:
        params: parameters to optimize, or dicts defining parameter groups.
        lr: learning rate (a float or a 1-element Tensor).
        betas: coefficients of the running averages of the gradient and its square.
        eps: term added to the denominator for numerical stability.
        weight_decay: L2 penalty (decoupled from the gradient for AdamW).
        amsgrad: use the maximum of past squared-gradient averages (AMSGrad).
        maximize: maximize the objective instead of minimizing it.
        decoupled_weight_decay: apply weight decay as AdamW does.

    Example:
        >>> import functorch_lite as torch
        >>> w = torch.zeros(3, requires_grad=True)
        >>> opt = torch.optim.Adam([w], lr=0.1)
        >>> w.grad = torch.ones(3)
        >>> opt.step()
        >>> w
        tensor([-0.1000, -0.1000, -0.1000], requires_grad=True)
    """

    _rule = _adam

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        check_lr(lr)
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i, beta in enumerate(betas):
            if isinstance(beta, Tensor) and beta.numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")
            if not 0.0 <= float(beta) < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if isinstance(betas[0], Tensor) != isinstance(betas[1], Tensor):
            raise ValueError("betas must be either both floats or both Tensors")
        check_flags(fused, foreach, differentiable)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _hyper(self, group: dict[str, Any]) -> _adam.AdamHyper:
        b1, b2 = group["betas"]
        return _adam.AdamHyper(
            lr=hyper_value(group["lr"]),
            b1=hyper_value(b1),
            b2=hyper_value(b2),
            eps=hyper_value(group["eps"]),
            weight_decay=hyper_value(group["weight_decay"]),
        )

    def _static(self, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "use_weight_decay": float(group["weight_decay"]) != 0,
            "amsgrad": bool(group["amsgrad"]),
            "maximize": bool(group["maximize"]),
            "decoupled_weight_decay": bool(group["decoupled_weight_decay"]),
        }


class AdamW(Adam):
    r"""AdamW (``torch.optim.AdamW``): Adam with decoupled weight decay.

    ``theta -= lr * weight_decay * theta`` before the Adam step; same arguments as
    :class:`Adam` with ``weight_decay=1e-2`` by default.

    Example:
        >>> import functorch_lite as torch
        >>> w = torch.ones(2, requires_grad=True)
        >>> opt = torch.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = torch.zeros(2)
        >>> opt.step()
        >>> w
        tensor([0.9500, 0.9500], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        # AdamW is always decoupled, whatever the loaded checkpoint says (as torch).
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
