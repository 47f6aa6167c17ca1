"""``torch.nn.utils.rnn``: padding and packing of variable-length sequences.

A ``PackedSequence`` stores the time-major concatenation of a batch's valid steps
(``data``) with ``batch_sizes[t]`` = how many sequences are longer than ``t``. The
layout (which padded slot each packed row comes from) depends only on the lengths, so
it is computed on the host with numpy and every conversion is one gather Op, which JAX
differentiates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ..._ops._dispatch import Op
from ..._tensor import Tensor

__all__ = [
    "PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
    "unpad_sequence", "pack_sequence", "unpack_sequence", "invert_permutation",
]  # fmt: skip

_UNSORTED = (
    "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
    "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
    "to sidestep this requirement if you do not need ONNX exportability."
)


def _host_ints(x: Any, what: str) -> np.ndarray:
    """Concrete int64 values of ``x`` (lengths live on the host, as in PyTorch)."""
    data = x.jax() if isinstance(x, Tensor) else x
    if isinstance(data, jax.core.Tracer):
        raise RuntimeError(
            f"{what} must be known when the sequence is packed, but it is being traced "
            "(inside jit/vmap). Pass the lengths as a Python list or a tensor created "
            "outside the transformed function."
        )
    return np.asarray(data).astype(np.int64).reshape(-1)


def _host_tensor(values: np.ndarray) -> Tensor:
    """An index tensor with concrete values even while a step is being traced: lengths
    and permutations decide shapes, so they must stay known (like PyTorch's CPU
    ``batch_sizes``)."""
    with jax.ensure_compile_time_eval():
        return Tensor(jnp.asarray(values))


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse of an index permutation (``None`` stays ``None``)."""
    if permutation is None:
        return None
    p = _host_ints(permutation, "permutation")
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size, dtype=np.int64)
    return _host_tensor(inv)


class _Layout(NamedTuple):
    """Where the packed rows sit in a time-major ``(T, B)`` grid."""

    pad_index: np.ndarray  # (T, B): packed row of each slot, or N for padding
    packed_index: np.ndarray  # (N,): flat slot t * B + b of each packed row
    lengths: np.ndarray  # (B,) in sorted order


def packed_layout(batch_sizes: Any) -> _Layout:
    """The gather indices between packed data and a ``(T, B, *)`` padded grid."""
    bs = _host_ints(batch_sizes, "batch_sizes")
    n_t, n_b = bs.size, int(bs[0]) if bs.size else 0
    valid = np.arange(n_b)[None, :] < bs[:, None]
    flat = valid.reshape(-1)
    n = int(flat.sum())
    pad_index = np.where(valid, np.cumsum(flat).reshape(n_t, n_b) - 1, n)
    return _Layout(pad_index.astype(np.int32), np.flatnonzero(flat).astype(np.int32),
                   valid.sum(axis=0).astype(np.int64))  # fmt: skip


def _gather_padded(data, index, *, value):  # type: ignore[no-untyped-def]
    # Row N of the extended data is the padding value.
    fill = jnp.full((1,) + data.shape[1:], value, data.dtype)
    return jnp.concatenate([data, fill])[index]


def _gather_rows(x, index, *, lead):  # type: ignore[no-untyped-def]
    # `lead` leading dims of x are flattened into rows before the gather.
    return x.reshape((-1,) + x.shape[lead:])[index]


_pad_op = Op("pad_packed", _gather_padded, saves_inputs=False)
_pack_op = Op("pack_padded", _gather_rows, saves_inputs=False)


