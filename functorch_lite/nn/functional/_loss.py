"""Loss functionals (``F.mse_loss`` ... ``F.triplet_margin_loss``), one Op each.

Each kernel computes the elementwise loss and applies ``reduction`` inside, so a loss
is one dispatch. PyTorch's legacy ``size_average``/``reduce`` arguments are accepted and
mapped to ``reduction`` as PyTorch does.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ._base import REDUCTIONS, as_tensor, float_dtype, reduce_loss

__all__ = [
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
    "poisson_nll_loss", "gaussian_nll_loss", "cosine_embedding_loss",
    "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss", "triplet_margin_loss", "multi_margin_loss",
    "triplet_margin_with_distance_loss",
]  # fmt: skip

_SIZE_WARNING = (
    "Using a target size ({t}) that is different to the input size ({i}). This will likely "
    "lead to incorrect results due to broadcasting. Please ensure they have the same size."
)


def _size(shape: Any) -> str:
    return f"torch.Size([{', '.join(str(s) for s in shape)}])"


def _reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """PyTorch's ``legacy_get_string``: old ``size_average``/``reduce`` → ``reduction``."""
    if size_average is None and reduce is None:
        if reduction not in REDUCTIONS and reduction != "batchmean":
            raise ValueError(f"{reduction} is not a valid value for reduction")
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    warnings.warn(
        "size_average and reduce args will be deprecated, please use reduction='"
        + ("mean" if reduce and size_average else "sum" if reduce else "none")
        + "' instead.",
        stacklevel=3,
    )
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _pointwise(name: str, kernel: Any) -> Op:
    """A loss Op over ``kernel(x, t, p)``; ``p`` is one static hyperparameter (or None)."""

    def fn(x, t, *, reduction, dtype, p=None):  # type: ignore[no-untyped-def]
        return reduce_loss(kernel(x.astype(dtype), t.astype(dtype), p), reduction)

    return Op(name, fn)


def _warn_size(input: Tensor, target: Tensor) -> None:
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            _SIZE_WARNING.format(t=_size(target.shape), i=_size(input.shape)),
            stacklevel=3,
        )


_mse = _pointwise("mse_loss", lambda x, t, p: (x - t) ** 2)
_l1 = _pointwise("l1_loss", lambda x, t, p: jnp.abs(x - t))
_smooth_l1 = _pointwise(
    "smooth_l1_loss",
    lambda x, t, beta: jnp.abs(x - t)
    if beta == 0 else jnp.where(
        jnp.abs(x - t) < beta, 0.5 * (x - t) ** 2 / beta, jnp.abs(x - t) - 0.5 * beta),
)  # fmt: skip
_huber = _pointwise(
    "huber_loss",
    lambda x, t, delta: jnp.where(
        jnp.abs(x - t) < delta, 0.5 * (x - t) ** 2, delta * (jnp.abs(x - t) - 0.5 * delta)),
)  # fmt: skip
_soft_margin = _pointwise(
    "soft_margin_loss", lambda x, t, p: jnp.log1p(jnp.exp(-t * x))
)


def _two(
    op: Op, input: Tensor, target: Tensor, reduction: str, **params: Any
) -> Tensor:
    input, target = as_tensor(input), as_tensor(target)
    _warn_size(input, target)
    try:
        jnp.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({input.shape[-1]}) must match the size of tensor b "
            f"({target.shape[-1]}) at non-singleton dimension {input.dim() - 1}"
        ) from None
    return op(
        input, target, reduction=reduction, dtype=float_dtype(input, target), **params
    )


def _weighted_reduce(loss, w, *, reduction):  # type: ignore[no-untyped-def]
    weighted = loss * w.astype(loss.dtype)
    if reduction == "mean":
        return jnp.sum(weighted) / jnp.sum(w.astype(loss.dtype))
    return reduce_loss(weighted, reduction)


_weighted_op = Op("weighted_loss", _weighted_reduce)


