"""cond / while_loop / fori_loop / scan / checkpoint: eager, traced, differentiated."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.utils.checkpoint
from _both import run_both
from torch._higher_order_ops.scan import scan as torch_scan
from torch._higher_order_ops.while_loop import while_loop as torch_while_loop

import functorch_lite as fl
import functorch_lite.func  # noqa: F401  (binds fl.func)
from functorch_lite.transforms import checkpoint, cond, fori_loop, scan, while_loop

RTOL, ATOL = 1e-5, 1e-6  # float32 values
GRTOL, GATOL = 1e-4, 1e-5  # float32 derivatives

rng = np.random.default_rng(2)
X = rng.standard_normal((4, 3)).astype(np.float32)


def branches(lib):
    return (lambda x: (x * x).sum(1), lambda x: x.sin().sum(1))


def test_cond_eager_matches_torch_and_records_on_the_tape():
    def script(lib):
        x = lib.tensor(X, requires_grad=True)
        t, f = branches(lib)
        c = torch.cond if lib is torch else cond
        out = c(x.sum() > 0, t, f, (x,)) + c(x.sum() < 0, t, f, (x,))
        out.sum().backward()
        return [out, x.grad]

    ours = script(fl)
    ref = script(torch)
    for o, r in zip(ours, ref):
        np.testing.assert_allclose(o.detach().numpy(), r.detach().numpy(), GRTOL, GATOL)


def test_cond_traced_predicate_under_vmap_and_grad():
    t, f = branches(fl)
    x = fl.tensor(X)
    per_row = fl.func.vmap(lambda r: cond(r.sum() > 0, t, f, (r[None],))[0])(x)
    expect = [t(r[None])[0] if r.sum() > 0 else f(r[None])[0] for r in x]
    np.testing.assert_allclose(per_row.numpy(), fl.stack(expect).numpy(), RTOL, ATOL)
    g = fl.func.vmap(fl.func.grad(lambda r: cond(r.sum() > 0, t, f, (r[None],)).sum()))(
        x
    )
    expect_g = [2 * r if r.sum() > 0 else np.cos(r) for r in X]
    np.testing.assert_allclose(g.numpy(), np.stack(expect_g), GRTOL, GATOL)


def test_cond_rejects_non_scalar_pred_like_torch():
    with pytest.raises(RuntimeError, match="single-element tensor"):
        cond(fl.tensor([True, False]), lambda x: x, lambda x: x, (fl.ones(2),))


def test_tape_reaches_closed_over_parameters_through_traced_cond():
    # loss.backward() inside a traced program (what compiled training steps do).
    w = fl.tensor([1.0, 2.0], requires_grad=True)

    def step(a):
        x = fl.from_jax(a)
        y = cond(
            x.sum() > 0, lambda x: (x * w).sum(), lambda x: (x * w * 3).sum(), (x,)
        )
        y.backward()
        return w.grad.jax()

    g = jax.jit(step)(jnp.array([1.0, -3.0], jnp.float32))
    np.testing.assert_allclose(np.asarray(g), [3.0, -9.0])


def test_while_loop_eager_and_jit_match_torch():
    def body(i, x):
        return i + 1, x * 2 + 1

    def c(i, x):
        return i < 5

    ref = torch_while_loop(c, body, (torch.tensor(0), torch.tensor(X)))
    eager = while_loop(c, body, (fl.tensor(0), fl.tensor(X)))
    traced = jax.jit(
        lambda a: while_loop(c, body, (fl.tensor(0), fl.from_jax(a)))[1].jax()
    )(jnp.asarray(X))
    for ours in (eager[1].numpy(), np.asarray(traced)):
        np.testing.assert_allclose(ours, ref[1].numpy(), RTOL, ATOL)
    assert eager[0].item() == 5


def test_fori_loop_eager_traced_and_reverse_mode():
    f = lambda x: fori_loop(0, 3, lambda i, v: v * v + i, x)  # noqa: E731
    x = fl.tensor(X[0])
    eager = f(x).numpy()
    v = X[0].astype(np.float64)
    for i in range(3):
        v = v * v + i
    np.testing.assert_allclose(eager, v, rtol=RTOL)
    g = fl.func.grad(lambda x: f(x).sum())(x).numpy()
    np.testing.assert_allclose(g, 8 * X[0] ** 3 * (X[0] ** 4 + 1), rtol=GRTOL)


def add_scan(c, x):
    n = c + x * c.sin()
    return n, n.clone()


@pytest.mark.parametrize("dim,reverse", [(0, False), (0, True), (1, False)])
def test_scan_eager_and_grad_match_torch(dim, reverse):
    init_shape = (3,) if dim == 0 else (4,)
    init0 = rng.standard_normal(init_shape).astype(np.float32)

    def script(lib, run):
        init = lib.tensor(init0, requires_grad=True)
        xs = lib.tensor(X, requires_grad=True)
        carry, ys = run(add_scan, init, xs, dim=dim, reverse=reverse)
        (carry.sum() + (ys * ys).sum()).backward()
        return [carry, ys, init.grad, xs.grad]

    ref = script(torch, torch_scan)
    ours = script(fl, scan)
    for o, r in zip(ours, ref):
        np.testing.assert_allclose(o.detach().numpy(), r.detach().numpy(), GRTOL, GATOL)
    # Traced: our grad transform through lax.scan gives the same gradients.
    g_init, g_xs = fl.func.grad(
        lambda i, x: (lambda c, y: c.sum() + (y * y).sum())(
            *scan(add_scan, i, x, dim=dim, reverse=reverse)
        ),
        argnums=(0, 1),
    )(fl.tensor(init0), fl.tensor(X))
    np.testing.assert_allclose(g_init.numpy(), ref[2].numpy(), GRTOL, GATOL)
    np.testing.assert_allclose(g_xs.numpy(), ref[3].numpy(), GRTOL, GATOL)


def test_checkpoint_grad_equals_plain_grad_and_eager_backward_matches_torch():
    def block(lib):
        lin = lib.nn.Linear(3, 3)
        with lib.no_grad():
            lin.weight.copy_(lib.tensor(X[:3]))
            lin.bias.fill_(0.1)
        return lin

    def script(lib):
        lin = block(lib)
        x = lib.tensor(X, requires_grad=True)
        ck = lib.utils.checkpoint.checkpoint if lib is torch else checkpoint
        y = ck(lambda t: lin(t).tanh().sin(), x, use_reentrant=False)
        y.sum().backward()
        return [y, x.grad, lin.weight.grad]

    run_both(script, GRTOL, GATOL)
    lin = block(fl)
    f_plain = lambda x: lin(x).tanh().sin().sum()  # noqa: E731
    f_ck = lambda x: checkpoint(lambda t: lin(t).tanh().sin(), x).sum()  # noqa: E731
    np.testing.assert_allclose(
        fl.func.grad(f_ck)(fl.tensor(X)).detach().numpy(),
        fl.func.grad(f_plain)(fl.tensor(X)).detach().numpy(),
        RTOL,
        ATOL,
    )
    # The traced program really rematerialises: the checkpoint appears in the jaxpr.
    jaxpr = jax.make_jaxpr(lambda a: fl.func.grad(f_ck)(fl.from_jax(a)).jax())(
        jnp.asarray(X)
    )
    assert "checkpoint" in str(jaxpr) or "remat" in str(jaxpr)
