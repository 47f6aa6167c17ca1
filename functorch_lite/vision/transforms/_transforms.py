"""The ``torchvision.transforms`` classes most training scripts use.

Each transform is a callable object over one image (numpy ``(H, W[, C])`` or Tensor
``(..., C, H, W)``, see ``functional``); random ones draw their parameters from
functorch_lite's global generator, so ``functorch_lite.manual_seed`` makes a data
pipeline reproducible.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from . import _functional as F
from . import _random
from ._functional import InterpolationMode


class Compose:
    """Apply ``transforms`` in order, like ``torchvision.transforms.Compose``.

    Args:
        transforms: callables applied one after the other.

    Example:
        >>> import numpy as np
        >>> from functorch_lite.vision import transforms as T
        >>> pipeline = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])
        >>> pipeline(np.zeros((28, 28), dtype=np.uint8)).shape
        functorch_lite.Size([1, 28, 28])
    """

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, img: Any) -> Any:
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}({body}\n)"


class _Transform:
    """Base class: ``__call__`` runs ``forward`` (torchvision transforms are Modules)."""

    def forward(self, img: Any) -> Any:
        raise NotImplementedError

    def __call__(self, img: Any) -> Any:
        return self.forward(img)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class ToTensor(_Transform):
    """numpy ``(H, W[, C])`` → Tensor ``(C, H, W)``; ``uint8`` scaled to ``[0, 1]``.

    Mirrors ``torchvision.transforms.ToTensor`` for ndarrays: only ``uint8`` input is
    divided by 255 (to float32); other dtypes keep their values and dtype.

    Example:
        >>> import numpy as np
        >>> from functorch_lite.vision.transforms import ToTensor
        >>> x = ToTensor()(np.full((2, 3, 3), 255, dtype=np.uint8))
        >>> tuple(x.shape), float(x.numpy().max())
        ((3, 2, 3), 1.0)
    """

    def forward(self, img: Any) -> Any:
        return F.to_tensor(img)


class Normalize(_Transform):
    """``out[c] = (x[c] - mean[c]) / std[c]`` on a float Tensor ``(..., C, H, W)``.

    Mirrors ``torchvision.transforms.Normalize``.

    Args:
        mean: per-channel means.
        std: per-channel standard deviations (none may be zero).
        inplace: overwrite the input tensor instead of returning a new one.
    """

    def __init__(
        self, mean: Sequence[float], std: Sequence[float], inplace: bool = False
    ) -> None:
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor: Any) -> Any:
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


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


class Resize(_Transform):
    """Resize to ``size``: an int matches the shorter edge, ``(h, w)`` sets both.

    Mirrors ``torchvision.transforms.Resize`` (tensor semantics; see
    ``functional.resize``).

    Args:
        size: target ``(h, w)``, or an int for the shorter edge.
        interpolation: ``BILINEAR`` (default), ``NEAREST`` or ``BICUBIC``.
        max_size: cap on the longer edge when ``size`` is an int.
        antialias: low-pass filter when shrinking (Tensors; numpy always is).
    """

    def __init__(
        self,
        size: int | Sequence[int],
        interpolation: InterpolationMode | str = InterpolationMode.BILINEAR,
        max_size: int | None = None,
        antialias: bool | None = True,
    ) -> None:
        if not isinstance(size, (numbers.Integral, Sequence)) or (
            isinstance(size, Sequence) and len(size) not in (1, 2)
        ):
            raise TypeError(
                f"Size should be int or sequence of length 1 or 2. Got {size!r}"
            )
        if isinstance(size, Sequence) and len(size) == 2 and max_size is not None:
            raise ValueError(
                "max_size should only be passed if size specifies the length of the "
                "smaller edge, i.e. size should be an int or a sequence of length 1"
            )
        F._interpolation(interpolation, ("nearest", "bilinear", "bicubic"))
        self.size = size
        self.interpolation = interpolation
        self.max_size = max_size
        self.antialias = antialias

    def forward(self, img: Any) -> Any:
        return F.resize(
            img, self.size, self.interpolation, self.max_size, self.antialias
        )

    def __repr__(self) -> str:
        mode = getattr(self.interpolation, "value", self.interpolation)
        return (
            f"{self.__class__.__name__}(size={self.size}, interpolation={mode}, "
            f"max_size={self.max_size}, antialias={self.antialias})"
        )


class CenterCrop(_Transform):
    """Crop the centre ``size`` window (``torchvision.transforms.CenterCrop``)."""

    def __init__(self, size: int | Sequence[int]) -> None:
        self.size = F._setup_size(size, "size")

    def forward(self, img: Any) -> Any:
        return F.center_crop(img, self.size)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(size={self.size})"


class Pad(_Transform):
    """Pad every side (``torchvision.transforms.Pad``); see ``functional.pad``."""

    def __init__(
        self,
        padding: int | Sequence[int],
        fill: float | Sequence[float] = 0,
        padding_mode: str = "constant",
    ) -> None:
        F._parse_padding(padding)
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img: Any) -> Any:
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, "
            f"padding_mode={self.padding_mode})"
        )


class Lambda(_Transform):
    """Wrap a user function as a transform (``torchvision.transforms.Lambda``)."""

    def __init__(self, lambd: Callable[[Any], Any]) -> None:
        if not callable(lambd):
            raise TypeError(
                f"Argument lambd should be callable, got {type(lambd).__name__!r}"
            )
        self.lambd = lambd

    def forward(self, img: Any) -> Any:
        return self.lambd(img)
