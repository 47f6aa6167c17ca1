"""Loss modules (``torch.nn.modules.loss``): thin shells over the functional losses.

As in PyTorch, class weights (``weight``, ``pos_weight``) are registered as buffers, so
they appear in ``state_dict`` and follow ``.to()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
from . import functional as F
from ._module import Module

__all__ = [
    "L1Loss", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
    "KLDivLoss", "SmoothL1Loss", "HuberLoss", "CTCLoss", "CosineEmbeddingLoss",
    "MarginRankingLoss", "TripletMarginLoss", "GaussianNLLLoss", "PoissonNLLLoss",
    "SoftMarginLoss", "MultiLabelSoftMarginLoss", "HingeEmbeddingLoss", "MultiMarginLoss",
    "TripletMarginWithDistanceLoss",
]  # fmt: skip


class _Loss(Module):
    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = F._loss._reduction(size_average, reduce, reduction)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


def _simple(
    name: str, fn: Callable[..., Tensor], doc: str, **params: Any
) -> type[_Loss]:
    """A loss module ``name(**params, reduction)`` calling ``fn(input, target, ...)``."""
    keys = tuple(params)

    def __init__(self: _Loss, *args: Any, **kwargs: Any) -> None:
        values = dict(params)
        legacy = {k: kwargs.pop(k) for k in ("size_average", "reduce") if k in kwargs}
        reduction = kwargs.pop("reduction", "mean")
        names = list(keys)
        for i, a in enumerate(args):
            values[names[i]] = a
        values.update(kwargs)
        _Loss.__init__(
            self, legacy.get("size_average"), legacy.get("reduce"), reduction
        )
        for k in keys:
            setattr(self, k, values[k])

    def forward(self: _Loss, input: Tensor, target: Tensor) -> Tensor:
        extra = {k: getattr(self, k) for k in keys}
        return fn(input, target, reduction=self.reduction, **extra)

    return type(name, (_Loss,), {"__init__": __init__, "forward": forward, "__doc__": doc,
                                 "__module__": __name__, "__qualname__": name})  # fmt: skip


L1Loss = _simple("L1Loss", F.l1_loss, "``torch.nn.L1Loss``: mean absolute error.")
MSELoss = _simple("MSELoss", F.mse_loss, "``torch.nn.MSELoss``: mean squared error.")
SoftMarginLoss = _simple(
    "SoftMarginLoss", F.soft_margin_loss, "``torch.nn.SoftMarginLoss``."
)
SmoothL1Loss = _simple(
    "SmoothL1Loss", F.smooth_l1_loss, "``torch.nn.SmoothL1Loss``.", beta=1.0
)
HuberLoss = _simple("HuberLoss", F.huber_loss, "``torch.nn.HuberLoss``.", delta=1.0)
KLDivLoss = _simple("KLDivLoss", F.kl_div, "``torch.nn.KLDivLoss`` (input: log-probs).",
                    log_target=False)  # fmt: skip
HingeEmbeddingLoss = _simple("HingeEmbeddingLoss", F.hinge_embedding_loss,
                             "``torch.nn.HingeEmbeddingLoss``.", margin=1.0)  # fmt: skip


class CrossEntropyLoss(_WeightedLoss):
    """``torch.nn.CrossEntropyLoss``: ``log_softmax`` + NLL.

    Args:
        weight: per-class weights (C,).
        ignore_index: target value that contributes nothing (class-index targets).
        reduction: 'none' | 'mean' | 'sum'.
        label_smoothing: mix the target with the uniform distribution.

    Shape:
        input ``(N, C)``, ``(C)`` or ``(N, C, d1, ...)``; target class indices ``(N)``,
        ``()``, ``(N, d1, ...)`` or probabilities shaped like input.

    Example:
        >>> import functorch_lite.nn as nn
        >>> nn.CrossEntropyLoss(label_smoothing=0.1).label_smoothing
        0.1
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction,
                               label_smoothing=self.label_smoothing)  # fmt: skip


class NLLLoss(_WeightedLoss):
    """``torch.nn.NLLLoss``: ``-weight[y] * input[y]`` (input: log-probabilities)."""

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)  # fmt: skip


class BCELoss(_WeightedLoss):
    """``torch.nn.BCELoss``: binary cross entropy on probabilities (logs clamped at -100)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(
            input, target, weight=self.weight, reduction=self.reduction
        )


class BCEWithLogitsLoss(_Loss):
    """``torch.nn.BCEWithLogitsLoss``: sigmoid + BCE in one stable op; ``pos_weight``
    weights positives per class."""

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  pos_weight=self.pos_weight,
                                                  reduction=self.reduction)  # fmt: skip


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """``torch.nn.MultiLabelSoftMarginLoss``."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight,
                                             reduction=self.reduction)  # fmt: skip


class MultiMarginLoss(_WeightedLoss):
    """``torch.nn.MultiMarginLoss``: multi-class hinge loss."""

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                 size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        self.p = p
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                   weight=self.weight, reduction=self.reduction)  # fmt: skip


class PoissonNLLLoss(_Loss):
    """``torch.nn.PoissonNLLLoss``."""

    def __init__(self, log_input: bool = True, full: bool = False,
                 size_average: bool | None = None, eps: float = 1e-8,
                 reduce: bool | None = None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)  # fmt: skip


class GaussianNLLLoss(_Loss):
    """``torch.nn.GaussianNLLLoss``: ``0.5 (log var + (x - y)^2 / var)``."""

    def __init__(
        self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean"
    ) -> None:
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)  # fmt: skip


class CosineEmbeddingLoss(_Loss):
    """``torch.nn.CosineEmbeddingLoss``."""

    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                       reduction=self.reduction)  # fmt: skip


class MarginRankingLoss(_Loss):
    """``torch.nn.MarginRankingLoss``."""

    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)  # fmt: skip


class TripletMarginLoss(_Loss):
    """``torch.nn.TripletMarginLoss``."""

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(
                f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead"
            )
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                     eps=self.eps, swap=self.swap,
                                     reduction=self.reduction)  # fmt: skip


class TripletMarginWithDistanceLoss(_Loss):
    """``torch.nn.TripletMarginWithDistanceLoss``."""

    def __init__(self, *, distance_function: Any = None, margin: float = 1.0,
                 swap: bool = False, reduction: str = "mean") -> None:  # fmt: skip
        super().__init__(None, None, reduction)
        self.distance_function = distance_function
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction,
        )  # fmt: skip


class CTCLoss(_Loss):
    """``torch.nn.CTCLoss``: see ``F.ctc_loss``."""

    def __init__(
        self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False
    ) -> None:
        super().__init__(None, None, reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths: Any,
                target_lengths: Any) -> Tensor:  # fmt: skip
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                          self.reduction, self.zero_infinity)  # fmt: skip
