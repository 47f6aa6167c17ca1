"""``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``: whether ops record.

Usable as context managers and decorators, as in PyTorch. The flag is a module global
(read on every op), not thread-local: functorch_lite records on one thread.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
    "is_grad_enabled", "is_inference_mode_enabled",
]  # fmt: skip

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    enabled = True
    inference = False


state = _State()


def is_grad_enabled() -> bool:
    return state.enabled


def is_inference_mode_enabled() -> bool:
    return state.inference


class _GradModeContext:
    """A context manager that is also a decorator (like ``torch.no_grad``)."""

    _target: bool = True

    def __init__(self) -> None:
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(state.enabled)
        state.enabled = self._target

    def __exit__(self, *exc: Any) -> None:
        state.enabled = self._prev.pop()

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):  # noqa: N801
    """``torch.no_grad``: ops inside do not record history."""

    _target = False


class enable_grad(_GradModeContext):  # noqa: N801
    """``torch.enable_grad``: re-enables recording inside ``no_grad``."""

    _target = True


class set_grad_enabled(_GradModeContext):  # noqa: N801
    """``torch.set_grad_enabled(mode)``: sets recording on call, restorable as a context."""

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self._target = bool(mode)
        self._entered_prev = state.enabled
        state.enabled = self._target  # takes effect immediately, like PyTorch

    def __enter__(self) -> None:
        self._prev.append(self._entered_prev)

    def __call__(self, fn: F) -> F:
        state.enabled = self._entered_prev
        mode = self._target

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class inference_mode(_GradModeContext):  # noqa: N801
    """``torch.inference_mode(mode=True)``: ``no_grad`` that also marks inference."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self._target = not mode
        self._mode = mode
        self._prev_inf: list[bool] = []

    def __enter__(self) -> None:
        super().__enter__()
        self._prev_inf.append(state.inference)
        state.inference = self._mode

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        state.inference = self._prev_inf.pop()

    def __call__(self, fn: F) -> F:
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class _Anomaly:
    enabled = False
    check_nan = True


anomaly = _Anomaly()


class set_detect_anomaly:  # noqa: N801
    """``torch.autograd.set_detect_anomaly(mode, check_nan=True)``.

    While on, backward runs op by op and raises at the first op whose gradient holds
    NaN, naming the forward op, as PyTorch's anomaly mode does.
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (anomaly.enabled, anomaly.check_nan)
        anomaly.enabled, anomaly.check_nan = mode, check_nan

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        anomaly.enabled, anomaly.check_nan = self._prev


class detect_anomaly(set_detect_anomaly):  # noqa: N801
    """``torch.autograd.detect_anomaly``: a context that turns anomaly detection on."""

    def __init__(self, check_nan: bool = True) -> None:
        super().__init__(True, check_nan)


def is_anomaly_enabled() -> bool:
    return anomaly.enabled
