"""``default_collate`` / ``default_convert``: ``torch.utils.data._utils.collate``.

Collation runs in two halves so that worker processes never run JAX (see ``_worker``):

1. :func:`collate_numpy` turns a list of samples into the batch's structure with numpy
   leaves wrapped in :class:`AsTensor` (one ``np.stack`` per leaf). Workers stop here
   and send that through the result queue.
2. :func:`to_tensors` (main process) replaces each :class:`AsTensor` by a Tensor: one
   host-to-device conversion per leaf per batch.

In the main process :func:`default_collate` runs both halves at once.
"""

from __future__ import annotations

import collections.abc
import copy
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..._ops._join import stack
from ..._tensor import Tensor
from ._worker import in_jax_free_worker

__all__ = ["default_collate", "default_convert"]

DEFAULT_COLLATE_ERR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
    "lists; found {}"
)
# numpy dtypes default_collate refuses: bytes, str, unicode, object (PyTorch's pattern).
_NP_STR_OBJ = re.compile(r"[SaUO]")


PLACEHOLDER_IN_WORKER = (
    "'{name}' was asked of a batch leaf inside a forked DataLoader worker, where "
    "default_collate returns NumPy placeholders (AsTensor, the array in `.array`) "
    "that become Tensors in the main process: JAX cannot run in a forked worker. Do "
    "the Tensor work on the batch in the training loop, work on `.array` with NumPy, "
    "or pass multiprocessing_context='spawn' to DataLoader."
)


class AsTensor:
    """A numpy array that the main process will turn into a Tensor.

    ``owned`` says collation made the array (nobody else holds it), so the Tensor may
    share its memory; a user's own array is copied.
    """

    __slots__ = ("array", "owned")

    def __init__(self, array: np.ndarray, owned: bool = True) -> None:
        self.array = array
        self.owned = owned

    def __reduce__(self) -> Any:
        return (AsTensor, (self.array, self.owned))

    def __getattr__(self, name: str) -> Any:
        # A custom collate_fn calling Tensor methods on default_collate's output in a
        # forked worker lands here: say why, and what to do instead.
        raise AttributeError(PLACEHOLDER_IN_WORKER.format(name=name))

    def __repr__(self) -> str:
        return f"AsTensor(shape={self.array.shape}, dtype={self.array.dtype})"


def tensor_to_numpy(t: Tensor) -> np.ndarray:
    """The values of ``t`` as numpy, without running a JAX computation."""
    # np.asarray of an existing CPU array reads its host buffer; it is safe in a forked
    # worker, unlike any new JAX op (see _worker).
    return np.asarray(t.jax())


def _stack_tensors(batch: Sequence[Tensor]) -> Any:
    if in_jax_free_worker():
        return AsTensor(_np_stack([tensor_to_numpy(t) for t in batch]))
    shapes = {tuple(t.shape) for t in batch}
    if len(shapes) > 1:
        _raise_unequal([tuple(t.shape) for t in batch])
    return stack(batch, 0)


def _raise_unequal(shapes: list[tuple[int, ...]]) -> None:
    first = shapes[0]
    i = next(i for i, s in enumerate(shapes) if s != first)
    raise RuntimeError(
        f"stack expects each tensor to be equal size, but got {list(first)} at entry "
        f"0 and {list(shapes[i])} at entry {i}"
    )


def _np_stack(arrays: Sequence[np.ndarray]) -> np.ndarray:
    try:
        return np.stack(arrays)
    except ValueError:
        _raise_unequal([a.shape for a in arrays])
        raise


