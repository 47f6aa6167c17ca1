"""One registration per op; the function, method, operator and in-place forms follow.

``@register(method=..., inplace=..., operators=...)`` on a public function (PyTorch's
signature) records it; ``install()`` attaches every form to ``Tensor`` once at import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .._tensor import Tensor
from ._views import inplace as _inplace

F = TypeVar("F", bound=Callable[..., Any])

FUNCTIONS: dict[str, Callable[..., Any]] = {}
_METHODS: dict[str, Callable[..., Any]] = {}


def register(
    fn: F | None = None,
    *,
    method: bool | str = True,
    inplace: bool | str = False,
    operators: tuple[str, ...] = (),
    reflected: tuple[str, ...] = (),
) -> Any:
    """Register a public op and the Tensor forms generated from it.

    Args:
        method: add ``Tensor.<name>`` (or the given method name).
        inplace: add ``Tensor.<name>_`` computing out of place then rebinding.
        operators: dunder names bound to the function (``__add__``).
        reflected: dunder names bound with swapped operands (``__radd__``).
    """

    def deco(f: F) -> F:
        name = f.__name__
        FUNCTIONS[name] = f
        if method:
            _METHODS[method if isinstance(method, str) else name] = f
        if inplace:
            iname = inplace if isinstance(inplace, str) else name + "_"
            _METHODS[iname] = _make_inplace(f, iname)
        for op in operators:
            _METHODS[op] = f
        for op in reflected:
            _METHODS[op] = _make_reflected(f)
        return f

    return deco(fn) if fn is not None else deco


def method(name: str, f: Callable[..., Any]) -> None:
    """Register a Tensor-only method (no function form)."""
    _METHODS[name] = f


def _make_inplace(f: Callable[..., Any], name: str) -> Callable[..., Any]:
    def op_(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace(self, f(self, *args, **kwargs))

    op_.__name__ = name
    op_.__doc__ = f"In-place version of :func:`{f.__name__}` (``Tensor.{name}``)."
    return op_


def _make_reflected(f: Callable[..., Any]) -> Callable[..., Any]:
    def rop(self: Tensor, other: Any) -> Any:
        return f(other, self)

    return rop


def install() -> None:
    for name, f in _METHODS.items():
        setattr(Tensor, name, f)


def exported(namespace: dict[str, Any]) -> list[str]:
    """``__all__`` for an op module: the public names bound to registered functions."""
    registered = {id(f) for f in FUNCTIONS.values()}
    return sorted(
        n for n, v in namespace.items() if not n.startswith("_") and id(v) in registered
    )
