"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their single-step cells.

A whole layer stack is ONE Op: a pure function of ``(x, h0, c0, *weights)`` whose time
loop is one ``jax.lax.scan`` per layer and direction. Eagerly that is one compiled
call per forward (not one per step), JAX derives the backward through the scan, and
under ``jit`` the loop compiles to a single XLA while loop. The input projection
``x W_ih^T + b_ih`` of all time steps is one matmul before the scan; only the
recurrent part runs step by step.

Variable lengths (``PackedSequence`` inputs) run on the padded grid with a mask: a
sequence's state stops changing after its last step (forward direction) or starts
changing at its last step (reverse direction), which is exactly what packing means.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import jax
import jax.numpy as jnp

from .. import _random
from .._ops._dispatch import Op
from .._tensor import Tensor
from . import init
from ._linear import empty
from ._module import Module
from ._parameter import Parameter
from .functional._base import as_tensor, float_dtype
from .utils.rnn import PackedSequence, packed_layout

__all__ = [
    "RNNBase",
    "RNN",
    "LSTM",
    "GRU",
    "RNNCellBase",
    "RNNCell",
    "LSTMCell",
    "GRUCell",
]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ----------------------------------------------------------------- pure kernels
def _step(mode, xp, h, c, w_hh, b_hh, w_hr):  # type: ignore[no-untyped-def]
    """One recurrence step given the precomputed input projection ``xp``."""
    gh = jnp.matmul(h, w_hh.T)
    if b_hh is not None:
        gh = gh + b_hh
    if mode == "LSTM":
        i, f, g, o = jnp.split(xp + gh, 4, axis=-1)  # PyTorch's gate order
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h if w_hr is None else jnp.matmul(h, w_hr.T)), c
    if mode == "GRU":
        xr, xz, xn = jnp.split(xp, 3, axis=-1)
        hr, hz, hn = jnp.split(gh, 3, axis=-1)
        r = jax.nn.sigmoid(xr + hr)
        z = jax.nn.sigmoid(xz + hz)
        n = jnp.tanh(xn + r * hn)  # b_hn inside r * (...), as PyTorch
        return (h - n) * z + n, c  # = (1 - z) n + z h, ATen's operation order
    pre = xp + gh
    return (jnp.tanh(pre) if mode == "RNN_TANH" else jax.nn.relu(pre)), c


def _project(x, w, b):  # type: ignore[no-untyped-def]
    y = jnp.matmul(x, w.T)
    return y if b is None else y + b


