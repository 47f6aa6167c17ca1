"""Modules as JAX pytrees (ARCHITECTURE §1, §3).

Leaves are the arrays of ``named_parameters()`` then ``named_buffers()`` (shared tensors
once); the treedef holds the template module, the tensor paths and the training /
requires-grad flags (so ``train()`` retraces a jitted function). Unflattening builds a
shallow copy of the module tree holding new Tensors/Parameters around the leaves. The
paths are cached per root and invalidated by a global structure counter that every
registration bumps.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from .._tensor import Tensor
from ._parameter import Parameter

if TYPE_CHECKING:  # annotations only: _module imports this file
    from ._module import Module

__all__ = ["bump", "flatten_module", "unflatten_module"]

_epoch = itertools.count()
_structure_version = [0]


def bump() -> None:
    """Record a structural change of some module (invalidates cached flattenings)."""
    _structure_version[0] = next(_epoch) + 1


class _ModuleDef:
    """Treedef payload of a Module: the template module plus what shapes the trace."""

    __slots__ = ("template", "paths", "key")

    def __init__(
        self, template: Module, paths: tuple[Any, ...], key: tuple[Any, ...]
    ) -> None:
        self.template = template
        self.paths = paths
        self.key = key

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _ModuleDef)
            and other.template is self.template
            and other.key == self.key
        )

    def __hash__(self) -> int:
        return hash((id(self.template), self.key))

    def __repr__(self) -> str:
        return f"ModuleDef({self.template._get_name()})"


def _leaf_tensors(module: Module) -> tuple[list[Tensor], tuple[Any, ...]]:
    """Parameter then buffer tensors (deduplicated) and their (owner, store, name) paths."""
    cache = module.__dict__.get("_flat_cache")
    if cache is not None and cache[0] == _structure_version[0]:
        return cache[1], cache[2]
    tensors: list[Tensor] = []
    paths: list[tuple[int, str, str]] = []
    index: dict[int, int] = {}
    mods = list(module.named_modules())
    for store in ("_parameters", "_buffers"):
        for mi, (_, m) in enumerate(mods):
            for name, t in m.__dict__[store].items():
                if t is None:
                    continue
                if id(t) not in index:
                    index[id(t)] = len(tensors)
                    tensors.append(t)
                paths.append((mi, store, name, index[id(t)]))  # type: ignore[arg-type]
    training = tuple(m.training for _, m in mods)
    out = (tensors, (tuple(paths), training))
    module.__dict__["_flat_cache"] = (_structure_version[0], *out)
    return out


def flatten_module(module: Module) -> tuple[list[Any], _ModuleDef]:
    tensors, (paths, training) = _leaf_tensors(module)
    grads = tuple(t._requires_grad for t in tensors)
    return [t._data for t in tensors], _ModuleDef(
        module, paths, (paths, training, grads)
    )


def unflatten_module(defn: _ModuleDef, leaves: Any) -> Module:
    """A shallow copy of the template module tree whose tensors hold ``leaves``."""
    leaves = list(leaves)
    template = defn.template
    _, training, grads = defn.key
    old = [m for _, m in template.named_modules()]
    copies: dict[int, Module] = {}

    def copy_of(m: Module) -> Module:
        c = copies.get(id(m))
        if c is None:
            c = object.__new__(type(m))
            c.__dict__.update(m.__dict__)
            c.__dict__["_parameters"] = dict(m._parameters)
            c.__dict__["_buffers"] = dict(m._buffers)
            c.__dict__["_flat_cache"] = None
            copies[id(m)] = c
            c.__dict__["_modules"] = {
                k: (copy_of(v) if v is not None else None)
                for k, v in m._modules.items()
            }
        return c

    root = copy_of(template)
    for m, mode in zip(old, training):
        copies[id(m)].__dict__["training"] = mode
    made: dict[int, Tensor] = {}
    for mi, store, name, li in defn.paths:
        t = made.get(li)
        if t is None:
            if store == "_parameters":
                t = Parameter.__new__(Parameter)
            else:
                t = Tensor.__new__(Tensor)
            Tensor.__init__(t, leaves[li], grads[li])
            made[li] = t
        copies[id(old[mi])].__dict__[store][name] = t
    return root
