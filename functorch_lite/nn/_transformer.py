"""Transformer layers (``torch.nn.modules.transformer``): encoder/decoder layers, their
stacks and the full ``Transformer``.

Each layer is written with ``MultiheadAttention``, ``Linear``, ``LayerNorm`` and
``Dropout``, so parameter names and ``state_dict`` keys are PyTorch's
(``self_attn.in_proj_weight``, ``linear1.weight``, ``norm1.bias``...). PyTorch's fused
"fast path" and nested tensors are inference-only speedups of the same math; here the
one path is the reference computation (padded positions are computed, not zeroed).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from . import functional as F
from . import init
from ._attention import MultiheadAttention
from ._containers import ModuleList
from ._dropout import Dropout
from ._linear import Linear
from ._module import Module
from ._normalization import LayerNorm

__all__ = [
    "TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer",
    "TransformerDecoder", "Transformer",
]  # fmt: skip

Activation = str | Callable[[Tensor], Tensor]


def _activation(activation: Activation) -> Callable[[Tensor], Tensor]:
    if isinstance(activation, str):
        if activation == "relu":
            return F.relu
        if activation == "gelu":
            return F.gelu
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    return activation


def _clones(module: Module, n: int) -> ModuleList:
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


def _is_causal(is_causal: bool | None) -> bool:
    # PyTorch's `is_causal` is only a hint that the given mask is causal; the mask
    # itself is what is applied (MultiheadAttention requires it with the hint).
    return bool(is_causal)


class TransformerEncoderLayer(Module):
    """``torch.nn.TransformerEncoderLayer``: self-attention then a feed-forward block,
    each with dropout, a residual connection and LayerNorm (after, or before with
    ``norm_first``).

    Args:
        d_model: features of the input; nhead: attention heads.
        dim_feedforward: hidden size of the feed-forward block (default 2048).
        dropout: dropout probability (default 0.1); activation: ``'relu'``,
            ``'gelu'`` or a callable; layer_norm_eps; batch_first; norm_first; bias.

    Shape:
        src ``(S, N, E)`` (``(N, S, E)`` with ``batch_first``) or ``(S, E)``;
        ``src_mask`` ``(S, S)`` or ``(N*nhead, S, S)``; ``src_key_padding_mask``
        ``(N, S)`` (True = padding).

    Example:
        >>> import functorch_lite as torch
        >>> layer = torch.nn.TransformerEncoderLayer(d_model=8, nhead=2)
        >>> tuple(layer(torch.randn(5, 3, 8)).shape)
        (5, 3, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: Activation = "relu",
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, dtype=dtype)  # fmt: skip
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation)
        if device is not None:
            self.to(device)

    def forward(self, src: Tensor, src_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:  # fmt: skip
        x: Any = src  # Tensor arithmetic is generated at import time
        if self.norm_first:
            x = x + self._sa_block(
                self.norm1(x), src_mask, src_key_padding_mask, is_causal
            )
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(
                x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal)
            )
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None,
                  key_padding_mask: Tensor | None, is_causal: bool) -> Tensor:  # fmt: skip
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=_is_causal(is_causal))[0]  # fmt: skip
        return self.dropout1(x)  # type: ignore[no-any-return]

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)  # type: ignore[no-any-return]


