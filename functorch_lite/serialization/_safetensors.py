"""The safetensors format in pure Python (the ``safetensors`` package is not used).

File layout, all little-endian::

    8 bytes        N, the header length (unsigned 64-bit)
    N bytes        JSON: {"__metadata__": {str: str}?,
                          name: {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}}
                   padded with spaces so the data starts 8-byte aligned
    rest           the tensors' bytes, C order, back to back; offsets are relative
                   to the start of this buffer

Like the reference writer we order tensors by decreasing dtype alignment, then by
name, and emit compact JSON with ``__metadata__`` first. Loading validates the
header as the reference does: known dtypes, offsets contiguous, non-overlapping,
matching shape x dtype size, and covering the whole buffer.
"""

from __future__ import annotations

import json
import math
import os
import struct
from collections.abc import Mapping
from typing import Any, BinaryIO, Self

import numpy as np

from ._atomic import atomic_write
from ._convert import DTYPES, _from_numpy, _to_numpy, dtype_info, is_tensor_like

__all__ = ["SafetensorError", "load", "load_file", "safe_open", "save", "save_file"]

MAX_HEADER_SIZE = 100_000_000  # the reference reader's limit
_CODE_TO_NP = {d.safetensors_code: d.np_dtype for d in DTYPES if d.safetensors_code}
# The reference ``Dtype`` enum order, i.e. increasing alignment.
_ALIGNMENT_RANK = {
    code: i
    for i, code in enumerate(
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16"]
        + ["I32", "U32", "F32", "C64", "F64", "I64", "U64"]
    )
}
_FRAMEWORKS = {"pt": "pt", "torch": "pt", "np": "np", "numpy": "np"}
_FRAMEWORKS |= {"jax": "jax", "flax": "jax"}


class SafetensorError(ValueError):
    """A safetensors file or header is invalid (``safetensors.SafetensorError``)."""


# -- writing ---------------------------------------------------------------------------


