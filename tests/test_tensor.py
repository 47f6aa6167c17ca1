"""Tensor basics against PyTorch: creation, dtypes, promotion, devices, repr, conversions."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from _both import error_of, run_both

import functorch_lite


def test_default_dtypes() -> None:
    def script(lib: Any) -> Any:
        return [str(t.dtype).split(".")[-1] for t in (
            lib.tensor([1, 2]), lib.tensor([1.0, 2]), lib.tensor(True), lib.tensor([1 + 2j]),
            lib.zeros(2), lib.arange(3), lib.arange(0.0, 1.0, 0.5), lib.full((2,), 7),
            lib.full((2,), 7.0), lib.randn(2), lib.randint(0, 5, (3,)), lib.eye(2),
            lib.linspace(0, 1, 3), lib.tensor([1, 2]) / 2, lib.tensor([1, 2]) * 2.5,
            lib.tensor([1, 2], dtype=lib.uint8) + 1, lib.tensor([True]) + 1,
            lib.ones(2, dtype=lib.float16) * lib.tensor(2.0, dtype=lib.float64),
            lib.tensor([1, 2]) * lib.tensor(2.5, dtype=lib.float64),
        )]  # fmt: skip

    run_both(script)


def test_creation_values() -> None:
    def script(lib: Any) -> Any:
        return {
            "arange": lib.arange(1, 10, 3), "arange_f": lib.arange(0, 1, 0.25),
            "linspace": lib.linspace(-1, 1, 5), "logspace": lib.logspace(0, 2, 3),
            "eye": lib.eye(2, 3), "full": lib.full((2, 2), 3.5),
            "zeros_like": lib.zeros_like(lib.ones(2, 3, dtype=lib.int32)),
            "ones_like": lib.ones_like(lib.ones(2)), "full_like": lib.full_like(lib.ones(2), 4),
            "from_numpy": lib.from_numpy(np.arange(6, dtype=np.int16).reshape(2, 3)),
            "nested": lib.tensor([[1.5, 2], [3, 4]]), "scalar": lib.tensor(3),
        }  # fmt: skip

    run_both(script)


def test_attributes_and_conversions() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        return {
            "shape": tuple(x.shape), "size": tuple(x.size()), "size1": x.size(1),
            "size_neg": x.size(-1), "dim": x.dim(), "ndim": x.ndim, "numel": x.numel(),
            "T": x.T, "mT": x.mT, "item": x[1, 2].item(), "tolist": x.tolist(),
            "len": len(x), "iter": [r for r in x], "float": float(x[0, 0]),
            "int": int(x[1, 1]), "bool": bool(x[0, 0]), "long": x.long(), "int32": x.int(),
            "bool_t": x.bool(), "double": x.double(), "half": x.half(), "to": x.to(lib.int64),
            "type_as": x.type_as(lib.tensor([1])), "clone": x.clone(), "is_fp": x.is_floating_point(),
            "contig": x.is_contiguous(), "t_contig": x.t().is_contiguous(),
            "t_contig2": x.t().contiguous().is_contiguous(), "numpy": x.numpy(),
            "array": np.asarray(x), "elem": x.element_size(),
        }  # fmt: skip

    run_both(script)


def test_conversion_errors() -> None:
    def script(lib: Any) -> Any:
        x = lib.ones(2, 3, requires_grad=True)
        return [
            error_of(lambda: x.item()), error_of(lambda: bool(lib.ones(2))),
            error_of(lambda: x.numpy()), error_of(lambda: lib.ones(2, dtype=lib.int64).requires_grad_()),
            error_of(lambda: (x * 2).requires_grad_(False)),
        ]  # fmt: skip

    run_both(script)


def test_repr_reads_like_pytorch() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        return [
            repr(lib.tensor([1.0, 2.0, 3.0])),
            repr(lib.tensor(14.0)),
            repr(x),
            repr(x * 2),
            repr(lib.tensor([1, 2])),
            repr(lib.tensor([True, False])),
            repr(lib.tensor([0.1, 0.25])),
            repr(lib.tensor([[1.5, -2.0], [3.0, 4.0]])),
            repr(lib.tensor([1.0, 2.0], dtype=lib.float64)).replace(
                "torch.", "functorch_lite."
            ),
            repr(lib.zeros(0)),
            repr(lib.tensor([1, 2], dtype=lib.int32)).replace(
                "torch.", "functorch_lite."
            ),  # noqa: E501
        ]

    run_both(script)


def test_inplace_dtype_and_shape_errors() -> None:
    def script(lib: Any) -> Any:
        i = lib.tensor([1, 2])
        f = lib.zeros(3)
        return [error_of(lambda: i.add_(0.5)), error_of(lambda: f.add_(lib.ones(2, 3))),
                error_of(lambda: lib.ones(2, 3) + lib.ones(4))]  # fmt: skip

    run_both(script)


def test_inplace_ops_and_operators() -> None:
    def script(lib: Any) -> Any:
        x = lib.tensor([1.0, -2.0, 3.0])
        x.add_(1).mul_(2).sub_(0.5).div_(2)
        y = lib.tensor([4, 5, 6])
        y += 1
        y *= 2
        z = lib.tensor([1.0, 2.0])
        z -= 3
        z.clamp_(-1.5, 0)
        w = lib.ones(3)
        w.copy_(lib.tensor([1, 2, 3]))
        w2 = lib.zeros(2, 2)
        w2.fill_(7)
        return {"x": x, "y": y, "z": z, "w": w, "w2": w2, "pow": x**2, "rpow": 2**x,
                "neg": -x, "abs": abs(x), "floordiv": y // 3, "mod": y % 4,
                "rsub": 1 - x, "rdiv": 1 / (x + 10), "cmp": x > 1, "and": (x > 0) & (x < 3),
                "invert": ~(x > 0)}  # fmt: skip

    run_both(script)


def test_generator_reproducibility() -> None:
    functorch_lite.manual_seed(3)
    a = functorch_lite.randn(4)
    functorch_lite.manual_seed(3)
    b = functorch_lite.randn(4)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    g = functorch_lite.Generator().manual_seed(5)
    c = functorch_lite.rand(3, generator=g)
    g.manual_seed(5)
    np.testing.assert_array_equal(
        c.numpy(), functorch_lite.rand(3, generator=g).numpy()
    )
    assert not np.array_equal(a.numpy(), functorch_lite.randn(4).numpy())
    p = functorch_lite.randperm(10, generator=g)
    assert sorted(p.tolist()) == list(range(10)) and p.dtype is functorch_lite.int64


def test_random_distributions_statistics() -> None:
    functorch_lite.manual_seed(0)
    n = functorch_lite.randn(20000)
    assert (
        abs(float(n.numpy().mean())) < 0.03 and abs(float(n.numpy().std()) - 1) < 0.03
    )
    u = functorch_lite.rand(20000).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    r = functorch_lite.randint(3, 7, (5000,)).numpy()
    assert set(np.unique(r)) == {3, 4, 5, 6}
    b = functorch_lite.bernoulli(functorch_lite.full((20000,), 0.3)).numpy()
    assert abs(b.mean() - 0.3) < 0.02
    m = functorch_lite.multinomial(
        functorch_lite.tensor([0.0, 1.0, 3.0]), 4000, True
    ).numpy()
    assert abs((m == 2).mean() - 0.75) < 0.03 and (m == 0).sum() == 0
    x = functorch_lite.empty(10000).normal_(2.0, 0.5).numpy()
    assert abs(x.mean() - 2) < 0.03 and abs(x.std() - 0.5) < 0.02


def test_devices() -> None:
    x = functorch_lite.ones(2)
    assert x.device == functorch_lite.device("cpu") and str(x.device) == "cpu"
    assert x.to("cpu").device.type == "cpu"
    assert functorch_lite.cuda.is_available() is False
    assert functorch_lite.cuda.device_count() == 0
    with pytest.raises(RuntimeError, match="no GPU"):
        x.to("cuda")
    with pytest.raises(RuntimeError, match="no GPU"):
        functorch_lite.zeros(2, device="cuda:1")
    assert repr(functorch_lite.device("cuda", 1)) == "device(type='cuda', index=1)"


def test_several_cpu_devices_in_a_subprocess() -> None:
    code = (
        "import functorch_lite as t\n"
        "x = t.ones(3).to('cpu:1')\n"
        "assert str(x.device) == 'cpu:1', x.device\n"
        "y = (x * 2).to('cpu:0')\n"
        "print(str(y.device), y.tolist())\n"
    )
    env = {
        "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "cpu [2.0, 2.0, 2.0]"


def test_jax_interop_and_pytree() -> None:
    import jax
    import jax.numpy as jnp

    x = functorch_lite.from_jax(jnp.arange(3.0, dtype=jnp.float32))
    assert isinstance(x.jax(), jax.Array)
    doubled = jax.jit(lambda t: t * 2)(x)
    assert isinstance(doubled, functorch_lite.Tensor)
    np.testing.assert_array_equal(doubled.numpy(), [0.0, 2.0, 4.0])
    leaves = jax.tree_util.tree_leaves({"a": x, "b": [x]})
    assert len(leaves) == 2


def test_augmented_assignment_is_in_place() -> None:
    """``x -= y`` under no_grad updates the same leaf (the SGD idiom), as in PyTorch."""

    def script(lib: Any) -> Any:
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        alias = w
        with lib.no_grad():
            w -= 0.5
            w *= 4
            w /= 2
        i = lib.tensor([5, 6])
        view = i[0:1]
        i += 1
        i //= 2
        return {"same": w is alias, "w": w, "leaf": w.is_leaf, "rg": w.requires_grad,
                "i": i, "view": view}  # fmt: skip

    run_both(script)
