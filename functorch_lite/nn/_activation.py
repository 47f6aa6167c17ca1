"""Activation modules, generated from their functional forms (STYLE rule 6).

``_activation(F.leaky_relu, "LeakyReLU", ...)`` builds a Module whose constructor takes
the functional's hyperparameters (PyTorch's names and defaults), whose ``forward`` calls
the functional with them, and whose ``extra_repr`` matches PyTorch's text.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from .._tensor import Tensor
from . import functional as F
from ._module import Module
from ._parameter import Parameter

__all__ = [
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Softplus", "Softsign", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Softmin",
    "Hardtanh", "Hardsigmoid", "Hardswish", "LogSigmoid", "PReLU", "Threshold",
    "Tanhshrink", "Softshrink", "Hardshrink", "GLU", "RReLU", "Softmax2d",
]  # fmt: skip


def _inplace_suffix(m: Module, sep: str = ", ") -> str:
    return f"{sep}inplace=True" if getattr(m, "inplace", False) else ""


def _activation(
    name: str,
    fn: Callable[..., Tensor],
    params: tuple[tuple[str, Any], ...] = (),
    extra_repr: Callable[[Any], str] = lambda m: "",
    call: Callable[..., Tensor] | None = None,
) -> type[Module]:
    """A Module class ``name`` calling ``fn(input, **params)``."""
    sig = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [
            inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d)
            for p, d in params
        ]  # fmt: skip
    )
    names = tuple(p for p, _ in params)

    def __init__(self: Module, *args: Any, **kwargs: Any) -> None:
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        Module.__init__(self)
        for k in names:
            setattr(self, k, bound.arguments[k])

    def forward(self: Module, input: Tensor) -> Tensor:
        if call is not None:
            return call(self, input)
        return fn(input, **{k: getattr(self, k) for k in names})

    __init__.__signature__ = sig  # type: ignore[attr-defined]
    doc = f"``torch.nn.{name}``: the module form of :func:`F.{fn.__name__}`.\n\n"
    doc += f"    {(fn.__doc__ or '').strip().splitlines()[0] if fn.__doc__ else ''}\n"
    cls = type(
        name,
        (Module,),
        {
            "__init__": __init__,
            "forward": forward,
            "extra_repr": lambda self: extra_repr(self),
            "__doc__": doc,
            "__module__": __name__,
            "__qualname__": name,
        },
    )
    return cls


_inp = (("inplace", False),)

ReLU = _activation("ReLU", F.relu, _inp, lambda m: _inplace_suffix(m, ""))
SELU = _activation("SELU", F.selu, _inp, lambda m: _inplace_suffix(m, ""))
SiLU = _activation("SiLU", F.silu, _inp, lambda m: _inplace_suffix(m, ""))
Mish = _activation("Mish", F.mish, _inp, lambda m: _inplace_suffix(m, ""))
Hardsigmoid = _activation("Hardsigmoid", F.hardsigmoid, _inp)
Hardswish = _activation("Hardswish", F.hardswish, _inp)
LeakyReLU = _activation(
    "LeakyReLU", F.leaky_relu, (("negative_slope", 1e-2), *_inp),
    lambda m: f"negative_slope={m.negative_slope}{_inplace_suffix(m)}",
)  # fmt: skip
ELU = _activation(
    "ELU", F.elu, (("alpha", 1.0), *_inp),
    lambda m: f"alpha={m.alpha}{_inplace_suffix(m)}",
)  # fmt: skip
CELU = _activation(
    "CELU", F.celu, (("alpha", 1.0), *_inp),
    lambda m: f"alpha={m.alpha}{_inplace_suffix(m)}",
)  # fmt: skip
GELU = _activation(
    "GELU",
    F.gelu,
    (("approximate", "none"),),
    lambda m: f"approximate={m.approximate!r}",
)
Softplus = _activation(
    "Softplus", F.softplus, (("beta", 1.0), ("threshold", 20.0)),
    lambda m: f"beta={m.beta}, threshold={m.threshold}",
)  # fmt: skip
Softsign = _activation("Softsign", F.softsign)
Sigmoid = _activation("Sigmoid", F.sigmoid)
Tanh = _activation("Tanh", F.tanh)
LogSigmoid = _activation("LogSigmoid", F.logsigmoid)
Tanhshrink = _activation("Tanhshrink", F.tanhshrink)
Softmax = _activation("Softmax", F.softmax, (("dim", None),), lambda m: f"dim={m.dim}")
LogSoftmax = _activation(
    "LogSoftmax", F.log_softmax, (("dim", None),), lambda m: f"dim={m.dim}"
)
Softmin = _activation("Softmin", F.softmin, (("dim", None),), lambda m: f"dim={m.dim}")
Hardtanh = _activation(
    "Hardtanh", F.hardtanh, (("min_val", -1.0), ("max_val", 1.0), *_inp),
    lambda m: f"min_val={m.min_val}, max_val={m.max_val}{_inplace_suffix(m)}",
)  # fmt: skip
ReLU6 = _activation("ReLU6", F.relu6, _inp, lambda m: _inplace_suffix(m, ""))
Threshold = _activation(
    "Threshold", F.threshold, (("threshold", None), ("value", None), *_inp),
    lambda m: f"threshold={m.threshold}, value={m.value}{_inplace_suffix(m)}",
)  # fmt: skip
Softshrink = _activation(
    "Softshrink", F.softshrink, (("lambd", 0.5),), lambda m: str(m.lambd)
)
Hardshrink = _activation(
    "Hardshrink", F.hardshrink, (("lambd", 0.5),), lambda m: str(m.lambd)
)
GLU = _activation("GLU", F.glu, (("dim", -1),), lambda m: f"dim={m.dim}")
RReLU = _activation(
    "RReLU", F.rrelu, (("lower", 1.0 / 8), ("upper", 1.0 / 3), *_inp),
    lambda m: f"lower={m.lower}, upper={m.upper}{_inplace_suffix(m)}",
    call=lambda m, x: F.rrelu(x, m.lower, m.upper, m.training, m.inplace),
)  # fmt: skip


def _softmax2d(m: Module, x: Tensor) -> Tensor:
    if x.dim() not in (3, 4):
        raise ValueError(
            f"Softmax2d: expected input to be 3D or 4D, got {x.dim()}D instead"
        )
    return F.softmax(x, -3)


Softmax2d = _activation("Softmax2d", F.softmax, call=_softmax2d)


class PReLU(Module):
    """``torch.nn.PReLU``: ``max(0, x) + a * min(0, x)`` with a learnable ``a``.

    Args:
        num_parameters: 1, or the number of input channels (dim 1).
        init: initial value of ``a`` (default 0.25).
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(
            jnp.asarray(np.full((num_parameters,), init, np.float32))
        )

    def reset_parameters(self) -> None:
        self.weight._rebind(jnp.full_like(self.weight._data, self.init))

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


del math
