"""Resampling: ``interpolate``/``upsample*`` and ``pixel_shuffle``/``pixel_unshuffle``.

Linear, bilinear, trilinear and bicubic resizing are separable: each spatial axis is
multiplied by an ``(out, in)`` weight matrix built in numpy from PyTorch's source-index
formula (``align_corners``; half-pixel otherwise, clamped at 0 for linear modes; cubic
convolution with ``A = -0.75`` and clamped borders for bicubic).
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ._base import as_tensor
from ._pooling import (
    _Hashable,
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
)

__all__ = [
    "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
    "pixel_unshuffle",
]  # fmt: skip

_MODES = (
    "nearest",
    "nearest-exact",
    "linear",
    "bilinear",
    "bicubic",
    "trilinear",
    "area",
)


def _scale(
    in_size: int, out_size: int, align_corners: bool, scale: float | None
) -> float:
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return 1.0 / scale if scale else in_size / out_size


def _linear_matrix(in_size: int, out_size: int, align_corners: bool,
                   scale: float | None) -> np.ndarray:  # fmt: skip
    r = _scale(in_size, out_size, align_corners, scale)
    i = np.arange(out_size, dtype=np.float64)
    src = i * r if align_corners else np.maximum((i + 0.5) * r - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    i1 = np.minimum(i0 + 1, in_size - 1)
    w1 = src - i0
    m = np.zeros((out_size, in_size), np.float64)
    np.add.at(m, (np.arange(out_size), i0), 1 - w1)
    np.add.at(m, (np.arange(out_size), i1), w1)
    return m


def _cubic(t: np.ndarray, a: float = -0.75) -> list[np.ndarray]:
    def near(x: np.ndarray) -> np.ndarray:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: np.ndarray) -> np.ndarray:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _cubic_matrix(in_size: int, out_size: int, align_corners: bool,
                  scale: float | None) -> np.ndarray:  # fmt: skip
    r = _scale(in_size, out_size, align_corners, scale)
    i = np.arange(out_size, dtype=np.float64)
    src = i * r if align_corners else (i + 0.5) * r - 0.5  # no clamp for bicubic
    f = np.floor(src)
    t = src - f
    m = np.zeros((out_size, in_size), np.float64)
    for j, w in enumerate(_cubic(t)):
        idx = np.clip(f.astype(np.int64) - 1 + j, 0, in_size - 1)
        np.add.at(m, (np.arange(out_size), idx), w)
    return m


def _nearest_index(
    in_size: int, out_size: int, scale: float | None, exact: bool
) -> np.ndarray:
    r = 1.0 / scale if scale else in_size / out_size
    i = np.arange(out_size, dtype=np.float64)
    src = np.floor((i + 0.5) * r) if exact else np.floor(i * r)
    return np.minimum(src.astype(np.int64), in_size - 1)


def _resample(x, *, mats):  # type: ignore[no-untyped-def]
    n = len(mats)
    for i, m in enumerate(mats):
        axis = x.ndim - n + i
        w = jnp.asarray(np.asarray(m), x.dtype)
        x = jnp.moveaxis(jnp.tensordot(x, w, ((axis,), (1,))), -1, axis)
    return x


def _gather(x, *, index):  # type: ignore[no-untyped-def]
    n = len(index)
    for i, idx in enumerate(index):
        x = jnp.take(x, jnp.asarray(np.asarray(idx)), axis=x.ndim - n + i)
    return x


_resample_op = Op("upsample", _resample, saves_inputs=False)
_gather_op = Op("upsample_nearest", _gather, saves_inputs=False)


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None,
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:  # fmt: skip
    """``F.interpolate``: resize the spatial dims of ``(N, C, *spatial)``.

    Modes: nearest, nearest-exact, (bi/tri)linear, bicubic, area.
    """
    input = as_tensor(input)
    n = input.dim() - 2
    if n < 1:
        raise ValueError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D)"
        )  # noqa: E501
    if mode not in _MODES:
        raise NotImplementedError(
            f"Got {input.dim()}D input, but {mode} mode is not supported"
        )
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: "
            "linear | bilinear | bicubic | trilinear"
        )
    expected = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}.get(mode)
    if expected is not None and expected != n:
        raise NotImplementedError(
            f"Got {input.dim()}D input, but {mode} mode needs {expected + 2}D input"
        )
    if antialias:
        raise NotImplementedError("antialias=True is not supported")
    if (size is None) == (scale_factor is None):
        raise ValueError(
            "either size or scale_factor should be defined, not both"
            if size is not None
            else "either size or scale_factor should be defined"
        )  # noqa: E501
    spatial = tuple(input.shape[2:])
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (int(size),) * n
        if len(out) != n:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(spatial)} and output size of "
                f"{list(out)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                "and output size in (o1, o2, ...,oK) format."
            )
        scales: tuple[float | None, ...] = (None,) * n
    else:
        sf = (
            tuple(scale_factor)
            if isinstance(scale_factor, (tuple, list))
            else (scale_factor,) * n
        )  # noqa: E501
        out = tuple(int(math.floor(s * f)) for s, f in zip(spatial, sf))
        scales = (None,) * n if recompute_scale_factor else tuple(float(f) for f in sf)
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[n - 1](
            input, out
        )
    if mode in ("nearest", "nearest-exact"):
        index = tuple(
            _Hashable(
                _nearest_index(spatial[i], out[i], scales[i], mode == "nearest-exact")
            )
            for i in range(n)
        )
        return _gather_op(input, index=index)
    build = _cubic_matrix if mode == "bicubic" else _linear_matrix
    ac = bool(align_corners)
    mats = tuple(_Hashable(build(spatial[i], out[i], ac, scales[i])) for i in range(n))
    return _resample_op(input, mats=mats)


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None,
             mode: str = "nearest", align_corners: bool | None = None) -> Tensor:  # fmt: skip
    """``F.upsample`` (deprecated alias of ``interpolate``)."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(
    input: Tensor, size: Any = None, scale_factor: Any = None
) -> Tensor:
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(
    input: Tensor, size: Any = None, scale_factor: Any = None
) -> Tensor:
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _pixel_shuffle(x, *, r):  # type: ignore[no-untyped-def]
    *lead, c, h, w = x.shape
    oc = c // (r * r)
    x = x.reshape(*lead, oc, r, r, h, w)
    n = len(lead)
    x = x.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, oc, h * r, w * r)


def _pixel_unshuffle(x, *, r):  # type: ignore[no-untyped-def]
    *lead, c, h, w = x.shape
    x = x.reshape(*lead, c, h // r, r, w // r, r)
    n = len(lead)
    x = x.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


_shuffle_op = Op("pixel_shuffle", _pixel_shuffle, saves_inputs=False)
_unshuffle_op = Op("pixel_unshuffle", _pixel_unshuffle, saves_inputs=False)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``F.pixel_shuffle``: ``(*, C r^2, H, W)`` → ``(*, C, H r, W r)``."""
    input = as_tensor(input)
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.dim()} dimension(s)"
        )
    if input.shape[-3] % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={input.shape[-3]} is not "
            f"divisible by {r * r}"
        )
    return _shuffle_op(input, r=r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """``F.pixel_unshuffle``: ``(*, C, H r, W r)`` → ``(*, C r^2, H, W)``."""
    input = as_tensor(input)
    r = int(downscale_factor)
    if input.shape[-1] % r or input.shape[-2] % r:
        raise RuntimeError(
            "pixel_unshuffle expects height and width to be divisible by downscale_factor, "
            f"but got {list(input.shape[-2:])} and {r}"
        )
    return _unshuffle_op(input, r=r)
