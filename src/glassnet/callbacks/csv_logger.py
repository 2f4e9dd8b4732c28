"""CSVLogger: one row per epoch in a CSV file.

Example:

>>> import os, tempfile
>>> import glassnet as keras
>>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
>>> keras.callbacks.CSVLogger(path, separator=";").separator
';'
"""

import csv
import os

from glassnet.callbacks.callback import Callback
from glassnet.distribution import is_chief


class CSVLogger(Callback):
    """Append one row per epoch (the epoch, then every logged value) to a CSV file.

    The columns are the epoch and the logs of the first epoch, sorted by name; a value missing
    in a later epoch is written "NA". With DataParallel only the chief process writes.

    Args:
        filename: the CSV file.
        separator: the column separator.
        append: add to an existing file (without a second header) instead of replacing it.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> _ = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=2, verbose=0,
    ...               callbacks=[CSVLogger(path)])
    >>> [line.split(",")[0] for line in open(path).read().splitlines()]
    ['epoch', '0', '1']
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.separator, self.append = os.fspath(filename), separator, append
        self._file = self._writer = self._keys = None

    def on_train_begin(self, logs=None):
        """Open the file (the chief process only)."""
        self._chief = is_chief()
        if not self._chief:  # with DataParallel only one process writes the log
            return
        exists = (
            self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        )
        self._file = open(self.filename, "a" if self.append else "w", newline="")
        self._header_written = exists
        self._keys = None

    def on_epoch_end(self, epoch, logs=None):
        """Write the epoch's row (and the header before the first one)."""
        if not self._chief:
            return
        logs = logs or {}
        if self._keys is None:
            self._keys = sorted(logs)
            self._writer = csv.DictWriter(
                self._file, fieldnames=["epoch", *self._keys], delimiter=self.separator
            )
            if not self._header_written:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **{key: logs.get(key, "NA") for key in self._keys}})
        self._file.flush()

    def on_train_end(self, logs=None):
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None
