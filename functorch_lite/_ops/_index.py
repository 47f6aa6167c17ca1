"""``Tensor.__getitem__``/``__setitem__`` with PyTorch's indexing rules, and ``nonzero``.

An index is parsed once into a static *basic* part (ints, slices, None, Ellipsis, Python
bools) and a list of *advanced* index arrays (integer tensors/lists/arrays, boolean masks
expanded with ``nonzero``). As in PyTorch, the basic part is applied first — it is a
VIEW (one ``view=True`` op) — and the advanced part then follows numpy's placement rule on
the remaining dims, producing a copy. Note the difference from numpy: an int next to an
index array is applied first as a ``select`` (``x[0, :, [0, 1]]`` has shape ``(3, 2)``
for ``x`` of shape ``(2, 3, 4)``, not ``(2, 3)``).

``x[index] = value`` is one out-of-place op (``at[].set`` over the flat positions the
index selects, found by indexing an iota) followed by the generic in-place rebind
(``_views.inplace``): autograd history, version bump and write-through to view bases.
"""

from __future__ import annotations

import functools
import operator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._tensor import Tensor, TracedValueError, _check_concrete
from ._dispatch import Op, is_tracer
from ._registry import exported, method, register
from ._reshape import set_contig
from ._scatter import *  # noqa: F403
from ._views import as_view, inplace

__all__: list[str] = []

DATA_DEPENDENT = (
    "{what} has a data-dependent output shape, which cannot be traced by a transform "
    "(jit/compile/vmap/grad). Inside compiled code use functorch_lite.where(mask, x, "
    "y) or x.masked_fill(mask, value) to keep shapes static, or call {what} outside "
    "the compiled function."
)
INDEX_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"

Spec = tuple[tuple[Any, ...], ...]


# ------------------------------------------------------------------ parsing
def _as_index_array(entry: Any) -> Any:
    """Tensor/list/ndarray index → Tensor, numpy array, or an int for 0-d concrete."""
    if isinstance(entry, Tensor):
        dt = entry.dtype
        if dt.is_floating_point or dt.is_complex:
            raise IndexError(INDEX_DTYPE)
        if dt.name != "bool" and entry.ndim == 0 and not is_tracer(entry._data):
            return int(entry.item())  # PyTorch treats 0-d integer tensors as ints
        return entry
    arr = np.asarray(entry)
    if arr.dtype.kind not in "iub":
        if arr.size == 0:
            arr = arr.astype(np.int64)
        else:
            raise IndexError(INDEX_DTYPE)
    return arr


def _is_mask(x: Any) -> bool:
    dt = x.dtype if isinstance(x, np.ndarray) else x.dtype.np_dtype
    return dt == np.bool_


def _normalise(index: Any) -> list[Any]:
    if not isinstance(index, tuple):
        index = (index,)
    out: list[Any] = []
    for e in index:
        if e is None or e is Ellipsis or isinstance(e, (bool, np.bool_, slice)):
            out.append(bool(e) if isinstance(e, np.bool_) else e)
        elif isinstance(e, (int, np.integer)):
            out.append(int(e))
        elif isinstance(e, (Tensor, list, tuple, np.ndarray)):
            out.append(_as_index_array(e))
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                f"Variables are valid indices (got {type(e).__name__})"
            )
    return out


def _consumed(e: Any) -> int:
    if e is None or e is Ellipsis or isinstance(e, bool):
        return 0
    if isinstance(e, (int, slice)):
        return 1
    return e.ndim if _is_mask(e) else 1


def _slice_bounds(s: slice, size: int) -> tuple[int, int, int]:
    step = 1 if s.step is None else operator.index(s.step)
    if step <= 0:
        raise ValueError("step must be greater than zero")
    start = None if s.start is None else operator.index(s.start)
    stop = None if s.stop is None else operator.index(s.stop)
    start, stop, step = slice(start, stop, step).indices(size)
    return start, max(stop, start), step


