"""``F.pad``: constant (negative pads crop), reflect, replicate and circular padding."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ._base import as_tensor

__all__ = ["pad"]

_JNP_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pad_constant(x, *, pads, value):  # type: ignore[no-untyped-def]
    # lax.pad takes negative widths (crop), as F.pad does.
    config = [(lo, hi, 0) for lo, hi in pads]
    return jax.lax.pad(x, jnp.asarray(value, x.dtype), config)


def _pad_mode(x, *, pads, mode):  # type: ignore[no-untyped-def]
    if mode == "circular":
        # Circular padding may also crop (negative widths) in PyTorch.
        for axis, (lo, hi) in enumerate(pads):
            if lo < 0:
                x = jax.lax.slice_in_dim(x, -lo, x.shape[axis], axis=axis)
                lo = 0
            if hi < 0:
                x = jax.lax.slice_in_dim(x, 0, x.shape[axis] + hi, axis=axis)
                hi = 0
            if lo or hi:
                x = jnp.pad(x, [(lo, hi) if a == axis else (0, 0) for a in range(x.ndim)],
                            mode="wrap")  # fmt: skip
        return x
    return jnp.pad(x, pads, mode=_JNP_MODE[mode])


_constant_op = Op("constant_pad_nd", _pad_constant, saves_inputs=False)
_mode_op = Op("pad", _pad_mode, saves_inputs=False)


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Tensor:  # fmt: skip
    """``F.pad``: ``pad = (last_lo, last_hi, prev_lo, prev_hi, ...)``, last dim first."""
    input = as_tensor(input)
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    n = len(pad) // 2
    if n > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the "
                           "input dimension but got padding length "
                           f"{len(pad)} and input of dimension {input.dim()}")  # fmt: skip
    pads = [(0, 0)] * input.dim()
    for i in range(n):
        pads[input.dim() - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == "constant":
        return _constant_op(input, pads=tuple(pads), value=float(value or 0.0))
    if mode not in _JNP_MODE:
        raise NotImplementedError(
            f"Unrecognised padding mode {mode}; expected constant, reflect, replicate or "
            "circular"
        )
    if mode in ("reflect", "replicate") and input.dim() < n + 1:
        raise NotImplementedError(
            "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now"
        )
    if mode == "reflect":
        for d, (lo, hi) in enumerate(pads):
            if lo >= input.shape[d] or hi >= input.shape[d]:
                raise RuntimeError(
                    f"Argument #4: Padding size should be less than the corresponding input "
                    f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input "
                    f"{list(input.shape)}"
                )
    return _mode_op(input, pads=tuple(pads), mode=mode)
