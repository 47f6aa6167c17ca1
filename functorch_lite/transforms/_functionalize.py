"""Where state becomes explicit (STYLE rule 4, ARCHITECTURE §3).

Every transform in this package crosses the boundary between PyTorch-style objects
(Tensors, Modules, dicts of Tensors, mutable buffers) and JAX's world of pure functions
over pytrees of arrays through this module only:

* ``unwrap`` / ``Rewrap``: a pytree with Tensor leaves ↔ the list of its arrays.
* ``Scope``: runs a user function as a pure one. It suppresses our autograd tape (JAX
  differentiates the tracers), turns JAX's concretization errors into
  ``TracedValueError``, and records in-place writes to Tensors created *before* the
  transform (BatchNorm running stats, the random generator's key) so the transform
  can return the new arrays as extra outputs and write them back afterwards — a traced
  value never leaks into a Tensor that outlives the trace.
* ``functional_call`` / ``stack_module_state``: a Module's parameters and buffers
  swapped for given Tensors during one call, as ``torch.func`` does.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _random, _tensor
from .._ops._dispatch import Op, edge_of
from .._tensor import StateObserver, Tensor, TracedValueError
from ..autograd._grad_mode import is_grad_enabled, no_grad
from ..autograd._graph import Node
from ..nn import _module as _nn_module
from ..nn._module import Module

__all__ = [
    "unwrap",
    "Rewrap",
    "Scope",
    "functional_call",
    "stack_module_state",
    "is_tensor",
    "record",
    "randomness",
    "wraps",
]

Tracer = jax.core.Tracer

TRACED_VALUE_AT = (
    "{what}: a tensor of shape {shape} is being traced by a transform "
    "(jit/compile/vmap/grad/jacrev/...) and has no concrete value yet, so Python "
    "control flow or conversion to a Python number cannot read it. Use "
    "functorch_lite.cond / while_loop / fori_loop, or functorch_lite.where / masking, "
    "instead of `if`/`while`/`.item()` on a traced tensor."
)


def is_tensor(x: Any) -> bool:
    return isinstance(x, Tensor)


def _is_array(x: Any) -> bool:
    return isinstance(x, (jax.Array, Tracer))


# ---------------------------------------------------------------- pytrees
class Rewrap:
    """Rebuilds a pytree from new arrays in place of its Tensor/array leaves.

    Leaves that are neither Tensors nor arrays (Python numbers, strings, None) are
    static: they are kept as they were. Tensor leaves come back as fresh Tensors (or
    as the given Tensors, which may carry tape history); raw array leaves (e.g.
    inside a Module's pytree) stay arrays.
    """

    def __init__(self, treedef: Any, kinds: list[str], static: list[Any]) -> None:
        self.treedef = treedef
        self.kinds = kinds  # "tensor" | "array" | "static" per leaf
        self.static = static

    def __call__(self, arrays: Sequence[Any]) -> Any:
        it = iter(arrays)
        leaves = []
        for kind, s in zip(self.kinds, self.static):
            if kind == "static":
                leaves.append(s)
                continue
            v = next(it)  # an array, or a Tensor already carrying tape history
            if kind == "tensor":
                leaves.append(v if isinstance(v, Tensor) else Tensor(v))
            else:
                leaves.append(v._data if isinstance(v, Tensor) else v)
        return jax.tree_util.tree_unflatten(self.treedef, leaves)

    def fill(self, values: Sequence[Any]) -> Any:
        """The pytree with ``values`` placed as-is at the Tensor/array leaves."""
        it = iter(values)
        leaves = [
            s if k == "static" else next(it) for k, s in zip(self.kinds, self.static)
        ]
        return jax.tree_util.tree_unflatten(self.treedef, leaves)


def unwrap(tree: Any) -> tuple[list[Any], Rewrap]:
    """The arrays of a pytree of Tensors (Modules flatten to their arrays) + rebuilder."""
    leaves, treedef = jax.tree_util.tree_flatten(tree, is_leaf=is_tensor)
    arrays: list[Any] = []
    kinds: list[str] = []
    static: list[Any] = []
    for leaf in leaves:
        if isinstance(leaf, Tensor):
            arrays.append(leaf.jax())
            kinds.append("tensor")
            static.append(None)
        elif _is_array(leaf):
            arrays.append(leaf)
            kinds.append("array")
            static.append(None)
        else:
            kinds.append("static")
            static.append(leaf)
    return arrays, Rewrap(treedef, kinds, static)


def tensor_leaves(tree: Any) -> list[Any]:
    return jax.tree_util.tree_leaves(tree, is_leaf=is_tensor)


# ---------------------------------------------------------------- the pure-call scope
class Scope(StateObserver):
    """One pure call of a user function inside a JAX transform.

    While active: no autograd recording, and every in-place write to a Tensor created
    before the scope opened is recorded (``written``). ``state_out()`` gives those
    Tensors' new arrays (to return from the traced function); ``commit(arrays)``
    writes the transform's outputs for them back; ``restore()`` undoes the writes if
    the transform failed, so no tracer outlives its trace.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.prev: StateObserver | None = None
        self.watermark = 0
        self.written: dict[int, Tensor] = {}
        self.before: dict[int, Any] = {}
        self.reads: dict[int, Tensor] = {}
        self._grad: Any = None

    # -- StateObserver hooks (chained to an outer observer, e.g. jit's)
    def read(self, t: Tensor) -> None:
        if t._serial < self.watermark and id(t) not in self.before:
            self.before[id(t)] = _raw(t)
            self.reads[id(t)] = t
        if self.prev is not None:
            self.prev.read(t)

    def write(self, t: Tensor) -> None:
        if t._serial < self.watermark:
            self.written[id(t)] = t
        if self.prev is not None:
            self.prev.write(t)

    def write_grad(self, t: Tensor) -> None:
        if self.prev is not None:
            self.prev.write_grad(t)

    # -- entering/leaving
    def __enter__(self) -> Scope:
        self.prev = _tensor.observer
        self.watermark = next(_tensor._serials)
        self.written.clear()
        self.reads.clear()
        self.before.clear()
        self._grad = no_grad()
        self._grad.__enter__()
        _tensor.observer = self
        return self

    def __exit__(self, *exc: Any) -> None:
        _tensor.observer = self.prev
        self._grad.__exit__(*exc)

    def state_out(self) -> tuple[list[Tensor], list[Any]]:
        """Tensors written with traced values, and those values (to return as outputs)."""
        tensors = [t for t in self.written.values() if isinstance(_raw(t), Tracer)]
        return tensors, [_raw(t) for t in tensors]

    @staticmethod
    def commit(tensors: Sequence[Tensor], arrays: Sequence[Any]) -> None:
        for t, a in zip(tensors, arrays):
            t._rebind(a)

    def restore(self) -> None:
        for key, t in self.written.items():
            if key in self.before and isinstance(_raw(t), Tracer):
                t._rebind(self.before[key])


def _raw(t: Tensor) -> Any:
    return t._data


@contextlib.contextmanager
def concrete_errors(name: str) -> Iterator[None]:
    """Re-raise JAX's concretization errors as ``TracedValueError`` naming shape/dtype."""
    try:
        yield
    except TracedValueError:
        raise
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError,
            jax.errors.TracerIntegerConversionError) as e:  # fmt: skip
        m = re.search(r"with shape (\S+?)[.\s]", str(e))
        shape = m.group(1) if m else "unknown"
        raise TracedValueError(TRACED_VALUE_AT.format(what=name, shape=shape)) from e


