"""One traced and compiled step: its state layout, executable and per-call run.

``compile`` (``_compile.CompiledFunction``) traces a step into a ``_Program`` per
guard; ``run`` hands the state's current arrays to the executable and writes the new
arrays back into the same Tensors (see ``docs/DESIGN_NOTES.md`` § compile).
"""

from __future__ import annotations

from operator import attrgetter, is_
from typing import Any

import jax

from .._tensor import Tensor
from ._packed import Packing, raw_data

__all__ = ["_Program", "unique_by_identity"]

_GRAD = attrgetter("_grad")


def unique_by_identity(items: list[Any]) -> tuple[list[Any], list[int]]:
    """The distinct objects of ``items`` (by identity, in first-seen order) and, per
    item, its position among them. Arrays are immutable: the same array is the same
    value, so state tensors holding one array can share one program input/output.
    """
    slot_of: dict[int, int] = {}
    unique: list[Any] = []
    slots = []
    for item in items:
        slot = slot_of.setdefault(id(item), len(unique))
        if slot == len(unique):
            unique.append(item)
        slots.append(slot)
    return unique, slots


class _Program:
    """One traced and compiled program for one guard, with its state layout."""

    __slots__ = ("jitted", "state", "written", "grad_slots", "grad_none", "out_tree",
                 "out_static", "donate", "grad_none_out", "jit_fn",
                 "example_args", "differentiable", "recordable", "op", "written_in", "read_in",
                 "grad_in_state", "grad_plan", "grad_objects", "single", "recycling",
                 "in_slots", "out_slots", "written_first", "written_alias", "packing")  # fmt: skip

    def __init__(self) -> None:
        self.jitted: Any = None
        self.state: list[Tensor] = []
        self.written: list[bool] = []
        self.grad_slots: list[Tensor] = []
        self.grad_none: list[bool] = []
        self.out_tree: Any = None
        self.out_static: list[Any] = []
        self.donate = True
        self.grad_none_out: list[bool] = []
        #: The ``jax.jit`` of the pure function (``.trace``/``.lower`` for inspection).
        self.jit_fn: Any = None
        #: ``(written_state, read_state, arg_arrays)`` as ``jax.ShapeDtypeStruct``s.
        self.example_args: Any = None
        #: True when the program updates no tensor that requires grad and runs no
        #: backward (a compiled forward): calls then record ONE autograd node.
        self.differentiable = False
        #: True when calls may run as one recorded autograd op (the program writes no
        #: grad-requiring Tensor and no ``.grad``): done when state or an argument
        #: requires grad.
        self.recordable = False
        self.op: Any = None
        #: Written state tensors (donated inputs) and read-only state tensors.
        self.written_in: list[Tensor] = []
        self.read_in: list[Tensor] = []
        #: Written tensors holding one array (an optimizer's step count shared by a
        #: group) enter as ONE input and leave as one output while they stay shared:
        #: the step then computes their update once. ``in_slots[i]``/``out_slots[i]``
        #: are written tensor i's input and output positions; ``written_first`` the
        #: tensor read for each input, ``written_alias`` the (tensor, slot) pairs whose
        #: sharing the guard checks.
        self.in_slots: list[int] = []
        self.out_slots: list[int] = []
        self.written_first: list[Tensor] = []
        self.written_alias: list[tuple[Tensor, int]] = []
        #: Per grad slot: its new gradient is returned as the new value of the old
        #: ``.grad`` tensor (a written state input) rather than as a separate output.
        #: That is the usual step — ``zero_grad()`` drops the old grad, ``backward()``
        #: makes a new one of the same shape — and it lets XLA write the new gradient
        #: into the old one's donated buffer (aligned input/output aliasing).
        self.grad_in_state: list[bool] = []
        #: ``(param, grad is None)`` for the slots ``run`` must set: those left
        #: ``None`` and those whose gradient is returned separately, in order.
        self.grad_plan: list[tuple[Tensor, bool]] = []
        #: Each grad slot's ``.grad`` Tensor when traced (``None``: no grad). Held
        #: strongly: a traced ``.grad`` is state of the program anyway.
        self.grad_objects: list[Tensor | None] = []
        #: The output is one Tensor (the usual loss): no pytree rebuild per call.
        self.single = False
        #: ``reduce-overhead``'s variant writing outputs into the previous call's
        #: output buffers (``_modes._recycling_program``); ``False``: not worth it.
        self.recycling: Any = None
        #: Small written state travels as one buffer per dtype (``_packed``); then
        #: ``jitted`` takes and returns the packed buffers instead of the arrays.
        self.packing: Packing | None = None

    def finish_layout(self) -> None:
        """Fill the per-call lists once, after the trace decided what is returned."""
        pairs = list(zip(self.state, self.written))
        self.written_in = [t for t, w in pairs if w]
        self.read_in = [t for t, w in pairs if not w]
        firsts: dict[int, Tensor] = {}
        self.written_alias = []
        for t, slot in zip(self.written_in, self.in_slots):
            if slot in firsts:
                self.written_alias.append((t, slot))
            else:
                firsts[slot] = t
        self.written_first = [firsts[i] for i in range(len(firsts))]
        self.grad_plan = [
            (p, none)
            for p, none, in_state in zip(
                self.grad_slots, self.grad_none_out, self.grad_in_state
            )
            if none or not in_state
        ]
        self.grad_objects = [p._grad for p in self.grad_slots]
        probe = jax.numpy.zeros((), "float32")  # stands in for the output array
        self.single = self.out_static == [None] and isinstance(
            jax.tree_util.tree_unflatten(self.out_tree, [probe]), Tensor
        )

    @property
    def grad_ids(self) -> list[int | None]:
        """``id`` of each grad slot's ``.grad`` Tensor when traced (None: no grad)."""
        return [None if g is None else id(g) for g in self.grad_objects]

    def layout_holds(self) -> bool:
        """The guard on state: ``.grad`` slots and array sharing as when traced."""
        if not all(map(is_, map(_GRAD, self.grad_slots), self.grad_objects)):
            return False
        return self.aliases_hold()

    def aliases_hold(self) -> bool:
        """Written Tensors that shared one array when traced still share one."""
        if self.packing is not None and self.packing.clean:
            return True  # every written Tensor still pending as this program left it
        firsts = self.written_first
        return all(
            raw_data(t) is raw_data(firsts[slot]) for t, slot in self.written_alias
        )

    def run(self, arrays: list[Any]) -> Any:
        """Call the executable on the state's current arrays and write the results back.

        The caller has checked the guard. Returns the step's output.
        """
        return self.run_with(self.jitted, arrays)[0]

    def run_with(
        self, executable: Any, arrays: list[Any], *extra: Any
    ) -> tuple[Any, list[Any]]:
        """``run`` through ``executable(written, read, arrays, *extra)``.

        Returns the step's output and the program's output arrays.
        """
        packing = self.packing
        if packing is not None:
            new_buffers, grads, out = executable(
                packing.inputs(self.written_first),
                [t._data for t in self.read_in],
                arrays,
                *extra,
            )
            packing.write_back(new_buffers)
            return self._finish(grads, out)
        written = [t._data for t in self.written_first]
        if self.donate and len(set(map(id, written))) != len(written):
            # One array held by two state tensors cannot be donated twice: copy one.
            seen: set[int] = set()
            for i, a in enumerate(written):
                if id(a) in seen:
                    written[i] = a.copy()
                seen.add(id(a))
        new_written, grads, out = executable(
            written, [t._data for t in self.read_in], arrays, *extra
        )
        for t, slot in zip(self.written_in, self.out_slots):
            t._data = new_written[slot]
            t._version += 1
        return self._finish(grads, out)

    def _finish(self, grads: list[Any], out: list[Any]) -> tuple[Any, list[Any]]:
        """Set the ``.grad``s returned separately; the step's output and out arrays."""
        if self.grad_plan:
            gi = iter(grads)
            for p, none in self.grad_plan:
                if none:
                    p._grad = None
                elif p._grad is None:
                    p._grad = Tensor(next(gi))
                else:
                    p._grad._data = next(gi)
        if self.single:
            return Tensor(out[0]), out
        ai = iter(out)
        leaves = [next(ai) if s is None else s for s in self.out_static]
        result = jax.tree_util.tree_unflatten(self.out_tree, leaves)
        # Outputs are values: their history ran (and ended) inside the program.
        for t in jax.tree_util.tree_leaves(
            result, is_leaf=lambda x: isinstance(x, Tensor)
        ):
            if isinstance(t, Tensor):
                t._requires_grad = False
        return result, out

    def run_recorded(self, arg_inputs: list[Any]) -> Any:
        """Run as ONE recorded autograd op, so eager ``backward()`` reaches the state.

        For a compiled forward (``differentiable``): JAX differentiates the pure
        function; its backward is compiled like any op's.
        """
        from .._ops._dispatch import Op, dispatch

        written, read = self.written_first, self.read_in
        n_w, n_r = len(written), len(read)
        n_new = max(self.out_slots, default=-1) + 1  # distinct new state arrays
        n_out = sum(st is None for st in self.out_static)
        if self.op is None:
            jit_fn = self.jit_fn

            def whole(*flat: Any) -> Any:
                new_w, grads, outs = jit_fn(
                    list(flat[:n_w]),
                    list(flat[n_w : n_w + n_r]),
                    list(flat[n_w + n_r :]),
                )
                flat_out = tuple(outs) + tuple(new_w) + tuple(grads)
                return flat_out if len(flat_out) != 1 else flat_out[0]

            total = n_out + n_new + sum(not g for g in self.grad_none_out)
            self.op = Op("compiled", whole, n_out=total, saves_inputs=False,
                         backward_name="CompiledFunctionBackward")  # fmt: skip
        results = dispatch(self.op, tuple(written + read + arg_inputs), {})
        results = results if isinstance(results, tuple) else (results,)
        new_state = results[n_out : n_out + n_new]
        for t, slot in zip(self.written_in, self.out_slots):
            t._data = new_state[slot]._data
            t._version += 1
        it = iter(results[:n_out])
        leaves_out = [next(it) if st is None else st for st in self.out_static]
        # Tensor outputs are pytree nodes over one array each: put the op's results
        # (which carry the autograd history) where those arrays were.
        flat, tree = jax.tree_util.tree_flatten(
            jax.tree_util.tree_unflatten(self.out_tree, [0] * len(leaves_out)),
            is_leaf=lambda x: isinstance(x, Tensor),
        )
        it = iter(leaves_out)
        rebuilt = [next(it) for _ in flat]
        return jax.tree_util.tree_unflatten(tree, rebuilt)
