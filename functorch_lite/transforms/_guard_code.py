"""A compiled program's call guard as one generated Python function.

``mode="reduce-overhead"`` checks, on every call, that the arguments are Tensors of
the traced shapes and dtypes, that grad mode and every module's ``training`` flag are
as traced. Written as loops over lists, that is ~4 µs of interpreter work per call
for a small model; generated as straight-line code specialised to the bound program
(what TorchDynamo does with its guards) it is a fraction of that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
from ..autograd._grad_mode import state as grad_state
from ..nn import Module
from ._program import _Program

__all__ = ["argument_guard"]


def argument_guard(
    signature: tuple[tuple[Any, Any], ...],
    guards: list[Callable[[], Any]],
    flags: list[Any],
    grad_enabled: bool,
    program: _Program,
    no_grad_args: bool = False,
) -> Callable[[tuple[Any, ...], dict[str, Any]], list[Any] | None]:
    """``check(args, kwargs)``: the argument arrays if the call matches, else None.

    Args:
        signature: (shape, dtype) of each positional Tensor argument, as traced.
        guards: callables whose values selected the program (``training`` flags).
        flags: their values when traced.
        grad_enabled: grad mode when traced.
        program: the bound program; its state layout (``_Program.layout_holds``:
            each ``.grad`` slot holds the traced Tensor, shared arrays stay shared)
            is checked too.
        no_grad_args: also require that no argument requires grad (a compiled
            forward must then record its call as an autograd op instead).
    """
    n = len(signature)
    names: dict[str, Any] = {"Tensor": Tensor, "grad_state": grad_state,
                             "grad_enabled": grad_enabled}  # fmt: skip
    lines = ["def check(args, kwargs):", f"    if kwargs or len(args) != {n}:",
             "        return None"]  # fmt: skip
    if n:
        unpack = ", ".join(f"a{i}" for i in range(n))
        lines.append(f"    {unpack}{',' if n == 1 else ''} = args")
        types = " or ".join(f"type(a{i}) is not Tensor" for i in range(n))
        lines += [f"    if {types}:", "        return None"]
        if no_grad_args:
            grads = " or ".join(f"a{i}._requires_grad" for i in range(n))
            lines += [f"    if {grads}:", "        return None"]
        lines += [f"    d{i} = a{i}._data" for i in range(n)]
        tests = []
        for i, (shape, dtype) in enumerate(signature):
            names[f"s{i}"], names[f"t{i}"] = shape, dtype
            tests.append(f"d{i}.shape != s{i} or d{i}.dtype != t{i}")
        lines += [f"    if {' or '.join(tests)}:", "        return None"]
    lines += ["    if grad_state.enabled != grad_enabled:", "        return None"]
    for j, (guard, flag) in enumerate(zip(guards, flags, strict=True)):
        names[f"g{j}"], names[f"f{j}"] = guard, flag
        if getattr(guard, "__func__", None) is Module._compile_guard:
            # A module's guard is its ``training`` flag: read it, skip the call.
            names[f"g{j}"] = guard.__self__  # type: ignore[attr-defined]
            lines += [f"    if g{j}.training != f{j}:", "        return None"]
        else:
            lines += [f"    if g{j}() != f{j}:", "        return None"]
    for k, (param, grad) in enumerate(
        zip(program.grad_slots, program.grad_objects, strict=True)
    ):
        names[f"p{k}"], names[f"e{k}"] = param, grad
        lines += [f"    if p{k}._grad is not e{k}:", "        return None"]
    if program.written_alias:
        names["aliases_hold"] = program.aliases_hold
        lines += ["    if not aliases_hold():", "        return None"]
    lines.append(f"    return [{', '.join(f'd{i}' for i in range(n))}]")
    exec(compile("\n".join(lines), "<reduce-overhead guard>", "exec"), names)  # noqa: S102
    return names["check"]  # type: ignore[no-any-return]
