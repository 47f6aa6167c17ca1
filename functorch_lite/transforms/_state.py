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
    """A pre-existing tensor was touched during a trace without being a state input."""

    def __init__(self, tensor: Tensor, grad_slot: bool) -> None:
        super().__init__("state discovered during tracing")
        self.tensor = tensor
        self.grad_slot = grad_slot


def _root(t: Tensor) -> Tensor:
    return t._root if isinstance(t, ViewTensor) else t


class Recorder(StateObserver):
    """Records state reads/writes; in ``strict`` mode, unknown state raises."""

    def __init__(self, known: set[int] | None = None, known_grads: set[int] | None = None) -> None:  # noqa: E501
        self.start = next(_tensor._serials)
        self.known = known
        self.known_grads = known_grads
        self.tensors: dict[int, Tensor] = {}
        self.written: dict[int, Tensor] = {}
        self.grad_slots: dict[int, Tensor] = {}
        self.participants: dict[int, Any] = {}

    def _touch(self, t: Tensor, write: bool) -> None:
        t = _root(t)
        if t._serial >= self.start:
            return
        if self.known is not None and id(t) not in self.known:
            raise MissedState(t, grad_slot=False)
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
            raise MissedState(t, grad_slot=True)
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
