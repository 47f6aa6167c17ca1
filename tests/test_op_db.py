"""Every record of the op table (``op_db.OPS``) against real PyTorch.

One parametrized test per (op, dtype, sample): forward values, shapes and dtypes of every
output (function, method and in-place forms), then the gradient of every floating input
for a fixed random cotangent. Error records check both libraries raise.
"""

from __future__ import annotations

import re
from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest
import torch
from op_db import OPS, Const, OpInfo, Sample, errors_of, grad_dtype, samples_of, seed_of
from tolerances import tol_for

import functorch_lite as fl

# ------------------------------------------------------------------ conversions


def _ours(x: np.ndarray, requires_grad: bool) -> Any:
    t = fl.Tensor(jnp.asarray(x))
    if requires_grad:
        t.requires_grad = True
    return t


def _theirs(x: np.ndarray, requires_grad: bool) -> Any:
    return torch.from_numpy(np.array(x)).requires_grad_(requires_grad)


def _floating(x: np.ndarray) -> bool:
    return x.dtype.kind in "fc"


def _convert(value: Any, make: Any, grad: bool, leaves: list) -> Any:
    """Arrays → tensors (recording differentiable ones in ``leaves``); rest as is."""
    if isinstance(value, Const):
        return make(value.array, False)
    if isinstance(value, np.ndarray):
        wants = grad and _floating(value)
        t = make(value, wants)
        if wants:
            leaves.append(t)
        return t
    if isinstance(value, (tuple, list)):
        return type(value)(_convert(v, make, grad, leaves) for v in value)
    return value


def _build(sample: Sample, make: Any, grad: bool) -> tuple[tuple, dict, list]:
    leaves: list = []
    args = _convert(sample.args, make, grad, leaves)
    kwargs = {k: _convert(v, make, grad, leaves) for k, v in sample.kwargs.items()}
    return args, kwargs, leaves


def _flat(out: Any) -> list:
    if isinstance(out, (tuple, list)) and not isinstance(out, (torch.Size, fl.Size)):
        return [leaf for o in out for leaf in _flat(o)]
    return [out]


def _dtype_name(t: Any) -> str:
    return str(t.dtype).rsplit(".", 1)[-1]


def _np(t: Any) -> np.ndarray:
    if isinstance(t, torch.Tensor):
        if t._is_zerotensor():  # PyTorch's lazy zero gradients (sgn, ...)
            return np.zeros(tuple(t.shape), _dtype_name(t))
        return t.detach().numpy()
    if isinstance(t, fl.Tensor):  # force: also materialises a lazy zero gradient
        return np.asarray(t.numpy(force=True))
    return np.asarray(t)


# ------------------------------------------------------------------ comparisons


def _assert_close(ours: Any, theirs: Any, tol: Any, what: str) -> None:
    np.testing.assert_allclose(
        _np(ours).astype(np.float64) if _np(ours).dtype.kind != "c" else _np(ours),
        _np(theirs).astype(np.float64)
        if _np(theirs).dtype.kind != "c"
        else _np(theirs),
        rtol=tol.rtol,
        atol=tol.atol,
        equal_nan=True,
        err_msg=what,
    )


def _compare_outputs(info: OpInfo, ours: Any, theirs: Any, what: str) -> None:
    if info.compare is not None:
        ours, theirs = info.compare(fl, ours), info.compare(torch, theirs)
    fo, ft = _flat(ours), _flat(theirs)
    assert len(fo) == len(ft), f"{what}: {len(fo)} outputs, PyTorch gives {len(ft)}"
    for i, (o, t) in enumerate(zip(fo, ft)):
        where = f"{what} output {i}"
        if isinstance(t, torch.Tensor):
            assert isinstance(o, fl.Tensor), f"{where}: got {type(o).__name__}"
            assert tuple(o.shape) == tuple(t.shape), (
                f"{where}: shape {o.shape} vs {t.shape}"
            )
            assert _dtype_name(o) == _dtype_name(t), (
                f"{where}: dtype {o.dtype} vs {t.dtype}"
            )
            is_index = t.dtype in (torch.int64, torch.int32) and not info.exact_indices
            if is_index:
                continue
            _assert_close(o, t, tol_for(_dtype_name(t), info.tol), where)
        elif isinstance(t, (torch.Size, fl.Size)):
            assert tuple(o) == tuple(t), where
        elif isinstance(t, (bool, int, float, complex)):
            assert type(o) is type(t), (
                f"{where}: {type(o).__name__} vs {type(t).__name__}"
            )
            np.testing.assert_allclose(o, t, rtol=1e-6, atol=1e-7, err_msg=where)
        else:
            assert o == t, where


def _run(call: Any) -> tuple[Any, BaseException | None]:
    try:
        return call(), None
    except Exception as e:  # noqa: BLE001 - the test compares exception types
        return None, e


def _check_same_error(ours_err: BaseException | None, theirs: BaseException) -> None:
    assert ours_err is not None, f"PyTorch raised {theirs!r}; we did not"
    assert isinstance(ours_err, type(theirs)) or isinstance(theirs, type(ours_err)), (
        f"PyTorch raised {type(theirs).__name__}: {theirs}; we raised "
        f"{type(ours_err).__name__}: {ours_err}"
    )


