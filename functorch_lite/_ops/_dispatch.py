"""The one dispatch path every op goes through: unwrap → compute → record → wrap.

An ``Op`` is a pure JAX function ``fn(*arrays, **static)``. Eagerly it runs as one
cached ``jax.jit`` call per op (cheaper than ``jax.numpy``'s own dispatch); when any input
is a JAX tracer (inside ``jit``/``vmap``/``grad``) the plain function is called, so the same
code is traced into the caller's program — there is no second implementation.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _tensor
from .._tensor import Tensor, ViewTensor
from ..autograd._grad_mode import state as _grad_state
from ..autograd._graph import LEAF, Node

__all__ = ["Op", "dispatch", "edge_of", "is_tracer"]

Tracer = jax.core.Tracer


def _camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_\s]+", name) if p)


class Op:
    """A pure JAX function registered as a differentiable op.

    Args:
        name: op name (``"mul"``); ``grad_fn`` prints ``MulBackward0``.
        fn: ``fn(*arrays, **static)``; keyword-only parameters are static (hashable).
        n_out: number of outputs (1: ``fn`` returns an array, else a tuple).
        saves_inputs: whether backward needs the inputs' values (drives PyTorch's
            "modified by an inplace operation" check); False for linear ops;
            ``"partners"`` for bilinear ops, whose grad w.r.t. one input needs only
            the others.
        view: whether the output is a view of input 0 (writes reach the input).
        jit: run eagerly through ``jax.jit`` (False for ops that must not be jitted,
            such as placing an array on another device).
    """

    __slots__ = (
        "name",
        "fn",
        "jitted",
        "backward_name",
        "n_out",
        "saves_inputs",
        "view",
        "jit",
    )

    def __init__(
        self,
        name: str,
        fn: Callable[..., Any],
        *,
        n_out: int = 1,
        saves_inputs: bool | str = True,
        view: bool = False,
        backward_name: str | None = None,
        jit: bool = True,
    ) -> None:
        self.name = name
        self.fn = fn
        # Made on first use: ~280 ops are defined at import, most never called.
        self.jitted = _FirstJit(self) if jit else fn
        self.jit = jit
        self.backward_name = backward_name or f"{_camel(name)}Backward0"
        self.n_out = n_out
        self.saves_inputs = saves_inputs
        self.view = view

    def __call__(self, *args: Any, **static: Any) -> Any:
        return dispatch(self, args, static)

    def __repr__(self) -> str:
        return f"Op({self.name})"


class _FirstJit:
    """An op's ``jitted`` until its first eager call: builds the ``jax.jit`` (static
    arguments are ``fn``'s keyword-only parameters), installs it, and runs it."""

    __slots__ = ("op",)

    def __init__(self, op: Op) -> None:
        self.op = op

    def __call__(self, *args: Any, **static: Any) -> Any:
        fn = self.op.fn
        names = [
            p.name
            for p in inspect.signature(fn).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        ]
        self.op.jitted = jax.jit(fn, static_argnames=names)
        return self.op.jitted(*args, **static)


def is_tracer(x: Any) -> bool:
    return isinstance(x, Tracer)


def edge_of(a: Any) -> Any:
    """The graph edge for an op input: None, ``(LEAF, tensor)`` or ``(node, index)``."""
    if not isinstance(a, Tensor) or not a._requires_grad:
        return None
    if a._node is None:
        return (LEAF, a)
    return (a._node, a._out_idx)


#: Float and complex dtypes: outputs that carry gradients (a set lookup, not issubdtype).
_INEXACT = frozenset(
    np.dtype(t)
    for t in ("float16", "float32", "float64", "complex64", "complex128", jnp.bfloat16)
)