def _with_weight(loss: Tensor, input: Tensor, weight: Tensor, reduction: str) -> Tensor:
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    return _weighted_op(loss, weight, reduction=reduction)


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
             reduce: bool | None = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """``F.mse_loss``: ``(x - y)^2``, reduced (weighted: ``sum(w l) / sum(w)``)."""
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None:
        return _with_weight(_two(_mse, input, target, "none"), input, weight, reduction)
    return _two(_mse, input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """``F.l1_loss``: ``|x - y|``, reduced (weighted: ``sum(w l) / sum(w)``)."""
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None:
        return _with_weight(_two(_l1, input, target, "none"), input, weight, reduction)
    return _two(_l1, input, target, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:  # fmt: skip
    """``F.smooth_l1_loss``: ``0.5 d^2 / beta`` if ``|d| < beta`` else ``|d| - beta/2``."""
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _two(_smooth_l1, input, target, _reduction(size_average, reduce, reduction),
                p=float(beta))  # fmt: skip


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """``F.huber_loss``: ``0.5 d^2`` if ``|d| < delta`` else ``delta (|d| - delta/2)``."""
    if weight is not None:
        return reduce_tensor(
            huber_loss(input, target, "none", delta) * weight, reduction
        )  # type: ignore[operator]
    return _two(_huber, input, target, reduction, p=float(delta))


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.soft_margin_loss``: ``log(1 + exp(-y x))``."""
    return _two(
        _soft_margin, input, target, _reduction(size_average, reduce, reduction)
    )


_reduce_op = Op("loss_reduce", lambda x, *, reduction: reduce_loss(x, reduction))


def reduce_tensor(x: Tensor, reduction: str) -> Tensor:
    return x if reduction == "none" else _reduce_op(x, reduction=reduction)


# ---------------------------------------------------------------- classification
def _nll(logp, target, weight, *, ignore_index, reduction, dim):  # type: ignore[no-untyped-def]
    """Negative log-likelihood over class dim ``dim`` with weights and ignore_index."""
    c = logp.shape[dim]
    valid = target != ignore_index
    safe = jnp.where(valid, target, 0)
    picked = jnp.take_along_axis(logp, jnp.expand_dims(safe, dim), axis=dim).squeeze(
        dim
    )
    w = jnp.ones((c,), logp.dtype) if weight is None else weight.astype(logp.dtype)
    wt = jnp.where(valid, w[safe], 0)
    loss = -picked * wt
    if reduction == "none":
        return loss
    if reduction == "sum":
        return jnp.sum(loss)
    return jnp.sum(loss) / jnp.sum(wt)


def _cross_entropy(
    x, target, weight, *, ignore_index, reduction, smoothing, dim, probs, dtype
):  # type: ignore[no-untyped-def]  # noqa: E501
    logp = jax.nn.log_softmax(x.astype(dtype), axis=dim)
    c = logp.shape[dim]
    wshape = [1] * logp.ndim
    wshape[dim] = c
    if probs:
        t = target.astype(dtype)
        if smoothing > 0:
            t = t * (1 - smoothing) + smoothing / c
        prod = logp * t
        if weight is not None:
            prod = prod * weight.astype(dtype).reshape(wshape)
        loss = -jnp.sum(prod, dim)
        if reduction == "mean":
            return jnp.sum(loss) / (logp.size // c) if logp.ndim > 1 else jnp.sum(loss)
        return reduce_loss(loss, reduction)
    nll = _nll(
        logp, target, weight, ignore_index=ignore_index, reduction=reduction, dim=dim
    )
    if smoothing == 0:
        return nll
    valid = target != ignore_index
    wl = logp if weight is None else logp * weight.astype(dtype).reshape(wshape)
    smooth = jnp.where(valid, -jnp.sum(wl, dim), 0)
    if reduction == "mean":
        if weight is None:
            smooth = jnp.sum(smooth) / jnp.sum(valid)
        else:
            wt = jnp.where(valid, weight.astype(dtype)[jnp.where(valid, target, 0)], 0)
            smooth = jnp.sum(smooth) / jnp.sum(wt)
    elif reduction == "sum":
        smooth = jnp.sum(smooth)
    return (1 - smoothing) * nll + smooth * (smoothing / c)


_ce_op = Op("cross_entropy", _cross_entropy, backward_name="NllLossBackward0")
_nll_op = Op("nll_loss", _nll, backward_name="NllLossBackward0")


def _check_class_target(input: Tensor, target: Tensor, ignore_index: int) -> int:
    """The class dim, after PyTorch's shape checks for class-index targets."""
    if input.dim() == 1:
        if target.dim() != 0:
            raise RuntimeError(
                "1D target tensor expected, multi-target not supported"
                if target.dim() > 1 else
                f"Expected input batch_size (1) to match target batch_size ({target.shape[0]})."
            )  # fmt: skip
        return 0
    if input.dim() == 0:
        raise RuntimeError("input tensor should be 1D or 2D")
    if target.dim() == 0 or input.shape[0] != target.shape[0]:
        tb = target.shape[0] if target.dim() else 1
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({tb})."
        )
    if target.dim() != input.dim() - 1 or tuple(target.shape[1:]) != tuple(
        input.shape[2:]
    ):
        if input.dim() == 2:
            raise RuntimeError(
                "0D or 1D target tensor expected, multi-target not supported"
            )
        raise RuntimeError(
            f"Expected target size {list((input.shape[0], *input.shape[2:]))}, got "
            f"{list(target.shape)}"
        )
    if target.dtype.is_floating_point:
        raise RuntimeError(
            f"expected scalar type Long but found {target.dtype.name.capitalize()}"
        )
    arr = target._data
    if not isinstance(arr, jax.core.Tracer) and arr.size:
        a = np.asarray(arr)
        bad = a[(a != ignore_index) & ((a < 0) | (a >= input.shape[1]))]
        if bad.size:
            raise IndexError(f"Target {int(bad.flat[0])} is out of bounds.")
    return 1


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: bool | None = None, ignore_index: int = -100,
                  reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:  # fmt: skip
    """``F.cross_entropy``: ``log_softmax`` + NLL over class dim 1 (0 if unbatched).

    ``target`` holds class indices ``(N, d1...)`` (with ``ignore_index``) or class
    probabilities shaped like ``input``; ``label_smoothing`` mixes in the uniform target.
    """
    input, target = as_tensor(input), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}"
        )
    probs = target.dtype.is_floating_point
    if probs:
        if tuple(target.shape) != tuple(input.shape):
            raise RuntimeError(
                f"Expected floating point target of shape {list(input.shape)} for class "
                f"probabilities, got {list(target.shape)}"
            )
        dim = 0 if input.dim() == 1 else 1
    else:
        dim = _check_class_target(input, target, ignore_index)
    c = input.shape[dim]
    if weight is not None and weight.numel() != c:
        raise RuntimeError(
            f"weight tensor should be defined either for all {c} classes or no classes but "
            f"got weight tensor of shape: {list(weight.shape)}"
        )
    return _ce_op(input, target, weight, ignore_index=int(ignore_index), reduction=reduction,
                  smoothing=float(label_smoothing), dim=dim, probs=probs,
                  dtype=float_dtype(input))  # fmt: skip


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: bool | None = None, ignore_index: int = -100,
             reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.nll_loss``: ``-w[y] * input[y]`` over class dim 1 (0 if unbatched)."""
    input, target = as_tensor(input), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    dim = _check_class_target(input, target, ignore_index)
    return _nll_op(input, target, weight, ignore_index=int(ignore_index), reduction=reduction,
                   dim=dim)  # fmt: skip


def _bce(x, t, w, *, reduction, dtype):  # type: ignore[no-untyped-def]
    x, t = x.astype(dtype), t.astype(dtype)
    # PyTorch clamps each log at -100 so that 0 * log(0) stays finite.
    loss = -(
        t * jnp.maximum(jnp.log(x), -100.0)
        + (1 - t) * jnp.maximum(jnp.log1p(-x), -100.0)
    )
    if w is not None:
        loss = loss * w.astype(dtype)
    return reduce_loss(loss, reduction)


def _bce_logits(x, t, w, pw, *, reduction, dtype):  # type: ignore[no-untyped-def]
    x, t = x.astype(dtype), t.astype(dtype)
    softplus_neg = jnp.log1p(jnp.exp(-jnp.abs(x))) + jnp.maximum(-x, 0)  # log(1 + e^-x)
    if pw is not None:
        log_weight = (pw.astype(dtype) - 1) * t + 1
        loss = (1 - t) * x + log_weight * softplus_neg
    else:
        loss = (1 - t) * x + softplus_neg
    if w is not None:
        loss = loss * w.astype(dtype)
    return reduce_loss(loss, reduction)


_bce_op = Op("binary_cross_entropy", _bce)
_bce_logits_op = Op("binary_cross_entropy_with_logits", _bce_logits)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.binary_cross_entropy``: ``-(y log x + (1 - y) log(1 - x))``, logs clamped at -100."""
    input, target = as_tensor(input), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({_size(target.shape)}) that is different to the input size "
            f"({_size(input.shape)}) is deprecated. Please ensure they have the same size."
        )
    arr = input._data
    if not isinstance(arr, jax.core.Tracer) and arr.size:
        a = np.asarray(arr)
        if (a < 0).any() or (a > 1).any():
            raise RuntimeError("all elements of input should be between 0 and 1")
    return _bce_op(input, target, weight, reduction=reduction, dtype=float_dtype(input))


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None,
                                     size_average: bool | None = None,
                                     reduce: bool | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:  # fmt: skip
    """``F.binary_cross_entropy_with_logits``: sigmoid + BCE, computed stably;
    ``pos_weight`` weights the positive term per class."""
    input, target = as_tensor(input), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({_size(target.shape)}) must be the same as input size "
            f"({_size(input.shape)})"
        )
    return _bce_logits_op(input, target, weight, pos_weight, reduction=reduction,
                          dtype=float_dtype(input))  # fmt: skip


