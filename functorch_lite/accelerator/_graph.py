"""``Graph`` / ``graph``: device-agnostic graph capture and replay (PyTorch 2.12).

PyTorch records the kernels a block launches and replays them on the same buffers.
Here the block is traced into one jaxpr while it runs: each pre-existing Tensor the
block reads becomes an input of the program the first time it is read (the core tells
us through its ``StateObserver`` hook, before the array is used), Tensors the block
writes and the Tensors it leaves bound to the caller's local variables become outputs.
At the end the jaxpr is compiled once; ``replay()`` runs it on the inputs' current
arrays and writes the results into the same Tensor objects.

Usage:
    >>> import functorch_lite as torch
    >>> lin = torch.nn.Linear(3, 2)
    >>> static_in = torch.zeros(4, 3)
    >>> g = torch.accelerator.Graph()
    >>> with torch.no_grad(), torch.accelerator.graph(g):
    ...     static_out = lin(static_in)
    >>> static_in.copy_(torch.ones(4, 3))
    tensor(...)
    >>> g.replay()
    >>> bool((static_out == lin(torch.ones(4, 3))).all())
    True

As with CUDA graphs, capturing does not do the work: outputs hold zeros and written
Tensors keep their values until the first ``replay()``. Only Tensors bound to local
variables of the capturing frame (directly or in a tuple/list/dict) are outputs.
"""

from __future__ import annotations

import sys
from typing import Any

import jax
import jax.numpy as jnp
from jax._src import core as jax_core
from jax._src import source_info_util
from jax._src.interpreters import partial_eval as pe

from .. import _tensor
from .._tensor import StateObserver, Tensor, ViewTensor

__all__ = ["Graph", "graph"]

NOT_CAPTURED = (
    "Graph.replay(): nothing was captured; use `with accelerator.graph(g): ...`"
)
NESTED = "accelerator.graph: cannot capture inside another capture or compiled function"


def _root(t: Tensor) -> Tensor:
    return t._root if isinstance(t, ViewTensor) else t


class _Capture(StateObserver):
    """Turns the first read of each pre-existing Tensor into a program input."""

    def __init__(self, trace: Any) -> None:
        self.trace = trace
        self.start = next(_tensor._serials)
        self.inputs: list[Tensor] = []
        self.original: dict[int, tuple[Tensor, Any]] = {}
        self.written: dict[int, Tensor] = {}
        self.source_info = source_info_util.current()

    def _lift(self, t: Tensor) -> None:
        if t._serial >= self.start or id(t) in self.original:
            return
        self.original[id(t)] = (t, t._data)
        data = t._data
        if isinstance(data, jax.core.Tracer):
            raise RuntimeError(NESTED)
        aval = jax_core.ShapedArray(data.shape, data.dtype)
        t._data = self.trace.new_arg(aval, source_info=self.source_info)
        self.inputs.append(t)

    def read(self, t: Tensor) -> None:
        self._lift(_root(t))

    def write(self, t: Tensor) -> None:
        t = _root(t)
        if t._serial < self.start:
            self._lift(t)
            self.written[id(t)] = t

    def participate(self, obj: Any) -> None:
        pass


class Graph:
    """A captured program: ``replay()`` re-runs it on the captured Tensors' arrays."""

    def __init__(self) -> None:
        self.inputs: list[Tensor] = []
        self.outputs: list[Tensor] = []
        self.jaxpr: Any = None
        self._executable: Any = None

    def replay(self) -> None:
        """Run the captured program; results go into the captured output Tensors."""
        if self._executable is None:
            raise RuntimeError(NOT_CAPTURED)
        outs = self._executable(*[t._data for t in self.inputs])
        for t, a in zip(self.outputs, outs):
            t._data = a
            t._version += 1

    def reset(self) -> None:
        """Forget the captured program (``torch.cuda.CUDAGraph.reset``)."""
        self.__init__()  # type: ignore[misc]

    def capture_begin(self) -> None:
        self._ctx = graph(self, _depth=2)
        self._ctx.__enter__()

    def capture_end(self) -> None:
        self._ctx.__exit__(None, None, None)

    def __repr__(self) -> str:
        n = len(self.jaxpr.eqns) if self.jaxpr is not None else 0
        return f"Graph({len(self.inputs)} inputs, {len(self.outputs)} outputs, {n} ops)"


def _frame_tensors(frame: Any, trace: Any) -> list[Tensor]:
    """Tensors made by the capture and bound to the frame's locals (one level deep)."""
    found: dict[int, Tensor] = {}

    def visit(x: Any, depth: int) -> None:
        if isinstance(x, Tensor):
            d = x._data
            if isinstance(d, pe.DynamicJaxprTracer) and d._trace is trace:
                found.setdefault(id(x), x)
        elif depth < 2 and isinstance(x, (tuple, list)):
            for y in x:
                visit(y, depth + 1)
        elif depth < 2 and isinstance(x, dict):
            for y in x.values():
                visit(y, depth + 1)

    for value in list(frame.f_locals.values()):
        visit(value, 0)
    return list(found.values())


class graph:  # noqa: N801  (PyTorch's name for the context manager)
    """``torch.accelerator.graph(g)``: capture the block into ``g``.

    Args:
        graph: the ``Graph`` to capture into.
        pool: accepted for PyTorch compatibility (memory pools are XLA's concern).
        stream: accepted for PyTorch compatibility.
    """

    def __init__(self, graph: Graph, pool: Any = None, stream: Any = None, *,
                 _depth: int = 1) -> None:  # fmt: skip
        self.graph = graph
        self._depth = _depth

    def __enter__(self) -> Graph:
        if _tensor.observer is not None:
            raise RuntimeError(NESTED)
        self.frame = sys._getframe(self._depth)
        self.dbg = jax_core.DebugInfo(
            "accelerator.graph", "<captured block>", None, None
        )
        self.trace = pe.DynamicJaxprTrace(
            self.dbg, parent_trace=jax_core.trace_ctx.trace
        )
        self.capture = _Capture(self.trace)
        self._set_trace = jax_core.set_current_trace(self.trace)
        self._set_trace.__enter__()
        _tensor.observer = self.capture
        return self.graph

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        cap = self.capture
        _tensor.observer = None
        self._set_trace.__exit__(None, None, None)
        try:
            if exc_type is None:
                self._finish()
        finally:
            for t, data in cap.original.values():
                t._data = data

    def _finish(self) -> None:
        cap, trace, g = self.capture, self.trace, self.graph
        made = _frame_tensors(self.frame, trace)
        outputs = list(cap.written.values()) + made
        out_tracers = [trace.to_jaxpr_tracer(t._data, cap.source_info) for t in outputs]
        jaxpr, consts = trace.frame.to_jaxpr(
            trace, out_tracers, self.dbg, cap.source_info
        )
        closed = jax_core.ClosedJaxpr(jaxpr, consts)
        g.jaxpr = closed
        g.inputs = list(cap.inputs)
        g.outputs = outputs
        fn = jax_core.jaxpr_as_fun(closed)
        structs = [
            jax.ShapeDtypeStruct(t.shape, cap.original[id(t)][1].dtype)
            for t in cap.inputs
        ]  # noqa: E501
        g._executable = jax.jit(fn).lower(*structs).compile()
        # Capturing does not run the work: new outputs start as zeros (PyTorch leaves
        # them uninitialised), written inputs keep their values until replay().
        for t in made:
            t._data = jnp.zeros(t._data.shape, t._data.dtype)
