"""Autograd semantics: each script runs with PyTorch and functorch_lite, results compared."""

from __future__ import annotations

from typing import Any

import numpy as np
from _both import error_of, run_both

import functorch_lite

X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]


def test_accumulation_then_zero() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor(X, requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        first = x.grad.clone()
        y.backward()
        doubled = x.grad.clone()
        x.grad.zero_()
        (x.sin() * 3).sum().backward()
        return {"first": first, "doubled": doubled, "after_zero": x.grad}

    run_both(script)


def test_grad_is_same_object_across_accumulation() -> None:
    x = functorch_lite.tensor(X, requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    (x * 3).sum().backward()
    assert x.grad is g
    np.testing.assert_allclose(g.numpy(), np.full((2, 3), 5.0, np.float32))


def test_retain_grad_and_hooks() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor(X, requires_grad=True)
        h = x.exp()
        h.retain_grad()
        seen = []
        h.register_hook(lambda g: seen.append(g.clone()) or g * 2)
        x.register_hook(lambda g: g + 1)
        (h * h).sum().backward()
        return {
            "h_grad": h.grad,
            "seen": seen[0],
            "x_grad": x.grad,
            "is_leaf": h.is_leaf,
        }

    run_both(script)


def test_higher_order_autograd_grad() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor([0.5, 1.5, -2.0], requires_grad=True)
        y = (x**3).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (g2,) = lib.autograd.grad(g.sum(), x, create_graph=True)
        (g3,) = lib.autograd.grad(g2.sum(), x)
        return {"g": g, "g2": g2, "g3": g3, "g_requires_grad": g.requires_grad}

    run_both(script)


def test_gradient_penalty_create_graph_backward() -> None:
    def script(lib: Any) -> Any:
        w = lib.tensor([[0.3, -0.2], [0.1, 0.4]], requires_grad=True)
        x = lib.tensor([[1.0, 2.0], [-1.0, 0.5]], requires_grad=True)
        out = (x @ w).tanh().sum()
        (gx,) = lib.autograd.grad(out, x, create_graph=True)
        penalty = (gx * gx).sum()
        penalty.backward()
        return {"w_grad": w.grad, "x_grad": x.grad}

    run_both(script, rtol=1e-5, atol=1e-6)


def test_backward_with_gradient_argument_and_non_scalar_error() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor(X, requires_grad=True)
        y = x * 2
        err = error_of(lambda: y.backward())
        y.backward(lib.ones(2, 3) * 0.5)
        return {"grad": x.grad, "err": err.split(":")[1].strip()}

    run_both(script)


def test_grad_modes_as_contexts_and_decorators() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor(X, requires_grad=True)
        with lib.no_grad():
            a = x * 2
            with lib.enable_grad():
                b = x * 2
        with lib.set_grad_enabled(False):
            c = x * 2

        @lib.no_grad()
        def f(t: Any) -> Any:
            return t * 2

        with lib.inference_mode():
            d = x * 2
        return [a.requires_grad, b.requires_grad, c.requires_grad, f(x).requires_grad,
                d.requires_grad, lib.is_grad_enabled()]  # fmt: skip

    run_both(script)


def test_detach_shares_storage_and_version() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor(X, requires_grad=True)
        y = x.detach()
        y.zero_()
        z = x.data
        z.add_(1)
        return {"x": x, "y_requires_grad": y.requires_grad, "y_is_leaf": y.is_leaf}

    run_both(script)


def test_inplace_errors_match_pytorch() -> None:
    def script(lib: Any) -> Any:
        leaf = lib.tensor([1.0, 2.0], requires_grad=True)
        e1 = error_of(lambda: leaf.add_(1))
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        s = a.sigmoid()
        m = s * s
        s.mul_(2)
        e2 = error_of(lambda: m.sum().backward())
        b = (a * a).sum()
        b.backward()
        e3 = error_of(lambda: b.backward())
        return [e1, e2.split("[")[0], e3.split(".")[0]]

    run_both(script)


def test_inplace_on_non_leaf_rebases_history() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor(X, requires_grad=True)
        y = x * 2
        y.add_(1)
        y.mul_(x)
        y.sum().backward()
        return {
            "y": y,
            "grad": x.grad,
            "fn": type(y.grad_fn).__name__ if lib is not functorch_lite else None,
        }  # noqa: E501

    out = run_both(lambda lib: {k: v for k, v in script(lib).items() if k != "fn"})
    assert out["grad"].shape == (2, 3)


def test_grad_fn_names_and_next_functions() -> None:
    x = functorch_lite.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3 + 1
    assert y.grad_fn.name() == "AddBackward0"
    (mul_fn, _), (const, _) = y.grad_fn.next_functions
    assert mul_fn.name() == "MulBackward0" and const is None
    (acc, _), _ = mul_fn.next_functions
    assert acc.name() == "AccumulateGrad" and acc.variable is x
    assert "grad_fn=<AddBackward0>" in repr(y)


def test_allow_unused_and_materialize() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = lib.tensor([3.0], requires_grad=True)
        y = (x * x).sum()
        err = error_of(lambda: lib.autograd.grad(y, [x, z], retain_graph=True))
        gx, gz = lib.autograd.grad(y, [x, z], allow_unused=True, retain_graph=True)
        _, mz = lib.autograd.grad(y, [x, z], materialize_grads=True)
        return {"gx": gx, "gz_none": gz is None, "mz": mz, "err": "allow_unused" in err}

    run_both(script)


def test_grad_wrt_intermediate() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor(X, requires_grad=True)
        h = x.tanh()
        out = (h * x).sum()
        (gh,) = lib.autograd.grad(out, h)
        return gh

    run_both(script)


def test_compiled_backward_equals_per_op_backward() -> None:
    """The third run of one graph structure uses the compiled sweep: same numbers."""
    rng = np.random.default_rng(0)
    w_np = rng.standard_normal((4, 4)).astype(np.float32)
    for step in range(3):
        x = functorch_lite.tensor(rng.standard_normal((3, 4)).astype(np.float32))
        w = functorch_lite.tensor(w_np, requires_grad=True)
        ((x @ w).tanh() * x).sum().backward()
        import torch

        tw = torch.tensor(w_np, requires_grad=True)
        (
            (torch.tensor(x.numpy()) @ tw).tanh() * torch.tensor(x.numpy())
        ).sum().backward()
        np.testing.assert_allclose(
            w.grad.numpy(), tw.grad.numpy(), rtol=1e-5, atol=1e-6
        )
    from functorch_lite.autograd import _engine

    compiled = [fn for fn in _engine._programs.values() if fn is not None]
    assert compiled, "a repeated structure should have been compiled"


def test_anomaly_mode_names_the_op() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        with lib.autograd.set_detect_anomaly(True):
            return error_of(lambda: (x.sqrt() * x).sum().backward())

    msg = run_both(script)
    assert "SqrtBackward0" in msg and "nan" in msg


class _Cube:
    @staticmethod
    def make(lib: Any) -> Any:
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any, k: float) -> Any:
                ctx.save_for_backward(x)
                ctx.k = k
                return k * x**3, (x > 0).float()

            @staticmethod
            def backward(ctx: Any, g: Any, _g_mask: Any) -> Any:
                (x,) = ctx.saved_tensors
                return g * 3 * ctx.k * x**2, None

        return Cube


def test_custom_function_against_pytorch_and_finite_differences() -> None:
    def script(lib: Any) -> Any:
        cube = _Cube.make(lib)
        x = lib.tensor([0.5, -1.5, 2.0], requires_grad=True)
        y, mask = cube.apply(x, 2.0)
        (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return {"y": y, "mask": mask, "grad": x.grad}

    out = run_both(script)
    # finite differences of k*x^3 against the custom backward
    x0 = np.array([0.5, -1.5, 2.0], np.float64)
    eps = 1e-4
    fd = (
        (2.0 * (x0 + eps) ** 3 - 2.0 * (x0 - eps) ** 3)
        / (2 * eps)
        * np.array([1, 2, 3])
    )
    np.testing.assert_allclose(out["grad"], fd, rtol=1e-3)


def test_custom_function_needs_input_grad_and_non_differentiable() -> None:
    seen = {}

    class Split(functorch_lite.autograd.Function):
        @staticmethod
        def forward(ctx: Any, a: Any, b: Any) -> Any:
            seen["needs"] = ctx.needs_input_grad
            idx = (a > 0).long()
            ctx.mark_non_differentiable(idx)
            return a * b, idx

        @staticmethod
        def backward(ctx: Any, g: Any, _: Any) -> Any:
            return g, g

    a = functorch_lite.tensor([1.0, -2.0], requires_grad=True)
    b = functorch_lite.tensor([3.0, 4.0])
    out, idx = Split.apply(a, b)
    assert seen["needs"] == (True, False)
    assert not idx.requires_grad and out.requires_grad
