"""Products: matmul/``@``, mm, bmm, mv, dot, outer, einsum, tensordot, addmm & co.

Shape and dtype checks run before the kernel so errors read exactly like PyTorch's
(``mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)``). Operands must share a
dtype, as in PyTorch (no promotion for products). Decompositions (``inv``, ``svd``...)
live in ``_linalg_decomp.py``; their top-level aliases are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor, _wrap_dim
from ._dispatch import Op, dispatch
from ._linalg_decomp import det as det  # top-level aliases of linalg ops
from ._linalg_decomp import inverse as inverse
from ._linalg_decomp import logdet as logdet
from ._linalg_decomp import pinverse as pinverse
from ._linalg_decomp import slogdet as slogdet
from ._pointwise import _finish, broadcast_error
from ._registry import exported, register

MM_SHAPES = "{a} and {b} shapes cannot be multiplied ({r1}x{c1} and {r2}x{c2})"
BMM_SHAPES = (
    "Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but got: "
    "[{b2}, {k2}]."
)
DOT_SIZES = (
    "inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
    "number of elements, but got {n} and {m} elements respectively"
)
MV_SIZES = "size mismatch, got input ({r}), mat ({r}x{c}), vec ({n})"
MATMUL_0D = (
    "both arguments to matmul need to be at least 1D, but they are {a}D and {b}D"
)
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
            "bool": "bool", "uint8": "unsigned char"}  # fmt: skip


def _same_dtype(a: Tensor, b: Tensor, what: str = "m1 and m2") -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected {what} to have the same dtype, but got: "
            f"{_C_NAMES.get(a.dtype.name, a.dtype.name)} != "
            f"{_C_NAMES.get(b.dtype.name, b.dtype.name)}"
        )
    if a.dtype is _dtype.bool_:
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")


def _check_mm(a: tuple, b: tuple, names: str = "mat1 and mat2") -> None:
    if a[-1] != b[0]:
        first, second = names.split(" and ")
        raise RuntimeError(
            MM_SHAPES.format(a=first, b=second, r1=a[0], c1=a[1], r2=b[0], c2=b[1])
        )


def matmul_shape_check(a: tuple, b: tuple) -> None:
    """PyTorch's ``matmul`` errors for shapes ``a @ b`` (before any kernel runs)."""
    if len(a) == 0 or len(b) == 0:
        raise RuntimeError(MATMUL_0D.format(a=len(a), b=len(b)))
    if len(a) == 1 and len(b) == 1:
        if a[0] != b[0]:
            raise RuntimeError(DOT_SIZES.format(n=a[0], m=b[0]))
    elif len(a) == 2 and len(b) == 1:
        if a[1] != b[0]:
            raise RuntimeError(MV_SIZES.format(r=a[0], c=a[1], n=b[0]))
    elif len(a) == 1 and len(b) == 2:
        _check_mm((1, a[0]), b)
    elif len(b) == 1:
        if a[-1] != b[0]:  # PyTorch folds the batch of ``a`` into rows
            raise RuntimeError(MV_SIZES.format(r=math.prod(a[:-1]), c=a[-1], n=b[0]))
    elif len(b) == 2:
        if a[-1] != b[0]:
            _check_mm((math.prod(a[:-1]), a[-1]), b)
    else:
        if a[-1] != b[-2]:
            batch = jnp.broadcast_shapes(a[:-2], b[:-2]) if len(a) > 1 else b[:-2]
            nb = math.prod(batch)
            raise RuntimeError(BMM_SHAPES.format(b=nb, k=a[-1], b2=nb, k2=b[-2]))
        try:
            jnp.broadcast_shapes(a[:-2], b[:-2])
        except ValueError:
            raise broadcast_error(_Shape(a[:-2]), _Shape(b[:-2])) from None


class _Shape:
    def __init__(self, shape: tuple) -> None:
        self.shape = shape


def _mm_kernel(a: Any, b: Any) -> Any:
    return jnp.matmul(a, b)


_matmul = Op("matmul", _mm_kernel)
_mm = Op("mm", _mm_kernel)
_bmm = Op("bmm", _mm_kernel)
_mv = Op("mv", _mm_kernel)
_dot = Op("dot", lambda a, b: jnp.dot(a, b))
_vdot = Op("vdot", lambda a, b: jnp.vdot(a, b))
_outer = Op("outer", lambda a, b: jnp.outer(a, b))
_inner = Op("inner", lambda a, b: jnp.inner(a, b))
_kron = Op("kron", lambda a, b: jnp.kron(a, b))


