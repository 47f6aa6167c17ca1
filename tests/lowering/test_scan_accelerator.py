"""scan_layers (same values and grads, PyTorch keys, fewer traced ops) and Graph replay."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch

import functorch_lite as fl
from functorch_lite import lowering

nn = fl.nn
RTOL, ATOL = 1e-5, 1e-6  # float32; scan and unrolled loop sum in the same order
GRTOL, GATOL = 1e-4, 1e-5  # gradients: one more chain of kernels


@functools.cache  # one class per library: blocks must share a type
def block_cls(lib):
    class Block(lib.nn.Module):
        def __init__(self, d):
            super().__init__()
            self.fc1 = lib.nn.Linear(d, 2 * d)
            self.fc2 = lib.nn.Linear(2 * d, d)
            self.ln = lib.nn.LayerNorm(d)

        def forward(self, x):
            return self.ln(x + self.fc2(lib.nn.functional.relu(self.fc1(x))))

    return Block


def twins(n_layers, d=8):
    torch.manual_seed(0)
    ref = torch.nn.Sequential(
        *[block_cls(torch)(d) for _ in range(n_layers)], torch.nn.Linear(d, 2)
    )  # noqa: E501
    ours = nn.Sequential(*[block_cls(fl)(d) for _ in range(n_layers)], nn.Linear(d, 2))
    ours.load_state_dict(
        {k: fl.tensor(v.detach().numpy()) for k, v in ref.state_dict().items()}
    )
    return ref, ours


def grad_step(model):
    def step(x):
        model.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        return loss

    return step


@pytest.mark.slow  # XLA compiles a scan's forward and backward
def test_scanned_stack_matches_torch_values_and_grads():
    ref, ours = twins(4)
    scanned = lowering.scan_layers(ours, remat=True)
    assert list(scanned.state_dict()) == list(ref.state_dict())
    assert "runs=[4, 1]" in repr(scanned)
    x = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    step = fl.compile(grad_step(scanned))
    for _ in range(2):
        loss = step(fl.tensor(x))
    ref_loss = (ref(torch.tensor(x)) ** 2).mean()
    ref_loss.backward()
    np.testing.assert_allclose(loss.numpy(), ref_loss.item(), rtol=RTOL, atol=ATOL)
    for (name, p), q in zip(ours.named_parameters(), ref.parameters()):
        np.testing.assert_allclose(
            p.grad.numpy(), q.grad.numpy(), rtol=GRTOL, atol=GATOL, err_msg=name
        )  # noqa: E501


def test_scan_traces_the_block_once():
    _, deep = twins(6)
    x = fl.ones(3, 8)
    with fl.no_grad():
        plain = lowering.trace(deep, x).op_counts()
        scanned = lowering.trace(lowering.scan_layers(deep), x).op_counts()
    assert scanned["scan"] == 1
    assert plain["dot_general"] == 13 and scanned["dot_general"] == 3  # 2 in the body


def test_apply_scan_layers_replaces_nested_sequentials():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Linear(8, 8)
            self.blocks = nn.Sequential(*[block_cls(fl)(8) for _ in range(3)])

        def forward(self, x):
            return self.blocks(self.stem(x))

    m = Model()
    keys = list(m.state_dict())
    x = fl.ones(2, 8)
    ref = m(x).detach().numpy()
    out = lowering.apply_scan_layers(m)
    assert out is m and isinstance(m.blocks, lowering.ScanLayers)
    assert list(m.state_dict()) == keys
    np.testing.assert_allclose(
        fl.compile(m)(x).detach().numpy(), ref, rtol=RTOL, atol=ATOL
    )
    with pytest.raises(TypeError, match="Sequential or nn.ModuleList"):
        lowering.scan_layers(nn.Linear(2, 2))


def test_graph_capture_and_replay():
    fl.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    static_in = fl.zeros(4, 3)
    counter = fl.zeros(())
    g = fl.accelerator.Graph()
    with fl.no_grad(), fl.accelerator.graph(g):
        static_out = net(static_in)
        counter.add_(1)
    # Capturing does not run the work (as with CUDA graphs).
    assert float(counter) == 0.0 and np.all(static_out.numpy() == 0)
    rng = np.random.default_rng(0)
    for i in range(3):
        x = rng.standard_normal((4, 3)).astype(np.float32)
        static_in.copy_(fl.tensor(x))
        g.replay()
        np.testing.assert_allclose(
            static_out.numpy(), net(fl.tensor(x)).detach().numpy(), rtol=RTOL, atol=ATOL
        )  # noqa: E501
        assert float(counter) == i + 1
    # New weights are read at replay: parameters are inputs, not constants.
    with fl.no_grad():
        net[0].weight.mul_(2)
    g.replay()
    np.testing.assert_allclose(
        static_out.numpy(), net(fl.tensor(x)).detach().numpy(), rtol=RTOL, atol=ATOL
    )  # noqa: E501
    assert "Graph(" in repr(g)
    # The generator key is state of the graph: each replay draws a new dropout mask.
    drop, ones = nn.Dropout(0.5), fl.ones(4, 8)
    g2 = fl.accelerator.Graph()
    with fl.accelerator.graph(g2):
        dropped = drop(ones)
    g2.replay()
    first = dropped.numpy().copy()
    g2.replay()
    assert set(np.unique(first)) <= {0.0, 2.0} and (dropped.numpy() != first).any()
    with pytest.raises(RuntimeError, match="nothing was captured"):
        fl.accelerator.Graph().replay()
