"""``functorch_lite.optim``: PyTorch's optimizers over pure, jitted update rules."""

from . import lr_scheduler as lr_scheduler
from ._adadelta import Adadelta as Adadelta
from ._adagrad import Adagrad as Adagrad
from ._adam import Adam as Adam
from ._adam import AdamW as AdamW
from ._adamax import Adamax as Adamax
from ._lbfgs import LBFGS as LBFGS
from ._nadam import NAdam as NAdam
from ._optimizer import Optimizer as Optimizer
from ._radam import RAdam as RAdam
from ._rmsprop import RMSprop as RMSprop
from ._sgd import SGD as SGD

__all__ = [
    "LBFGS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "lr_scheduler",
]
