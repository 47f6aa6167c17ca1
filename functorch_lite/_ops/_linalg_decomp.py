"""``torch.linalg``: norms, inverses, determinants, solves and decompositions.

Batched over leading dims like PyTorch. Unlike PyTorch (LAPACK errors), a singular
matrix gives inf/nan instead of raising: the check would need the values, which do not
exist under ``jit``. ``functorch_lite.linalg`` re-exports these under PyTorch's names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from . import _return_types as return_types
from ._dispatch import Op
from ._pointwise import _finish
from ._registry import register
from ._views import _type_word

FLOAT_ONLY = "{name}: Expected a floating point or complex tensor as input. Got {word}"
NOT_SQUARE = (
    "{name}: A must be batches of square matrices, but they are {r} by {c} matrices"
)


def _check(A: Tensor, name: str, *, square: bool = True, min_ndim: int = 2) -> None:
    if _dtype.category(A.dtype) < 2:
        raise RuntimeError(FLOAT_ONLY.format(name=name, word=_type_word(A.dtype)))
    if A.ndim < min_ndim:
        raise RuntimeError(
            f"{name}: The input tensor A must have at least 2 dimensions."
        )
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(NOT_SQUARE.format(name=name, r=A.shape[-2], c=A.shape[-1]))


def _op(name: str, fn: Any, **kw: Any) -> Op:
    return Op(name, fn, **kw)


# ---------------------------------------------------------------- norms
def _matrix_norm_kernel(a: Any, *, ord: Any, axes: tuple[int, int], keepdim: bool,
                        dtype: Any) -> Any:  # fmt: skip
    a = a.astype(dtype)
    x = jnp.moveaxis(a, axes, (-2, -1))
    if ord == "fro":
        s = jnp.sum(jnp.abs(x) ** 2, axis=(-2, -1))
        r = jnp.where(s == 0, 0, jnp.sqrt(jnp.where(s == 0, 1, s)))
    elif ord == "nuc":
        r = jnp.sum(jnp.linalg.svd(x, compute_uv=False), axis=-1)
    elif ord in (2.0, -2.0):
        sv = jnp.linalg.svd(x, compute_uv=False)
        r = jnp.max(sv, axis=-1) if ord > 0 else jnp.min(sv, axis=-1)
    elif ord in (1.0, -1.0):
        col = jnp.sum(jnp.abs(x), axis=-2)
        r = jnp.max(col, axis=-1) if ord > 0 else jnp.min(col, axis=-1)
    elif ord in (math.inf, -math.inf):
        row = jnp.sum(jnp.abs(x), axis=-1)
        r = jnp.max(row, axis=-1) if ord > 0 else jnp.min(row, axis=-1)
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if keepdim:
        for ax in sorted(axes):
            r = jnp.expand_dims(r, ax)
    return r


_matrix_norm = _op("linalg_matrix_norm", _matrix_norm_kernel)


def matrix_norm(A: Tensor, ord: Any = "fro", dim: tuple[int, int] = (-2, -1),
                keepdim: bool = False, *, dtype: Any = None,
                out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.linalg.matrix_norm``: ``'fro'``, ``'nuc'``, ±1, ±2, ±inf over ``dim``."""
    if dtype is None:
        _check(A, "linalg.matrix_norm", square=False)
    dt = _dtype.as_dtype(dtype) if dtype is not None else A.dtype
    axes = tuple(_wrap_dim(d, A.ndim) for d in dim)
    if len(axes) != 2 or axes[0] == axes[1]:
        raise RuntimeError(
            "linalg.matrix_norm: dim must be a 2-tuple of different ints"
        )
    ord = ord if isinstance(ord, str) else float(ord)
    result = _matrix_norm(A, ord=ord, axes=axes, keepdim=keepdim, dtype=dt.np_dtype)
    return _finish(result, out)


