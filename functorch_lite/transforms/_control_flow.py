"""Structured control flow on Tensors: ``cond``, ``while_loop``, ``fori_loop``, ``scan``.

Signatures follow PyTorch's higher-order ops (``torch.cond``,
``torch._higher_order_ops.while_loop``, ``torch._higher_order_ops.scan``); ``fori_loop``
follows ``jax.lax.fori_loop`` (PyTorch has none).

With concrete values (eager code) they run as the plain Python loop/branch PyTorch
documents as their meaning, so the autograd tape records every op. When a value is
traced (inside ``jit``/``vmap``/``grad``...) they become ``lax.cond`` /
``lax.while_loop`` / ``lax.fori_loop`` / ``lax.scan``, recorded on the tape as one op
(``_functionalize.record``) so ``loss.backward()`` in compiled code still reaches the
parameters the branches or loop bodies use. Differentiable where JAX's are:
``while_loop`` only in forward mode (JAX cannot reverse-differentiate an unbounded
loop); ``fori_loop`` with Python-int bounds and ``scan`` in both modes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from .._ops._join import stack
from .._ops._reshape import select
from .._tensor import Tensor
from ._functionalize import Rewrap, Scope, concrete_errors, is_tensor, record, unwrap

__all__ = ["cond", "while_loop", "fori_loop", "scan"]

Tracer = jax.core.Tracer

BRANCH_STATE = (
    "{api}: the function updated a tensor created outside it in place (shape {shape}); "
    "{api} bodies must be pure. Return the new value instead of mutating it."
)


def _traced(tree: Any) -> bool:
    return any(
        isinstance(x.jax() if isinstance(x, Tensor) else x, Tracer)
        for x in jax.tree_util.tree_leaves(tree, is_leaf=is_tensor)
    )


class _Body:
    """A user function of Tensors as a pure function of arrays (for ``lax``)."""

    def __init__(self, api: str, fn: Callable[..., Any], in_rw: Rewrap) -> None:
        self.api, self.fn, self.in_rw = api, fn, in_rw
        self.out_rw: Rewrap | None = None

    def __call__(self, *arrays: Any) -> list[Any]:
        out = _pure_call(self.api, lambda: self.fn(*self.in_rw(arrays)))
        arrays_out, self.out_rw = unwrap(out)
        return arrays_out


def _pure_call(api: str, thunk: Callable[[], Any]) -> Any:
    """Run a loop body/branch on tracers; it must not mutate outside tensors."""
    scope = Scope(api)
    with scope:
        out = thunk()
        written, _ = scope.state_out()
    if written:
        scope.restore()
        raise RuntimeError(BRANCH_STATE.format(api=api, shape=tuple(written[0].shape)))
    return out


def _fresh(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A new function object per trace (JAX's trace caches key on identity)."""
    return lambda *a: fn(*a)


def _single_pred(pred: Any) -> Any:
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(
                f"Expected pred to be bool or single-element tensor, but got {pred}."
            )
        return pred
    if isinstance(pred, (bool, int, jax.Array, Tracer)):
        return pred
    raise RuntimeError(
        f"Expected pred to be bool or single-element tensor, but got {pred!r}."
    )


