"""Worker-process side of ``DataLoader(num_workers > 0)``: ``torch.utils.data._utils.worker``.

A worker runs :func:`worker_loop`: it takes ``(task_idx, indices)`` from its own index
queue, fetches and collates the samples, and puts ``(task_idx, batch)`` on the shared
result queue. Exceptions travel back as an :class:`ExceptionWrapper` and are re-raised
in the main process with the worker's traceback, as PyTorch does.

Why workers never touch JAX: JAX runs its own thread pools, and a process forked from a
process where JAX is initialised inherits those pools dead — any new JAX computation in
the child deadlocks (measured: every time, jax 0.10 on CPU). So a forked worker works at
the numpy level only: collation produces numpy arrays (:class:`~._collate` marks them
for conversion) and the main process turns each finished batch into Tensors.
"""

from __future__ import annotations

import os
import queue
import random
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["WorkerInfo", "get_worker_info"]

# How often a blocked worker wakes up to check that its parent is still alive.
STATUS_CHECK_INTERVAL = 5.0
# A forked worker stuck this long inside JAX is deadlocked (see module docstring).
JAX_HANG_SECONDS = 5.0

JAX_IN_FORKED_WORKER = (
    "DataLoader worker process {worker_id} has been stuck for {seconds:.0f} s inside "
    "JAX. JAX cannot run in a worker forked from a process where JAX is running (it "
    "deadlocks), so workers are forked to work in NumPy only. Either return NumPy "
    "arrays / Python numbers from the dataset (collation turns them into Tensors in "
    "the main process), or pass multiprocessing_context='spawn' (or 'forkserver') to "
    "DataLoader so that workers are fresh processes that may use functorch_lite."
)


class WorkerInfo:
    """Information about the current worker process (``torch.utils.data.WorkerInfo``).

    Attributes:
        id: this worker's index, in ``[0, num_workers)``.
        num_workers: total number of workers of the DataLoader.
        seed: the random seed of this worker (``base_seed + id``); Python's ``random``
            and NumPy's global generator are seeded from it.
        dataset: this worker's copy of the dataset.
    """

    __initialized = False

    def __init__(self, **kwargs: Any) -> None:
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key: str, val: Any) -> None:
        if self.__initialized:
            raise RuntimeError(
                f"Cannot assign attributes to {self.__class__.__name__} objects"
            )
        super().__setattr__(key, val)

    def __repr__(self) -> str:
        items = [f"{k}={getattr(self, k)}" for k in self.__keys]
        return f"{self.__class__.__name__}({', '.join(items)})"


_worker_info: WorkerInfo | None = None
# True in a *forked* worker: JAX must not run here (see module docstring).
_jax_free = False


def get_worker_info() -> WorkerInfo | None:
    """Return this worker's :class:`WorkerInfo`, or ``None`` in the main process.

    Mirrors ``torch.utils.data.get_worker_info``: use it in ``worker_init_fn`` or in an
    ``IterableDataset.__iter__`` to give each worker its own shard of the data.
    """
    return _worker_info


def in_jax_free_worker() -> bool:
    """Whether this process is a forked DataLoader worker (no JAX allowed)."""
    return _jax_free


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its traceback."""

    def __init__(self, exc_info: Any, where: str) -> None:
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self) -> None:
        """Raise the exception again, its message holding the original traceback."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            # KeyError renders its message with repr(): wrap it so newlines survive.
            msg = _KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            # The exception type needs other constructor arguments: fall back, as
            # PyTorch does, to a RuntimeError that still carries the traceback.
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            # A local naming the exception would form a cycle through its traceback,
            # and cyclic GC finalizes the loader's queues before the iterator's
            # ``__del__`` can tell the workers to stop.
            del exception


class _KeyErrorMessage(str):
    def __repr__(self) -> str:
        return self


