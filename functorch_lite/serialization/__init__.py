"""Checkpoints: PyTorch's ``.pt`` files and safetensors, read and written without torch.

``save``/``load`` mirror ``torch.save``/``torch.load(weights_only=True)`` and are
file-compatible with them in both directions; ``safetensors`` mirrors the
``safetensors.torch`` API in pure Python.
"""

from . import safetensors as safetensors
from ._checkpoint import load as load
from ._checkpoint import save as save
from ._errors import CheckpointError as CheckpointError

__all__ = ["CheckpointError", "load", "safetensors", "save"]
