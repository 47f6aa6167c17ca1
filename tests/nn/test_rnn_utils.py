"""``nn.utils.rnn`` against ``torch.nn.utils.rnn``: padding, packing, unpacking,
their gradients and PyTorch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.utils.rnn as tu
from _seq_parity import as_np, randn

import functorch_lite as ft
import functorch_lite.nn.utils.rnn as fu


def _assert_packed_equal(a: fu.PackedSequence, b: tu.PackedSequence) -> None:
    np.testing.assert_array_equal(as_np(a.data), as_np(b.data))
    np.testing.assert_array_equal(a.batch_sizes.numpy(), b.batch_sizes.numpy())
    assert a.batch_sizes.dtype == ft.int64
    for x, y in ((a.sorted_indices, b.sorted_indices),
                 (a.unsorted_indices, b.unsorted_indices)):  # fmt: skip
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_array_equal(x.numpy(), y.numpy())


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize(("lengths", "enforce_sorted"),
                         [([5, 3, 2], True), ([2, 5, 3], False)])  # fmt: skip
def test_pack_pad_roundtrip_matches_torch(batch_first: bool, lengths: list[int],
                                          enforce_sorted: bool) -> None:  # fmt: skip
    x = randn(3, 5, 2) if batch_first else randn(5, 3, 2)
    xo, xt = ft.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    po = fu.pack_padded_sequence(xo, lengths, batch_first, enforce_sorted)
    pt = tu.pack_padded_sequence(xt, torch.tensor(lengths), batch_first, enforce_sorted)
    _assert_packed_equal(po, pt)
    pad_o, len_o = fu.pad_packed_sequence(
        po, batch_first, padding_value=-1.0, total_length=7
    )
    pad_t, len_t = tu.pad_packed_sequence(
        pt, batch_first, padding_value=-1.0, total_length=7
    )
    np.testing.assert_array_equal(as_np(pad_o), as_np(pad_t))
    np.testing.assert_array_equal(len_o.numpy(), len_t.numpy())
    cot = randn(*pad_t.shape, seed=1)
    (pad_o * ft.tensor(cot)).sum().backward()
    (pad_t * torch.tensor(cot)).sum().backward()
    np.testing.assert_array_equal(as_np(xo.grad), as_np(xt.grad))


@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence_matches_torch(padding_side: str, batch_first: bool) -> None:
    seqs = [randn(n, 3, seed=n) for n in (2, 4, 3)]
    ours = [ft.tensor(s, requires_grad=True) for s in seqs]
    theirs = [torch.tensor(s, requires_grad=True) for s in seqs]
    a = fu.pad_sequence(ours, batch_first, 9.0, padding_side)
    b = tu.pad_sequence(theirs, batch_first, 9.0, padding_side)
    np.testing.assert_array_equal(as_np(a), as_np(b))
    cot = randn(*b.shape, seed=5)
    (a * ft.tensor(cot)).sum().backward()
    (b * torch.tensor(cot)).sum().backward()
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(as_np(o.grad), as_np(t.grad))


def test_pack_sequence_unpack_and_unpad() -> None:
    seqs = [randn(n, 2, seed=n) for n in (2, 4, 3)]
    po = fu.pack_sequence([ft.tensor(s) for s in seqs], enforce_sorted=False)
    pt = tu.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    _assert_packed_equal(po, pt)
    for got, want in zip(fu.unpack_sequence(po), seqs):
        np.testing.assert_array_equal(as_np(got), want)
    padded = fu.pad_sequence([ft.tensor(s) for s in seqs], batch_first=True)
    for got, want in zip(fu.unpad_sequence(padded, [2, 4, 3], batch_first=True), seqs):
        np.testing.assert_array_equal(as_np(got), want)
    assert po.to(ft.float64).data.dtype == ft.float64
    assert isinstance(po, tuple) and po._fields == pt._fields


def test_errors_match_torch() -> None:
    x = ft.zeros(5, 3, 2)
    with pytest.raises(RuntimeError, match="`lengths` array must be sorted in decreasing "
                       "order when `enforce_sorted` is True"):  # fmt: skip
        fu.pack_padded_sequence(x, [2, 5, 3])
    with pytest.raises(
        RuntimeError, match="Length of all samples has to be greater than 0"
    ):
        fu.pack_padded_sequence(x, [5, 3, 0])
    packed = fu.pack_padded_sequence(x, [5, 3, 2])
    with pytest.raises(ValueError, match="Expected total_length to be at least the length "
                       "of the longest sequence in input, but got total_length=4 and max "
                       "sequence length being 5"):  # fmt: skip
        fu.pad_packed_sequence(packed, total_length=4)
    with pytest.raises(
        ValueError, match="Expected padding_side to be one of left or right"
    ):
        fu.pad_sequence([x[0]], padding_side="middle")
