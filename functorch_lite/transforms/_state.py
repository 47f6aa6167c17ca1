"""Discovering the state a stateful step touches (ARCHITECTURE §3).

A ``Recorder`` is installed as the core's ``StateObserver`` while a step runs. It
collects the Tensors that existed before the call and were read or written (parameters,
buffers, optimizer moments, the generator key...), the tensors whose ``.grad`` slot was
read or written, and the stateful objects that took part (modules, optimizers).

Run eagerly once, it finds the state (and lets lazily created state, such as Adam's
moments, come into being). While tracing, it checks that no state was missed: a read of a
pre-existing tensor that is not an input raises ``MissedState`` and the trace restarts
with that tensor added.
"""

from __future__ import annotations

from typing import Any

from .. import _tensor
from .._tensor import StateObserver, Tensor, ViewTensor


class MissedState(Exception):
    """Pre-existing tensors were touched during a trace without being state inputs."""

    def __init__(self, tensors: list[Tensor], grad_slots: list[Tensor],
                 written: set[int]) -> None:  # fmt: skip
        super().__init__("state discovered during tracing")
        self.tensors = tensors
        self.grad_slots = grad_slots
        #: ids of the missed tensors the trace wrote (the others are read-only inputs).
        self.written = written


def _root(t: Tensor) -> Tensor:
    return t._root if isinstance(t, ViewTensor) else t


class Recorder(StateObserver):
    """Records state reads/writes; in ``strict`` mode, unknown state raises."""

    def __init__(
        self, known: set[int] | None = None, known_grads: set[int] | None = None
    ) -> None:  # noqa: E501
        self.start = next(_tensor._serials)
        self.known = known
        self.known_grads = known_grads
        self.tensors: dict[int, Tensor] = {}
        self.written: dict[int, Tensor] = {}
        self.grad_slots: dict[int, Tensor] = {}
        self.participants: dict[int, Any] = {}
        self.missed: dict[int, Tensor] = {}
        self.missed_written: set[int] = set()
        self.missed_slots: dict[int, Tensor] = {}
        self._snapshots: list[tuple[Any, ...]] = []
        self._grad_snapshots: list[tuple[Tensor, Any]] = []

    def restore_missed(self) -> None:
        """Undo what a discarded trace did to tensors that were not state inputs."""
        for t, data, node, idx, rg, ver in self._snapshots:
            t._data, t._node, t._out_idx, t._requires_grad, t._version = (
                data,
                node,
                idx,
                rg,
                ver,
            )
        for t, g in self._grad_snapshots:
            t._grad = g

    def check_complete(self) -> None:
        """Raise ``MissedState`` listing every state input the trace lacked."""
        if self.missed or self.missed_slots:
            raise MissedState(
                list(self.missed.values()),
                list(self.missed_slots.values()),
                self.missed_written,
            )

    def _touch(self, t: Tensor, write: bool) -> None:
        t = _root(t)
        if t._serial >= self.start:
            return
        if self.known is not None and id(t) not in self.known:
            # Keep tracing (the value is used as a constant in a trace that will be
            # discarded) so that one restart picks up every missed tensor at once.
            if id(t) not in self.missed:
                self.missed[id(t)] = t
                self._snapshots.append(
                    (t, t._data, t._node, t._out_idx, t._requires_grad, t._version)
                )  # noqa: E501
            if write:
                self.missed_written.add(id(t))
            return
        self.tensors[id(t)] = t
        if write:
            self.written[id(t)] = t

    def read(self, t: Tensor) -> None:
        self._touch(t, False)

    def write(self, t: Tensor) -> None:
        self._touch(t, True)

    def _slot(self, t: Tensor) -> None:
        if t._serial >= self.start:
            return
        if self.known_grads is not None and id(t) not in self.known_grads:
            if id(t) not in self.missed_slots:
                self.missed_slots[id(t)] = t
                self._grad_snapshots.append((t, t._grad))
            return
        self.grad_slots[id(t)] = t

    def read_grad(self, t: Tensor) -> None:
        self._slot(t)

    def write_grad(self, t: Tensor) -> None:
        self._slot(t)

    def participate(self, obj: Any) -> None:
        self.participants[id(obj)] = obj


class observing:  # noqa: N801
    """Install a recorder as the core's observer for the duration of a block."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def __enter__(self) -> Recorder:
        self.prev = _tensor.observer
        _tensor.observer = self.recorder
        return self.recorder

    def __exit__(self, *exc: Any) -> None:
        _tensor.observer = self.prev
