"""The op table: one record per op drives forward AND gradient parity with PyTorch.

Record format (``tests/op_records/<area>.py`` each define ``RECORDS: list[OpInfo]``)::

    from op_db import OpInfo, Sample, ErrorSample, FLOAT, FLOAT_INT, ALL

    RECORDS = [
        OpInfo(
            "add",                                   # test id; also the default op name
            samples=lambda m: [                      # m: a Maker for the current dtype
                Sample(m((2, 3)), m((3,))),          # broadcasting
                Sample(m(()), m((4,)), alpha=2),     # 0-d, keyword arguments
                Sample(m((0, 3)), m((0, 3))),        # empty
            ],
            dtypes=FLOAT_INT,                        # dtype names the samples are built in
            method=True, inplace=True,               # also test x.add(...), x.add_(...)
        ),
    ]

* ``op``: a name looked up on both libraries (``functorch_lite.X`` / ``torch.X``; dotted
  names like ``"linalg.norm"`` or ``"nn.functional.relu"`` work), defaulting to the record
  name; or a callable ``op(lib, *args, **kwargs)`` where ``lib`` is ``functorch_lite`` or
  ``torch`` (for anything not a plain call: ``lambda lib, x: x @ x.T``).
* ``Sample(*args, **kwargs)``: numpy arrays anywhere in args/kwargs (also inside
  tuples/lists) become a functorch_lite Tensor and a torch tensor of the same values;
  Python scalars, tuples, strings, None pass through. ``Const(array)`` is an array passed
  as a tensor that is never differentiated. ``Sample(..., grad=False)`` skips the
  gradient check for that sample (ties, kinks); ``desc="..."`` names it in test ids.
* ``Maker`` ``m(shape, dtype=None, low=None, high=None, distinct=False)``: a seeded
  random numpy array of the record's current dtype (or ``dtype``); ``distinct=True`` gives
  values without ties (for sort/max indices). ``m.int(shape, low, high)``,
  ``m.bool(shape)``, ``m.rng`` (the ``numpy.random.Generator``) are there too.
* Cost: the record's first dtype gets every sample, later dtypes only the first one;
  gradients are checked in the first floating dtype (all its samples).
* ``grad``: check gradients of every floating input (``Tensor`` inputs of float dtype
  that are not ``Const``) via ``autograd.grad`` with a fixed random cotangent per
  floating output, against ``torch.autograd.grad``.
* ``tol`` / ``grad_tol``: per-record tolerance overrides, ``{"float32": Tol(...)}``,
  replacing ``tolerances.TOL`` (values) / ``tolerances.GRAD_TOL`` (gradients) for that
  dtype — say why in a comment next to it.
* ``errors``: ``lambda m: [ErrorSample(Sample(...), RuntimeError, "regex"), ...]``: both
  libraries must raise the error type; our message must match the regex.
* Outputs may be Tensors, tuples/namedtuples/lists of them, or Python scalars: every
  output is compared (values within tolerance, integer/bool outputs exactly, shapes and
  dtypes equal). When PyTorch raises for a sample (``mean`` of an int64 tensor), ours
  must raise the same exception type: such dtype/sample combinations are tests too.
"""

from __future__ import annotations

import dataclasses
import math
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

FLOAT = ("float32", "float64")
FLOAT32 = ("float32",)
INT = ("int64",)
FLOAT_INT = ("float32", "float64", "int64")
ALL = ("float32", "float64", "int64", "bool")
NUMERIC = ("float32", "float64", "int32", "int64")


@dataclasses.dataclass(frozen=True)
class Const:
    """An array passed as a tensor but never differentiated (indices, masks, targets)."""

    array: np.ndarray


class Sample:
    """One call: positional ``args`` and keyword ``kwargs`` (see the module docstring)."""

    def __init__(
        self, *args: Any, grad: bool = True, desc: str = "", **kwargs: Any
    ) -> None:
        self.args = args
        self.kwargs = kwargs
        self.grad = grad
        self.desc = desc

    def __repr__(self) -> str:
        parts = [_describe(a) for a in self.args]
        parts += [f"{k}={_describe(v)}" for k, v in self.kwargs.items()]
        return f"{self.desc or ''}({', '.join(parts)})"


@dataclasses.dataclass
class ErrorSample:
    """A call that must raise ``error`` in both libraries (ours matching ``match``)."""

    sample: Sample
    error: type[BaseException] | tuple[type[BaseException], ...]
    match: str = ""


