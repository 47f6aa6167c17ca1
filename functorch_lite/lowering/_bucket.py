"""``bucket``: pad variable-sized batches to a few fixed sizes so they share programs.

A compiled program is specialised to its input shapes: a data set whose last batch is
smaller, or sequences of varying length, would re-trace and re-compile for every new
size. Padding each batch up to the nearest of a few bucket sizes bounds the number of
programs by the number of buckets; the returned mask tells the step which rows are
real, so a masked loss equals the loss on the unpadded batch.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from .._tensor import Tensor

__all__ = ["Bucketer", "bucket"]

TOO_LARGE = (
    "bucket: a size of {n} along dim {dim} is larger than the largest bucket {top}; "
    "add a bucket of at least {n} (buckets: {sizes})"
)
MISMATCH = "bucket: all tensors must have the same size along dim {dim}, got {sizes}"


class Bucketer:
    """Pads Tensors along ``dim`` to the smallest bucket size that fits.

    Args:
        sizes: the bucket sizes (any order; duplicates ignored).
        dim: the dimension to pad (0: the batch).
        value: the padding value.

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite import lowering
        >>> pad = lowering.bucket([4, 8])
        >>> x, mask = pad(torch.ones(3, 2))
        >>> x.shape, mask.tolist()
        (functorch_lite.Size([4, 2]), [True, True, True, False])
    """

    def __init__(self, sizes: Sequence[int], dim: int = 0, value: float = 0) -> None:
        if not sizes:
            raise ValueError("bucket: give at least one bucket size")
        self.sizes = sorted({int(s) for s in sizes})
        self.dim = dim
        self.value = value

    def size_for(self, n: int) -> int:
        """The bucket a size of ``n`` is padded to."""
        i = bisect.bisect_left(self.sizes, n)
        if i == len(self.sizes):
            raise ValueError(
                TOO_LARGE.format(
                    n=n, dim=self.dim, top=self.sizes[-1], sizes=self.sizes
                )
            )  # noqa: E501
        return self.sizes[i]

    def __call__(self, *tensors: Tensor) -> tuple[Any, ...]:
        """``(padded tensors..., mask)``; the mask is a bool Tensor of the bucket size."""
        lengths = {t.shape[self.dim] for t in tensors}
        if len(lengths) != 1:
            raise ValueError(MISMATCH.format(dim=self.dim, sizes=sorted(lengths)))
        (n,) = lengths
        size = self.size_for(n)
        padded = []
        for t in tensors:
            a = t.jax() if isinstance(t, Tensor) else jnp.asarray(t)
            dim = self.dim % a.ndim
            widths = [(0, 0)] * a.ndim
            widths[dim] = (0, size - n)
            # Padding is data preparation: the padded rows carry no gradient.
            padded.append(
                Tensor(
                    jnp.pad(a, widths, constant_values=jnp.asarray(self.value, a.dtype))
                )
            )  # noqa: E501
        mask = Tensor(jnp.arange(size) < n)
        return (*padded, mask)


def bucket(sizes: Sequence[int], dim: int = 0, value: float = 0) -> Bucketer:
    """A ``Bucketer`` padding along ``dim`` to the nearest of ``sizes`` (see its docs)."""
    return Bucketer(sizes, dim=dim, value=value)