# ---------------------------------------------------------------- one recorded op
def record(
    name: str, compute: Callable[..., list[Any]], inputs: Sequence[Any]
) -> list[Tensor]:
    """Run ``compute`` (pure, over the arrays of ``inputs``) as ONE autograd op.

    Control flow, checkpointing and ``vmap`` hand JAX a whole sub-program. So that
    ``loss.backward()`` still reaches everything that program used, it is recorded on
    the tape as a single node whose inputs are ``inputs`` plus the Tensors that require
    grad which the sub-program read from its closure (model parameters): the engine
    gets their gradients from JAX's VJP of ``compute``. The forward runs once; the
    backward re-runs ``compute`` on tracers, with every tensor the forward wrote
    restored afterwards so the re-run has no side effects.
    """
    arrays = [x.jax() if isinstance(x, Tensor) else x for x in inputs]
    scope = Scope(name)
    with scope:
        outs = compute(*arrays)
    if not is_grad_enabled():
        return [Tensor(o) for o in outs]
    input_ids = {id(x) for x in inputs}
    closure = [
        t for t in scope.reads.values() if t._requires_grad and id(t) not in input_ids
    ]
    tensors_in = [x for x in inputs if isinstance(x, Tensor)]
    if not closure and not any(x._requires_grad for x in tensors_in):
        return [Tensor(o) for o in outs]
    written = list(scope.written.values())
    closure_arrays = [scope.before.get(id(t), t._data) for t in closure]
    n = len(inputs)

    def fn(*args: Any) -> Any:
        saved_w = [t._data for t in written]
        saved_c = [t._data for t in closure]
        try:
            for t, a in zip(closure, args[n:]):
                t._data = a
            with no_grad():
                result = compute(*args[:n])
        finally:
            for t, a in zip(closure, saved_c):
                t._data = a
            for t, a in zip(written, saved_w):
                t._data = a
        return tuple(result) if len(outs) != 1 else result[0]

    op = Op(name, fn, n_out=len(outs), backward_name=f"{_camel(name)}Backward0")
    every = [*inputs, *closure]
    float_out = tuple(bool(jnp.issubdtype(o.dtype, np.inexact)) for o in outs)
    node = Node(
        op,
        {},
        (*arrays, *closure_arrays),
        tuple(edge_of(a) for a in every),
        tuple((a, a._version) for a in every if isinstance(a, Tensor)),
        len(outs),
        float_out,
    )
    results = [Tensor(o) for o in outs]
    for i, t in enumerate(results):
        if float_out[i]:
            t._requires_grad, t._node, t._out_idx = True, node, i
    return results


