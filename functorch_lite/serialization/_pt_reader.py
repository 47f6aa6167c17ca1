"""Read PyTorch's zip-based ``.pt`` checkpoints (see ``_pt_writer`` for the layout)."""

from __future__ import annotations

import io
import math
import os
import pickle
import struct
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, BinaryIO, Literal, NamedTuple

import numpy as np

from .. import _device, _dtype
from ._convert import DTYPES, _from_numpy
from ._errors import CheckpointError
from ._unpickler import RestrictedUnpickler

__all__ = ["read_checkpoint"]

MapLocation = None | str | _device.device | dict[str, str] | Callable[[Any, str], Any]


_KNOWN_NP_DTYPES = {info.np_dtype for info in DTYPES}


class _StorageType(NamedTuple):
    """Stand-in for ``torch.FloatStorage`` & co.: the element type of a storage."""

    np_dtype: np.dtype | None  # None: ``torch.storage.UntypedStorage`` (bytes)


class _StorageRef(NamedTuple):
    """A persistent id ('storage', type, key, location, numel), checked."""

    key: str
    np_dtype: np.dtype | None
    location: str
    numel: int


def _latin1_encode(text: str, encoding: str = "utf-8") -> bytes:
    """``_codecs.encode`` as protocol 2 uses it to spell ``bytes`` objects."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise CheckpointError("_codecs.encode is only allowed to rebuild bytes")
    return text.encode("latin1")


def _size(dims: Any = ()) -> tuple[int, ...]:
    import functorch_lite

    size_type = getattr(functorch_lite, "Size", tuple)
    return size_type(int(d) for d in dims)


def _torch_dtype(torch_name: str, np_dtype: np.dtype) -> Any:
    # A dtype inside a checkpoint loads as our dtype object when the core has one.
    return _dtype.ALIASES.get(torch_name, np_dtype)


def _check_ints(name: str, values: Any, *, where: str) -> tuple[int, ...]:
    if not isinstance(values, tuple) or not all(
        type(v) is int and v >= 0 for v in values
    ):
        raise CheckpointError(
            f"corrupt tensor record in {where}: {name} must be a tuple of "
            f"non-negative ints, got {values!r}"
        )
    return values


class _MapLocationError(Exception):
    """Carries an error raised while applying map_location out of the unpickler."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


