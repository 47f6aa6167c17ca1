"""PyTorch's other names and legacy forms of existing ops: ``unsafe_split``/
``unsafe_chunk`` (the same pieces without the view bookkeeping in PyTorch: here the
same views), ``narrow_copy``, ``conj_physical``, ``Tensor.cdouble``, ``Tensor.new``,
``Tensor.layout`` and ``Tensor.resize_``/``resize_as_``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor
from ._creation import tensor, to
from ._dtype_info import strided
from ._join import chunk, split, split_with_sizes
from ._registry import exported, method, register
from ._reshape import _conj, narrow


@register
def unsafe_split(tensor: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``torch.unsafe_split``: ``split``."""
    return split(tensor, split_size, dim)


@register
def unsafe_split_with_sizes(self: Tensor, split_sizes: Sequence[int],
                            dim: int = 0) -> tuple[Tensor, ...]:  # fmt: skip
    """``torch.unsafe_split_with_sizes``: ``split_with_sizes``."""
    return split_with_sizes(self, split_sizes, dim)


@register
def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``torch.unsafe_chunk``: ``chunk``."""
    return chunk(input, chunks, dim)


@register
def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``torch.narrow_copy``: ``narrow`` as a new tensor (not a view)."""
    return narrow(input, dim, start, length).clone()


@register(inplace=True)
def conj_physical(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.conj_physical``: the conjugate, computed (``input`` for reals)."""
    from ._pointwise import _finish

    return _finish(_conj(input) if input.is_complex() else input, out)


def _new(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``Tensor.new`` (legacy): ``new(*sizes)`` is uninitialised memory of self's
    dtype (zeros here), ``new(data)`` a tensor of self's dtype from the data."""
    if not args:
        return self.new_empty(0, **kwargs)
    if all(isinstance(a, int) for a in args) or (
        len(args) == 1 and type(args[0]) is tuple
    ):
        return self.new_empty(*args, **kwargs)
    data = args[0]
    if isinstance(data, Tensor):
        if data.dtype is not self.dtype:
            raise TypeError(
                f"expected {self.dtype} (got {data.dtype}) for the legacy Tensor.new"
            )
        return data
    return tensor(data, dtype=self.dtype)


def resize_(self: Tensor, *sizes: Any, memory_format: Any = None) -> Tensor:
    """``Tensor.resize_``: reshape in place to ``sizes``, keeping the leading
    elements in row-major order; new elements are zero (PyTorch leaves them
    uninitialised)."""
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    shape = tuple(int(s) for s in sizes)
    n = 1
    for s in shape:
        n *= s
    flat = self._data.reshape(-1)
    if n > flat.shape[0]:
        flat = jnp.concatenate([flat, jnp.zeros(n - flat.shape[0], flat.dtype)])
    self._rebind(flat[:n].reshape(shape))
    self._version += 1
    return self


def resize_as_(
    self: Tensor, the_template: Tensor, *, memory_format: Any = None
) -> Tensor:
    """``Tensor.resize_as_``: ``resize_`` to the template's shape."""
    return resize_(self, tuple(the_template.shape))


method("cdouble", lambda self, memory_format=None: to(self, _dtype.complex128))
method("new", _new)
method("layout", property(lambda self: strided))  # type: ignore[arg-type]
method("resize_", resize_)
method("resize_as_", resize_as_)

__all__ = exported(globals())
