"""PyTorch-path names for the state arrays of a compiled program.

A ``_Program`` knows its state only as Tensors. To show a program's inputs the way a
PyTorch user thinks of them, we rebuild names from the objects that took part in the
step: ``fc1.weight`` from ``named_parameters``/``named_buffers``, ``fc1.weight.grad``
for a ``.grad`` slot, ``optimizer.state.fc1.weight.exp_avg`` and
``optimizer.param_groups.0.lr`` from an optimizer, ``default_generator.key`` for the
random key, ``args[0]`` for a Tensor argument.
"""

from __future__ import annotations

from typing import Any

from .._random import default_generator
from .._tensor import Tensor
from ..nn import Module
from ..optim import Optimizer

__all__ = ["state_names"]


def _roots(modules: list[Module]) -> list[Module]:
    """Participating modules that are not inside another participating module."""
    inner: set[int] = set()
    for m in modules:
        for _, sub in m.named_modules():
            if sub is not m:
                inner.add(id(sub))
    # Stateless helpers (a scanned run, an activation called directly) name nothing.
    return [m for m in modules if id(m) not in inner
            and next(iter(m.state_dict()), None) is not None]  # fmt: skip


def _closure_names(fn: Any) -> dict[int, str]:
    """Variable names under which ``fn`` reaches objects (closure cells, globals)."""
    names: dict[int, str] = {}
    fn = getattr(fn, "fn", fn)  # a CompiledFunction wraps the user's function
    code = getattr(fn, "__code__", None)
    if code is None:
        return names
    for var, cell in zip(code.co_freevars, getattr(fn, "__closure__", None) or ()):
        try:
            names.setdefault(id(cell.cell_contents), var)
        except ValueError:  # an empty cell
            continue
    globs = getattr(fn, "__globals__", {})
    for var in code.co_names:
        if var in globs:
            names.setdefault(id(globs[var]), var)
    return names


def state_names(participants: list[Any], fn: Any, args: tuple[Any, ...] = (),
                kwargs: dict[str, Any] | None = None) -> dict[int, str]:  # fmt: skip
    """Map ``id(tensor)`` to a PyTorch-style path for every tensor the step can touch.

    Args:
        participants: the modules and optimizers that ran (``CompiledFunction``).
        fn: the user's function (its closure names prefix modules when several ran).
        args: the call's arguments; their Tensors are named ``args[i]``.
        kwargs: the call's keyword arguments, named ``kwargs['k']``.
    """
    names: dict[int, str] = {}
    var_names = _closure_names(fn)
    modules = [p for p in participants if isinstance(p, Module)]
    if isinstance(fn, Module) and fn not in modules:
        modules.insert(0, fn)
    roots = _roots(modules)
    param_names: dict[int, str] = {}
    for i, root in enumerate(roots):
        prefix = "" if len(roots) == 1 else var_names.get(id(root), f"module{i}")
        for getter in (root.named_parameters, root.named_buffers):
            for name, t in getter(prefix=prefix):
                param_names.setdefault(id(t), name)
                names.setdefault(id(t), name)
                grad = t._grad
                if grad is not None:
                    names.setdefault(id(grad), name + ".grad")
    optimizers = [p for p in participants if isinstance(p, Optimizer)]
    for i, opt in enumerate(optimizers):
        prefix = (
            "optimizer"
            if len(optimizers) == 1
            else var_names.get(id(opt), f"optimizer{i}")
        )
        for g, group in enumerate(opt.param_groups):
            for j, p in enumerate(group["params"]):
                pname = param_names.get(id(p), f"param_groups.{g}.params.{j}")
                names.setdefault(id(p), pname)
                if p._grad is not None:
                    names.setdefault(id(p._grad), pname + ".grad")
                for field, value in opt.state.get(p, {}).items():
                    if isinstance(value, Tensor):
                        names.setdefault(id(value), f"{prefix}.state.{pname}.{field}")
            hyper = opt.__dict__.get("_hyper_cache", {}).get(id(group))
            if hyper is not None:
                for field, t in zip(type(hyper[1])._fields, hyper[1]):
                    names.setdefault(id(t), f"{prefix}.param_groups.{g}.{field}")
    names.setdefault(id(default_generator._key), "default_generator.key")
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            names.setdefault(id(a), f"args[{i}]")
    for k, v in (kwargs or {}).items():
        if isinstance(v, Tensor):
            names.setdefault(id(v), f"kwargs[{k!r}]")
    return names