@register(operators=("__matmul__",), reflected=("__rmatmul__",))
def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.matmul`` / ``@``: dot, mv, mm or broadcast batched matmul by rank."""
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        # Fast path, read off the arrays: ``(..., n, k) @ (k, m)`` of one non-bool
        # dtype cannot fail the checks below, which build PyTorch's errors.
        a, b = input._data, other._data
        sa, sb = a.shape, b.shape
        if len(sb) == 2 and len(sa) >= 2 and sa[-1] == sb[0]:
            dt = a.dtype
            if dt == b.dtype and dt.kind != "b":
                result = dispatch(_matmul, (input, other), {})
                return result if out is None else _finish(result, out)
    matmul_shape_check(tuple(input.shape), tuple(other.shape))
    _same_dtype(input, other)
    return _finish(_matmul(input, other), out)


@register
def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.mm``: ``(n, m) @ (m, p)``."""
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_mm(tuple(input.shape), tuple(mat2.shape))
    _same_dtype(input, mat2)
    return _finish(_mm(input, mat2), out)


def _check_bmm(
    a: Tensor, b: Tensor, names: tuple[str, str] = ("batch1", "batch2")
) -> None:
    for t, name in zip((a, b), names):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(
            BMM_SHAPES.format(b=a.shape[0], k=a.shape[2], b2=b.shape[0], k2=b.shape[1])
        )
    _same_dtype(a, b)


@register
def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.bmm``: batched ``(b, n, m) @ (b, m, p)``, no broadcasting."""
    _check_bmm(input, mat2)
    return _finish(_bmm(input, mat2), out)


@register
def mv(input: Tensor, vec: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.mv``: matrix ``(n, m)`` times vector ``(m,)``."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}"
        )
    matmul_shape_check(tuple(input.shape), tuple(vec.shape))
    _same_dtype(input, vec)
    return _finish(_mv(input, vec), out)


def _check_vectors(a: Tensor, b: Tensor, name: str) -> None:
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors"
        )
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(DOT_SIZES.format(n=a.shape[0], m=b.shape[0]))
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"{name} : expected both vectors to have same dtype, but found "
            f"{_word(a.dtype)} and {_word(b.dtype)}"
        )


def _word(d: _dtype.dtype) -> str:
    from ._views import _type_word

    return _type_word(d)


@register
def dot(input: Tensor, tensor: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.dot``: inner product of two 1-D tensors of one dtype."""
    _check_vectors(input, tensor, "dot")
    return _finish(_dot(input, tensor), out)


@register
def vdot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.vdot``: ``dot(conj(input), other)``."""
    _check_vectors(input, other, "vdot")
    return _finish(_vdot(input, other), out)


@register
def outer(input: Tensor, vec2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.outer``: ``input[:, None] * vec2[None, :]`` (promoting dtypes)."""
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(
            f"outer: Expected 1-D argument self, but got {input.ndim}-D"
            if input.ndim != 1
            else f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D"
        )
    return _finish(_outer(input, vec2), out)


ger = register(outer, method="ger")


