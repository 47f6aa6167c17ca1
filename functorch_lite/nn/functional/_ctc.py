"""``F.ctc_loss``: the CTC forward (alpha) recursion in log space, as one ``lax.scan``.

The extended label sequence interleaves blanks (``_ l1 _ l2 ... _``). ``alpha_t(s)``
sums the three allowed predecessors (stay, step, skip over a blank between distinct
labels). Steps past a sample's input length leave its alphas unchanged. Gradients come
from JAX; log-sum-exp is written so that all ``-inf`` inputs give ``-inf`` with zero
(not NaN) gradient, which ``zero_infinity`` relies on.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ._base import as_tensor

__all__ = ["ctc_loss"]

_NEG = -jnp.inf


def _lse(*xs: Any) -> Any:
    m = xs[0]
    for x in xs[1:]:
        m = jnp.maximum(m, x)
    m_safe = jax.lax.stop_gradient(jnp.where(jnp.isfinite(m), m, 0))
    total = sum(jnp.exp(x - m_safe) for x in xs)
    ok = total > 0
    return jnp.where(ok, m_safe + jnp.log(jnp.where(ok, total, 1)), _NEG)


def _ctc(lp, targets, in_len, tgt_len, *, blank, reduction, zero_infinity):  # type: ignore[no-untyped-def]
    t_max, n, _ = lp.shape
    s = targets.shape[1]
    ext_len = 2 * s + 1
    ext = jnp.full((n, ext_len), blank, targets.dtype).at[:, 1::2].set(targets)
    # Skip transition s-2 -> s allowed when ext[s] is a label different from ext[s-2].
    prev2 = jnp.concatenate([jnp.full((n, 2), blank, ext.dtype), ext[:, :-2]], axis=1)
    can_skip = (ext != blank) & (ext != prev2)
    pos = jnp.arange(ext_len)
    valid = pos[None, :] < (2 * tgt_len[:, None] + 1)

    def emit(t: Any) -> Any:
        return jnp.take_along_axis(lp[t], ext, axis=1)  # (N, 2S+1)

    first = emit(0)
    alpha0 = jnp.where((pos[None, :] < 2) & valid, first, _NEG)

    def step(alpha: Any, t: Any) -> Any:
        a1 = jnp.concatenate([jnp.full((n, 1), _NEG, alpha.dtype), alpha[:, :-1]], 1)
        a2 = jnp.concatenate([jnp.full((n, 2), _NEG, alpha.dtype), alpha[:, :-2]], 1)
        a2 = jnp.where(can_skip, a2, _NEG)
        new = _lse(alpha, a1, a2) + emit(t)
        new = jnp.where(valid, new, _NEG)
        active = (t < in_len)[:, None]
        return jnp.where(active, new, alpha), None

    alpha, _ = jax.lax.scan(step, alpha0, jnp.arange(1, t_max))
    end = 2 * tgt_len
    last = jnp.take_along_axis(alpha, end[:, None], 1)[:, 0]
    before = jnp.take_along_axis(alpha, jnp.maximum(end - 1, 0)[:, None], 1)[:, 0]
    before = jnp.where(tgt_len > 0, before, _NEG)
    loss = -_lse(last, before)
    if zero_infinity:
        loss = jnp.where(jnp.isinf(loss), 0, loss)
    if reduction == "mean":
        return jnp.mean(loss / jnp.maximum(tgt_len, 1).astype(loss.dtype))
    if reduction == "sum":
        return jnp.sum(loss)
    return loss


_ctc_op = Op("ctc_loss", _ctc)


def _lengths(x: Any, n: int, name: str) -> Any:
    if isinstance(x, Tensor):
        return x._data.astype(jnp.int64).reshape(-1)
    arr = np.asarray(x, np.int64).reshape(-1)
    if arr.shape[0] != n:
        raise RuntimeError(f"{name} must be of size batch_size")
    return jnp.asarray(arr)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> Tensor:  # fmt: skip
    """``F.ctc_loss``: Connectionist Temporal Classification loss.

    Args:
        log_probs: ``(T, N, C)`` or ``(T, C)`` log-probabilities (``log_softmax`` output).
        targets: ``(N, S)`` padded labels, or 1-D concatenated labels.
        input_lengths, target_lengths: per-sample lengths (tuples or tensors).
        blank: blank label index.
        reduction: ``'mean'`` divides each loss by its target length, then averages.
        zero_infinity: replace infinite losses (impossible alignments) and their
            gradients by zero.
    """
    log_probs, targets = as_tensor(log_probs), as_tensor(targets)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    unbatched = log_probs.dim() == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs  # type: ignore[attr-defined]
    n = lp.shape[1]
    in_len = _lengths(input_lengths, n, "input_lengths")
    tgt_len = _lengths(target_lengths, n, "target_lengths")
    tg = targets._data.astype(jnp.int64)
    if unbatched and tg.ndim == 1:
        tg = tg[None, :]
    elif tg.ndim == 1:
        # Concatenated targets: split by the (concrete) target lengths and pad.
        lens = np.asarray(tgt_len)
        width = max(int(lens.max()), 1) if lens.size else 1
        flat = np.asarray(tg)
        padded = np.zeros((n, width), np.int64)
        offset = 0
        for i, k in enumerate(lens):
            padded[i, :k] = flat[offset : offset + k]
            offset += int(k)
        tg = jnp.asarray(padded)
    if tg.shape[1] == 0:
        tg = jnp.zeros((n, 1), jnp.int64)
    out = _ctc_op(lp, Tensor(tg), Tensor(in_len), Tensor(tgt_len), blank=int(blank),
                  reduction=reduction, zero_infinity=bool(zero_infinity))  # fmt: skip
    if unbatched and reduction == "none":
        return out.squeeze(0)  # type: ignore[attr-defined]
    return out
