"""``DataLoader(num_workers > 0)``: worker processes, against ``num_workers=0`` and torch.

Every test here ends with no live worker process (checked by the ``_no_leaked_workers``
fixture) and the directory's conftest aborts any test that hangs.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch.utils.data as tud
from conftest import assert_same_structure, generator, to_ours, to_torch

import functorch_lite.utils.data as fud
from functorch_lite.utils.data import _multiprocess, _worker

pytestmark = pytest.mark.filterwarnings("ignore:os.fork:RuntimeWarning")


@pytest.fixture(autouse=True)
def _no_leaked_workers() -> Iterator[None]:
    before = set(multiprocessing.active_children())
    yield
    deadline = time.monotonic() + 10
    while (
        set(multiprocessing.active_children()) - before and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    leaked = set(multiprocessing.active_children()) - before
    assert not leaked, f"worker processes still alive: {leaked}"


class NumpyItems(fud.Dataset[Any]):
    """Per-item Python dataset returning numpy arrays (and where it was loaded)."""

    def __init__(self, n: int = 23) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> dict[str, Any]:
        rng = np.random.default_rng(i)
        return {"x": rng.standard_normal((4, 3)).astype(np.float32), "y": i, "w": i / 3}


def _flat(batches: list[Any]) -> list[Any]:
    return batches


def _tensor_dataset(n: int = 37) -> tuple[Any, Any]:
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((n, 5)).astype(np.float32), np.arange(n, dtype=np.int64)
    return fud.TensorDataset(to_ours(x), to_ours(y)), tud.TensorDataset(
        to_torch(x), to_torch(y)
    )


@pytest.mark.parametrize("shuffle", [False, True])
def test_tensor_dataset_two_workers_equal_single_process(shuffle: bool) -> None:
    ours, theirs = _tensor_dataset()
    kwargs: dict[str, Any] = {"batch_size": 8, "shuffle": shuffle}
    single = list(fud.DataLoader(ours, generator=generator(1), **kwargs))
    multi = list(fud.DataLoader(ours, num_workers=2, generator=generator(1), **kwargs))
    assert len(single) == len(multi) == 5
    for a, b in zip(multi, single):
        np.testing.assert_array_equal(a[0].numpy(), b[0].numpy())
        np.testing.assert_array_equal(a[1].numpy(), b[1].numpy())
    if not shuffle:  # sequential order: also identical to torch's batches
        for a, t in zip(multi, tud.DataLoader(theirs, batch_size=8, num_workers=2)):
            assert_same_structure(a, t)


def test_subset_of_tensor_dataset_in_workers() -> None:
    ours, _ = _tensor_dataset()
    subset = fud.Subset(ours, [5, 1, 30, 2, 2])
    multi = list(fud.DataLoader(subset, batch_size=2, num_workers=2))
    assert [b[1].tolist() for b in multi] == [[5, 1], [30, 2], [2]]


@pytest.mark.parametrize("batch_size", [None, 1, 5])
def test_numpy_items_two_workers_match_torch(batch_size: int | None) -> None:
    ours = list(fud.DataLoader(NumpyItems(), batch_size=batch_size, num_workers=2))
    theirs = list(tud.DataLoader(NumpyItems(), batch_size=batch_size, num_workers=2))
    single = list(fud.DataLoader(NumpyItems(), batch_size=batch_size))
    assert len(ours) == len(theirs) == len(single)
    for a, b, c in zip(ours, theirs, single):
        assert_same_structure(a, b)
        np.testing.assert_array_equal(a["x"].numpy(), c["x"].numpy())


class WhoAmI(fud.Dataset[Any]):
    def __init__(self) -> None:
        self.initialised_in: int | None = None

    def __len__(self) -> int:
        return 12

    def __getitem__(self, i: int) -> list[Any]:
        info = fud.get_worker_info()
        assert info is not None and info.dataset is not self.original  # a copy
        return [
            i,
            info.id,
            info.num_workers,
            info.seed,
            os.getpid(),
            self.initialised_in,
        ]

    original: Any = None


def _init_worker(worker_id: int) -> None:
    info = fud.get_worker_info()
    assert info is not None and info.id == worker_id
    info.dataset.initialised_in = worker_id


def test_worker_info_and_init_fn() -> None:
    assert fud.get_worker_info() is None  # main process
    ds = WhoAmI()
    WhoAmI.original = None
    loader = fud.DataLoader(
        ds, batch_size=None, num_workers=2, worker_init_fn=_init_worker, collate_fn=list
    )
    rows = list(loader)
    assert [r[0] for r in rows] == list(range(12))
    ids = {r[1] for r in rows}
    assert ids == {0, 1}
    assert all(r[2] == 2 for r in rows)
    seeds = {r[1]: r[3] for r in rows}
    assert seeds[1] == seeds[0] + 1  # seed = base_seed + worker_id
    assert all(r[5] == r[1] for r in rows)  # worker_init_fn ran in that worker
    assert {r[4] for r in rows}.isdisjoint({os.getpid()})
    with pytest.raises(RuntimeError, match="Cannot assign attributes to WorkerInfo"):
        fud.WorkerInfo(id=0).id = 1


class Faulty(fud.Dataset[int]):
    def __len__(self) -> int:
        return 10

    def __getitem__(self, i: int) -> int:
        if i == 5:
            raise ValueError("item 5 is corrupt")
        return i


def test_worker_exception_surfaces_with_traceback() -> None:
    loader = fud.DataLoader(Faulty(), batch_size=2, num_workers=2)
    got = []
    with pytest.raises(ValueError) as err:
        for b in loader:
            got.append(b.tolist())
    assert got == [[0, 1], [2, 3]]
    msg = str(err.value)
    assert msg.startswith(
        "Caught ValueError in DataLoader worker process 0.\nOriginal Traceback"
    )
    assert "item 5 is corrupt" in msg and "__getitem__" in msg
    torch_iter = iter(tud.DataLoader(Faulty(), batch_size=2, num_workers=2))
    with pytest.raises(ValueError) as theirs:
        list(torch_iter)
    assert str(theirs.value).split("\n")[0] == msg.split("\n")[0]
    torch_iter._shutdown_workers()  # type: ignore[attr-defined]
    # Our iterator is only referenced from the traceback: it must stop its workers
    # when collected, even through the cyclic GC.
    del err, theirs
    gc.collect()


def _collate_then_float(batch: list[Any]) -> Any:
    x = fud.default_collate(batch)
    return x.float()


def test_tensor_methods_in_forked_collate_explain_themselves() -> None:
    it = iter(fud.DataLoader(NumpyItems(4), batch_size=2, num_workers=1,
                             collate_fn=lambda b: _collate_then_float([s["x"] for s in b])))  # fmt: skip
    with pytest.raises(
        AttributeError, match="'float' was asked of a batch leaf inside"
    ):
        next(it)
    it._shutdown_workers()


class Sharded(fud.IterableDataset[int]):
    """Each worker yields its own stride of ``range(n)`` (PyTorch's documented recipe)."""

    def __init__(self, n: int, shard: bool = True) -> None:
        self.n, self.shard = n, shard

    def __iter__(self) -> Iterator[int]:
        info = fud.get_worker_info()
        if info is None or not self.shard:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


class TSharded(tud.IterableDataset):
    def __init__(self, n: int, shard: bool = True) -> None:
        self.n, self.shard = n, shard

    def __iter__(self) -> Iterator[int]:
        info = tud.get_worker_info()
        if info is None or not self.shard:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


@pytest.mark.parametrize("shard", [True, False])
@pytest.mark.parametrize(
    ("batch_size", "drop_last"), [(3, False), (3, True), (None, False)]
)
def test_iterable_dataset_replicas_match_torch(
    shard: bool, batch_size: int | None, drop_last: bool
) -> None:
    ours = fud.DataLoader(
        Sharded(11, shard), batch_size=batch_size, drop_last=drop_last, num_workers=2
    )
    theirs = tud.DataLoader(
        TSharded(11, shard), batch_size=batch_size, drop_last=drop_last, num_workers=2
    )
    ours_b = [b if isinstance(b, int) else b.tolist() for b in ours]
    theirs_b = [b if isinstance(b, int) else b.tolist() for b in theirs]
    assert ours_b == theirs_b


def test_persistent_workers_with_iterable_dataset() -> None:
    loader = fud.DataLoader(
        Sharded(7), batch_size=2, num_workers=2, persistent_workers=True
    )
    for _ in range(3):  # exhausted replicas are restarted each epoch
        assert sorted(i for b in loader for i in b.tolist()) == list(range(7))
    loader._iterator._shutdown_workers()


class Pid(fud.Dataset[int]):
    def __len__(self) -> int:
        return 8

    def __getitem__(self, i: int) -> list[int]:
        return [i, os.getpid()]


def test_persistent_workers_reused_across_epochs() -> None:
    loader = fud.DataLoader(
        Pid(), batch_size=3, shuffle=True, generator=generator(0), num_workers=2,
        persistent_workers=True, prefetch_factor=1, collate_fn=list,
    )  # fmt: skip
    epochs = [[row for b in loader for row in b] for _ in range(3)]
    orders = [[r[0] for r in e] for e in epochs]
    assert all(sorted(o) == list(range(8)) for o in orders)
    assert len({tuple(o) for o in orders}) > 1  # reshuffled
    pids = [{r[1] for r in e} for e in epochs]
    assert pids[0] == pids[1] == pids[2] and len(pids[0]) == 2
    # Abandon an epoch midway, then start a new one: stale batches are drained.
    it = iter(loader)
    next(it)
    assert sorted(r[0] for b in loader for r in b) == list(range(8))
    loader._iterator._shutdown_workers()


def test_early_break_shuts_workers_down() -> None:
    loader = fud.DataLoader(NumpyItems(200), batch_size=2, num_workers=2)
    it = iter(loader)
    next(it)
    workers = list(it._workers)
    del it
    for w in workers:
        w.join(timeout=10)
        assert not w.is_alive()


class Slow(fud.Dataset[int]):
    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int) -> int:
        time.sleep(3)
        return i


