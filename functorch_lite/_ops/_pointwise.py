"""Elementwise ops: arithmetic, comparisons, logic and math, with PyTorch promotion.

Each op is a pure ``jax.numpy`` kernel evaluated in the promoted dtype; the public
function carries PyTorch's name and arguments (``torch.add(input, other, *, alpha)``).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor
from ._dispatch import Op, dispatch
from ._registry import exported, method, register
from ._views import inplace

Number = int | float | bool | complex
TensorOrNumber = Tensor | Number
_ARITH_ERR = "The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton dimension {d}"


_INEXACT_NP = frozenset(
    d.np_dtype for d in _dtype.ALL_DTYPES if _dtype.category(d) >= 2
)


#: Python scalar types that never change a float or complex tensor's dtype.
_SCALAR_KEEPS = frozenset((int, float))


def _shapes(x: Any) -> tuple[int, ...]:
    return tuple(x.shape) if hasattr(x, "shape") else ()


def broadcast_error(*xs: Any) -> RuntimeError:
    """PyTorch's message for operands that do not broadcast, naming both sizes."""
    a, b = _shapes(xs[0]), _shapes(xs[1]) if len(xs) > 1 else ()
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    for d in range(n):
        if pa[d] != pb[d] and 1 not in (pa[d], pb[d]):
            return RuntimeError(_ARITH_ERR.format(a=pa[d], b=pb[d], d=d))
    return RuntimeError(f"shapes {list(a)} and {list(b)} cannot be broadcast together")


def _finish(result: Tensor, out: Tensor | None) -> Tensor:
    if out is not None:
        if tuple(out.shape) != tuple(result.shape):
            out._rebind(jnp.zeros(result.shape, out._data.dtype))
        return inplace(out, result)
    return result


def _to_operand(x: Any) -> Any:
    if isinstance(x, (Tensor, bool, int, float, complex)):
        return x
    if x is None:
        raise TypeError("expected a Tensor or a number, got None")
    return Tensor(jnp.asarray(x))


def _kept_dtype(a: Any, b: Any, floating: bool) -> Any:
    """The result's numpy dtype when promotion keeps it, else None (the long way).

    The fast path of every binary op: two tensors of one dtype, or a float/complex
    tensor with a Python int or float (PyTorch's scalar rule keeps the tensor's dtype).
    """
    if isinstance(a, Tensor):
        np_dt = a._data.dtype
        if isinstance(b, Tensor):
            if np_dt == b._data.dtype and not (floating and np_dt.kind not in "fc"):
                return np_dt
            return None
        scalar = b
    elif isinstance(b, Tensor):
        np_dt, scalar = b._data.dtype, a
    else:
        return None
    return np_dt if type(scalar) in _SCALAR_KEEPS and np_dt.kind in "fc" else None


