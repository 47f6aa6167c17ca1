"""Samplers: ``torch.utils.data.sampler``.

A sampler yields dataset indices; a batch sampler yields lists of them. Random samplers
take one 64-bit draw from a functorch_lite ``Generator`` (the global one if none is
given) per epoch and use it to seed a NumPy generator for the permutation or the
sampling itself: seeded runs are reproducible and each epoch draws a new order, while
the index arithmetic stays in NumPy (no device round trip per epoch). The stream is
not PyTorch's: a seeded run never reproduces torch's exact order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any, Generic, TypeVar

import numpy as np

from ..._random import key_for

__all__ = [
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
]

T_co = TypeVar("T_co", covariant=True)


def draw_seed(generator: Any = None) -> int:
    """One 64-bit draw from ``generator`` (a functorch_lite one; global if ``None``)."""
    # A fresh subkey of the generator's stream *is* a uniform 64-bit draw: use its two
    # uint32 words directly instead of running another random op.
    hi, lo = (int(w) for w in np.asarray(key_for(generator)).reshape(-1)[-2:])
    return (hi << 32) | lo


def numpy_rng(generator: Any = None) -> np.random.Generator:
    """A NumPy generator seeded by one draw from ``generator``."""
    return np.random.default_rng(draw_seed(generator))


class Sampler(Generic[T_co]):
    """Base class of samplers (``torch.utils.data.Sampler``).

    Subclasses implement ``__iter__`` (yielding indices, or lists of indices for a
    batch sampler) and, when the length is known, ``__len__``.
    """

    def __init__(self, data_source: Sized | None = None) -> None:
        # PyTorch accepts and ignores ``data_source`` here (deprecated there).
        pass

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """Yield ``0, 1, ..., len(data_source) - 1`` (``torch.utils.data.SequentialSampler``).

    Args:
        data_source: the dataset (anything with ``__len__``).
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """Yield indices in random order (``torch.utils.data.RandomSampler``).

    Without replacement: a fresh permutation per pass over the data (``num_samples``
    larger than the dataset chains several permutations). With replacement:
    ``num_samples`` independent uniform draws.

    Args:
        data_source: the dataset.
        replacement: draw with replacement. Default: ``False``.
        num_samples: number of indices per epoch. Default: ``len(data_source)``.
        generator: a ``functorch_lite.Generator``; the global one when ``None``.
    """

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                "replacement should be a boolean value, but got "
                f"replacement={self.replacement}"
            )
        n = self.num_samples
        if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={n}"
            )

    @property
    def num_samples(self) -> int:
        # The dataset may change size after construction: read it lazily, as PyTorch.
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        rng = numpy_rng(self.generator)
        if self.replacement:
            yield from rng.integers(0, n, size=self.num_samples).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from rng.permutation(n).tolist()
        yield from rng.permutation(n)[: self.num_samples % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """Yield the given indices in random order (``torch.utils.data.SubsetRandomSampler``).

    Args:
        indices: the indices to draw from, without replacement.
        generator: a ``functorch_lite.Generator``; the global one when ``None``.
    """

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in numpy_rng(self.generator).permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """Yield ``num_samples`` indices drawn with probabilities ∝ ``weights``.

    Mirrors ``torch.utils.data.WeightedRandomSampler`` (``torch.multinomial`` over the
    weights; the weights need not sum to one).

    Args:
        weights: a 1-D sequence of non-negative weights.
        num_samples: number of indices per epoch.
        replacement: draw with replacement. Default: ``True``. Without it, at most as
            many indices as there are non-zero weights.
        generator: a ``functorch_lite.Generator``; the global one when ``None``.
    """

    def __init__(
        self,
        weights: Sequence[float] | Any,
        num_samples: int,
        replacement: bool = True,
        generator: Any = None,
    ) -> None:
        if (
            not isinstance(num_samples, int)
            or isinstance(num_samples, bool)
            or num_samples <= 0
        ):
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        weights_array = np.asarray(weights, dtype=np.float64)
        if weights_array.ndim != 1:
            raise ValueError(
                "weights should be a 1d sequence but given weights have shape "
                f"{tuple(weights_array.shape)}"
            )
        self.weights = weights_array
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        # Checked when sampling, as torch.multinomial does (not at construction).
        if (self.weights < 0).any() or not np.isfinite(self.weights).all():
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry < 0)"
            )
        total = self.weights.sum()
        if total <= 0:
            raise RuntimeError(
                "invalid multinomial distribution (sum of probabilities <= 0)"
            )
        nonzero = int(np.count_nonzero(self.weights))
        if not self.replacement and self.num_samples > nonzero:
            raise RuntimeError(
                "cannot sample n_sample > prob_dist.size(-1) samples without "
                f"replacement (num_samples={self.num_samples}, non-zero weights="
                f"{nonzero})"
            )
        rng = numpy_rng(self.generator)
        p = self.weights / total
        idx = rng.choice(len(p), size=self.num_samples, replace=self.replacement, p=p)
        yield from idx.tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Group the indices of ``sampler`` into lists of ``batch_size``.

    Mirrors ``torch.utils.data.BatchSampler``.

    Args:
        sampler: a sampler or any iterable of indices.
        batch_size: size of each batch.
        drop_last: drop the last batch if it is smaller than ``batch_size``.

    Example:
        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(
        self, sampler: Sampler[Any] | Iterable[Any], batch_size: int, drop_last: bool
    ) -> None:
        if (
            not isinstance(batch_size, int)
            or isinstance(batch_size, bool)
            or batch_size <= 0
        ):
            raise ValueError(
                "batch_size should be a positive integer value, but got "
                f"batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(
                f"drop_last should be a boolean value, but got drop_last={drop_last}"
            )
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        it = iter(self.sampler)
        while batch := list(itertools.islice(it, self.batch_size)):
            if self.drop_last and len(batch) < self.batch_size:
                return
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        if self.drop_last:
            return n // self.batch_size
        return (n + self.batch_size - 1) // self.batch_size