class PackedSequence(NamedTuple):
    """``torch.nn.utils.rnn.PackedSequence``: a batch of variable-length sequences.

    Fields: ``data`` (all valid steps, time-major), ``batch_sizes`` (int64, one per
    time step), ``sorted_indices`` / ``unsorted_indices`` (the permutation to and from
    decreasing-length order, ``None`` when the batch was already sorted).
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """Move/cast ``data`` (indices stay int64 on the host, as in PyTorch)."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def cpu(self) -> PackedSequence:
        return self.to("cpu")

    def float(self) -> PackedSequence:
        return self._replace(data=self.data.float())

    def double(self) -> PackedSequence:
        return self._replace(data=self.data.double())

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def pack_padded_sequence(
    input: Tensor,
    lengths: Tensor | Sequence[int],
    batch_first: bool = False,
    enforce_sorted: bool = True,
) -> PackedSequence:
    """``pack_padded_sequence``: pack a padded ``(T, B, *)`` (or ``(B, T, *)``) batch.

    With ``enforce_sorted`` the lengths must be decreasing; otherwise the batch is
    sorted here and ``sorted_indices``/``unsorted_indices`` record the permutation.
    """
    lens = _host_ints(lengths, "lengths")
    if lens.size and lens.min() <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0"
        )
    if enforce_sorted:
        if np.any(np.diff(lens) > 0):
            raise RuntimeError(_UNSORTED)
        order = None
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
    batch_dim = 0 if batch_first else 1
    if input.shape[batch_dim] != lens.size:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} "
            f"(batch_size={input.shape[batch_dim]})"
        )
    if lens.size and lens[0] > input.shape[1 - batch_dim]:
        raise RuntimeError(
            f"the length of the longest sequence ({lens[0]}) is larger than the "
            f"sequence dimension of the input ({input.shape[1 - batch_dim]})"
        )
    n_t = int(lens[0]) if lens.size else 0
    batch_sizes = (lens[None, :] > np.arange(n_t)[:, None]).sum(axis=1)
    layout = packed_layout(batch_sizes)
    # Flat slot of packed row (t, b) in the input's own (T, B) or (B, T) grid, with
    # the batch permutation applied.
    t_idx, b_idx = np.divmod(layout.packed_index.astype(np.int64), lens.size)
    src_b = b_idx if order is None else order[b_idx]
    n_cols = input.shape[1]
    flat = src_b * n_cols + t_idx if batch_first else t_idx * n_cols + src_b
    data = _pack_op(input, jnp.asarray(flat.astype(np.int32)), lead=2)
    sorted_t = None if order is None else _host_tensor(order.astype(np.int64))
    return PackedSequence(data, _host_tensor(batch_sizes.astype(np.int64)),
                          sorted_t, invert_permutation(sorted_t))  # fmt: skip


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """``pad_packed_sequence``: the inverse of packing.

    Returns:
        ``(padded (T, B, *) or (B, T, *), lengths (B,) int64)`` in the batch's original
        order; ``T`` is ``total_length`` when given.
    """
    layout = packed_layout(sequence.batch_sizes)
    n_t, n_b = layout.pad_index.shape
    index = layout.pad_index
    if total_length is not None:
        if total_length < n_t:
            raise ValueError(
                "Expected total_length to be at least the length of the longest "
                f"sequence in input, but got total_length={total_length} and max "
                f"sequence length being {n_t}"
            )
        n_pad = sequence.data.shape[0]
        index = np.concatenate(
            [index, np.full((total_length - n_t, n_b), n_pad, index.dtype)]
        )
    lengths = layout.lengths
    if sequence.unsorted_indices is not None:
        unsorted = _host_ints(sequence.unsorted_indices, "unsorted_indices")
        index = index[:, unsorted]
        lengths = lengths[unsorted]
    if batch_first:
        index = index.T
    padded = _pad_op(sequence.data, jnp.asarray(np.ascontiguousarray(index)),
                     value=float(padding_value))  # fmt: skip
    return padded, _host_tensor(lengths)


def _pad_seqs(*seqs, batch_first, value, left, n_t):  # type: ignore[no-untyped-def]
    out = []
    for s in seqs:
        pad = [(n_t - s.shape[0], 0) if left else (0, n_t - s.shape[0])]
        out.append(jnp.pad(s, pad + [(0, 0)] * (s.ndim - 1), constant_values=value))
    return jnp.stack(out, axis=0 if batch_first else 1)


_pad_seq_op = Op("pad_sequence", _pad_seqs, saves_inputs=False)


def pad_sequence(
    sequences: Tensor | Sequence[Tensor],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """``pad_sequence``: stack ``(L_i, *)`` tensors into ``(T, B, *)`` (``(B, T, *)``
    with ``batch_first``), padding to the longest on ``padding_side``."""
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    seqs = list(sequences.unbind(0) if isinstance(sequences, Tensor) else sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    trailing = seqs[0].shape[1:]
    for s in seqs:
        if s.shape[1:] != trailing:
            raise RuntimeError(
                "The size of the trailing dimensions of every sequence must match: got "
                f"{list(trailing)} and {list(s.shape[1:])}"
            )
    n_t = max(s.shape[0] for s in seqs)
    return _pad_seq_op(*seqs, batch_first=bool(batch_first), value=float(padding_value),
                       left=padding_side == "left", n_t=n_t)  # fmt: skip


def unpad_sequence(
    padded_sequences: Tensor, lengths: Tensor | Sequence[int], batch_first: bool = False
) -> list[Tensor]:
    """``unpad_sequence``: the list of ``(L_i, *)`` tensors of a padded batch."""
    lens = _host_ints(lengths, "lengths")
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i, : int(n)] for i, n in enumerate(lens)]  # type: ignore[index]


def pack_sequence(
    sequences: Sequence[Tensor], enforce_sorted: bool = True
) -> PackedSequence:
    """``pack_sequence``: pack a list of ``(L_i, *)`` tensors."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)  # fmt: skip


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """``unpack_sequence``: the list of ``(L_i, *)`` tensors of a packed batch."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
