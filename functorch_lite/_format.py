"""``repr(tensor)`` in PyTorch's style: ``tensor([1., 2.])``, ``tensor(14.)``,
``tensor([0.1000, 0.2000], requires_grad=True)``, ``grad_fn=<MulBackward0>``.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

import jax
import numpy as np

if TYPE_CHECKING:
    from ._tensor import Tensor

_DEFAULT_SHOWN = {"float32", "int64", "bool", "complex64"}


class _PrintOptions:
    """PyTorch's print options (``torch.set_printoptions``), defaults of "default"."""

    precision = 4
    threshold: float = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode: bool | None = None


PRINT = _PrintOptions()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
             "full": (4, float("inf"), 3, 80)}  # fmt: skip


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:  # fmt: skip
    """``torch.set_printoptions``: digits after the point (``precision``), the size above
    which a tensor is summarized (``threshold``) with ``edgeitems`` per end, the line
    width, a ``profile`` ("default", "short", "full") and ``sci_mode`` (True: always
    scientific, False: never, None: PyTorch's automatic choice)."""
    if profile is not None:
        PRINT.precision, PRINT.threshold, PRINT.edgeitems, PRINT.linewidth = _PROFILES[
            profile
        ]
    if precision is not None:
        PRINT.precision = int(precision)
    if threshold is not None:
        PRINT.threshold = threshold
    if edgeitems is not None:
        PRINT.edgeitems = int(edgeitems)
    if linewidth is not None:
        PRINT.linewidth = int(linewidth)
    # PyTorch sets sci_mode on every call (None restores the automatic choice).
    PRINT.sci_mode = sci_mode


def _float_formatter(values: np.ndarray) -> Any:
    p = PRINT.precision
    finite = values[np.isfinite(values)] if values.size else values
    sci = PRINT.sci_mode
    if sci:
        return lambda x: f"{x:.{p}e}" if np.isfinite(x) else str(x)
    if finite.size == 0 or np.all(finite == np.round(finite)):
        big = finite.size and np.max(np.abs(finite)) >= 1e8
        if big and sci is None:
            return lambda x: f"{x:.{p}e}"
        return lambda x: f"{x:.0f}." if np.isfinite(x) else str(x)
    absf = np.abs(finite[finite != 0]) if finite.size else finite
    if (
        sci is None
        and absf.size
        and (
            absf.max() / max(absf.min(), 1e-300) > 1000
            or absf.max() >= 1e8
            or absf.min() < 1e-4
        )
    ):
        return lambda x: f"{x:.{p}e}"
    return lambda x: f"{x:.{p}f}" if np.isfinite(x) else str(x)


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
    threshold = PRINT.threshold
    if flat.size > threshold:
        e = PRINT.edgeitems
        flat = np.concatenate([flat[:e], flat[-e:]])
    width = max((len(raw(v)) for v in flat), default=0)
    fmt = {key: lambda v: raw(v).rjust(width)}
    body = np.array2string(
        arr,
        separator=", ",
        prefix=prefix,
        formatter=fmt,  # type: ignore[arg-type]
        threshold=int(min(threshold, sys.maxsize)),
        edgeitems=PRINT.edgeitems,
        max_line_width=PRINT.linewidth,
    )
    # PyTorch writes a summarized row's gap as the element " ..." (two spaces after
    # the comma); numpy writes one.
    return re.sub(r", +\.\.\.", ",  ...", body)


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
