"""Per-sample image kernels on numpy arrays laid out ``(..., C, H, W)``.

These are the numerical cores behind ``functorch_lite.vision.transforms``. They follow
torchvision's *tensor* code paths (``torchvision/transforms/_functional_tensor.py``)
so results can be compared against ``torch`` directly. Per-sample work is cheap in
numpy; a JAX dispatch per sample would cost more than the work itself.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Fill = float | Sequence[float] | None

_PAD_MODES = ("constant", "edge", "reflect", "symmetric")
_INTEGER_KINDS = "iub"


def _is_float(arr: np.ndarray) -> bool:
    return arr.dtype.kind == "f"


def _cast_out(out: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Return float results in ``dtype``, rounding first for integer images.

    Mirrors torchvision's ``_cast_squeeze_out``: integer images are processed in
    float32 and rounded (half to even, like ``torch.round``) before the cast back.
    """
    if np.dtype(dtype).kind in _INTEGER_KINDS:
        info = np.iinfo(dtype)
        out = np.clip(np.rint(out), info.min, info.max)
    return out.astype(dtype, copy=False)


def _work_dtype(arr: np.ndarray) -> np.dtype:
    return arr.dtype if _is_float(arr) else np.dtype(np.float32)


def _fill_array(fill: Fill, channels: int, dtype: np.dtype) -> np.ndarray:
    """Fill value(s) shaped ``(C, 1, 1)`` so they broadcast over ``(..., C, H, W)``."""
    values = np.atleast_1d(np.asarray(0.0 if fill is None else fill, dtype=np.float64))
    if values.ndim != 1 or values.size not in (1, channels):
        raise ValueError(
            f"fill must be a number or a sequence with one value per channel "
            f"({channels} channels), got {fill!r}"
        )
    values = np.broadcast_to(values, (channels,))
    return values.reshape(channels, 1, 1).astype(dtype)


# --------------------------------------------------------------------------- pad/crop


def pad(
    img: np.ndarray,
    padding: tuple[int, int, int, int],
    fill: Fill = 0,
    padding_mode: str = "constant",
) -> np.ndarray:
    """Pad the last two dims by ``(left, top, right, bottom)``; negative values crop.

    Mirrors ``torchvision.transforms.functional.pad`` on tensors.
    """
    if padding_mode not in _PAD_MODES:
        raise ValueError(
            f"padding_mode should be one of {', '.join(_PAD_MODES)}; got {padding_mode!r}"
        )
    left, top, right, bottom = padding
    # torchvision crops for negative padding before padding the positive sides.
    h, w = img.shape[-2:]
    img = img[
        ..., max(-top, 0) : h - max(-bottom, 0), max(-left, 0) : w - max(-right, 0)
    ]
    left, top, right, bottom = (max(p, 0) for p in (left, top, right, bottom))
    if left == top == right == bottom == 0:
        return img
    h, w = img.shape[-2:]
    if padding_mode == "reflect" and (max(top, bottom) >= h or max(left, right) >= w):
        raise ValueError(
            f"reflect padding ({left}, {top}, {right}, {bottom}) must be smaller than the "
            f"image size (H={h}, W={w}) on each side; use padding_mode='symmetric' or "
            "pad in several steps"
        )
    if padding_mode == "constant":
        out_shape = img.shape[:-2] + (h + top + bottom, w + left + right)
        out = np.empty(out_shape, dtype=img.dtype)
        channels = img.shape[-3] if img.ndim >= 3 else 1
        fill_arr = _fill_array(fill, channels, np.dtype(np.float64))
        if img.dtype.kind in _INTEGER_KINDS:
            fill_arr = np.rint(fill_arr)
        if img.ndim < 3:
            fill_arr = fill_arr[0]
        out[...] = fill_arr.astype(img.dtype)
        out[..., top : top + h, left : left + w] = img
        return out
    width = [(0, 0)] * (img.ndim - 2) + [(top, bottom), (left, right)]
    mode: Any = padding_mode  # validated above; numpy's stubs want a Literal
    return np.pad(img, width, mode=mode)


