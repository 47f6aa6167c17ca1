"""``torch.nn.functional``: the functional form of every layer and loss."""

from ._attention import *  # noqa: F403
from ._linear import bilinear as bilinear
from ._linear import linear as linear
