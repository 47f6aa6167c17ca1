"""The small compiled train step timed alone, one candidate per fresh process.

Alternating candidates inside one process lets one's warm caches and thread-pool state
colour the next one's time; here each candidate runs alone in its own interpreter, and
the processes alternate. Prints the best per-call time of each (µs) and the ratios.

Run: ``.venv/bin/python benchmarks/step_alone.py [--rounds N]`` (MLP 32-64-10, batch 8,
Adam; candidates: raw ``jax.jit`` with donated buffers, ``compile`` default and
``mode="reduce-overhead"``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [32, 64, 10]


def _time(fn, sync) -> float:
    for _ in range(50):
        out = fn()
    sync(out)
    best = float("inf")
    for _ in range(30):
        start = time.perf_counter()
        for _ in range(200):
            out = fn()
        sync(out)
        best = min(best, (time.perf_counter() - start) / 200)
    return best


def run_one(name: str) -> float:
    """Build the candidate ``name`` in this process and return its best per-call time."""
    import jax.numpy as jnp
    import numpy as np
    from train_step import build_mlp, raw_jax_step, weights

    rng = np.random.default_rng(1)
    x_np = rng.standard_normal((8, SIZES[0])).astype(np.float32)
    y_np = rng.integers(0, SIZES[-1], 8).astype(np.int64)
    if name == "raw":
        import jax

        params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in weights(SIZES)]
        zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
        state = [params, zeros, jax.tree_util.tree_map(jnp.zeros_like, params),
                 jnp.asarray(0.0, jnp.float32)]  # fmt: skip
        jstep = raw_jax_step(SIZES)
        jx, jy, lr = (
            jnp.asarray(x_np),
            jnp.asarray(y_np),
            jnp.asarray(1e-3, jnp.float32),
        )

        def raw():
            *new, loss = jstep(*state, jx, jy, lr)
            state[:] = new
            return loss

        return _time(raw, lambda o: o.block_until_ready())
    import functorch_lite as fl

    model = build_mlp(fl, SIZES)
    opt = fl.optim.Adam(model.parameters(), lr=1e-3)
    crit = fl.nn.CrossEntropyLoss()
    x, y = fl.tensor(x_np), fl.tensor(y_np)

    @fl.compile(mode=None if name == "default" else name)
    def step(x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return _time(lambda: step(x, y), lambda o: o.jax().block_until_ready())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(run_one(args.one))
        return
    names = ["raw", "default", "reduce-overhead"]
    times: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(args.rounds):
        for n in names:
            out = subprocess.run([sys.executable, __file__, "--one", n], cwd=HERE,
                                 capture_output=True, text=True, check=True)  # fmt: skip
            times[n].append(float(out.stdout.strip().splitlines()[-1]))
    for n in names:
        ts = sorted(times[n])
        print(
            f"{n:<16} best {ts[0] * 1e6:6.1f} µs  (all runs {', '.join(f'{t * 1e6:.0f}' for t in ts)})"
        )  # noqa: E501
    raw = min(times["raw"])
    for n in names[1:]:
        print(f"{n} / raw JAX: {min(times[n]) / raw:.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