def cond(
    pred: Any,
    true_fn: Callable[..., Any],
    false_fn: Callable[..., Any],
    operands: tuple[Any, ...] | list[Any] = (),
) -> Any:
    """``torch.cond``: ``true_fn(*operands)`` if ``pred`` else ``false_fn(*operands)``.

    Both branches must return Tensors of the same structure, shapes and dtypes. A
    traced ``pred`` (from a tensor value inside ``jit``/``vmap``/``grad``) compiles to
    ``lax.cond`` (under ``vmap`` with a per-example ``pred``, to a select).

    Example:
        >>> import functorch_lite as torch
        >>> torch.cond(torch.tensor(True), lambda x: x + 1, lambda x: x - 1,
        ...            (torch.ones(2),))
        tensor([2., 2.])
    """
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(
            "Expect operands to be a tuple of possibly nested dict/list/tuple that only "
            f"consists of tensor leaves, but got {type(operands)}."
        )
    pred = _single_pred(pred)
    p_data = pred.jax() if isinstance(pred, Tensor) else pred
    if not isinstance(p_data, Tracer):
        return (true_fn if bool(p_data) else false_fn)(*operands)
    arrays, in_rw = unwrap(tuple(operands))
    branches = [_Body("cond", true_fn, in_rw), _Body("cond", false_fn, in_rw)]

    def compute(p: Any, *xs: Any) -> list[Any]:
        p = jnp.reshape(p, ()).astype(bool)
        # Fresh callables per trace: JAX caches traced branches by function identity,
        # which would freeze closed-over tensors at their first value.
        return jax.lax.cond(p, _fresh(branches[0]), _fresh(branches[1]), *xs)

    leaves = jax.tree_util.tree_leaves(tuple(operands), is_leaf=is_tensor)
    dyn = [x for x in leaves if isinstance(x, (Tensor, jax.Array, Tracer))]
    with concrete_errors("cond"):
        try:
            outs = record("cond", compute, [pred, *dyn])
        except TypeError as e:
            raise RuntimeError(
                "cond: true_fn and false_fn must return the same structure of Tensors "
                f"with the same shapes and dtypes ({e})"
            ) from e
    assert branches[0].out_rw is not None
    return branches[0].out_rw.fill(outs)


def while_loop(
    cond_fn: Callable[..., Any],
    body_fn: Callable[..., Any],
    carried_inputs: tuple[Any, ...],
) -> tuple[Any, ...]:
    """``torch._higher_order_ops.while_loop``: ``while cond_fn(*val): val = body_fn(*val)``.

    ``body_fn`` must return a tuple like ``carried_inputs`` (same shapes and dtypes).
    Traced, it is ``lax.while_loop``: differentiable in forward mode only.
    """
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(
            f"carried_inputs must be a tuple or list, got {type(carried_inputs)}"
        )
    val = tuple(carried_inputs)
    if not _traced(val):
        while True:
            c = cond_fn(*val)
            c_data = c.jax() if isinstance(c, Tensor) else c
            if isinstance(c_data, Tracer):
                break  # the condition reads a traced closure: fall through to lax
            if not bool(c_data):
                return val
            val = tuple(body_fn(*val))
    arrays, in_rw = unwrap(val)
    cond_body = _Body("while_loop", cond_fn, in_rw)
    body = _Body("while_loop", body_fn, in_rw)

    def c_fn(xs: list[Any]) -> Any:
        (c,) = cond_body(*xs)
        return jnp.reshape(c, ()).astype(bool)

    def b_fn(xs: list[Any]) -> list[Any]:
        out = body(*xs)
        return [o.astype(x.dtype) for o, x in zip(out, xs)]

    def compute(*xs: Any) -> list[Any]:
        return jax.lax.while_loop(_fresh(c_fn), _fresh(b_fn), list(xs))

    dyn = _dynamic_leaves(val)
    with concrete_errors("while_loop"):
        outs = record("while_loop", compute, dyn)
    return tuple(in_rw.fill(outs))


def _dynamic_leaves(tree: Any) -> list[Any]:
    return [x for x in jax.tree_util.tree_leaves(tree, is_leaf=is_tensor)
            if isinstance(x, (Tensor, jax.Array, Tracer))]  # fmt: skip


