"""``RuleOptimizer``: the shell that runs a pure update rule over each param group.

A subclass names its rule module (``init``/``update``/``State``/``Hyper``) and says how
a param group maps to the rule's hyperparameters (float32 arrays) and structural flags
(static). ``step`` then gathers, for each group, the parameters that have a gradient,
their grads and their state into lists, makes ONE call of the cached ``jax.jit`` of the
rule — PyTorch's ``fused=True`` for every optimizer — and rebinds the results into the
same Tensors, so ``optimizer.state`` keeps PyTorch's layout.

Nothing here branches on an array's value, so ``step`` also runs when the arrays are
JAX tracers (inside ``jit``/``compile``), where the jitted rule is simply inlined.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import jax

from .. import _tensor as _core_tensor
from ._core import Tensor, enable_grad, no_grad
from ._optimizer import Optimizer
from ._rules._common import compiled_update, scalar

__all__ = ["RuleOptimizer", "check_flags", "check_lr", "hyper_value"]


def hyper_value(value: Any) -> jax.Array:
    """A group's hyperparameter (a Python float or a 1-element Tensor) as float32."""
    if isinstance(value, Tensor):
        value = value.jax()
    return scalar(value)


def check_lr(lr: Any) -> None:
    """PyTorch's learning-rate checks (a float, or a 1-element Tensor)."""
    if isinstance(lr, Tensor):
        if lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        lr = float(lr)
    if not lr >= 0.0:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_flags(fused: Any, foreach: Any, differentiable: bool) -> None:
    """PyTorch's argument checks for the implementation flags we accept and ignore.

    Our update is always one compiled call per param group, so ``fused``/``foreach``
    /``capturable`` select nothing; PyTorch's mutually exclusive combinations still
    raise its errors.
    """
    if fused and differentiable:
        raise RuntimeError("`fused` does not support `differentiable`")
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


class RuleOptimizer(Optimizer):
    """An optimizer whose math is a pure rule from ``optim._rules``."""

    _rule: ModuleType

    def _hyper(self, group: dict[str, Any]) -> tuple[jax.Array, ...]:
        """The rule's ``Hyper`` NamedTuple of float32 scalars for ``group``."""
        raise NotImplementedError

    def _static(self, group: dict[str, Any]) -> dict[str, Any]:
        """The rule's structural flags for ``group`` (static: part of the cache key)."""
        raise NotImplementedError

    def _hyper_state(self, group: dict[str, Any]) -> Any:
        """The group's hyperparameters as float32 scalars held in state Tensors.

        Schedulers change Python floats in ``param_groups``; a compiled step must see
        the new values without recompiling (ARCHITECTURE §3). So each group keeps one
        Tensor per hyperparameter, refreshed from the floats when they change: in
        ``step`` eagerly, and by ``_compile_sync`` before every compiled call — inside
        the compiled program those Tensors are inputs, not constants.
        """
        cache = self.__dict__.setdefault("_hyper_cache", {})
        key = tuple(
            (k, v.jax() if isinstance(v, Tensor) else v)
            for k, v in group.items()
            if k not in ("params", "param_names")
        )
        entry = cache.get(id(group))
        if entry is None or not _same(entry[0], key):
            # Held as device arrays: a numpy scalar would be transferred to the
            # device on every call of the step that reads it (~10 µs each).
            values = jax.device_put(tuple(self._hyper(group)))
            if entry is None:
                entry = (key, self._rule.Hyper(*(Tensor(v) for v in values)))
            else:
                for t, v in zip(entry[1], values):
                    t._rebind(v)
                entry = (key, entry[1])
            cache[id(group)] = entry
        return type(entry[1])(*(t.jax() for t in entry[1]))

    def _compile_sync(self) -> None:
        """Run before each compiled call: copy changed hyperparameters into state."""
        for group in self.param_groups:
            if "_hyper_cache" in self.__dict__ and id(group) in self._hyper_cache:
                self._hyper_state(group)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step (``torch.optim.Optimizer.step``).

        Args:
            closure: re-evaluates the model and returns the loss; run with grad
                enabled, before the update.

        Returns:
            The closure's loss, or ``None``.
        """
        for hook in list(self._step_pre_hooks.values()):
            hook(self, (closure,), {})
        if _core_tensor.observer is not None:
            _core_tensor.observer.participate(self)
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        for hook in list(self._step_post_hooks.values()):
            hook(self, (closure,), {})
        return loss

    def _init_state(self, p: Tensor, static: dict[str, Any]) -> dict[str, Tensor]:
        """Create ``p``'s state from the rule's ``init`` (PyTorch's ``_init_group``)."""
        fresh = self._rule.init([p.jax()], **static)
        st = {f: Tensor(v[0]) for f, v in zip(fresh._fields, fresh) if v[0] is not None}
        if st:
            self.state[p] = st
        return st

    def _step_group(self, group: dict[str, Any]) -> None:
        # Parameters without a gradient are skipped and get no state, as in PyTorch.
        params = [p for p in group["params"] if p.grad is not None]
        if not params:
            return
        static = self._static(group)
        fields = self._rule.State._fields
        states = [self.state.get(p) or self._init_state(p, static) for p in params]
        state = self._rule.State(
            *([st[f].jax() if f in st else None for st in states] for f in fields)
        )
        update = compiled_update(self._rule.update, **static)
        new_params, new_state = update(
            [p.grad.jax() for p in params],  # type: ignore[union-attr]
            state,
            [p.jax() for p in params],
            self._hyper_state(group),
        )
        for i, (p, st) in enumerate(zip(params, states, strict=True)):
            p._rebind(new_params[i])
            for f, values in zip(fields, new_state, strict=True):
                value = values[i]
                if value is None:
                    continue
                if f in st:
                    st[f]._rebind(value)
                else:
                    st[f] = Tensor(value)
                    self.state[p] = st


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Hyperparameter keys equal (Tensor-valued entries compare by identity)."""
    if len(a) != len(b):
        return False
    for (ka, va), (kb, vb) in zip(a, b):
        if ka != kb:
            return False
        if isinstance(va, jax.Array) or isinstance(vb, jax.Array):
            if va is not vb:
                return False
        elif va != vb:
            return False
    return True
