"""Optimizer ``state_dict``/``load_state_dict``: round trips, and checkpoints moving
between our optimizers and ``torch.optim`` (tensors converted through numpy)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
import torch
from _optim_parity import (
    FROZEN,
    assert_close,
    assert_same_state,
    make_pair,
    ours_state_dict_to_torch,
    ours_tensor,
    set_grads,
    torch_state_dict_to_numpy,
)

from functorch_lite import optim

# One state-rich configuration per optimizer, each with the same structural flags as a
# case of test_optimizers.py, so the compiled update is shared (compile time dominates).
CONFIGS: dict[str, dict[str, Any]] = {
    "SGD": {"lr": 0.05, "momentum": 0.9},
    "Adam": {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1},
    "AdamW": {"lr": 0.05},
    "Adamax": {"lr": 0.05},
    "NAdam": {"lr": 0.05},
    "RAdam": {"lr": 0.05},
    "RMSprop": {"lr": 0.01, "centered": True, "momentum": 0.5, "maximize": True},
    "Adagrad": {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1},
    "Adadelta": {"lr": 0.5},
}
WARMUP = 7  # steps before the checkpoint; step 6 is past RAdam's rectification switch
AFTER = 5


def _copy_params_from_torch(theirs: list[torch.Tensor]) -> list[Any]:
    return [
        ours_tensor(q.detach().numpy(), requires_grad=i != FROZEN)
        for i, q in enumerate(theirs)
    ]


@pytest.mark.parametrize("name", list(CONFIGS))
def test_load_torch_checkpoint_and_continue(name: str) -> None:
    _, theirs = make_pair()
    topt = getattr(torch.optim, name)(theirs, **CONFIGS[name])
    scratch, _ = make_pair()
    for step in range(WARMUP):
        set_grads(scratch, theirs, step)
        topt.step()
    ours = _copy_params_from_torch(theirs)
    opt = getattr(optim, name)(ours, **CONFIGS[name])
    opt.load_state_dict(torch_state_dict_to_numpy(topt.state_dict()))
    assert_same_state(opt, topt)
    for step in range(WARMUP, WARMUP + AFTER):
        set_grads(ours, theirs, step)
        opt.step()
        topt.step()
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"{name} param {i}")
    assert_same_state(opt, topt)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_torch_loads_our_checkpoint_and_continues(name: str) -> None:
    ours, _ = make_pair()
    opt = getattr(optim, name)(ours, **CONFIGS[name])
    _, scratch = make_pair()
    for step in range(WARMUP):
        set_grads(ours, scratch, step)
        opt.step()
    theirs = [
        torch.tensor(np.asarray(p.jax()), requires_grad=i != FROZEN)
        for i, p in enumerate(ours)
    ]
    topt = getattr(torch.optim, name)(theirs, **CONFIGS[name])
    topt.load_state_dict(ours_state_dict_to_torch(opt.state_dict()))
    for step in range(WARMUP, WARMUP + AFTER):
        set_grads(ours, theirs, step)
        opt.step()
        topt.step()
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"{name} param {i}")
    assert_same_state(opt, topt)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_round_trip_continues_exactly(name: str) -> None:
    ours, theirs = make_pair()
    opt = getattr(optim, name)(ours, **CONFIGS[name])
    for step in range(WARMUP):
        set_grads(ours, theirs, step)
        opt.step()
    saved = copy.deepcopy(opt.state_dict())
    frozen = {
        (k, n): np.array(v.jax())
        for k, st in saved["state"].items()
        for n, v in st.items()
    }
    clones = [ours_tensor(np.asarray(p.jax()), p.requires_grad) for p in ours]
    opt2 = getattr(optim, name)(clones, **CONFIGS[name])
    opt2.load_state_dict(saved)
    for step in range(WARMUP, WARMUP + AFTER):
        set_grads(ours, theirs, step)
        set_grads(clones, theirs, step)
        opt.step()
        opt2.step()
    for p, q in zip(ours, clones, strict=True):
        np.testing.assert_array_equal(np.asarray(p.jax()), np.asarray(q.jax()))
    # Stepping either optimizer must not have changed (or deleted) the saved copy.
    for (k, n), value in frozen.items():
        np.testing.assert_array_equal(np.asarray(saved["state"][k][n].jax()), value)


def test_state_is_pytorch_layout() -> None:
    ours, theirs = make_pair()
    opt = optim.Adam(ours, lr=0.1)
    set_grads(ours, theirs, 0)
    opt.step()
    state = opt.state[ours[0]]
    assert sorted(state) == ["exp_avg", "exp_avg_sq", "step"]
    assert state["step"].jax().shape == ()
    assert state["step"].jax().dtype == np.float32
    assert float(np.asarray(state["step"].jax())) == 1.0
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == list(range(len(ours)))


def test_load_rejects_mismatched_groups() -> None:
    ours, _ = make_pair()
    opt = optim.SGD(ours, lr=0.1)
    other = optim.SGD(ours[:2], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size"):
        opt.load_state_dict(other.state_dict())
    two_groups = optim.SGD([{"params": ours[:2]}, {"params": ours[2:]}], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(two_groups.state_dict())
