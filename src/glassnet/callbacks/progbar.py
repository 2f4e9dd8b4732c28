"""A Keras-style progress bar: ``469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step - loss: 0.4321 - accuracy: 0.8765``."""

import sys
import time


def format_value(value):
    if not isinstance(value, float):
        return str(value)
    return f"{value:.4f}" if value == 0 or 1e-3 <= abs(value) < 1e4 else f"{value:.4e}"


def format_logs(logs):
    return "".join(f" - {key}: {format_value(value)}" for key, value in logs.items())


def format_duration(seconds):
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{seconds:.0f}s"


def format_per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


class Progbar:
    """Redraws one line as steps complete (verbose=1) or prints a summary line at the end (verbose=2)."""

    def __init__(self, target, verbose=1, width=20, interval=0.05, stream=None):
        self.target, self.verbose, self.width, self.interval = target, verbose, width, interval
        self.stream = stream or sys.stdout
        self.start = time.perf_counter()
        self._last_draw = 0.0

    def update(self, step, logs=None, finalize=False):
        if self.verbose != 1:
            return
        now = time.perf_counter()
        if not finalize and now - self._last_draw < self.interval:
            return
        self._last_draw = now
        elapsed = now - self.start
        done = int(self.width * step / self.target) if self.target else self.width
        bar = (
            "\u2501" * done + " " * (self.width - done)
            if finalize
            else "\u2501" * done + "\u2500" * (self.width - done)
        )
        per_step = elapsed / max(step, 1)
        timing = (
            format_duration(elapsed)
            if finalize
            else f"{format_duration(per_step * (self.target - step))} left"
        )
        line = f"\r{step}/{self.target} {bar} {timing} {format_per_step(per_step)}{format_logs(logs or {})}"
        self.stream.write(line + ("\n" if finalize else ""))
        self.stream.flush()

    def summary_line(self, steps, logs):
        elapsed = time.perf_counter() - self.start
        self.stream.write(
            f"{steps}/{self.target} - {format_duration(elapsed)} - {format_per_step(elapsed / max(steps, 1))}{format_logs(logs)}\n"
        )
        self.stream.flush()
