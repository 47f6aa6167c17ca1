"""Imports every op module (registering the ops) and collects their public names."""

from __future__ import annotations

from . import (
    _activation,
    _creation,
    _hooks,
    _index,
    _info,
    _inplace_forms,
    _linalg,
    _pointwise,
    _reduce,
    _settings,
    _shape,
    _sort,
    _special,
    _stats,
    _structure,
    _ternary,
)

MODULES = (
    _pointwise,
    _ternary,
    _reduce,
    _sort,
    _linalg,
    _shape,
    _index,
    _creation,
    _activation,
    _special,
    _info,
    _stats,
    _structure,
    _settings,
    _inplace_forms,
)
_ = _hooks  # registers Tensor.register_post_accumulate_grad_hook
