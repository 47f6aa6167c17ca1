"""Function forms of in-place ops in the ``torch`` namespace: ``torch.exp_(x)`` is
``x.exp_()``, and so on for the names PyTorch exposes there.

Each forwards to the Tensor method, so the one in-place implementation (compute out of
place, rebind, bump the version: ``_views.inplace``) is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
from ._registry import exported, register

# The in-place functions ``torch`` has at top level (PyTorch 2.x) whose method we have.
_NAMES = (
    "abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_",
    "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_",
    "clamp_min_", "clip_", "conj_physical_", "cos_", "cosh_", "deg2rad_", "detach_", "erf_", "erfc_",
    "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_", "gcd_", "i0_",
    "index_put_", "lcm_", "ldexp_", "log10_", "log1p_", "log2_", "log_", "logit_",
    "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "relu_", "resize_as_", "round_", "rsqrt_",
    "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_",
    "xlogy_", "zero_", "addmv_",
)  # fmt: skip


def _forward(name: str) -> Callable[..., Tensor]:
    def f(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return getattr(input, name)(*args, **kwargs)  # type: ignore[no-any-return]

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``torch.{name}(input, ...)``: ``input.{name}(...)``."
    return f


for _name in _NAMES:
    globals()[_name] = register(_forward(_name), method=False)


@register(method=False)
def detach(input: Tensor) -> Tensor:
    """``torch.detach``: ``input.detach()``."""
    return input.detach()


__all__ = exported(globals())
