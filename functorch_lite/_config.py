"""The few global flags of functorch_lite, in one place (STYLE rule 13).

Nothing else in the package reads environment variables.

* JAX's 64-bit mode is switched on at import. PyTorch code relies on ``int64`` indices
  (``torch.tensor([1, 2]).dtype`` is ``int64``) and on ``float64`` when asked for; with
  JAX's default 32-bit mode those types silently become 32-bit. We keep PyTorch's
  defaults (float32 for floats) by always passing explicit dtypes to JAX, so the only
  cost is that raw ``jax.numpy`` code in the same process also sees 64-bit defaults
  (``jnp.arange(3)`` is int64) — see ARCHITECTURE.md, "Dtypes".
"""

from __future__ import annotations

import os

import jax

jax.config.update("jax_enable_x64", True)

#: Re-traces of one compiled function after which a warning names the failing guard.
RECOMPILE_WARN_LIMIT: int = int(os.environ.get("FUNCTORCH_LITE_RECOMPILE_LIMIT", "8"))

#: Directory of the persistent XLA compilation cache ("" disables it).
COMPILATION_CACHE_DIR: str = os.environ.get(
    "FUNCTORCH_LITE_CACHE_DIR",
    os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
        "functorch_lite",
        "xla",
    ),
)

#: Compile a repeated backward graph structure into one XLA program (ARCHITECTURE §2).
COMPILED_BACKWARD: bool = os.environ.get("FUNCTORCH_LITE_COMPILED_BACKWARD", "1") != "0"
