"""Datasets: ``torch.utils.data.dataset``.

``DataLoader`` gathers a whole ``TensorDataset`` batch with one fancy-index per tensor
instead of indexing item by item and stacking (:meth:`TensorDataset.get_batch`). A
forked DataLoader worker must not run JAX (see ``_worker``): there ``TensorDataset``
indexes NumPy views of its tensors' arrays, made by the parent before forking.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, cast

import numpy as np

from ..._tensor import Tensor
from ._collate import AsTensor, collate_numpy
from ._sampler import numpy_rng
from ._worker import get_worker_info, in_jax_free_worker

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "ConcatDataset",
    "ChainDataset",
    "Subset",
    "random_split",
]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: ``dataset[i]`` for ``0 <= i < len(dataset)``.

    Mirrors ``torch.utils.data.Dataset``: subclasses implement ``__getitem__`` and
    usually ``__len__`` (needed by the default samplers); ``a + b`` concatenates.
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[T_co]) -> ConcatDataset[T_co]:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """A dataset that is a stream: implement ``__iter__`` (``torch.utils.data.IterableDataset``).

    With ``num_workers > 0`` every worker iterates its own copy of the dataset; use
    :func:`get_worker_info` in ``__iter__`` to give each worker a distinct shard, or
    every sample is produced ``num_workers`` times — as in PyTorch.
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError(
            "Subclasses of IterableDataset should implement __iter__."
        )

    def __add__(self, other: Dataset[T_co]) -> ChainDataset[T_co]:  # type: ignore[override]
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples are the ``i``-th rows of each tensor (``torch.utils.data.TensorDataset``).

    Args:
        *tensors: Tensors with the same size of the first dimension.

    Example:
        >>> import functorch_lite as torch
        >>> ds = TensorDataset(torch.zeros(5, 3), torch.arange(5))
        >>> len(ds), ds[1][1].item()
        (5, 1)
    """

    def __init__(self, *tensors: Tensor) -> None:
        if not all(tensors[0].size(0) == t.size(0) for t in tensors):
            raise ValueError("Size mismatch between tensors")
        self.tensors = tensors
        self._arrays: tuple[np.ndarray, ...] | None = None
        self._sources: tuple[Any, ...] = ()

    def numpy_arrays(self) -> tuple[np.ndarray, ...]:
        """NumPy views of the tensors, remade only when a tensor's array changed."""
        # Reading an existing array's host buffer is safe even in a forked worker;
        # the parent makes these views before forking anyway (``prepare_for_fork``).
        sources = tuple(t.jax() for t in self.tensors)
        # Identity of the jax arrays: an in-place op or ``ds.tensors = ...`` rebinds
        # them, and the views must follow.
        stale = len(sources) != len(self._sources) or any(
            a is not b for a, b in zip(sources, self._sources)
        )
        if self._arrays is None or stale:
            self._arrays = tuple(np.asarray(s) for s in sources)
            self._sources = sources
        return self._arrays

    def __getitem__(self, index: Any) -> tuple[Any, ...]:
        if in_jax_free_worker():
            return tuple(a[index] for a in self.numpy_arrays())
        # Tensor indexing is installed by the op registry: invisible to mypy.
        return tuple(cast(Any, t)[index] for t in self.tensors)

    def get_batch(self, indices: Sequence[int]) -> list[Any]:
        """``default_collate([self[i] for i in indices])`` with one gather per tensor.

        In the main process the gather is one compiled call on the tensors' arrays
        (no host round trip); in a worker it indexes the NumPy views.
        """
        idx = np.asarray(indices, dtype=np.int64)
        n = len(self)
        if idx.size and (idx.max() >= n or idx.min() < -n):
            # JAX clamps out-of-range gathers silently: check first, as PyTorch does.
            bad = int(idx[(idx >= n) | (idx < -n)][0])
            raise IndexError(
                f"index {bad} is out of bounds for dimension 0 with size {n}"
            )
        if get_worker_info() is not None:
            return [AsTensor(a[idx]) for a in self.numpy_arrays()]
        if any(t.requires_grad for t in self.tensors):
            # Keep autograd's record (index, then stack), as PyTorch's batches do.
            return collate_numpy([self[i] for i in indices])
        arrays = tuple(t.jax() for t in self.tensors)
        return [Tensor(a) for a in _gather_rows(arrays, idx)]

    def __len__(self) -> int:
        return self.tensors[0].size(0)

    def __getstate__(self) -> dict[str, Any]:
        # The numpy views are a cache of the tensors: do not pickle the data twice.
        return {"tensors": self.tensors, "_arrays": None, "_sources": ()}