def collate_numpy(batch: Sequence[Any]) -> Any:
    """First half of ``default_collate``: the batch structure, leaves as :class:`AsTensor`.

    Follows ``torch.utils.data.default_collate``'s dispatch order: Tensor, numpy array,
    numpy scalar, float, int, str/bytes, mapping, namedtuple, sequence.
    """
    elem = batch[0]
    elem_type: Any = type(elem)  # rebuilt containers keep the user's type
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, np.ndarray):
        if _NP_STR_OBJ.search(elem.dtype.str) is not None:
            raise TypeError(DEFAULT_COLLATE_ERR.format(elem.dtype))
        return AsTensor(_np_stack(batch))
    if isinstance(elem, (np.bool_, np.number)):
        return AsTensor(np.asarray(batch))
    if isinstance(elem, float):
        # PyTorch: torch.tensor(batch, dtype=torch.float64) — Python floats are double.
        return AsTensor(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, bool):
        # torch.tensor([True, 1]) infers int64; all-bool stays bool.
        kind = np.bool_ if all(type(b) is bool for b in batch) else np.int64
        return AsTensor(np.asarray(batch, dtype=kind))
    if isinstance(elem, int):
        return AsTensor(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: collate_numpy([d[key] for d in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        try:
            return elem_type(collated)
        except TypeError:  # the mapping type cannot be built from a dict
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate_numpy(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # Tuples, not lists: a column of strings comes back as a tuple, as in PyTorch.
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [collate_numpy(s) for s in transposed]  # PyTorch returns a list
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone: Any = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = collate_numpy(samples)
                return clone
            return elem_type([collate_numpy(s) for s in transposed])
        except TypeError:  # the sequence type cannot be built from a list
            return [collate_numpy(s) for s in transposed]
    raise TypeError(DEFAULT_COLLATE_ERR.format(type(elem)))


def to_tensors(data: Any) -> Any:
    """Second half of collation: replace every :class:`AsTensor` leaf by a Tensor.

    All leaves of one batch go to the device in a single ``jax.device_put`` call: its
    fixed cost (hundreds of microseconds on a busy CPU) dominates a batch's transfer,
    so it is paid once per batch rather than once per leaf. Only the containers
    collation builds (dict, list, tuple, namedtuple) are walked, so a custom
    ``collate_fn``'s own objects pass through untouched.
    """
    leaves: list[AsTensor] = []
    _collect(data, leaves)
    if not leaves:
        return data
    host = [_aligned_for_jax(leaf) for leaf in leaves]
    return _rebuild(data, iter(_host_to_device()(host)))


@functools.cache
def _host_to_device() -> Callable[[list[np.ndarray]], list[Any]]:
    """The function that puts a batch's host arrays on the CPU device, zero-copy.

    Batches live on the CPU, as PyTorch's DataLoader's do. ``jax.device_put`` spends
    ~0.2 ms per call in Python dispatch; the runtime call underneath it takes ~0.02 ms.
    We call that one directly — probed once, with ``jax.device_put`` as the fallback
    if a JAX version moved it.
    """
    import jax

    cpu = jax.devices("cpu")[0]
    try:
        from jax._src.interpreters.pxla import batched_device_put
        from jax.sharding import SingleDeviceSharding

        sharding = SingleDeviceSharding(cpu)

        def put(arrays: list[np.ndarray]) -> list[Any]:
            return [
                batched_device_put(
                    jax.core.ShapedArray(a.shape, a.dtype),
                    sharding,
                    [a],
                    [cpu],
                    committed=False,
                )
                for a in arrays
            ]

        probe = np.arange(3, dtype=np.int64)
        if not np.array_equal(np.asarray(put([probe])[0]), probe):
            raise RuntimeError("batched_device_put changed behaviour")
        return put
    except Exception:  # internal API moved: the public path is slower, not wrong
        return lambda arrays: jax.device_put(arrays, cpu, may_alias=True)


# XLA:CPU adopts a host buffer aligned to this many bytes instead of copying it:
# ``device_put`` then costs ~0.1 ms whatever the size, against ~1 ms per MB copied
# (measured, jax 0.10 CPU).
_ALIGN = 64


def _aligned_for_jax(leaf: AsTensor) -> np.ndarray:
    """The leaf's values in a buffer that ``device_put`` can adopt without a copy."""
    a = leaf.array
    if _NP_STR_OBJ.search(a.dtype.str) is not None:
        raise TypeError(DEFAULT_COLLATE_ERR.format(a.dtype))
    if (
        leaf.owned
        and a.flags.c_contiguous
        and a.flags.writeable
        and a.ctypes.data % _ALIGN == 0
    ):
        return a
    # One memcpy into a fresh aligned buffer: cheaper than device_put's own copy, and
    # a user's array is never shared with the (immutable) JAX array.
    out = _aligned_empty(a.shape, a.dtype)
    np.copyto(out, a)
    return out


def _aligned_empty(shape: tuple[int, ...], dtype: np.dtype[Any]) -> np.ndarray:
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.empty(nbytes + _ALIGN, dtype=np.uint8)
    start = (-raw.ctypes.data) % _ALIGN
    return raw[start : start + nbytes].view(dtype).reshape(shape)


def _collect(data: Any, leaves: list[AsTensor]) -> None:
    if isinstance(data, AsTensor):
        leaves.append(data)
    elif isinstance(data, (list, tuple)):
        for d in data:
            _collect(d, leaves)
    elif isinstance(data, dict):
        for d in data.values():
            _collect(d, leaves)


def _rebuild(data: Any, arrays: Iterator[Any]) -> Any:
    if isinstance(data, AsTensor):
        return Tensor(next(arrays))
    if isinstance(data, list):
        return [_rebuild(d, arrays) for d in data]
    if isinstance(data, tuple):
        items = [_rebuild(d, arrays) for d in data]
        return type(data)(*items) if hasattr(data, "_fields") else type(data)(items)
    if isinstance(data, dict):
        clone = copy.copy(data)
        clone.update({k: _rebuild(v, arrays) for k, v in data.items()})
        return clone
    return data


def default_collate(batch: list[Any]) -> Any:
    """Merge a list of samples into a batch, like ``torch.utils.data.default_collate``.

    * Tensors are stacked along a new first dimension; numpy arrays likewise (one
      ``np.stack``, then one conversion to a Tensor).
    * Python ``int`` becomes an ``int64`` Tensor, ``float`` a ``float64`` Tensor (as
      PyTorch), ``bool`` a ``bool`` Tensor; numpy scalars keep their dtype.
    * ``str``/``bytes`` stay as given (a tuple when transposed from tuples);
      mappings, namedtuples and sequences recurse (tuples come back as lists, as
      in PyTorch).

    Args:
        batch: the samples of one batch.

    Example:
        >>> out = default_collate([(1, 2.0, "a"), (3, 4.0, "b")])
        >>> out[0].dtype, out[1].dtype, out[2]
        (functorch_lite.int64, functorch_lite.float64, ('a', 'b'))
    """
    out = collate_numpy(batch)
    return out if in_jax_free_worker() else to_tensors(out)


def convert_numpy(data: Any) -> Any:
    """First half of ``default_convert`` (numpy arrays → :class:`AsTensor`)."""
    if isinstance(data, Tensor):
        if in_jax_free_worker():
            return AsTensor(tensor_to_numpy(data), owned=False)
        return data
    if isinstance(data, np.ndarray):
        if _NP_STR_OBJ.search(data.dtype.str) is not None:
            return data
        return AsTensor(data, owned=False)
    if isinstance(data, (np.bool_, np.number)):
        return AsTensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        converted = {key: convert_numpy(data[key]) for key in data}
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update(converted)
            return clone
        try:
            return type(data)(converted)  # type: ignore[call-arg]
        except TypeError:
            return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(convert_numpy(d) for d in data))
    if isinstance(data, tuple):
        return [convert_numpy(d) for d in data]  # PyTorch: lists, for compatibility
    if isinstance(data, collections.abc.Sequence) and not isinstance(
        data, (str, bytes)
    ):
        try:
            return type(data)([convert_numpy(d) for d in data])  # type: ignore[call-arg]
        except TypeError:
            return [convert_numpy(d) for d in data]
    return data


def default_convert(data: Any) -> Any:
    """Convert numpy arrays in ``data`` to Tensors without batching them.

    Mirrors ``torch.utils.data.default_convert``, the collate function used when
    automatic batching is off (``batch_size=None``): numpy arrays and numpy scalars
    become Tensors, Python numbers and strings are left alone, containers recurse.
    """
    out = convert_numpy(data)
    return out if in_jax_free_worker() else to_tensors(out)


def is_default(collate_fn: Callable[..., Any]) -> bool:
    return collate_fn is default_collate
