"""``functorch_lite.vision``: torchvision's datasets and transforms basics.

``vision.transforms`` holds the image transforms, ``vision.datasets`` the MNIST reader
and scikit-learn's bundled 8x8 digits. Images travel as numpy arrays until
``ToTensor`` (where torchvision would use PIL images).
"""

from . import datasets as datasets
from . import transforms as transforms

__all__ = ["datasets", "transforms"]
