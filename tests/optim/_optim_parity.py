"""Shared parity helper: run one of our optimizers and ``torch.optim``'s side by side.

Both start from the same float32 weights (via numpy) and receive, every step, the
gradient of the same fixed loss evaluated at their own current weights, so any
divergence in the update rule compounds over the steps and shows up in the final
parameters and state.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

import functorch_lite
from functorch_lite import Tensor

# Parameters are O(1) and move by O(lr) per step; float32 rounding differs between
# XLA and ATen only in the last ulps, compounded over STEPS steps.
RTOL = 1e-5
ATOL = 1e-6
STEPS = 30

# Shapes include a 0-d parameter. Index GRAD_NONE requires grad but never gets one;
# index FROZEN has requires_grad=False: PyTorch skips both and creates no state.
SHAPES = [(3, 4), (5,), (), (2, 3, 2), (4,), (2,)]
GRAD_NONE = 4
FROZEN = 5


def initial_weights(seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in SHAPES]


def ours_tensor(a: Any, requires_grad: bool = False) -> Tensor:
    return functorch_lite.tensor(
        np.asarray(a, dtype=np.float32), requires_grad=requires_grad
    )


def make_pair(seed: int = 0) -> tuple[list[Tensor], list[torch.Tensor]]:
    weights = initial_weights(seed)
    ours = [ours_tensor(w, requires_grad=i != FROZEN) for i, w in enumerate(weights)]
    theirs = [torch.tensor(w, requires_grad=i != FROZEN) for i, w in enumerate(weights)]
    return ours, theirs


def loss_grad(w: np.ndarray, step: int, i: int) -> np.ndarray:
    """Gradient of a fixed quadratic-plus-linear loss, with a step-dependent drift."""
    scale = np.float32(1.5 + 0.25 * i)
    drift = np.float32(np.cos(0.7 * step + i))
    return np.asarray(scale * w + drift, dtype=np.float32)


def set_grads(ours: list[Tensor], theirs: list[torch.Tensor], step: int) -> None:
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        if i in (GRAD_NONE, FROZEN):
            continue
        p.grad = ours_tensor(loss_grad(np.asarray(p.jax()), step, i))
        q.grad = torch.from_numpy(loss_grad(q.detach().numpy(), step, i))


def assert_close(ours: Any, theirs: Any, what: str) -> None:
    a = np.asarray(ours.jax() if isinstance(ours, Tensor) else ours)
    b = (
        theirs.detach().numpy()
        if isinstance(theirs, torch.Tensor)
        else np.asarray(theirs)
    )
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs torch {b.shape}"
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=what)


def assert_same_state(opt: Any, topt: torch.optim.Optimizer) -> None:
    """Same parameters with state, same state names, same values."""
    ours_sd, torch_sd = opt.state_dict(), topt.state_dict()
    assert sorted(ours_sd["state"]) == sorted(torch_sd["state"])
    for k, tstate in torch_sd["state"].items():
        state = ours_sd["state"][k]
        assert sorted(state) == sorted(tstate), f"param {k} state keys"
        for name, value in tstate.items():
            if isinstance(value, torch.Tensor):
                assert_close(state[name], value, f"param {k} state {name!r}")
                assert state[name].jax().dtype == np.dtype(str(value.dtype)[6:])
            else:
                assert state[name] == value


def torch_state_dict_to_numpy(sd: dict[str, Any]) -> dict[str, Any]:
    """A torch optimizer state_dict with every tensor converted to numpy."""
    state = {
        k: {
            n: v.numpy().copy() if isinstance(v, torch.Tensor) else v
            for n, v in s.items()
        }
        for k, s in sd["state"].items()
    }
    return {"state": state, "param_groups": [dict(g) for g in sd["param_groups"]]}


def ours_state_dict_to_torch(sd: dict[str, Any]) -> dict[str, Any]:
    """Our state_dict converted to a torch one (tensors through numpy)."""
    state = {
        k: {
            n: torch.tensor(np.asarray(v.jax())) if isinstance(v, Tensor) else v
            for n, v in s.items()
        }
        for k, s in sd["state"].items()
    }
    return {"state": state, "param_groups": [dict(g) for g in sd["param_groups"]]}