class _Rebuilder:
    """Turns storages and ``_rebuild_tensor_*`` calls into Tensors for one file."""

    def __init__(
        self, zf: zipfile.ZipFile, prefix: str, map_location: MapLocation, where: str
    ) -> None:
        self.zf, self.prefix, self.where = zf, prefix, where
        self.map_location = map_location
        self.byteorder: Literal["<", ">"] = "<"
        self._raw: dict[str, bytes] = {}
        self._targets: dict[str, Any] = {}

    def allowed_globals(self) -> dict[str, Any]:
        allowed: dict[str, Any] = {
            "collections.OrderedDict": OrderedDict,
            "builtins.set": set,
            "builtins.frozenset": frozenset,
            "builtins.complex": complex,
            "_codecs.encode": _latin1_encode,
            "torch._utils._rebuild_tensor_v2": self.rebuild_tensor_v2,
            "torch._utils._rebuild_tensor_v3": self.rebuild_tensor_v3,
            "torch._utils._rebuild_parameter": self.rebuild_parameter,
            "torch._utils._rebuild_parameter_with_state": self.rebuild_parameter,
            "torch.Size": _size,
            "torch.device": _device.device,
            "torch.storage.UntypedStorage": _StorageType(None),
        }
        for info in DTYPES:
            allowed[f"torch.{info.torch_name}"] = _torch_dtype(
                info.torch_name, info.np_dtype
            )
            if info.storage_class is not None:
                allowed[f"torch.{info.storage_class}"] = _StorageType(info.np_dtype)
        return allowed

    def persistent_load(self, pid: Any) -> _StorageRef:
        if not (
            isinstance(pid, tuple)
            and len(pid) == 5
            and pid[0] == "storage"
            and isinstance(pid[1], _StorageType)
            and isinstance(pid[2], str)
            and isinstance(pid[3], str)
            and type(pid[4]) is int
            and pid[4] >= 0
        ):
            raise CheckpointError(
                f"unsupported persistent id {pid!r} in {self.where}: expected "
                "('storage', <storage type>, key, location, numel)"
            )
        return _StorageRef(pid[2], pid[1].np_dtype, pid[3], pid[4])

    # -- the stand-ins for torch._utils._rebuild_* ---------------------------------

    def rebuild_tensor_v2(
        self,
        storage: _StorageRef,
        storage_offset: int,
        size: tuple[int, ...],
        stride: tuple[int, ...],
        requires_grad: bool = False,
        backward_hooks: Any = None,
        metadata: Any = None,
    ) -> Any:
        if not isinstance(storage, _StorageRef) or storage.np_dtype is None:
            raise CheckpointError(
                f"corrupt tensor record in {self.where}: expected a typed storage"
            )
        return self._tensor(
            storage, storage.np_dtype, storage_offset, size, stride, requires_grad
        )

    def rebuild_tensor_v3(
        self,
        storage: _StorageRef,
        storage_offset: int,
        size: tuple[int, ...],
        stride: tuple[int, ...],
        requires_grad: bool,
        backward_hooks: Any,
        dtype: Any,
        metadata: Any = None,
    ) -> Any:
        np_dtype = getattr(dtype, "np_dtype", dtype)
        if not isinstance(storage, _StorageRef) or np_dtype not in _KNOWN_NP_DTYPES:
            raise CheckpointError(
                f"corrupt tensor record in {self.where}: expected a storage and a "
                f"dtype, got {storage!r} and {dtype!r}"
            )
        return self._tensor(
            storage, np_dtype, storage_offset, size, stride, requires_grad
        )

    def rebuild_parameter(
        self, data: Any, requires_grad: bool, backward_hooks: Any, state: Any = None
    ) -> Any:
        # An ``nn.Parameter`` loads as a Tensor with its requires_grad flag;
        # ``load_state_dict`` copies values into the module's own Parameters.
        if requires_grad and not data.requires_grad:
            data.requires_grad_(True)
        return data

    # -- storages --------------------------------------------------------------------

    def _storage_bytes(self, ref: _StorageRef, itemsize: int) -> bytes:
        if ref.key not in self._raw:
            name = f"{self.prefix}/data/{ref.key}"
            try:
                raw = self.zf.read(name)
            except KeyError:
                raise CheckpointError(
                    f"{self.where} is missing the storage record {name!r} "
                    "(the file is truncated or was not written by torch.save)"
                ) from None
            except (zipfile.BadZipFile, OSError, EOFError) as e:
                raise CheckpointError(
                    f"cannot read storage record {name!r} of {self.where}: {e}"
                ) from e
            expected = ref.numel * itemsize
            if len(raw) < expected:
                raise CheckpointError(
                    f"storage record {name!r} of {self.where} holds {len(raw)} bytes "
                    f"but the checkpoint says it has {ref.numel} elements of "
                    f"{itemsize} bytes ({expected} bytes): the file is corrupt"
                )
            self._raw[ref.key] = raw
        return self._raw[ref.key]

    def _tensor(
        self,
        ref: _StorageRef,
        np_dtype: np.dtype,
        offset: Any,
        size: Any,
        stride: Any,
        requires_grad: Any,
    ) -> Any:
        size = _check_ints("size", size, where=self.where)
        stride = _check_ints("stride", stride, where=self.where)
        (offset,) = _check_ints("storage offset", (offset,), where=self.where)
        if len(size) != len(stride):
            raise CheckpointError(
                f"corrupt tensor record in {self.where}: size {size} and stride "
                f"{stride} have different lengths"
            )
        try:
            _dtype.from_jax_dtype(np_dtype)
        except TypeError:
            raise CheckpointError(
                f"{self.where} holds a tensor of dtype {np_dtype}, which "
                "functorch_lite tensors do not support; convert it in PyTorch first "
                "(e.g. t.to(torch.int32)) and re-save"
            ) from None
        itemsize = np_dtype.itemsize
        # An untyped storage counts bytes; a typed one counts elements.
        unit = 1 if ref.np_dtype is None else itemsize
        raw = self._storage_bytes(ref, unit)
        storage_len = ref.numel * unit // itemsize
        numel = math.prod(size)  # Python ints: a hostile size cannot overflow
        if numel == 0:
            array = np.zeros(size, dtype=np_dtype)
        else:
            last = offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True))
            if last >= storage_len:
                raise CheckpointError(
                    f"corrupt tensor record in {self.where}: a view with offset "
                    f"{offset}, size {size} and stride {stride} reaches element "
                    f"{last} of storage {ref.key!r}, which has {storage_len}"
                )
            flat = np.frombuffer(
                raw, dtype=np_dtype.newbyteorder(self.byteorder), count=storage_len
            )
            view = np.lib.stride_tricks.as_strided(
                flat[offset:],
                shape=size,
                strides=tuple(s * itemsize for s in stride),
                writeable=False,
            )
            array = view.astype(np_dtype)  # copies into native byte order
        tensor = _from_numpy(array, requires_grad=bool(requires_grad))
        return self._place(tensor, ref)

    # -- map_location ----------------------------------------------------------------

    def _place(self, tensor: Any, ref: _StorageRef) -> Any:
        try:
            target = self._target(ref)
            return tensor if target is None else tensor.to(target)
        except CheckpointError:
            raise
        except Exception as e:  # the caller's map_location failed, not the file
            raise _MapLocationError(e) from e

    def _target(self, ref: _StorageRef) -> Any:
        """The device a storage saved at ``ref.location`` goes to (None: CPU)."""
        if ref.key in self._targets:
            return self._targets[ref.key]
        ml = self.map_location
        if ml is None:
            # torch would restore to the saved device; everything here lives on
            # the CPU unless the caller asks otherwise.
            target: Any = None
        elif isinstance(ml, dict):
            target = ml.get(ref.location, None)
        elif callable(ml) and not isinstance(ml, (str, _device.device)):
            # torch calls map_location(storage, location) and keeps the storage it
            # returns; we hand over a 1-D tensor of the storage and keep its device.
            itemsize = 1 if ref.np_dtype is None else ref.np_dtype.itemsize
            raw = self._storage_bytes(ref, itemsize)
            flat = np.frombuffer(raw, np.dtype(ref.np_dtype or np.uint8), ref.numel)
            moved = ml(_from_numpy(flat.copy()), ref.location)
            target = None if moved is None else getattr(moved, "device", None)
        else:
            target = ml
        if target is not None:
            target = _device.device(target)
            _device.to_jax_device(target)  # a clear error if that device is absent
            if target.type == "cpu" and target.index in (None, 0):
                target = None
        self._targets[ref.key] = target
        return target


