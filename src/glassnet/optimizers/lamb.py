"""LAMB: Adam's direction, rescaled per variable by the trust ratio ||w|| / ||update||."""

import math

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


class Lamb(Optimizer):
    """Layer-wise adaptive moments (You et al., 2019) with Keras's formulas.

    m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; u = (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps);
    r = ||w|| / ||u|| (1 when either norm is 0); w -= lr r u. Weight decay, when set, is the
    base class's decoupled decay before the step.

    Args:
        learning_rate: the step size.
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to the square root.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([3.0, 4.0]))
    >>> optimizers.Lamb(0.1, epsilon=0.0).apply([np.array([1.0, 1.0])], [w])
    >>> np.round(w.data, 4)
    array([2.6464, 3.6464])
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build_state(self, variable):
        return {"momentum": np.zeros_like(variable.data), "velocity": np.zeros_like(variable.data)}

    def update(self, value, grad, lr, state, step):
        m, v = state["momentum"], state["velocity"]
        m += (grad - m) * (1 - self.beta_1)
        v += (grad * grad - v) * (1 - self.beta_2)
        direction = (m / (1 - self.beta_1**step)) / (
            np.sqrt(v / (1 - self.beta_2**step)) + self.epsilon
        )
        weight_norm = math.sqrt(float(np.sum(value * value)))
        direction_norm = math.sqrt(float(np.sum(direction * direction)))
        ratio = weight_norm / direction_norm if weight_norm > 0 and direction_norm > 0 else 1.0
        value -= ratio * lr * direction

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
