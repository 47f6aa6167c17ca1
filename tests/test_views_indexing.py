"""View and in-place semantics that an op table cannot express, checked against PyTorch.

Each script runs once with ``functorch_lite`` and once with ``torch`` (same inputs via
numpy); everything it returns — results, base tensors after mutation through views,
gradients, flags like ``is_contiguous()`` — must agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import functorch_lite as fl

RTOL, ATOL = 1e-6, 1e-6  # float32 ops here are exact up to summation order


def _arr(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _to_np(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if isinstance(x, fl.Tensor):
        return np.asarray(x.detach().jax())
    return x


def _compare(ours: Any, theirs: Any, where: str = "result") -> None:
    if isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), where
        for i, (o, t) in enumerate(zip(ours, theirs)):
            _compare(o, t, f"{where}[{i}]")
    elif isinstance(theirs, dict):
        assert ours.keys() == theirs.keys(), where
        for k in theirs:
            _compare(ours[k], theirs[k], f"{where}[{k!r}]")
    elif isinstance(theirs, torch.Tensor):
        assert isinstance(ours, fl.Tensor), f"{where}: got {type(ours).__name__}"
        o, t = _to_np(ours), _to_np(theirs)
        assert o.shape == t.shape, f"{where}: shape {o.shape} vs {t.shape}"
        assert o.dtype == t.dtype, f"{where}: dtype {o.dtype} vs {t.dtype}"
        np.testing.assert_allclose(o, t, rtol=RTOL, atol=ATOL, err_msg=where)
    else:
        assert ours == theirs, f"{where}: {ours!r} vs {theirs!r}"


def both(script: Callable[[Any], Any]) -> None:
    """Run ``script(lib)`` with functorch_lite and torch and compare what it returns."""
    _compare(script(fl), script(torch))


def both_raise(script: Callable[[Any], Any], error: type[BaseException]) -> None:
    with pytest.raises(error):
        script(torch)
    with pytest.raises(error):
        script(fl)


def mk(lib: Any, a: np.ndarray, requires_grad: bool = False) -> Any:
    return lib.tensor(a.copy(), requires_grad=requires_grad)


# ------------------------------------------------------------------ writes through views
@pytest.mark.parametrize(
    "mutate",
    [
        lambda x: x[:, 0].zero_(),
        lambda x: x.t().add_(1),
        lambda x: x.view(-1).__setitem__(0, 5.0),
        lambda x: x.unsqueeze(0).mul_(2),
        lambda x: x[0].__setitem__(1, 5.0),
        lambda x: x.__setitem__((slice(None), 1), 0.0),
        lambda x: x.narrow(1, 1, 2).select(0, 1).fill_(7.0),
        lambda x: x.split(1)[1].mul_(0),
        lambda x: x.unbind(1)[2].add_(3),
        lambda x: x.chunk(3, 1)[0].sub_(1),
        lambda x: x.diagonal().add_(10),
        lambda x: x.permute(1, 0)[1:].zero_(),
        lambda x: x.movedim(0, 1).flatten()[::2].zero_(),
        lambda x: x.expand(2, 2, 3)[0].squeeze(0).t().mul_(2),
        lambda x: x[..., None][1, :, 0].copy_(x[0]),
    ],
    ids=lambda f: "",
)
def test_write_through_view_reaches_base(mutate: Any) -> None:
    def script(lib: Any) -> Any:
        x = mk(lib, _arr((2, 3)))
        mutate(x)
        return x

    both(script)


def test_base_write_is_seen_by_view() -> None:
    def script(lib: Any) -> Any:
        x = mk(lib, _arr((2, 3)))
        v = x[1]
        t = x.t()
        x.mul_(2)
        x[0, 0] = 9.0
        return v, t, v._version == x._version

    both(script)


def test_setitem_then_getitem_chain() -> None:
    def script(lib: Any) -> Any:
        x = mk(lib, np.zeros((3, 4), np.float32))
        x[0][1] = 5
        x[:, 1] = 2
        x[1:, 2:] = mk(lib, np.ones((1, 2), np.float32))
        x[x > 1] = -1
        x[[0, 2], [3, 0]] = mk(lib, np.array([4.0, 6.0], np.float32))
        x[..., 0] += 1
        return x

    both(script)


def test_setitem_int_dtype_casts_value() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor([[1, 2, 3], [4, 5, 6]])
        x[0] = 2.7  # PyTorch truncates into the int64 destination
        x[1, 1:] = lib.tensor([9.9, -3.5])
        return x

    both(script)


# ------------------------------------------------------------------ autograd through writes
def test_mask_assign_on_non_leaf_grad() -> None:
    def script(lib: Any) -> Any:
        w = mk(lib, _arr((3, 4)), True)
        x = w * 2
        x[x > 0.5] = 0
        (x * x).sum().backward()
        return x, w.grad

    both(script)


def test_setitem_value_gets_grad() -> None:
    def script(lib: Any) -> Any:
        w = mk(lib, _arr((3, 4)), True)
        v = mk(lib, _arr((4,), 1), True)
        x = w * 1
        x[1] = v * 3
        x[:, [0, 2]] = v[:2] * v[:2]
        (x * mk(lib, _arr((3, 4), 2))).sum().backward()
        return x, w.grad, v.grad

    both(script)


def test_inplace_through_view_of_non_leaf_grad() -> None:
    def script(lib: Any) -> Any:
        w = mk(lib, _arr((2, 3)), True)
        x = w.clone()
        x.t()[0].add_(3)  # (mul_ by a scalar: see the report on saved inputs)
        x[:, 1:].exp_()
        x.sum().backward()
        return x, w.grad, x.grad_fn is not None

    both(script)


def test_advanced_index_duplicates_accumulate_grad() -> None:
    def script(lib: Any) -> Any:
        w = mk(lib, _arr((4, 3)), True)
        y = w[[0, 0, 3, 1, 0]] * w[:, [2, 2]].sum()
        y.sum().backward()
        return y, w.grad

    both(script)


def test_leaf_inplace_errors_and_no_grad_update() -> None:
    def write(lib: Any) -> None:
        w = mk(lib, _arr((2, 3)), True)
        w[0] = 1.0

    def view_write(lib: Any) -> None:
        w = mk(lib, _arr((2, 3)), True)
        w[0].zero_()

    both_raise(write, RuntimeError)
    both_raise(view_write, RuntimeError)

    def script(lib: Any) -> Any:
        w = mk(lib, _arr((2, 3)), True)
        with lib.no_grad():
            w[0] = 1.0
            w[:, 2].mul_(0)
        return w, w.requires_grad, w.is_leaf

    both(script)


def test_saved_tensor_modified_error() -> None:
    def script(lib: Any) -> None:
        w = mk(lib, _arr((2, 3)), True)
        x = w * 1
        y = x.exp()  # saves its output/input for backward
        x[0] = 0.0
        y2 = x.sin()
        x[1, 1] = 3.0  # sin saved x: backward must refuse
        (y.sum() + y2.sum()).backward()

    both_raise(script, RuntimeError)


def test_squeeze_unsqueeze_inplace_change_shape() -> None:
    def script(lib: Any) -> Any:
        x = mk(lib, _arr((1, 3)))
        x.squeeze_()
        s1 = tuple(x.shape)
        x.unsqueeze_(1)
        s2 = tuple(x.shape)
        x.t_()
        return x, s1, s2

    both(script)


# ------------------------------------------------------------------ views, copies, layout
def test_contiguity_flags() -> None:
    def script(lib: Any) -> Any:
        x = mk(lib, _arr((2, 3, 4)))
        m = mk(lib, _arr((1, 4)))
        views = [
            x.t() if x.ndim == 2 else x.transpose(0, 1), x.permute(0, 1, 2),
            x.permute(2, 1, 0), x[0], x[:, 0], x[0, 1:], x[:, :, ::2], x[1:],
            x[..., None], x.view(6, 4), x.flatten(1), x.unsqueeze(1),
            x.expand(2, 2, 3, 4), m.expand(3, 4), m.t(), x.narrow(0, 1, 1),
            x.narrow(2, 1, 2), x.select(1, 0), x.unbind(0)[1], x.split(1, 2)[0],
            x.movedim(2, 0), x.diagonal(0, 1, 2), x.mT, x[[0, 1]],
            x.transpose(0, 1).contiguous(), x.unflatten(2, (2, 2)),
        ]  # fmt: skip
        return [v.is_contiguous() for v in views]

    both(script)


def test_contiguous_returns_self_or_copy() -> None:
    x = fl.tensor(_arr((2, 3)))
    assert x.contiguous() is x
    y = x.t()
    z = y.contiguous()
    assert z is not y and z.is_contiguous() and not y.is_contiguous()
    z.add_(1)  # a copy: does not write back
    np.testing.assert_allclose(np.asarray(x.jax()), _arr((2, 3)))


def test_view_flags_and_bases() -> None:
    x = fl.tensor(_arr((2, 3)))
    for v in (x[0], x.t(), x.view(6), x[:, 1:], x.unsqueeze(0), x.expand(2, 2, 3)):
        assert v.is_view and v._base is x
    for c in (x[[0]], x[x > 0], x.clone(), x.flip(0), fl.cat([x, x])):
        assert not c.is_view


def test_grad_fn_names() -> None:
    def script(lib: Any) -> Any:
        w = mk(lib, _arr((2, 3)), True)
        outs = [w.view(6), w.t(), w.transpose(0, 1), w.permute(1, 0), w[0], w[:, 1:],
                w[[0, 1]], w.unsqueeze(0), w.expand(2, 2, 3), w.clone(), w.flip(0),
                lib.cat([w, w]), lib.stack([w, w]), w.gather(0, lib.tensor([[0, 1, 0]])),
                w.diagonal(), w.narrow(1, 0, 2), w.select(1, 2)]  # fmt: skip
        return [type(o.grad_fn).__name__ if lib is torch else o.grad_fn.name()
                for o in outs]  # fmt: skip

    both(script)


def test_view_errors_match_pytorch() -> None:
    with pytest.raises(
        RuntimeError, match=r"shape '\[2, 5\]' is invalid for input of size 6"
    ):  # noqa: E501
        fl.tensor(_arr((2, 3))).view(2, 5)
    with pytest.raises(RuntimeError, match="Use .reshape"):
        fl.tensor(_arr((2, 3))).t().view(6)
    assert tuple(fl.tensor(_arr((2, 3))).t().reshape(6).shape) == (6,)
    with pytest.raises(
        RuntimeError, match="Sizes of tensors must match except in dimension 1"
    ):  # noqa: E501
        fl.cat([fl.zeros(2, 2), fl.zeros(3, 3)], 1)


def test_iadd_on_index_and_contains() -> None:
    def script(lib: Any) -> Any:
        x = mk(lib, _arr((3, 4)))
        x[1] += 1
        x[:, [0, 3]] *= 2
        return x, 1.5 in x, float(x[0, 0]) in x, mk(lib, _arr((1,)))[0] in x

    both(script)


def test_index_with_tensor_scalars_and_numpy() -> None:
    def script(lib: Any) -> Any:
        x = mk(lib, _arr((3, 4)))
        i = lib.tensor(2)
        return (x[i], x[i, lib.tensor([0, 1])], x[np.array([2, 0])], x[1:i],
                x[lib.tensor([[True, False, True, False]] * 3)])  # fmt: skip

    both(script)


# ------------------------------------------------------------------ tracing
def test_setitem_and_basic_getitem_under_jit() -> None:
    a = _arr((3, 4))

    @jax.jit
    def f(arr: jax.Array) -> jax.Array:
        x = fl.from_jax(arr) if hasattr(fl, "from_jax") else fl.Tensor(arr)
        x = x * 1
        x[x > 0] = 0.0  # a traced mask: lowered to ``where``
        x[:, 1] = x[:, 2] * 2
        x[fl.Tensor(jnp.array([0, 2]))] += 1
        return x.t()[1:].jax()

    ref = torch.tensor(a)
    ref[ref > 0] = 0.0
    ref[:, 1] = ref[:, 2] * 2
    ref[[0, 2]] += 1
    np.testing.assert_allclose(
        np.asarray(f(a)), ref.t()[1:].numpy(), rtol=RTOL, atol=ATOL
    )  # noqa: E501


def test_data_dependent_ops_under_jit_raise_clear_error() -> None:
    def getmask(arr: jax.Array) -> Any:
        x = fl.Tensor(arr)
        return x[x > 0].jax()

    for fn in (getmask, lambda a: fl.nonzero(fl.Tensor(a)).jax()):
        with pytest.raises(RuntimeError, match="where"):
            jax.jit(fn)(_arr((3, 4)))


def test_grad_under_jax_grad_through_indexing() -> None:
    a = _arr((3, 4))

    def loss(arr: jax.Array) -> jax.Array:
        x = fl.Tensor(arr) * 1
        x[:, 0] = 0.0
        return (
            x[[0, 2]].sum() + x.gather(1, fl.Tensor(jnp.array([[1], [3], [2]]))).sum()
        ).jax()  # noqa: E501

    w = torch.tensor(a, requires_grad=True)
    x = w * 1
    x[:, 0] = 0.0
    (x[[0, 2]].sum() + x.gather(1, torch.tensor([[1], [3], [2]])).sum()).backward()
    np.testing.assert_allclose(np.asarray(jax.grad(loss)(a)), w.grad.numpy())
