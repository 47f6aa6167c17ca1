"""``Tensor.register_post_accumulate_grad_hook``: hooks run after a leaf's ``.grad``
has been accumulated in backward (PyTorch 2.1+), e.g. to step an optimizer per
parameter as soon as its gradient is ready.

Hooks are kept here, keyed by tensor identity (``Tensor`` has fixed slots), and dropped
when the tensor dies. The autograd engine calls ``run_post_accumulate_grad_hooks(leaf)``
right after it writes ``leaf.grad``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
from ._registry import method

HOOKS: dict[int, list[Callable[[Tensor], None]]] = {}


class RemovableHandle:
    """The handle ``register_*_hook`` returns; ``remove()`` unregisters the hook."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def register_post_accumulate_grad_hook(
    self: Tensor, hook: Callable[[Tensor], None]
) -> RemovableHandle:
    """``Tensor.register_post_accumulate_grad_hook(hook)``: ``hook(tensor)`` runs after
    ``tensor.grad`` is accumulated; its return value is ignored. Leaves only."""
    if not self.requires_grad:
        raise RuntimeError(
            "cannot register a hook on a tensor that doesn't require gradient"
        )
    if not self.is_leaf:
        raise RuntimeError(
            "post accumulate grad hooks cannot be registered on non-leaf tensors"
        )
    key = id(self)
    hooks = HOOKS.get(key)
    if hooks is None:
        hooks = HOOKS[key] = []
        weakref.finalize(self, HOOKS.pop, key, None)
    hooks.append(hook)
    return RemovableHandle(hooks, hook)


def has_post_accumulate_grad_hooks(t: Tensor) -> bool:
    """Whether backward must take the per-leaf path for ``t`` (hooks to run)."""
    return bool(HOOKS.get(id(t)))


def run_post_accumulate_grad_hooks(t: Tensor) -> None:
    """Call ``t``'s post-accumulate hooks in registration order (engine entry point)."""
    for hook in list(HOOKS.get(id(t), ())):
        hook(t)


method("register_post_accumulate_grad_hook", register_post_accumulate_grad_hook)
