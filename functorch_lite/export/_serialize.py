"""``save``/``load`` of an ``ExportedProgram``: one zip file, no model code needed.

Layout (zip, stored uncompressed so the weights can be read in place):

* ``program.jaxexport`` — ``jax.export.Exported.serialize()``: versioned StableHLO
  bytecode with its calling convention; ``jax.export.deserialize`` reads it back.
* ``weights.safetensors`` — the parameters and buffers by PyTorch name.
* ``meta.json`` — format version, graph signature, output structure.
"""

from __future__ import annotations

import dataclasses
import json
import os
import zipfile
from typing import Any

import jax
import jax.numpy as jnp

from .._tensor import Tensor
from ..serialization import safetensors
from ._export import ExportedProgram, ExportGraphSignature, InputSpec

__all__ = ["save", "load"]

FORMAT = "functorch_lite.export/1"
NOT_EXPORTED = (
    "{path} is not a functorch_lite exported program (missing {member}); save one "
    "with functorch_lite.export.save(export(model, args), path)"
)


def save(ep: ExportedProgram, f: str | os.PathLike[str]) -> None:
    """``torch.export.save``: write ``ep`` (program and weights) to one file."""
    sig = ep.graph_signature
    meta = {
        "format": FORMAT,
        "input_specs": [dataclasses.asdict(s) for s in sig.input_specs],
        "user_outputs": sig.user_outputs,
        "out_spec": ep.out_spec,
        "user_kwargs": ep.user_kwargs,
    }
    weights = safetensors.save({k: Tensor(v) for k, v in ep._state.items()})
    tmp = os.fspath(f) + ".tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("meta.json", json.dumps(meta))
        z.writestr("program.jaxexport", bytes(ep.exported.serialize()))
        z.writestr("weights.safetensors", weights)
    os.replace(tmp, f)  # a crash mid-write never leaves a half-written file behind


def load(f: str | os.PathLike[str]) -> ExportedProgram:
    """``torch.export.load``: read a program saved by ``save``."""
    with zipfile.ZipFile(f) as z:
        names = set(z.namelist())
        for member in ("meta.json", "program.jaxexport", "weights.safetensors"):
            if member not in names:
                raise ValueError(NOT_EXPORTED.format(path=os.fspath(f), member=member))
        meta = json.loads(z.read("meta.json"))
        program = z.read("program.jaxexport")
        weights = z.read("weights.safetensors")
    if meta.get("format") != FORMAT:
        raise ValueError(f"{os.fspath(f)}: unsupported format {meta.get('format')!r}")
    exported = jax.export.deserialize(bytearray(program))
    state: dict[str, Any] = {k: _array(v) for k, v in safetensors.load(weights).items()}
    specs = [InputSpec(s["kind"], s["name"], tuple(s["shape"]), s["dtype"])
             for s in meta["input_specs"]]  # fmt: skip
    signature = ExportGraphSignature(specs, list(meta["user_outputs"]))
    return ExportedProgram(
        exported, state, signature, meta["out_spec"], meta["user_kwargs"]
    )


def _array(value: Any) -> Any:
    return value.jax() if isinstance(value, Tensor) else jnp.asarray(value)
