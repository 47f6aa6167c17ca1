"""Functionalization of in-place writes and views on immutable JAX arrays (§1).

* An in-place op computes its result out of place, then *rebinds* the tensor's array
  and bumps its version; autograd history moves to the new value (PyTorch's rebase).
* A write into a view is scattered into the view's root with one ``at[].set`` over the
  flat indices the view chain selects (computed once per chain and shape by running
  the chain on an iota); the view re-reads the root when the root's version moved.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype, _tensor
from .._tensor import Tensor, ViewTensor
from ..autograd._grad_mode import state as _grad_state
from ._dispatch import Op, dispatch

LEAF_INPLACE = (
    "a leaf Variable that requires grad is being used in an in-place operation."
)
VIEW_OF_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."
CANT_CAST = "result type {src} can't be cast to the desired output type {dst}"
BROADCAST_OUT = "output with shape {out} doesn't match the broadcast shape {shape}"


def _run_chain(chain: tuple[Any, ...], x: Any) -> Any:
    for op, static in chain:
        x = op.fn(x, **dict(static))
    return x


@functools.lru_cache(maxsize=1024)
def _flat_index(chain: tuple[Any, ...], shape: tuple[int, ...]) -> np.ndarray:
    """Flat positions in the root that each element of the view reads."""
    with jax.ensure_compile_time_eval():
        iota = jnp.arange(int(np.prod(shape, dtype=np.int64))).reshape(shape)
        return np.asarray(_run_chain(chain, iota))


def _scatter(root: Any, value: Any, *, chain: tuple[Any, ...]) -> Any:
    if not chain:
        return jnp.broadcast_to(value, root.shape).astype(root.dtype)
    idx = _flat_index(chain, tuple(root.shape))
    value = jnp.broadcast_to(value, idx.shape).astype(root.dtype)
    return (
        root.reshape(-1).at[idx.reshape(-1)].set(value.reshape(-1)).reshape(root.shape)
    )


copy_slices = Op(
    "copy_slices", _scatter, saves_inputs=False, backward_name="CopySlices"
)


def replay_view(view: ViewTensor) -> None:
    """Re-derive a view's array (and history) from its root after the root changed."""
    root = view._root
    if root._requires_grad and _grad_state.enabled and not view._detached:
        t: Tensor = root
        for op, static in view._chain:
            t = dispatch(op, (t,), dict(static))
        view._cache = t._data
        view._node, view._out_idx = t._node, t._out_idx
        view._requires_grad = t._requires_grad
    else:
        view._cache = _run_chain(view._chain, root._data)
    view._seen = root._version


def write_through(view: ViewTensor, new: Any) -> None:
    """``_rebind`` of a view without autograd: scatter ``new`` into the root."""
    root = view._root
    root._rebind(copy_slices.fn(root._data, new, chain=view._chain))
    view._cache = new
    view._seen = root._version


def _check_inplace(self: Tensor) -> None:
    if not _grad_state.enabled:
        return
    if isinstance(self, ViewTensor):
        root = self._root
        if root._requires_grad and root._node is None and not self._detached:
            raise RuntimeError(VIEW_OF_LEAF_INPLACE)
    elif self._requires_grad and self._node is None:
        raise RuntimeError(LEAF_INPLACE)


def inplace(self: Tensor, result: Any) -> Tensor:
    """Make ``self`` hold ``result`` (a Tensor computed out of place): PyTorch's ``op_``.

    Checks PyTorch's rules (leaf that requires grad, castability, broadcast shape),
    casts to ``self``'s dtype, and moves autograd history to ``self``.
    """
    _check_inplace(self)
    if not isinstance(result, Tensor):
        result = Tensor(jnp.asarray(result))
    if tuple(result.shape) != tuple(self.shape):
        try:
            target = jnp.broadcast_shapes(tuple(result.shape), tuple(self.shape))
        except ValueError:
            target = None
        if target != tuple(self.shape):
            raise RuntimeError(
                BROADCAST_OUT.format(out=list(self.shape), shape=list(result.shape))
            )
    src_t, dst_t = result.dtype, self.dtype
    if src_t is not dst_t and _dtype.category(src_t) > _dtype.category(dst_t):
        raise RuntimeError(
            CANT_CAST.format(src=_type_word(src_t), dst=_type_word(dst_t))
        )
    if tuple(result.shape) != tuple(self.shape) or src_t is not dst_t:
        result = expand_cast(result, shape=tuple(self.shape), dtype=dst_t.np_dtype)
    node = result._node
    assign(self, result)
    if node is not None and node.saved:
        # The op that produced ``result`` read ``self`` before this write; its VJP holds
        # that (immutable) array, so this write must not count as modifying it.
        node.saved = tuple(
            (t, t._version) if t is self else (t, v) for t, v in node.saved
        )
    return self


def assign(self: Tensor, result: Tensor) -> None:
    """Rebind ``self`` to ``result``'s value and history (shapes/dtypes already match)."""
    if isinstance(self, ViewTensor):
        root = self._root
        track = (
            _grad_state.enabled
            and not self._detached  # ``.data``/``detach()`` writes never record history
            and (root._requires_grad or result._requires_grad)
        )
        if track:
            new_root = dispatch(copy_slices, (root, result), {"chain": self._chain})
            if _tensor.observer is not None:
                _tensor.observer.write(root)
            root._data = new_root._data
            root._node, root._out_idx = new_root._node, new_root._out_idx
            root._requires_grad = True
            root._version += 1
        else:
            write_through(self, result._data)
        return
    if _tensor.observer is not None:
        _tensor.observer.write(self)
    self._data = result._data
    self._version += 1
    if result._requires_grad and _grad_state.enabled:
        self._node, self._out_idx = result._node, result._out_idx
        self._requires_grad = True


def _expand_cast(x: Any, *, shape: tuple[int, ...], dtype: Any) -> Any:
    return jnp.broadcast_to(x, shape).astype(dtype)


expand_cast = Op(
    "expand_cast", _expand_cast, saves_inputs=False, backward_name="CopyBackwards"
)


def _type_word(d: _dtype.dtype) -> str:
    words = {"float32": "Float", "float64": "Double", "float16": "Half",
             "bfloat16": "BFloat16", "int64": "Long", "int32": "Int", "int16": "Short",
             "int8": "Char", "uint8": "Byte", "bool": "Bool",
             "complex64": "ComplexFloat", "complex128": "ComplexDouble"}  # fmt: skip
    return words[d.name]


def shared_detach(self: Tensor) -> Tensor:
    """``detach()``/``.data``: a view sharing the array and version, without history."""
    # Build the identity view directly: recording an op would attach history.
    root = self._root if isinstance(self, ViewTensor) else self
    chain = self._chain if isinstance(self, ViewTensor) else ()
    view = ViewTensor(root, chain, self._data, False)
    view._contig = self._contig
    view._detached = True
    return view


def as_view(src: Tensor, result: Tensor, op: Op, static: dict[str, Any]) -> Tensor:
    """Make ``result`` (computed by any op) a view of ``src`` through ``op(**static)``.

    Ops with data-like arguments (an index, a start) compute with those as dynamic
    operands, so one compiled program serves every value; the view chain records the
    equivalent static ``view=True`` op so writes through the view reach the base.
    """
    link = (op, tuple(static.items()))
    if isinstance(src, ViewTensor):
        root, chain = src._root, src._chain + (link,)
    else:
        root, chain = src, (link,)
    out = ViewTensor(root, chain, result._data, False)
    out._requires_grad, out._node, out._out_idx = (
        result._requires_grad, result._node, result._out_idx,
    )  # fmt: skip
    out._contig = src._contig
    return out