@functools.cache
def _compiled_gather() -> Any:
    import jax

    return jax.jit(lambda arrays, index: tuple(a[index] for a in arrays))


def _gather_rows(arrays: tuple[Any, ...], index: np.ndarray) -> tuple[Any, ...]:
    """``a[index]`` for every array, in one compiled call (one per batch shape)."""
    return _compiled_gather()(arrays, index)


class ConcatDataset(Dataset[T_co]):
    """The concatenation of map-style datasets (``torch.utils.data.ConcatDataset``).

    Args:
        datasets: the datasets, in order.
    """

    datasets: list[Dataset[T_co]]
    cumulative_sizes: list[int]

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        return list(itertools.accumulate(len(e) for e in sequence))

    def __init__(self, datasets: Iterable[Dataset[T_co]]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise ValueError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise ValueError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> T_co:
        if idx < 0:
            if -idx > len(self):
                raise ValueError(
                    "absolute value of index should not exceed dataset length"
                )
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        if dataset_idx == 0:
            sample_idx = idx
        else:
            sample_idx = idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset[T_co]):
    """The chaining of iterable datasets (``torch.utils.data.ChainDataset``)."""

    def __init__(self, datasets: Iterable[Dataset[T_co]]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[T_co]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise ValueError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise ValueError("ChainDataset only supports IterableDataset")
            total += len(d)  # type: ignore[arg-type]
        return total


class Subset(Dataset[T_co]):
    """The elements of ``dataset`` at ``indices`` (``torch.utils.data.Subset``).

    Args:
        dataset: the whole dataset.
        indices: the indices selected, in order.
    """

    def __init__(self, dataset: Dataset[T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[T_co]:
        # Lets a parent dataset with batched access (``__getitems__``) see the batch.
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def get_batch(self, indices: Sequence[int]) -> Any:
        return self.dataset.get_batch([self.indices[i] for i in indices])  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.indices)


def supports_batch_gather(dataset: Any) -> bool:
    """Whether ``dataset.get_batch`` gathers a collated batch at once."""
    while isinstance(dataset, Subset):
        dataset = dataset.dataset
    return isinstance(dataset, TensorDataset)


def prepare_for_fork(dataset: Any) -> None:
    """Build the NumPy views a forked worker needs, before forking."""
    if isinstance(dataset, TensorDataset):
        dataset.numpy_arrays()
    elif isinstance(dataset, Subset):
        prepare_for_fork(dataset.dataset)
    elif isinstance(dataset, (ConcatDataset, ChainDataset)):
        for d in dataset.datasets:
            prepare_for_fork(d)


def random_split(
    dataset: Dataset[T_co],
    lengths: Sequence[int | float],
    generator: Any = None,
) -> list[Subset[T_co]]:
    """Split ``dataset`` into non-overlapping random subsets (``torch.utils.data.random_split``).

    ``lengths`` are either the sizes of the splits, or fractions summing to 1: then each
    split gets ``floor(len(dataset) * frac)`` items and the remainder is handed out one
    item at a time to the splits in order, as PyTorch does.

    Args:
        dataset: the dataset to split.
        lengths: sizes or fractions of the splits.
        generator: a ``functorch_lite.Generator``; the global one when ``None``.

    Example:
        >>> [len(s) for s in random_split(range(10), [0.34, 0.33, 0.33])]
        [4, 3, 3]
    """
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        subset_lengths: list[int] = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            subset_lengths.append(int(math.floor(len(dataset) * frac)))  # type: ignore[arg-type]
        remainder = len(dataset) - sum(subset_lengths)  # type: ignore[arg-type]
        for i in range(remainder):
            subset_lengths[i % len(subset_lengths)] += 1
        lengths = subset_lengths
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. "
                    f"This might result in an empty dataset.",
                    stacklevel=2,
                )
    if sum(lengths) != len(dataset):  # type: ignore[arg-type]
        raise ValueError(
            "Sum of input lengths does not equal the length of the input dataset!"
        )
    n = int(sum(lengths))
    indices = numpy_rng(generator).permutation(n).tolist()
    offsets = itertools.accumulate(int(x) for x in lengths)
    return [
        Subset(dataset, indices[offset - int(length) : offset])
        for offset, length in zip(offsets, lengths)
    ]
