"""FTRL-Proximal: follow the regularised leader, the optimizer of large sparse linear models."""

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013) with Keras's formulas.

    With p = -learning_rate_power, l2 = l2_regularization_strength + beta / (2 lr) and
    g' = g + 2 * l2_shrinkage_regularization_strength * w:
    n' = n + g^2; z += g' - (n'^p - n^p) / lr * w; n = n';
    w = (clip(z, -l1, l1) - z) / (n'^p / lr + 2 l2).

    Args:
        learning_rate: the step size.
        learning_rate_power: <= 0; -0.5 is the usual 1/sqrt(n) decay.
        initial_accumulator_value: >= 0, the starting value of n.
        l1_regularization_strength: >= 0, drives weights to exactly zero.
        l2_regularization_strength: >= 0.
        l2_shrinkage_regularization_strength: >= 0, an L2 penalty on the gradient.
        beta: the beta of the paper (adds beta / (2 lr) to the L2 strength).
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([0.0, 0.0]))
    >>> opt = optimizers.Ftrl(0.1, l1_regularization_strength=0.5)
    >>> opt.apply([np.array([1.0, -0.2])], [w])
    >>> np.round(w.data, 4)
    array([-0.0477,  0.    ])
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
        **kwargs,
    ):
        super().__init__(learning_rate, **kwargs)
        checks = {
            "initial_accumulator_value": initial_accumulator_value,
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength,
        }
        for argument, number in checks.items():
            if number < 0:
                raise ValueError(f"Ftrl: {argument} must be >= 0, got {number}")
        if learning_rate_power > 0:
            raise ValueError(f"Ftrl: learning_rate_power must be <= 0, got {learning_rate_power}")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build_state(self, variable):
        return {
            "accumulator": np.full_like(variable.data, self.initial_accumulator_value),
            "linear": np.zeros_like(variable.data),
        }

    def update(self, value, grad, lr, state, step):
        accumulator, linear = state["accumulator"], state["linear"]
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        shrunk_grad = grad + 2 * self.l2_shrinkage_regularization_strength * value
        new_accumulator = accumulator + grad * grad
        new_power = new_accumulator**power
        linear += shrunk_grad - (new_power - accumulator**power) / lr * value
        quadratic = new_power / lr + 2 * l2
        value[...] = (np.clip(linear, -l1, l1) - linear) / quadratic
        accumulator[...] = new_accumulator

    def get_config(self):
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
