"""``repr(tensor)`` in PyTorch's style: ``tensor([1., 2.])``, ``tensor(14.)``,
``tensor([0.1000, 0.2000], requires_grad=True)``, ``grad_fn=<MulBackward0>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jax
import numpy as np

if TYPE_CHECKING:
    from ._tensor import Tensor

_DEFAULT_SHOWN = {"float32", "int64", "bool", "complex64"}


def _float_formatter(values: np.ndarray) -> Any:
    finite = values[np.isfinite(values)] if values.size else values
    if finite.size == 0 or np.all(finite == np.round(finite)):
        big = finite.size and np.max(np.abs(finite)) >= 1e8
        if big:
            return lambda x: f"{x:.4e}"
        return lambda x: f"{x:.0f}." if np.isfinite(x) else str(x)
    absf = np.abs(finite[finite != 0]) if finite.size else finite
    if absf.size and (
        absf.max() / max(absf.min(), 1e-300) > 1000
        or absf.max() >= 1e8
        or absf.min() < 1e-4
    ):
        return lambda x: f"{x:.4e}"
    return lambda x: f"{x:.4f}" if np.isfinite(x) else str(x)


def format_array(arr: np.ndarray, prefix: str) -> str:
    """The bracketed body of a tensor repr, indented under ``prefix``."""
    if arr.dtype == np.bool_:
        fmt: dict[str, Any] = {"bool": lambda x: "True" if x else "False"}
    elif arr.dtype.kind in "iu":
        fmt = {"int": str}
    elif arr.dtype.kind == "c":
        re_f = _float_formatter(arr.real.astype(np.float64).ravel())
        im_f = _float_formatter(arr.imag.astype(np.float64).ravel())
        fmt = {
            "complex_kind": lambda z: (
                f"{re_f(z.real)}{'+' if z.imag >= 0 else '-'}{im_f(abs(z.imag))}j"
            )
        }
    else:
        arr = arr.astype(np.float64)
        fmt = {"float_kind": _float_formatter(arr.ravel())}
    key = next(iter(fmt))
    raw = fmt[key]
    flat = arr.ravel()
    if flat.size > 1000:
        flat = np.concatenate([flat[:3], flat[-3:]])
    width = max((len(raw(v)) for v in flat), default=0)
    fmt = {key: lambda v: raw(v).rjust(width)}
    return np.array2string(
        arr,
        separator=", ",
        prefix=prefix,
        formatter=fmt,  # type: ignore[arg-type]
        threshold=1000,
        edgeitems=3,
        max_line_width=80,
    )


def format_tensor(t: Tensor) -> str:
    data = t._data
    suffix = []
    dev = t.device
    if dev.type != "cpu":
        suffix.append(f"device='{dev}'")
    if isinstance(data, jax.core.Tracer):
        body = f"<traced {data.aval.str_short()}>"
    else:
        arr = np.asarray(data)
        if arr.size == 0 and arr.ndim != 1:
            body = "[]"
            suffix.insert(0, f"size={tuple(arr.shape)}")
        else:
            body = format_array(arr, "tensor(")
    if t.dtype.name not in _DEFAULT_SHOWN:
        suffix.append(f"dtype={t.dtype!r}")
    if t.grad_fn is not None:
        suffix.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffix.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + s for s in suffix) + ")"
