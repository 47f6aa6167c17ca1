"""``F.scaled_dot_product_attention`` and ``nn.MultiheadAttention`` against PyTorch:
values and gradients of inputs and parameters, masks, shapes, dropout, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from _seq_parity import as_np, check, randn

import functorch_lite as ft
from functorch_lite.nn import MultiheadAttention
from functorch_lite.nn.functional import scaled_dot_product_attention as sdpa

TOL = {"rtol": 1e-5, "atol": 1e-5}
GTOL = {"rtol": 1e-4, "atol": 1e-5}
L, S, E = 4, 6, 8

_rng = np.random.default_rng(0)
BOOL_MASK = _rng.random((L, S)) > 0.3
BOOL_MASK[:, 0] = True  # SDPA: True = may attend; keep every row attendable
FLOAT_MASK = _rng.standard_normal((L, S)).astype(np.float32)


def _sdpa_pair(shapes: list[tuple[int, ...]], **kw: Any) -> None:
    arrays = [randn(*s, seed=i) for i, s in enumerate(shapes)]
    ours = [ft.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    kw_o = {k: ft.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    kw_t = {
        k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()
    }
    out_o = sdpa(*ours, **kw_o)
    out_t = torch.nn.functional.scaled_dot_product_attention(*theirs, **kw_t)
    np.testing.assert_allclose(as_np(out_o), as_np(out_t), **TOL)
    cot = randn(*out_t.shape, seed=9)
    (out_o * ft.tensor(cot)).sum().backward()
    (out_t * torch.tensor(cot)).sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(as_np(a.grad), as_np(b.grad), **GTOL)


SDPA_CASES: list[tuple[str, list[tuple[int, ...]], dict[str, Any]]] = [
    ("plain", [(2, 3, L, E), (2, 3, S, E), (2, 3, S, 5)], {}),
    ("bool_mask", [(2, 3, L, E), (2, 3, S, E), (2, 3, S, E)], {"attn_mask": BOOL_MASK}),
    ("float_mask", [(2, L, E), (2, S, E), (2, S, E)], {"attn_mask": FLOAT_MASK}),
    ("causal_rect", [(2, 3, L, E), (2, 3, S, E), (2, 3, S, E)], {"is_causal": True}),
    ("scale", [(L, E), (S, E), (S, E)], {"scale": 0.3}),
    ("gqa", [(2, 4, L, E), (2, 2, S, E), (2, 2, S, E)], {"enable_gqa": True}),
]


@pytest.mark.parametrize(
    ("name", "shapes", "kw"), SDPA_CASES, ids=[c[0] for c in SDPA_CASES]
)
def test_sdpa_matches_torch(
    name: str, shapes: list[tuple[int, ...]], kw: dict[str, Any]
) -> None:
    _sdpa_pair(shapes, **kw)


def test_sdpa_fully_masked_row_is_zero_like_torch() -> None:
    mask = np.ones((L, S), bool)
    mask[1] = False
    q, k, v = randn(1, L, E), randn(1, S, E, seed=1), randn(1, S, E, seed=2)
    out = sdpa(ft.tensor(q), ft.tensor(k), ft.tensor(v), attn_mask=ft.tensor(mask))
    ref = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(q), torch.tensor(k), torch.tensor(v), attn_mask=torch.tensor(mask)
    )
    np.testing.assert_allclose(as_np(out), ref.numpy(), **TOL)
    assert np.all(as_np(out)[0, 1] == 0)


def test_sdpa_dropout_uses_the_generator() -> None:
    q, k, v = (ft.tensor(randn(2, L, E, seed=i)) for i in range(3))
    ft.manual_seed(1)
    a = as_np(sdpa(q, k, v, dropout_p=0.5))
    ft.manual_seed(1)
    b = as_np(sdpa(q, k, v, dropout_p=0.5))
    c = as_np(sdpa(q, k, v, dropout_p=0.5))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert not np.allclose(a, as_np(sdpa(q, k, v)))


def test_sdpa_errors() -> None:
    q = ft.zeros(L, E)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set"):
        sdpa(q, q, q, attn_mask=ft.ones(L, L), is_causal=True)
    with pytest.raises(RuntimeError, match="do not fit"):
        sdpa(q, ft.zeros(S, E + 1), ft.zeros(S, E))


# (constructor kwargs, query/key/value shapes, forward kwargs)
MHA_CASES: list[tuple[str, dict[str, Any], list[tuple[int, ...]], dict[str, Any]]] = [
    ("plain", {}, [(L, 3, E), (S, 3, E), (S, 3, E)], {}),
    ("bias_kv_zero_attn", {"add_bias_kv": True, "add_zero_attn": True},
     [(L, 3, E), (S, 3, E), (S, 3, E)],
     {"attn_mask": ~BOOL_MASK, "key_padding_mask": np.array([[0, 0, 0, 0, 1, 1]] * 3, bool)}),
    ("kdim_vdim_batch_first", {"kdim": 3, "vdim": 5, "batch_first": True},
     [(3, L, E), (3, S, 3), (3, S, 5)], {"average_attn_weights": False}),
    ("no_bias_float_masks", {"bias": False}, [(L, 2, E), (S, 2, E), (S, 2, E)],
     {"attn_mask": randn(2 * 2, L, S, seed=7), "key_padding_mask": randn(2, S, seed=8)}),
    ("no_weights_causal", {}, [(L, 2, E), (L, 2, E), (L, 2, E)],
     {"attn_mask": np.triu(np.ones((L, L), bool), 1), "need_weights": False,
      "is_causal": True}),
    ("unbatched", {}, [(L, E), (S, E), (S, E)],
     {"key_padding_mask": np.array([0, 1, 0, 0, 0, 1], bool)}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "ctor", "shapes", "kw"), MHA_CASES,
                         ids=[c[0] for c in MHA_CASES])  # fmt: skip
def test_multihead_attention_matches_torch(name: str, ctor: dict[str, Any],
                                           shapes: list[tuple[int, ...]],
                                           kw: dict[str, Any]) -> None:  # fmt: skip
    theirs = torch.nn.MultiheadAttention(E, 2, **ctor).eval()
    ours = MultiheadAttention(E, 2, **ctor).eval()
    inputs = [randn(*s, seed=i) for i, s in enumerate(shapes)]
    out_o, out_t = check(ours, theirs, inputs, kw, fwd_tol=TOL, grad_tol=GTOL)
    assert (out_o[1] is None) == (out_t[1] is None)


def test_self_attention_same_tensor_and_init() -> None:
    theirs = torch.nn.MultiheadAttention(E, 4).eval()
    ours = MultiheadAttention(E, 4).eval()
    assert np.all(as_np(ours.in_proj_bias) == 0) and np.all(
        as_np(ours.out_proj.bias) == 0
    )
    bound = np.sqrt(6 / (E + 3 * E))  # xavier_uniform_ on (3E, E)
    assert np.abs(as_np(ours.in_proj_weight)).max() <= bound
    ours.load_state_dict(theirs.state_dict())
    x = randn(L, 3, E)
    out_o, w_o = ours(*(ft.tensor(x),) * 3)
    out_t, w_t = theirs(*(torch.tensor(x),) * 3)
    np.testing.assert_allclose(as_np(out_o), as_np(out_t), **TOL)
    np.testing.assert_allclose(as_np(w_o), as_np(w_t), **TOL)


def test_multihead_attention_dropout_in_training_only() -> None:
    m = MultiheadAttention(E, 2, dropout=0.5)
    x = ft.tensor(randn(L, 2, E))
    ft.manual_seed(0)
    a = as_np(m(x, x, x)[1])
    assert not np.allclose(a, as_np(m(x, x, x)[1]))
    m.eval()
    w = as_np(m(x, x, x)[1])
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-5)  # plain softmax rows


def test_multihead_attention_errors() -> None:
    m = MultiheadAttention(E, 2)
    x = ft.zeros(L, 2, E)
    with pytest.raises(
        RuntimeError, match="Need attn_mask if specifying the is_causal hint"
    ):
        m(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is \[4, 5\], "
                       r"but should be \[4, 4\]"):  # fmt: skip
        m(x, x, x, attn_mask=ft.zeros(L, 5))
    with pytest.raises(AssertionError, match="expecting key_padding_mask shape of"):
        m(x, x, x, key_padding_mask=ft.zeros(3, L))
    with pytest.raises(
        AssertionError, match="embed_dim must be divisible by num_heads"
    ):
        MultiheadAttention(E, 3)


def test_fully_masked_query_nan_with_weights_zero_without() -> None:
    # PyTorch: the need_weights path is a plain softmax (NaN row); the SDPA path
    # (need_weights=False) uses the safe softmax (zero row, then out_proj's bias).
    theirs = torch.nn.MultiheadAttention(E, 2)
    ours = MultiheadAttention(E, 2)
    ours.load_state_dict(theirs.state_dict())
    x, mask = randn(L, 2, E), np.zeros((L, L), bool)
    mask[1] = True
    for need_weights in (True, False):
        out_o = ours(*(ft.tensor(x),) * 3, attn_mask=ft.tensor(mask),
                     need_weights=need_weights)[0]  # fmt: skip
        out_t = theirs(*(torch.tensor(x),) * 3, attn_mask=torch.tensor(mask),
                       need_weights=need_weights)[0]  # fmt: skip
        np.testing.assert_allclose(as_np(out_o), as_np(out_t), equal_nan=True, **TOL)
        assert np.isnan(as_np(out_o)[1]).all() == need_weights
