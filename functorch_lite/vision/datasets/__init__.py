"""``functorch_lite.vision.datasets``: MNIST-family readers and sklearn's 8x8 digits.

Samples are ``(image, label)`` with the image a numpy array (torchvision returns a
PIL image) and the label an int; nothing is downloaded.
"""

from ._digits import Digits as Digits
from ._mnist import MNIST as MNIST
from ._mnist import FashionMNIST as FashionMNIST
from ._vision import VisionDataset as VisionDataset

__all__ = ["MNIST", "Digits", "FashionMNIST", "VisionDataset"]
