"""Stochastic gradient descent with optional (Nesterov) momentum, in Keras's form."""

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent, with momentum as Keras writes it.

    Without momentum: w -= lr g. With momentum: v = momentum v - lr g; w += v
    (Nesterov: w += momentum v - lr g).

    Args:
        learning_rate: the step size.
        momentum: in [0, 1]; 0 is plain gradient descent.
        nesterov: use Nesterov momentum.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0, 1.0]))
    >>> optimizers.SGD(0.1).apply([np.array([1.0, -2.0])], [w])
    >>> w.data
    array([0.9, 1.2])
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum}")
        self.momentum, self.nesterov = float(momentum), nesterov

    def build_state(self, variable):
        return {"momentum": np.zeros_like(variable.data)} if self.momentum else {}

    def update(self, value, grad, lr, state, step):
        if not self.momentum:
            value -= lr * grad
            return
        velocity = state["momentum"]
        velocity *= self.momentum
        velocity -= lr * grad
        if self.nesterov:
            value += self.momentum * velocity - lr * grad
        else:
            value += velocity

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
