"""``functorch_lite.vision.transforms.functional`` (torchvision's ``functional``)."""

from ._functional import (
    InterpolationMode,
    center_crop,
    convert_image_dtype,
    crop,
    get_dimensions,
    get_image_size,
    hflip,
    normalize,
    pad,
    pil_to_tensor,
    resize,
    resized_crop,
    rotate,
    to_tensor,
    vflip,
)

__all__ = [
    "InterpolationMode",
    "center_crop",
    "convert_image_dtype",
    "crop",
    "get_dimensions",
    "get_image_size",
    "hflip",
    "normalize",
    "pad",
    "pil_to_tensor",
    "resize",
    "resized_crop",
    "rotate",
    "to_tensor",
    "vflip",
]
