"""Module hook plumbing: removable handles and full backward hooks via tensor hooks.

PyTorch's ``register_full_backward_hook`` wraps the module's Tensor inputs and outputs in
one identity autograd node each (``BackwardHookFunction``) and calls
``hook(module, grad_input, grad_output)`` when the gradients w.r.t. the inputs are
ready. We do the same with an identity ``Op`` per side and ``Tensor.register_hook`` on
its outputs. Limits (documented, not silently different): ``grad_input`` has one entry
per positional Tensor input (``None`` where it does not require grad); a hook's returned
``grad_input`` replaces the gradient of every input only when the gradients of all
inputs arrive at one node, which holds here because each side is one identity node —
but the replacement is applied to the input gradients in order as they are delivered
by the engine's tensor hooks; outputs whose gradient never arrives appear as ``None``
in ``grad_output``.
"""

from __future__ import annotations

import itertools
from typing import Any

from .._ops._dispatch import Op
from .._tensor import Tensor
from ..autograd._grad_mode import state as _grad_state

__all__ = ["RemovableHandle", "call_with_backward_hooks"]

_ids = itertools.count()


class RemovableHandle:
    """``torch.utils.hooks.RemovableHandle``: ``remove()`` unregisters the hook."""

    def __init__(self, *dicts: dict[int, Any]) -> None:
        self.id = next(_ids)
        self._dicts = dicts

    def remove(self) -> None:
        for d in self._dicts:
            d.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


_IDENTITY: dict[int, Op] = {}


def _identity(n: int) -> Op:
    op = _IDENTITY.get(n)
    if op is None:
        fn = (lambda x: x) if n == 1 else (lambda *xs: tuple(xs))
        op = Op("backward_hook_function", fn, n_out=n, saves_inputs=False,
                backward_name="BackwardHookFunctionBackward")  # fmt: skip
        _IDENTITY[n] = op
    return op


def _wrap(tensors: list[Tensor]) -> list[Tensor]:
    out = _identity(len(tensors))(*tensors)
    return [out] if len(tensors) == 1 else list(out)


def call_with_backward_hooks(
    module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """Run ``module.forward`` with its backward (pre-)hooks attached to the graph."""
    if not _grad_state.enabled:
        return module.forward(*args, **kwargs)
    tensor_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    req = [i for i in tensor_pos if args[i].requires_grad]
    n_in = len(tensor_pos)
    grad_in: dict[int, Any] = {}
    grad_out: list[Any] = []
    state: dict[str, Any] = {"replacement": None}

    def run_hooks() -> Any:
        gin = tuple(grad_in.get(i) for i in tensor_pos)
        gout = tuple(grad_out)
        replacement = None
        for hook in list(module._backward_hooks.values()):
            out = hook(module, gin if replacement is None else replacement, gout)
            if out is not None:
                out = tuple(out) if isinstance(out, (tuple, list)) else (out,)
                if len(out) != n_in:
                    raise RuntimeError(
                        f"Backward hook returned an invalid number of grad_input, got "
                        f"{len(out)}, but expected {n_in}"
                    )
                replacement = out
        return replacement

    if req:
        args = list(args)  # type: ignore[assignment]
        for i, w in zip(req, _wrap([args[i] for i in req])):
            args[i] = w  # type: ignore[index]

            def on_input(g: Tensor, i: int = i) -> Any:
                grad_in[i] = g
                if len(grad_in) == len(req):
                    state["replacement"] = run_hooks()
                rep = state["replacement"]
                if rep is not None:
                    return rep[tensor_pos.index(i)]
                return None

            w.register_hook(on_input)  # type: ignore[attr-defined]
        args = tuple(args)
    result = module.forward(*args, **kwargs)
    single = isinstance(result, Tensor)
    outs = [result] if single else list(result) if isinstance(result, tuple) else None
    if outs is None:
        return result
    opos = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad]
    if not opos:
        return result
    grad_out.extend([None] * len(outs))
    seen: set[int] = set()

    def on_output(g: Tensor, j: int) -> Any:
        grad_out[j] = g
        seen.add(j)
        if len(seen) == len(opos):
            for hook in list(module._backward_pre_hooks.values()):
                new = hook(module, tuple(grad_out))
                if new is not None:
                    new = tuple(new) if isinstance(new, (tuple, list)) else (new,)
                    grad_out[:] = list(new)
            if not req and module._backward_hooks:
                run_hooks()  # no input needs grad: PyTorch calls with grad_input None
        return grad_out[j]

    for j, w in zip(opos, _wrap([outs[j] for j in opos])):
        outs[j] = w
        w.register_hook(lambda g, j=j: on_output(g, j))  # type: ignore[attr-defined]
    return outs[0] if single else tuple(outs)
