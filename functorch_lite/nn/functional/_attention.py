"""Attention functionals (``scaled_dot_product_attention``, ``multi_head_attention_forward``).

Owned by the sequence-models helper; placeholder until they land.
"""

from __future__ import annotations

__all__: list[str] = []