def fori_loop(
    lower: int, upper: int, body_fun: Callable[[Any, Any], Any], init_val: Any
) -> Any:
    """``jax.lax.fori_loop`` on Tensors: ``val = body_fun(i, val)`` for ``i`` in range.

    ``i`` is a 0-d int64 Tensor. With Python-int bounds the loop is reverse-
    differentiable (JAX lowers it to ``scan``).
    """
    bounds_traced = any(
        isinstance(b.jax() if isinstance(b, Tensor) else b, Tracer)
        for b in (lower, upper)
    )
    if not bounds_traced and not _traced(init_val):
        lo, hi = int(lower), int(upper)
        val = init_val
        for i in range(lo, hi):
            val = body_fun(Tensor(jnp.asarray(i, jnp.int64)), val)
        return val
    arrays, in_rw = unwrap(init_val)

    def step(i: Any, xs: list[Any]) -> list[Any]:
        i_t = Tensor(jnp.asarray(i, jnp.int64))
        out = _pure_call("fori_loop", lambda: body_fun(i_t, in_rw(xs)))
        return [o.astype(x.dtype) for o, x in zip(unwrap(out)[0], xs)]

    lo = lower.jax() if isinstance(lower, Tensor) else lower
    hi = upper.jax() if isinstance(upper, Tensor) else upper

    def compute(*xs: Any) -> list[Any]:
        return jax.lax.fori_loop(lo, hi, _fresh(step), list(xs))

    with concrete_errors("fori_loop"):
        outs = record("fori_loop", compute, _dynamic_leaves(init_val))
    return in_rw.fill(outs)


def scan(
    combine_fn: Callable[[Any, Any], tuple[Any, Any]],
    init: Any,
    xs: Any,
    *,
    dim: int = 0,
    reverse: bool = False,
) -> tuple[Any, Any]:
    """``torch._higher_order_ops.scan``: ``carry, y = combine_fn(carry, x)`` over ``dim``.

    Returns ``(final_carry, ys)``, each ``ys`` leaf stacked along ``dim`` and aligned with
    ``xs`` (also when ``reverse=True``), as PyTorch's (and ``lax.scan``'s) scan does.

    Example:
        >>> import functorch_lite as torch
        >>> def add(c, x):
        ...     c = c + x
        ...     return c, c.clone()
        >>> torch.scan(add, torch.zeros(1), torch.arange(4.0).reshape(4, 1))[1].flatten()
        tensor([0., 1., 3., 6.])
    """
    x_leaves = jax.tree_util.tree_leaves(xs, is_leaf=is_tensor)
    if len(x_leaves) == 0:
        return init, []
    for x in x_leaves:
        if not isinstance(x, Tensor):
            raise RuntimeError(f"All xs leaves must be a Tensor but got {x}")
        if x.ndim <= dim:
            raise RuntimeError(
                "All xs leaves must at least have 'dim' number of dimensions and scan "
                "dimension > 0"
            )
    if not jax.tree_util.tree_leaves(init, is_leaf=is_tensor):
        raise RuntimeError("scan() operator requires init leaves.")
    length = x_leaves[0].shape[dim]
    if not _traced((init, xs)):
        carry, ys = init, []
        order = range(length - 1, -1, -1) if reverse else range(length)
        for i in order:
            x_i = jax.tree_util.tree_map(
                lambda t, i=i: select(t, dim, i), xs, is_leaf=is_tensor
            )
            carry, y = combine_fn(carry, x_i)
            ys.append(y)
        if reverse:
            ys.reverse()
        stacked = jax.tree_util.tree_map(
            lambda *ts: stack(list(ts), dim), *ys, is_leaf=is_tensor
        )
        return carry, stacked
    init_arrays, init_rw = unwrap(init)
    xs_arrays, xs_rw = unwrap(xs)
    box: dict[str, Rewrap] = {}

    def step(c: list[Any], x: list[Any]) -> tuple[list[Any], list[Any]]:
        new_c, y = _pure_call("scan", lambda: combine_fn(init_rw(c), xs_rw(x)))
        c_out, _ = unwrap(new_c)
        y_out, box["y"] = unwrap(y)
        return [o.astype(a.dtype) for o, a in zip(c_out, c)], y_out

    n_c = len(init_arrays)

    def compute(*arrays: Any) -> list[Any]:
        c, xs_ = list(arrays[:n_c]), [jnp.moveaxis(a, dim, 0) for a in arrays[n_c:]]
        c_fin, ys = jax.lax.scan(_fresh(step), c, xs_, reverse=reverse)
        return list(c_fin) + [jnp.moveaxis(y, 0, dim) for y in ys]

    with concrete_errors("scan"):
        outs = record("scan", compute, _dynamic_leaves(init) + _dynamic_leaves(xs))
    return init_rw.fill(outs[:n_c]), box["y"].fill(outs[n_c:])
