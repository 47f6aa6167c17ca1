"""Small written state travels to and from a compiled step as one buffer per dtype.

A compiled call costs XLA ~1 µs per input and ~2 µs per output array on top of its
kernels; a small model's Adam step writes ~4 arrays per parameter (the parameter,
its ``.grad``, ``exp_avg``, ``exp_avg_sq``), so array handling, not arithmetic, sets
its time. When the written state is small (``PACK_STATE_BYTES`` in all), the program
takes it as one donated buffer per dtype, slices it inside XLA, and returns the new
state packed the same way: 17 inputs and outputs become 1 of each for a two-layer
MLP (a step 1.4× faster, measured in ``benchmarks/train_step.py``).

The Tensors keep PyTorch's object model: after a call each written Tensor is
*pending* — its class is swapped for a subclass whose ``_data`` property cuts the
arrays out of the packed buffer on first read (one XLA call for all of them) and
then swaps the class back. A training loop that never looks at the state between
steps never pays for it; any read (``p.grad``, ``state_dict()``, an eager forward)
sees exactly the values a per-array program would have written, and any write
(``_data = …`` from an in-place op) turns the Tensor plain again, so the next call
repacks from the current arrays instead of reusing the stale buffer.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._tensor import Tensor

__all__ = [
    "PACK_STATE_BYTES",
    "Packing",
    "materialize",
    "packed_executable",
    "raw_data",
]

#: Written state at most this large (bytes, all arrays) is packed.
PACK_STATE_BYTES = 1 << 20

#: The ``_data`` slot of every plain Tensor class (``Tensor``, ``Parameter``...).
_SLOT: Any = Tensor.__dict__["_data"]


class _Pending:
    """What a pending Tensor's ``_data`` slot holds: its place in a packed output."""

    __slots__ = ("packing", "index")

    def __init__(self, packing: Packing, index: int) -> None:
        self.packing = packing
        self.index = index


def _get_data(self: Tensor) -> Any:
    raw = _SLOT.__get__(self)
    if type(raw) is _Pending:
        raw.packing.materialize()
        return _SLOT.__get__(self)
    return raw


def _set_data(self: Tensor, value: Any) -> None:
    old = _SLOT.__get__(self)
    if type(old) is _Pending:  # a write without a read: the buffer is now stale
        old.packing.clean = False
    _SLOT.__set__(self, value)
    self.__class__ = _PLAIN[type(self)]


_PENDING: dict[type, type] = {}
_PLAIN: dict[type, type] = {}


def _pending_class(cls: type) -> type:
    """``cls`` with a lazy ``_data``; same name and layout, so ``isinstance`` holds."""
    if cls in _PLAIN:
        return cls
    pending = _PENDING.get(cls)
    if pending is None:
        attrs = {"__slots__": (), "_data": property(_get_data, _set_data),
                 "__module__": cls.__module__, "__qualname__": cls.__qualname__,
                 "__doc__": cls.__doc__}  # fmt: skip
        pending = _PENDING[cls] = type(cls.__name__, (cls,), attrs)
        _PLAIN[pending] = cls
        # JAX looks pytree nodes up by exact type: flatten as the plain class does
        # (reading the array) and rebuild a plain instance.
        jax.tree_util.register_pytree_node(
            pending, _flatten_pending, _unflatten_pending
        )
    return pending


def _flatten_pending(t: Tensor) -> tuple[tuple[Any], Any]:
    data = t._data  # cuts the buffer; ``t`` is plain from here on
    return (data,), _plain_node(type(t), t._requires_grad)


def _unflatten_pending(node: Any, children: Any) -> Any:
    return jax.tree_util.tree_unflatten(node, children)


_NODES: dict[tuple[type[Tensor], bool], Any] = {}


