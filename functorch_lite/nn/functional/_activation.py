"""Activation functionals (``F.relu`` ... ``F.glu``), each one ``Op`` over a JAX kernel.

Scalar hyperparameters (``negative_slope``, ``beta``...) are static keywords of the
kernel. ``inplace=True`` computes out of place and rebinds the input, which is what
PyTorch's in-place activations mean on immutable arrays.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ... import _dtype
from ..._ops._dispatch import Op
from ..._ops._views import inplace as _rebind_inplace
from ..._tensor import Tensor, _wrap_dim
from ._base import as_tensor

__all__ = [
    "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "celu",
    "gelu", "silu", "mish", "softplus", "softsign", "sigmoid", "tanh", "softmax",
    "log_softmax", "softmin", "hardtanh", "hardtanh_", "hardsigmoid", "hardswish",
    "logsigmoid", "prelu", "threshold", "threshold_", "tanhshrink", "softshrink",
    "hardshrink", "glu", "rrelu",
]  # fmt: skip

_OPS: dict[str, Op] = {}


def _op(name: str, kernel: Callable[..., Any]) -> Op:
    op = _OPS.get(name)
    if op is None:
        op = _OPS[name] = Op(name, kernel)
    return op


def _finish(input: Tensor, out: Tensor, inplace: bool) -> Tensor:
    return _rebind_inplace(input, out) if inplace else out


def _unary(name: str, kernel: Callable[..., Any], doc: str) -> Callable[..., Tensor]:
    """An activation ``f(input, inplace=False)`` from ``kernel(x)``."""
    op = Op(name, lambda x: kernel(x))

    def f(input: Tensor, inplace: bool = False) -> Tensor:
        return _finish(input, op(as_tensor(input)), inplace)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _c(x: Any, v: float) -> Any:
    """A Python constant in ``x``'s dtype (keeps float32 kernels float32)."""
    return jnp.asarray(v, x.dtype)


relu = _unary("relu", jax.nn.relu, "``F.relu``: ``max(0, x)``.")
relu6 = _unary(
    "relu6",
    lambda x: jnp.clip(x, _c(x, 0), _c(x, 6)),
    "``F.relu6``: ``min(max(0, x), 6)``.",
)  # noqa: E501
selu = _unary(
    "selu", jax.nn.selu, "``F.selu``: ``scale * elu(x, alpha)`` with SELU's constants."
)  # noqa: E501
silu = _unary("silu", jax.nn.silu, "``F.silu``: ``x * sigmoid(x)``.")
mish = _unary(
    "mish",
    lambda x: x * jnp.tanh(jax.nn.softplus(x)),
    "``F.mish``: ``x * tanh(softplus(x))``.",
)  # noqa: E501
hardsigmoid = _unary(
    "hardsigmoid",
    lambda x: jnp.clip(x / 6 + _c(x, 0.5), _c(x, 0), _c(x, 1)),
    "``F.hardsigmoid``: ``clip(x/6 + 1/2, 0, 1)``.",
)  # noqa: E501
hardswish = _unary(
    "hardswish",
    lambda x: x * jnp.clip(x + 3, _c(x, 0), _c(x, 6)) / 6,
    "``F.hardswish``: ``x * relu6(x + 3) / 6``.",
)  # noqa: E501
_softsign = _unary("softsign", lambda x: x / (1 + jnp.abs(x)), "")
_sigmoid = _unary("sigmoid", jax.nn.sigmoid, "")
_tanh = _unary("tanh", jnp.tanh, "")
_logsigmoid = _unary("log_sigmoid", jax.nn.log_sigmoid, "")
_tanhshrink = _unary("tanhshrink", lambda x: x - jnp.tanh(x), "")


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def softsign(input: Tensor) -> Tensor:
    """``F.softsign``: ``x / (1 + |x|)``."""
    return _softsign(input)


def sigmoid(input: Tensor) -> Tensor:
    """``F.sigmoid``: ``1 / (1 + exp(-x))``."""
    return _sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """``F.tanh``."""
    return _tanh(input)


