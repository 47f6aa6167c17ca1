"""Every loss module against ``torch.nn`` (forward and input gradient, all reductions),
PyTorch's option semantics (weights, ignore_index, label smoothing, pos_weight,
log_target, batchmean, beta/delta), CTC, and the shape errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from _nn_parity import as_np, check_module, randn

import functorch_lite as ft
import functorch_lite.nn as nn
import functorch_lite.nn.functional as F

N, C = 6, 5
RNG = np.random.default_rng(0)


def _x(*s: int) -> np.ndarray:
    return RNG.standard_normal(s).astype(np.float32)


def _cls(*s: int, c: int = C) -> np.ndarray:
    return RNG.integers(0, c, s).astype(np.int64)


def _sign(*s: int) -> np.ndarray:
    return np.where(RNG.random(s) > 0.5, 1.0, -1.0).astype(np.float32)


def _prob(*s: int) -> np.ndarray:
    return RNG.uniform(0.05, 0.95, s).astype(np.float32)


W = np.linspace(0.5, 2.0, C).astype(np.float32)
# (name, kwargs (np arrays become tensors), inputs builder, grad input indices)
LOSSES: list[
    tuple[str, dict[str, Any], Callable[[], list[np.ndarray]], tuple[int, ...]]
] = [
    ("MSELoss", {}, lambda: [_x(N, C), _x(N, C)], (0, 1)),
    ("L1Loss", {}, lambda: [_x(N, C), _x(N, C)], (0, 1)),
    ("SmoothL1Loss", {"beta": 0.5}, lambda: [_x(N, C), _x(N, C)], (0,)),
    ("HuberLoss", {"delta": 0.7}, lambda: [_x(N, C), _x(N, C)], (0,)),
    ("CrossEntropyLoss", {}, lambda: [_x(N, C), _cls(N)], (0,)),
    (
        "CrossEntropyLoss",
        {"weight": W, "ignore_index": 2},
        lambda: [_x(N, C), _cls(N)],
        (0,),
    ),
    ("CrossEntropyLoss", {"label_smoothing": 0.2}, lambda: [_x(N, C), _cls(N)], (0,)),
    (
        "CrossEntropyLoss",
        {"label_smoothing": 0.1, "weight": W, "ignore_index": 1},
        lambda: [_x(N, C, 3, 2), _cls(N, 3, 2)],
        (0,),
    ),  # fmt: skip
    ("CrossEntropyLoss", {}, lambda: [_x(C), _cls()], (0,)),
    (
        "CrossEntropyLoss",
        {"label_smoothing": 0.3, "weight": W},
        lambda: [_x(N, C), _prob(N, C)],
        (0,),
    ),  # fmt: skip
    ("NLLLoss", {}, lambda: [_x(N, C), _cls(N)], (0,)),
    (
        "NLLLoss",
        {"weight": W, "ignore_index": 0},
        lambda: [_x(N, C, 4), _cls(N, 4)],
        (0,),
    ),
    ("BCELoss", {}, lambda: [_prob(N, 3), _prob(N, 3)], (0,)),
    ("BCELoss", {"weight": _prob(N, 3)}, lambda: [_prob(N, 3), _prob(N, 3)], (0,)),
    (
        "BCEWithLogitsLoss",
        {"pos_weight": np.array([1.0, 2.0, 0.5], np.float32)},
        lambda: [_x(N, 3), _prob(N, 3)],
        (0,),
    ),  # fmt: skip
    (
        "BCEWithLogitsLoss",
        {"weight": _prob(N, 3)},
        lambda: [_x(N, 3) * 10, _prob(N, 3)],
        (0,),
    ),
    ("KLDivLoss", {"reduction": "batchmean"}, lambda: [_x(N, C), _prob(N, C)], (0,)),
    ("KLDivLoss", {"log_target": True}, lambda: [_x(N, C), _x(N, C)], (0,)),
    (
        "CosineEmbeddingLoss",
        {"margin": 0.2},
        lambda: [_x(N, C), _x(N, C), _sign(N)],
        (0, 1),
    ),
    ("MarginRankingLoss", {"margin": 0.1}, lambda: [_x(N), _x(N), _sign(N)], (0, 1)),
    ("TripletMarginLoss", {}, lambda: [_x(N, C), _x(N, C), _x(N, C)], (0, 1, 2)),
    (
        "TripletMarginLoss",
        {"swap": True, "p": 1.0, "margin": 2.0},
        lambda: [_x(N, C), _x(N, C), _x(N, C)],
        (0, 1, 2),
    ),  # fmt: skip
    ("GaussianNLLLoss", {}, lambda: [_x(N, C), _x(N, C), _prob(N, C)], (0, 2)),
    (
        "GaussianNLLLoss",
        {"full": True},
        lambda: [_x(N, C), _x(N, C), _prob(N, 1)],
        (0, 2),
    ),
    ("PoissonNLLLoss", {}, lambda: [_x(N, C), _prob(N, C) * 4], (0,)),
    (
        "PoissonNLLLoss",
        {"log_input": False, "full": True},
        lambda: [_prob(N, C) * 3, _prob(N, C) * 4],
        (0,),
    ),  # fmt: skip
    ("SoftMarginLoss", {}, lambda: [_x(N, C), _sign(N, C)], (0,)),
    (
        "MultiLabelSoftMarginLoss",
        {"weight": W},
        lambda: [_x(N, C), (RNG.random((N, C)) > 0.5).astype(np.float32)],
        (0,),
    ),  # fmt: skip
    ("HingeEmbeddingLoss", {"margin": 0.5}, lambda: [_x(N, C), _sign(N, C)], (0,)),
    (
        "MultiMarginLoss",
        {"p": 2, "margin": 0.5, "weight": W},
        lambda: [_x(N, C), _cls(N)],
        (0,),
    ),
]

_FAST = {0, 4, 5, 7, 9, 12, 14, 16, 22}


def _case_params() -> list[Any]:
    out = []
    for i, case in enumerate(LOSSES):
        for reduction in ("mean", "sum", "none"):
            if case[1].get("reduction") and reduction != "mean":
                continue
            marks = () if i in _FAST and reduction == "mean" else (pytest.mark.slow,)
            kw = ",".join(k for k in case[1])
            out.append(pytest.param(case, reduction, id=f"{case[0]}[{kw}]-{reduction}",
                                    marks=marks))  # fmt: skip
    return out


@pytest.mark.parametrize(("case", "reduction"), _case_params())
def test_loss_matches_torch(case: tuple[Any, ...], reduction: str) -> None:
    name, kwargs, build, grads = case
    kwargs = dict(kwargs)
    kwargs.setdefault("reduction", reduction)
    ours = getattr(nn, name)(**{k: ft.tensor(v) if isinstance(v, np.ndarray) else v
                                for k, v in kwargs.items()})  # fmt: skip
    theirs = getattr(torch.nn, name)(**{k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                                        for k, v in kwargs.items()})  # fmt: skip
    assert repr(ours) == repr(theirs)
    check_module(ours, theirs, build(), grad_inputs=grads, copy_weights=False)


def _ctc_inputs(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[int], list[int]]:
    rng = np.random.default_rng(seed)
    t_len, n, c, s = 12, 3, 6, 4
    logits = rng.standard_normal((t_len, n, c)).astype(np.float32)
    targets = rng.integers(1, c, (n, s)).astype(np.int64)
    targets[0, 1] = targets[0, 0]  # a repeated label needs a blank in between
    return logits, targets, [12, 10, 7], [4, 2, 3]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_ctc_matches_torch(reduction: str) -> None:
    logits, targets, in_len, tgt_len = _ctc_inputs()
    zo = ft.tensor(logits, requires_grad=True)
    zt = torch.tensor(logits, requires_grad=True)
    lo = nn.CTCLoss(reduction=reduction)(F.log_softmax(zo, 2), ft.tensor(targets),
                                         in_len, tgt_len)  # fmt: skip
    lt = torch.nn.CTCLoss(reduction=reduction)(torch.log_softmax(zt, 2), torch.tensor(targets),
                                               in_len, tgt_len)  # fmt: skip
    np.testing.assert_allclose(as_np(lo), as_np(lt), rtol=1e-5, atol=1e-5)
    cot = np.ones(lt.shape, np.float32)
    lo.backward(ft.tensor(cot))
    lt.backward(torch.tensor(cot))
    # PyTorch's CTC gradient w.r.t. log_probs assumes log_softmax inputs; through the
    # logits both agree exactly.
    np.testing.assert_allclose(as_np(zo.grad), as_np(zt.grad), rtol=1e-4, atol=1e-5)


def test_ctc_concatenated_targets_and_zero_infinity() -> None:
    logits, targets, in_len, tgt_len = _ctc_inputs(1)
    flat = np.concatenate([targets[i, :k] for i, k in enumerate(tgt_len)])
    lp = torch.log_softmax(torch.tensor(logits), 2)
    ref = torch.nn.functional.ctc_loss(lp, torch.tensor(flat), in_len, tgt_len)
    ours = F.ctc_loss(ft.tensor(lp.numpy()), ft.tensor(flat), in_len, tgt_len)
    np.testing.assert_allclose(as_np(ours), ref.numpy(), rtol=1e-5)
    # impossible alignment (target longer than input): inf, or 0 with zero_infinity
    bad_in = [2, 10, 7]
    for zi in (False, True):
        r = torch.nn.functional.ctc_loss(lp, torch.tensor(targets), bad_in, tgt_len,
                                         reduction="none", zero_infinity=zi)  # fmt: skip
        o = F.ctc_loss(ft.tensor(lp.numpy()), ft.tensor(targets), bad_in, tgt_len,
                       reduction="none", zero_infinity=zi)  # fmt: skip
        np.testing.assert_allclose(as_np(o), r.numpy(), rtol=1e-5)
    z = ft.tensor(logits, requires_grad=True)
    F.ctc_loss(F.log_softmax(z, 2), ft.tensor(targets), bad_in, tgt_len,
               zero_infinity=True).backward()  # fmt: skip
    assert np.isfinite(as_np(z.grad)).all()


def test_cross_entropy_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"Expected input batch_size \(4\) to match target batch_size \(3\)\.",
    ):  # noqa: E501
        F.cross_entropy(ft.tensor(randn(4, 5)), ft.tensor(np.zeros(3, np.int64)))
    with pytest.raises(IndexError, match="Target 7 is out of bounds."):
        F.cross_entropy(ft.tensor(randn(2, 5)), ft.tensor(np.array([1, 7])))
    with pytest.raises(ValueError, match="different to the input size"):
        F.binary_cross_entropy(ft.tensor(_prob(3, 1)), ft.tensor(_prob(3)))


def test_bce_clamps_log_like_torch() -> None:
    x = np.array([0.0, 1.0, 0.5], np.float32)
    y = np.array([1.0, 0.0, 1.0], np.float32)
    ours = F.binary_cross_entropy(ft.tensor(x), ft.tensor(y), reduction="none")
    ref = torch.nn.functional.binary_cross_entropy(torch.tensor(x), torch.tensor(y),
                                                   reduction="none")  # fmt: skip
    np.testing.assert_allclose(as_np(ours), ref.numpy(), rtol=1e-6)


def test_weighted_mse_matches_torch() -> None:
    x, y, w = _x(4, 3), _x(4, 3), _prob(4, 3)
    for red in ("mean", "sum"):
        a = F.mse_loss(ft.tensor(x), ft.tensor(y), reduction=red, weight=ft.tensor(w))
        b = torch.nn.functional.mse_loss(torch.tensor(x), torch.tensor(y), reduction=red,
                                         weight=torch.tensor(w))  # fmt: skip
        np.testing.assert_allclose(as_np(a), b.numpy(), rtol=1e-6)


def test_legacy_size_average_reduce() -> None:
    x, y = _x(4, 3), _x(4, 3)
    with pytest.warns(UserWarning):
        a = F.mse_loss(ft.tensor(x), ft.tensor(y), size_average=False)
    np.testing.assert_allclose(as_np(a), ((x - y) ** 2).sum(), rtol=1e-5)
