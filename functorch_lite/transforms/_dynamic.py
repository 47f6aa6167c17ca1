"""``compile(dynamic=True)``: one trace serves every batch size.

PyTorch's ``dynamic=True`` traces with symbolic sizes so that a new batch size does
not re-run Dynamo. Here the step is traced once more with the leading dimension of
every argument array replaced by a symbol (``jax.export`` shape polymorphism:
``float32[b, 784]``); arguments whose leading sizes were equal share a symbol, as the
batch of ``x`` and of ``y`` do. The result is a serialized-in-memory StableHLO module
with symbolic shapes. A call with a new batch size refines that module to the concrete
shape and compiles it — XLA executables have static shapes, so each size is still
compiled once — but the Python step (model, loss, backward, optimizer) is not run
again. Steps whose code needs a concrete batch size (``int(x.shape[0])``, a Python
``if`` on it) cannot be traced symbolically: they fall back to one trace per batch
size, with a one-time warning naming the reason. To bound the number of compiles as
well, pad batches to a few sizes with ``functorch_lite.lowering.bucket``.
"""

from __future__ import annotations

import warnings
from typing import Any

import jax
from jax import export

__all__ = ["dynamic_key", "export_symbolic", "FALLBACK"]

FALLBACK = (
    "functorch_lite.compile(dynamic=True): {name} cannot be traced with a symbolic "
    "batch dimension ({why}); it will be re-traced for each new batch size. Avoid "
    "Python arithmetic on x.shape[0] (use -1 in view/reshape), or pad batches with "
    "functorch_lite.lowering.bucket."
)


def _leading_symbols(arrays: list[Any]) -> list[int | None]:
    """One symbol index per array with a leading dimension; equal sizes share one."""
    by_size: dict[int, int] = {}
    out: list[int | None] = []
    for a in arrays:
        if getattr(a, "ndim", 0) == 0:
            out.append(None)
        else:
            out.append(by_size.setdefault(int(a.shape[0]), len(by_size)))
    return out


def dynamic_key(guard: Any) -> Any:
    """``guard`` with the arguments' leading sizes replaced by their sharing pattern.

    Two calls with the same dynamic key differ only in batch size(s), so one
    symbolically traced program serves both.
    """
    (spec, static_args, tree), parts, grad_enabled = guard
    sizes: dict[int, int] = {}
    erased = []
    for entry in spec:
        shape = entry[0]
        if isinstance(shape, tuple) and len(shape) > 0:
            symbol = sizes.setdefault(shape[0], len(sizes))
            erased.append((("sym", symbol),) + tuple(shape[1:]) + (entry[1],))
        else:
            erased.append(entry)
    return ((tuple(erased), static_args, tree), parts, grad_enabled)


def export_symbolic(program: Any, name: str) -> Any | None:
    """A ``jax.jit`` of ``program``'s step exported with symbolic batch sizes.

    Returns ``None`` (after a one-time warning) when the step cannot be traced that
    way. The returned callable has ``program.jitted``'s signature and donation.
    """
    written, read, arrays = program.example_args
    symbols = _leading_symbols(arrays)
    n = max((s for s in symbols if s is not None), default=-1) + 1
    dims = export.symbolic_shape(", ".join(f"b{i}" for i in range(n))) if n else ()
    args = [
        a if s is None else jax.ShapeDtypeStruct((dims[s],) + a.shape[1:], a.dtype)
        for a, s in zip(arrays, symbols)
    ]
    try:
        exported = export.export(program.jit_fn)(written, read, args)
    except Exception as e:  # noqa: BLE001 - any trace failure means: not symbolic
        why = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
        warnings.warn(FALLBACK.format(name=name, why=why), stacklevel=5)
        return None
    donate = (0,) if program.donate else ()
    return jax.jit(exported.call, donate_argnums=donate, keep_unused=True)
