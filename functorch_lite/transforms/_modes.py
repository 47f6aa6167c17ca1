"""``compile(mode=...)``: what each of ``torch.compile``'s modes means here.

=================  ==================================================================
mode               what it sets
=================  ==================================================================
``default``        one XLA program per guard, state buffers donated, XLA's default
                   optimization level.
``reduce-overhead``  the same program, called through ``FastCall``: the executable and
                   the state layout are resolved once, each call only checks the
                   argument shapes and the cheap guards (training flags, grad mode,
                   ``.grad`` slots), gathers the state arrays from pre-built lists and
                   writes the results back — no pytree flattening, no guard tuple,
                   no dict lookup. Written state stays donated (XLA reuses the
                   buffers in place). PyTorch's CUDA-graph replay has the same goal.
``max-autotune``   XLA's autotuning where the backend has it: on GPU
                   ``xla_gpu_autotune_level=4`` (try every GEMM/convolution algorithm
                   and keep the fastest). The CPU backend has no autotuner, so on
                   CPU it is the same as ``default``.
``max-autotune-no-cudagraphs``  as ``max-autotune``.
=================  ==================================================================
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax

from .._tensor import Tensor
from ..autograd._grad_mode import state as grad_state
from ._compile import CompiledFunction, _Program

__all__ = [
    "MODES",
    "ModeSettings",
    "compiler_options",
    "settings",
    "FastCall",
    "apply_mode",
]


@dataclasses.dataclass(frozen=True)
class ModeSettings:
    """The settings one mode stands for.

    Attributes:
        fast_call: call through ``FastCall`` (pre-resolved executable and layout).
        donate_state: donate written state buffers to XLA.
        gpu_options: XLA compiler options used on a GPU backend.
    """

    fast_call: bool
    donate_state: bool
    gpu_options: dict[str, Any]


_AUTOTUNE = {"xla_gpu_autotune_level": 4}
MODES: dict[str, ModeSettings] = {
    "default": ModeSettings(fast_call=False, donate_state=True, gpu_options={}),
    "reduce-overhead": ModeSettings(fast_call=True, donate_state=True, gpu_options={}),
    "max-autotune": ModeSettings(
        fast_call=True, donate_state=True, gpu_options=_AUTOTUNE
    ),
    "max-autotune-no-cudagraphs": ModeSettings(
        fast_call=False, donate_state=True, gpu_options=_AUTOTUNE
    ),
}

UNKNOWN_MODE = "compile: unknown mode {mode!r}; expected one of {modes}"


def settings(mode: str | None) -> ModeSettings:
    """The ``ModeSettings`` of ``mode`` (``None`` is ``"default"``)."""
    key = "default" if mode is None else mode
    if key not in MODES:
        raise ValueError(UNKNOWN_MODE.format(mode=mode, modes=sorted(MODES)))
    return MODES[key]


def compiler_options(mode: str | None, platform: str | None = None) -> dict[str, Any]:
    """XLA compiler options for ``mode`` on ``platform`` (default: JAX's backend)."""
    platform = platform or jax.default_backend()
    return (
        dict(settings(mode).gpu_options) if platform in ("gpu", "cuda", "rocm") else {}
    )


class FastCall:
    """Calls one ``_Program`` of a ``CompiledFunction`` with minimal Python per call.

    Everything that does not change between calls is resolved once: the executable,
    which state tensors are written or read, the argument shapes, the output layout.
    A call whose arguments or guards do not match goes to the ``CompiledFunction``
    (which re-traces as usual) and the fast path follows its newest program.
    """

    def __init__(self, function: CompiledFunction) -> None:
        self._compiled = function
        self.program: _Program | None = None

    def _bind(self, program: _Program, args: tuple[Any, ...]) -> None:
        cf = self._compiled
        self.program = program
        # A compiled forward whose outputs need a grad_fn goes through the autograd
        # recording path of CompiledFunction; the fast path returns plain values.
        self.fast = not (program.differentiable and grad_state.enabled)
        self.signature = [(a._data.shape, a._data.dtype) for a in args]
        self.guards = cf.guards
        self.flags = [guard() for guard in self.guards]
        self.grad_enabled = grad_state.enabled
        self.syncs = cf.syncs
        self.slots = list(zip(program.grad_slots, program.grad_ids))

    def _matches(self, args: tuple[Any, ...]) -> bool:
        if len(args) != len(self.signature) or grad_state.enabled != self.grad_enabled:
            return False
        for a, (shape, dtype) in zip(args, self.signature):
            if (
                type(a) is not Tensor
                or a._data.shape != shape
                or a._data.dtype != dtype
            ):
                return False
        for guard, flag in zip(self.guards, self.flags):
            if guard() != flag:
                return False
        for p, gid in self.slots:
            g = p._grad
            if (None if g is None else id(g)) != gid:
                return False
        return True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        cf = self._compiled
        if kwargs or cf.discovered is None or cf.static_argnums:
            return self._slow(args, kwargs)
        if self.program is None or not self._matches(args):
            return self._slow(args, kwargs)
        if not self.fast:  # a differentiable forward: one autograd node per call
            return cf(*args, **kwargs)
        for sync in self.syncs:
            sync()
        return self.program.run([a._data for a in args])

    def _slow(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        cf = self._compiled
        out = cf(*args, **kwargs)
        if kwargs or cf.static_argnums or cf.discovered is None:
            return out
        if not all(type(a) is Tensor for a in args):
            self.program = None
            return out
        program = cf.program_for(*args)  # the program just run: no trace here
        if program is None:
            self.program = None
        else:
            self._bind(program, args)
        return out


def apply_mode(function: CompiledFunction, mode: str | None) -> Any:
    """The callable ``compile(fn, mode=mode)`` should return for ``function``."""
    if settings(mode).fast_call:
        return FastCall(function)
    return function
