"""First-call latency of a compiled train step: ``functorch_lite.compile`` vs ``torch.compile``.

Run: ``.venv/bin/python benchmarks/compile_time.py [--runs N]``.

The step is the PyTorch idiom closing over the model and the optimizer: MLP
784-512-256-10, Adam, batch 128. Each measurement runs in a fresh subprocess with no
persistent compilation cache (ours disabled, Inductor's pointed at an empty directory),
so it includes everything a user waits for on the first calls:

* ours: call 1 (eager discovery of the state) + call 2 (trace + XLA compile), and the
  steady-state time of call 3 for scale;
* torch: the first ``torch.compile``d call (Dynamo trace + AOTAutograd + Inductor).
  It may take a minute or fail without a C++ toolchain: the failure is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The same PyTorch script for both sides: only the import line differs.
SCRIPT = textwrap.dedent("""
    import json, time
    t0 = time.perf_counter()
    IMPORT_LINE
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                                torch.nn.Linear(512, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    @torch.compile
    def step(x, y):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    x, y = torch.randn(128, 784), torch.randint(0, 10, (128,))
    t1 = time.perf_counter()
    try:
        step(x, y).item()
        t2 = time.perf_counter()
        step(x, y).item()
        t3 = time.perf_counter()
        step(x, y).item()
        t4 = time.perf_counter()
        print(json.dumps({"import": t1 - t0, "call1": t2 - t1, "call2": t3 - t2,
                          "steady": t4 - t3}))
    except Exception as e:  # no C++ compiler / Inductor toolchain on this machine
        msg = str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
        print(json.dumps({"error": f"{type(e).__name__}: {msg}",
                          "after": time.perf_counter() - t1}))
""")

OURS = SCRIPT.replace("IMPORT_LINE", "import functorch_lite as torch")
TORCH = SCRIPT.replace("IMPORT_LINE", "import torch")


def fresh(script: str, scratch: str) -> dict:
    """Run ``script`` in a new interpreter with empty compilation caches."""
    env = dict(os.environ, JAX_PLATFORMS="cpu",
               TORCHINDUCTOR_CACHE_DIR=os.path.join(scratch, "inductor"),
               TRITON_CACHE_DIR=os.path.join(scratch, "triton"))  # fmt: skip
    env.pop("FUNCTORCH_LITE_CACHE_DIR", None)  # ours: no persistent cache unless asked
    try:
        res = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=900)  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 900 s"}
    if res.returncode != 0:
        lines = res.stderr.strip().splitlines() or ["(no stderr)"]
        return {"error": lines[-1][:300]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="fresh processes per side")
    parser.add_argument("--skip-torch", action="store_true")
    args = parser.parse_args()

    print(
        "== first calls of a compiled train step: MLP 784-512-256-10, Adam, batch 128"
    )
    print("   (fresh process each, no persistent cache; best of the runs)")
    results: dict[str, list[dict]] = {"ours": [], "torch": []}
    with tempfile.TemporaryDirectory() as scratch:
        for i in range(args.runs):  # interleaved so both sides see the same load
            results["ours"].append(fresh(OURS, os.path.join(scratch, f"o{i}")))
            if not args.skip_torch:
                results["torch"].append(fresh(TORCH, os.path.join(scratch, f"t{i}")))

    best: dict[str, dict] = {}
    for side, runs in results.items():
        ok = [r for r in runs if "error" not in r]
        for r in runs:
            if "error" in r:
                print(f"  {side}: failed: {r['error']}")
        if ok:
            best[side] = min(ok, key=lambda r: r["call1"] + r["call2"])
            r = best[side]
            print(f"  {side:<5} import {r['import']:6.2f} s | call 1 {r['call1']:7.2f} s"
                  f" | call 2 {r['call2']:7.2f} s | first two {r['call1'] + r['call2']:7.2f} s"
                  f" | steady {r['steady'] * 1e3:7.2f} ms")  # fmt: skip
    if "ours" in best and "torch" in best:
        ours = best["ours"]["call1"] + best["ours"]["call2"]
        # torch.compile does all of its work on call 1; call 2 may still recompile
        # (Dynamo guards on the optimizer's lazily created state).
        ref = best["torch"]["call1"] + best["torch"]["call2"]
        print(f"first two calls, ours / torch.compile: {ours / ref:.2f}x "
              f"({ours:.2f} s vs {ref:.2f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
