"""A one-line progress display per model:
``moons / one hidden layer  [=====>    ] 30/60  loss 0.31  acc 0.88``."""

import sys
import time

from glassnet.callbacks import Callback
from glassnet.callbacks.progbar import is_terminal


class EpochLine(Callback):
    """Redraws one line per model as epochs finish on a terminal; elsewhere (logs, CI), where a
    line cannot be redrawn, writes only the final state.

    Args:
        label: what is trained, shown at the start of the line.
        stream: where to write (default: stdout).
        width: characters of the bar.

    Example (a stream that is not a terminal: only the last epoch's line):

    >>> import io
    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> stream = io.StringIO()
    >>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
    ...               callbacks=[EpochLine("demo", stream=stream)])
    >>> stream.getvalue().split("]")[1].split()[0]
    '2/2'
    """

    def __init__(self, label, stream=None, width=24):
        super().__init__()
        self.label, self.width, self.stream = label, width, stream or sys.stdout

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        total = self.params.get("epochs", epoch + 1)
        terminal = is_terminal(self.stream)
        if not terminal and epoch + 1 < total:
            return
        done = int(self.width * (epoch + 1) / total)
        bar = (
            "=" * max(done - 1, 0) + (">" if done < self.width else "=") + " " * (self.width - done)
        )
        numbers = "  ".join(
            f"{k.replace('accuracy', 'acc')} {v:.3f}"
            for k, v in logs.items()
            if k in ("loss", "accuracy", "val_accuracy")
        )
        seconds = time.perf_counter() - self.start
        start = "\r" if terminal else ""
        self.stream.write(
            f"{start}  {self.label:<34} [{bar}] {epoch + 1:>3}/{total}  {numbers}  {seconds:.1f}s"
        )
        self.stream.flush()

    def on_train_end(self, logs=None):
        self.stream.write("\n")
        self.stream.flush()