def _prepare(
    tensors: Mapping[str, Any], metadata: Mapping[str, str] | None
) -> tuple[bytes, list[np.ndarray]]:
    """The padded header and the arrays in file order."""
    if not isinstance(tensors, Mapping):
        raise TypeError(f"expected a dict of name -> tensor, got {type(tensors)}")
    seen: dict[int, str] = {}
    entries = []
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"tensor names must be str, got {name!r}")
        if not is_tensor_like(value):
            raise TypeError(f"{name!r} is a {type(value).__name__}, not a tensor")
        if id(value) in seen:
            # Same rule as safetensors.torch: the format has no aliasing.
            raise SafetensorError(
                f"tensors {seen[id(value)]!r} and {name!r} are the same tensor; "
                "safetensors cannot store shared tensors: save one of them and "
                "re-tie the weights after loading"
            )
        seen[id(value)] = name
        array = np.asarray(_to_numpy(value), order="C")
        code = dtype_info(array.dtype).safetensors_code
        if code is None:
            raise TypeError(f"{name!r}: dtype {array.dtype} has no safetensors code")
        entries.append((name, code, array))
    entries.sort(key=lambda e: (-_ALIGNMENT_RANK[e[1]], e[0]))

    header: dict[str, Any] = {}
    if metadata is not None:
        if not isinstance(metadata, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
        ):
            raise TypeError("metadata must be a dict of str -> str")
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, code, array in entries:
        header[name] = {
            "dtype": code,
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    return text, [array for _, _, array in entries]


def _write(fp: BinaryIO, header: bytes, arrays: list[np.ndarray]) -> None:
    fp.write(struct.pack("<Q", len(header)))
    fp.write(header)
    fp.writelines(array.reshape(-1).view(np.uint8).data for array in arrays)


def save_file(
    tensors: Mapping[str, Any],
    filename: str | os.PathLike[str],
    metadata: Mapping[str, str] | None = None,
) -> None:
    """``safetensors.torch.save_file``: write ``tensors`` to ``filename`` atomically.

    Args:
        tensors: name -> Tensor (or numpy/JAX array). Each tensor must be distinct.
        filename: destination path.
        metadata: optional str -> str pairs stored under ``__metadata__``.
    """
    header, arrays = _prepare(tensors, metadata)
    with atomic_write(filename) as fp:
        _write(fp, header, arrays)


def save(
    tensors: Mapping[str, Any], metadata: Mapping[str, str] | None = None
) -> bytes:
    """``safetensors.torch.save``: the file's bytes."""
    import io

    header, arrays = _prepare(tensors, metadata)
    buffer = io.BytesIO()
    _write(buffer, header, arrays)
    return buffer.getvalue()


# -- reading ---------------------------------------------------------------------------


def _bad(where: str, message: str) -> SafetensorError:
    return SafetensorError(f"invalid safetensors file {where}: {message}")


def _check_entry(where: str, name: str, entry: Any) -> tuple[str, list[int], int, int]:
    if not (
        isinstance(entry, dict)
        and set(entry) == {"dtype", "shape", "data_offsets"}
        and isinstance(entry["shape"], list)
        and all(type(n) is int and n >= 0 for n in entry["shape"])
        and isinstance(entry["data_offsets"], list)
        and len(entry["data_offsets"]) == 2
        and all(type(n) is int and n >= 0 for n in entry["data_offsets"])
    ):
        raise _bad(
            where,
            f"tensor {name!r} must be {{'dtype': str, 'shape': [int, ...], "
            f"'data_offsets': [begin, end]}}, got {entry!r}",
        )
    if entry["dtype"] not in _CODE_TO_NP:
        raise _bad(
            where,
            f"tensor {name!r} has unknown dtype {entry['dtype']!r} "
            f"(known: {', '.join(_CODE_TO_NP)})",
        )
    begin, end = entry["data_offsets"]
    return entry["dtype"], entry["shape"], begin, end


def parse_header(prefix: bytes, file_size: int, where: str) -> tuple[int, dict, dict]:
    """Validate a file's header. Returns (data start, metadata, name -> entry)."""
    if file_size < 8 or len(prefix) < 8:
        raise _bad(where, f"{file_size} bytes is too small to hold a header length")
    (n,) = struct.unpack("<Q", prefix[:8])
    if n > MAX_HEADER_SIZE:
        raise _bad(where, f"header length {n} exceeds {MAX_HEADER_SIZE} bytes")
    if 8 + n > file_size or len(prefix) < 8 + n:
        raise _bad(where, f"header length {n} runs past the end of the file")
    try:
        text = prefix[8 : 8 + n].decode("utf-8")
    except UnicodeDecodeError as e:
        raise _bad(where, f"header is not UTF-8 ({e})") from None
    if not text.startswith("{"):
        raise _bad(where, "header does not start with '{'")
    try:
        header = json.loads(text)
    except json.JSONDecodeError as e:
        raise _bad(where, f"header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise _bad(where, "header must be a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(
        isinstance(v, str) for v in metadata.values()
    ):
        raise _bad(where, "__metadata__ must map str to str")
    entries = {name: _check_entry(where, name, e) for name, e in header.items()}
    position = 0
    for name, (code, shape, begin, end) in sorted(
        entries.items(), key=lambda item: (item[1][2], item[1][3])
    ):
        if begin != position or end < begin:
            raise _bad(
                where,
                f"tensor {name!r} has data_offsets [{begin}, {end}] but the previous "
                f"tensor ends at {position} (tensors must be contiguous and must not "
                "overlap)",
            )
        # Python ints: a hostile shape cannot overflow into a matching size.
        nbytes = math.prod(shape) * _CODE_TO_NP[code].itemsize
        if end - begin != nbytes:
            raise _bad(
                where,
                f"tensor {name!r} of dtype {code} and shape {shape} needs {nbytes} "
                f"bytes but data_offsets span {end - begin}",
            )
        position = end
    if 8 + n + position != file_size:
        raise _bad(
            where,
            f"the tensors cover {position} bytes of data but the file holds "
            f"{file_size - 8 - n} (truncated file or trailing bytes)",
        )
    return 8 + n, metadata, entries


class _Slice:
    """``safe_open(...).get_slice(name)``: index a tensor without reading all of it."""

    def __init__(self, array: np.ndarray, code: str, convert: Any) -> None:
        self._array, self._code, self._convert = array, code, convert

    def get_shape(self) -> list[int]:
        return list(self._array.shape)

    def get_dtype(self) -> str:
        return self._code

    def __getitem__(self, index: Any) -> Any:
        return self._convert(np.array(self._array[index]))


class safe_open:
    """``safetensors.safe_open``: lazy, per-tensor access to a safetensors file.

    Args:
        filename: the file.
        framework: ``'pt'`` (functorch_lite Tensors), ``'np'`` or ``'jax'``.
        device: where ``'pt'`` tensors go (``'cpu'``).

    Example:
        >>> with safe_open("model.safetensors", framework="pt") as f:  # doctest: +SKIP
        ...     weight = f.get_tensor("linear.weight")
    """

    def __init__(
        self, filename: str | os.PathLike[str], framework: str, device: Any = "cpu"
    ) -> None:
        if framework not in _FRAMEWORKS:
            raise ValueError(
                f"framework {framework!r} is not supported; use 'pt', 'np' or 'jax'"
            )
        self._framework = _FRAMEWORKS[framework]
        self._device = device
        self._where = repr(os.fspath(filename))
        size = os.path.getsize(filename)
        with open(filename, "rb") as fp:
            prefix = fp.read(8)
            if len(prefix) == 8:
                (n,) = struct.unpack("<Q", prefix)
                prefix += fp.read(min(n, MAX_HEADER_SIZE + 1))
        start, self._metadata, self._entries = parse_header(prefix, size, self._where)
        # A read-only memory map: get_tensor reads only the bytes it needs.
        self._data = (
            np.memmap(filename, dtype=np.uint8, mode="r", offset=start)
            if size > start
            else np.zeros(0, np.uint8)
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._data = np.zeros(0, np.uint8)  # drops the memory map

    def keys(self) -> list[str]:
        """Tensor names in file order."""
        return sorted(self._entries, key=lambda name: self._entries[name][2])

    def metadata(self) -> dict[str, str]:
        return dict(self._metadata)

    def _array(self, name: str) -> tuple[np.ndarray, str]:
        try:
            code, shape, begin, end = self._entries[name]
        except KeyError:
            raise KeyError(f"no tensor named {name!r} in {self._where}") from None
        np_dtype = _CODE_TO_NP[code]
        return self._data[begin:end].view(np_dtype).reshape(shape), code

    def _convert(self, array: np.ndarray) -> Any:
        if self._framework == "np":
            return array
        if self._framework == "jax":
            import jax.numpy as jnp

            return jnp.asarray(array)
        tensor = _from_numpy(array)
        if str(self._device) != "cpu":
            tensor = tensor.to(self._device)
        return tensor

    def get_tensor(self, name: str) -> Any:
        array, _ = self._array(name)
        return self._convert(np.array(array))  # copy out of the memory map

    def get_slice(self, name: str) -> _Slice:
        array, code = self._array(name)
        return _Slice(array, code, self._convert)


def load_file(filename: str | os.PathLike[str], device: Any = "cpu") -> dict[str, Any]:
    """``safetensors.torch.load_file``: every tensor of the file, by name."""
    with safe_open(filename, framework="pt", device=device) as f:
        return {name: f.get_tensor(name) for name in f.keys()}  # noqa: SIM118


def load(data: bytes) -> dict[str, Any]:
    """``safetensors.torch.load``: the tensors held in a file's bytes."""
    start, _, entries = parse_header(bytes(data[: 8 + MAX_HEADER_SIZE]), len(data), "")
    out = {}
    for name, (code, shape, begin, end) in sorted(
        entries.items(), key=lambda item: item[1][2]
    ):
        raw = np.frombuffer(data, np.uint8, end - begin, start + begin)
        out[name] = _from_numpy(raw.view(_CODE_TO_NP[code]).reshape(shape).copy())
    return out
