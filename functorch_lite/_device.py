"""PyTorch device strings mapped onto JAX devices (``torch.device``, ``torch.cuda``).

``'cpu'`` is JAX's first CPU device (``'cpu:N'`` reaches the N-th one when XLA is told to
simulate several, e.g. ``XLA_FLAGS=--xla_force_host_platform_device_count=4``);
``'cuda'``/``'cuda:N'`` are JAX's GPU devices. Asking for a GPU that is not there raises.
"""

from __future__ import annotations

import functools
from typing import Any

import jax

__all__ = ["device", "is_available", "device_count"]

NO_GPU = (
    "device {name!r} was requested but JAX sees no GPU on this machine "
    "(available: {available}). Install a CUDA-enabled jaxlib or use 'cpu'; "
    "check functorch_lite.cuda.is_available() first."
)


class device:  # noqa: N801 - PyTorch's name
    """``torch.device``: a type (``'cpu'`` or ``'cuda'``) and an optional index."""

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            type, index = "cuda", type
        name = str(type)
        if ":" in name:
            name, _, idx = name.partition(":")
            if index is not None:
                raise ValueError(f"device string {type!r} already has an index")
            index = int(idx)
        if name not in ("cpu", "cuda", "gpu"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {type}"
            )
        self.type = "cuda" if name == "gpu" else name
        self.index = index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return (
            isinstance(other, device)
            and self.type == other.type
            and self.index == other.index
        )

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        suffix = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{suffix})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


@functools.cache
def _devices(kind: str) -> tuple[Any, ...]:
    platform = "cpu" if kind == "cpu" else "gpu"
    try:
        return tuple(jax.devices(platform))
    except RuntimeError:
        return ()


def to_jax_device(d: Any) -> Any:
    """The ``jax.Device`` for a device spec; raises a clear error if it does not exist."""
    d = device(d)
    devs = _devices(d.type)
    index = d.index or 0
    if index >= len(devs):
        available = ", ".join(str(of_jax_device(x)) for x in jax.devices()) or "none"
        raise RuntimeError(NO_GPU.format(name=str(d), available=available))
    return devs[index]


def of_jax_device(jd: Any) -> device:
    """The PyTorch-style device of a ``jax.Device`` (CPU 0 prints as plain ``'cpu'``)."""
    if jd.platform == "cpu":
        idx = _devices("cpu").index(jd) if jd in _devices("cpu") else jd.id
        return device("cpu", idx if idx else None)
    return device(
        "cuda", _devices("cuda").index(jd) if jd in _devices("cuda") else jd.id
    )


def is_available() -> bool:
    """``torch.cuda.is_available``: whether JAX sees a GPU."""
    return len(_devices("cuda")) > 0


def device_count() -> int:
    """``torch.cuda.device_count``: the number of GPUs JAX sees."""
    return len(_devices("cuda"))


def current_device() -> int:
    if not is_available():
        raise RuntimeError(
            "Torch not compiled with CUDA enabled: no GPU is visible to JAX"
        )
    return 0
