"""``step()`` updates parameters and state in place (donated buffers), yet everything
that aliases them behaves as in PyTorch, and the shared step count stays per-parameter.

A donated ``jax.Array`` is deleted, so the shell donates only arrays nothing else
holds; these tests hold them in every way a user can and check nobody reads a
deleted array.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from _optim_parity import (
    assert_close,
    assert_same_state,
    make_pair,
    ours_tensor,
    set_grads,
    torch_state_dict_to_numpy,
)

import functorch_lite
from functorch_lite import optim


def _adam_pair(**kwargs: object) -> tuple[list, list, optim.Adam, torch.optim.Adam]:
    ours, theirs = make_pair()
    return (
        ours,
        theirs,
        optim.Adam(ours, lr=0.1, **kwargs),
        torch.optim.Adam(theirs, lr=0.1, **kwargs),
    )


def test_step_writes_into_the_same_buffers() -> None:
    ours, theirs, opt, topt = _adam_pair()
    set_grads(ours, theirs, 0)
    opt.step()  # creates the state
    p = ours[0]
    before = (
        p.jax().unsafe_buffer_pointer(),
        opt.state[p]["exp_avg"].jax().unsafe_buffer_pointer(),
        opt.state[p]["exp_avg_sq"].jax().unsafe_buffer_pointer(),
    )
    set_grads(ours, theirs, 1)
    opt.step()
    after = (
        p.jax().unsafe_buffer_pointer(),
        opt.state[p]["exp_avg"].jax().unsafe_buffer_pointer(),
        opt.state[p]["exp_avg_sq"].jax().unsafe_buffer_pointer(),
    )
    assert after == before


def test_detached_aliases_read_the_updated_values() -> None:
    ours, theirs, opt, topt = _adam_pair()
    aliases = [p.detach() for p in ours]
    data = [p.data for p in ours]
    taliases = [q.detach() for q in theirs]
    for step in range(4):
        set_grads(ours, theirs, step)
        opt.step()
        topt.step()
        for i in range(len(ours)):
            assert_close(aliases[i], taliases[i], f"detach() alias {i}, step {step}")
            assert_close(data[i], taliases[i], f".data alias {i}, step {step}")
        if step == 1:
            # Read: the aliases now cache the current arrays; the next step must
            # leave those alive too.
            [np.asarray(a.jax()) for a in aliases]


def test_state_tensors_from_state_dict_follow_the_updates() -> None:
    ours, theirs, opt, topt = _adam_pair()
    set_grads(ours, theirs, 0)
    opt.step()
    topt.step()
    live, tlive = opt.state_dict(), topt.state_dict()
    for step in range(1, 3):
        set_grads(ours, theirs, step)
        opt.step()
        topt.step()
    for k, st in tlive["state"].items():
        for name, value in st.items():
            assert_close(live["state"][k][name], value, f"state {k} {name}")


def test_arrays_held_elsewhere_keep_their_values() -> None:
    ours, theirs, opt, topt = _adam_pair()
    set_grads(ours, theirs, 0)
    opt.step()
    p = ours[0]
    held_param = p.jax()
    held_moment = opt.state[p]["exp_avg"].jax()
    numpy_view = p.numpy(force=True)
    snapshot = copy.deepcopy(opt.state_dict())
    expected = [np.array(held_param), np.array(held_moment)]
    for step in range(1, 3):
        set_grads(ours, theirs, step)
        opt.step()
    assert not np.allclose(np.asarray(p.jax()), expected[0])
    np.testing.assert_array_equal(np.asarray(held_param), expected[0])
    np.testing.assert_array_equal(np.asarray(held_moment), expected[1])
    np.testing.assert_array_equal(numpy_view, expected[0])
    np.testing.assert_array_equal(
        np.asarray(snapshot["state"][0]["exp_avg"].jax()), expected[1]
    )


def test_loading_live_state_leaves_the_source_optimizer_usable() -> None:
    ours, theirs, opt, topt = _adam_pair()
    set_grads(ours, theirs, 0)
    opt.step()
    topt.step()
    clone = [
        functorch_lite.tensor(np.asarray(p.jax()), requires_grad=True) for p in ours
    ]
    other = optim.Adam(clone, lr=0.1)
    other.load_state_dict(opt.state_dict())  # state Tensors share arrays
    for p, c in zip(ours, clone, strict=True):
        c.grad = p.grad
    other.step()
    set_grads(ours, theirs, 1)
    opt.step()
    topt.step()
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"param {i}")
    assert_same_state(opt, topt)


def test_step_counts_stay_per_parameter() -> None:
    """One param skips steps, another has its step edited: both as in PyTorch."""
    ours, theirs, opt, topt = _adam_pair()
    for step in range(6):
        set_grads(ours, theirs, step)
        if step in (2, 3):
            ours[1].grad = None
            theirs[1].grad = None
        if step == 4:
            with functorch_lite.no_grad():
                opt.state[ours[0]]["step"].add_(10.0)
            topt.state[theirs[0]]["step"].add_(10.0)
        opt.step()
        topt.step()
        for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
            assert_close(p, q, f"param {i}, step {step}")
        assert_same_state(opt, topt)
    steps = [opt.state[p]["step"] for p in ours if p in opt.state]
    assert len({id(t) for t in steps}) == len(steps)  # distinct Tensors


def test_nadam_shared_state_matches_torch_after_a_skipped_step() -> None:
    ours, theirs = make_pair()
    opt = optim.NAdam(ours, lr=0.05)
    topt = torch.optim.NAdam(theirs, lr=0.05)
    for step in range(5):
        set_grads(ours, theirs, step)
        if step == 1:
            ours[0].grad = ours_tensor(np.zeros(ours[0].shape))
            ours[3].grad = None
            theirs[3].grad = None
            theirs[0].grad = torch.zeros(theirs[0].shape)
        opt.step()
        topt.step()
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"param {i}")
    assert_same_state(opt, topt)


def test_loaded_checkpoint_step_counts_share_one_array() -> None:
    ours, theirs = make_pair()
    topt = torch.optim.NAdam(theirs, lr=0.05)
    for step in range(3):
        set_grads(ours, theirs, step)
        if step == 0:
            theirs[1].grad = None  # one param one step behind
        topt.step()
    opt = optim.NAdam(ours, lr=0.05)
    for p, q in zip(ours, theirs, strict=True):
        with functorch_lite.no_grad():
            p.copy_(ours_tensor(q.detach().numpy()))
    opt.load_state_dict(torch_state_dict_to_numpy(topt.state_dict()))
    with_state = [p for p in ours if p in opt.state]
    arrays = {
        (id(opt.state[p]["step"].jax()), id(opt.state[p]["mu_product"].jax()))
        for p in with_state
    }
    assert len(with_state) == 4 and len(arrays) == 2  # param 1 is a step behind
    for step in range(3, 6):
        set_grads(ours, theirs, step)
        opt.step()
        topt.step()
    for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
        assert_close(p, q, f"param {i}")
    assert_same_state(opt, topt)
