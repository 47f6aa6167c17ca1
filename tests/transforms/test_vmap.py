"""vmap: equals stacking per-example results; in_dims/out_dims/chunks/randomness/state."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from _both import error_of, run_both

import functorch_lite as fl
import functorch_lite.func  # noqa: F401  (binds fl.func)

RTOL, ATOL = 1e-5, 1e-6  # float32

rng = np.random.default_rng(1)
X = rng.standard_normal((5, 3, 4)).astype(np.float32)
Y = rng.standard_normal((4, 5)).astype(np.float32)


def per_example(x, y, scale):
    return (x @ y[:, :3]).tanh() * scale + x.sum()


def test_vmap_equals_stacking_per_example_results():
    x, y = fl.tensor(X), fl.tensor(Y)
    batched = fl.func.vmap(per_example, in_dims=(0, None, None))(x, y, 2.0)
    stacked = np.stack([per_example(x[i], y, 2.0).numpy() for i in range(5)])
    np.testing.assert_allclose(batched.numpy(), stacked, rtol=RTOL, atol=ATOL)


def test_in_dims_out_dims_nested_specs_match_torch():
    def script(lib):
        vmap = lib.func.vmap
        x, y = lib.tensor(X), lib.tensor(Y)
        a = vmap(per_example, in_dims=(0, None, None))(x, y, 0.5)
        b = vmap(lambda x, y: x @ y, in_dims=(2, 1), out_dims=1)(x, lib.tensor(X[0]))
        c = vmap(lambda d: d["a"] * d["b"], in_dims=({"a": 0, "b": None},))(
            {"a": x, "b": lib.tensor(2.0)}
        )
        d = vmap(lambda t: (t.sum(0), t * 2), in_dims=-1, out_dims=(0, -1))(x)
        e = vmap(vmap(lambda u, v: u.dot(v)), in_dims=(0, None))(x, lib.ones(3, 4))
        f = vmap(lambda t, k=1.0: t * k, chunk_size=2)(x, k=3.0)
        return [a, b, c, list(d), e, f]

    run_both(script, RTOL, ATOL)


def test_outputs_not_depending_on_the_batch_are_expanded():
    out = fl.func.vmap(lambda x: fl.ones(2))(fl.tensor(X))
    assert tuple(out.shape) == (5, 2)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.func.vmap(lambda x: 1.0)(lib.ones(2)),
        lambda lib: lib.func.vmap(lambda x: x, in_dims=None)(lib.ones(2)),
        lambda lib: lib.func.vmap(lambda x: x, in_dims=(None,))(lib.ones(2)),
        lambda lib: lib.func.vmap(lambda x, y: x + y)(lib.ones(2), lib.ones(3)),
        lambda lib: lib.func.vmap(lambda x: x, in_dims=2)(lib.ones(2)),
        lambda lib: lib.func.vmap(lambda x, n: x, in_dims=(0, 0))(lib.ones(2), 3),
        lambda lib: lib.func.vmap(lambda x: x, randomness="sometimes")(lib.ones(2)),
        lambda lib: lib.func.vmap(lambda x: x + lib.rand(1))(lib.ones(2)),
    ],
)
def test_errors_match_torch(call):
    assert error_of(lambda: call(fl)) == error_of(lambda: call(torch))


def test_randomness_modes():
    x = fl.zeros(4, 3)
    fl.manual_seed(0)
    same = fl.func.vmap(lambda t: t + fl.rand(3), randomness="same")(x).numpy()
    assert np.allclose(same, same[0]) and not np.allclose(same[0], same[0, 0])
    diff = fl.func.vmap(lambda t: t + fl.rand(3), randomness="different")(x).numpy()
    assert len({tuple(r) for r in diff.round(6)}) == 4
    drop = fl.func.vmap(
        lambda t: fl.nn.functional.dropout(t + 1, 0.5), randomness="different"
    )(fl.zeros(64, 16)).numpy()
    assert len({tuple(r) for r in (drop != 0)}) > 1
    # The generator advanced with a concrete key: it can be used (and reseeded) after.
    assert isinstance(fl.rand(2).numpy(), np.ndarray)
    fl.manual_seed(0)
    again = fl.func.vmap(lambda t: t + fl.rand(3), randomness="different")(x).numpy()
    fl.manual_seed(0)
    np.testing.assert_array_equal(
        again, fl.func.vmap(lambda t: t + fl.rand(3), randomness="different")(x).numpy()
    )


def test_nested_randomness_different_inside_vmap():
    fl.manual_seed(1)
    out = fl.func.vmap(fl.func.vmap(lambda t: t + fl.rand(()), randomness="different"),
                       randomness="different")(fl.zeros(3, 4)).numpy()  # fmt: skip
    assert len(set(out.ravel().round(6))) == 12


def test_inplace_update_of_mapped_input_reaches_callers_tensor():
    def script(lib):
        x = lib.tensor(X[:, 0])
        lib.func.vmap(lambda t: t.mul_(2))(x)
        return x

    run_both(script, RTOL, ATOL)


def test_per_example_write_to_outside_tensor_raises_and_restores():
    running = fl.zeros(5)

    def f(x):
        running.add_(x)  # what BatchNorm's running_mean update does under vmap
        return x * 2

    with pytest.raises(RuntimeError, match="track_running_stats=False"):
        fl.func.vmap(f)(fl.tensor(Y))
    np.testing.assert_array_equal(running.numpy(), np.zeros(5))


def test_batch_independent_write_to_outside_tensor_is_committed():
    count = fl.zeros((), dtype=fl.long)

    def f(x):
        count.add_(1)  # num_batches_tracked-like: same for every example
        return x * 2

    fl.func.vmap(f)(fl.tensor(Y))
    assert count.item() == 1


def test_backward_through_vmap_reaches_mapped_and_closed_over_tensors():
    def script(lib):
        w = lib.tensor(Y[:, 0], requires_grad=True)  # closed over
        x = lib.tensor(X[:, 0], requires_grad=True)  # mapped
        y = lib.func.vmap(lambda r: (r * w).tanh().sum())(x)
        (y * y).sum().backward()
        return [y, w.grad, x.grad]

    run_both(script, 1e-4, 1e-5)
