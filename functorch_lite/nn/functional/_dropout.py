"""Dropout functionals. Each call draws a fresh key from the default generator, whose
key is state, so dropout inside a compiled step draws new masks every call (§3)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ... import _random
from ..._ops._dispatch import Op
from ..._ops._views import inplace as _rebind_inplace
from ..._tensor import Tensor
from ._base import as_tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]  # fmt: skip


def _dropout(x, key, *, p, feature_dims):  # type: ignore[no-untyped-def]
    # feature_dims: how many leading dims the mask spans (channel-wise dropout keeps
    # whole feature maps); 0 means elementwise.
    shape = (
        x.shape
        if feature_dims == 0
        else x.shape[:feature_dims] + (1,) * (x.ndim - feature_dims)
    )  # noqa: E501
    keep = jax.random.bernoulli(jax.random.wrap_key_data(key), 1.0 - p, shape)
    if p >= 1.0:
        return jnp.zeros_like(x)
    return jnp.where(keep, x / jnp.asarray(1.0 - p, x.dtype), jnp.zeros_like(x))


def _alpha_dropout(x, key, *, p, feature_dims):  # type: ignore[no-untyped-def]
    alpha_p = -1.7580993408473766  # -SELU scale * alpha
    shape = (
        x.shape
        if feature_dims == 0
        else x.shape[:feature_dims] + (1,) * (x.ndim - feature_dims)
    )  # noqa: E501
    keep = jax.random.bernoulli(jax.random.wrap_key_data(key), 1.0 - p, shape)
    a = ((1 - p) * (1 + p * alpha_p**2)) ** -0.5
    b = -a * alpha_p * p
    return (jnp.where(keep, x, jnp.asarray(alpha_p, x.dtype)) * a + b).astype(x.dtype)


_dropout_op = Op("dropout", _dropout, backward_name="NativeDropoutBackward0")
_alpha_op = Op("alpha_dropout", _alpha_dropout)


def _check_p(p: float) -> float:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _run(op: Op, input: Tensor, p: float, training: bool, inplace: bool,
         feature_dims: int) -> Tensor:  # fmt: skip
    input = as_tensor(input)
    p = _check_p(p)
    if not training or p == 0.0:
        return input
    out = op(input, _random.key_for(None), p=p, feature_dims=feature_dims)
    return _rebind_inplace(input, out) if inplace else out


def dropout(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """``F.dropout``: zero elements with probability ``p``, scale the rest by
    ``1/(1-p)``; identity when ``training`` is False."""
    return _run(_dropout_op, input, p, training, inplace, 0)


def _feature_dims(input: Tensor, batched_ndim: int, name: str) -> int:
    nd = input.dim()
    if nd not in (batched_ndim - 1, batched_ndim):
        raise RuntimeError(
            f"{name}: Expected {batched_ndim - 1}D or {batched_ndim}D input, but received a "
            f"{nd}D input."
        )
    return 2 if nd == batched_ndim else 1


def dropout1d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """``F.dropout1d``: zero whole channels of ``(N, C, L)`` / ``(C, L)``."""
    input = as_tensor(input)
    return _run(
        _dropout_op, input, p, training, inplace, _feature_dims(input, 3, "dropout1d")
    )


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """``F.dropout2d``: zero whole channels of ``(N, C, H, W)``."""
    input = as_tensor(input)
    fd = 2 if input.dim() == 4 else 1
    return _run(_dropout_op, input, p, training, inplace, fd)


def dropout3d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """``F.dropout3d``: zero whole channels of ``(N, C, D, H, W)``."""
    input = as_tensor(input)
    return _run(
        _dropout_op, input, p, training, inplace, _feature_dims(input, 5, "dropout3d")
    )


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:  # fmt: skip
    """``F.alpha_dropout``: dropout that keeps SELU's self-normalizing statistics."""
    return _run(_alpha_op, input, p, training, inplace, 0)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:  # fmt: skip
    """``F.feature_alpha_dropout``: alpha dropout of whole channels."""
    return _run(_alpha_op, input, p, training, inplace, 2)
