"""vision.datasets: MNIST IDX parsing on hand-written files, sklearn Digits split."""

from __future__ import annotations

import gzip
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from functorch_lite.vision import datasets, transforms


def _idx(arr: np.ndarray, type_code: int = 0x08) -> bytes:
    """An IDX file, written independently of the reader: magic, sizes, raw data."""
    header = struct.pack(">BBBB", 0, 0, type_code, arr.ndim)
    header += struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(">u1" if type_code == 0x08 else arr.dtype).tobytes()


def _write(folder: Path, prefix: str, images: np.ndarray, labels: np.ndarray, gz=False):
    folder.mkdir(parents=True, exist_ok=True)
    for name, arr in (
        (f"{prefix}-images-idx3-ubyte", images),
        (f"{prefix}-labels-idx1-ubyte", labels),
    ):
        data = _idx(arr)
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)


@pytest.fixture
def mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return (
        rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, (5,), dtype=np.uint8),
    )


def test_mnist_reads_torchvision_layout(tmp_path, mnist_arrays):
    images, labels = mnist_arrays
    _write(tmp_path / "MNIST" / "raw", "train", images, labels)
    ds = datasets.MNIST(str(tmp_path), train=True)
    assert len(ds) == 5
    img, target = ds[3]
    assert (
        isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.shape == (28, 28)
    )
    np.testing.assert_array_equal(img, images[3])
    assert type(target) is int and target == labels[3]
    np.testing.assert_array_equal(np.asarray(ds.data.jax()), images)
    assert np.asarray(ds.targets.jax()).dtype == np.int64
    np.testing.assert_array_equal(np.asarray(ds.targets.jax()), labels)
    assert ds.classes[0] == "0 - zero" and ds.class_to_idx["9 - nine"] == 9
    assert "Split: Train" in repr(ds) and "Number of datapoints: 5" in repr(ds)


def test_mnist_gz_in_root_and_transforms(tmp_path, mnist_arrays):
    images, labels = mnist_arrays
    _write(tmp_path, "t10k", images[:2], labels[:2], gz=True)
    ds = datasets.MNIST(
        tmp_path,
        train=False,
        transform=transforms.ToTensor(),
        target_transform=lambda y: y + 100,
    )
    x, y = ds[1]
    assert tuple(x.shape) == (1, 28, 28)
    np.testing.assert_allclose(np.asarray(x.jax())[0], images[1] / 255.0, rtol=1e-6)
    assert y == labels[1] + 100
    assert "Split: Test" in repr(ds) and "ToTensor()" in repr(ds)


def test_mnist_sample_is_a_copy(tmp_path, mnist_arrays):
    images, labels = mnist_arrays
    _write(tmp_path, "train", images, labels)
    ds = datasets.MNIST(tmp_path)
    img, _ = ds[0]
    img[:] = 0
    np.testing.assert_array_equal(ds[0][0], images[0])


def test_mnist_missing_files_say_where_to_put_them(tmp_path):
    with pytest.raises(RuntimeError, match="train-images-idx3-ubyte") as e:
        datasets.MNIST(tmp_path)
    assert str(tmp_path / "MNIST" / "raw") in str(e.value)
    with pytest.raises(RuntimeError, match="download=True cannot fetch"):
        datasets.MNIST(tmp_path, train=False, download=True)


def test_mnist_corrupt_files(tmp_path, mnist_arrays):
    images, labels = mnist_arrays
    _write(tmp_path, "train", images, labels)
    path = tmp_path / "train-images-idx3-ubyte"
    good = path.read_bytes()
    path.write_bytes(good[:-10])  # truncated data
    with pytest.raises(RuntimeError, match="corrupt"):
        datasets.MNIST(tmp_path)
    path.write_bytes(b"\x12\x34" + good[2:])  # garbage magic
    with pytest.raises(RuntimeError, match="bad magic number"):
        datasets.MNIST(tmp_path)
    # labels file where the images should be: valid IDX, wrong magic
    path.write_bytes((tmp_path / "train-labels-idx1-ubyte").read_bytes())
    with pytest.raises(RuntimeError, match="images vs labels"):
        datasets.MNIST(tmp_path)
    path.write_bytes(good)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(_idx(labels[:4]))
    with pytest.raises(RuntimeError, match="5 images but .* 4 labels"):
        datasets.MNIST(tmp_path)
    path.write_bytes(b"not gzip")
    path.rename(tmp_path / "x")
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(b"not gzip")
    with pytest.raises(RuntimeError, match="could not read"):
        datasets.MNIST(tmp_path)


def test_fashion_mnist_folder_and_classes(tmp_path, mnist_arrays):
    images, labels = mnist_arrays
    _write(tmp_path / "FashionMNIST" / "raw", "train", images, labels)
    ds = datasets.FashionMNIST(tmp_path)
    assert len(ds) == 5 and ds.classes[9] == "Ankle boot"


def test_digits_split_shapes_and_determinism():
    train, test = datasets.Digits(train=True), datasets.Digits(train=False)
    assert len(train) + len(test) == 1797
    img, label = train[0]
    assert img.shape == (8, 8) and img.dtype == np.float32 and type(label) is int
    data = np.asarray(train.data.jax())
    assert data.shape == (len(train), 8, 8) and 0.0 <= data.min() and data.max() <= 1.0
    from sklearn.datasets import load_digits

    ref = load_digits()
    # Every sample is one of sklearn's, scaled by 1/16, and train/test are disjoint.
    flat = {row.tobytes() for row in (ref.images / 16.0).astype(np.float32)}
    assert all(row.tobytes() in flat for row in data)
    test_rows = {row.tobytes() for row in np.asarray(test.data.jax())}
    assert len(test_rows & {row.tobytes() for row in data}) < 5  # sklearn has dupes
    # stratified: each class keeps ~20% for test
    counts = np.bincount(np.asarray(test.targets.jax()), minlength=10)
    totals = np.bincount(ref.target, minlength=10)
    np.testing.assert_array_equal(counts, np.round(0.2 * totals).astype(int))
    again = datasets.Digits(train=False)
    np.testing.assert_array_equal(
        np.asarray(again.data.jax()), np.asarray(test.data.jax())
    )
    other = datasets.Digits(train=False, seed=1)
    assert not np.array_equal(np.asarray(other.data.jax()), np.asarray(test.data.jax()))
    with pytest.raises(ValueError, match="test_fraction"):
        datasets.Digits(test_fraction=1.0)


def test_digits_without_sklearn_says_how_to_install(monkeypatch):
    from functorch_lite.vision.datasets import _digits

    _digits._load_digits.cache_clear()  # the data set is cached once loaded
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        datasets.Digits()
