"""Every layer against ``torch.nn`` with copied weights: forward, input and parameter
gradients, state-dict keys and repr; BatchNorm running statistics; train/eval."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from _nn_parity import as_np, check_module, randn

import functorch_lite as ft
import functorch_lite.nn as nn

X1 = (2, 3, 10)
X2 = (2, 3, 8, 8)
X3 = (2, 3, 4, 5, 6)

# (class name, args, kwargs, input shapes[, options])
CASES: list[tuple[Any, ...]] = [
    ("Linear", (5, 4), {}, [(3, 5)]),
    ("Linear", (5, 4), {"bias": False}, [(2, 3, 5)]),
    ("Bilinear", (3, 4, 5), {}, [(6, 3), (6, 4)]),
    ("Identity", (), {}, [(2, 3)]),
    ("Conv1d", (3, 4, 3), {}, [X1]),
    (
        "Conv1d",
        (3, 6, 3),
        {"stride": 2, "padding": 2, "dilation": 2, "groups": 3},
        [X1],
    ),
    ("Conv1d", (3, 4, 4), {"padding": "same", "padding_mode": "circular"}, [X1]),
    ("Conv2d", (3, 4, 3), {"padding": 1}, [X2]),
    (
        "Conv2d",
        (3, 4, (3, 2)),
        {"stride": (2, 1), "padding": "valid", "bias": False},
        [X2],
    ),
    ("Conv2d", (3, 4, 3), {"padding": "same", "dilation": 2}, [X2]),
    ("Conv2d", (3, 4, 3), {"padding": 2, "padding_mode": "reflect"}, [X2]),
    ("Conv2d", (3, 4, 3), {"padding": 1, "padding_mode": "replicate"}, [X2]),
    ("Conv2d", (3, 6, 3), {"groups": 3, "padding": (1, 0)}, [X2]),
    ("Conv2d", (3, 4, 3), {}, [(3, 8, 8)]),  # unbatched
    ("Conv3d", (3, 2, 3), {"padding": 1}, [X3]),
    (
        "ConvTranspose1d",
        (3, 4, 3),
        {"stride": 2, "padding": 1, "output_padding": 1},
        [X1],
    ),
    (
        "ConvTranspose2d",
        (3, 4, 3),
        {"stride": 2, "padding": 1, "output_padding": 1},
        [X2],
    ),
    (
        "ConvTranspose2d",
        (3, 6, (2, 3)),
        {"groups": 3, "dilation": 2, "bias": False},
        [X2],
    ),
    ("ConvTranspose3d", (3, 2, 2), {"stride": 2}, [X3]),
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1}, [X1]),
    ("MaxPool2d", (2,), {}, [X2]),
    ("MaxPool2d", (3, 2, 1), {"ceil_mode": True, "dilation": 1}, [(2, 3, 9, 9)]),
    ("MaxPool2d", (2,), {"dilation": 2, "stride": 1}, [X2]),
    ("MaxPool3d", (2,), {}, [X3]),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1}, [X1]),
    (
        "AvgPool2d",
        (3, 2, 1),
        {"ceil_mode": True, "count_include_pad": False},
        [(2, 3, 9, 9)],
    ),
    ("AvgPool2d", (3, 2, 1), {"ceil_mode": True}, [(2, 3, 10, 10)]),
    ("AvgPool2d", (2,), {"divisor_override": 3}, [X2]),
    ("AvgPool3d", (2,), {}, [X3]),
    ("AdaptiveAvgPool1d", (4,), {}, [X1]),
    ("AdaptiveAvgPool2d", ((3, 5),), {}, [(2, 3, 7, 9)]),
    ("AdaptiveAvgPool2d", (1,), {}, [X2]),
    ("AdaptiveMaxPool1d", (4,), {}, [X1]),
    ("AdaptiveMaxPool2d", ((3, 5),), {}, [(2, 3, 7, 9)]),
    ("LPPool2d", (2, 2), {}, [X2]),
    ("BatchNorm1d", (3,), {}, [(6, 3)]),
    ("BatchNorm1d", (3,), {"affine": False}, [X1]),
    ("BatchNorm2d", (3,), {"momentum": None}, [X2]),
    ("BatchNorm2d", (3,), {"track_running_stats": False}, [X2]),
    ("BatchNorm3d", (3,), {}, [X3]),
    ("LayerNorm", (8,), {}, [X2]),
    ("LayerNorm", ((8, 8),), {"bias": False}, [X2]),
    ("LayerNorm", (8,), {"elementwise_affine": False}, [X2]),
    ("GroupNorm", (3, 6), {}, [(2, 6, 4, 4)]),
    ("GroupNorm", (1, 3), {"affine": False}, [X1]),
    ("InstanceNorm1d", (3,), {}, [X1]),
    ("InstanceNorm2d", (3,), {"affine": True}, [X2]),
    ("InstanceNorm2d", (3,), {"track_running_stats": True}, [X2]),
    ("RMSNorm", (8,), {}, [X2]),
    ("RMSNorm", ((8, 8),), {"eps": 1e-3}, [X2]),
    ("LocalResponseNorm", (2,), {}, [X2]),
    ("Flatten", (), {}, [X2]),
    ("Flatten", (0, 2), {}, [X2]),
    ("Unflatten", (1, (2, 4)), {}, [(3, 8)]),
    ("Upsample", (), {"scale_factor": 2, "mode": "nearest"}, [X2]),
    ("Upsample", (), {"size": (5, 11), "mode": "nearest"}, [X2]),
    ("Upsample", (), {"size": (5, 11), "mode": "nearest-exact"}, [X2]),
    ("Upsample", (), {"scale_factor": 2, "mode": "bilinear"}, [X2]),
    (
        "Upsample",
        (),
        {"size": (5, 13), "mode": "bilinear", "align_corners": True},
        [X2],
    ),
    ("Upsample", (), {"scale_factor": 1.5, "mode": "bicubic"}, [X2]),
    ("Upsample", (), {"scale_factor": 2, "mode": "linear"}, [X1]),
    ("Upsample", (), {"scale_factor": 2, "mode": "trilinear"}, [X3]),
    ("UpsamplingBilinear2d", (), {"scale_factor": 2}, [X2]),
    ("PixelShuffle", (2,), {}, [(2, 8, 3, 3)]),
    ("PixelUnshuffle", (2,), {}, [X2]),
    ("ZeroPad2d", (2,), {}, [X2]),
    ("ZeroPad2d", ((1, 0, 2, -1),), {}, [X2]),
    ("ConstantPad1d", (2, 3.5), {}, [X1]),
    ("ConstantPad2d", ((1, 2, 3, 0), -1.0), {}, [X2]),
    ("ReflectionPad1d", (3,), {}, [X1]),
    ("ReflectionPad2d", ((1, 2, 3, 0),), {}, [X2]),
    ("ReplicationPad2d", (2,), {}, [X2]),
    ("CircularPad2d", (2,), {}, [X2]),
    ("PReLU", (), {}, [X2]),
    ("PReLU", (3,), {"init": 0.1}, [X2]),
]


def _ids(case: tuple[Any, ...]) -> str:
    return f"{case[0]}{case[1]}{case[2] or ''}"


def _params(cases: list[tuple[Any, ...]], fast: set[str] | None = None) -> list[Any]:
    """The first configuration of each class runs by default; further configurations
    (and classes outside ``fast``) are marked slow: each case costs a few XLA compiles."""
    seen: set[str] = set()
    out = []
    for c in cases:
        is_fast = c[0] not in seen and (fast is None or c[0] in fast)
        seen.add(c[0])
        marks = () if is_fast else (pytest.mark.slow,)
        out.append(pytest.param(c, id=_ids(c), marks=marks))
    return out


@pytest.mark.parametrize("case", _params(CASES))
def test_layer_matches_torch(case: tuple[Any, ...]) -> None:
    name, args, kwargs, shapes = case[:4]
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    ours = getattr(nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    inputs = [randn(*s, seed=i) for i, s in enumerate(shapes)]
    check_module(ours, theirs, inputs)
    # Train-mode side effects (running stats) match too.
    for (k, a), (k2, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert k == k2
        np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-5, atol=1e-6, err_msg=k)


ACTIVATIONS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("ReLU", (), {}), ("ReLU", (), {"inplace": True}), ("ReLU6", (), {}),
    ("LeakyReLU", (0.2,), {}), ("ELU", (), {"alpha": 0.7}), ("SELU", (), {}),
    ("CELU", (1.5,), {}), ("GELU", (), {}), ("GELU", (), {"approximate": "tanh"}),
    ("SiLU", (), {}), ("Mish", (), {}), ("Softplus", (), {"beta": 2.0, "threshold": 1.0}),
    ("Softsign", (), {}), ("Sigmoid", (), {}), ("Tanh", (), {}), ("Softmax", (1,), {}),
    ("LogSoftmax", (-1,), {}), ("Softmin", (0,), {}), ("Hardtanh", (-0.5, 0.8), {}),
    ("Hardsigmoid", (), {}), ("Hardswish", (), {}), ("LogSigmoid", (), {}),
    ("Threshold", (0.1, 20.0), {}), ("Tanhshrink", (), {}), ("Softshrink", (0.3,), {}),
    ("Hardshrink", (), {}), ("GLU", (), {}), ("GLU", (1,), {}), ("Softmax2d", (), {}),
]  # fmt: skip


_FAST_ACTS = {
    "ReLU",
    "GELU",
    "Softplus",
    "LogSoftmax",
    "Hardtanh",
    "GLU",
    "ELU",
    "Threshold",
}


@pytest.mark.parametrize("case", _params(ACTIVATIONS, _FAST_ACTS))
def test_activation_matches_torch(case: tuple[Any, ...]) -> None:
    name, args, kwargs = case
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    ours = getattr(nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    x = randn(2, 4, 3, 6) * 3
    if kwargs.get("inplace"):
        # In-place on a leaf is an error in both; run through an intermediate.
        xo, xt = ft.tensor(x), torch.tensor(x)
        np.testing.assert_allclose(
            as_np(ours(xo * 1)), as_np(theirs(xt * 1)), rtol=1e-6
        )
        return
    check_module(ours, theirs, [x])


def test_inplace_activation_rebinds_input() -> None:
    x = ft.tensor(np.array([-1.0, 2.0], np.float32))
    out = nn.ReLU(inplace=True)(x)
    np.testing.assert_array_equal(as_np(x), [0.0, 2.0])
    assert out is x


def test_embedding_padding_idx_and_grads() -> None:
    torch.manual_seed(0)
    theirs = torch.nn.Embedding(10, 4, padding_idx=2)
    ours = nn.Embedding(10, 4, padding_idx=2)
    assert repr(ours) == repr(theirs)
    np.testing.assert_array_equal(as_np(ours.weight)[2], 0.0)  # zero-initialised row
    idx = np.array([[1, 2, 3], [2, 2, 9]], np.int64)
    check_module(ours, theirs, [idx])
    np.testing.assert_array_equal(as_np(ours.weight.grad)[2], 0.0)


def test_embedding_max_norm_and_scale_grad_by_freq() -> None:
    torch.manual_seed(0)
    theirs = torch.nn.Embedding(6, 3, max_norm=1.0, scale_grad_by_freq=True)
    ours = nn.Embedding(6, 3, max_norm=1.0, scale_grad_by_freq=True)
    assert repr(ours) == repr(theirs)
    idx = np.array([0, 1, 1, 4], np.int64)
    check_module(ours, theirs, [idx])
    np.testing.assert_allclose(
        as_np(ours.weight), as_np(theirs.weight), rtol=1e-5, atol=1e-6
    )


def test_embedding_from_pretrained() -> None:
    w = randn(4, 3)
    e = nn.Embedding.from_pretrained(ft.tensor(w))
    assert not e.weight.requires_grad
    out = e(ft.tensor(np.array([3, 0])))
    np.testing.assert_array_equal(as_np(out), w[[3, 0]])


def test_batchnorm_running_stats_after_three_steps() -> None:
    for momentum in (0.1, None):
        torch.manual_seed(0)
        theirs = torch.nn.BatchNorm2d(3, momentum=momentum)
        ours = nn.BatchNorm2d(3, momentum=momentum)
        ours.load_state_dict(theirs.state_dict())
        for step in range(3):
            x = randn(4, 3, 5, 5, seed=step) * (step + 1) + step
            ours(ft.tensor(x))
            theirs(torch.tensor(x))
        sd_o, sd_t = ours.state_dict(), theirs.state_dict()
        assert list(sd_o) == ["weight", "bias", "running_mean", "running_var",
                              "num_batches_tracked"]  # fmt: skip
        for k in sd_t:
            np.testing.assert_allclose(
                as_np(sd_o[k]), as_np(sd_t[k]), rtol=1e-5, atol=1e-6
            )
        assert sd_o["num_batches_tracked"].dtype == ft.int64
        # eval: uses running stats
        ours.eval()
        theirs.eval()
        x = randn(2, 3, 5, 5, seed=9)
        np.testing.assert_allclose(as_np(ours(ft.tensor(x))),
                                   as_np(theirs(torch.tensor(x))), rtol=1e-5, atol=1e-5)  # fmt: skip


def test_batchnorm_errors() -> None:
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(ft.tensor(randn(2, 3)))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(3)(ft.tensor(randn(1, 3)))


def test_dropout_train_eval() -> None:
    ft.manual_seed(0)
    d = nn.Dropout(0.5)
    assert repr(d) == repr(torch.nn.Dropout(0.5))
    x = ft.tensor(np.ones((1000,), np.float32))
    y = as_np(d(x))
    assert set(np.unique(y)) <= {0.0, 2.0}
    assert 400 < (y == 0).sum() < 600
    y2 = as_np(d(x))
    assert not np.array_equal(y, y2)  # a fresh mask per call
    d.eval()
    assert d(x) is x
    d2 = nn.Dropout2d(0.5)
    z = as_np(d2(ft.tensor(np.ones((4, 8, 3, 3), np.float32))))
    per_channel = z.reshape(4, 8, -1)
    assert np.all(per_channel.min(-1) == per_channel.max(-1))  # whole channels dropped


def test_dropout_reproducible_with_seed() -> None:
    x = ft.tensor(np.ones((50,), np.float32))
    ft.manual_seed(3)
    a = as_np(nn.functional.dropout(x, 0.3))
    ft.manual_seed(3)
    b = as_np(nn.functional.dropout(x, 0.3))
    np.testing.assert_array_equal(a, b)


def test_maxpool_return_indices() -> None:
    x = randn(2, 3, 9, 9)
    for kw in ({"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1,
                                    "ceil_mode": True}):  # fmt: skip
        vo, io = nn.functional.max_pool2d(ft.tensor(x), return_indices=True, **kw)
        vt, it = torch.nn.functional.max_pool2d(
            torch.tensor(x), return_indices=True, **kw
        )
        np.testing.assert_array_equal(as_np(vo), vt.numpy())
        np.testing.assert_array_equal(as_np(io), it.numpy())
    vo, io = nn.functional.adaptive_max_pool2d(
        ft.tensor(x), (4, 3), return_indices=True
    )
    vt, it = torch.nn.functional.adaptive_max_pool2d(
        torch.tensor(x), (4, 3), return_indices=True
    )
    np.testing.assert_array_equal(as_np(vo), vt.numpy())
    np.testing.assert_array_equal(as_np(io), it.numpy())


def test_conv_transpose_output_size() -> None:
    torch.manual_seed(0)
    theirs = torch.nn.ConvTranspose2d(3, 2, 3, stride=2)
    ours = nn.ConvTranspose2d(3, 2, 3, stride=2)
    ours.load_state_dict(theirs.state_dict())
    x = randn(1, 3, 4, 4)
    a = ours(ft.tensor(x), output_size=(10, 10))
    b = theirs(torch.tensor(x), output_size=(10, 10))
    np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-5, atol=1e-5)


def test_conv_shape_error_names_channels() -> None:
    with pytest.raises(
        RuntimeError, match="expected input\\[2, 4, 8, 8\\] to have 3 channels"
    ):
        nn.Conv2d(3, 4, 3)(ft.tensor(randn(2, 4, 8, 8)))


def test_lazy_linear() -> None:
    m = nn.LazyLinear(4)
    y = m(ft.tensor(randn(2, 7)))
    assert tuple(y.shape) == (2, 4)
    assert type(m) is nn.Linear and tuple(m.weight.shape) == (4, 7)


def test_default_init_bounds() -> None:
    ft.manual_seed(0)
    lin = nn.Linear(100, 50)
    bound = 1 / np.sqrt(100)
    w = as_np(lin.weight)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    conv = nn.Conv2d(4, 8, 3)
    bound = 1 / np.sqrt(4 * 9)
    assert np.abs(as_np(conv.weight)).max() <= bound
    assert np.abs(as_np(conv.bias)).max() <= bound
    emb = as_np(nn.Embedding(200, 50).weight)
    assert abs(emb.std() - 1) < 0.05
