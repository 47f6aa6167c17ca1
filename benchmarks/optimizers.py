"""One eager ``optimizer.step()`` of Adam over a 100-tensor (~1M parameter) model.

Ours (the whole param group in ONE compiled XLA call) against PyTorch's
``Adam(foreach=True)``, measured side by side in one run on the same weights and
gradients. Prints the median per-step time of each and the ratio ours/torch
(target <= 1.0x).

Run: ``python benchmarks/optimizers.py [--steps N] [--opt Adam|AdamW|SGD]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import jax
import numpy as np
import torch

import functorch_lite
from functorch_lite import optim


def model_shapes(n_tensors: int = 100, seed: int = 0) -> list[tuple[int, ...]]:
    """Half weight matrices, half bias-like vectors: ~1M float32 parameters."""
    rng = np.random.default_rng(seed)
    shapes: list[tuple[int, ...]] = []
    for i in range(n_tensors):
        if i % 2 == 0:
            shapes.append((int(rng.integers(96, 160)), int(rng.integers(96, 160))))
        else:
            shapes.append((int(rng.integers(200, 1400)),))
    return shapes


def timed_pair(ours, sync_ours, theirs, steps: int) -> tuple[list[float], list[float]]:
    """Alternate one step of each, so both see the same machine load."""
    for _ in range(5):  # warm-up: compile, allocate, fill caches
        ours()
        theirs()
    sync_ours()
    t_ours, t_theirs = [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        ours()
        sync_ours()
        t1 = time.perf_counter()
        theirs()
        t2 = time.perf_counter()
        t_ours.append(t1 - t0)
        t_theirs.append(t2 - t1)
    return t_ours, t_theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--opt", default="Adam", choices=["Adam", "AdamW", "SGD"])
    parser.add_argument(
        "--torch-threads", type=int, default=0, help="torch.set_num_threads (0: keep)"
    )
    args = parser.parse_args()
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)

    shapes = model_shapes()
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    n_params = sum(w.size for w in weights)
    kwargs = {"lr": 1e-3}
    if args.opt == "SGD":
        kwargs["momentum"] = 0.9

    ours = [functorch_lite.tensor(w, requires_grad=True) for w in weights]
    for p, g in zip(ours, grads, strict=True):
        p.grad = functorch_lite.tensor(g)
    opt = getattr(optim, args.opt)(ours, **kwargs)

    theirs = [torch.tensor(w, requires_grad=True) for w in weights]
    for q, g in zip(theirs, grads, strict=True):
        q.grad = torch.tensor(g)
    topt = getattr(torch.optim, args.opt)(theirs, foreach=True, **kwargs)

    def sync_ours() -> None:
        jax.block_until_ready([p.jax() for p in ours])

    t_ours, t_torch = timed_pair(opt.step, sync_ours, topt.step, args.steps)
    ours_ms = statistics.median(t_ours) * 1e3
    torch_ms = statistics.median(t_torch) * 1e3
    print(
        f"{args.opt} step, {len(shapes)} tensors, {n_params / 1e6:.2f}M params, "
        f"torch.get_num_threads()={torch.get_num_threads()}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"  functorch_lite (one jit call): {ours_ms:8.3f} ms/step (median)")
    print(f"  torch foreach=True           : {torch_ms:8.3f} ms/step (median)")
    print(f"  ratio ours/torch             : {ours_ms / torch_ms:8.2f}x")


if __name__ == "__main__":
    main()