def dispatch(op: Op, args: tuple[Any, ...], static: dict[str, Any]) -> Any:
    """Run ``op`` on Tensors/arrays/scalars, record it for autograd, wrap the result."""
    arrays = []
    tracing = False
    needs_grad = False
    scalars = False
    grad_on = _grad_state.enabled
    obs = _tensor.observer
    for a in args:
        if isinstance(a, Tensor):
            if obs is not None:
                obs.read(a)
            d = a._data
            if grad_on and a._requires_grad:
                needs_grad = True
        elif type(a) in _SCALAR_TYPES:
            scalars = True
            arrays.append(a)
            continue
        else:
            d = a
        if isinstance(d, Tracer):
            tracing = True
        arrays.append(d)
    if tracing:
        out = op.fn(*arrays, **static)
    else:
        if scalars and op.jit:
            arrays = [_operand(d) if type(d) in _SCALAR_TYPES else d for d in arrays]
        out = op.jitted(*arrays, **static)
    if op.n_out == 1 and not op.view:  # the common case, kept short
        result = Tensor(out)
        if needs_grad and out.dtype in _INEXACT:
            result._requires_grad = True
            result._node = _record(op, static, args, arrays, _FLOAT)
        return result
    outs = (out,) if op.n_out == 1 else tuple(out)
    float_out = tuple(o.dtype in _INEXACT for o in outs) if needs_grad else ()
    node = _record(op, static, args, arrays, float_out) if True in float_out else None
    if op.view:
        results = [_make_view(args[0], op, static, outs[0])]
    else:
        results = [Tensor(o) for o in outs]
    if node is not None:
        for i, t in enumerate(results):
            if float_out[i]:
                t._requires_grad = True
                t._node = node
                t._out_idx = i
    return tuple(results) if op.n_out != 1 else results[0]


_FLOAT = (True,)


def _record(op: Op, static: dict[str, Any], args: tuple[Any, ...], arrays: list[Any],
            float_out: tuple[bool, ...]) -> Node:  # fmt: skip
    """The graph node for one op call with at least one input that requires grad."""
    edges: list[Any] = []
    n_diff = 0
    for a in args:
        if isinstance(a, Tensor) and a._requires_grad:
            src = a._node
            edges.append((LEAF, a) if src is None else (src, a._out_idx))
            n_diff += 1
        else:
            edges.append(None)
    saves = op.saves_inputs
    saved: list[Any] = []
    if saves == "partners":
        # Bilinear ops (mul): an input is needed only for its partners' grads, so it
        # is kept if another input requires grad.
        for a in args:
            if isinstance(a, Tensor) and n_diff > a._requires_grad:
                saved.append((a, a._version))
    elif saves:
        for a in args:
            if isinstance(a, Tensor):
                saved.append((a, a._version))
    return Node(
        op, static, tuple(arrays), tuple(edges), tuple(saved), len(float_out), float_out
    )


#: Python scalar types that JAX turns into (weakly typed) arrays at every jitted call.
_SCALAR_TYPES = frozenset((bool, int, float))
#: Python scalars seen before, by (type, value, sign): device arrays, or None once seen.
_SCALARS: dict[tuple[Any, ...], Any] = {}


def _operand(x: bool | int | float) -> Any:
    """``x`` as the operand of a jitted call: a cached device array once ``x`` repeats.

    ``jax.jit`` copies a Python scalar argument to the device on every call (~8 µs,
    more than a small op's dispatch); a weakly typed array holding the same value is
    traced identically and costs nothing to pass. Only values seen twice are cached,
    so a loop over fresh values (``x[i]`` for each ``i``) pays no conversion.
    """
    # The sign tells 0.0 from -0.0, which compare (and hash) equal.
    key = (type(x), x, math.copysign(1.0, x) if not x else 1.0)
    cached = _SCALARS.get(key, _MISSING)
    if cached is _MISSING:
        if len(_SCALARS) >= _MAX_SCALARS:
            _SCALARS.clear()
        _SCALARS[key] = None
        return x
    if cached is None:
        try:
            cached = _SCALARS[key] = jnp.asarray(x)
        except OverflowError:  # an int beyond int64: let jit raise its own error
            return x
    return cached


_MISSING = object()
_MAX_SCALARS = 4096


def _make_view(src: Any, op: Op, static: dict[str, Any], data: Any) -> Tensor:
    if not isinstance(src, Tensor):
        return Tensor(data)
    link = (op, tuple(static.items()))
    if isinstance(src, ViewTensor):
        root, chain = src._root, src._chain + (link,)
    else:
        root, chain = src, (link,)
    view = ViewTensor(root, chain, data, False)
    view._contig = src._contig and op.name in _CONTIGUOUS_VIEWS
    return view


#: View ops that keep a contiguous layout contiguous (``t()``/``permute`` do not).
_CONTIGUOUS_VIEWS = {"view", "reshape", "flatten", "unflatten", "squeeze", "unsqueeze",
                     "alias", "narrow0", "select0", "unbind0"}  # fmt: skip
