"""File compatibility with real PyTorch, both directions.

torch -> us: files written by ``torch.save`` load with the same values.
us -> torch: files we write load in ``torch.load(weights_only=True)`` (and mmap=True).
Values are compared bit-exactly: serialization must not change a single bit.
"""

from __future__ import annotations

from collections import OrderedDict

import ml_dtypes
import numpy as np
import pytest
import torch

import functorch_lite as fl
from functorch_lite.serialization import CheckpointError, load, save

TORCH_DTYPES = [
    torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int8,
    torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool, torch.complex64,
]  # fmt: skip


def _np(t: torch.Tensor) -> np.ndarray:
    """A torch tensor's values as numpy, bfloat16 included."""
    if t.dtype == torch.bfloat16:
        return t.detach().view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.detach().numpy()


def _ours(t) -> np.ndarray:
    return np.asarray(t.numpy())


def _trained_linear(optimizer_cls, **kwargs):
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)
    )
    opt = optimizer_cls(model.parameters(), **kwargs)
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(5, 4)).square().sum().backward()
        opt.step()
    return model, opt


def _assert_same_tree(ours, theirs):
    """Same structure, Python values and (bit-exact) tensor values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, fl.Tensor), type(ours)
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(_ours(ours), _np(theirs))
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs)
        assert list(ours) == list(theirs)
        for key in theirs:
            _assert_same_tree(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            _assert_same_tree(a, b)
    else:
        assert ours == theirs and type(ours) is type(theirs)


# -- torch -> us -------------------------------------------------------------------


def test_torch_model_state_dict_loads(tmp_path):
    model, _ = _trained_linear(torch.optim.SGD, lr=0.1)
    torch.save(model.state_dict(), tmp_path / "m.pt")
    out = load(tmp_path / "m.pt")
    _assert_same_tree(out, model.state_dict())
    assert out._metadata == model.state_dict()._metadata


@pytest.mark.parametrize(
    ("optimizer_cls", "kwargs"),
    [
        (torch.optim.Adam, {"lr": 1e-2, "betas": (0.8, 0.99)}),
        (torch.optim.AdamW, {"lr": 1e-2, "weight_decay": 0.1}),
        (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ],
)
def test_torch_optimizer_state_dict_loads(tmp_path, optimizer_cls, kwargs):
    _, opt = _trained_linear(optimizer_cls, **kwargs)
    torch.save(opt.state_dict(), tmp_path / "o.pt")
    out = load(tmp_path / "o.pt")
    _assert_same_tree(out, opt.state_dict())
    if optimizer_cls is not torch.optim.SGD:
        step = out["state"][0]["step"]  # a 0-d float32 tensor in torch 2.x
        assert step.shape == () and step.dtype == fl.float32 and step.item() == 2.0
    else:
        assert out["state"][0]["momentum_buffer"].shape == (3, 4)


def test_torch_tied_weights_and_views_load(tmp_path):
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    obj = {
        "base": base,
        "transposed": base.t(),  # non-contiguous
        "offset_row": base[2],  # storage offset 12
        "strided": base[1:, ::2],  # offset and strides at once
        "expanded": torch.ones(3)[None].expand(4, 3),  # stride 0
        "empty": base[:0],
    }
    tied = torch.nn.Linear(6, 6, bias=False)
    obj["tied"] = {"a": tied.weight.data, "b": tied.weight.data}
    torch.save(obj, tmp_path / "v.pt")
    out = load(tmp_path / "v.pt")
    _assert_same_tree(out, obj)


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=str)
def test_torch_dtypes_load(tmp_path, dtype):
    torch.manual_seed(0)
    value = (torch.randn(3, 5) * 20).to(dtype)
    torch.save({"x": value, "scalar": value[1, 2]}, tmp_path / "d.pt")
    out = load(tmp_path / "d.pt")
    assert str(out["x"].dtype).split(".")[-1] == str(dtype).split(".")[-1]
    _assert_same_tree(out, {"x": value, "scalar": value[1, 2]})


def test_torch_parameter_and_nested_python_values_load(tmp_path):
    obj = {
        "param": torch.nn.Parameter(torch.ones(2)),
        "size": torch.Size([2, 3]),
        "dtype": torch.float16,
        "values": [1, 2.5, "s", None, True, (3, 4), -(2**40), b"by", 1 + 2j],
    }
    torch.save(obj, tmp_path / "p.pt")
    out = load(tmp_path / "p.pt")
    assert out["param"].requires_grad
    assert out["size"] == (2, 3)
    assert out["dtype"] is fl.float16
    assert out["values"] == obj["values"]


# -- us -> torch -------------------------------------------------------------------


def test_our_model_state_dict_loads_in_torch(tmp_path):
    model, _ = _trained_linear(torch.optim.SGD, lr=0.1)
    theirs = model.state_dict()
    ours = OrderedDict((k, fl.from_numpy(_np(v).copy())) for k, v in theirs.items())
    ours._metadata = theirs._metadata
    save(ours, tmp_path / "m.pt")
    for mmap in (False, True):
        back = torch.load(tmp_path / "m.pt", weights_only=True, mmap=mmap)
        assert type(back) is OrderedDict and back._metadata == theirs._metadata
        for key in theirs:
            assert torch.equal(back[key], theirs[key])
    fresh = torch.nn.Sequential(
        torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)
    )
    fresh.load_state_dict(torch.load(tmp_path / "m.pt", weights_only=True))
    x = torch.randn(2, 4)
    assert torch.equal(fresh(x), model(x))


def _to_ours(obj):
    if isinstance(obj, torch.Tensor):
        return fl.from_numpy(_np(obj).copy())
    if isinstance(obj, dict):
        return type(obj)((k, _to_ours(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_ours(v) for v in obj)
    return obj


@pytest.mark.parametrize("optimizer_cls", [torch.optim.Adam, torch.optim.SGD])
def test_our_optimizer_state_dict_resumes_torch_training(tmp_path, optimizer_cls):
    kwargs = {"lr": 1e-2, "betas": (0.8, 0.99)} if optimizer_cls is torch.optim.Adam else {
        "lr": 0.1, "momentum": 0.9}  # fmt: skip
    model, opt = _trained_linear(optimizer_cls, **kwargs)
    save(_to_ours(opt.state_dict()), tmp_path / "o.pt")
    back = torch.load(tmp_path / "o.pt", weights_only=True)
    assert back["param_groups"] == opt.state_dict()["param_groups"]
    # Resuming from the reloaded state takes exactly the step the original takes.
    clone = torch.nn.Sequential(
        torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)
    )
    clone.load_state_dict(model.state_dict())
    opt2 = optimizer_cls(clone.parameters(), **kwargs)
    opt2.load_state_dict(back)
    x = torch.randn(5, 4)
    for m, o in ((model, opt), (clone, opt2)):
        o.zero_grad()
        m(x).square().sum().backward()
        o.step()
    for p, q in zip(model.parameters(), clone.parameters(), strict=True):
        assert torch.equal(p, q)


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=str)
def test_our_dtypes_load_in_torch(tmp_path, dtype):
    torch.manual_seed(0)
    value = (torch.randn(3, 5) * 20).to(dtype)
    save({"x": fl.from_numpy(_np(value).copy()), "s": fl.from_numpy(_np(value[0, 0]).copy())},
         tmp_path / "d.pt")  # fmt: skip
    back = torch.load(tmp_path / "d.pt", weights_only=True)
    assert back["x"].dtype == dtype and torch.equal(back["x"], value)
    assert back["s"].shape == () and torch.equal(back["s"], value[0, 0])


def test_our_tied_tensor_loads_as_shared_storage_in_torch(tmp_path):
    weight = fl.from_numpy(np.arange(6, dtype=np.float32).reshape(2, 3))
    save({"embed.weight": weight, "head.weight": weight}, tmp_path / "t.pt")
    back = torch.load(tmp_path / "t.pt", weights_only=True)
    assert back["embed.weight"].data_ptr() == back["head.weight"].data_ptr()


def test_our_python_values_load_in_torch(tmp_path):
    obj = {
        "values": [1, 2.5, "s", None, True, (3, 4), -(2**40), 2**70, b"by", 1 + 2j],
        "size": fl.Size([2, 3]),
        "dtype": fl.bfloat16,
        "grad": fl.from_numpy(np.ones(2, np.float32)).requires_grad_(True),
    }
    save(obj, tmp_path / "v.pt")
    back = torch.load(tmp_path / "v.pt", weights_only=True)
    assert back["values"] == obj["values"]
    assert back["size"] == torch.Size([2, 3]) and isinstance(back["size"], torch.Size)
    assert back["dtype"] is torch.bfloat16
    assert back["grad"].requires_grad


def test_post_2_2_dtypes_use_untyped_storage_both_ways(tmp_path):
    # torch writes dtypes newer than its typed storages (uint16, float8...) with
    # _rebuild_tensor_v3 over an UntypedStorage of bytes.
    value = np.arange(6, dtype=np.uint16).reshape(2, 3) * 1000
    save({"u": value}, tmp_path / "u.pt")  # numpy leaves are accepted
    back = torch.load(tmp_path / "u.pt", weights_only=True)
    assert back["u"].dtype == torch.uint16
    assert back["u"].to(torch.int32).tolist() == value.tolist()
    torch.save(back, tmp_path / "t.pt")
    with pytest.raises(CheckpointError, match="dtype uint16, which functorch_lite"):
        load(tmp_path / "t.pt")