@register
def inner(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.inner``: sum over the last dims (scalars multiply)."""
    if input.ndim and other.ndim and input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got "
            f"shapes {list(input.shape)} and {list(other.shape)}"
        )
    return _finish(_inner(input, other), out)


@register
def kron(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.kron``: the Kronecker product."""
    return _finish(_kron(input, other), out)


# ---------------------------------------------------------------- einsum / tensordot
def _einsum_kernel(*operands: Any, equation: str) -> Any:
    return jnp.einsum(equation, *operands)


_einsum = Op("einsum", _einsum_kernel)


@register(method=False)
def einsum(equation: str, *operands: Any) -> Tensor:
    """``torch.einsum``: operands as varargs or one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    dtypes = {t.dtype for t in operands}
    if len(dtypes) > 1:
        first = operands[0].dtype
        other = next(t.dtype for t in operands if t.dtype is not first)
        raise RuntimeError(
            f"expected scalar type {_word(first)} but found {_word(other)}"
        )
    _check_einsum(equation, operands)
    return _einsum(*operands, equation=equation.replace(" ", ""))


def _check_einsum(equation: str, operands: Sequence[Tensor]) -> None:
    lhs = equation.replace(" ", "").split("->")[0].split(",")
    if len(lhs) != len(operands):
        raise RuntimeError(
            "einsum(): more operands were provided than specified in the equation"
            if len(operands) > len(lhs)
            else "einsum(): fewer operands were provided than specified in the equation"
        )
    seen: dict[str, int] = {}
    for i, (spec, t) in enumerate(zip(lhs, operands)):
        if "." in spec:
            continue
        for letter, size in zip(spec, t.shape):
            prev = seen.setdefault(letter, size)
            if prev != size and 1 not in (prev, size):
                raise RuntimeError(
                    f"einsum(): subscript {letter} has size {size} for operand {i} "
                    f"which does not broadcast with previously seen size {prev}"
                )


_tensordot = Op("tensordot", lambda a, b, *, axes: jnp.tensordot(a, b, axes=axes))


@register(method=False)
def tensordot(a: Tensor, b: Tensor, dims: int | Sequence[Any] = 2, *,
              out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.tensordot``: contract the last ``dims`` of ``a`` with the first of ``b``,
    or the listed dims ``([a_dims], [b_dims])``."""
    if isinstance(dims, int):
        axes: Any = dims
    else:
        da, db = dims
        da = (da,) if isinstance(da, int) else da
        db = (db,) if isinstance(db, int) else db
        axes = (tuple(_wrap_dim(d, a.ndim) for d in da),
                tuple(_wrap_dim(d, b.ndim) for d in db))  # fmt: skip
    _same_dtype(a, b)
    return _finish(_tensordot(a, b, axes=axes), out)


# ---------------------------------------------------------------- add-products
def _addmm_kernel(c: Any, a: Any, b: Any, beta: Any, alpha: Any) -> Any:
    prod = jnp.matmul(a, b)
    alpha = jnp.asarray(alpha, prod.dtype)
    # beta == 0 ignores ``input`` entirely (NaN and inf in it do not propagate).
    scaled = jnp.where(
        beta == 0, jnp.zeros_like(prod), jnp.asarray(beta, prod.dtype) * c
    )
    return scaled + alpha * prod


_addmm = Op("addmm", _addmm_kernel)
_addmv = Op("addmv", _addmm_kernel)
_baddbmm = Op("baddbmm", _addmm_kernel)
_addbmm = Op(
    "addbmm",
    lambda c, a, b, beta, alpha: _addmm_kernel(
        c, a.transpose(1, 0, 2).reshape(a.shape[1], -1),
        b.reshape(-1, b.shape[-1]), beta, alpha),
)  # fmt: skip


def _add_product(op: Op, input: Tensor, a: Tensor, b: Tensor, beta: Any, alpha: Any,
                 result_shape: tuple, out: Tensor | None) -> Tensor:  # fmt: skip
    try:
        shape = jnp.broadcast_shapes(tuple(input.shape), result_shape)
    except ValueError:
        shape = None
    if shape != result_shape:
        raise RuntimeError(
            f"The expanded size of the tensor ({result_shape[-1]}) must match the "
            f"existing size ({input.shape[-1]}) at non-singleton dimension "
            f"{input.ndim - 1}.  Target sizes: {list(result_shape)}.  Tensor sizes: "
            f"{list(input.shape)}"
        )
    _same_dtype(input, a, "self and mat2")
    return _finish(op(input, a, b, beta, alpha), out)


@register(inplace=True)
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1,
          out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.addmm``: ``beta * input + alpha * (mat1 @ mat2)``."""
    if mat1.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {mat1.ndim}-D tensor")
    _check_mm(tuple(mat1.shape), tuple(mat2.shape))
    _same_dtype(mat1, mat2)
    shape = (mat1.shape[0], mat2.shape[1])
    return _add_product(_addmm, input, mat1, mat2, beta, alpha, shape, out)


@register(inplace=True)
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1,
          out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.addmv``: ``beta * input + alpha * (mat @ vec)``."""
    matmul_shape_check(tuple(mat.shape), tuple(vec.shape))
    _same_dtype(mat, vec)
    return _add_product(_addmv, input, mat, vec, beta, alpha, (mat.shape[0],), out)


@register(inplace=True)
def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.baddbmm``: ``beta * input + alpha * (batch1 @ batch2)``."""
    _check_bmm(batch1, batch2)
    shape = (batch1.shape[0], batch1.shape[1], batch2.shape[2])
    return _add_product(_baddbmm, input, batch1, batch2, beta, alpha, shape, out)


@register(inplace=True)
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
           alpha: Any = 1, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.addbmm``: ``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``."""
    _check_bmm(batch1, batch2)
    shape = (batch1.shape[1], batch2.shape[2])
    return _add_product(_addbmm, input, batch1, batch2, beta, alpha, shape, out)


# ---------------------------------------------------------------- misc
def _cross_kernel(a: Any, b: Any, *, axis: int) -> Any:
    a, b = jnp.broadcast_arrays(a, b)
    return jnp.cross(a, b, axis=axis)


_cross = Op("cross", _cross_kernel)


def cross_impl(input: Tensor, other: Tensor, dim: int, name: str) -> Tensor:
    """Shared by ``torch.cross`` and ``torch.linalg.cross``."""
    if input.ndim != other.ndim:
        raise RuntimeError(f"{name}: inputs must have the same number of dimensions.")
    try:
        shape = jnp.broadcast_shapes(tuple(input.shape), tuple(other.shape))
    except ValueError:
        raise broadcast_error(input, other) from None
    axis = _wrap_dim(dim, len(shape))
    if shape[axis] != 3:
        raise RuntimeError(f"{name}: dimension {dim} does not have size 3")
    return _cross(input, other, axis=axis)


@register
def cross(input: Tensor, other: Tensor, dim: int | None = None, *,
          out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.cross``: 3-vector cross product along ``dim`` (default: the first dim
    of size 3, PyTorch's legacy choice)."""
    if dim is None:
        dim = next((i for i, s in enumerate(input.shape) if s == 3), -1)
    return _finish(cross_impl(input, other, dim, "linalg.cross"), out)


_trace = Op("trace", lambda a: jnp.trace(a), saves_inputs=False)


@register
def trace(input: Tensor) -> Tensor:
    """``torch.trace``: sum of the main diagonal of a matrix (ints sum in int64)."""
    if input.ndim != 2:
        raise RuntimeError(
            f"trace: expected a matrix, but got tensor with dim {input.ndim}"
        )
    result = _trace(input)
    if _dtype.category(input.dtype) < 2 and result.dtype is not _dtype.int64:
        from ._reduce import cast

        result = cast(result, _dtype.int64)
    return result


def _diag_kernel(a: Any, *, k: int) -> Any:
    return jnp.diag(a, k=k)


_diag = Op("diag", _diag_kernel, saves_inputs=False)


@register
def diag(input: Tensor, diagonal: int = 0, *, out: Tensor | None = None) -> Tensor:
    """``torch.diag``: vector → diagonal matrix, matrix → its ``diagonal``-th diagonal."""
    if input.ndim not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    return _finish(_diag(input, k=int(diagonal)), out)


def _cdist_kernel(x1: Any, x2: Any, *, p: float) -> Any:
    diff = x1[..., :, None, :] - x2[..., None, :, :]
    if p == 2.0:
        sq = jnp.sum(diff * diff, axis=-1)
        safe = jnp.where(sq == 0, 1, sq)  # PyTorch's gradient at zero distance is 0
        return jnp.where(sq == 0, 0, jnp.sqrt(safe))
    d = jnp.abs(diff)
    if p == float("inf"):
        return jnp.max(d, axis=-1)
    if p == 0.0:
        return jnp.sum(d != 0, axis=-1).astype(x1.dtype)
    if p == 1.0:
        return jnp.sum(d, axis=-1)
    s = jnp.sum(d**p, axis=-1)
    safe = jnp.where(s == 0, 1, s)
    return jnp.where(s == 0, 0, safe ** (1.0 / p))


_cdist = Op("cdist", _cdist_kernel)


@register(method=False)
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:  # fmt: skip
    """``torch.cdist``: p-norm distances between row vectors, batched."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(
            f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D"
            if x1.ndim < 2
            else f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D"
        )
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} "
            f"X2: {x2.shape[-1]}"
        )
    if _dtype.category(x1.dtype) != 2:
        raise RuntimeError(
            f"cdist only supports floating-point dtypes, X1 got: {_word(x1.dtype)}"
        )
    return _cdist(x1, x2, p=float(p))


__all__ = exported(globals())
