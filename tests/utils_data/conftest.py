"""Shared helpers for the ``utils.data`` tests: a hard per-test deadline and parity checks.

Worker tests start processes; a bug there shows up as a hang, so every test in this
directory fails (instead of hanging the suite) after ``DEADLINE_S`` seconds.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch

import functorch_lite as fl

DEADLINE_S = 60


@pytest.fixture(autouse=True)
def _deadline() -> Iterator[None]:
    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"test exceeded its {DEADLINE_S} s deadline (hung?)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(DEADLINE_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_same_structure(ours: Any, theirs: Any) -> None:
    """Ours (functorch_lite) and theirs (torch) match: containers, dtypes, values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, fl.Tensor), f"expected a Tensor, got {type(ours)}"
        assert ours.dtype.name == str(theirs.dtype).removeprefix("torch."), (
            ours.dtype,
            theirs.dtype,
        )
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        return
    assert type(ours) is type(theirs), (type(ours), type(theirs))
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs)
        for k in theirs:
            assert_same_structure(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same_structure(a, b)
    else:
        assert ours == theirs


def to_torch(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x))


def to_ours(x: np.ndarray) -> fl.Tensor:
    return fl.from_numpy(np.asarray(x, order="C"))


def generator(seed: int) -> Any:
    """A seeded functorch_lite Generator."""
    return fl.Generator().manual_seed(seed)
