"""``save``/``load``: PyTorch's checkpoint functions, reading and writing torch's files."""

from __future__ import annotations

import io
import os
from typing import Any, BinaryIO

from . import _pt_writer
from ._atomic import atomic_write
from ._errors import UNSAFE_LOAD
from ._pt_reader import MapLocation, read_checkpoint

__all__ = ["load", "save"]


def save(obj: Any, f: str | os.PathLike[str] | BinaryIO) -> None:
    """Save ``obj`` in PyTorch's zip format, like ``torch.save``.

    ``torch.load(f, weights_only=True)`` reads the result. Saving to a path is atomic:
    the data goes to a temporary file in the same directory, is fsynced, and then
    replaces ``f``, so a crash never leaves a half-written checkpoint.

    Args:
        obj: a state_dict, an optimizer state_dict, or any nesting of dict,
            OrderedDict, list and tuple holding Tensors (or numpy/JAX arrays), int,
            float, complex, str, bytes, bool and None. The same Tensor object saved
            twice (tied weights) is stored once and loads as one storage in torch.
        f: a path, or a binary file object (written in place, not atomically).

    Example:
        >>> import io, functorch_lite as torch
        >>> from functorch_lite.serialization import load, save
        >>> buf = io.BytesIO()
        >>> save({"w": torch.ones(2)}, buf)
        >>> _ = buf.seek(0)
        >>> load(buf)["w"].tolist()
        [1.0, 1.0]
    """
    if isinstance(f, (str, os.PathLike)):
        with atomic_write(f) as fp:
            _pt_writer.write_checkpoint(obj, fp)
        return
    if hasattr(f, "seekable") and f.seekable():
        _pt_writer.write_checkpoint(obj, f)
        return
    # zipfile needs to seek back to patch headers: assemble in memory first.
    buffer = io.BytesIO()
    _pt_writer.write_checkpoint(obj, buffer)
    f.write(buffer.getvalue())


def load(
    f: str | os.PathLike[str] | BinaryIO,
    map_location: MapLocation = None,
    weights_only: bool = True,
) -> Any:
    """Load a checkpoint written by ``torch.save`` or ``save``, like ``torch.load``.

    Always behaves as ``torch.load(..., weights_only=True)``: the file may only
    reference tensors, storages, dtypes and plain containers; anything else (e.g. a
    pickled ``os.system``) raises ``CheckpointError`` naming the global, and no code
    from the file ever runs. Tensors that shared storage or were views (tied weights,
    slices, transposes) load with the right values, as independent tensors.

    Args:
        f: a path or a binary file object.
        map_location: where tensors go; they load on the CPU by default. A device
            or string (``'cpu'``), a dict mapping saved locations (``'cuda:0'``) to
            devices, or a callable ``(storage, location)`` whose returned tensor's
            device is used (``lambda storage, loc: storage`` keeps the CPU).
        weights_only: must be True; ``False`` raises with an explanation.

    Raises:
        CheckpointError: the file is corrupt, truncated, unsafe or not a checkpoint.
    """
    if weights_only is not True:
        raise ValueError(UNSAFE_LOAD)
    return read_checkpoint(f, map_location)
