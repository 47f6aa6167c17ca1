"""End to end with real autograd on both sides: ``loss.backward(); opt.step();
sched.step()`` on a small regression model, ours against PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from _optim_parity import STEPS

import functorch_lite
from functorch_lite import optim

# Eager autograd compiles each op's backward on first use: seconds of compile time.
pytestmark = pytest.mark.slow

# Losses and gradients now also differ by autograd's float32 rounding (XLA vs ATen
# matmul reductions), compounded over the steps.
RTOL = 1e-5
ATOL = 1e-5

rng = np.random.default_rng(0)
X = rng.standard_normal((32, 5)).astype(np.float32)
Y = rng.standard_normal((32, 2)).astype(np.float32)
W1 = (0.5 * rng.standard_normal((5, 8))).astype(np.float32)
W2 = (0.5 * rng.standard_normal((8, 2))).astype(np.float32)
B2 = np.zeros(2, np.float32)


def model(lib: Any, params: list[Any], x: Any) -> Any:
    w1, w2, b2 = params
    return lib.tanh(x @ w1) @ w2 + b2


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        ("AdamW", {"lr": 0.02, "amsgrad": True}),
        ("RMSprop", {"lr": 0.01, "centered": True}),
    ],
)
def test_training_loop_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    ours = [functorch_lite.tensor(a, requires_grad=True) for a in (W1, W2, B2)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (W1, W2, B2)]
    opt = getattr(optim, name)(ours, **kwargs)
    topt = getattr(torch.optim, name)(theirs, **kwargs)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=STEPS)
    tsched = torch.optim.lr_scheduler.CosineAnnealingLR(topt, T_max=STEPS)
    x, y = functorch_lite.tensor(X), functorch_lite.tensor(Y)
    tx, ty = torch.tensor(X), torch.tensor(Y)
    for _ in range(STEPS):
        opt.zero_grad()
        loss = ((model(functorch_lite, ours, x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        sched.step()
        topt.zero_grad()
        tloss = ((model(torch, theirs, tx) - ty) ** 2).mean()
        tloss.backward()
        topt.step()
        tsched.step()
        np.testing.assert_allclose(loss.item(), tloss.item(), rtol=RTOL)
    for p, q in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(
            p.detach().numpy(), q.detach().numpy(), rtol=RTOL, atol=ATOL
        )


def test_lbfgs_strong_wolfe_with_autograd_closure() -> None:
    ours = [functorch_lite.tensor(a, requires_grad=True) for a in (W1, W2, B2)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (W1, W2, B2)]
    opt = optim.LBFGS(ours, line_search_fn="strong_wolfe", max_iter=10)
    topt = torch.optim.LBFGS(theirs, line_search_fn="strong_wolfe", max_iter=10)
    x, y = functorch_lite.tensor(X), functorch_lite.tensor(Y)
    tx, ty = torch.tensor(X), torch.tensor(Y)

    def closure() -> Any:
        opt.zero_grad()
        loss = ((model(functorch_lite, ours, x) - y) ** 2).mean()
        loss.backward()
        return loss

    def tclosure() -> Any:
        topt.zero_grad()
        loss = ((model(torch, theirs, tx) - ty) ** 2).mean()
        loss.backward()
        return loss

    first = opt.step(closure)
    tfirst = topt.step(tclosure)
    np.testing.assert_allclose(first.item(), tfirst.item(), rtol=RTOL)
    # The line search makes discrete decisions on float32 values; compare loosely.
    final = closure().item()
    tfinal = tclosure().item()
    assert final < first.item()
    np.testing.assert_allclose(final, tfinal, rtol=1e-3)
