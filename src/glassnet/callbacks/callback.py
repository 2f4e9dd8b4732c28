"""Callback: hooks the training loop calls at the start and end of training, epochs and batches."""


class Callback:
    """Override any of the ``on_*`` hooks. ``self.model`` is the model being trained and
    ``self.params`` holds {'epochs', 'steps', 'verbose'}.

    ``on_batch_begin``/``on_batch_end`` are the older names of the training-batch hooks: by
    default ``on_train_batch_*`` call them, as in Keras.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> class CountBatches(keras.callbacks.Callback):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.batches = 0
    ...     def on_batch_end(self, batch, logs=None):
    ...         self.batches += 1
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> counter = CountBatches()
    >>> _ = model.fit(np.ones((10, 1)), np.ones((10, 1)), batch_size=4, verbose=0,
    ...               callbacks=[counter])
    >>> counter.batches
    3
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...


class CallbackList:
    """Calls a hook on every callback in order."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)

    def __getattr__(self, hook):
        if not hook.startswith("on_"):
            raise AttributeError(hook)

        def call_all(*args, **kwargs):
            for callback in self.callbacks:
                getattr(callback, hook)(*args, **kwargs)

        return call_all


def monitor_mode(monitor, mode):
    """'min' or 'max' for a monitored quantity; 'auto' picks max for accuracies, AUC, precision, recall."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode != "auto":
        return mode
    name = monitor.removeprefix("val_")
    return "max" if any(key in name for key in ("acc", "auc", "precision", "recall")) else "min"
