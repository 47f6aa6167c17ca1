"""Model ensembling with ``torch.func``: many models evaluated as one vectorized call.

The ``torch.func`` recipe: ``stack_module_state`` stacks the parameters and buffers of
``M`` models of the same architecture along a new leading dimension, and ``vmap`` over
``functional_call`` runs all of them at once — each model on its own minibatch
(``in_dims=0``) or every model on the same minibatch (``in_dims=(0, 0, None)``). Both
are checked against running each model separately; then the ensemble (trained
briefly, one Adam optimizer per model) votes on scikit-learn's digits.

Run: ``.venv/bin/python examples/model_ensembling.py [--models M] [--epochs N]``.
"""

from __future__ import annotations

import argparse
import copy

import functorch_lite as torch
import functorch_lite.nn as nn
import functorch_lite.nn.functional as F
from functorch_lite.func import functional_call, stack_module_state, vmap
from functorch_lite.vision import datasets


class SimpleMLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, 10)

    def forward(self, x):
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def stacked(models: list[nn.Module]):
    """``fmodel(params, buffers, x)`` over one skeleton model, and the stacked state."""
    params, buffers = stack_module_state(models)
    # The recipe moves a copy of one model to the 'meta' device as a stateless
    # skeleton; a deep copy plays that role here (its own arrays are never read).
    base_model = copy.deepcopy(models[0])

    def fmodel(params, buffers, x):
        return functional_call(base_model, (params, buffers), (x,))

    return fmodel, params, buffers


def recipe(models: list[nn.Module], minibatches, minibatch):
    """The tutorial's code: different minibatches, then one shared minibatch."""
    fmodel, params, buffers = stacked(models)
    different = vmap(fmodel)(params, buffers, minibatches)
    same = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
    return different, same


def train(models: list[nn.Module], x, y, epochs: int, seed: int) -> None:
    """A few epochs of full-batch-shuffled Adam per model, each with its own order."""
    for i, model in enumerate(models):
        opt = torch.optim.Adam(model.parameters(), lr=3e-3)

        @torch.compile
        def step(xb, yb, model=model, opt=opt):
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            return loss

        gen = torch.Generator().manual_seed(seed + i)
        for _ in range(epochs):
            order = torch.randperm(x.shape[0], generator=gen)
            for start in range(0, x.shape[0] - 63, 64):
                idx = order[start : start + 64]
                step(x[idx], y[idx])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3, help="0 skips training")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    train_set, test_set = datasets.Digits(train=True), datasets.Digits(train=False)
    x_train, y_train = (train_set.data - 0.5) / 0.5, train_set.targets
    x_test, y_test = (test_set.data - 0.5) / 0.5, test_set.targets
    models = [SimpleMLP() for _ in range(args.models)]

    # 1. The recipe, checked against a Python loop over the models.
    minibatches = x_train[: 32 * args.models].reshape(args.models, 32, 8, 8)
    minibatch = minibatches[0]
    different, same = recipe(models, minibatches, minibatch)
    with torch.no_grad():
        loop_different = torch.stack([m(mb) for m, mb in zip(models, minibatches)])
        loop_same = torch.stack([m(minibatch) for m in models])
    print(f"{args.models} models, predictions {tuple(different.shape)}")
    diff1 = (different - loop_different).abs().max().item()
    diff2 = (same - loop_same).abs().max().item()
    print(f"different minibatches: vmap vs loop max abs diff {diff1:.2e}")
    print(f"same minibatch:         vmap vs loop max abs diff {diff2:.2e}")
    assert max(diff1, diff2) < 1e-5, "vmapped ensemble disagrees with the loop"

    if args.epochs == 0:
        return
    # 2. Train each member, then evaluate all of them with one vmapped call.
    train(models, x_train, y_train, args.epochs, args.seed)
    fmodel, params, buffers = stacked(models)
    with torch.no_grad():
        logits = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x_test)
    accs = (logits.argmax(dim=2) == y_test).float().mean(dim=1)
    vote = F.softmax(logits, dim=2).mean(dim=0).argmax(dim=1)
    ensemble_acc = (vote == y_test).float().mean().item()
    print("member test accuracies: " + " ".join(f"{a:.3f}" for a in accs.tolist()))
    print(f"ensemble (mean softmax) test accuracy {ensemble_acc:.3f}")


if __name__ == "__main__":
    main()
