"""``functorch_lite.vision.transforms``: torchvision's everyday image transforms.

Images are numpy arrays ``(H, W[, C])`` (what the vision datasets return, in place of
PIL images) or Tensors ``(..., C, H, W)``; see ``functional`` for the semantics.
"""

from . import functional as functional
from ._augment import RandomApply as RandomApply
from ._augment import RandomCrop as RandomCrop
from ._augment import RandomHorizontalFlip as RandomHorizontalFlip
from ._augment import RandomResizedCrop as RandomResizedCrop
from ._augment import RandomRotation as RandomRotation
from ._augment import RandomVerticalFlip as RandomVerticalFlip
from ._functional import InterpolationMode as InterpolationMode
from ._transforms import CenterCrop as CenterCrop
from ._transforms import Compose as Compose
from ._transforms import ConvertImageDtype as ConvertImageDtype
from ._transforms import Lambda as Lambda
from ._transforms import Normalize as Normalize
from ._transforms import Pad as Pad
from ._transforms import PILToTensor as PILToTensor
from ._transforms import Resize as Resize
from ._transforms import ToTensor as ToTensor

__all__ = [
    "CenterCrop",
    "Compose",
    "ConvertImageDtype",
    "InterpolationMode",
    "Lambda",
    "Normalize",
    "PILToTensor",
    "Pad",
    "RandomApply",
    "RandomCrop",
    "RandomHorizontalFlip",
    "RandomResizedCrop",
    "RandomRotation",
    "RandomVerticalFlip",
    "Resize",
    "ToTensor",
    "functional",
]
