"""Callback: hooks the training loop calls at the start and end of training, epochs and
batches.

Example:

>>> monitor_mode("val_accuracy", "auto")
'max'
"""


class Callback:
    """Base class of callbacks: override any of the ``on_*`` hooks.

    ``self.model`` is the model being trained and ``self.params`` holds
    {'epochs', 'steps', 'verbose'}. ``logs`` is a dict of the values known at that point (the
    loss and metrics of the batch or epoch); a hook may add entries to it.

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
        """Called by the training loop with the model being trained."""
        self.model = model

    def set_params(self, params):
        """Called by the training loop with {'epochs', 'steps', 'verbose'}."""
        self.params = params

    def on_train_begin(self, logs=None):
        """Called once at the start of ``fit``."""

    def on_train_end(self, logs=None):
        """Called once at the end of ``fit``, also when training stops early."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of epoch ``epoch`` (counted from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of epoch ``epoch``; ``logs`` holds its loss and metrics, and the
        validation ones (``val_*``) when there is validation data."""

    def on_batch_begin(self, batch, logs=None):
        """Keras's older name of ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """Keras's older name of ``on_train_batch_end``."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before training batch ``batch`` of the epoch; calls ``on_batch_begin``."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after training batch ``batch``, ``logs`` holding the running loss and metrics;
        calls ``on_batch_end``."""
        self.on_batch_end(batch, logs=logs)

    def on_test_begin(self, logs=None):
        """Called at the start of ``evaluate`` (and of the validation inside ``fit``)."""

    def on_test_end(self, logs=None):
        """Called at the end of ``evaluate`` (and of the validation inside ``fit``)."""

    def on_test_batch_begin(self, batch, logs=None):
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after each evaluation batch."""

    def on_predict_begin(self, logs=None):
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs=None):
        """Called at the end of ``predict``."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after each prediction batch."""


class CallbackList:
    """Calls a hook on every callback, in order: ``callbacks.on_epoch_end(0, logs)``.

    Args:
        callbacks: the callbacks.
        model: the model they observe (given to each with ``set_model``).
        params: the training parameters (given to each with ``set_params``).

    Example:

    >>> import glassnet as keras
    >>> seen = []
    >>> first = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(1))
    >>> second = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(2))
    >>> keras.callbacks.CallbackList([first, second], model=None, params={}).on_epoch_end(0, {})
    >>> seen
    [1, 2]
    """

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
    """Whether a monitored quantity improves by going down ('min') or up ('max').

    Args:
        monitor: the name of the quantity, "val_" prefix allowed.
        mode: "min", "max", or "auto": max for accuracies, AUC, precision and recall, min for
            everything else (losses, errors).

    Returns:
        "min" or "max".

    Raises:
        ValueError: for another ``mode``.

    Example:

    >>> monitor_mode("val_loss", "auto"), monitor_mode("auc", "auto"), monitor_mode("x", "max")
    ('min', 'max', 'max')
    """
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode != "auto":
        return mode
    name = monitor.removeprefix("val_")
    return "max" if any(key in name for key in ("acc", "auc", "precision", "recall")) else "min"
