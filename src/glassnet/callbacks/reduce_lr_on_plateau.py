"""ReduceLROnPlateau: lower the learning rate when a monitored quantity stops improving.

Example:

>>> import glassnet as keras
>>> keras.callbacks.ReduceLROnPlateau(factor=0.5).factor
0.5
"""

import warnings

from glassnet.callbacks.callback import Callback, monitor_mode


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved for a while.

    The current rate is logged as "learning_rate" every epoch.

    Args:
        monitor: the logged quantity to watch.
        factor: what the rate is multiplied by, below 1.
        patience: epochs without improvement before the rate is reduced.
        verbose: print each reduction.
        mode: "min", "max" or "auto" (see ``monitor_mode``).
        min_delta: the least change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the rate is never reduced below this.
        **kwargs: Keras's older arguments are accepted and ignored.

    Raises:
        ValueError: for ``factor >= 1``.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(keras.optimizers.SGD(0.1), "mse")
    >>> reduce = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=100.0)
    >>> history = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=3, verbose=0,
    ...                     callbacks=[reduce])
    >>> [round(rate, 3) for rate in history.history["learning_rate"]]
    [0.1, 0.1, 0.05]
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be < 1, got {factor}")
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, verbose
        self.mode = monitor_mode(monitor, mode)
        self.min_delta, self.cooldown, self.min_lr = min_delta, cooldown, min_lr
        self.wait, self.cooldown_counter, self.best = 0, 0, None

    def _improved(self, value):
        if self.best is None:
            return True
        return (
            value < self.best - self.min_delta
            if self.mode == "min"
            else value > self.best + self.min_delta
        )

    def on_train_begin(self, logs=None):
        """Reset the count, the cooldown and the best value."""
        self.wait, self.cooldown_counter, self.best = 0, 0, None

    def on_epoch_end(self, epoch, logs=None):
        """Log the rate; reduce it after ``patience`` epochs without improvement."""
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = optimizer.learning_rate
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"ReduceLROnPlateau: the monitored quantity '{self.monitor}' is not in the logs "
                f"(available: {sorted(logs)})",
                stacklevel=2,
            )
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old = optimizer.learning_rate
                if old > self.min_lr:
                    optimizer.learning_rate = max(old * self.factor, self.min_lr)
                    if self.verbose:
                        print(
                            f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                            f"{optimizer.learning_rate:.4g}."
                        )
                    self.cooldown_counter, self.wait = self.cooldown, 0