def parse(shape: tuple[int, ...], index: Any) -> tuple[Spec, list[tuple[int, Any]]]:
    """Split ``index`` into a static basic spec and ``(output dim, array)`` advanced parts.

    Spec entries: ``("i", k)`` select, ``("s", start, stop, step)`` slice, ``("n",)``
    new axis, ``("f",)`` new empty axis (``x[False]``).
    """
    entries = _normalise(index)
    used = sum(_consumed(e) for e in entries)
    if used > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if sum(e is Ellipsis for e in entries) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    spec: list[tuple[Any, ...]] = []
    adv: list[tuple[int, Any]] = []
    d = o = 0
    for e in entries:
        if e is Ellipsis:
            for _ in range(len(shape) - used):
                spec.append(("s", 0, shape[d], 1))
                d, o = d + 1, o + 1
        elif e is None or e is True:
            spec.append(("n",))
            o += 1
        elif e is False:
            spec.append(("f",))
            o += 1
        elif isinstance(e, int):
            size = shape[d]
            if not -size <= e < size:
                raise IndexError(
                    f"index {e} is out of bounds for dimension {d} with size {size}"
                )
            spec.append(("i", e % size))
            d += 1
        elif isinstance(e, slice):
            spec.append(("s",) + _slice_bounds(e, shape[d]))
            d, o = d + 1, o + 1
        elif _is_mask(e):
            k = e.ndim
            mshape, tshape = tuple(e.shape), shape[d : d + k]
            for j, (ms, ts) in enumerate(zip(mshape, tshape)):
                if ms != ts:
                    raise IndexError(
                        f"The shape of the mask {list(mshape)} at index {j} does not "
                        f"match the shape of the indexed tensor {list(shape)} at index "
                        f"{d + j}"
                    )
            spec.extend(("s", 0, shape[d + j], 1) for j in range(k))
            if k == 0:  # a 0-d mask adds a dim of size 1 (True) or 0 (False)
                spec.append(("n",))
            adv.append((o, e))
            d, o = d + k, o + max(k, 1)
        else:
            spec.append(("s", 0, shape[d], 1))
            adv.append((o, e))
            d, o = d + 1, o + 1
    return tuple(spec), adv


# ------------------------------------------------------------------ basic part (a view)
def _basic_kernel(a: Any, *, spec: Spec) -> Any:
    idx: list[Any] = []
    empty = []
    o = 0
    for e in spec:
        if e[0] == "i":
            idx.append(e[1])
            continue
        if e[0] == "s":
            idx.append(slice(e[1], e[2], e[3]))
        else:
            idx.append(None)
            if e[0] == "f":
                empty.append(o)
        o += 1
    out = a[tuple(idx)]
    if empty:
        out = out[tuple(slice(0, 0) if k in empty else slice(None) for k in range(o))]
    return out


_BASIC = {
    name: Op(
        "getitem", _basic_kernel, saves_inputs=False, view=True, backward_name=name
    )
    for name in (
        "SelectBackward0",
        "SliceBackward0",
        "UnsqueezeBackward0",
        "AliasBackward0",
    )  # noqa: E501
}


def _trivial(spec: Spec, shape: tuple[int, ...]) -> bool:
    return len(spec) <= len(shape) and all(
        e[0] == "s" and e[1:] == (0, shape[k], 1) for k, e in enumerate(spec)
    )


def _basic_contig(spec: Spec, shape: tuple[int, ...]) -> bool:
    """Whether PyTorch's strides after this basic index are still contiguous."""
    strides, acc = [], 1
    for s in reversed(shape):
        strides.append(acc)
        acc *= s
    strides.reverse()
    new_shape, new_strides = [], []
    d = 0
    for e in spec:
        if e[0] == "i":
            d += 1
        elif e[0] == "s":
            _, start, stop, step = e
            new_shape.append(len(range(start, stop, step)))
            new_strides.append(strides[d] * step)
            d += 1
        else:
            new_shape.append(0 if e[0] == "f" else 1)
            new_strides.append(1)
    new_shape += shape[d:]
    new_strides += strides[d:]
    if 0 in new_shape:
        return True
    expected = 1
    for size, stride in zip(reversed(new_shape), reversed(new_strides)):
        if size != 1:
            if stride != expected:
                return False
            expected *= size
    return True


