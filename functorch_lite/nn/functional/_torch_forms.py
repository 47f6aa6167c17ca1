"""The ``torch.<name>`` forms of functionals (``torch.conv2d``, ``torch.batch_norm``,
``torch.dropout``, ``torch.kl_div``...): aliases of ``nn.functional`` with the ATen
argument order PyTorch gives them in the top-level namespace.

Where ATen's signature differs from ``F``'s (``batch_norm`` takes ``weight, bias`` before
the running stats; ``embedding(weight, indices)``; losses take ``reduction`` as an int
0/1/2 = none/mean/sum; ``dropout(input, p, train)``), the wrapper only reorders or
translates arguments. ``functorch_lite.__init__`` loads these lazily so ``import
functorch_lite`` does not import ``nn``.
"""

from __future__ import annotations

from typing import Any

from ..._ops._views import inplace as _inplace
from ..._tensor import Tensor
from . import _distance, _dropout, _loss, _norm, _padding, _pooling, _sparse
from ._conv import conv1d as conv1d
from ._conv import conv2d as conv2d
from ._conv import conv3d as conv3d
from ._conv import conv_transpose1d as conv_transpose1d
from ._conv import conv_transpose2d as conv_transpose2d
from ._conv import conv_transpose3d as conv_transpose3d
from ._distance import cosine_similarity as cosine_similarity
from ._distance import pairwise_distance as pairwise_distance
from ._distance import pdist as pdist
from ._linear import bilinear as bilinear
from ._norm import group_norm as group_norm
from ._norm import layer_norm as layer_norm
from ._norm import rms_norm as rms_norm
from ._pooling import adaptive_avg_pool1d as adaptive_avg_pool1d
from ._pooling import avg_pool1d as avg_pool1d
from ._pooling import max_pool1d as max_pool1d
from ._pooling import max_pool1d_with_indices as max_pool1d_with_indices
from ._pooling import max_pool2d as max_pool2d
from ._pooling import max_pool3d as max_pool3d
from ._vision import pixel_shuffle as pixel_shuffle
from ._vision import pixel_unshuffle as pixel_unshuffle

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}
# ATen's schemas say ``reduction=1`` (mean), but ``torch.kl_div(x, y)`` and the other
# losses below return the unreduced loss when ``reduction`` is omitted (PyTorch 2.x
# Python bindings, checked against torch 2.13): we match the observed default, 0.

_ = _distance  # the distance functionals are re-exported by name above


def _reduction(reduction: int | str) -> str:
    return reduction if isinstance(reduction, str) else _REDUCTIONS[int(reduction)]


# ---------------------------------------------------------------- dropout
def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout(input, p, train)``."""
    return _dropout.dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout_``: in-place dropout."""
    return _inplace(input, _dropout.dropout(input, p, train))


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_dropout``: zeroes whole channels (dim 1), as ``dropout2d``."""
    return _feature(input, p, train, alpha=False)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_dropout_``: in-place ``feature_dropout``."""
    return _inplace(input, feature_dropout(input, p, train))


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.alpha_dropout(input, p, train)``."""
    return _dropout.alpha_dropout(input, p, train)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.alpha_dropout_``: in-place alpha dropout."""
    return _inplace(input, _dropout.alpha_dropout(input, p, train))


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_alpha_dropout(input, p, train)``."""
    return _feature(input, p, train, alpha=True)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_alpha_dropout_``: in-place ``feature_alpha_dropout``."""
    return _inplace(input, feature_alpha_dropout(input, p, train))


def _feature(input: Tensor, p: float, train: bool, alpha: bool) -> Tensor:
    if alpha:
        return _dropout.feature_alpha_dropout(input, p, train)
    if input.ndim == 3:
        return _dropout.dropout1d(input, p, train)
    if input.ndim == 5:
        return _dropout.dropout3d(input, p, train)
    return _dropout.dropout2d(input, p, train)


