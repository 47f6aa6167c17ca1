"""A compiled function of arguments that require grad returns outputs with history.

``torch.compile(f)(x)`` with ``x.requires_grad`` gives an output whose ``backward()``
reaches ``x``, on every call (the compiled block is one autograd node), in every mode.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch as pt

import functorch_lite as torch


def _f(lib: Any) -> Any:
    def f(pair: Any, t: Any) -> Any:
        return (t * 2).sin() * pair[0] + pair[1].exp()

    return f


@pytest.mark.parametrize("mode", [None, "reduce-overhead"])
def test_argument_grads_every_call_match_pytorch(mode: str | None) -> None:
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal(4).astype(np.float32) for _ in range(3))
    ref = [pt.tensor(v, requires_grad=i == 0) for i, v in enumerate((a, b, c))]
    _f(pt)((ref[1], ref[2]), ref[0]).sum().backward()
    ts = [torch.tensor(v) for v in (a, b, c)]
    ts[0].requires_grad_()
    f = torch.compile(_f(torch), mode=mode)
    for call in range(4):
        for t in ts:
            t.grad = None
        out = f((ts[1], ts[2]), ts[0])
        assert out.grad_fn is not None, f"call {call}"
        out.sum().backward()
        np.testing.assert_allclose(np.array(ts[0].grad), ref[0].grad.numpy(),
                                   rtol=1e-5, atol=1e-6, err_msg=f"call {call}")  # fmt: skip
        assert ts[1].grad is None and ts[2].grad is None
    with torch.no_grad():
        assert f((ts[1], ts[2]), ts[0]).grad_fn is None
    plain = [t.detach() for t in ts]
    for _ in range(3):  # plain arguments take reduce-overhead's fast path...
        assert f((plain[1], plain[2]), plain[0]).grad_fn is None
    assert f((ts[1], ts[2]), ts[0]).grad_fn is not None  # ...and this one does not


@pytest.mark.parametrize("mode", [None, "reduce-overhead"])
def test_positional_tensor_arguments_switching_requires_grad(mode: str | None) -> None:
    a = np.linspace(-1, 1, 5, dtype=np.float32)
    ref = pt.tensor(a, requires_grad=True)
    (ref * 3).tanh().sum().backward()
    f = torch.compile(lambda t: (t * 3).tanh(), mode=mode)
    plain, tracked = torch.tensor(a), torch.tensor(a).requires_grad_()
    for call in range(3):
        assert f(plain).grad_fn is None
        tracked.grad = None
        out = f(tracked)
        assert out.grad_fn is not None, f"call {call}"
        out.sum().backward()
        np.testing.assert_allclose(np.array(tracked.grad), ref.grad.numpy(),
                                   rtol=1e-5, atol=1e-6)  # fmt: skip