def _dynamic_kernel(a: Any, starts: Any, *, layout: tuple[Any, ...]) -> Any:
    """Basic indexing with the integer/slice starts as an operand, not a constant.

    ``layout`` keeps only sizes and steps, so ``x[i]`` for every ``i`` is ONE compiled
    program (PyTorch users index in Python loops; a program per index would compile
    for every new integer).
    """
    sizes, steps = [], []
    for e in layout:
        if e[0] == "i":
            sizes.append(1)
            steps.append(1)
        elif e[0] == "s":
            size, step = e[1], e[2]
            sizes.append(max((size - 1) * step + 1, 0) if size else 0)
            steps.append(step)
    rest = a.shape[len(sizes) :]
    full_starts = [starts[i] for i in range(len(sizes))] + [0] * len(rest)
    out = jax.lax.dynamic_slice(a, full_starts, tuple(sizes) + tuple(rest))
    idx: list[Any] = []
    o = 0
    for e in layout:
        if e[0] == "i":
            idx.append(0)
        elif e[0] == "s":
            idx.append(slice(None, None, e[2]))
            o += 1
        else:
            idx.append(None)
            o += 1
    out = out[tuple(idx)]
    empty = [j for j, e in enumerate(x for x in layout if x[0] != "i") if e[0] == "f"]
    if empty:
        out = out[tuple(slice(0, 0) if j in empty else slice(None) for j in range(o))]
    return out


_DYNAMIC = {
    name: Op("getitem", _dynamic_kernel, saves_inputs=False, backward_name=name)
    for name in _BASIC
}


def _basic(x: Tensor, spec: Spec) -> Tensor:
    kinds = [e for e in spec if not (e[0] == "s" and e[1] == 0 and e[3] == 1)]
    name = "AliasBackward0"
    if kinds:
        last = kinds[-1][0]
        name = {"i": "SelectBackward0", "s": "SliceBackward0"}.get(
            last, "UnsqueezeBackward0"
        )
    if not kinds or any(e[0] == "s" and e[2] <= e[1] for e in spec):
        out = _BASIC[name](x, spec=spec)
        return set_contig(out, x, _basic_contig(spec, tuple(x.shape)))
    # Compute with dynamic starts; record the view with the static spec so that
    # writes through it are scattered back into the base (``_views``).
    layout = tuple(
        ("i",)
        if e[0] == "i"
        else ("s", len(range(e[1], e[2], e[3])), e[3])
        if e[0] == "s"
        else e
        for e in spec
    )
    starts = np.array([e[1] for e in spec if e[0] in "is"], dtype=np.int64)
    r = _DYNAMIC[name](x, starts, layout=layout)
    out = as_view(x, r, _BASIC[name], {"spec": spec})
    return set_contig(out, x, _basic_contig(spec, tuple(x.shape)))


# ------------------------------------------------------------------ advanced part (a copy)
def _adv_kernel(a: Any, *idx: Any, positions: tuple[int, ...]) -> Any:
    full: list[Any] = [slice(None)] * a.ndim
    for p, i in zip(positions, idx):
        full[p] = i
    return a[tuple(full)]


_index = Op("index", _adv_kernel, backward_name="IndexBackward0")


def _expand_masks(adv: list[tuple[int, Any]], what: str) -> list[tuple[int, Any]]:
    """Boolean masks → one integer array per mask dim (eager only: data-dependent)."""
    out: list[Any] = []
    for pos, e in adv:
        if not _is_mask(e):
            out.append((pos, e))
            continue
        if isinstance(e, Tensor):
            if is_tracer(e._data):
                raise TracedValueError(DATA_DEPENDENT.format(what=what))
            e = np.asarray(e._data)
        if e.ndim == 0:  # x[tensor(True)]: the new size-1 axis, kept (True) or emptied
            out.append((pos, np.zeros(int(bool(e)), np.int64)))
            continue
        for j, nz in enumerate(np.nonzero(e)):
            out.append((pos + j, nz.astype(np.int64)))
    return out


def _check_bounds(shape: tuple[int, ...], adv: list[tuple[int, Any]]) -> None:
    for pos, e in adv:
        arr = e._data if isinstance(e, Tensor) else e
        if is_tracer(arr) or np.size(arr) == 0:
            continue
        arr = np.asarray(arr)
        size = shape[pos]
        bad = arr[(arr >= size) | (arr < -size)]
        if bad.size:
            raise IndexError(
                f"index {int(bad.flat[0])} is out of bounds for dimension {pos} with "
                f"size {size}"
            )


