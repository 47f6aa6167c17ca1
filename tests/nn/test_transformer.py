"""Transformer layers, stacks and ``nn.Transformer`` against ``torch.nn`` with copied
weights (eval mode): outputs and gradients of inputs and all parameters, masks and key
padding masks, ``norm_first``, activations, state-dict keys, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from _seq_parity import as_np, check, randn

import functorch_lite as ft
import functorch_lite.nn as T
from functorch_lite.nn import GELU

TOL = {"rtol": 1e-4, "atol": 2e-5}  # LayerNorm + attention + FFN chains
D, NH, FF, S, TT, N = 8, 2, 16, 5, 4, 3

CAUSAL_S = np.triu(np.ones((S, S), bool), 1)
CAUSAL_T = np.triu(np.full((TT, TT), -np.inf, np.float32), 1)
KPM_S = np.zeros((N, S), bool)
KPM_S[0, 3:] = True
KPM_T = np.zeros((N, TT), bool)
KPM_T[1, 3:] = True

LAYER_CASES: list[tuple[str, dict[str, Any]]] = [
    ("post_norm_relu", {}),
    (
        "pre_norm_gelu_batch_first",
        {"norm_first": True, "activation": "gelu", "batch_first": True},
    ),  # fmt: skip
    ("no_bias_eps", {"bias": False, "layer_norm_eps": 1e-3}),
]


def _seq(bf: bool, length: int, seed: int = 0) -> np.ndarray:
    return randn(N, length, D, seed=seed) if bf else randn(length, N, D, seed=seed)


@pytest.mark.parametrize(("name", "kw"), LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
def test_encoder_layer_matches_torch(name: str, kw: dict[str, Any]) -> None:
    theirs = torch.nn.TransformerEncoderLayer(D, NH, FF, **kw).eval()
    ours = T.TransformerEncoderLayer(D, NH, FF, **kw).eval()
    x = _seq(kw.get("batch_first", False), S)
    check(ours, theirs, [x], {"src_mask": CAUSAL_S, "src_key_padding_mask": KPM_S},
          fwd_tol=TOL, grad_tol=TOL)  # fmt: skip


@pytest.mark.parametrize(
    ("name", "kw"), LAYER_CASES[:2], ids=[c[0] for c in LAYER_CASES[:2]]
)
def test_decoder_layer_matches_torch(name: str, kw: dict[str, Any]) -> None:
    theirs = torch.nn.TransformerDecoderLayer(D, NH, FF, **kw).eval()
    ours = T.TransformerDecoderLayer(D, NH, FF, **kw).eval()
    bf = kw.get("batch_first", False)
    masks = {"tgt_mask": np.isinf(CAUSAL_T), "tgt_key_padding_mask": KPM_T,
             "memory_key_padding_mask": KPM_S, "tgt_is_causal": True}  # fmt: skip
    check(
        ours,
        theirs,
        [_seq(bf, TT), _seq(bf, S, seed=1)],
        masks,
        fwd_tol=TOL,
        grad_tol=TOL,
    )


def test_encoder_and_decoder_stacks_match_torch() -> None:
    enc_t = torch.nn.TransformerEncoder(
        torch.nn.TransformerEncoderLayer(D, NH, FF, activation=torch.nn.GELU()), 2,
        norm=torch.nn.LayerNorm(D), enable_nested_tensor=False,
    ).eval()  # fmt: skip
    enc_o = T.TransformerEncoder(
        T.TransformerEncoderLayer(D, NH, FF, activation=GELU()),
        2,
        norm=ft.nn.LayerNorm(D),
    ).eval()
    assert enc_o.layers[0].linear1.weight is not enc_o.layers[1].linear1.weight
    check(enc_o, enc_t, [_seq(False, S)], {"mask": CAUSAL_S}, fwd_tol=TOL, grad_tol=TOL)
    dec_t = torch.nn.TransformerDecoder(
        torch.nn.TransformerDecoderLayer(D, NH, FF), 2
    ).eval()
    dec_o = T.TransformerDecoder(T.TransformerDecoderLayer(D, NH, FF), 2).eval()
    check(dec_o, dec_t, [_seq(False, TT), _seq(False, S, seed=1)],
          {"tgt_mask": CAUSAL_T, "memory_key_padding_mask": KPM_S},
          fwd_tol=TOL, grad_tol=TOL)  # fmt: skip


def test_transformer_matches_torch() -> None:
    theirs = torch.nn.Transformer(D, NH, 1, 2, FF, batch_first=True).eval()
    ours = T.Transformer(D, NH, 1, 2, FF, batch_first=True).eval()
    for name, p in ours.named_parameters():
        if p.dim() > 1:  # xavier_uniform_ over every matrix, like PyTorch
            fan_out, fan_in = p.shape[0], int(np.prod(p.shape[1:]))
            assert np.abs(as_np(p)).max() <= np.sqrt(6 / (fan_in + fan_out)), name
    mask = T.Transformer.generate_square_subsequent_mask(TT)
    np.testing.assert_array_equal(
        mask.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(TT).numpy()
    )
    kw = {"tgt_mask": mask.numpy(), "src_key_padding_mask": KPM_S,
          "memory_key_padding_mask": KPM_S}  # fmt: skip
    check(
        ours,
        theirs,
        [_seq(True, S), _seq(True, TT, seed=1)],
        kw,
        fwd_tol=TOL,
        grad_tol=TOL,
    )


def test_dropout_active_in_training() -> None:
    layer = T.TransformerEncoderLayer(D, NH, FF, dropout=0.3)
    x = ft.tensor(_seq(False, S))
    ft.manual_seed(0)
    a = as_np(layer(x))
    ft.manual_seed(0)
    np.testing.assert_array_equal(a, as_np(layer(x)))
    assert not np.allclose(a, as_np(layer(x)))
    layer.eval()
    np.testing.assert_array_equal(as_np(layer(x)), as_np(layer(x)))


def test_repr_and_errors() -> None:
    ours, theirs = (
        T.TransformerDecoderLayer(D, NH, FF),
        torch.nn.TransformerDecoderLayer(D, NH, FF),
    )
    assert repr(ours) == repr(theirs)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        T.TransformerEncoderLayer(D, NH, activation="tanh")
    model = T.Transformer(D, NH, 1, 1, FF)
    with pytest.raises(
        RuntimeError, match="the batch number of src and tgt must be equal"
    ):
        model(ft.zeros(S, 2, D), ft.zeros(TT, 3, D))
    with pytest.raises(
        RuntimeError, match="the feature number of src and tgt must be equal"
    ):
        model(ft.zeros(S, 2, D), ft.zeros(TT, 2, D + 1))
    with pytest.raises(
        RuntimeError, match="Need attn_mask if specifying the is_causal hint"
    ):
        T.TransformerEncoderLayer(D, NH, FF)(ft.zeros(S, 2, D), is_causal=True)
