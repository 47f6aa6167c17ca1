"""functorch_lite: PyTorch's ergonomics on JAX's engine.

``import functorch_lite as torch`` runs tensor, autograd, ``nn``, ``optim`` and data
code unchanged; every computation is a pure JAX function, compiled by XLA.
"""

from . import _config  # noqa: F401  (switches on JAX's 64-bit mode first)
from . import autograd as autograd
from . import cuda as cuda
from . import linalg as linalg  # noqa: E402
from ._device import device as device
from ._dtype import (
    bfloat16 as bfloat16,
)
from ._dtype import bool_ as bool  # noqa: A001  (PyTorch's name shadows the builtin here)
from ._dtype import (
    complex64 as complex64,
)
from ._dtype import (
    complex128 as complex128,
)
from ._dtype import (
    dtype as dtype,
)
from ._dtype import (
    float16 as float16,
)
from ._dtype import (
    float32 as float32,
)
from ._dtype import (
    float64 as float64,
)
from ._dtype import (
    get_default_dtype as get_default_dtype,
)
from ._dtype import (
    int8 as int8,
)
from ._dtype import (
    int16 as int16,
)
from ._dtype import (
    int32 as int32,
)
from ._dtype import (
    int64 as int64,
)
from ._dtype import (
    promote_types as promote_types,
)
from ._dtype import (
    result_type as result_type,
)
from ._dtype import (
    set_default_dtype as set_default_dtype,
)
from ._dtype import (
    uint8 as uint8,
)
from ._format import set_printoptions as set_printoptions
from ._ops import _all as _ops_all  # noqa: F401  (registers every op)
from ._ops import _return_types as return_types  # noqa: E402
from ._ops._activation import *  # noqa: F403
from ._ops._aliases import *  # noqa: F403
from ._ops._creation import *  # noqa: F403
from ._ops._dtype_info import *  # noqa: F403
from ._ops._index import *  # noqa: F403
from ._ops._info import *  # noqa: F403
from ._ops._inplace_forms import *  # noqa: F403
from ._ops._interop import *  # noqa: F403
from ._ops._linalg import *  # noqa: F403
from ._ops._linalg_legacy import *  # noqa: F403
from ._ops._pointwise import *  # noqa: F403
from ._ops._reduce import *  # noqa: F403
from ._ops._registry import install as _install
from ._ops._sampling import *  # noqa: F403
from ._ops._settings import *  # noqa: F403
from ._ops._shape import *  # noqa: F403
from ._ops._sort import *  # noqa: F403
from ._ops._special import *  # noqa: F403
from ._ops._stats import *  # noqa: F403
from ._ops._structure import *  # noqa: F403
from ._ops._ternary import *  # noqa: F403
from ._ops._windows import *  # noqa: F403
from ._random import Generator as Generator
from ._random import default_generator as default_generator
from ._random import get_rng_state as get_rng_state
from ._random import initial_seed as initial_seed
from ._random import manual_seed as manual_seed
from ._random import seed as seed
from ._random import set_rng_state as set_rng_state
from ._tensor import Size as Size
from ._tensor import Tensor as Tensor
from ._tensor import TracedValueError as TracedValueError
from .autograd import enable_grad as enable_grad
from .autograd import inference_mode as inference_mode
from .autograd import no_grad as no_grad
from .autograd import set_grad_enabled as set_grad_enabled
from .autograd._grad_mode import is_grad_enabled as is_grad_enabled
from .autograd._grad_mode import is_inference_mode_enabled as is_inference_mode_enabled

__version__ = "0.1.0"
e, pi, inf, nan = 2.718281828459045, 3.141592653589793, float("inf"), float("nan")
newaxis = None

# Transforms and the optional namespaces load on first use: ``import functorch_lite``
# stays close to ``import jax`` in cost (BENCHMARKS.md).
_LAZY_MODULES = {"nn", "optim", "utils", "serialization", "safetensors", "func",
                 "transforms", "vision", "lowering", "export", "compiler", "accelerator",
                 "amp", "distributed"}  # fmt: skip
_LAZY_NAMES = {
    "compile": ("transforms", "compile"), "jit": ("transforms", "jit"),
    "vmap": ("transforms", "vmap"), "cond": ("transforms", "cond"),
    "while_loop": ("transforms", "while_loop"), "scan": ("transforms", "scan"),
    "fori_loop": ("transforms", "fori_loop"),
    "save": ("serialization", "save"), "load": ("serialization", "load"),
}  # fmt: skip
# ``torch.conv2d``, ``torch.batch_norm``, ``torch.dropout``...: the functionals under
# their ATen signatures (``nn/functional/_torch_forms.py``), loaded with ``nn``.
_FUNCTIONAL_FORMS = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "cosine_similarity",
    "pairwise_distance",
    "pdist",
    "bilinear",
    "group_norm",
    "layer_norm",
    "rms_norm",
    "adaptive_avg_pool1d",
    "avg_pool1d",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool3d",
    "pixel_shuffle",
    "pixel_unshuffle",
    "dropout",
    "dropout_",
    "feature_dropout",
    "feature_dropout_",
    "alpha_dropout",
    "alpha_dropout_",
    "feature_alpha_dropout",
    "feature_alpha_dropout_",
    "batch_norm",
    "instance_norm",
    "embedding",
    "adaptive_max_pool1d",
    "kl_div",
    "binary_cross_entropy_with_logits",
    "cosine_embedding_loss",
    "margin_ranking_loss",
    "hinge_embedding_loss",
    "triplet_margin_loss",
    "poisson_nll_loss",
    "constant_pad_nd",
    "channel_shuffle",
    "native_channel_shuffle",
]
_LAZY_NAMES.update({n: ("nn.functional._torch_forms", n) for n in _FUNCTIONAL_FORMS})


def __getattr__(name: str) -> object:
    import importlib

    if name == "safetensors":
        return importlib.import_module(f"{__name__}.serialization.safetensors")
    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:
        module, attr = _LAZY_NAMES[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    raise AttributeError(f"module 'functorch_lite' has no attribute {name!r}")


half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128

_install()
