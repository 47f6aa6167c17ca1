"""A dataset for the 'spawn' worker test, in its own module so that a spawned worker
imports only this (and functorch_lite), not the test module with torch."""

from __future__ import annotations

from typing import Any

import numpy as np

import functorch_lite as fl
import functorch_lite.utils.data as fud


class TensorItems(fud.Dataset[Any]):
    """Runs functorch_lite ops in ``__getitem__``: needs a fresh ('spawn') worker."""

    def __len__(self) -> int:
        return 6

    def __getitem__(self, i: int) -> Any:
        return fl.from_numpy(np.full((2,), i, np.float32)) * 2
