"""Imports every op module (registering the ops) and collects their public names."""

from __future__ import annotations

from . import (
    _activation,
    _aliases,
    _creation,
    _dtype_info,
    _hooks,
    _index,
    _info,
    _inplace_forms,
    _interop,
    _linalg,
    _linalg_legacy,
    _pointwise,
    _reduce,
    _sampling,
    _settings,
    _shape,
    _sort,
    _special,
    _stats,
    _structure,
    _ternary,
    _windows,
)

MODULES = (
    _pointwise, _ternary, _reduce, _sort, _linalg, _shape, _index, _creation,
    _activation, _aliases, _dtype_info, _info, _inplace_forms, _interop, _linalg_legacy,
    _sampling, _settings, _special, _stats, _structure, _windows,
)  # fmt: skip
_ = _hooks  # registers Tensor.register_post_accumulate_grad_hook
