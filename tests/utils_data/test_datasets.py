"""Datasets and ``random_split`` against ``torch.utils.data``."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from conftest import assert_same_structure, generator, to_ours, to_torch

import functorch_lite.utils.data as fud


def _pair(n: int = 6) -> tuple[np.ndarray, np.ndarray]:
    return np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(
        n, dtype=np.int64
    )


def test_tensor_dataset_matches_torch() -> None:
    x, y = _pair(3)
    ours = fud.TensorDataset(to_ours(x), to_ours(y))
    theirs = tud.TensorDataset(to_torch(x), to_torch(y))
    assert len(ours) == len(theirs)
    for i in range(len(theirs)):
        assert_same_structure(ours[i], theirs[i])


def test_tensor_dataset_size_mismatch() -> None:
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        fud.TensorDataset(to_ours(np.zeros(3)), to_ours(np.zeros(4)))


def test_tensor_dataset_batches_follow_in_place_updates() -> None:
    x, y = _pair()
    ds = fud.TensorDataset(to_ours(x), to_ours(y))
    loader = fud.DataLoader(ds, batch_size=2)
    first = next(iter(loader))[1].numpy()
    ds.tensors[1].add_(10)  # rebinds the tensor's array: batches must see it
    np.testing.assert_array_equal(next(iter(loader))[1].numpy(), first + 10)


def test_tensor_dataset_batches_keep_autograd() -> None:
    w = to_ours(np.arange(6, dtype=np.float32).reshape(3, 2)).requires_grad_()
    batch = next(iter(fud.DataLoader(fud.TensorDataset(w), batch_size=2)))[0]
    batch.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[1, 1], [1, 1], [0, 0]])


def test_tensor_dataset_out_of_range_index_matches_torch() -> None:
    x, y = _pair()
    with pytest.raises(IndexError) as theirs:
        list(
            tud.DataLoader(tud.TensorDataset(to_torch(x)), sampler=[1, 6], batch_size=2)
        )
    with pytest.raises(IndexError) as ours:
        list(
            fud.DataLoader(fud.TensorDataset(to_ours(x)), sampler=[1, 6], batch_size=2)
        )
    assert str(ours.value) == str(theirs.value)


class _Range(fud.Dataset[int]):
    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi

    def __len__(self) -> int:
        return self.hi - self.lo

    def __getitem__(self, i: int) -> int:
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.lo + i


class _TRange(tud.Dataset):
    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi

    def __len__(self) -> int:
        return self.hi - self.lo

    def __getitem__(self, i: int) -> int:
        return self.lo + i


def test_concat_matches_torch() -> None:
    ours = fud.ConcatDataset([_Range(0, 3), _Range(10, 10), _Range(20, 24)])
    theirs = tud.ConcatDataset([_TRange(0, 3), _TRange(10, 10), _TRange(20, 24)])
    assert ours.cumulative_sizes == theirs.cumulative_sizes
    assert len(ours) == len(theirs)
    idx = list(range(-len(theirs), len(theirs)))
    assert [ours[i] for i in idx] == [theirs[i] for i in idx]
    with pytest.raises(ValueError, match="absolute value of index"):
        ours[-8]
    assert list(_Range(0, 2) + _Range(5, 6)) == [0, 1, 5]  # type: ignore[operator]


def test_concat_rejects_empty_and_iterable() -> None:
    with pytest.raises(ValueError, match="should not be an empty iterable"):
        fud.ConcatDataset([])
    with pytest.raises(ValueError, match="does not support IterableDataset"):
        fud.ConcatDataset([_Stream(2)])


class _Stream(fud.IterableDataset[int]):
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.n))

    def __len__(self) -> int:
        return self.n


def test_chain() -> None:
    chained = _Stream(2) + _Stream(3)
    assert isinstance(chained, fud.ChainDataset)
    assert list(chained) == [0, 1, 0, 1, 2]
    assert len(chained) == 5


def test_subset() -> None:
    s = fud.Subset(_Range(0, 10), [7, 2, 5])
    assert len(s) == 3 and [s[i] for i in range(3)] == [7, 2, 5]
    assert s.__getitems__([2, 0]) == [5, 7]


@pytest.mark.parametrize(
    ("n", "lengths"),
    [
        (10, [3, 7]),
        (10, [0.5, 0.5]),
        (10, [0.34, 0.33, 0.33]),
        (11, [0.2, 0.2, 0.2, 0.2, 0.2]),
        (7, [0.1, 0.9]),
        (100, [0.7, 0.2, 0.1]),
        (3, [0.3, 0.3, 0.4]),
    ],
)
def test_random_split_lengths_match_torch(n: int, lengths: list[Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-length splits warn in both
        ours = fud.random_split(range(n), lengths, generator=generator(0))
        theirs = tud.random_split(range(n), lengths)
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    items = [x for s in ours for x in s]
    assert sorted(items) == list(range(n))  # disjoint, complete


def test_random_split_seeded_and_warns_on_empty_split() -> None:
    a = fud.random_split(range(20), [0.5, 0.5], generator=generator(5))
    b = fud.random_split(range(20), [0.5, 0.5], generator=generator(5))
    assert [list(s) for s in a] == [list(s) for s in b]
    with pytest.warns(UserWarning) as record:
        split = fud.random_split(range(2), [0.9, 0.05, 0.05], generator=generator(0))
    assert [len(s) for s in split] == [2, 0, 0]
    assert [str(w.message) for w in record] == [
        f"Length of split at index {i} is 0. This might result in an empty dataset."
        for i in (1, 2)
    ]


@pytest.mark.parametrize("lengths", [[3, 3], [1.5, -0.5]])
def test_random_split_errors_match_torch(lengths: list[Any]) -> None:
    with pytest.raises(ValueError) as theirs:
        tud.random_split(range(10), lengths, generator=torch.Generator().manual_seed(0))
    with pytest.raises(ValueError) as ours:
        fud.random_split(range(10), lengths, generator=generator(0))
    assert str(ours.value) == str(theirs.value)
