"""Tensor predicates, comparisons to a bool and complex views: ``numel``,
``is_tensor``, ``is_nonzero``, ``equal``, ``allclose``, ``isclose``, ``isin``,
``isreal``, ``real``/``imag``, ``view_as_real``/``view_as_complex``, ``polar``,
``complex``; and ``nbytes``/``itemsize``/``get_device`` metadata.

Complex parts and the real/complex reinterpretations are COPIES here (PyTorch returns
views): writing through ``x.real[...] = v`` does not reach ``x``.
"""

from __future__ import annotations

import builtins
from typing import Any

import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor
from ._dispatch import Op
from ._pointwise import _finish, _to_operand
from ._registry import exported, method, register


# ---------------------------------------------------------------- metadata
@register(method=False)
def numel(input: Tensor) -> int:
    """``torch.numel``: the number of elements."""
    return input.numel()


@register(method=False)
def is_tensor(obj: Any) -> bool:
    """``torch.is_tensor``: whether ``obj`` is a Tensor."""
    return isinstance(obj, Tensor)


@register(method=False)
def is_floating_point(input: Tensor) -> bool:
    """``torch.is_floating_point``."""
    return input.is_floating_point()


@register(method=False)
def is_complex(input: Tensor) -> bool:
    """``torch.is_complex``."""
    return input.is_complex()


@register
def is_signed(input: Tensor) -> bool:
    """``Tensor.is_signed``: False only for unsigned integers and bool."""
    return input.dtype.name not in ("uint8", "uint16", "uint32", "uint64", "bool")


@register
def is_nonzero(input: Tensor) -> bool:
    """``torch.is_nonzero``: the truth of a one-element tensor."""
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError(
            "Boolean value of Tensor with more than one value is ambiguous"
        )
    return builtins.bool(input.item())


@register
def is_same_size(input: Tensor, other: Tensor) -> bool:
    """``torch.is_same_size``: equal shapes."""
    return tuple(input.shape) == tuple(other.shape)


@register
def get_device(input: Tensor) -> int:
    """``Tensor.get_device``: -1 for CPU tensors, else the accelerator index."""
    dev = input.device
    return -1 if dev.type == "cpu" else (dev.index or 0)


@register(method=False)
def is_conj(input: Tensor) -> bool:
    """``torch.is_conj``: always False (conjugation is never lazy here)."""
    return False


@register(method=False)
def is_neg(input: Tensor) -> bool:
    """``torch.is_neg``: always False (negation is never lazy here)."""
    return False


@register
def resolve_conj(input: Tensor) -> Tensor:
    """``torch.resolve_conj``: ``input`` itself (no lazy conjugate bit here)."""
    return input


@register
def resolve_neg(input: Tensor) -> Tensor:
    """``torch.resolve_neg``: ``input`` itself (no lazy negative bit here)."""
    return input


method("is_conj", is_conj)
method("is_neg", is_neg)
method("nbytes", property(lambda self: self.numel() * self.element_size()))  # type: ignore[arg-type]
method("itemsize", property(lambda self: self.element_size()))  # type: ignore[arg-type]


# ---------------------------------------------------------------- comparisons
def _same_dtype(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"{_dtype_word(a.dtype)} did not match {_dtype_word(b.dtype)}"
        )


def _dtype_word(d: _dtype.dtype) -> str:
    words = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
             "bool": "Bool", "float16": "Half", "bfloat16": "BFloat16",
             "complex64": "ComplexFloat", "complex128": "ComplexDouble"}  # fmt: skip
    return words.get(d.name, d.name)


def _isclose_kernel(
    a: Any, b: Any, *, rtol: float, atol: float, equal_nan: bool
) -> Any:
    if a.dtype == jnp.bool_:
        return a == b
    return jnp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


_isclose = Op("isclose", _isclose_kernel, saves_inputs=False)


@register
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:  # fmt: skip
    """``torch.isclose``: ``|input - other| <= atol + rtol * |other|``, elementwise;
    equal infinities are close; NaNs are close only with ``equal_nan``."""
    input, other = _to_operand(input), _to_operand(other)
    _same_dtype(input, other)
    if rtol < 0:
        raise RuntimeError(
            f"rtol must be greater than or equal to zero, but got {rtol}"
        )
    if atol < 0:
        raise RuntimeError(
            f"atol must be greater than or equal to zero, but got {atol}"
        )
    return _isclose(input, other, rtol=float(rtol), atol=float(atol),
                    equal_nan=builtins.bool(equal_nan))  # fmt: skip


@register
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:  # fmt: skip
    """``torch.allclose``: whether ``isclose`` holds everywhere."""
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).all().item())


