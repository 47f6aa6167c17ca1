"""The official torch.func recipes, run as written on both libraries, same weights.

Per-sample gradients, model ensembling, Jacobians/Hessians of a small network, jvp/vjp.
Each recipe is one function of ``lib`` (``torch`` or ``functorch_lite``); models are
built by ``torch`` with a seed and their weights copied into ours through numpy.
Sizes are shrunk from the tutorials to keep the file fast; the code is the tutorials'.
"""

from __future__ import annotations

import copy
import functools

import numpy as np
import pytest
import torch

import functorch_lite as fl
import functorch_lite.func  # noqa: F401  (binds fl.func)

RTOL, ATOL = 1e-5, 1e-6  # float32 values
GRTOL, GATOL = 1e-4, 1e-5  # float32 gradients (one more chain of kernels)


@functools.cache
def model_classes(lib):
    nn, F = lib.nn, lib.nn.functional

    class SimpleCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, 1)
            self.conv2 = nn.Conv2d(4, 8, 3, 1)
            self.fc1 = nn.Linear(8 * 4 * 4, 16)
            self.fc2 = nn.Linear(16, 10)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = self.conv2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = lib.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.fc2(x)
            output = F.log_softmax(x, dim=1)
            return output

    class SimpleMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(64, 32)
            self.fc2 = nn.Linear(32, 32)
            self.fc3 = nn.Linear(32, 10)

        def forward(self, x):
            x = x.flatten(1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.fc2(x)
            x = F.relu(x)
            x = self.fc3(x)
            return x

    return SimpleCNN, SimpleMLP


def twin(name: str, seed: int):
    """The same model in torch and in functorch_lite (weights copied via numpy)."""
    torch.manual_seed(seed)
    ref = dict(zip(("cnn", "mlp"), model_classes(torch)))[name]()
    ours = dict(zip(("cnn", "mlp"), model_classes(fl)))[name]()
    ours.load_state_dict(
        {k: fl.tensor(v.detach().numpy()) for k, v in ref.state_dict().items()}
    )
    return ref, ours


def as_lib(lib, arr):
    return lib.tensor(arr)


def assert_tree_close(ours, ref, rtol, atol):
    if isinstance(ref, dict):
        assert set(ours) == set(ref)
        for k in ref:
            assert_tree_close(ours[k], ref[k], rtol, atol)
    elif isinstance(ref, (list, tuple)):
        assert len(ours) == len(ref)
        for o, r in zip(ours, ref):
            assert_tree_close(o, r, rtol, atol)
    else:
        assert tuple(ours.shape) == tuple(ref.shape)
        np.testing.assert_allclose(
            ours.detach().numpy(), ref.detach().numpy(), rtol, atol
        )


# ---------------------------------------------------------------- per-sample gradients
def per_sample_grads(lib, model, data, targets):
    from_func = lib.func
    functional_call, vmap, grad = (
        from_func.functional_call,
        from_func.vmap,
        from_func.grad,
    )
    F = lib.nn.functional

    def loss_fn(predictions, targets):
        return F.nll_loss(predictions, targets)

    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch = sample.unsqueeze(0)
        targets = target.unsqueeze(0)
        predictions = functional_call(model, (params, buffers), (batch,))
        loss = loss_fn(predictions, targets)
        return loss

    ft_compute_grad = grad(compute_loss)
    ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
    return ft_compute_sample_grad(params, buffers, data, targets)


def test_per_sample_gradients_recipe_mlp_matches_torch():
    ref_model, our_model = twin("mlp", 0)
    rng = np.random.default_rng(6)
    data = rng.standard_normal((6, 1, 8, 8)).astype(np.float32)
    targets = rng.integers(0, 10, 6)
    ref = per_sample_grads(torch, ref_model, torch.tensor(data), torch.tensor(targets))
    ours = per_sample_grads(fl, our_model, fl.tensor(data), fl.tensor(targets))
    # nll_loss on raw MLP logits is still a valid (linear) loss for the recipe.
    assert_tree_close(ours, ref, GRTOL, GATOL)


@pytest.mark.slow
def test_per_sample_gradients_recipe_matches_torch():
    ref_model, our_model = twin("cnn", 0)
    rng = np.random.default_rng(0)
    data = rng.standard_normal((8, 1, 12, 12)).astype(np.float32)
    targets = rng.integers(0, 10, 8)
    ref = per_sample_grads(torch, ref_model, torch.tensor(data), torch.tensor(targets))
    ours = per_sample_grads(fl, our_model, fl.tensor(data), fl.tensor(targets))
    assert_tree_close(ours, ref, GRTOL, GATOL)
    # ... and each per-sample gradient equals our eager loss.backward() on that sample.
    i = 3
    our_model.zero_grad()
    fl.nn.functional.nll_loss(
        our_model(fl.tensor(data[i : i + 1])), fl.tensor(targets[i : i + 1])
    ).backward()
    for k, p in our_model.named_parameters():
        np.testing.assert_allclose(ours[k][i].numpy(), p.grad.numpy(), GRTOL, GATOL)


# ---------------------------------------------------------------- model ensembling
def ensemble(lib, models, minibatches, minibatch, base_model):
    vmap = lib.func.vmap
    stack_module_state, functional_call = (
        lib.func.stack_module_state,
        lib.func.functional_call,
    )
    params, buffers = stack_module_state(models)

    def fmodel(params, buffers, x):
        return functional_call(base_model, (params, buffers), (x,))

    sizes = [p.size(0) for p in params.values()]
    predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)
    predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
    return sizes, predictions1_vmap, predictions2_vmap, params


