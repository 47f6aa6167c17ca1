"""The classic PyTorch training loop, run by functorch_lite on scikit-learn's digits.

Dataset/DataLoader, an MLP and a small CNN, CrossEntropyLoss, Adam + StepLR, train/eval
with ``torch.no_grad()``, accuracy per epoch, ``torch.save(model.state_dict())`` and a
reload — written exactly as for PyTorch except for the import, and with the training
step compiled into one XLA program by ``@torch.compile``.

Run: ``make demo`` (or ``.venv/bin/python examples/train_mnist_style.py [--epochs N]``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import functorch_lite as torch
import functorch_lite.nn as nn
import functorch_lite.nn.functional as F
from functorch_lite.utils.data import DataLoader, Dataset
from functorch_lite.vision import datasets


class Digits(Dataset):
    """8x8 digit images as (1, 8, 8) float tensors in [-1, 1] and int64 labels."""

    def __init__(self, train: bool) -> None:
        self.base = datasets.Digits(train=train)

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i: int):
        image, label = self.base[i]
        return (image[None] - 0.5) / 0.5, label


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64, 128),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        return self.net(x)


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 2 * 2, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


def progress(epoch: int, i: int, n: int, loss: float) -> None:
    done = int(20 * (i + 1) / n)
    sys.stdout.write(
        f"\r  epoch {epoch:2d} [{'#' * done}{'.' * (20 - done)}] loss {loss:.4f}"
    )
    sys.stdout.flush()


def evaluate(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(dim=1) == y).sum().item()
    return correct / len(loader.dataset)


def train(name: str, model: nn.Module, epochs: int, out_dir: str) -> dict:
    torch.manual_seed(0)
    train_loader = DataLoader(Digits(train=True), batch_size=64, shuffle=True,
                              generator=torch.Generator().manual_seed(0), drop_last=True)  # fmt: skip
    test_loader = DataLoader(Digits(train=False), batch_size=256)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)

    @torch.compile
    def train_step(x, y):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    history = {"loss": [], "acc": []}
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters")
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for i, (x, y) in enumerate(train_loader):
            loss = train_step(x, y).item()
            total += loss
            progress(epoch, i, len(train_loader), loss)
        scheduler.step()
        acc = evaluate(model, test_loader)
        history["loss"].append(total / len(train_loader))
        history["acc"].append(acc)
        print(f"  test accuracy {acc:.3f}  lr {scheduler.get_last_lr()[0]:.5f}")
    print(f"  {epochs} epochs in {time.perf_counter() - start:.1f} s")

    path = os.path.join(out_dir, f"{name.lower()}.pt")
    torch.save(model.state_dict(), path)
    reloaded = type(model)()
    reloaded.load_state_dict(torch.load(path))
    reloaded_acc = evaluate(reloaded, test_loader)
    print(f"  reloaded from {path}: test accuracy {reloaded_acc:.3f}")
    assert abs(reloaded_acc - history["acc"][-1]) < 1e-9, "reloaded model must match"
    return history


def plot(histories: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    for name, h in histories.items():
        epochs = range(1, len(h["loss"]) + 1)
        ax1.plot(epochs, h["loss"], marker="o", label=name)
        ax2.plot(epochs, h["acc"], marker="o", label=name)
    ax1.set(title="training loss", xlabel="epoch")
    ax2.set(title="test accuracy", xlabel="epoch", ylim=(0.5, 1.0))
    ax1.legend()
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument(
        "--out", default=os.path.join(tempfile.gettempdir(), "functorch_lite_demo")
    )
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    histories = {"MLP": train("MLP", MLP(), args.epochs, args.out),
                 "SmallCNN": train("SmallCNN", SmallCNN(), args.epochs, args.out)}  # fmt: skip
    curve = os.path.join(args.out, "training_curve.png")
    plot(histories, curve)
    print(f"training curve: {curve}")
    for name, h in histories.items():
        assert h["acc"][-1] >= 0.95, f"{name} reached only {h['acc'][-1]:.3f}"
    print("demo OK: both models reach >= 95% test accuracy")


if __name__ == "__main__":
    main()
