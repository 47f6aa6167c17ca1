"""Tensor creation, conversion (``to``/``float()``...) and random sampling ops.

Mirrors ``torch.tensor``, ``zeros``/``ones``/``full``/``empty`` (+ ``_like``), ``arange``,
``linspace``, ``eye``, ``rand``/``randn``/``randint``/``randperm``/``normal``/
``bernoulli``/``multinomial`` and in-place samplers. Random ops draw a fresh key from a
``Generator`` (the default one unless ``generator=`` is given).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._device import device as _device_cls
from .._device import to_jax_device
from .._random import Generator, key_for
from .._tensor import Tensor
from ..autograd._grad_mode import no_grad
from ._dispatch import Op
from ._registry import exported, method, register
from ._views import inplace

DType = _dtype.dtype | None


def _size(size: Sequence[Any]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _place(arr: Any, device: Any) -> Any:
    if device is None:
        return arr
    return jax.device_put(arr, to_jax_device(device))


def _finish(arr: Any, device: Any, requires_grad: bool) -> Tensor:
    t = Tensor(_place(arr, device))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_dtype(data: Any) -> _dtype.dtype:
    """PyTorch's inference for ``torch.tensor(data)``: ints → int64, floats → default."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.ndarray, np.generic, jax.Array)):
        return _dtype.from_jax_dtype(data.dtype)
    if isinstance(data, (bool, int, float, complex)):
        return _dtype.scalar_dtype(data)
    if isinstance(data, (list, tuple)):
        kinds = [_infer_dtype(x) for x in data]
        if not kinds:
            return _dtype.get_default_dtype()
        out = kinds[0]
        for k in kinds[1:]:
            out = _dtype.promote_types(out, k)
        return out
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _to_numpy(data: Any) -> Any:
    if isinstance(data, Tensor):
        return np.asarray(data._data)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        return [_to_numpy(x) for x in data]
    return data


