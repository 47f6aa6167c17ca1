"""``torchvision.transforms.functional`` for numpy images and functorch_lite Tensors.

Two image types are accepted, as torchvision accepts PIL images and tensors:

* a numpy array ``(H, W)`` or ``(H, W, C)`` — the stand-in for a PIL image (what the
  vision datasets return); results are numpy arrays in the same layout and dtype;
* a ``functorch_lite.Tensor`` ``(..., C, H, W)`` (or ``(H, W)``), as torchvision's
  tensor transforms; results are Tensors of the same dtype.

Both go through the same numpy kernels, which follow torchvision's tensor code paths
(so numpy images are resized and rotated like tensors, not like PIL).
"""

from __future__ import annotations

import enum
import numbers
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from .. import _bridge
from . import _kernels

Image = TypeVar("Image")

_IMAGE_TYPES = (
    "expected an image: a numpy array (H, W) or (H, W, C), or a functorch_lite "
    "Tensor (..., C, H, W); got {}"
)


class InterpolationMode(enum.Enum):
    """Interpolation modes, mirroring ``torchvision.transforms.InterpolationMode``."""

    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"


def _interpolation(mode: InterpolationMode | str, allowed: Sequence[str]) -> str:
    value = mode.value if isinstance(mode, InterpolationMode) else str(mode).lower()
    if value not in allowed:
        raise ValueError(
            f"interpolation {mode!r} is not supported here; use one of "
            + ", ".join(f"InterpolationMode.{a.upper()}" for a in allowed)
        )
    return value


def _apply(img: Any, kernel: Callable[[np.ndarray], np.ndarray]) -> Any:
    """Run ``kernel`` on ``img`` viewed as ``(..., C, H, W)``; return ``img``'s type."""
    if _bridge.is_numpy_image(img):
        if img.ndim == 2:
            return np.ascontiguousarray(kernel(img))
        if img.ndim == 3:
            out = kernel(np.moveaxis(img, -1, 0))
            return np.ascontiguousarray(np.moveaxis(out, 0, -1))
        raise ValueError(
            f"numpy images must be (H, W) or (H, W, C), got shape {img.shape}; "
            "for a batch, transform each sample or use a Tensor (N, C, H, W)"
        )
    if _bridge.is_tensor(img):
        arr = _bridge.tensor_to_numpy(img)
        if arr.ndim < 2:
            raise ValueError(
                f"expected a Tensor image of shape (..., C, H, W), got {tuple(arr.shape)}"
            )
        return _bridge.numpy_to_tensor(kernel(arr))
    raise TypeError(_IMAGE_TYPES.format(type(img).__name__))


def get_dimensions(img: Any) -> list[int]:
    """``[channels, height, width]`` of an image (``torchvision...get_dimensions``)."""
    if _bridge.is_numpy_image(img) and img.ndim in (2, 3):
        h, w = img.shape[:2]
        return [1 if img.ndim == 2 else img.shape[2], h, w]
    if _bridge.is_tensor(img) and img.ndim >= 2:
        shape = tuple(img.shape)
        return [1 if len(shape) == 2 else shape[-3], shape[-2], shape[-1]]
    raise TypeError(_IMAGE_TYPES.format(type(img).__name__))


def get_image_size(img: Any) -> list[int]:
    """``[width, height]`` of an image (``torchvision...get_image_size``)."""
    _, h, w = get_dimensions(img)
    return [w, h]


def to_tensor(pic: np.ndarray) -> Any:
    """``torchvision.transforms.functional.to_tensor`` for numpy images.

    ``(H, W[, C])`` becomes a ``(C, H, W)`` Tensor; ``uint8`` data is scaled to
    ``float32`` in ``[0, 1]``, other dtypes are kept unscaled (as torchvision does).
    """
    if _bridge.is_tensor(pic):
        raise TypeError(
            "to_tensor expects a numpy image (H, W[, C]); the input is already a "
            "Tensor — drop ToTensor() or use ConvertImageDtype-style arithmetic"
        )
    if not _bridge.is_numpy_image(pic):
        raise TypeError(f"pic should be a numpy array (H, W[, C]); got {type(pic)}")
    if pic.ndim not in (2, 3):
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    chw = (pic[:, :, None] if pic.ndim == 2 else pic).transpose(2, 0, 1)
    if chw.dtype == np.uint8:
        chw = chw.astype(np.float32) / np.float32(255)
    return _bridge.numpy_to_tensor(chw)


