"""``Identity``, ``Linear``, ``Bilinear``, ``LazyLinear`` (``torch.nn.modules.linear``)."""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from . import functional as F
from . import init
from ._module import Module
from ._parameter import Parameter, UninitializedParameter

__all__ = ["Identity", "Linear", "Bilinear", "LazyLinear"]


def empty(shape: tuple[int, ...], dtype: Any = None) -> Any:
    """An uninitialised array for a parameter (zeros; ``reset_parameters`` fills it)."""
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    # Host-built then transferred: eager jnp.zeros would compile once per shape.
    return jnp.asarray(np.zeros(shape, dt.np_dtype))


class Identity(Module):
    """``torch.nn.Identity``: returns its input; constructor arguments are ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``torch.nn.Linear``: ``y = x W^T + b``.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: learn an additive bias (default True).

    Shape:
        Input ``(*, in_features)``; output ``(*, out_features)``.

    Init: ``W, b ~ U(-1/sqrt(in_features), 1/sqrt(in_features))`` (PyTorch's
    ``kaiming_uniform_(a=sqrt(5))``).

    Example:
        >>> import functorch_lite.nn as nn
        >>> nn.Linear(3, 4)
        Linear(in_features=3, out_features=4, bias=True)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), dtype))
        if bias:
            self.bias = Parameter(empty((out_features,), dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()
        if device is not None:
            self.to(device)

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Bilinear(Module):
    """``torch.nn.Bilinear``: ``y = x1^T A x2 + b``.

    Args:
        in1_features, in2_features: sizes of the two inputs.
        out_features: output size.
        bias: learn an additive bias (default True).

    Shape:
        ``(*, in1)``, ``(*, in2)`` → ``(*, out)``.
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(
            empty((out_features, in1_features, in2_features), dtype)
        )
        if bias:
            self.bias = Parameter(empty((out_features,), dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class LazyLinear(Linear):
    """``torch.nn.LazyLinear``: ``Linear`` whose ``in_features`` is read from the first
    input; it then becomes a plain ``Linear``."""

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        Module.__init__(self)
        self.in_features = 0
        self.out_features = out_features
        self._dtype = dtype
        self.weight = UninitializedParameter()
        if bias:
            self.bias = UninitializedParameter()
        else:
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if not isinstance(self.weight, UninitializedParameter):
            super().reset_parameters()

    def forward(self, input: Tensor) -> Tensor:
        if isinstance(self.weight, UninitializedParameter):
            self.in_features = input.shape[-1]
            self.weight = Parameter(
                empty((self.out_features, self.in_features), self._dtype)
            )
            if self.bias is not None:
                self.bias = Parameter(empty((self.out_features,), self._dtype))
            super().reset_parameters()
            self.__class__ = Linear  # PyTorch's cls_to_become
        return F.linear(input, self.weight, self.bias)
