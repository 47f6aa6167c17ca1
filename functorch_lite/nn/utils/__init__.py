"""``torch.nn.utils``: gradient clipping and parameter/vector conversion.

``nn.utils.rnn`` (packed sequences) is provided by ``functorch_lite.nn.utils.rnn``.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__: list[str] = []


def __getattr__(name: str) -> Any:
    if name == "rnn":  # owned by the sequence-models area; imported lazily
        return importlib.import_module(".rnn", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