@register(method=False)
def tensor(data: Any, *, dtype: DType = None, device: Any = None,
           requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """``torch.tensor``: a new leaf tensor copying ``data`` (ints → int64, floats → float32)."""
    dt = _dtype.as_dtype(dtype) if dtype is not None else _infer_dtype(data)
    arr = jnp.asarray(np.asarray(_to_numpy(data), dtype=dt.np_dtype))
    return _finish(arr, device, requires_grad)


@register(method=False)
def as_tensor(data: Any, dtype: DType = None, device: Any = None) -> Tensor:
    """``torch.as_tensor``: reuse a Tensor when dtype/device already match."""
    if isinstance(data, Tensor):
        out = data
        if dtype is not None or device is not None:
            out = data.to(device=device, dtype=dtype)  # type: ignore[attr-defined]
        return out
    return tensor(data, dtype=dtype, device=device)


asarray = register(as_tensor, method=False)


@register(method=False)
def from_numpy(ndarray: np.ndarray) -> Tensor:
    """``torch.from_numpy``: a tensor with the array's dtype.

    JAX arrays are immutable, so this copies into a device buffer (zero-copy only when
    XLA can alias the aligned host buffer); later writes to ``ndarray`` are not seen.
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return Tensor(jnp.asarray(ndarray))


@register(method=False)
def from_jax(array: Any) -> Tensor:
    """Wrap a ``jax.Array`` (or tracer) as a Tensor without copying."""
    return Tensor(
        array if isinstance(array, (jax.Array, jax.core.Tracer)) else jnp.asarray(array)
    )


def _filled(fill: Any, size: Sequence[Any], dtype: DType, device: Any,
            requires_grad: bool, default: _dtype.dtype | None = None) -> Tensor:  # fmt: skip
    dt = (
        _dtype.as_dtype(dtype)
        if dtype is not None
        else (default or _dtype.get_default_dtype())
    )
    return _finish(jnp.full(_size(size), fill, dt.np_dtype), device, requires_grad)


@register(method=False)
def zeros(*size: Any, dtype: DType = None, device: Any = None, requires_grad: bool = False,
          out: Tensor | None = None, layout: Any = None) -> Tensor:  # fmt: skip
    """``torch.zeros``."""
    return _filled(0, size, dtype, device, requires_grad)


@register(method=False)
def ones(*size: Any, dtype: DType = None, device: Any = None, requires_grad: bool = False,
         out: Tensor | None = None, layout: Any = None) -> Tensor:  # fmt: skip
    """``torch.ones``."""
    return _filled(1, size, dtype, device, requires_grad)


@register(method=False)
def empty(*size: Any, dtype: DType = None, device: Any = None, requires_grad: bool = False,
          out: Tensor | None = None, layout: Any = None, memory_format: Any = None) -> Tensor:  # fmt: skip  # noqa: E501
    """``torch.empty`` (zero-filled: XLA has no uninitialised buffers)."""
    return _filled(0, size, dtype, device, requires_grad)


@register(method=False)
def full(size: Sequence[int], fill_value: Any, *, dtype: DType = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.full``: the dtype follows ``fill_value`` (int → int64) unless given."""
    dt = _dtype.as_dtype(dtype) if dtype is not None else _infer_dtype(fill_value)
    return _finish(
        jnp.full(tuple(size), fill_value, dt.np_dtype), device, requires_grad
    )


def _like(input: Tensor, dtype: DType, device: Any) -> tuple[tuple[int, ...], Any, Any]:
    dt = _dtype.as_dtype(dtype) if dtype is not None else input.dtype
    return tuple(input.shape), dt, device


@register(method=False)
def zeros_like(input: Tensor, *, dtype: DType = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
    """``torch.zeros_like``."""
    s, dt, dev = _like(input, dtype, device)
    return _filled(0, s, dt, dev, requires_grad)


@register(method=False)
def ones_like(input: Tensor, *, dtype: DType = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
    """``torch.ones_like``."""
    s, dt, dev = _like(input, dtype, device)
    return _filled(1, s, dt, dev, requires_grad)


@register(method=False)
def empty_like(input: Tensor, *, dtype: DType = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
    """``torch.empty_like`` (zero-filled)."""
    s, dt, dev = _like(input, dtype, device)
    return _filled(0, s, dt, dev, requires_grad)


@register(method=False)
def full_like(input: Tensor, fill_value: Any, *, dtype: DType = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:  # fmt: skip
    """``torch.full_like``."""
    s, dt, dev = _like(input, dtype, device)
    return _filled(fill_value, s, dt, dev, requires_grad)


@register(method=False)
def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: DType = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.arange``: int64 for integer arguments, else the default float dtype."""
    if end is None:
        start, end = 0, start
    vals = [_scalar(v) for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        dt = (
            _dtype.int64
            if all(isinstance(v, int) for v in vals)
            else _dtype.get_default_dtype()
        )
    else:
        dt = _dtype.as_dtype(dtype)
    n = max(int(np.ceil((vals[1] - vals[0]) / vals[2])), 0)
    arr = (
        vals[0]
        + np.arange(n, dtype=np.float64 if dt.is_floating_point else np.int64) * vals[2]
    )
    return _finish(jnp.asarray(arr.astype(dt.np_dtype)), device, requires_grad)


def _scalar(v: Any) -> Any:
    return v.item() if isinstance(v, Tensor) else v


@register(method=False)
def linspace(start: Any, end: Any, steps: int, *, dtype: DType = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.linspace``."""
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    arr = np.linspace(_scalar(start), _scalar(end), steps, dtype=np.float64).astype(
        dt.np_dtype
    )
    return _finish(jnp.asarray(arr), device, requires_grad)


@register(method=False)
def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: DType = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.logspace``."""
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    arr = np.logspace(_scalar(start), _scalar(end), steps, base=base).astype(
        dt.np_dtype
    )
    return _finish(jnp.asarray(arr), device, requires_grad)


@register(method=False)
def eye(n: int, m: int | None = None, *, dtype: DType = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.eye``."""
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _finish(jnp.eye(n, m, dtype=dt.np_dtype), device, requires_grad)


# ------------------------------------------------------------------ conversion
_convert = Op("to", lambda x, *, dtype: x.astype(dtype), saves_inputs=False,
              backward_name="ToCopyBackward0")  # fmt: skip
_move = Op("to_device", lambda x, *, device: jax.device_put(x, device), saves_inputs=False,
           backward_name="ToCopyBackward0", jit=False)  # fmt: skip


def _parse_to(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    dev = kwargs.get("device")
    dt = kwargs.get("dtype")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, (_dtype.dtype, type)) or (
            isinstance(a, str) and a in _dtype.ALIASES
        ):
            dt = a
        elif a is not None:
            dev = a
    return dev, dt


def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``Tensor.to(dtype | device | other, non_blocking=False, copy=False)``."""
    dev, dt = _parse_to(args, kwargs)
    out = self
    if dt is not None and _dtype.as_dtype(dt) is not self.dtype:
        out = _convert(out, dtype=_dtype.as_dtype(dt).np_dtype)
    if dev is not None:
        target = to_jax_device(dev)
        if _device_cls(dev) != self.device:
            out = _move(out, device=target)
    if kwargs.get("copy") and out is self:
        out = _convert(self, dtype=self._data.dtype)
    return out


def _caster(name: str, d: _dtype.dtype) -> Any:
    def cast(self: Tensor, memory_format: Any = None) -> Tensor:
        return to(self, d)

    cast.__name__ = name
    cast.__doc__ = f"``Tensor.{name}()``: ``self.to({d!r})``."
    return cast


def type_as(self: Tensor, other: Tensor) -> Tensor:
    """``Tensor.type_as``."""
    return to(self, other.dtype)


def _type(self: Tensor, dtype: Any = None) -> Any:
    if dtype is None:
        return f"functorch_lite.{_TYPE_NAMES[self.dtype.name]}"
    return to(self, dtype)


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "bfloat16": "BFloat16Tensor", "int64": "LongTensor", "int32": "IntTensor",
               "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
               "bool": "BoolTensor", "complex64": "ComplexFloatTensor",
               "complex128": "ComplexDoubleTensor"}  # fmt: skip

method("to", to)
method("type_as", type_as)
method("type", _type)
for _n, _d in [("float", _dtype.float32), ("double", _dtype.float64), ("half", _dtype.float16),
               ("bfloat16", _dtype.bfloat16), ("long", _dtype.int64), ("int", _dtype.int32),
               ("short", _dtype.int16), ("char", _dtype.int8), ("byte", _dtype.uint8),
               ("bool", _dtype.bool_), ("cfloat", _dtype.complex64)]:  # fmt: skip
    method(_n, _caster(_n, _d))
method("cpu", lambda self, memory_format=None: to(self, "cpu"))
method("cuda", lambda self, device=None, non_blocking=False: to(self, device or "cuda"))


# ------------------------------------------------------------------ random
def _float_dt(dtype: DType) -> _dtype.dtype:
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    if not dt.is_floating_point:
        raise RuntimeError(f"\"check_uniform_bounds\" not implemented for '{dt.name}'")
    return dt


@register(method=False)
def rand(*size: Any, generator: Generator | None = None, dtype: DType = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.rand``: uniform on [0, 1)."""
    dt = _float_dt(dtype)
    arr = jax.random.uniform(key_for(generator), _size(size), dt.np_dtype)
    return _finish(arr, device, requires_grad)


@register(method=False)
def randn(*size: Any, generator: Generator | None = None, dtype: DType = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.randn``: standard normal."""
    dt = _float_dt(dtype)
    arr = jax.random.normal(key_for(generator), _size(size), dt.np_dtype)
    return _finish(arr, device, requires_grad)


@register(method=False)
def randint(low: int, high: Any = None, size: Any = None, *, generator: Generator | None = None,
            dtype: DType = None, device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip  # noqa: E501
    """``torch.randint(low=0, high, size)``: int64 uniform integers in [low, high)."""
    if size is None:
        low, high, size = 0, low, high
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.int64
    arr = jax.random.randint(key_for(generator), tuple(size), low, high, jnp.int64)
    return _finish(arr.astype(dt.np_dtype), device, requires_grad)


@register(method=False)
def randperm(n: int, *, generator: Generator | None = None, dtype: DType = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.randperm``: a random permutation of ``0..n-1`` (int64)."""
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.int64
    arr = jax.random.permutation(key_for(generator), n).astype(dt.np_dtype)
    return _finish(arr, device, requires_grad)


@register(method=False)
def rand_like(input: Tensor, *, dtype: DType = None, device: Any = None,
              requires_grad: bool = False, generator: Generator | None = None) -> Tensor:  # fmt: skip  # noqa: E501
    """``torch.rand_like``."""
    return rand(*input.shape, dtype=dtype or input.dtype, device=device,
                requires_grad=requires_grad, generator=generator)  # fmt: skip


@register(method=False)
def randn_like(input: Tensor, *, dtype: DType = None, device: Any = None,
               requires_grad: bool = False, generator: Generator | None = None) -> Tensor:  # fmt: skip  # noqa: E501
    """``torch.randn_like``."""
    return randn(*input.shape, dtype=dtype or input.dtype, device=device,
                 requires_grad=requires_grad, generator=generator)  # fmt: skip


@register(method=False)
def randint_like(input: Tensor, low: int, high: int | None = None, *, dtype: DType = None,
                 generator: Generator | None = None) -> Tensor:  # fmt: skip
    """``torch.randint_like``."""
    if high is None:
        low, high = 0, low
    return randint(
        low, high, tuple(input.shape), dtype=dtype or input.dtype, generator=generator
    )


_normal = Op(
    "normal",
    lambda key, mean, std, *, shape, dtype: (
        jnp.asarray(mean, dtype)
        + jnp.asarray(std, dtype) * jax.random.normal(key, shape, dtype)
    ),
)  # noqa: E501
_bern = Op(
    "bernoulli",
    lambda key, p, *, shape, dtype: jax.random.bernoulli(key, p, shape).astype(dtype),
)  # noqa: E501


@register(method=False)
def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *,
           generator: Generator | None = None, dtype: DType = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``torch.normal``: tensor or scalar ``mean``/``std`` (broadcast), or ``size``."""
    shapes = [tuple(x.shape) for x in (mean, std) if isinstance(x, Tensor)]
    shape = (
        tuple(size)
        if size is not None
        else tuple(jnp.broadcast_shapes(*shapes))
        if shapes
        else ()
    )  # noqa: E501
    if dtype is not None:
        dt = _dtype.as_dtype(dtype)
    else:
        dt = (
            _dtype.result_type(*[x for x in (mean, std)])
            if shapes
            else _dtype.get_default_dtype()
        )  # noqa: E501
    out = _normal(key_for(generator), mean, std, shape=shape, dtype=dt.np_dtype)
    if requires_grad:
        out.requires_grad_(True)
    return out


@register(method=True)
def bernoulli(
    input: Tensor, p: Any = None, *, generator: Generator | None = None
) -> Tensor:
    """``torch.bernoulli``: draws 1 with probability ``input`` (or ``p``)."""
    prob = input if p is None else p
    with no_grad():
        return _bern(
            key_for(generator), prob, shape=tuple(input.shape), dtype=input._data.dtype
        )


@register(method=True)
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:  # fmt: skip
    """``torch.multinomial``: indices drawn from rows of (unnormalised) probabilities."""
    probs = input._data
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )  # noqa: E501
    logits = jnp.log(probs / jnp.sum(probs, axis=-1, keepdims=True))
    key = key_for(generator)
    if replacement:
        shape = probs.shape[:-1] + (num_samples,)
        logits_b = jnp.expand_dims(logits, -2)
        out = jax.random.categorical(key, logits_b, axis=-1, shape=shape)
    else:
        # Gumbel top-k draws without replacement in one shot.
        g = -jnp.log(
            -jnp.log(jax.random.uniform(key, probs.shape, probs.dtype, 1e-20, 1.0))
        )
        out = jax.lax.top_k(logits + g, num_samples)[1]
    return Tensor(out.astype(jnp.int64))


def _sampler(name: str, draw: Any) -> Any:
    def sample_(
        self: Tensor, *args: Any, generator: Generator | None = None, **kw: Any
    ) -> Tensor:
        with no_grad():
            arr = draw(
                key_for(generator), self._data.shape, self._data.dtype, *args, **kw
            )
            return inplace(self, Tensor(arr.astype(self._data.dtype)))

    sample_.__name__ = name
    return sample_


method(
    "normal_",
    _sampler(
        "normal_",
        lambda k, s, d, mean=0.0, std=1.0: mean + std * jax.random.normal(k, s, d),
    ),
)  # noqa: E501
method(
    "uniform_",
    _sampler(
        "uniform_",
        lambda k, s, d, from_=0.0, to=1.0: jax.random.uniform(k, s, d, from_, to),
    ),
)  # noqa: E501
method(
    "bernoulli_",
    _sampler("bernoulli_", lambda k, s, d, p=0.5: jax.random.bernoulli(k, p, s)),
)  # noqa: E501
method(
    "exponential_",
    _sampler(
        "exponential_",
        lambda k, s, d, lambd=1.0: jax.random.exponential(k, s, d) / lambd,
    ),
)  # noqa: E501
method(
    "random_",
    _sampler(
        "random_",
        lambda k, s, d, from_=0, to=2**24: jax.random.randint(k, s, from_, to),
    ),
)  # noqa: E501
method(
    "geometric_",
    _sampler("geometric_", lambda k, s, d, p: jax.random.geometric(k, p, s)),
)  # noqa: E501
method(
    "cauchy_",
    _sampler(
        "cauchy_",
        lambda k, s, d, median=0.0, sigma=1.0: (
            median + sigma * jax.random.cauchy(k, s, d)
        ),
    ),
)  # noqa: E501
method(
    "log_normal_",
    _sampler(
        "log_normal_",
        lambda k, s, d, mean=1.0, std=2.0: jnp.exp(
            mean + std * jax.random.normal(k, s, d)
        ),
    ),
)  # noqa: E501


def zero_(self: Tensor) -> Tensor:
    """``Tensor.zero_``: fill with zeros in place."""
    return inplace(self, Tensor(jnp.zeros(self._data.shape, self._data.dtype)))


def fill_(self: Tensor, value: Any) -> Tensor:
    """``Tensor.fill_``: fill with a number (or a 0-d tensor) in place."""
    if isinstance(value, Tensor):
        return inplace(self, value)
    return inplace(self, Tensor(jnp.full(self._data.shape, value, self._data.dtype)))


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """``Tensor.copy_``: copy (broadcast, cast) ``src`` into self; grads flow to ``src``."""
    if not isinstance(src, Tensor):
        src = tensor(src)
    if src.dtype is not self.dtype:
        src = to(src, self.dtype)
    return inplace(self, src)


def new_tensor(self: Tensor, data: Any, *, dtype: DType = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
    return tensor(
        data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad
    )


def _new_filled(fill: Any) -> Any:
    def new(self: Tensor, *size: Any, dtype: DType = None, device: Any = None,
            requires_grad: bool = False) -> Tensor:  # fmt: skip
        return _filled(fill, size, dtype or self.dtype, device, requires_grad)

    return new


method("zero_", zero_)
method("fill_", fill_)
method("copy_", copy_)
method("new_tensor", new_tensor)
method("new_zeros", _new_filled(0))
method("new_ones", _new_filled(1))
method("new_empty", _new_filled(0))
method(
    "new_full",
    lambda self, size, fill_value, *, dtype=None, device=None, requires_grad=False: (
        _filled(fill_value, size, dtype or self.dtype, device, requires_grad)
    ),
)  # noqa: E501

__all__ = exported(globals())
