"""``functorch_lite.vision.transforms.functional`` (torchvision's ``functional``)."""

from ._functional import InterpolationMode as InterpolationMode
from ._functional import center_crop as center_crop
from ._functional import crop as crop
from ._functional import get_dimensions as get_dimensions
from ._functional import get_image_size as get_image_size
from ._functional import hflip as hflip
from ._functional import normalize as normalize
from ._functional import pad as pad
from ._functional import resize as resize
from ._functional import rotate as rotate
from ._functional import to_tensor as to_tensor
from ._functional import vflip as vflip

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
