"""Creation from foreign memory and explicit layouts: ``torch.from_dlpack``,
``torch.utils.dlpack.to_dlpack``-style ``torch.to_dlpack``, ``torch.frombuffer``,
``torch.empty_strided``, ``torch.empty_permuted``.

JAX owns its buffers: ``frombuffer`` copies (PyTorch shares the memory), and strides or
dimension orders are accepted and ignored (XLA picks physical layouts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ._creation import _filled
from ._creation import _finish as _created
from ._registry import exported, register

DType = _dtype.dtype | None


@register(method=False)
def from_dlpack(ext_tensor: Any) -> Tensor:
    """``torch.from_dlpack``: a Tensor over any DLPack producer (numpy, JAX, PyTorch
    CPU tensors), zero-copy where JAX allows."""
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    return Tensor(jax.dlpack.from_dlpack(ext_tensor))


@register(method=False)
def to_dlpack(tensor: Tensor) -> Any:
    """``torch.to_dlpack``: the tensor's array as a DLPack capsule."""
    return tensor._data.__dlpack__()


@register(method=False)
def frombuffer(buffer: Any, *, dtype: _dtype.dtype, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.frombuffer``: a 1-D tensor of ``dtype`` read from a buffer-protocol
    object (a COPY here: JAX arrays cannot alias Python memory)."""
    dt = _dtype.as_dtype(dtype)
    arr = np.frombuffer(buffer, dtype=dt.np_dtype, count=count, offset=offset)
    return _created(jnp.asarray(arr.copy()), None, requires_grad)


@register(method=False)
def empty_strided(size: Sequence[int], stride: Sequence[int], *, dtype: DType = None,
                  layout: Any = None, device: Any = None, requires_grad: bool = False,
                  pin_memory: bool = False) -> Tensor:  # fmt: skip
    """``torch.empty_strided``: ``empty(size)`` (zero-filled; ``stride`` is ignored)."""
    if len(size) != len(stride):
        raise RuntimeError(
            f"mismatch in length of strides and shape: {len(stride)} vs {len(size)}"
        )
    return _filled(0, tuple(size), dtype, device, requires_grad)


@register(method=False)
def empty_permuted(size: Sequence[int], physical_layout: Sequence[int], *,
                   dtype: DType = None, layout: Any = None, device: Any = None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """``torch.empty_permuted``: ``empty(size)`` (zero-filled; the physical dimension
    order is XLA's to choose)."""
    if sorted(physical_layout) != list(range(len(size))):
        raise RuntimeError("Dimension order must be a permutation of the dimensions")
    return _filled(0, tuple(size), dtype, device, requires_grad)


__all__ = exported(globals())
