"""``torch.nn.utils``: gradient clipping and parameter/vector conversion.

``nn.utils.rnn`` (packed sequences) belongs to the sequence-models area and is imported
lazily on first access.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._clip_grad import clip_grad_norm as clip_grad_norm
from ._clip_grad import clip_grad_norm_ as clip_grad_norm_
from ._clip_grad import clip_grad_value_ as clip_grad_value_
from ._clip_grad import clip_grads_with_norm_ as clip_grads_with_norm_
from ._clip_grad import get_total_norm as get_total_norm
from ._convert_parameters import parameters_to_vector as parameters_to_vector
from ._convert_parameters import vector_to_parameters as vector_to_parameters

__all__ = [
    "clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_",
    "get_total_norm", "parameters_to_vector", "vector_to_parameters",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name == "rnn":
        return importlib.import_module(".rnn", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