def getitem(self: Tensor, index: Any) -> Tensor:
    """``Tensor.__getitem__``: basic indexing returns a view, advanced a copy."""
    spec, adv = parse(tuple(self.shape), index)
    if not adv:
        return _basic(self, spec)
    adv = _expand_masks(adv, "boolean-mask indexing")
    x = self if _trivial(spec, tuple(self.shape)) else _basic(self, spec)
    _check_bounds(tuple(x.shape), adv)
    positions = tuple(p for p, _ in adv)
    return _index(x, *[e for _, e in adv], positions=positions)


# ------------------------------------------------------------------ __setitem__
def _positions(shape: tuple[int, ...], idx: tuple[Any, ...], spec: Spec,
               positions: tuple[int, ...]) -> Any:  # fmt: skip
    iota = jnp.arange(int(np.prod(shape, dtype=np.int64)), dtype=jnp.int64).reshape(
        shape
    )
    out = _basic_kernel(iota, spec=spec)
    return _adv_kernel(out, *idx, positions=positions) if positions else out


def _put_kernel(a: Any, v: Any, *idx: Any, spec: Spec, positions: tuple[int, ...],
                accumulate: bool) -> Any:  # fmt: skip
    pos = _positions(a.shape, idx, spec, positions)
    v = jnp.broadcast_to(jnp.asarray(v).astype(a.dtype), pos.shape)
    flat = a.reshape(-1).at[pos.reshape(-1)]
    flat = flat.add(v.reshape(-1)) if accumulate else flat.set(v.reshape(-1))
    return flat.reshape(a.shape)


def _mask_kernel(a: Any, v: Any, mask: Any, *, spec: Spec, pos: int) -> Any:
    # Traced ``x[mask] = v``: ``where`` over the basic view, then write the view back.
    view = _basic_kernel(a, spec=spec)
    k = mask.ndim
    rest = view.ndim - pos - k
    m = mask.reshape((1,) * pos + mask.shape + (1,) * rest)
    v = jnp.asarray(v).astype(a.dtype)
    if v.ndim > rest:  # the value's mask-count dim must be 1 here
        v = v.reshape(
            v.shape[: v.ndim - rest - 1] + (1,) * k + v.shape[v.ndim - rest :]
        )
    new_view = jnp.where(m, v, view)
    flat = _positions(a.shape, (), spec, ())
    return a.reshape(-1).at[flat.reshape(-1)].set(new_view.reshape(-1)).reshape(a.shape)


_copy_slices = Op(
    "index_put", _put_kernel, saves_inputs=False, backward_name="CopySlices"
)
_index_put = Op("index_put", _put_kernel, saves_inputs=False,
                backward_name="IndexPutBackward0")  # fmt: skip
_mask_put = Op("index_put", _mask_kernel, saves_inputs=False,
               backward_name="IndexPutBackward0")  # fmt: skip


@functools.lru_cache(maxsize=512)
def _result_shape(shape: tuple[int, ...], spec: Spec, idx_shapes: tuple[Any, ...],
                  positions: tuple[int, ...]) -> tuple[int, ...]:  # fmt: skip
    args = [jax.ShapeDtypeStruct(s, np.int64) for s in idx_shapes]
    fn = functools.partial(_positions, shape, spec=spec, positions=positions)
    return tuple(jax.eval_shape(lambda *i: fn(i), *args).shape)


def _value(self: Tensor, value: Any) -> Any:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float, complex)):
        return value
    return Tensor(jnp.asarray(np.asarray(value), dtype=self.dtype.np_dtype))


