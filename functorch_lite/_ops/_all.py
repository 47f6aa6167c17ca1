"""Imports every op module (registering the ops) and collects their public names."""

from __future__ import annotations

from . import (
    _creation,
    _index,
    _linalg,
    _pointwise,
    _reduce,
    _shape,
    _sort,
    _ternary,
)

MODULES = (_pointwise, _ternary, _reduce, _sort, _linalg, _shape, _index, _creation)
