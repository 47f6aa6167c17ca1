"""``DataLoader`` in the main process (``num_workers=0``) against ``torch.utils.data``."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch.utils.data as tud
from conftest import assert_same_structure, generator, to_ours, to_torch

import functorch_lite.utils.data as fud


def _xy(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    return rng.standard_normal((n, 3, 2)).astype(np.float32), np.arange(
        n, dtype=np.int64
    )


@pytest.mark.parametrize("batch_size", [1, 3, 4, 10, 11])
@pytest.mark.parametrize("drop_last", [False, True])
def test_tensor_dataset_batches_match_torch(batch_size: int, drop_last: bool) -> None:
    x, y = _xy(10)
    ours = fud.DataLoader(
        fud.TensorDataset(to_ours(x), to_ours(y)),
        batch_size=batch_size,
        drop_last=drop_last,
    )
    theirs = tud.DataLoader(
        tud.TensorDataset(to_torch(x), to_torch(y)),
        batch_size=batch_size,
        drop_last=drop_last,
    )
    assert len(ours) == len(theirs)
    assert len(ours.dataset) == len(theirs.dataset)
    ours_batches, theirs_batches = list(ours), list(theirs)
    assert len(ours_batches) == len(theirs_batches) == len(theirs)
    for a, b in zip(ours_batches, theirs_batches):
        assert_same_structure(a, b)


class _DictDataset:
    """A plain Python map-style dataset (no base class), as PyTorch accepts."""

    def __len__(self) -> int:
        return 7

    def __getitem__(self, i: int) -> dict[str, Any]:
        return {
            "x": np.full((2,), i, np.float32),
            "label": i,
            "weight": i / 2,
            "name": f"item{i}",
            "pair": (np.int32(i), [i, i + 1]),
        }


@pytest.mark.parametrize("batch_size", [2, 7])
def test_python_dataset_batches_match_torch(batch_size: int) -> None:
    ours = list(fud.DataLoader(_DictDataset(), batch_size=batch_size))
    theirs = list(tud.DataLoader(_DictDataset(), batch_size=batch_size))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_same_structure(a, b)


def test_batch_size_none_converts_without_batching() -> None:
    ours = list(fud.DataLoader(_DictDataset(), batch_size=None))
    theirs = list(tud.DataLoader(_DictDataset(), batch_size=None))
    assert len(ours) == len(theirs) == 7
    for a, b in zip(ours, theirs):
        assert_same_structure(a, b)


def test_custom_collate_and_batch_sampler() -> None:
    batches = [[4, 0], [1], [2, 3, 5]]
    loader = fud.DataLoader(range(6), batch_sampler=batches, collate_fn=lambda b: b)
    assert list(loader) == batches
    assert len(loader) == 3


def test_sampler_argument() -> None:
    loader = fud.DataLoader(range(5), sampler=[4, 3, 2], batch_size=2)
    assert [b.tolist() for b in loader] == [[4, 3], [2]]


def test_shuffle_is_seeded_and_reshuffles_each_epoch() -> None:
    def epoch_orders(seed: int) -> list[list[int]]:
        loader = fud.DataLoader(
            range(40), batch_size=8, shuffle=True, generator=generator(seed)
        )
        return [[i for b in loader for i in b.tolist()] for _ in range(2)]

    first, second = epoch_orders(0)
    assert sorted(first) == sorted(second) == list(range(40))
    assert first != second
    assert epoch_orders(0) == [first, second]


class _Stream(fud.IterableDataset[int]):
    def __init__(self, n: int, reported: int | None = None) -> None:
        self.n, self.reported = n, reported

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.n))

    def __len__(self) -> int:
        return self.n if self.reported is None else self.reported


class _TStream(tud.IterableDataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.n))

    def __len__(self) -> int:
        return self.n


@pytest.mark.parametrize(
    ("batch_size", "drop_last"),
    [(None, False), (1, False), (3, False), (3, True), (4, False), (4, True)],
)
def test_iterable_dataset_len_and_batches_match_torch(
    batch_size: int | None, drop_last: bool
) -> None:
    ours = fud.DataLoader(_Stream(10), batch_size=batch_size, drop_last=drop_last)
    theirs = tud.DataLoader(_TStream(10), batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    ours_b, theirs_b = list(ours), list(theirs)
    assert len(ours_b) == len(theirs_b)
    for a, b in zip(ours_b, theirs_b):
        assert_same_structure(a, b)


def test_iterable_dataset_longer_than_reported_warns() -> None:
    loader = fud.DataLoader(_Stream(6, reported=4), batch_size=None)
    assert len(loader) == 4
    with pytest.warns(UserWarning, match="was reported to be 4"):
        assert len(list(loader)) == 6
    # PyTorch's quirk, kept: the check compares *batches* to the dataset's length.
    loader = fud.DataLoader(_Stream(6, reported=4), batch_size=2)
    assert len(loader) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(list(loader)) == 3


def test_iterable_dataset_without_len_call_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(list(fud.DataLoader(_Stream(6, reported=4), batch_size=2))) == 3


_ERROR_CASES: list[dict[str, Any]] = [
    {"num_workers": -1},
    {"timeout": -1},
    {"prefetch_factor": 2},
    {"num_workers": 1, "prefetch_factor": -1},
    {"persistent_workers": True},
    {"sampler": [0, 1], "shuffle": True},
    {"batch_sampler": [[0]], "batch_size": 2},
    {"batch_sampler": [[0]], "drop_last": True},
    {"batch_size": None, "drop_last": True},
    {"multiprocessing_context": "fork"},
    {"num_workers": 1, "multiprocessing_context": "nope"},
]


@pytest.mark.parametrize("kwargs", _ERROR_CASES)
def test_argument_errors_match_torch(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as theirs:
        tud.DataLoader(range(4), **kwargs)
    with pytest.raises(ValueError) as ours:
        fud.DataLoader(range(4), **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "kwargs", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}]
)
def test_iterable_dataset_argument_errors_match_torch(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as theirs:
        tud.DataLoader(_TStream(3), **kwargs)
    with pytest.raises(ValueError) as ours:
        fud.DataLoader(_Stream(3), **kwargs)
    assert str(ours.value).split(",")[0] == str(theirs.value).split(",")[0]


def test_attributes_frozen_after_init() -> None:
    loader = fud.DataLoader(range(4), batch_size=2, pin_memory=True)
    with pytest.raises(
        ValueError, match="batch_size attribute should not be set after"
    ):
        loader.batch_size = 3
    loader.num_workers = 0  # not frozen, as in PyTorch
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3]]
