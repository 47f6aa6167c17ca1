"""``torch.func``'s differentiation transforms, computed by JAX (ARCHITECTURE §4).

Each transform unwraps the differentiated arguments to arrays at the boundary, hands
JAX a pure function that re-wraps the arrays (JAX tracers) as Tensors and calls the
user's function, then wraps JAX's results back into Tensors with the arguments'
structure. The autograd tape is not used (``_functionalize.Scope`` switches recording
off): JAX differentiates the tracers, so any nesting (``jacrev(jacfwd(f))``,
``vmap(grad(f))``) is JAX's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._tensor import Size, Tensor
from ._functionalize import (
    Rewrap,
    Scope,
    concrete_errors,
    randomness,
    record,
    tensor_leaves,
    unwrap,
    wraps,
)

__all__ = [
    "grad",
    "grad_and_value",
    "vjp",
    "jvp",
    "jacrev",
    "jacfwd",
    "hessian",
    "linearize",
]

NOT_TENSOR = "Thing passed to transform API must be Tensor, got {}"
NOT_FLOAT = "only Tensors of floating point dtype can require gradients"
HAS_AUX = (
    "{api}(f)(*args): output of function f should be a tuple: (output, aux) "
    "if has_aux is True"
)
NOT_SCALAR = (
    "{api}(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with "
    "{ndim} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
)
NOT_A_TENSOR_OUT = "{api}(f)(*args): Expected f(*args) to return a Tensor, got {}"
ONLY_TENSORS_OUT = (
    "{api}(f)(*args): Expected f(*args) to return only tensors, got unsupported type {}"
)


def _normalize_argnums(argnums: Any, n_args: int) -> tuple[tuple[int, ...], bool]:
    """``(argnums as a tuple, whether a single int was given)`` with torch's checks."""
    single = isinstance(argnums, int)
    nums = (argnums,) if single else argnums
    if not isinstance(nums, tuple) or not all(isinstance(i, int) for i in nums):
        raise RuntimeError(
            f"argnums must be int or Tuple[int, ...], got: {type(argnums)}"
        )
    if len(nums) == 0:
        raise RuntimeError("argnums must be non-empty")
    for i in nums:
        if not -n_args <= i < n_args:
            raise RuntimeError(f"Got argnum={i}, but only {n_args} positional inputs")
    nums = tuple(i % n_args for i in nums)
    if len(set(nums)) != len(nums):
        raise RuntimeError(f"argnums must be unique, got {argnums}")
    return nums, single


