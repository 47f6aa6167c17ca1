"""``compile``/``jit``: a stateful PyTorch-style step as ONE compiled XLA program (§3).

``compile(fn)`` turns ``fn(*args)`` — which may close over modules, optimizers and
schedulers the way a PyTorch script does — into
``pure(state_arrays, arg_arrays) -> (outputs, new_state_arrays)``, compiles it once per
guard and writes the new arrays back into the same Tensors after every call.

* Call 1 runs eagerly under a ``Recorder``: it finds the state and lets lazily created
  state (optimizer moments) come into being.
* Call 2 traces ``pure`` with every state tensor's array swapped for a tracer; a missed
  state tensor restarts the trace with it added. The program is cached under a guard:
  argument shapes/dtypes and static values, ``training`` flags of the modules that ran,
  and which ``.grad`` slots are ``None``.
* Later calls: guard check, hand arrays in (written state donated), write arrays back.

Code that cannot be traced (``.item()``, ``if tensor:``) falls back to eager with a
one-time warning naming the line, or raises with ``fullgraph=True``.
"""

from __future__ import annotations

import functools
import os
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import jax

from .. import _config
from .._tensor import Tensor, TracedValueError
from ..autograd._grad_mode import state as grad_state
from ._disable import disable
from ._functionalize import is_tensor
from ._packed import materialize, packed_executable
from ._program import _Program, unique_by_identity
from ._state import MissedState, Recorder, observing

__all__ = ["compile", "jit", "CompiledFunction", "disable"]

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRAPH_BREAK = (
    "functorch_lite.compile could not trace {where}: {why}\n"
    "Compiled code cannot read tensor values in Python. Use functorch_lite.cond / "
    "functorch_lite.where or masking instead of Python `if` on tensors, keep .item(), "
    ".numpy() and print(tensor) outside the compiled function, or mark a helper with "
    "functorch_lite.compiler.disable."
)
RETRACE_WARNING = (
    "functorch_lite.compile: {name} was re-traced {n} times; the last re-trace was "
    "caused by a change of {what}. Each re-trace compiles a new program: keep shapes "
    "and static arguments stable (or use dynamic=True)."
)
MAX_STATE_ROUNDS = 64
TENSORS_ONLY = "(Tensor, ...)"  # the argument structure of an all-Tensor call


def _user_location(tb: Any) -> str:
    """The innermost frame of user code in a traceback (not ours, not JAX's)."""
    where = "the function"
    for frame in traceback.extract_tb(tb):
        fname = os.path.abspath(frame.filename)
        if fname.startswith(_PKG_DIR) or f"{os.sep}jax{os.sep}" in fname:
            continue
        where = f"{frame.filename}:{frame.lineno} ({frame.line})"
    return where


def _is_trace_error(e: BaseException) -> bool:
    return isinstance(e, (TracedValueError, jax.errors.ConcretizationTypeError,
                          jax.errors.TracerArrayConversionError,
                          jax.errors.TracerIntegerConversionError,
                          jax.errors.TracerBoolConversionError))  # fmt: skip


