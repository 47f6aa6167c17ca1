"""Type information and layout tags: ``torch.finfo``, ``torch.iinfo``,
``torch.can_cast``, ``torch.typename`` and the ``memory_format``/``layout`` sentinels
(``torch.contiguous_format``, ``torch.channels_last``, ``torch.strided``).

JAX arrays have no strides or layouts of their own: the sentinels exist so code that
passes them (``x.contiguous(memory_format=torch.channels_last)``) runs; they select
nothing.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ._registry import exported, register


class finfo:  # noqa: N801 - PyTorch's name
    """``torch.finfo(dtype)``: machine limits of a floating dtype (``eps``, ``max``,
    ``min``, ``tiny``/``smallest_normal``, ``resolution``, ``bits``)."""

    def __init__(self, type: _dtype.dtype | None = None) -> None:  # noqa: A002
        d = _dtype.get_default_dtype() if type is None else _dtype.as_dtype(type)
        if d.is_complex:
            d = d.to_real()
        if not d.is_floating_point:
            raise TypeError(
                f"torch.finfo() requires a floating point input type, got {d}"
            )
        info: Any = (ml_dtypes.finfo if d is _dtype.bfloat16 else np.finfo)(d.np_dtype)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution = 10.0 ** -int(info.precision)  # exact decimal, as PyTorch
        self.dtype = d.name

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:  # noqa: N801 - PyTorch's name
    """``torch.iinfo(dtype)``: limits of an integer (or bool) dtype."""

    def __init__(self, type: _dtype.dtype) -> None:  # noqa: A002
        d = _dtype.as_dtype(type)
        if _dtype.category(d) > 1:
            raise TypeError(f"torch.iinfo() requires an integer input type, got {d}")
        info = np.iinfo(np.uint8 if d is _dtype.bool_ else d.np_dtype)
        self.bits = 8 if d is _dtype.bool_ else int(info.bits)
        self.max = 1 if d is _dtype.bool_ else int(info.max)
        self.min = 0 if d is _dtype.bool_ else int(info.min)
        self.dtype = d.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


@register(method=False)
def can_cast(from_: _dtype.dtype, to: _dtype.dtype) -> bool:
    """``torch.can_cast``: whether PyTorch's casting rules allow ``from_`` -> ``to`` in
    an in-place op (no float -> integer, complex -> real, or number -> bool)."""
    return _dtype.category(_dtype.as_dtype(from_)) <= _dtype.category(
        _dtype.as_dtype(to)
    )


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half",
               "bfloat16": "BFloat16", "int64": "Long", "int32": "Int", "int16": "Short",
               "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}  # fmt: skip


@register(method=False)
def typename(obj: Any) -> str:
    """``torch.typename``: ``'torch.FloatTensor'`` for tensors, else the qualified
    class name."""
    if isinstance(obj, Tensor):
        return f"torch.{_TYPE_NAMES.get(obj.dtype.name, obj.dtype.name)}Tensor"
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in ("builtins", None) else f"{module}.{name}"


class memory_format:  # noqa: N801 - PyTorch's name
    """``torch.memory_format``: a tag; XLA chooses physical layouts itself."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"torch.{self._name}"


class layout:  # noqa: N801 - PyTorch's name
    """``torch.layout``: only ``strided`` (dense) tensors exist here."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"torch.{self._name}"


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")
legacy_contiguous_format = contiguous_format
strided = layout("strided")

__all__ = [
    "finfo", "iinfo", "memory_format", "layout", "contiguous_format", "channels_last",
    "channels_last_3d", "preserve_format", "legacy_contiguous_format", "strided",
    *exported(globals()),
]  # fmt: skip