@dataclasses.dataclass
class OpInfo:
    """One op's record: how to call it, on which inputs and dtypes, what to check."""

    name: str
    samples: Callable[[Maker], Iterable[Sample]]
    op: str | Callable[..., Any] | None = None
    grad: bool = True
    dtypes: Sequence[str] = FLOAT32
    tol: dict[str, Any] | None = None
    grad_tol: dict[str, Any] | None = None
    method: bool = False
    inplace: bool = False
    errors: Callable[[Maker], Iterable[ErrorSample]] | None = None
    exact_indices: bool = True
    # Ops whose output values are only defined up to sign/permutation (eigh, svd, qr...)
    # compare ``check(lib_out) -> array`` instead, e.g. a reconstruction.
    compare: Callable[[Any, Any], Any] | None = None

    def call(self, lib: Any, args: tuple, kwargs: dict) -> Any:
        op = self.op if self.op is not None else self.name
        if callable(op):
            return op(lib, *args, **kwargs)
        return _lookup(lib, op)(*args, **kwargs)

    def call_method(self, args: tuple, kwargs: dict, suffix: str = "") -> Any:
        op = self.op if isinstance(self.op, str) else self.name
        return getattr(args[0], op.rsplit(".", 1)[-1] + suffix)(*args[1:], **kwargs)


def _lookup(lib: Any, dotted: str) -> Any:
    obj = lib
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _describe(a: Any) -> str:
    if isinstance(a, Const):
        return "C" + _describe(a.array)
    if isinstance(a, np.ndarray):
        return f"{a.dtype}{list(a.shape)}"
    if isinstance(a, (tuple, list)):
        inner = ",".join(_describe(x) for x in a)
        return f"[{inner}]" if isinstance(a, list) else f"({inner})"
    return repr(a)


class Maker:
    """Seeded random numpy arrays in the record's current dtype."""

    def __init__(self, dtype: str, seed: int) -> None:
        self.dtype = dtype
        self.rng = np.random.default_rng(seed)

    def __call__(
        self,
        shape: Sequence[int] | int,
        dtype: str | None = None,
        low: float | None = None,
        high: float | None = None,
        distinct: bool = False,
    ) -> np.ndarray:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        dt = np.dtype(dtype or self.dtype)
        n = int(np.prod(shape, dtype=np.int64))
        if dt == np.bool_:
            return np.asarray(self.rng.random(shape) < 0.5)
        if dt.kind in "iu":
            lo = -5 if low is None else math.ceil(low)
            hi = 6 if high is None else math.floor(high) + 1
            hi = hi if hi > lo else lo + 1
            if dt.kind == "u":
                lo = max(lo, 0)
            if distinct:
                lo = min(lo, -n)
                return (
                    self.rng.permutation(np.arange(lo, lo + n))
                    .astype(dt)
                    .reshape(shape)
                )
            return self.rng.integers(lo, hi, size=shape).astype(dt)
        lo = -2.0 if low is None else float(low)
        hi = 2.0 if high is None else float(high)
        if distinct:
            # Evenly spaced, shuffled: no ties, gaps far above float rounding.
            vals = np.linspace(lo, hi, max(n, 1))[:n]
            return self.rng.permutation(vals).astype(dt).reshape(shape)
        return self.rng.uniform(lo, hi, size=shape).astype(dt)

    def int(
        self, shape: Sequence[int] | int, low: int = 0, high: int = 5
    ) -> np.ndarray:
        return self(shape, "int64", low, high)

    def bool(self, shape: Sequence[int] | int) -> np.ndarray:
        return self(shape, "bool")


def seed_of(*parts: str) -> int:
    """A stable seed from names (``hash()`` is salted per process)."""
    return zlib.crc32("/".join(parts).encode())


def samples_of(info: OpInfo, dtype: str) -> list[Sample]:
    """The record's samples in ``dtype``; dtypes after the first get only the first
    sample (every extra case costs a compile: keep the suite fast)."""
    samples = list(info.samples(Maker(dtype, seed_of(info.name, dtype))))
    return samples if dtype == info.dtypes[0] else samples[:1]


def grad_dtype(info: OpInfo) -> str | None:
    """Gradients are checked in one dtype: the record's first floating dtype."""
    return next((d for d in info.dtypes if d in ("float32", "float64")), None)


def errors_of(info: OpInfo) -> list[ErrorSample]:
    if info.errors is None:
        return []
    return list(info.errors(Maker(info.dtypes[0], seed_of(info.name, "errors"))))


def _load_ops() -> list[OpInfo]:
    from op_records import RECORDS

    names = [r.name for r in RECORDS]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise AssertionError(f"duplicate op records: {dupes}")
    return RECORDS


OPS: list[OpInfo] = _load_ops()
