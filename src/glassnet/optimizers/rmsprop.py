"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """Divide the gradient by a running root-mean-square of recent gradients.

    v = rho v + (1 - rho) g^2; w -= lr g / sqrt(v + eps) (centred: sqrt(v - mean(g)^2 + eps));
    with momentum, the step is itself averaged: s = momentum s + lr g / sqrt(...); w -= s.
    As in Keras, epsilon is added under the square root (PyTorch adds it outside).

    Args:
        learning_rate: the step size.
        rho: decay of the running average of squared gradients.
        momentum: momentum of the step (0: none).
        epsilon: added to the mean square before the square root.
        centered: normalise by the estimated variance instead of the raw second moment.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0]))
    >>> optimizers.RMSprop(0.1, rho=0.0, epsilon=0.0).apply([np.array([4.0])], [w])
    >>> w.data
    array([0.9])
    """

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def build_state(self, variable):
        state = {"velocity": np.zeros_like(variable.data)}
        if self.momentum:
            state["momentum"] = np.zeros_like(variable.data)
        if self.centered:
            state["average_gradient"] = np.zeros_like(variable.data)
        return state

    def update(self, value, grad, lr, state, step):
        velocity = state["velocity"]
        velocity *= self.rho
        velocity += (1 - self.rho) * grad * grad
        if self.centered:
            average = state["average_gradient"]
            average *= self.rho
            average += (1 - self.rho) * grad
            denominator = velocity - average * average + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = lr * grad / np.sqrt(denominator)
        if self.momentum:
            momentum = state["momentum"]
            momentum *= self.momentum
            momentum += increment
            increment = momentum
        value -= increment

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