def _plain_node(cls: type[Tensor], requires_grad: bool) -> Any:
    """The one-node treedef of a ``cls`` Tensor: its registered unflatten rebuilds it."""
    node = _NODES.get((cls, requires_grad))
    if node is None:
        template = cls.__new__(cls)
        Tensor.__init__(template, np.zeros((), np.float32), requires_grad)
        node = _NODES[cls, requires_grad] = jax.tree_util.tree_structure(template)
    return node


def packable(tensors: list[Tensor]) -> bool:
    """Whether these written state Tensors can travel packed (plain array slots)."""
    return all(
        getattr(type(t), "_data", None) is _SLOT or type(t) in _PLAIN for t in tensors
    )


def raw_data(t: Tensor) -> Any:
    """``t._data`` without cutting a packed buffer: a pending Tensor's record.

    Tensors sharing one array while pending share one record, so identity tests on
    this value mean what they mean on arrays.
    """
    return _SLOT.__get__(t) if type(t) in _PLAIN else t._data


def materialize(tensors: list[Tensor]) -> None:
    """Give every pending Tensor among ``tensors`` its own array (before a trace)."""
    for t in tensors:
        if type(t) in _PLAIN:
            _get_data(t)


class Packing:
    """The packed layout of one program's written state and its latest output.

    Args:
        avals: shape and dtype of each distinct written array (the program's inputs
            and, in the same order, its outputs).
        tensors: the written Tensors.
        slots: per written Tensor, the index of its distinct array.
    """

    def __init__(self, avals: list[Any], tensors: list[Tensor],
                 slots: list[int]) -> None:  # fmt: skip
        dtypes: list[Any] = []
        for a in avals:
            if a.dtype not in dtypes:
                dtypes.append(a.dtype)
        offsets = {d: 0 for d in dtypes}
        #: Per distinct array: (buffer index, start, size, shape).
        self.layout: list[tuple[int, int, int, tuple[int, ...]]] = []
        for a in avals:
            size = math.prod(a.shape)
            self.layout.append((dtypes.index(a.dtype), offsets[a.dtype], size, a.shape))
            offsets[a.dtype] += size
        self.sizes = [offsets[d] for d in dtypes]
        #: One record per distinct array: the ``_data`` of Tensors pending on it.
        self.records = [_Pending(self, i) for i in range(len(avals))]
        self.buffers: list[Any] | None = None  # the latest packed output
        self.arrays: list[Any] | None = None  # ``buffers`` cut up, once read
        #: Every written Tensor is still pending on ``buffers``: nothing read or
        #: wrote one since the last call (reads and writes go through the pending
        #: class's ``_data``, which clears this), so the next call skips all checks.
        self.clean = False
        self.tensors = tensors
        #: Per written Tensor: its record and its pending class.
        self.pending = [(self.records[slot], _pending_class(type(t)))
                        for slot, t in zip(slots, tensors, strict=True)]  # fmt: skip
        self._pack = jax.jit(self.pack)
        self._unpack = jax.jit(self.unpack)

    # ------------------------------------------------------------ inside XLA
    def pack(self, arrays: list[Any]) -> list[Any]:
        """The distinct written arrays, flattened into one buffer per dtype."""
        parts: list[list[Any]] = [[] for _ in self.sizes]
        for (b, _, _, _), a in zip(self.layout, arrays, strict=True):
            parts[b].append(jnp.ravel(a))
        return [jnp.concatenate(p) if len(p) > 1 else p[0] for p in parts]

    def unpack(self, buffers: list[Any]) -> list[Any]:
        """The distinct written arrays, cut out of the packed buffers."""
        return [
            jax.lax.slice(buffers[b], (start,), (start + size,)).reshape(shape)
            for b, start, size, shape in self.layout
        ]

    def wrap(self, program_fn: Any) -> Any:
        """``program_fn(written, read, args)`` taking and returning packed state."""

        @functools.wraps(program_fn)
        def packed(buffers: list[Any], read: list[Any], args: list[Any]) -> Any:
            new, grads, out = program_fn(self.unpack(buffers), read, args)
            return self.pack(new), grads, out

        return packed

    # ------------------------------------------------------------ per call
    def pack_now(self, arrays: list[Any]) -> list[Any]:
        """``pack`` run eagerly (one XLA call): buffers holding these arrays."""
        return self._pack(arrays)

    def inputs(self, written_first: list[Tensor]) -> list[Any]:
        """The packed input: the last output when the state is as written, else packed
        anew from the Tensors' current arrays."""
        buffers = self.buffers
        if self.clean:
            return buffers  # type: ignore[return-value]
        if buffers is not None:
            arrays = self.arrays
            for i, (t, rec) in enumerate(zip(written_first, self.records)):
                raw = _SLOT.__get__(t)
                if raw is not rec and (arrays is None or raw is not arrays[i]):
                    break
            else:
                return buffers
        return self.pack_now([t._data for t in written_first])

    def write_back(self, buffers: list[Any]) -> None:
        """Make every written Tensor pending on the new packed output."""
        self.buffers, self.arrays = buffers, None
        if self.clean:  # each still holds its record: only versions advance
            for t in self.tensors:
                t._version += 1
            return
        for t, (record, pending) in zip(self.tensors, self.pending):
            old = _SLOT.__get__(t)
            if type(old) is _Pending and old.packing is not self:
                old.packing.clean = False  # taken over from another program
            _SLOT.__set__(t, record)
            t.__class__ = pending
            t._version += 1
        self.clean = True

    def materialize(self) -> None:
        """Cut the latest output into arrays and give each pending Tensor its own."""
        assert self.buffers is not None
        self.clean = False
        with jax.ensure_compile_time_eval():  # eager even when read inside a trace
            arrays = self.arrays = self._unpack(self.buffers)
        for t, (record, _) in zip(self.tensors, self.pending):
            if _SLOT.__get__(t) is record:
                _SLOT.__set__(t, arrays[record.index])
                t.__class__ = _PLAIN[type(t)]


