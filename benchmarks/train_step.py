"""Compiled training step: functorch_lite.compile vs raw jax.jit vs PyTorch (eager, compile).

Run: ``.venv/bin/python benchmarks/train_step.py``. Targets (issue "Transforms"): ≤ 1.05×
raw JAX on the large MLP, ≤ 1.3× on the small one; faster than PyTorch eager and
``torch.compile`` on both. The per-call cost of state write-back is printed separately
(our wrapper's time minus the bare compiled executable's).
"""

from __future__ import annotations

import time
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import torch
from _bare import bare_executable
from _timing import best_time, fmt_us, interleaved

import functorch_lite as fl


def raw_jax_step(sizes: list[int]):
    """The same math written by hand as one pure ``jax.jit`` with donated buffers."""

    def loss_fn(params, x, y):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w.T + b
            if i < len(params) - 1:
                h = jax.nn.relu(h)
        logp = jax.nn.log_softmax(h, axis=-1)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    def step(params, m, v, t, x, y, lr):
        loss, g = jax.value_and_grad(loss_fn)(params, x, y)
        t = t + 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, g)
        c1, c2 = 1 - b1**t, 1 - b2**t
        params = jax.tree_util.tree_map(
            lambda p, m, v: p - lr * (m / c1) / (jnp.sqrt(v / c2) + eps), params, m, v
        )
        return params, m, v, t, loss

    return jax.jit(step, donate_argnums=(0, 1, 2, 3))


def weights(sizes: list[int], seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        out.append((rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32),
                    rng.uniform(-bound, bound, (fan_out,)).astype(np.float32)))  # fmt: skip
    return out


def build_mlp(lib, sizes):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(lib.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(lib.nn.ReLU())
    model = lib.nn.Sequential(*layers)
    lin = [m for m in model if isinstance(m, lib.nn.Linear)]
    for m, (w, b) in zip(lin, weights(sizes)):
        m.weight.data.copy_(lib.tensor(w))
        m.bias.data.copy_(lib.tensor(b))
    return model


def case(sizes: list[int], batch: int, number: int) -> None:
    rng = np.random.default_rng(1)
    x_np = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y_np = rng.integers(0, sizes[-1], batch).astype(np.int64)
    print(f"\nMLP {'-'.join(map(str, sizes))}, batch {batch}, Adam")

    # functorch_lite, compiled
    model = build_mlp(fl, sizes)
    opt = fl.optim.Adam(model.parameters(), lr=1e-3)
    crit = fl.nn.CrossEntropyLoss()
    x, y = fl.tensor(x_np), fl.tensor(y_np)

    @fl.compile
    def step(x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    @fl.compile(mode="reduce-overhead")
    def fast_step(x, y):
        opt2.zero_grad()
        loss = crit(model2(x), y)
        loss.backward()
        opt2.step()
        return loss

    model2 = build_mlp(fl, sizes)
    opt2 = fl.optim.Adam(model2.parameters(), lr=1e-3)
    for _ in range(3):
        step(x, y)
        fast_step(x, y)
    program = next(iter(step.programs.values()))
    bare = bare_executable(program, [x.jax(), y.jax()])

    # raw JAX
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in weights(sizes)]
    m = jax.tree_util.tree_map(jnp.zeros_like, params)
    v = jax.tree_util.tree_map(jnp.zeros_like, params)
    t = jnp.asarray(0.0, jnp.float32)
    jstep = raw_jax_step(sizes)
    jx, jy, lr = jnp.asarray(x_np), jnp.asarray(y_np), jnp.asarray(1e-3, jnp.float32)
    state_j = [params, m, v, t]

    def raw():
        p, m_, v_, t_, loss = jstep(*state_j, jx, jy, lr)
        state_j[:] = [p, m_, v_, t_]
        return loss

    # Ours, the bare executable and raw JAX in alternated rounds (the machine is noisy).
    candidates = {"ours": lambda: step(x, y).jax(), "fast": lambda: fast_step(x, y).jax(),
                  "bare": bare, "raw": raw}  # fmt: skip
    sync = {k: (lambda o: o.block_until_ready()) for k in candidates}
    times = interleaved(candidates, number=number, repeat=15, sync=sync)
    t_ours, t_fast, t_bare, t_raw = (times[k] for k in ("ours", "fast", "bare", "raw"))

    # PyTorch eager and torch.compile
    torch.manual_seed(0)
    tmodel = build_mlp(torch, sizes)
    topt = torch.optim.Adam(tmodel.parameters(), lr=1e-3)
    tcrit = torch.nn.CrossEntropyLoss()
    tx, ty = torch.from_numpy(x_np), torch.from_numpy(y_np)

    def tstep():
        topt.zero_grad()
        loss = tcrit(tmodel(tx), ty)
        loss.backward()
        topt.step()
        return loss

    t_torch = best_time(tstep, number=number)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cstep = torch.compile(tstep)
            start = time.perf_counter()
            cstep()
            compile_s = time.perf_counter() - start
            t_tcomp = best_time(cstep, number=number)
        tc = f"{fmt_us(t_tcomp)} (ours/torch.compile {t_ours / t_tcomp:5.2f}x, its first call {compile_s:.1f} s)"  # noqa: E501
    except Exception as e:  # noqa: BLE001 - report, do not fail the benchmark
        tc = f"unavailable ({type(e).__name__}: {str(e).splitlines()[0][:80]})"

    print(f"  functorch_lite.compile  {fmt_us(t_ours)}")
    print(
        f"  ... mode=reduce-overhead {fmt_us(t_fast)}  ratio to raw {t_fast / t_raw:5.2f}x"
    )
    print(
        f"  bare compiled program   {fmt_us(t_bare)}  (write-back + guard overhead {fmt_us(t_ours - t_bare)})"
    )  # noqa: E501
    print(
        f"  raw jax.jit (donated)   {fmt_us(t_raw)}  ratio ours/raw {t_ours / t_raw:5.2f}x"
    )
    print(
        f"  PyTorch eager           {fmt_us(t_torch)}  ratio ours/torch {t_ours / t_torch:5.2f}x"
    )
    print(f"  torch.compile           {tc}")


def main() -> None:
    print(f"jax {jax.__version__}, torch {torch.__version__}")
    case([784, 512, 256, 10], 128, number=50)
    case([32, 64, 10], 8, number=500)


if __name__ == "__main__":
    main()
