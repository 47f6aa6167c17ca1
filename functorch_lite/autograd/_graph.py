"""The recorded graph: one ``Node`` per op that needs a gradient (ARCHITECTURE §2).

A node keeps the op, its static arguments, the input arrays (the primals JAX's VJP is
evaluated at) and one edge per input: ``None`` (constant), ``(node, output_index)`` for
an interior value, or ``(LEAF, tensor)`` for a leaf that accumulates into ``.grad``.
Backward rules are not stored: the engine asks JAX for them (``jax.vjp`` of ``op.fn``).
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

__all__ = ["Node", "AccumulateGrad", "LEAF"]

LEAF = "leaf"
_seq = itertools.count()

FREED = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward."
)
MODIFIED = (
    "one of the variables needed for gradient computation has been modified by an "
    "inplace operation: [{kind} {shape}], which is output {idx} of {producer}, is at "
    "version {now}; expected version {then} instead. Hint: the backtrace further above "
    "shows the operation that failed to compute its gradient. The variable in question "
    "was changed in there or anywhere later. Good luck!"
)


class Node:
    """A recorded op: ``grad_fn`` of the tensors it produced."""

    __slots__ = (
        "op", "static", "args", "edges", "saved", "n_out", "float_out", "seq",
        "hooks", "retained", "pre_hooks", "post_hooks", "__weakref__",
    )  # fmt: skip

    def __init__(
        self,
        op: Any,
        static: dict[str, Any],
        args: tuple[Any, ...],
        edges: tuple[Any, ...],
        saved: tuple[Any, ...],
        n_out: int,
        float_out: tuple[bool, ...],
    ) -> None:
        self.op = op
        self.static = static
        self.args: tuple[Any, ...] | None = args
        self.edges = edges
        self.saved = saved
        self.n_out = n_out
        self.float_out = float_out
        # Creation order: a node is made after the nodes it reads from, so sorting by
        # ``seq`` orders a graph topologically (the engine's plan relies on it).
        self.seq = next(_seq)
        self.hooks: dict[int, list[Any]] | None = None
        self.retained: dict[int, Any] | None = None
        self.pre_hooks: list[Any] | None = None
        self.post_hooks: list[Any] | None = None

    def name(self) -> str:
        return self.op.backward_name

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """``grad_fn.next_functions``: (node, output index) per input, as in PyTorch."""
        out = []
        for edge in self.edges:
            if edge is None:
                out.append((None, 0))
            elif edge[0] is LEAF:
                out.append((AccumulateGrad.of(edge[1]), 0))  # type: ignore[arg-type]
            else:
                out.append(edge)
        return tuple(out)

    def register_hook(self, fn: Any) -> Any:
        """``Node.register_hook(fn(grad_inputs, grad_outputs))``."""
        if self.post_hooks is None:
            self.post_hooks = []
        self.post_hooks.append(fn)
        return _Handle(self.post_hooks, fn)

    def register_prehook(self, fn: Any) -> Any:
        """``Node.register_prehook(fn(grad_outputs))``."""
        if self.pre_hooks is None:
            self.pre_hooks = []
        self.pre_hooks.append(fn)
        return _Handle(self.pre_hooks, fn)

    def add_tensor_hook(self, out_idx: int, fn: Any) -> Any:
        if self.hooks is None:
            self.hooks = {}
        lst = self.hooks.setdefault(out_idx, [])
        lst.append(fn)
        return _Handle(lst, fn)

    def retain(self, out_idx: int, tensor: Any) -> None:
        if self.retained is None:
            self.retained = {}
        self.retained[out_idx] = weakref.ref(tensor)

    @property
    def has_hooks(self) -> bool:
        return bool(self.hooks or self.retained or self.pre_hooks or self.post_hooks)

    def check_saved(self) -> None:
        """Raise PyTorch's error if a saved input was modified in place since forward."""
        if self.args is None:
            raise RuntimeError(FREED)
        for t, version in self.saved:
            if t._version != version:
                producer = t.grad_fn.name() if t.grad_fn is not None else "a leaf"
                raise RuntimeError(
                    MODIFIED.format(
                        kind=f"functorch_lite.{t.dtype.name}",
                        shape=list(t.shape),
                        idx=t._out_idx,
                        producer=producer,
                        now=t._version,
                        then=version,
                    )
                )


class AccumulateGrad:
    """The ``grad_fn`` seen in ``next_functions`` for a leaf: accumulates into ``.grad``."""

    __slots__ = ("variable", "__weakref__")
    _cache: weakref.WeakKeyDictionary[Any, AccumulateGrad] = weakref.WeakKeyDictionary()

    def __init__(self, variable: Any) -> None:
        self.variable = variable

    @classmethod
    def of(cls, tensor: Any) -> AccumulateGrad:
        node = cls._cache.get(tensor)
        if node is None:
            node = cls._cache[tensor] = cls(tensor)
        return node

    def name(self) -> str:
        return "AccumulateGrad"

    @property
    def next_functions(self) -> tuple[()]:
        return ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


class _Handle:
    """``RemovableHandle``: ``.remove()`` unregisters a hook."""

    def __init__(self, lst: list[Any], fn: Any) -> None:
        self._lst, self._fn = lst, fn

    def remove(self) -> None:
        if self._fn in self._lst:
            self._lst.remove(self._fn)

    def __enter__(self) -> _Handle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()
