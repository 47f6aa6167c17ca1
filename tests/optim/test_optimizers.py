"""Every optimizer (and option variant) against ``torch.optim`` over 30 steps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from _optim_parity import (
    FROZEN,
    GRAD_NONE,
    STEPS,
    assert_close,
    assert_same_state,
    make_pair,
    set_grads,
)

from functorch_lite import optim

CASES: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "maximize": True}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "maximize": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.2, "amsgrad": True, "maximize": True}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.05, "maximize": True}),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "betas": (0.9, 0.9)}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.95, "weight_decay": 0.1, "maximize": True}),
]


def _ids(case: tuple[str, dict[str, Any]]) -> str:
    name, kwargs = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def make_optimizers(name: str, kwargs: dict[str, Any], seed: int = 0) -> tuple:
    ours, theirs = make_pair(seed)
    return (
        ours,
        theirs,
        getattr(optim, name)(ours, **kwargs),
        getattr(torch.optim, name)(theirs, **kwargs),
    )


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_matches_torch_over_30_steps(case: tuple[str, dict[str, Any]]) -> None:
    name, kwargs = case
    ours, theirs, opt, topt = make_optimizers(name, kwargs)
    for step in range(STEPS):
        set_grads(ours, theirs, step)
        opt.step()
        topt.step()
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"{name} param {i}")
    assert_same_state(opt, topt)
    # Skipped parameters really were left alone (and got no state, but Adagrad
    # creates state eagerly in its constructor, as PyTorch does).
    for i in (GRAD_NONE, FROZEN):
        assert_close(ours[i], theirs[i].detach().numpy(), f"skipped param {i}")


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_repr_and_param_groups_match_torch(case: tuple[str, dict[str, Any]]) -> None:
    name, kwargs = case
    _, _, opt, topt = make_optimizers(name, kwargs)
    assert repr(opt) == repr(topt)
    ours_groups = opt.state_dict()["param_groups"]
    assert ours_groups == topt.state_dict()["param_groups"]


@pytest.mark.parametrize("name", sorted({c[0] for c in CASES}))
def test_invalid_learning_rate_message(name: str) -> None:
    ours, theirs = make_pair()
    with pytest.raises(ValueError) as torch_err:
        getattr(torch.optim, name)(theirs, lr=-1.0)
    with pytest.raises(ValueError, match="Invalid learning rate: -1.0") as ours_err:
        getattr(optim, name)(ours, lr=-1.0)
    assert str(ours_err.value) == str(torch_err.value)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("SGD", {"lr": 0.1, "nesterov": True}),
        ("SGD", {"lr": 0.1, "momentum": -0.5}),
        ("Adam", {"betas": (1.0, 0.999)}),
        ("Adam", {"eps": -1.0}),
        ("AdamW", {"weight_decay": -1.0}),
        ("RMSprop", {"alpha": -0.1}),
        ("Adagrad", {"initial_accumulator_value": -1.0}),
        ("Adadelta", {"rho": 1.5}),
        ("NAdam", {"momentum_decay": -1.0}),
        ("Adam", {"fused": True, "foreach": True}),
    ],
)
def test_bad_hyperparameters_raise_torch_errors(name: str, kwargs: dict) -> None:
    ours, theirs = make_pair()
    with pytest.raises((ValueError, RuntimeError)) as torch_err:
        getattr(torch.optim, name)(theirs, **kwargs)
    with pytest.raises(type(torch_err.value)) as ours_err:
        getattr(optim, name)(ours, **kwargs)
    assert str(ours_err.value) == str(torch_err.value)


def test_tensor_lr_matches_torch() -> None:
    from _optim_parity import ours_tensor

    ours, theirs = make_pair()
    lr, tlr = ours_tensor(0.05), torch.tensor(0.05)
    opt = optim.Adam(ours, lr=lr)
    topt = torch.optim.Adam(theirs, lr=tlr)
    for step in range(5):
        set_grads(ours, theirs, step)
        opt.step()
        topt.step()
        if step == 2:  # a Tensor lr changed in place is seen by the next step
            lr.fill_(0.01)
            tlr.fill_(0.01)
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"param {i}")


def test_param_groups_with_own_options_match_torch() -> None:
    ours, theirs = make_pair()
    opt = optim.SGD(
        [{"params": ours[:2]}, {"params": ours[2:], "lr": 0.01, "momentum": 0.5}],
        lr=0.1,
        momentum=0.9,
    )
    topt = torch.optim.SGD(
        [{"params": theirs[:2]}, {"params": theirs[2:], "lr": 0.01, "momentum": 0.5}],
        lr=0.1,
        momentum=0.9,
    )
    for step in range(10):
        set_grads(ours, theirs, step)
        opt.step()
        topt.step()
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"param {i}")
    assert_same_state(opt, topt)


def test_add_param_group_fills_defaults_and_rejects_duplicates() -> None:
    ours, _ = make_pair()
    opt = optim.Adam(ours[:2], lr=0.1)
    opt.add_param_group({"params": ours[2:4], "lr": 0.5})
    assert opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [ours[0]]})
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {ours[4]}})
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)


def test_zero_grad_none_and_zeros() -> None:
    ours, theirs = make_pair()
    opt = optim.SGD(ours, lr=0.1)
    set_grads(ours, theirs, 0)
    opt.zero_grad(set_to_none=False)
    assert np.all(np.asarray(ours[0].grad.jax()) == 0)
    assert ours[GRAD_NONE].grad is None
    opt.zero_grad()
    assert all(p.grad is None for p in ours)


def test_closure_returns_loss_and_runs_before_update() -> None:
    ours, theirs = make_pair()
    opt = optim.SGD(ours, lr=0.1)
    calls = []

    def closure() -> float:
        calls.append(np.asarray(ours[0].jax()).copy())
        set_grads(ours, theirs, 0)
        return 3.0

    assert opt.step(closure) == 3.0
    np.testing.assert_array_equal(calls[0], make_pair()[0][0].jax())
    assert opt.step() is None
