"""The error raised for unreadable or unsafe checkpoint files."""

from __future__ import annotations

__all__ = ["CheckpointError"]


class CheckpointError(ValueError):
    """A checkpoint file is corrupt, truncated, unsafe or not in a format we read.

    PyTorch raises a mix of ``RuntimeError``/``pickle.UnpicklingError`` for these;
    one class (a ``ValueError``, since the problem is the file's content) lets callers
    catch every "this file cannot be loaded" case at once.
    """


UNSAFE_LOAD = (
    "functorch_lite.load(..., weights_only=False) is not supported: loading a "
    "checkpoint never runs code stored in it. Keep weights_only=True (the default) "
    "for state_dicts, optimizer state_dicts and nested containers of tensors and "
    "Python numbers/str/bool/None; to store other Python objects, pickle them "
    "yourself into a separate file you trust."
)

FORBIDDEN_GLOBAL = (
    "refusing to load {name!r} from {where}: a weights-only checkpoint may only "
    "reference tensor-rebuilding functions, storage types, dtypes and a few "
    "containers, and loading never executes code stored in the file. If this file "
    "comes from a source you trust and holds other Python objects, re-save it from "
    "PyTorch as a plain state_dict (torch.save(model.state_dict(), path))."
)
