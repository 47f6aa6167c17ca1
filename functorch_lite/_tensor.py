"""``Tensor``: a ``jax.Array`` (or a JAX tracer) plus PyTorch's metadata (ARCHITECTURE §1).

Ops are not defined here: ``_ops`` registers every op once and generates the function,
method, operator and in-place forms onto this class. This module holds only what a
Tensor *is*: its array, autograd metadata, version counter, views, and conversions.

Views mirror PyTorch's storage sharing on immutable arrays: a view keeps its root
``_base`` and the chain of view ops that produced it; it re-reads its array whenever
the base's version moved, and a write into a view is scattered into the base.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import jax
import numpy as np

from . import _dtype
from ._device import device, of_jax_device
from ._format import format_tensor

__all__ = ["Tensor", "Size"]

_serials = itertools.count()


class StateObserver:
    """Receives reads/writes of Tensors while a transform discovers state (§3).

    ``functorch_lite.transforms`` subclasses it; the core only calls the hooks.
    """

    def read(self, t: Tensor) -> None: ...

    def write(self, t: Tensor) -> None:
        """Called just BEFORE ``t``'s array (and history) is replaced."""

    def read_grad(self, t: Tensor) -> None: ...
    def write_grad(self, t: Tensor) -> None:
        """Called just BEFORE ``t.grad`` is replaced."""

    def participate(self, obj: Any) -> None:
        """A stateful object took part (a Module called, an optimizer stepped).

        It may define ``_compile_guard()`` (a hashable value that selects the compiled
        program, e.g. ``training`` flags) and ``_compile_sync()`` (run before every
        compiled call, e.g. to copy Python hyperparameters into state tensors).
        """


#: The active observer, or None (checked on the hot path: keep it a module global).
observer: StateObserver | None = None


class Size(tuple):
    """``torch.Size``: a tuple of ints with ``numel``."""

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self) -> str:
        return f"functorch_lite.Size([{', '.join(str(s) for s in self)}])"

    def __getitem__(self, item: Any) -> Any:
        out = super().__getitem__(item)
        return Size(out) if isinstance(item, slice) else out


class Tensor:
    """A multi-dimensional array with PyTorch semantics, backed by a ``jax.Array``."""

    __slots__ = (
        "_data", "_requires_grad", "_grad", "_node", "_out_idx", "_version",
        "_retains_grad", "_hooks", "_serial", "_contig", "_name", "__weakref__",
    )  # fmt: skip
    __array_priority__ = 1000  # numpy defers ``ndarray * Tensor`` to us

    def __init__(self, data: Any, requires_grad: bool = False) -> None:
        self._data = data
        self._requires_grad = requires_grad
        self._grad: Tensor | None = None
        self._node: Any = None
        self._out_idx = 0
        self._version = 0
        self._retains_grad = False
        self._hooks: list[Any] | None = None
        self._serial = next(_serials)
        self._contig = True
        self._name: str | None = None

    # ----------------------------------------------------------------- metadata
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        """``Tensor.size``: the shape, or one dimension's length."""
        shape = self._data.shape
        if dim is None:
            return Size(shape)
        return shape[_wrap_dim(dim, len(shape))]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        # math.prod, not int(np.prod): a symbolic batch size (compile(dynamic=True))
        # stays a symbolic expression instead of failing to become an int.
        return math.prod(self._data.shape)

    nelement = numel

    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype.from_jax_dtype(self._data.dtype)

    @property
    def device(self) -> device:
        return _device_of(self._data)  # tracers report 'cpu' (no placement yet)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    is_cpu = property(lambda self: self.device.type == "cpu")

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self.dtype.is_complex

    def element_size(self) -> int:
        return self.dtype.itemsize

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """Whether PyTorch would call this layout contiguous (False after ``t()``)."""
        return self._contig

    def stride(self, dim: int | None = None) -> Any:
        """Strides of the equivalent contiguous layout (our arrays have no strides)."""
        strides, acc = [], 1
        for s in reversed(self._data.shape):
            strides.append(acc)
            acc *= max(s, 1)
        out = tuple(reversed(strides))
        return out if dim is None else out[_wrap_dim(dim, len(out))]

    # ----------------------------------------------------------------- autograd
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._node is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want "
                "to use a computed variable in a subgraph that doesn't require "
                "differentiation use var_no_grad = var.detach()."
            )
        if value and not (self.dtype.is_floating_point or self.dtype.is_complex):
            raise RuntimeError(
                "only Tensors of floating point dtype can require gradients"
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        if observer is not None:
            observer.read_grad(self)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None and value._data.shape != self._data.shape:
            raise RuntimeError(
                f"assigned grad has data of a different size: expected "
                f"{tuple(self.shape)}, got {tuple(value.shape)}"
            )
        if observer is not None:
            observer.write_grad(self)  # before the change: observers may snapshot
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        return self._node is None

    @property
    def grad_fn(self) -> Any:
        return self._node

    @property
    def _base(self) -> Tensor | None:
        return None

    @property
    def is_view(self) -> bool:
        return False

    # ----------------------------------------------------------------- arrays
    def jax(self) -> jax.Array:
        """The underlying ``jax.Array`` (a tracer inside a transform)."""
        if observer is not None:
            observer.read(self)
        return self._data

    def _rebind(self, new: Any) -> None:
        """Replace this tensor's array in place (no autograd): the in-place primitive."""
        if observer is not None:
            observer.write(self)  # before the change: observers may snapshot
        self._data = new
        self._version += 1

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """``Tensor.numpy``: a numpy view of the array where JAX allows (read-only).

        JAX arrays are immutable, so the returned array is read-only rather than shared
        writable memory as in PyTorch; ``np.array(t)`` gives a writable copy.
        """
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead."
            )
        _check_concrete(self, "numpy()")
        return np.asarray(self.jax())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        _check_concrete(self, "conversion to a numpy array")
        arr = np.asarray(self.jax())
        return arr.astype(dtype) if dtype is not None else arr

    def item(self) -> Any:
        """``Tensor.item``: the Python number held by a one-element tensor."""
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar"
            )
        _check_concrete(self, "item()")
        return np.asarray(self.jax()).reshape(()).item()

    def tolist(self) -> Any:
        _check_concrete(self, "tolist()")
        return np.asarray(self.jax()).tolist()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))  # type: ignore[attr-defined]

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous"
            )
        _check_concrete(self, "bool()")
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.dtype.is_complex or self.numel() != 1:
            raise TypeError(
                "only integer tensors of a single element can be converted to an index"
            )
        return int(self.item())

    def __complex__(self) -> complex:
        return complex(self.item())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return format_tensor(self)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0 and spec:
            return format(self.item(), spec)
        return repr(self)

    def __reduce_ex__(self, protocol: Any) -> Any:
        # Pickling (DataLoader workers, deepcopy) goes through numpy; autograd history
        # is not pickled, as in PyTorch for non-leaf tensors.
        return (_rebuild, (np.array(self.jax()), self._requires_grad))

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        if self._node is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment."
            )
        # A real copy: compiled steps donate (free) the arrays of the state they
        # update, and a deep copy (a checkpoint kept in memory) must survive that.
        out = Tensor(_copy_array(self._data), self._requires_grad)
        if self._grad is not None:
            out._grad = Tensor(_copy_array(self._grad._data))
        memo[id(self)] = out
        return out


