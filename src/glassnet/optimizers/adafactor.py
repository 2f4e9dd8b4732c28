"""Adafactor: Adam-like steps whose second moment of a matrix is stored as row and column means."""

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


def _rms(array):
    return float(np.sqrt(np.mean(np.square(array))))


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018) with Keras's formulas.

    At step t: rho = min(lr, 1/sqrt(t)); alpha = max(epsilon_2, rms(w)) * rho;
    b = 1 - t^beta_2_decay. For a variable with 2 or more dimensions the squared gradient
    (plus epsilon_1) is averaged over the last axis into r and over the second-to-last into c,
    r = b r + (1-b) mean_row, c = b c + (1-b) mean_col, v = (r / mean(r)) c (an outer product);
    otherwise v = b v + (1-b) (g^2 + epsilon_1). Then u = g / sqrt(v), u /= max(1, rms(u) /
    clip_threshold), w -= alpha u. ``relative_step`` is kept for Keras compatibility: Keras
    takes min(lr, 1/sqrt(t)) either way.

    Args:
        learning_rate: the upper bound of the relative step.
        beta_2_decay: exponent of the second-moment decay schedule.
        epsilon_1: added to the squared gradient.
        epsilon_2: the smallest weight RMS the step is scaled by.
        clip_threshold: the RMS the normalised update is clipped to.
        relative_step: kept for Keras compatibility.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([[1.0, -1.0], [2.0, 0.5]]))
    >>> optimizers.Adafactor(0.01).apply([np.ones((2, 2))], [w])
    >>> np.round(w.data, 4)
    array([[ 0.9875, -1.0125],
           [ 1.9875,  0.4875]])
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
        **kwargs,
    ):
        super().__init__(learning_rate, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build_state(self, variable):
        value = variable.data
        if value.ndim < 2:
            return {"velocity": np.zeros_like(value)}
        return {
            "row": np.zeros(value.shape[:-1], dtype=value.dtype),
            "column": np.zeros(value.shape[:-2] + value.shape[-1:], dtype=value.dtype),
            "velocity": np.zeros_like(value),
        }

    def update(self, value, grad, lr, state, step):
        rho = min(lr, 1 / np.sqrt(step))
        alpha = max(self.epsilon_2, _rms(value)) * rho
        decay = 1 - step**self.beta_2_decay
        squared = grad * grad + self.epsilon_1
        velocity = state["velocity"]
        if value.ndim >= 2:
            row, column = state["row"], state["column"]
            row[...] = decay * row + (1 - decay) * squared.mean(axis=-1)
            column[...] = decay * column + (1 - decay) * squared.mean(axis=-2)
            velocity[...] = (row / row.mean(axis=-1, keepdims=True))[..., None] * column[
                ..., None, :
            ]
        else:
            velocity[...] = decay * velocity + (1 - decay) * squared
        normalised = grad / np.sqrt(velocity)
        normalised /= max(1.0, _rms(normalised) / self.clip_threshold)
        value -= alpha * normalised

    def get_config(self):
        return {
            **super().get_config(),
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        }