def _stack(x, h0, c0, rng, pad_index, packed_index, lengths, *weights, mode,  # type: ignore[no-untyped-def]
           num_layers, num_dirs, has_bias, has_proj, hidden, dropout_p,
           batch_first, dtype):  # fmt: skip
    """The whole multi-layer (bi)directional recurrence; returns output, h_n[, c_n]."""
    x = x.astype(dtype)
    if pad_index is not None:  # packed rows -> (T, B, I) grid; padding rows are 0
        x = jnp.concatenate([x, jnp.zeros((1,) + x.shape[1:], dtype)])[pad_index]
    elif batch_first:
        x = jnp.swapaxes(x, 0, 1)
    n_t, batch = x.shape[0], x.shape[1]
    per = 2 + 2 * has_bias + has_proj
    out_size = weights[1].shape[1]  # w_hh's columns: proj_size or hidden_size
    n_states = num_layers * num_dirs
    h0 = (
        jnp.zeros((n_states, batch, out_size), dtype)
        if h0 is None
        else h0.astype(dtype)
    )
    if c0 is None:
        c0 = jnp.zeros((n_states, batch, hidden), dtype)
    c0 = c0.astype(dtype)
    mask = None if lengths is None else jnp.arange(n_t)[:, None] < lengths[None, :]
    h_n, c_n = [], []
    layer_in = x
    for layer in range(num_layers):
        outs = []
        for d in range(num_dirs):
            k = layer * num_dirs + d
            w = [a.astype(dtype) for a in weights[k * per : (k + 1) * per]]
            b_ih, b_hh = (w[2], w[3]) if has_bias else (None, None)
            w_hr = w[-1] if has_proj else None
            xp = _project(layer_in, w[0], b_ih)

            def body(carry, inp, w_hh=w[1], b_hh=b_hh, w_hr=w_hr):  # type: ignore[no-untyped-def]
                h, c = carry
                xp_t, m_t = inp
                h2, c2 = _step(mode, xp_t, h, c, w_hh, b_hh, w_hr)
                if m_t is None:
                    return (h2, c2), h2
                m_t = m_t[:, None]
                h2, c2 = jnp.where(m_t, h2, h), jnp.where(m_t, c2, c)
                return (h2, c2), jnp.where(m_t, h2, jnp.zeros_like(h2))

            (h_last, c_last), ys = jax.lax.scan(
                body, (h0[k], c0[k]), (xp, mask), reverse=d == 1
            )
            outs.append(ys)
            h_n.append(h_last)
            c_n.append(c_last)
        layer_in = outs[0] if num_dirs == 1 else jnp.concatenate(outs, axis=-1)
        if dropout_p > 0.0 and layer < num_layers - 1:
            key = jax.random.fold_in(jax.random.wrap_key_data(rng), layer)
            keep = jax.random.bernoulli(key, 1.0 - dropout_p, layer_in.shape)
            scale = jnp.asarray(1.0 / (1.0 - dropout_p), dtype)
            layer_in = jnp.where(keep, layer_in * scale, jnp.zeros_like(layer_in))
    out = layer_in
    if packed_index is not None:
        out = out.reshape((n_t * batch, out.shape[-1]))[packed_index]
    elif batch_first:
        out = jnp.swapaxes(out, 0, 1)
    if mode == "LSTM":
        return out, jnp.stack(h_n), jnp.stack(c_n)
    return out, jnp.stack(h_n)


_rnn_op = Op("rnn", _stack, n_out=2, backward_name="RnnBackward0")
_lstm_op = Op("lstm", _stack, n_out=3, backward_name="LstmBackward0")


def _cell(x, h, c, w_ih, w_hh, b_ih, b_hh, *, mode, dtype):  # type: ignore[no-untyped-def]
    cast = [
        None if a is None else a.astype(dtype)
        for a in (x, h, c, w_ih, w_hh, b_ih, b_hh)
    ]
    x, h, c, w_ih, w_hh, b_ih, b_hh = cast
    h2, c2 = _step(mode, _project(x, w_ih, b_ih), h, c, w_hh, b_hh, None)
    return (h2, c2) if mode == "LSTM" else h2


_cell_op = Op("rnn_cell", _cell, backward_name="RnnCellBackward0")
_lstm_cell_op = Op("lstm_cell", _cell, n_out=2, backward_name="LstmCellBackward0")


# ----------------------------------------------------------------- stacked layers


def _reset_uniform(module: Module) -> None:
    """PyTorch's RNN init: every weight and bias ~ U(-1/sqrt(hidden), 1/sqrt(hidden))."""
    stdv = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -stdv, stdv)