def _camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.split("_"))


# ---------------------------------------------------------------- functional_call
MULTIPLE_VALUES = (
    "functional_call got multiple values for keys {keys}, which are tied. "
    "Consider using tie_weights=False"
)
DUPLICATE_KEYS = (
    "{keys} appeared in multiple dictionaries; behavior of functional call is ambiguous"
)


def _owner(module: Module, path: str) -> tuple[Module, str]:
    *mods, leaf = path.split(".")
    m = module
    for name in mods:
        m = m.get_submodule(name) if name in m._modules else getattr(m, name)
    return m, leaf


@contextlib.contextmanager
def swapped(
    module: Module,
    tensors: Mapping[str, Any],
    *,
    tie_weights: bool = True,
    strict: bool = False,
) -> Iterator[None]:
    """Temporarily make ``module``'s parameters/buffers the given Tensors (by name).

    The given Tensor objects themselves are installed (not copies), so in-place updates
    during the call (BatchNorm running stats) land in them, as in ``torch.func``.
    """
    given = {k: (v if isinstance(v, Tensor) or v is None else Tensor(jnp.asarray(v)))
             for k, v in tensors.items()}  # fmt: skip
    # Names of every parameter/buffer, with tied groups (same Tensor under two names).
    groups: dict[int, list[str]] = {}
    all_names: list[str] = []
    for getter in (module.named_parameters, module.named_buffers):
        for name, t in getter(remove_duplicate=False):
            groups.setdefault(id(t), []).append(name)
            all_names.append(name)
    if tie_weights:
        for names in groups.values():
            present = [n for n in names if n in given]
            if len(present) > 1 and any(
                given[n] is not given[present[0]] for n in present
            ):
                raise ValueError(MULTIPLE_VALUES.format(keys=sorted(present)))
            if present:
                for n in names:
                    given.setdefault(n, given[present[0]])
    if strict:
        missing = [n for n in all_names if n not in given]
        unexpected = [n for n in given if n not in all_names]
        msgs = []
        if unexpected:
            msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if msgs:
            raise RuntimeError(
                f"Error(s) in reparametrizing for {module._get_name()}:\n\t"
                + "\n\t".join(msgs)
            )
    saved: list[tuple[dict[str, Any], str, Any, bool]] = []
    try:
        for path, value in given.items():
            owner, leaf = _owner(module, path)
            d = owner.__dict__
            store = next((s for s in ("_parameters", "_buffers") if leaf in d[s]), None)
            if store is None:  # not a parameter/buffer: a plain attribute for one call
                had = leaf in d
                saved.append((d, leaf, d.get(leaf), had))
                d[leaf] = value
            else:
                saved.append((d[store], leaf, d[store][leaf], True))
                d[store][leaf] = value
        _nn_module._bump()  # flattened-module caches must see the new tensors
        yield
    finally:
        for store_dict, leaf, old, had in reversed(saved):
            if had:
                store_dict[leaf] = old
            else:
                store_dict.pop(leaf, None)
        _nn_module._bump()


def functional_call(
    module: Module,
    parameter_and_buffer_dicts: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
) -> Any:
    """``torch.func.functional_call``: call ``module`` with the given parameters/buffers.

    The module's own tensors are swapped for the given ones for this one call and
    restored afterwards (also on error). Names not given keep the module's tensors.

    Args:
        module: the module to call.
        parameter_and_buffer_dicts: ``{name: Tensor}`` or a tuple of such dicts
            (keys must not repeat across them).
        args: positional arguments (a single non-tuple value is one argument).
        kwargs: keyword arguments.
        tie_weights: a value given for one name of tied weights is used for all.
        strict: require exactly the module's parameter and buffer names.

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite.func import functional_call
        >>> lin = torch.nn.Linear(2, 1)
        >>> p = {"weight": torch.ones(1, 2), "bias": torch.zeros(1)}
        >>> functional_call(lin, p, (torch.ones(1, 2),))
        tensor([[2.]])
    """
    if isinstance(parameter_and_buffer_dicts, Mapping):
        merged = dict(parameter_and_buffer_dicts)
    else:
        merged = {}
        dup: list[str] = []
        for d in parameter_and_buffer_dicts:
            dup += [k for k in d if k in merged]
            merged.update(d)
        if dup:
            raise ValueError(DUPLICATE_KEYS.format(keys=dup))
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with swapped(module, merged, tie_weights=tie_weights, strict=strict):
        return module(*args, **(kwargs or {}))


