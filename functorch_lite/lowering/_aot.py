"""``aot_compile``: compile a step before its first real call.

``compile`` compiles lazily (its first call discovers the state, the second traces and
compiles). ``aot_compile`` does both now, for the example arguments' shapes, so the
first call in the program's hot loop runs the compiled executable straight away. With
the persistent cache on (``enable_cache``) a later process loads that executable from
disk instead of compiling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..transforms._modes import apply_mode
from ._trace import program_of

__all__ = ["aot_compile"]


def aot_compile(fn: Callable[..., Any], *example_args: Any, mode: str | None = None,
                **example_kwargs: Any) -> Any:  # fmt: skip
    """Compile ``fn`` for the shapes of ``example_args`` ahead of the first call.

    Like ``compile``'s first call, a function never called before runs once on the
    example arguments (that is how its state — parameters, optimizer moments — is
    found); a training step therefore takes one step here. Pass arguments you would
    train on, or a step that was already called once.

    Args:
        fn: a Tensor function, a Module, a stateful step or a compiled step.
        example_args: arguments with the shapes and dtypes of the real calls.
        mode: a ``compile`` mode (``"reduce-overhead"`` calls through ``FastCall``).
        example_kwargs: keyword arguments of the example call.

    Returns:
        A callable with ``fn``'s signature whose program for these shapes is compiled.

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite import lowering
        >>> lin = torch.nn.Linear(3, 2)
        >>> fast = lowering.aot_compile(lin, torch.ones(4, 3))
        >>> fast(torch.ones(4, 3)).shape
        functorch_lite.Size([4, 2])
    """
    cf, _ = program_of(fn, example_args, example_kwargs)
    return apply_mode(cf, mode)