def state_bytes(avals: list[Any]) -> int:
    """Total bytes of arrays with these shapes and dtypes."""
    return sum(math.prod(a.shape) * np.dtype(a.dtype).itemsize for a in avals)


def packed_executable(
    jitted: Any,
    traced: Any,
    example: tuple[list[Any], list[Any], list[Any]],
    written_tensors: list[Tensor],
    in_slots: list[int],
    out_slots: list[int],
    donate: bool,
    options: Any,
) -> tuple[Any, Packing] | None:
    """``jitted`` (a traced step) compiled to take and return its state packed.

    Args:
        jitted: the ``jax.jit`` of ``program_fn(written, read, args)``.
        traced: its trace at ``example`` (written, read and argument arrays).
        written_tensors: the Tensors holding the written arrays.
        in_slots, out_slots: per written Tensor, the index of its distinct input
            and output array (packing needs them equal: one layout both ways).
        donate: donate the packed input buffers.
        options: XLA compiler options.

    Returns:
        The executable and its ``Packing``, or None when the state is large, not
        plain Tensors, or its new layout differs from the old one.
    """
    written, read, arrays = example
    avals = [jax.ShapeDtypeStruct(a.shape, a.dtype) for a in written]
    new_avals = traced.out_info[0]
    if (
        not avals
        or in_slots != out_slots
        or [(a.shape, a.dtype) for a in new_avals]
        != [(a.shape, a.dtype) for a in avals]
        or state_bytes(avals) > PACK_STATE_BYTES
        or not packable(written_tensors)
    ):
        return None
    packing = Packing(avals, written_tensors, out_slots)
    packed = jax.jit(packing.wrap(jitted), donate_argnums=(0,) if donate else (),
                     keep_unused=True, compiler_options=options)  # fmt: skip
    packed.lower(packing.pack_now(written), read, arrays).compile()
    return packed, packing
