"""The pre-``torch.linalg`` matrix functions still in the ``torch`` namespace:
``svd`` (returns ``V``, not ``Vh``), ``qr(some=)``, ``cholesky``, ``cholesky_solve``,
``cholesky_inverse``, ``triangular_solve``, ``lu``/``lu_solve``/``lu_unpack``,
``chain_matmul``, ``frobenius_norm``, ``nuclear_norm``; and the functions PyTorch
removed (``torch.solve``, ``torch.eig``...), which raise PyTorch's message naming the
``torch.linalg`` replacement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from .._tensor import Tensor
from . import _linalg_decomp as _decomp
from . import _return_types as return_types
from ._dispatch import Op
from ._registry import exported, method, register


def _jsl() -> Any:
    import jax.scipy.linalg as jsl  # imported on first use: keeps package import lean

    return jsl


def _mT(a: Any) -> Any:  # noqa: N802
    return jnp.conj(jnp.swapaxes(a, -1, -2))


@register
def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> Any:
    """``torch.svd``: ``(U, S, V)`` with ``input = U diag(S) V^H`` (V, not Vh);
    ``compute_uv=False`` gives zero-filled ``U``, ``V`` as PyTorch."""
    u, s, vh = _decomp.svd(input, full_matrices=not some)
    if not compute_uv:
        m, n = input.shape[-2], input.shape[-1]
        batch = tuple(input.shape[:-2])
        zeros_u = Tensor(jnp.zeros(batch + (m, m), input._data.dtype))
        zeros_v = Tensor(jnp.zeros(batch + (n, n), input._data.dtype))
        return return_types.svd(zeros_u, s.detach(), zeros_v)
    return return_types.svd(u, s, vh.mH)


@register
def qr(input: Tensor, some: bool = True) -> Any:
    """``torch.qr``: ``(Q, R)``; ``some=False`` is the complete factorization."""
    q, r = _decomp.qr(input, "reduced" if some else "complete")
    return return_types.qr(q, r)


@register
def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """``torch.cholesky``: ``L`` with ``input = L L^H`` (``U`` if ``upper``)."""
    return _decomp.cholesky(input, upper=upper)


def _cho_solve_kernel(b: Any, c: Any, *, upper: bool) -> Any:
    low = _mT(c) if upper else c
    y = _jsl().solve_triangular(low, b, lower=True)
    return _jsl().solve_triangular(_mT(low), y, lower=False)


_cho_solve = Op("cholesky_solve", _cho_solve_kernel)


@register
def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """``torch.cholesky_solve(B, L)``: ``X`` with ``A X = B`` where ``A = L L^H``."""
    return _cho_solve(input, input2, upper=upper)


_cho_inverse = Op(
    "cholesky_inverse",
    lambda c, *, upper: _cho_solve_kernel(
        jnp.broadcast_to(jnp.eye(c.shape[-1], dtype=c.dtype), c.shape), c, upper=upper
    ),
)


@register
def cholesky_inverse(input: Tensor, upper: bool = False) -> Tensor:
    """``torch.cholesky_inverse(L)``: ``(L L^H)^-1`` from the Cholesky factor."""
    return _cho_inverse(input, upper=upper)


def _tri_kernel(b: Any, a: Any, *, upper: bool, transpose: bool, unit: bool) -> Any:
    a = jnp.triu(a) if upper else jnp.tril(a)
    if transpose:
        a, upper = jnp.swapaxes(a, -1, -2), not upper
    return _jsl().solve_triangular(a, b, lower=not upper, unit_diagonal=unit)


_tri = Op("triangular_solve", _tri_kernel)


@register
def triangular_solve(input: Tensor, A: Tensor, upper: bool = True,  # noqa: N803
                     transpose: bool = False, unitriangular: bool = False) -> Any:  # fmt: skip
    """``torch.triangular_solve(b, A)``: ``(solution, cloned_coefficient)`` of
    ``A X = b`` for triangular ``A`` (``A^T X = b`` with ``transpose``)."""
    if A.shape[-2:] != (input.shape[-2],) * 2:
        raise RuntimeError(
            "triangular_solve: Incompatible matrix sizes for A and b: A is "
            f"{A.shape[-2]} by {A.shape[-1]} and b is {input.shape[-2]} by "
            f"{input.shape[-1]}"
        )
    x = _tri(input, A, upper=upper, transpose=transpose, unit=unitriangular)
    return return_types.triangular_solve(x, A.clone())


def _lu_kernel(a: Any) -> Any:
    lu, piv = _jsl().lu_factor(a)
    return lu, (piv + 1).astype(jnp.int32)  # PyTorch's pivots are 1-based int32


_lu = Op("lu", _lu_kernel, n_out=2)


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False) -> Any:
    """``torch.lu``: ``(LU, pivots[, infos])``, LAPACK's packed factorization with
    1-based int32 pivots."""
    if not pivot:
        raise RuntimeError("lu without pivoting is not implemented on the CPU")
    lu_, piv = _lu(A)
    if get_infos:
        infos = Tensor(jnp.zeros(tuple(A.shape[:-2]), jnp.int32))
        return lu_, piv, infos
    return lu_, piv


register(lu, method=False)
method("lu", lambda self, pivot=True, get_infos=False: lu(self, pivot, get_infos))


def _perm_of(piv: Any, m: int) -> Any:
    """The row permutation LAPACK's sequential swaps ``piv`` (0-based) apply."""

    def one(p: Any) -> Any:
        perm = jnp.arange(m)
        for i in range(p.shape[-1]):
            j = p[i]
            pi, pj = perm[i], perm[j]
            perm = perm.at[i].set(pj).at[j].set(pi)
        return perm

    flat = piv.reshape((-1, piv.shape[-1]))
    return jnp.stack([one(p) for p in flat]).reshape(piv.shape[:-1] + (m,))


