"""The one tolerance table for parity with PyTorch, keyed by dtype name.

Values: JAX (XLA CPU) and PyTorch use different vectorised libm kernels and reduction
orders, so float32 agrees to a few ulp, not bitwise. Gradients go through one more
chain of such kernels and are compared looser. Integer and bool results are exact.
Per-record overrides live next to the record in ``op_records/*.py`` with a comment.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Tol:
    rtol: float
    atol: float


EXACT = Tol(0.0, 0.0)

TOL: dict[str, Tol] = {
    "float16": Tol(rtol=1e-3, atol=1e-3),
    "bfloat16": Tol(rtol=1e-2, atol=1e-2),
    "float32": Tol(rtol=1e-5, atol=1e-6),
    "float64": Tol(rtol=1e-10, atol=1e-12),
    "complex64": Tol(rtol=1e-5, atol=1e-6),
    "complex128": Tol(rtol=1e-10, atol=1e-12),
}

GRAD_TOL: dict[str, Tol] = {
    "float16": Tol(rtol=1e-2, atol=1e-2),
    "bfloat16": Tol(rtol=5e-2, atol=5e-2),
    "float32": Tol(rtol=1e-4, atol=1e-5),
    "float64": Tol(rtol=1e-8, atol=1e-10),
    "complex64": Tol(rtol=1e-4, atol=1e-5),
    "complex128": Tol(rtol=1e-8, atol=1e-10),
}


def tol_for(dtype: str, override: dict[str, Tol] | None, *, grad: bool = False) -> Tol:
    """The tolerance for ``dtype``: the record's override, else the table (ints exact).

    ``override`` is the record's ``tol`` (values) or ``grad_tol`` (gradients).
    """
    if override and dtype in override:
        return override[dtype]
    table = GRAD_TOL if grad else TOL
    return table.get(dtype, EXACT)
