"""EarlyStopping: stop training when a monitored quantity stops improving.

Example:

>>> import glassnet as keras
>>> keras.callbacks.EarlyStopping(monitor="val_accuracy").mode
'max'
"""

import warnings

from glassnet.callbacks.callback import Callback, monitor_mode


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: the logged quantity to watch ("val_loss", "accuracy"...).
        min_delta: the least change that counts as an improvement.
        patience: epochs without improvement before training stops.
        verbose: print when training stops and when best weights are restored.
        mode: "min", "max" or "auto" (see ``monitor_mode``).
        baseline: training stops unless the monitored value beats it within ``patience``.
        restore_best_weights: when stopping, put back the weights of the best epoch (as Keras,
            only when it actually stops early).
        start_from_epoch: epochs to wait before counting (warm-up).

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> stop = EarlyStopping(monitor="loss", min_delta=100.0)  # no epoch improves by 100
    >>> history = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=10, verbose=0,
    ...                     callbacks=[stop])
    >>> len(history.history["loss"]), stop.stopped_epoch
    (2, 1)
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.mode = monitor_mode(monitor, mode)
        self.min_delta = abs(min_delta)
        self.baseline, self.restore_best_weights, self.start_from_epoch = (
            baseline,
            restore_best_weights,
            start_from_epoch,
        )

    def _improved(self, value, reference):
        if reference is None:
            return True
        return (
            value < reference - self.min_delta
            if self.mode == "min"
            else value > reference + self.min_delta
        )

    def on_train_begin(self, logs=None):
        """Reset the count, the best value and the best weights."""
        self.wait, self.stopped_epoch, self.best, self.best_weights, self.best_epoch = (
            0,
            0,
            None,
            None,
            0,
        )

    def on_epoch_end(self, epoch, logs=None):
        """Count an epoch without improvement, and stop training after ``patience`` of them."""
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"EarlyStopping: the monitored quantity '{self.monitor}' is not in the logs "
                f"(available: {sorted(logs or {})})",
                stacklevel=2,
            )
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._improved(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose:
                    print(
                        "Restoring model weights from the end of the best epoch: "
                        f"{self.best_epoch + 1}."
                    )
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        """Report the epoch training stopped at (with ``verbose``)."""
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
