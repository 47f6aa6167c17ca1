"""Small written state travels packed (``transforms/_packed.py``) and stays PyTorch's.

Every test runs the same script eagerly and compiled and compares the Tensors a user
can reach — parameters, ``.grad``, optimizer state, views, held references — between
steps, where the compiled run's state is pending on a packed buffer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from _train import train_step

import functorch_lite as torch
from functorch_lite.transforms import _packed

RTOL, ATOL = 1e-5, 1e-6


def _setup(seed: int = 0) -> tuple[Any, Any, Any, Any]:
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3)
    )
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    rng = np.random.default_rng(seed)
    x = torch.tensor(rng.standard_normal((32, 6)).astype(np.float32))
    y = torch.tensor(rng.integers(0, 3, 32))
    return model, opt, x, y


def _step_fn(model: Any, opt: Any, compiled: bool, **kw: Any) -> Callable[..., Any]:
    step = train_step(model, opt)
    return torch.compile(step, **kw) if compiled else step


def _snapshot(model: Any, opt: Any) -> dict[str, np.ndarray]:
    out = {}
    for name, p in model.named_parameters():
        out[name] = np.array(p.detach())
        out[name + ".grad"] = np.array(p.grad)
        for key, value in opt.state[p].items():
            out[f"{name}.{key}"] = np.array(value)
    return out


def _assert_close(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=RTOL, atol=ATOL, err_msg=k)


def _program(fn: Any) -> Any:
    fn = getattr(fn, "_compiled", fn)  # FastCall wraps the CompiledFunction
    (program,) = fn.programs.values()
    return program


@pytest.mark.parametrize("mode", [None, "reduce-overhead"])
def test_state_read_between_packed_steps_equals_eager(mode: str | None) -> None:
    runs = {}
    for compiled in (False, True):
        model, opt, x, y = _setup()
        step = (
            _step_fn(model, opt, compiled, mode=mode)
            if compiled
            else _step_fn(model, opt, False)
        )
        snaps, losses = [], []
        for i in range(8):
            losses.append(float(step(x, y)))
            if (
                i % 3 == 2
            ):  # read everything now and then; steps in between read nothing
                snaps.append(_snapshot(model, opt))
        snaps.append(_snapshot(model, opt))
        runs[compiled] = (snaps, losses, model, step)
    for eager_snap, comp_snap in zip(runs[False][0], runs[True][0], strict=True):
        _assert_close(eager_snap, comp_snap)
    np.testing.assert_allclose(runs[True][1], runs[False][1], rtol=RTOL, atol=ATOL)
    assert _program(runs[True][3]).packing is not None, "small state must travel packed"
    for p in runs[True][2].parameters():
        assert isinstance(p, torch.nn.Parameter) and type(p).__name__ == "Parameter"


def _edits(model: Any, opt: Any) -> list[Callable[[], None]]:
    """Changes a user makes between steps: in place, blind assignment, state, lr."""
    first, last = model[0], model[2]
    state = opt.state[first.weight]

    def scale() -> None:
        with torch.no_grad():
            first.weight.mul_(0.5)

    def assign() -> None:  # writes without reading the old value
        last.bias.data = torch.full((3,), 0.25)

    def reset_state() -> None:
        state["exp_avg"].zero_()

    def new_lr() -> None:
        opt.param_groups[0]["lr"] = 0.002

    return [scale, assign, reset_state, new_lr]


def test_writes_between_packed_steps_reach_the_next_step() -> None:
    snaps = {}
    for compiled in (False, True):
        model, opt, x, y = _setup()
        step = _step_fn(model, opt, compiled)
        for _ in range(3):
            step(x, y)
        for edit in _edits(model, opt):
            edit()
            step(x, y)
            step(x, y)
        snaps[compiled] = _snapshot(model, opt)
    _assert_close(snaps[False], snaps[True])


def test_views_and_copies_follow_packed_steps() -> None:
    seen: dict[bool, list[np.ndarray]] = {}
    for compiled in (False, True):
        model, opt, x, y = _setup()
        step = _step_fn(model, opt, compiled)
        step(x, y)
        step(x, y)
        weight = model[0].weight
        view = weight.t()  # a view reads its base's current value
        frozen = copy.deepcopy(weight)  # a real copy keeps the old value
        before = np.array(frozen)
        step(x, y)
        seen[compiled] = [
            np.array(weight.grad),
            np.array(view),
            np.array(frozen),
            before,
        ]
        np.testing.assert_array_equal(np.array(frozen), before)
        np.testing.assert_allclose(np.array(view), np.array(weight).T)
    for a, b in zip(seen[False], seen[True], strict=True):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


def test_two_compiled_functions_share_packed_state() -> None:
    outs = {}
    for compiled in (False, True):
        model, opt, x, y = _setup()
        step = _step_fn(model, opt, compiled)

        def predict(x: Any) -> Any:
            with torch.no_grad():
                return model(x)

        predict_fn = torch.compile(predict) if compiled else predict
        got = []
        for _ in range(5):
            step(x, y)
            got.append(np.array(predict_fn(x)))
        outs[compiled] = (got, _snapshot(model, opt))
    for a, b in zip(outs[False][0], outs[True][0], strict=True):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    _assert_close(outs[False][1], outs[True][1])


def test_large_state_is_not_packed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_packed, "PACK_STATE_BYTES", 0)
    snaps = {}
    for compiled in (False, True):
        model, opt, x, y = _setup()
        step = _step_fn(model, opt, compiled)
        for _ in range(4):
            step(x, y)
        snaps[compiled] = _snapshot(model, opt)
        if compiled:
            assert _program(step).packing is None
    _assert_close(snaps[False], snaps[True])


def test_a_blind_internal_write_is_not_lost() -> None:
    # Every public write reads first; internal code may assign ``_data`` outright,
    # which must still make the next call repack instead of reusing the old buffer.
    snaps = {}
    for compiled in (False, True):
        model, opt, x, y = _setup()
        step = _step_fn(model, opt, compiled)
        step(x, y)
        step(x, y)
        model[2].bias._data = jnp.full((3,), 0.5, jnp.float32)
        step(x, y)
        snaps[compiled] = _snapshot(model, opt)
    _assert_close(snaps[False], snaps[True])


def test_pending_tensors_are_pytrees_and_arguments_like_plain_ones() -> None:
    model, opt, x, y = _setup()
    step = _step_fn(model, opt, True)
    for _ in range(3):
        step(x, y)
    weight, bias = model[0].weight, model[0].bias
    step(x, y)
    assert type(weight) is not torch.nn.Parameter  # pending on the packed buffer
    leaves, treedef = jax.tree_util.tree_flatten({"w": weight})
    assert len(leaves) == 1 and isinstance(leaves[0], jax.Array)
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)["w"]
    assert isinstance(rebuilt, torch.nn.Parameter)
    np.testing.assert_array_equal(np.array(rebuilt), np.array(weight))
    step(x, y)  # pending again: now as an argument of another compiled function
    double = torch.compile(lambda t: t * 2)
    for _ in range(3):
        np.testing.assert_allclose(np.array(double(bias)), 2 * np.array(bias))
        step(x, y)
