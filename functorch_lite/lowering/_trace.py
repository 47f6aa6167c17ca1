"""``trace``: the first stage — a step as a ClosedJaxpr with PyTorch-named inputs.

The pipeline (STYLE rule 7) is ``trace(fn, *args) -> Traced -> .lower() -> Lowered ->
.compile() -> Compiled``; ``export`` serializes the same program. A stateful step is
not traced a second way here: ``trace`` asks ``compile``'s ``CompiledFunction`` for the
``_Program`` it would run for these arguments and inspects that program's ``jax.jit``.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import jax

from .._tensor import Tensor
from ..nn import Module
from ..transforms._cache import ensure_default
from ..transforms._compile import CompiledFunction
from ..transforms._program import _Program
from ._names import state_names
from ._stages import Lowered

__all__ = ["Slot", "Traced", "trace", "compiled_function", "program_of"]

NO_PROGRAM = (
    "functorch_lite.lowering: {name} has no compiled program for these arguments: it "
    "falls back to eager at {where}. Fix the graph break (see the compile warning) "
    "to inspect or export it."
)

# The discovery call sees argument Tensors made before the call as pre-existing, so they
# may also be (unused) state inputs; they are labelled, and left out of state_names().
AS_STATE = " (argument as state)"


@dataclasses.dataclass(frozen=True)
class Slot:
    """One input or output array of a traced program.

    Attributes:
        name: PyTorch path (``fc1.weight``, ``optimizer.state.fc1.weight.exp_avg``).
        kind: ``"state"`` (read and written back), ``"state (read)"``, ``"arg"``,
            ``"output"`` or ``"grad"``.
        shape: the array's shape.
        dtype: the array's dtype name.
    """

    name: str
    kind: str
    shape: tuple[int, ...]
    dtype: str

    def __str__(self) -> str:
        dims = ",".join(str(d) for d in self.shape)
        return f"{self.name}: {self.dtype}[{dims}] ({self.kind})"


def compiled_function(fn: Callable[..., Any]) -> CompiledFunction:
    """``fn`` itself when it is compiled already, else a fresh ``CompiledFunction``."""
    if isinstance(fn, CompiledFunction):
        return fn
    inner = getattr(fn, "_compiled", None)  # a CompiledModule keeps its function here
    if isinstance(inner, CompiledFunction):
        return inner
    if isinstance(fn, Module):
        module = fn

        def forward(*args: Any, **kwargs: Any) -> Any:
            return module(*args, **kwargs)

        cf = CompiledFunction(forward, fullgraph=True)
        cf.module = module  # type: ignore[attr-defined]  # names its state
        return cf
    return CompiledFunction(fn, fullgraph=True)


def program_of(fn: Callable[..., Any], args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> tuple[CompiledFunction, _Program]:  # fmt: skip
    """The ``CompiledFunction`` for ``fn`` and the program it runs for ``args``.

    A function that was never called is called once first — ``compile``'s discovery
    call, which runs it eagerly to find its state. Pass the compiled step you already
    run (``compile(step)``, after its first call) to inspect it without side effects.
    """
    ensure_default()
    cf = compiled_function(fn)
    if cf.discovered is None:
        cf(*args, **kwargs)
    program = cf.program_for(*args, **kwargs)
    if program is None:
        name = getattr(cf.fn, "__qualname__", repr(cf.fn))
        where = cf.fallbacks[-1] if cf.fallbacks else "an untraceable line"
        raise RuntimeError(NO_PROGRAM.format(name=name, where=where))
    return cf, program


def _arg_names(
    args: tuple[Any, ...], kwargs: dict[str, Any], static: tuple[int, ...]
) -> list[str]:  # noqa: E501
    """Names of the array leaves of the dynamic arguments, in ``_split_args`` order."""
    names = []
    is_leaf = lambda x: isinstance(x, Tensor)  # noqa: E731
    items = [(f"args[{i}]", a) for i, a in enumerate(args) if i not in static]
    items += [(f"kwargs[{k!r}]", v) for k, v in kwargs.items()]
    for base, value in items:
        leaves = jax.tree_util.tree_leaves(value, is_leaf=is_leaf)
        arrays = [x for x in leaves if isinstance(x, (Tensor, jax.Array))]
        names += (
            [base] if len(arrays) == 1 else [f"{base}[{j}]" for j in range(len(arrays))]
        )
    return names


class Traced:
    """A traced step: its ClosedJaxpr and its named inputs and outputs.

    Inputs are laid out as ``compile`` runs the step: written state (donated), read-only
    state, then the argument arrays. Outputs: the step's returned arrays, the new
    written state, then the ``.grad`` arrays.
    """

    def __init__(self, program: _Program, inputs: list[Slot], outputs: list[Slot],
                 function: CompiledFunction) -> None:  # fmt: skip
        self.program = program
        self.inputs = inputs
        self.outputs = outputs
        #: The ``CompiledFunction`` that runs this program.
        self.function = function
        self._jax = program.jit_fn.trace(*program.example_args)

    @property
    def jaxpr(self) -> Any:
        """The program as a ``ClosedJaxpr``."""
        return self._jax.jaxpr

    def op_counts(self, recursive: bool = True) -> dict[str, int]:
        """Primitive name -> count; ``recursive`` also counts inside nested jaxprs."""
        counts: dict[str, int] = {}
        for eqn in _eqns(self.jaxpr.jaxpr, recursive):
            counts[eqn.primitive.name] = counts.get(eqn.primitive.name, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def lower(self) -> Lowered:
        """Lower to StableHLO (the next stage)."""
        return Lowered(self._jax.lower())

    def state_names(self) -> list[str]:
        """Names of the state inputs, in program order."""
        return [s.name for s in self.inputs
                if s.kind != "arg" and not s.name.endswith(AS_STATE)]  # fmt: skip

    def __str__(self) -> str:
        lines = ["inputs:"] + [f"  {s}" for s in self.inputs]
        lines += ["outputs:"] + [f"  {s}" for s in self.outputs]
        return "\n".join(lines) + "\n" + str(self.jaxpr)

    def __repr__(self) -> str:
        n = sum(self.op_counts().values())
        return (
            f"Traced({len(self.inputs)} inputs, {len(self.outputs)} outputs, {n} ops)"
        )


def _eqns(jaxpr: Any, recursive: bool) -> Iterator[Any]:
    for eqn in jaxpr.eqns:
        yield eqn
        if not recursive:
            continue
        for sub in _subjaxprs(eqn.params):
            yield from _eqns(sub, recursive)


def _subjaxprs(params: dict[str, Any]) -> Iterator[Any]:
    for v in params.values():
        for x in v if isinstance(v, (list, tuple)) else (v,):
            if hasattr(x, "jaxpr") and hasattr(x.jaxpr, "eqns"):
                yield x.jaxpr  # ClosedJaxpr
            elif hasattr(x, "eqns"):
                yield x  # Jaxpr


def _shared_labels(label: dict[int, str], program: Any) -> dict[int, str]:
    """Each written tensor's label, noting how many written tensors share its array."""
    sharing = collections.Counter(program.in_slots)
    return {
        id(t): label[id(t)]
        + (f" (one array shared by {sharing[s]} tensors)" if sharing[s] > 1 else "")
        for t, s in zip(program.written_in, program.in_slots)
    }