def _kl(x, t, *, reduction, log_target, dtype):  # type: ignore[no-untyped-def]
    x, t = x.astype(dtype), t.astype(dtype)
    if log_target:
        loss = jnp.exp(t) * (t - x)
    else:
        loss = jax.scipy.special.xlogy(t, t) - t * x
    if reduction == "batchmean":
        return jnp.sum(loss) / (x.shape[0] if x.ndim else 1)
    return reduce_loss(loss, reduction)


_kl_op = Op("kl_div", _kl)


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:  # fmt: skip
    """``F.kl_div``: ``target * (log target - input)`` (``input`` is log-probabilities)."""
    input, target = as_tensor(input), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the "
            "support size.'batchmean' divides only by the batch size, and aligns with the "
            "KL div math definition.'mean' will be changed to behave the same as "
            "'batchmean' in the next major release.",
            stacklevel=2,
        )
    return _kl_op(input, target, reduction=reduction, log_target=bool(log_target),
                  dtype=float_dtype(input, target))  # fmt: skip


def _poisson(x, t, *, log_input, full, eps, reduction, dtype):  # type: ignore[no-untyped-def]
    x, t = x.astype(dtype), t.astype(dtype)
    loss = jnp.exp(x) - t * x if log_input else x - t * jnp.log(x + eps)
    if full:
        safe = jnp.where(t > 1, t, 2.0)
        stirling = safe * jnp.log(safe) - safe + 0.5 * jnp.log(2 * math.pi * safe)
        loss = loss + jnp.where(t > 1, stirling, 0)
    return reduce_loss(loss, reduction)


