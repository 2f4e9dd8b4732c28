"""LambdaCallback: a callback made from plain functions.

Example:

>>> import glassnet as keras
>>> callback = keras.callbacks.LambdaCallback(on_train_end=lambda logs: None)
>>> callable(callback.on_train_end)
True
"""

from glassnet.callbacks.callback import Callback


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``.

    Each function takes the arguments of the hook it replaces: ``(epoch, logs)`` for the epoch
    hooks, ``(batch, logs)`` for the batch hooks, ``(logs)`` for the train hooks.

    Args:
        **hooks: any of on_epoch_begin, on_epoch_end, on_train_begin, on_train_end,
            on_train_batch_begin, on_train_batch_end, on_batch_begin, on_batch_end (the last
            two are the older names of the train-batch hooks).

    Raises:
        TypeError: for another hook name.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> epochs = []
    >>> callback = LambdaCallback(on_epoch_end=lambda epoch, logs: epochs.append(epoch))
    >>> _ = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=3, verbose=0,
    ...               callbacks=[callback])
    >>> epochs
    [0, 1, 2]
    """

    _HOOKS = (
        "on_epoch_begin",
        "on_epoch_end",
        "on_train_begin",
        "on_train_end",
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_batch_begin",
        "on_batch_end",
    )

    def __init__(self, **hooks):
        super().__init__()
        unknown = set(hooks) - set(self._HOOKS)
        if unknown:
            raise TypeError(
                f"LambdaCallback: unknown hook(s) {sorted(unknown)}; valid: "
                f"{', '.join(self._HOOKS)}"
            )
        for name, function in hooks.items():
            if function is not None:
                target = {
                    "on_batch_begin": "on_train_batch_begin",
                    "on_batch_end": "on_train_batch_end",
                }.get(name, name)
                setattr(self, target, function)
