"""SwapEMAWeights: evaluate and predict with the optimizer's moving average of the weights.

With ``use_ema=True`` an optimizer keeps, beside each weight, an exponential moving average of
it (the slot ``"average"``). This callback swaps the averages into the model for evaluation and
prediction during ``fit`` (and, with ``swap_on_epoch``, at each epoch's end, so that callbacks
such as ModelCheckpoint see them), then swaps the trained weights back.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
>>> model.compile(keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.9), "mse")
>>> swap = keras.callbacks.SwapEMAWeights(swap_on_epoch=True)
>>> x, y = np.ones((4, 1)), np.ones((4, 1))
>>> _ = model.fit(x, y, epochs=2, batch_size=2, verbose=0, callbacks=[swap])
>>> swap.swaps  # in after epoch 1, out before epoch 2, in after it (and kept)
3
"""

import numpy as np

from glassnet.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swap the moving averages of the weights in for evaluation and prediction.

    Args:
        swap_on_epoch: also put the averages into the model at the end of every epoch (and
            take them out at the start of the next), for the callbacks that run then.

    Raises:
        ValueError: at the first swap, when the optimizer was not created with ``use_ema=True``.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(keras.optimizers.SGD(0.1, use_ema=True), "mse")
    >>> swap = SwapEMAWeights()
    >>> x, y = np.ones((4, 1)), np.ones((4, 1))
    >>> _ = model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0, callbacks=[swap])
    >>> swap.swaps  # in for the validation, then out again
    2
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._averages_in_model = False
        self.swaps = 0

    def _ema_optimizers(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        inner = getattr(optimizer, "optimizers", None)
        if inner:
            chosen = [opt for opt in inner if getattr(opt, "use_ema", False)]
            if not chosen:
                raise ValueError(
                    "SwapEMAWeights: none of the MultiOptimizer's optimizers has use_ema=True; "
                    "create one with use_ema=True"
                )
            return chosen
        if not getattr(optimizer, "use_ema", False):
            raise ValueError(
                f"SwapEMAWeights needs an optimizer created with use_ema=True; "
                f"{type(optimizer).__name__} has use_ema={getattr(optimizer, 'use_ema', None)}"
            )
        return [optimizer]

    def _pairs(self):
        for optimizer in self._ema_optimizers():
            if not optimizer.built:
                continue
            for variable in optimizer._trainable_variables:
                average = optimizer.state_of(variable).get("average")
                if average is not None:
                    yield variable, average

    def _swap(self):
        for variable, average in self._pairs():
            trained = np.array(variable.data, copy=True)
            variable.data[...] = average
            average[...] = trained
        self._averages_in_model = not self._averages_in_model
        self.swaps += 1

    def _finalize(self):
        # the model already holds the averages: make them the averages too, so fit's own
        # finalize_variable_values at the end leaves them in place
        for variable, average in self._pairs():
            average[...] = variable.data

    def on_epoch_begin(self, epoch, logs=None):
        """Take the averages out again (with ``swap_on_epoch``)."""
        if self.swap_on_epoch and self._averages_in_model:
            self._swap()

    def on_epoch_end(self, epoch, logs=None):
        """Put the averages in (with ``swap_on_epoch``); after the last epoch they stay."""
        if self.swap_on_epoch and not self._averages_in_model:
            self._swap()
            if epoch == self.params.get("epochs", 0) - 1:
                self._finalize()

    def on_test_begin(self, logs=None):
        """Put the averages in for evaluation."""
        if not self._averages_in_model:
            self._swap()

    def on_test_end(self, logs=None):
        """Put the trained weights back."""
        if self._averages_in_model:
            self._swap()

    def on_predict_begin(self, logs=None):
        """Put the averages in for prediction."""
        if not self._averages_in_model:
            self._swap()

    def on_predict_end(self, logs=None):
        """Put the trained weights back."""
        if self._averages_in_model:
            self._swap()
