"""Autograd's Tensor methods: ``backward``, ``register_hook``, ``retain_grad``, ``detach``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._ops._registry import method
from .._ops._views import shared_detach
from .._tensor import Tensor
from ._engine import backward as _backward
from ._graph import _Handle


def tensor_backward(self: Tensor, gradient: Any = None, retain_graph: bool | None = None,
                    create_graph: bool = False, inputs: Any = None) -> None:  # fmt: skip
    """``Tensor.backward``: accumulate d(self)/d(leaf) into every leaf's ``.grad``."""
    _backward(self, gradient, retain_graph, create_graph, inputs)


def register_hook(self: Tensor, hook: Callable[[Tensor], Tensor | None]) -> _Handle:
    """``Tensor.register_hook``: ``hook(grad)`` may return a replacement gradient."""
    if not self._requires_grad:
        raise RuntimeError(
            "cannot register a hook on a tensor that doesn't require gradient"
        )
    if self._node is not None:
        return self._node.add_tensor_hook(self._out_idx, hook)
    if self._hooks is None:
        self._hooks = []
    self._hooks.append(hook)
    return _Handle(self._hooks, hook)


def retain_grad(self: Tensor) -> None:
    """``Tensor.retain_grad``: keep ``.grad`` for a non-leaf tensor after backward."""
    if not self._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self._node is not None and not self._retains_grad:
        self._node.retain(self._out_idx, self)
    self._retains_grad = True


def detach(self: Tensor) -> Tensor:
    """``Tensor.detach``: same array and version counter, no history."""
    return shared_detach(self)


def detach_(self: Tensor) -> Tensor:
    """``Tensor.detach_``: drop this tensor's history in place (it becomes a leaf)."""
    self._node = None
    self._requires_grad = False
    return self


def _get_data(self: Tensor) -> Tensor:
    return shared_detach(self)


def _set_data(self: Tensor, value: Tensor) -> None:
    # ``p.data = t`` swaps the array without autograd (shape may change, as in PyTorch).
    self._rebind(value._data)


method("backward", tensor_backward)
method("register_hook", register_hook)
method("retain_grad", retain_grad)
method("detach", detach)
method("detach_", detach_)
method("data", property(_get_data, _set_data))  # type: ignore[arg-type]
method("retains_grad", property(lambda self: self._retains_grad))  # type: ignore[arg-type]
method("_version_counter", property(lambda self: self._version))  # type: ignore[arg-type]
