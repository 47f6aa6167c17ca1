"""``torch.compiler``: ``disable`` marks a helper to run eagerly inside compiled code."""

from .transforms._disable import disable as disable

__all__ = ["disable", "is_compiling"]


def is_compiling() -> bool:
    """``torch.compiler.is_compiling``: whether a compile transform is tracing now."""
    from . import _tensor
    from .transforms._state import Recorder

    obs = _tensor.observer
    return isinstance(obs, Recorder) and obs.known is not None
