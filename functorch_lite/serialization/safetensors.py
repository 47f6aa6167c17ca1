"""``safetensors.torch``'s API for functorch_lite Tensors, in pure Python."""

from ._safetensors import (
    SafetensorError,
    load,
    load_file,
    safe_open,
    save,
    save_file,
)

__all__ = ["SafetensorError", "load", "load_file", "safe_open", "save", "save_file"]
