from glassnet.callbacks.callback import Callback
from glassnet.callbacks.progbar import Progbar, emit


class ProgbarLogger(Callback):
    """Prints 'Epoch i/n' and a progress bar (verbose=1) or one line per epoch (verbose=2)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.verbose, epochs, steps = (
            self.params.get("verbose", 1),
            self.params.get("epochs"),
            self.params.get("steps"),
        )
        if self.verbose:
            emit(f"Epoch {epoch + 1}/{epochs}")
        self._bar = Progbar(steps, verbose=self.verbose)
        self._seen = 0

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._bar.update(self._seen, logs, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose == 1:
            self._bar.update(self._seen, logs, finalize=True)
        elif self.verbose == 2:
            self._bar.summary_line(self._seen, logs or {})
