"""``F.normalize``, ``F.cosine_similarity``, ``F.pairwise_distance``, ``F.pdist``."""

from __future__ import annotations

import jax.numpy as jnp

from ..._ops._dispatch import Op
from ..._tensor import Tensor, _wrap_dim
from ._base import as_tensor

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist"]


def _pnorm(x, p, axis, keepdims=False):  # type: ignore[no-untyped-def]
    if p == 2:
        return jnp.sqrt(jnp.sum(x * x, axis, keepdims=keepdims))
    if p == float("inf"):
        return jnp.max(jnp.abs(x), axis, keepdims=keepdims)
    if p == 0:
        return jnp.sum((x != 0).astype(x.dtype), axis, keepdims=keepdims)
    return jnp.sum(jnp.abs(x) ** p, axis, keepdims=keepdims) ** (1.0 / p)


def _normalize(x, *, p, dim, eps):  # type: ignore[no-untyped-def]
    return x / jnp.maximum(_pnorm(x, p, dim, True), eps).astype(x.dtype)


def _cosine(a, b, *, dim, eps):  # type: ignore[no-untyped-def]
    a, b = jnp.broadcast_arrays(a, b)
    na = jnp.maximum(_pnorm(a, 2, dim, True), eps)
    nb = jnp.maximum(_pnorm(b, 2, dim, True), eps)
    return jnp.sum((a / na) * (b / nb), dim)


def _pairwise(a, b, *, p, eps, keepdim):  # type: ignore[no-untyped-def]
    return _pnorm(a - b + eps, p, -1, keepdim)


def _pdist(x, *, p):  # type: ignore[no-untyped-def]
    n = x.shape[0]
    i, j = jnp.triu_indices(n, 1)
    return _pnorm(x[i] - x[j], p, -1)


_normalize_op = Op("normalize", _normalize)
_cosine_op = Op("cosine_similarity", _cosine)
_pairwise_op = Op("pairwise_distance", _pairwise)
_pdist_op = Op("pdist", _pdist)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``F.normalize``: ``x / max(||x||_p, eps)`` along ``dim``."""
    input = as_tensor(input)
    return _normalize_op(
        input, p=float(p), dim=_wrap_dim(dim, input.dim()), eps=float(eps)
    )


def cosine_similarity(
    x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8
) -> Tensor:
    """``F.cosine_similarity``: ``<x1, x2> / (max(||x1||, eps) max(||x2||, eps))``."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    nd = max(x1.dim(), x2.dim())
    return _cosine_op(x1, x2, dim=_wrap_dim(dim, nd), eps=float(eps))


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:  # fmt: skip
    """``F.pairwise_distance``: ``||x1 - x2 + eps||_p`` over the last dimension."""
    return _pairwise_op(as_tensor(x1), as_tensor(x2), p=float(p), eps=float(eps),
                        keepdim=bool(keepdim))  # fmt: skip


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """``F.pdist``: condensed pairwise distances between the rows of ``input``."""
    return _pdist_op(as_tensor(input), p=float(p))
