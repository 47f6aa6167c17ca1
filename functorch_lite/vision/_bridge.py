"""Conversions between functorch_lite Tensors and numpy arrays for per-sample work.

Vision transforms and datasets work on one sample at a time on the CPU, where numpy
is cheaper than a JAX dispatch; Tensors are unwrapped on the way in and rebuilt on
the way out.

Inside a forked ``DataLoader`` worker no JAX computation may run (it deadlocks, see
``functorch_lite.utils.data._worker``). There, "making a Tensor" yields a
:class:`WorkerTensor` instead: a numpy array with Tensor layout ``(..., C, H, W)``
that the transforms treat as a Tensor and that ``default_collate`` stacks into a
real Tensor in the main process.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from functorch_lite._tensor import Tensor
from functorch_lite.utils.data._worker import in_jax_free_worker

_REQUIRES_GRAD = (
    "vision transforms run per sample in numpy and are not differentiable, but got "
    "a tensor that requires grad; pass `tensor.detach()` instead"
)


class WorkerTensor(np.ndarray):
    """A Tensor-layout image held in numpy inside a JAX-free DataLoader worker."""


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, (Tensor, WorkerTensor))


def is_numpy_image(obj: Any) -> bool:
    return isinstance(obj, np.ndarray) and not isinstance(obj, WorkerTensor)


def tensor_to_numpy(t: Tensor | WorkerTensor) -> np.ndarray:
    """The tensor's values as a (read-only) numpy array."""
    if isinstance(t, WorkerTensor):
        return t.view(np.ndarray)
    if t.requires_grad:
        raise RuntimeError(_REQUIRES_GRAD)
    # Reading the host buffer of an existing CPU array runs no JAX computation.
    return np.asarray(t.jax())


def numpy_to_tensor(arr: np.ndarray) -> Any:
    """A Tensor holding ``arr`` with its dtype kept (float64 stays float64)."""
    arr = np.ascontiguousarray(arr)
    if in_jax_free_worker():
        return arr.view(WorkerTensor)
    import jax

    return Tensor(jax.device_put(arr))


def write_into(t: Tensor | WorkerTensor, arr: np.ndarray) -> None:
    """Overwrite ``t``'s values with ``arr`` (same shape and dtype), in place."""
    if isinstance(t, WorkerTensor):
        t.view(np.ndarray)[...] = arr
    else:
        t._rebind(numpy_to_tensor(arr).jax())