_poisson_op = Op("poisson_nll_loss", _poisson)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True,
                     full: bool = False, size_average: bool | None = None,
                     eps: float = 1e-8, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.poisson_nll_loss``: ``exp(x) - y x`` (log input) or ``x - y log(x + eps)``."""
    input, target = as_tensor(input), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    return _poisson_op(input, target, log_input=bool(log_input), full=bool(full),
                       eps=float(eps), reduction=reduction, dtype=float_dtype(input))  # fmt: skip


def _gaussian(x, t, var, *, full, eps, reduction, dtype):  # type: ignore[no-untyped-def]
    x, t, var = x.astype(dtype), t.astype(dtype), var.astype(dtype)
    # PyTorch clamps var under no_grad: the value is clamped, the gradient is not.
    var = var + jax.lax.stop_gradient(jnp.maximum(var, eps) - var)
    loss = 0.5 * (jnp.log(var) + (x - t) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)


_gaussian_op = Op("gaussian_nll_loss", _gaussian)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.gaussian_nll_loss``: ``0.5 (log var + (x - y)^2 / var)``."""
    input, target = as_tensor(input), as_tensor(target)
    if not isinstance(var, Tensor):
        var = Tensor(jnp.full(tuple(input.shape), float(var), float_dtype(input)))
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)  # type: ignore[attr-defined]
        elif not (
            tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1
        ):
            raise ValueError("var is of incorrect size")
    if reduction not in REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    arr = var._data
    if not isinstance(arr, jax.core.Tracer) and (np.asarray(arr) < 0).any():
        raise ValueError("var has negative entry/entries")
    return _gaussian_op(input, target, var, full=bool(full), eps=float(eps),
                        reduction=reduction, dtype=float_dtype(input))  # fmt: skip