def logsigmoid(input: Tensor) -> Tensor:
    """``F.logsigmoid``: ``log(sigmoid(x))``, computed stably."""
    return _logsigmoid(input)


def tanhshrink(input: Tensor) -> Tensor:
    """``F.tanhshrink``: ``x - tanh(x)``."""
    return _tanhshrink(input)


def _leaky(x: Any, *, negative_slope: float) -> Any:
    return jnp.where(x >= 0, x, x * _c(x, negative_slope))


def leaky_relu(
    input: Tensor, negative_slope: float = 0.01, inplace: bool = False
) -> Tensor:
    """``F.leaky_relu``: ``x`` if ``x >= 0`` else ``negative_slope * x``."""
    out = _op("leaky_relu", _leaky)(input, negative_slope=float(negative_slope))
    return _finish(input, out, inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def _elu(x: Any, *, alpha: float, scale: float, input_scale: float) -> Any:
    neg = _c(x, alpha) * jnp.expm1(x * _c(x, input_scale))
    return _c(x, scale) * jnp.where(x > 0, x, neg)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``F.elu``: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    out = _op("elu", _elu)(input, alpha=float(alpha), scale=1.0, input_scale=1.0)
    return _finish(input, out, inplace)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``F.celu``: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    out = _op("celu", _elu)(
        input, alpha=float(alpha), scale=1.0, input_scale=1.0 / alpha
    )
    return _finish(input, out, inplace)


def _gelu(x: Any, *, approximate: bool) -> Any:
    return jax.nn.gelu(x, approximate=approximate)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """``F.gelu``: ``x * Phi(x)``; ``approximate='tanh'`` uses the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(
            f"approximate argument must be either none or tanh, got {approximate}"
        )
    return _op("gelu", _gelu)(input, approximate=approximate == "tanh")


def _softplus(x: Any, *, beta: float, threshold: float) -> Any:
    bx = x * _c(x, beta)
    # PyTorch reverts to the identity above ``threshold`` for numerical stability.
    return jnp.where(bx > threshold, x, jax.nn.softplus(bx) / _c(x, beta))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``F.softplus``: ``log(1 + exp(beta x)) / beta`` (linear above ``threshold``)."""
    return _op("softplus", _softplus)(
        input, beta=float(beta), threshold=float(threshold)
    )


def _hardtanh(x: Any, *, min_val: float, max_val: float) -> Any:
    return jnp.clip(x, _c(x, min_val), _c(x, max_val))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:  # fmt: skip
    """``F.hardtanh``: ``clip(x, min_val, max_val)``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    out = _op("hardtanh", _hardtanh)(
        input, min_val=float(min_val), max_val=float(max_val)
    )
    return _finish(input, out, inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, True)


def _threshold(x: Any, *, threshold: float, value: float) -> Any:
    return jnp.where(x > threshold, x, _c(x, value))


def threshold(
    input: Tensor, threshold: float, value: float, inplace: bool = False
) -> Tensor:
    """``F.threshold``: ``x`` if ``x > threshold`` else ``value``."""
    out = _op("threshold", _threshold)(
        input, threshold=float(threshold), value=float(value)
    )
    return _finish(input, out, inplace)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return globals()["threshold"](input, threshold, value, True)


def _softshrink(x: Any, *, lambd: float) -> Any:
    lam = _c(x, lambd)
    return jnp.where(x > lam, x - lam, jnp.where(x < -lam, x + lam, jnp.zeros_like(x)))


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``F.softshrink``: shrink toward 0 by ``lambd``, zero inside ``[-lambd, lambd]``."""
    if lambd < 0:
        raise RuntimeError(
            f"lambda must be greater or equal to 0, but found to be {lambd}."
        )
    return _op("softshrink", _softshrink)(input, lambd=float(lambd))


def _hardshrink(x: Any, *, lambd: float) -> Any:
    return jnp.where(jnp.abs(x) > lambd, x, jnp.zeros_like(x))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``F.hardshrink``: ``x`` where ``|x| > lambd`` else 0."""
    return _op("hardshrink", _hardshrink)(input, lambd=float(lambd))


def _prelu(x: Any, w: Any) -> Any:
    if x.ndim >= 2 and w.size > 1:
        w = w.reshape((w.size,) + (1,) * (x.ndim - 2))
    return jnp.where(x >= 0, x, w.astype(x.dtype) * x)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``F.prelu``: ``max(0, x) + weight * min(0, x)``, weight per channel (dim 1)."""
    n = weight.numel()
    channels = input.shape[1] if input.dim() >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter "
            f"numbers = {n} and channel size = {channels}."
        )
    return _op("prelu", _prelu)(input, weight)


