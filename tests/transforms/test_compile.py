"""``compile``: a PyTorch-style training step as one XLA program, equal to eager."""

from __future__ import annotations

import warnings
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest
from _train import train_step

import functorch_lite as torch
from functorch_lite.nn.utils import clip_grad_norm_

RTOL, ATOL = 1e-5, 1e-6


def _data(n: int = 32, d: int = 6, c: int = 3, seed: int = 0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    return (torch.tensor(rng.standard_normal((n, d)).astype(np.float32)),
            torch.tensor(rng.integers(0, c, n)))  # fmt: skip


def _setup(
    dropout: float = 0.0, bn: bool = False, seed: int = 0
) -> tuple[Any, Any, Any]:
    torch.manual_seed(seed)
    # A bias before BatchNorm has zero gradient: Adam would amplify rounding noise.
    layers: list[Any] = [torch.nn.Linear(6, 16, bias=not bn)]
    if bn:
        layers.append(torch.nn.BatchNorm1d(16))
    layers += [torch.nn.ReLU(), torch.nn.Dropout(dropout), torch.nn.Linear(16, 3)]
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    return model, opt, torch.nn.CrossEntropyLoss()


def _train(compiled: bool, steps: int, **kw: Any) -> tuple[Any, list[float], Any]:
    model, opt, crit = _setup(**kw)
    x, y = _data()
    calls = {"n": 0}

    def step(x: Any, y: Any) -> Any:
        calls["n"] += 1
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss

    fn = torch.compile(step) if compiled else step
    losses = [float(fn(x, y)) for _ in range(steps)]
    return model, losses, (fn, calls)


def _params(model: Any) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def test_fifty_steps_equal_eager_and_body_runs_only_while_tracing() -> None:
    eager, l_e, _ = _train(False, 50)
    comp, l_c, (fn, calls) = _train(True, 50)
    for k, v in _params(eager).items():
        np.testing.assert_allclose(_params(comp)[k], v, rtol=RTOL, atol=ATOL, err_msg=k)
    np.testing.assert_allclose(l_c, l_e, rtol=RTOL, atol=ATOL)
    assert calls["n"] <= 4, "the Python body must not run again after warm-up"
    assert fn.traces == 1 and len(fn.programs) == 1
    # .grad and optimizer state were written back into the same objects
    for p in comp.parameters():
        assert p.grad is not None and p.grad.shape == p.shape
    assert all("exp_avg" in s for s in fn.participants[-1].state.values())


def test_dropout_fresh_masks_every_call_and_seed_reproduces_eager() -> None:
    _, l_e, _ = _train(False, 6, dropout=0.5, seed=3)
    _, l_c, (fn, _) = _train(True, 6, dropout=0.5, seed=3)
    np.testing.assert_allclose(l_c, l_e, rtol=RTOL, atol=ATOL)
    model, opt, crit = _setup(dropout=0.5)
    x, _ = _data()
    fwd = torch.compile(lambda x: model(x))
    outs = [fwd(x).detach().numpy() for _ in range(4)]
    assert not np.allclose(outs[2], outs[3]), "dropout must draw a new mask per call"


def test_batchnorm_running_stats_update_like_eager() -> None:
    eager, _, _ = _train(False, 5, bn=True)
    comp, _, _ = _train(True, 5, bn=True)
    pe, pc = _params(eager), _params(comp)
    for k in ("1.running_mean", "1.running_var", "1.num_batches_tracked"):
        np.testing.assert_allclose(pc[k], pe[k], rtol=RTOL, atol=ATOL, err_msg=k)
    assert int(pc["1.num_batches_tracked"]) == 5


def test_scheduler_changes_lr_without_recompiling() -> None:
    results = []
    for compiled in (False, True):
        model, opt, crit = _setup()
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
        x, y = _data()
        step = train_step(model, opt, crit)
        fn = torch.compile(step) if compiled else step
        for _ in range(8):
            fn(x, y)
            sched.step()
        results.append(_params(model))
        if compiled:
            assert fn.traces == 1, fn.retrace_causes
    for k in results[0]:
        np.testing.assert_allclose(results[1][k], results[0][k], rtol=RTOL, atol=ATOL)


def test_train_and_eval_select_different_programs() -> None:
    model, _, _ = _setup(dropout=0.5, bn=True)
    x, _ = _data()
    fwd = torch.compile(lambda x: model(x))
    model.train()
    fwd(x)
    fwd(x)
    model.eval()
    with torch.no_grad():
        expected = model(x).numpy()
        fwd(x)
        got = fwd(x).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    assert len(fwd.programs) == 2
    assert "training" in fwd.retrace_causes[-1] or "grad mode" in fwd.retrace_causes[-1]


def test_new_batch_shape_retraces_and_warns_after_eight() -> None:
    model, _, _ = _setup()
    fwd = torch.compile(lambda x: model(x))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(1, 13):
            fwd(torch.ones(n, 6))
            fwd(torch.ones(n, 6))
    messages = [str(w.message) for w in caught if "re-traced" in str(w.message)]
    assert messages and "argument leaf 0" in messages[0]
    assert fwd.traces == 12


def test_untraceable_code_falls_back_or_raises_with_fullgraph() -> None:
    def step(x: Any) -> Any:
        if (x.sum() > 0).item():
            return x * 2
        return x * 3

    f = torch.compile(step)
    x = torch.ones(3)
    f(x)
    with pytest.warns(UserWarning, match="test_compile.py"):
        out = f(x)
    np.testing.assert_allclose(out.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(f(-x).numpy(), [-3.0, -3.0, -3.0])
    g = torch.compile(step, fullgraph=True)
    g(x)
    with pytest.raises(torch.TracedValueError, match=r"test_compile.py:\d+.*item"):
        g(x)


def test_compiled_module_shares_state_and_backward_reaches_weights() -> None:
    model, _, crit = _setup()
    cmodel = torch.compile(model)
    x, y = _data()
    for _ in range(3):
        model.zero_grad()
        loss = crit(cmodel(x), y)
        loss.backward()
    got = {n: p.grad.numpy().copy() for n, p in model.named_parameters()}
    model.zero_grad()
    crit(model(x), y).backward()
    for n, p in model.named_parameters():
        np.testing.assert_allclose(
            got[n], p.grad.numpy(), rtol=RTOL, atol=ATOL, err_msg=n
        )
    assert list(cmodel.state_dict()) == ["_orig_mod." + k for k in model.state_dict()]
    assert cmodel.__dict__["_compiled_call"].traces == 1


def test_compiler_disable_runs_eagerly_inside() -> None:
    seen = []

    @torch.compiler.disable
    def log(t: Any) -> Any:
        seen.append(float(t.sum()))
        return t + 1

    f = torch.compile(lambda x: log(x * 2) * 3)
    x = torch.ones(2)
    for _ in range(3):
        out = f(x)
    np.testing.assert_allclose(out.numpy(), [9.0, 9.0])
    assert seen == [4.0, 4.0, 4.0]


def test_tied_parameters_stay_tied() -> None:
    torch.manual_seed(0)
    emb = torch.nn.Embedding(5, 4)
    head = torch.nn.Linear(4, 5, bias=False)
    head.weight = emb.weight
    opt = torch.optim.SGD(list(emb.parameters()), lr=0.1)
    idx = torch.tensor([0, 3, 1])

    @torch.compile
    def step(i: Any) -> Any:
        opt.zero_grad()
        loss = head(emb(i)).logsumexp(-1).mean()
        loss.backward()
        opt.step()
        return loss

    for _ in range(3):
        step(idx)
    assert head.weight is emb.weight
    program = next(iter(step.programs.values()))
    assert sum(t is emb.weight for t in program.state) == 1


def test_modes_give_the_same_numbers_and_unknown_modes_raise() -> None:
    results = {}
    for mode in (None, "reduce-overhead", "max-autotune"):
        model, opt, crit = _setup()
        x, y = _data()
        f = torch.compile(train_step(model, opt, crit), mode=mode)
        for _ in range(5):
            f(x, y)
        results[mode] = _params(model)
    for mode in ("reduce-overhead", "max-autotune"):
        for k, v in results[None].items():
            np.testing.assert_allclose(
                results[mode][k], v, rtol=RTOL, atol=ATOL, err_msg=k
            )
    with pytest.raises(ValueError, match="reduce-overhead"):
        torch.compile(lambda x: x, mode="fastest")


def test_scan_layers_keeps_state_dict_keys_and_outputs() -> None:
    torch.manual_seed(0)
    blocks = [
        torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.Tanh()) for _ in range(4)
    ]
    model = torch.nn.Sequential(*blocks)
    x = torch.randn(3, 8)
    with torch.no_grad():
        expected = model(x).numpy()
    keys = list(model.state_dict())
    compiled = torch.compile(model, scan_layers=True)
    with torch.no_grad():
        got = compiled(x).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert [k.removeprefix("_orig_mod.") for k in compiled.state_dict()] == keys


@pytest.mark.parametrize("mode", [None, "reduce-overhead"])
@pytest.mark.parametrize("zero_grad", ["none", "zeros", "accumulate"])
def test_grad_slots_match_eager_and_hyperparameters_are_read_only(
    zero_grad: str, mode: str | None
) -> None:
    def run(compiled: bool) -> tuple[Any, Any, Any]:
        model, opt, crit = _setup()
        x, y = _data()

        def step(x: Any, y: Any) -> Any:
            if zero_grad != "accumulate":
                opt.zero_grad(set_to_none=zero_grad == "none")
            loss = crit(model(x), y)
            loss.backward()
            opt.step()
            return loss

        fn = torch.compile(step, mode=mode) if compiled else step
        for _ in range(5):
            fn(x, y)
        return model, opt, fn

    eager, _, _ = run(False)
    comp, opt, fn = run(True)
    for pe, pc in zip(eager.parameters(), comp.parameters()):
        np.testing.assert_allclose(pc.detach().numpy(), pe.detach().numpy(),
                                   rtol=RTOL, atol=ATOL)  # fmt: skip
        np.testing.assert_allclose(
            pc.grad.numpy(), pe.grad.numpy(), rtol=RTOL, atol=ATOL
        )
    cf = getattr(fn, "_compiled", fn)
    program = list(cf.programs.values())[-1]
    # lr, betas, eps, weight_decay are inputs the step reads, never outputs.
    hyper = {id(t) for t in opt._hyper_cache[id(opt.param_groups[0])][1]}
    assert hyper <= {id(t) for t in program.read_in}
    # zero_grad(set_to_none=True) + backward: each new gradient is written into the
    # dropped old .grad's buffer (returned as that tensor's new value).
    assert all(program.grad_in_state) == (zero_grad == "none")
    # The group's step count is one array shared by its parameters' states: one
    # input, one computation and one output, still shared after compiled steps.
    steps = [opt.state[p]["step"]._data for p in comp.parameters()]
    assert all(s is steps[0] for s in steps)
    assert len(program.written_first) == len(program.written_in) - len(steps) + 1
    np.testing.assert_allclose(float(opt.state[next(comp.parameters())]["step"]), 5.0)


def test_reduce_overhead_recycles_large_outputs_like_cuda_graphs() -> None:
    torch.manual_seed(0)
    lin = torch.nn.Linear(256, 1024)
    x = torch.randn(512, 256)
    # Reference: the same math in raw JAX on the same arrays.
    w, b = lin.weight.jax(), lin.bias.jax()
    expected = np.asarray(jnp.tanh(x.jax() @ w.T + b))

    fast = torch.compile(lambda x: lin(x).tanh(), mode="reduce-overhead")
    with torch.no_grad():
        outs = [fast(x) for _ in range(4)]  # 2 MiB per output: buffers recycled
        np.testing.assert_allclose(outs[-1].numpy(), expected, rtol=RTOL, atol=ATOL)
        assert fast.program is not None and fast.program.recycling
        # As with torch.compile's CUDA graphs, a later call overwrites earlier outputs.
        with pytest.raises(RuntimeError, match="deleted"):
            outs[-2].numpy()
        kept = fast(x).clone()
        fast(x)
        np.testing.assert_allclose(kept.numpy(), expected, rtol=RTOL, atol=ATOL)

        # An output fed back as the next input is never donated.
        square = torch.nn.Linear(1024, 1024)
        sw, sb = square.weight.jax(), square.bias.jax()
        step = torch.compile(lambda h: square(h).tanh(), mode="reduce-overhead")
        h = torch.randn(512, 1024)
        h_ref = h.jax()
        for _ in range(4):
            h, h_ref = step(h), jnp.tanh(h_ref @ sw.T + sb)
        np.testing.assert_allclose(h.numpy(), np.asarray(h_ref), rtol=RTOL, atol=ATOL)


def _dynamic_run(compiled: bool, sizes: list[int], python_int: bool = False) -> Any:
    model, opt, crit = _setup(bn=True)
    calls = {"n": 0}

    def step(x: Any, y: Any) -> Any:
        calls["n"] += 1
        if python_int:  # Python arithmetic on the batch size needs a concrete size
            x = x * (1.0 + 0.0 * int(x.shape[0]))
        opt.zero_grad()
        loss = crit(model(x.view(x.size(0), -1)), y)
        loss.backward()
        opt.step()
        return loss

    fn = torch.compile(step, dynamic=True) if compiled else step
    losses = []
    for i, n in enumerate(sizes):
        x, y = _data(n=n, seed=i)
        losses.append(float(fn(x, y)))
    return model, losses, fn, calls


def test_dynamic_true_traces_once_for_every_batch_size() -> None:
    sizes = [8, 5, 32, 5]
    eager, l_e, _, _ = _dynamic_run(False, sizes)
    comp, l_c, fn, calls = _dynamic_run(True, sizes)
    np.testing.assert_allclose(l_c, l_e, rtol=RTOL, atol=ATOL)
    for k, v in _params(eager).items():
        np.testing.assert_allclose(_params(comp)[k], v, rtol=RTOL, atol=ATOL, err_msg=k)
    assert fn.traces == 1 and len(fn.dynamic_programs) == 1
    # The Python step ran for discovery and the traces of the first size only.
    assert calls["n"] <= 4
    # One XLA executable per size (the first call ran eagerly, to discover state).
    assert len(fn.programs) == len(set(sizes[1:]))


def test_dynamic_true_falls_back_to_a_trace_per_size_with_a_warning() -> None:
    sizes = [8, 5, 8]
    eager, l_e, _, _ = _dynamic_run(False, sizes, python_int=True)
    with pytest.warns(UserWarning, match="symbolic batch dimension"):
        comp, l_c, fn, _ = _dynamic_run(True, sizes, python_int=True)
    np.testing.assert_allclose(l_c, l_e, rtol=RTOL, atol=ATOL)
    assert fn.traces == 2 and not fn.dynamic_programs