def crop(img: np.ndarray, top: int, left: int, height: int, width: int) -> np.ndarray:
    """Crop ``[top:top+height, left:left+width]``; zero-pads outside the image.

    Mirrors ``torchvision.transforms.functional.crop`` on tensors.
    """
    h, w = img.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding = (
            max(-left, 0),
            max(-top, 0),
            max(right - w, 0),
            max(bottom - h, 0),
        )
        img = img[..., max(top, 0) : min(bottom, h), max(left, 0) : min(right, w)]
        return pad(img, padding, fill=0)
    return img[..., top:bottom, left:right]


def center_crop(img: np.ndarray, output_size: tuple[int, int]) -> np.ndarray:
    """Crop the centre ``(height, width)``; pads with zeros if the image is smaller.

    Mirrors ``torchvision.transforms.functional.center_crop`` (including Python's
    half-to-even ``round`` for the offset).
    """
    crop_height, crop_width = output_size
    image_height, image_width = img.shape[-2:]
    if crop_width > image_width or crop_height > image_height:
        padding = (
            (crop_width - image_width) // 2 if crop_width > image_width else 0,
            (crop_height - image_height) // 2 if crop_height > image_height else 0,
            (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
            (crop_height - image_height + 1) // 2 if crop_height > image_height else 0,
        )
        img = pad(img, padding, fill=0)
        image_height, image_width = img.shape[-2:]
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = round((image_height - crop_height) / 2.0)
    crop_left = round((image_width - crop_width) / 2.0)
    return crop(img, crop_top, crop_left, crop_height, crop_width)


# --------------------------------------------------------------------------- resize


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(1.0 - np.abs(x), 0.0)


def _cubic(x: np.ndarray, a: float) -> np.ndarray:
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = (((x - 5.0) * x + 8.0) * x - 4.0) * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


def _antialias_weights(
    in_size: int,
    out_size: int,
    kernel: Callable[[np.ndarray], np.ndarray],
    radius: float,
) -> np.ndarray:
    """PIL-style resampling matrix, as in PyTorch's ``antialias=True`` kernels.

    When shrinking, the filter is stretched by the scale so every input pixel
    contributes (no aliasing); weights are renormalised over in-range pixels.
    """
    scale = in_size / out_size
    support = radius * scale if scale >= 1.0 else radius
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    weights = np.zeros((out_size, in_size), dtype=np.float64)
    for i in range(out_size):
        center = scale * (i + 0.5)
        # int() truncates toward zero, like the C++ cast in PyTorch's kernel.
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size)
        taps = np.arange(xmin, xmax)
        w = kernel((taps - center + 0.5) * invscale)
        total = w.sum()
        weights[i, xmin:xmax] = w / total if total != 0.0 else w
    return weights


def _linear_weights(in_size: int, out_size: int) -> np.ndarray:
    """``interpolate(mode='bilinear', align_corners=False, antialias=False)`` taps."""
    scale = in_size / out_size
    src = np.maximum(scale * (np.arange(out_size) + 0.5) - 0.5, 0.0)
    i0 = src.astype(np.int64)
    i1 = np.minimum(i0 + 1, in_size - 1)
    l1 = src - i0
    weights = np.zeros((out_size, in_size), dtype=np.float64)
    rows = np.arange(out_size)
    np.add.at(weights, (rows, i0), 1.0 - l1)
    np.add.at(weights, (rows, i1), l1)
    return weights


def _cubic_weights(in_size: int, out_size: int) -> np.ndarray:
    """``interpolate(mode='bicubic', align_corners=False, antialias=False)`` taps.

    PyTorch uses Keys' cubic with ``a = -0.75`` and clamps tap indices to the border.
    """
    scale = in_size / out_size
    src = scale * (np.arange(out_size) + 0.5) - 0.5
    i0 = np.floor(src).astype(np.int64)
    t = src - i0
    weights = np.zeros((out_size, in_size), dtype=np.float64)
    rows = np.arange(out_size)
    for offset in (-1, 0, 1, 2):
        idx = np.clip(i0 + offset, 0, in_size - 1)
        np.add.at(weights, (rows, idx), _cubic(t - offset, -0.75))
    return weights


