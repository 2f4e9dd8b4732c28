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
    hooks, ``(batch, logs)`` for the batch hooks, ``(logs)`` for the begin/end hooks.

    Args:
        on_epoch_begin, on_epoch_end, on_train_begin, on_train_end, on_train_batch_begin,
            on_train_batch_end: the functions of those hooks (Keras's named arguments).
        **hooks: any other hook of ``Callback``: on_test_begin, on_test_batch_end,
            on_predict_batch_end..., and on_batch_begin / on_batch_end, the older names of the
            train-batch hooks.

    Raises:
        TypeError: for a name that is not a hook (a misspelt one would never be called).

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

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **hooks,
    ):
        super().__init__()
        known = sorted(name for name in dir(Callback) if name.startswith("on_"))
        unknown = sorted(set(hooks) - set(known))
        if unknown:
            raise TypeError(f"LambdaCallback: unknown hook(s) {unknown}; valid: {', '.join(known)}")
        hooks.update(
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
        )
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
