"""Function transforms over Tensors and Modules, computed by JAX (ARCHITECTURE §4).

``grad``/``vjp``/``jvp``/``jacrev``/``jacfwd``/``hessian``/``linearize``/``vmap`` follow
``torch.func`` (signatures, output layout, error messages); ``cond``/``while_loop``/
``scan`` follow PyTorch's higher-order ops and ``fori_loop`` JAX's. Every transform
crosses into JAX through ``_functionalize`` (STYLE rule 4). Where we differ from
``torch.func``:

* Tensors written in place inside a transform (BatchNorm running stats, the RNG key)
  are functionalized and written back as values after the call (PyTorch's ``grad``
  refuses such writes). Under ``vmap`` a write that differs per example into a tensor
  created outside raises an error naming the fixes (``eval()``,
  ``track_running_stats=False``, GroupNorm, ``stack_module_state``); writes to mapped
  inputs (an ensemble's stacked buffers) reach the caller's tensors, as in PyTorch.
* ``vmap(randomness=...)`` covers the default generator; an explicit ``generator=``
  draws the same numbers for every example.
* ``.item()``/``float()`` on a differentiated tensor raises ``TracedValueError`` (JAX
  has no concrete value there); Python ``if`` on a comparison works under ``grad``/
  ``vjp``/``jacrev`` (the primal is concrete), not under ``vmap``/``jit``: use ``cond``.
* A Module passed as a differentiated argument gets a Module of gradients back.
* The first call of a transform compiles each primitive once (op by op); wrap it in
  ``functorch_lite.compile`` to run it as one XLA program.
"""

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
