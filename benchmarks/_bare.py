"""The bare executable of a compiled step, called without our Python around it.

Used to measure our per-call wrapper cost (guard check, state gathering and
write-back) as the difference between a ``compile``d call and this.
"""

from __future__ import annotations

from typing import Any


def bare_executable(program: Any, args: list[Any]) -> Any:
    """A no-argument callable running ``program``'s executable on private state copies.

    It feeds each call's new state arrays into the next call as the wrapper does, but
    touches no Tensor. Returns the step's first output array. A program whose small
    state travels packed (``transforms/_packed.py``) is fed its packed buffers.
    """
    written = [t._data.copy() for t in program.written_first]
    read = [t._data for t in program.read_in]
    if program.packing is not None:
        state = {"written": program.packing.pack_now(written)}

        def call_packed() -> Any:
            state["written"], _, out = program.jitted(state["written"], read, args)
            return out[0]

        return call_packed
    state = {"written": written}
    # Which output feeds each input next time: that of the input's first tensor.
    feeds: dict[int, int] = {}
    for slot_in, slot_out in zip(program.in_slots, program.out_slots):
        feeds.setdefault(slot_in, slot_out)
    first_out = [feeds[i] for i in range(len(program.written_first))]

    def call() -> Any:
        new, _, out = program.jitted(state["written"], read, args)
        state["written"] = [new[i] for i in first_out]
        return out[0]

    return call
