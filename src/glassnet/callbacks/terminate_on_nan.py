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
    ends after that batch.

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

    def on_train_batch_end(self, batch, logs=None):
        """Stop training when the batch's loss is NaN or infinite."""
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: invalid loss {loss}, terminating training")
            self.model.stop_training = True
