"""One parity helper for nn layers and losses against ``torch.nn``.

``check_module(ours, theirs, inputs)`` copies torch's weights into our module through
``load_state_dict`` (which accepts torch tensors via ``__array__``), checks that the
state-dict keys are identical, runs both forwards on the same numpy inputs, then
back-propagates the same random cotangent and compares input and parameter gradients.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

import functorch_lite as ft

#: Forward and gradient tolerances for float32 layers: XLA and ATen use different
#: reduction orders / conv algorithms, so a few ulp of the output magnitude.
FWD = {"rtol": 1e-5, "atol": 1e-5}
GRAD = {"rtol": 1e-4, "atol": 1e-4}


def as_np(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy(), copy=True)


def _pair(x: Any, requires_grad: bool) -> tuple[Any, Any]:
    x = np.asarray(x)
    float_ = np.issubdtype(x.dtype, np.floating)
    rg = requires_grad and float_
    return (ft.tensor(x, requires_grad=rg), torch.tensor(x, requires_grad=rg))


def check_module(
    ours: Any,
    theirs: torch.nn.Module,
    inputs: Sequence[np.ndarray],
    *,
    grad: bool = True,
    fwd_tol: dict[str, float] | None = None,
    grad_tol: dict[str, float] | None = None,
    seed: int = 0,
    copy_weights: bool = True,
    grad_inputs: Sequence[int] | None = None,
) -> tuple[Any, Any]:
    """Forward + gradient parity of ``ours`` vs ``theirs`` on ``inputs``.

    ``grad_inputs``: indices of the (floating) inputs to differentiate (default all).
    """
    fwd_tol = fwd_tol or FWD
    grad_tol = grad_tol or GRAD
    assert list(ours.state_dict()) == list(theirs.state_dict()), (
        list(ours.state_dict()),
        list(theirs.state_dict()),
    )
    if copy_weights:
        ours.load_state_dict(theirs.state_dict())
    pairs = [
        _pair(x, grad and (grad_inputs is None or i in grad_inputs))
        for i, x in enumerate(inputs)
    ]
    out_o = ours(*[p[0] for p in pairs])
    out_t = theirs(*[p[1] for p in pairs])
    outs_o = out_o if isinstance(out_o, tuple) else (out_o,)
    outs_t = out_t if isinstance(out_t, tuple) else (out_t,)
    for a, b in zip(outs_o, outs_t):
        assert tuple(a.shape) == tuple(b.shape), (tuple(a.shape), tuple(b.shape))
        np.testing.assert_allclose(as_np(a), as_np(b), **fwd_tol)
    if not grad:
        return out_o, out_t
    rng = np.random.default_rng(seed)
    cot = rng.standard_normal(tuple(outs_t[0].shape)).astype(np.float32)
    outs_o[0].backward(ft.tensor(cot))
    outs_t[0].backward(torch.tensor(cot))
    for xo, xt in pairs:
        if xt.requires_grad:
            assert xo.grad is not None, "input gradient missing"
            np.testing.assert_allclose(as_np(xo.grad), as_np(xt.grad), **grad_tol)
    ours_params = dict(ours.named_parameters())
    for name, pt in theirs.named_parameters():
        po = ours_params[name]
        if pt.grad is None:
            assert po.grad is None or np.allclose(as_np(po.grad), 0), name
            continue
        assert po.grad is not None, f"no gradient for {name}"
        np.testing.assert_allclose(
            as_np(po.grad), as_np(pt.grad), err_msg=name, **grad_tol
        )
    return out_o, out_t


def randn(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