class RNNBase(Module):
    """``torch.nn.RNNBase``: parameters and forward of the stacked recurrent layers.

    Parameters per layer ``k`` and direction (suffix ``_reverse`` for the backward
    one): ``weight_ih_l{k}`` ``(G*H, in)``, ``weight_hh_l{k}`` ``(G*H, H_out)``,
    ``bias_ih_l{k}``, ``bias_hh_l{k}`` ``(G*H,)`` and, for an LSTM with ``proj_size``,
    ``weight_hr_l{k}`` ``(proj_size, H)``; ``G`` is 1 (RNN), 3 (GRU) or 4 (LSTM). All
    are initialised ``U(-1/sqrt(H), 1/sqrt(H))`` like PyTorch.
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int,
                 num_layers: int = 1, bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the "
                "probability of an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so "
                "non-zero dropout expects num_layers greater than 1, but got "
                f"dropout={dropout} and num_layers={num_layers}",
                stacklevel=2,
            )
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        gate_size = _GATES[mode] * hidden_size
        num_dirs = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            for d in range(num_dirs):
                layer_in = input_size if layer == 0 else real_hidden * num_dirs
                sfx = f"_l{layer}" + ("_reverse" if d == 1 else "")
                shapes: list[tuple[str, tuple[int, ...]]] = [(f"weight_ih{sfx}", (gate_size, layer_in)),
                          (f"weight_hh{sfx}", (gate_size, real_hidden))]  # fmt: skip
                if bias:
                    shapes += [(f"bias_ih{sfx}", (gate_size,)),
                               (f"bias_hh{sfx}", (gate_size,))]  # fmt: skip
                if proj_size > 0:
                    shapes.append((f"weight_hr{sfx}", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name, Parameter(empty(shape, dtype)))
                    self._flat_weights_names.append(name)
        self.reset_parameters()
        if device is not None:
            self.to(device)

    def reset_parameters(self) -> None:
        _reset_uniform(self)

    def flatten_parameters(self) -> None:
        """No-op: there is no cuDNN weight buffer to compact."""

    @property
    def _flat_weights(self) -> list[Tensor]:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        per = len(self._flat_weights_names) // (
            self.num_layers * (2 if self.bidirectional else 1)
        )
        w = self._flat_weights
        return [w[i : i + per] for i in range(0, len(w), per)]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------- forward
    def _state_shape(self, batch: int | None, size: int) -> tuple[int, ...]:
        n = self.num_layers * (2 if self.bidirectional else 1)
        return (n, size) if batch is None else (n, batch, size)

    def _check_state(self, h: Tensor, shape: tuple[int, ...], which: str) -> None:
        if tuple(h.shape) != shape:
            raise RuntimeError(f"Expected {which} size {shape}, got {list(h.shape)}")

    def _run(self, input: Any, hx: Tensor | None, cx: Tensor | None) -> Any:
        """Shared forward; returns ``(output, h_n, c_n or None)``."""
        lstm = self.mode == "LSTM"
        name = {"LSTM": "LSTM", "GRU": "GRU"}.get(self.mode, "RNN")
        packed = isinstance(input, PackedSequence)
        sorted_idx = unsorted_idx = None
        pad_index = packed_index = lengths = None
        if packed:
            data = as_tensor(input.data)
            if data.dim() != 2:
                raise RuntimeError(f"input must have 2 dimensions, got {data.dim()}")
            layout = packed_layout(input.batch_sizes)
            pad_index, packed_index = layout.pad_index, layout.packed_index
            lengths = jnp.asarray(layout.lengths)
            pad_index, packed_index = jnp.asarray(pad_index), jnp.asarray(packed_index)
            batch: int | None = layout.pad_index.shape[1]
            sorted_idx, unsorted_idx = input.sorted_indices, input.unsorted_indices
            x = data
        else:
            x = as_tensor(input)
            if x.dim() not in (2, 3):
                kind = "tensor instead" if name == "RNN" else "instead"
                raise ValueError(
                    f"{name}: Expected input to be 2D or 3D, got {x.dim()}D {kind}"
                )
            batch = None if x.dim() == 2 else x.shape[0 if self.batch_first else 1]
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                "input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {x.shape[-1]}"
            )
        out_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        for h, what in ((hx, "hx"), (cx, "cx")):
            if h is not None and batch is None and h.dim() != 2:
                raise RuntimeError(
                    f"For unbatched 2-D input, {what} should also be 2-D but got "
                    f"{h.dim()}-D tensor"
                )
            if h is not None and batch is not None and h.dim() != 3:
                raise RuntimeError(
                    f"For batched 3-D input, {what} should also be 3-D but got "
                    f"{h.dim()}-D tensor"
                )
        if hx is not None:
            self._check_state(hx, self._state_shape(batch, out_size),
                              "hidden[0]" if lstm else "hidden")  # fmt: skip
        if cx is not None:
            self._check_state(
                cx, self._state_shape(batch, self.hidden_size), "hidden[1]"
            )
        unbatched = batch is None
        if unbatched:
            x = x.unsqueeze(1)
            hx = None if hx is None else hx.unsqueeze(1)
            cx = None if cx is None else cx.unsqueeze(1)
        if sorted_idx is not None:  # states follow the sorted batch order
            hx = None if hx is None else hx.index_select(1, sorted_idx)
            cx = None if cx is None else cx.index_select(1, sorted_idx)
        weights = self._flat_weights
        p = self.dropout if self.training and self.num_layers > 1 else 0.0
        rng = _random.key_for(None) if p > 0.0 else None
        op = _lstm_op if lstm else _rnn_op
        res = op(
            x, hx, cx, rng, pad_index, packed_index, lengths, *weights, mode=self.mode,
            num_layers=self.num_layers, num_dirs=2 if self.bidirectional else 1,
            has_bias=bool(self.bias), has_proj=self.proj_size > 0,
            hidden=self.hidden_size, dropout_p=p,
            batch_first=bool(self.batch_first) and not unbatched and not packed,
            dtype=float_dtype(x, *weights),
        )  # fmt: skip
        out, h_n = res[0], res[1]
        c_n = res[2] if lstm else None
        if unsorted_idx is not None:
            h_n = h_n.index_select(1, unsorted_idx)
            c_n = None if c_n is None else c_n.index_select(1, unsorted_idx)
        if packed:
            out = PackedSequence(out, input.batch_sizes, sorted_idx, unsorted_idx)
        elif unbatched:
            out = out.squeeze(1)
            h_n = h_n.squeeze(1)
            c_n = None if c_n is None else c_n.squeeze(1)
        return out, h_n, c_n


class RNN(RNNBase):
    """``torch.nn.RNN``: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``.

    Args:
        input_size, hidden_size: feature sizes of ``x`` and ``h``.
        num_layers: stacked layers (default 1).
        nonlinearity: ``'tanh'`` or ``'relu'``.
        bias, batch_first, dropout (between layers, train mode), bidirectional.

    Shape:
        input ``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``), ``(L, H_in)``
        unbatched, or a ``PackedSequence``; ``h_0`` ``(D*num_layers, N, H)``.
        Returns ``(output (L, N, D*H), h_n (D*num_layers, N, H))``.

    Example:
        >>> import functorch_lite as torch
        >>> rnn = torch.nn.RNN(10, 20, 2)
        >>> out, h = rnn(torch.randn(5, 3, 10))
        >>> tuple(out.shape), tuple(h.shape)
        ((5, 3, 20), (2, 3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, 0, device, dtype)  # fmt: skip

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        out, h_n, _ = self._run(input, hx, None)
        return out, h_n


class GRU(RNNBase):
    """``torch.nn.GRU``: gates ``r, z, n`` in PyTorch's order,
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) n + z h``.

    Same arguments and shapes as :class:`RNN` (no ``nonlinearity``).

    Example:
        >>> import functorch_lite as torch
        >>> gru = torch.nn.GRU(4, 6, batch_first=True, bidirectional=True)
        >>> out, h = gru(torch.randn(2, 5, 4))
        >>> tuple(out.shape), tuple(h.shape)
        ((2, 5, 12), (2, 2, 6))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, 0, device, dtype)  # fmt: skip

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        out, h_n, _ = self._run(input, hx, None)
        return out, h_n


class LSTM(RNNBase):
    """``torch.nn.LSTM``: gates ``i, f, g, o`` in PyTorch's order,
    ``c' = f c + i g``, ``h' = o tanh(c')`` (then ``h' W_hr^T`` with ``proj_size``).

    Args: as :class:`RNN` plus ``proj_size`` (0 disables the projection).

    Shape:
        Returns ``(output (L, N, D*H_out), (h_n (D*num_layers, N, H_out), c_n
        (D*num_layers, N, H)))`` with ``H_out = proj_size or hidden_size``.

    Example:
        >>> import functorch_lite as torch
        >>> lstm = torch.nn.LSTM(3, 5, proj_size=2)
        >>> out, (h, c) = lstm(torch.randn(4, 2, 3))
        >>> tuple(out.shape), tuple(h.shape), tuple(c.shape)
        ((4, 2, 2), (1, 2, 2), (1, 2, 5))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)  # fmt: skip

    def forward(
        self, input: Any, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Any, tuple[Tensor, Tensor]]:
        if hx is not None:
            if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                raise RuntimeError("LSTM expects hx to be a tuple (h_0, c_0)")
            h0, c0 = hx
        else:
            h0 = c0 = None
        out, h_n, c_n = self._run(input, h0, c0)
        return out, (h_n, c_n)


