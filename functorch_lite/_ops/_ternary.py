"""Elementwise ops of three operands: clamp, where, lerp, addcmul/addcdiv, nan_to_num.

Same conventions as ``_pointwise.py``: one pure ``jax.numpy`` kernel per op evaluated in
the dtype PyTorch's promotion gives, Python scalars passed as traced operands.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor
from ._dispatch import Op
from ._pointwise import _finish, _to_operand, broadcast_error
from ._registry import exported, method, register

Number = int | float | bool
TensorOrNumber = Tensor | Number


def _call(op: Op, operands: tuple[Any, ...], **static: Any) -> Tensor:
    try:
        return op(*operands, **static)
    except (TypeError, ValueError) as e:
        if "broadcast" in str(e) or "shapes" in str(e) or "Incompatible" in str(e):
            shaped = [x for x in operands if hasattr(x, "shape")]
            raise broadcast_error(*shaped[:2]) from None
        raise


# ---------------------------------------------------------------- clamp
def _clamp_kernel(x: Any, lo: Any, hi: Any, *, dtype: Any) -> Any:
    # ``where`` rather than ``maximum``/``minimum``: PyTorch sends the gradient to
    # ``input`` on the closed interval [min, max], JAX's maximum splits it at ties.
    x = jnp.asarray(x, dtype)
    if lo is not None:
        lo = jnp.asarray(lo, dtype)
        x = jnp.where(x < lo, lo, x)
    if hi is not None:
        hi = jnp.asarray(hi, dtype)
        x = jnp.where(x > hi, hi, x)
    return x


_clamp = Op("clamp", _clamp_kernel)


@register(inplace=True)
def clamp(input: Tensor, min: TensorOrNumber | None = None,  # noqa: A002
          max: TensorOrNumber | None = None, *,  # noqa: A002
          out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.clamp``: ``min(max(input, min), max)``; bounds may be numbers or tensors."""
    if min is None and max is None:
        raise RuntimeError(
            "torch.clamp: At least one of 'min' or 'max' must not be None"
        )
    input = _to_operand(input)
    dt = _dtype.result_type(*(x for x in (input, min, max) if x is not None))
    return _finish(_call(_clamp, (input, min, max), dtype=dt.np_dtype), out)


clip = register(clamp, method="clip", inplace="clip_")


@register(inplace=True)
def clamp_min(input: Tensor, min: TensorOrNumber, *,  # noqa: A002
              out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.clamp_min``: ``max(input, min)``."""
    return clamp(input, min, None, out=out)


@register(inplace=True)
def clamp_max(input: Tensor, max: TensorOrNumber, *,  # noqa: A002
              out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.clamp_max``: ``min(input, max)``."""
    return clamp(input, None, max, out=out)


# ---------------------------------------------------------------- where
_where = Op(
    "where",
    lambda c, x, y, *, dtype: jnp.where(
        c, jnp.asarray(x, dtype), jnp.asarray(y, dtype)
    ),
)


@register(method=False)
def where(condition: Tensor, input: TensorOrNumber | None = None,
          other: TensorOrNumber | None = None, *,
          out: Tensor | None = None) -> Any:  # fmt: skip
    """``torch.where``: ``input`` where ``condition`` else ``other`` (broadcasting).

    ``torch.where(condition)`` alone is ``torch.nonzero(condition, as_tuple=True)``.
    """
    if input is None and other is None:
        from ._index import nonzero  # type: ignore[attr-defined]  # ops-B's module

        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() expected both 'input' and 'other', or neither")
    condition = _to_operand(condition)
    if isinstance(condition, Tensor) and condition.dtype is not _dtype.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with "
            f"dtype {_type_word(condition.dtype)}"
        )
    dt = _dtype.result_type(input, other)
    return _finish(_call(_where, (condition, input, other), dtype=dt.np_dtype), out)


def _where_method(self: Tensor, condition: Tensor, other: TensorOrNumber) -> Tensor:
    """``Tensor.where(condition, other)``: ``torch.where(condition, self, other)``."""
    return where(condition, self, other)


method("where", _where_method)


def _type_word(d: _dtype.dtype) -> str:
    from ._views import _type_word as word

    return word(d)


