"""Shared pytest set-up.

* ``tests/`` is importable, for the shared helpers in it (``_both``, ``op_db``...).
* JAX's persistent compilation cache is on for the suite, with no size/time threshold:
  most of the suite's time is XLA compiling small per-op programs, and a warm cache
  (a second run on the same machine, or CI right after a developer's run) loads them
  instead. A cold cache only costs time, never correctness.
"""

from __future__ import annotations

import os
import pathlib
import sys

import jax

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

_CACHE = os.environ.get(
    "FUNCTORCH_LITE_TEST_CACHE",
    os.path.join(os.path.expanduser("~"), ".cache", "functorch_lite", "xla-tests"),
)
if _CACHE:
    os.makedirs(_CACHE, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", _CACHE)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
