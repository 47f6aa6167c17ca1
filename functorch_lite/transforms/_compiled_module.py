"""``compile(model)``: a module whose calls run one compiled program (``OptimizedModule``).

Mirrors ``torch.compile(module)``: the wrapper holds the original as ``_orig_mod`` (so its
``state_dict`` keys carry PyTorch's ``_orig_mod.`` prefix), shares every parameter and
buffer with it, and compiles ``forward``. Outputs keep autograd history (the compiled
block is one node), so an eager ``loss.backward()`` outside still reaches the weights.
"""

from __future__ import annotations

from typing import Any

from ..nn import Module
from ._compile import CompiledFunction


class CompiledModule(Module):
    """The module returned by ``compile(module)``."""

    def __init__(self, mod: Module, *, fullgraph: bool = False, dynamic: bool | None = None,
                 mode: str | None = None) -> None:  # fmt: skip
        super().__init__()
        self._orig_mod = mod
        self.__dict__["_compiled_call"] = CompiledFunction(
            mod.__call__, fullgraph=fullgraph, dynamic=dynamic, mode=mode
        )

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.__dict__["_compiled_call"](*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.__dict__["_modules"]["_orig_mod"], name)
