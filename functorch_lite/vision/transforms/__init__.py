"""``functorch_lite.vision.transforms``: torchvision's everyday image transforms.

Images are numpy arrays ``(H, W[, C])`` (what the vision datasets return, in place of
PIL images) or Tensors ``(..., C, H, W)``; see ``functional`` for the semantics.
"""

from . import functional as functional
from ._functional import InterpolationMode as InterpolationMode
from ._transforms import CenterCrop as CenterCrop
from ._transforms import Compose as Compose
from ._transforms import Lambda as Lambda
from ._transforms import Normalize as Normalize
from ._transforms import Pad as Pad
from ._transforms import RandomCrop as RandomCrop
from ._transforms import RandomHorizontalFlip as RandomHorizontalFlip
from ._transforms import RandomRotation as RandomRotation
from ._transforms import RandomVerticalFlip as RandomVerticalFlip
from ._transforms import Resize as Resize
from ._transforms import ToTensor as ToTensor

__all__ = [
    "CenterCrop",
    "Compose",
    "InterpolationMode",
    "Lambda",
    "Normalize",
    "Pad",
    "RandomCrop",
    "RandomHorizontalFlip",
    "RandomRotation",
    "RandomVerticalFlip",
    "Resize",
    "ToTensor",
    "functional",
]
