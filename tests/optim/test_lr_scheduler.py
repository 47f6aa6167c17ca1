"""Every scheduler against ``torch.optim.lr_scheduler``: lrs (and momenta) per step."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from _optim_parity import STEPS, assert_close, make_pair, set_grads

from functorch_lite import optim

# Learning rates are pure Python float arithmetic with the same expressions as
# PyTorch, so they must agree to double-precision rounding.
LR_RTOL = 1e-12


def _lambda(epoch: int) -> float:
    return 0.95**epoch


def _mult(epoch: int) -> float:
    return 0.97


# Each case builds a scheduler from a module (ours or torch's) and an optimizer.
Factory = Callable[[Any, Any], Any]
CASES: dict[str, tuple[str, Factory]] = {
    "StepLR": ("SGD", lambda m, o: m.StepLR(o, step_size=7, gamma=0.5)),
    "MultiStepLR": ("SGD", lambda m, o: m.MultiStepLR(o, [3, 8, 8, 20], gamma=0.5)),
    "ExponentialLR": ("SGD", lambda m, o: m.ExponentialLR(o, gamma=0.9)),
    "CosineAnnealingLR": (
        "SGD",
        lambda m, o: m.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    ),
    "CosineAnnealingWarmRestarts": (
        "SGD",
        lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=1e-3),
    ),
    "OneCycleLR": ("SGD", lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=31)),
    "OneCycleLR-three_phase-linear-Adam": (
        "Adam",
        lambda m, o: m.OneCycleLR(
            o,
            max_lr=[0.05, 0.02],
            total_steps=40,
            three_phase=True,
            anneal_strategy="linear",
        ),
    ),  # fmt: skip
    "CyclicLR-triangular2": (
        "SGD",
        lambda m, o: m.CyclicLR(
            o, base_lr=0.01, max_lr=0.1, step_size_up=4, mode="triangular2"
        ),
    ),
    "CyclicLR-exp_range-Adam": (
        "Adam",
        lambda m, o: m.CyclicLR(
            o,
            base_lr=0.01,
            max_lr=[0.1, 0.05],
            step_size_up=3,
            step_size_down=5,
            mode="exp_range",
            gamma=0.9,
        ),
    ),  # fmt: skip
    "LambdaLR": ("SGD", lambda m, o: m.LambdaLR(o, lr_lambda=_lambda)),
    "MultiplicativeLR": ("SGD", lambda m, o: m.MultiplicativeLR(o, lr_lambda=_mult)),
    "LinearLR": ("SGD", lambda m, o: m.LinearLR(o, start_factor=0.2, total_iters=6)),
    "ConstantLR": ("SGD", lambda m, o: m.ConstantLR(o, factor=0.5, total_iters=4)),
    "PolynomialLR": ("SGD", lambda m, o: m.PolynomialLR(o, total_iters=12, power=2.0)),
    "SequentialLR": (
        "SGD",
        lambda m, o: m.SequentialLR(
            o,
            [m.LinearLR(o, start_factor=0.1, total_iters=5), m.ExponentialLR(o, 0.9)],
            milestones=[5],
        ),
    ),
    "ChainedScheduler": (
        "SGD",
        lambda m, o: m.ChainedScheduler(
            [m.ConstantLR(o, factor=0.5, total_iters=4), m.ExponentialLR(o, 0.9)]
        ),
    ),
}

# A validation metric that improves, plateaus, improves, plateaus.
METRICS = [1.0, 0.8, 0.7, 0.7, 0.71, 0.7, 0.69, 0.6, 0.6, 0.6, 0.61, 0.6] * 3


def make_optimizers(kind: str) -> tuple:
    ours, theirs = make_pair()
    kwargs: dict[str, Any] = {"lr": 0.1}
    if kind == "SGD":
        kwargs["momentum"] = 0.9
    groups = [{"params": ours[:2]}, {"params": ours[2:], "lr": 0.05}]
    tgroups = [{"params": theirs[:2]}, {"params": theirs[2:], "lr": 0.05}]
    opt = getattr(optim, kind)(groups, **kwargs)
    topt = getattr(torch.optim, kind)(tgroups, **kwargs)
    return ours, theirs, opt, topt


def assert_groups_match(opt: Any, topt: Any, where: str) -> None:
    for key in ("lr", "momentum", "betas", "initial_lr"):
        ours = [g.get(key) for g in opt.param_groups]
        theirs = [g.get(key) for g in topt.param_groups]
        assert [x is None for x in ours] == [x is None for x in theirs], (where, key)
        np.testing.assert_allclose(
            np.array([x for x in ours if x is not None], dtype=np.float64),
            np.array([x for x in theirs if x is not None], dtype=np.float64),
            rtol=LR_RTOL,
            err_msg=f"{where}: {key}",
        )


@pytest.mark.parametrize("name", list(CASES))
def test_scheduler_matches_torch(name: str) -> None:
    kind, factory = CASES[name]
    ours, theirs, opt, topt = make_optimizers(kind)
    sched = factory(optim.lr_scheduler, opt)
    tsched = factory(torch.optim.lr_scheduler, topt)
    assert_groups_match(opt, topt, "after construction")
    for step in range(STEPS):
        set_grads(ours, theirs, step)
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
        assert_groups_match(opt, topt, f"step {step}")
        np.testing.assert_allclose(
            sched.get_last_lr(), tsched.get_last_lr(), rtol=LR_RTOL
        )
    assert getattr(sched, "last_epoch", None) == getattr(tsched, "last_epoch", None)
    # The optimizer saw every scheduled lr/momentum: parameters agree too.
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"{name} param {i}")


@pytest.mark.parametrize("mode", ["min", "max"])
def test_reduce_lr_on_plateau_matches_torch(mode: str) -> None:
    _, _, opt, topt = make_optimizers("SGD")
    kwargs = {"mode": mode, "factor": 0.5, "patience": 1, "cooldown": 1}
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.0, 0.02], **kwargs)
    tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        topt, min_lr=[0.0, 0.02], **kwargs
    )
    sign = 1.0 if mode == "min" else -1.0
    for step, metric in enumerate(METRICS):
        sched.step(sign * metric)
        tsched.step(sign * metric)
        assert_groups_match(opt, topt, f"step {step}")
        assert sched.get_last_lr() == tsched.get_last_lr()
    assert sched.num_bad_epochs == tsched.num_bad_epochs
    assert sched.best == tsched.best


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "CosineAnnealingLR"])
def test_explicit_epoch_uses_closed_form_like_torch(name: str) -> None:
    kind, factory = CASES[name]
    _, _, opt, topt = make_optimizers(kind)
    sched = factory(optim.lr_scheduler, opt)
    tsched = factory(torch.optim.lr_scheduler, topt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in [3, 9, 4, 15]:
            sched.step(epoch)
            tsched.step(epoch)
            assert_groups_match(opt, topt, f"epoch {epoch}")


@pytest.mark.parametrize(
    "name", ["CosineAnnealingLR", "SequentialLR", "CyclicLR-triangular2"]
)
def test_scheduler_state_dict_resumes(name: str) -> None:
    kind, factory = CASES[name]
    _, _, opt, topt = make_optimizers(kind)
    sched = factory(optim.lr_scheduler, opt)
    tsched = factory(torch.optim.lr_scheduler, topt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no optimizer.step in this test
        for _ in range(7):
            sched.step()
            tsched.step()
        saved, opt_saved = sched.state_dict(), opt.state_dict()
        _, _, opt2, _ = make_optimizers(kind)
        sched2 = factory(optim.lr_scheduler, opt2)
        opt2.load_state_dict(opt_saved)
        sched2.load_state_dict(saved)
        for step in range(7):
            sched2.step()
            tsched.step()
            assert_groups_match(opt2, topt, f"resumed step {step}")


def test_scheduler_before_optimizer_warns_like_torch() -> None:
    _, _, opt, _ = make_optimizers("SGD")
    sched = optim.lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()


def test_tensor_lr_is_filled_in_place() -> None:
    from _optim_parity import ours_tensor

    ours, _ = make_pair()
    lr = ours_tensor(0.1)
    opt = optim.SGD(ours, lr=lr)
    sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr
    np.testing.assert_allclose(np.asarray(lr.jax()), 0.05, rtol=1e-6)


def test_scheduler_errors_match_torch() -> None:
    _, _, opt, topt = make_optimizers("SGD")
    cases = [
        lambda m, o: m.ConstantLR(o, factor=2.0),
        lambda m, o: m.LinearLR(o, start_factor=0.0),
        lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=0),
        lambda m, o: m.OneCycleLR(o, max_lr=0.1),
        lambda m, o: m.CyclicLR(o, 0.1, [0.1], step_size_up=2),
        lambda m, o: m.ReduceLROnPlateau(o, factor=1.5),
        lambda m, o: m.StepLR(o, step_size=1, last_epoch=3),
    ]
    for make in cases:
        with pytest.raises((ValueError, KeyError, TypeError)) as torch_err:
            make(torch.optim.lr_scheduler, topt)
        with pytest.raises(type(torch_err.value)) as ours_err:
            make(optim.lr_scheduler, opt)
        assert str(ours_err.value) == str(torch_err.value)
