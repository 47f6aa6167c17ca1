"""``F.embedding`` (``padding_idx``, ``max_norm``, ``scale_grad_by_freq``) and
``F.one_hot``."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ...autograd._grad_mode import no_grad
from ._base import as_tensor

__all__ = ["embedding", "one_hot", "embedding_bag"]


def _embedding(idx, w, *, padding_idx, scale_grad_by_freq):  # type: ignore[no-untyped-def]
    rows = jnp.arange(w.shape[0])[:, None]
    if scale_grad_by_freq:
        # Forward value unchanged; the gradient of each row is divided by its count in
        # this batch (PyTorch's scale_grad_by_freq).
        counts = jnp.zeros(w.shape[0], w.dtype).at[idx.reshape(-1)].add(1)
        s = jnp.where(counts > 0, 1.0 / jnp.maximum(counts, 1), 1.0)[:, None].astype(
            w.dtype
        )
        w = w * s + jax.lax.stop_gradient(w * (1 - s))
    if padding_idx is not None:
        # The padding row receives no gradient (it stays at its value, usually zeros).
        w = jnp.where(rows == padding_idx, jax.lax.stop_gradient(w), w)
    return jnp.take(w, idx, axis=0)


_embedding_op = Op("embedding", _embedding)


def _renorm(w, idx, *, max_norm, norm_type):  # type: ignore[no-untyped-def]
    norms = (
        jnp.linalg.norm(w, ord=norm_type, axis=1)
        if norm_type != 2
        else jnp.sqrt(jnp.sum(w * w, 1))
    )  # noqa: E501
    used = jnp.zeros(w.shape[0], bool).at[idx.reshape(-1)].set(True)
    scale = jnp.where(used & (norms > max_norm), max_norm / (norms + 1e-7), 1.0)
    return w * scale[:, None].astype(w.dtype)


_renorm_op = Op("embedding_renorm", _renorm)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """``F.embedding``: rows of ``weight`` selected by integer ``input``.

    ``max_norm`` renormalizes the referenced rows of ``weight`` in place first.
    """
    input = as_tensor(input)
    if input.dtype.is_floating_point or input.dtype.is_complex:
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.dtype} instead (while checking arguments for "
            "embedding)"
        )
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % n
    if max_norm is not None:
        with no_grad():
            weight._rebind(_renorm_op(weight, input, max_norm=float(max_norm),
                                      norm_type=float(norm_type))._data)  # fmt: skip
    return _embedding_op(input, weight, padding_idx=padding_idx,
                         scale_grad_by_freq=bool(scale_grad_by_freq))  # fmt: skip


def _bag(idx, w, offsets_or_none, psw, *, mode, padding_idx, bags):  # type: ignore[no-untyped-def]
    rows = jnp.take(w, idx.reshape(-1), axis=0)
    if psw is not None:
        rows = rows * psw.reshape(-1, 1).astype(rows.dtype)
    flat = idx.reshape(-1)
    keep = jnp.ones(flat.shape, bool) if padding_idx is None else flat != padding_idx
    if idx.ndim == 2:
        seg = jnp.repeat(jnp.arange(idx.shape[0]), idx.shape[1])
    else:
        seg = (
            jnp.searchsorted(offsets_or_none, jnp.arange(flat.shape[0]), side="right")
            - 1
        )
    rows = jnp.where(keep[:, None], rows, 0)
    if mode == "max":
        neg = jnp.where(keep[:, None], rows, -jnp.inf)
        out = jax.ops.segment_max(neg, seg, bags)
        return jnp.where(jnp.isfinite(out), out, 0)
    total = jax.ops.segment_sum(rows, seg, bags)
    if mode == "sum":
        return total
    cnt = jax.ops.segment_sum(keep.astype(rows.dtype), seg, bags)
    return total / jnp.maximum(cnt, 1)[:, None]


_bag_op = Op("embedding_bag", _bag)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean",
                  sparse: bool = False, per_sample_weights: Tensor | None = None,
                  include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:  # fmt: skip
    """``F.embedding_bag``: sum/mean/max of embedding bags (2-D input or 1-D + offsets)."""
    input = as_tensor(input)
    if input.dim() == 2:
        bags = input.shape[0]
        offs = None
    else:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        offs = as_tensor(offsets)
        bags = offs.shape[0] - (1 if include_last_offset else 0)
    if max_norm is not None:
        with no_grad():
            weight._rebind(_renorm_op(weight, input, max_norm=float(max_norm),
                                      norm_type=float(norm_type))._data)  # fmt: skip
    return _bag_op(input, weight, offs, per_sample_weights, mode=mode,
                   padding_idx=padding_idx, bags=int(bags))  # fmt: skip


_one_hot_op = Op("one_hot", lambda x, *, n: jax.nn.one_hot(x, n, dtype=jnp.int64))


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """``F.one_hot``: int64 one-hot encoding along a new last dimension."""
    tensor = as_tensor(tensor)
    if tensor.dtype.is_floating_point or tensor.dtype.is_complex:
        raise RuntimeError(
            "one_hot is only applicable to index tensor of type LongTensor."
        )
    if num_classes == -1:
        if tensor.numel() == 0:
            raise RuntimeError(
                "Can not infer total number of classes from empty tensor."
            )
        num_classes = int(np.asarray(tensor._data).max()) + 1
    arr = (
        np.asarray(tensor._data)
        if not isinstance(tensor._data, jax.core.Tracer)
        else None
    )
    if arr is not None and arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _one_hot_op(tensor, n=int(num_classes))