# ---------------------------------------------------------------- lerp
def _lerp_kernel(start: Any, end: Any, weight: Any, *, dtype: Any) -> Any:
    # PyTorch's two-sided formula: exact at weight 0 and weight 1.
    start, end = jnp.asarray(start, dtype), jnp.asarray(end, dtype)
    weight = jnp.asarray(weight, dtype)
    diff = end - start
    return jnp.where(
        jnp.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight)
    )


_lerp = Op("lerp", _lerp_kernel)


@register(inplace=True)
def lerp(input: Tensor, end: Tensor, weight: TensorOrNumber, *,
         out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.lerp``: ``input + weight * (end - input)``."""
    end = _to_operand(end)
    for name, other in (("end", end), ("weight", weight)):
        if isinstance(other, Tensor) and other.dtype is not input.dtype:
            raise RuntimeError(
                f"expected dtype {_c_name(input.dtype)} for `{name}` but got dtype "
                f"{_c_name(other.dtype)}"
            )
    return _finish(_call(_lerp, (input, end, weight), dtype=input.dtype.np_dtype), out)


def _c_name(d: _dtype.dtype) -> str:
    return {"float32": "float", "float64": "double", "float16": "c10::Half",
            "int64": "long int"}.get(d.name, d.name)  # fmt: skip


# ---------------------------------------------------------------- addcmul / addcdiv
_addcmul = Op(
    "addcmul",
    lambda x, a, b, value, *, dtype: (
        jnp.asarray(x, dtype)
        + jnp.asarray(value, dtype) * (jnp.asarray(a, dtype) * jnp.asarray(b, dtype))
    ),
)
_addcdiv = Op(
    "addcdiv",
    lambda x, a, b, value, *, dtype: (
        jnp.asarray(x, dtype)
        + jnp.asarray(value, dtype) * (jnp.asarray(a, dtype) / jnp.asarray(b, dtype))
    ),
)

ADDCDIV_INT = (
    "Integer division with addcdiv is no longer supported, and in a future  release "
    "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
    "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
    ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
    "float inputs. The future addcdiv behavior is just the latter implementation: "
    "(input + value * tensor1 / tensor2), for all dtypes."
)


@register(inplace=True)
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1,
            out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.addcmul``: ``input + value * tensor1 * tensor2``."""
    dt = _dtype.result_type(input, tensor1, tensor2)
    ops = (input, tensor1, tensor2, value)
    return _finish(_call(_addcmul, ops, dtype=dt.np_dtype), out)


@register(inplace=True)
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1,
            out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.addcdiv``: ``input + value * tensor1 / tensor2``."""
    t1, t2 = _to_operand(tensor1), _to_operand(tensor2)
    if all(_dtype.category(_dtype.result_type(t)) < 2 for t in (t1, t2)):
        raise RuntimeError(ADDCDIV_INT)
    dt = _dtype.result_type(input, t1, t2)
    return _finish(_call(_addcdiv, (input, t1, t2, value), dtype=dt.np_dtype), out)


# ---------------------------------------------------------------- nan_to_num
def _nan_to_num_kernel(x: Any, *, nan: float, posinf: Any, neginf: Any) -> Any:
    return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


_nan_to_num = Op("nan_to_num", _nan_to_num_kernel)


@register(inplace=True)
def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None, *,
               out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.nan_to_num``: NaN → ``nan``, ±inf → ``posinf``/``neginf`` (dtype limits)."""
    return _finish(_nan_to_num(input, nan=nan, posinf=posinf, neginf=neginf), out)


# ---------------------------------------------------------------- heaviside
_heaviside = Op(
    "heaviside",
    lambda x, v: jnp.where(x == 0, v, (x > 0).astype(x.dtype)).astype(x.dtype),
)


@register(inplace=True)
def heaviside(input: Tensor, values: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.heaviside``: 0 below zero, ``values`` at zero, 1 above."""
    if input.dtype is not values.dtype:
        raise RuntimeError(
            "heaviside is not yet implemented for tensors with different dtypes"
        )
    return _finish(_call(_heaviside, (input, values)), out)


__all__ = exported(globals())