@functools.lru_cache(maxsize=256)
def _resize_weights(
    in_size: int, out_size: int, interpolation: str, antialias: bool
) -> np.ndarray:
    shrinking = out_size < in_size
    if interpolation == "bilinear":
        if antialias and shrinking:
            return _antialias_weights(in_size, out_size, _triangle, 1.0)
        return _linear_weights(in_size, out_size)
    if antialias:
        # PyTorch's antialiased bicubic (PIL's) uses a = -0.5 even when enlarging.
        return _antialias_weights(in_size, out_size, lambda x: _cubic(x, -0.5), 2.0)
    return _cubic_weights(in_size, out_size)


@functools.lru_cache(maxsize=256)
def _nearest_index(in_size: int, out_size: int) -> np.ndarray:
    """PyTorch's legacy ``mode='nearest'``: ``floor(i * in / out)`` in float32."""
    scale = np.float32(in_size) / np.float32(out_size)
    idx = np.floor(np.arange(out_size, dtype=np.float32) * scale).astype(np.int64)
    return np.minimum(idx, in_size - 1)


def resize(
    img: np.ndarray,
    size: tuple[int, int],
    interpolation: str = "bilinear",
    antialias: bool = True,
) -> np.ndarray:
    """Resize the last two dims to ``size = (height, width)``.

    Mirrors ``torch.nn.functional.interpolate(align_corners=False)`` as torchvision's
    tensor ``resize`` calls it; integer images are computed in float32 and rounded.
    """
    in_h, in_w = img.shape[-2:]
    out_h, out_w = size
    if (in_h, in_w) == (out_h, out_w):
        return img
    if interpolation == "nearest":
        return img[
            ..., _nearest_index(in_h, out_h)[:, None], _nearest_index(in_w, out_w)
        ]
    dtype = _work_dtype(img)
    x = img.astype(dtype, copy=False)
    w_h = _resize_weights(in_h, out_h, interpolation, antialias).astype(dtype)
    w_w = _resize_weights(in_w, out_w, interpolation, antialias).astype(dtype)
    # PyTorch's antialiased kernels resample width first, then height.
    out = np.matmul(w_h, np.matmul(x, w_w.T))
    if interpolation == "bicubic" and img.dtype == np.uint8:
        out = np.clip(out, 0, 255)
    return _cast_out(out, img.dtype)


# --------------------------------------------------------------------------- rotate


def _inverse_rotation_matrix(center: tuple[float, float], angle: float) -> list[float]:
    """torchvision's ``_get_inverse_affine_matrix`` for a pure rotation (degrees)."""
    rot = math.radians(angle)
    cx, cy = center
    a, b, c, d = math.cos(rot), -math.sin(rot), math.sin(rot), math.cos(rot)
    matrix = [d, -b, 0.0, -c, a, 0.0]
    matrix[2] += matrix[0] * -cx + matrix[1] * -cy + cx
    matrix[5] += matrix[3] * -cx + matrix[4] * -cy + cy
    return matrix


