"""Schedule-free AdamW: no learning-rate schedule; an averaged and an interpolated sequence."""

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW (Defazio et al., 2024) with Keras's formulas.

    The slot ``momentum`` is the sequence z the gradient steps move; the model weight is
    y = (1-b1) z + b1 x, where x, the running average of z, is recovered from y and z. At step t
    (lr scaled by min(t / warmup_steps, 1) during warmup): v = b2 v + (1-b2) g^2;
    z -= lr g / (sqrt(v / (1-b2^t)) + eps); x = (1 - 1/t) x + z / t; y = (1-b1) z + b1 x.

    Args:
        learning_rate: the step size.
        beta_1: the interpolation between z and x.
        beta_2: decay of the second moment.
        epsilon: added to the square root.
        warmup_steps: steps of linear warmup of the rate from 0.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0]))
    >>> optimizers.ScheduleFreeAdamW(0.1, epsilon=0.0).apply([np.array([5.0])], [w])
    >>> w.data
    array([0.9])
    """

    def __init__(
        self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.warmup_steps = warmup_steps

    def build_state(self, variable):
        return {"momentum": variable.data.copy(), "velocity": np.zeros_like(variable.data)}

    def update(self, value, grad, lr, state, step):
        if self.warmup_steps > 0:
            lr = lr * min(step / self.warmup_steps, 1.0)
        z, v = state["momentum"], state["velocity"]
        z_old = z.copy()
        v += (grad * grad - v) * (1 - self.beta_2)
        z -= lr * grad / (np.sqrt(v / (1 - self.beta_2**step)) + self.epsilon)
        weight = 1.0 / step
        x_old = (value - (1 - self.beta_1) * z_old) / self.beta_1
        x_new = (1 - weight) * x_old + weight * z
        value[...] = (1 - self.beta_1) * z + self.beta_1 * x_new

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "warmup_steps": self.warmup_steps,
        }