def _lu_unpack_kernel(lu_: Any, piv: Any) -> Any:
    m, n = lu_.shape[-2], lu_.shape[-1]
    k = min(m, n)
    low = jnp.tril(lu_[..., :, :k], -1) + jnp.eye(m, k, dtype=lu_.dtype)
    up = jnp.triu(lu_[..., :k, :])
    perm = _perm_of(piv.astype(jnp.int32) - 1, m)
    # P with A = P L U: row i of (L U) lands at row perm[i].
    p = jnp.swapaxes(jnp.eye(m, dtype=lu_.dtype)[perm], -1, -2)
    return p, low, up


_lu_unpack = Op("lu_unpack", _lu_unpack_kernel, n_out=3)


@register(method=False)
def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,  # noqa: N803
              unpack_pivots: bool = True) -> Any:  # fmt: skip
    """``torch.lu_unpack``: ``(P, L, U)`` with ``A = P L U`` from ``lu``'s output."""
    p, low, up = _lu_unpack(LU_data, LU_pivots)
    return return_types.lu_unpack(p, low, up)


def _lu_solve_kernel(b: Any, lu_: Any, piv: Any) -> Any:
    p, low, up = _lu_unpack_kernel(lu_, piv)
    pb = jnp.swapaxes(p, -1, -2) @ b
    y = _jsl().solve_triangular(low, pb, lower=True, unit_diagonal=True)
    return _jsl().solve_triangular(up, y, lower=False)


_lu_solve = Op("lu_solve", _lu_solve_kernel)


@register
def lu_solve(input: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:  # noqa: N803
    """``torch.lu_solve(b, LU_data, LU_pivots)``: ``X`` with ``A X = b`` from ``lu``."""
    return _lu_solve(input, LU_data, LU_pivots)


@register(method=False)
def chain_matmul(*matrices: Tensor, out: Tensor | None = None) -> Tensor:
    """``torch.chain_matmul`` (deprecated in PyTorch): the product of 2-D matrices."""
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if len(matrices) == 1:
        return matrices[0].clone()
    return _decomp.multi_dot(list(matrices), out=out)


@register(method=False)
def frobenius_norm(input: Tensor, dim: Sequence[int], keepdim: bool = False) -> Tensor:
    """``torch.frobenius_norm``: the 2-norm over ``dim``."""
    return _decomp.vector_norm(input, 2, tuple(dim), keepdim)


@register(method=False)
def nuclear_norm(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``torch.nuclear_norm``: the sum of singular values (over ``dim``, or the last
    two dims)."""
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim) overload
        dim, keepdim = None, dim
    axes = (-2, -1) if dim is None else tuple(dim)
    return _decomp.matrix_norm(input, "nuc", axes, keepdim)


_REMOVED = {
    "lstsq": "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`",
    "solve": "`torch.solve` is deprecated in favor of `torch.linalg.solve`",
    "symeig": "The default behavior has changed from using the upper triangular "
    "portion of the matrix by default to using the lower triangular portion. Use "
    "`torch.linalg.eigh` instead",
    "eig": "`torch.linalg.eig` returns complex tensors of dtype cfloat or cdouble "
    "rather than real tensors mimicking complex tensors. Use `torch.linalg.eig`",
    "matrix_rank": "Please use the `torch.linalg.matrix_rank` function instead",
}


def _removed(name: str) -> Any:
    def f(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "This function was deprecated since version 1.9 and is now removed. "
            + _REMOVED[name]
        )

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``torch.{name}``: removed in PyTorch 1.9; raises its message."
    return f


for _name in _REMOVED:
    globals()[_name] = register(_removed(_name), method=_name != "matrix_rank")

__all__ = exported(globals())
