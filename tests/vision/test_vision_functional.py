"""vision.transforms.functional against real PyTorch ops and numpy closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import functorch_lite as ft
from functorch_lite.vision.transforms import functional as F

# float32 kernels vs PyTorch's: same maths, different summation order.
RTOL, ATOL = 1e-5, 1e-5


def _ft(x: np.ndarray) -> ft.Tensor:
    return ft.from_numpy(np.ascontiguousarray(x))


def _np(t: ft.Tensor) -> np.ndarray:
    return np.asarray(t.jax())


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


# ----------------------------------------------------------------------- to_tensor


def test_to_tensor_uint8_hwc_is_chw_scaled(rng):
    x = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    out = F.to_tensor(x)
    ref = torch.from_numpy(x).permute(2, 0, 1).float().div(255)
    assert out.dtype == ft.float32 and tuple(out.shape) == (3, 5, 7)
    np.testing.assert_array_equal(_np(out), ref.numpy())


def test_to_tensor_2d_adds_channel_and_float_is_not_rescaled(rng):
    x = rng.random((4, 6)) * 10  # float64, values > 1 must stay
    out = F.to_tensor(x)
    assert tuple(out.shape) == (1, 4, 6) and out.dtype == ft.float64
    np.testing.assert_array_equal(_np(out)[0], x)


def test_to_tensor_rejects_bad_inputs():
    with pytest.raises(ValueError, match="2/3 dimensional"):
        F.to_tensor(np.zeros((1, 2, 3, 4), np.uint8))
    with pytest.raises(TypeError, match="already a Tensor"):
        F.to_tensor(_ft(np.zeros((1, 2, 2), np.float32)))


# ----------------------------------------------------------------------- normalize


def test_normalize_matches_torch(rng):
    x = rng.random((3, 8, 9), dtype=np.float32)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    ref = (torch.from_numpy(x) - torch.tensor(mean).view(-1, 1, 1)) / torch.tensor(
        std
    ).view(-1, 1, 1)
    out = F.normalize(_ft(x), mean, std)
    assert out.dtype == ft.float32
    np.testing.assert_allclose(_np(out), ref.numpy(), rtol=1e-6, atol=0)


def test_normalize_inplace_rebinds_input(rng):
    x = rng.random((2, 3, 4, 4), dtype=np.float32)  # batched (N, C, H, W)
    t = _ft(x)
    out = F.normalize(t, [0.5, 0.5, 0.5], [2.0, 2.0, 2.0], inplace=True)
    assert out is t
    np.testing.assert_allclose(_np(t), (x - 0.5) / 2.0, rtol=1e-6, atol=0)


def test_normalize_errors():
    with pytest.raises(TypeError, match="ToTensor"):
        F.normalize(np.zeros((3, 2, 2), np.float32), [0.0], [1.0])
    with pytest.raises(TypeError, match="float tensor"):
        F.normalize(_ft(np.zeros((3, 2, 2), np.uint8)), [0.0], [1.0])
    with pytest.raises(ValueError, match="division by zero"):
        F.normalize(_ft(np.zeros((3, 2, 2), np.float32)), [0.0] * 3, [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match=r"\(\.\.\., C, H, W\)"):
        F.normalize(_ft(np.zeros((2, 2), np.float32)), [0.0], [1.0])


# ----------------------------------------------------------------------- flips/pad/crop


def test_flips_numpy_hwc_and_tensor_chw(rng):
    x = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    np.testing.assert_array_equal(F.hflip(x), x[:, ::-1])
    np.testing.assert_array_equal(F.vflip(x), x[::-1])
    c = rng.random((2, 3, 4, 5), dtype=np.float32)
    np.testing.assert_array_equal(_np(F.hflip(_ft(c))), torch.from_numpy(c).flip(-1))
    np.testing.assert_array_equal(_np(F.vflip(_ft(c))), torch.from_numpy(c).flip(-2))


@pytest.mark.parametrize(
    "mode,torch_mode",
    [("constant", "constant"), ("edge", "replicate"), ("reflect", "reflect")],
)
def test_pad_matches_torch(rng, mode, torch_mode):
    x = rng.random((3, 5, 6), dtype=np.float32)
    ltrb = (1, 2, 3, 4)
    # torch's pad order is (left, right, top, bottom)
    ref = TF.pad(torch.from_numpy(x)[None], (1, 3, 2, 4), mode=torch_mode)[0]
    np.testing.assert_array_equal(_np(F.pad(_ft(x), list(ltrb), 0, mode)), ref.numpy())


def test_pad_symmetric_fill_and_negative(rng):
    x = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)  # numpy HWC
    out = F.pad(x, [2, 1], padding_mode="symmetric")  # left/right 2, top/bottom 1
    np.testing.assert_array_equal(out, np.pad(x, ((1, 1), (2, 2), (0, 0)), "symmetric"))
    out = F.pad(x, 1, fill=(10, 20, 30))
    assert out.shape == (6, 7, 3)
    np.testing.assert_array_equal(out[0, 0], [10, 20, 30])
    np.testing.assert_array_equal(out[1:-1, 1:-1], x)
    # negative padding crops, like torchvision's tensor pad
    np.testing.assert_array_equal(
        F.pad(x, [-1, 0, 1, -2]), np.pad(x[:2, 1:], ((0, 0), (0, 1), (0, 0)))
    )
    with pytest.raises(ValueError, match="padding"):
        F.pad(x, [1, 2, 3])
    with pytest.raises(ValueError, match="smaller than the image"):
        F.pad(x, 5, padding_mode="reflect")


def test_crop_and_center_crop(rng):
    x = rng.integers(0, 256, (6, 7), dtype=np.uint8)
    np.testing.assert_array_equal(F.crop(x, 1, 2, 3, 4), x[1:4, 2:6])
    # out of bounds: zero padded (torchvision's tensor crop)
    out = F.crop(x, -1, 5, 3, 4)
    ref = np.zeros((3, 4), np.uint8)
    ref[1:, :2] = x[:2, 5:]
    np.testing.assert_array_equal(out, ref)
    # offsets use Python's round: (7 - 2) / 2 = 2.5 -> 2, (6 - 3) / 2 = 1.5 -> 2
    np.testing.assert_array_equal(F.center_crop(x, (3, 2)), x[2:5, 2:4])
    big = F.center_crop(x, 9)  # larger than the image: zero padding around it
    ref = np.zeros((9, 9), np.uint8)
    ref[1:7, 1:8] = x
    np.testing.assert_array_equal(big, ref)


# ----------------------------------------------------------------------- resize


@pytest.mark.parametrize("size", [(8, 11), (40, 50), (5, 60)])
@pytest.mark.parametrize(
    "mode,antialias",
    [
        ("bilinear", False),
        ("bilinear", True),
        ("bicubic", False),
        ("bicubic", True),
        ("nearest", False),
    ],
)
def test_resize_matches_interpolate(rng, size, mode, antialias):
    x = rng.random((2, 3, 17, 23), dtype=np.float32)
    ref = TF.interpolate(
        torch.from_numpy(x),
        size=size,
        mode=mode,
        align_corners=None if mode == "nearest" else False,
        antialias=antialias,
    )
    out = F.resize(_ft(x), list(size), mode, antialias=antialias)
    assert tuple(out.shape) == tuple(ref.shape)
    np.testing.assert_allclose(_np(out), ref.numpy(), rtol=RTOL, atol=ATOL)


def test_resize_uint8_within_one_of_torch(rng):
    x = rng.integers(0, 256, (3, 30, 20), dtype=np.uint8)
    ref = TF.interpolate(
        torch.from_numpy(x)[None],
        size=(13, 9),
        mode="bilinear",
        align_corners=False,
        antialias=True,
    )[0].numpy()
    out = _np(F.resize(_ft(x), [13, 9]))
    assert out.dtype == np.uint8
    # PyTorch rounds its uint8 fixed-point path slightly differently: at most 1 apart.
    assert np.abs(out.astype(int) - ref.astype(int)).max() <= 1


def test_resize_int_size_matches_shorter_edge_and_numpy_layout(rng):
    x = rng.random((20, 30, 3), dtype=np.float32)  # numpy HWC
    out = F.resize(x, 10)
    assert out.shape == (10, 15, 3)
    chw = _np(F.resize(_ft(np.ascontiguousarray(x.transpose(2, 0, 1))), 10))
    np.testing.assert_allclose(out, chw.transpose(1, 2, 0), rtol=0, atol=0)
    assert F.resize(x, 10, max_size=12).shape == (8, 12, 3)
    assert F.resize(x, [7]).shape == (7, 10, 3)
    with pytest.raises(ValueError, match="max_size"):
        F.resize(x, [5, 5], max_size=12)
    with pytest.raises(ValueError, match="interpolation"):
        F.resize(x, 5, "lanczos")


# ----------------------------------------------------------------------- rotate


def _torch_rotate(img, angle, mode, expand, center, fill):
    """torchvision's tensor rotate, step by step in torch (affine grid + grid_sample)."""
    h, w = img.shape[-2:]
    cx, cy = (
        (0.0, 0.0) if center is None else (center[0] - w * 0.5, center[1] - h * 0.5)
    )
    rot = math.radians(-angle)
    m = [math.cos(rot), math.sin(rot), 0.0, -math.sin(rot), math.cos(rot), 0.0]
    m[2] += m[0] * -cx + m[1] * -cy + cx
    m[5] += m[3] * -cx + m[4] * -cy + cy
    if expand:
        pts = torch.tensor(
            [
                [-0.5 * w, -0.5 * h, 1.0],
                [-0.5 * w, 0.5 * h, 1.0],
                [0.5 * w, 0.5 * h, 1.0],
                [0.5 * w, -0.5 * h, 1.0],
            ]
        )
        new = pts @ torch.tensor(m).view(2, 3).T
        lo, hi = (
            new.min(0).values + torch.tensor([w * 0.5, h * 0.5]),
            new.max(0).values + torch.tensor([w * 0.5, h * 0.5]),
        )
        size = torch.ceil((hi / 1e-4).trunc() * 1e-4) - torch.floor(
            (lo / 1e-4).trunc() * 1e-4
        )
        ow, oh = int(size[0]), int(size[1])
    else:
        ow, oh = w, h
    theta = torch.tensor(m, dtype=torch.float32).view(1, 2, 3)
    base = torch.empty(1, oh, ow, 3)
    base[..., 0].copy_(torch.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, steps=ow))
    base[..., 1].copy_(
        torch.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, steps=oh).unsqueeze(-1)
    )
    base[..., 2].fill_(1)
    grid = base.view(1, oh * ow, 3).bmm(
        theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h])
    )
    grid = grid.view(1, oh, ow, 2)
    t = torch.cat((torch.from_numpy(img)[None], torch.ones(1, 1, h, w)), 1)
    out = TF.grid_sample(t, grid, mode=mode, padding_mode="zeros", align_corners=False)
    mask, out = out[:, -1:].expand_as(out[:, :-1]), out[:, :-1]
    fill_img = torch.full_like(out, float(fill))
    if mode == "nearest":
        out = torch.where(mask < 0.5, fill_img, out)
    else:
        out = out * mask + (1.0 - mask) * fill_img
    return out[0].numpy()