class _JaxHangWatchdog:
    """Turns a forked worker's deadlock inside JAX into an error instead of a hang.

    A daemon thread samples the worker's main thread once a second; a fetch that has
    run ``JAX_HANG_SECONDS`` with JAX on its stack is reported to the main process as
    a ``RuntimeError`` for that task, and the worker exits. (JAX releases the GIL while
    it waits, so this thread keeps running.)
    """

    def __init__(self, data_queue: Any, worker_id: int) -> None:
        self.data_queue = data_queue
        self.worker_id = worker_id
        self.task: Any = None
        self.started = 0.0
        self.main_ident = threading.get_ident()
        threading.Thread(target=self._watch, daemon=True).start()

    def begin(self, task: Any) -> None:
        self.started = time.monotonic()
        self.task = task

    def end(self) -> None:
        self.task = None

    def _watch(self) -> None:
        while True:
            time.sleep(min(1.0, JAX_HANG_SECONDS / 2))
            task, seconds = self.task, time.monotonic() - self.started
            if task is None or seconds < JAX_HANG_SECONDS:
                continue
            frame = sys._current_frames().get(self.main_ident)
            stack = traceback.extract_stack(frame) if frame is not None else []
            if not any(f"{os.sep}jax{os.sep}" in f.filename for f in stack):
                continue
            msg = JAX_IN_FORKED_WORKER.format(worker_id=self.worker_id, seconds=seconds)
            wrapper = ExceptionWrapper(
                (RuntimeError, None, None),
                where=f"in DataLoader worker process {self.worker_id}",
            )
            # The traceback shown is where the worker is stuck, not this thread's.
            wrapper.exc_msg = (
                "Traceback (most recent call last):\n"
                + "".join(traceback.format_list(stack))
                + f"RuntimeError: {msg}\n"
            )
            self.data_queue.put((task, wrapper))
            self.data_queue.close()
            self.data_queue.join_thread()  # deliver it before exiting
            os._exit(1)


@dataclass(frozen=True)
class IterableDatasetStopIteration:
    """Sent by a worker whose ``IterableDataset`` replica is exhausted."""

    worker_id: int


@dataclass(frozen=True)
class ResumeIteration:
    """Sent to persistent workers at the start of a new epoch (then echoed back)."""


def worker_loop(
    dataset_kind: str,
    dataset: Any,
    index_queue: Any,
    data_queue: Any,
    auto_collation: bool,
    collate_fn: Callable[[Any], Any],
    drop_last: bool,
    base_seed: int,
    init_fn: Callable[[int], None] | None,
    worker_id: int,
    num_workers: int,
    jax_free: bool,
) -> None:
    """The body of one worker process (``torch.utils.data._utils.worker._worker_loop``)."""
    from ._fetch import create_fetcher

    global _worker_info, _jax_free
    try:
        _jax_free = jax_free
        seed = base_seed + worker_id
        random.seed(seed)
        # NumPy's global generator would otherwise be an identical copy in every
        # forked worker; derive its seed from (base_seed, worker_id) like PyTorch.
        np.random.seed(np.random.SeedSequence([worker_id, base_seed]).generate_state(4))
        _worker_info = WorkerInfo(
            id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset
        )
        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(
                dataset_kind, dataset, auto_collation, collate_fn, drop_last
            )
        except Exception:
            init_exception = ExceptionWrapper(
                sys.exc_info(), where=f"in DataLoader worker process {worker_id}"
            )
        iteration_end = False
        parent = os.getppid()
        watchdog = _JaxHangWatchdog(data_queue, worker_id) if jax_free else None
        while True:
            try:
                r = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                if os.getppid() != parent:  # the main process died: do not linger
                    return
                continue
            if r is None:  # the main process asks us to exit
                return
            if isinstance(r, ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                if init_exception is None:
                    fetcher = create_fetcher(
                        dataset_kind, dataset, auto_collation, collate_fn, drop_last
                    )
                continue
            if iteration_end:
                # Stale tasks sent before the main process learnt we ran dry.
                continue
            idx, index = r
            data: Any
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    if watchdog is not None:
                        watchdog.begin(idx)
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and dataset_kind == "iterable":
                        data = IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(
                            sys.exc_info(),
                            where=f"in DataLoader worker process {worker_id}",
                        )
                finally:
                    if watchdog is not None:
                        watchdog.end()
            data_queue.put((idx, data))
            del data, idx, index, r
    except KeyboardInterrupt:
        pass
    finally:
        data_queue.cancel_join_thread()
        data_queue.close()
