"""The training step the compile tests run eagerly and compiled (PyTorch's usual step)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import functorch_lite as torch


def train_step(model: Any, opt: Any, crit: Any = None) -> Callable[[Any, Any], Any]:
    """``step(x, y)``: ``zero_grad``, cross-entropy loss, ``backward``, ``step``."""
    crit = crit or torch.nn.CrossEntropyLoss()

    def step(x: Any, y: Any) -> Any:
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step
