"""Lion: steps of fixed size in the direction of the sign of an interpolated momentum."""

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    """Evolved sign momentum (Chen et al., 2023) with Keras's formulas.

    w -= lr sign(b1 m + (1-b1) g); then m = b2 m + (1-b2) g.

    Args:
        learning_rate: the step size (typically 3-10x smaller than Adam's).
        beta_1: the interpolation for the step's direction, in (0, 1].
        beta_2: the momentum's decay.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0, 1.0, 1.0]))
    >>> optimizers.Lion(0.1).apply([np.array([0.3, -2.0, 0.0])], [w])
    >>> w.data
    array([0.9, 1.1, 1. ])
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(
                f"Lion: beta_1 must be in (0, 1] (else the optimizer is SignSGD), got {beta_1}"
            )
        self.beta_1, self.beta_2 = beta_1, beta_2

    def build_state(self, variable):
        return {"momentum": np.zeros_like(variable.data)}

    def update(self, value, grad, lr, state, step):
        m = state["momentum"]
        value -= lr * np.sign(m * self.beta_1 + grad * (1 - self.beta_1))
        m[...] = m * self.beta_2 + grad * (1 - self.beta_2)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
