"""The stages after tracing: ``Lowered`` (StableHLO) and ``Compiled`` (XLA executable).

Each wraps the JAX stage object of the same name (``jax.stages.Lowered`` /
``jax.stages.Compiled``, reachable as ``.jax``) and adds what a PyTorch user asks of a
compiled step: the program text, how many HLO ops it has, its flops and its memory.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Lowered", "Compiled"]

# One HLO instruction per line: ``%name = type opcode(operands)`` or ``ROOT %name = ...``.
_HLO_OP = re.compile(r"^\s*(?:ROOT\s+)?%?[\w.\-]+\s*=\s*\S.*?\s([a-z][\w\-]*)\(", re.M)
_STABLEHLO_OP = re.compile(r"=\s*\"?((?:stablehlo|chlo|mhlo|func|sdy)\.[\w.]+)")


class Lowered:
    """A program lowered to StableHLO (``jax.stages.Lowered``), not yet compiled."""

    def __init__(self, lowered: Any) -> None:
        #: The underlying ``jax.stages.Lowered``.
        self.jax = lowered

    def as_text(self) -> str:
        """The StableHLO module as MLIR text (what XLA receives)."""
        return str(self.jax.as_text())

    def op_counts(self) -> dict[str, int]:
        """StableHLO operation name -> count, over the whole module."""
        counts: dict[str, int] = {}
        for name in _STABLEHLO_OP.findall(self.as_text()):
            counts[name] = counts.get(name, 0) + 1
        return counts

    def compile(self, compiler_options: dict[str, Any] | None = None) -> Compiled:
        """Compile with XLA; ``compiler_options`` are XLA flags (``xla_*``)."""
        if compiler_options:
            return Compiled(self.jax.compile(compiler_options))
        return Compiled(self.jax.compile())

    def __str__(self) -> str:
        return self.as_text()


class Compiled:
    """An XLA executable (``jax.stages.Compiled``) with its cost and memory figures."""

    def __init__(self, compiled: Any) -> None:
        #: The underlying ``jax.stages.Compiled``.
        self.jax = compiled

    def __call__(self, *args: Any) -> Any:
        """Run the executable on arrays laid out as the traced program's inputs."""
        return self.jax(*args)

    def as_text(self) -> str:
        """The optimized HLO module after XLA's passes (fusions included)."""
        return str(self.jax.as_text())

    def hlo_op_count(self) -> int:
        """Number of HLO instructions in the optimized module (all computations)."""
        return len(_HLO_OP.findall(self.as_text()))

    def cost_analysis(self) -> dict[str, float]:
        """XLA's cost model: ``flops``, ``bytes accessed`` (plus backend extras).

        Missing figures are reported as 0.0 so callers can always read both keys.
        """
        raw = self.jax.cost_analysis()
        if isinstance(raw, (list, tuple)):  # older JAX: one dict per device program
            raw = raw[0] if raw else {}
        # Per-operand entries ("bytes accessed0{}", "utilization3{}") are noise here.
        out = {k: float(v) for k, v in (raw or {}).items() if "{" not in k}
        out.setdefault("flops", 0.0)
        out.setdefault("bytes accessed", 0.0)
        return out

    def memory_analysis(self) -> dict[str, int]:
        """Buffer sizes in bytes: arguments, outputs, temporaries, aliased, code."""
        m = self.jax.memory_analysis()
        if m is None:
            return {}
        return {
            "argument_bytes": int(m.argument_size_in_bytes),
            "output_bytes": int(m.output_size_in_bytes),
            "temp_bytes": int(m.temp_size_in_bytes),
            "alias_bytes": int(m.alias_size_in_bytes),
            "generated_code_bytes": int(m.generated_code_size_in_bytes),
        }
