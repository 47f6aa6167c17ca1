"""grad / vjp / jvp / jacrev / jacfwd / hessian / linearize against torch.func."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from _both import error_of, run_both

import functorch_lite as fl
import functorch_lite.func  # noqa: F401  (binds fl.func)
from functorch_lite._tensor import TracedValueError

RTOL, ATOL = 1e-5, 1e-6  # float32 values
GRTOL, GATOL = 1e-4, 1e-5  # float32 derivatives: one more chain of libm kernels

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4)).astype(np.float32)
W = rng.standard_normal((4, 2)).astype(np.float32)
B = rng.standard_normal(2).astype(np.float32)


def f_scalar(lib):
    return lambda x, w: (lib.tanh(x @ w) ** 2).sum() + (w.sin() * 0.5).sum()


def test_grad_argnums_and_value_match_torch():
    def script(lib):
        f = f_scalar(lib)
        x, w = lib.tensor(X), lib.tensor(W)
        g0 = lib.func.grad(f)(x, w)
        g01 = lib.func.grad(f, argnums=(0, 1))(x, w)
        g, v = lib.func.grad_and_value(f, argnums=1)(x, w)
        return [g0, list(g01), g, v]

    run_both(script, GRTOL, GATOL)


def test_grad_has_aux_and_pytree_inputs():
    def script(lib):
        def f(params, x):
            y = x @ params["w"] + params["b"]
            return y.pow(2).mean(), {"y": y}

        params = {"w": lib.tensor(W), "b": lib.tensor(B)}
        g, aux = lib.func.grad(f, has_aux=True)(params, lib.tensor(X))
        return [g, aux["y"]]

    run_both(script, GRTOL, GATOL)


def test_grad_matches_finite_differences_float64():
    x0 = rng.standard_normal(5)
    f = lambda x: (x.sin() * x.exp()).sum()  # noqa: E731
    g = fl.func.grad(f)(fl.tensor(x0)).numpy()
    eps = 1e-6
    fd = [
        (f(fl.tensor(x0 + eps * e)).item() - f(fl.tensor(x0 - eps * e)).item())
        / (2 * eps)
        for e in np.eye(5)
    ]
    np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-8)


def test_vjp_jvp_linearize_match_torch():
    def script(lib):
        f = lambda x, w: (x @ w).tanh()  # noqa: E731
        x, w = lib.tensor(X), lib.tensor(W)
        out, vjp_fn = lib.func.vjp(f, x, w)
        ct = lib.ones(3, 2)
        gx, gw = vjp_fn(ct)
        o2, t2 = lib.func.jvp(f, (x, w), (lib.ones(3, 4), lib.zeros(4, 2)))
        o3, jvp_fn = lib.func.linearize(f, x, w)
        t3 = jvp_fn(lib.ones(3, 4), lib.ones(4, 2))
        return [out, gx, gw, o2, t2, o3, t3]

    run_both(script, GRTOL, GATOL)


def test_vjp_has_aux_and_pytree_output():
    def script(lib):
        def f(x):
            return {"a": x.sin(), "b": (x * 2,)}, x.sum()

        out, vjp_fn, aux = lib.func.vjp(f, lib.tensor(X), has_aux=True)
        (g,) = vjp_fn({"a": lib.ones(3, 4), "b": (lib.full((3, 4), 2.0),)})
        return [out["a"], out["b"][0], g, aux]

    run_both(script, GRTOL, GATOL)


def test_jacobians_and_hessian_match_torch():
    def script(lib):
        def predict(weight, bias, x):
            return lib.nn.functional.linear(x, weight, bias).tanh()

        w, b, x = lib.tensor(W.T.copy()), lib.tensor(B), lib.tensor(X[0])
        jr = lib.func.jacrev(predict, argnums=2)(w, b, x)
        jf = lib.func.jacfwd(predict, argnums=2)(w, b, x)
        jwb = lib.func.jacrev(predict, argnums=(0, 1))(w, b, x)
        jc = lib.func.jacrev(predict, argnums=2, chunk_size=1)(w, b, x)
        h = lib.func.hessian(lambda x: (x.sin() * x).sum())(x)
        hh = lib.func.jacrev(lib.func.jacfwd(lambda x: x.pow(3).sum()))(x)
        return [jr, jf, list(jwb), jc, h, hh]

    run_both(script, GRTOL, GATOL)


def test_jacrev_has_aux_and_tuple_outputs():
    def script(lib):
        def f(x):
            return (x.sin(), x.sum()), x.cos()

        (ja, jb), aux = lib.func.jacrev(f, has_aux=True)(lib.tensor(X[0]))
        (fa, fb), faux = lib.func.jacfwd(f, has_aux=True)(lib.tensor(X[0]))
        return [ja, jb, aux, fa, fb, faux]

    run_both(script, GRTOL, GATOL)


def test_nested_transforms():
    x = fl.tensor(X[0])
    f = lambda x: x.pow(3).sum()  # noqa: E731
    gg = fl.func.grad(lambda x: fl.func.grad(f)(x).sum())(x)
    np.testing.assert_allclose(gg.numpy(), 6 * X[0], rtol=GRTOL, atol=GATOL)
    per_row = fl.func.vmap(fl.func.grad(f))(fl.tensor(X))
    np.testing.assert_allclose(per_row.numpy(), 3 * X**2, rtol=GRTOL, atol=GATOL)
    hess_rows = fl.func.vmap(fl.func.hessian(f))(fl.tensor(X))
    expect = np.stack([np.diag(6 * r) for r in X])
    np.testing.assert_allclose(hess_rows.numpy(), expect, rtol=GRTOL, atol=GATOL)


def test_requires_grad_inputs_and_tape_untouched():
    w = fl.tensor(W, requires_grad=True)
    g = fl.func.grad(lambda w: (w * w).sum())(w)
    np.testing.assert_allclose(g.detach().numpy(), 2 * W, rtol=RTOL, atol=ATOL)
    # As in torch.func: the result is differentiable, nothing accumulated into .grad.
    assert w.grad is None and g.requires_grad
    with fl.no_grad():
        assert not fl.func.grad(lambda w: (w * w).sum())(w).requires_grad


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.func.grad(lambda x: x)(lib.ones(2)),
        lambda lib: lib.func.grad(lambda x: 1.0)(lib.ones(2)),
        lambda lib: lib.func.grad(lambda x: x.sum(), has_aux=True)(lib.ones(2)),
        lambda lib: lib.func.grad(lambda x: x.sum(), argnums=2)(lib.ones(2)),
        lambda lib: lib.func.grad(lambda x: x.sum())(lib.ones(2, dtype=lib.long)),
        lambda lib: lib.func.grad(lambda x: x.sum())(3.0),
        lambda lib: lib.func.jacrev(lambda x: x, chunk_size=0),
        lambda lib: lib.func.vjp(lambda x: x * 2, lib.ones(2))[1](lib.ones(3)),
    ],
)
def test_errors_match_torch(call):
    ours = error_of(lambda: call(fl)).replace("functorch_lite", "torch")
    assert ours == error_of(lambda: call(torch))


ALL_TRANSFORMS = [
    lambda f: fl.func.grad(f),
    lambda f: fl.func.jacrev(f),
    lambda f: fl.func.jacfwd(f),
    lambda f: lambda x: fl.func.vjp(f, x),
    lambda f: fl.func.vmap(f),
]


@pytest.mark.parametrize("transform", ALL_TRANSFORMS)
@pytest.mark.parametrize(
    "body",
    [
        lambda x: x.sum() * float(x.sum()),  # Tensor.__float__
        lambda x: x.sum() * x.sum().item(),
        lambda x: x.sum() * int(np.asarray(x.jax()).sum()),  # raw JAX conversion
    ],
)
def test_concrete_value_of_traced_tensor_names_cond(transform, body):
    with pytest.raises(TracedValueError, match="cond"):
        transform(body)(fl.ones(3))


@pytest.mark.parametrize("transform", ALL_TRANSFORMS[4:])
def test_python_if_on_batched_value_names_cond(transform):
    with pytest.raises(TracedValueError, match="cond"):
        transform(lambda x: x.sum() if x.sum() > 0 else -x.sum())(fl.ones(3))


def test_python_if_under_grad_works_like_torch_func():
    # As with torch.func.grad, the primal values are concrete under reverse mode.
    f = lambda x: (x * x).sum() if x.sum() > 0 else -x.sum()  # noqa: E731
    np.testing.assert_allclose(fl.func.grad(f)(fl.ones(2)).numpy(), [2.0, 2.0])
    np.testing.assert_allclose(fl.func.grad(f)(-fl.ones(2)).numpy(), [-1.0, -1.0])


def test_raw_jax_concretization_error_names_the_shape():
    def f(x):
        return x.sum() * int(np.asarray(x.jax()).sum())

    with pytest.raises(TracedValueError, match=r"float32\[3\]"):
        fl.func.grad(f)(fl.ones(3))


def test_state_written_inside_grad_is_committed_not_leaked():
    counter = fl.zeros(2)

    def f(x):
        counter.add_(x.detach() * 0 + 1)  # a running statistic, updated in place
        return (x * x).sum()

    g = fl.func.grad(f)(fl.ones(2))
    np.testing.assert_allclose(g.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(counter.numpy(), [1.0, 1.0])  # concrete, not a tracer


# ---------------------------------------------------------------- functional_call
def tied(lib):
    class M(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lib.nn.Linear(2, 2, bias=False)
            self.b = lib.nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))

    torch.manual_seed(0)
    m = M()
    with lib.no_grad():
        m.a.weight.copy_(lib.tensor([[1.0, 2.0], [3.0, 4.0]]))
    return m


def test_functional_call_tied_weights_and_args_forms_match_torch():
    def script(lib):
        fc = lib.func.functional_call
        m, x, eye = tied(lib), lib.ones(1, 2), lib.eye(2)
        lin = lib.nn.Linear(2, 2)
        return [
            fc(m, {"a.weight": eye * 2}, (x,)),
            fc(m, {"a.weight": eye * 2}, (x,), tie_weights=False),
            fc(m, ({"a.weight": eye},), x),
            fc(
                lin, {"weight": eye, "bias": lib.zeros(2)}, args=(), kwargs={"input": x}
            ),
            m(x),  # the module's own weights are back
        ]

    run_both(script, RTOL, ATOL)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, m, e: lib.func.functional_call(
            m, {"a.weight": e, "b.weight": e * 3}, (lib.ones(1, 2),)
        ),
        lambda lib, m, e: lib.func.functional_call(
            m, {"a.weight": e, "c": e}, (lib.ones(1, 2),), strict=True
        ),
        lambda lib, m, e: lib.func.functional_call(
            m, ({"a.weight": e}, {"a.weight": e}), (lib.ones(1, 2),)
        ),
    ],
)
def test_functional_call_errors_match_torch(call):
    ours = error_of(lambda: call(fl, tied(fl), fl.eye(2)))
    assert ours == error_of(lambda: call(torch, tied(torch), torch.eye(2)))


def test_functional_call_restores_the_module_after_an_error():
    m = tied(fl)
    w = m.a.weight

    def boom(x):
        raise ValueError("boom")

    m.register_forward_pre_hook(lambda mod, args: boom(args))
    with pytest.raises(ValueError, match="boom"):
        fl.func.functional_call(m, {"a.weight": fl.eye(2)}, (fl.ones(1, 2),))
    assert m.a.weight is w and m.b.weight is w


def test_grad_with_respect_to_a_module_gives_a_module_of_gradients():
    lin = fl.nn.Linear(3, 2)
    g = fl.func.grad(lambda m, x: m(x).sum())(lin, fl.ones(4, 3))
    np.testing.assert_allclose(g.weight.detach().numpy(), np.full((2, 3), 4.0))
    np.testing.assert_allclose(g.bias.detach().numpy(), np.full(2, 4.0))


def test_batchnorm_running_stats_under_grad_update_like_one_eager_forward():
    # PyTorch's grad refuses to mutate captured buffers; we functionalize the write:
    # the stats end as after one eager training forward (values, not tracers).
    x = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    ours = fl.nn.Sequential(fl.nn.Linear(4, 3), fl.nn.BatchNorm1d(3))
    ours.load_state_dict(
        {k: fl.tensor(v.detach().numpy()) for k, v in ref.state_dict().items()}
    )
    params = {k: v.detach() for k, v in ours.named_parameters()}
    fl.func.grad(lambda p, x: fl.func.functional_call(ours, p, (x,)).pow(2).sum())(
        params, fl.tensor(x)
    )
    ref(torch.tensor(x))
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(
            getattr(ours[1], name).numpy(), getattr(ref[1], name).numpy(), RTOL, ATOL
        )


def test_transform_outputs_carry_tape_history_like_torch():
    # A loss built from grad/jacrev/jacfwd/jvp outputs backpropagates to the inputs
    # (gradient penalties, MAML-style inner steps), as with torch.func.
    def script(lib):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        x = lib.tensor([0.5, -1.0, 2.0])
        g = lib.func.grad(lambda w: (w * x).sin().sum())(w)
        jr = lib.func.jacrev(lambda w: (w * w).tanh())(w)
        jf = lib.func.jacfwd(lambda w: w.exp())(w)
        _, t = lib.func.jvp(lambda w: w.sin(), (w,), (x,))
        ((g**2).sum() + jr.sum() + jf.sum() + t.sum()).backward()
        return [g, jr, jf, t, w.grad]

    run_both(script, GRTOL, GATOL)
