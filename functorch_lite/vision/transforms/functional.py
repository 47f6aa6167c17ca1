"""``functorch_lite.vision.transforms.functional`` (torchvision's ``functional``)."""

from ._functional import (
    InterpolationMode,
    center_crop,
    crop,
    get_dimensions,
    get_image_size,
    hflip,
    normalize,
    pad,
    resize,
    rotate,
    to_tensor,
    vflip,
)

__all__ = [
    "InterpolationMode",
    "center_crop",
    "crop",
    "get_dimensions",
    "get_image_size",
    "hflip",
    "normalize",
    "pad",
    "resize",
    "rotate",
    "to_tensor",
    "vflip",
]