def _open_source(f: Any) -> tuple[BinaryIO, str, bool]:
    """(seekable binary file, name for messages, whether we must close it)."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        return open(path, "rb"), repr(path), True
    if not hasattr(f, "read"):
        raise TypeError(
            f"load() expects a path or a binary file object, got {type(f).__name__}"
        )
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    return f, "the checkpoint file", False


def _check_magic(fp: BinaryIO, where: str) -> None:
    start = fp.tell()
    head = fp.read(9)
    fp.seek(start)
    if head[:4] == b"PK\x03\x04":
        return
    if not head:
        raise CheckpointError(f"{where} is empty")
    if head[:4] == b"\x80\x02\x8a\x0a":
        raise CheckpointError(
            f"{where} uses the legacy (PyTorch < 1.6) non-zip format, which is not "
            "supported: re-save it with a recent torch.save"
        )
    if len(head) == 9 and head[8:9] == b"{":
        raise CheckpointError(
            f"{where} looks like a safetensors file: read it with "
            "functorch_lite.safetensors.load_file"
        )
    raise CheckpointError(
        f"{where} is not a PyTorch checkpoint (expected a zip archive written by "
        "torch.save or functorch_lite.save)"
    )


def _read_record(zf: zipfile.ZipFile, name: str, where: str) -> bytes:
    try:
        return zf.read(name)
    except KeyError:
        raise CheckpointError(
            f"{where} has no {name!r} record: it is truncated or not a checkpoint"
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise CheckpointError(f"cannot read {name!r} from {where}: {e}") from e


def read_checkpoint(f: Any, map_location: MapLocation) -> Any:
    """Load the object saved in ``f`` (path or binary file) without running code."""
    fp, where, owned = _open_source(f)
    try:
        _check_magic(fp, where)
        try:
            zf = zipfile.ZipFile(fp)
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise CheckpointError(
                f"{where} is not a valid zip archive ({e}): it is truncated or corrupt"
            ) from e
        with zf:
            names = zf.namelist()
            prefix = names[0].split("/", 1)[0] if names and "/" in names[0] else ""
            pickled = _read_record(zf, f"{prefix}/data.pkl", where)
            rebuilder = _Rebuilder(zf, prefix, map_location, where)
            if f"{prefix}/byteorder" in names:
                order = _read_record(zf, f"{prefix}/byteorder", where)
                if order not in (b"little", b"big"):
                    raise CheckpointError(f"{where}: unknown byte order {order!r}")
                rebuilder.byteorder = "<" if order == b"little" else ">"
            unpickler = RestrictedUnpickler(
                io.BytesIO(pickled),
                rebuilder.allowed_globals(),
                rebuilder.persistent_load,
                where,
            )
            try:
                return unpickler.load()
            except CheckpointError:
                raise
            except _MapLocationError as e:
                raise e.error from None
            except (
                AttributeError,
                RuntimeError,
                pickle.UnpicklingError,
                EOFError,
                struct.error,
                IndexError,
                KeyError,
                TypeError,
                ValueError,
            ) as e:
                raise CheckpointError(
                    f"the pickle (data.pkl) in {where} is corrupt: "
                    f"{type(e).__name__}: {e}"
                ) from e
    finally:
        if owned:
            fp.close()
