"""``torch.autograd.Function``: user-written gradients, mapped onto ``jax.custom_vjp``.

``MyFn.apply(*args)`` becomes one op whose function is a ``jax.custom_vjp``: the forward
runs the user's ``forward(ctx, ...)`` on Tensors and keeps what ``ctx.save_for_backward``
saved as residuals; the VJP rule calls the user's ``backward(ctx, *grads)``. The same op
then works with ``loss.backward()``, the compiled backward, and JAX transforms.

Limit: ``forward`` and ``backward`` must be traceable (Tensor ops only, no ``.item()`` or
``.numpy()``), because JAX traces them.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp

from .._tensor import Tensor
from ._grad_mode import no_grad

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The ``ctx`` of a custom Function: saved tensors and user attributes."""

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self._saved: tuple[Any, ...] = ()
        self._non_diff: set[int] = set()
        self._materialize = True

    def save_for_backward(self, *tensors: Any) -> None:
        self._saved = tensors

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        return self._saved

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        self._non_diff.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Accepted for compatibility: in-place outputs are rebound by the caller."""

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize = value


def once_differentiable(fn: Any) -> Any:
    """``torch.autograd.function.once_differentiable``: backward runs without recording."""

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            return fn(ctx, *args)

    return wrapper


def _wrap(x: Any) -> Any:
    return Tensor(x) if isinstance(x, (jax.Array, jax.core.Tracer)) else x


def _unwrap(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``."""

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )  # noqa: E501

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD."
        )  # noqa: E501

    vjp = backward

    @classmethod
    def apply(cls, *args: Any) -> Any:
        from .._ops._dispatch import dispatch

        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        consts = {i: a for i, a in enumerate(args) if i not in positions}
        try:
            key: Any = (cls, positions, needs, tuple(sorted(consts.items())))
            hash(key)
        except TypeError:
            key = None
        entry = _OPS.get(key) if key is not None else None
        if entry is None:
            entry = cls._build(args, positions, needs, consts)
            if key is not None:
                _OPS[key] = entry
        op, info = entry
        result = dispatch(op, tuple(args[p] for p in positions), {})
        results = result if isinstance(result, tuple) else (result,)
        for r, nd in zip(results, info.get("non_diff", ())):
            if nd:
                r._requires_grad, r._node = False, None
        return result if info.get("multi") else results[0]

    @classmethod
    def _build(cls, args: tuple[Any, ...], positions: tuple[int, ...],
               needs: tuple[bool, ...], consts: dict[int, Any]) -> tuple[Any, dict[str, Any]]:  # fmt: skip
        from .._ops._dispatch import Op

        info: dict[str, Any] = {}

        def run_forward(arrays: tuple[Any, ...]) -> tuple[Any, FunctionCtx]:
            full = [consts.get(i) for i in range(len(args))]
            for p, arr in zip(positions, arrays):
                full[p] = Tensor(arr)
            ctx = FunctionCtx(needs)
            with no_grad():
                out = cls.forward(ctx, *full)
            info["multi"] = isinstance(out, tuple)
            outs = out if isinstance(out, tuple) else (out,)
            info["non_diff"] = tuple(id(o) in ctx._non_diff for o in outs)
            return tuple(_unwrap(o) for o in outs), ctx

        @jax.custom_vjp
        def fn(*arrays: Any) -> Any:
            outs, _ = run_forward(arrays)
            return outs

        def fwd(*arrays: Any) -> Any:
            outs, ctx = run_forward(arrays)
            saved = tuple(_unwrap(s) for s in ctx._saved)
            info["ctx"] = ctx
            return outs, (saved, arrays)

        def bwd(res: Any, cts: Any) -> Any:
            saved, arrays = res
            ctx = info["ctx"]
            ctx._saved = tuple(_wrap(s) for s in saved)
            with no_grad():
                grads = cls.backward(ctx, *[Tensor(c) for c in cts])
            grads = grads if isinstance(grads, tuple) else (grads,)
            out = []
            for p, arr in zip(positions, arrays):
                g = grads[p] if p < len(grads) else None
                out.append(
                    jnp.zeros_like(arr)
                    if g is None
                    else jnp.asarray(_unwrap(g), arr.dtype)
                )
            return tuple(out)

        fn.defvjp(fwd, bwd)

        def kernel(*arrays: Any) -> Any:
            outs = fn(*arrays)
            return outs if len(outs) != 1 else outs[0]

        # Probe the output count once (shapes only) so the op knows its arity.
        probe = jax.eval_shape(lambda *a: fn(*a), *[args[p]._data for p in positions])
        op = Op(
            cls.__name__,
            kernel,
            n_out=len(probe),
            backward_name=f"{cls.__name__}Backward",
        )
        return op, info


#: One op per (Function class, tensor positions, needs_input_grad, constant arguments).
_OPS: dict[Any, tuple[Any, dict[str, Any]]] = {}
