"""The progress display of ``fit``: Keras's ``keras.callbacks.ProgbarLogger``."""

import math

from glassnet.callbacks.callback import Callback
from glassnet.callbacks.progbar import Progbar, emit, is_terminal


class ProgbarLogger(Callback):
    """Prints 'Epoch i/n' and a progress bar (verbose=1) or one line per epoch (verbose=2).

    On a terminal the bar is redrawn as steps finish; in a pipe or a file (where a carriage
    return cannot redraw anything) verbose=1 writes only each epoch's finished line, so a log
    holds one line per epoch.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> _ = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=1, batch_size=2, verbose=2)
    Epoch 1/1
    2/2 - ...s - ...loss: ...
    """

    def on_epoch_begin(self, epoch, logs=None):
        self.verbose, epochs, steps = (
            self.params.get("verbose", 1),
            self.params.get("epochs"),
            self.params.get("steps"),
        )
        if self.verbose:
            emit(f"Epoch {epoch + 1}/{epochs}")
        interval = 0.05 if is_terminal() else math.inf  # in a pipe: only the finished line
        self._bar = Progbar(steps, verbose=self.verbose, interval=interval)
        self._seen = 0

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._bar.update(self._seen, logs, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose == 1:
            self._bar.update(self._seen, logs, finalize=True)
        elif self.verbose == 2:
            self._bar.summary_line(self._seen, logs or {})
