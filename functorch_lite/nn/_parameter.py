"""``nn.Parameter`` and ``nn.Buffer``: Tensors that a Module registers on assignment.

A ``Parameter`` is a ``Tensor`` subclass (so ``isinstance(p, Tensor)`` holds and every op
accepts it) that defaults to ``requires_grad=True`` and prints ``Parameter containing:``.
It shares the Tensor's array; loading a state dict or ``Module.to`` rebinds that array in
place, so optimizers holding the Parameter stay valid (PyTorch's ``param.data = ...``).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "as_array"]


def as_array(data: Any) -> Any:
    """The JAX array behind ``data`` (a Tensor, JAX/numpy array, or array-like).

    Anything with ``__array__`` (including a CPU ``torch.Tensor``) is accepted, so a
    PyTorch state dict loads directly.
    """
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (jax.Array, jax.core.Tracer)):
        return data
    arr = np.asarray(data)
    if arr.dtype == np.float64 and not isinstance(data, np.ndarray):
        arr = arr.astype(np.float32)  # Python floats → default float, as torch.tensor
    return jnp.asarray(arr)


class Parameter(Tensor):
    """``torch.nn.Parameter``: a Tensor a Module registers as a learnable parameter.

    Args:
        data: the initial value (Tensor or array); its array is shared, not copied.
        requires_grad: whether the parameter requires gradient (default True).

    Example:
        >>> import numpy as np
        >>> import functorch_lite.nn as nn
        >>> p = nn.Parameter(np.zeros(2, np.float32))
        >>> p.requires_grad
        True
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = jnp.zeros((0,), jnp.float32)
        arr = as_array(data)
        super().__init__(arr, False)
        if requires_grad:
            # Through the property so integer parameters get PyTorch's error.
            self.requires_grad = True

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_rebuild_parameter, (np.array(self._data), self._requires_grad))

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        out = Parameter(self._data, self._requires_grad)
        if self._grad is not None:
            out._grad = Tensor(self._grad._data)
        memo[id(self)] = out
        return out


class UninitializedParameter(Parameter):
    """``torch.nn.UninitializedParameter``: placeholder of a lazy module (no shape yet)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class Buffer(Tensor):
    """``torch.nn.Buffer``: assigning one to a Module attribute registers a buffer.

    Args:
        data: the value (Tensor or array).
        persistent: whether the buffer is part of ``state_dict`` (default True).
    """

    __slots__ = ("persistent",)

    def __init__(self, data: Any = None, *, persistent: bool = True) -> None:
        if data is None:
            data = jnp.zeros((0,), jnp.float32)
        super().__init__(as_array(data), False)
        self.persistent = persistent


def _rebuild_parameter(array: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(jnp.asarray(array), requires_grad)


def _flatten(t: Tensor) -> tuple[tuple[Any], bool]:
    return (t._data,), t._requires_grad


def _unflatten_parameter(requires_grad: bool, children: tuple[Any]) -> Parameter:
    # No validation: leaves may be tracers or JAX's internal placeholder objects.
    out = Parameter.__new__(Parameter)
    Tensor.__init__(out, children[0], requires_grad)
    return out


def _unflatten_buffer(requires_grad: bool, children: tuple[Any]) -> Tensor:
    return Tensor(children[0], requires_grad)


jax.tree_util.register_pytree_node(Parameter, _flatten, _unflatten_parameter)
jax.tree_util.register_pytree_node(
    UninitializedParameter,
    _flatten,
    _unflatten_parameter,  # type: ignore[arg-type]
)
jax.tree_util.register_pytree_node(Buffer, _flatten, _unflatten_buffer)  # type: ignore[arg-type]
