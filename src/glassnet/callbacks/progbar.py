"""A Keras-style progress bar: ``469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step - loss: 0.4321``.

With interactive logging off (``glassnet.config.disable_interactive_logging()``) nothing is drawn
on the stream: only finished lines go to the ``"glassnet"`` logger, as Keras sends them to its log.

Example:

>>> import io
>>> from glassnet.utils import Progbar
>>> stream = io.StringIO()
>>> bar = Progbar(4, verbose=2, stream=stream)
>>> for step in range(1, 5):
...     bar.update(step, [("loss", float(step))])
>>> bar.update(4, [("loss", 4.0)], finalize=True)
>>> stream.getvalue().split(" - ")[-1].strip()  # the average of 1, 2, 3, 4 (and 4 again)
'loss: 2.8000'
"""

import logging
import sys
import time

from glassnet.backend.config import is_interactive_logging_enabled

_logger = logging.getLogger("glassnet")
_DONE, _TODO = "\u2501", "\u2500"


def format_value(value):
    """A metric value as the bar shows it: floats with 4 decimals (scientific when tiny or huge).

    Args:
        value: a float, or anything else (shown with ``str``).

    Returns:
        The text.

    Example:

    >>> format_value(0.123456), format_value(1e-5), format_value(3)
    ('0.1235', '1.0000e-05', '3')
    """
    if not isinstance(value, float):
        return str(value)
    return f"{value:.4f}" if value == 0 or 1e-3 <= abs(value) < 1e4 else f"{value:.4e}"


def format_logs(logs):
    """The `` - name: value`` pairs that follow the bar, in the order of ``logs``.

    Args:
        logs: a dict of metric name -> value.

    Returns:
        The text, empty for no logs.

    Example:

    >>> format_logs({"loss": 0.5, "epoch": 2})
    ' - loss: 0.5000 - epoch: 2'
    """
    return "".join(f" - {key}: {format_value(value)}" for key, value in logs.items())


def format_duration(seconds):
    """A duration as the bar shows it: "42s", "3:07" or "1:02:05".

    Args:
        seconds: the duration, in seconds.

    Returns:
        The text.

    Example:

    >>> format_duration(42.4), format_duration(187), format_duration(3725)
    ('42s', '3:07', '1:02:05')
    """
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{seconds:.0f}s"


def format_per_step(seconds, unit_name="step"):
    """Time per step as the bar shows it, in s, ms or us: "2s/step", "6ms/step", "15us/sample".

    Args:
        seconds: seconds per step.
        unit_name: what a step is called.

    Returns:
        The text.

    Example:

    >>> format_per_step(0.006), format_per_step(1.5e-5, "sample")
    ('6ms/step', '15us/sample')
    """
    if seconds >= 1:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def emit(text, stream=None):
    """Write one finished line: to ``stream``, or to the "glassnet" logger when interactive
    logging is off.

    Args:
        text: the line, without its newline.
        stream: a text stream; None means stdout.

    Example:

    >>> emit("done")
    done
    """
    if is_interactive_logging_enabled():
        stream = stream or sys.stdout
        stream.write(text + "\n")
        stream.flush()
    else:
        _logger.info(text)


def is_terminal(stream=None):
    """Whether ``stream`` redraws a line on a carriage return: a terminal or a Jupyter kernel,
    not a pipe or a file.

    Args:
        stream: a text stream; None means stdout.

    Example:

    >>> import io
    >>> is_terminal(io.StringIO())
    False
    """
    stream = stream or sys.stdout
    if "ipykernel" in sys.modules:
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Progbar:
    """A progress bar redrawn on one line as steps complete (verbose=1), or one summary line at
    the end (verbose=2); Keras's ``keras.utils.Progbar``.

    Args:
        target: the number of steps expected (None when unknown).
        width: characters of the bar.
        verbose: 0 silent, 1 the live bar, 2 one line when finished.
        interval: least seconds between redraws.
        stateful_metrics: names whose values are shown as given; the others are averaged over
            the steps so far.
        unit_name: what a step is called in "ms/step".
        stream: where to draw (default: stdout).

    Example:

    >>> import io
    >>> stream = io.StringIO()
    >>> bar = Progbar(2, verbose=2, stream=stream)
    >>> bar.update(1, [("loss", 1.0)])
    >>> bar.update(2, [("loss", 3.0)])
    >>> stream.getvalue().split(" - ")[-1].strip()
    'loss: 2.0000'
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        unit_name="step",
        stream=None,
    ):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.stateful_metrics = set(stateful_metrics or ())
        self.unit_name = unit_name
        self.stream = stream
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._seen_so_far = 0
        self._values = {}  # name -> [weighted sum, weight] or the stateful value

    def _shown_logs(self, values):
        if isinstance(values, dict):  # logs from fit are running values already: shown as given
            return dict(values)
        return {
            name: entry[0] / max(entry[1], 1) if isinstance(entry, list) else entry
            for name, entry in self._values.items()
        }

    def _accumulate(self, current, values):
        if values is None or isinstance(values, dict):
            return
        steps = max(current - self._seen_so_far, 1)
        for name, value in values:
            if name in self.stateful_metrics:
                self._values[name] = value
            else:
                entry = self._values.setdefault(name, [0.0, 0])
                entry[0] += float(value) * steps
                entry[1] += steps

    def update(self, current, values=None, finalize=None):
        """Show progress at step ``current``.

        Args:
            current: steps done so far.
            values: a list of (name, value) pairs (averaged unless stateful) or a dict of
                values shown as given.
            finalize: whether this is the last update; by default, when ``current`` reaches
                ``target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._accumulate(current, values)
        self._seen_so_far = current
        logs = self._shown_logs(values)
        if self.verbose == 2 and finalize:
            self.summary_line(current, logs)
            return
        if self.verbose != 1:
            return
        now = time.perf_counter()
        if not finalize and now - self._last_draw < self.interval:
            return
        self._last_draw = now
        elapsed = now - self.start
        per_step = elapsed / max(current, 1)
        if self.target is None:
            head, timing = f"{current}/Unknown", format_duration(elapsed)
        else:
            done = int(self.width * current / self.target) if self.target else self.width
            rest = (" " if finalize else _TODO) * (self.width - done)
            timing = (
                format_duration(elapsed)
                if finalize
                else f"{format_duration(per_step * (self.target - current))} left"
            )
            head = f"{current}/{self.target} {_DONE * done}{rest}"
        line = f"{head} {timing} {format_per_step(per_step, self.unit_name)}{format_logs(logs)}"
        if not is_interactive_logging_enabled():
            if finalize:
                _logger.info(line)
            return
        stream = self.stream or sys.stdout
        # a finished line in a pipe or file starts a line of its own: no carriage return there
        start = "\r" if not finalize or is_terminal(stream) else ""
        stream.write(start + line + ("\n" if finalize else ""))
        stream.flush()

    def add(self, n, values=None):
        """Advance by ``n`` steps (``update(seen + n, values)``)."""
        self.update(self._seen_so_far + n, values)

    def summary_line(self, steps, logs):
        """Write the one-line summary that verbose=2 shows at the end."""
        elapsed = time.perf_counter() - self.start
        per_step = format_per_step(elapsed / max(steps, 1), self.unit_name)
        emit(
            f"{steps}/{self.target} - {format_duration(elapsed)} - {per_step}{format_logs(logs)}",
            self.stream,
        )
