"""The backward engine: one reverse sweep over the recorded graph (ARCHITECTURE §2).

The sweep visits nodes in reverse topological order and asks JAX for each node's VJP
(``jax.vjp`` of the op's pure function at the recorded primals). It runs in two ways:

* op by op, each VJP a cached ``jax.jit`` per (op, static args, which inputs need
  grads) — for graph structures not seen before, and whenever hooks, ``retain_grad``
  or anomaly mode need to see intermediate gradients;
* as ONE compiled program for the whole sweep, cached under the graph's structure
  (ops, static arguments, wiring; shapes/dtypes are keyed by ``jax.jit`` itself) — for
  structures seen before, i.e. every training step after the first. Under a JAX trace
  (``loss.backward()`` inside ``compile``) the same sweep is simply traced inline.

``create_graph=True`` records the sweep itself as one op, so higher-order gradients
come from JAX differentiating the VJPs.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp

from .. import _config
from .._ops import _hooks as _post_hooks
from .._tensor import Tensor
from ._grad_mode import anomaly
from ._grad_mode import state as grad_state
from ._graph import LEAF, Node

__all__ = ["backward", "grad", "run_backward"]

Tracer = jax.core.Tracer

NOT_SCALAR = "grad can be implicitly created only for scalar outputs"
NO_GRAD_FN = "element {i} of tensors does not require grad and does not have a grad_fn"
UNUSED = (
    "One of the differentiated Tensors appears to not have been used in the graph. "
    "Set allow_unused=True if this is the desired behavior."
)
NAN_GRAD = "Function '{name}' returned nan values in its {i}th output."

# Wiring of one node input: None (constant), ``i`` source i, or ``(pos, idx)`` output
# ``idx`` of the node at sweep position ``pos``; also the key of its cotangent.
Target = int | tuple[int, int] | None


class _Plan:
    """The part of the graph between the roots and the sources, in reverse order."""

    __slots__ = ("nodes", "node_args", "entries", "root_refs", "sources", "key",
                 "has_hooks")  # fmt: skip

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.node_args: list[tuple[Any, ...]] = []  # each node's primals
        self.entries: list[tuple[Any, ...]] = []
        self.root_refs: list[Target] = []
        self.sources: list[Any] = []  # leaf Tensors or (node, idx) for non-leaf inputs
        self.key: tuple[Any, ...] = ()
        self.has_hooks = False


def _plan(roots: Sequence[Tensor], inputs: Sequence[Tensor] | None) -> _Plan:
    """Select, order and wire the nodes between ``roots`` and the sources.

    Runs on every ``backward()``, so it is one pass to find the nodes, a sort, and
    one pass to wire them: nodes are created after the nodes they read from, so
    creation order (``Node.seq``) is a topological order. A non-leaf input (``grad``
    w.r.t. an intermediate) is a *tap* on its node's output: its gradient is read
    there, and still flows on to inputs computed before it, as in PyTorch. The
    wiring pass also checks the saved tensors (PyTorch's in-place error).
    """
    plan = _Plan()
    sources = plan.sources
    # Source index by leaf ``id`` or by ``(node, output index)`` for interior inputs.
    source_pos: dict[Any, int] = {}
    interior = False
    if inputs is not None:
        for t in inputs:
            key: Any = id(t) if t._node is None else (t._node, t._out_idx)
            if key not in source_pos:
                source_pos[key] = len(sources)
                sources.append(t if t._node is None else key)
                interior = interior or t._node is not None
    collect_leaves = inputs is None

    # Every node that reaches back from a root.
    reached: set[Node] = set()
    stack = [r._node for r in roots if r._node is not None]
    while stack:
        node = stack.pop()
        if node in reached:
            continue
        reached.add(node)
        for edge in node.edges:
            if edge is not None:
                src, _ = edge
                if src is not LEAF and src not in reached:
                    stack.append(src)

    # Wire every input in topological order; a node that reaches no source is dropped.
    pos: dict[Node, int] = {}
    entries, nodes, node_args = plan.entries, plan.nodes, plan.node_args
    stale = False  # a saved tensor was modified in place, or the graph was freed
    for node in sorted(reached, key=_SEQ):
        targets: list[Target] = []
        mask: list[bool] = []
        for edge in node.edges:
            target: Target = None
            if edge is not None:
                src, x = edge  # (LEAF, leaf tensor) or (node, output index)
                if src is LEAF:
                    target = source_pos.get(id(x))
                    if target is None and collect_leaves:
                        target = source_pos[id(x)] = len(sources)
                        sources.append(x)
                else:
                    i = pos.get(src)
                    if i is not None:
                        target = (i, x)
            targets.append(target)
            mask.append(target is not None)
        taps: tuple[Any, ...] = ()
        if interior:
            taps = tuple(
                (i, source_pos[(node, i)])
                for i in range(node.n_out)
                if (node, i) in source_pos
            )
        if True not in mask and not taps:
            continue
        i = pos[node] = len(entries)
        args = node.args
        if args is None:
            stale = True
        else:
            for t, version in node.saved:
                if t._version != version:
                    stale = True
        if node.hooks or node.retained or node.pre_hooks or node.post_hooks:
            plan.has_hooks = True
        nodes.append(node)
        node_args.append(args)  # type: ignore[arg-type]  # None raises below
        entries.append((i, node.op, tuple(node.static.items()), tuple(mask),
                        node.float_out, tuple(targets), taps))  # fmt: skip
    # The sweep runs in reverse; PyTorch's error names the first stale node it meets.
    entries.reverse()
    nodes.reverse()
    node_args.reverse()
    if stale:
        for node in nodes:
            node.check_saved()

    for r in roots:
        node, idx = r._node, r._out_idx
        if node is None:
            plan.root_refs.append(_source_of_leaf(r, source_pos, sources, collect_leaves)
                                  if r._requires_grad else None)  # fmt: skip
        elif node in pos:
            plan.root_refs.append((pos[node], idx))
        else:
            plan.root_refs.append(None)
    plan.key = (tuple(entries), tuple(plan.root_refs), len(sources))
    return plan


_SEQ = operator.attrgetter("seq")


def _source_of_leaf(t: Tensor, source_pos: dict[Any, int], sources: list[Any],
                   collect: bool) -> Target:  # fmt: skip
    """The wiring of a leaf used directly as a root (``x.backward()`` on a leaf)."""
    i = source_pos.get(id(t))
    if i is None:
        if not collect:
            return None
        i = source_pos[id(t)] = len(sources)
        sources.append(t)
    return i


# ------------------------------------------------------------------- node VJPs
def _node_vjp(op: Any, static: tuple[Any, ...], mask: tuple[bool, ...],
              float_out: tuple[bool, ...], args: tuple[Any, ...],
              cts: tuple[Any, ...]) -> tuple[Any, ...]:  # fmt: skip
    """Cotangents of the masked inputs of one op, from JAX's VJP of its function."""
    kwargs = dict(static)
    diff = [i for i, m in enumerate(mask) if m]

    def f(*dargs: Any) -> tuple[Any, ...]:
        full = list(args)
        for i, d in zip(diff, dargs):
            full[i] = d
        out = op.fn(*full, **kwargs)
        outs = out if op.n_out != 1 else (out,)
        return tuple(o for o, fl in zip(outs, float_out) if fl)

    _, vjp_fn = jax.vjp(f, *[args[i] for i in diff])
    return vjp_fn(cts)


@functools.lru_cache(maxsize=4096)
def _jitted_node_vjp(op: Any, static: tuple[Any, ...], mask: tuple[bool, ...],
                     float_out: tuple[bool, ...]) -> Callable[..., Any]:  # fmt: skip
    return jax.jit(functools.partial(_node_vjp, op, static, mask, float_out))


def _sweep(entries: Sequence[tuple[Any, ...]], node_args: Sequence[Any],
           root_refs: Sequence[Target], seeds: Sequence[Any], n_sources: int,
           per_op: bool, on_grad: Callable[..., Any] | None = None) -> list[Any]:  # fmt: skip
    """Propagate cotangents from the roots to the sources; the heart of backward."""
    cts: dict[Any, Any] = {}

    def add(target: Target, g: Any) -> None:
        prev = cts.get(target)
        cts[target] = g if prev is None else prev + g

    for ref, seed in zip(root_refs, seeds):
        if ref is not None:
            add(ref, seed)
    for k, (pos, op, static, mask, float_out, targets, taps) in enumerate(entries):
        args = node_args[k]
        outs = []
        got_any = False
        for i, fl in enumerate(float_out):
            g = cts.pop((pos, i), None)
            if fl:
                for tap_idx, source in taps:  # a gradient asked for (``inputs=``):
                    if tap_idx == i:  # taken before the tensor's hooks, as PyTorch
                        cts[source] = g
                if g is not None and on_grad is not None:
                    g = on_grad(k, i, g)
                if g is None:
                    g = _zeros_for(op, static, args, i)
                else:
                    got_any = True
                outs.append(g)
        if not got_any or True not in mask:
            continue
        vjp = (
            _jitted_node_vjp(op, static, mask, float_out)
            if per_op
            else functools.partial(_node_vjp, op, static, mask, float_out)
        )  # noqa: E501
        grads = vjp(args, tuple(outs))
        if anomaly.enabled and per_op and anomaly.check_nan:
            for j, g in enumerate(grads):
                if bool(jnp.any(jnp.isnan(g))):
                    raise RuntimeError(NAN_GRAD.format(name=op.backward_name, i=j))
        gi = iter(grads)
        for t in targets:
            if t is not None:
                add(t, next(gi))
    return [cts.get(i) for i in range(n_sources)]


def _zeros_for(op: Any, static: tuple[Any, ...], args: tuple[Any, ...], i: int) -> Any:
    shapes = jax.eval_shape(lambda *a: op.fn(*a, **dict(static)), *args)
    s = shapes if op.n_out == 1 else shapes[i]
    return jnp.zeros(s.shape, s.dtype)


#: One entry per graph structure that ran a plain backward: ``None`` after its first
#: (per-op) sweep, then the compiled whole sweep from the second one on.
_programs: dict[tuple[Any, ...], Any] = {}


def _compiled_sweep(plan: _Plan) -> Callable[..., Any]:
    entries, root_refs, n = plan.entries, plan.root_refs, len(plan.sources)

    def whole(node_args: Any, seeds: Any) -> Any:
        return _sweep(entries, node_args, root_refs, seeds, n, per_op=False)

    fn = _programs[plan.key] = jax.jit(whole)
    return fn


def _remember(key: tuple[Any, ...]) -> None:
    if len(_programs) >= 10_000:  # bound memory for programs that never repeat
        for k in [k for k, fn in _programs.items() if fn is None]:
            del _programs[k]
    _programs[key] = None


def _has_tracer(node_args: Sequence[Any], seeds: Sequence[Any]) -> bool:
    for s in seeds:
        if isinstance(s, Tracer):
            return True
    for args in node_args:
        for a in args:
            if isinstance(a, Tracer):
                return True
    return False


# ------------------------------------------------------------------- driver
def run_backward(roots: Sequence[Tensor], seeds: Sequence[Any],
                 inputs: Sequence[Tensor] | None, retain_graph: bool,
                 create_graph: bool) -> tuple[_Plan, list[Any]]:  # fmt: skip
    """Compute cotangents of the sources (leaves, or ``inputs``) for the given roots.

    Returns the plan and one gradient per source: arrays, or Tensors with history when
    ``create_graph``; None where a source got no gradient.
    """
    plan = _plan(roots, inputs)
    node_args = plan.node_args
    n = len(plan.sources)
    if create_graph:
        grads = _sweep_as_op(plan, node_args, seeds)
    else:
        seed_arrays = [s._data if isinstance(s, Tensor) else s for s in seeds]
        if plan.has_hooks or anomaly.enabled or not _config.COMPILED_BACKWARD:
            on_grad = _hook_runner(plan) if plan.has_hooks else None
            grads = _sweep(plan.entries, node_args, plan.root_refs, seed_arrays, n,
                           True, on_grad)  # fmt: skip
        elif _has_tracer(node_args, seed_arrays):  # inside a transform: trace inline
            grads = _sweep(
                plan.entries, node_args, plan.root_refs, seed_arrays, n, False
            )
        else:
            fn = _programs.get(plan.key)
            if fn is None and plan.key in _programs:  # second time: compile
                fn = _compiled_sweep(plan)
            if fn is not None:
                grads = fn(node_args, seed_arrays)
            else:  # a new structure: per-op VJPs, no compile for a one-off graph
                _remember(plan.key)
                grads = _sweep(plan.entries, node_args, plan.root_refs, seed_arrays,
                               n, True)  # fmt: skip
    if not retain_graph:
        for node in plan.nodes:
            if node.op.saves_inputs:
                node.args = None
    return plan, list(grads)


def _hook_runner(plan: _Plan) -> Callable[[int, int, Any], Any]:
    """Run tensor hooks / retain_grad on an interior gradient once it is complete."""

    def on_grad(k: int, i: int, g: Any) -> Any:
        node = plan.nodes[k]
        if node.pre_hooks:
            for h in node.pre_hooks:
                r = h((Tensor(g),))
                if r is not None:
                    g = r[0]._data
        if node.hooks and i in node.hooks:
            for h in node.hooks[i]:
                r = h(Tensor(g))
                if r is not None:
                    g = r._data
        if node.retained and i in node.retained:
            t = node.retained[i]()
            if t is not None:
                t._grad = Tensor(g) if t._grad is None else Tensor(t._grad._data + g)
        return g

    return on_grad


def _sweep_as_op(plan: _Plan, node_args: list[Any], seeds: Sequence[Any]) -> list[Any]:
    """Record the whole sweep as one differentiable op (``create_graph=True``)."""
    from .._ops._dispatch import Op, dispatch

    op = _sweep_ops.get(plan.key)
    sizes = [len(a) for a in node_args]
    if op is None:
        entries, root_refs, n = plan.entries, plan.root_refs, len(plan.sources)

        def fn(*flat: Any) -> Any:
            it = iter(flat)
            args = [tuple(next(it) for _ in range(s)) for s in sizes]
            sds = list(it)
            out = _sweep(entries, args, root_refs, sds, n, per_op=False)
            out = [jnp.zeros((), jnp.float32) if g is None else g for g in out]
            return tuple(out) if n != 1 else out[0]

        op = _sweep_ops[plan.key] = Op("graph_backward", fn, n_out=max(n, 1) if n != 1 else 1,
                                       backward_name="GraphBackward0")  # fmt: skip
    flat: list[Any] = []
    for node, args in zip(plan.nodes, node_args):
        for a, edge in zip(args, node.edges):
            flat.append(_as_input(a, edge))
    flat.extend(seeds)
    with _enable():
        out = dispatch(op, tuple(flat), {})
    outs = list(out) if len(plan.sources) != 1 else [out]
    return outs


_sweep_ops: dict[tuple[Any, ...], Any] = {}


def _as_input(a: Any, edge: Any) -> Any:
    """A recorded primal as an op input that carries its history."""
    if edge is None:
        return a
    if edge[0] is LEAF:
        return edge[1]
    t = Tensor(a, True)
    t._node, t._out_idx = edge
    return t


class _enable:
    def __enter__(self) -> None:
        self.prev = grad_state.enabled
        grad_state.enabled = True

    def __exit__(self, *exc: Any) -> None:
        grad_state.enabled = self.prev


# ------------------------------------------------------------------- public API
def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _seeds(outputs: list[Tensor], grads: list[Any], create_graph: bool) -> list[Any]:
    seeds = []
    for i, (t, g) in enumerate(zip(outputs, grads)):
        if not t._requires_grad:
            raise RuntimeError(NO_GRAD_FN.format(i=i))
        if g is None:
            if t.numel() != 1:
                raise RuntimeError(NOT_SCALAR)
            g = jnp.ones(t._data.shape, t._data.dtype)
        elif isinstance(g, Tensor):
            if g._data.shape != t._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of "
                    f"{tuple(g.shape)} and output[{i}] has a shape of {tuple(t.shape)}."
                )
            g = g if create_graph else g._data
        else:
            g = jnp.asarray(g, t._data.dtype)
        seeds.append(g)
    return seeds


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:  # fmt: skip
    """``torch.autograd.backward``: accumulate gradients into leaves' ``.grad``."""
    outputs = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    seeds = _seeds(outputs, grads, create_graph)
    wanted = _as_list(inputs) or None
    plan, result = run_backward(outputs, seeds, wanted, retain_graph, create_graph)
    for src, g in zip(plan.sources, result):
        if g is not None and isinstance(src, Tensor):
            _accumulate(src, g, create_graph)


