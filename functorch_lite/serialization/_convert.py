"""Tensor <-> numpy conversion and the dtype names each file format uses.

All file formats here are written and read as numpy arrays; these two functions are
the only places that know about ``functorch_lite.Tensor``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import ml_dtypes
import numpy as np

__all__ = ["DTYPES", "DtypeInfo", "dtype_info", "is_tensor_like"]


class DtypeInfo(NamedTuple):
    """How one element type is named by numpy, by PyTorch and by safetensors."""

    np_dtype: np.dtype
    torch_name: str  # the attribute of the ``torch`` module, e.g. ``float32``
    storage_class: str | None  # PyTorch's legacy typed storage, e.g. ``FloatStorage``
    safetensors_code: str | None  # e.g. ``F32``


def _info(np_dtype: Any, torch_name: str, storage: str | None, st: str | None):
    return DtypeInfo(np.dtype(np_dtype), torch_name, storage, st)


DTYPES: tuple[DtypeInfo, ...] = (
    _info(np.float32, "float32", "FloatStorage", "F32"),
    _info(np.float64, "float64", "DoubleStorage", "F64"),
    _info(np.float16, "float16", "HalfStorage", "F16"),
    _info(ml_dtypes.bfloat16, "bfloat16", "BFloat16Storage", "BF16"),
    _info(np.complex64, "complex64", "ComplexFloatStorage", "C64"),
    _info(np.complex128, "complex128", "ComplexDoubleStorage", None),
    _info(np.int8, "int8", "CharStorage", "I8"),
    _info(np.int16, "int16", "ShortStorage", "I16"),
    _info(np.int32, "int32", "IntStorage", "I32"),
    _info(np.int64, "int64", "LongStorage", "I64"),
    _info(np.uint8, "uint8", "ByteStorage", "U8"),
    _info(np.bool_, "bool", "BoolStorage", "BOOL"),
    # Dtypes PyTorch added after typed storages were frozen: torch writes them as an
    # UntypedStorage of bytes plus a dtype (``_rebuild_tensor_v3``).
    _info(np.uint16, "uint16", None, "U16"),
    _info(np.uint32, "uint32", None, "U32"),
    _info(np.uint64, "uint64", None, "U64"),
    _info(ml_dtypes.float8_e4m3fn, "float8_e4m3fn", None, "F8_E4M3"),
    _info(ml_dtypes.float8_e5m2, "float8_e5m2", None, "F8_E5M2"),
)
_BY_NP = {d.np_dtype: d for d in DTYPES}


def dtype_info(np_dtype: Any) -> DtypeInfo:
    """The naming record of a numpy dtype; ``TypeError`` for unsupported ones."""
    key = np.dtype(np_dtype)
    if key.byteorder == ">":
        key = key.newbyteorder("<")
    try:
        return _BY_NP[key]
    except KeyError:
        names = ", ".join(d.torch_name for d in DTYPES)
        raise TypeError(
            f"cannot store tensors of dtype {key}; supported dtypes: {names}"
        ) from None


def _is_tensor(x: Any) -> bool:
    # Imported lazily: the core package imports serialization while initialising.
    from .._tensor import Tensor

    return isinstance(x, Tensor)


def is_tensor_like(x: Any) -> bool:
    """Whether ``save`` stores ``x`` as a tensor (Tensor, numpy or JAX array)."""
    return isinstance(x, (np.ndarray, jax.Array)) or _is_tensor(x)


def _to_numpy(x: Any) -> np.ndarray:
    """The values of a Tensor / numpy array / JAX array as a little-endian ndarray."""
    if _is_tensor(x):
        x = x.jax()
    if isinstance(x, jax.core.Tracer):
        raise TypeError(
            "cannot save a tensor that is being traced (inside jit/vmap/grad): "
            "save outside the transformed function"
        )
    array = np.asarray(x)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    return array


def _from_numpy(array: np.ndarray, requires_grad: bool = False) -> Any:
    """A ``functorch_lite.Tensor`` (on CPU) holding a copy of ``array``."""
    import functorch_lite

    tensor = functorch_lite.from_numpy(np.asarray(array, order="C"))  # type: ignore[operator]
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor
