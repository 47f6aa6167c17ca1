"""``nn.init``: statistics and bounds against the closed forms, gains and fans against
``torch.nn.init``, reproducibility under ``manual_seed`` and ``generator=``."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from _nn_parity import as_np

import functorch_lite as ft
import functorch_lite.nn as nn
from functorch_lite.nn import init

SHAPE = (256, 128)  # fan_in 128, fan_out 256; 32768 samples
FAN_IN, FAN_OUT = 128, 256
# Sampling tolerance: the std of a sample std over 32768 draws is ~0.4%; 3% is safe.
REL = 0.03


def _w(shape: tuple[int, ...] = SHAPE) -> ft.Tensor:
    return nn.Parameter(ft.zeros(*shape))


def test_calculate_gain_matches_torch() -> None:
    for nl, p in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                  ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)]:  # fmt: skip
        assert init.calculate_gain(nl, p) == pytest.approx(
            torch.nn.init.calculate_gain(nl, p)
        )
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_fans_match_torch() -> None:
    for shape in [(5, 3), (8, 4, 3, 3), (2, 6, 5)]:
        ours = init._calculate_fan_in_and_fan_out(ft.zeros(*shape))
        assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ft.zeros(3))


def test_uniform_and_normal_statistics() -> None:
    ft.manual_seed(0)
    u = as_np(init.uniform_(_w(), -2.0, 3.0))
    assert u.min() >= -2.0 and u.max() <= 3.0
    assert u.mean() == pytest.approx(0.5, abs=0.05)
    assert u.std() == pytest.approx(5 / math.sqrt(12), rel=REL)
    n = as_np(init.normal_(_w(), 1.0, 0.5))
    assert n.mean() == pytest.approx(1.0, abs=0.02)
    assert n.std() == pytest.approx(0.5, rel=REL)


def test_trunc_normal_bounds() -> None:
    ft.manual_seed(0)
    t = as_np(init.trunc_normal_(_w(), mean=0.0, std=1.0, a=-1.0, b=1.5))
    assert t.min() >= -1.0 and t.max() <= 1.5
    assert t.min() < -0.95 and t.max() > 1.45


def test_xavier_and_kaiming_closed_forms() -> None:
    ft.manual_seed(0)
    a = math.sqrt(6 / (FAN_IN + FAN_OUT))
    x = as_np(init.xavier_uniform_(_w(), gain=2.0))
    assert np.abs(x).max() <= 2 * a and np.abs(x).max() > 0.99 * 2 * a
    assert x.std() == pytest.approx(2 * a / math.sqrt(3), rel=REL)
    xn = as_np(init.xavier_normal_(_w()))
    assert xn.std() == pytest.approx(math.sqrt(2 / (FAN_IN + FAN_OUT)), rel=REL)
    bound = math.sqrt(2) * math.sqrt(3 / FAN_IN)
    k = as_np(init.kaiming_uniform_(_w(), nonlinearity="relu"))
    assert np.abs(k).max() <= bound and k.std() == pytest.approx(
        bound / math.sqrt(3), rel=REL
    )
    kn = as_np(
        init.kaiming_normal_(_w(), a=0.1, mode="fan_out", nonlinearity="leaky_relu")
    )
    assert kn.std() == pytest.approx(
        math.sqrt(2 / (1 + 0.01)) / math.sqrt(FAN_OUT), rel=REL
    )
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(_w(), mode="fan_avg")


def test_constant_eye_dirac_orthogonal() -> None:
    np.testing.assert_array_equal(as_np(init.constant_(_w((2, 3)), 0.5)), 0.5)
    np.testing.assert_array_equal(as_np(init.ones_(_w((2, 3)))), 1.0)
    np.testing.assert_array_equal(as_np(init.zeros_(_w((2, 3)))), 0.0)
    np.testing.assert_array_equal(as_np(init.eye_(_w((3, 4)))), np.eye(3, 4))
    d = nn.Parameter(ft.zeros(4, 2, 3, 3))
    ref = torch.zeros(4, 2, 3, 3)
    np.testing.assert_array_equal(as_np(init.dirac_(d, groups=2)),
                                  torch.nn.init.dirac_(ref, groups=2).numpy())  # fmt: skip
    for shape in [(6, 4), (4, 6), (3, 2, 2)]:
        q = as_np(init.orthogonal_(_w(shape), gain=2.0)).reshape(shape[0], -1)
        gram = q @ q.T if q.shape[0] <= q.shape[1] else q.T @ q
        np.testing.assert_allclose(gram, 4 * np.eye(gram.shape[0]), atol=1e-5)


def test_init_is_in_place_no_grad_and_reproducible() -> None:
    p = _w((4, 4))
    out = init.normal_(p)
    assert out is p and p.requires_grad and p.grad_fn is None
    ft.manual_seed(7)
    a = as_np(init.kaiming_uniform_(_w((4, 4))))
    ft.manual_seed(7)
    b = as_np(init.kaiming_uniform_(_w((4, 4))))
    np.testing.assert_array_equal(a, b)
    g1, g2 = ft.Generator().manual_seed(3), ft.Generator().manual_seed(3)
    np.testing.assert_array_equal(as_np(init.uniform_(_w((3,)), generator=g1)),
                                  as_np(init.uniform_(_w((3,)), generator=g2)))  # fmt: skip
    half = nn.Parameter(ft.zeros(3, 3, dtype=ft.float16))
    assert (
        init.normal_(half).dtype == ft.float16
    )  # drawn then cast to the tensor's dtype
