"""The random augmentations of ``torchvision.transforms``.

Each draws its parameters from functorch_lite's global generator (through
``_random``), so ``functorch_lite.manual_seed`` makes a data pipeline reproducible.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from . import _functional as F
from . import _random
from ._functional import InterpolationMode
from ._transforms import _Transform


def _check_p(p: float) -> float:
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"p is a probability and must be in [0, 1], got {p}")
    return float(p)


class RandomHorizontalFlip(_Transform):
    """Mirror left-right with probability ``p`` (``torchvision...RandomHorizontalFlip``)."""

    def __init__(self, p: float = 0.5) -> None:
        self.p = _check_p(p)

    def forward(self, img: Any) -> Any:
        return F.hflip(img) if _random.uniform(0.0, 1.0) < self.p else img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p})"


class RandomVerticalFlip(_Transform):
    """Mirror top-bottom with probability ``p`` (``torchvision...RandomVerticalFlip``)."""

    def __init__(self, p: float = 0.5) -> None:
        self.p = _check_p(p)

    def forward(self, img: Any) -> Any:
        return F.vflip(img) if _random.uniform(0.0, 1.0) < self.p else img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p})"


class RandomRotation(_Transform):
    """Rotate by an angle drawn uniformly from ``degrees`` (counter-clockwise).

    Mirrors ``torchvision.transforms.RandomRotation`` (tensor path).

    Args:
        degrees: ``d`` for ``(-d, d)``, or a ``(min, max)`` range, in degrees.
        interpolation: ``NEAREST`` (default) or ``BILINEAR``.
        expand: grow the output to hold the whole rotated image.
        center: ``(x, y)`` pixel to rotate about; default the image centre.
        fill: value (or one per channel) for pixels outside the source image.
    """

    def __init__(
        self,
        degrees: float | Sequence[float],
        interpolation: InterpolationMode | str = InterpolationMode.NEAREST,
        expand: bool = False,
        center: Sequence[int] | None = None,
        fill: float | Sequence[float] = 0,
    ) -> None:
        if isinstance(degrees, numbers.Real):
            if degrees < 0:
                raise ValueError("If degrees is a single number, it must be positive.")
            self.degrees = [-float(degrees), float(degrees)]
        elif isinstance(degrees, Sequence) and len(degrees) == 2:
            self.degrees = [float(d) for d in degrees]
        else:
            raise ValueError(
                f"degrees should be a number or a sequence (min, max); got {degrees!r}"
            )
        F._interpolation(interpolation, ("nearest", "bilinear"))
        if center is not None and (
            not isinstance(center, Sequence) or len(center) != 2
        ):
            raise ValueError(f"center should be a sequence (x, y), got {center!r}")
        self.interpolation = interpolation
        self.expand = expand
        self.center = center
        self.fill = fill

    @staticmethod
    def get_params(degrees: list[float]) -> float:
        """An angle drawn uniformly from ``[degrees[0], degrees[1]]``."""
        return _random.uniform(float(degrees[0]), float(degrees[1]))

    def forward(self, img: Any) -> Any:
        angle = self.get_params(self.degrees)
        return F.rotate(
            img, angle, self.interpolation, self.expand, self.center, self.fill
        )

    def __repr__(self) -> str:
        mode = getattr(self.interpolation, "value", self.interpolation)
        center = "" if self.center is None else f", center={self.center}"
        return (
            f"{self.__class__.__name__}(degrees={self.degrees}, interpolation={mode}, "
            f"expand={self.expand}{center}, fill={self.fill})"
        )


class RandomCrop(_Transform):
    """Crop a random ``size`` window, after optional padding.

    Mirrors ``torchvision.transforms.RandomCrop``.

    Args:
        size: ``(h, w)`` or an int for a square crop.
        padding: padding applied first: an int, ``(left/right, top/bottom)`` or
            ``(left, top, right, bottom)``.
        pad_if_needed: pad an image smaller than ``size`` instead of raising.
        fill: constant for ``padding_mode='constant'`` (a number or one per channel).
        padding_mode: ``constant``, ``edge``, ``reflect`` or ``symmetric``.

    Example:
        >>> import numpy as np
        >>> import functorch_lite as torch
        >>> from functorch_lite.vision.transforms import RandomCrop
        >>> _ = torch.manual_seed(0)
        >>> RandomCrop(28, padding=4)(np.zeros((28, 28), dtype=np.uint8)).shape
        (28, 28)
    """

    def __init__(
        self,
        size: int | Sequence[int],
        padding: int | Sequence[int] | None = None,
        pad_if_needed: bool = False,
        fill: float | Sequence[float] = 0,
        padding_mode: str = "constant",
    ) -> None:
        self.size = F._setup_size(size, "size")
        if padding is not None:
            F._parse_padding(padding)  # fail at construction, not on the first sample
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError(
                "padding_mode should be constant, edge, reflect or symmetric; "
                f"got {padding_mode!r}"
            )
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    @staticmethod
    def get_params(img: Any, output_size: tuple[int, int]) -> tuple[int, int, int, int]:
        """A random ``(top, left, height, width)`` window of ``output_size``."""
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(
                f"Required crop size {(th, tw)} is larger than input image size "
                f"{(h, w)}; pass padding=... or pad_if_needed=True"
            )
        if w == tw and h == th:
            return 0, 0, h, w
        i = _random.randint(0, h - th + 1)
        j = _random.randint(0, w - tw + 1)
        return i, j, th, tw

    def forward(self, img: Any) -> Any:
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        # torchvision pads *both* sides by the missing amount when pad_if_needed.
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class RandomResizedCrop(_Transform):
    """Crop a random area and aspect ratio, then resize to ``size``.

    Mirrors ``torchvision.transforms.RandomResizedCrop`` (the Inception-style crop):
    up to 10 tries for a window with area ``scale`` of the image and aspect ratio in
    ``ratio`` (log-uniform), else a central crop.

    Args:
        size: output ``(h, w)`` or an int for a square.
        scale: range of the cropped area as a fraction of the image.
        ratio: range of the crop's aspect ratio (width / height).
        interpolation: ``BILINEAR`` (default), ``NEAREST`` or ``BICUBIC``.
        antialias: low-pass filter when shrinking (Tensors; numpy always is).
    """

    def __init__(
        self,
        size: int | Sequence[int],
        scale: tuple[float, float] = (0.08, 1.0),
        ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
        interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
        antialias: bool | None = True,
    ) -> None:
        self.size = F._setup_size(size, "size")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)", stacklevel=2)
        F._interpolation(interpolation, ("nearest", "bilinear", "bicubic"))
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
        self.antialias = antialias

    @staticmethod
    def get_params(
        img: Any, scale: Sequence[float], ratio: Sequence[float]
    ) -> tuple[int, int, int, int]:
        """A random ``(top, left, height, width)`` crop window."""
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target_area = area * _random.uniform(scale[0], scale[1])
            aspect_ratio = math.exp(_random.uniform(log_ratio[0], log_ratio[1]))
            w = round(math.sqrt(target_area * aspect_ratio))
            h = round(math.sqrt(target_area / aspect_ratio))
            if 0 < w <= width and 0 < h <= height:
                i = _random.randint(0, height - h + 1)
                j = _random.randint(0, width - w + 1)
                return i, j, h, w
        # No window fitted in 10 tries: central crop at the nearest allowed ratio.
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w, h = width, round(width / min(ratio))
        elif in_ratio > max(ratio):
            h, w = height, round(height * max(ratio))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img: Any) -> Any:
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(
            img, i, j, h, w, list(self.size), self.interpolation, self.antialias
        )

    def __repr__(self) -> str:
        mode = getattr(self.interpolation, "value", self.interpolation)
        scale = tuple(round(s, 4) for s in self.scale)
        ratio = tuple(round(r, 4) for r in self.ratio)
        return (
            f"{self.__class__.__name__}(size={self.size}, scale={scale}, "
            f"ratio={ratio}, interpolation={mode}, antialias={self.antialias})"
        )


class RandomApply(_Transform):
    """Apply all ``transforms`` with probability ``p`` (``torchvision...RandomApply``)."""

    def __init__(
        self, transforms: Sequence[Callable[[Any], Any]], p: float = 0.5
    ) -> None:
        self.transforms = list(transforms)
        self.p = _check_p(p)

    def forward(self, img: Any) -> Any:
        if self.p < _random.uniform(0.0, 1.0):
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}(\n    p={self.p}{body}\n)"
