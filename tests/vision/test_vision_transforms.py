"""vision.transforms classes: semantics, seeding, reprs, DataLoader-worker mode."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import functorch_lite as ft
from functorch_lite.vision import _bridge
from functorch_lite.vision import transforms as T
from functorch_lite.vision.transforms import _random as aug_random

manual_seed = ft.manual_seed


def _ft(x: np.ndarray) -> ft.Tensor:
    return ft.from_numpy(np.ascontiguousarray(x))


def _np(t: ft.Tensor) -> np.ndarray:
    return np.asarray(t.jax())


@pytest.fixture
def img() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (10, 12, 3), dtype=np.uint8)


def test_compose_totensor_normalize_matches_torch(img):
    mean, std = (0.1, 0.2, 0.3), (0.5, 0.6, 0.7)
    pipeline = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
    out = pipeline(img)
    x = torch.from_numpy(img).permute(2, 0, 1).float().div(255)
    ref = (x - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]
    assert tuple(out.shape) == (3, 10, 12)
    np.testing.assert_allclose(_np(out), ref.numpy(), rtol=1e-6, atol=0)


def test_flip_probabilities(img):
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(img), img[:, ::-1])
    np.testing.assert_array_equal(T.RandomVerticalFlip(p=1.0)(img), img[::-1])
    assert T.RandomHorizontalFlip(p=0.0)(img) is img
    manual_seed(0)
    flips = [T.RandomHorizontalFlip()(img)[0, 0, 0] != img[0, 0, 0] for _ in range(60)]
    assert 10 < sum(flips) < 50  # both outcomes happen at p=0.5
    with pytest.raises(ValueError, match="probability"):
        T.RandomVerticalFlip(p=1.5)


def _windows(padded: np.ndarray, size: int) -> list[np.ndarray]:
    h, w = padded.shape[:2]
    return [
        padded[i : i + size, j : j + size]
        for i in range(h - size + 1)
        for j in range(w - size + 1)
    ]


def test_random_crop_is_a_window_of_the_padded_image(img):
    manual_seed(1)
    crop = T.RandomCrop(8, padding=2, padding_mode="reflect")
    padded = np.pad(img, ((2, 2), (2, 2), (0, 0)), mode="reflect")
    seen = set()
    for _ in range(20):
        out = crop(img)
        assert out.shape == (8, 8, 3)
        hits = [k for k, w in enumerate(_windows(padded, 8)) if np.array_equal(w, out)]
        assert hits
        seen.add(hits[0])
    assert len(seen) > 3  # positions vary


def test_random_crop_pad_if_needed_and_errors(img):
    out = T.RandomCrop((14, 12), pad_if_needed=True, fill=5)(img)
    # height 10 < 14: torchvision pads 4 on *both* top and bottom, then crops 14 rows
    assert out.shape == (14, 12, 3)
    with pytest.raises(ValueError, match="larger than input image size"):
        T.RandomCrop(20)(img)
    with pytest.raises(ValueError, match="padding"):
        T.RandomCrop(4, padding=(1, 2, 3))


def test_random_crop_on_tensor_matches_slice(img):
    x = _ft(img.transpose(2, 0, 1).astype(np.float32))
    manual_seed(3)
    out = _np(T.RandomCrop((4, 5))(x))
    arr = _np(x)
    assert any(
        np.array_equal(arr[:, i : i + 4, j : j + 5], out)
        for i in range(7)
        for j in range(8)
    )


def test_seeding_reproduces_and_differs(img):
    aug = T.Compose(
        [T.RandomCrop(8, padding=1), T.RandomHorizontalFlip(), T.RandomRotation(30)]
    )

    def run(seed: int) -> list[np.ndarray]:
        manual_seed(seed)
        return [aug(img) for _ in range(10)]

    a, b, c = run(0), run(0), run(1)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_other_draws_on_the_generator_change_the_stream(img):
    manual_seed(0)
    first = [T.RandomRotation.get_params([-90.0, 90.0]) for _ in range(3)]
    manual_seed(0)
    ft.rand(3)  # any other draw in between, e.g. dropout
    second = [T.RandomRotation.get_params([-90.0, 90.0]) for _ in range(3)]
    assert first != second


def test_random_rotation_angles_within_range(img):
    manual_seed(0)
    angles = [T.RandomRotation.get_params([-10.0, 25.0]) for _ in range(200)]
    assert min(angles) >= -10.0 and max(angles) <= 25.0
    assert min(angles) < 0 < max(angles)
    with pytest.raises(ValueError, match="positive"):
        T.RandomRotation(-3)
    with pytest.raises(ValueError, match="interpolation"):
        T.RandomRotation(3, interpolation="bicubic")


def test_random_rotation_fill_and_degenerate_range(img):
    out = T.RandomRotation((90, 90))(img[:, :10])  # square crop: exact quarter turn
    np.testing.assert_array_equal(out, np.rot90(img[:, :10]))
    out = T.RandomRotation((45, 45), fill=(1, 2, 3))(img)
    np.testing.assert_array_equal(out[0, 0], [1, 2, 3])


def test_resize_centercrop_pad_lambda(img):
    assert T.Resize(5)(img).shape == (5, 6, 3)
    assert T.Resize((4, 7), interpolation=T.InterpolationMode.NEAREST)(img).shape == (
        4,
        7,
        3,
    )
    np.testing.assert_array_equal(T.CenterCrop(4)(img), img[3:7, 4:8])
    assert T.Pad((1, 2))(img).shape == (14, 14, 3)
    np.testing.assert_array_equal(T.Lambda(lambda x: x + 1)(img), img + 1)
    with pytest.raises(TypeError, match="callable"):
        T.Lambda(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_size"):
        T.Resize((3, 4), max_size=10)


def test_reprs():
    pipeline = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.25,)), T.Lambda(abs)])
    assert repr(pipeline) == (
        "Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.25,))\n"
        "    Lambda()\n)"
    )
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"
    assert repr(T.CenterCrop(3)) == "CenterCrop(size=(3, 3))"
    assert repr(T.Resize(8)) == (
        "Resize(size=8, interpolation=bilinear, max_size=None, antialias=True)"
    )


def test_worker_mode_stays_in_numpy(monkeypatch, img):
    """In a forked DataLoader worker no JAX may run: Tensors are numpy-backed there."""
    monkeypatch.setattr(_bridge, "in_jax_free_worker", lambda: True)
    pipeline = T.Compose([T.ToTensor(), T.Normalize((0.5,) * 3, (0.5,) * 3)])
    out = pipeline(img)
    assert isinstance(out, _bridge.WorkerTensor) and out.shape == (3, 10, 12)
    ref = (img.transpose(2, 0, 1).astype(np.float32) / 255 - 0.5) / 0.5
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-6, atol=1e-6)
    # Tensor-layout semantics (C, H, W), not numpy-image (H, W, C):
    assert T.Resize((4, 5))(out).shape == (3, 4, 5)
    assert T.functional.get_dimensions(out) == [3, 10, 12]


def test_worker_mode_random_stream_comes_from_the_worker_seed(monkeypatch):
    def draws(worker: tuple[int, int]) -> list[float]:
        monkeypatch.setattr(aug_random, "_worker_seed", lambda: worker)
        return [aug_random.uniform(0.0, 1.0) for _ in range(4)]

    a, b, c = draws((0, 11)), draws((1, 12)), draws((0, 11))
    assert a == c and a != b


def test_dataloader_with_forked_workers_is_reproducible():
    """End to end: augmentation runs in forked (JAX-free) workers, batches are Tensors."""
    from functorch_lite.utils.data import DataLoader
    from functorch_lite.vision import datasets

    tf = T.Compose(
        [
            T.RandomCrop(8, padding=1),
            T.RandomHorizontalFlip(),
            T.ToTensor(),
            T.Normalize((0.5,), (0.5,)),
        ]
    )
    ds = datasets.Digits(train=False, transform=tf)

    def epoch() -> list[np.ndarray]:
        manual_seed(0)
        loader = DataLoader(ds, batch_size=128, shuffle=True, num_workers=2)
        batches = []
        for x, y in loader:
            assert isinstance(x, ft.Tensor) and tuple(x.shape)[1:] == (1, 8, 8)
            assert np.asarray(y.jax()).dtype == np.int64
            batches.append(np.asarray(x.jax()))
        return batches

    a, b = epoch(), epoch()
    assert sum(len(x) for x in a) == len(ds)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert -1.0 <= min(x.min() for x in a) and max(x.max() for x in a) <= 1.0


def test_random_resized_crop_windows_and_output(img):
    manual_seed(0)
    scale, ratio = (0.2, 0.9), (0.5, 2.0)
    for _ in range(30):
        i, j, h, w = T.RandomResizedCrop.get_params(img, scale, ratio)
        assert 0 <= i <= 10 - h and 0 <= j <= 12 - w
        # rounding to whole pixels loosens the bounds a little on a 10x12 image
        assert 0.5 * scale[0] <= h * w / 120 <= 1.0
    # an impossible scale falls back to the central crop at the clamped ratio
    assert T.RandomResizedCrop.get_params(img, (5.0, 6.0), (0.5, 0.6)) == (0, 3, 10, 6)
    assert T.RandomResizedCrop.get_params(img, (5.0, 6.0), (0.5, 2.0)) == (0, 0, 10, 12)
    x = np.random.default_rng(1).random((3, 10, 12), dtype=np.float32)
    manual_seed(4)
    out = _np(T.RandomResizedCrop((5, 7), antialias=False)(_ft(x)))
    manual_seed(4)
    i, j, h, w = T.RandomResizedCrop.get_params(_ft(x), (0.08, 1.0), (3 / 4, 4 / 3))
    window = torch.from_numpy(x[None, :, i : i + h, j : j + w].copy())
    ref = torch.nn.functional.interpolate(
        window, size=(5, 7), mode="bilinear", align_corners=False
    )[0].numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


def test_random_apply(img):
    flip = T.RandomApply([T.RandomHorizontalFlip(p=1.0)], p=1.0)
    np.testing.assert_array_equal(flip(img), img[:, ::-1])
    assert T.RandomApply([T.RandomHorizontalFlip(p=1.0)], p=0.0)(img) is img


def test_pil_to_tensor_and_convert_image_dtype(img):
    t = T.PILToTensor()(img)
    assert _np(t).dtype == np.uint8
    np.testing.assert_array_equal(_np(t), img.transpose(2, 0, 1))
    f = T.ConvertImageDtype(np.float32)(t)
    np.testing.assert_allclose(
        _np(f), img.transpose(2, 0, 1) / np.float32(255), rtol=1e-7
    )
    back = _np(T.ConvertImageDtype(np.uint8)(f))
    # torchvision scales by (255 + 1 - 1e-3) and truncates: exact round trip here
    np.testing.assert_array_equal(back, img.transpose(2, 0, 1))
    wide = _np(T.ConvertImageDtype(np.int16)(t))
    np.testing.assert_array_equal(wide, img.transpose(2, 0, 1).astype(np.int16) * 128)
    with pytest.raises(RuntimeError, match="safely"):
        T.ConvertImageDtype(np.int32)(f)


def test_convert_image_dtype_accepts_functorch_lite_dtypes(img):
    t = T.PILToTensor()(img)
    out = T.ConvertImageDtype(ft.float64)(t)
    assert out.dtype == ft.float64
    np.testing.assert_allclose(_np(out), img.transpose(2, 0, 1) / 255.0, rtol=1e-12)
