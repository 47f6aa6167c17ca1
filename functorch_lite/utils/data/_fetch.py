"""Fetchers: turn sampler output into collated batches (``torch.utils.data._utils.fetch``).

The same fetcher runs in the main process (``num_workers=0``) and in worker processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ._collate import default_collate
from ._dataset import supports_batch_gather


class MapDatasetFetcher:
    """Fetch ``dataset[i]`` for each index of a batch, then collate."""

    def __init__(
        self,
        dataset: Any,
        auto_collation: bool,
        collate_fn: Callable[[Any], Any],
        drop_last: bool,
    ) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        # A TensorDataset under the default collation: gather the whole batch with
        # one fancy-index per tensor (PyTorch indexes item by item, then stacks).
        self.batch_gather = (
            auto_collation
            and collate_fn is default_collate
            and supports_batch_gather(dataset)
        )
        getitems = getattr(dataset, "__getitems__", None)
        self.getitems = getitems if callable(getitems) else None

    def fetch(self, possibly_batched_index: Any) -> Any:
        if self.batch_gather:
            return self.dataset.get_batch(possibly_batched_index)
        if self.auto_collation:
            if self.getitems is not None:
                data = self.getitems(possibly_batched_index)
            else:
                data = [self.dataset[i] for i in possibly_batched_index]
        else:
            data = self.dataset[possibly_batched_index]
        return self.collate_fn(data)


class IterableDatasetFetcher:
    """Take the next ``batch_size`` items of an iterable dataset, then collate."""

    def __init__(
        self,
        dataset: Any,
        auto_collation: bool,
        collate_fn: Callable[[Any], Any],
        drop_last: bool,
    ) -> None:
        self.dataset_iter: Iterator[Any] = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, possibly_batched_index: Any) -> Any:
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in possibly_batched_index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if len(data) == 0 or (
                self.drop_last and len(data) < len(possibly_batched_index)
            ):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


def create_fetcher(
    kind: str,
    dataset: Any,
    auto_collation: bool,
    collate_fn: Callable[[Any], Any],
    drop_last: bool,
) -> MapDatasetFetcher | IterableDatasetFetcher:
    cls = MapDatasetFetcher if kind == "map" else IterableDatasetFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)
