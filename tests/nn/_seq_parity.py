"""Parity helper for the sequence models (RNNs, attention, transformers).

Like ``_nn_parity.check_module`` but for modules with nested outputs (``(out, (h, c))``)
and several inputs: every output leaf gets its own random cotangent, so gradients
through the final states are checked as well as through the output sequence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

import functorch_lite as ft

#: Recurrent stacks chain T matmuls and nonlinearities; XLA and ATen reduce in a
#: different order, so a few ulp grow over the steps.
FWD = {"rtol": 1e-4, "atol": 1e-5}
GRAD = {"rtol": 1e-4, "atol": 1e-5}


def as_np(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy(), copy=True)


def leaves(x: Any) -> list[Any]:
    if isinstance(x, (tuple, list)):
        return [y for item in x for y in leaves(item)]
    return [] if x is None else [x]


def check(
    ours: Any,
    theirs: torch.nn.Module,
    inputs: Sequence[Any],
    kwargs: dict[str, Any] | None = None,
    *,
    grad_inputs: bool = True,
    fwd_tol: dict[str, float] | None = None,
    grad_tol: dict[str, float] | None = None,
    seed: int = 0,
) -> tuple[Any, Any]:
    """Copy torch's weights, compare outputs, then all input and parameter grads.

    ``inputs`` are numpy arrays (float ones get ``requires_grad`` when
    ``grad_inputs``) or None; ``kwargs`` values are numpy arrays (masks) passed to both.
    """
    fwd_tol = fwd_tol or FWD
    grad_tol = grad_tol or GRAD
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(theirs.state_dict())
    pairs = []
    for x in inputs:
        if x is None:
            pairs.append((None, None))
            continue
        x = np.asarray(x)
        rg = grad_inputs and np.issubdtype(x.dtype, np.floating)
        pairs.append(
            (ft.tensor(x, requires_grad=rg), torch.tensor(x, requires_grad=rg))
        )
    kw_o = {k: ft.tensor(v) if isinstance(v, np.ndarray) else v
            for k, v in (kwargs or {}).items()}  # fmt: skip
    kw_t = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v
            for k, v in (kwargs or {}).items()}  # fmt: skip
    out_o = ours(*[p[0] for p in pairs], **kw_o)
    out_t = theirs(*[p[1] for p in pairs], **kw_t)
    lo, lt = leaves(out_o), leaves(out_t)
    assert len(lo) == len(lt)
    for a, b in zip(lo, lt):
        assert tuple(a.shape) == tuple(b.shape), (tuple(a.shape), tuple(b.shape))
        np.testing.assert_allclose(as_np(a), as_np(b), **fwd_tol)
    rng = np.random.default_rng(seed)
    loss_o, loss_t = 0, 0
    for a, b in zip(lo, lt):
        if not b.requires_grad:
            continue
        cot = rng.standard_normal(tuple(b.shape)).astype(np.float32)
        loss_o = loss_o + (a * ft.tensor(cot)).sum()
        loss_t = loss_t + (b * torch.tensor(cot)).sum()
    loss_o.backward()
    loss_t.backward()
    for i, (xo, xt) in enumerate(pairs):
        if xt is not None and xt.requires_grad:
            assert xo.grad is not None, f"input {i}: gradient missing"
            np.testing.assert_allclose(
                as_np(xo.grad), as_np(xt.grad), err_msg=f"input {i}", **grad_tol
            )
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
