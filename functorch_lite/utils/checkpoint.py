"""``torch.utils.checkpoint``: a public re-export of ``transforms.checkpoint``.

A namespace that only re-exports (ARCHITECTURE §7), so it may name the transforms layer.
"""

from ..transforms._checkpoint import checkpoint as checkpoint

__all__ = ["checkpoint"]