def _accumulate(leaf: Tensor, g: Any, create_graph: bool) -> None:
    if leaf._hooks:
        gt = g if isinstance(g, Tensor) else Tensor(g)
        for h in leaf._hooks:
            r = h(gt)
            if r is not None:
                gt = r
        g = gt if create_graph else gt._data
    if create_graph:
        gt = g if isinstance(g, Tensor) else Tensor(g)
        leaf.grad = gt if leaf._grad is None else leaf._grad + gt  # type: ignore[operator]
    else:
        if isinstance(g, Tensor):
            g = g._data
        data = leaf._data
        if g.dtype != data.dtype:
            g = g.astype(data.dtype)
        if leaf._grad is None:
            leaf.grad = Tensor(g)
        else:
            leaf._grad._rebind(leaf._grad._data + g)
    if _post_hooks.HOOKS:  # Tensor.register_post_accumulate_grad_hook
        _post_hooks.run_post_accumulate_grad_hooks(leaf)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None,
         retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple[Tensor | None, ...]:  # fmt: skip
    """``torch.autograd.grad``: gradients of ``outputs`` w.r.t. ``inputs``, no ``.grad``."""
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    if is_grads_batched:
        raise NotImplementedError(
            "is_grads_batched: use functorch_lite.func.vmap over autograd.grad instead"
        )
    for t in ins:
        if not t._requires_grad:
            raise RuntimeError(
                "One of the differentiated Tensors does not require grad"
            )
    if retain_graph is None:
        retain_graph = create_graph
    grads_in = _as_list(grad_outputs) or [None] * len(outs)
    seeds = _seeds(outs, grads_in, create_graph)
    plan, result = run_backward(outs, seeds, ins, retain_graph, create_graph)
    by_key = {}
    for src, g in zip(plan.sources, result):
        k = id(src) if isinstance(src, Tensor) else (id(src[0]), src[1])
        by_key[k] = g
    answer: list[Tensor | None] = []
    for t in ins:
        g = by_key.get(id(t) if t._node is None else (id(t._node), t._out_idx))
        if g is None:
            if materialize_grads:
                answer.append(Tensor(jnp.zeros(t._data.shape, t._data.dtype)))
                continue
            if not allow_unused:
                raise RuntimeError(UNUSED)
            answer.append(None)
        else:
            answer.append(g if isinstance(g, Tensor) else Tensor(g))
    return tuple(answer)