class CompiledFunction:
    """The callable returned by ``compile``/``jit``; see the module docstring."""

    def __init__(self, fn: Callable[..., Any], *, static_argnums: tuple[int, ...] = (),
                 donate_state: bool = True, fullgraph: bool = False,
                 mode: str | None = None, dynamic: bool | None = None) -> None:  # fmt: skip
        self.fn = fn
        self.static_argnums = tuple(static_argnums)
        self.donate_state = donate_state
        self.fullgraph = fullgraph
        self.mode = mode
        self.dynamic = dynamic
        self.programs: dict[Any, _Program] = {}
        #: dynamic=True: symbolically traced programs by guard minus batch sizes.
        self.dynamic_programs: dict[Any, _Program] = {}
        self.eager_guards: set[Any] = set()
        self.participants: list[Any] = []
        #: From the participants, once: what selects a program (a module's training
        #: flag) and what runs before every call (an optimizer's hyperparameter sync).
        self.guards: list[Callable[[], Any]] = []
        self.syncs: list[Callable[[], None]] = []
        self.discovered: Recorder | None = None
        self.traces = 0
        self.last_guard: Any = None
        self.retrace_causes: list[str] = []
        self.fallbacks: list[str] = []
        functools.update_wrapper(self, fn)

    # ------------------------------------------------------------------ guards
    def _split_args(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[list[Any], Any, tuple[Any, ...]]:  # noqa: E501
        dyn_args = tuple(a for i, a in enumerate(args) if i not in self.static_argnums)
        static_args = tuple(a for i, a in enumerate(args) if i in self.static_argnums)
        leaves, treedef = jax.tree_util.tree_flatten((dyn_args, kwargs))
        arrays, spec = [], []
        for leaf in leaves:
            if isinstance(leaf, (jax.Array, jax.core.Tracer)):
                arrays.append(leaf)
                spec.append((leaf.shape, leaf.dtype))
            else:
                spec.append(("static", leaf))  # type: ignore[arg-type]
        return arrays, treedef, (tuple(spec), static_args, str(treedef))

    def _arrays_and_key(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[list[Any], Any]:
        """The argument arrays and the part of the guard they decide.

        The usual call — positional Tensors only — skips the pytree flattening.
        """
        if not kwargs and not self.static_argnums:
            arrays = []
            for a in args:
                if type(a) is not Tensor:
                    break
                arrays.append(a._data)
            else:
                spec = tuple((a.shape, a.dtype) for a in arrays)
                return arrays, (spec, (), TENSORS_ONLY)
        arrays, _, key = self._split_args(args, kwargs)
        return arrays, key

    def _guard(self, arg_key: Any) -> Any:
        parts = tuple(guard() for guard in self.guards)
        return (arg_key, parts, grad_state.enabled)

    # ------------------------------------------------------------------ call
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.discovered is None:
            return self._discover(args, kwargs)
        for sync in self.syncs:
            sync()
        arrays, arg_key = self._arrays_and_key(args, kwargs)
        guard = self._guard(arg_key)
        if guard in self.eager_guards:
            return self.fn(*args, **kwargs)
        program = self.programs.get(guard) or self._dynamic_program(guard)
        if program is not None and not program.layout_holds():
            program = None
        if program is None:
            program = self._trace(guard, args, kwargs, arrays)
            if program is None:
                return self.fn(*args, **kwargs)
        if (
            grad_state.enabled
            and program.recordable
            and (program.differentiable or requires_grad(args, kwargs))
        ):
            return self._run_differentiable(program, args, kwargs)
        return program.run(arrays)

    def program_for(self, *args: Any, **kwargs: Any) -> _Program | None:
        """The program a call with these arguments would run; traced, not run, if new.

        Needs the discovery call to have happened. ``None`` means these arguments run
        eagerly (a graph break). Used by ``functorch_lite.lowering`` to inspect steps.
        """
        if self.discovered is None:
            raise RuntimeError("program_for: call the compiled function once first")
        for sync in self.syncs:
            sync()
        arrays, arg_key = self._arrays_and_key(args, kwargs)
        guard = self._guard(arg_key)
        if guard in self.eager_guards:
            return None
        program = self.programs.get(guard) or self._dynamic_program(guard)
        if program is not None and program.layout_holds():
            return program
        return self._trace(guard, args, kwargs, arrays)

    def _dynamic_program(self, guard: Any) -> _Program | None:
        """With ``dynamic=True``: the program traced for another batch size, if any.

        It serves this guard from now on; only XLA compiles the new shape.
        """
        if not self.dynamic or not self.dynamic_programs:
            return None
        from ._dynamic import dynamic_key

        program = self.dynamic_programs.get(dynamic_key(guard))
        if program is not None:
            self.programs[guard] = program
        return program

    def _discover(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        rec = Recorder()
        with observing(rec):
            out = self.fn(*args, **kwargs)
        # Arguments are inputs of every call, not state, even if made before it.
        for t in jax.tree_util.tree_leaves(
            (args, kwargs), is_leaf=lambda x: isinstance(x, Tensor)
        ):
            if isinstance(t, Tensor):
                root = getattr(t, "_root", t)
                rec.tensors.pop(id(root), None)
                rec.written.pop(id(root), None)
        self.discovered = rec
        self.participants = list(rec.participants.values())
        self.guards = [p._compile_guard for p in self.participants
                       if hasattr(p, "_compile_guard")]  # fmt: skip
        self.syncs = [p._compile_sync for p in self.participants
                      if hasattr(p, "_compile_sync")]  # fmt: skip
        return out

    def _state_layout(self, tensors: dict[int, Tensor], written: set[int],
                      slots: dict[int, Tensor]) -> tuple[list[Tensor], list[bool]]:  # fmt: skip
        for p in slots.values():
            if p._grad is not None:
                tensors.setdefault(id(p._grad), p._grad)
                written.add(id(p._grad))
        order = sorted(
            tensors.values(), key=lambda t: (id(t) not in written, t._serial)
        )
        return order, [id(t) in written for t in order]

    def _trace(self, guard: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
               arrays: list[Any]) -> _Program | None:  # fmt: skip
        rec0 = self.discovered
        assert rec0 is not None
        tensors = dict(rec0.tensors)
        written = set(rec0.written)
        slots = dict(rec0.grad_slots)
        for _ in range(MAX_STATE_ROUNDS):
            program = _Program()
            program.state, program.written = self._state_layout(tensors, written, slots)
            program.grad_slots = list(slots.values())
            program.grad_none = [p._grad is None for p in program.grad_slots]
            try:
                self._compile_program(program, args, kwargs, arrays)
            except MissedState as missed:
                for t in missed.grad_slots:
                    slots[id(t)] = t
                for t in missed.tensors:
                    tensors[id(t)] = t
                    if id(t) in missed.written:
                        written.add(id(t))
                continue
            except Exception as e:
                if not _is_trace_error(e):
                    raise
                where = _user_location(e.__traceback__)
                message = GRAPH_BREAK.format(where=where, why=str(e).splitlines()[0])
                if self.fullgraph:
                    raise TracedValueError(message) from None
                warnings.warn(
                    message + "\nRunning this function eagerly instead.", stacklevel=3
                )  # noqa: E501
                self.fallbacks.append(where)
                self.eager_guards.add(guard)
                return None
            self._note_trace(guard)
            self.programs[guard] = program
            if self.dynamic and not program.differentiable:
                self._make_dynamic(guard, program)
            return program
        raise RuntimeError("functorch_lite.compile: state discovery did not converge")

    def _make_dynamic(self, guard: Any, program: _Program) -> None:
        from ._dynamic import dynamic_key, export_symbolic

        name = getattr(self.fn, "__qualname__", repr(self.fn))
        jitted = export_symbolic(program, name)
        if jitted is not None:
            program.jitted = jitted
            self.dynamic_programs[dynamic_key(guard)] = program

    def _packed_or_plain(self, program: _Program, jitted: Any,
                         example: tuple[list[Any], list[Any], list[Any]],
                         info: dict[str, Any], options: Any) -> Any:  # fmt: skip
        """The executable to call: taking small written state packed (``_packed``)
        when the new state mirrors the old one array for array, else ``jitted``.

        Traces ``jitted`` (filling ``info``), so missed state and trace errors
        surface here.
        """
        written, read, arrays = example
        traced = jitted.trace(written, read, arrays)
        if self.dynamic:  # compiled per shape from the symbolic export instead
            return jitted
        found = packed_executable(
            jitted,
            traced,
            example,
            [t for t, w in zip(program.state, program.written) if w],
            program.in_slots,
            info["out_slots"],
            self.donate_state,
            options,
        )
        if found is None:
            traced.lower().compile()
            return jitted
        packed, program.packing = found
        return packed

    def _note_trace(self, guard: Any) -> None:
        self.traces += 1
        if self.last_guard is not None:
            what = _guard_diff(self.last_guard, guard)
            self.retrace_causes.append(what)
            if self.traces > _config.RECOMPILE_WARN_LIMIT:
                name = getattr(self.fn, "__qualname__", repr(self.fn))
                warnings.warn(
                    RETRACE_WARNING.format(name=name, n=self.traces, what=what),
                    stacklevel=4,
                )  # noqa: E501
        self.last_guard = guard

    def _compile_program(self, program: _Program, args: tuple[Any, ...],
                         kwargs: dict[str, Any], arrays: list[Any]) -> None:  # fmt: skip
        state = program.state
        # State left packed by a program's last call gets its own arrays before the
        # trace, which reads them (and must not cut a buffer while tracing).
        materialize(state)
        slots = program.grad_slots
        known = {id(t) for t in state}
        known_grads = {id(p) for p in slots}
        fn = self.fn
        static_argnums = self.static_argnums
        _, treedef, _ = self._split_args(args, kwargs)
        leaves_template = jax.tree_util.tree_leaves(
            (tuple(a for i, a in enumerate(args) if i not in static_argnums), kwargs)
        )
        static_args = {i: a for i, a in enumerate(args) if i in static_argnums}
        info: dict[str, Any] = {}

        def pure(
            written_arrays: list[Any], read_arrays: list[Any], arg_arrays: list[Any]
        ) -> Any:
            saved = [
                (t._data, t._node, t._out_idx, t._requires_grad, t._version)
                for t in state
            ]
            saved_grads = [p._grad for p in slots]
            inputs = [written_arrays[i] for i in in_slots] + list(read_arrays)
            try:
                for t, a in zip(state, inputs):
                    t._data = a
                # Start the recorder before the argument Tensors are rebuilt, so they
                # count as new, not as state.
                recorder = Recorder(known, known_grads)
                it = iter(arg_arrays)
                leaves = [
                    next(it) if isinstance(x, (jax.Array, jax.core.Tracer)) else x
                    for x in leaves_template
                ]
                dyn_args, dyn_kwargs = jax.tree_util.tree_unflatten(treedef, leaves)
                dyn_it = iter(dyn_args)
                call_args = [
                    static_args[i] if i in static_args else next(dyn_it)
                    for i in range(len(args))
                ]
                with observing(recorder):
                    out = fn(*call_args, **dyn_kwargs)
                recorder.check_complete()
                out_leaves, out_tree = jax.tree_util.tree_flatten(out)
                info["out_tree"] = out_tree
                info["out_static"] = [
                    None if isinstance(x, (jax.Array, jax.core.Tracer)) else x
                    for x in out_leaves
                ]
                out_arrays = [
                    x for x in out_leaves if isinstance(x, (jax.Array, jax.core.Tracer))
                ]
                grads_now = [p._grad for p in slots]
                # Slot i's old .grad, left unchanged and replaced by a new gradient,
                # takes that gradient as its new value (see _Program.grad_in_state).
                old_slot = {
                    id(g): i for i, g in enumerate(saved_grads) if g is not None
                }
                new_written = []
                in_state: set[int] = set()
                for t, a, w in zip(state, inputs, program.written):
                    if not w:
                        continue
                    i = old_slot.get(id(t), -1)
                    new = grads_now[i] if i >= 0 else None
                    if new is not None and new is not t and t._data is a:
                        new_written.append(new._data)
                        in_state.add(i)
                    else:
                        new_written.append(t._data)
                info["grad_none_out"] = [g is None for g in grads_now]
                info["grad_in_state"] = [i in in_state for i in range(len(slots))]
                grad_arrays = [
                    g._data
                    for i, g in enumerate(grads_now)
                    if g is not None and i not in in_state
                ]
                # Tensors still sharing one array leave as one output.
                unique, info["out_slots"] = unique_by_identity(new_written)
                # State first: JAX pairs donated inputs with outputs of the same
                # shape in order, so input i aliases output i and XLA needs no
                # copies to update in place.
                return unique, grad_arrays, out_arrays
            finally:
                if "recorder" in locals():
                    recorder.restore_missed()
                for t, (d, node, idx, rg, ver) in zip(state, saved):
                    t._data, t._node, t._out_idx, t._requires_grad, t._version = (
                        d,
                        node,
                        idx,
                        rg,
                        ver,
                    )
                for p, g in zip(slots, saved_grads):
                    p._grad = g

        from ._modes import compiler_options

        # Written tensors sharing one array share one input (see _Program.in_slots).
        written_arrays, in_slots = unique_by_identity(
            [t._data for t, w in zip(state, program.written) if w]
        )
        program.in_slots = in_slots
        donate = (0,) if self.donate_state else ()
        options = compiler_options(self.mode) or None  # max-autotune flags on GPU
        # keep_unused: a donated input the program does not read (an old .grad)
        # still reaches XLA, which reuses its buffer for an output of its shape.
        jitted = jax.jit(pure, donate_argnums=donate, keep_unused=True,
                         compiler_options=options)  # fmt: skip
        read_arrays = [t._data for t, w in zip(state, program.written) if not w]
        # Trace and compile now, so that missed state and trace errors surface here.
        # Calls then go through the ``jax.jit`` object, which reuses this trace and
        # executable and takes JAX's C++ dispatch path (~30 µs cheaper per call than
        # calling the ``Compiled`` stage object, whose arguments are checked in Python).
        program.jitted = self._packed_or_plain(
            program, jitted, (written_arrays, read_arrays, arrays), info,
            options,
        )  # fmt: skip
        program.jit_fn = jitted
        program.example_args = jax.tree_util.tree_map(
            lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype),
            (written_arrays, read_arrays, arrays),
        )
        program.out_tree = info["out_tree"]
        program.out_static = info["out_static"]
        program.grad_none_out = info["grad_none_out"]  # type: ignore[attr-defined]
        program.donate = self.donate_state
        program.recordable = not slots and not any(
            w and t._requires_grad for t, w in zip(state, program.written)
        )
        program.differentiable = program.recordable and any(
            t._requires_grad for t in state
        )
        program.grad_in_state = info["grad_in_state"]
        program.out_slots = info["out_slots"]
        program.finish_layout()

    def _run_differentiable(self, program: _Program, args: tuple[Any, ...],
                            kwargs: dict[str, Any]) -> Any:  # fmt: skip
        dyn = (
            tuple(a for i, a in enumerate(args) if i not in self.static_argnums),
            kwargs,
        )
        leaves = jax.tree_util.tree_leaves(dyn, is_leaf=lambda x: isinstance(x, Tensor))
        return program.run_recorded(
            [x for x in leaves if isinstance(x, (Tensor, jax.Array, jax.core.Tracer))]
        )


def requires_grad(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether an argument Tensor requires grad (its output then needs a grad_fn)."""
    leaves = jax.tree_util.tree_leaves((args, kwargs), is_leaf=is_tensor)
    return any(isinstance(x, Tensor) and x._requires_grad for x in leaves)


def _guard_diff(old: Any, new: Any) -> str:
    (old_args, old_parts, old_grad), (new_args, new_parts, new_grad) = old, new
    if old_args[0] != new_args[0]:
        for i, (a, b) in enumerate(zip(old_args[0], new_args[0])):
            if a != b:
                return f"argument leaf {i}: {a} -> {b} (shape/dtype or static value)"
        return "the number of arguments"
    if old_args[1:] != new_args[1:]:
        return "static arguments"
    if old_parts != new_parts:
        return "module training flags (train()/eval())"
    if old_grad != new_grad:
        return "grad mode (no_grad)"
    return "the .grad slots (None vs tensor) or the state layout"


def compile(model: Any = None, *, fullgraph: bool = False, dynamic: bool | None = None,
            backend: str = "xla", mode: str | None = None, options: dict[str, Any] | None = None,
            disable: bool = False, scan_layers: bool = False) -> Any:  # fmt: skip  # noqa: A001
    """``torch.compile``: compile a function (or a Module's forward) into one XLA program.

    Usable as ``compile(fn)``, ``@compile`` and ``@compile(fullgraph=True)``. A Module
    returns a module sharing its state whose calls run compiled.

    Args:
        mode: ``None``/``'default'``; ``'reduce-overhead'`` (pre-bound executable and
            argument handling per call, ``transforms._modes.FastCall``);
            ``'max-autotune'`` (XLA autotuning flags where the backend has them; on
            CPU the same program as default). The table is ``transforms._modes.MODES``.
        dynamic: ``True`` traces the step once with symbolic batch sizes (the
            leading dimension of every argument; ``transforms._dynamic``): a new
            batch size is compiled by XLA but not re-traced. ``None``/``False``: a
            new batch shape re-traces (one program per shape, cached). To bound
            the number of compiles too, pad batches with ``lowering.bucket``.
        scan_layers: run identically shaped blocks of a ``Sequential`` as one ``scan``
            over stacked weights (compile time flat in depth; ``state_dict`` keys kept).
    """
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, disable=disable,
                                 scan_layers=scan_layers)  # fmt: skip
    if disable:
        return model
    from ..nn import Module
    from . import _cache, _modes

    _modes.settings(mode)  # unknown modes raise here, with the list of valid ones
    _cache.ensure_default()  # the persistent compilation cache (one documented cache)
    if isinstance(model, Module):
        from ._compiled_module import CompiledModule

        if scan_layers:
            from ._scan_layers import apply_scan_layers

            model = apply_scan_layers(model)
        return CompiledModule(model, fullgraph=fullgraph, dynamic=dynamic, mode=mode)
    return _modes.apply_mode(
        CompiledFunction(model, fullgraph=fullgraph, dynamic=dynamic, mode=mode), mode
    )


def jit(fn: Callable[..., Any] | None = None, *, static_argnums: int | tuple[int, ...] = (),
        donate_state: bool = True) -> Any:  # fmt: skip
    """``functorch_lite.jit``: like ``compile`` with JAX-style ``static_argnums``.

    Raises instead of falling back to eager when the function cannot be traced.
    """
    if fn is None:
        return functools.partial(
            jit, static_argnums=static_argnums, donate_state=donate_state
        )
    nums = (
        (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    )
    return CompiledFunction(
        fn, static_argnums=nums, donate_state=donate_state, fullgraph=True
    )
