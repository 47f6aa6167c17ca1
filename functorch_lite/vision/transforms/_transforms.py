"""The deterministic ``torchvision.transforms`` classes (random ones: ``_augment``).

Each transform is a callable object over one image: a numpy array ``(H, W[, C])`` or
a Tensor ``(..., C, H, W)``, see ``functional``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from . import _functional as F
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

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite.vision.transforms import Normalize
        >>> Normalize(mean=(0.5,), std=(0.25,))(torch.ones(1, 2, 2)).tolist()
        [[[2.0, 2.0], [2.0, 2.0]]]
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


class Resize(_Transform):
    """Resize to ``size``: an int matches the shorter edge, ``(h, w)`` sets both.

    Mirrors ``torchvision.transforms.Resize`` (tensor semantics; see
    ``functional.resize``).

    Args:
        size: target ``(h, w)``, or an int for the shorter edge.
        interpolation: ``BILINEAR`` (default), ``NEAREST`` or ``BICUBIC``.
        max_size: cap on the longer edge when ``size`` is an int.
        antialias: low-pass filter when shrinking (Tensors; numpy always is).

    Example:
        >>> import numpy as np
        >>> from functorch_lite.vision.transforms import Resize
        >>> Resize(14)(np.zeros((28, 42, 3), dtype=np.uint8)).shape
        (14, 21, 3)
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


class PILToTensor(_Transform):
    """numpy ``(H, W[, C])`` → Tensor ``(C, H, W)``, dtype and values kept.

    Mirrors ``torchvision.transforms.PILToTensor`` (numpy images stand in for PIL).
    """

    def forward(self, img: Any) -> Any:
        return F.pil_to_tensor(img)


class ConvertImageDtype(_Transform):
    """Convert a Tensor image to ``dtype``, rescaling values.

    Mirrors ``torchvision.transforms.ConvertImageDtype``: integer images span
    ``[0, max]``, float images ``[0, 1]``.
    """

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype

    def forward(self, image: Any) -> Any:
        return F.convert_image_dtype(image, self.dtype)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(dtype={self.dtype})"