def test_model_ensembling_recipe_matches_torch_and_loops():
    pairs = [twin("mlp", s) for s in range(4)]
    ref_models, our_models = [p[0] for p in pairs], [p[1] for p in pairs]
    rng = np.random.default_rng(1)
    data = rng.standard_normal((4, 6, 1, 8, 8)).astype(np.float32)
    ref_base = copy.deepcopy(ref_models[0]).to("meta")
    ref = ensemble(
        torch, ref_models, torch.tensor(data), torch.tensor(data[0]), ref_base
    )
    # Our base model: a deep copy (PyTorch's recipe moves it to the 'meta' device).
    ours = ensemble(fl, our_models, fl.tensor(data), fl.tensor(data[0]),
                    copy.deepcopy(our_models[0]))  # fmt: skip
    assert ours[0] == ref[0] == [4] * 6
    assert_tree_close(list(ours[1:3]), list(ref[1:3]), RTOL, 1e-5)
    loop = fl.stack([m(fl.tensor(x)) for m, x in zip(our_models, data)])
    np.testing.assert_allclose(
        ours[1].detach().numpy(), loop.detach().numpy(), RTOL, 1e-5
    )
    assert all(p.requires_grad and p.is_leaf for p in ours[3].values())


@pytest.mark.xfail(strict=True, reason="core: device('meta') is not parsed yet")
def test_model_ensembling_meta_device_idiom():
    model = fl.nn.Linear(2, 2)
    base = copy.deepcopy(model).to("meta")
    params, buffers = fl.func.stack_module_state([model, fl.nn.Linear(2, 2)])
    out = fl.func.vmap(lambda p, b, x: fl.func.functional_call(base, (p, b), (x,)),
                       in_dims=(0, 0, None))(params, buffers, fl.ones(3, 2))  # fmt: skip
    assert tuple(out.shape) == (2, 3, 2)


def test_ensemble_of_batchnorm_models_updates_each_models_running_stats():
    def make(lib, seed):
        torch.manual_seed(seed)
        m = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
        if lib is torch:
            return m
        o = fl.nn.Sequential(fl.nn.Linear(4, 3), fl.nn.BatchNorm1d(3))
        o.load_state_dict(
            {k: fl.tensor(v.detach().numpy()) for k, v in m.state_dict().items()}
        )
        return o

    x = np.random.default_rng(3).standard_normal((5, 4)).astype(np.float32)
    results = {}
    for lib in (torch, fl):
        models = [make(lib, s) for s in range(3)]
        params, buffers = lib.func.stack_module_state(models)
        base = copy.deepcopy(models[0])
        out = lib.func.vmap(lambda p, b, x: lib.func.functional_call(base, (p, b), (x,)),
                            in_dims=(0, 0, None))(params, buffers, lib.tensor(x))  # fmt: skip
        results[lib.__name__] = (out, buffers)
    (o_out, o_buf), (r_out, r_buf) = results["functorch_lite"], results["torch"]
    np.testing.assert_allclose(
        o_out.detach().numpy(), r_out.detach().numpy(), RTOL, 1e-5
    )
    for k in r_buf:
        np.testing.assert_allclose(o_buf[k].numpy(), r_buf[k].numpy(), RTOL, 1e-6)


def _bn_per_sample(model):
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss(params, x):
        return fl.func.functional_call(
            model, params, (x.unsqueeze(0).repeat(2, 1),)
        ).sum()

    return lambda: fl.func.vmap(fl.func.grad(loss), in_dims=(None, 0))(
        params, fl.ones(5, 4)
    )