def binary(name: str, kernel: Any, *, saves_inputs: bool | str = True, compare: bool = False,
           floating: bool = False) -> Any:  # fmt: skip
    """A PyTorch binary op over ``kernel(a, b)`` evaluated in the promoted dtype."""

    def fn(a: Any, b: Any, *, dtype: Any) -> Any:
        return kernel(jnp.asarray(a, dtype), jnp.asarray(b, dtype))

    op = Op(name, fn, saves_inputs=saves_inputs)

    def call(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
        np_dt = _kept_dtype(input, other, floating)
        if np_dt is None:
            input, other = _to_operand(input), _to_operand(other)
            dt = _dtype.result_type(input, other)
            if floating and _dtype.category(dt) < 2:
                dt = _dtype.get_default_dtype()
            np_dt = dt.np_dtype
        try:
            result = dispatch(op, (input, other), {"dtype": np_dt})
        except (TypeError, ValueError) as e:
            if "broadcast" in str(e) or "shapes" in str(e):
                raise broadcast_error(input, other) from None
            raise
        return result if out is None else _finish(result, out)

    call.__name__ = name
    call.__qualname__ = name
    call.__doc__ = f"``torch.{name}(input, other)``, elementwise with broadcasting."
    return call


def unary(name: str, kernel: Any, *, floating: bool = False, saves_inputs: bool = True,
          keep_int: bool = True) -> Any:  # fmt: skip
    """A PyTorch unary op; ``floating`` ops promote integer inputs to the default float."""

    def fn(a: Any, *, dtype: Any) -> Any:
        return kernel(jnp.asarray(a, dtype))

    op = Op(name, fn, saves_inputs=saves_inputs)

    def call(input: Tensor, *, out: Tensor | None = None) -> Tensor:
        if isinstance(input, Tensor):
            np_dt = input._data.dtype  # fast path: keep the tensor's dtype
            if floating and np_dt not in _INEXACT_NP:
                np_dt = _dtype.get_default_dtype().np_dtype
        else:
            input = _to_operand(input)
            dt = (
                input.dtype if isinstance(input, Tensor) else _dtype.scalar_dtype(input)
            )
            if floating and _dtype.category(dt) < 2:
                dt = _dtype.get_default_dtype()
            np_dt = dt.np_dtype
        result = dispatch(op, (input,), {"dtype": np_dt})
        return result if out is None else _finish(result, out)

    call.__name__ = name
    call.__qualname__ = name
    call.__doc__ = f"``torch.{name}(input)``, elementwise."
    return call


# ---------------------------------------------------------------- arithmetic
_add_kernel = Op(
    "add",
    lambda a, b, alpha, *, dtype: (
        jnp.asarray(a, dtype) + jnp.asarray(alpha, dtype) * jnp.asarray(b, dtype)
    ),
    saves_inputs=False,
)  # noqa: E501
_sub_kernel = Op(
    "sub",
    lambda a, b, alpha, *, dtype: (
        jnp.asarray(a, dtype) - jnp.asarray(alpha, dtype) * jnp.asarray(b, dtype)
    ),
    saves_inputs=False,
)  # noqa: E501
_add_plain = binary("add", jnp.add, saves_inputs=False)
_sub_plain = binary("sub", jnp.subtract, saves_inputs=False)


def _alpha_op(
    kernel: Op, input: Any, other: Any, alpha: Number, out: Tensor | None
) -> Tensor:
    input, other = _to_operand(input), _to_operand(other)
    dt = _dtype.result_type(input, other, alpha)
    return _finish(kernel(input, other, alpha, dtype=dt.np_dtype), out)


@register(inplace=True, operators=("__add__",), reflected=("__radd__",))
def add(input: TensorOrNumber, other: TensorOrNumber, *, alpha: Number = 1,
        out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.add``: ``input + alpha * other`` with broadcasting and promotion."""
    if alpha == 1:
        return _add_plain(input, other, out=out)
    return _alpha_op(_add_kernel, input, other, alpha, out)


@register(inplace=True, operators=("__sub__",), reflected=("__rsub__",))
def sub(input: TensorOrNumber, other: TensorOrNumber, *, alpha: Number = 1,
        out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.sub``: ``input - alpha * other``."""
    a_bool, b_bool = _bool_operand(input), _bool_operand(other)
    if a_bool or b_bool:
        raise _bool_sub_error(both=a_bool and b_bool)
    if alpha == 1:
        return _sub_plain(input, other, out=out)
    return _alpha_op(_sub_kernel, input, other, alpha, out)


def _bool_operand(x: Any) -> bool:
    if isinstance(x, Tensor):
        return bool(x._data.dtype.kind == "b")
    return type(x) is bool


def _bool_sub_error(both: bool) -> RuntimeError:
    """PyTorch's error for ``-`` with a bool operand (a bool tensor or a Python bool,
    as in ``t - True``), naming the operator to use instead."""
    if both:
        return RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    return RuntimeError(
        "Subtraction, the `-` operator, with a bool tensor is not supported. "
        "If you are trying to invert a mask, use the `~` or `logical_not()` "
        "operator instead."
    )


subtract = register(sub, method="subtract", inplace="subtract_")
mul = register(
    binary("mul", jnp.multiply, saves_inputs="partners"),
    inplace=True,
    operators=("__mul__",),
    reflected=("__rmul__",),
)  # noqa: E501
multiply = mul
_true_div = binary("div", jnp.true_divide, floating=True)
_floor_div = binary("floor_divide", jnp.floor_divide)
_trunc_div = binary(
    "trunc_div",
    lambda a, b: (
        jnp.trunc(a / b)
        if jnp.issubdtype(a.dtype, jnp.inexact)
        else jnp.sign(a) * jnp.sign(b) * (jnp.abs(a) // jnp.abs(b))
    ),
)  # noqa: E501


@register(inplace=True, operators=("__truediv__",), reflected=("__rtruediv__",))
def div(input: TensorOrNumber, other: TensorOrNumber, *, rounding_mode: str | None = None,
        out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.div``: true division, or ``rounding_mode='trunc'|'floor'``."""
    if rounding_mode is None:
        return _true_div(input, other, out=out)
    if rounding_mode == "floor":
        return _floor_div(input, other, out=out)
    if rounding_mode == "trunc":
        return _trunc_div(input, other, out=out)
    raise ValueError(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
    )  # noqa: E501


divide = register(div, method="divide", inplace="divide_")


@register(inplace=True)
def true_divide(input: TensorOrNumber, other: TensorOrNumber, *,
                out: Tensor | None = None) -> Tensor:  # fmt: skip
    """``torch.true_divide``: ``div`` without rounding."""
    # A wrapper, not ``register(_true_div)``: that one is named "div" and would take
    # ``div``'s place in the registry (and drop ``div`` from ``__all__``).
    return _true_div(input, other, out=out)


floor_divide = register(
    _floor_div, inplace=True, operators=("__floordiv__",), reflected=("__rfloordiv__",)
)  # noqa: E501
remainder = register(
    binary("remainder", jnp.remainder),
    inplace=True,
    operators=("__mod__",),
    reflected=("__rmod__",),
)  # noqa: E501
fmod = register(binary("fmod", jnp.fmod), inplace=True)
pow = register(
    binary("pow", jnp.power),
    inplace=True,
    operators=("__pow__",),
    reflected=("__rpow__",),
)  # noqa: A001,E501
float_power = register(
    binary(
        "float_power",
        lambda a, b: jnp.power(a.astype(jnp.float64), b.astype(jnp.float64)),
    )
)  # noqa: E501
atan2 = register(binary("atan2", jnp.arctan2, floating=True), inplace=True)
arctan2 = atan2
maximum = register(binary("maximum", jnp.maximum))
minimum = register(binary("minimum", jnp.minimum))
fmax = register(binary("fmax", jnp.fmax))
fmin = register(binary("fmin", jnp.fmin))
hypot = register(binary("hypot", jnp.hypot, floating=True), inplace=True)
copysign = register(binary("copysign", jnp.copysign, floating=True), inplace=True)
xlogy = register(binary("xlogy", jax.scipy.special.xlogy, floating=True), inplace=True)
logaddexp = register(binary("logaddexp", jnp.logaddexp, floating=True))
bitwise_and = register(
    binary("bitwise_and", jnp.bitwise_and),
    inplace=True,
    operators=("__and__",),
    reflected=("__rand__",),
)  # noqa: E501
bitwise_or = register(
    binary("bitwise_or", jnp.bitwise_or),
    inplace=True,
    operators=("__or__",),
    reflected=("__ror__",),
)  # noqa: E501
bitwise_xor = register(
    binary("bitwise_xor", jnp.bitwise_xor),
    inplace=True,
    operators=("__xor__",),
    reflected=("__rxor__",),
)  # noqa: E501

# ---------------------------------------------------------------- comparisons
eq = register(
    binary("eq", jnp.equal, saves_inputs=False), inplace=True, operators=("__eq__",)
)  # noqa: E501
ne = register(
    binary("ne", jnp.not_equal, saves_inputs=False), inplace=True, operators=("__ne__",)
)  # noqa: E501
lt = register(
    binary("lt", jnp.less, saves_inputs=False), inplace=True, operators=("__lt__",)
)  # noqa: E501
le = register(
    binary("le", jnp.less_equal, saves_inputs=False),
    inplace=True,
    operators=("__le__",),
)  # noqa: E501
gt = register(
    binary("gt", jnp.greater, saves_inputs=False), inplace=True, operators=("__gt__",)
)  # noqa: E501
ge = register(
    binary("ge", jnp.greater_equal, saves_inputs=False),
    inplace=True,
    operators=("__ge__",),
)  # noqa: E501
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
logical_and = register(
    binary("logical_and", jnp.logical_and, saves_inputs=False), inplace=True
)  # noqa: E501
logical_or = register(
    binary("logical_or", jnp.logical_or, saves_inputs=False), inplace=True
)  # noqa: E501
logical_xor = register(
    binary("logical_xor", jnp.logical_xor, saves_inputs=False), inplace=True
)  # noqa: E501
logical_not = register(unary("logical_not", jnp.logical_not), inplace=True)
bitwise_not = register(
    unary("bitwise_not", jnp.invert), inplace=True, operators=("__invert__",)
)  # noqa: E501

# ---------------------------------------------------------------- unary math
neg = register(
    unary("neg", jnp.negative, saves_inputs=False), inplace=True, operators=("__neg__",)
)  # noqa: E501
negative = neg
positive = register(
    unary("positive", lambda a: a, saves_inputs=False), operators=("__pos__",)
)  # noqa: E501
abs = register(unary("abs", jnp.abs), inplace=True, operators=("__abs__",))  # noqa: A001
absolute = abs
sign = register(unary("sign", jnp.sign), inplace=True)
sgn = register(unary("sgn", jnp.sign), inplace=True)
square = register(unary("square", jnp.square), inplace=True)
exp = register(unary("exp", jnp.exp, floating=True), inplace=True)
exp2 = register(unary("exp2", jnp.exp2, floating=True), inplace=True)
expm1 = register(unary("expm1", jnp.expm1, floating=True), inplace=True)
log = register(unary("log", jnp.log, floating=True), inplace=True)
log2 = register(unary("log2", jnp.log2, floating=True), inplace=True)
log10 = register(unary("log10", jnp.log10, floating=True), inplace=True)
log1p = register(unary("log1p", jnp.log1p, floating=True), inplace=True)
sqrt = register(unary("sqrt", jnp.sqrt, floating=True), inplace=True)
rsqrt = register(unary("rsqrt", jax.lax.rsqrt, floating=True), inplace=True)
reciprocal = register(unary("reciprocal", jnp.reciprocal, floating=True), inplace=True)
sin = register(unary("sin", jnp.sin, floating=True), inplace=True)
cos = register(unary("cos", jnp.cos, floating=True), inplace=True)
tan = register(unary("tan", jnp.tan, floating=True), inplace=True)
asin = register(unary("asin", jnp.arcsin, floating=True), inplace=True)
acos = register(unary("acos", jnp.arccos, floating=True), inplace=True)
atan = register(unary("atan", jnp.arctan, floating=True), inplace=True)
sinh = register(unary("sinh", jnp.sinh, floating=True), inplace=True)
cosh = register(unary("cosh", jnp.cosh, floating=True), inplace=True)
tanh = register(unary("tanh", jnp.tanh, floating=True), inplace=True)
asinh = register(unary("asinh", jnp.arcsinh, floating=True), inplace=True)
acosh = register(unary("acosh", jnp.arccosh, floating=True), inplace=True)
atanh = register(unary("atanh", jnp.arctanh, floating=True), inplace=True)
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = (
    asin,
    acos,
    atan,
    asinh,
    acosh,
    atanh,
)
sigmoid = register(unary("sigmoid", jax.nn.sigmoid, floating=True), inplace=True)
erf = register(unary("erf", jax.scipy.special.erf, floating=True), inplace=True)
erfc = register(unary("erfc", jax.scipy.special.erfc, floating=True), inplace=True)
erfinv = register(
    unary("erfinv", jax.scipy.special.erfinv, floating=True), inplace=True
)
lgamma = register(
    unary("lgamma", jax.scipy.special.gammaln, floating=True), inplace=True
)
digamma = register(
    unary("digamma", jax.scipy.special.digamma, floating=True), inplace=True
)
floor = register(unary("floor", jnp.floor, saves_inputs=False), inplace=True)
ceil = register(unary("ceil", jnp.ceil, saves_inputs=False), inplace=True)
trunc = register(unary("trunc", jnp.trunc, saves_inputs=False), inplace=True)
fix = trunc
frac = register(
    unary("frac", lambda a: a - jnp.trunc(a), saves_inputs=False), inplace=True
)
isnan = register(unary("isnan", jnp.isnan))
isinf = register(unary("isinf", jnp.isinf))
isfinite = register(unary("isfinite", jnp.isfinite))
isposinf = register(unary("isposinf", jnp.isposinf))
isneginf = register(unary("isneginf", jnp.isneginf))
signbit = register(unary("signbit", jnp.signbit))
conj = register(unary("conj", jnp.conj, saves_inputs=False))
# ``jnp.angle`` of a real 0-d float32 array is float64: cast back to the input's dtype.
angle = register(
    unary("angle", lambda a: jnp.angle(a).astype(jnp.real(a).dtype), floating=True)
)  # noqa: E501
_round0 = Op("round", lambda a, *, decimals: jnp.round(a, decimals), saves_inputs=False)


@register(inplace=True)
def round(input: Tensor, *, decimals: int = 0, out: Tensor | None = None) -> Tensor:  # noqa: A001
    """``torch.round``: round half to even, optionally to ``decimals`` places."""
    return _finish(_round0(input, decimals=decimals), out)


# PyTorch's alias names also exist as Tensor methods (``x.negative()``, ``x.arcsin_()``).
for _alias, _target in [
    ("negative", neg), ("absolute", abs), ("arcsin", asin), ("arccos", acos),
    ("arctan", atan), ("arcsinh", asinh), ("arccosh", acosh), ("arctanh", atanh),
    ("fix", trunc), ("multiply", mul), ("arctan2", atan2),
]:  # fmt: skip
    register(_target, method=_alias, inplace=_alias + "_")
for _alias, _target in [("greater", gt), ("greater_equal", ge), ("less", lt),
                        ("less_equal", le), ("not_equal", ne)]:  # fmt: skip
    register(_target, method=_alias, inplace=_alias + "_")


def _inplace_operator(name: str) -> Any:
    def op(self: Tensor, other: Any) -> Tensor:
        return getattr(self, name)(other)

    op.__name__ = f"__i{name.rstrip('_')}__"
    return op


# ``x += y`` is ``x.add_(y)`` in PyTorch: the same Tensor object is updated in place.
for _dunder, _method in [
    ("__iadd__", "add_"), ("__isub__", "sub_"), ("__imul__", "mul_"),
    ("__itruediv__", "div_"), ("__ifloordiv__", "floor_divide_"),
    ("__imod__", "remainder_"), ("__ipow__", "pow_"), ("__iand__", "bitwise_and_"),
    ("__ior__", "bitwise_or_"), ("__ixor__", "bitwise_xor_"),
]:  # fmt: skip
    method(_dunder, _inplace_operator(_method))

__all__ = exported(globals())
