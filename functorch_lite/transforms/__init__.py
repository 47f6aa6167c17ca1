"""Function transforms over Tensors and Modules, computed by JAX (ARCHITECTURE §4)."""

from ._checkpoint import checkpoint as checkpoint
from ._compile import CompiledFunction as CompiledFunction
from ._compile import compile as compile  # noqa: A004
from ._compile import disable as disable
from ._compile import jit as jit
from ._control_flow import cond as cond
from ._control_flow import fori_loop as fori_loop
from ._control_flow import scan as scan
from ._control_flow import while_loop as while_loop
from ._func import grad as grad
from ._func import grad_and_value as grad_and_value
from ._func import hessian as hessian
from ._func import jacfwd as jacfwd
from ._func import jacrev as jacrev
from ._func import jvp as jvp
from ._func import linearize as linearize
from ._func import vjp as vjp
from ._functionalize import functional_call as functional_call
from ._functionalize import stack_module_state as stack_module_state
from ._vmap import vmap as vmap

__all__ = [
    "CompiledFunction",
    "compile",
    "disable",
    "jit",
    "checkpoint",
    "cond",
    "fori_loop",
    "scan",
    "while_loop",
    "functional_call",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "linearize",
    "stack_module_state",
    "vjp",
    "vmap",
]