def test_batchnorm_in_training_mode_under_per_sample_vmap_raises_clearly():
    model = fl.nn.Sequential(fl.nn.Linear(4, 3), fl.nn.BatchNorm1d(3))
    with pytest.raises(RuntimeError, match="model.eval\\(\\)"):
        _bn_per_sample(model)()
    fresh = fl.nn.Sequential(fl.nn.Linear(4, 3), fl.nn.BatchNorm1d(3)).eval()
    g = _bn_per_sample(fresh)()  # the documented fix
    assert tuple(g["0.weight"].shape) == (5, 3, 4)


@pytest.mark.xfail(
    strict=True,
    reason="nn.functional.batch_norm reads running stats via ._data, which the "
    "StateObserver cannot see, so the pre-vmap value is unknown; reading them with "
    ".jax() fixes this (reported to the lead)",
)
def test_failed_vmap_leaves_batchnorm_running_stats_untouched():
    model = fl.nn.Sequential(fl.nn.Linear(4, 3), fl.nn.BatchNorm1d(3))
    before = model[1].running_mean.numpy().copy()
    with pytest.raises(RuntimeError, match="model.eval"):
        _bn_per_sample(model)()
    np.testing.assert_array_equal(model[1].running_mean.numpy(), before)


# ---------------------------------------------------------------- Jacobians / Hessians
def jacobians(lib, weight, bias, x, x_batch):
    F = lib.nn.functional
    jacrev, jacfwd, vmap, hessian = (
        lib.func.jacrev,
        lib.func.jacfwd,
        lib.func.vmap,
        lib.func.hessian,
    )

    def predict(weight, bias, x):
        return F.linear(x, weight, bias).tanh()

    ft_jacobian = jacrev(predict, argnums=2)(weight, bias, x)
    ft_jacobian_fwd = jacfwd(predict, argnums=2)(weight, bias, x)
    ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
    compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
    batch_jacobian0 = compute_batch_jacobian(weight, bias, x_batch)
    hess_api = hessian(predict, argnums=2)(weight, bias, x)
    hess_fwdrev = jacfwd(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
    return [ft_jacobian, ft_jacobian_fwd, ft_jac_weight, ft_jac_bias, batch_jacobian0,
            hess_api, hess_fwdrev]  # fmt: skip


def test_jacobian_and_hessian_recipe_matches_torch():
    rng = np.random.default_rng(4)
    d = 8
    arrays = [
        rng.standard_normal(s).astype(np.float32) for s in ((d, d), (d,), (d,), (5, d))
    ]
    ref = jacobians(torch, *[torch.tensor(a) for a in arrays])
    ours = jacobians(fl, *[fl.tensor(a) for a in arrays])
    assert_tree_close(ours, ref, GRTOL, GATOL)


def test_jvp_vjp_recipe_matches_torch():
    rng = np.random.default_rng(5)
    x0, u0 = (
        rng.standard_normal(6).astype(np.float32),
        rng.standard_normal(6).astype(np.float32),
    )

    def recipe(lib):
        x, u = lib.tensor(x0), lib.tensor(u0)
        f = lambda x: x.sin() * x.cos().exp()  # noqa: E731
        out, jvp_out = lib.func.jvp(f, (x,), (u,))
        out2, vjp_fn = lib.func.vjp(f, x)
        (vjp_out,) = vjp_fn(u)
        jac = lib.func.jacrev(f)(x)
        return [out, jvp_out, out2, vjp_out, jac @ u, u @ jac]

    ref, ours = recipe(torch), recipe(fl)
    assert_tree_close(ours, ref, GRTOL, GATOL)
    # jvp is J u and vjp is u^T J (checked on our side against our Jacobian).
    np.testing.assert_allclose(ours[1].numpy(), ours[4].numpy(), GRTOL, GATOL)
    np.testing.assert_allclose(ours[3].numpy(), ours[5].numpy(), GRTOL, GATOL)


def test_training_an_ensemble_backward_through_vmap_matches_torch():
    # The recipe's stacked params are leaves that require grad so that they can be
    # trained: loss.backward() through vmap(functional_call) must reach them.
    pairs = [twin("mlp", s) for s in range(3)]
    x = np.random.default_rng(7).standard_normal((5, 1, 8, 8)).astype(np.float32)
    grads = []
    for lib, models in ((torch, [p[0] for p in pairs]), (fl, [p[1] for p in pairs])):
        params, buffers = lib.func.stack_module_state(models)
        base = copy.deepcopy(models[0])
        out = lib.func.vmap(
            lambda p, b, x: lib.func.functional_call(base, (p, b), (x,)),
            in_dims=(0, 0, None),
        )(params, buffers, lib.tensor(x))
        out.pow(2).mean().backward()
        grads.append({k: v.grad for k, v in params.items()})
    assert_tree_close(grads[1], grads[0], GRTOL, GATOL)
