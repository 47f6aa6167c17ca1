"""``export``: a Module's forward as one serialized StableHLO program plus its weights.

Mirrors ``torch.export.export``: the module is traced once with its parameters and
buffers as explicit inputs (``functional_call``), and the result is an
``ExportedProgram`` — ``jax.export.Exported`` (portable StableHLO with a version) plus
the state dict — that runs without the model's Python class. ``Dim("batch")`` in
``dynamic_shapes`` makes a dimension symbolic (``jax.export`` shape polymorphism), so
one exported program serves every batch size.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp

from .._random import default_generator
from .._tensor import Tensor
from ..autograd import no_grad
from ..nn import Module
from ..transforms._functionalize import functional_call

__all__ = ["Dim", "ExportGraphSignature", "ExportedProgram", "InputSpec", "export"]

NOT_A_MODULE = (
    "export: expected an nn.Module, got {kind}. Wrap a function in a Module whose "
    "forward calls it (torch.export also exports Modules)."
)
BAD_DYNAMIC = (
    "export: dynamic_shapes[{i}] should be None, a dict {{dim: Dim}} or a tuple with "
    "one Dim or None per dimension of input {i} (shape {shape}); got {spec!r}"
)
RANDOM_IN_EXPORT = (
    "export: the forward draws random numbers (dropout in training mode?); an exported "
    "program has no generator state. Call model.eval() before export."
)
BAD_OUTPUT = (
    "export: the forward returned {kind}; exported programs return Tensors, or "
    "tuples, lists and dicts of them (and None/int/float/str/bool constants)"
)


class Dim:
    """``torch.export.Dim``: a named symbolic dimension for ``dynamic_shapes``.

    Args:
        name: the symbol's name; inputs sharing a ``Dim`` must agree on its size.
        min: smallest allowed size (JAX symbols are at least 1).
        max: largest allowed size, or ``None`` for unbounded.
    """

    def __init__(
        self, name: str, *, min: int | None = None, max: int | None = None
    ) -> None:  # noqa: A002, E501
        if not name.isidentifier():
            raise ValueError(f"Dim: name must be an identifier, got {name!r}")
        self.__name__ = name
        self.min = min
        self.max = max

    def __repr__(self) -> str:
        return f"Dim({self.__name__!r}, min={self.min}, max={self.max})"


@dataclasses.dataclass(frozen=True)
class InputSpec:
    """One input of the exported program: its kind, PyTorch name, shape and dtype."""

    kind: str  # "parameter", "buffer" or "user_input"
    name: str
    shape: tuple[Any, ...]
    dtype: str


@dataclasses.dataclass
class ExportGraphSignature:
    """``torch.export.ExportGraphSignature``: which inputs are weights, which are data."""

    input_specs: list[InputSpec]
    user_outputs: list[str]

    @property
    def parameters(self) -> list[str]:
        return [s.name for s in self.input_specs if s.kind == "parameter"]

    @property
    def buffers(self) -> list[str]:
        return [s.name for s in self.input_specs if s.kind == "buffer"]

    @property
    def user_inputs(self) -> list[str]:
        return [s.name for s in self.input_specs if s.kind == "user_input"]


def _encode(out: Any, arrays: list[Any]) -> Any:
    """A JSON-able description of the output structure; arrays appended to ``arrays``."""
    if isinstance(out, Tensor):
        arrays.append(out.jax())
        return {"tensor": len(arrays) - 1}
    if isinstance(out, (tuple, list)):
        return {type(out).__name__: [_encode(x, arrays) for x in out]}
    if isinstance(out, dict):
        return {"dict": [[str(k), _encode(v, arrays)] for k, v in out.items()]}
    if out is None or isinstance(out, (bool, int, float, str)):
        return {"const": out}
    raise TypeError(BAD_OUTPUT.format(kind=type(out).__name__))


def decode(spec: Any, arrays: Sequence[Any]) -> Any:
    """Rebuild an output from ``_encode``'s description and the program's arrays."""
    ((kind, value),) = spec.items()
    if kind == "tensor":
        return Tensor(arrays[value])
    if kind in ("tuple", "list"):
        items = [decode(x, arrays) for x in value]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {k: decode(v, arrays) for k, v in value}
    return value


def _normalize_dynamic(model: Module, dynamic_shapes: Any, n_args: int) -> list[Any]:
    if dynamic_shapes is None:
        return [None] * n_args
    if isinstance(dynamic_shapes, Mapping):  # keyed by forward's parameter names
        names = list(inspect.signature(model.forward).parameters)
        return [dynamic_shapes.get(n) for n in names[:n_args]]
    specs = list(dynamic_shapes)
    return specs + [None] * (n_args - len(specs))


def _symbolic_shapes(args: list[Any], specs: list[Any]) -> list[tuple[Any, ...]]:
    """Input shapes with each ``Dim`` replaced by a ``jax.export`` symbol."""
    per_dim: list[dict[int, Dim]] = []
    dims: dict[str, Dim] = {}
    for i, (a, spec) in enumerate(zip(args, specs)):
        shape = tuple(a.shape) if isinstance(a, Tensor) else ()
        if spec is None:
            chosen: dict[int, Dim] = {}
        elif isinstance(spec, Mapping):
            chosen = {
                int(d) % max(len(shape), 1): v for d, v in spec.items() if v is not None
            }
        elif isinstance(spec, (tuple, list)) and len(spec) == len(shape):
            chosen = {d: v for d, v in enumerate(spec) if v is not None}
        else:
            raise ValueError(BAD_DYNAMIC.format(i=i, shape=shape, spec=spec))
        for d in chosen.values():
            if not isinstance(d, Dim):
                raise ValueError(BAD_DYNAMIC.format(i=i, shape=shape, spec=spec))
            dims.setdefault(d.__name__, d)
        per_dim.append(chosen)
    symbols: dict[str, Any] = {}
    if dims:
        constraints = [
            f"{n} >= {d.min}"
            for n, d in dims.items()
            if d.min is not None and d.min > 1
        ]  # noqa: E501
        constraints += [f"{n} <= {d.max}" for n, d in dims.items() if d.max is not None]
        syms = jax.export.symbolic_shape(", ".join(dims), constraints=constraints)
        symbols = dict(zip(dims, syms))
    shapes = []
    for a, chosen in zip(args, per_dim):
        shape = tuple(a.shape) if isinstance(a, Tensor) else ()
        shapes.append(tuple(symbols[chosen[d].__name__] if d in chosen else s
                            for d, s in enumerate(shape)))  # fmt: skip
    return shapes


class ExportedProgram:
    """``torch.export.ExportedProgram``: a serialized program and the weights it reads.

    Attributes:
        exported: the ``jax.export.Exported`` (StableHLO, calling convention).
        graph_signature: parameter, buffer and user input names, user outputs.
        out_spec: how to rebuild the forward's output from the program's arrays.
    """

    def __init__(self, exported: Any, state: dict[str, Any],
                 graph_signature: ExportGraphSignature, out_spec: Any,
                 user_kwargs: list[str]) -> None:  # fmt: skip
        self.exported = exported
        self._state = state
        self.graph_signature = graph_signature
        self.out_spec = out_spec
        self.user_kwargs = user_kwargs

    def state_dict(self) -> dict[str, Tensor]:
        """The parameters and buffers by PyTorch name."""
        return {k: Tensor(v) for k, v in self._state.items()}

    def mlir_module(self) -> str:
        """The StableHLO module text."""
        return str(self.exported.mlir_module())

    def module(self) -> ExportedModule:
        """A callable running the program on the stored weights (no model class)."""
        return ExportedModule(self)

    def __repr__(self) -> str:
        sig = self.graph_signature
        return (f"ExportedProgram(parameters={len(sig.parameters)}, buffers={len(sig.buffers)}, "  # noqa: E501
                f"user_inputs={sig.user_inputs}, user_outputs={sig.user_outputs})")  # fmt: skip


class ExportedModule:
    """What ``ExportedProgram.module()`` returns: ``forward`` over the stored weights."""

    def __init__(self, program: ExportedProgram) -> None:
        self.program = program
        sig = program.graph_signature
        self._params = [jnp.asarray(program._state[n]) for n in sig.parameters]
        self._buffers = [jnp.asarray(program._state[n]) for n in sig.buffers]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        prog = self.program
        user = [a.jax() if isinstance(a, Tensor) else jnp.asarray(a) for a in args]
        user += [kwargs[k].jax() if isinstance(kwargs[k], Tensor) else kwargs[k]
                 for k in prog.user_kwargs]  # fmt: skip
        outs = prog.exported.call(self._params, self._buffers, *user)
        return decode(prog.out_spec, outs)

    def state_dict(self) -> dict[str, Tensor]:
        return self.program.state_dict()


def export(model: Module, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None,
           *, dynamic_shapes: Any = None, strict: bool = False) -> ExportedProgram:  # fmt: skip
    """``torch.export.export``: trace ``model(*args, **kwargs)`` into a portable program.

    The module runs as it is set (call ``model.eval()`` first for inference); buffer
    updates made by the forward are not part of the exported program.

    Args:
        model: the module to export.
        args: example positional inputs (Tensors; other values are baked in).
        kwargs: example keyword inputs (Tensors).
        dynamic_shapes: per input, ``None`` or ``{dim: Dim("name")}`` (or a tuple with
            one ``Dim``/``None`` per dimension); also a dict keyed by forward's
            argument names, as in PyTorch.
        strict: accepted for PyTorch compatibility (tracing is always strict here).

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite.export import Dim, export
        >>> lin = torch.nn.Linear(3, 2)
        >>> ep = export(lin, (torch.ones(4, 3),), dynamic_shapes=({0: Dim("batch")},))
        >>> ep.module()(torch.ones(7, 3)).shape
        functorch_lite.Size([7, 2])
    """
    del strict
    if not isinstance(model, Module):
        raise TypeError(NOT_A_MODULE.format(kind=type(model).__name__))
    if not isinstance(args, tuple):
        args = (args,)
    kwargs = dict(kwargs or {})
    kw_names = sorted(k for k, v in kwargs.items() if isinstance(v, Tensor))
    params = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    user_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    info: dict[str, Any] = {}

    def forward(
        param_arrays: list[Any], buffer_arrays: list[Any], *user: Any
    ) -> list[Any]:
        state = {n: Tensor(a) for n, a in zip(params, param_arrays)}
        state.update({n: Tensor(a) for n, a in zip(buffers, buffer_arrays)})
        call_args = list(args)
        for i, a in zip(user_pos, user):
            call_args[i] = Tensor(a)
        call_kwargs = dict(kwargs)
        for k, a in zip(kw_names, user[len(user_pos) :]):
            call_kwargs[k] = Tensor(a)
        with no_grad():
            out = functional_call(model, state, tuple(call_args), call_kwargs)
        arrays: list[Any] = []
        info["out_spec"] = _encode(out, arrays)
        return arrays

    user_tensors = [args[i] for i in user_pos] + [kwargs[k] for k in kw_names]
    dyn = _normalize_dynamic(model, dynamic_shapes, len(args))
    dyn_user = [dyn[i] for i in user_pos] + [None] * len(kw_names)
    if isinstance(dynamic_shapes, Mapping):
        dyn_user[len(user_pos) :] = [dynamic_shapes.get(k) for k in kw_names]
    shapes = _symbolic_shapes(user_tensors, dyn_user)
    structs = [
        jax.ShapeDtypeStruct(s, t.jax().dtype) for s, t in zip(shapes, user_tensors)
    ]

    def spec(t: Tensor) -> jax.ShapeDtypeStruct:
        return jax.ShapeDtypeStruct(t.shape, t.jax().dtype)

    key = default_generator._key
    key_data = key._data
    try:
        exported = jax.export.export(jax.jit(forward))(
            [spec(p) for p in params.values()],
            [spec(b) for b in buffers.values()],
            *structs,
        )
    finally:
        drew_random = key._data is not key_data
        key._data = key_data  # never leave a tracer in the generator
    if drew_random:
        raise RuntimeError(RANDOM_IN_EXPORT)
    user_names = [f"args[{i}]" for i in user_pos] + [f"kwargs[{k!r}]" for k in kw_names]
    input_specs = [
        InputSpec("parameter", n, tuple(p.shape), str(p.jax().dtype))
        for n, p in params.items()
    ]  # noqa: E501
    input_specs += [
        InputSpec("buffer", n, tuple(b.shape), str(b.jax().dtype))
        for n, b in buffers.items()
    ]  # noqa: E501
    input_specs += [InputSpec("user_input", n, tuple(str(d) for d in s), str(t.jax().dtype))
                    for n, s, t in zip(user_names, shapes, user_tensors)]  # fmt: skip
    n_out = len(exported.out_avals)
    signature = ExportGraphSignature(
        input_specs, [f"output[{i}]" for i in range(n_out)]
    )
    state = {n: t.jax() for n, t in {**params, **buffers}.items()}
    return ExportedProgram(exported, state, signature, info["out_spec"], kw_names)