# ---------------------------------------------------------------- margin losses
def _cos_embed(a, b, t, *, margin, reduction, dtype):  # type: ignore[no-untyped-def]
    a, b = a.astype(dtype), b.astype(dtype)
    eps = 1e-12
    prod = jnp.sum(a * b, -1)
    denom = jnp.sqrt((jnp.sum(a * a, -1) + eps) * (jnp.sum(b * b, -1) + eps))
    cos = prod / denom
    zeros = jnp.zeros_like(cos)
    pos = jnp.where(t == 1, 1 - cos, zeros)
    neg = jnp.where(t == -1, jnp.maximum(zeros, cos - margin), zeros)
    return reduce_loss(pos + neg, reduction)


_cos_embed_op = Op("cosine_embedding_loss", _cos_embed)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor,
                          margin: float = 0, size_average: bool | None = None,
                          reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.cosine_embedding_loss``: ``1 - cos`` for ``y = 1``, ``max(0, cos - margin)`` for -1."""
    input1, input2, target = as_tensor(input1), as_tensor(input2), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    return _cos_embed_op(input1, input2, target, margin=float(margin), reduction=reduction,
                         dtype=float_dtype(input1, input2))  # fmt: skip


def _margin_rank(a, b, t, *, margin, reduction, dtype):  # type: ignore[no-untyped-def]
    a, b, t = a.astype(dtype), b.astype(dtype), t.astype(dtype)
    return reduce_loss(jnp.maximum(0, -t * (a - b) + margin), reduction)


_margin_rank_op = Op("margin_ranking_loss", _margin_rank)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.margin_ranking_loss``: ``max(0, -y (x1 - x2) + margin)``."""
    input1, input2, target = as_tensor(input1), as_tensor(input2), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    if not (input1.dim() == input2.dim() == target.dim()):
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got "
            f"sizes: input1: {_size(input1.shape)}, input2: {_size(input2.shape)}, "
            f"target: {_size(target.shape)} "
        )
    return _margin_rank_op(input1, input2, target, margin=float(margin), reduction=reduction,
                           dtype=float_dtype(input1, input2))  # fmt: skip


def _hinge(x, t, *, margin, reduction, dtype):  # type: ignore[no-untyped-def]
    x = x.astype(dtype)
    zeros = jnp.zeros_like(x)
    out_margin = jnp.where(t != 1, jnp.maximum(margin - x, 0), zeros)
    out_self = jnp.where(t != -1, x, zeros)
    return reduce_loss(out_margin + out_self, reduction)


