"""Pure optimizer update rules: ``init(params) -> State`` and
``update(grads, state, params, hyper) -> (new_params, new_state)`` over lists of arrays.

Each rule module exposes ``init``, ``update``, its ``State``/``Hyper`` NamedTuples and
``SHARED`` (the state fields computed once per group); ``compiled_update`` returns the
cached ``jax.jit`` of a rule's step for given static flags.
"""

from . import _adadelta as adadelta
from . import _adagrad as adagrad
from . import _adam as adam
from . import _adamax as adamax
from . import _nadam as nadam
from . import _radam as radam
from . import _rmsprop as rmsprop
from . import _sgd as sgd
from ._common import compiled_update as compiled_update

__all__ = [
    "adadelta",
    "adagrad",
    "adam",
    "adamax",
    "compiled_update",
    "nadam",
    "radam",
    "rmsprop",
    "sgd",
]
