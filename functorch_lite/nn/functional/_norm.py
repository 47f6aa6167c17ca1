"""Normalization functionals: batch, layer, group, instance and RMS norm.

``batch_norm`` in training mode updates ``running_mean``/``running_var`` by rebinding
those buffer tensors under ``no_grad`` (a state write the compile transform sees), with
PyTorch's rule ``r <- (1 - momentum) r + momentum * stat`` and the unbiased batch
variance. ``momentum`` enters the kernel as an array, so the cumulative-average factor
``1 / num_batches_tracked`` (``momentum=None``) needs no concrete value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ...autograd._grad_mode import no_grad
from ._base import as_tensor, float_dtype

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm",
           "local_response_norm"]  # fmt: skip


def _affine(y: Any, w: Any, b: Any, shape: tuple[int, ...]) -> Any:
    if w is not None:
        y = y * w.astype(y.dtype).reshape(shape)
    if b is not None:
        y = y + b.astype(y.dtype).reshape(shape)
    return y


def _bn_train(x, w, b, rm, rv, momentum, *, eps, dtype):  # type: ignore[no-untyped-def]
    x = x.astype(dtype)
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean = x.mean(axes)
    var = x.var(axes)
    y = (x - mean.reshape(shape)) * jnp.reciprocal(jnp.sqrt(var.reshape(shape) + eps))
    y = _affine(y, w, b, shape)
    if rm is None:
        return y, mean, var
    count = x.size // x.shape[1]
    m = jnp.asarray(momentum, rm.dtype)
    new_rm = (1 - m) * rm + m * mean.astype(rm.dtype)
    if isinstance(count, int):
        unbiased = var * (count / max(count - 1, 1))
    else:  # a symbolic batch size (compile(dynamic=True)): the factor is traced
        n = jnp.asarray(count, var.dtype)
        unbiased = var * (n / jnp.maximum(n - 1, 1))
    new_rv = (1 - m) * rv + m * unbiased.astype(rv.dtype)
    return y, new_rm, new_rv


def _bn_eval(x, w, b, rm, rv, *, eps, dtype):  # type: ignore[no-untyped-def]
    x = x.astype(dtype)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    y = (x - rm.astype(dtype).reshape(shape)) / jnp.sqrt(
        rv.astype(dtype).reshape(shape) + eps
    )
    return _affine(y, w, b, shape)


_bn_train_op = Op("native_batch_norm", _bn_train, n_out=3,
                  backward_name="NativeBatchNormBackward0")  # fmt: skip
_bn_eval_op = Op("batch_norm_eval", _bn_eval, backward_name="NativeBatchNormBackward0")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: Any = 0.1,
               eps: float = 1e-5) -> Tensor:  # fmt: skip
    """``F.batch_norm`` over dim 1 of ``(N, C, *)``; training updates running stats."""
    input = as_tensor(input)
    if training:
        size = input.numel() // input.shape[1]
        if isinstance(size, int) and size == 1:  # a symbolic batch size is never 1
            raise ValueError(
                "Expected more than 1 value per channel when training, got input size "
                f"torch.Size([{', '.join(str(s) for s in input.shape)}])"
            )
    dtype = float_dtype(input)
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError(
                "running_mean and running_var must be defined in evaluation mode"
            )
        return _bn_eval_op(input, weight, bias, running_mean._data, running_var._data,
                           eps=float(eps),
                           dtype=dtype)  # fmt: skip
    if momentum is None:
        momentum = 0.0
    # Running stats enter as raw arrays: they are state, not differentiable inputs,
    # and rebinding them below must not trip the saved-tensor version check.
    rm = running_mean._data if running_mean is not None else None
    rv = running_var._data if running_var is not None else None
    mom = momentum._data if isinstance(momentum, Tensor) else momentum
    y, new_rm, new_rv = _bn_train_op(input, weight, bias, rm, rv, mom, eps=float(eps),
                                     dtype=dtype)  # fmt: skip
    if running_mean is not None and running_var is not None:
        with no_grad():
            running_mean._rebind(new_rm._data)
            running_var._rebind(new_rv._data)
    return y


def _layer_norm(x, w, b, *, n, eps, dtype, rms):  # type: ignore[no-untyped-def]
    x = x.astype(dtype)
    axes = tuple(range(x.ndim - n, x.ndim))
    if rms:
        y = x * jnp.reciprocal(jnp.sqrt(jnp.mean(x * x, axes, keepdims=True) + eps))
    else:
        mean = x.mean(axes, keepdims=True)
        var = x.var(axes, keepdims=True)
        y = (x - mean) * jnp.reciprocal(jnp.sqrt(var + eps))
    shape = x.shape[x.ndim - n :]
    return _affine(y, w, b, shape)


_layer_norm_op = Op(
    "native_layer_norm", _layer_norm, backward_name="NativeLayerNormBackward0"
)


def _check_normalized(
    input: Tensor, normalized_shape: Sequence[int], name: str
) -> tuple[int, ...]:
    shape = (
        (normalized_shape,)
        if isinstance(normalized_shape, int)
        else tuple(normalized_shape)
    )
    n = len(shape)
    if tuple(input.shape[input.dim() - n :]) != shape or input.dim() < n:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size"
            f"{list(input.shape)}"
        )
    return shape


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """``F.layer_norm``: normalize over the trailing ``normalized_shape`` dims."""
    input = as_tensor(input)
    shape = _check_normalized(input, normalized_shape, "layer_norm")
    return _layer_norm_op(input, weight, bias, n=len(shape), eps=float(eps),
                          dtype=float_dtype(input), rms=False)  # fmt: skip


def rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:  # fmt: skip
    """``F.rms_norm``: ``x / sqrt(mean(x^2) + eps) * weight`` over trailing dims.

    ``eps=None`` uses the dtype's machine epsilon, as PyTorch.
    """
    input = as_tensor(input)
    shape = _check_normalized(input, normalized_shape, "rms_norm")
    dtype = float_dtype(input)
    if eps is None:
        eps = float(jnp.finfo(dtype).eps)
    return _layer_norm_op(input, weight, None, n=len(shape), eps=float(eps), dtype=dtype,
                          rms=True)  # fmt: skip


def _group_norm(x, w, b, *, groups, eps, dtype):  # type: ignore[no-untyped-def]
    x = x.astype(dtype)
    n, c = x.shape[:2]
    g = x.reshape(n, groups, -1)
    mean = g.mean(-1, keepdims=True)
    var = g.var(-1, keepdims=True)
    y = ((g - mean) * jnp.reciprocal(jnp.sqrt(var + eps))).reshape(x.shape)
    return _affine(y, w, b, (1, c) + (1,) * (x.ndim - 2))


_group_norm_op = Op(
    "native_group_norm", _group_norm, backward_name="NativeGroupNormBackward0"
)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """``F.group_norm``: normalize each group of ``C / num_groups`` channels per sample."""
    input = as_tensor(input)
    if input.dim() < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.dim()}"
        )
    if input.shape[1] % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(input.shape)} and num_groups={num_groups}"
        )
    return _group_norm_op(input, weight, bias, groups=int(num_groups), eps=float(eps),
                          dtype=float_dtype(input))  # fmt: skip


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """``F.instance_norm``: batch norm of each sample separately (``(N, C, *)``).

    Running stats (if given) are updated with the per-instance statistics averaged
    over the batch, as PyTorch does.
    """
    input = as_tensor(input)
    if not use_input_stats:
        return batch_norm(
            input, running_mean, running_var, weight, bias, False, momentum, eps
        )
    y, mean, var = _instance_norm_op(input, weight, bias, eps=float(eps),
                                     dtype=float_dtype(input))  # fmt: skip
    if running_mean is not None and running_var is not None:
        m = float(momentum)
        with no_grad():
            running_mean._rebind((1 - m) * running_mean._data + m * mean._data)
            running_var._rebind((1 - m) * running_var._data + m * var._data)
    return y


def _instance_norm(x, w, b, *, eps, dtype):  # type: ignore[no-untyped-def]
    x = x.astype(dtype)
    axes = tuple(range(2, x.ndim))
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True)
    y = (x - mean) * jnp.reciprocal(jnp.sqrt(var + eps))
    y = _affine(y, w, b, (1, -1) + (1,) * (x.ndim - 2))
    count = max(math.prod(x.shape[2:]), 2)
    unbiased = var * (count / (count - 1))
    return y, mean.reshape(x.shape[:2]).mean(0), unbiased.reshape(x.shape[:2]).mean(0)


_instance_norm_op = Op("instance_norm", _instance_norm, n_out=3)


def _lrn(x, *, size, alpha, beta, k):  # type: ignore[no-untyped-def]
    sq = x * x
    c = x.shape[1]
    pad = [(0, 0)] * x.ndim
    pad[1] = (size // 2, (size - 1) // 2)
    sq = jnp.pad(sq, pad)
    s = sum(sq[:, i : i + c] for i in range(size))
    return x / (k + alpha / size * s) ** beta


_lrn_op = Op("local_response_norm", _lrn)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:  # fmt: skip
    """``F.local_response_norm`` across channels."""
    return _lrn_op(as_tensor(input), size=int(size), alpha=float(alpha), beta=float(beta),
                   k=float(k))  # fmt: skip