def _affine_output_size(matrix: list[float], w: int, h: int) -> tuple[int, int]:
    """Bounding box of the rotated image, as torchvision's ``expand=True``."""
    pts = np.array(
        [
            [-0.5 * w, -0.5 * h, 1.0],
            [-0.5 * w, 0.5 * h, 1.0],
            [0.5 * w, 0.5 * h, 1.0],
            [0.5 * w, -0.5 * h, 1.0],
        ],
        dtype=np.float32,
    )
    theta = np.asarray(matrix, dtype=np.float32).reshape(2, 3)
    new_pts = pts @ theta.T
    halfs = np.array([w * 0.5, h * 0.5], dtype=np.float32)
    min_vals, max_vals = new_pts.min(axis=0) + halfs, new_pts.max(axis=0) + halfs
    # Truncate to 1e-4 so that 1e-15 rounding noise does not ceil to a whole pixel.
    tol = np.float32(1e-4)
    cmax = np.ceil(np.trunc(max_vals / tol) * tol)
    cmin = np.floor(np.trunc(min_vals / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def _sample(
    img: np.ndarray, px: np.ndarray, py: np.ndarray, interpolation: str
) -> np.ndarray:
    """``grid_sample(padding_mode='zeros', align_corners=False)`` at pixel coords."""
    h, w = img.shape[-2:]

    flat_img = img.reshape(img.shape[:-2] + (h * w,))

    def gather(xi: np.ndarray, yi: np.ndarray) -> np.ndarray:
        valid = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        values = np.take(flat_img, np.where(valid, yi * w + xi, 0), axis=-1)
        return values * valid.astype(img.dtype)

    if interpolation == "nearest":
        # grid_sample rounds half to even (nearbyint), as np.rint does.
        return gather(np.rint(px).astype(np.int64), np.rint(py).astype(np.int64))
    x0f, y0f = np.floor(px), np.floor(py)
    x0, y0 = x0f.astype(np.int64), y0f.astype(np.int64)
    wx1, wy1 = (px - x0f).astype(img.dtype), (py - y0f).astype(img.dtype)
    wx0, wy0 = 1 - wx1, 1 - wy1
    return (
        gather(x0, y0) * (wx0 * wy0)
        + gather(x0 + 1, y0) * (wx1 * wy0)
        + gather(x0, y0 + 1) * (wx0 * wy1)
        + gather(x0 + 1, y0 + 1) * (wx1 * wy1)
    )


def rotate(
    img: np.ndarray,
    angle: float,
    interpolation: str = "nearest",
    expand: bool = False,
    center: Sequence[float] | None = None,
    fill: Fill = None,
) -> np.ndarray:
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (pixel coords).

    Mirrors torchvision's tensor ``rotate``: an inverse affine grid evaluated in the
    image's float dtype and sampled like ``grid_sample(align_corners=False)``; areas
    outside the source image get ``fill`` (``None`` leaves zeros without blending).
    """
    h, w = img.shape[-2:]
    center_f = (0.0, 0.0)
    if center is not None:
        center_f = (1.0 * (center[0] - w * 0.5), 1.0 * (center[1] - h * 0.5))
    # torchvision passes -angle: its affine and rotate angles have opposite senses.
    matrix = _inverse_rotation_matrix(center_f, -angle)
    ow, oh = _affine_output_size(matrix, w, h) if expand else (w, h)
    dtype = _work_dtype(img)
    x = img.astype(dtype, copy=False)
    # Same float ops, in the same order, as torchvision's _gen_affine_grid followed by
    # grid_sample's unnormalisation, so nearest sampling rounds at the same places.
    theta = np.asarray(matrix, dtype=dtype).reshape(2, 3)
    rescaled = theta.T / np.array([0.5 * w, 0.5 * h], dtype=dtype)
    xs = (np.arange(ow, dtype=dtype) + dtype.type(-ow * 0.5 + 0.5))[None, :]
    ys = (np.arange(oh, dtype=dtype) + dtype.type(-oh * 0.5 + 0.5))[:, None]
    gx = xs * rescaled[0, 0] + ys * rescaled[1, 0] + rescaled[2, 0]
    gy = xs * rescaled[0, 1] + ys * rescaled[1, 1] + rescaled[2, 1]
    # PyTorch's CPU grid_sampler unnormalises as (g + 1) * (size / 2) - 0.5.
    px = (gx + 1) * dtype.type(w / 2) - dtype.type(0.5)
    py = (gy + 1) * dtype.type(h / 2) - dtype.type(0.5)
    out = _sample(x, px, py, interpolation)
    if fill is not None:
        mask = _sample(np.ones((1, h, w), dtype=dtype), px, py, interpolation)
        channels = x.shape[-3] if x.ndim >= 3 else 1
        fill_img = _fill_array(fill, channels, dtype)
        if x.ndim < 3:
            fill_img, mask = fill_img[0], mask[0]
        if interpolation == "nearest":
            out = np.where(mask < 0.5, fill_img, out)
        else:
            out = out * mask + (1.0 - mask) * fill_img
    return _cast_out(out, img.dtype)
