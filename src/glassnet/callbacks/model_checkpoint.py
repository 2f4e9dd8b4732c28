"""ModelCheckpoint: save the model or its weights during training.

Example:

>>> import glassnet as keras
>>> keras.callbacks.ModelCheckpoint("best.glassnet", save_best_only=True).mode
'min'
"""

import os
import warnings

from glassnet.callbacks.callback import Callback, monitor_mode
from glassnet.distribution import is_chief


class ModelCheckpoint(Callback):
    """Save the model (or only its weights) every epoch or every ``save_freq`` batches.

    With DataParallel only the chief process writes.

    Args:
        filepath: where to save; may hold format fields filled from the epoch (counted from 1)
            and the logs: "ckpt-{epoch:02d}-{val_loss:.2f}.weights.h5".
        monitor: the logged quantity ``save_best_only`` compares.
        verbose: print each save of a new best.
        save_best_only: save only when ``monitor`` improves.
        save_weights_only: save only the weights (``model.save_weights``).
        mode: "min", "max" or "auto" (see ``monitor_mode``).
        save_freq: "epoch", or a number of batches.
        initial_value_threshold: with ``save_best_only``, the value the first save must beat.

    Raises:
        ValueError: for a ``save_freq`` that is neither "epoch" nor a positive integer.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> directory = tempfile.mkdtemp()
    >>> checkpoint = ModelCheckpoint(os.path.join(directory, "m-{epoch}.glassnet"))
    >>> _ = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=2, verbose=0,
    ...               callbacks=[checkpoint])
    >>> sorted(os.listdir(directory))
    ['m-1.glassnet', 'm-2.glassnet']
    """

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__()
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.mode = monitor_mode(monitor, mode)
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(
                "ModelCheckpoint: save_freq must be 'epoch' or a positive number of batches, got "
                f"{save_freq!r}"
            )
        self.save_freq = save_freq
        self.best = initial_value_threshold
        self._batches = 0
        self._epoch = 0

    def _improved(self, value):
        return self.best is None or (value < self.best if self.mode == "min" else value > self.best)

    def _save(self, epoch, logs):
        if not is_chief():  # with DataParallel every process has the same weights: one writes
            return
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(
                    f"ModelCheckpoint: can save the best model only with '{self.monitor}' in the "
                    f"logs (available: {sorted(logs)})",
                    stacklevel=3,
                )
                return
            if not self._improved(current):
                return
            if self.verbose:
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best} to "
                    f"{current:.5f}, saving model to {path}"
                )
            self.best = current
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)

    def on_epoch_begin(self, epoch, logs=None):
        """Note the epoch, for the file names of batch-frequency saves."""
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        """Save every ``save_freq`` batches (when ``save_freq`` is a number)."""
        if self.save_freq != "epoch":
            self._batches += 1
            if self._batches % self.save_freq == 0:
                self._save(self._epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        """Save at the end of every epoch (when ``save_freq="epoch"``)."""
        if self.save_freq == "epoch":
            self._save(epoch, logs)
