"""MNIST and Fashion-MNIST from local IDX files (``torchvision.datasets.MNIST``)."""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from .. import _bridge
from ._vision import VisionDataset

_MISSING = """\
{name} {split} files not found. functorch_lite never downloads (no network access), \
so put the standard IDX files
    {files}
(each may also be gzipped, with a .gz suffix) in one of:
    {raw}   (torchvision's layout)
    {root}
Searched: {searched}"""

_IDX_DTYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dims: (N, rows, cols)
_LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dim: (N,)


def _read_bytes(path: str) -> bytes:
    opener: Any = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
        raise RuntimeError(f"could not read {path}: {e}") from e


def read_idx(path: str, magic: int | None = None) -> np.ndarray:
    """Parse an IDX file (the MNIST format) into a native-endian numpy array.

    Layout: a big-endian magic ``00 00 <type> <ndim>``, ``ndim`` big-endian uint32
    sizes, then the data in C order. ``magic`` (e.g. ``0x803`` for uint8 images of
    3 dims) is checked when given.
    """
    raw = _read_bytes(path)
    if len(raw) < 4 or raw[0:2] != b"\x00\x00" or raw[2] not in _IDX_DTYPES:
        raise RuntimeError(
            f"{path} is not an IDX file: bad magic number "
            f"0x{raw[:4].hex() or '(empty)'} (expected 0x0000TTNN, TT a type code)"
        )
    found = int.from_bytes(raw[:4], "big")
    if magic is not None and found != magic:
        raise RuntimeError(
            f"{path} has magic number {found} (0x{found:08x}) but {magic} "
            f"(0x{magic:08x}) was expected: is it the right file (images vs labels)?"
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise RuntimeError(f"{path} is not a valid IDX file: truncated header")
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = _IDX_DTYPES[raw[2]]
    expected = int(np.prod(dims)) * dtype.itemsize
    if len(raw) - header != expected:
        raise RuntimeError(
            f"{path} is corrupt: its header declares shape {dims} ({expected} bytes "
            f"of data) but the file holds {len(raw) - header} bytes after the header"
        )
    arr = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return arr.astype(dtype.newbyteorder("="), copy=False)


class MNIST(VisionDataset):
    """The MNIST handwritten digits, read from local IDX files.

    Mirrors ``torchvision.datasets.MNIST``, except that images are numpy arrays
    ``(28, 28)`` of ``uint8`` rather than PIL images (``ToTensor`` accepts both
    shapes the same way), and nothing is ever downloaded.

    Args:
        root: directory holding the files, either in ``root/MNIST/raw`` (torchvision's
            layout) or directly in ``root``. Files: ``train-images-idx3-ubyte``,
            ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
            ``t10k-labels-idx1-ubyte``, optionally gzipped (``.gz``).
        train: the 60k training split if True, else the 10k test split.
        transform: applied to each image.
        target_transform: applied to each label.
        download: accepted for compatibility; if the files are missing, raises with
            instructions instead of downloading.

    Attributes:
        data: ``uint8`` Tensor ``(N, 28, 28)``.
        targets: ``int64`` Tensor ``(N,)``.
        classes: the class names (``"0 - zero"`` ...).
    """

    classes: ClassVar[list[str]] = [
        "0 - zero",
        "1 - one",
        "2 - two",
        "3 - three",
        "4 - four",
        "5 - five",
        "6 - six",
        "7 - seven",
        "8 - eight",
        "9 - nine",
    ]

    def __init__(
        self,
        root: str | os.PathLike[str],
        train: bool = True,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        download: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        prefix = "train" if train else "t10k"
        images_path = self._find(f"{prefix}-images-idx3-ubyte", download)
        labels_path = self._find(f"{prefix}-labels-idx1-ubyte", download)
        images = read_idx(images_path, _IMAGES_MAGIC)
        labels = read_idx(labels_path, _LABELS_MAGIC)
        if images.shape[0] != labels.shape[0]:
            raise RuntimeError(
                f"{images_path} holds {images.shape[0]} images but {labels_path} "
                f"holds {labels.shape[0]} labels; the files do not belong together"
            )
        # Samples are read from numpy: cheap, and JAX-free in DataLoader workers.
        self._images = np.ascontiguousarray(images)
        self._labels = labels.astype(np.int64)
        self._data: Any = None
        self._targets: Any = None

    @property
    def raw_folder(self) -> str:
        return os.path.join(str(self.root), self.__class__.__name__, "raw")

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.classes)}

    @property
    def data(self) -> Any:
        """All images as a ``uint8`` Tensor ``(N, H, W)`` (made on first access)."""
        if self._data is None:
            self._data = _bridge.numpy_to_tensor(self._images)
        return self._data

    @property
    def targets(self) -> Any:
        """All labels as an ``int64`` Tensor ``(N,)`` (made on first access)."""
        if self._targets is None:
            self._targets = _bridge.numpy_to_tensor(self._labels)
        return self._targets

    def _find(self, name: str, download: bool) -> str:
        folders = [self.raw_folder, str(self.root)]
        candidates = [
            os.path.join(d, name + ext) for d in folders for ext in ("", ".gz")
        ]
        for path in candidates:
            if os.path.isfile(path):
                return path
        split = "training" if self.train else "test"
        prefix = "train" if self.train else "t10k"
        message = _MISSING.format(
            name=self.__class__.__name__,
            split=split,
            files=f"{prefix}-images-idx3-ubyte, {prefix}-labels-idx1-ubyte",
            raw=self.raw_folder,
            root=self.root,
            searched=", ".join(candidates),
        )
        if download:
            message = "download=True cannot fetch anything here. " + message
        raise RuntimeError(message)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        """``(image, label)``: a ``(28, 28)`` uint8 numpy image and an int label."""
        # A copy, so that in-place edits by a transform cannot corrupt the dataset.
        img, target = self._images[index].copy(), int(self._labels[index])
        return self._apply_transforms(img, target)

    def __len__(self) -> int:
        return len(self._images)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """Fashion-MNIST (``torchvision.datasets.FashionMNIST``): same IDX files and API.

    Files go in ``root/FashionMNIST/raw`` or ``root``.
    """

    classes: ClassVar[list[str]] = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]
