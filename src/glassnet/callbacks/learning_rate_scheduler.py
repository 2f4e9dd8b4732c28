"""LearningRateScheduler: the learning rate of each epoch from a function of the epoch.

Example:

>>> import glassnet as keras
>>> keras.callbacks.LearningRateScheduler(lambda epoch, rate: rate).verbose
0
"""

from glassnet.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch to ``schedule(epoch, rate)``.

    The rate in use is logged as "learning_rate" at the end of every epoch.

    Args:
        schedule: a function ``(epoch, current rate) -> new rate``, epochs counted from 0.
        verbose: print the new rate at the start of every epoch.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(keras.optimizers.SGD(0.1), "mse")
    >>> halve = LearningRateScheduler(lambda epoch, rate: rate / 2 if epoch else rate)
    >>> history = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=3, verbose=0,
    ...                     callbacks=[halve])
    >>> [round(rate, 3) for rate in history.history["learning_rate"]]
    [0.1, 0.05, 0.025]
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        """Set the optimizer's learning rate to ``schedule(epoch, rate)``."""
        rate = float(self.schedule(epoch, self.model.optimizer.learning_rate))
        self.model.optimizer.learning_rate = rate
        if self.verbose:
            print(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate:.4g}."
            )

    def on_epoch_end(self, epoch, logs=None):
        """Log the rate in use as "learning_rate"."""
        if logs is not None:
            logs["learning_rate"] = self.model.optimizer.learning_rate
