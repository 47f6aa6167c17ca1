"""The common shell of the vision datasets (``torchvision.datasets.VisionDataset``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from functorch_lite.utils.data import Dataset


class VisionDataset(Dataset[Any]):
    """Holds ``root``, ``transform`` and ``target_transform``; gives the standard repr.

    A map-style ``functorch_lite.utils.data.Dataset`` (``__getitem__`` + ``__len__``).
    """

    _repr_indent = 4

    def __init__(
        self,
        root: str | os.PathLike[str] | None,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
    ) -> None:
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        self.transform = transform
        self.target_transform = target_transform

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def _apply_transforms(self, img: Any, target: Any) -> tuple[Any, Any]:
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        body = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        for name in ("transform", "target_transform"):
            value = getattr(self, name)
            if value is not None:
                label = "Transform" if name == "transform" else "Target transform"
                lines = repr(value).splitlines()
                body.append(f"{label}: {lines[0]}")
                body += [" " * len(f"{label}: ") + line for line in lines[1:]]
        indent = " " * self._repr_indent
        return "\n".join(
            [f"Dataset {self.__class__.__name__}"] + [indent + b for b in body]
        )
