"""Graphs built again and again (a training loop): every step equals PyTorch.

The engine runs a graph structure op by op the first time, compiles it the second time
and reuses the program after that, so each script runs three steps to cover all three.
Python scalars used again and again become cached device arrays: same values, same
dtypes, same sign of zero as passing the scalar.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from _both import assert_same, run_both, to_plain

import functorch_lite
from functorch_lite import _config

RNG = np.random.default_rng(0)
W = RNG.standard_normal((4, 3)).astype(np.float32)
B = RNG.standard_normal(3).astype(np.float32)
XS = [RNG.standard_normal((2, 4)).astype(np.float32) for _ in range(3)]


def _forward(lib: Any, x_np: np.ndarray, w: Any, b: Any) -> tuple[Any, Any]:
    """A DAG: a shared value read three times, a leaf read twice, a multi-output op,
    and a branch that does not reach the loss."""
    h = (lib.tensor(x_np) @ w).tanh()
    s = h * h + h - 0.5
    (h * 3.0).exp()  # recorded, but not on the way to the loss
    vals, _ = s.max(dim=1)
    loss = (vals.unsqueeze(1) * b).sum() + (s - b).mean() * 2.0
    return h, loss


def test_backward_every_step() -> None:
    def script(lib: Any) -> Any:
        w = lib.tensor(W, requires_grad=True)
        b = lib.tensor(B, requires_grad=True)
        out = []
        for x_np in XS:
            w.grad, b.grad = None, None
            _forward(lib, x_np, w, b)[1].backward()
            out.append((w.grad, b.grad))
        return out

    run_both(script)


def test_grad_wrt_interior_and_leaf_every_step() -> None:
    def script(lib: Any) -> Any:
        w = lib.tensor(W, requires_grad=True)
        b = lib.tensor(B, requires_grad=True)
        out = []
        for x_np in XS:
            h, loss = _forward(lib, x_np, w, b)
            out.append(lib.autograd.grad(loss, [h, w], retain_graph=True))
            out.append(lib.autograd.grad(loss, [h]))  # nothing upstream of h asked for
        return out

    run_both(script)


def test_backward_inputs_every_step() -> None:
    def script(lib: Any) -> Any:
        w = lib.tensor(W, requires_grad=True)
        b = lib.tensor(B, requires_grad=True)
        out = []
        for x_np in XS:
            w.grad = None
            _forward(lib, x_np, w, b)[1].backward(inputs=[w])
            out.append((w.grad, b.grad is None))
        return out

    run_both(script)


def test_repeated_python_scalars() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor([1.5, -2.0, 3.0])
        i = lib.tensor([1, 2, 3])
        out = []
        for _ in range(3):  # first use passes the scalar, later uses a cached array
            out.append(
                {
                    "neg_zero": x * -0.0,
                    "zero": x * 0.0,
                    "float": x * 0.1,
                    "int": i * 3,
                    "int_float": i * 2.5,
                    "bool": i * True,
                    "big": i + 2**40,
                }
            )
        return out

    ref = to_plain(script(__import__("torch")))
    ours = to_plain(script(functorch_lite))
    assert_same(ours, ref, 1e-6, 0.0)
    for step_ours, step_ref in zip(ours, ref):
        for key in ("neg_zero", "zero"):
            np.testing.assert_array_equal(
                np.signbit(step_ours[key]), np.signbit(step_ref[key]), err_msg=key
            )


def test_repeated_scalar_in_graph_gets_right_grad() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        out = []
        for _ in range(3):
            x.grad = None
            ((x * 0.25 - 1.5) ** 2).sum().backward()
            out.append(x.grad)
        return out

    run_both(script)


def test_grad_wrt_second_output_of_multi_output_op() -> None:
    def script(lib: Any) -> Any:
        w = lib.tensor(W, requires_grad=True)
        out = []
        for x_np in XS:
            var, mean = lib.var_mean(lib.tensor(x_np) @ w, dim=0)
            loss = (var * mean).sum() + mean.exp().sum()
            out.append(lib.autograd.grad(loss, [mean, w]))
        return out

    run_both(script)


def _shared_reads(lib: Any, w: Any, c1: Any, c2: Any) -> Any:
    """One array read many times: by one op twice (``h * h``), by several ops, and as
    two constants that may or may not be the same tensor."""
    h = (w * c1).tanh()
    return (h * h + h * c2 - w * w).sum()


def test_shared_reads_same_grads_compiled_per_op_and_torch() -> None:
    """Steps alternate aliased and distinct constants (same wiring, different sharing
    of arrays) through the per-op, compiling and compiled sweeps: grads equal the
    per-op engine's and PyTorch's."""

    def script(lib: Any) -> Any:
        w = lib.tensor(W, requires_grad=True)
        out = []
        for step in range(6):
            c1 = lib.tensor(W * 0.5)
            c2 = c1 if step % 2 else lib.tensor(W * 0.5 + 0.25)
            w.grad = None
            _shared_reads(lib, w, c1, c2).backward()
            out.append(w.grad)
        return out

    compiled = run_both(script)
    before = _config.COMPILED_BACKWARD
    _config.COMPILED_BACKWARD = False
    try:
        per_op = to_plain(script(functorch_lite))
    finally:
        _config.COMPILED_BACKWARD = before
    assert_same(compiled, per_op, 1e-5, 1e-6)
