"""``torch.func.vmap`` computed by ``jax.vmap`` (ARCHITECTURE §4).

Mapped Tensors enter ``jax.vmap`` as arrays; everything with ``in_dim=None`` (Tensors,
Modules, Python values) is closed over unchanged. State written during the call is
functionalized (``_functionalize.Scope``):

* an in-place update of a *mapped* input (a stacked BatchNorm buffer in a model
  ensemble) comes back per example and is written into the caller's Tensor;
* an update of a Tensor created outside ``vmap`` must be the same for every example
  (e.g. ``num_batches_tracked``, the generator key); a per-example value there
  (BatchNorm running stats of a single model in training mode) raises an error naming
  the fixes instead of leaving wrong statistics behind.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from .._tensor import Tensor
from ._functionalize import (
    RANDOMNESS_VALUES,
    Scope,
    concrete_errors,
    is_tensor,
    record,
    wraps,
)
from ._functionalize import (
    randomness as randomness_mode,
)

__all__ = ["vmap"]

PER_EXAMPLE_STATE = (
    "vmap: tensors created outside of vmap (shapes {shapes}) were updated in place "
    "with values that differ per example, which one tensor cannot hold. This is what "
    "a BatchNorm layer in training mode does to its running statistics. Fix: call "
    "model.eval() before vmap, build the layer with track_running_stats=False, use "
    "GroupNorm/LayerNorm instead, or (for a batch of models) pass the buffers from "
    "stack_module_state(models) through functional_call with in_dims=0. Otherwise use "
    "out-of-place operations instead of in-place ones on tensors that are not mapped."
)


def _name(func: Any) -> str:
    if isinstance(func, functools.partial):
        return f"functools.partial({_name(func.func)}, ...)"
    return getattr(func, "__name__", type(func).__name__)


def _is_dim_leaf(x: Any) -> bool:
    return x is None or isinstance(x, int)


class _Arg:
    """One positional argument split by its ``in_dims`` prefix into static/mapped parts."""

    def __init__(self, spec_def: Any, parts: list[Any]) -> None:
        self.spec_def = spec_def
        self.parts = parts  # ("static", value) | ("mapped", treedef, tensors, dim)

    def rebuild(self, it: Any) -> Any:
        subs = []
        for part in self.parts:
            if part[0] == "static":
                subs.append(part[1])
            else:
                _, treedef, tensors, _ = part
                subs.append(
                    jax.tree_util.tree_unflatten(treedef, [next(it) for _ in tensors])
                )
        return jax.tree_util.tree_unflatten(self.spec_def, subs)


def _split_args(
    func: Any, in_dims: Any, args: tuple[Any, ...]
) -> tuple[list[_Arg], list[Tensor], list[int]]:  # noqa: E501
    head = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(
            f"{head}: expected `in_dims` to be int or a (potentially nested) tuple "
            f"matching the structure of inputs, got: {type(in_dims)}."
        )
    if len(args) == 0:
        raise ValueError(
            f"vmap({_name(func)})(<inputs>): got no inputs. Maybe you forgot to add "
            "inputs, or you are trying to vmap over a function with no inputs. "
            "The latter is unsupported."
        )
    specs = (in_dims,) * len(args) if isinstance(in_dims, int) else in_dims
    if len(specs) != len(args):
        raise ValueError(
            f"{head}: in_dims is not compatible with the structure of `inputs`. "
            f"in_dims has {len(specs)} entries but there are {len(args)} inputs."
        )
    out_args, tensors, dims = [], [], []
    for spec, arg in zip(specs, args):
        dim_leaves, spec_def = jax.tree_util.tree_flatten(spec, is_leaf=_is_dim_leaf)
        try:
            subs = spec_def.flatten_up_to(arg)
        except (ValueError, TypeError) as e:
            raise ValueError(
                f"{head}: in_dims is not compatible with the structure of `inputs`. "
                f"in_dims has structure {spec_def} but inputs has structure "
                f"{jax.tree_util.tree_structure(arg, is_leaf=is_tensor)}."
            ) from e
        parts: list[Any] = []
        for d, sub in zip(dim_leaves, subs):
            if d is None:
                parts.append(("static", sub))
                continue
            if not isinstance(d, int) or isinstance(d, bool):
                raise ValueError(
                    f"{head}: Got in_dim={d} for an input but in_dim must be either "
                    "an integer dimension or None."
                )
            leaves, treedef = jax.tree_util.tree_flatten(sub, is_leaf=is_tensor)
            for leaf in leaves:
                if not isinstance(leaf, Tensor):
                    raise ValueError(
                        f"{head}: Got in_dim={d} for an input but the input is of type "
                        f"{type(leaf)}. We cannot vmap over non-Tensor arguments, "
                        "please use None as the respective in_dim"
                    )
                nd = leaf.ndim
                if not -nd <= d < nd:
                    raise ValueError(
                        f"{head}: Got in_dim={d} for some input, but that input is a "
                        f"Tensor of dimensionality {nd} so expected in_dim to satisfy "
                        f"-{nd} <= in_dim < {nd}."
                    )
                tensors.append(leaf)
                dims.append(d % nd)
            parts.append(("mapped", treedef, leaves, d))
        out_args.append(_Arg(spec_def, parts))
    if not tensors:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    sizes = [t.shape[d] for t, d in zip(tensors, dims)]
    if len(set(sizes)) != 1:
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, "
            f"got sizes {sizes} for the mapped dimension"
        )
    return out_args, tensors, dims


def _outputs_to_arrays(func: Any, out: Any) -> Any:
    name = _name(func)

    def to_array(x: Any) -> Any:
        if isinstance(x, Tensor):
            return x.jax()
        raise ValueError(
            f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(x)}. "
            "Did you mean to set out_dims= to None for output?"
        )

    return jax.tree_util.tree_map(to_array, out, is_leaf=is_tensor)


def vmap(
    func: Callable[..., Any],
    in_dims: Any = 0,
    out_dims: Any = 0,
    randomness: str = "error",
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """``torch.func.vmap``: map ``func`` over a dimension of its inputs.

    Args:
        func: a function of Tensors (pytrees of Tensors, Modules, other values).
        in_dims: per positional argument, the mapped dimension or ``None``; an int
            applies to all; nested tuples/dicts follow the arguments' structure.
        out_dims: where the mapped dimension goes in each output (prefix structure).
        randomness: ``'error'`` (random ops raise), ``'different'`` (independent
            draws per example) or ``'same'`` (one draw shared by all examples).
        chunk_size: map this many examples at a time (bounds memory).

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite.func import vmap
        >>> vmap(torch.dot)(torch.ones(3, 2), torch.ones(3, 2))
        tensor([2., 2., 2.])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(RANDOMNESS_VALUES.format(randomness))
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(
            f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})"
        )

    @wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        split, tensors, dims = _split_args(func, in_dims, args)
        size = tensors[0].shape[dims[0]]
        step = size if chunk_size is None else chunk_size
        box: dict[str, Any] = {}

        def compute(*arrays: Any) -> list[Any]:
            results = []
            for start in range(0, size, step):
                stop = min(start + step, size)
                chunk = list(arrays)
                if stop - start != size:
                    chunk = [
                        jax.lax.slice_in_dim(a, start, stop, axis=d)
                        for a, d in zip(arrays, dims)
                    ]
                results.append(
                    _vmap_once(
                        func,
                        split,
                        chunk,
                        dims,
                        start,
                        stop,
                        out_dims,
                        randomness,
                        kwargs,
                        tensors,
                    )  # fmt: skip
                )
            leaves, box["treedef"] = jax.tree_util.tree_flatten(results[0])
            if len(results) > 1:
                out_leaf_dims = _leaf_dims(func, out_dims, results[0])
                cols = [jax.tree_util.tree_leaves(r) for r in results]
                leaves = [
                    leaves[i] if d is None else jnp.concatenate([c[i] for c in cols], d)
                    for i, d in enumerate(out_leaf_dims)
                ]
            return leaves

        # One tape node: loss.backward() through vmap reaches the mapped inputs and
        # the parameters the function closes over (an ensemble trained eagerly).
        outs = record("vmap", compute, tensors)
        return jax.tree_util.tree_unflatten(box["treedef"], outs)

    return wrapped


