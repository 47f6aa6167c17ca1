"""Write PyTorch's zip-based ``.pt`` checkpoint format without importing torch.

Layout written by ``torch.save`` (and so by us), all records stored uncompressed
under one top-level folder::

    archive/data.pkl                 pickle (protocol 2) of the object; tensors are
                                     ``torch._utils._rebuild_tensor_v2(storage, ...)``
                                     whose storage is a persistent id
                                     ('storage', torch.FloatStorage, '0', 'cpu', numel)
    archive/.format_version          b'1'
    archive/.storage_alignment       b'64'
    archive/byteorder                b'little'
    archive/data/0, data/1, ...      raw little-endian bytes of each storage, 64-byte
                                     aligned in the file (so torch can mmap them)
    archive/version                  b'3\\n'
    archive/.data/serialization_id   40 digits

The pickle is emitted opcode by opcode rather than with ``pickle.Pickler``: the
globals it names live in ``torch``, which the pickler would import to check them.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections import OrderedDict
from typing import Any, BinaryIO

import numpy as np

from .. import _dtype
from ._convert import _to_numpy, dtype_info, is_tensor_like

__all__ = ["write_checkpoint"]

ARCHIVE_NAME = "archive"
ALIGNMENT = 64
_PAD_FIELD_ID = 0x4246  # "FB": the extra field torch's writer pads with

_SUPPORTED = (
    "save() accepts nested dict/OrderedDict/list/tuple of Tensors (or numpy/JAX "
    "arrays), int, float, complex, str, bytes, bool and None"
)


def _global(module: str, name: str) -> bytes:
    return b"c" + f"{module}\n{name}\n".encode()


def _contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Row-major strides in elements, computed like PyTorch (size-0 dims count as 1)."""
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


