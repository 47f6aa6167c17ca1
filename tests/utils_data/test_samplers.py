"""Samplers against ``torch.utils.data``: lengths, index sets, errors, statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch.utils.data as tud
from conftest import generator

import functorch_lite as fl
import functorch_lite.utils.data as fud

# WeightedRandomSampler frequency check: 20 000 draws; the binomial standard deviation
# of a frequency is at most 0.0036, so 0.015 is > 4 sigma.
FREQ_ATOL = 0.015


def test_sequential_matches_torch() -> None:
    data = list(range(7))
    assert list(fud.SequentialSampler(data)) == list(tud.SequentialSampler(data))
    assert len(fud.SequentialSampler(data)) == 7


@pytest.mark.parametrize("num_samples", [None, 3, 10, 25])
def test_random_without_replacement_index_sets(num_samples: int | None) -> None:
    n = 10
    s = fud.RandomSampler(range(n), num_samples=num_samples, generator=generator(0))
    t = tud.RandomSampler(range(n), num_samples=num_samples)
    ours, theirs = list(s), list(t)
    assert len(s) == len(t) == len(ours) == len(theirs)
    # Each full pass is a permutation; the tail is a prefix of one.
    counts = Counter(ours)
    assert set(counts) <= set(range(n))
    assert max(counts.values()) - min(counts.values()) <= 1
    assert sorted(Counter(theirs).values()) == sorted(counts.values())


def test_random_with_replacement() -> None:
    s = fud.RandomSampler(
        range(5), replacement=True, num_samples=1000, generator=generator(1)
    )
    out = list(s)
    assert len(out) == len(s) == 1000
    assert set(out) == set(range(5))


def test_random_seeded_reproducible_and_new_each_epoch() -> None:
    a = fud.RandomSampler(range(50), generator=generator(3))
    b = fud.RandomSampler(range(50), generator=generator(3))
    first_a, first_b = list(a), list(b)
    assert first_a == first_b
    assert sorted(first_a) == list(range(50))
    assert list(a) != first_a  # the generator advanced: a new permutation
    assert list(fud.RandomSampler(range(50), generator=generator(4))) != first_a


def test_random_uses_global_generator_when_none() -> None:
    fl.manual_seed(7)
    first = list(fud.RandomSampler(range(30)))
    fl.manual_seed(7)
    assert list(fud.RandomSampler(range(30))) == first


@pytest.mark.parametrize(
    "kwargs",
    [{"replacement": 1}, {"num_samples": 0}, {"num_samples": -2}, {"num_samples": 2.0}],
)
def test_random_errors_match_torch(kwargs: dict[str, Any]) -> None:
    _assert_same_error(
        lambda: tud.RandomSampler(range(3), **kwargs),
        lambda: fud.RandomSampler(range(3), **kwargs),
    )


def test_subset_random() -> None:
    idx = [3, 9, 4, 20]
    s = fud.SubsetRandomSampler(idx, generator=generator(0))
    assert len(s) == len(tud.SubsetRandomSampler(idx)) == 4
    assert sorted(s) == sorted(idx)


def test_weighted_frequencies_follow_weights() -> None:
    w = [0.1, 0.0, 0.6, 0.3]
    s = fud.WeightedRandomSampler(w, 20_000, generator=generator(0))
    counts = np.bincount(list(s), minlength=4) / 20_000
    np.testing.assert_allclose(counts, np.array(w) / sum(w), atol=FREQ_ATOL)
    assert counts[1] == 0
    assert len(s) == len(tud.WeightedRandomSampler(w, 20_000)) == 20_000


def test_weighted_without_replacement_draws_distinct_nonzero() -> None:
    w = [1.0, 0.0, 2.0, 5.0, 1.0]
    out = list(
        fud.WeightedRandomSampler(w, 4, replacement=False, generator=generator(2))
    )
    assert len(set(out)) == 4 and 1 not in out
    with pytest.raises(RuntimeError, match="without replacement"):
        list(fud.WeightedRandomSampler(w, 5, replacement=False))


@pytest.mark.parametrize(
    "args",
    [([1.0, 2.0], 0), ([1.0, 2.0], True), ([1.0, 2.0], 2, 1), ([[1.0, 2.0]], 2)],
)
def test_weighted_errors_match_torch(args: tuple[Any, ...]) -> None:
    _assert_same_error(
        lambda: tud.WeightedRandomSampler(*args),
        lambda: fud.WeightedRandomSampler(*args),
    )


@pytest.mark.parametrize("n", [0, 1, 9, 10, 11])
@pytest.mark.parametrize("batch_size", [1, 3, 10])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_matches_torch(n: int, batch_size: int, drop_last: bool) -> None:
    ours = fud.BatchSampler(fud.SequentialSampler(range(n)), batch_size, drop_last)
    theirs = tud.BatchSampler(tud.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


@pytest.mark.parametrize("args", [(0, False), (True, False), (2.0, False), (2, 1)])
def test_batch_sampler_errors_match_torch(args: tuple[Any, Any]) -> None:
    _assert_same_error(
        lambda: tud.BatchSampler(range(3), *args),
        lambda: fud.BatchSampler(range(3), *args),
    )


def _assert_same_error(
    theirs_fn: Callable[[], Any], ours_fn: Callable[[], Any]
) -> None:
    with pytest.raises(Exception) as theirs:
        theirs_fn()
    with pytest.raises(Exception) as ours:
        ours_fn()
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)
