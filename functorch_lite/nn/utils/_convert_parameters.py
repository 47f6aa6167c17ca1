"""``parameters_to_vector`` / ``vector_to_parameters`` (``torch.nn.utils``)."""

from __future__ import annotations

from collections.abc import Iterable

import jax.numpy as jnp

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ...autograd._grad_mode import no_grad

__all__ = ["parameters_to_vector", "vector_to_parameters"]

_concat = Op("cat_flat", lambda *xs: jnp.concatenate([x.reshape(-1) for x in xs]),
             saves_inputs=False)  # fmt: skip


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """Flatten and concatenate parameters into one 1-D tensor (differentiable)."""
    params = list(parameters)
    if not params:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    return _concat(*params)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy slices of ``vec`` into the parameters, in order (in place)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    data = vec._data
    offset = 0
    with no_grad():
        for p in parameters:
            n = p.numel()
            p._rebind(data[offset : offset + n].reshape(p.shape).astype(p._data.dtype))
            offset += n
