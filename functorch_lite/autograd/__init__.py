"""``torch.autograd``: define-by-run autograd with backward rules from JAX."""

from . import (
    _methods,  # noqa: F401  (installs Tensor.backward & co.)
    function,  # noqa: E402
)
from ._engine import backward as backward
from ._engine import grad as grad
from ._function import Function as Function
from ._function import FunctionCtx as FunctionCtx
from ._function import once_differentiable as once_differentiable
from ._grad_mode import (
    detect_anomaly as detect_anomaly,
)
from ._grad_mode import (
    enable_grad as enable_grad,
)
from ._grad_mode import (
    inference_mode as inference_mode,
)
from ._grad_mode import (
    is_anomaly_enabled as is_anomaly_enabled,
)
from ._grad_mode import (
    no_grad as no_grad,
)
from ._grad_mode import (
    set_detect_anomaly as set_detect_anomaly,
)
from ._grad_mode import (
    set_grad_enabled as set_grad_enabled,
)
from ._graph import Node as Node

__all__ = [
    "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
    "set_detect_anomaly", "detect_anomaly", "is_anomaly_enabled", "Node", "Function", "FunctionCtx", "once_differentiable",
]  # fmt: skip
