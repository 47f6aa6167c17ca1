"""PyTorch dtypes over JAX dtypes, and PyTorch's type-promotion rules (in one module).

Mirrors ``torch.dtype``, ``torch.result_type``, ``torch.promote_types``,
``torch.get_default_dtype``/``set_default_dtype``.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import ml_dtypes
import numpy as np

__all__ = ["dtype", "promote_types", "get_default_dtype", "set_default_dtype"]


class dtype:  # noqa: N801 - PyTorch's name
    """A tensor element type, like ``torch.dtype``."""

    __slots__ = (
        "name",
        "np_dtype",
        "is_floating_point",
        "is_complex",
        "is_signed",
        "_rank",
    )

    def __init__(self, name: str, np_dtype: Any, rank: int) -> None:
        self.name = name
        self.np_dtype = np.dtype(np_dtype)
        kind = self.np_dtype.kind
        self.is_floating_point = name in _FLOAT_NAMES
        self.is_complex = kind == "c"
        self.is_signed = kind in "ifc" or name == "bfloat16"
        self._rank = rank

    @property
    def itemsize(self) -> int:
        return self.np_dtype.itemsize

    def to_complex(self) -> dtype:
        return complex128 if self is float64 else complex64

    def to_real(self) -> dtype:
        return float64 if self is complex128 else float32 if self.is_complex else self

    def __repr__(self) -> str:
        return f"functorch_lite.{self.name}"

    def __reduce__(self) -> str:
        return self.name


_FLOAT_NAMES = {"float16", "bfloat16", "float32", "float64"}

bool_ = dtype("bool", np.bool_, 0)
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 2)
int32 = dtype("int32", np.int32, 3)
int64 = dtype("int64", np.int64, 4)
float16 = dtype("float16", np.float16, 10)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, 10)
float32 = dtype("float32", np.float32, 11)
float64 = dtype("float64", np.float64, 12)
complex64 = dtype("complex64", np.complex64, 20)
complex128 = dtype("complex128", np.complex128, 21)

ALL_DTYPES = (
    bool_, uint8, int8, int16, int32, int64,
    float16, bfloat16, float32, float64, complex64, complex128,
)  # fmt: skip
ALIASES = {
    "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "short": int16,
    "int32": int32, "int": int32, "int64": int64, "long": int64,
    "float16": float16, "half": float16, "bfloat16": bfloat16,
    "float32": float32, "float": float32, "float64": float64, "double": float64,
    "complex64": complex64, "cfloat": complex64, "complex128": complex128,
    "cdouble": complex128,
}  # fmt: skip
_BY_NP = {d.np_dtype: d for d in ALL_DTYPES}

_default_float = float32


def from_jax_dtype(np_dtype: Any) -> dtype:
    """The functorch_lite dtype of a numpy/JAX dtype."""
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"unsupported dtype {np_dtype!r}") from None


def to_jax_dtype(d: Any) -> np.dtype:
    """The numpy/JAX dtype for a functorch_lite dtype (or anything numpy understands)."""
    if isinstance(d, dtype):
        return d.np_dtype
    return as_dtype(d).np_dtype


def as_dtype(d: Any) -> dtype:
    """Accept a functorch_lite dtype, a numpy/JAX dtype, a Python type or a name."""
    if isinstance(d, dtype):
        return d
    if d is float:
        return _default_float
    if d is int:
        return int64
    if d is bool:
        return bool_
    if d is complex:
        return _default_float.to_complex()
    if isinstance(d, str):
        d = d.removeprefix("torch.").removeprefix("functorch_lite.")
        if d in ALIASES:
            return ALIASES[d]
    if hasattr(d, "dtype") and not isinstance(d, type):
        d = d.dtype
    return from_jax_dtype(d)


def get_default_dtype() -> dtype:
    """``torch.get_default_dtype``: the dtype of Python float literals (float32)."""
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """``torch.set_default_dtype``: only float32 and float64 are allowed, as in PyTorch."""
    global _default_float
    d = as_dtype(d)
    if d not in (float32, float64, float16, bfloat16):
        raise TypeError(
            f"only floating-point types are supported as the default type, got {d}"
        )
    _default_float = d


def category(d: dtype) -> int:
    """0 bool, 1 integer, 2 floating, 3 complex: PyTorch's promotion categories."""
    return 0 if d is bool_ else 3 if d.is_complex else 2 if d.is_floating_point else 1


def promote_types(a: dtype, b: dtype) -> dtype:
    """``torch.promote_types``: the smallest dtype both can be cast to."""
    if a is b:
        return a
    if {a, b} == {float16, bfloat16}:
        return float32
    if {a, b} == {uint8, int8}:
        return int16
    if a.is_complex or b.is_complex:
        real = promote_types(a.to_real(), b.to_real())
        return complex128 if real is float64 else complex64
    return a if a._rank >= b._rank else b


def scalar_dtype(value: Any) -> dtype:
    """The dtype PyTorch gives a Python scalar: bool, int64, the default float, complex."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    if isinstance(value, float):
        return _default_float
    if isinstance(value, complex):
        return _default_float.to_complex()
    raise TypeError(f"expected a number, got {type(value).__name__}")


def result_type_of(dims: list[tuple[dtype, int]], scalars: list[Any]) -> dtype:
    """PyTorch's promotion of tensors with dims, 0-d tensors and Python scalars.

    ``dims`` holds (dtype, ndim) of tensor operands. Dimensioned tensors win within a
    category; a 0-d tensor or a Python scalar only matters when its category is higher
    (``int_tensor * 2.5`` is float32, ``float16_tensor * float64_0d`` stays float16).
    """
    dim_t = zero_t = None
    for d, nd in dims:
        if nd > 0:
            dim_t = d if dim_t is None else promote_types(dim_t, d)
        else:
            zero_t = d if zero_t is None else promote_types(zero_t, d)
    scal_t = None
    for s in scalars:
        sd = scalar_dtype(s)
        scal_t = sd if scal_t is None else promote_types(scal_t, sd)
    result = dim_t
    for cand in (zero_t, scal_t):
        if cand is None:
            continue
        if result is None:
            result = cand
        elif category(cand) > category(result):
            if cand.is_complex and not result.is_complex and result.is_floating_point:
                result = result.to_complex()
            elif cand is scal_t and category(cand) == 2:
                result = _default_float
            elif cand is scal_t and category(cand) == 3:
                result = _default_float.to_complex()
            else:
                result = cand
    assert result is not None
    return result


def jnp_dtype(d: dtype) -> Any:
    """The dtype object to hand to ``jax.numpy`` functions."""
    return jnp.dtype(d.np_dtype)


_SCALARS = (bool, int, float, complex)


def result_type(*operands: Any) -> dtype:
    """``torch.result_type`` over Tensors, arrays and Python scalars."""
    first = operands[0]
    if len(operands) == 2:
        second = operands[1]
        # Fast path for the common case: two tensors of one dtype, or tensor ∘ scalar.
        if not isinstance(first, _SCALARS) and not isinstance(second, _SCALARS):
            a, b = as_dtype(first.dtype), as_dtype(second.dtype)
            if a is b:
                return a
        elif not isinstance(first, _SCALARS) and type(second) in (int, float):
            a = as_dtype(first.dtype)
            if category(a) >= category(scalar_dtype(second)):
                return a
    dims, scalars = [], []
    for x in operands:
        if isinstance(x, _SCALARS):
            scalars.append(x)
        elif x is not None:
            dims.append((as_dtype(x.dtype), x.ndim))
    return result_type_of(dims, scalars)
