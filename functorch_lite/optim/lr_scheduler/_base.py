"""``LRScheduler``: the base of every scheduler, mirroring ``torch.optim.lr_scheduler``.

Schedulers are pure Python: they only rewrite ``optimizer.param_groups[i]["lr"]`` (and
momentum/betas for the cyclic ones). Because our optimizers read those values at every
step and pass them to the compiled update as array arguments, changing them never
recompiles anything.

Two ways to compute a learning rate, exactly as PyTorch (2.x) does:

* ``get_lr`` is *chainable*: it derives the new lr from the group's current lr, so
  several schedulers can act on one optimizer (``ChainedScheduler``).
* ``_get_closed_form_lr`` computes the lr from ``base_lrs`` and ``last_epoch`` alone;
  it is used when ``step(epoch)`` is given an explicit (deprecated) epoch.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from weakref import ref

import jax.numpy as jnp

from .._core import Tensor
from .._optimizer import Optimizer

__all__ = [
    "EPOCH_DEPRECATION_WARNING",
    "LRScheduler",
    "format_param",
    "param_groups_val_list",
    "update_param_group_val",
]

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being "
    "deprecated where possible. Please use `scheduler.step()` to step the scheduler. "
    "During the deprecation, if epoch is different from None, the closed form is used "
    "instead of the new chainable form, where available. Please open an issue if you "
    "are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)
_STEP_OVERRIDDEN = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
    "initialization. Please, make sure to call `optimizer.step()` before "
    "`lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
_SCHEDULER_BEFORE_OPTIMIZER = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch "
    "1.1.0 and later, you should call them in the opposite order: `optimizer.step()` "
    "before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping "
    "the first value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
_MISSING_INITIAL_LR = (
    "param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler "
    "with last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume "
    "training from a checkpoint but haven't properly loaded the optimizer state\n2. "
    "You're using last_epoch >= 0 for a fresh training run (not recommended)"
)


def _copy(value: Any) -> Any:
    # A Tensor lr is copied so the scheduler's record does not follow later writes.
    return Tensor(value.jax()) if isinstance(value, Tensor) else value


def format_param(name: str, optimizer: Optimizer, param: Any) -> list[Any]:
    """One value per param group: broadcast a scalar, or check a list's length."""
    if isinstance(param, (list, tuple)):
        if len(param) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(param)} values, param_groups has "
                f"{len(optimizer.param_groups)}."
            )
    else:
        param = [param] * len(optimizer.param_groups)
    return [_copy(p) for p in param]


def param_groups_val_list(optimizer: Optimizer, key: str) -> list[Any]:
    """``[group[key] for group in param_groups]``, copying Tensor values."""
    return [_copy(group[key]) for group in optimizer.param_groups]


def update_param_group_val(param_group: dict[str, Any], key: str, val: Any) -> None:
    """Set ``param_group[key]``; a Tensor lr is filled in place (as ``fill_``)."""
    current = param_group[key]
    if isinstance(current, Tensor):
        value = val.jax() if isinstance(val, Tensor) else val
        current._rebind(jnp.full_like(current.jax(), value))
    else:
        param_group[key] = val


def _mark_optimizer_steps(scheduler: LRScheduler) -> None:
    """Wrap ``optimizer.step`` to record that it ran (for PyTorch's order warning)."""
    opt = scheduler.optimizer
    if hasattr(opt.step, "_wrapped_by_lr_sched"):
        return
    opt_ref = ref(opt)
    func = type(opt).step

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        instance = cast(Optimizer, opt_ref())
        instance._opt_called = True  # type: ignore[attr-defined]
        return func(instance, *args, **kwargs)

    wrapper._wrapped_by_lr_sched = True  # type: ignore[attr-defined]
    opt.step = wrapper  # type: ignore[method-assign]


class LRScheduler:
    """Adjusts the learning rate of an optimizer's param groups over epochs.

    Mirrors ``torch.optim.lr_scheduler.LRScheduler``: sets ``initial_lr`` in every
    param group, keeps ``base_lrs`` and ``last_epoch``, and takes its first step
    (epoch 0) in the constructor.

    Args:
        optimizer: the wrapped optimizer.
        last_epoch: index of the last epoch, ``-1`` to start afresh.
    """

    _get_lr_called_within_step: bool = False
    _is_initial: bool = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", _copy(group["lr"]))
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(_MISSING_INITIAL_LR.format(i=i))
        self.base_lrs: list[Any] = param_groups_val_list(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _mark_optimizer_steps(self)
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        with self._initial_mode():
            self.step()

    @contextmanager
    def _initial_mode(self) -> Iterator[None]:
        self._is_initial = True
        try:
            yield
        finally:
            self._is_initial = False

    @contextmanager
    def _within_step(self) -> Iterator[None]:
        self._get_lr_called_within_step = True
        try:
            yield
        finally:
            self._get_lr_called_within_step = False

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer (``LRScheduler.state_dict``)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore attributes saved by :meth:`state_dict`."""
        self.__dict__.update(state_dict)

    def get_last_lr(self) -> list[Any]:
        """The learning rates of the last step, one per param group."""
        return self._last_lr

    def get_lr(self) -> list[Any]:
        """The next learning rates, chainable form (subclasses implement it)."""
        raise NotImplementedError

    def _warn_if_called_directly(self) -> None:
        if not self._get_lr_called_within_step:
            warnings.warn(
                "To get the last learning rate computed by the scheduler, please use "
                "`get_last_lr()`.",
                UserWarning,
                stacklevel=3,
            )

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or jump to ``epoch``, deprecated) and set the lrs."""
        if self._step_count == 1:
            if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
                warnings.warn(_STEP_OVERRIDDEN, UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(_SCHEDULER_BEFORE_OPTIMIZER, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        with self._within_step():
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        for param_group, lr in zip(self.optimizer.param_groups, values, strict=True):
            update_param_group_val(param_group, "lr", lr)
        self._last_lr: list[Any] = param_groups_val_list(self.optimizer, "lr")
