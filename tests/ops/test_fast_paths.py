"""The eager fast paths give PyTorch's results and errors at their boundaries.

Hot ops skip PyTorch's detailed checks when they cannot fail (``matmul`` of
``(..., n, k) @ (k, m)`` of one non-bool dtype) and skip promotion when it keeps the
tensor's dtype (a float/complex tensor with a Python int or float); just outside
those cases they must take the long way and match PyTorch exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from _both import error_of, run_both

RNG = np.random.default_rng(0)
A = RNG.standard_normal((2, 3)).astype(np.float32)
B = RNG.standard_normal((3, 4)).astype(np.float32)
BATCH = RNG.standard_normal((2, 2, 3)).astype(np.float32)


def test_matmul_fast_path_values_grads_and_out() -> None:
    def script(lib: Any) -> Any:
        a = lib.tensor(A, requires_grad=True)
        b = lib.tensor(B, requires_grad=True)
        batch = lib.tensor(BATCH, requires_grad=True)
        y = lib.matmul(a, b)
        z = batch @ b  # (..., n, k) @ (k, m): also on the fast path
        (y.sum() + (z * z).sum()).backward()
        out = lib.empty(2, 4)
        lib.matmul(a.detach(), b.detach(), out=out)
        return y, z, a.grad, b.grad, batch.grad, out

    run_both(script)


@pytest.mark.parametrize(
    "case",
    ["bool", "dtypes", "inner", "vector", "batch_rhs"],
)
def test_matmul_just_off_the_fast_path_errors_like_torch(case: str) -> None:
    def script(lib: Any) -> Any:
        a, b = lib.tensor(A), lib.tensor(B)
        pairs = {
            "bool": (a > 0, b > 0),
            "dtypes": (a, b.double()),
            "inner": (a, lib.tensor(A)),
            "vector": (a, lib.tensor(B[:, 0])),  # (2, 3) @ (3,): the long way, fine
            "batch_rhs": (a, lib.tensor(BATCH)),  # (2, 3) @ (2, 2, 3): bmm error
        }
        x, y = pairs[case]
        return error_of(lambda: lib.matmul(x, y)) or "ok"

    run_both(script)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64", "complex64",
                                   "int32", "int64", "uint8", "bool"])  # fmt: skip
@pytest.mark.parametrize("scalar", [2, -3, 1.5, True])
def test_tensor_with_python_scalar_promotes_like_torch(dtype: str, scalar: Any) -> None:
    def script(lib: Any) -> Any:
        t = lib.tensor([1, 2, 3]).to(getattr(lib, dtype))
        out = {
            "mul": t * scalar,
            "rmul": scalar * t,
            "add": t + scalar,
            "div": t / scalar,
            # PyTorch refuses bool in subtraction (ours: see the bool test below)
            "rsub": scalar - t if "bool" not in (dtype, type(scalar).__name__) else "",
        }
        return {k: (str(v.dtype).split(".")[-1], v.float() if not v.is_complex() else v.real.float())
                if not isinstance(v, str) else v for k, v in out.items()}  # fmt: skip

    run_both(script, rtol=1e-2, atol=1e-2)  # float16/bfloat16 results


def test_sub_of_bool_tensor_and_scalar_errors_like_torch() -> None:
    def script(lib: Any) -> Any:
        t = lib.tensor([True, False])
        return error_of(lambda: t - 1), error_of(lambda: t - 1.5)

    run_both(script)
