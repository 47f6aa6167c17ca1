"""RNN/LSTM/GRU and their cells against ``torch.nn`` with copied weights: outputs,
final states, and gradients of inputs, initial states and every parameter; packed
sequences; train-mode dropout; errors; one compiled program under ``jit``."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.utils.rnn as tu
from _seq_parity import GRAD, as_np, check, randn

import functorch_lite as ft
import functorch_lite.nn as R
import functorch_lite.nn.utils.rnn as fu
from functorch_lite.nn import Module
from functorch_lite.transforms import jit

T, N, I, H = 6, 3, 4, 5  # noqa: E741  (PyTorch docs: L, N, H_in, H)


class _WithState(Module):
    """Calls an LSTM with ``(h0, c0)`` given as separate inputs (for ``check``)."""

    def __init__(self, m: Any) -> None:
        super().__init__()
        self.m = m

    def forward(self, x: Any, h: Any, c: Any) -> Any:
        return self.m(x, (h, c))


class _TorchWithState(torch.nn.Module):
    def __init__(self, m: Any) -> None:
        super().__init__()
        self.m = m

    def forward(self, x: Any, h: Any, c: Any) -> Any:
        return self.m(x, (h, c))


# (class, kwargs, also check the zero-initial-state path). Each configuration costs
# an XLA compile of its scans and their VJP, so the list covers the options without
# repeating them: every cell type, both nonlinearities, bias off, 1-3 layers,
# bidirectional, batch_first, proj_size and (eval-mode) dropout.
STACKS: list[tuple[str, dict[str, Any], bool]] = [
    ("RNN", {}, True),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2, "bias": False}, False),
    ("GRU", {"num_layers": 2, "bidirectional": True, "batch_first": True}, False),
    ("LSTM", {}, True),
    (
        "LSTM",
        {"num_layers": 2, "bidirectional": True, "batch_first": True, "dropout": 0.5},
        False,
    ),  # fmt: skip
    ("LSTM", {"proj_size": 2, "bidirectional": True}, False),
]


def _make(name: str, kw: dict[str, Any]) -> tuple[Any, Any]:
    theirs = getattr(torch.nn, name)(I, H, **kw).eval()
    ours = getattr(R, name)(I, H, **kw).eval()
    return ours, theirs


def _states(
    kw: dict[str, Any], batch: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    n = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    h0 = randn(n, *batch, kw.get("proj_size") or H, seed=1)
    c0 = randn(n, *batch, H, seed=2)
    return h0, c0


@pytest.mark.parametrize(("name", "kw", "zero_state"), STACKS,
                         ids=[f"{n}-{k}" for n, k, _ in STACKS])  # fmt: skip
def test_stack_matches_torch(name: str, kw: dict[str, Any], zero_state: bool) -> None:
    ours, theirs = _make(name, kw)
    x = randn(N, T, I) if kw.get("batch_first") else randn(T, N, I)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: "LSTM with projections ... oneDNN"
        if zero_state:
            check(ours, theirs, [x])
        h0, c0 = _states(kw, (N,))
        if name == "LSTM":
            check(_WithState(ours), _TorchWithState(theirs), [x, h0, c0], seed=1)
        else:
            check(ours, theirs, [x, h0], seed=1)


@pytest.mark.parametrize("name", ["GRU", "LSTM"])
def test_unbatched_input(name: str) -> None:
    kw = {"bidirectional": True}
    ours, theirs = _make(name, kw)
    x = randn(T, I)
    h0, c0 = _states(kw, ())
    if name == "LSTM":
        check(_WithState(ours), _TorchWithState(theirs), [x, h0, c0])
    else:
        check(ours, theirs, [x, h0])


def test_state_dict_keys_and_init_range() -> None:
    ours, theirs = _make(
        "LSTM", {"num_layers": 2, "bidirectional": True, "proj_size": 3}
    )
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert tuple(p.shape) == tuple(q.shape), n
        assert np.abs(as_np(p)).max() <= 1 / np.sqrt(H), n  # U(-1/sqrt(H), 1/sqrt(H))
    assert repr(ours) == repr(theirs)
    assert repr(R.GRU(I, H, 2, batch_first=True)) == repr(
        torch.nn.GRU(I, H, 2, batch_first=True)
    )


@pytest.mark.parametrize(("name", "enforce_sorted", "lengths"),
                         [("LSTM", False, [3, 6, 1]), ("GRU", True, [6, 4, 2])])  # fmt: skip
def test_packed_sequence_matches_torch(name: str, enforce_sorted: bool,
                                       lengths: list[int]) -> None:  # fmt: skip
    kw = {"num_layers": 2 if name == "LSTM" else 1, "bidirectional": True}
    ours, theirs = _make(name, kw)
    ours.load_state_dict(theirs.state_dict())
    x, (h0, c0) = randn(T, N, I), _states(kw, (N,))
    xo, xt = ft.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ho, ht = ft.tensor(h0, requires_grad=True), torch.tensor(h0, requires_grad=True)
    po = fu.pack_padded_sequence(xo, lengths, enforce_sorted=enforce_sorted)
    pt = tu.pack_padded_sequence(
        xt, torch.tensor(lengths), enforce_sorted=enforce_sorted
    )
    if name == "LSTM":
        out_o, (hn_o, cn_o) = ours(po, (ho, ft.tensor(c0)))
        out_t, (hn_t, cn_t) = theirs(pt, (ht, torch.tensor(c0)))
        np.testing.assert_allclose(as_np(cn_o), as_np(cn_t), **GRAD)
    else:
        out_o, hn_o = ours(po, ho)
        out_t, hn_t = theirs(pt, ht)
    assert isinstance(out_o, fu.PackedSequence)
    np.testing.assert_array_equal(out_o.batch_sizes.numpy(), out_t.batch_sizes.numpy())
    np.testing.assert_allclose(as_np(out_o.data), as_np(out_t.data), **GRAD)
    np.testing.assert_allclose(as_np(hn_o), as_np(hn_t), **GRAD)
    pad_o, len_o = fu.pad_packed_sequence(out_o, batch_first=True)
    pad_t, len_t = tu.pad_packed_sequence(out_t, batch_first=True)
    np.testing.assert_array_equal(len_o.numpy(), len_t.numpy())
    np.testing.assert_allclose(as_np(pad_o), as_np(pad_t), **GRAD)
    c1, c2 = randn(*pad_t.shape, seed=5), randn(*hn_t.shape, seed=6)
    ((pad_o * ft.tensor(c1)).sum() + (hn_o * ft.tensor(c2)).sum()).backward()
    ((pad_t * torch.tensor(c1)).sum() + (hn_t * torch.tensor(c2)).sum()).backward()
    np.testing.assert_allclose(as_np(xo.grad), as_np(xt.grad), **GRAD)
    np.testing.assert_allclose(as_np(ho.grad), as_np(ht.grad), **GRAD)
    ours_p = dict(ours.named_parameters())
    for n, p in theirs.named_parameters():
        np.testing.assert_allclose(
            as_np(ours_p[n].grad), as_np(p.grad), err_msg=n, **GRAD
        )


CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu", "bias": False}),
         ("GRUCell", {}), ("LSTMCell", {})]  # fmt: skip


@pytest.mark.parametrize(("name", "kw"), CELLS, ids=[f"{n}-{k}" for n, k in CELLS])
def test_cells_match_torch(name: str, kw: dict[str, Any]) -> None:
    batched = name != "GRUCell"  # one unbatched case is enough: same kernel
    theirs = getattr(torch.nn, name)(I, H, **kw)
    ours = getattr(R, name)(I, H, **kw)
    batch = (N,) if batched else ()
    x, h, c = randn(*batch, I), randn(*batch, H, seed=1), randn(*batch, H, seed=2)
    check(ours, theirs, [x])  # zero initial state
    if name == "LSTMCell":
        check(_WithState(ours), _TorchWithState(theirs), [x, h, c], seed=1)
    else:
        check(ours, theirs, [x, h], seed=1)
    assert repr(ours) == repr(theirs)


def test_dropout_between_layers_only_in_training() -> None:
    m = R.GRU(I, H, num_layers=2, dropout=0.5)
    x = ft.tensor(randn(T, N, I))
    ft.manual_seed(0)
    a = as_np(m(x)[0])
    ft.manual_seed(0)
    b = as_np(m(x)[0])
    c = as_np(m(x)[0])
    np.testing.assert_array_equal(a, b)  # same seed, same masks
    assert not np.allclose(a, c)  # a new draw on the next call
    m.eval()
    np.testing.assert_array_equal(as_np(m(x)[0]), as_np(m(x)[0]))
    assert not np.allclose(as_np(m(x)[0]), a)


def test_errors_match_torch_messages() -> None:
    lstm = R.LSTM(I, H, 2)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. "
                       "Expected 4, got 3"):  # fmt: skip
        lstm(ft.zeros(T, N, 3))
    with pytest.raises(
        RuntimeError, match=r"Expected hidden\[0\] size \(2, 3, 5\), got \[1, 3, 5\]"
    ):
        lstm(ft.zeros(T, N, I), (ft.zeros(1, N, H), ft.zeros(2, N, H)))
    with pytest.raises(
        RuntimeError, match="For unbatched 2-D input, hx should also be 2-D"
    ):
        R.GRU(I, H)(ft.zeros(T, I), ft.zeros(1, 1, H))
    with pytest.raises(
        ValueError, match="LSTM: Expected input to be 2D or 3D, got 4D instead"
    ):
        lstm(ft.zeros(1, T, N, I))
    with pytest.raises(ValueError, match="Unknown nonlinearity 'gelu'"):
        R.RNN(I, H, nonlinearity="gelu")
    with pytest.raises(
        ValueError, match="proj_size has to be smaller than hidden_size"
    ):
        R.LSTM(I, H, proj_size=H)
    with pytest.warns(
        UserWarning, match="non-zero dropout expects num_layers greater than 1"
    ):
        R.GRU(I, H, dropout=0.2)


def test_jit_training_step_equals_eager() -> None:
    m = R.LSTM(I, H, bidirectional=True)
    x = ft.tensor(randn(T, N, I))

    def step(x: Any) -> Any:
        out, (h, _) = m(fu.pack_padded_sequence(x, [6, 4, 2]))
        loss = (out.data**2).sum() + h.sum()
        loss.backward()
        return loss

    eager = step(x).item()
    g_eager = as_np(m.weight_hh_l0_reverse.grad)
    m.zero_grad()
    compiled = jit(step)
    for _ in range(2):
        m.zero_grad()
        np.testing.assert_allclose(compiled(x).item(), eager, rtol=1e-5)
        np.testing.assert_allclose(
            as_np(m.weight_hh_l0_reverse.grad), g_eager, rtol=1e-5, atol=1e-6
        )
