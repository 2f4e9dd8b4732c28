"""History: the record of every epoch's logs that ``fit`` returns.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
>>> model.compile("sgd", "mse")
>>> history = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=2, verbose=0)
>>> history.epoch, sorted(history.history)
([0, 1], ['loss'])
"""

from glassnet.callbacks.callback import Callback


class History(Callback):
    """Records every epoch's logs: ``history.history['loss']`` is the list of epoch losses.

    ``fit`` adds one to its callbacks and returns it; it is also ``model.history`` afterwards.

    Example:

    >>> history = History()
    >>> history.set_model(type("Model", (), {})())
    >>> history.on_train_begin()
    >>> history.on_epoch_end(0, {"loss": 0.5})
    >>> history.on_epoch_end(1, {"loss": 0.25})
    >>> history.history, history.epoch
    ({'loss': [0.5, 0.25]}, [0, 1])
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        """Start a new list of epochs (the values of earlier ``fit`` calls are kept)."""
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        """Append each logged value to its list."""
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self
