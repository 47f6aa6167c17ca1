"""Special and number-theoretic elementwise ops: ``sinc``, ``logit``, ``i0``,
``polygamma``, ``mvlgamma``, ``igamma``, ``gcd``/``lcm``, ``ldexp``, ``frexp``,
``nextafter``, ``logaddexp2``, ``deg2rad``/``rad2deg``.

Built on ``_pointwise``'s ``unary``/``binary`` factories, so promotion, broadcasting,
``out=`` and the method/in-place forms behave like every other elementwise op.
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import jax.scipy.special as jsp

from .. import _dtype
from .._tensor import Tensor
from . import _return_types as return_types
from ._dispatch import Op
from ._pointwise import _finish, _to_operand, binary, float_power, unary
from ._registry import exported, method, register
from ._views import inplace

_INT_ONLY = "\"{name}_cpu\" not implemented for '{word}'"

deg2rad = register(
    unary("deg2rad", lambda a: a * jnp.asarray(math.pi / 180, a.dtype), floating=True),
    inplace=True,
)
rad2deg = register(
    unary("rad2deg", lambda a: a * jnp.asarray(180 / math.pi, a.dtype), floating=True),
    inplace=True,
)
# ``jnp.sinc`` is PyTorch's normalised sinc, sin(pi x) / (pi x), with sinc(0) = 1 and a
# finite derivative at 0 (a Maclaurin branch under ``custom_jvp``).
sinc = register(unary("sinc", jnp.sinc, floating=True), inplace=True)
i0 = register(unary("i0", jsp.i0, floating=True), inplace=True)
logaddexp2 = register(binary("logaddexp2", jnp.logaddexp2, floating=True))
nextafter = register(binary("nextafter", jnp.nextafter), inplace=True)
igamma = register(binary("igamma", jsp.gammainc, floating=True), inplace=True)
igammac = register(binary("igammac", jsp.gammaincc, floating=True), inplace=True)
bitwise_left_shift = register(
    binary("bitwise_left_shift", jnp.left_shift, saves_inputs=False), inplace=True
)
bitwise_right_shift = register(
    binary("bitwise_right_shift", jnp.right_shift, saves_inputs=False), inplace=True
)
_gcd = binary("gcd", jnp.gcd, saves_inputs=False)
_lcm = binary("lcm", jnp.lcm, saves_inputs=False)


def _integer_only(name: str, *xs: Any) -> None:
    for x in xs:
        if isinstance(x, Tensor) and _dtype.category(x.dtype) >= 2:
            word = {"float32": "Float", "float64": "Double", "float16": "Half"}.get(
                x.dtype.name, x.dtype.name
            )
            raise RuntimeError(_INT_ONLY.format(name=name, word=word))


@register(inplace=True)
def gcd(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.gcd``: elementwise greatest common divisor of integer tensors."""
    _integer_only("gcd", input, other)
    return _gcd(input, other, out=out)


@register(inplace=True)
def lcm(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.lcm``: elementwise least common multiple of integer tensors."""
    _integer_only("lcm", input, other)
    return _lcm(input, other, out=out)


_ldexp = binary(
    "ldexp", lambda a, b: a * jnp.exp2(b), floating=True, saves_inputs="partners"
)


@register(inplace=True)
def ldexp(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.ldexp``: ``input * 2 ** other``; float result (int inputs promote)."""
    return _ldexp(input, other, out=out)


def _logit_kernel(a: Any, *, eps: float | None, dtype: Any) -> Any:
    a = jnp.asarray(a, dtype)
    if eps is not None:
        a = jnp.clip(a, jnp.asarray(eps, dtype), jnp.asarray(1 - eps, dtype))
    return jnp.log(a / (1 - a))


_logit = Op("logit", _logit_kernel)


@register(inplace=True)
def logit(
    input: Tensor, eps: float | None = None, *, out: Tensor | None = None
) -> Tensor:
    """``torch.logit``: ``log(p / (1 - p))``, ``p`` clamped to ``[eps, 1 - eps]``."""
    dt = input.dtype
    if _dtype.category(dt) < 2:
        dt = _dtype.get_default_dtype()
    return _finish(_logit(input, eps=eps, dtype=dt.np_dtype), out)


def _polygamma_kernel(a: Any, *, n: int, dtype: Any) -> Any:
    a = jnp.asarray(a, dtype)
    if n == 0:
        return jsp.digamma(a)
    return jsp.polygamma(jnp.asarray(n, jnp.int32), a)


_polygamma = Op("polygamma", _polygamma_kernel)


def _float_of(input: Tensor) -> Any:
    dt = input.dtype
    return (dt if _dtype.category(dt) >= 2 else _dtype.get_default_dtype()).np_dtype


@register(method=False)
def polygamma(n: int, input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.polygamma(n, input)``: the n-th derivative of digamma."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _finish(_polygamma(input, n=int(n), dtype=_float_of(input)), out)


def _polygamma_method(self: Tensor, n: int) -> Tensor:
    return polygamma(n, self)


def _polygamma_inplace(self: Tensor, n: int) -> Tensor:
    return inplace(self, polygamma(n, self))


_polygamma_method.__name__ = "polygamma"
_polygamma_inplace.__name__ = "polygamma_"


def _mvlgamma_kernel(a: Any, *, p: int) -> Any:
    return jsp.multigammaln(a, p)


_mvlgamma = Op("mvlgamma", _mvlgamma_kernel)


@register(inplace=True)
def mvlgamma(input: Tensor, p: int, *, out: Tensor | None = None) -> Tensor:
    """``torch.mvlgamma``: multivariate log-gamma of dimension ``p``."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if _dtype.category(input.dtype) < 2:
        raise RuntimeError("mvlgamma is not implemented for integral tensors")
    return _finish(_mvlgamma(input, p=int(p)), out)


def _frexp_kernel(a: Any) -> Any:
    m, e = jnp.frexp(a)
    return m, e.astype(jnp.int32)


_frexp = Op("frexp", _frexp_kernel, n_out=2, saves_inputs=False)


@register
def frexp(input: Tensor, *, out: Any = None) -> Any:
    """``torch.frexp``: ``(mantissa, exponent)`` with ``input = mantissa * 2**exponent``;
    exponent is int32 as in PyTorch."""
    input = _to_operand(input)
    if _dtype.category(input.dtype) < 2:
        raise RuntimeError(
            "torch.frexp() only supports floating-point dtypes",
        )
    m, e = _frexp(input)
    if out is not None:
        m, e = _finish(m, out[0]), _finish(e, out[1])
    return return_types.frexp(m, e)


def _float_power_(self: Tensor, exponent: Any) -> Tensor:
    if self.dtype is not _dtype.float64 and self.dtype is not _dtype.complex128:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {_word(self.dtype)} but the "
            "operation's result requires dtype Double"
        )
    return inplace(self, float_power(self, exponent))


def _word(d: _dtype.dtype) -> str:
    return {"float32": "Float", "int64": "Long", "int32": "Int", "bool": "Bool"}.get(
        d.name, d.name.capitalize()
    )


method("float_power_", _float_power_)
method("polygamma", _polygamma_method)
method("polygamma_", _polygamma_inplace)
__all__ = exported(globals())