@register
def equal(input: Tensor, other: Tensor) -> bool:
    """``torch.equal``: same shape and the same values."""
    if tuple(input.shape) != tuple(other.shape):
        return False
    return builtins.bool(jnp.array_equal(input._data, other._data))


def _isin_kernel(a: Any, b: Any, *, invert: bool) -> Any:
    return jnp.isin(a, b, invert=invert)


_isin = Op("isin", _isin_kernel, saves_inputs=False)


@register(method=False)
def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:  # fmt: skip
    """``torch.isin``: whether each of ``elements`` occurs in ``test_elements``."""
    a, b = _to_operand(elements), _to_operand(test_elements)
    dt = _dtype.result_type(a, b).np_dtype
    a_arr = jnp.asarray(a._data if isinstance(a, Tensor) else a, dt)
    b_arr = jnp.asarray(b._data if isinstance(b, Tensor) else b, dt)
    return _isin(Tensor(a_arr), Tensor(b_arr), invert=builtins.bool(invert))


_isreal = Op("isreal", lambda a: jnp.imag(a) == 0 if jnp.iscomplexobj(a)
             else jnp.ones(a.shape, bool), saves_inputs=False)  # fmt: skip


@register
def isreal(input: Tensor) -> Tensor:
    """``torch.isreal``: True where the imaginary part is zero (always, for reals)."""
    return _isreal(input)


# ---------------------------------------------------------------- complex parts
_real = Op("real", jnp.real, saves_inputs=False)
_imag = Op("imag", jnp.imag, saves_inputs=False)


@register(method=False)
def real(input: Tensor) -> Tensor:
    """``torch.real``: the real part; ``input`` itself for real tensors (as PyTorch).
    For complex tensors a copy, not a view."""
    return _real(input) if input.is_complex() else input


@register(method=False)
def imag(input: Tensor) -> Tensor:
    """``torch.imag``: the imaginary part (a copy); real tensors raise as PyTorch."""
    if not input.is_complex():
        raise RuntimeError(
            "imag is not implemented for tensors with non-complex dtypes."
        )
    return _imag(input)


method("real", property(real))  # type: ignore[arg-type]
method("imag", property(imag))  # type: ignore[arg-type]

_as_real = Op("view_as_real", lambda a: jnp.stack([jnp.real(a), jnp.imag(a)], -1),
              saves_inputs=False)  # fmt: skip
_as_complex = Op("view_as_complex", lambda a: jax_complex(a[..., 0], a[..., 1]),
                 saves_inputs=False)  # fmt: skip


def jax_complex(re: Any, im: Any) -> Any:
    """``re + i * im`` in the matching complex dtype (complex64 for float32)."""
    dt = jnp.complex64 if re.dtype == jnp.float32 else jnp.complex128
    return jnp.asarray(re, dt) + jnp.asarray(1j, dt) * jnp.asarray(im, dt)


@register(method=False)
def view_as_real(input: Tensor) -> Tensor:
    """``torch.view_as_real``: a complex tensor as ``(..., 2)`` real pairs (a copy)."""
    if not input.is_complex():
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return _as_real(input)


@register(method=False)
def view_as_complex(input: Tensor) -> Tensor:
    """``torch.view_as_complex``: ``(..., 2)`` float pairs as complex (a copy)."""
    if input.dtype.name not in ("float32", "float64"):
        raise RuntimeError(
            "view_as_complex is only supported for float and double tensors, but got "
            f"a tensor of scalar type: {_dtype_word(input.dtype)}"
        )
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return _as_complex(input)


def _pair_check(a: Tensor, b: Tensor, fname: str) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"Expected object of scalar type {_dtype_word(a.dtype)} but got scalar "
            f"type {_dtype_word(b.dtype)} for second argument"
        )
    if a.dtype.name not in ("float32", "float64", "float16"):
        raise RuntimeError(
            f"Expected both inputs to be Half, Float or Double tensors but got "
            f"{_dtype_word(a.dtype)} and {_dtype_word(b.dtype)}"
        )


_complex = Op("complex", jax_complex)
_polar = Op("polar", lambda r, t: jax_complex(r * jnp.cos(t), r * jnp.sin(t)))


@register(method=False)
def complex(real: Tensor, imag: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A001
    """``torch.complex``: ``real + i * imag`` (complex64 from float32)."""
    _pair_check(real, imag, "complex")
    return _finish(_complex(real, imag), out)


@register(method=False)
def polar(abs: Tensor, angle: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``torch.polar``: ``abs * (cos(angle) + i * sin(angle))``."""
    _pair_check(abs, angle, "polar")
    return _finish(_polar(abs, angle), out)


__all__ = exported(globals())
