"""Checkpoints of functorch_lite modules/optimizers move to and from real PyTorch."""

from __future__ import annotations

import numpy as np
import torch

import functorch_lite as fl
from functorch_lite import nn, optim
from functorch_lite.serialization import load, save


def _train(model, opt, x, steps=2):
    for _ in range(steps):
        opt.zero_grad()
        model(x).square().sum().backward()
        opt.step()


def test_our_linear_and_adam_checkpoint_resumes_in_torch(tmp_path):
    fl.manual_seed(0)
    model = nn.Linear(4, 3)
    opt = optim.Adam(model.parameters(), lr=1e-2)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    _train(model, opt, fl.from_numpy(x))
    save(
        {"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 2},
        tmp_path / "c.pt",
    )

    ckpt = torch.load(tmp_path / "c.pt", weights_only=True)
    assert ckpt["epoch"] == 2
    theirs = torch.nn.Linear(4, 3)
    theirs.load_state_dict(ckpt["model"])
    torch_opt = torch.optim.Adam(theirs.parameters(), lr=1e-2)
    torch_opt.load_state_dict(ckpt["optim"])
    assert torch_opt.state_dict()["state"][0]["step"].item() == 2.0
    np.testing.assert_array_equal(
        theirs.weight.detach().numpy(), model.weight.detach().numpy()
    )


def test_torch_linear_and_adam_checkpoint_loads_into_ours(tmp_path):
    torch.manual_seed(0)
    theirs = torch.nn.Linear(4, 3)
    torch_opt = torch.optim.Adam(theirs.parameters(), lr=1e-2)
    for _ in range(2):
        torch_opt.zero_grad()
        theirs(torch.randn(5, 4)).square().sum().backward()
        torch_opt.step()
    torch.save(
        {"model": theirs.state_dict(), "optim": torch_opt.state_dict()},
        tmp_path / "c.pt",
    )

    ckpt = load(tmp_path / "c.pt")
    model = nn.Linear(4, 3)
    model.load_state_dict(ckpt["model"])
    opt = optim.Adam(model.parameters(), lr=1e-2)
    opt.load_state_dict(ckpt["optim"])
    np.testing.assert_array_equal(
        model.bias.detach().numpy(), theirs.bias.detach().numpy()
    )
    exp_avg = opt.state_dict()["state"][0]["exp_avg"]
    np.testing.assert_array_equal(
        np.asarray(exp_avg.numpy()), torch_opt.state[theirs.weight]["exp_avg"].numpy()
    )


def test_tied_module_weights_load_tied_in_torch(tmp_path):
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(3, 3)
            self.head = nn.Linear(3, 3)
            self.head.weight = self.embed.weight

    save(Tied().state_dict(), tmp_path / "t.pt")
    back = torch.load(tmp_path / "t.pt", weights_only=True)
    assert back["embed.weight"].data_ptr() == back["head.weight"].data_ptr()
    assert back["embed.bias"].data_ptr() != back["head.bias"].data_ptr()
