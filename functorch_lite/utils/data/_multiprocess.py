"""The multi-process DataLoader iterator (``_MultiProcessingDataLoaderIter``).

Protocol, as PyTorch's: the main process walks the sampler and hands task
``(send_idx, indices)`` to the workers round-robin, keeping ``prefetch_factor`` tasks
per worker in flight; workers answer ``(send_idx, batch)`` on one shared result queue;
the main process returns batches in ``send_idx`` order, caching early arrivals.
Batches arrive as NumPy-level structures (see ``_worker``) and become Tensors here.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import queue
import time
import warnings
from collections.abc import Iterator
from typing import Any

from ._collate import to_tensors
from ._dataloader import BaseDataLoaderIter, DataLoader
from ._dataset import prepare_for_fork
from ._worker import (
    STATUS_CHECK_INTERVAL,
    ExceptionWrapper,
    IterableDatasetStopIteration,
    ResumeIteration,
    worker_loop,
)


@contextlib.contextmanager
def _frozen_heap(forking: bool) -> Iterator[None]:
    """Fork with the parent's objects frozen, so the child's GC never collects them.

    Garbage the parent has not collected yet (cycles holding ``jax.Array``s, say) is
    copied into a forked worker; collecting it there would run buffer destructors
    that call into XLA, whose locks may have been held by one of the parent's threads
    at the fork — a deadlock. ``gc.freeze()`` before ``fork()`` is the remedy Python's
    ``gc`` documentation gives; the parent unfreezes right after.
    """
    if not forking:
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class MultiProcessingDataLoaderIter(BaseDataLoaderIter):
    def __init__(self, loader: DataLoader[Any]) -> None:
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor or 0
        self._timeout = loader.timeout
        self._persistent_workers = loader.persistent_workers
        ctx = loader._mp_context()
        jax_free = ctx.get_start_method() == "fork"
        if jax_free:
            prepare_for_fork(self._dataset)
        self._shutdown = False
        self._data_queue = ctx.Queue()
        self._index_queues: list[Any] = []
        self._workers: list[Any] = []
        for i in range(self._num_workers):
            index_queue = ctx.Queue()
            # Never block the main process's exit on undelivered indices.
            index_queue.cancel_join_thread()
            w = ctx.Process(
                target=worker_loop,
                args=(
                    self._dataset_kind,
                    self._dataset,
                    index_queue,
                    self._data_queue,
                    self._auto_collation,
                    self._collate_fn,
                    self._drop_last,
                    self._base_seed,
                    loader.worker_init_fn,
                    i,
                    self._num_workers,
                    jax_free,
                ),
                daemon=True,
            )
            with warnings.catch_warnings(), _frozen_heap(jax_free):
                # JAX warns on every fork; our forked workers never run JAX.
                warnings.filterwarnings("ignore", message=r"os\.fork\(\) was called")
                w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._reset(loader, first_iter=True)

    def _reset(self, loader: DataLoader[Any], first_iter: bool = False) -> None:
        self._reset_sampler(loader)
        self._send_idx = 0  # next task to send
        self._rcvd_idx = 0  # next task to return
        # task idx -> (worker_id,) while in flight, (worker_id, data) once arrived
        self._task_info: dict[int, tuple[Any, ...]] = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # Persistent workers: drain the previous epoch's results (each worker
            # echoes ResumeIteration after everything it sent before).
            for q in self._index_queues:
                q.put(ResumeIteration())
            pending = self._num_workers
            while pending > 0:
                idx, _ = self._get_data()
                if isinstance(idx, ResumeIteration):
                    pending -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self) -> None:
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker_id = next(self._worker_cycle)
            if self._workers_status[worker_id]:
                break
        else:
            return  # every worker is exhausted (IterableDataset)
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _next_data(self) -> Any:
        while True:
            # Skip tasks of workers that ran dry and will never answer.
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (
                    len(info) == 2 or self._workers_status[info[0]]
                ):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                _, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data)
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if isinstance(data, IterableDatasetStopIteration):
                self._mark_worker_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                self._task_info[idx] += (data,)
            else:
                del self._task_info[idx]
                self._rcvd_idx += 1
                return self._process_data(data)

    def _process_data(self, data: Any) -> Any:
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return to_tensors(data)

    def _get_data(self) -> tuple[Any, Any]:
        if self._timeout > 0:
            ok, data = self._try_get_data(self._timeout)
            if not ok:
                raise RuntimeError(
                    f"DataLoader timed out after {self._timeout} seconds"
                )
            return data
        while True:
            ok, data = self._try_get_data(STATUS_CHECK_INTERVAL)
            if ok:
                return data

    def _try_get_data(self, timeout: float) -> tuple[bool, Any]:
        try:
            return True, self._data_queue.get(timeout=timeout)
        except queue.Empty:
            failed = [
                w
                for i, w in enumerate(self._workers)
                if self._workers_status[i] and not w.is_alive()
            ]
            if failed:
                pids = ", ".join(str(w.pid) for w in failed)
                self._shutdown_workers()
                raise RuntimeError(
                    f"DataLoader worker (pid(s) {pids}) exited unexpectedly"
                ) from None
            return False, None

    def _mark_worker_unavailable(self, worker_id: int) -> None:
        if self._persistent_workers:
            # Keep it alive for the next epoch; it just gets no more tasks now.
            self._workers_status[worker_id] = False
            return
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self, grace: float = STATUS_CHECK_INTERVAL) -> None:
        """Ask every worker to exit; terminate those still running after ``grace`` s."""
        if self._shutdown:
            return
        self._shutdown = True
        for q in self._index_queues:
            q.put(None)
        deadline = time.monotonic() + grace
        for w in self._workers:
            w.join(timeout=max(0.0, deadline - time.monotonic()))
        for w in self._workers:
            if w.is_alive():
                w.terminate()
                w.join(timeout=1.0)
        for q in self._index_queues:
            q.close()
        self._data_queue.cancel_join_thread()
        self._data_queue.close()

    def __del__(self) -> None:
        # Nobody waits for these workers' output any more; and when the iterator dies
        # in cyclic GC its queues may already be finalized, so that the exit request
        # never arrives: do not wait long before terminating. (Interpreter shutdown
        # may have torn the queues down already: ignore errors.)
        with contextlib.suppress(Exception):
            self._shutdown_workers(grace=1.0)
