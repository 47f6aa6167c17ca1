"""Window functions: ``torch.hann_window``, ``hamming_window``, ``blackman_window``,
``bartlett_window``, ``kaiser_window``.

Computed in float64 on the host (they are constants) and cast to ``dtype``.
``periodic=True`` (the default, for spectral analysis) is the symmetric window of
length ``N + 1`` without its last sample, as PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from ._creation import _finish as _created
from ._registry import exported, register

DType = _dtype.dtype | None


def _window(name: str, length: int, periodic: bool, dtype: DType, device: Any,
            requires_grad: bool, shape: Callable[[np.ndarray, int], np.ndarray]) -> Any:  # fmt: skip
    if length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={length}")  # fmt: skip
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    if not dt.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dt}")
    if length <= 1:
        vals = np.ones(length)
    else:
        n = length + 1 if periodic else length
        vals = shape(np.arange(n, dtype=np.float64), n)[:length]
    return _created(jnp.asarray(vals.astype(dt.np_dtype)), device, requires_grad)


def _cosine_sum(*coeffs: float) -> Callable[[np.ndarray, int], np.ndarray]:
    def shape(k: np.ndarray, n: int) -> np.ndarray:
        out = np.zeros_like(k)
        for j, a in enumerate(coeffs):
            out += (-1) ** j * a * np.cos(2 * np.pi * j * k / (n - 1))
        return out

    return shape


@register(method=False)
def hann_window(window_length: int, periodic: bool = True, *, dtype: DType = None,
                layout: Any = None, device: Any = None, pin_memory: bool = False,
                requires_grad: bool = False) -> Any:  # fmt: skip
    """``torch.hann_window``: ``0.5 - 0.5 cos(2 pi n / (N - 1))``."""
    return _window("hann_window", window_length, periodic, dtype, device,
                   requires_grad, _cosine_sum(0.5, 0.5))  # fmt: skip


@register(method=False)
def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: DType = None, layout: Any = None,
                   device: Any = None, pin_memory: bool = False,
                   requires_grad: bool = False) -> Any:  # fmt: skip
    """``torch.hamming_window``: ``alpha - beta cos(2 pi n / (N - 1))``."""
    return _window("hamming_window", window_length, periodic, dtype, device,
                   requires_grad, _cosine_sum(alpha, beta))  # fmt: skip


@register(method=False)
def blackman_window(window_length: int, periodic: bool = True, *, dtype: DType = None,
                    layout: Any = None, device: Any = None, pin_memory: bool = False,
                    requires_grad: bool = False) -> Any:  # fmt: skip
    """``torch.blackman_window``: ``0.42 - 0.5 cos(2 pi n/(N-1)) + 0.08 cos(4 pi
    n/(N-1))``."""
    return _window("blackman_window", window_length, periodic, dtype, device,
                   requires_grad, _cosine_sum(0.42, 0.5, 0.08))  # fmt: skip


@register(method=False)
def bartlett_window(window_length: int, periodic: bool = True, *, dtype: DType = None,
                    layout: Any = None, device: Any = None, pin_memory: bool = False,
                    requires_grad: bool = False) -> Any:  # fmt: skip
    """``torch.bartlett_window``: the triangle ``1 - |2n / (N - 1) - 1|``."""
    return _window("bartlett_window", window_length, periodic, dtype, device,
                   requires_grad, lambda k, n: 1 - np.abs(2 * k / (n - 1) - 1))  # fmt: skip


@register(method=False)
def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: DType = None, layout: Any = None, device: Any = None,
                  pin_memory: bool = False, requires_grad: bool = False) -> Any:  # fmt: skip
    """``torch.kaiser_window``: ``I0(beta sqrt(1 - (2n/(N-1) - 1)^2)) / I0(beta)``."""

    def shape(k: np.ndarray, n: int) -> np.ndarray:
        r = 2 * k / (n - 1) - 1
        return np.i0(beta * np.sqrt(np.clip(1 - r * r, 0, None))) / np.i0(beta)

    return _window("kaiser_window", window_length, periodic, dtype, device,
                   requires_grad, shape)  # fmt: skip


__all__ = exported(globals())
