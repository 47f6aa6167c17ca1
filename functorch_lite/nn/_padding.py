"""Padding layers (``torch.nn.modules.padding``): constant/zero, reflection,
replication and circular padding for 1-D/2-D/3-D inputs."""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from . import functional as F
from ._module import Module

__all__ = [
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
    "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d",
    "CircularPad3d",
]  # fmt: skip


def _pads(padding: Any, n: int) -> tuple[int, ...]:
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2 * n:
            raise ValueError(f"expected padding of length {2 * n}, got {len(padding)}")
        return tuple(padding)
    return (int(padding),) * (2 * n)


class _PadNd(Module):
    _n = 1
    _mode = "constant"

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _pads(padding, self._n)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


def _make(name: str, base: type, n: int, mode: str, doc: str) -> type:
    return type(name, (base,), {"_n": n, "_mode": mode, "__doc__": doc, "__module__": __name__,
                                "__qualname__": name})  # fmt: skip


ConstantPad1d = _make(
    "ConstantPad1d", _ConstantPadNd, 1, "constant", "``torch.nn.ConstantPad1d``."
)  # noqa: E501
ConstantPad2d = _make(
    "ConstantPad2d", _ConstantPadNd, 2, "constant", "``torch.nn.ConstantPad2d``."
)  # noqa: E501
ConstantPad3d = _make(
    "ConstantPad3d", _ConstantPadNd, 3, "constant", "``torch.nn.ConstantPad3d``."
)  # noqa: E501
ReflectionPad1d = _make(
    "ReflectionPad1d", _PadNd, 1, "reflect", "``torch.nn.ReflectionPad1d``."
)  # noqa: E501
ReflectionPad2d = _make(
    "ReflectionPad2d", _PadNd, 2, "reflect", "``torch.nn.ReflectionPad2d``."
)  # noqa: E501
ReflectionPad3d = _make(
    "ReflectionPad3d", _PadNd, 3, "reflect", "``torch.nn.ReflectionPad3d``."
)  # noqa: E501
ReplicationPad1d = _make(
    "ReplicationPad1d", _PadNd, 1, "replicate", "``torch.nn.ReplicationPad1d``."
)  # noqa: E501
ReplicationPad2d = _make(
    "ReplicationPad2d", _PadNd, 2, "replicate", "``torch.nn.ReplicationPad2d``."
)  # noqa: E501
ReplicationPad3d = _make(
    "ReplicationPad3d", _PadNd, 3, "replicate", "``torch.nn.ReplicationPad3d``."
)  # noqa: E501
CircularPad1d = _make(
    "CircularPad1d", _PadNd, 1, "circular", "``torch.nn.CircularPad1d``."
)
CircularPad2d = _make(
    "CircularPad2d", _PadNd, 2, "circular", "``torch.nn.CircularPad2d``."
)
CircularPad3d = _make(
    "CircularPad3d", _PadNd, 3, "circular", "``torch.nn.CircularPad3d``."
)


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


ZeroPad1d = _make("ZeroPad1d", _ZeroPadNd, 1, "constant", "``torch.nn.ZeroPad1d``.")
ZeroPad2d = _make("ZeroPad2d", _ZeroPadNd, 2, "constant", "``torch.nn.ZeroPad2d``.")
ZeroPad3d = _make("ZeroPad3d", _ZeroPadNd, 3, "constant", "``torch.nn.ZeroPad3d``.")