def vector_norm(x: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.linalg.vector_norm``: ``(sum |x|^ord)^(1/ord)`` over ``dim`` (all)."""
    from ._reduce import vector_norm_impl

    return _finish(vector_norm_impl(x, float(ord), dim, keepdim, dtype), out)


def norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         out: Tensor | None = None, dtype: Any = None) -> Tensor:  # fmt: skip
    """``torch.linalg.norm``: a vector norm over one dim (or a 1-D input), a matrix
    norm over two dims (or a 2-D input with a matrix ``ord``)."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, tuple(dim), keepdim,
                           dtype=dtype, out=out)  # fmt: skip
    if dim is None and ord is not None:
        if A.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
        if A.ndim != 1:
            raise RuntimeError(
                f"linalg.norm: If dim is not specified but ord is, the input must be "
                f"1D or 2D. Got {A.ndim}D."
            )
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord {ord!r} needs a 2-D dim")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


# ---------------------------------------------------------------- inverse / det / solve
_inv = _op("linalg_inv", lambda a: jnp.linalg.inv(a))
_det = _op("linalg_det", lambda a: jnp.linalg.det(a))
_slogdet = _op("linalg_slogdet", lambda a: tuple(jnp.linalg.slogdet(a)), n_out=2)


def inv(A: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.inv``: the inverse of square matrices."""
    _check(A, "linalg.inv")
    return _finish(_inv(A), out)


def det(A: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.det``: determinants of square matrices."""
    _check(A, "linalg.det")
    return _finish(_det(A), out)


def slogdet(A: Tensor) -> Any:
    """``torch.linalg.slogdet``: ``(sign, log|det|)``."""
    _check(A, "linalg.slogdet")
    sign, logabsdet = _slogdet(A)
    return return_types.linalg_slogdet(sign, logabsdet)


@register
def inverse(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.inverse``: :func:`inv`."""
    return inv(input, out=out)


register(det, method="det")


@register
def logdet(input: Tensor) -> Tensor:
    """``torch.logdet``: ``log(det)`` (nan for a negative determinant)."""
    _check(input, "linalg.slogdet")
    sign, logabsdet = _slogdet(input)
    return _logdet_combine(sign, logabsdet)


_logdet_combine = _op(
    "logdet", lambda s, v: jnp.where(s < 0, jnp.nan, jnp.where(s == 0, -jnp.inf, v))
)
register(slogdet, method="slogdet")


def _solve_kernel(a: Any, b: Any, *, vector: bool, left: bool) -> Any:
    if not left:  # X A = B  <=>  A^T X^T = B^T
        a, b = jnp.swapaxes(a, -1, -2), jnp.swapaxes(b, -1, -2)
    if vector:
        return jnp.linalg.solve(a, b[..., None])[..., 0]
    x = jnp.linalg.solve(a, jnp.broadcast_to(b, jnp.broadcast_shapes(
        a.shape[:-2], b.shape[:-2]) + b.shape[-2:]))  # fmt: skip
    return jnp.swapaxes(x, -1, -2) if not left else x


_solve = _op("linalg_solve", _solve_kernel)


def solve(
    A: Tensor, B: Tensor, *, left: bool = True, out: Tensor | None = None
) -> Tensor:
    """``torch.linalg.solve``: ``X`` with ``A X = B`` (``X A = B`` if not ``left``).

    ``B`` is a batch of vectors when it is 1-D or has ``A``'s shape minus one dim.
    """
    _check(A, "linalg.solve")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    n = A.shape[-1]
    rows = B.shape[-1] if vector else B.shape[-2 if left else -1]
    if rows != n:
        bshape = f"{B.shape[-1]}x1" if vector else f"{B.shape[-2]}x{B.shape[-1]}"
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {bshape})"
        )
    return _finish(_solve(A, B, vector=vector, left=left), out)


# ---------------------------------------------------------------- decompositions
def _cholesky_kernel(a: Any, *, upper: bool) -> Any:
    low = jnp.linalg.cholesky(a)
    return jnp.conj(jnp.swapaxes(low, -1, -2)) if upper else low


_cholesky = _op("linalg_cholesky", _cholesky_kernel)


def cholesky(A: Tensor, *, upper: bool = False, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.cholesky``: ``L`` with ``A = L L^H`` (``U`` if ``upper``)."""
    _check(A, "linalg.cholesky")
    return _finish(_cholesky(A, upper=upper), out)


def _qr_kernel(a: Any, *, mode: str) -> Any:
    if mode == "r":
        r = jnp.linalg.qr(a, mode="r")
        return jnp.zeros((0,), a.dtype), r
    q, r = jnp.linalg.qr(a, mode=mode)
    return q, r


_qr = _op("linalg_qr", _qr_kernel, n_out=2)


def qr(A: Tensor, mode: str = "reduced") -> Any:
    """``torch.linalg.qr``: ``(Q, R)``; ``mode`` is reduced, complete or r."""
    _check(A, "linalg.qr", square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
            "(default), 'r', or 'complete'"
        )
    q, r = _qr(A, mode=mode)
    return return_types.linalg_qr(q, r)


_svd = _op(
    "linalg_svd",
    lambda a, *, full: tuple(jnp.linalg.svd(a, full_matrices=full)),
    n_out=3,
)
_svdvals = _op("linalg_svdvals", lambda a: jnp.linalg.svd(a, compute_uv=False))


def svd(A: Tensor, full_matrices: bool = True) -> Any:
    """``torch.linalg.svd``: ``(U, S, Vh)`` with ``A = U diag(S) Vh``."""
    _check(A, "linalg.svd", square=False)
    u, s, vh = _svd(A, full=full_matrices)
    return return_types.linalg_svd(u, s, vh)


def svdvals(A: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.svdvals``: singular values, descending."""
    _check(A, "linalg.svdvals", square=False)
    return _finish(_svdvals(A), out)


_eigh = _op(
    "linalg_eigh", lambda a, *, uplo: tuple(jnp.linalg.eigh(a, UPLO=uplo)), n_out=2
)
_eigvalsh = _op("linalg_eigvalsh", lambda a, *, uplo: jnp.linalg.eigvalsh(a, UPLO=uplo))


def eigh(A: Tensor, UPLO: str = "L") -> Any:  # noqa: N803 - PyTorch's name
    """``torch.linalg.eigh``: ascending eigenvalues and eigenvectors of a Hermitian
    matrix, read from its ``UPLO`` triangle."""
    _check(A, "linalg.eigh")
    w, v = _eigh(A, uplo=UPLO)
    return return_types.linalg_eigh(w, v)


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """``torch.linalg.eigvalsh``: the eigenvalues of :func:`eigh`."""
    _check(A, "linalg.eigvalsh")
    return _eigvalsh(A, uplo=UPLO)


def _tolerance(s: Any, m: int, n: int, atol: Any, rtol: Any) -> Any:
    smax = jnp.max(s, axis=-1, keepdims=True, initial=0)
    if rtol is None:
        rtol = jnp.finfo(s.dtype).eps * builtins_max(m, n) if atol is None else 0.0
    atol = 0.0 if atol is None else atol
    return jnp.maximum(atol, rtol * smax)


def builtins_max(a: int, b: int) -> int:
    return a if a >= b else b


def _pinv_kernel(a: Any, *, atol: Any, rtol: Any, hermitian: bool) -> Any:
    m, n = a.shape[-2:]
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    tol = _tolerance(s, m, n, atol, rtol)
    keep = s > tol
    s_inv = jnp.where(keep, 1 / jnp.where(keep, s, 1), 0)
    # pinv = V diag(1/s) U^H over the kept singular values.
    return jnp.einsum("...in,...i,...mi->...nm", jnp.conj(vh), s_inv, jnp.conj(u))


_pinv = _op("linalg_pinv", _pinv_kernel)


def pinv(A: Tensor, *, atol: float | None = None, rtol: float | None = None,
         hermitian: bool = False, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.linalg.pinv``: the Moore-Penrose pseudo-inverse (singular values below
    ``max(atol, rtol * s_max)`` are dropped)."""
    _check(A, "linalg.pinv", square=False)
    return _finish(_pinv(A, atol=atol, rtol=rtol, hermitian=hermitian), out)


@register(method="pinverse")
def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """``torch.pinverse``: :func:`pinv` with a relative cutoff ``rcond``."""
    return pinv(input, rtol=rcond)


def _rank_kernel(a: Any, *, atol: Any, rtol: Any, hermitian: bool) -> Any:
    m, n = a.shape[-2:]
    s = jnp.linalg.svd(a, compute_uv=False)
    return jnp.sum(s > _tolerance(s, m, n, atol, rtol), axis=-1).astype(jnp.int64)


_matrix_rank = _op("linalg_matrix_rank", _rank_kernel)


def matrix_rank(A: Tensor, *, atol: float | None = None, rtol: float | None = None,
                hermitian: bool = False) -> Tensor:  # fmt: skip
    """``torch.linalg.matrix_rank``: the number of singular values above tolerance."""
    _check(A, "linalg.matrix_rank", square=False)
    return _matrix_rank(A, atol=atol, rtol=rtol, hermitian=hermitian)


def _lstsq_kernel(a: Any, b: Any, *, rcond: Any, with_sv: bool, vector: bool) -> Any:
    m, n = a.shape[-2:]
    if vector:
        b = b[..., None]
    x = jnp.linalg.pinv(a, rtol=rcond) @ b
    s = jnp.linalg.svd(a, compute_uv=False)
    rank = jnp.sum(s > _tolerance(s, m, n, None, rcond), axis=-1).astype(jnp.int64)
    if with_sv and m > n:
        residual = jnp.sum(jnp.abs(a @ x - b) ** 2, axis=-2)
    else:
        residual = jnp.zeros((0,), a.dtype)
    if vector:
        x = x[..., 0]
        residual = residual[..., 0] if residual.ndim > 1 else residual
    return x, residual, rank, s if with_sv else jnp.zeros((0,), a.dtype)


_lstsq = _op("linalg_lstsq", _lstsq_kernel, n_out=4)


def lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *,
          driver: str | None = None) -> Any:  # fmt: skip
    """``torch.linalg.lstsq``: least-squares ``X`` minimising ``||A X - B||``.

    Computed with the pseudo-inverse. As with PyTorch's default CPU driver ``gelsy``,
    residuals and singular values are empty unless ``driver`` is gelsd/gelss.
    """
    _check(A, "linalg.lstsq", square=False)
    vector = B.ndim == A.ndim - 1
    with_sv = driver in ("gelsd", "gelss")
    x, res, rank, sv = _lstsq(A, B, rcond=rcond, with_sv=with_sv, vector=vector)
    return return_types.linalg_lstsq(x, res, rank, sv)


def cross(input: Tensor, other: Tensor, *, dim: int = -1,
          out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.linalg.cross``: 3-vector cross product along ``dim`` (default -1)."""
    from ._linalg import cross_impl

    return _finish(cross_impl(input, other, dim, "linalg.cross"), out)


def multi_dot(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.multi_dot``: a chain of matmuls (first/last may be 1-D)."""
    from ._linalg import matmul

    if len(tensors) < 2:
        raise RuntimeError(
            f"multi_dot(): expected at least 2 tensors but got {len(tensors)}"
        )
    result = tensors[0]
    for t in tensors[1:]:
        result = matmul(result, t)
    return _finish(result, out)


__all__ = [
    "norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve",
    "cholesky", "qr", "svd", "svdvals", "eigh", "eigvalsh", "pinv", "matrix_rank",
    "lstsq", "cross", "multi_dot",
]  # fmt: skip


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out: Tensor | None = None) -> Tensor:
    """``torch.linalg.vecdot``: ``sum(conj(x) * y, dim)`` with broadcasting."""
    return _finish(_vecdot(x, y, axis=dim), out)


_vecdot = _op(
    "linalg_vecdot", lambda x, y, *, axis: jnp.sum(jnp.conj(x) * y, axis=axis)
)
__all__.append("vecdot")
