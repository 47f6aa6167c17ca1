"""``torch.nn``: modules, parameters, layers, losses, ``init`` and ``functional``."""

from . import functional as functional
from . import init as init
from . import utils as utils
from ._containers import ModuleDict as ModuleDict
from ._containers import ModuleList as ModuleList
from ._containers import ParameterDict as ParameterDict
from ._containers import ParameterList as ParameterList
from ._containers import Sequential as Sequential
from ._linear import Bilinear as Bilinear
from ._linear import Identity as Identity
from ._linear import LazyLinear as LazyLinear
from ._linear import Linear as Linear
from ._module import Module as Module
from ._parameter import Buffer as Buffer
from ._parameter import Parameter as Parameter
from ._parameter import UninitializedParameter as UninitializedParameter

__all__ = [
    "functional", "init", "utils", "Module", "Parameter", "Buffer",
    "UninitializedParameter", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
    "ParameterDict", "Identity", "Linear", "Bilinear", "LazyLinear",
]  # fmt: skip
