"""The update is ONE compiled call per param group, never recompiled when a scheduler
changes a hyperparameter, and ``step()`` runs unchanged on JAX tracers."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from _optim_parity import assert_close, make_pair, ours_tensor, set_grads

from functorch_lite import optim
from functorch_lite.optim import _fused
from functorch_lite.optim._rules import _adam, _sgd


def test_one_compiled_call_per_param_group(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = _fused.compiled_update

    def spy(update, **static):
        fn = real(update, **static)

        def counted(*args):
            calls.append(update)
            return fn(*args)

        return counted

    monkeypatch.setattr(_fused, "compiled_update", spy)
    ours, theirs = make_pair()
    opt = optim.Adam([{"params": ours[:3]}, {"params": ours[3:], "lr": 0.01}], lr=0.1)
    for step in range(3):
        set_grads(ours, theirs, step)
        opt.step()
    assert calls == [_adam] * 6


def _count_traces(monkeypatch: pytest.MonkeyPatch, rule: Any) -> list[int]:
    """Record each run of ``rule.update``'s Python body: it runs only when traced."""
    traces: list[int] = []
    real = rule.update

    def traced(*args: Any, **kwargs: Any) -> Any:
        traces.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(rule, "update", traced)
    return traces


def test_changing_hyperparameters_does_not_recompile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Shapes no other test uses, so the first steps here really trace.
    rng = np.random.default_rng(3)
    weights = [rng.standard_normal(s).astype(np.float32) for s in [(7, 3), (11,)]]
    ours = [ours_tensor(w, requires_grad=True) for w in weights]
    opt = optim.SGD(ours, lr=0.1, momentum=0.9, dampening=0.1)
    sched = optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2)
    traces = _count_traces(monkeypatch, _sgd)
    lrs, momenta = set(), set()
    for step in range(8):
        if step == 2:
            # Two traces: the first step (no momentum buffers yet), then the rest.
            assert len(traces) == 2
        for p in ours:
            p.grad = ours_tensor(np.cos(step) * np.asarray(p.jax()))
        opt.step()
        sched.step()
        lrs.add(opt.param_groups[0]["lr"])
        momenta.add(opt.param_groups[0]["momentum"])
    assert len(lrs) > 2 and len(momenta) > 2
    assert len(traces) == 2


def test_adam_betas_schedule_does_not_recompile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours, theirs = make_pair(seed=7)
    ours = [ours_tensor(np.ones((9, 2)), requires_grad=True)] + ours[:2]
    theirs = [torch.ones(9, 2, requires_grad=True)] + theirs[:2]
    opt = optim.Adam(ours, lr=0.1, amsgrad=True, maximize=True)
    sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=10)
    traces = _count_traces(monkeypatch, _adam)
    counts = []
    for step in range(6):
        for p, q in zip(ours, theirs, strict=True):
            p.grad = ours_tensor(np.full(p.shape, np.cos(step)))
            q.grad = torch.full(q.shape, float(np.cos(step)))
        opt.step()
        sched.step()
        counts.append(len(traces))
    betas = {g["betas"][0] for g in opt.param_groups}
    assert len(betas) == 1 and sched.get_last_lr() != [0.5 / 25]
    assert counts == [1] * 6  # compiled by the first step, never again


def test_step_runs_on_tracers_and_matches_eager() -> None:
    """Swap tracers into params, grads and state, trace ``opt.step()`` under jit."""
    ours, theirs = make_pair()
    opt = optim.Adam(ours, lr=0.05, amsgrad=True)
    topt = torch.optim.Adam(theirs, lr=0.05, amsgrad=True)
    set_grads(ours, theirs, 0)
    opt.step()  # eager first step creates the state, as a transform's discovery run
    topt.step()
    tensors = [p for p in ours if p.grad is not None]
    state = [t for p in tensors for t in opt.state[p].values()]

    def pure(params, grads, states, lr):
        for p, a in zip(tensors, params):
            p._rebind(a)
        for p, g in zip(tensors, grads):
            p.grad._rebind(g)
        for t, a in zip(state, states):
            t._rebind(a)
        opt.param_groups[0]["lr"] = lr_tensor
        lr_tensor._rebind(lr)
        opt.step()
        return [p.jax() for p in tensors], [t.jax() for t in state]

    lr_tensor = ours_tensor(0.05)
    traces = []
    jitted = jax.jit(lambda *args: traces.append(1) or pure(*args))
    for step in range(1, 4):
        set_grads(ours, theirs, step)
        outs = jitted(
            [p.jax() for p in tensors],
            [p.grad.jax() for p in tensors],
            [t.jax() for t in state],
            jnp.float32(0.05),
        )
        for p, a in zip(tensors, outs[0]):
            p._rebind(a)
        for t, a in zip(state, outs[1]):
            t._rebind(a)
        topt.step()
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"param {i}")
    assert len(traces) == 1  # the Python step ran once, at trace time
