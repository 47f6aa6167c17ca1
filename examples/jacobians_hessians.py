"""Jacobians and Hessians with ``torch.func``, checked against plain autograd.

The ``torch.func`` recipe on a small network: the Jacobian of
``predict(weight, bias, x) = tanh(x @ weight.T + bias)`` with respect to ``x`` by
reverse mode (``jacrev``), forward mode (``jacfwd``) and row by row with
``torch.autograd.grad`` (the way it is done without ``torch.func``); Jacobians with
respect to several arguments (``argnums``); batched Jacobians with
``vmap(jacrev(...))``; Hessians with ``hessian`` and ``jacfwd(jacrev(...))``; and the
Jacobian of an ``nn.Module``'s output with respect to its parameters via
``functional_call``. Each comparison prints its max abs difference and the time of
one call.

Run: ``.venv/bin/python examples/jacobians_hessians.py [--size D] [--batch B]``.
"""

from __future__ import annotations

import argparse
import time

import functorch_lite as torch
import functorch_lite.nn as nn
import functorch_lite.nn.functional as F
from functorch_lite.func import functional_call, hessian, jacfwd, jacrev, vmap

TOL = 1e-5  # float32: the modes sum the same products in different orders


def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()


def autograd_jacobian(f, x):
    """Row i of the Jacobian is the gradient of output i (one backward per row)."""
    x = x.detach().requires_grad_(True)
    out = f(x)
    rows = [
        torch.autograd.grad(out[i], x, retain_graph=True)[0] for i in range(out.numel())
    ]
    return torch.stack(rows)


def timed(f, *args):
    """``(result, seconds)`` of the second call (the first compiles)."""
    f(*args)
    start = time.perf_counter()
    out = f(*args)
    return out, time.perf_counter() - start


def report(name: str, a, b, seconds: float | None = None) -> float:
    diff = (a - b).abs().max().item()
    when = f"  ({seconds * 1e3:7.2f} ms)" if seconds is not None else ""
    print(f"  {name:<44} max abs diff {diff:.2e}{when}")
    assert diff < TOL, f"{name}: {diff}"
    return diff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=16, help="features D")
    parser.add_argument("--batch", type=int, default=8, help="batch for vmap(jacrev)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    D = args.size
    weight, bias, x = torch.randn(D, D), torch.randn(D), torch.randn(D)

    print(f"Jacobian of tanh(W x + b) w.r.t. x, D={D}:")
    ref, t_ref = timed(autograd_jacobian, lambda x_: predict(weight, bias, x_), x)
    jac_rev, t_rev = timed(jacrev(predict, argnums=2), weight, bias, x)
    jac_fwd, t_fwd = timed(jacfwd(predict, argnums=2), weight, bias, x)
    print(f"  autograd row by row: {tuple(ref.shape)} in {t_ref * 1e3:.2f} ms")
    report("jacrev vs autograd", jac_rev, ref, t_rev)
    report("jacfwd vs autograd", jac_fwd, ref, t_fwd)
    # Closed form: d tanh(Wx+b)/dx = diag(1 - tanh^2) W.
    closed = (1 - predict(weight, bias, x) ** 2)[:, None] * weight
    report("jacrev vs closed form diag(1 - y^2) W", jac_rev, closed)

    print("Jacobians w.r.t. weight and bias (argnums=(0, 1)):")
    ft_w, ft_b = jacrev(predict, argnums=(0, 1))(weight, bias, x)
    fw_w, fw_b = jacfwd(predict, argnums=(0, 1))(weight, bias, x)
    print(f"  d/dW {tuple(ft_w.shape)}, d/db {tuple(ft_b.shape)}")
    report("jacrev vs jacfwd, d/dW", ft_w, fw_w)
    report("jacrev vs jacfwd, d/db", ft_b, fw_b)

    print(f"Batched Jacobians, batch {args.batch}:")
    xs = torch.randn(args.batch, D)
    batched = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
    per_x, t_vmap = timed(batched, weight, bias, xs)
    loop = torch.stack([jacrev(predict, argnums=2)(weight, bias, xi) for xi in xs])
    print(f"  vmap(jacrev): {tuple(per_x.shape)}")
    report("vmap(jacrev) vs loop of jacrev", per_x, loop, t_vmap)
    # jacrev of the summed outputs gives the same per-example Jacobians, since
    # example i's outputs do not depend on example j's inputs.
    summed = jacrev(lambda xs_: predict(weight, bias, xs_).sum(0))(xs).movedim(1, 0)
    report("vmap(jacrev) vs jacrev of the batch sum", per_x, summed)

    print("Hessian of the summed outputs w.r.t. x:")
    h, t_h = timed(hessian(lambda x_: predict(weight, bias, x_).sum()), x)
    h2 = jacfwd(jacrev(lambda x_: predict(weight, bias, x_).sum()))(x)
    h3 = jacrev(jacrev(lambda x_: predict(weight, bias, x_).sum()))(x)
    print(f"  hessian: {tuple(h.shape)} in {t_h * 1e3:.2f} ms")
    report("hessian vs jacfwd(jacrev)", h, h2)
    report("hessian vs jacrev(jacrev)", h, h3)
    hv = hessian(predict, argnums=2)(weight, bias, x)
    print(f"  hessian of the vector output: {tuple(hv.shape)} (output, in, in)")
    report("its sum over outputs vs hessian of the sum", hv.sum(0), h)

    print("Jacobian of an nn.Module's output w.r.t. its parameters:")
    model = nn.Sequential(nn.Linear(D, 8), nn.Tanh(), nn.Linear(8, 3))
    params = {k: v.detach() for k, v in model.named_parameters()}
    jac = jacrev(lambda p: functional_call(model, p, (x,)))(params)
    out = model(x)
    for name, p in model.named_parameters():
        rows = [torch.autograd.grad(out[i], p, retain_graph=True)[0] for i in range(3)]
        report(f"jacrev vs autograd, {name} {tuple(jac[name].shape)}", jac[name],
               torch.stack(rows))  # fmt: skip
    print("all Jacobians and Hessians agree")


if __name__ == "__main__":
    main()
