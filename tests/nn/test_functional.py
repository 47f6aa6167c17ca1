"""``nn.functional`` against ``torch.nn.functional`` for the functionals without a
module of their own (and option paths the layer table does not reach), plus
``nn.utils`` (gradient clipping, parameter vectors)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from _nn_parity import as_np, randn

import functorch_lite as ft
import functorch_lite.nn as nn
import functorch_lite.nn.functional as F

TOL = {"rtol": 1e-5, "atol": 1e-5}


def _both(fn_ours: Any, fn_theirs: Any, *arrays: np.ndarray, grad: bool = False,
          **kwargs: Any) -> None:  # fmt: skip
    """Compare ``fn(*arrays, **kwargs)`` (and optionally input gradients)."""
    xo = [ft.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    xt = [torch.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    yo, yt = fn_ours(*xo, **kwargs), fn_theirs(*xt, **kwargs)
    assert tuple(yo.shape) == tuple(yt.shape)
    np.testing.assert_allclose(as_np(yo), as_np(yt), **TOL)
    if grad:
        cot = (
            np.random.default_rng(1).standard_normal(tuple(yt.shape)).astype(np.float32)
        )
        yo.backward(ft.tensor(cot))
        yt.backward(torch.tensor(cot))
        for a, b in zip(xo, xt):
            if b.requires_grad:
                np.testing.assert_allclose(
                    as_np(a.grad), as_np(b.grad), rtol=1e-4, atol=1e-4
                )


def test_one_hot() -> None:
    idx = np.array([[0, 3], [2, 1]], np.int64)
    a = F.one_hot(ft.tensor(idx))
    b = TF.one_hot(torch.tensor(idx))
    assert a.dtype == ft.int64
    np.testing.assert_array_equal(as_np(a), b.numpy())
    np.testing.assert_array_equal(as_np(F.one_hot(ft.tensor(idx), 6)),
                                  TF.one_hot(torch.tensor(idx), 6).numpy())  # fmt: skip
    with pytest.raises(
        RuntimeError, match="Class values must be smaller than num_classes"
    ):
        F.one_hot(ft.tensor(idx), 3)


@pytest.mark.parametrize(("pad", "mode", "value"), [
    ((1, 2), "constant", 0.5), ((1, -1, 0, 2), "constant", None), ((2, 1, 1, 0), "reflect", None),
    ((2, 3, 1, 1), "replicate", None), ((3, 1, 2, 2), "circular", None),
    ((-1, 2, 1, -1), "circular", None), ((1, 1, 1, 1, 1, 1), "constant", 2.0),
])  # fmt: skip
def test_pad(pad: tuple[int, ...], mode: str, value: float | None) -> None:
    kw = {"mode": mode} if value is None else {"mode": mode, "value": value}
    _both(
        lambda x: F.pad(x, pad, **kw), lambda x: TF.pad(x, pad, **kw), randn(2, 3, 5, 6)
    )


@pytest.mark.parametrize("kw", [
    {"scale_factor": 2.0, "mode": "nearest"}, {"size": (7, 3), "mode": "nearest"},
    {"scale_factor": 0.5, "mode": "bilinear"}, {"size": (9, 4), "mode": "bilinear",
                                                 "align_corners": True},
    {"size": (5, 5), "mode": "bicubic", "align_corners": True},
    {"size": (3, 4), "mode": "area"}, {"scale_factor": (1.5, 2.5), "mode": "bilinear"},
])  # fmt: skip
def test_interpolate(kw: dict[str, Any]) -> None:
    _both(
        lambda x: F.interpolate(x, **kw),
        lambda x: TF.interpolate(x, **kw),
        randn(2, 3, 6, 8),
    )


def test_interpolate_errors() -> None:
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(ft.tensor(randn(1, 1, 4, 4)), scale_factor=2, align_corners=True)


def test_distances_and_normalize() -> None:
    a, b = randn(5, 7, seed=1), randn(5, 7, seed=2)
    _both(F.normalize, TF.normalize, a, grad=True)
    _both(
        lambda x: F.normalize(x, p=1.0, dim=0),
        lambda x: TF.normalize(x, p=1.0, dim=0),
        a,
    )
    _both(F.cosine_similarity, TF.cosine_similarity, a, b, grad=True)
    _both(lambda x, y: F.cosine_similarity(x, y, dim=0),
          lambda x, y: TF.cosine_similarity(x, y, dim=0), a, b)  # fmt: skip
    _both(F.pairwise_distance, TF.pairwise_distance, a, b, grad=True)
    _both(lambda x, y: F.pairwise_distance(x, y, p=1.0, keepdim=True),
          lambda x, y: TF.pairwise_distance(x, y, p=1.0, keepdim=True), a, b)  # fmt: skip
    _both(F.pdist, TF.pdist, a)


def test_unfold_fold() -> None:
    x = randn(2, 3, 7, 6)
    kw = {"kernel_size": (3, 2), "dilation": (1, 2), "padding": 1, "stride": (2, 1)}
    _both(lambda t: F.unfold(t, **kw), lambda t: TF.unfold(t, **kw), x, grad=True)
    cols = as_np(TF.unfold(torch.tensor(x), **kw))
    _both(
        lambda t: F.fold(t, (7, 6), **kw),
        lambda t: TF.fold(t, (7, 6), **kw),
        cols,
        grad=True,
    )


def test_softmax_family_and_dtype() -> None:
    x = randn(3, 4, 5)
    for fo, ft_ in [(F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax),
                    (F.softmin, TF.softmin)]:  # fmt: skip
        _both(lambda t, f=fo: f(t, dim=-1), lambda t, f=ft_: f(t, dim=-1), x)
    y = F.softmax(ft.tensor(x), dim=1, dtype=ft.float64)
    assert y.dtype == ft.float64
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        F.softmax(ft.tensor(x))


def test_functional_dropout_flags() -> None:
    x = ft.tensor(np.ones((100,), np.float32))
    assert F.dropout(x, 0.5, training=False) is x
    assert np.all(as_np(F.dropout(x, 1.0)) == 0)
    with pytest.raises(
        ValueError, match="dropout probability has to be between 0 and 1"
    ):
        F.dropout(x, 1.5)


def test_embedding_and_bag() -> None:
    w = randn(10, 4)
    idx = np.array([[1, 2, 4], [4, 3, 9]], np.int64)
    _both(lambda i, ww: F.embedding(i, ww), lambda i, ww: TF.embedding(i, ww), idx, w)
    for mode in ("sum", "mean", "max"):
        _both(lambda i, ww, m=mode: F.embedding_bag(i, ww, mode=m),
              lambda i, ww, m=mode: TF.embedding_bag(i, ww, mode=m), idx, w)  # fmt: skip
    flat, offsets = np.array([1, 2, 4, 4, 3], np.int64), np.array([0, 2], np.int64)
    _both(lambda i, o, ww: F.embedding_bag(i, ww, o), lambda i, o, ww: TF.embedding_bag(i, ww, o),
          flat, offsets, w)  # fmt: skip


def test_linear_shape_error_text() -> None:
    with pytest.raises(RuntimeError) as ours:
        F.linear(ft.tensor(randn(4, 3)), ft.tensor(randn(5, 2)))
    with pytest.raises(RuntimeError) as theirs:
        TF.linear(torch.tensor(randn(4, 3)), torch.tensor(randn(5, 2)))
    assert str(ours.value) == str(theirs.value)


def test_gelu_relu_activations_grad() -> None:
    x = randn(4, 6) * 3
    _both(lambda t: F.gelu(t, approximate="tanh"), lambda t: TF.gelu(t, approximate="tanh"),
          x, grad=True)  # fmt: skip
    _both(F.silu, TF.silu, x, grad=True)
    _both(lambda t: F.rrelu(t), lambda t: TF.rrelu(t), x)  # eval mode: fixed slope


def _grads(lib: Any, clip: Any) -> tuple[Any, list[np.ndarray]]:
    mods = lib.nn.Linear(4, 3)
    mods.load_state_dict({"weight": np.arange(12, dtype=np.float32).reshape(3, 4) / 7,
                          "bias": np.ones(3, np.float32)}
                         if lib is ft else {"weight": torch.arange(12.0).reshape(3, 4) / 7,
                                            "bias": torch.ones(3)})  # fmt: skip
    x = lib.tensor(randn(5, 4))
    mods(x).backward(lib.tensor(np.full((5, 3), 2.0, np.float32)))
    out = clip(mods.parameters())
    return out, [as_np(p.grad) for p in mods.parameters()]


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_torch(norm_type: float) -> None:
    to, go = _grads(ft, lambda ps: nn.utils.clip_grad_norm_(ps, 1.5, norm_type))
    tt, gt = _grads(
        torch, lambda ps: torch.nn.utils.clip_grad_norm_(ps, 1.5, norm_type)
    )
    np.testing.assert_allclose(as_np(to), tt.numpy(), rtol=1e-5)
    for a, b in zip(go, gt):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_clip_grad_value_and_nonfinite() -> None:
    _, go = _grads(ft, lambda ps: nn.utils.clip_grad_value_(ps, 0.5))
    _, gt = _grads(torch, lambda ps: torch.nn.utils.clip_grad_value_(ps, 0.5))
    for a, b in zip(go, gt):
        np.testing.assert_allclose(a, b)
    p = nn.Parameter(ft.ones(2))
    p.grad = ft.tensor(np.array([np.inf, 1.0], np.float32))
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_parameters_vector_round_trip() -> None:
    m = nn.Linear(3, 2)
    v = nn.utils.parameters_to_vector(m.parameters())
    assert tuple(v.shape) == (8,)
    np.testing.assert_array_equal(as_np(v)[:6], as_np(m.weight).reshape(-1))
    w = m.weight
    nn.utils.vector_to_parameters(
        ft.tensor(np.arange(8, dtype=np.float32)), m.parameters()
    )
    assert m.weight is w
    np.testing.assert_array_equal(as_np(m.bias), [6.0, 7.0])
