"""scikit-learn's bundled 8x8 handwritten digits as a train/test vision dataset."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from .. import _bridge
from ._vision import VisionDataset

_NO_SKLEARN = (
    "Digits needs scikit-learn, which ships the 8x8 digits data set offline "
    "(sklearn.datasets.load_digits); install it with `pip install scikit-learn`"
)


@functools.lru_cache(maxsize=1)
def _load_digits() -> tuple[np.ndarray, np.ndarray]:
    """sklearn's digits, parsed once per process (train and test splits share it)."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise ImportError(_NO_SKLEARN) from e
    bunch = load_digits()
    return np.asarray(bunch.images), np.asarray(bunch.target)


def _stratified_split(
    labels: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted train and test indices; each class keeps ``test_fraction`` for test."""
    rng = np.random.default_rng(seed)
    test: list[np.ndarray] = []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        test.append(idx[: round(test_fraction * len(idx))])
    test_idx = np.sort(np.concatenate(test))
    train_idx = np.setdiff1d(np.arange(len(labels)), test_idx)
    return train_idx, test_idx


class Digits(VisionDataset):
    """The 1,797 8x8 handwritten digits bundled with scikit-learn (no download).

    A quick MNIST stand-in for demos and tests. Images are ``float32`` numpy arrays
    ``(8, 8)`` with values in ``[0, 1]`` (the original 0..16 counts divided by 16), so
    ``ToTensor`` yields ``(1, 8, 8)`` float32 without rescaling. The split is
    stratified by class and depends only on ``test_fraction`` and ``seed``.

    Args:
        train: the training part if True, else the test part.
        transform: applied to each image.
        target_transform: applied to each label.
        test_fraction: share of each class held out for the test part, in (0, 1).
        seed: seed of the split (not of any augmentation).

    Attributes:
        data: ``float32`` Tensor ``(N, 8, 8)``.
        targets: ``int64`` Tensor ``(N,)``.
        classes: ``["0", ..., "9"]``.

    Raises:
        ImportError: if scikit-learn is not installed.

    Example:
        >>> from functorch_lite.vision import datasets, transforms
        >>> train = datasets.Digits(train=True, transform=transforms.ToTensor())
        >>> image, label = train[0]
        >>> len(train), tuple(image.shape), label
        (1438, (1, 8, 8), 0)
    """

    classes: ClassVar[list[str]] = [str(i) for i in range(10)]

    def __init__(
        self,
        train: bool = True,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        test_fraction: float = 0.2,
        seed: int = 0,
    ) -> None:
        super().__init__(None, transform=transform, target_transform=target_transform)
        if not 0.0 < test_fraction < 1.0:
            raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
        self.train = train
        self.test_fraction = test_fraction
        self.seed = seed
        images, labels = _load_digits()
        train_idx, test_idx = _stratified_split(labels, test_fraction, seed)
        idx = train_idx if train else test_idx
        self._images = (images[idx] / 16.0).astype(np.float32)
        self._labels = labels[idx].astype(np.int64)
        self._data: Any = None
        self._targets: Any = None

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.classes)}

    @property
    def data(self) -> Any:
        """All images as a ``float32`` Tensor ``(N, 8, 8)`` (made on first access)."""
        if self._data is None:
            self._data = _bridge.numpy_to_tensor(self._images)
        return self._data

    @property
    def targets(self) -> Any:
        """All labels as an ``int64`` Tensor ``(N,)`` (made on first access)."""
        if self._targets is None:
            self._targets = _bridge.numpy_to_tensor(self._labels)
        return self._targets

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        """``(image, label)``: an ``(8, 8)`` float32 numpy image and an int label."""
        img, target = self._images[index].copy(), int(self._labels[index])
        return self._apply_transforms(img, target)

    def __len__(self) -> int:
        return len(self._images)

    def extra_repr(self) -> str:
        split = "Train" if self.train else "Test"
        return f"Split: {split} (test_fraction={self.test_fraction}, seed={self.seed})"
