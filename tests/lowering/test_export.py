"""export: dynamic batch, graph signature, one-file save/load run in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import jax
import numpy as np
import pytest

import functorch_lite as fl
from functorch_lite.export import Dim, export, load, save

nn = fl.nn
RTOL, ATOL = 1e-6, 1e-6  # the same XLA program on the same inputs
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.bn = nn.BatchNorm1d(8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x, scale=None):
        h = nn.functional.relu(self.bn(self.fc1(x)))
        out = self.fc2(h)
        if scale is not None:
            out = out * scale
        return out, {"hidden": h}


def model():
    fl.manual_seed(0)
    net = Net()
    net.bn.running_mean.copy_(fl.arange(8, dtype=fl.float32) / 10)
    return net.eval()


def data(n, seed=0):
    return np.random.default_rng(seed).standard_normal((n, 4)).astype(np.float32)


def test_export_dynamic_batch_matches_eager():
    net = model()
    ep = export(net, (fl.tensor(data(3)),), dynamic_shapes=({0: Dim("batch")},))
    sig = ep.graph_signature
    assert sig.parameters == [
        "fc1.weight",
        "fc1.bias",
        "bn.weight",
        "bn.bias",
        "fc2.weight",
        "fc2.bias",
    ]  # noqa: E501
    assert sig.buffers == [
        "bn.running_mean",
        "bn.running_var",
        "bn.num_batches_tracked",
    ]
    assert sig.user_inputs == ["args[0]"] and sig.input_specs[-1].shape == (
        "batch",
        "4",
    )
    run = ep.module()
    for n in (3, 5):
        x = fl.tensor(data(n, seed=n))
        out, extra = run(x)
        ref, ref_extra = net(x)
        np.testing.assert_allclose(
            out.numpy(), ref.detach().numpy(), rtol=RTOL, atol=ATOL
        )
        np.testing.assert_allclose(
            extra["hidden"].numpy(),
            ref_extra["hidden"].detach().numpy(),
            rtol=RTOL,
            atol=ATOL,
        )  # noqa: E501
    with pytest.raises(Exception, match="shape"):
        run(fl.ones(3, 5))


def test_export_static_with_kwarg_tensor():
    net = model()
    x, s = fl.tensor(data(2)), fl.full((3,), 2.0)
    ep = export(net, (x,), {"scale": s})
    assert ep.graph_signature.user_inputs == ["args[0]", "kwargs['scale']"]
    out, _ = ep.module()(x, scale=s)
    np.testing.assert_allclose(
        out.numpy(), net(x, scale=s)[0].detach().numpy(), rtol=RTOL, atol=ATOL
    )  # noqa: E501


@pytest.mark.slow  # a fresh interpreter
def test_saved_program_runs_in_a_fresh_process_without_the_class(tmp_path):
    net = model()
    ep = export(
        net, (fl.tensor(data(3)),), dynamic_shapes={"x": {0: Dim("batch", max=64)}}
    )
    path = tmp_path / "net.fl2"
    save(ep, path)
    # The StableHLO bytes inside are what jax.export.deserialize reads back.
    exported = jax.export.deserialize(bytearray(ep.exported.serialize()))
    assert "stablehlo" in exported.mlir_module()
    expected = {
        f"out{n}": net(fl.tensor(data(n, seed=n)))[0].detach().numpy() for n in (2, 7)
    }
    np.savez(tmp_path / "expected.npz", **expected)
    script = textwrap.dedent(f"""
        import numpy as np
        import functorch_lite as fl
        from functorch_lite.export import load
        ep = load({str(path)!r})
        run = ep.module()
        expected = np.load({str(tmp_path / "expected.npz")!r})
        for n in (2, 7):
            x = np.random.default_rng(n).standard_normal((n, 4)).astype(np.float32)
            out, extra = run(fl.tensor(x))
            np.testing.assert_allclose(out.numpy(), expected[f"out{{n}}"], rtol=1e-6, atol=1e-6)
        assert "Net" not in dir(), "the class must not be needed"
        print("OK", sorted(ep.state_dict())[:2])
    """)
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    res = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    assert "OK ['bn.bias', 'bn.num_batches_tracked']" in res.stdout
    loaded = load(path)
    out, _ = loaded.module()(fl.tensor(data(2, seed=2)))
    np.testing.assert_allclose(out.numpy(), expected["out2"], rtol=RTOL, atol=ATOL)


def test_export_refuses_random_draws():
    drop = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))  # training mode
    key = fl.default_generator.get_state().numpy().copy()
    with pytest.raises(RuntimeError, match="model.eval"):
        export(drop, (fl.ones(2, 4),))
    np.testing.assert_array_equal(fl.default_generator.get_state().numpy(), key)
    export(drop.eval(), (fl.ones(2, 4),))


def test_export_errors():
    with pytest.raises(TypeError, match="expected an nn.Module"):
        export(lambda x: x, (fl.ones(2),))
    with pytest.raises(ValueError, match="dynamic_shapes\\[0\\]"):
        export(model(), (fl.ones(2, 4),), dynamic_shapes=(("batch",),))