def normalize(
    tensor: Any, mean: Sequence[float], std: Sequence[float], inplace: bool = False
) -> Any:
    """``torchvision.transforms.functional.normalize``: ``(x - mean[c]) / std[c]``."""
    if not _bridge.is_tensor(tensor):
        raise TypeError(
            f"normalize expects a float Tensor (..., C, H, W), got {type(tensor).__name__}"
            "; put ToTensor() before Normalize in the pipeline"
        )
    arr = _bridge.tensor_to_numpy(tensor)
    if arr.dtype.kind != "f":
        raise TypeError(
            f"Input tensor should be a float tensor. Got {arr.dtype}; convert it "
            "first, e.g. `x.float() / 255`"
        )
    if arr.ndim < 3:
        raise ValueError(
            "Expected tensor to be a tensor image of size (..., C, H, W). "
            f"Got tensor.size() = {tuple(arr.shape)}."
        )
    mean_arr = np.asarray(mean, dtype=arr.dtype)
    std_arr = np.asarray(std, dtype=arr.dtype)
    if (std_arr == 0).any():
        raise ValueError(
            f"std evaluated to zero after conversion to {arr.dtype}, leading to "
            "division by zero."
        )
    if mean_arr.ndim == 1:
        mean_arr = mean_arr.reshape(-1, 1, 1)
    if std_arr.ndim == 1:
        std_arr = std_arr.reshape(-1, 1, 1)
    out = (arr - mean_arr) / std_arr
    if not inplace:
        return _bridge.numpy_to_tensor(out)
    _bridge.write_into(tensor, out)
    return tensor


def hflip(img: Image) -> Image:
    """``torchvision.transforms.functional.hflip``: mirror left-right."""
    return _apply(img, lambda a: a[..., ::-1])


def vflip(img: Image) -> Image:
    """``torchvision.transforms.functional.vflip``: mirror top-bottom."""
    return _apply(img, lambda a: a[..., ::-1, :])


def _parse_padding(padding: int | Sequence[int]) -> tuple[int, int, int, int]:
    if isinstance(padding, numbers.Integral):
        p = int(padding)
        return p, p, p, p
    if isinstance(padding, Sequence) and all(
        isinstance(p, numbers.Integral) for p in padding
    ):
        values = [int(p) for p in padding]
        if len(values) == 1:
            return values[0], values[0], values[0], values[0]
        if len(values) == 2:
            return values[0], values[1], values[0], values[1]
        if len(values) == 4:
            return values[0], values[1], values[2], values[3]
    raise ValueError(
        "padding must be an int or a sequence of 1, 2 (left/right, top/bottom) or "
        f"4 (left, top, right, bottom) ints; got {padding!r}"
    )


def pad(
    img: Image,
    padding: int | Sequence[int],
    fill: float | Sequence[float] = 0,
    padding_mode: str = "constant",
) -> Image:
    """``torchvision.transforms.functional.pad``; negative padding crops.

    ``padding_mode`` is one of ``constant`` (with ``fill``, a number or one value per
    channel), ``edge``, ``reflect`` (mirror without the edge), ``symmetric``.
    """
    ltrb = _parse_padding(padding)
    return _apply(img, lambda a: _kernels.pad(a, ltrb, fill, padding_mode))


def crop(img: Image, top: int, left: int, height: int, width: int) -> Image:
    """``torchvision.transforms.functional.crop``; zero-pads outside the image."""
    return _apply(img, lambda a: _kernels.crop(a, top, left, height, width))


def _setup_size(size: int | Sequence[int], what: str) -> tuple[int, int]:
    if isinstance(size, numbers.Integral):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) in (1, 2):
        return (
            (int(size[0]), int(size[0]))
            if len(size) == 1
            else (int(size[0]), int(size[1]))
        )
    raise ValueError(
        f"{what} should be an int or a sequence (h, w) of length 1 or 2; got {size!r}"
    )


def center_crop(img: Image, output_size: int | Sequence[int]) -> Image:
    """``torchvision.transforms.functional.center_crop``; pads with 0 if too small."""
    size = _setup_size(output_size, "output_size")
    return _apply(img, lambda a: _kernels.center_crop(a, size))


def _resized_output_size(
    height: int, width: int, size: int | Sequence[int], max_size: int | None
) -> tuple[int, int]:
    """torchvision's ``_compute_resized_output_size``: an int sets the shorter edge."""
    if isinstance(size, Sequence) and len(size) == 2:
        if max_size is not None:
            raise ValueError(
                "max_size should only be passed if size specifies the length of the "
                "smaller edge, i.e. size should be an int or a sequence of length 1"
            )
        return int(size[0]), int(size[1])
    requested = _setup_size(size, "size")[0]
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = requested, int(requested * long / short)
    if max_size is not None:
        if max_size <= requested:
            raise ValueError(
                f"max_size = {max_size} must be strictly greater than the requested "
                f"size for the smaller edge size = {size}"
            )
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if width <= height else (new_short, new_long)


