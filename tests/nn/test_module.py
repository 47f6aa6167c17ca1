"""``nn.Module`` API semantics against ``torch.nn.Module``: registration, traversal,
state dicts and their errors, hooks, modes, conversion, repr, containers, pytrees."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict
from typing import Any

import jax
import numpy as np
import pytest
import torch
from _nn_parity import as_np, randn

import functorch_lite as ft
import functorch_lite.nn as nn


def _build(lib: Any) -> Any:
    """The same small model written against either library."""

    class Block(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = lib.nn.Linear(4, 4)
            self.norm = lib.nn.BatchNorm1d(4)
            self.register_buffer("scale", lib.ones(4))
            self.register_buffer("cache", lib.zeros(2), persistent=False)

        def forward(self, x: Any) -> Any:
            return self.norm(self.fc(x)) * self.scale

    class Net(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            shared = Block()
            self.a = shared
            self.b = shared  # the same module twice
            self.head = lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Linear(4, 2))
            self.extra = lib.nn.Parameter(lib.zeros(3))

        def forward(self, x: Any) -> Any:
            return self.head(self.b(self.a(x)))

    return Net()


def test_traversal_matches_torch() -> None:
    ours, theirs = _build(ft), _build(torch)
    assert [n for n, _ in ours.named_modules()] == [
        n for n, _ in theirs.named_modules()
    ]
    assert [n for n, _ in ours.named_modules(remove_duplicate=False)] == [
        n for n, _ in theirs.named_modules(remove_duplicate=False)
    ]
    assert [n for n, _ in ours.named_modules(prefix="m")] == [
        n for n, _ in theirs.named_modules(prefix="m")
    ]
    for kw in ({}, {"recurse": False}, {"prefix": "p"}, {"remove_duplicate": False}):
        assert [n for n, _ in ours.named_parameters(**kw)] == [
            n for n, _ in theirs.named_parameters(**kw)
        ], kw
        assert [n for n, _ in ours.named_buffers(**kw)] == [
            n for n, _ in theirs.named_buffers(**kw)
        ], kw
    assert [n for n, _ in ours.named_children()] == [
        n for n, _ in theirs.named_children()
    ]
    assert len(list(ours.children())) == len(list(theirs.children()))
    assert len(list(ours.modules())) == len(list(theirs.modules()))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert "a.cache" not in ours.state_dict()


def test_state_dict_round_trip_with_torch() -> None:
    ours, theirs = _build(ft), _build(torch)
    result = ours.load_state_dict(theirs.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == repr(theirs.load_state_dict(theirs.state_dict()))
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(as_np(a), as_np(b), err_msg=k)
    # and back: torch loads our state dict (via numpy)
    theirs.load_state_dict(
        {k: torch.tensor(as_np(v)) for k, v in ours.state_dict().items()}
    )


def test_load_keeps_parameter_identity() -> None:
    m = nn.Linear(3, 2)
    w = m.weight
    m.load_state_dict(
        {"weight": np.ones((2, 3), np.float32), "bias": np.zeros(2, np.float32)}
    )
    assert m.weight is w
    np.testing.assert_array_equal(as_np(w), 1.0)
    assert w.requires_grad


def _error(fn: Any) -> str:
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


def test_strict_load_errors_match_torch_text() -> None:
    ours, theirs = _build(ft), _build(torch)
    sd = theirs.state_dict()
    bad = OrderedDict((k, v) for k, v in sd.items() if k != "head.1.bias")
    bad["foo.weight"] = torch.zeros(1)
    bad["a.fc.weight"] = torch.zeros(3, 4)
    assert _error(lambda: ours.load_state_dict(bad)) == _error(
        lambda: theirs.load_state_dict(bad)
    )
    # strict=False: size mismatch still raises, missing/unexpected are returned
    del bad["a.fc.weight"]
    res_o = ours.load_state_dict(bad, strict=False)
    res_t = theirs.load_state_dict(bad, strict=False)
    assert res_o.missing_keys == res_t.missing_keys
    assert res_o.unexpected_keys == res_t.unexpected_keys
    assert (
        "size mismatch for fc.weight: copying a param with shape torch.Size([3, 4])"
        in _error(
            lambda: nn.Sequential(OrderedDict(fc=nn.Linear(3, 4))).load_state_dict(
                {
                    "fc.weight": np.zeros((3, 4), np.float32),
                    "fc.bias": np.zeros(4, np.float32),
                }
            )
        )
    )


def test_load_assign_replaces_parameters() -> None:
    m = nn.Linear(2, 2)
    w = m.weight
    m.load_state_dict({"weight": np.eye(2, dtype=np.float32), "bias": np.zeros(2, np.float32)},
                      assign=True)  # fmt: skip
    assert m.weight is not w and isinstance(m.weight, nn.Parameter)


def test_setattr_getattr_delattr_semantics() -> None:
    m = nn.Linear(2, 3)
    with pytest.raises(TypeError) as ours:
        m.weight = ft.zeros(3, 2)
    with pytest.raises(TypeError) as theirs:
        torch.nn.Linear(2, 3).weight = torch.zeros(3, 2)
    assert str(ours.value) == str(theirs.value)
    m.weight = None
    assert m.weight is None and "weight" in m._parameters
    m.extra = nn.Parameter(ft.zeros(1))
    assert "extra" in dict(m.named_parameters())
    del m.extra
    assert "extra" not in dict(m.named_parameters())
    m.sub = nn.ReLU()
    assert [n for n, _ in m.named_children()] == ["sub"]
    m.sub = None
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        _ = m.nope
    assert "bias" in dir(m) and "sub" in dir(m)
    m.buf = nn.Buffer(ft.ones(2), persistent=False)
    assert "buf" in dict(m.named_buffers()) and "buf" not in m.state_dict()
    with pytest.raises(KeyError, match="attribute 'in_features' already exists"):
        m.register_buffer("in_features", ft.ones(1))


def test_parameter_is_tensor_with_repr() -> None:
    p = nn.Parameter(ft.ones(2))
    assert isinstance(p, ft.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad
    assert repr(p).startswith(
        "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    )
    assert not nn.Parameter(ft.ones(2), requires_grad=False).requires_grad
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q is not p
    r = pickle.loads(pickle.dumps(p))
    assert isinstance(r, nn.Parameter) and r.requires_grad


def test_submodule_lookup() -> None:
    ours, theirs = _build(ft), _build(torch)
    assert ours.get_submodule("head.1") is ours.head[1]
    assert ours.get_parameter("head.1.weight") is ours.head[1].weight
    assert ours.get_buffer("a.scale") is ours.a.scale
    for fn in ("get_submodule", "get_parameter"):
        with pytest.raises(AttributeError) as eo:
            getattr(ours, fn)("head.zz" if fn == "get_submodule" else "head.1.zz")
        with pytest.raises(AttributeError) as et:
            getattr(theirs, fn)("head.zz" if fn == "get_submodule" else "head.1.zz")
        assert str(eo.value) == str(et.value)


def test_train_eval_requires_grad_zero_grad_apply() -> None:
    m = _build(ft)
    m.eval()
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        m.train("yes")  # type: ignore[arg-type]
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    m.requires_grad_(True)
    for p in m.parameters():
        p.grad = ft.ones(*p.shape)
    m.zero_grad(set_to_none=False)
    assert all(np.all(as_np(p.grad) == 0) for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    seen: list[str] = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[-1] == "Net" and seen[0] == "Linear"


def test_to_and_casts_keep_identity() -> None:
    m = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    w = m[0].weight
    m.double()
    assert m[0].weight is w and w.dtype == ft.float64
    assert m[1].running_mean.dtype == ft.float64
    assert m[1].num_batches_tracked.dtype == ft.int64  # integer buffers untouched
    m.to(ft.float32)
    assert w.dtype == ft.float32
    m.to("cpu").half()
    assert w.dtype == ft.float16
    m.float()
    with pytest.raises(TypeError, match="floating point or complex"):
        m.to(ft.int32)


def test_forward_hooks() -> None:
    m = nn.Linear(3, 2)
    calls: list[str] = []

    def pre(mod: Any, args: tuple[Any, ...]) -> Any:
        calls.append("pre")
        return (args[0] * 2,)

    def post(mod: Any, args: tuple[Any, ...], out: Any) -> Any:
        calls.append("post")
        return out + 1

    h1 = m.register_forward_pre_hook(pre)
    h2 = m.register_forward_hook(post)
    x = ft.tensor(randn(4, 3))
    expected = as_np(nn.functional.linear(x * 2, m.weight, m.bias)) + 1
    np.testing.assert_allclose(as_np(m(x)), expected, rtol=1e-6)
    assert calls == ["pre", "post"]
    h1.remove()
    h2.remove()
    np.testing.assert_allclose(
        as_np(m(x)), as_np(nn.functional.linear(x, m.weight, m.bias))
    )

    def kw_pre(mod: Any, args: Any, kwargs: Any) -> Any:
        return args, {**kwargs}

    with m.register_forward_pre_hook(kw_pre, with_kwargs=True):
        m(x)
    assert not m._forward_pre_hooks


def test_full_backward_hook_matches_torch() -> None:
    def run(lib: Any, mod: Any, x_np: np.ndarray) -> tuple[list[Any], list[Any], Any]:
        gin: list[Any] = []
        gout: list[Any] = []

        def hook(m: Any, grad_input: Any, grad_output: Any) -> None:
            gin.extend(grad_input)
            gout.extend(grad_output)

        mod.register_full_backward_hook(hook)
        x = lib.tensor(x_np, requires_grad=True)
        mod(x).backward(lib.tensor(np.ones((4, 2), np.float32)))
        return gin, gout, x.grad

    torch.manual_seed(0)
    t = torch.nn.Linear(3, 2)
    o = nn.Linear(3, 2)
    o.load_state_dict(t.state_dict())
    x = randn(4, 3)
    gi_o, go_o, xg_o = run(ft, o, x)
    gi_t, go_t, xg_t = run(torch, t, x)
    assert len(gi_o) == len(gi_t) and len(go_o) == len(go_t)
    for a, b in zip(gi_o + go_o, gi_t + go_t):
        np.testing.assert_allclose(as_np(a), as_np(b), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(as_np(xg_o), as_np(xg_t), rtol=1e-5, atol=1e-6)


def test_backward_hook_can_replace_grad_input() -> None:
    m = nn.Linear(3, 2)
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0,))
    x = ft.tensor(randn(4, 3), requires_grad=True)
    m(x).backward(ft.ones(4, 2))
    np.testing.assert_array_equal(as_np(x.grad), 0.0)
    assert m.weight.grad is not None


def test_repr_matches_torch() -> None:
    def models(lib: Any) -> list[Any]:
        n = lib.nn
        return [
            n.Linear(3, 4),
            n.Sequential(
                n.Conv2d(1, 8, 3, padding=1, bias=False),
                n.BatchNorm2d(8),
                n.ReLU(inplace=True),
                n.MaxPool2d(2),
                n.Flatten(),
                n.Dropout(0.25),
                n.Linear(8 * 4, 10),
            ),  # fmt: skip
            n.ModuleList([n.Linear(2, 2) for _ in range(3)] + [n.Tanh()]),
            n.ModuleDict(
                {"act": n.LeakyReLU(0.1), "emb": n.Embedding(5, 2, padding_idx=0)}
            ),
            n.Sequential(
                OrderedDict(
                    enc=n.Sequential(n.Linear(2, 3), n.GELU()),
                    loss=n.CrossEntropyLoss(),
                )
            ),  # fmt: skip
            _build(lib),
        ]

    for a, b in zip(models(ft), models(torch)):
        assert repr(a) == repr(b)


def test_containers() -> None:
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear)
    assert isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
    seq.append(nn.Sigmoid())
    del seq[1]
    assert [n for n, _ in seq.named_children()] == ["0", "1", "2"]
    seq.insert(1, nn.Tanh())
    assert isinstance(seq[1], nn.Tanh)
    y = seq(ft.tensor(randn(5, 2)))
    assert tuple(y.shape) == (5, 1)
    ml = nn.ModuleList([nn.Linear(1, 1)])
    ml += [nn.ReLU()]
    ml.extend([nn.Tanh()])
    assert len(ml) == 3 and isinstance(ml[2], nn.Tanh)
    md = nn.ModuleDict({"a": nn.ReLU()})
    md["b"] = nn.Tanh()
    assert list(md.keys()) == ["a", "b"] and "b" in md
    pl = nn.ParameterList([ft.ones(2), nn.Parameter(ft.zeros(1))])
    assert isinstance(pl[0], nn.Parameter) and len(pl) == 2
    assert [n for n, _ in pl.named_parameters()] == ["0", "1"]
    pd = nn.ParameterDict({"w": ft.ones(2)})
    assert isinstance(pd["w"], nn.Parameter)
    assert [n for n, _ in pd.named_parameters()] == ["w"]
    tl = torch.nn.ParameterList([torch.ones(2)])
    assert list(tl.state_dict()) == list(nn.ParameterList([ft.ones(2)]).state_dict())


def test_module_is_pytree_and_jits() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2)
    )
    model.eval()
    leaves, treedef = jax.tree_util.tree_flatten(model)
    names = [n for n, _ in model.named_parameters()] + [
        n for n, _ in model.named_buffers()
    ]
    tensors = list(model.parameters()) + list(model.buffers())
    assert len(leaves) == len(names)
    for leaf, t in zip(leaves, tensors):
        assert leaf is t._data
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)
    assert isinstance(rebuilt, nn.Sequential) and rebuilt is not model
    assert isinstance(rebuilt[0].weight, nn.Parameter)
    assert not rebuilt.training
    x = ft.tensor(randn(5, 3))
    traces: list[int] = []

    def f(m: Any, x: Any) -> Any:
        traces.append(1)
        return m(x)

    jf = jax.jit(f)
    np.testing.assert_allclose(
        as_np(jf(model, x)), as_np(model(x)), rtol=1e-5, atol=1e-6
    )
    jf(model, x)
    assert len(traces) == 1  # cached: same structure and modes
    model.train()
    jf(model, x)
    assert len(traces) == 2  # train() changes the treedef -> retrace


def test_shared_parameters_flatten_once() -> None:
    lin = nn.Linear(2, 2)
    m = nn.Sequential(lin, lin)
    leaves, treedef = jax.tree_util.tree_flatten(m)
    assert len(leaves) == 2
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)
    assert rebuilt[0].weight is rebuilt[1].weight
