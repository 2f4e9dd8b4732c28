"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """v = rho v + (1 - rho) g^2; w -= lr g / (sqrt(v) + eps) (centred: v - mean(g)^2)."""

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
        denominator = velocity
        if self.centered:
            average = state["average_gradient"]
            average *= self.rho
            average += (1 - self.rho) * grad
            denominator = velocity - average * average
        increment = lr * grad / (np.sqrt(denominator) + self.epsilon)
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
