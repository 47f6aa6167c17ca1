"""The few core names the optimizers use, imported in one place.

Optimizers touch Tensors only through ``Tensor.jax()`` (read an array),
``Tensor._rebind`` (write one) and ``Tensor(array)`` (wrap state), so their compiled
update records no autograd history and runs unchanged on tracers.
"""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd._grad_mode import enable_grad, no_grad

__all__ = ["Tensor", "enable_grad", "no_grad"]
