"""``torch.utils.checkpoint.checkpoint`` as ``jax.checkpoint`` (activation rematerialisation).

Under a transform (``grad``, ``vjp``, ``jit``...) the function becomes one
``jax.checkpoint`` block: its intermediate activations are not kept for the backward
pass but recomputed from its inputs, trading compute for memory exactly as PyTorch's
non-reentrant checkpoint does. Random draws inside are part of the traced program, so
the recomputation sees the same numbers (PyTorch's ``preserve_rng_state=True``).

Eagerly, ``checkpoint(fn, *args)`` is simply ``fn(*args)``: the autograd tape records it
like any other code (no memory saving, same values and gradients).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax

from .._tensor import Tensor
from ._functionalize import Rewrap, Scope, concrete_errors, is_tensor, record, unwrap

__all__ = ["checkpoint"]

Tracer = jax.core.Tracer


def _traced(tree: Any) -> bool:
    return any(
        isinstance(x._data if isinstance(x, Tensor) else x, Tracer)
        for x in jax.tree_util.tree_leaves(tree, is_leaf=is_tensor)
    )


def checkpoint(
    function: Callable[..., Any],
    *args: Any,
    use_reentrant: bool | None = False,
    context_fn: Any = None,
    determinism_check: str = "default",
    debug: bool = False,
    preserve_rng_state: bool = True,
    **kwargs: Any,
) -> Any:
    """``torch.utils.checkpoint.checkpoint``: recompute ``function``'s activations in
    the backward pass instead of storing them.

    Args:
        function: a function of Tensors (may close over a Module's parameters).
        *args: its positional arguments (pytrees of Tensors and other values).
        use_reentrant: accepted for compatibility; both modes mean ``jax.checkpoint``.
        preserve_rng_state: always effectively True (random draws are replayed).
        **kwargs: passed to ``function``.

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite.func import grad
        >>> f = lambda x: checkpoint(lambda y: y.sin().sin(), x).sum()
        >>> grad(f)(torch.zeros(2))
        tensor([1., 1.])
    """
    if not _traced(args) and not _traced(kwargs):
        return function(*args, **kwargs)
    arrays, in_rw = unwrap(args)
    box: dict[str, Rewrap] = {}

    def pure(*xs: Any) -> list[Any]:
        scope = Scope("checkpoint")
        with scope:
            out = function(*in_rw(xs), **kwargs)
        out_arrays, box["out"] = unwrap(out)
        return out_arrays

    def compute(*xs: Any) -> list[Any]:
        # A fresh callable per trace: JAX caches traces by function identity, which
        # would freeze closed-over tensors (swapped in by ``record``) at first values.
        return jax.checkpoint(lambda *a: pure(*a))(*xs)

    dyn = [
        x
        for x in jax.tree_util.tree_leaves(args, is_leaf=is_tensor)
        if isinstance(x, (Tensor, jax.Array, Tracer))
    ]
    with concrete_errors("checkpoint"):
        outs = record("checkpoint", compute, dyn)
    return box["out"].fill(outs)