@pytest.mark.parametrize("angle", [33.3, -71.2, 12.5, 180.0])
@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize(
    "expand,center", [(False, None), (True, None), (False, (3, 4))]
)
def test_rotate_matches_torchvision_algorithm(rng, angle, mode, expand, center):
    x = rng.random((3, 17, 23), dtype=np.float32)
    ref = _torch_rotate(x, angle, mode, expand, center, fill=0.25)
    out = _np(F.rotate(_ft(x), angle, mode, expand, center, fill=0.25))
    assert out.shape == ref.shape
    np.testing.assert_allclose(out, ref, rtol=RTOL, atol=ATOL)


def test_rotate_90_is_rot90_and_expand_swaps_sides(rng):
    x = rng.integers(0, 256, (6, 6), dtype=np.uint8)
    np.testing.assert_array_equal(F.rotate(x, 90), np.rot90(x))  # counter-clockwise
    y = rng.integers(0, 256, (4, 6, 2), dtype=np.uint8)  # numpy HWC
    out = F.rotate(y, 90, expand=True)
    assert out.shape == (6, 4, 2)
    np.testing.assert_array_equal(out, np.rot90(y))
    filled = F.rotate(y, 45, fill=[7, 9])
    assert tuple(filled[0, 0]) == (7, 9)  # a corner comes from outside the source


def test_get_dimensions():
    assert F.get_dimensions(np.zeros((4, 5, 3))) == [3, 4, 5]
    assert F.get_dimensions(np.zeros((4, 5))) == [1, 4, 5]
    assert F.get_dimensions(_ft(np.zeros((2, 3, 4, 5), np.float32))) == [3, 4, 5]
    assert F.get_image_size(np.zeros((4, 5))) == [5, 4]
    with pytest.raises(TypeError, match="expected an image"):
        F.get_dimensions([[1, 2]])


def test_requires_grad_tensor_is_refused():
    t = _ft(np.zeros((1, 2, 2), np.float32))
    t.requires_grad_(True)
    with pytest.raises(RuntimeError, match="detach"):
        F.hflip(t)
