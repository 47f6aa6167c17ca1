"""explain (re-trace causes), aot_compile, compile modes (FastCall), bucketing."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from _models import MLP, batch, train_step

import functorch_lite as fl
from functorch_lite import lowering
from functorch_lite.transforms import CompiledFunction
from functorch_lite.transforms._modes import FastCall, compiler_options, settings

RTOL, ATOL = 1e-5, 1e-6  # float32, a few steps of the same math


def make(seed=0):
    fl.manual_seed(seed)
    model = MLP()
    optimizer = fl.optim.Adam(model.parameters(), lr=1e-2)
    return model, optimizer


def test_explain_names_the_retrace_cause_when_the_batch_changes():
    model, optimizer = make()
    step = fl.compile(train_step(model, optimizer))
    x8, y8 = batch(8)
    step(x8, y8)
    step(x8, y8)
    x5, y5 = batch(5)
    report = lowering.explain(step, x5, y5)
    assert report.graph_count == 2 and report.traces == 2
    (cause,) = report.retrace_causes
    assert "argument leaf 0" in cause and "(8, 4)" in cause and "(5, 4)" in cause
    text = str(report)
    assert "re-trace 1: guard failed on argument leaf 0" in text
    assert report.fallbacks == [] and report.hlo_ops > 0 and report.flops > 0
    assert report.memory["argument_bytes"] > 0


def test_explain_with_dynamic_true_reports_no_retrace_for_a_new_batch():
    model, optimizer = make()
    step = fl.compile(train_step(model, optimizer), dynamic=True)
    x8, y8 = batch(8)
    step(x8, y8)
    step(x8, y8)
    report = lowering.explain(step, *batch(5))
    assert report.graph_count == 2 and report.traces == 1
    assert report.retrace_causes == [] and report.symbolic_programs == 1
    assert "symbolic-batch program" in str(report)


def test_explain_lists_eager_fallbacks():
    def f(x):
        if x.sum() > 0:  # a graph break: Python branch on a tensor value
            return x * 2
        return x

    step = fl.compile(f)
    x = fl.ones(3)
    step(x)
    with pytest.warns(UserWarning, match="could not trace"):
        step(x)
    with pytest.raises(RuntimeError, match="falls back to eager"):
        lowering.explain(step, x)
    assert len(step.fallbacks) == 1 and "x.sum() > 0" in step.fallbacks[0]


def test_aot_compile_first_call_does_not_trace():
    lin = fl.nn.Linear(3, 2)
    x = fl.ones(4, 3)
    fast = lowering.aot_compile(lin, x)
    traces = fast.traces
    out = fast(fl.full((4, 3), 2.0))
    assert fast.traces == traces  # compiled ahead: the call ran the executable
    ref = lin(fl.full((4, 3), 2.0))
    np.testing.assert_allclose(
        out.detach().numpy(), ref.detach().numpy(), rtol=RTOL, atol=ATOL
    )


# The scheduler cannot see optimizer.step() calls made inside a compiled program.
@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)`")
def test_reduce_overhead_fast_call_matches_default():
    m1, o1 = make()
    m2, o2 = make()
    default = CompiledFunction(train_step(m1, o1))
    fast = lowering.aot_compile(train_step(m2, o2), *batch(8), mode="reduce-overhead")
    default(*batch(8))  # the same discovery step as aot_compile's
    assert isinstance(fast, FastCall)
    sched = fl.optim.lr_scheduler.StepLR(o2, step_size=1, gamma=0.5)
    sched1 = fl.optim.lr_scheduler.StepLR(o1, step_size=1, gamma=0.5)
    for i in range(4):
        x, y = batch(8 if i != 2 else 6, seed=i)  # one re-trace on the way
        a, b = default(x, y), fast(x, y)
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=RTOL, atol=ATOL)
        sched.step()
        sched1.step()
    for p1, p2 in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_allclose(
            p2.detach().numpy(), p1.detach().numpy(), rtol=RTOL, atol=ATOL
        )
        np.testing.assert_allclose(
            p2.grad.numpy(), p1.grad.numpy(), rtol=RTOL, atol=ATOL
        )
    assert fast._compiled.traces == 2  # batch 8, batch 6; lr changes never re-trace


def test_mode_settings():
    assert compiler_options("max-autotune", "gpu") == {"xla_gpu_autotune_level": 4}
    assert compiler_options("max-autotune", "cpu") == {}
    assert (
        settings(None) == settings("default") and settings("reduce-overhead").fast_call
    )
    with pytest.raises(ValueError, match="unknown mode 'fast'"):
        settings("fast")


def test_bucketing_keeps_one_program_and_masked_loss_is_exact():
    fl.manual_seed(0)
    lin = fl.nn.Linear(4, 3)
    ref = torch.nn.Linear(4, 3)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(lin.weight.detach().numpy()))
        ref.bias.copy_(torch.tensor(lin.bias.detach().numpy()))
    pad = lowering.bucket([8, 16])

    def loss_fn(x, y, mask):
        per = fl.nn.functional.cross_entropy(lin(x), y, reduction="none")
        return (per * mask).sum() / mask.sum()

    step = fl.compile(loss_fn)
    for n in (5, 7, 8, 3):
        x, y = batch(n, seed=n)
        xp, yp, mask = pad(x, y)
        assert xp.shape == (8, 4) and mask.numpy().sum() == n
        got = step(xp, yp, mask.float())
        want = torch.nn.functional.cross_entropy(
            ref(torch.tensor(x.numpy())), torch.tensor(y.numpy())
        )
        np.testing.assert_allclose(
            got.detach().numpy(), want.item(), rtol=RTOL, atol=ATOL
        )
    assert step.traces == 1
    with pytest.raises(ValueError, match="larger than the largest bucket 16"):
        pad(fl.ones(17, 2))