class ViewTensor(Tensor):
    """A view of ``_root``: its array is ``chain(root array)`` and writes reach the root.

    Mirrors PyTorch views (``view``, ``t()``, basic indexing, ``detach``...): in-place
    ops on either side are seen by the other and the two share a version counter.
    """

    __slots__ = ("_root", "_chain", "_seen", "_cache", "_detached")

    def __init__(
        self, root: Tensor, chain: tuple[Any, ...], data: Any, requires_grad: bool
    ) -> None:
        self._root = root
        self._chain = chain
        self._seen = root._version
        self._cache = data
        self._detached = False
        super().__init__(data, requires_grad)

    @property  # type: ignore[override]
    def _data(self) -> Any:
        root = self._root
        if root._version != self._seen:
            self._refresh()
        return self._cache

    @_data.setter
    def _data(self, value: Any) -> None:
        self._cache = value

    @property  # type: ignore[override]
    def _version(self) -> int:
        return self._root._version

    @_version.setter
    def _version(self, value: int) -> None:
        pass  # the root holds the shared version counter

    @property
    def _base(self) -> Tensor:
        return self._root

    @property
    def is_view(self) -> bool:
        return True

    def _refresh(self) -> None:
        from ._ops._views import replay_view

        replay_view(self)

    def _rebind(self, new: Any) -> None:
        from ._ops._views import write_through

        write_through(self, new)


def _copy_array(a: Any) -> Any:
    if isinstance(a, jax.Array) and not isinstance(a, jax.core.Tracer):
        return a.copy()
    return np.array(a, copy=True) if isinstance(a, np.ndarray) else a


def _rebuild(array: np.ndarray, requires_grad: bool) -> Tensor:
    import jax.numpy as jnp

    return Tensor(jnp.asarray(array), requires_grad)


def _wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
            f"but got {dim})"
        )
    return dim % n


def _device_of(data: Any) -> device:
    try:
        devs = data.devices()
    except Exception:  # tracers and committed-less arrays
        return device("cpu")
    return of_jax_device(next(iter(devs))) if len(devs) == 1 else device("cpu")


TRACED_VALUE = (
    "{what} needs a concrete value, but this tensor is being traced by a transform "
    "(jit/compile/vmap/grad) and its value is not known yet. Inside compiled code use "
    "functorch_lite.cond / functorch_lite.where or masking instead of Python control "
    "flow on tensor values, or mark the function with functorch_lite.compiler.disable."
)


class TracedValueError(RuntimeError):
    """A concrete value was needed from a traced tensor (``.item()``, ``if t:`` ...)."""


def _check_concrete(t: Tensor, what: str) -> None:
    if isinstance(t._data, jax.core.Tracer):
        raise TracedValueError(
            TRACED_VALUE.format(what=what)
            + f" (the tensor has shape {list(t._data.shape)}, dtype {t.dtype})"
        )


def _flatten(t: Tensor) -> tuple[tuple[Any], bool]:
    return (t._data,), t._requires_grad


def _unflatten(requires_grad: bool, children: tuple[Any]) -> Tensor:
    out = Tensor.__new__(Tensor)
    Tensor.__init__(out, children[0], requires_grad)
    return out


jax.tree_util.register_pytree_node(Tensor, _flatten, _unflatten)
jax.tree_util.register_pytree_node(ViewTensor, _flatten, _unflatten)  # type: ignore[arg-type]
