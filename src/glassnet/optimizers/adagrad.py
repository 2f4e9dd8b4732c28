"""Adagrad and Adadelta: per-coordinate rates from accumulated squared gradients."""

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """Rates that shrink with the sum of past squared gradients.

    acc += g^2; w -= lr g / sqrt(acc + eps).

    Args:
        learning_rate: the step size.
        initial_accumulator_value: the accumulator's starting value.
        epsilon: added under the square root.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0]))
    >>> opt = optimizers.Adagrad(0.5, initial_accumulator_value=0.0, epsilon=0.0)
    >>> opt.apply([np.array([2.0])], [w])
    >>> w.data
    array([0.5])
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def build_state(self, variable):
        return {"accumulator": np.full_like(variable.data, self.initial_accumulator_value)}

    def update(self, value, grad, lr, state, step):
        accumulator = state["accumulator"]
        accumulator += grad * grad
        value -= lr * grad / np.sqrt(accumulator + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


class Adadelta(Optimizer):
    """Steps sized by the ratio of the running RMS of past updates to that of the gradients.

    a = rho a + (1 - rho) g^2; d = -sqrt(u + eps) / sqrt(a + eps) g; u = rho u + (1 - rho) d^2;
    w += lr d.

    Args:
        learning_rate: scales the step (1.0 is the paper's rule).
        rho: decay of both running averages.
        epsilon: added under the square roots.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0]))
    >>> optimizers.Adadelta(1.0, rho=0.0, epsilon=1.0).apply([np.array([3.0])], [w])
    >>> round(float(w.data[0]), 6)
    0.051317
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def build_state(self, variable):
        return {
            "accumulated_grad": np.zeros_like(variable.data),
            "accumulated_delta": np.zeros_like(variable.data),
        }

    def update(self, value, grad, lr, state, step):
        acc_grad, acc_delta = state["accumulated_grad"], state["accumulated_delta"]
        acc_grad *= self.rho
        acc_grad += (1 - self.rho) * grad * grad
        delta = -np.sqrt(acc_delta + self.epsilon) / np.sqrt(acc_grad + self.epsilon) * grad
        acc_delta *= self.rho
        acc_delta += (1 - self.rho) * delta * delta
        value += lr * delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