class _Pure:
    """``func`` as a pure function of the arrays of its differentiated arguments.

    ``primals[k]`` are the arrays of argument ``argnums[k]``; calling the object with
    new arrays per argument runs ``func`` on re-wrapped Tensors inside a ``Scope``.
    """

    def __init__(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        argnums: Any,
        api: str,
    ) -> None:
        self.func, self.args, self.kwargs, self.api = func, args, kwargs, api
        self.argnums, self.single = _normalize_argnums(argnums, len(args))
        self.primals: list[list[Any]] = []
        self.rewraps: list[Rewrap] = []
        self.inputs: list[Any] = []  # the Tensor/array leaves, in ``primals`` order
        for i in self.argnums:
            arrays, rw = unwrap(args[i])
            self.inputs += [
                x
                for x in tensor_leaves(args[i])
                if isinstance(x, (Tensor, jax.Array, jax.core.Tracer))
            ]
            for kind, leaf in zip(rw.kinds, rw.static):
                if kind == "static":
                    raise ValueError(NOT_TENSOR.format(type(leaf)))
            for a in arrays:
                if not jnp.issubdtype(a.dtype, np.inexact):
                    raise RuntimeError(NOT_FLOAT)
            self.primals.append(arrays)
            self.rewraps.append(rw)
        self.scope = Scope(api)
        self.state_tensors: list[Tensor] = []
        self.out_rw: Rewrap | None = None
        self.aux_rw: Rewrap | None = None

    def call(
        self, diff: Sequence[list[Any]], has_aux: bool
    ) -> tuple[Any, Any, list[Any]]:
        """Run ``func`` on tracers; returns ``(output, aux, new state arrays)``."""
        with self.scope:
            new_args = list(self.args)  # wrappers made inside: not outside state
            for k, i in enumerate(self.argnums):
                new_args[i] = self.rewraps[k](diff[k])
            out = self.func(*new_args, **self.kwargs)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError(HAS_AUX.format(api=self.api))
                out, aux = out
            self.state_tensors, state = self.scope.state_out()
        return out, aux, state

    def call_arrays(self, *diff: list[Any], has_aux: bool) -> tuple[list[Any], Any]:
        """Like ``call`` but the output is flattened to arrays: ``(outs, (aux, state))``."""
        out, aux, state = self.call(diff, has_aux)
        out_arrays, self.out_rw = unwrap(out)
        for kind, leaf in zip(self.out_rw.kinds, self.out_rw.static):
            if kind == "static":
                raise RuntimeError(ONLY_TENSORS_OUT.format(type(leaf), api=self.api))
        aux_arrays, self.aux_rw = unwrap(aux)
        return out_arrays, (aux_arrays, state)

    def run(self, thunk: Callable[[], Any]) -> Any:
        """Call the JAX transform; readable errors; no tracer left in outside state."""
        with concrete_errors(self.api):
            try:
                return thunk()
            except BaseException:
                self.scope.restore()
                raise

    def commit(self, state: Sequence[Any]) -> None:
        Scope.commit(self.state_tensors, state)

    def recorded(self, compute: Callable[[list[list[Any]]], list[Any]]) -> list[Tensor]:
        """``compute(primals per argument) -> flat arrays`` as one tape node.

        The transform's results then carry autograd history when the differentiated
        arguments (or parameters ``func`` closes over) require grad, so a loss built
        from ``grad``/``jacrev`` outputs can itself be ``backward()``-ed, as in PyTorch.
        """
        sizes = [len(a) for a in self.primals]

        def flat_compute(*flat: Any) -> list[Any]:
            per_arg, i = [], 0
            for n in sizes:
                per_arg.append(list(flat[i : i + n]))
                i += n
            return compute(per_arg)

        return self.run(lambda: record(self.api, flat_compute, self.inputs))

    def wrap_per_arg(self, per_arg: Sequence[list[Any]]) -> Any:
        """Results per differentiated argument → that argument's structure."""
        out = tuple(rw(a) for rw, a in zip(self.rewraps, per_arg))
        return out[0] if self.single else out


