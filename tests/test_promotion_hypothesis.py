"""Property tests: result dtypes and shapes of ``+``, ``*``, ``/`` equal PyTorch's.

Operands are random-shaped tensors (broadcastable or not), 0-d tensors and Python
scalars of random dtypes; both libraries must agree on the dtype and shape, or both
must raise.
"""

from __future__ import annotations

import operator

import jax.numpy as jnp
import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import functorch_lite as fl

DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]
OPS = {"add": operator.add, "mul": operator.mul, "truediv": operator.truediv}


@st.composite
def shapes(draw: st.DrawFn) -> tuple[int, ...]:
    return tuple(draw(st.lists(st.integers(0, 3), min_size=0, max_size=3)))


@st.composite
def operands(draw: st.DrawFn) -> tuple[str, object]:
    """("tensor", (dtype, shape)) or ("scalar", python value)."""
    if draw(st.integers(0, 4)) == 0:
        return ("scalar", draw(st.sampled_from([True, 2, -3, 1.5, 0.25])))
    return ("tensor", (draw(st.sampled_from(DTYPES)), draw(shapes())))


def _values(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(0)
    x = rng.integers(1, 3, size=shape)  # no zeros: integer division stays defined
    return np.asarray(x).astype(dtype)


def _make(spec: tuple[str, object], lib: str) -> object:
    kind, value = spec
    if kind == "scalar":
        return value
    dtype, shape = value  # type: ignore[misc]
    arr = _values(dtype, shape)
    if lib == "torch":
        return torch.from_numpy(arr.copy())
    return fl.Tensor(jnp.asarray(arr))


def _outcome(fn: object) -> tuple[str, object]:
    try:
        out = fn()  # type: ignore[operator]
    except (RuntimeError, TypeError, ValueError) as e:
        return ("error", type(e).__name__)
    return ("ok", (str(out.dtype).rsplit(".", 1)[-1], tuple(out.shape)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=operands(), b=operands(), op=st.sampled_from(sorted(OPS)))
def test_binary_promotion_and_broadcasting(a: tuple, b: tuple, op: str) -> None:
    if a[0] == "scalar" and b[0] == "scalar":
        b = ("tensor", ("float32", (2,)))
    f = OPS[op]
    theirs = _outcome(lambda: f(_make(a, "torch"), _make(b, "torch")))
    ours = _outcome(lambda: f(_make(a, "fl"), _make(b, "fl")))
    if theirs[0] == "error":
        assert ours[0] == "error", f"{a} {op} {b}: PyTorch raised, we gave {ours}"
    else:
        assert ours == theirs, f"{a} {op} {b}"