def _slots(arrays: list[Any], names: list[str], kind: str) -> list[Slot]:
    return [Slot(n, kind, tuple(a.shape), str(a.dtype)) for n, a in zip(names, arrays)]


def trace(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Traced:
    """Trace ``fn(*args, **kwargs)`` the way ``functorch_lite.compile`` runs it.

    ``fn`` may be a Tensor function, a Module, a stateful step closing over a model and
    optimizer, or an already compiled step. A function never called before is run once
    eagerly first (``compile``'s discovery call finds its state that way).

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite import lowering
        >>> lin = torch.nn.Linear(3, 2)
        >>> t = lowering.trace(lin, torch.ones(4, 3))
        >>> t.state_names()
        ['weight', 'bias']
        >>> t.op_counts()["dot_general"]
        1
    """
    cf, program = program_of(fn, args, kwargs)
    names = state_names(cf.participants, getattr(cf, "module", cf.fn), args, kwargs)
    state_label = [names.get(id(t), f"state[{i}]") for i, t in enumerate(program.state)]
    for i, t in enumerate(program.state):
        if any(t is a for a in args):
            state_label[i] += AS_STATE
    written_ex, read_ex, arg_ex = program.example_args
    label = {id(t): n for t, n in zip(program.state, state_label)}
    shared = _shared_labels(label, program)
    # Written tensors sharing one array (a group's step count) share one input.
    written_names = [shared[id(t)] for t in program.written_first]
    read_names = [n for n, w in zip(state_label, program.written) if not w]
    inputs = _slots(written_ex, written_names, "state")
    inputs += _slots(read_ex, read_names, "state (read)")
    inputs += _slots(arg_ex, _arg_names(args, kwargs, cf.static_argnums), "arg")
    traced = Traced(program, inputs, [], cf)
    out_avals = jax.tree_util.tree_leaves(traced._jax.out_info)
    # The program returns (written state, separately returned grads, outputs); a
    # slot's new gradient is either one of those grads or the new value of the old
    # .grad tensor it replaces (a written state entry). Listed: state, then every
    # gradient in parameter order, then the function's outputs.
    holder = {gid for gid, in_state in zip(program.grad_ids, program.grad_in_state)
              if in_state}  # fmt: skip
    n_state = max(program.out_slots, default=-1) + 1
    first_of_slot: dict[int, Tensor] = {}
    for t, slot in zip(program.written_in, program.out_slots):
        first_of_slot.setdefault(slot, t)
    state_out = [first_of_slot[i] for i in range(n_state)]
    outputs = _slots(
        [a for t, a in zip(state_out, out_avals) if id(t) not in holder],
        [shared[id(t)] for t in state_out if id(t) not in holder],
        "state",
    )
    grad_avals = iter(out_avals[n_state:])
    by_id = {
        id(t): out_avals[slot] for t, slot in zip(program.written_in, program.out_slots)
    }
    grad_slots = []
    for p, none, gid, in_state in zip(program.grad_slots, program.grad_none_out,
                                      program.grad_ids, program.grad_in_state):  # fmt: skip
        if not none:
            aval = by_id[gid] if in_state and gid is not None else next(grad_avals)
            grad_slots.append(Slot(names.get(id(p), "param") + ".grad", "grad",
                                   tuple(aval.shape), str(aval.dtype)))  # fmt: skip
    outputs += grad_slots
    n_grads = n_state + len(grad_slots) - len(holder)
    n_out = len(out_avals) - n_grads
    outputs += _slots(
        out_avals[n_grads:], [f"output[{i}]" for i in range(n_out)], "output"
    )
    traced.outputs = outputs
    return traced
