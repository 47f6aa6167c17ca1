"""functorch_lite: PyTorch's ergonomics on JAX's engine."""

from . import _config  # noqa: F401  (switches on JAX's 64-bit mode first)
from ._ops import _all as _ops_all
from ._ops._creation import *  # noqa: F403
from ._ops._index import *  # noqa: F403
from ._ops._linalg import *  # noqa: F403
from ._ops._pointwise import *  # noqa: F403
from ._ops._reduce import *  # noqa: F403
from ._ops._registry import install as _install
from ._ops._shape import *  # noqa: F403
from ._ops._sort import *  # noqa: F403
from ._ops._ternary import *  # noqa: F403
from ._tensor import Size as Size
from ._tensor import Tensor as Tensor

_install()
