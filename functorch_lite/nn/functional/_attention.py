"""Attention functionals: ``scaled_dot_product_attention`` and
``multi_head_attention_forward``.

Each call is one Op: the projections, masking, softmax, dropout and output projection
are a single pure JAX function, so autograd records one node and JAX derives the
backward of the whole attention block.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp

from ... import _random
from ..._ops._dispatch import Op
from ..._tensor import Tensor
from ._base import as_tensor, float_dtype

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_NEG_INF = -jnp.inf


def _safe_softmax(s: Any) -> Any:
    # PyTorch's math SDPA uses `_safe_softmax`: a row whose every score is -inf (all
    # keys masked) gives zeros instead of NaN. The `where` before the softmax also
    # keeps the gradient of such rows finite.
    ok = jnp.any(s > _NEG_INF, axis=-1, keepdims=True)
    p = jax.nn.softmax(jnp.where(ok, s, jnp.zeros_like(s)), axis=-1)
    return jnp.where(ok, p, jnp.zeros_like(p))


def _drop(p: Any, key: Any, rate: float) -> Any:
    keep = jax.random.bernoulli(jax.random.wrap_key_data(key), 1.0 - rate, p.shape)
    return jnp.where(keep, p / jnp.asarray(1.0 - rate, p.dtype), jnp.zeros_like(p))


def _as_bias(mask: Any, dtype: Any, allowed_when_true: bool) -> Any:
    """A boolean or float mask as an additive float bias."""
    if mask.dtype == jnp.bool_:
        blocked = mask if not allowed_when_true else jnp.logical_not(mask)
        return jnp.where(blocked, jnp.asarray(_NEG_INF, dtype), jnp.asarray(0, dtype))
    return mask.astype(dtype)


# ------------------------------------------------------------------------- SDPA
def _sdpa(q, k, v, mask, key, *, scale, is_causal, dropout_p, gqa, dtype):  # type: ignore[no-untyped-def]
    dt = dtype
    q, k, v = q.astype(dt), k.astype(dt), v.astype(dt)
    if gqa:
        rep = q.shape[-3] // k.shape[-3]
        k = jnp.repeat(k, rep, axis=-3)
        v = jnp.repeat(v, rep, axis=-3)
    s = jnp.matmul(q * jnp.asarray(scale, dt), jnp.swapaxes(k, -1, -2))
    n_q, n_k = q.shape[-2], k.shape[-2]
    if is_causal:
        # Top-left aligned like PyTorch: query i sees keys 0..i (tril of an L x S).
        allowed = jnp.tril(jnp.ones((n_q, n_k), jnp.bool_))
        s = jnp.where(allowed, s, jnp.asarray(_NEG_INF, dt))
    if mask is not None:
        s = s + _as_bias(mask, dt, allowed_when_true=True)
    p = _safe_softmax(s)
    if dropout_p > 0.0:
        p = _drop(p, key, dropout_p)
    return jnp.matmul(p, v)


_sdpa_op = Op("scaled_dot_product_attention", _sdpa,
              backward_name="ScaledDotProductAttentionBackward0")  # fmt: skip


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """``F.scaled_dot_product_attention``: ``softmax(Q K^T * scale + bias) V``.

    Follows PyTorch's math reference: a boolean ``attn_mask`` marks with True the
    positions that MAY be attended (the opposite of ``nn.MultiheadAttention``'s
    masks); a float mask is added to the scores; ``is_causal`` applies a top-left
    aligned lower-triangular mask; rows with every key masked give zeros. Dropout
    (``dropout_p``) is always applied when positive, drawing from the default
    generator.

    Shape:
        query ``(..., L, E)``, key ``(..., S, E)``, value ``(..., S, Ev)`` →
        ``(..., L, Ev)``. With ``enable_gqa`` the key/value head dimension (``-3``)
        may divide the query's.
    """
    query, key, value = as_tensor(query), as_tensor(key), as_tensor(value)
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(
            "scaled_dot_product_attention: expected query, key and value to be at "
            f"least 2-D, got {query.dim()}-D, {key.dim()}-D and {value.dim()}-D"
        )
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            "scaled_dot_product_attention: query (..., L, E), key (..., S, E) and "
            "value (..., S, Ev) do not fit: got query "
            f"{list(query.shape)}, key {list(key.shape)}, value {list(value.shape)}"
        )
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True"
        )
    gqa = bool(enable_gqa) and query.dim() >= 3 and key.shape[-3] != query.shape[-3]
    if gqa and query.shape[-3] % key.shape[-3] != 0:
        raise RuntimeError(
            "scaled_dot_product_attention: with enable_gqa=True the number of query "
            f"heads ({query.shape[-3]}) must be a multiple of the number of key/value "
            f"heads ({key.shape[-3]})"
        )
    if attn_mask is not None:
        attn_mask = as_tensor(attn_mask)
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(
            f"dropout probability has to be between 0 and 1, but got {dropout_p}"
        )
    sc = float(scale) if scale is not None else 1.0 / math.sqrt(query.shape[-1])
    dt = float_dtype(query, key, value)
    rng = _random.key_for(None) if dropout_p > 0.0 else None
    return _sdpa_op(query, key, value, attn_mask, rng, scale=sc,
                    is_causal=bool(is_causal), dropout_p=float(dropout_p), gqa=gqa,
                    dtype=dt)  # fmt: skip


# ------------------------------------------------------------------ multi-head
def _mha(query, key, value, w_in, b_in, wq, wk, wv, bias_k, bias_v, w_out, b_out,  # type: ignore[no-untyped-def]
         attn_mask, kpm, static_k, static_v, rng, *, num_heads, add_zero_attn,
         dropout_p, need_weights, average):  # fmt: skip
    n_q, batch, embed = query.shape
    dt = query.dtype
    hd = embed // num_heads
    if w_in is not None:
        wq, wk, wv = w_in[:embed], w_in[embed : 2 * embed], w_in[2 * embed :]
    bq = bk = bv = None
    if b_in is not None:
        bq, bk, bv = b_in[:embed], b_in[embed : 2 * embed], b_in[2 * embed :]

    def proj(x, w, b):  # type: ignore[no-untyped-def]
        y = jnp.matmul(x.astype(dt), w.astype(dt).T)
        return y if b is None else y + b.astype(dt)

    q = proj(query, wq, bq)
    k = proj(key, wk, bk) if static_k is None else None
    v = proj(value, wv, bv) if static_v is None else None
    bias = None
    if attn_mask is not None:
        bias = _as_bias(attn_mask, dt, allowed_when_true=False)
        bias = bias if bias.ndim == 2 else bias.reshape(batch, num_heads, n_q, -1)
    kbias = None
    if kpm is not None:
        kbias = _as_bias(kpm, dt, allowed_when_true=False)[:, None, None, :]

    def pad_masks(b, kb):  # type: ignore[no-untyped-def]
        # One extra key that every query may attend (bias 0), as PyTorch pads.
        if b is not None:
            b = jnp.pad(b, [(0, 0)] * (b.ndim - 1) + [(0, 1)])
        if kb is not None:
            kb = jnp.pad(kb, [(0, 0)] * 3 + [(0, 1)])
        return b, kb

    if bias_k is not None:
        k = jnp.concatenate([k, jnp.broadcast_to(bias_k.astype(dt), (1, batch, embed))])
        v = jnp.concatenate([v, jnp.broadcast_to(bias_v.astype(dt), (1, batch, embed))])
        bias, kbias = pad_masks(bias, kbias)

    def heads(x):  # type: ignore[no-untyped-def]  # (S, N, E) -> (N, H, S, hd)
        return x.reshape(x.shape[0], batch, num_heads, hd).transpose(1, 2, 0, 3)

    qh = heads(q)
    kh = (
        heads(k)
        if static_k is None
        else static_k.astype(dt).reshape(batch, num_heads, -1, hd)
    )
    vh = (
        heads(v)
        if static_v is None
        else static_v.astype(dt).reshape(batch, num_heads, -1, hd)
    )
    if add_zero_attn:
        zeros = jnp.zeros((batch, num_heads, 1, hd), dt)
        kh = jnp.concatenate([kh, zeros], axis=2)
        vh = jnp.concatenate([vh, zeros], axis=2)
        bias, kbias = pad_masks(bias, kbias)
    s = jnp.matmul(qh * jnp.asarray(math.sqrt(1.0 / hd), dt), jnp.swapaxes(kh, -1, -2))
    if bias is not None:
        s = s + bias
    if kbias is not None:
        s = s + kbias
    # PyTorch: the need_weights path is a plain softmax (fully masked rows are NaN);
    # the fast path goes through SDPA's safe softmax (zeros).
    p = jax.nn.softmax(s, axis=-1) if need_weights else _safe_softmax(s)
    if dropout_p > 0.0:
        p = _drop(p, rng, dropout_p)
    o = jnp.matmul(p, vh).transpose(2, 0, 1, 3).reshape(n_q, batch, embed)
    out = proj(o, w_out, b_out)
    if not need_weights:
        return out, jnp.zeros((), dt)
    return out, (jnp.mean(p, axis=1) if average else p)


_mha_op = Op("multi_head_attention", _mha, n_out=2)


def _check_mask_dtype(mask: Tensor | None, name: str) -> None:
    if mask is not None and not (
        mask.dtype.name == "bool" or mask.dtype.is_floating_point
    ):
        raise AssertionError(f"only bool and floating types of {name} are supported")


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """``F.multi_head_attention_forward``: the computation of ``nn.MultiheadAttention``.

    Inputs are sequence-first: query ``(L, N, E)``, key/value ``(S, N, E_k/E_v)`` or
    unbatched ``(L, E)``/``(S, E)``. Boolean masks mark with True the positions NOT
    allowed; float masks are added to the scores. ``attn_mask`` is ``(L, S)`` or
    ``(N * num_heads, L, S)``; ``key_padding_mask`` is ``(N, S)``. ``is_causal`` is
    only a hint: like PyTorch, ``attn_mask`` must then hold the causal mask.

    Returns:
        ``(attn_output (L, N, E), attn_weights (N, L, S) averaged over heads, or
        (N, num_heads, L, S); None when need_weights is False)``.
    """
    query, key, value = as_tensor(query), as_tensor(key), as_tensor(value)
    batched = _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the "
            "Transformer module method `generate_square_subsequent_mask` to create "
            "this mask."
        )
    _check_mask_dtype(key_padding_mask, "key_padding_mask")
    _check_mask_dtype(attn_mask, "attn_mask")
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    n_q, bsz, embed = query.shape
    if embed != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed}"
        )
    if embed % num_heads != 0:
        raise AssertionError(
            f"embed_dim {embed} not divisible by num_heads {num_heads}"
        )
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(
                f"key's sequence and batch dims {tuple(key.shape[:2])} do not match "
                f"value's {tuple(value.shape[:2])}"
            )
        if q_proj_weight is None or k_proj_weight is None or v_proj_weight is None:
            raise AssertionError(
                "use_separate_proj_weight is True but q_proj_weight, k_proj_weight "
                "or v_proj_weight is None"
            )
        w_in = None
    else:
        if key.shape != value.shape:
            raise AssertionError(
                f"key shape {key.shape} does not match value shape {value.shape}"
            )
        if in_proj_weight is None:
            raise AssertionError(
                "use_separate_proj_weight is False but in_proj_weight is None"
            )
        w_in, q_proj_weight, k_proj_weight, v_proj_weight = (
            in_proj_weight,
            None,
            None,
            None,
        )
    n_k = key.shape[0]
    if attn_mask is not None:
        want = (n_q, n_k) if attn_mask.dim() == 2 else (bsz * num_heads, n_q, n_k)
        if attn_mask.dim() not in (2, 3):
            raise RuntimeError(
                f"attn_mask's dimension {attn_mask.dim()} is not supported"
            )
        if tuple(attn_mask.shape) != want:
            raise RuntimeError(
                f"The shape of the {attn_mask.dim()}D attn_mask is "
                f"{list(attn_mask.shape)}, but should be {list(want)}."
            )
    if key_padding_mask is not None and tuple(key_padding_mask.shape) != (bsz, n_k):
        raise AssertionError(
            f"expecting key_padding_mask shape of {(bsz, n_k)}, but got "
            f"{tuple(key_padding_mask.shape)}"
        )
    if (bias_k is None) != (bias_v is None):
        raise AssertionError("bias_k and bias_v must both be given or both be None")
    p = float(dropout_p) if training else 0.0
    rng = _random.key_for(None) if p > 0.0 else None
    out, weights = _mha_op(
        query, key, value, w_in, in_proj_bias, q_proj_weight, k_proj_weight,
        v_proj_weight, bias_k, bias_v, out_proj_weight, out_proj_bias, attn_mask,
        key_padding_mask, static_k, static_v, rng, num_heads=int(num_heads),
        add_zero_attn=bool(add_zero_attn), dropout_p=p,
        need_weights=bool(need_weights), average=bool(average_attn_weights),
    )  # fmt: skip
    if not batched:
        out = out.squeeze(1)
        weights = weights.squeeze(0) if need_weights else weights
    return out, (weights if need_weights else None)


def _shape_check(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | None,
                 attn_mask: Tensor | None, num_heads: int) -> bool:  # fmt: skip
    """PyTorch's ``_mha_shape_check``: whether the inputs are batched."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D but "
                f"found {key.dim()}-D and {value.dim()}-D tensors respectively"
            )
        if kpm is not None and kpm.dim() != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` "
                f"or 2-D but found {kpm.dim()}-D tensor instead"
            )
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or "
                f"3-D but found {attn_mask.dim()}-D tensor instead"
            )
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but "
                f"found {key.dim()}-D and {value.dim()}-D tensors respectively"
            )
        if kpm is not None and kpm.dim() != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` "
                f"or 1-D but found {kpm.dim()}-D tensor instead"
            )
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(
                    "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, "
                    f"2-D or 3-D but found {attn_mask.dim()}-D tensor instead"
                )
            if attn_mask.dim() == 3:
                want = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != want:
                    raise AssertionError(
                        f"Expected `attn_mask` shape to be {want} but got "
                        f"{tuple(attn_mask.shape)}"
                    )
        return False
    raise AssertionError(
        "query should be unbatched 2D or batched 3D tensor but received "
        f"{query.dim()}-D query tensor"
    )