def _leaf_dims(func: Any, out_dims: Any, tree: Any) -> list[Any]:
    dim_leaves, spec_def = jax.tree_util.tree_flatten(out_dims, is_leaf=_is_dim_leaf)
    subs = spec_def.flatten_up_to(tree)
    out = []
    for d, sub in zip(dim_leaves, subs):
        out += [d] * len(jax.tree_util.tree_leaves(sub))
    return out


def _vmap_once(
    func: Any,
    split: list[_Arg],
    arrays: list[Any],
    dims: list[int],
    start: int,
    stop: int,
    out_dims: Any,
    randomness: str,
    kwargs: dict[str, Any],
    outer: list[Tensor],
) -> Any:  # noqa: E501
    """One ``jax.vmap`` over examples ``start:stop``; writes state back; output arrays."""
    scope = Scope("vmap")
    box: dict[str, Any] = {}

    def body(index: Any, mapped: list[Any]) -> Any:
        with scope, randomness_mode(randomness, index):
            wrappers = [Tensor(a) for a in mapped]  # created inside: not outside state
            it = iter(wrappers)
            new_args = [a.rebuild(it) for a in split]
            out = func(*new_args, **kwargs)
            out_arrays = _outputs_to_arrays(func, out)
            box["state"], state = scope.state_out()
            # In-place updates of mapped inputs, returned per example (batch dim 0).
            changed = [
                i for i, (w, a) in enumerate(zip(wrappers, mapped)) if w._data is not a
            ]
            box["changed"] = changed
            updates = [wrappers[i]._data for i in changed]
        return out_arrays, updates, state

    index = jnp.arange(start, stop, dtype=jnp.uint32)
    fn = jax.vmap(
        body, in_axes=(0, dims), out_axes=(out_dims, 0, None), axis_size=stop - start
    )  # noqa: E501
    with concrete_errors("vmap"):
        try:
            out_arrays, updates, state = fn(index, arrays)
        except ValueError as e:
            scope.restore()
            msg = str(e)
            batched_none = "out_axes is None" in msg or "axis spec None" in msg
            if batched_none and box.get("state"):
                shapes = [tuple(t.shape) for t in box["state"]]
                raise RuntimeError(PER_EXAMPLE_STATE.format(shapes=shapes)) from e
            if "out_axes" in msg:
                raise ValueError(
                    f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is "
                    f"not compatible with the structure of `outputs`, or is None for an "
                    f"output that is batched ({e})"
                ) from e
            raise
        except BaseException:
            scope.restore()
            raise
    Scope.commit(box["state"], state)
    for i, new in zip(box["changed"], updates):
        t = outer[i]
        full = jnp.moveaxis(new, 0, dims[i])
        if stop - start != t.shape[dims[i]]:
            idx = [slice(None)] * t.ndim
            idx[dims[i]] = slice(start, stop)
            full = t.jax().at[tuple(idx)].set(full)
        t._rebind(full.astype(t.dtype.np_dtype))
    return out_arrays
