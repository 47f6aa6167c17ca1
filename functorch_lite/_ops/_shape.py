"""Shape ops (PyTorch's views, joins, splits and reorderings), re-exported in one place.

The implementations live by concept: ``_reshape`` (view ops), ``_join`` (cat/stack/
split...), ``_reorder`` (copying rearrangements: flip/roll/tril/repeat/clone...).
"""

from __future__ import annotations

from ._join import *  # noqa: F403
from ._registry import exported
from ._reorder import *  # noqa: F403
from ._reshape import *  # noqa: F403

__all__ = exported(globals())