def stack_module_state(
    models: Sequence[Module],
) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """``torch.func.stack_module_state``: stack same-shaped models' state along dim 0.

    Returns ``(params, buffers)`` dicts whose Tensors have a leading model dimension;
    stacked parameters are new leaves that require grad when the models' do.
    """
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode."
        )
    if len({type(m) for m in models}) != 1:
        raise RuntimeError(
            "stack_module_state: Expected all models to be of the same class."
        )

    def stack(name: str, tensors: list[Tensor], leaf: bool) -> Tensor:
        shapes = {tuple(t.shape) for t in tensors}
        if len(shapes) != 1:
            raise RuntimeError(
                f"stack_module_state: {name} has different shapes across models: "
                f"{sorted(shapes)}"
            )
        out = Tensor(jnp.stack([t.jax() for t in tensors]))
        if leaf:
            flags = {t.requires_grad for t in tensors}
            if len(flags) != 1:
                raise RuntimeError(
                    f"Expected {name} from each model to have the same .requires_grad"
                )
            out.requires_grad_(flags.pop())
        return out

    all_params = [dict(m.named_parameters()) for m in models]
    all_buffers = [dict(m.named_buffers()) for m in models]
    params = {k: stack(k, [p[k] for p in all_params], True) for k in all_params[0]}
    buffers = {k: stack(k, [b[k] for b in all_buffers], False) for k in all_buffers[0]}
    return params, buffers


# ---------------------------------------------------------------- wrappers
def wraps(func: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``functools.wraps`` without copying ``__dict__`` (``func`` may be a Module)."""

    def deco(wrapper: Callable[..., Any]) -> Callable[..., Any]:
        for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
            value = getattr(func, attr, None)
            if isinstance(value, str):
                setattr(wrapper, attr, value)
        wrapper.__wrapped__ = func  # type: ignore[attr-defined]
        return wrapper

    return deco


# ---------------------------------------------------------------- randomness
RANDOM_IN_VMAP = (
    "vmap: called random operation while in randomness error mode. Please either use "
    "the 'same' or 'different' randomness flags on vmap or perform the randomness "
    "operation out of vmap"
)
RANDOMNESS_VALUES = (
    "Only allowed values for randomness are 'error', 'different', or 'same'. Got {}"
)


class _KeyProxy:
    """Stands in for the default generator's key Tensor inside one ``vmap`` level.

    ``Generator.next_key`` reads the key (``jax()``) and rebinds the advanced key
    (``_rebind``). The proxy advances the real key once per random op with an
    unbatched value (so no batched tracer leaks into the generator) and hands out a
    sub-key: per example (``fold_in`` of the example's index) for ``'different'``,
    shared for ``'same'``; ``'error'`` raises PyTorch's error.
    """

    __slots__ = ("parent", "mode", "index")

    def __init__(self, parent: Any, mode: str, index: Any) -> None:
        self.parent, self.mode, self.index = parent, mode, index

    def jax(self) -> Any:
        if self.mode == "error":
            raise RuntimeError(RANDOM_IN_VMAP)
        new, sub = jax.random.split(self.parent.jax())
        self.parent._rebind(new)
        if self.mode == "different":
            sub = jax.random.fold_in(sub, self.index)
        return sub

    def _rebind(self, new: Any) -> None:
        pass  # the real key was already advanced in ``jax()``

    @property
    def _data(self) -> Any:
        return self.parent._data


@contextlib.contextmanager
def randomness(mode: str, index: Any = None) -> Iterator[None]:
    """Random ops inside follow ``vmap``'s ``randomness`` mode (see ``_KeyProxy``).

    Only the default generator is covered: an explicit ``generator=`` argument draws
    the same numbers for every example.
    """
    if mode not in ("error", "different", "same"):
        raise RuntimeError(RANDOMNESS_VALUES.format(mode))
    gen = _random.default_generator
    old = gen._key
    gen._key = _KeyProxy(old, mode, index)  # type: ignore[assignment]
    try:
        yield
    finally:
        gen._key = old
