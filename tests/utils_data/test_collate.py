"""``default_collate`` / ``default_convert`` against ``torch.utils.data``'s."""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from conftest import assert_same_structure, to_ours, to_torch

import functorch_lite as fl
from functorch_lite.utils.data import default_collate, default_convert

Point = namedtuple("Point", ["x", "y"])


def _samples(backend: str) -> list[object]:
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((2, 3)).astype(np.float32) for _ in range(3)]
    wrap = to_torch if backend == "torch" else to_ours
    return [
        {
            "image": wrap(a),
            "raw": a.astype(np.float64),
            "meta": (i, float(i) / 2, f"name{i}", bool(i % 2)),
            "point": Point(np.float32(i), np.int16(i)),
            "nested": [{"k": np.arange(2, dtype=np.int32) + i}],
            "ordered": OrderedDict(a=i),
        }
        for i, a in enumerate(arrays)
    ]


def test_nested_structure_dtypes_and_values_match_torch() -> None:
    ours = default_collate(_samples("ours"))
    theirs = tud.default_collate(_samples("torch"))
    assert_same_structure(ours, theirs)


@pytest.mark.parametrize(
    "batch",
    [
        [1, 2, 3],
        [1.0, 2.5],
        [True, False],
        [True, 2],
        ["a", "b"],
        [b"a", b"b"],
        [np.float32(1.5), np.float32(2)],
        [np.int8(1), np.int8(2)],
        [np.arange(4, dtype=np.uint8), np.arange(4, dtype=np.uint8)],
        [(1, 2), (3, 4)],
        [[1, 2], [3, 4]],
        [{"a": 1.0}, {"a": 2.0}],
    ],
)
def test_leaf_kinds_match_torch(batch: list[object]) -> None:
    assert_same_structure(default_collate(batch), tud.default_collate(batch))


def test_tensors_are_stacked() -> None:
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    ours = default_collate([to_ours(r) for r in x])
    theirs = tud.default_collate([to_torch(r) for r in x])
    assert_same_structure(ours, theirs)


@pytest.mark.parametrize("backend", ["numpy", "tensor"])
def test_unequal_shapes_message_matches_torch(backend: str) -> None:
    a, b = np.zeros(3, np.float32), np.zeros(4, np.float32)
    with pytest.raises(RuntimeError) as theirs:
        tud.default_collate([to_torch(a), to_torch(b)])
    batch = [a, b] if backend == "numpy" else [to_ours(a), to_ours(b)]
    with pytest.raises(RuntimeError) as ours:
        default_collate(batch)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "batch",
    [
        [[1, 2], [3]],  # sequences of unequal length
        [object(), object()],  # unsupported element type
        [np.array(["a"]), np.array(["b"])],  # numpy strings
    ],
)
def test_errors_match_torch(batch: list[object]) -> None:
    with pytest.raises(Exception) as theirs:
        tud.default_collate(batch)
    with pytest.raises(Exception) as ours:
        default_collate(batch)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "data",
    [
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.float64(2.5),
        3,
        "text",
        (np.zeros(2), 1),
        {"a": np.ones(2, np.int64), "b": [np.ones(1, np.float32), "s"]},
        Point(np.zeros(1), 2),
        np.array(["a", "b"]),
    ],
)
def test_default_convert_matches_torch(data: object) -> None:
    ours, theirs = default_convert(data), tud.default_convert(data)
    if isinstance(theirs, np.ndarray):  # string arrays are left alone
        np.testing.assert_array_equal(ours, theirs)
    else:
        assert_same_structure(ours, theirs)


def test_default_convert_keeps_tensors() -> None:
    t = to_ours(np.ones(2, np.float32))
    assert default_convert(t) is t
    assert isinstance(torch.ones(1), torch.Tensor)  # parity reference: same in torch
    assert fl.Tensor is type(t)


def test_converted_tensor_does_not_share_the_users_array() -> None:
    # Batches may adopt collation's own buffers zero-copy; a user's array is copied.
    user = np.arange(6, dtype=np.float32)
    t = default_convert(user)
    user[:] = -1
    np.testing.assert_array_equal(t.numpy(), np.arange(6, dtype=np.float32))


@pytest.mark.parametrize("dtype", [np.float16, np.bool_, np.int8, np.complex64])
@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (5, 3)])
def test_dtypes_and_empty_shapes_match_torch(
    dtype: type, shape: tuple[int, ...]
) -> None:
    batch = [np.ones(shape, dtype) * i for i in range(3)]
    assert_same_structure(default_collate(batch), tud.default_collate(batch))


def test_public_device_put_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fast host-to-device call is a JAX internal; if it ever moves, collation
    # must fall back to jax.device_put with the same results.
    import jax

    from functorch_lite.utils.data import _collate

    def moved(*args: object, **kwargs: object) -> None:
        raise AttributeError("moved")

    # Only the fast path builds avals through the public ``jax.core`` name.
    monkeypatch.setattr(jax.core, "ShapedArray", moved)
    _collate._host_to_device.cache_clear()
    try:
        assert _collate._host_to_device().__name__ == "<lambda>"  # the fallback
        batch = [(np.full(3, i, np.float32), i) for i in range(4)]
        assert_same_structure(default_collate(batch), tud.default_collate(batch))
    finally:
        monkeypatch.undo()
        _collate._host_to_device.cache_clear()
    out = default_collate([np.zeros(2, np.float32)])
    assert out.device.type == "cpu"  # batches live on the CPU, as PyTorch's
