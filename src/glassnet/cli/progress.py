"""A one-line progress display per model: ``moons / one hidden layer  [=====>    ] 30/60  loss 0.31  acc 0.88``."""

import sys
import time

from glassnet.callbacks import Callback


class EpochLine(Callback):
    def __init__(self, label, stream=None, width=24):
        super().__init__()
        self.label, self.width, self.stream = label, width, stream or sys.stdout

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        total_epochs = self.params.get("epochs", epoch + 1)
        if not getattr(self.stream, "isatty", lambda: False)() and epoch + 1 < total_epochs:
            return  # redrawing a line only works on a terminal: elsewhere (logs, CI) show the final state
        total = self.params.get("epochs", epoch + 1)
        done = int(self.width * (epoch + 1) / total)
        bar = (
            "=" * max(done - 1, 0) + (">" if done < self.width else "=") + " " * (self.width - done)
        )
        numbers = "  ".join(
            f"{k.replace('accuracy', 'acc')} {v:.3f}"
            for k, v in logs.items()
            if k in ("loss", "accuracy", "val_accuracy")
        )
        prefix = "\r" if getattr(self.stream, "isatty", lambda: False)() else ""
        self.stream.write(
            f"{prefix}  {self.label:<34} [{bar}] {epoch + 1:>3}/{total}  {numbers}  {time.perf_counter() - self.start:.1f}s"
        )
        self.stream.flush()

    def on_train_end(self, logs=None):
        if not getattr(self.stream, "isatty", lambda: False)():
            self.stream.write("\n")
            self.stream.flush()
            return
        self.stream.write("\n")
        self.stream.flush()