class TransformerDecoderLayer(Module):
    """``torch.nn.TransformerDecoderLayer``: self-attention, attention over the encoder's
    ``memory``, then a feed-forward block; each with dropout, residual and LayerNorm.

    Args: as :class:`TransformerEncoderLayer`.

    Shape:
        tgt ``(T, N, E)``, memory ``(S, N, E)`` (batch first with ``batch_first``);
        ``tgt_mask`` ``(T, T)``, ``memory_mask`` ``(T, S)``; key padding masks
        ``(N, T)`` and ``(N, S)``.

    Example:
        >>> import functorch_lite as torch
        >>> layer = torch.nn.TransformerDecoderLayer(d_model=8, nhead=2)
        >>> tuple(layer(torch.randn(4, 3, 8), torch.randn(6, 3, 8)).shape)
        (4, 3, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: Activation = "relu",
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, dtype=dtype)  # fmt: skip
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout,
                                                 bias=bias, batch_first=batch_first,
                                                 dtype=dtype)  # fmt: skip
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _activation(activation)
        if device is not None:
            self.to(device)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool = False, memory_is_causal: bool = False) -> Tensor:  # fmt: skip
        x: Any = tgt  # Tensor arithmetic is generated at import time
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask,
                                   tgt_is_causal)  # fmt: skip
            x = x + self._mha_block(self.norm2(x), memory, memory_mask,
                                    memory_key_padding_mask, memory_is_causal)  # fmt: skip
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask,
                                              tgt_is_causal))  # fmt: skip
            x = self.norm2(x + self._mha_block(x, memory, memory_mask,
                                               memory_key_padding_mask,
                                               memory_is_causal))  # fmt: skip
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None,
                  key_padding_mask: Tensor | None, is_causal: bool) -> Tensor:  # fmt: skip
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           is_causal=_is_causal(is_causal), need_weights=False)[0]  # fmt: skip
        return self.dropout1(x)  # type: ignore[no-any-return]

    def _mha_block(self, x: Tensor, mem: Tensor, attn_mask: Tensor | None,
                   key_padding_mask: Tensor | None, is_causal: bool) -> Tensor:  # fmt: skip
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask,
                                key_padding_mask=key_padding_mask,
                                is_causal=_is_causal(is_causal), need_weights=False)[0]  # fmt: skip
        return self.dropout2(x)  # type: ignore[no-any-return]

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout3(x)  # type: ignore[no-any-return]


class TransformerEncoder(Module):
    """``torch.nn.TransformerEncoder``: ``num_layers`` deep copies of
    ``encoder_layer`` applied in turn, then the optional ``norm``.

    ``enable_nested_tensor`` and ``mask_check`` are accepted for compatibility; nested
    tensors are PyTorch's inference optimisation and do not change the math.

    Example:
        >>> import functorch_lite as torch
        >>> layer = torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        >>> enc = torch.nn.TransformerEncoder(layer, num_layers=2)
        >>> tuple(enc(torch.randn(3, 5, 8)).shape)
        (3, 5, 8)
    """

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int,
                 norm: Module | None = None, enable_nested_tensor: bool = True,
                 mask_check: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = False
        self.mask_check = mask_check

    def forward(self, src: Tensor, mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:  # fmt: skip
        output = src
        for mod in self.layers:
            output = mod(output, src_mask=mask, is_causal=_is_causal(is_causal),
                         src_key_padding_mask=src_key_padding_mask)  # fmt: skip
        if self.norm is not None:
            output = self.norm(output)
        return output


class TransformerDecoder(Module):
    """``torch.nn.TransformerDecoder``: ``num_layers`` deep copies of ``decoder_layer``
    applied in turn over the same ``memory``, then the optional ``norm``.

    Example:
        >>> import functorch_lite as torch
        >>> layer = torch.nn.TransformerDecoderLayer(8, 2, 16)
        >>> dec = torch.nn.TransformerDecoder(layer, num_layers=2)
        >>> tuple(dec(torch.randn(4, 3, 8), torch.randn(6, 3, 8)).shape)
        (4, 3, 8)
    """

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int,
                 norm: Module | None = None) -> None:  # fmt: skip
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:  # fmt: skip
        output = tgt
        for mod in self.layers:
            output = mod(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                         tgt_key_padding_mask=tgt_key_padding_mask,
                         memory_key_padding_mask=memory_key_padding_mask,
                         tgt_is_causal=_is_causal(tgt_is_causal),
                         memory_is_causal=memory_is_causal)  # fmt: skip
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """``torch.nn.Transformer``: an encoder stack and a decoder stack ("Attention Is
    All You Need"), each followed by a LayerNorm.

    Args:
        d_model (512), nhead (8), num_encoder_layers (6), num_decoder_layers (6),
        dim_feedforward (2048), dropout (0.1), activation, custom_encoder,
        custom_decoder, layer_norm_eps, batch_first, norm_first, bias.

    Every parameter with more than one dimension is re-initialised with
    ``xavier_uniform_``, as PyTorch does.

    Shape:
        src ``(S, N, E)``, tgt ``(T, N, E)`` (batch first with ``batch_first``) →
        ``(T, N, E)``.

    Example:
        >>> import functorch_lite as torch
        >>> model = torch.nn.Transformer(8, 2, 1, 1, 16)
        >>> tuple(model(torch.randn(6, 2, 8), torch.randn(4, 2, 8)).shape)
        (4, 2, 8)
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: Activation = "relu",
                 custom_encoder: Module | None = None,
                 custom_decoder: Module | None = None, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            enc_layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout,
                                                activation, layer_norm_eps, batch_first,
                                                norm_first, bias, dtype=dtype)  # fmt: skip
            enc_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.encoder = TransformerEncoder(enc_layer, num_encoder_layers, enc_norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            dec_layer = TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout,
                                                activation, layer_norm_eps, batch_first,
                                                norm_first, bias, dtype=dtype)  # fmt: skip
            dec_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.decoder = TransformerDecoder(dec_layer, num_decoder_layers, dec_norm)
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first
        if device is not None:
            self.to(device)

    def _reset_parameters(self) -> None:
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Tensor | None = None,
                tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None,
                src_is_causal: bool | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:  # fmt: skip
        batch_dim = 0 if self.batch_first else 1
        if src.dim() == 3 and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError(
                "the feature number of src and tgt must be equal to d_model"
            )
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)  # fmt: skip
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,  # type: ignore[no-any-return]
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)  # fmt: skip

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None,
                                        dtype: Any = None) -> Tensor:  # fmt: skip
        """A float ``(sz, sz)`` causal mask: ``-inf`` above the diagonal, 0 elsewhere."""
        dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
        mask = np.triu(np.full((sz, sz), -np.inf, dt.np_dtype), k=1)
        out = Tensor(jnp.asarray(mask))
        return out if device is None else out.to(device)