# ------------------------------------------------------------------ parametrization


def _cases() -> list:
    cases = []
    for info in OPS:
        for dtype in info.dtypes:
            # Extra dtypes are the slow lane (``-m "not slow"`` keeps every op, every
            # sample and every gradient in the record's first dtype).
            marks = () if dtype == info.dtypes[0] else (pytest.mark.slow,)
            for i, _ in enumerate(samples_of(info, dtype)):
                cases.append(
                    pytest.param(
                        info, dtype, i, id=f"{info.name}-{dtype}-{i}", marks=marks
                    )
                )
    return cases


def _error_cases() -> list:
    return [
        pytest.param(info, i, id=f"{info.name}-err{i}")
        for info in OPS
        for i, _ in enumerate(errors_of(info))
    ]


@pytest.mark.parametrize(("info", "dtype", "index"), _cases())
def test_op(info: OpInfo, dtype: str, index: int) -> None:
    sample = samples_of(info, dtype)[index]
    what = f"{info.name}[{dtype}] {sample!r}"

    # Forward, function form (the reference call decides what must happen).
    t_args, t_kwargs, _ = _build(sample, _theirs, False)
    theirs, t_err = _run(lambda: info.call(torch, t_args, t_kwargs))
    o_args, o_kwargs, _ = _build(sample, _ours, False)
    ours, o_err = _run(lambda: info.call(fl, o_args, o_kwargs))
    if t_err is not None:
        _check_same_error(o_err, t_err)
        return
    if o_err is not None:
        raise o_err
    _compare_outputs(info, ours, theirs, what)

    if info.method:
        o_args, o_kwargs, _ = _build(sample, _ours, False)
        _compare_outputs(
            info, info.call_method(o_args, o_kwargs), theirs, what + " method"
        )

    if info.inplace:
        t_args, t_kwargs, _ = _build(sample, _theirs, False)
        t_res, t_err = _run(lambda: info.call_method(t_args, t_kwargs, "_"))
        o_args, o_kwargs, _ = _build(sample, _ours, False)
        o_res, o_err = _run(lambda: info.call_method(o_args, o_kwargs, "_"))
        if t_err is not None:
            _check_same_error(o_err, t_err)
        else:
            if o_err is not None:
                raise o_err
            assert o_res is o_args[0], f"{what}: in-place form must return self"
            _compare_outputs(info, o_args[0], t_args[0], what + " in-place")

    if info.grad and sample.grad and dtype == grad_dtype(info):
        _check_grad(info, sample, what)


def _check_grad(info: OpInfo, sample: Sample, what: str) -> None:
    t_args, t_kwargs, t_leaves = _build(sample, _theirs, True)
    if not t_leaves:
        return
    t_outs = [
        o
        for o in _flat(info.call(torch, t_args, t_kwargs))
        if isinstance(o, torch.Tensor) and o.requires_grad
    ]
    if not t_outs:
        return
    o_args, o_kwargs, o_leaves = _build(sample, _ours, True)
    o_outs = [
        o
        for o in _flat(info.call(fl, o_args, o_kwargs))
        if isinstance(o, fl.Tensor) and o.requires_grad
    ]
    assert len(o_outs) == len(t_outs), f"{what}: differentiable outputs differ"
    rng = np.random.default_rng(seed_of(info.name, "cotangent"))
    cots = [rng.standard_normal(tuple(o.shape)).astype(_dtype_name(o)) for o in t_outs]
    t_grads = torch.autograd.grad(
        t_outs, t_leaves, [torch.from_numpy(c) for c in cots], allow_unused=True
    )
    o_grads = fl.autograd.grad(
        o_outs,
        o_leaves,
        grad_outputs=[fl.Tensor(jnp.asarray(c)) for c in cots],
        allow_unused=True,
    )
    for i, (og, tg) in enumerate(zip(o_grads, t_grads)):
        where = f"{what} grad of input {i}"
        if tg is None:
            assert og is None or not np.any(_np(og)), where
            continue
        assert og is not None, f"{where}: we give no gradient"
        assert tuple(og.shape) == tuple(tg.shape), f"{where}: shape {og.shape}"
        assert _dtype_name(og) == _dtype_name(tg), f"{where}: dtype {og.dtype}"
        _assert_close(og, tg, tol_for(_dtype_name(tg), info.grad_tol, grad=True), where)


@pytest.mark.parametrize(("info", "index"), _error_cases())
def test_op_error(info: OpInfo, index: int) -> None:
    err = errors_of(info)[index]
    t_args, t_kwargs, _ = _build(err.sample, _theirs, False)
    with pytest.raises(err.error):
        info.call(torch, t_args, t_kwargs)
    o_args, o_kwargs, _ = _build(err.sample, _ours, False)
    with pytest.raises(err.error) as caught:
        info.call(fl, o_args, o_kwargs)
    if err.match:
        assert re.search(err.match, str(caught.value)), str(caught.value)
