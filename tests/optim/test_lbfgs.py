"""``LBFGS`` against ``torch.optim.LBFGS`` with and without the strong-Wolfe search."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from _optim_parity import FROZEN, GRAD_NONE, assert_close, make_pair, ours_tensor

from functorch_lite import optim

# A smooth convex non-quadratic loss (so the line search has work to do), evaluated
# in numpy on each side's current weights.
SCALES = [0.5, 2.0, 1.0, 3.0]

# LBFGS amplifies float32 rounding through dot products and curvature pairs (ATen's
# BLAS and XLA sum in different orders), so the tolerance is looser than for the
# first-order optimizers.
RTOL = 1e-4
ATOL = 1e-5


def loss_and_grads(weights: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    loss = np.float32(0)
    grads = []
    for w, scale in zip(weights, SCALES):
        drift = np.float32(0.3) * np.ones_like(w)
        loss += np.sum(0.25 * w**4 + 0.5 * scale * w**2 + drift * w, dtype=np.float32)
        grads.append(np.asarray(w**3 + scale * w + drift, dtype=np.float32))
    return float(loss), grads


def closures(ours: list[Any], theirs: list[torch.Tensor]) -> tuple:
    def ours_closure() -> float:
        loss, grads = loss_and_grads([np.asarray(p.jax()) for p in ours[:4]])
        for p, g in zip(ours, grads):
            p.grad = ours_tensor(g)
        return loss

    def torch_closure() -> float:
        loss, grads = loss_and_grads([q.detach().numpy() for q in theirs[:4]])
        for q, g in zip(theirs, grads):
            q.grad = torch.from_numpy(g)
        return loss

    return ours_closure, torch_closure


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr": 0.5, "max_iter": 5},
        {"lr": 1.0, "max_iter": 10, "history_size": 3},
        {"lr": 1.0, "max_iter": 10, "line_search_fn": "strong_wolfe"},
    ],
    ids=["plain", "short-history", "strong_wolfe"],
)
def test_lbfgs_matches_torch(kwargs: dict[str, Any]) -> None:
    ours, theirs = make_pair()
    opt = optim.LBFGS(ours, **kwargs)
    topt = torch.optim.LBFGS(theirs, **kwargs)
    ours_closure, torch_closure = closures(ours, theirs)
    for _ in range(3):
        loss = opt.step(ours_closure)
        tloss = topt.step(torch_closure)
        np.testing.assert_allclose(loss, tloss, rtol=RTOL)
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        np.testing.assert_allclose(
            np.asarray(p.jax()),
            q.detach().numpy(),
            rtol=RTOL,
            atol=ATOL,
            err_msg=f"{i}",
        )
    state, tstate = opt.state[ours[0]], topt.state[theirs[0]]
    assert state["n_iter"] == tstate["n_iter"]
    assert state["func_evals"] == tstate["func_evals"]
    assert len(state["old_dirs"]) == len(tstate["old_dirs"])
    # The parameters without gradient are treated as zero-gradient, as in PyTorch.
    for i in (GRAD_NONE, FROZEN):
        assert_close(ours[i], theirs[i], f"param {i}")


def test_lbfgs_rejects_groups_and_unknown_line_search() -> None:
    ours, _ = make_pair()
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": ours[:2]}, {"params": ours[2:]}])
    opt = optim.LBFGS(ours, line_search_fn="backtracking")
    ours_closure, _ = closures(ours, make_pair()[1])
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(ours_closure)