# ----------------------------------------------------------------- cells
class RNNCellBase(Module):
    """Parameters shared by the cells: ``weight_ih (G*H, in)``, ``weight_hh (G*H, H)``,
    ``bias_ih``, ``bias_hh (G*H,)``, initialised ``U(-1/sqrt(H), 1/sqrt(H))``."""

    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), dtype))
        self.weight_hh = Parameter(
            empty((num_chunks * hidden_size, hidden_size), dtype)
        )
        if bias:
            self.bias_ih = Parameter(empty((num_chunks * hidden_size,), dtype))
            self.bias_hh = Parameter(empty((num_chunks * hidden_size,), dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()
        if device is not None:
            self.to(device)

    def reset_parameters(self) -> None:
        _reset_uniform(self)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nl = getattr(self, "nonlinearity", "tanh")
        if nl != "tanh":
            s += f", nonlinearity={nl}"
        return s

    def _cell(self, input: Tensor, states: list[Tensor | None]) -> Any:
        input = as_tensor(input)
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(
                f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[-1]} expected "
                f"{self.input_size}"
            )
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        hs: list[Any] = []
        for h in states:
            if h is None:
                hs.append(jnp.zeros((x.shape[0], self.hidden_size), float_dtype(x)))
                continue
            if h.dim() not in (1, 2) or h.dim() != input.dim():
                raise ValueError(
                    f"{name}: Expected hidden to be {input.dim()}D like the input, got "
                    f"{h.dim()}D instead"
                )
            h = h if batched else h.unsqueeze(0)
            if tuple(h.shape) != (x.shape[0], self.hidden_size):
                raise RuntimeError(
                    f"hidden has inconsistent size: got {list(h.shape)} expected "
                    f"{[x.shape[0], self.hidden_size]}"
                )
            hs.append(h)
        c = hs[1] if len(hs) == 2 else None
        op = _lstm_cell_op if self._mode == "LSTM" else _cell_op
        res = op(x, hs[0], c, self.weight_ih, self.weight_hh, self.bias_ih,
                 self.bias_hh, mode=self._mode,
                 dtype=float_dtype(x, self.weight_ih))  # fmt: skip
        if batched:
            return res
        return (
            tuple(r.squeeze(0) for r in res)
            if isinstance(res, tuple)
            else res.squeeze(0)
        )


class RNNCell(RNNCellBase):
    """``torch.nn.RNNCell``: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    Shape: input ``(N, H_in)`` or ``(H_in)``, hx ``(N, H)``/``(H)`` → ``h'``.

    Example:
        >>> import functorch_lite as torch
        >>> tuple(torch.nn.RNNCell(3, 4)(torch.randn(2, 3)).shape)
        (2, 4)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        self._mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._cell(input, [hx])  # type: ignore[no-any-return]


class LSTMCell(RNNCellBase):
    """``torch.nn.LSTMCell``: one LSTM step; returns ``(h', c')``.

    Example:
        >>> import functorch_lite as torch
        >>> h, c = torch.nn.LSTMCell(3, 4)(torch.randn(2, 3))
        >>> tuple(h.shape), tuple(c.shape)
        ((2, 4), (2, 4))
    """

    _mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        states: list[Tensor | None] = [None, None] if hx is None else list(hx)
        return self._cell(input, states)  # type: ignore[no-any-return]


class GRUCell(RNNCellBase):
    """``torch.nn.GRUCell``: one GRU step (gates ``r, z, n`` as :class:`GRU`).

    Example:
        >>> import functorch_lite as torch
        >>> tuple(torch.nn.GRUCell(3, 4)(torch.randn(3)).shape)
        (4,)
    """

    _mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._cell(input, [hx])  # type: ignore[no-any-return]
