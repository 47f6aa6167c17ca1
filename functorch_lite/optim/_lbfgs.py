from ._optimizer import Optimizer


class LBFGS(Optimizer):
    pass