_hinge_op = Op("hinge_embedding_loss", _hinge)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.hinge_embedding_loss``: ``x`` for ``y = 1``, ``max(0, margin - x)`` for -1."""
    input, target = as_tensor(input), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    return _hinge_op(input, target, margin=float(margin), reduction=reduction,
                     dtype=float_dtype(input))  # fmt: skip


def _mlsm(x, t, w, *, reduction, dtype):  # type: ignore[no-untyped-def]
    x, t = x.astype(dtype), t.astype(dtype)
    loss = -(t * jax.nn.log_sigmoid(x) + (1 - t) * jax.nn.log_sigmoid(-x))
    if w is not None:
        loss = loss * w.astype(dtype)
    loss = loss.sum(-1) / x.shape[-1]
    return reduce_loss(loss, reduction)


_mlsm_op = Op("multilabel_soft_margin_loss", _mlsm)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.multilabel_soft_margin_loss``: per-class logistic loss averaged over classes."""
    input, target = as_tensor(input), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    return _mlsm_op(
        input, target, weight, reduction=reduction, dtype=float_dtype(input)
    )


def _multi_margin(x, t, w, *, p, margin, reduction, dtype):  # type: ignore[no-untyped-def]
    x = x.astype(dtype)
    if x.ndim == 1:
        x, t = x[None], t.reshape(1)
    picked = jnp.take_along_axis(x, t[:, None], 1)
    z = jnp.maximum(0, margin - picked + x) ** p
    if w is not None:
        z = z * w.astype(dtype)[t][:, None]
    c = x.shape[1]
    z = jnp.where(jnp.arange(c)[None, :] == t[:, None], 0, z)
    loss = z.sum(1) / c
    return reduce_loss(loss, reduction)


_multi_margin_op = Op("multi_margin_loss", _multi_margin)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.multi_margin_loss``: multi-class hinge ``sum_i max(0, margin - x_y + x_i)^p / C``."""
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    input, target = as_tensor(input), as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction)
    out = _multi_margin_op(input, target, weight, p=int(p), margin=float(margin),
                           reduction=reduction, dtype=float_dtype(input))  # fmt: skip
    if reduction == "none" and input.dim() == 1:
        return out.reshape(())  # type: ignore[attr-defined]
    return out


def _triplet(a, pos, neg, *, margin, p, eps, swap, reduction, dtype):  # type: ignore[no-untyped-def]
    from ._distance import _pnorm

    a, pos, neg = a.astype(dtype), pos.astype(dtype), neg.astype(dtype)
    d_pos = _pnorm(a - pos + eps, p, -1)
    d_neg = _pnorm(a - neg + eps, p, -1)
    if swap:
        d_neg = jnp.minimum(d_neg, _pnorm(pos - neg + eps, p, -1))
    return reduce_loss(jnp.maximum(d_pos - d_neg + margin, 0), reduction)


_triplet_op = Op("triplet_margin_loss", _triplet)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, size_average: bool | None = None,
                        reduce: bool | None = None, reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.triplet_margin_loss``: ``max(d(a, p) - d(a, n) + margin, 0)``."""
    anchor, positive, negative = (
        as_tensor(anchor),
        as_tensor(positive),
        as_tensor(negative),
    )
    reduction = _reduction(size_average, reduce, reduction)
    if not (anchor.dim() == positive.dim() == negative.dim()):
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same "
            f"number of dimensions, but got: anchor {anchor.dim()}D, positive "
            f"{positive.dim()}D, and negative {negative.dim()}D inputs"
        )
    return _triplet_op(anchor, positive, negative, margin=float(margin), p=float(p),
                       eps=float(eps), swap=bool(swap), reduction=reduction,
                       dtype=float_dtype(anchor))  # fmt: skip


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Any = None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:  # fmt: skip
    """``F.triplet_margin_with_distance_loss`` with a user distance (default pairwise L2)."""
    from ._activation import relu
    from ._distance import pairwise_distance

    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        from ..._ops._pointwise import minimum

        d_neg = minimum(d_neg, dist(positive, negative))
    return reduce_tensor(relu(d_pos - d_neg + margin), reduction)