def _glu(x: Any, *, dim: int) -> Any:
    a, b = jnp.split(x, 2, axis=dim)
    return a * jax.nn.sigmoid(b)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """``F.glu``: split ``dim`` into halves ``a, b``; return ``a * sigmoid(b)``."""
    if input.dim() == 0:
        raise RuntimeError(
            "glu does not support scalars because halving size must be even"
        )
    d = _wrap_dim(dim, input.dim())
    if input.shape[d] % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}"
        )
    return _op("glu", _glu)(input, dim=d)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, inplace: bool = False) -> Tensor:  # fmt: skip
    """``F.rrelu``: in eval mode a leaky ReLU with slope ``(lower + upper) / 2``.

    Training mode draws a slope per element from ``U(lower, upper)``.
    """
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    from ... import _random

    key = _random.key_for(None)
    out = _op("rrelu", _rrelu)(input, key, lower=float(lower), upper=float(upper))
    return _finish(input, out, inplace)


def _rrelu(x: Any, key: Any, *, lower: float, upper: float) -> Any:
    a = jax.random.uniform(
        jax.random.wrap_key_data(key), x.shape, x.dtype, lower, upper
    )
    return jnp.where(x >= 0, x, a * x)


# ---------------------------------------------------------------- softmax family
def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        "include dim=X as an argument.",
        stacklevel=4,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _softmax(x: Any, *, dim: int, dtype: Any, log: bool, negate: bool) -> Any:
    x = x.astype(dtype)
    if negate:
        x = -x
    return jax.nn.log_softmax(x, axis=dim) if log else jax.nn.softmax(x, axis=dim)


def _softmax_call(name: str, input: Tensor, dim: int | None, dtype: Any, log: bool,
                  negate: bool) -> Tensor:  # fmt: skip
    input = as_tensor(input)
    if dim is None:
        dim = _softmax_dim(name, input.dim())
    dim = _wrap_dim(dim, input.dim())
    if dtype is not None:
        dt = _dtype.as_dtype(dtype)
    else:
        dt = input.dtype
        if _dtype.category(dt) < 2:
            raise RuntimeError(
                f"\"{name}_lastdim_kernel_impl\" not implemented for 'Long'"
            )
    if input.dim() == 0:
        dim = 0
        fn = _op(name + "_0d", lambda x, **k: _softmax(x.reshape(1), **k).reshape(()))
        return fn(input, dim=0, dtype=dt.np_dtype, log=log, negate=negate)
    return _op(name, _softmax)(
        input, dim=dim, dtype=dt.np_dtype, log=log, negate=negate
    )


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:  # fmt: skip
    """``F.softmax``: ``exp(x_i) / sum_j exp(x_j)`` along ``dim``."""
    return _softmax_call("softmax", input, dim, dtype, log=False, negate=False)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:  # fmt: skip
    """``F.log_softmax``: ``x_i - logsumexp(x)`` along ``dim``, computed stably."""
    return _softmax_call("log_softmax", input, dim, dtype, log=True, negate=False)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:  # fmt: skip
    """``F.softmin``: ``softmax(-x)`` along ``dim``."""
    return _softmax_call("softmin", input, dim, dtype, log=False, negate=True)