class _Pickler:
    """Emits protocol-2 opcodes for the containers a checkpoint may hold."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.storages: list[np.ndarray] = []
        self._storage_of: dict[int, int] = {}  # id(array) -> storage index
        self._leaves: list[Any] = []  # keeps arrays alive so ids are not reused
        self._in_progress: set[int] = set()

    def dumps(self, obj: Any) -> bytes:
        self.out.write(b"\x80\x02")  # PROTO 2, as torch.save writes
        self._save(obj)
        self.out.write(b".")  # STOP
        return self.out.getvalue()

    def _save(self, obj: Any) -> None:
        w = self.out.write
        if obj is None:
            w(b"N")
        elif obj is True or obj is False:
            w(b"\x88" if obj else b"\x89")
        elif isinstance(obj, int) and not isinstance(obj, np.generic):
            self._save_int(int(obj))
        elif isinstance(obj, float):
            w(b"G" + struct.pack(">d", obj))
        elif isinstance(obj, complex):
            w(_global("builtins", "complex"))
            self._save((obj.real, obj.imag))
            w(b"R")
        elif isinstance(obj, str):
            self._save_str(obj)
        elif isinstance(obj, (bytes, bytearray)):
            # Protocol 2 has no bytes opcode: torch/pickle write _codecs.encode(s, 'latin1').
            w(_global("_codecs", "encode"))
            self._save((bytes(obj).decode("latin1"), "latin1"))
            w(b"R")
        elif is_tensor_like(obj):
            self._save_tensor(obj)
        elif isinstance(obj, (dict, list, tuple)):
            self._save_container(obj)
        else:
            if isinstance(obj, _dtype.dtype):  # pickled as torch.float32 etc.
                w(_global("torch", dtype_info(obj.np_dtype).torch_name))
                return
            hint = " (convert numpy scalars with .item())" * isinstance(obj, np.generic)
            raise TypeError(
                f"cannot save an object of type {type(obj).__qualname__}{hint}; "
                f"{_SUPPORTED}"
            )

    def _save_int(self, value: int) -> None:
        w = self.out.write
        if 0 <= value < 0x100:
            w(b"K" + bytes([value]))
        elif 0 <= value < 0x10000:
            w(b"M" + struct.pack("<H", value))
        elif -(2**31) <= value < 2**31:
            w(b"J" + struct.pack("<i", value))
        else:
            data = value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
            w(b"\x8a" + bytes([len(data)]) + data)  # LONG1

    def _save_str(self, value: str) -> None:
        data = value.encode("utf-8", "surrogatepass")
        self.out.write(b"X" + struct.pack("<I", len(data)) + data)

    def _save_container(self, obj: dict | list | tuple) -> None:
        if id(obj) in self._in_progress:
            raise ValueError(
                f"cannot save a {type(obj).__name__} that contains itself; "
                "checkpoints hold trees of containers"
            )
        self._in_progress.add(id(obj))
        try:
            if isinstance(obj, dict):
                self._save_dict(obj)
            elif isinstance(obj, list):
                self._save_list(obj)
            else:
                self._save_tuple(obj)
        finally:
            self._in_progress.discard(id(obj))

    def _save_dict(self, obj: dict) -> None:
        w = self.out.write
        if isinstance(obj, OrderedDict):
            w(_global("collections", "OrderedDict") + b")R")
        else:
            w(b"}")
        if obj:
            w(b"(")
            for key, value in obj.items():
                self._save(key)
                self._save(value)
            w(b"u")  # SETITEMS
        # Module state_dicts carry ``_metadata`` (per-module versions) as an
        # attribute; torch pickles it as instance state (BUILD).
        state = getattr(obj, "__dict__", None)
        if isinstance(obj, OrderedDict) and state:
            self._save(dict(state))
            w(b"b")  # BUILD

    def _save_list(self, obj: list) -> None:
        self.out.write(b"]")
        if obj:
            self.out.write(b"(")
            for item in obj:
                self._save(item)
            self.out.write(b"e")  # APPENDS

    def _save_tuple(self, obj: tuple) -> None:
        w = self.out.write
        from .._tensor import Size  # lazy: the core imports this package

        is_size = isinstance(obj, Size)
        if is_size:  # functorch_lite.Size round-trips as torch.Size
            w(_global("torch", "Size"))
        if len(obj) == 0:
            w(b")")
        elif len(obj) <= 3:
            for item in obj:
                self._save(item)
            w(b"\x85\x86\x87"[len(obj) - 1 : len(obj)])  # TUPLE1/2/3
        else:
            w(b"(")
            for item in obj:
                self._save(item)
            w(b"t")
        if is_size:
            w(b"\x85R")  # wrap in a 1-tuple of args, REDUCE

    def _save_tensor(self, leaf: Any) -> None:
        """``torch._utils._rebuild_tensor_v2`` (or ``_v3`` for post-2.2 dtypes)."""
        from .._tensor import Tensor  # lazy: the core imports this package

        w = self.out.write
        # Tensors holding the very same (immutable) jax.Array, e.g. the state_dict
        # entries of tied weights, share one storage, so torch loads them tied too.
        values = leaf.jax() if isinstance(leaf, Tensor) else leaf
        key = self._storage_of.get(id(values))
        if key is None:
            key = len(self.storages)
            self.storages.append(_to_numpy(leaf))
            self._storage_of[id(values)] = key
            self._leaves.append(values)
        array = self.storages[key]
        info = dtype_info(array.dtype)
        requires_grad = bool(getattr(leaf, "requires_grad", False))
        if info.storage_class is not None:
            w(_global("torch._utils", "_rebuild_tensor_v2"))
            storage_type, numel = ("torch", info.storage_class), array.size
        else:
            w(_global("torch._utils", "_rebuild_tensor_v3"))
            storage_type, numel = ("torch.storage", "UntypedStorage"), array.nbytes
        w(b"((")
        self._save_str("storage")
        w(_global(*storage_type))
        self._save_str(str(key))
        self._save_str("cpu")
        self._save_int(numel)
        w(b"tQ")  # TUPLE, BINPERSID
        self._save_int(0)  # storage offset
        self._save(tuple(int(s) for s in array.shape))
        self._save(_contiguous_strides(array.shape))
        self._save(requires_grad)
        w(_global("collections", "OrderedDict") + b")R")  # backward hooks
        if info.storage_class is None:
            w(_global("torch", info.torch_name))
        w(b"tR")


def _padding_extra(offset: int, name: bytes, file_size: int) -> bytes:
    """An extra field making the record's data start on a 64-byte boundary."""
    # zipfile adds a 20-byte zip64 field to the local header in this case.
    zip64 = 20 if file_size * 1.05 > zipfile.ZIP64_LIMIT else 0
    header = 30 + len(name) + 4 + zip64
    pad = -(offset + header) % ALIGNMENT
    return struct.pack("<HH", _PAD_FIELD_ID, pad) + b"Z" * pad


def _write_record(zf: zipfile.ZipFile, name: str, data: Any) -> None:
    """Store one uncompressed, aligned record (a seam tests use to inject failures)."""
    full = f"{ARCHIVE_NAME}/{name}"
    info = zipfile.ZipInfo(full, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    size = memoryview(data).nbytes
    info.extra = _padding_extra(zf.start_dir, full.encode(), size)
    zf.writestr(info, data)


def _raw_bytes(array: np.ndarray) -> memoryview:
    flat = np.asarray(array, order="C").reshape(-1)
    return flat.view(np.uint8).data


def write_checkpoint(obj: Any, fp: BinaryIO) -> None:
    """Write ``obj`` in torch.save's format to a seekable binary file."""
    pickler = _Pickler()
    pickled = pickler.dumps(obj)  # fails on unsupported objects before any write
    with zipfile.ZipFile(fp, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        _write_record(zf, "data.pkl", pickled)
        _write_record(zf, ".format_version", b"1")
        _write_record(zf, ".storage_alignment", str(ALIGNMENT).encode())
        _write_record(zf, "byteorder", b"little")
        for key, array in enumerate(pickler.storages):
            _write_record(zf, f"data/{key}", _raw_bytes(array))
        _write_record(zf, "version", b"3\n")
        serialization_id = str(int.from_bytes(os.urandom(17), "little")).zfill(40)
        _write_record(zf, ".data/serialization_id", serialization_id[:40].encode())