def index_put_impl(self: Tensor, spec: Spec, adv: list[tuple[int, Any]], value: Any,
                   accumulate: bool = False) -> Tensor:  # fmt: skip
    """The out-of-place result of writing ``value`` at ``(spec, adv)`` into ``self``."""
    value = _value(self, value)
    shape = tuple(self.shape)
    masks = [(p, e) for p, e in adv if _is_mask(e)]
    traced_mask = any(isinstance(e, Tensor) and is_tracer(e._data) for _, e in masks)
    if traced_mask:
        if len(adv) != 1 or accumulate:
            raise TypeError(
                DATA_DEPENDENT.format(
                    what="mixing a traced boolean mask with other index arrays"
                )
            )  # noqa: E501
        return _mask_put(self, value, masks[0][1], spec=spec, pos=masks[0][0])
    adv = _expand_masks(adv, "boolean-mask assignment")
    base_shape = tuple(_result_shape(shape, spec, (), ()))
    _check_bounds(base_shape, adv)
    positions = tuple(p for p, _ in adv)
    idx = [e for _, e in adv]
    target = _result_shape(
        shape,
        spec,
        tuple(
            tuple(np.shape(e) if not isinstance(e, Tensor) else e.shape) for e in idx
        ),
        positions,
    )  # noqa: E501
    if isinstance(value, Tensor):
        vshape = tuple(value.shape)
        while len(vshape) > len(target) and vshape[0] == 1:  # PyTorch drops leading 1s
            vshape = vshape[1:]
        try:
            ok = np.broadcast_shapes(vshape, target) == tuple(target)
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(value.shape)} cannot be "
                f"broadcast to indexing result of shape {list(target)}"
            )
        if vshape != tuple(value.shape):
            value = value.reshape(vshape)  # type: ignore[attr-defined]
    op = _index_put if adv else _copy_slices
    return op(self, value, *idx, spec=spec, positions=positions, accumulate=accumulate)


def setitem(self: Tensor, index: Any, value: Any) -> None:
    """``Tensor.__setitem__``: ``x[index] = value`` as one in-place write."""
    spec, adv = parse(tuple(self.shape), index)
    inplace(self, index_put_impl(self, spec, adv, value))


method("__getitem__", getitem)
method("__setitem__", setitem)


@register(inplace=True)
def index_put(
    input: Tensor, indices: Any, values: Any, accumulate: bool = False
) -> Tensor:
    """``torch.index_put``: write ``values`` at the advanced ``indices`` (a tuple)."""
    spec, adv = parse(tuple(input.shape), tuple(indices))
    return index_put_impl(input, spec, adv, values, accumulate)


# ------------------------------------------------------------------ data-dependent shapes
@register
def nonzero(input: Tensor, *, out: Tensor | None = None, as_tuple: bool = False) -> Any:
    """``torch.nonzero``: indices of non-zero elements (eager only: data-dependent)."""
    if is_tracer(input._data):
        raise TracedValueError(DATA_DEPENDENT.format(what="nonzero"))
    arr = np.asarray(input._data)
    if as_tuple:
        nz = np.nonzero(np.atleast_1d(arr))
        return tuple(Tensor(jnp.asarray(i.astype(np.int64))) for i in nz)
    nz = np.argwhere(arr).astype(np.int64)
    return Tensor(jnp.asarray(nz.reshape(-1, arr.ndim)))


def _nonzero_static_kernel(a: Any, *, size: int, fill_value: int) -> Any:
    idx = jnp.nonzero(a.reshape(a.shape or (1,)), size=size, fill_value=fill_value)
    return jnp.stack(idx, -1).astype(jnp.int64)[:, : a.ndim]


_nonzero_static = Op("nonzero_static", _nonzero_static_kernel, saves_inputs=False)


@register
def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """``torch.nonzero_static``: ``nonzero`` padded (with ``fill_value``) or cut to
    ``size`` rows: a static shape, so it also works under ``jit``."""
    return _nonzero_static(input, size=int(size), fill_value=int(fill_value))


@register
def argwhere(input: Tensor) -> Tensor:
    """``torch.argwhere``: ``nonzero(input)`` as an ``(n, ndim)`` tensor."""
    return nonzero(input)


@register
def masked_select(input: Tensor, mask: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``torch.masked_select``: the 1-D tensor of elements where ``mask`` (broadcast)."""
    from ._reshape import broadcast_tensors

    if mask.dtype.name != "bool":
        raise RuntimeError(
            f"masked_select: expected BoolTensor for mask, got {mask.dtype}"
        )
    if is_tracer(mask._data):
        raise TracedValueError(DATA_DEPENDENT.format(what="masked_select"))
    x, m = broadcast_tensors(input, mask)
    return getitem(x, m)


def contains(self: Tensor, element: Any) -> bool:
    """``element in tensor``: whether any element equals ``element``."""
    if not isinstance(element, (Tensor, bool, int, float, complex)):
        raise RuntimeError(
            "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
            f"{type(element)}."
        )
    _check_concrete(self, "`in`")
    other = element._data if isinstance(element, Tensor) else element
    return bool(jnp.any(self._data == other))


method("__contains__", contains)

__all__ = exported(globals())
