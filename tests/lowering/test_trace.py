"""trace -> lower -> compile: named state, op counts, StableHLO, cost and memory."""

from __future__ import annotations

import jax
import numpy as np
from _models import MLP, batch, train_step
from jax._src.interpreters import mlir

import functorch_lite as fl
from functorch_lite import lowering

RTOL, ATOL = 1e-6, 1e-6  # same program, same inputs: float32 round-off only


def compiled_step():
    fl.manual_seed(0)
    model = MLP()
    optimizer = fl.optim.Adam(model.parameters(), lr=1e-2)
    calls = []
    step = fl.compile(train_step(model, optimizer, calls))
    return model, step, calls


def test_train_step_state_is_named_by_pytorch_paths():
    _, step, _ = compiled_step()
    x, y = batch(6)
    step(x, y)
    step(x, y)
    traced = lowering.trace(step, x, y)
    names = traced.state_names()
    for expected in ("fc1.weight", "fc2.bias", "fc1.weight.grad",
                     "optimizer.state.fc1.weight.exp_avg",
                     "optimizer.state.fc2.bias.exp_avg_sq",
                     "optimizer.param_groups.0.lr"):  # fmt: skip
        assert expected in names, (expected, names)
    assert [s.name for s in traced.inputs if s.kind == "arg"] == ["args[0]", "args[1]"]
    grads = [s.name for s in traced.outputs if s.kind == "grad"]
    assert grads == [
        "fc1.weight.grad",
        "fc1.bias.grad",
        "fc2.weight.grad",
        "fc2.bias.grad",
    ]
    counts = traced.op_counts()
    assert counts["dot_general"] >= 5  # 2 forward + 3 backward matmuls
    text = str(traced)
    assert "fc1.weight: float32[8,4] (state)" in text and "dot_general" in text


def test_compiled_step_is_one_top_level_program_after_warmup():
    model, step, calls = compiled_step()
    x, y = batch(6)
    for _ in range(3):
        step(x, y)
    warm = len(calls)  # discovery + the trace (restarted once per missed state)
    step(x, y)
    step(x, y)
    assert step.traces == 1 and len(calls) == warm  # the body is not re-run
    (program,) = step.programs.values()
    outer = jax.make_jaxpr(program.jit_fn)(*program.example_args)
    assert [e.primitive.name for e in outer.jaxpr.eqns] in (["pjit"], ["jit"])


def test_lowered_and_compiled_stages_match_the_running_program():
    _, step, _ = compiled_step()
    x, y = batch(6)
    step(x, y)
    step(x, y)
    traced = lowering.trace(step, x, y)
    lowered = traced.lower()
    text = lowered.as_text()
    assert "stablehlo.dot_general" in text
    assert lowered.op_counts()["stablehlo.dot_general"] >= 5
    # The text is valid MLIR: it parses back with JAX's own context.
    with mlir.make_ir_context():
        module = mlir.ir.Module.parse(text)
    assert "func.func public @main" in str(module)
    compiled = lowered.compile()
    cost = compiled.cost_analysis()
    assert cost["flops"] > 0 and cost["bytes accessed"] > 0
    memory = compiled.memory_analysis()
    assert memory["argument_bytes"] > 0 and memory["output_bytes"] > 0
    assert compiled.hlo_op_count() > 10
    # Running the Compiled stage on copies of the state gives the step's loss.
    (program,) = step.programs.values()
    # One input per distinct written array (a group's shared step count enters once).
    written = [t._data.copy() for t in program.written_first]
    read = [t._data for t in program.read_in]
    _, _, out = compiled(written, read, [x.jax(), y.jax()])  # state, grads, outputs
    expected = step(x, y)
    np.testing.assert_allclose(
        np.asarray(out[0]), expected.numpy(), rtol=RTOL, atol=ATOL
    )


def test_module_and_tensor_function():
    lin = fl.nn.Linear(3, 2)
    traced = lowering.trace(lin, fl.ones(4, 3))
    assert traced.state_names() == ["weight", "bias"]
    assert traced.op_counts()["dot_general"] == 1
    flops = traced.lower().compile().cost_analysis()["flops"]
    assert flops >= 2 * 4 * 3 * 2  # the matmul's multiply-adds at least
    f = lowering.trace(lambda a: (a * 2).sum(), fl.ones(4, 3))
    assert f.op_counts() == {"mul": 1, "reduce_sum": 1}