def resize(
    img: Image,
    size: int | Sequence[int],
    interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
    max_size: int | None = None,
    antialias: bool | None = True,
) -> Image:
    """``torchvision.transforms.functional.resize`` (tensor semantics).

    An int ``size`` matches the shorter edge keeping the aspect ratio; ``(h, w)``
    sets both. Bilinear/bicubic use ``align_corners=False``; with ``antialias`` a
    PIL-style filter is used when shrinking (numpy images are always antialiased,
    as PIL images are).
    """
    mode = _interpolation(interpolation, ("nearest", "bilinear", "bicubic"))
    _, h, w = get_dimensions(img)
    out_size = _resized_output_size(h, w, size, max_size)
    aa = bool(antialias) or _bridge.is_numpy_image(img)
    return _apply(img, lambda a: _kernels.resize(a, out_size, mode, aa))


def rotate(
    img: Image,
    angle: float,
    interpolation: InterpolationMode | str = InterpolationMode.NEAREST,
    expand: bool = False,
    center: Sequence[int] | None = None,
    fill: float | Sequence[float] | None = None,
) -> Image:
    """``torchvision.transforms.functional.rotate``: counter-clockwise, in degrees.

    ``center`` is ``(x, y)`` in pixels (default: the image centre); ``expand`` grows
    the output to hold the whole rotated image; uncovered pixels get ``fill``.
    """
    mode = _interpolation(interpolation, ("nearest", "bilinear"))
    if center is not None and (not isinstance(center, Sequence) or len(center) != 2):
        raise ValueError(
            f"center should be a sequence (x, y) of length 2, got {center!r}"
        )
    return _apply(
        img, lambda a: _kernels.rotate(a, float(angle), mode, expand, center, fill)
    )


def resized_crop(
    img: Image,
    top: int,
    left: int,
    height: int,
    width: int,
    size: int | Sequence[int],
    interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
    antialias: bool | None = True,
) -> Image:
    """``torchvision.transforms.functional.resized_crop``: ``crop`` then ``resize``."""
    return resize(
        crop(img, top, left, height, width), size, interpolation, None, antialias
    )


def pil_to_tensor(pic: np.ndarray) -> Any:
    """``torchvision...pil_to_tensor``: numpy ``(H, W[, C])`` → ``(C, H, W)`` as is."""
    if not _bridge.is_numpy_image(pic) or pic.ndim not in (2, 3):
        raise TypeError(f"pic should be a numpy array (H, W[, C]); got {type(pic)}")
    return _bridge.numpy_to_tensor(
        (pic[:, :, None] if pic.ndim == 2 else pic).transpose(2, 0, 1)
    )


def _convert_dtype(arr: np.ndarray, out: np.dtype) -> np.ndarray:
    """torchvision's ``convert_image_dtype`` rules: ints span ``[0, max]``, floats ``[0, 1]``."""
    if arr.dtype == out:
        return arr
    if arr.dtype.kind == "f":
        if out.kind == "f":
            return arr.astype(out)
        if (arr.dtype == np.float32 and out in (np.int32, np.int64)) or (
            arr.dtype == np.float64 and out == np.int64
        ):
            raise RuntimeError(
                f"The cast from {arr.dtype} to {out} cannot be performed safely."
            )
        # 1 - eps keeps 1.0 at max instead of overflowing (torchvision's choice).
        eps = 1e-3
        max_val = float(np.iinfo(out).max)
        return (arr * (max_val + 1.0 - eps)).astype(out)
    in_max = int(np.iinfo(arr.dtype).max)
    if out.kind == "f":
        return (arr.astype(out) / out.type(in_max)).astype(out)
    out_max = int(np.iinfo(out).max)
    if in_max > out_max:
        return (arr // ((in_max + 1) // (out_max + 1))).astype(out)
    return arr.astype(out) * out.type((out_max + 1) // (in_max + 1))


def convert_image_dtype(image: Any, dtype: Any) -> Any:
    """``torchvision.transforms.functional.convert_image_dtype`` for Tensors.

    Integer images span ``[0, iinfo.max]`` and float images ``[0, 1]``; values are
    rescaled accordingly (``dtype`` is a functorch_lite dtype such as ``float32``).
    """
    if not _bridge.is_tensor(image):
        raise TypeError(f"Input img should be Tensor Image, got {type(image).__name__}")
    out = np.dtype(getattr(dtype, "np_dtype", dtype))
    return _bridge.numpy_to_tensor(_convert_dtype(_bridge.tensor_to_numpy(image), out))
