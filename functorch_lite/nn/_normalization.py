"""Normalization layers: ``BatchNorm1d/2d/3d``, ``LayerNorm``, ``GroupNorm``,
``InstanceNorm1d/2d/3d``, ``RMSNorm``, ``LocalResponseNorm``.

BatchNorm keeps PyTorch's buffers (``running_mean``, ``running_var``,
``num_batches_tracked``) and updates them in train mode by rebinding the buffer tensors,
so a compiled training step writes them back as state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd._grad_mode import no_grad
from . import functional as F
from . import init
from ._linear import empty
from ._module import Module
from ._parameter import Parameter

__all__ = [
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm",
    "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm", "LocalResponseNorm",
]  # fmt: skip


def _float(shape: tuple[int, ...], value: float, dtype: Any) -> Any:
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return jnp.asarray(np.full(shape, value, dt.np_dtype))  # host-built: no compile


def _affine_params(module: Module, shape: tuple[int, ...], affine: bool, bias: bool,
                   dtype: Any) -> None:  # fmt: skip
    """Register ``weight`` (ones) and ``bias`` (zeros), or ``None`` where PyTorch has."""
    if affine:
        module.weight = Parameter(_float(shape, 1.0, dtype))
    else:
        module.register_parameter("weight", None)
    if affine and bias:
        module.bias = Parameter(_float(shape, 0.0, dtype))
    else:
        module.register_parameter("bias", None)


class _NormBase(Module):
    """Shared state of batch/instance norm: affine params and running statistics."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_params(self, (num_features,), affine, bias, dtype)
        if track_running_stats:
            self.register_buffer(
                "running_mean", Tensor(_float((num_features,), 0.0, dtype))
            )
            self.register_buffer(
                "running_var", Tensor(_float((num_features,), 1.0, dtype))
            )
            self.register_buffer(
                "num_batches_tracked", Tensor(jnp.zeros((), jnp.int64))
            )
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            with no_grad():
                rm, rv = self.running_mean, self.running_var
                rm._rebind(jnp.asarray(np.zeros(rm.shape, rm._data.dtype)))
                rv._rebind(jnp.asarray(np.ones(rv.shape, rv._data.dtype)))
                self.num_batches_tracked._rebind(jnp.asarray(np.int64(0)))

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")  # fmt: skip

    def _load_from_state_dict(self, state_dict: dict[str, Any], prefix: str, *args: Any,
                              **kwargs: Any) -> None:  # fmt: skip
        # PyTorch fills a missing num_batches_tracked (checkpoints older than v2).
        key = prefix + "num_batches_tracked"
        if self.track_running_stats and key not in state_dict:
            state_dict[key] = (
                self.num_batches_tracked
                if self.num_batches_tracked is not None
                else Tensor(jnp.zeros((), jnp.int64))
            )
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


class _BatchNorm(_NormBase):
    _dims: tuple[int, ...] = (2, 3)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() not in self._dims:
            want = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"expected {want} input (got {input.dim()}D input)")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor: Any = 0.0 if self.momentum is None else self.momentum
        if (
            self.training
            and self.track_running_stats
            and self.num_batches_tracked is not None
        ):
            nbt = self.num_batches_tracked
            with no_grad():
                nbt._rebind(nbt._data + 1)
            if self.momentum is None:
                # Cumulative moving average; an array so no concrete value is needed.
                factor = 1.0 / nbt._data.astype(jnp.float32)
        bn_training = self.training or (
            self.running_mean is None and self.running_var is None
        )
        use_stats = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if use_stats else None,
            self.running_var if use_stats else None,
            self.weight, self.bias, bn_training, factor, self.eps,
        )  # fmt: skip


class BatchNorm1d(_BatchNorm):
    """``torch.nn.BatchNorm1d`` over ``(N, C)`` or ``(N, C, L)``.

    ``y = (x - E[x]) / sqrt(Var[x] + eps) * gamma + beta``; train mode uses batch
    statistics and updates the running ones (unbiased variance), eval uses running ones.

    Args:
        num_features: C.
        eps: added to the variance.
        momentum: running-stat factor; ``None`` for a cumulative average.
        affine: learn ``gamma``/``beta``.
        track_running_stats: keep running statistics (else always batch stats).
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """``torch.nn.BatchNorm2d`` over ``(N, C, H, W)``; see ``BatchNorm1d``.

    Example:
        >>> import functorch_lite.nn as nn
        >>> nn.BatchNorm2d(16)
        BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """``torch.nn.BatchNorm3d`` over ``(N, C, D, H, W)``."""

    _dims = (5,)


class _InstanceNorm(_NormBase):
    _n = 2

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = False, track_running_stats: bool = False,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:  # fmt: skip
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        n = self._n
        if input.dim() not in (n + 1, n + 2):
            raise ValueError(
                f"expected {n + 1}D or {n + 2}D input (got {input.dim()}D input)"
            )
        unbatched = input.dim() == n + 1
        x = input.unsqueeze(0) if unbatched else input  # type: ignore[attr-defined]
        y = F.instance_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias,
            self.training or not self.track_running_stats, self.momentum or 0.0, self.eps,
        )  # fmt: skip
        return y.squeeze(0) if unbatched else y  # type: ignore[attr-defined]


class InstanceNorm1d(_InstanceNorm):
    """``torch.nn.InstanceNorm1d``: normalize each ``(n, c)`` row of ``(N, C, L)``."""

    _n = 1


class InstanceNorm2d(_InstanceNorm):
    """``torch.nn.InstanceNorm2d``: normalize each ``(n, c)`` map of ``(N, C, H, W)``."""

    _n = 2


class InstanceNorm3d(_InstanceNorm):
    """``torch.nn.InstanceNorm3d``."""

    _n = 3


class LayerNorm(Module):
    """``torch.nn.LayerNorm``: normalize over the trailing ``normalized_shape`` dims.

    Args:
        normalized_shape: trailing shape (int or tuple).
        eps: added to the variance.
        elementwise_affine: learn a per-element weight (ones) and bias (zeros).
        bias: learn the bias (with ``elementwise_affine``).
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_params(self, self.normalized_shape, elementwise_affine, bias, dtype)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(
            input, self.normalized_shape, self.weight, self.bias, self.eps
        )

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")  # fmt: skip


class RMSNorm(Module):
    """``torch.nn.RMSNorm``: ``x / sqrt(mean(x^2) + eps) * weight`` over trailing dims."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_float(self.normalized_shape, 1.0, dtype))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")  # fmt: skip


class GroupNorm(Module):
    """``torch.nn.GroupNorm``: normalize groups of ``C / num_groups`` channels.

    Args:
        num_groups: number of groups; must divide ``num_channels``.
        num_channels: C.
        eps: added to the variance.
        affine: learn per-channel weight (ones) and bias (zeros).
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_params(self, (num_channels,), affine, bias, dtype)

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")  # fmt: skip


class LocalResponseNorm(Module):
    """``torch.nn.LocalResponseNorm`` across channels."""

    def __init__(
        self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
    ) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


del empty
