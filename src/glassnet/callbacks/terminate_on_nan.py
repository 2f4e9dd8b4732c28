"""TerminateOnNaN: stop training at the first batch whose loss is not finite.

Example:

>>> import glassnet as keras
>>> isinstance(keras.callbacks.TerminateOnNaN(), keras.callbacks.Callback)
True
"""

import math

from glassnet.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite.

    The batch is reported on standard output, and ``model.stop_training`` is set, so ``fit``
    ends after that batch (and every callback's ``on_train_end`` still runs).

    Args:
        raise_error: raise ``RuntimeError`` at once instead, so that no ``on_train_end`` runs
            (for example to keep a ``BackupAndRestore`` backup of the last good epoch).

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> callback = TerminateOnNaN()
    >>> callback.set_model(model)
    >>> callback.on_train_batch_end(3, {"loss": float("nan")})
    Batch 3: invalid loss nan, terminating training
    >>> model.stop_training
    True
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        """Stop training (or raise) when the batch's loss is NaN or infinite."""
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            if self.raise_error:
                raise RuntimeError(
                    f"TerminateOnNaN: loss {loss} at batch {batch}; training stopped at once"
                )
            print(f"Batch {batch}: invalid loss {loss}, terminating training")
            self.model.stop_training = True
