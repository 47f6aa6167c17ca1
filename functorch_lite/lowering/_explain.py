"""``explain``: why is my compiled step slow? (``torch._dynamo.explain``'s role).

It reads what ``compile`` recorded — programs captured, re-traces and the guard that
failed each time, lines that fell back to eager — and adds the figures of the program
these arguments run: its size (HLO ops), flops, bytes accessed and memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ._trace import compiled_function, trace

__all__ = ["ExplainOutput", "explain"]


@dataclasses.dataclass
class ExplainOutput:
    """What ``explain`` found; ``str()`` gives the report.

    Attributes:
        graph_count: programs captured (one per guard that was seen).
        traces: traces run (a failed guard or a new shape traces again).
        retrace_causes: the guard that changed, for each re-trace.
        fallbacks: source lines that could not be traced and ran eagerly.
        op_counts: primitive -> count in the traced program (nested included).
        hlo_ops: instructions in the optimized HLO module.
        flops: XLA's estimate of floating point operations per call.
        bytes_accessed: XLA's estimate of memory traffic per call.
        memory: argument/output/temp bytes of the executable.
        state_inputs: number of state arrays handed in per call.
        symbolic_programs: ``dynamic=True`` programs traced with symbolic batch
            sizes (each serves every batch size: new sizes compile, never re-trace).
    """

    graph_count: int
    traces: int
    retrace_causes: list[str]
    fallbacks: list[str]
    op_counts: dict[str, int]
    hlo_ops: int
    flops: float
    bytes_accessed: float
    memory: dict[str, int]
    state_inputs: int
    symbolic_programs: int = 0

    def __str__(self) -> str:
        lines = [
            f"graph captures: {self.graph_count} (traces run: {self.traces})",
            f"re-traces: {len(self.retrace_causes)}",
        ]
        if self.symbolic_programs:
            lines.append(
                f"dynamic=True: {self.symbolic_programs} symbolic-batch program(s) "
                f"serve the {self.graph_count} captured shapes (compiled, not re-traced)"
            )
        lines += [f"  re-trace {i + 1}: guard failed on {c}"
                  for i, c in enumerate(self.retrace_causes)]  # fmt: skip
        lines.append(f"eager fallbacks (graph breaks): {len(self.fallbacks)}")
        lines += [f"  {w}" for w in self.fallbacks]
        top = ", ".join(f"{k} {v}" for k, v in list(self.op_counts.items())[:8])
        lines += [
            f"traced ops: {sum(self.op_counts.values())} ({top})",
            f"compiled program: {self.hlo_ops} HLO ops, {self.state_inputs} state arrays",
            f"cost per call: {self.flops:.4g} flops, {self.bytes_accessed:.4g} bytes accessed",  # noqa: E501
            "memory: " + ", ".join(f"{k} {v}" for k, v in self.memory.items()),
        ]
        if self.retrace_causes:
            lines.append(
                "hint: every re-trace compiles a new program; keep shapes stable "
                "(functorch_lite.lowering.bucket pads batches to a few sizes)."
            )
        return "\n".join(lines)


def explain(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> ExplainOutput:
    """Report captures, re-traces (and why), eager fallbacks, size, flops and memory.

    ``fn`` is best the compiled step you run (``compile(step)``): its history of
    re-traces is reported, and the program for ``args`` is traced (not run) if new —
    which itself counts as a re-trace when the shapes changed. A plain function is
    compiled fresh (and, like ``compile``'s first call, run once to find its state).
    """
    cf = compiled_function(fn)
    traced = trace(cf, *args, **kwargs)
    compiled = traced.lower().compile()
    cost = compiled.cost_analysis()
    return ExplainOutput(
        graph_count=len(cf.programs),
        traces=cf.traces,
        retrace_causes=list(cf.retrace_causes),
        fallbacks=list(cf.fallbacks),
        op_counts=traced.op_counts(),
        hlo_ops=compiled.hlo_op_count(),
        flops=cost["flops"],
        bytes_accessed=cost["bytes accessed"],
        memory=compiled.memory_analysis(),
        state_inputs=sum(1 for s in traced.inputs if s.kind != "arg"),
        symbolic_programs=len(cf.dynamic_programs),
    )
