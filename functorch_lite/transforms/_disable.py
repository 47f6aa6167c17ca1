"""``compiler.disable``: a graph break, as ``torch.compiler.disable``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax

from .._tensor import Tensor, TracedValueError

__all__ = ["disable"]


def disable(fn: Callable[..., Any] | None = None, recursive: bool = True) -> Any:
    """``torch.compiler.disable``: run ``fn`` eagerly even inside a compiled function.

    Inside a trace the call becomes a host callback (``jax.pure_callback``) that runs
    ``fn`` on concrete arrays; its output shapes come from the last eager run with the
    same input shapes (the discovery call provides one). No gradient flows through it.
    """
    if fn is None:
        return functools.partial(disable, recursive=recursive)
    shapes: dict[Any, Any] = {}

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs))
        traced = any(isinstance(x, jax.core.Tracer) for x in leaves)
        key = tuple(
            (x.shape, str(x.dtype)) if hasattr(x, "shape") else ("s", repr(x))
            for x in leaves
        )
        if not traced:
            out = fn(*args, **kwargs)
            shapes[key] = jax.tree_util.tree_map(
                lambda x: (
                    jax.ShapeDtypeStruct(x.shape, x.dtype) if hasattr(x, "shape") else x
                ),
                out,
            )
            return out
        if key not in shapes:
            raise TracedValueError(
                f"{getattr(fn, '__qualname__', fn)} is marked compiler.disable but was first "
                "called inside a trace with these input shapes; call the compiled function "
                "once eagerly (its first call is eager) or call the helper outside it."
            )
        array_pos = [
            i
            for i, x in enumerate(leaves)
            if isinstance(x, (jax.Array, jax.core.Tracer))
        ]

        def host(*arrs: Any) -> Any:
            vals = list(leaves)
            for i, a in zip(array_pos, arrs):
                vals[i] = a
            a2, k2 = jax.tree_util.tree_unflatten(treedef, vals)
            res = fn(*a2, **k2)
            return jax.tree_util.tree_map(
                lambda x: x.jax() if isinstance(x, Tensor) else x, res
            )

        result_shape = jax.tree_util.tree_map(
            lambda x: x,
            shapes[key],
            is_leaf=lambda x: isinstance(x, jax.ShapeDtypeStruct),
        )
        return jax.pure_callback(host, result_shape, *[leaves[i] for i in array_pos])

    return wrapper
