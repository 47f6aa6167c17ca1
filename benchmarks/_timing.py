"""Shared timing helpers for the benchmark scripts (never used by tests).

The machine is noisy: each figure is the best of several repeats of a timed loop, and
every comparison is measured side by side in the same process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_time(fn: Callable[[], Any], *, number: int = 200, repeat: int = 7,
              warmup: int = 20, sync: Callable[[Any], Any] | None = None) -> float:  # fmt: skip
    """Best per-call wall time in seconds over ``repeat`` loops of ``number`` calls."""
    out = None
    for _ in range(warmup):
        out = fn()
    if sync is not None:
        sync(out)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            out = fn()
        if sync is not None:
            sync(out)
        best = min(best, (time.perf_counter() - start) / number)
    return best


def fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} µs"


def row(name: str, ours: float, *refs: tuple[str, float]) -> str:
    parts = [f"{name:<34} ours {fmt_us(ours)}"]
    for label, t in refs:
        parts.append(f"{label} {fmt_us(t)} (ratio {ours / t:5.2f}x)")
    return " | ".join(parts)


def interleaved(fns: dict[str, Callable[[], Any]], *, number: int = 100, repeat: int = 15,
                warmup: int = 20, sync: dict[str, Callable[[Any], Any]] | None = None) -> dict[str, float]:  # fmt: skip  # noqa: E501
    """Best per-call time of each candidate, measured in alternation.

    On a loaded machine, timing one candidate after another compares different load
    levels; alternating short rounds lets every candidate see the same quiet moments.
    """
    sync = sync or {}
    for name, fn in fns.items():
        out = None
        for _ in range(warmup):
            out = fn()
        if name in sync:
            sync[name](out)
    best = {name: float("inf") for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(number):
                out = fn()
            if name in sync:
                sync[name](out)
            best[name] = min(best[name], (time.perf_counter() - start) / number)
    return best