# ---------------------------------------------------------------- grad
def grad_and_value(
    func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """``torch.func.grad_and_value``: returns ``(grad, value)`` (``(grad, (value, aux))``).

    Args:
        func: returns a scalar Tensor (and ``aux`` if ``has_aux``).
        argnums: which positional arguments to differentiate (pytrees of Tensors).
        has_aux: ``func`` returns ``(output, aux)``; ``aux`` is passed through.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        p = _Pure(func, args, kwargs, argnums, "grad_and_value")

        def pure(*diff: list[Any]) -> Any:
            out, aux, state = p.call(diff, has_aux)
            if not isinstance(out, Tensor):
                raise RuntimeError(
                    NOT_A_TENSOR_OUT.format(type(out), api="grad_and_value")
                )
            if out.ndim != 0:
                raise RuntimeError(
                    NOT_SCALAR.format(api="grad_and_value", ndim=out.ndim)
                )
            aux_arrays, p.aux_rw = unwrap(aux)
            return out.jax(), (aux_arrays, state)

        nums = tuple(range(len(p.argnums)))
        sizes: list[int] = []

        def compute(per_arg: list[list[Any]]) -> list[Any]:
            vg = jax.value_and_grad(pure, argnums=nums, has_aux=True)
            (value, (aux, state)), grads = vg(*per_arg)
            p.commit(state)
            sizes[:] = [len(g) for g in grads]
            return [*(x for g in grads for x in g), value, *aux]

        outs = p.recorded(compute)
        grads, i = [], 0
        for n in sizes:
            grads.append(outs[i : i + n])
            i += n
        g, value = p.wrap_per_arg(grads), outs[i]
        if has_aux:
            assert p.aux_rw is not None
            return g, (value, p.aux_rw(outs[i + 1 :]))
        return g, value

    return wrapper


def grad(
    func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """``torch.func.grad``: the gradient of a scalar function w.r.t. ``argnums``.

    Example:
        >>> import functorch_lite as torch
        >>> from functorch_lite.func import grad
        >>> grad(lambda x: (x ** 2).sum())(torch.tensor([1.0, 2.0]))
        tensor([2., 4.])
    """
    gv = grad_and_value(func, argnums, has_aux)

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


# ---------------------------------------------------------------- vjp / jvp / linearize
def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """``torch.func.vjp``: ``(output, vjp_fn)`` (``+ aux``); ``vjp_fn(cotangents)``
    returns a tuple with one gradient per primal."""
    p = _Pure(func, primals, {}, tuple(range(len(primals))), "vjp")
    out_arrays, pullback, (aux, state) = p.run(
        lambda: jax.vjp(
            lambda *d: p.call_arrays(*d, has_aux=has_aux), *p.primals, has_aux=True
        )  # fmt: skip
    )
    p.commit(state)
    assert p.out_rw is not None and p.aux_rw is not None
    out_rw = p.out_rw

    def vjp_fn(
        cotangents: Any, retain_graph: bool = True, create_graph: Any = None
    ) -> Any:
        cts, ct_rw = unwrap(cotangents)
        if ct_rw.treedef != out_rw.treedef:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree "
                f"structure of outputs to the function. cotangents: {ct_rw.treedef}, "
                f"primal output: {out_rw.treedef}"
            )
        for i, (c, o) in enumerate(zip(cts, out_arrays)):
            if c.shape != o.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of "
                    f"{Size(c.shape)!r} and output[{i}] has a shape of {Size(o.shape)!r}."
                )
        cts = [c.astype(o.dtype) for c, o in zip(cts, out_arrays)]
        with concrete_errors("vjp"):
            grads = pullback(cts)
        return tuple(rw(g) for rw, g in zip(p.rewraps, grads))

    output = out_rw(out_arrays)
    return (output, vjp_fn, p.aux_rw(aux)) if has_aux else (output, vjp_fn)


def _tangent_arrays(p: _Pure, tangents: tuple[Any, ...]) -> list[list[Any]]:
    out = []
    for k, t in enumerate(tangents):
        arrays, rw = unwrap(t)
        if rw.treedef != p.rewraps[k].treedef:
            raise RuntimeError(
                "jvp(f, primals, tangents): Expected primals and tangents to have the "
                f"same python structure. Got primals with structure "
                f"{p.rewraps[k].treedef} and tangents with structure {rw.treedef}"
            )
        for a, pa in zip(arrays, p.primals[k]):
            if a.shape != pa.shape:
                raise RuntimeError(
                    "jvp(f, primals, tangents): Expected primals and tangents to have "
                    f"the same shape, got {Size(pa.shape)!r} and {Size(a.shape)!r}"
                )
        out.append([a.astype(pa.dtype) for a, pa in zip(arrays, p.primals[k])])
    return out


def jvp(
    func: Callable[..., Any],
    primals: Any,
    tangents: Any,
    *,
    strict: bool = False,
    has_aux: bool = False,
) -> Any:
    """``torch.func.jvp``: ``(output, jvp_out)`` (``+ aux``) of ``func(*primals)``
    pushed forward along ``tangents``."""
    for what, v in (("primals", primals), ("tangents", tangents)):
        if not isinstance(v, tuple):
            raise RuntimeError(
                f"jvp(f, primals, tangents): Expected {what} to be a tuple. "
                "E.g. it should be valid to call f(*primals)."
            )
    if len(primals) != len(tangents):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same "
            f"length, got {len(primals)} and {len(tangents)}"
        )
    p = _Pure(func, primals, {}, tuple(range(len(primals))), "jvp")
    tan = _tangent_arrays(p, tangents)
    n_out: list[int] = []

    def compute(per_arg: list[list[Any]]) -> list[Any]:
        out, out_t, (aux, state) = jax.jvp(
            lambda *d: p.call_arrays(*d, has_aux=has_aux),
            tuple(per_arg),
            tuple(tan),
            has_aux=True,
        )
        p.commit(state)
        n_out[:] = [len(out)]
        return [*out, *(_from_float0(t, o) for t, o in zip(out_t, out)), *aux]

    outs = p.recorded(compute)
    assert p.out_rw is not None and p.aux_rw is not None
    n = n_out[0]
    result = (p.out_rw(outs[:n]), p.out_rw(outs[n : 2 * n]))
    return result + (p.aux_rw(outs[2 * n :]),) if has_aux else result


def _from_float0(t: Any, like: Any) -> Any:
    # JAX gives integer outputs a float0 tangent; PyTorch gives zeros of the output dtype.
    if t.dtype == jax.dtypes.float0:
        return jnp.zeros(like.shape, like.dtype)
    return t


def linearize(
    func: Callable[..., Any], *primals: Any
) -> tuple[Any, Callable[..., Any]]:
    """``torch.func.linearize``: ``(output, jvp_fn)``; ``jvp_fn(*tangents)`` evaluates
    the linearized ``func`` (one forward pass, reused for every call)."""
    p = _Pure(func, primals, {}, tuple(range(len(primals))), "linearize")
    out, f_jvp, (_, state) = p.run(
        lambda: jax.linearize(
            lambda *d: p.call_arrays(*d, has_aux=False), *p.primals, has_aux=True
        )  # fmt: skip
    )
    p.commit(state)
    assert p.out_rw is not None
    out_rw = p.out_rw

    def jvp_fn(*tangents: Any) -> Any:
        tan = _tangent_arrays(p, tangents)
        with concrete_errors("linearize"):
            return out_rw(f_jvp(*tan))

    return out_rw(out), jvp_fn


# ---------------------------------------------------------------- Jacobians
def _check_chunk(api: str, chunk_size: int | None) -> None:
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"{api}: `chunk_size` should be greater than 0.")


def _chunked_vmap(fn: Callable[[Any], Any], basis: Any, chunk_size: int | None) -> Any:
    """``vmap(fn)(basis)``, ``chunk_size`` rows at a time (PyTorch's memory knob)."""
    n = basis.shape[0]
    if chunk_size is None or chunk_size >= n:
        return jax.vmap(fn)(basis)
    parts = [jax.vmap(fn)(basis[s : s + chunk_size]) for s in range(0, n, chunk_size)]
    return jax.tree_util.tree_map(lambda *xs: jnp.concatenate(xs), *parts)


def _split_rows(flat: Any, arrays: Sequence[Any]) -> list[Any]:
    """A flat vector (last axis) → pieces shaped and typed like ``arrays``."""
    out, offset = [], 0
    for a in arrays:
        n = int(np.prod(a.shape, dtype=np.int64))
        out.append(flat[..., offset : offset + n].reshape(flat.shape[:-1] + a.shape))
        offset += n
    return out


def _jacobian_tree(p: _Pure, blocks: Any) -> Any:
    """``blocks[j][k][l]``: d out_j / d (leaf l of argument k), shaped out + in."""
    assert p.out_rw is not None
    per_out = [p.wrap_per_arg(list(per_arg)) for per_arg in blocks]
    return p.out_rw.fill(per_out)


def _flatten_blocks(blocks: Any, aux: Sequence[Any], layout: list[Any]) -> list[Any]:
    """Jacobian blocks + aux → one flat list (for the tape); ``layout`` remembers how."""
    layout[:] = [[len(per_arg) for per_arg in per_out] for per_out in blocks]
    flat = [x for per_out in blocks for per_arg in per_out for x in per_arg]
    return flat + list(aux)


def _unflatten_blocks(flat: Sequence[Any], layout: list[Any]) -> tuple[Any, list[Any]]:
    it, blocks = iter(flat), []
    for per_out in layout:
        blocks.append([[next(it) for _ in range(k)] for k in per_out])
    return blocks, list(it)


def jacrev(
    func: Callable[..., Any],
    argnums: int | tuple[int, ...] = 0,
    *,
    has_aux: bool = False,
    chunk_size: int | None = None,
    _preallocate_and_copy: bool = False,
) -> Callable[..., Any]:
    """``torch.func.jacrev``: the Jacobian by reverse mode (one VJP per output element,
    vectorised; ``chunk_size`` rows at a time). Layout: output structure, then the
    ``argnums`` structure; each block has shape ``out.shape + in.shape``."""
    _check_chunk("jacrev", chunk_size)

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        p = _Pure(func, args, kwargs, argnums, "jacrev")

        def compute(per_arg: list[list[Any]]) -> list[Any]:
            outs, pullback, (aux, state) = jax.vjp(
                lambda *d: p.call_arrays(*d, has_aux=has_aux), *per_arg, has_aux=True
            )
            p.commit(state)
            sizes = [int(np.prod(o.shape, dtype=np.int64)) for o in outs]
            m = sum(sizes)

            def row(e: Any) -> Any:
                return pullback(
                    [c.astype(o.dtype) for c, o in zip(_split_rows(e, outs), outs)]
                )

            rows = _chunked_vmap(row, jnp.eye(m, dtype=_basis_dtype(outs)), chunk_size)
            blocks, offset = [], 0
            for o, n in zip(outs, sizes):
                blocks.append([
                    [r[offset : offset + n].reshape(o.shape + r.shape[1:]) for r in arg]
                    for arg in rows
                ])  # fmt: skip
                offset += n
            return _flatten_blocks(blocks, aux, layout)

        layout: list[Any] = []
        blocks, aux = _unflatten_blocks(p.recorded(compute), layout)
        jac = _jacobian_tree(p, blocks)
        return (jac, _aux(p, aux)) if has_aux else jac

    return wrapper


def jacfwd(
    func: Callable[..., Any],
    argnums: int | tuple[int, ...] = 0,
    has_aux: bool = False,
    *,
    randomness: str = "error",
) -> Callable[..., Any]:
    """``torch.func.jacfwd``: the Jacobian by forward mode (one JVP per input element,
    vectorised). ``randomness`` is that of the inner ``vmap``."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        p = _Pure(func, args, kwargs, argnums, "jacfwd")
        sizes = [len(a) for a in p.primals]
        flat_primals = [a for arrays in p.primals for a in arrays]
        n = sum(int(np.prod(a.shape, dtype=np.int64)) for a in flat_primals)

        def compute(per_arg: list[list[Any]]) -> list[Any]:
            def column(e: Any) -> Any:
                pieces = _split_rows(e, flat_primals)
                tan, i = [], 0
                for arrays in per_arg:
                    tan.append([t.astype(a.dtype) for t, a in zip(pieces[i:], arrays)])
                    i += len(arrays)
                with randomness_for(randomness):
                    outs, out_t, aux_state = jax.jvp(
                        lambda *d: p.call_arrays(*d, has_aux=has_aux),
                        tuple(per_arg),
                        tuple(tan),
                        has_aux=True,
                    )
                out_t = [_from_float0(t, o) for t, o in zip(out_t, outs)]
                return outs, out_t, aux_state

            basis = jnp.eye(n, dtype=_basis_dtype(flat_primals))
            outs, cols, (aux, state) = jax.vmap(column, out_axes=(None, 0, None))(basis)
            p.commit(state)
            blocks = []
            for c in cols:
                per_leaf = _split_rows(
                    jnp.moveaxis(c, 0, -1), flat_primals
                )  # (*out, *in)
                per_arg, i = [], 0
                for k in sizes:
                    per_arg.append(per_leaf[i : i + k])
                    i += k
                blocks.append(per_arg)
            return _flatten_blocks(blocks, aux, layout)

        layout: list[Any] = []
        blocks, aux = _unflatten_blocks(p.recorded(compute), layout)
        jac = _jacobian_tree(p, blocks)
        return (jac, _aux(p, aux)) if has_aux else jac

    return wrapper


def randomness_for(mode: str) -> Any:
    """jacfwd's randomness: one draw shared by all basis directions unless 'error'."""
    return randomness("error" if mode == "error" else "same")


def _basis_dtype(arrays: Sequence[Any]) -> Any:
    inexact = [a.dtype for a in arrays if jnp.issubdtype(a.dtype, np.inexact)]
    return jnp.result_type(*inexact) if inexact else jnp.float32


def _aux(p: _Pure, aux: Any) -> Any:
    assert p.aux_rw is not None
    return p.aux_rw(aux)


def hessian(
    func: Callable[..., Any], argnums: int | tuple[int, ...] = 0
) -> Callable[..., Any]:
    """``torch.func.hessian``: ``jacfwd(jacrev(func, argnums), argnums)``."""
    return jacfwd(jacrev(func, argnums), argnums)
