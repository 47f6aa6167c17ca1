"""Small models and a PyTorch-style training step shared by the lowering tests."""

from __future__ import annotations

import numpy as np

import functorch_lite as fl

nn = fl.nn


class MLP(nn.Module):
    def __init__(self, sizes=(4, 8, 3)):
        super().__init__()
        self.fc1 = nn.Linear(sizes[0], sizes[1])
        self.fc2 = nn.Linear(sizes[1], sizes[2])

    def forward(self, x):
        return self.fc2(nn.functional.relu(self.fc1(x)))


def train_step(model, optimizer, calls=None):
    """The usual PyTorch step; ``calls`` counts how often the Python body runs."""

    def step(x, y):
        if calls is not None:
            calls.append(1)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def batch(n, d=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = fl.tensor(rng.standard_normal((n, d)).astype(np.float32))
    y = fl.tensor(rng.integers(0, classes, n).astype(np.int64))
    return x, y
