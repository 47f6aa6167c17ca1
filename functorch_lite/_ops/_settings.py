"""Process-wide settings in the ``torch`` namespace, mapped onto JAX where JAX has the
knob: matmul precision (``jax_default_matmul_precision``), the default device
(``jax_default_device``), anomaly mode (autograd's). The rest are recorded so code
that sets and reads them runs unchanged (threads, determinism, warn-always).
"""

from __future__ import annotations

import os
from typing import Any

import jax

from .._device import device, of_jax_device, to_jax_device
from ..autograd._grad_mode import anomaly
from ._registry import exported, register


class _Settings:
    num_threads = os.cpu_count() or 1
    num_interop_threads = os.cpu_count() or 1
    deterministic = False
    deterministic_warn_only = False
    warn_always = False
    matmul_precision = "highest"
    default_device: device | None = None


SETTINGS = _Settings()


@register(method=False)
def set_num_threads(int: int) -> None:  # noqa: A002 - PyTorch's argument name
    """``torch.set_num_threads``: recorded only. XLA sizes its CPU thread pool when the
    backend starts and it cannot change afterwards (set ``XLA_FLAGS`` before start)."""
    if int < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    SETTINGS.num_threads = int


@register(method=False)
def get_num_threads() -> int:
    """``torch.get_num_threads``: the recorded value (default: the CPU count)."""
    return SETTINGS.num_threads


@register(method=False)
def set_num_interop_threads(int: int) -> None:  # noqa: A002
    """``torch.set_num_interop_threads``: recorded only (see ``set_num_threads``)."""
    SETTINGS.num_interop_threads = int


@register(method=False)
def get_num_interop_threads() -> int:
    """``torch.get_num_interop_threads``: the recorded value."""
    return SETTINGS.num_interop_threads


@register(method=False)
def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """``torch.use_deterministic_algorithms``: recorded. XLA on CPU is already
    deterministic run to run; nothing here switches to a slower algorithm."""
    SETTINGS.deterministic, SETTINGS.deterministic_warn_only = bool(mode), warn_only


@register(method=False)
def are_deterministic_algorithms_enabled() -> bool:
    """``torch.are_deterministic_algorithms_enabled``."""
    return SETTINGS.deterministic


@register(method=False)
def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """``torch.is_deterministic_algorithms_warn_only_enabled``."""
    return SETTINGS.deterministic_warn_only


@register(method=False)
def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """``torch.set_deterministic_debug_mode``: "default"/0, "warn"/1, "error"/2."""
    names = {"default": 0, "warn": 1, "error": 2}
    level = names[debug_mode] if isinstance(debug_mode, str) else int(debug_mode)
    use_deterministic_algorithms(level > 0, warn_only=level == 1)


@register(method=False)
def get_deterministic_debug_mode() -> int:
    """``torch.get_deterministic_debug_mode``: 0, 1 (warn) or 2 (error)."""
    if not SETTINGS.deterministic:
        return 0
    return 1 if SETTINGS.deterministic_warn_only else 2


# PyTorch's names -> JAX's ``default_matmul_precision`` values: "highest" is full
# float32, "high" bf16x3/TF32, "medium" one bfloat16 pass.
_PRECISION = {"highest": "highest", "high": "high", "medium": "bfloat16"}


@register(method=False)
def set_float32_matmul_precision(precision: str) -> None:
    """``torch.set_float32_matmul_precision``: sets JAX's default matmul precision
    (``jax_default_matmul_precision``); XLA on CPU computes float32 either way."""
    if precision not in _PRECISION:
        raise RuntimeError(
            f"Invalid float32 matmul precision: {precision!r} (expected 'highest', "
            "'high' or 'medium')"
        )
    jax.config.update("jax_default_matmul_precision", _PRECISION[precision])
    SETTINGS.matmul_precision = precision


@register(method=False)
def get_float32_matmul_precision() -> str:
    """``torch.get_float32_matmul_precision``."""
    return SETTINGS.matmul_precision


@register(method=False)
def set_default_device(device: Any) -> None:
    """``torch.set_default_device``: new arrays are placed there
    (``jax_default_device``); None restores JAX's default."""
    if device is None:
        jax.config.update("jax_default_device", None)
        SETTINGS.default_device = None
        return
    jd = to_jax_device(device)
    jax.config.update("jax_default_device", jd)
    SETTINGS.default_device = of_jax_device(jd)


@register(method=False)
def get_default_device() -> device:
    """``torch.get_default_device``: the device set by ``set_default_device``, else
    JAX's default device."""
    if SETTINGS.default_device is not None:
        return SETTINGS.default_device
    return of_jax_device(jax.devices()[0])


@register(method=False)
def is_anomaly_enabled() -> bool:
    """``torch.is_anomaly_enabled``: autograd's anomaly mode."""
    return anomaly.enabled


@register(method=False)
def is_anomaly_check_nan_enabled() -> bool:
    """``torch.is_anomaly_check_nan_enabled``."""
    return anomaly.check_nan


@register(method=False)
def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """``torch.set_anomaly_enabled``: switch autograd's anomaly mode on or off."""
    anomaly.enabled, anomaly.check_nan = bool(enabled), bool(check_nan)


@register(method=False)
def set_warn_always(b: bool) -> None:
    """``torch.set_warn_always``: recorded (our warnings use Python's filters)."""
    SETTINGS.warn_always = bool(b)


@register(method=False)
def is_warn_always_enabled() -> bool:
    """``torch.is_warn_always_enabled``."""
    return SETTINGS.warn_always


@register(method=False)
def set_flush_denormal(mode: bool) -> bool:
    """``torch.set_flush_denormal``: False, as on CPUs without the support (XLA
    controls denormal handling itself)."""
    return False


__all__ = exported(globals())