# ---------------------------------------------------------------- normalization
def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
               running_mean: Tensor | None, running_var: Tensor | None, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool = True) -> Tensor:  # fmt: skip
    """``torch.batch_norm`` (ATen order: weight and bias before the running stats)."""
    return _norm.batch_norm(input, running_mean, running_var, weight, bias, training,
                            momentum, eps)  # fmt: skip


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                  running_mean: Tensor | None, running_var: Tensor | None,
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool = True) -> Tensor:  # fmt: skip
    """``torch.instance_norm`` (ATen order: weight and bias before the running stats)."""
    return _norm.instance_norm(input, running_mean, running_var, weight, bias,
                               use_input_stats, momentum, eps)  # fmt: skip


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """``torch.embedding(weight, indices)``: the table comes first, ``padding_idx=-1``
    means none (ATen's convention)."""
    pad = None if padding_idx == -1 else padding_idx
    return _sparse.embedding(
        indices, weight, pad, None, 2.0, scale_grad_by_freq, sparse
    )


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple[Tensor, Tensor]:
    """``torch.adaptive_max_pool1d``: always ``(values, indices)``."""
    return _pooling.adaptive_max_pool1d(input, output_size, True)  # type: ignore[return-value]


def constant_pad_nd(input: Tensor, pad: Any, value: float = 0) -> Tensor:
    """``torch.constant_pad_nd``: ``F.pad(input, pad, "constant", value)``."""
    return _padding.pad(input, pad, "constant", value)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """``torch.channel_shuffle``: split the channels (dim 1) into ``groups`` and
    interleave them (ShuffleNet)."""
    n, c = input.shape[0], input.shape[1]
    if c % groups:
        raise RuntimeError(
            "Number of channels must be divisible by groups. Got "
            f"{c} channels and {groups} groups."
        )
    rest = tuple(input.shape[2:])
    grouped = input.reshape((n, groups, c // groups) + rest)
    return grouped.transpose(1, 2).reshape((n, c) + rest)


native_channel_shuffle = channel_shuffle


# ---------------------------------------------------------------- losses
def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *,
           log_target: bool = False) -> Tensor:  # fmt: skip
    """``torch.kl_div``: ``reduction`` 0/1/2 = none/mean/sum (ATen's enum)."""
    return _loss.kl_div(input, target, reduction=_reduction(reduction),
                        log_target=log_target)  # fmt: skip


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None,
                                     pos_weight: Tensor | None = None,
                                     reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.binary_cross_entropy_with_logits`` (``reduction`` as ATen's int)."""
    return _loss.binary_cross_entropy_with_logits(
        input, target, weight, reduction=_reduction(reduction), pos_weight=pos_weight
    )


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor,
                          margin: float = 0.0, reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.cosine_embedding_loss`` (``reduction`` as ATen's int)."""
    return _loss.cosine_embedding_loss(input1, input2, target, margin,
                                       reduction=_reduction(reduction))  # fmt: skip


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor,
                        margin: float = 0.0, reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.margin_ranking_loss`` (``reduction`` as ATen's int)."""
    return _loss.margin_ranking_loss(input1, input2, target, margin,
                                     reduction=_reduction(reduction))  # fmt: skip


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.hinge_embedding_loss`` (``reduction`` as ATen's int)."""
    return _loss.hinge_embedding_loss(input, target, margin,
                                      reduction=_reduction(reduction))  # fmt: skip


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                        swap: bool = False, reduction: int = 0) -> Tensor:  # fmt: skip
    """``torch.triplet_margin_loss`` (``reduction`` as ATen's int)."""
    return _loss.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                     reduction=_reduction(reduction))  # fmt: skip


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool,
                     eps: float, reduction: int) -> Tensor:  # fmt: skip
    """``torch.poisson_nll_loss`` (all arguments positional, ``reduction`` an int)."""
    return _loss.poisson_nll_loss(input, target, log_input, full, eps=eps,
                                  reduction=_reduction(reduction))  # fmt: skip


__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "cosine_similarity", "pairwise_distance", "pdist", "bilinear",
    "group_norm", "layer_norm", "rms_norm", "adaptive_avg_pool1d", "avg_pool1d",
    "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d",
    "pixel_shuffle", "pixel_unshuffle", "dropout", "dropout_", "feature_dropout",
    "feature_dropout_", "alpha_dropout", "alpha_dropout_", "feature_alpha_dropout",
    "feature_alpha_dropout_", "batch_norm", "instance_norm", "embedding",
    "adaptive_max_pool1d", "kl_div", "binary_cross_entropy_with_logits",
    "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss",
    "triplet_margin_loss", "poisson_nll_loss", "constant_pad_nd", "channel_shuffle",
    "native_channel_shuffle",
]  # fmt: skip
