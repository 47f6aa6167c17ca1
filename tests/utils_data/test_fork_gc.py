"""A forked DataLoader worker never collects garbage inherited from the parent.

Collecting it in the child would run destructors there — for ``jax.Array``s, calls into
XLA whose locks a parent thread may have held at the fork, a deadlock. The parent's
heap is frozen (``gc.freeze``) across the fork; the parent still collects it after.
"""

from __future__ import annotations

import gc
import os
import pathlib
from typing import Any

import pytest

import functorch_lite.utils.data as fud

pytestmark = pytest.mark.filterwarnings("ignore:os.fork:RuntimeWarning")


class _Trap:
    """Cyclic garbage whose finalizer records which process ran it."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        self.me = self

    def __del__(self) -> None:
        with open(self.path, "a") as f:
            f.write(f"{os.getpid()}\n")


class _Items(fud.Dataset[int]):
    def __len__(self) -> int:
        return 8

    def __getitem__(self, i: int) -> int:
        return i


def _collect_in_worker(worker_id: int) -> None:
    gc.collect()


def test_forked_workers_do_not_finalize_the_parents_garbage(tmp_path: Any) -> None:
    marker = tmp_path / "finalized"
    gc.collect()
    gc.disable()  # keep the trap uncollected in the parent until the workers forked
    try:
        _Trap(marker)  # garbage at once: a cycle only the collector can free
        loader = fud.DataLoader(_Items(), batch_size=2, num_workers=2,
                                worker_init_fn=_collect_in_worker)  # fmt: skip
        assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4, 5], [6, 7]]
        assert not marker.exists(), "a forked worker collected the parent's garbage"
    finally:
        gc.enable()
    gc.collect()
    assert marker.read_text().split() == [str(os.getpid())]  # the parent does