def test_timeout() -> None:
    loader = fud.DataLoader(Slow(), num_workers=1, timeout=0.3)
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.3 seconds"):
        next(iter(loader))


class Dies(fud.Dataset[int]):
    def __len__(self) -> int:
        return 6

    def __getitem__(self, i: int) -> int:
        if i == 3:
            os._exit(1)
        return i


def test_worker_death_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_multiprocess, "STATUS_CHECK_INTERVAL", 0.2)
    with pytest.raises(
        RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited"
    ):
        list(fud.DataLoader(Dies(), num_workers=1))


class JaxItems(fud.Dataset[Any]):
    """Compiles a new JAX computation in ``__getitem__`` (an odd shape, never cached)."""

    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int) -> Any:
        return (to_ours(np.full((3, 17), i, np.float32)) * 3 + 1).sum()


def test_jax_in_forked_worker_is_an_error_not_a_hang(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_worker, "JAX_HANG_SECONDS", 1.0)  # read by the forked worker
    it = iter(fud.DataLoader(JaxItems(), batch_size=2, num_workers=1))
    with pytest.raises(RuntimeError, match=r"stuck for \d+ s inside JAX"):
        next(it)
    it._shutdown_workers()


@pytest.mark.slow
def test_spawn_context_allows_jax_in_workers() -> None:
    from spawn_dataset import TensorItems

    loader = fud.DataLoader(
        TensorItems(), batch_size=4, num_workers=1, multiprocessing_context="spawn"
    )
    assert [b.numpy()[:, 0].tolist() for b in loader] == [[0, 2, 4, 6], [8, 10]]
