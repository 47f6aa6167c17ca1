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
                   buffers in place). PyTorch's CUDA-graph replay has the same goal,
                   and the same rule for outputs: when they are large (≥ 1 MiB in
                   all), each call writes its outputs into the previous call's
                   output buffers, so a Tensor returned by the previous call is
                   overwritten (reading it raises "Array has been deleted"):
                   ``clone()`` outputs you keep across calls, as PyTorch asks
                   ("accessing tensor output of CUDAGraphs that has been
                   overwritten by a subsequent run"). Per-sample gradients of a
                   784-512-256-10 MLP (137 MB per call) run ~7× faster this way:
                   the kernel no longer maps and zeroes a fresh buffer each call.
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
from ._compile import TENSORS_ONLY, CompiledFunction, requires_grad
from ._guard_code import argument_guard
from ._program import _Program

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
#: ``reduce-overhead`` recycles output buffers when a call's outputs are this large.
REUSE_OUTPUT_BYTES = 1 << 20


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
        self.previous: list[Any] | None = None  # the last call's output arrays
        self.check: Any = None  # the bound program's generated guard (_guard_code)

    def _bind(
        self, program: _Program, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        cf = self._compiled
        self.program = program
        # A compiled forward whose outputs need a grad_fn goes through the autograd
        # recording path of CompiledFunction; the fast path returns plain values.
        self.fast = not (program.differentiable and grad_state.enabled)
        # A Tensor argument that requires grad needs that path too (checked per call).
        self.check_args_grad = program.recordable and grad_state.enabled
        self.arg_key = cf._arrays_and_key(args, kwargs)[1]
        # Positional Tensors only: the arguments are checked without flattening.
        self.tensors_only = not kwargs and self.arg_key[2] == TENSORS_ONLY
        self.signature = self.arg_key[0]
        self.guards = cf.guards
        self.flags = [guard() for guard in self.guards]
        self.grad_enabled = grad_state.enabled
        self.syncs = cf.syncs
        self.previous = None
        # The usual call (positional Tensors, a non-recorded program) is checked by
        # one generated function; anything else takes the general path below.
        self.check = (
            argument_guard(
                self.signature,
                self.guards,
                self.flags,
                self.grad_enabled,
                program,
                self.check_args_grad,
            )  # fmt: skip
            if self.tensors_only and self.fast
            else None
        )

    def _arrays(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> list[Any] | None:
        """The argument arrays if the arguments match the bound program, else None."""
        if not self.tensors_only or kwargs:
            arrays, key = self._compiled._arrays_and_key(args, kwargs)
            return arrays if key == self.arg_key else None
        if len(args) != len(self.signature):
            return None
        arrays = []
        for a, (shape, dtype) in zip(args, self.signature):
            if type(a) is not Tensor:
                return None
            data = a._data
            if data.shape != shape or data.dtype != dtype:
                return None
            arrays.append(data)
        return arrays

    def _guards_hold(self) -> bool:
        if grad_state.enabled != self.grad_enabled:
            return False
        for guard, flag in zip(self.guards, self.flags):
            if guard() != flag:
                return False
        return self.program is not None and self.program.layout_holds()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        check = self.check
        if check is not None:
            arrays = check(args, kwargs)  # arguments, guards and state layout
            program = self.program
            assert program is not None
            if arrays is not None and self._compiled.discovered is not None:
                for sync in self.syncs:
                    sync()
                return self._run(program, arrays)
        return self._general(args, kwargs)

    def _general(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        cf = self._compiled
        program = self.program
        if program is None or cf.discovered is None:
            return self._slow(args, kwargs)
        arrays = self._arrays(args, kwargs)
        if arrays is None or not self._guards_hold():
            return self._slow(args, kwargs)
        if not self.fast or (self.check_args_grad and requires_grad(args, kwargs)):
            return cf(*args, **kwargs)  # a differentiable forward: one autograd node
        for sync in self.syncs:
            sync()
        return self._run(program, arrays)

    def _run(self, program: _Program, arrays: list[Any]) -> Any:
        previous = self.previous
        if previous is not None and self._recyclable(previous, arrays):
            result, self.previous = program.run_with(
                program.recycling, arrays, previous
            )
            return result
        result, out = program.run_with(program.jitted, arrays)
        if program.recycling is None:
            program.recycling = _recycling_program(program, out)
        if program.recycling is not False:
            self.previous = out
        return result

    def _recyclable(self, previous: list[Any], arrays: list[Any]) -> bool:
        """The previous outputs may be donated: none is an input or state now."""
        program = self.program
        assert program is not None
        live = {id(a) for a in arrays}
        live.update(id(t._data) for t in program.written_in)
        live.update(id(t._data) for t in program.read_in)
        return not any(id(a) in live for a in previous)

    def _slow(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        cf = self._compiled
        self.previous = None
        out = cf(*args, **kwargs)
        if cf.discovered is None:
            return out
        program = cf.program_for(*args, **kwargs)  # the program just run: no trace
        if program is None:
            self.program = self.check = None
        else:
            self._bind(program, args, kwargs)
        return out


def _recycling_program(program: _Program, out: list[Any]) -> Any:
    """``program`` taking the previous outputs as donated buffers, or ``False``.

    Worth a second compile only when the outputs are large: XLA then writes each
    output into the matching donated buffer instead of a freshly mapped one.
    """
    if program.packing is not None:  # small state, packed: nothing large to reuse
        return False
    if sum(a.size * a.dtype.itemsize for a in out) < REUSE_OUTPUT_BYTES:
        return False
    run = program.jitted

    def recycling(written: Any, read: Any, arrays: Any, previous: Any) -> Any:
        return run(written, read, arrays)

    donate = (0, 3) if program.donate else (3,)
    return jax.jit(recycling, donate_argnums=donate, keep_unused=True)


def apply_mode(function: CompiledFunction, mode: str | None) -> Any:
    """The callable ``compile(fn, mode=mode)`` should return for ``function``."""
    if settings(mode).fast_call:
        return FastCall(function)
    return function
