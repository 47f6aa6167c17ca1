"""``mode="reduce-overhead"``: the generated per-call guard (``_guard_code``).

The fast path must take a call only when everything the program was traced under
still holds; every other call goes the general way (re-binding or re-tracing) and
gives the eager numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from _train import train_step

import functorch_lite as torch

RTOL, ATOL = 1e-5, 1e-6


def _setup() -> tuple[Any, Any, Any]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(6, 8), torch.nn.Dropout(0.0), torch.nn.Linear(8, 3)
    )
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    step = train_step(model, opt)
    return model, opt, step


def _batch(n: int, seed: int = 0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    return (torch.tensor(rng.standard_normal((n, 6)).astype(np.float32)),
            torch.tensor(rng.integers(0, 3, n)))  # fmt: skip


def test_generated_guard_rejects_every_changed_condition() -> None:
    model, opt, step = _setup()
    fast = torch.compile(step, mode="reduce-overhead")
    x, y = _batch(8)
    for _ in range(3):
        fast(x, y)
    check = fast.check
    assert check is not None
    got = check((x, y), {})
    assert got is not None and got[0] is x.jax() and got[1] is y.jax()
    x5, y5 = _batch(5)
    assert check((x5, y5), {}) is None  # another batch shape
    assert check((x.double(), y), {}) is None  # another dtype
    assert check((x,), {}) is None and check((x, y), {"z": 1}) is None
    assert check((x.jax(), y), {}) is None  # not a Tensor
    model.eval()
    assert check((x, y), {}) is None
    model.train()
    with torch.no_grad():
        assert check((x, y), {}) is None
    weight = model[0].weight
    old_grad = weight.grad
    weight.grad = None
    assert check((x, y), {}) is None
    weight.grad = old_grad
    assert check((x, y), {}) is not None


def test_guard_changes_between_fast_calls_match_eager() -> None:
    results = {}
    for mode in (None, "reduce-overhead", "eager"):
        model, opt, step = _setup()
        fn = step if mode == "eager" else torch.compile(step, mode=mode)
        x, y = _batch(8)
        x5, y5 = _batch(5, seed=1)
        losses = [float(fn(x, y)) for _ in range(3)]
        losses.append(float(fn(x5, y5)))  # new shape: a new program
        losses.append(float(fn(x, y)))  # back to the first
        model[0].weight.grad = None  # a .grad slot changed: re-bound
        losses.append(float(fn(x, y)))
        losses += np.array(model[0].weight.grad).ravel().tolist()  # set again
        model.eval()
        losses.append(float(fn(x, y)))
        model.train()
        losses += [float(fn(x, y)) for _ in range(2)]
        params = [np.array(p.detach()) for p in model.parameters()]
        params += [np.array(p.grad) for p in model.parameters()]
        results[mode] = (losses, params)
    for mode in (None, "reduce-overhead"):
        np.testing.assert_allclose(results[mode][0], results["eager"][0], rtol=RTOL,
                                   atol=ATOL, err_msg=str(mode))  # fmt: skip
        for a, b in zip(results[mode][1], results["eager"][1], strict=True):
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=str(mode))
