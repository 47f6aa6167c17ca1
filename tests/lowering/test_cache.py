"""The persistent compilation cache: a second process loads the step's executable."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = textwrap.dedent("""
    import jax
    import functorch_lite as fl
    from functorch_lite import lowering

    hits = []
    jax.monitoring.register_event_listener(
        lambda name, **kw: hits.append(name) if name.endswith("cache_hits") else None
    )
    fl.manual_seed(0)
    model = fl.nn.Sequential(fl.nn.Linear(16, 32), fl.nn.ReLU(), fl.nn.Linear(32, 4))
    opt = fl.optim.Adam(model.parameters(), lr=1e-3)

    def step(x, y):
        opt.zero_grad()
        loss = fl.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    x, y = fl.randn(8, 16), fl.randint(0, 4, (8,))
    fast = lowering.aot_compile(step, x, y)
    fast(x, y)
    print("CACHE", lowering.cache_dir())
    print("HITS", len(hits))
""")


def run(cache_dir: str) -> str:
    env = dict(os.environ, JAX_PLATFORMS="cpu", FUNCTORCH_LITE_CACHE_DIR=cache_dir)
    res = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout


@pytest.mark.slow  # two fresh interpreters
def test_second_process_hits_the_persistent_cache(tmp_path):
    cache = str(tmp_path / "xla")
    first = run(cache)
    assert f"CACHE {cache}" in first
    entries = os.listdir(cache)
    assert entries, "the first process wrote nothing to the cache"
    second = run(cache)
    hits = int(second.split("HITS ")[1].split()[0])
    assert hits >= 1, second
    assert set(os.listdir(cache)) >= set(entries)
