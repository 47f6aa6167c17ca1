"""``functorch_lite.optim.lr_scheduler``: PyTorch's learning-rate schedulers."""

from ._base import LRScheduler as LRScheduler
from ._composite import ChainedScheduler as ChainedScheduler
from ._composite import SequentialLR as SequentialLR
from ._cosine import CosineAnnealingLR as CosineAnnealingLR
from ._cosine import CosineAnnealingWarmRestarts as CosineAnnealingWarmRestarts
from ._cyclic import CyclicLR as CyclicLR
from ._cyclic import OneCycleLR as OneCycleLR
from ._multiplicative import ConstantLR as ConstantLR
from ._multiplicative import ExponentialLR as ExponentialLR
from ._multiplicative import LambdaLR as LambdaLR
from ._multiplicative import LinearLR as LinearLR
from ._multiplicative import MultiplicativeLR as MultiplicativeLR
from ._multiplicative import MultiStepLR as MultiStepLR
from ._multiplicative import PolynomialLR as PolynomialLR
from ._multiplicative import StepLR as StepLR
from ._plateau import ReduceLROnPlateau as ReduceLROnPlateau

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
